//! A performer's home in a production: the scenes they are in, their riders with the notice
//! deadline, one clear way to withdraw consent, their boundaries and who viewed their records.

use std::sync::Arc;

use askama::Template;
use axum::response::Response;
use time::{Date, Duration, OffsetDateTime};

use crate::clock::format_date;
use crate::consent::status::{self, Only};
use crate::error::Result;
use crate::productions::Member;
use crate::rules::cleared::StatusLine;
use crate::vocab::RiderStatus;
use crate::web::AppState;
use crate::web::{Ctx, render};

#[derive(sqlx::FromRow)]
struct Me {
    cast_member_id: i64,
    cast_number: i32,
    character_name: String,
}

#[derive(sqlx::FromRow)]
struct MyScene {
    scene_id: i64,
    number: String,
    int_ext: String,
    set_name: String,
    time_of_day: String,
    next_shoot: Option<Date>,
}

/// A scene of mine, ready to show.
pub struct SceneItem {
    pub scene_id: i64,
    pub number: String,
    pub heading: String,
    pub next_shoot: String,
}

#[derive(sqlx::FromRow)]
struct MyRider {
    rider_id: i64,
    status: RiderStatus,
    delivered_at: Option<OffsetDateTime>,
    first_call: Option<OffsetDateTime>,
    stale: bool,
    scenes: Vec<String>,
}

/// A rider of mine, ready to show.
pub struct RiderItem {
    pub rider_id: i64,
    pub scenes: String,
    pub status: &'static str,
    pub tone: &'static str,
    pub delivered: String,
    pub deadline: String,
    /// Consent that is still mine to withdraw.
    pub revocable: bool,
    /// "Withdraw consent" or, unsigned, "Decline this rider".
    pub no_word: &'static str,
}

#[derive(Template)]
#[template(path = "dashboard/performer.html")]
struct PerformerPage<'a> {
    ctx: Ctx,
    member: Member,
    linked: bool,
    cast_label: &'a str,
    scenes: &'a [SceneItem],
    riders: &'a [RiderItem],
    consent: &'a [StatusLine],
}

pub(super) async fn page(state: &AppState, ctx: Ctx, member: Member) -> Result<Response> {
    // Kept per performer (never shared with anyone else's view) by production revision (cast,
    // scenes, schedule, riders and consent all move it) and minute (deadlines and the next
    // shoot count from today).
    let minute = crate::web::cache::this_minute();
    let data: Arc<PerformerData> = state
        .pages
        .get_or_compute_with(
            member.production.production_id,
            "performer home",
            ctx.lang,
            &format!("performer {}", member.user.user_id),
            member.production.revision,
            minute,
            || PerformerData::load(state, &member),
        )
        .await?;
    let PerformerData {
        linked,
        cast_label,
        scenes,
        riders,
        consent,
    } = &*data;
    render(&PerformerPage {
        ctx,
        member,
        linked: *linked,
        cast_label,
        scenes,
        riders,
        consent,
    })
}

/// What a performer's home shows them.
struct PerformerData {
    linked: bool,
    cast_label: String,
    scenes: Vec<SceneItem>,
    riders: Vec<RiderItem>,
    consent: Vec<StatusLine>,
}

impl PerformerData {
    async fn load(state: &AppState, member: &Member) -> Result<PerformerData> {
        let production = &member.production;
        let me: Option<Me> = sqlx::query_as(
            "select cast_member_id, cast_number, character_name from cast_member
             where production_id = $1 and user_id = $2",
        )
        .bind(production.production_id)
        .bind(member.user.user_id)
        .fetch_optional(&state.pool)
        .await?;
        let Some(me) = me else {
            return Ok(PerformerData {
                linked: false,
                cast_label: String::new(),
                scenes: Vec::new(),
                riders: Vec::new(),
                consent: Vec::new(),
            });
        };
        let scenes: Vec<MyScene> = sqlx::query_as(
            "select s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day,
                    (select min(d.shoot_date) from shoot_day_scene p
                       join shoot_day d on d.shoot_day_id = p.shoot_day_id
                     where p.scene_id = s.scene_id and d.shoot_date >= current_date) as next_shoot
             from scene s join scene_cast sc on sc.scene_id = s.scene_id
             where sc.cast_member_id = $1 and not s.omitted
             order by s.sort_key collate \"C\"",
        )
        .bind(me.cast_member_id)
        .fetch_all(&state.pool)
        .await?;
        let riders: Vec<MyRider> = sqlx::query_as(&format!(
            "select r.rider_id, r.status, r.delivered_at,
                    {next_call} as first_call,
                    {stale} as stale,
                    array(select s.number from rider_scene rs join scene s on s.scene_id = rs.scene_id
                          where rs.rider_id = r.rider_id order by s.sort_key collate \"C\") as scenes
             from rider r
             where r.cast_member_id = $1 and r.status <> 'drafted'
             order by r.rider_id desc",
            next_call = crate::consent::riders::next_call_sql("r.rider_id"),
            stale = crate::consent::riders::stale_sql("r.rider_id"),
        ))
        .bind(me.cast_member_id)
        .fetch_all(&state.pool)
        .await?;
        let statuses =
            status::production_status(&state.pool, production, Only::Performer(me.cast_member_id))
                .await?;
        let mine: Vec<_> = statuses
            .into_iter()
            .filter(|s| scenes.iter().any(|m| m.scene_id == s.scene_id))
            .collect();
        let consent = status::lines_for(&mine, Some(me.cast_member_id));

        let notice = Duration::hours(i64::from(production.notice_hours));
        let riders = riders
            .into_iter()
            .map(|r| RiderItem {
                rider_id: r.rider_id,
                scenes: r.scenes.join(", "),
                status: r.status.label(r.stale),
                tone: r.status.tone(r.stale),
                delivered: r
                    .delivered_at
                    .map(|t| production.zone.moment(t))
                    .unwrap_or_default(),
                deadline: r
                    .first_call
                    .map(|call| production.zone.moment(call - notice))
                    .unwrap_or_default(),
                revocable: r.status.is_live(),
                no_word: crate::consent::riders::lifecycle::no_word(r.status),
            })
            .collect();
        let scenes = scenes
            .into_iter()
            .map(|s| SceneItem {
                scene_id: s.scene_id,
                heading: crate::scenes::heading_text(&s.int_ext, &s.set_name, &s.time_of_day),
                number: s.number,
                next_shoot: s.next_shoot.map(format_date).unwrap_or_default(),
            })
            .collect();
        let cast_label = if me.character_name.is_empty() {
            format!("cast #{}", me.cast_number)
        } else {
            format!("cast #{}, playing {}", me.cast_number, me.character_name)
        };
        Ok(PerformerData {
            linked: true,
            cast_label,
            scenes,
            riders,
            consent,
        })
    }
}
