//! One conversation: the page that shows it (opening it is logged for the performers in it),
//! the coordinator's edit of the log, and adding follow-ups and marking them done.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use tower_sessions::Session;

use super::follow_ups::{FollowUp, follow_ups};
use super::form::{ConversationForm, parse_follow_up};
use super::kind::Kind;
use super::records::{
    CastOption, ConversationRow, Reader, cast_options, conversations, reader, set_performers, when,
};
use crate::access::Action;
use crate::consent::boundaries::access_log::{self, RecordKind};
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::{Ctx, FieldErrors, Flash, render_with_status};

#[derive(Template)]
#[template(path = "consent/conversation.html")]
struct ShowPage {
    ctx: Ctx,
    member: Member,
    conversation: ConversationRow,
    follow_ups: Vec<FollowUp>,
    cast: Vec<CastOption>,
    form: ConversationForm,
    errors: FieldErrors,
    follow_up_form: (String, String),
    follow_up_errors: FieldErrors,
    kinds: [Kind; 6],
}

impl ShowPage {
    /// The conversation with its follow-ups and the edit form filled from what is stored.
    /// Everyone in the conversation but the reader is told their conversation was opened.
    async fn new(
        pool: &PgPool,
        ctx: Ctx,
        member: Member,
        conversation: ConversationRow,
    ) -> Result<ShowPage> {
        let production_id = member.production.production_id;
        let follow_ups = follow_ups(
            pool,
            production_id,
            Some(conversation.conversation_id),
            None,
            false,
        )
        .await?;
        let cast = if member.is(Role::Coordinator) {
            cast_options(pool, production_id).await?
        } else {
            Vec::new()
        };
        access_log::record(
            pool,
            &member,
            &conversation.performer_ids,
            RecordKind::Conversation,
            Some(conversation.conversation_id),
        )
        .await?;
        let form = ConversationForm::from_row(&conversation, member.production.zone.tz());
        Ok(ShowPage {
            ctx,
            member,
            conversation,
            follow_ups,
            cast,
            form,
            errors: FieldErrors::default(),
            follow_up_form: Default::default(),
            follow_up_errors: FieldErrors::default(),
            kinds: Kind::ALL,
        })
    }

    /// The edit form as it was sent, with the errors that refused it.
    fn with_form(self, form: ConversationForm, errors: FieldErrors) -> ShowPage {
        ShowPage {
            form,
            errors,
            ..self
        }
    }

    /// The follow-up as it was typed (text, due date), with the error that refused it.
    fn with_follow_up(self, follow_up_form: (String, String), errors: FieldErrors) -> ShowPage {
        ShowPage {
            follow_up_form,
            follow_up_errors: errors,
            ..self
        }
    }

    /// The page, as 422 when either form was refused.
    fn respond(&self) -> Result<Response> {
        let status = if self.errors.is_empty() && self.follow_up_errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        render_with_status(status, self)
    }

    fn can_edit(&self) -> bool {
        self.member.can(Action::KeepConversations)
    }
    fn when(&self) -> String {
        when(&self.member, self.conversation.held_at)
    }
}

/// The conversation if the caller may read it; 404 otherwise, also for uninvolved performers.
async fn readable(pool: &PgPool, member: &Member, conversation_id: i64) -> Result<ConversationRow> {
    let only = match reader(pool, member).await? {
        Reader::Coordinator => None,
        Reader::Performer(id) => Some(id),
        Reader::Unlinked => return Err(AppError::NotFound),
    };
    conversations(
        pool,
        member.production.production_id,
        Some(conversation_id),
        only,
    )
    .await?
    .pop()
    .ok_or(AppError::NotFound)
}

pub(super) async fn show_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, conversation_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let conversation = readable(&state.pool, &member, conversation_id).await?;
    ShowPage::new(&state.pool, ctx, member, conversation)
        .await?
        .respond()
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, conversation_id)): Path<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::KeepConversations)?;
    let conversation = readable(&state.pool, &member, conversation_id).await?;
    let production_id = member.production.production_id;
    let form = ConversationForm::read(&body);
    let cast = cast_options(&state.pool, production_id).await?;
    let input = match form.parse(&cast, member.production.zone.tz(), false) {
        Ok(input) => input,
        Err(errors) => {
            return ShowPage::new(&state.pool, ctx, member, conversation)
                .await?
                .with_form(form, errors)
                .respond();
        }
    };
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "update conversation set kind = $3, held_at = $4, summary = $5, updated_at = now()
         where conversation_id = $1 and production_id = $2",
    )
    .bind(conversation_id)
    .bind(production_id)
    .bind(input.kind.as_str())
    .bind(input.held_at)
    .bind(&input.summary)
    .execute(&mut *tx)
    .await?;
    set_performers(&mut tx, production_id, conversation_id, &input.performers).await?;
    tx.commit().await?;
    Flash::success(&session, "The conversation log is saved.").await?;
    Ok(Redirect::to(&format!(
        "{}/conversations/{conversation_id}",
        member.base()
    ))
    .into_response())
}

pub(super) async fn add_follow_up(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, conversation_id)): Path<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::KeepConversations)?;
    let conversation = readable(&state.pool, &member, conversation_id).await?;
    let (text, due) = (body.get("follow_up"), body.get("follow_up_due"));
    let parsed = match parse_follow_up(&text, &due) {
        Ok(None) => Err((false, "Write what needs doing.")),
        other => other,
    };
    let (text_out, due_on) = match parsed {
        Ok(Some(row)) => row,
        Ok(None) => unreachable!("blank rows are refused above"),
        Err((on_due, message)) => {
            let mut errors = FieldErrors::default();
            errors.add(if on_due { "follow_up_due" } else { "follow_up" }, message);
            return ShowPage::new(&state.pool, ctx, member, conversation)
                .await?
                .with_follow_up((text, due), errors)
                .respond();
        }
    };
    sqlx::query(
        "insert into follow_up (conversation_id, production_id, body, due_on)
         values ($1, $2, $3, $4)",
    )
    .bind(conversation_id)
    .bind(member.production.production_id)
    .bind(&text_out)
    .bind(due_on)
    .execute(&state.pool)
    .await?;
    Flash::success(&session, "Follow-up added.").await?;
    Ok(Redirect::to(&format!(
        "{}/conversations/{conversation_id}",
        member.base()
    ))
    .into_response())
}

pub(super) async fn mark_done(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, follow_up_id)): Path<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::KeepConversations)?;
    // Marking twice keeps the first time and person.
    let conversation_id: i64 = sqlx::query_scalar(
        "update follow_up set done_at = coalesce(done_at, now()),
                              done_by = case when done_at is null then $3 else done_by end
         where follow_up_id = $1 and production_id = $2
         returning conversation_id",
    )
    .bind(follow_up_id)
    .bind(member.production.production_id)
    .bind(member.user.user_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Flash::success(&session, "Follow-up marked done.").await?;
    Ok(Redirect::to(&format!(
        "{}/conversations/{conversation_id}",
        member.base()
    ))
    .into_response())
}
