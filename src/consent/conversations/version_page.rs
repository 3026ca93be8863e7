//! One saved version of a conversation log, read-only: who saved it and when, what it said and
//! who was there. A coordinator reads every version; a performer only those they were part of,
//! with their own note alone.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::records::{Reader, reader, when};
use super::versions::{Note, VersionRow, notes, summary_is_theirs, versions};
use crate::consent::boundaries::access_log::{self, RecordKind};
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, render};

#[derive(Template)]
#[template(path = "consent/conversation_version.html")]
struct VersionPage {
    ctx: Ctx,
    member: Member,
    conversation_id: i64,
    version: VersionRow,
    /// The coordinator's summary, when the reader may read it.
    summary: Option<String>,
    notes: Vec<Note>,
    own: Option<i64>,
    latest: i32,
}

impl VersionPage {
    fn when(&self) -> String {
        when(&self.member, self.version.held_at)
    }
    fn saved(&self) -> String {
        when(&self.member, self.version.created_at)
    }
    fn summary_lines(&self) -> Vec<String> {
        self.summary
            .as_deref()
            .map(crate::web::form::lines)
            .unwrap_or_default()
    }
}

pub(super) async fn version_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, conversation_id, version)): Ids<(i64, i64, i32)>,
) -> Result<Response> {
    let own = match reader(&state.pool, &member).await? {
        Reader::Coordinator => None,
        Reader::Performer(id) => Some(id),
        Reader::Unlinked => return Err(AppError::NotFound),
    };
    let mut all = versions(
        &state.vault,
        &state.pool,
        member.production.production_id,
        conversation_id,
    )
    .await?;
    let latest = all.first().map_or(0, |v| v.version);
    let at = all
        .iter()
        .position(|v| v.version == version)
        .ok_or(AppError::NotFound)?;
    // A performer opens only the versions they were part of.
    if own.is_some_and(|id| !all[at].has(id)) {
        return Err(AppError::NotFound);
    }
    let summary_readable = match own {
        None => true,
        Some(id) => summary_is_theirs(all[at..].iter().rev().map(|v| &v.performer_ids[..]), id),
    };
    let version = all.swap_remove(at);
    let notes = notes(&state.vault, &state.pool, &version, own).await?;
    access_log::record(
        &state.pool,
        &member,
        &version.performer_ids,
        RecordKind::Conversation,
        Some(conversation_id),
    )
    .await?;
    let summary = summary_readable.then(|| version.summary.clone());
    render(&VersionPage {
        ctx,
        member,
        conversation_id,
        version,
        summary,
        notes,
        own,
        latest,
    })
}
