//! The intimacy coordinator's work queue: riders to draft, deliver or chase against the notice
//! clock, first meetings missing, stale riders, recent revocations and follow-ups due.

use askama::Template;
use axum::response::Response;
use time::{Duration, OffsetDateTime};

use crate::clock::countdown;
use crate::consent::conversations::{self, FollowUp};
use crate::consent::status;
use crate::error::Result;
use crate::productions::Member;
use crate::rules::cleared::StatusLine;
use crate::rules::facts::Problem;
use crate::scenes::import::{ScriptReview, script_reviews};
use crate::vocab::RiderStatus;
use crate::web::AppState;
use crate::web::{Ctx, render};

#[derive(sqlx::FromRow)]
struct RiderWork {
    rider_id: i64,
    status: RiderStatus,
    performer: String,
    delivered_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
    first_call: Option<OffsetDateTime>,
    stale: bool,
    scenes: Vec<String>,
}

/// A rider on the work queue, ready to show.
pub struct RiderItem {
    pub rider_id: i64,
    pub performer: String,
    pub scenes: String,
    pub status: &'static str,
    pub tone: &'static str,
    /// "Deliver by Tue 24 Nov 2026, 07:00 (Europe/London) — in 2 days 5 h" or empty.
    pub clock: String,
    pub overdue: bool,
    pub when: String,
}

#[derive(Template)]
#[template(path = "dashboard/coordinator.html")]
struct CoordinatorPage {
    ctx: Ctx,
    member: Member,
    to_draft: Vec<String>,
    to_deliver: Vec<RiderItem>,
    to_chase: Vec<RiderItem>,
    stale: Vec<RiderItem>,
    revoked: Vec<RiderItem>,
    first_meetings: Vec<(i64, String)>,
    follow_ups: Vec<FollowUp>,
    consent: Vec<StatusLine>,
    script_reviews: Vec<ScriptReview>,
}

pub(super) async fn page(state: &AppState, ctx: Ctx, member: Member) -> Result<Response> {
    let production = &member.production;
    let production_id = production.production_id;
    // The riders and clearance are production-wide: computed once per revision and minute
    // (every input moves the revision), not once per view.
    let minute = crate::web::cache::this_minute();
    let riders = state
        .pages
        .get_or_compute_value(
            production_id,
            "coordinator-riders",
            production.revision,
            minute,
            || rider_work(state, production_id),
        )
        .await?;
    let statuses = status::production_status_shared(state, production).await?;
    let first_meetings = conversations::first_meeting_missing(&state.pool, production_id).await?;
    let follow_ups =
        conversations::open_follow_ups(&state.vault, &state.pool, production_id).await?;
    let script_reviews = script_reviews(&state.pool, production_id).await?;

    let now = OffsetDateTime::now_utc();
    let notice = Duration::hours(i64::from(production.notice_hours));
    let item = |r: &RiderWork, clock_from: Option<OffsetDateTime>| {
        let deadline = r.first_call.map(|call| call - notice);
        let (clock, overdue) = match (clock_from, deadline) {
            (Some(_), Some(deadline)) => (
                format!(
                    "Deliver by {} — {}",
                    production.zone.moment(deadline),
                    countdown(now, deadline)
                ),
                deadline <= now,
            ),
            _ => (String::new(), false),
        };
        RiderItem {
            rider_id: r.rider_id,
            performer: r.performer.clone(),
            scenes: r.scenes.join(", "),
            status: r.status.label(r.stale),
            tone: r.status.tone(r.stale),
            clock,
            overdue,
            when: r
                .revoked_at
                .or(r.delivered_at)
                .map(|t| production.zone.moment(t))
                .unwrap_or_default(),
        }
    };
    let to_deliver = riders
        .iter()
        .filter(|r| r.status == RiderStatus::Drafted)
        .map(|r| item(r, Some(now)))
        .collect();
    let to_chase = riders
        .iter()
        .filter(|r| r.status.is_awaiting_signature())
        .map(|r| item(r, r.delivered_at))
        .collect();
    let stale = riders
        .iter()
        .filter(|r| r.status == RiderStatus::Signed && r.stale)
        .map(|r| item(r, None))
        .collect();
    let revoked = riders
        .iter()
        .filter(|r| r.revoked_at.is_some_and(|t| now - t < Duration::days(14)))
        .map(|r| item(r, None))
        .collect();
    // Who the breakdown asks something of, with no rider at all yet.
    let mut to_draft: Vec<String> = statuses
        .iter()
        .filter_map(|s| match &s.clearance {
            crate::rules::facts::Clearance::Blocked(reasons) => Some((s, reasons)),
            _ => None,
        })
        .flat_map(|(s, reasons)| {
            reasons
                .iter()
                .filter(|r| r.problem == Problem::NoRider)
                .map(move |r| format!("{} — scene {}", r.who, s.number))
        })
        .collect();
    to_draft.sort();
    to_draft.dedup();
    let consent = status::lines_for(&statuses, None)
        .into_iter()
        .filter(|l| l.css == "status-blocked")
        .collect();
    render(&CoordinatorPage {
        ctx,
        member,
        to_draft,
        to_deliver,
        to_chase,
        stale,
        revoked,
        first_meetings,
        follow_ups,
        consent,
        script_reviews,
    })
}

/// Every rider of the production with what the work queue sorts it by.
async fn rider_work(state: &AppState, production_id: i64) -> sqlx::Result<Vec<RiderWork>> {
    sqlx::query_as(&format!(
        "select r.rider_id, r.status, '#' || c.cast_number || ' ' || c.name as performer,
                r.delivered_at, r.revoked_at,
                {next_call} as first_call,
                {stale} as stale,
                array(select s.number from rider_scene rs join scene s on s.scene_id = rs.scene_id
                      where rs.rider_id = r.rider_id order by s.sort_key collate \"C\") as scenes
         from rider r join cast_member c using (cast_member_id)
         where r.production_id = $1
         order by c.cast_number, r.rider_id",
        next_call = crate::consent::riders::next_call_sql("r.rider_id"),
        stale = crate::consent::riders::stale_sql("r.rider_id"),
    ))
    .bind(production_id)
    .fetch_all(&state.pool)
    .await
}
