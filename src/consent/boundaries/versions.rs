//! The stored versions of a boundary profile, as the profile page lists them and the version
//! page shows one: who recorded each, and when it was saved.

use time::OffsetDateTime;

use super::cast_record::CastRecord;
use super::sealed::{self, StoredProfile};
use crate::error::Result;
use crate::vault::Encrypted;
use crate::web::AppState;

/// A stored version, as listed and shown.
#[derive(sqlx::FromRow)]
pub(super) struct VersionRow {
    pub(super) boundary_profile_version_id: i64,
    pub(super) version: i32,
    pub(super) entries: serde_json::Value,
    pub(super) notes: String,
    pub(super) entries_sealed: Option<Encrypted<String>>,
    pub(super) notes_sealed: Option<Encrypted<String>>,
    pub(super) created_at: OffsetDateTime,
    pub(super) recorded_by_id: Option<i64>,
    pub(super) recorded_by: Option<String>,
}

impl VersionRow {
    pub(super) fn saved(&self) -> String {
        format_instant_date(self.created_at)
    }
}

/// Every version of a cast member's profile, newest first.
pub(super) async fn versions(state: &AppState, cast_member_id: i64) -> Result<Vec<VersionRow>> {
    let mut conn = state.pool.acquire().await?;
    let mut rows: Vec<VersionRow> = sqlx::query_as(
        "select v.boundary_profile_version_id, v.version, v.entries, v.notes, v.created_at,
                v.entries_sealed, v.notes_sealed,
                v.recorded_by as recorded_by_id, u.name as recorded_by
         from boundary_profile_version v left join app_user u on u.user_id = v.recorded_by
         where v.cast_member_id = $1 order by v.version desc",
    )
    .bind(cast_member_id)
    .fetch_all(&mut *conn)
    .await?;
    for v in &mut rows {
        let (entries, notes) = sealed::open(
            Some(&state.vault),
            &mut conn,
            StoredProfile {
                id: v.boundary_profile_version_id,
                entries: &v.entries,
                entries_sealed: v.entries_sealed.as_ref(),
                notes: &v.notes,
                notes_sealed: v.notes_sealed.as_ref(),
            },
        )
        .await?;
        v.entries = entries;
        v.notes = notes;
    }
    Ok(rows)
}

/// Who recorded a version: the performer themself, or someone with them.
pub(super) fn recorder_text(cast: &CastRecord, v: &VersionRow) -> String {
    match (
        &v.recorded_by,
        v.recorded_by_id == cast.user_id && cast.user_id.is_some(),
    ) {
        (Some(_), true) => format!("{} themself", cast.name),
        (Some(name), false) => format!("{name}, with {}", cast.name),
        (None, _) => "Not recorded".into(),
    }
}

/// The date of an instant, as the profile pages list saves.
pub(super) fn format_instant_date(instant: OffsetDateTime) -> String {
    crate::clock::format_date(instant.date())
}
