//! Choreography versions in the database: the newest is the scene's choreography; every
//! change writes a new version with its content hash, and older ones stay as they were.

use sqlx::{PgConnection, PgPool};

use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::vocab::beat::Choreography;
use crate::vocab::breakdown::{Breakdown, read_breakdown};

/// A flagged scene and the people its current breakdown asks something of.
pub struct SceneInfo {
    pub scene_id: i64,
    pub number: String,
    pub breakdown: Breakdown,
    /// (cast member, "#1 Alex Rivera"), in cast order.
    pub cast: Vec<(i64, String)>,
}

impl SceneInfo {
    pub fn label(&self, cast_member_id: i64) -> String {
        self.cast
            .iter()
            .find(|(id, _)| *id == cast_member_id)
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| format!("cast member {cast_member_id}"))
    }
}

/// A flagged scene of the member's production, or 404: choreography is for intimate scenes.
pub async fn flagged_scene(pool: &PgPool, member: &Member, scene_id: i64) -> Result<SceneInfo> {
    let (number, breakdown): (String, String) = sqlx::query_as(
        "select s.number, v.breakdown::text from scene s
         join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1 and s.production_id = $2 and v.flagged and not s.omitted",
    )
    .bind(scene_id)
    .bind(member.production.production_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let breakdown = read_breakdown(&breakdown);
    let ids: Vec<i64> = breakdown
        .performers
        .iter()
        .map(|p| p.cast_member_id)
        .collect();
    let cast: Vec<(i64, String)> = sqlx::query_as(
        "select cast_member_id, '#' || cast_number || ' ' || name from cast_member
         where production_id = $1 and cast_member_id = any($2) order by cast_number",
    )
    .bind(member.production.production_id)
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    Ok(SceneInfo {
        scene_id,
        number,
        breakdown,
        cast,
    })
}

/// The newest version of a scene's choreography: (version number, beats), or none yet.
pub struct Current {
    pub version: i32,
    pub choreography: Choreography,
}

pub async fn current(pool: &PgPool, scene_id: i64) -> Result<Current> {
    let mut conn = pool.acquire().await?;
    current_on(&mut conn, scene_id).await
}

/// Locks the scene row, then reads its choreography: a change is read, made and written under
/// the lock, so two editors saving at once never lose each other's beats.
pub async fn lock_and_read(conn: &mut PgConnection, scene_id: i64) -> Result<Current> {
    sqlx::query("select 1 from scene where scene_id = $1 for update")
        .bind(scene_id)
        .execute(&mut *conn)
        .await?;
    current_on(conn, scene_id).await
}

async fn current_on(conn: &mut PgConnection, scene_id: i64) -> Result<Current> {
    let row: Option<(i32, String)> = sqlx::query_as(
        "select version, beats::text from choreography_version where scene_id = $1
         order by version desc limit 1",
    )
    .bind(scene_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some((version, json)) => Current {
            version,
            choreography: serde_json::from_str(&json).unwrap_or_default(),
        },
        None => Current {
            version: 0,
            choreography: Choreography::default(),
        },
    })
}

/// Writes `choreography` as the scene's next version, unless it is the same as the newest.
/// Call after `lock_and_read` in the same transaction.
pub async fn save(
    conn: &mut PgConnection,
    member: &Member,
    scene_id: i64,
    choreography: &Choreography,
) -> Result<()> {
    let newest: Option<(i32, String)> = sqlx::query_as(
        "select version, content_hash from choreography_version where scene_id = $1
         order by version desc limit 1",
    )
    .bind(scene_id)
    .fetch_optional(&mut *conn)
    .await?;
    let hash = choreography.content_hash();
    if newest.as_ref().is_some_and(|(_, h)| *h == hash) {
        return Ok(());
    }
    let json = serde_json::to_string(choreography)
        .map_err(|e| anyhow::anyhow!("writing a choreography: {e}"))?;
    sqlx::query(
        "insert into choreography_version
           (scene_id, production_id, version, beats, content_hash, created_by)
         values ($1, $2, $3, $4::jsonb, $5, $6)",
    )
    .bind(scene_id)
    .bind(member.production.production_id)
    .bind(newest.map_or(1, |(v, _)| v + 1))
    .bind(json)
    .bind(hash)
    .bind(member.user.user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
