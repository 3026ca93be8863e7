//! Concerns (R13): any member raises one, optionally anonymous, to recipients they choose
//! among the coordinators and producers; only those recipients (and the raiser) ever see it.

pub mod reporting;

use std::borrow::Borrow;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::access::Action;
use crate::error::{AppError, Result};
use crate::notifications;
use crate::productions::Member;
use crate::rules::concerns::recipients;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::{Ctx, FieldErrors, Flash, render, render_with_status};
use reporting::ReportingLine;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/concerns",
            get(list_page).post(create),
        )
        .route("/productions/{production_id}/concerns/new", get(new_page))
        .route(
            "/productions/{production_id}/concerns/reporting-line",
            get(reporting_line_page).post(save_reporting_line),
        )
        .route(
            "/productions/{production_id}/concerns/{concern_id}",
            get(show_page),
        )
        .route(
            "/productions/{production_id}/concerns/{concern_id}/follow-up",
            post(follow_up),
        )
}

/// Where a concern stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Open,
    InProgress,
    Resolved,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Open, Status::InProgress, Status::Resolved];

    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::InProgress => "In progress",
            Status::Resolved => "Resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The label of a stored status, for templates.
fn status_label(s: &str) -> &'static str {
    Status::parse(s).map_or("", |s| s.label())
}

/// When something happened, on the production's clocks as every other page gives times:
/// "Mon 3 May 2027, 07:00 (Europe/London)".
fn when(member: &Member, at: impl Borrow<OffsetDateTime>) -> String {
    member.production.zone.moment(*at.borrow())
}

/// A producer or coordinator a concern can be sent to.
#[derive(sqlx::FromRow, Clone)]
struct Eligible {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
}

/// Everyone the member may choose: the production's coordinators and producers except
/// themselves. Nobody is ticked in advance.
async fn eligible(pool: &PgPool, member: &Member) -> Result<Vec<Eligible>> {
    Ok(sqlx::query_as(
        "select u.user_id, u.name, m.role
         from member m join app_user u using (user_id)
         where m.production_id = $1 and m.role in ('coordinator', 'producer') and m.user_id <> $2
         order by m.role, u.name, u.user_id",
    )
    .bind(member.production.production_id)
    .bind(member.user.user_id)
    .fetch_all(pool)
    .await?)
}

// ---------------------------------------------------------------- list

#[derive(sqlx::FromRow)]
struct RaisedRow {
    concern_id: i64,
    status: String,
    anonymous: bool,
    created_at: OffsetDateTime,
}

/// A concern as a recipient lists it. `raiser_name` is null for anonymous ones: the name is
/// never read from the database for them.
#[derive(sqlx::FromRow)]
struct ReceivedRow {
    concern_id: i64,
    status: String,
    created_at: OffsetDateTime,
    raiser_name: Option<String>,
    excerpt: String,
}

#[derive(Template)]
#[template(path = "concerns/list.html")]
struct ListPage {
    ctx: Ctx,
    member: Member,
    line: ReportingLine,
    raised: Vec<RaisedRow>,
    received: Vec<ReceivedRow>,
}

async fn list_page(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    let production_id = member.production.production_id;
    let line = reporting::load(&state.pool, production_id, &member.production.agreement).await?;
    let raised: Vec<RaisedRow> = sqlx::query_as(
        "select concern_id, status, anonymous, created_at from concern
         where production_id = $1 and raised_by = $2 order by created_at desc, concern_id desc",
    )
    .bind(production_id)
    .bind(member.user.user_id)
    .fetch_all(&state.pool)
    .await?;
    let received: Vec<ReceivedRow> = sqlx::query_as(
        "select c.concern_id, c.status, c.created_at,
                case when c.anonymous then null else u.name end as raiser_name,
                left(c.body, 140) as excerpt
         from concern c
         join concern_recipient r on r.concern_id = c.concern_id and r.user_id = $2
         left join app_user u on u.user_id = c.raised_by
         where c.production_id = $1
         order by c.created_at desc, c.concern_id desc",
    )
    .bind(production_id)
    .bind(member.user.user_id)
    .fetch_all(&state.pool)
    .await?;
    render(&ListPage {
        ctx,
        member,
        line,
        raised,
        received,
    })
}

// ---------------------------------------------------------------- raise

#[derive(Default)]
struct ConcernForm {
    body: String,
    anonymous: bool,
    /// The ticked recipients, each once.
    recipients: Vec<i64>,
    /// A recipient value that is not an id at all: the form was not the one offered.
    tampered: bool,
}

impl ConcernForm {
    fn read(body: &FormBody) -> Self {
        let ids = body.ids("recipients");
        ConcernForm {
            body: body.get("body"),
            anonymous: body.has("anonymous"),
            tampered: ids.is_none(),
            recipients: ids.unwrap_or_default(),
        }
    }

    fn chose(&self, user_id: &i64) -> bool {
        self.recipients.contains(user_id)
    }

    /// The body, and the chosen recipients, each of whom must be on the offered list.
    fn parse(&self, offered: &[Eligible]) -> std::result::Result<(String, Vec<i64>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let body = self.body.trim().to_string();
        if body.is_empty() {
            errors.add("body", "Describe the concern.");
        } else if body.chars().count() > 10_000 {
            errors.add("body", "Keep it under 10,000 characters.");
        }
        let offered: Vec<i64> = offered.iter().map(|e| e.user_id).collect();
        let chosen = recipients(&offered, &self.recipients).filter(|_| !self.tampered);
        if chosen.is_none() {
            errors.add(
                "recipients",
                "Choose at least one person to send it to, from the list.",
            );
        }
        match chosen {
            Some(chosen) if errors.is_empty() => Ok((body, chosen)),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "concerns/new.html")]
struct NewPage {
    ctx: Ctx,
    member: Member,
    line: ReportingLine,
    offered: Vec<Eligible>,
    form: ConcernForm,
    errors: FieldErrors,
}

async fn new_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    form: ConcernForm,
    errors: FieldErrors,
    offered: Vec<Eligible>,
) -> Result<Response> {
    let line = reporting::load(
        &state.pool,
        member.production.production_id,
        &member.production.agreement,
    )
    .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        &NewPage {
            ctx,
            member,
            line,
            offered,
            form,
            errors,
        },
    )
}

async fn new_page(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    let offered = eligible(&state.pool, &member).await?;
    new_response(
        &state,
        ctx,
        member,
        ConcernForm::default(),
        FieldErrors::default(),
        offered,
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: Bytes,
) -> Result<Response> {
    let form = ConcernForm::read(&FormBody::parse(&body));
    let offered = eligible(&state.pool, &member).await?;
    let (text, recipients) = match form.parse(&offered) {
        Ok(parsed) => parsed,
        Err(errors) => return new_response(&state, ctx, member, form, errors, offered).await,
    };
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    let concern_id: i64 = sqlx::query_scalar(
        "insert into concern (production_id, raised_by, anonymous, body)
         values ($1, $2, $3, $4) returning concern_id",
    )
    .bind(production_id)
    .bind(member.user.user_id)
    .bind(form.anonymous)
    .bind(&text)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "insert into concern_recipient (concern_id, user_id)
         select $1, unnest($2::bigint[])",
    )
    .bind(concern_id)
    .bind(&recipients)
    .execute(&mut *tx)
    .await?;
    // Neither the text nor who raised it: notices are e-mailed and shown live.
    notifications::notify(
        &mut tx,
        production_id,
        &recipients,
        notifications::kind::CONCERN_RAISED,
        "A concern has been sent to you",
        &format!("/productions/{production_id}/concerns/{concern_id}"),
    )
    .await?;
    tx.commit().await?;
    Flash::success(
        &session,
        if form.anonymous {
            "Your concern is sent. The people you chose cannot see who raised it."
        } else {
            "Your concern is sent to the people you chose."
        },
    )
    .await?;
    Ok(Redirect::to(&format!("{}/concerns/{concern_id}", member.base())).into_response())
}

// ---------------------------------------------------------------- one concern

#[derive(sqlx::FromRow)]
struct ConcernRow {
    concern_id: i64,
    body: String,
    status: String,
    anonymous: bool,
    created_at: OffsetDateTime,
    /// Null for anonymous concerns: never read, so never shown.
    raiser_name: Option<String>,
    is_raiser: bool,
    is_recipient: bool,
}

#[derive(sqlx::FromRow)]
struct RecipientRow {
    name: String,
}

#[derive(sqlx::FromRow)]
struct FollowUpRow {
    status: String,
    note: String,
    author_name: Option<String>,
    created_at: OffsetDateTime,
}

#[derive(Template)]
#[template(path = "concerns/show.html")]
struct ShowPage {
    ctx: Ctx,
    member: Member,
    concern: ConcernRow,
    recipients: Vec<RecipientRow>,
    follow_ups: Vec<FollowUpRow>,
    line: ReportingLine,
    note: String,
    errors: FieldErrors,
    statuses: [Status; 3],
}

/// The concern if the member raised it or was chosen to receive it; 404 for everyone else,
/// other producers included.
async fn visible(conn: &mut PgConnection, member: &Member, concern_id: i64) -> Result<ConcernRow> {
    sqlx::query_as(
        "select c.concern_id, c.body, c.status, c.anonymous, c.created_at,
                case when c.anonymous then null else u.name end as raiser_name,
                c.raised_by is not distinct from $3 as is_raiser,
                exists (select 1 from concern_recipient r
                        where r.concern_id = c.concern_id and r.user_id = $3) as is_recipient
         from concern c left join app_user u on u.user_id = c.raised_by
         where c.concern_id = $1 and c.production_id = $2
           and (c.raised_by = $3 or exists (select 1 from concern_recipient r
                                            where r.concern_id = c.concern_id and r.user_id = $3))",
    )
    .bind(concern_id)
    .bind(member.production.production_id)
    .bind(member.user.user_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)
}

async fn show_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    concern_id: i64,
    note: String,
    errors: FieldErrors,
) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    let concern = visible(&mut conn, &member, concern_id).await?;
    let recipients: Vec<RecipientRow> = sqlx::query_as(
        "select u.name from concern_recipient r join app_user u using (user_id)
         where r.concern_id = $1 order by u.name",
    )
    .bind(concern_id)
    .fetch_all(&mut *conn)
    .await?;
    // The raiser sees how it moved, not the recipients' notes or names.
    let follow_ups: Vec<FollowUpRow> = sqlx::query_as(
        "select f.status,
                case when $2 then f.note else '' end as note,
                case when $2 then u.name end as author_name,
                f.created_at
         from concern_follow_up f left join app_user u on u.user_id = f.author_user_id
         where f.concern_id = $1 order by f.created_at, f.concern_follow_up_id",
    )
    .bind(concern_id)
    .bind(concern.is_recipient)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let line = reporting::load(
        &state.pool,
        member.production.production_id,
        &member.production.agreement,
    )
    .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        &ShowPage {
            ctx,
            member,
            concern,
            recipients,
            follow_ups,
            line,
            note,
            errors,
            statuses: Status::ALL,
        },
    )
}

async fn show_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, concern_id)): Path<(i64, i64)>,
) -> Result<Response> {
    show_response(
        &state,
        ctx,
        member,
        concern_id,
        String::new(),
        FieldErrors::default(),
    )
    .await
}

/// A recipient records follow-up: a status and a note. A change of status reaches the
/// raiser as a notice that names neither the text nor the note.
async fn follow_up(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, concern_id)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response> {
    let body = FormBody::parse(&body);
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    let concern = visible(&mut tx, &member, concern_id).await?;
    if !concern.is_recipient {
        return Err(AppError::NotFound);
    }
    let note = body.get("note").trim().to_string();
    let status = Status::parse(&body.get("status"));
    let mut errors = FieldErrors::default();
    match status {
        None => errors.add("status", "Choose where the concern stands."),
        Some(s) if s.as_str() == concern.status && note.is_empty() => {
            errors.add("note", "Write a note, or choose a new status.")
        }
        _ => {}
    }
    if note.chars().count() > 5000 {
        errors.add("note", "Keep the note under 5,000 characters.");
    }
    let Some(status) = status.filter(|_| errors.is_empty()) else {
        drop(tx);
        return show_response(&state, ctx, member, concern_id, note, errors).await;
    };
    sqlx::query(
        "insert into concern_follow_up (concern_id, author_user_id, status, note)
         values ($1, $2, $3, $4)",
    )
    .bind(concern_id)
    .bind(member.user.user_id)
    .bind(status.as_str())
    .bind(&note)
    .execute(&mut *tx)
    .await?;
    let raiser: Option<Option<i64>> = sqlx::query_scalar(
        "update concern set status = $2, updated_at = now()
         where concern_id = $1 and status <> $2 returning raised_by",
    )
    .bind(concern_id)
    .bind(status.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(Some(raiser)) = raiser {
        notifications::notify(
            &mut tx,
            production_id,
            &[raiser],
            notifications::kind::CONCERN_STATUS,
            &format!(
                "A concern you raised is now marked {}",
                status.label().to_lowercase()
            ),
            &format!("/productions/{production_id}/concerns/{concern_id}"),
        )
        .await?;
    }
    tx.commit().await?;
    Flash::success(&session, "Follow-up recorded.").await?;
    Ok(Redirect::to(&format!("{}/concerns/{concern_id}", member.base())).into_response())
}

// ---------------------------------------------------------------- reporting line

macro_rules! shown {
    ($($row:ident),*) => {$(
        impl $row {
            fn status_label(&self) -> &'static str {
                status_label(&self.status)
            }
        }
    )*};
}
shown!(RaisedRow, ReceivedRow, ConcernRow, FollowUpRow);

// Askama passes fields by reference and method results by value, hence `Borrow`.
impl ListPage {
    fn when(&self, at: impl Borrow<OffsetDateTime>) -> String {
        when(&self.member, at)
    }
}

impl ShowPage {
    fn when(&self, at: impl Borrow<OffsetDateTime>) -> String {
        when(&self.member, at)
    }
}

// ---------------------------------------------------------------- reporting line settings

#[derive(Template)]
#[template(path = "concerns/reporting_line.html")]
struct ReportingLinePage {
    ctx: Ctx,
    member: Member,
    line: ReportingLine,
    default_line: &'static str,
    text: String,
    errors: FieldErrors,
}

async fn reporting_line_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    let line = reporting::load(
        &state.pool,
        member.production.production_id,
        &member.production.agreement,
    )
    .await?;
    let text = if line.placeholder {
        String::new()
    } else {
        line.text.clone()
    };
    let default_line = reporting::default_line(&member.production.agreement);
    render(&ReportingLinePage {
        ctx,
        member,
        line,
        default_line,
        text,
        errors: FieldErrors::default(),
    })
}

/// Saves the production's own wording; an empty box goes back to the placeholder.
async fn save_reporting_line(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: Bytes,
) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    let production_id = member.production.production_id;
    let text = FormBody::parse(&body)
        .get("reporting_line")
        .trim()
        .to_string();
    if text.chars().count() > 2000 {
        let mut errors = FieldErrors::default();
        errors.add("reporting_line", "Keep it under 2,000 characters.");
        let line =
            reporting::load(&state.pool, production_id, &member.production.agreement).await?;
        let default_line = reporting::default_line(&member.production.agreement);
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ReportingLinePage {
                ctx,
                member,
                line,
                default_line,
                text,
                errors,
            },
        );
    }
    if text.is_empty() {
        sqlx::query("delete from concern_setting where production_id = $1")
            .bind(production_id)
            .execute(&state.pool)
            .await?;
        Flash::success(
            &session,
            "The reporting line is back to the placeholder text.",
        )
        .await?;
    } else {
        sqlx::query(
            "insert into concern_setting (production_id, reporting_line, updated_by)
             values ($1, $2, $3)
             on conflict (production_id) do update
             set reporting_line = excluded.reporting_line, updated_by = excluded.updated_by,
                 updated_at = now()",
        )
        .bind(production_id)
        .bind(&text)
        .bind(member.user.user_id)
        .execute(&state.pool)
        .await?;
        Flash::success(&session, "The reporting line is saved.").await?;
    }
    Ok(Redirect::to(&format!("{}/concerns", member.base())).into_response())
}
