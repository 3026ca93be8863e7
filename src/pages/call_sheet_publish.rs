//! Distributing a call sheet: the AD publishes a version; each recipient (every producer,
//! director and coordinator, and the performers called that day) gets a copy of what they may
//! see, as it stood when published, behind a personal link sent in a notice (and so by e-mail
//! when the server sends e-mail). Opening the link records "opened"; a button records
//! "confirmed". A republished version says what changed since the one before.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;
use tower_sessions::Session;

use super::call_sheet_build::{self, CallSheetBody};
use crate::access::Action;
use crate::auth;
use crate::error::{AppError, Result};
use crate::productions::{Member, Production};
use crate::vocab::Role;
use crate::web::ids::{Ids, PathToken};
use crate::web::{AppState, Ctx, Flash, render};

/// Lines of `now` that are new or different from `before`, keyed by what precedes `: `, and
/// the keys `before` had that `now` lacks: "Crew call: 08:00 GMT (was 07:00 GMT)".
pub(super) fn changes(before: &[&str], now: &[String]) -> Vec<String> {
    let key = |line: &str| line.split_once(": ").map_or(line, |(k, _)| k).to_string();
    let value = |line: &str| line.split_once(": ").map_or("", |(_, v)| v).to_string();
    let mut out = Vec::new();
    for line in now {
        match before.iter().find(|b| key(b) == key(line)) {
            Some(old) if *old == line => {}
            Some(old) => out.push(format!("{line} (was {})", value(old))),
            None => out.push(format!("{line} (new)")),
        }
    }
    for old in before {
        if !now.iter().any(|l| key(l) == key(old)) {
            out.push(format!("{} (no longer on the sheet)", key(old)));
        }
    }
    out
}

/// A recipient of a published call sheet.
#[derive(sqlx::FromRow)]
struct Recipient {
    user_id: i64,
    role: Role,
}

/// `POST …/schedule/{shoot_day_id}/call-sheet/publish`.
pub(super) async fn publish(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, shoot_day_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let production = &member.production;
    let production_id = production.production_id;
    let staff_sheet = call_sheet_build::build(&state, production, shoot_day_id, None).await?;
    let summary = staff_sheet.summary();
    let recipients: Vec<Recipient> = sqlx::query_as(
        "select m.user_id, m.role from member m
         where m.production_id = $1
           and (m.role <> 'performer' or exists (
                   select 1 from cast_member cm
                   join scene_cast sc on sc.cast_member_id = cm.cast_member_id
                   join shoot_day_scene ds on ds.scene_id = sc.scene_id
                   where cm.user_id = m.user_id and cm.production_id = $1
                     and ds.shoot_day_id = $2))
         order by m.user_id",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .fetch_all(&state.pool)
    .await?;
    // Each copy is what its reader may see: staff share one; a performer's holds only their
    // scenes (one build per performer called, a handful a day).
    let staff_html = CallSheetBody::html(&staff_sheet)?;
    let mut copies: Vec<(i64, String)> = Vec::with_capacity(recipients.len());
    for r in &recipients {
        let html = if r.role == Role::Performer {
            let sheet =
                call_sheet_build::build(&state, production, shoot_day_id, Some(r.user_id)).await?;
            CallSheetBody::html(&sheet)?
        } else {
            staff_html.clone()
        };
        copies.push((r.user_id, html));
    }

    let mut tx = state.pool.begin().await?;
    // One publisher at a time per day, so versions number 1, 2, 3… without gaps or twins.
    sqlx::query("select 1 from shoot_day where shoot_day_id = $1 for update")
        .bind(shoot_day_id)
        .execute(&mut *tx)
        .await?;
    let previous: Option<(i32, String)> = sqlx::query_as(
        "select version, summary from call_sheet_version where shoot_day_id = $1
         order by version desc limit 1",
    )
    .bind(shoot_day_id)
    .fetch_optional(&mut *tx)
    .await?;
    let version = previous.as_ref().map_or(1, |p| p.0 + 1);
    let changed = previous
        .as_ref()
        .map(|(_, before)| changes(&before.lines().collect::<Vec<_>>(), &summary))
        .unwrap_or_default();
    let version_id: i64 = sqlx::query_scalar(
        "insert into call_sheet_version (production_id, shoot_day_id, version, published_by,
                                         summary, changes)
         values ($1, $2, $3, $4, $5, $6) returning call_sheet_version_id",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .bind(version)
    .bind(member.user.user_id)
    .bind(summary.join("\n"))
    .bind(changed.join("\n"))
    .fetch_one(&mut *tx)
    .await?;
    let day_words = format!(
        "Day {} ({})",
        staff_sheet.view.day.day_number,
        staff_sheet.view.date()
    );
    let message = if version == 1 {
        format!("The call sheet for {day_words} is out. Open your copy and confirm you have it.")
    } else {
        format!(
            "The call sheet for {day_words} changed (version {version}). Open your copy and \
             confirm you have it."
        )
    };
    for (user_id, html) in &copies {
        let token = auth::new_token();
        sqlx::query(
            "insert into call_sheet_copy (call_sheet_version_id, user_id, token_sha256,
                                          body_html)
             values ($1, $2, $3, $4)",
        )
        .bind(version_id)
        .bind(user_id)
        .bind(auth::token_hash(&token))
        .bind(html)
        .execute(&mut *tx)
        .await?;
        crate::notifications::notify(
            &mut tx,
            production_id,
            &[*user_id],
            crate::notifications::kind::CALL_SHEET_PUBLISHED,
            &message,
            &format!("/call-sheets/{token}"),
        )
        .await?;
    }
    tx.commit().await?;
    Flash::success(
        &session,
        format!(
            "Version {version} of the call sheet is sent to {} people.",
            copies.len()
        ),
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}/schedule/{shoot_day_id}/call-sheet#distribution",
        member.base()
    ))
    .into_response())
}

/// One recipient's copy as the AD tracks it.
#[derive(sqlx::FromRow)]
pub(super) struct CopyRow {
    pub version: i32,
    pub changes: String,
    pub name: String,
    pub role: Option<Role>,
    pub sent_at: OffsetDateTime,
    pub opened_at: Option<OffsetDateTime>,
    pub confirmed_at: Option<OffsetDateTime>,
}

/// A version with its recipients, for the call sheet page.
pub(super) struct VersionView {
    pub version: i32,
    pub changes: Vec<String>,
    pub rows: Vec<CopyView>,
}

pub(super) struct CopyView {
    pub name: String,
    pub role: &'static str,
    pub sent: String,
    pub opened: String,
    pub confirmed: String,
}

/// Every published version of a day, newest first, with each recipient's times. One query.
pub(super) async fn distribution(
    state: &AppState,
    production: &Production,
    shoot_day_id: i64,
) -> Result<Vec<VersionView>> {
    let rows: Vec<CopyRow> = sqlx::query_as(
        "select v.version, v.changes, u.name, m.role, c.sent_at, c.opened_at, c.confirmed_at
         from call_sheet_version v
         join call_sheet_copy c using (call_sheet_version_id)
         join app_user u on u.user_id = c.user_id
         left join member m on m.user_id = c.user_id and m.production_id = v.production_id
         where v.shoot_day_id = $1 and v.production_id = $2
         order by v.version desc, u.name, c.call_sheet_copy_id",
    )
    .bind(shoot_day_id)
    .bind(production.production_id)
    .fetch_all(&state.pool)
    .await?;
    let when = |at: Option<OffsetDateTime>| {
        at.map_or_else(|| "Not yet".to_string(), |at| production.zone.moment(at))
    };
    let mut versions: Vec<VersionView> = Vec::new();
    for row in rows {
        if versions.last().is_none_or(|v| v.version != row.version) {
            versions.push(VersionView {
                version: row.version,
                changes: row
                    .changes
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
                rows: Vec::new(),
            });
        }
        if let Some(v) = versions.last_mut() {
            v.rows.push(CopyView {
                name: row.name,
                role: row.role.map_or("No longer a member", |r| r.label()),
                sent: production.zone.moment(row.sent_at),
                opened: when(row.opened_at),
                confirmed: when(row.confirmed_at),
            });
        }
    }
    Ok(versions)
}

/// A copy as its link finds it.
#[derive(sqlx::FromRow)]
struct CopyByToken {
    call_sheet_copy_id: i64,
    body_html: String,
    version: i32,
    changes: String,
    confirmed_at: Option<OffsetDateTime>,
    time_zone: String,
    newest: i32,
}

async fn by_token(state: &AppState, token: &str) -> Result<CopyByToken> {
    sqlx::query_as(
        "select c.call_sheet_copy_id, c.body_html, v.version, v.changes, c.confirmed_at,
                p.time_zone,
                (select max(version) from call_sheet_version n
                 where n.shoot_day_id = v.shoot_day_id) as newest
         from call_sheet_copy c
         join call_sheet_version v using (call_sheet_version_id)
         join production p on p.production_id = v.production_id
         where c.token_sha256 = $1",
    )
    .bind(auth::token_hash(token))
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "schedule/call_sheet_copy.html")]
struct CopyPage {
    ctx: Ctx,
    token: String,
    body: String,
    version: i32,
    changes: Vec<String>,
    confirmed: Option<String>,
    superseded: bool,
}

/// `GET /call-sheets/{token}`: the copy as published; the first opening is recorded.
pub(super) async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    PathToken(token): PathToken,
) -> Result<Response> {
    let copy = by_token(&state, &token).await?;
    sqlx::query(
        "update call_sheet_copy set opened_at = now()
         where call_sheet_copy_id = $1 and opened_at is null",
    )
    .bind(copy.call_sheet_copy_id)
    .execute(&state.pool)
    .await?;
    let zone = crate::clock::Zone::parse(&copy.time_zone).unwrap_or_else(crate::clock::Zone::utc);
    render(&CopyPage {
        ctx,
        token,
        body: copy.body_html,
        version: copy.version,
        changes: copy
            .changes
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        confirmed: copy.confirmed_at.map(|at| zone.moment_with_zone(at)),
        superseded: copy.newest > copy.version,
    })
}

/// `POST /call-sheets/{token}/confirm`: "I have it", recorded once.
pub(super) async fn confirm(
    State(state): State<AppState>,
    session: Session,
    PathToken(token): PathToken,
) -> Result<Response> {
    let copy = by_token(&state, &token).await?;
    sqlx::query(
        "update call_sheet_copy set confirmed_at = coalesce(confirmed_at, now()),
                opened_at = coalesce(opened_at, now())
         where call_sheet_copy_id = $1",
    )
    .bind(copy.call_sheet_copy_id)
    .execute(&state.pool)
    .await?;
    Flash::success(
        &session,
        "Thank you: you confirmed you have this call sheet.",
    )
    .await?;
    Ok(Redirect::to(&format!("/call-sheets/{token}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_republished_sheet_says_what_changed_and_what_went() {
        let before = [
            "Crew call: 07:00 GMT",
            "Weather: Dry",
            "Call #2 Sam: pickup 05:30",
        ];
        let now = vec![
            "Crew call: 08:00 GMT".to_string(),
            "Weather: Dry".to_string(),
            "Call #1 Alex: pickup 06:30".to_string(),
        ];
        assert_eq!(
            changes(&before, &now),
            [
                "Crew call: 08:00 GMT (was 07:00 GMT)",
                "Call #1 Alex: pickup 06:30 (new)",
                "Call #2 Sam (no longer on the sheet)",
            ]
        );
        assert!(changes(&before, &before.map(String::from)).is_empty());
    }
}
