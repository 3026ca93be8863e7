//! One stored version of a boundary profile, read-only: the answered rows grouped by kind of
//! contact, who recorded it, and whether a newer version replaced it.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::access_log::{self, RecordKind};
use super::cast_record::{CastRecord, is_self, readable_cast};
use super::versions::{VersionRow, recorder_text, versions};
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::vocab::boundary::{Contact, Entry, Profile};
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, render};

#[derive(Template)]
#[template(path = "consent/boundaries_version.html")]
struct VersionPage {
    ctx: Ctx,
    member: Member,
    cast: CastRecord,
    version: VersionRow,
    profile: Profile,
    latest: i32,
}

impl VersionPage {
    fn recorder(&self) -> String {
        recorder_text(&self.cast, &self.version)
    }
    fn note_lines(&self) -> Vec<String> {
        crate::web::form::lines(&self.profile.notes)
    }
    /// Rows grouped by kind of contact, only those with answers.
    fn groups(&self) -> Vec<(Contact, Vec<&Entry>)> {
        Contact::ALL
            .into_iter()
            .map(|c| {
                (
                    c,
                    self.profile
                        .entries
                        .iter()
                        .filter(|e| e.contact == c)
                        .collect(),
                )
            })
            .filter(|(_, rows): &(Contact, Vec<&Entry>)| !rows.is_empty())
            .collect()
    }
}

pub(super) async fn version_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, cast_member_id, version)): Ids<(i64, i64, i32)>,
) -> Result<Response> {
    let cast = readable_cast(&state.pool, &member, cast_member_id).await?;
    let mut all = versions(&state, cast.cast_member_id).await?;
    let latest = all.first().map_or(0, |v| v.version);
    let at = all
        .iter()
        .position(|v| v.version == version)
        .ok_or(AppError::NotFound)?;
    let version = all.swap_remove(at);
    if !is_self(&member, &cast) {
        access_log::record(
            &state.pool,
            &member,
            &[cast.cast_member_id],
            RecordKind::BoundaryProfile,
            Some(version.boundary_profile_version_id),
        )
        .await?;
    }
    let profile = Profile::from_stored(&version.entries, &version.notes);
    render(&VersionPage {
        ctx,
        member,
        cast,
        version,
        profile,
        latest,
    })
}
