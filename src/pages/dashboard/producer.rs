//! The producer's first page of a production: counts, the next 14 days cleared or blocked and
//! why, what is at risk against the notice clock, recent withdrawals, R7 and the IC budget line.

use std::sync::Arc;

use askama::Template;
use axum::response::Response;
use sqlx::PgPool;
use time::{Date, Duration, OffsetDateTime};

use crate::clock::countdown;
use crate::clock::format_date;
use crate::consent::status::{self, Only, SceneStatus};
use crate::error::Result;
use crate::onset::pauses::pauser_role;
use crate::productions::{Member, Production};
use crate::rules::facts::Clearance;
use crate::rules::facts::Problem;
use crate::vocab::money::format_minor;
use crate::web::AppState;
use crate::web::{Ctx, render};

/// How far ahead the schedule panel looks, in days (today included).
const WINDOW_DAYS: i64 = 14;
/// How close a notice deadline must be to put a scene on the at-risk list.
const AT_RISK_HOURS: i64 = 72;
/// How long a withdrawal of consent stays on the page.
const RECENT_REVOCATION_DAYS: i64 = 14;

// ---------------------------------------------------------------- what the page shows

/// Scene and rider totals at a glance.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    /// Flagged scenes of the whole production (not omitted).
    pub flagged_scenes: i64,
    /// Flagged scenes on shoot days of the next 14 days, counted once per day: cleared, blocked
    /// and already shot.
    pub cleared: usize,
    pub blocked: usize,
    pub shot: usize,
    pub riders_signed: i64,
    /// Drafted, delivered or viewed: not yet signed.
    pub riders_outstanding: i64,
    pub riders_revoked: i64,
}

/// One flagged scene on one day of the coming fortnight.
struct DayScene {
    pub scene_id: i64,
    pub number: String,
    pub word: &'static str,
    pub css: &'static str,
    pub reasons: Vec<String>,
}

/// One shoot day of the coming fortnight with its flagged scenes.
struct Day {
    pub shoot_day_id: i64,
    pub date: String,
    pub call: String,
    pub scenes: Vec<DayScene>,
}

/// A flagged scene whose riders are not in place and whose notice deadline is close.
struct AtRisk {
    pub scene_id: i64,
    pub number: String,
    pub shoot_date: String,
    /// "Thu 6 May 2027, 07:00 (Europe/London)".
    pub deadline: String,
    /// "in 1 day 5 h".
    pub countdown: String,
    pub reasons: Vec<String>,
}

/// A recent withdrawal of consent: who, which scenes, when. Never why (none is asked).
struct Revocation {
    pub rider_id: i64,
    pub performer: String,
    pub scenes: String,
    pub when: String,
}

/// A pause (R10) of the last fortnight, as producers see it: never who pressed it.
struct PauseItem {
    pub scene_id: i64,
    pub number: String,
    pub when: String,
    pub by: &'static str,
    pub resolved: bool,
}

#[derive(serde::Deserialize)]
struct PauseRow {
    scene_id: i64,
    number: String,
    paused_as: String,
    #[serde(with = "time::serde::rfc3339")]
    paused_at: OffsetDateTime,
    resolved: bool,
}

/// The IC budget in one line, from the topsheet.
struct BudgetLine {
    pub planned: String,
    pub forecast: String,
    pub actual: String,
    pub warnings: Vec<String>,
}

#[derive(Template)]
#[template(path = "dashboard/producer.html")]
struct ProducerPage {
    ctx: Ctx,
    member: Member,
    /// The rendered body, shared by every producer until the production or the minute changes.
    body: Arc<str>,
}

#[derive(Template)]
#[template(path = "dashboard/producer_body.html")]
struct ProducerBody {
    member: Member,
    missing_coordinator: Option<&'static str>,
    counts: Counts,
    days: Vec<Day>,
    at_risk: Vec<AtRisk>,
    revocations: Vec<Revocation>,
    pauses: Vec<PauseItem>,
    budget: BudgetLine,
}

// ---------------------------------------------------------------- loading

time::serde::format_description!(json_date, Date, "[year]-[month]-[day]");

#[derive(serde::Deserialize)]
struct RevocationRow {
    rider_id: i64,
    performer: String,
    scenes: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    revoked_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Extras {
    has_coordinator: bool,
    riders_signed: i64,
    riders_outstanding: i64,
    riders_revoked: i64,
    /// JSON array of `RevocationRow`.
    revocations: String,
    /// JSON array of `PauseRow`: pauses since `since`, and any still open.
    pauses: String,
}

/// The page's own facts beyond clearance and budget, in one query: whether there is an IC (R7),
/// rider totals, withdrawals of consent and pauses since `since`. Flagged scenes are counted
/// once, by `load_budget`, in the same request.
async fn extras(pool: &PgPool, production_id: i64, since: OffsetDateTime) -> Result<Extras> {
    Ok(sqlx::query_as(
        "select exists (select 1 from member
                        where production_id = $1 and role = 'coordinator') as has_coordinator,
                count(*) filter (where r.status = 'signed') as riders_signed,
                count(*) filter (where r.status in ('drafted', 'delivered', 'viewed'))
                    as riders_outstanding,
                count(*) filter (where r.status = 'revoked') as riders_revoked,
                (select coalesce(json_agg(x order by x.revoked_at desc), '[]')
                 from (select v.rider_id, v.revoked_at,
                              '#' || c.cast_number || ' ' || c.name as performer,
                              array_agg(s.number order by s.sort_key collate \"C\") as scenes
                       from rider v
                       join cast_member c on c.cast_member_id = v.cast_member_id
                       join rider_scene rs on rs.rider_id = v.rider_id
                       join scene s on s.scene_id = rs.scene_id
                       where v.production_id = $1 and v.status = 'revoked'
                         and v.revoked_at >= $2
                       group by v.rider_id, c.cast_number, c.name) x)::text as revocations,
                (select coalesce(json_agg(x order by x.paused_at desc), '[]')
                 from (select p.scene_id, s.number, p.paused_as, p.paused_at,
                              p.resolved_at is not null as resolved
                       from pause p join scene s on s.scene_id = p.scene_id
                       where p.production_id = $1
                         and (p.paused_at >= $2 or p.resolved_at is null)) x)::text as pauses
         from rider r where r.production_id = $1",
    )
    .bind(production_id)
    .bind(since)
    .fetch_one(pool)
    .await?)
}

pub(super) async fn page(state: &AppState, ctx: Ctx, member: Member) -> Result<Response> {
    let production = &member.production;
    let now = OffsetDateTime::now_utc();
    // Countdowns are shown to the minute, so a body lives at most one minute, and never past a
    // change to the production (its revision moves in the same transaction as the change).
    let minute = now.unix_timestamp().div_euclid(60);
    let body = state
        .pages
        .get_or_compute(
            production.production_id,
            "producer",
            ctx.lang,
            production.revision,
            minute,
            || async {
                Ok::<_, crate::error::AppError>(body(state, &member, now).await?.render()?)
            },
        )
        .await?;
    render(&ProducerPage { ctx, member, body })
}

async fn body(state: &AppState, member: &Member, now: OffsetDateTime) -> Result<ProducerBody> {
    let production = &member.production;
    let today = production.zone.today();
    // Clearance only for the days the page shows: the fortnight, stretched to the last day whose
    // notice deadline falls in the at-risk window. The cost follows the window, not the size.
    let notice = Duration::hours(i64::from(production.notice_hours));
    let risk_day = production
        .zone
        .local(now + notice + Duration::hours(AT_RISK_HOURS))
        .date();
    let last = (today + Duration::days(WINDOW_DAYS - 1)).max(risk_day);
    // Four queries, whatever the production's size: clearance facts (1), budget (2), extras (1).
    let statuses =
        status::production_status(&state.pool, production, Only::Dates(today, last)).await?;
    let budget = crate::budget::load_budget(&state.pool, production).await?;
    let extras = extras(
        &state.pool,
        production.production_id,
        now - Duration::days(RECENT_REVOCATION_DAYS),
    )
    .await?;

    let mut counts = counts(&statuses, today);
    counts.flagged_scenes = budget.schedule.flagged_scenes;
    counts.riders_signed = extras.riders_signed;
    counts.riders_outstanding = extras.riders_outstanding;
    counts.riders_revoked = extras.riders_revoked;
    let missing_coordinator = (counts.flagged_scenes > 0 && !extras.has_coordinator)
        .then_some(crate::schedule::MISSING_COORDINATOR);
    let revocations: Vec<RevocationRow> = serde_json::from_str(&extras.revocations)
        .map_err(|e| anyhow::anyhow!("reading revocations: {e}"))?;
    let revocations = revocations
        .into_iter()
        .map(|r| Revocation {
            rider_id: r.rider_id,
            performer: r.performer,
            scenes: r.scenes.join(", "),
            when: production.zone.moment(r.revoked_at),
        })
        .collect();
    let pauses: Vec<PauseRow> =
        serde_json::from_str(&extras.pauses).map_err(|e| anyhow::anyhow!("reading pauses: {e}"))?;
    let pauses = pauses
        .into_iter()
        .map(|p| PauseItem {
            scene_id: p.scene_id,
            number: p.number,
            when: production.zone.moment(p.paused_at),
            // Producers learn that a scene was paused, not by whom (DOMAIN §4, R10).
            by: pauser_role(&p.paused_as),
            resolved: p.resolved,
        })
        .collect();
    let currency = &production.currency;
    let total = &budget.topsheet.total;
    let budget = BudgetLine {
        planned: format_minor(total.planned, currency),
        forecast: format_minor(total.forecast, currency),
        actual: format_minor(total.actual, currency),
        warnings: budget.forecast.warnings.iter().map(|w| w.text()).collect(),
    };
    Ok(ProducerBody {
        days: next_days(&statuses, production, today),
        at_risk: at_risk(&statuses, production, now),
        missing_coordinator,
        counts,
        revocations,
        pauses,
        budget,
        member: member.clone(),
    })
}

// ---------------------------------------------------------------- shaping (pure)

/// Flagged scenes on shoot days of the next 14 days, once per day they are scheduled.
fn counts(statuses: &[SceneStatus], today: Date) -> Counts {
    let last = today + Duration::days(WINDOW_DAYS - 1);
    let mut counts = Counts::default();
    for s in statuses
        .iter()
        .filter(|s| s.shoot_date.is_some_and(|d| d >= today && d <= last))
    {
        match s.clearance {
            Clearance::Cleared { .. } => counts.cleared += 1,
            Clearance::Blocked(_) => counts.blocked += 1,
            Clearance::Shot => counts.shot += 1,
            Clearance::NotFlagged => {}
        }
    }
    counts
}

/// Shoot days from today through the next 13 days that hold flagged scenes, in date order.
fn next_days(statuses: &[SceneStatus], production: &Production, today: Date) -> Vec<Day> {
    let last = today + Duration::days(WINDOW_DAYS - 1);
    let mut window: Vec<&SceneStatus> = statuses
        .iter()
        .filter(|s| s.shoot_date.is_some_and(|d| d >= today && d <= last))
        .collect();
    window.sort_by_key(|s| (s.shoot_date, s.call_at, s.shoot_day_id));
    let mut days: Vec<Day> = Vec::new();
    for s in window {
        let shoot_day_id = s.shoot_day_id.unwrap_or_default();
        if days.last().is_none_or(|d| d.shoot_day_id != shoot_day_id) {
            days.push(Day {
                shoot_day_id,
                date: s.shoot_date.map(format_date).unwrap_or_default(),
                call: s
                    .call_at
                    .map(|t| production.zone.moment(t))
                    .unwrap_or_default(),
                scenes: Vec::new(),
            });
        }
        if let Some(day) = days.last_mut() {
            day.scenes.push(DayScene {
                scene_id: s.scene_id,
                number: s.number.clone(),
                word: s.word(),
                css: s.css(),
                reasons: s.reasons(),
            });
        }
    }
    days
}

/// Whether a problem is one delivering and signing a rider before the deadline would mend.
fn needs_rider(problem: &Problem) -> bool {
    matches!(
        problem,
        Problem::NoRider
            | Problem::NotDelivered
            | Problem::NotSigned
            | Problem::Stale
            | Problem::Revoked
    )
}

/// Flagged scenes whose riders are not delivered or signed and whose notice deadline (the day's
/// first call minus the notice period) falls within the next 72 hours, soonest first.
fn at_risk(statuses: &[SceneStatus], production: &Production, now: OffsetDateTime) -> Vec<AtRisk> {
    let notice = Duration::hours(i64::from(production.notice_hours));
    let horizon = now + Duration::hours(AT_RISK_HOURS);
    let mut out: Vec<(OffsetDateTime, AtRisk)> = statuses
        .iter()
        .filter_map(|s| {
            let deadline = s.call_at? - notice;
            if deadline < now || deadline > horizon {
                return None;
            }
            let Clearance::Blocked(reasons) = &s.clearance else {
                return None;
            };
            let reasons: Vec<String> = reasons
                .iter()
                .filter(|r| needs_rider(&r.problem))
                .map(ToString::to_string)
                .collect();
            if reasons.is_empty() {
                return None;
            }
            Some((
                deadline,
                AtRisk {
                    scene_id: s.scene_id,
                    number: s.number.clone(),
                    shoot_date: s.shoot_date.map(format_date).unwrap_or_default(),
                    deadline: production.zone.moment(deadline),
                    countdown: countdown(now, deadline),
                    reasons,
                },
            ))
        })
        .collect();
    out.sort_by_key(|(deadline, _)| *deadline);
    out.into_iter().map(|(_, item)| item).collect()
}
