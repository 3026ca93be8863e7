//! The riders list: every rider of the production for staff, a performer's own delivered ones
//! for them, with the notice deadline each was (or is still) due by.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::{Duration, OffsetDateTime};

use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::vocab::RiderStatus;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::{Ctx, render};

use super::reading::maybe_time;

#[derive(sqlx::FromRow)]
struct ListRow {
    rider_id: i64,
    status: RiderStatus,
    cast_number: i32,
    performer_name: String,
    delivered_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
    first_call: Option<OffsetDateTime>,
    scenes: Option<String>,
    stale: bool,
}

struct ListItem {
    rider_id: i64,
    performer: String,
    scenes: String,
    status: &'static str,
    delivered: String,
    deadline: String,
    /// Delivered after the notice deadline, or still undelivered past it.
    late: bool,
    revocable: bool,
    /// "Withdraw consent" or, unsigned, "Decline this rider".
    no_word: &'static str,
}

#[derive(Template)]
#[template(path = "consent/rider_list.html")]
struct ListPage {
    ctx: Ctx,
    member: Member,
    riders: Vec<ListItem>,
    can_draft: bool,
    is_performer: bool,
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::ReadRiders)?;
    let performer = member.is(Role::Performer).then_some(member.user.user_id);
    // One query: the covered scenes and the earliest call among their shoot days come from
    // correlated subqueries, so the page costs the same whatever the number of riders.
    let rows: Vec<ListRow> = sqlx::query_as(
        "select r.rider_id, r.status, c.cast_number, c.name as performer_name, r.delivered_at,
                r.revoked_at,
                (select min(d.call_at) from rider_scene rs
                   join shoot_day_scene ds using (scene_id)
                   join shoot_day d using (shoot_day_id)
                 where rs.rider_id = r.rider_id) as first_call,
                (select string_agg(s.number, ', ' order by s.sort_key collate \"C\")
                 from rider_scene rs join scene s using (scene_id)
                 where rs.rider_id = r.rider_id) as scenes,
                exists (select 1 from rider_scene rs join scene s using (scene_id)
                        where rs.rider_id = r.rider_id
                          and s.current_version_id is distinct from rs.scene_version_id
                          and s.current_version_id is distinct from rs.carried_to_version_id) as stale
         from rider r join cast_member c using (cast_member_id)
         where r.production_id = $1
           and ($2::bigint is null or (c.user_id = $2 and r.status <> 'drafted'))
         order by c.cast_number, r.rider_id desc",
    )
    .bind(member.production.production_id)
    .bind(performer)
    .fetch_all(&state.pool)
    .await?;
    let notice = Duration::hours(i64::from(member.production.notice_hours));
    let now = OffsetDateTime::now_utc();
    let production = &member.production;
    let riders = rows
        .into_iter()
        .map(|r| {
            let deadline = r.first_call.map(|call| call - notice);
            let late = match (deadline, r.delivered_at) {
                (Some(deadline), Some(delivered)) => delivered > deadline,
                (Some(deadline), None) => now > deadline,
                _ => false,
            };
            ListItem {
                rider_id: r.rider_id,
                performer: format!("#{} {}", r.cast_number, r.performer_name),
                scenes: r.scenes.unwrap_or_default(),
                status: r.status.label(r.stale),
                delivered: maybe_time(production, r.delivered_at),
                deadline: deadline
                    .map(|d| production.zone.moment(d))
                    .unwrap_or_else(|| "Not scheduled yet".into()),
                late,
                revocable: performer.is_some() && r.revoked_at.is_none() && r.status.is_live(),
                no_word: super::lifecycle::no_word(r.status),
            }
        })
        .collect();
    render(&ListPage {
        ctx,
        can_draft: member.can(Action::DraftRiders),
        is_performer: member.is(Role::Performer),
        member,
        riders,
    })
}
