//! R10 pauses as a record: one press by a performer in the scene or a coordinator, no reason
//! asked, "Paused" until a coordinator resolves it; which pauses, and whose, each viewer may see.

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::Result;
use crate::productions::Member;
use crate::schedule::board::DayView;
use crate::vocab::Role;

/// A pause as the on-set page, the report and the scene page show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PauseRow {
    pub pause_id: i64,
    pub shoot_day_id: i64,
    pub shoot_date: time::Date,
    pub scene_id: i64,
    pub number: String,
    pub paused_by: Option<i64>,
    pub paused_by_name: Option<String>,
    pub paused_as: String,
    pub paused_at: OffsetDateTime,
    pub resolved_at: Option<OffsetDateTime>,
    pub resolved_by_name: Option<String>,
    pub resolution_note: String,
}

impl PauseRow {
    pub fn open(&self) -> bool {
        self.resolved_at.is_none()
    }
    /// How the producers' report names the pauser (see `pauser_role`).
    pub fn by_role(&self) -> &'static str {
        pauser_role(&self.paused_as)
    }
}

/// "the intimacy coordinator" or "a performer in the scene": how pages that must not say who
/// paused (the producer's dashboard, the daily report, DOMAIN §4) name the pauser.
pub fn pauser_role(paused_as: &str) -> &'static str {
    if paused_as == "coordinator" {
        "the intimacy coordinator"
    } else {
        "a performer in the scene"
    }
}

/// A pause as this viewer may see it.
pub struct PauseView {
    pub pause_id: i64,
    /// The pauser's name for coordinators and directors, "You" for the pauser, else the role.
    pub by: String,
    pub at: String,
    pub open: bool,
    /// "Resolved at 14:20 by Morgan Ellis".
    pub resolved: String,
    pub note: String,
    /// "Tue 24 Nov 2026".
    pub date: String,
}

impl PauseView {
    pub fn of(member: &Member, p: &PauseRow) -> PauseView {
        let zone = &member.production.zone;
        let by = if p.paused_by == Some(member.user.user_id) {
            "you".to_string()
        } else if sees_pausers(member) {
            p.paused_by_name
                .clone()
                .unwrap_or_else(|| p.by_role().to_string())
        } else {
            p.by_role().to_string()
        };
        PauseView {
            pause_id: p.pause_id,
            by,
            at: zone.clock_time(p.paused_at),
            open: p.open(),
            resolved: p
                .resolved_at
                .map(|at| match &p.resolved_by_name {
                    Some(name) => format!("Resolved at {} by {name}", zone.clock_time(at)),
                    None => format!("Resolved at {}", zone.clock_time(at)),
                })
                .unwrap_or_default(),
            note: p.resolution_note.clone(),
            date: crate::clock::format_date(p.shoot_date),
        }
    }
}

/// Who may see who paused, and every pause: coordinators and directors. Producers see that a
/// scene is paused, not by whom; a performer sees only their own pauses.
fn sees_pausers(member: &Member) -> bool {
    member.is(Role::Coordinator) || member.is(Role::Director)
}

/// The pauses this member may see, on one day and/or one scene, oldest first.
pub async fn visible(
    pool: &PgPool,
    member: &Member,
    shoot_day_id: Option<i64>,
    scene_id: Option<i64>,
) -> Result<Vec<PauseRow>> {
    let only_own = member.is(Role::Performer).then_some(member.user.user_id);
    Ok(sqlx::query_as(
        "select p.pause_id, p.shoot_day_id, d.shoot_date, p.scene_id, s.number, p.paused_by,
                u.name as paused_by_name, p.paused_as, p.paused_at, p.resolved_at,
                r.name as resolved_by_name, p.resolution_note
         from pause p
         join scene s on s.scene_id = p.scene_id
         join shoot_day d on d.shoot_day_id = p.shoot_day_id
         left join app_user u on u.user_id = p.paused_by
         left join app_user r on r.user_id = p.resolved_by
         where p.production_id = $1
           and ($2::bigint is null or p.shoot_day_id = $2)
           and ($3::bigint is null or p.scene_id = $3)
           and ($4::bigint is null or p.paused_by = $4)
         order by p.paused_at, p.pause_id",
    )
    .bind(member.production.production_id)
    .bind(shoot_day_id)
    .bind(scene_id)
    .bind(only_own)
    .fetch_all(pool)
    .await?)
}

/// Marks each strip with an open pause this member may see as "Paused". One query.
pub async fn mark_paused(pool: &PgPool, member: &Member, days: &mut [DayView]) -> Result<()> {
    let only_own = member.is(Role::Performer).then_some(member.user.user_id);
    let open: Vec<(i64, i64)> = sqlx::query_as(
        "select distinct shoot_day_id, scene_id from pause
         where production_id = $1 and resolved_at is null
           and ($2::bigint is null or paused_by = $2)",
    )
    .bind(member.production.production_id)
    .bind(only_own)
    .fetch_all(pool)
    .await?;
    for strip in days.iter_mut().flat_map(|d| d.strips.iter_mut()) {
        strip.paused = open.contains(&(strip.shoot_day_id, strip.scene_id));
    }
    Ok(())
}
