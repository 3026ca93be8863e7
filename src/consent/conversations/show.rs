//! One conversation: the page that shows its newest version as the reader may read it (opening
//! it is logged for the performers in it), the coordinator's edit (a new version, never a change
//! to an earlier one), and adding follow-ups and marking them done.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;
use tower_sessions::Session;

use super::follow_ups::{self, FollowUp, follow_ups};
use super::form::{ConversationForm, parse_follow_up};
use super::kind::Kind;
use super::records::{
    CastOption, ConversationRow, Reader, cast_options, conversations, reader, set_performers, when,
};
use super::versions::{
    NewVersion, Note, VersionRow, append_version, keep_unversioned, log_summary, newest_stored,
    notes, seal_log_summary, summary_is_theirs, versions,
};
use crate::access::Action;
use crate::consent::boundaries::KeyedErrors;
use crate::consent::boundaries::access_log::{self, RecordKind};
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash, render_with_status};
use crate::web::{FormBody, Len};

#[derive(Template)]
#[template(path = "consent/conversation.html")]
struct ShowPage {
    ctx: Ctx,
    member: Member,
    conversation: ConversationRow,
    /// The coordinator's summary, when the reader may read it (see `summary_is_theirs`).
    summary: Option<String>,
    /// The newest version's notes: all for a coordinator, a performer's own alone.
    notes: Vec<Note>,
    /// The reader's own cast record, when a performer reads.
    own: Option<i64>,
    /// The newest version's number (1 for a log never edited).
    current: i32,
    /// The saved versions the reader may open, newest first.
    history: Vec<Saved>,
    follow_ups: Vec<FollowUp>,
    cast: Vec<CastOption>,
    form: ConversationForm,
    errors: KeyedErrors,
    follow_up_form: (String, String),
    follow_up_errors: FieldErrors,
    kinds: [Kind; 6],
}

/// A saved version as the history lists it: no summary, no notes.
pub(super) struct Saved {
    pub(super) version: i32,
    pub(super) saved: String,
    pub(super) by: String,
    pub(super) kind: &'static str,
    pub(super) who: String,
}

impl Saved {
    pub(super) fn of(member: &Member, v: &VersionRow) -> Saved {
        Saved {
            version: v.version,
            saved: when(member, v.created_at),
            by: v
                .recorded_by
                .clone()
                .unwrap_or_else(|| "Not recorded".into()),
            kind: v.kind_label(),
            who: v.who(),
        }
    }
}

impl ShowPage {
    /// The conversation with its follow-ups and the edit form filled from what is stored.
    /// Everyone in the conversation but the reader is told their conversation was opened.
    async fn new(
        state: &AppState,
        ctx: Ctx,
        member: Member,
        readable: Readable,
    ) -> Result<ShowPage> {
        let pool = &state.pool;
        let Readable {
            row: conversation,
            own,
        } = readable;
        let production_id = member.production.production_id;
        let conversation_id = conversation.conversation_id;
        let follow_ups = follow_ups(
            &state.vault,
            pool,
            production_id,
            Some(conversation_id),
            None,
            false,
        )
        .await?;
        let cast = if member.is(Role::Coordinator) {
            cast_options(pool, production_id).await?
        } else {
            Vec::new()
        };
        let all = versions(&state.vault, pool, production_id, conversation_id).await?;
        let notes = match all.first() {
            Some(newest) => notes(&state.vault, pool, newest, own).await?,
            None => Vec::new(),
        };
        access_log::record(
            pool,
            &member,
            &conversation.performer_ids,
            RecordKind::Conversation,
            Some(conversation_id),
        )
        .await?;
        let summary_readable = match own {
            None => true,
            Some(id) => summary_is_theirs(all.iter().rev().map(|v| &v.performer_ids[..]), id),
        };
        let summary = summary_readable.then(|| conversation.summary.clone());
        let history = all
            .iter()
            .filter(|v| own.is_none_or(|id| v.has(id)))
            .map(|v| Saved::of(&member, v))
            .collect();
        let current = all.first().map_or(1, |v| v.version);
        let form = ConversationForm::from_row(&conversation, &notes, member.production.zone);
        Ok(ShowPage {
            ctx,
            member,
            conversation,
            summary,
            notes,
            own,
            current,
            history,
            follow_ups,
            cast,
            form,
            errors: KeyedErrors::default(),
            follow_up_form: Default::default(),
            follow_up_errors: FieldErrors::default(),
            kinds: Kind::ALL,
        })
    }

    /// The edit form as it was sent, with the errors that refused it.
    fn with_form(self, form: ConversationForm, errors: KeyedErrors) -> ShowPage {
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
    fn summary_lines(&self) -> Vec<String> {
        self.summary
            .as_deref()
            .map(crate::web::form::lines)
            .unwrap_or_default()
    }
}

/// A conversation the caller may read, and whose: `own` is the reader's cast record when a
/// performer reads.
pub(super) struct Readable {
    row: ConversationRow,
    own: Option<i64>,
}

/// The conversation if the caller may read it; 404 otherwise, also for uninvolved performers.
async fn readable(state: &AppState, member: &Member, conversation_id: i64) -> Result<Readable> {
    let pool = &state.pool;
    let own = match reader(pool, member).await? {
        Reader::Coordinator => None,
        Reader::Performer(id) => Some(id),
        Reader::Unlinked => return Err(AppError::NotFound),
    };
    let mut row = conversations(
        pool,
        member.production.production_id,
        Some(conversation_id),
        own,
    )
    .await?
    .pop()
    .ok_or(AppError::NotFound)?;
    row.summary = state
        .vault
        .reveal(
            &mut *pool.acquire().await?,
            &log_summary(row.conversation_id),
            row.summary_sealed.take().as_ref(),
            std::mem::take(&mut row.summary),
        )
        .await?;
    Ok(Readable { row, own })
}

pub(super) async fn show_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, conversation_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    let conversation = readable(&state, &member, conversation_id).await?;
    ShowPage::new(&state, ctx, member, conversation)
        .await?
        .respond()
}

/// Saves an edit as a new version; the earlier ones stay as they were. An edit that changes
/// nothing saves nothing.
pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, conversation_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::KeepConversations)?;
    let conversation = readable(&state, &member, conversation_id).await?;
    let production_id = member.production.production_id;
    let cast = cast_options(&state.pool, production_id).await?;
    let form = ConversationForm::read(&body, &cast);
    let now = OffsetDateTime::now_utc();
    let input = match form.parse(&cast, member.production.zone, now, false) {
        Ok(input) => input,
        Err(errors) => {
            return ShowPage::new(&state, ctx, member, conversation)
                .await?
                .with_form(form, errors)
                .respond();
        }
    };
    let mut tx = state.pool.begin().await?;
    // One save at a time per conversation, so version numbers follow each other.
    sqlx::query("select 1 from conversation where conversation_id = $1 for update")
        .bind(conversation_id)
        .execute(&mut *tx)
        .await?;
    keep_unversioned(&state.vault, &mut tx, conversation_id).await?;
    let stored = newest_stored(&state.vault, &mut tx, conversation_id).await?;
    let mut sent = input.notes.clone();
    sent.sort();
    let (sent_ids, sent_notes): (Vec<i64>, Vec<String>) = sent.into_iter().unzip();
    if stored
        == (
            input.kind.as_str().to_string(),
            input.held_at,
            input.summary.clone(),
            sent_ids,
            sent_notes,
        )
    {
        tx.rollback().await?;
        Flash::success(&session, "Nothing changed, so no new version was saved.").await?;
        return Ok(Redirect::to(&format!(
            "{}/conversations/{conversation_id}",
            member.base()
        ))
        .into_response());
    }
    let version = append_version(
        &state.vault,
        &mut tx,
        &NewVersion {
            production_id,
            conversation_id,
            kind: input.kind.as_str(),
            held_at: input.held_at,
            summary: &input.summary,
            performers: &input.notes,
            recorded_by: member.user.user_id,
        },
    )
    .await?;
    sqlx::query(
        "update conversation set kind = $3, held_at = $4, updated_at = now()
         where conversation_id = $1 and production_id = $2",
    )
    .bind(conversation_id)
    .bind(production_id)
    .bind(input.kind.as_str())
    .bind(input.held_at)
    .execute(&mut *tx)
    .await?;
    seal_log_summary(
        &state.vault,
        &mut tx,
        production_id,
        conversation_id,
        &input.performers(),
        &input.summary,
    )
    .await?;
    set_performers(&mut tx, production_id, conversation_id, &input.performers()).await?;
    tx.commit().await?;
    Flash::success(
        &session,
        format!("Saved as version {version}. The earlier versions stay as they were."),
    )
    .await?;
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
    Ids((_, conversation_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::KeepConversations)?;
    let conversation = readable(&state, &member, conversation_id).await?;
    let mut r = body.reader();
    let (text, due) = (
        r.text("follow_up", Len::Paragraph),
        r.text("follow_up_due", Len::Code),
    );
    let mut errors = r.finish();
    let row = match parse_follow_up(&text, &due) {
        Ok(Some(row)) => Some(row),
        Ok(None) => {
            errors.add("follow_up", "Write what needs doing.");
            None
        }
        Err((on_due, message)) => {
            errors.add(if on_due { "follow_up_due" } else { "follow_up" }, message);
            None
        }
    };
    let Some((text_out, due_on)) = row.filter(|_| errors.is_empty()) else {
        return ShowPage::new(&state, ctx, member, conversation)
            .await?
            .with_follow_up((text, due), errors)
            .respond();
    };
    let mut tx = state.pool.begin().await?;
    follow_ups::add(
        &state.vault,
        &mut tx,
        member.production.production_id,
        conversation_id,
        &text_out,
        due_on,
    )
    .await?;
    tx.commit().await?;
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
    Ids((_, follow_up_id)): Ids<(i64, i64)>,
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
