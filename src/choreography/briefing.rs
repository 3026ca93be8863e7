//! The crew briefing: one printable page per production for department heads, made from the
//! production's settings and its flagged scenes: the IC's role and authority to pause, who is
//! on the closed set, the monitor rules, no personal devices, robes between takes, and whom to
//! tell about a concern. It names no scene content: no breakdown, no beats, no synopsis; only
//! dates and names. Producers and coordinators send it as a link (only the link's SHA-256 is
//! stored); each recipient confirms they have read it.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use time::{Date, OffsetDateTime};
use tower_sessions::Session;

use crate::access::Action;
use crate::auth::{new_token, token_hash};
use crate::clock::format_date;
use crate::error::{AppError, Result};
use crate::productions::{Member, Production};
use crate::vocab::breakdown::read_breakdown;
use crate::web::ids::PathToken;
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, Len, render, render_form};

/// What the briefing says, whoever reads it.
pub struct Briefing {
    pub title: String,
    pub coordinators: Vec<String>,
    /// Everyone named on a closed set of any flagged scene, in order of name.
    pub closed_set: Vec<String>,
    pub monitor_list: Vec<String>,
    /// Shoot dates with a flagged scene: the days the set is closed.
    pub closed_days: Vec<String>,
    pub notice_hours: i32,
}

async fn briefing(pool: &PgPool, production: &Production) -> Result<Briefing> {
    let coordinators: Vec<String> = sqlx::query_scalar(
        "select u.name from member m join app_user u using (user_id)
         where m.production_id = $1 and m.role = 'coordinator' order by u.name",
    )
    .bind(production.production_id)
    .fetch_all(pool)
    .await?;
    let breakdowns: Vec<String> = sqlx::query_scalar(
        "select v.breakdown::text from scene s
         join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1 and v.flagged and not s.omitted",
    )
    .bind(production.production_id)
    .fetch_all(pool)
    .await?;
    let mut closed_set = BTreeSet::new();
    let mut monitor_list = BTreeSet::new();
    for b in breakdowns.iter().map(|b| read_breakdown(b)) {
        closed_set.extend(b.closed_set.iter().map(|n| n.trim().to_string()));
        monitor_list.extend(b.monitor_list.iter().map(|n| n.trim().to_string()));
    }
    let days: Vec<Date> = sqlx::query_scalar(
        "select distinct d.shoot_date from shoot_day d
         join shoot_day_scene p using (shoot_day_id)
         join scene s on s.scene_id = p.scene_id
         join scene_version v on v.scene_version_id = s.current_version_id
         where d.production_id = $1 and v.flagged and not s.omitted
         order by d.shoot_date",
    )
    .bind(production.production_id)
    .fetch_all(pool)
    .await?;
    Ok(Briefing {
        title: production.title.clone(),
        coordinators,
        closed_set: closed_set.into_iter().filter(|n| !n.is_empty()).collect(),
        monitor_list: monitor_list.into_iter().filter(|n| !n.is_empty()).collect(),
        closed_days: days.into_iter().map(format_date).collect(),
        notice_hours: production.notice_hours,
    })
}

/// A department head the briefing was sent to.
#[derive(sqlx::FromRow)]
pub struct Recipient {
    pub name: String,
    pub department: String,
    pub sent_at: OffsetDateTime,
    pub confirmed_at: Option<OffsetDateTime>,
}

#[derive(Template)]
#[template(path = "choreography/briefing.html")]
struct BriefingPage {
    ctx: Ctx,
    member: Member,
    briefing: Briefing,
    can_send: bool,
    recipients: Vec<(Recipient, String, Option<String>)>,
    /// The link just made, shown once.
    new_link: Option<String>,
    name: String,
    department: String,
    errors: FieldErrors,
}

impl BriefingPage {
    async fn load(state: &AppState, ctx: Ctx, member: Member) -> Result<BriefingPage> {
        let briefing = briefing(&state.pool, &member.production).await?;
        let can_send = member.can(Action::SendCrewBriefing);
        let recipients = if can_send {
            let rows: Vec<Recipient> = sqlx::query_as(
                "select name, department, sent_at, confirmed_at from crew_briefing_recipient
                 where production_id = $1 order by sent_at, crew_briefing_recipient_id",
            )
            .bind(member.production.production_id)
            .fetch_all(&state.pool)
            .await?;
            let zone = &member.production.zone;
            rows.into_iter()
                .map(|r| {
                    let sent = zone.moment(r.sent_at);
                    let confirmed = r.confirmed_at.map(|at| zone.moment(at));
                    (r, sent, confirmed)
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(BriefingPage {
            ctx,
            briefing,
            can_send,
            recipients,
            new_link: None,
            name: String::new(),
            department: String::new(),
            errors: FieldErrors::default(),
            member,
        })
    }
}

/// The briefing page inside the production: producers, coordinators and directors.
pub(super) async fn briefing_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::SeeMembers)?;
    render(&BriefingPage::load(&state, ctx, member).await?)
}

/// Sends the briefing to a department head: a link shown once, to hand on.
pub(super) async fn send_briefing(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::SendCrewBriefing)?;
    let mut r = body.reader();
    let name = r.text("name", Len::Line);
    let department = r.text("department", Len::Line);
    let mut errors = r.finish();
    if name.is_empty() {
        errors.add("name", "Enter the name of the department head.");
    }
    if department.is_empty() {
        errors.add("department", "Enter their department, for example Camera.");
    }
    let mut page = BriefingPage::load(&state, ctx, member).await?;
    if !errors.is_empty() {
        page.name = name;
        page.department = department;
        page.errors = errors;
        return render_form(&page, true);
    }
    let token = new_token();
    sqlx::query(
        "insert into crew_briefing_recipient
           (production_id, name, department, token_sha256, sent_by)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(page.member.production.production_id)
    .bind(&name)
    .bind(&department)
    .bind(token_hash(&token))
    .bind(page.member.user.user_id)
    .execute(&state.pool)
    .await?;
    Flash::success(
        &session,
        format!(
            "The briefing link for {name} ({department}) is made. Copy it now: it is shown once."
        ),
    )
    .await?;
    let page = BriefingPage::load(&state, page.ctx, page.member).await?;
    render(&BriefingPage {
        new_link: Some(format!(
            "{}/briefing/{token}",
            state.config.base_url.trim_end_matches('/')
        )),
        ..page
    })
}

#[derive(Template)]
#[template(path = "choreography/briefing_public.html")]
struct PublicPage {
    ctx: Ctx,
    briefing: Briefing,
    name: String,
    confirmed: Option<String>,
    token: String,
}

/// A recipient's row by their link's token, or 404.
async fn by_token(
    pool: &PgPool,
    token: &str,
) -> Result<(i64, String, Option<OffsetDateTime>, Production)> {
    let row: Option<(i64, String, Option<OffsetDateTime>, i64)> = sqlx::query_as(
        "select crew_briefing_recipient_id, name, confirmed_at, production_id
         from crew_briefing_recipient where token_sha256 = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?;
    let (id, name, confirmed, production_id) = row.ok_or(AppError::NotFound)?;
    let production: Production = sqlx::query_as(
        "select production_id, title, kind, phase, time_zone, currency, agreement,
                notice_hours, ic_account_code, revision
         from production where production_id = $1",
    )
    .bind(production_id)
    .fetch_one(pool)
    .await?;
    Ok((id, name, confirmed, production))
}

/// The briefing as its recipient reads it, from the link, without an account.
pub(super) async fn public_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PathToken(token): PathToken,
) -> Result<Response> {
    let (_, name, confirmed, production) = by_token(&state.pool, &token).await?;
    let briefing = briefing(&state.pool, &production).await?;
    render(&PublicPage {
        ctx,
        briefing,
        name,
        confirmed: confirmed.map(|at| production.zone.moment_with_zone(at)),
        token,
    })
}

/// "I have read the briefing": recorded once; pressing again changes nothing.
pub(super) async fn confirm(
    State(state): State<AppState>,
    session: Session,
    PathToken(token): PathToken,
) -> Result<Response> {
    let (id, _, _, _) = by_token(&state.pool, &token).await?;
    sqlx::query(
        "update crew_briefing_recipient set confirmed_at = coalesce(confirmed_at, now())
         where crew_briefing_recipient_id = $1",
    )
    .bind(id)
    .execute(&state.pool)
    .await?;
    Flash::success(
        &session,
        "Thank you: your reading of the briefing is confirmed.",
    )
    .await?;
    Ok(Redirect::to(&format!("/briefing/{token}")).into_response())
}
