//! The conversation log of a production: the list (a performer sees only those they were in)
//! with the open follow-ups, and the form a coordinator logs a new conversation with.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use time::OffsetDateTime;
use tower_sessions::Session;

use super::follow_ups::{self, FollowUp, follow_ups};
use super::form::{ConversationForm, FOLLOW_UP_FIELDS};
use super::kind::Kind;
use super::records::{
    CastOption, ConversationRow, Reader, cast_options, conversations, reader, set_performers, when,
};
use super::versions::{NewVersion, append_version, seal_log_summary};
use crate::access::Action;
use crate::consent::boundaries::{KeyedErrors, UnlinkedPage};
use crate::error::Result;
use crate::productions::Member;
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::{Ctx, Flash, render, render_with_status};

#[derive(Template)]
#[template(path = "consent/conversations.html")]
struct ListPage {
    ctx: Ctx,
    member: Member,
    conversations: Vec<ConversationRow>,
    follow_ups: Vec<FollowUp>,
    /// Empty for performers, who only read.
    cast: Vec<CastOption>,
    form: ConversationForm,
    errors: KeyedErrors,
    kinds: [Kind; 6],
}

impl ListPage {
    /// The conversations and open follow-ups, all of them or `only` those of one performer,
    /// with an empty log form (and the cast to choose from when the list is not narrowed).
    async fn new(
        state: &AppState,
        ctx: Ctx,
        member: Member,
        only: Option<i64>,
    ) -> Result<ListPage> {
        let pool = &state.pool;
        let production_id = member.production.production_id;
        let conversations = conversations(pool, production_id, None, only).await?;
        let follow_ups = follow_ups(&state.vault, pool, production_id, None, only, true).await?;
        let cast = if only.is_none() {
            cast_options(pool, production_id).await?
        } else {
            Vec::new()
        };
        Ok(ListPage {
            ctx,
            member,
            conversations,
            follow_ups,
            cast,
            form: ConversationForm::default(),
            errors: KeyedErrors::default(),
            kinds: Kind::ALL,
        })
    }

    /// The log form as it was sent, with the errors that refused it.
    fn with_form(self, form: ConversationForm, errors: KeyedErrors) -> ListPage {
        ListPage {
            form,
            errors,
            ..self
        }
    }

    /// The page, as 422 when the form was refused.
    fn respond(&self) -> Result<Response> {
        let status = if self.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        render_with_status(status, self)
    }

    fn can_edit(&self) -> bool {
        self.member.can(Action::KeepConversations)
    }
    fn when(&self, row: &ConversationRow) -> String {
        when(&self.member, row.held_at)
    }
    fn rows(&self) -> std::ops::Range<usize> {
        0..FOLLOW_UP_FIELDS.len()
    }
    fn row_fields(&self, i: &usize) -> (&'static str, &'static str) {
        FOLLOW_UP_FIELDS[*i]
    }
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    let only = match reader(&state.pool, &member).await? {
        Reader::Coordinator => None,
        Reader::Performer(id) => Some(id),
        Reader::Unlinked => return render(&UnlinkedPage { ctx, member }),
    };
    ListPage::new(&state, ctx, member, only).await?.respond()
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::KeepConversations)?;
    let production_id = member.production.production_id;
    let cast = cast_options(&state.pool, production_id).await?;
    let form = ConversationForm::read(&body, &cast);
    let now = OffsetDateTime::now_utc();
    let input = match form.parse(&cast, member.production.zone, now, true) {
        Ok(input) => input,
        Err(errors) => {
            // Only coordinators keep the log (checked above), and they read every conversation.
            return ListPage::new(&state, ctx, member, None)
                .await?
                .with_form(form, errors)
                .respond();
        }
    };
    let mut tx = state.pool.begin().await?;
    let conversation_id: i64 = sqlx::query_scalar(
        "insert into conversation (production_id, kind, held_at, summary, created_by)
         values ($1, $2, $3, '', $4) returning conversation_id",
    )
    .bind(production_id)
    .bind(input.kind.as_str())
    .bind(input.held_at)
    .bind(member.user.user_id)
    .fetch_one(&mut *tx)
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
    append_version(
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
    for (text, due_on) in &input.follow_ups {
        follow_ups::add(
            &state.vault,
            &mut tx,
            production_id,
            conversation_id,
            text,
            *due_on,
        )
        .await?;
    }
    tx.commit().await?;
    Flash::success(
        &session,
        format!(
            "{} logged. Only coordinators and the performers in it can read it.",
            input.kind.label()
        ),
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}/conversations/{conversation_id}",
        member.base()
    ))
    .into_response())
}
