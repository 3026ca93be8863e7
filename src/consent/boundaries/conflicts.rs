//! Boundary conflicts as the pages and the rider's delivery read them: each performer's latest
//! profile against their part of a scene's current breakdown, or of the versions a rider covers.
//! The rule itself is `rules::boundaries`; callers decide who may see the answer (DOMAIN §4).

use sqlx::{PgConnection, PgPool};

use super::sealed::{self, StoredProfile};
use crate::error::Result;
use crate::rules::boundaries::{self, Conflict};
use crate::vault::{Encrypted, Vault};
use crate::vocab::boundary::Profile;
use crate::vocab::breakdown::read_breakdown;

/// The latest stored profile of one cast member, as a query returns it.
#[derive(sqlx::FromRow)]
struct LatestProfile {
    boundary_profile_version_id: i64,
    cast_member_id: i64,
    entries: serde_json::Value,
    notes: String,
    entries_sealed: Option<Encrypted<String>>,
    notes_sealed: Option<Encrypted<String>>,
}

impl LatestProfile {
    fn profile(&self) -> Profile {
        Profile::from_stored(&self.entries, &self.notes)
    }

    /// Opens its sealed answers and notes in place.
    async fn open(&mut self, vault: Option<&Vault>, conn: &mut PgConnection) -> Result<()> {
        let (entries, notes) = sealed::open(
            vault,
            conn,
            StoredProfile {
                id: self.boundary_profile_version_id,
                entries: &self.entries,
                entries_sealed: self.entries_sealed.as_ref(),
                notes: &self.notes,
                notes_sealed: self.notes_sealed.as_ref(),
            },
        )
        .await?;
        self.entries = entries;
        self.notes = notes;
        Ok(())
    }
}

const LATEST_COLUMNS: &str = "v.boundary_profile_version_id, v.cast_member_id, v.entries, \
     v.notes, v.entries_sealed, v.notes_sealed";

/// Every performer with a part in the scene's current breakdown whose latest boundary profile
/// conflicts with it, by cast member id in the breakdown's order; performers without a
/// conflict (or without a profile) are left out. Two queries whatever the cast size.
pub async fn conflicts_for_scene(
    vault: &Vault,
    pool: &PgPool,
    production_id: i64,
    scene_id: i64,
) -> Result<Vec<(i64, Vec<Conflict>)>> {
    let breakdown: Option<String> = sqlx::query_scalar(
        "select v.breakdown::text from scene s
         join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1 and s.production_id = $2",
    )
    .bind(scene_id)
    .bind(production_id)
    .fetch_optional(pool)
    .await?;
    let Some(breakdown) = breakdown.map(|json| read_breakdown(&json).normalised()) else {
        return Ok(Vec::new());
    };
    let ids: Vec<i64> = breakdown
        .performers
        .iter()
        .map(|p| p.cast_member_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = pool.acquire().await?;
    let mut profiles: Vec<LatestProfile> = sqlx::query_as(&format!(
        "select distinct on (v.cast_member_id) {LATEST_COLUMNS}
         from boundary_profile_version v
         where v.production_id = $1 and v.cast_member_id = any($2)
         order by v.cast_member_id, v.version desc"
    ))
    .bind(production_id)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    for p in &mut profiles {
        p.open(Some(vault), &mut conn).await?;
    }
    Ok(breakdown
        .performers
        .iter()
        .filter_map(|part| {
            let latest = profiles
                .iter()
                .find(|p| p.cast_member_id == part.cast_member_id)?;
            let found = boundaries::conflicts(&latest.profile().entries, part, &breakdown.kinds);
            (!found.is_empty()).then_some((part.cast_member_id, found))
        })
        .collect())
}

/// What a rider asks (its performer's part of each scene version it covers) that the
/// performer's latest boundary profile says No or "ask me first" to, each area and kind of
/// contact once. Empty when there is no profile, or the rider is not of this production. Two
/// queries, on the caller's connection so it can run inside a delivery's transaction.
pub async fn conflicts_for_rider(
    vault: Option<&Vault>,
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
) -> Result<Vec<Conflict>> {
    let latest: Option<LatestProfile> = sqlx::query_as(&format!(
        "select {LATEST_COLUMNS}
         from rider r join boundary_profile_version v on v.cast_member_id = r.cast_member_id
         where r.rider_id = $1 and r.production_id = $2
         order by v.version desc limit 1"
    ))
    .bind(rider_id)
    .bind(production_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(mut latest) = latest else {
        return Ok(Vec::new());
    };
    latest.open(vault, conn).await?;
    let covered: Vec<String> = sqlx::query_scalar(
        "select sv.breakdown::text
         from rider_scene rs join scene_version sv on sv.scene_version_id = rs.scene_version_id
         where rs.rider_id = $1 and rs.production_id = $2
         order by rs.scene_id",
    )
    .bind(rider_id)
    .bind(production_id)
    .fetch_all(&mut *conn)
    .await?;
    let entries = latest.profile().entries;
    Ok(boundaries::merged(covered.iter().filter_map(|json| {
        let breakdown = read_breakdown(json);
        let part = breakdown
            .performers
            .iter()
            .find(|p| p.cast_member_id == latest.cast_member_id)?;
        Some(boundaries::conflicts(&entries, part, &breakdown.kinds))
    })))
}
