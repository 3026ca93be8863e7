//! One concern, seen only by who raised it and who it was sent to: the page with its follow-ups
//! (the raiser sees how it moved, not the notes), and a recipient's follow-up.

use std::borrow::Borrow;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgConnection;
use time::OffsetDateTime;
use tower_sessions::Session;

use super::reporting::{self, ReportingLine};
use super::shown::{Status, shown, when};
use crate::error::{AppError, Result};
use crate::notifications;
use crate::productions::Member;
use crate::vault::{Encrypted, Field, Scope};
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash, render_form};
use crate::web::{FormBody, Len};

#[derive(sqlx::FromRow)]
struct ConcernRow {
    concern_id: i64,
    body: String,
    body_sealed: Option<Encrypted<String>>,
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
    concern_follow_up_id: i64,
    status: String,
    note: String,
    note_sealed: Option<Encrypted<String>>,
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

shown!(ConcernRow, FollowUpRow);

impl ShowPage {
    /// The concern if `member` may see it, with its recipients, its follow-ups and an empty note.
    async fn new(state: &AppState, ctx: Ctx, member: Member, concern_id: i64) -> Result<ShowPage> {
        let pool = &state.pool;
        let mut conn = pool.acquire().await?;
        let mut concern = visible(&mut conn, &member, concern_id).await?;
        concern.body = state
            .vault
            .reveal(
                &mut conn,
                &Field::new("concern", "body_sealed", concern.concern_id),
                concern.body_sealed.as_ref(),
                std::mem::take(&mut concern.body),
            )
            .await?;
        let recipients: Vec<RecipientRow> = sqlx::query_as(
            "select u.name from concern_recipient r join app_user u using (user_id)
         where r.concern_id = $1 order by u.name",
        )
        .bind(concern_id)
        .fetch_all(&mut *conn)
        .await?;
        // The raiser sees how it moved, not the recipients' notes or names.
        let mut follow_ups: Vec<FollowUpRow> = sqlx::query_as(
            "select f.concern_follow_up_id, f.status,
                case when $2 then f.note else '' end as note,
                case when $2 then f.note_sealed end as note_sealed,
                case when $2 then u.name end as author_name,
                f.created_at
         from concern_follow_up f left join app_user u on u.user_id = f.author_user_id
         where f.concern_id = $1 order by f.created_at, f.concern_follow_up_id",
        )
        .bind(concern_id)
        .bind(concern.is_recipient)
        .fetch_all(&mut *conn)
        .await?;
        for f in &mut follow_ups {
            f.note = state
                .vault
                .reveal(
                    &mut conn,
                    &Field::new("concern_follow_up", "note_sealed", f.concern_follow_up_id),
                    f.note_sealed.as_ref(),
                    std::mem::take(&mut f.note),
                )
                .await?;
        }
        drop(conn);
        let line = reporting::load(
            pool,
            member.production.production_id,
            &member.production.agreement,
        )
        .await?;
        Ok(ShowPage {
            ctx,
            member,
            concern,
            recipients,
            follow_ups,
            line,
            note: String::new(),
            errors: FieldErrors::default(),
            statuses: Status::ALL,
        })
    }

    /// The note as it was sent, with the errors that refused the follow-up.
    fn with_note(self, note: String, errors: FieldErrors) -> ShowPage {
        ShowPage {
            note,
            errors,
            ..self
        }
    }

    /// The page, as 422 when the follow-up was refused.
    fn respond(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }

    // Askama passes fields by reference and method results by value, hence `Borrow`.
    fn when(&self, at: impl Borrow<OffsetDateTime>) -> String {
        when(&self.member, at)
    }
}

/// The concern if the member raised it or was chosen to receive it; 404 for everyone else,
/// other producers included.
async fn visible(conn: &mut PgConnection, member: &Member, concern_id: i64) -> Result<ConcernRow> {
    sqlx::query_as(
        "select c.concern_id, c.body, c.body_sealed, c.status, c.anonymous, c.created_at,
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

pub(super) async fn show_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, concern_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    ShowPage::new(&state, ctx, member, concern_id)
        .await?
        .respond()
}

/// A recipient records follow-up: a status and a note. A change of status reaches the
/// raiser as a notice that names neither the text nor the note.
pub(super) async fn follow_up(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, concern_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    let concern = visible(&mut tx, &member, concern_id).await?;
    if !concern.is_recipient {
        return Err(AppError::NotFound);
    }
    let mut r = body.reader();
    let note = r.text("note", Len::Paragraph);
    let status = Status::parse(&r.text("status", Len::Code));
    let mut errors = r.finish();
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
        return ShowPage::new(&state, ctx, member, concern_id)
            .await?
            .with_note(note, errors)
            .respond();
    };
    let follow_up_id: i64 = sqlx::query_scalar(
        "insert into concern_follow_up (concern_id, author_user_id, status, note)
         values ($1, $2, $3, '') returning concern_follow_up_id",
    )
    .bind(concern_id)
    .bind(member.user.user_id)
    .bind(status.as_str())
    .fetch_one(&mut *tx)
    .await?;
    if !note.is_empty() {
        let sealed = state
            .vault
            .seal(
                &mut tx,
                Scope::Production(production_id),
                &Field::new("concern_follow_up", "note_sealed", follow_up_id),
                &note,
            )
            .await?;
        sqlx::query(
            "update concern_follow_up set note_sealed = $2 where concern_follow_up_id = $1",
        )
        .bind(follow_up_id)
        .bind(&sealed)
        .execute(&mut *tx)
        .await?;
    }
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
