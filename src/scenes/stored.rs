//! One scene as stored, as the scene pages and the breakdown editor both read it: the scene row
//! (a performer not in it gets 404), its versions, its shoot dates and the cast ages R5 checks.

use time::{Date, OffsetDateTime};

use crate::cast::CastMember;
use crate::clock::format_date;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::minors::CastAge;
use crate::scenes::eighths::Eighths;
use crate::scenes::heading::RevisionColour;
use crate::scenes::heading_text;
use crate::vocab::Role;
use crate::web::AppState;

#[derive(sqlx::FromRow)]
pub(crate) struct SceneRow {
    pub scene_id: i64,
    pub number: String,
    pub int_ext: String,
    pub set_name: String,
    pub time_of_day: String,
    pub eighths: i32,
    pub synopsis: String,
    pub revision_colour: String,
    pub omitted: bool,
    pub current_version: Option<i32>,
    pub breakdown: Option<String>,
    /// The signed-in person's cast member in this scene, if any.
    pub my_cast_member_id: Option<i64>,
    /// Flagged, and its script changed in a draft since the breakdown was last reviewed.
    pub script_review: bool,
}

impl SceneRow {
    pub fn heading(&self) -> String {
        heading_text(&self.int_ext, &self.set_name, &self.time_of_day)
    }
    pub fn pages(&self) -> String {
        pages(self.eighths)
    }
    pub fn colour(&self) -> &'static str {
        colour_label(&self.revision_colour)
    }
}

/// Loads a scene of the member's production; a performer who is not in it gets 404.
pub(crate) async fn load_scene(
    state: &AppState,
    member: &Member,
    scene_id: i64,
) -> Result<SceneRow> {
    let scene: SceneRow = sqlx::query_as(
        "select s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day, s.eighths, s.synopsis,
                s.revision_colour, s.omitted, v.version as current_version,
                v.breakdown::text as breakdown,
                (select c.cast_member_id from scene_cast sc join cast_member c using (cast_member_id)
                 where sc.scene_id = s.scene_id and c.user_id = $3) as my_cast_member_id,
                s.script_review_revision_id is not null as script_review
         from scene s left join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1 and s.production_id = $2",
    )
    .bind(scene_id)
    .bind(member.production.production_id)
    .bind(member.user.user_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    if member.is(Role::Performer) && scene.my_cast_member_id.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(scene)
}

#[derive(sqlx::FromRow)]
pub(crate) struct VersionListing {
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub content_hash: String,
    pub changes: Vec<String>,
    pub author: Option<String>,
}

impl VersionListing {
    pub fn date(&self) -> String {
        format_date(self.created_at.date())
    }
    pub fn short_hash(&self) -> &str {
        &self.content_hash[..self.content_hash.len().min(12)]
    }
}

/// The label of a stored revision colour ("Pink"); empty for a value that is not one.
pub fn colour_label(value: &str) -> &'static str {
    value
        .parse::<RevisionColour>()
        .map(|c| c.label())
        .unwrap_or("")
}

pub(crate) fn pages(eighths: i32) -> String {
    Eighths::new(eighths.max(0) as u32).to_string()
}

/// The scene's scheduled shoot dates.
pub(crate) async fn scene_dates(conn: &mut sqlx::PgConnection, scene_id: i64) -> Result<Vec<Date>> {
    Ok(sqlx::query_scalar(
        "select d.shoot_date from shoot_day_scene ds join shoot_day d using (shoot_day_id)
         where ds.scene_id = $1 order by d.shoot_date",
    )
    .bind(scene_id)
    .fetch_all(&mut *conn)
    .await?)
}

pub(crate) fn age(c: &CastMember) -> CastAge {
    CastAge {
        cast_member_id: c.cast_member_id,
        cast_number: c.cast_number,
        name: c.name.clone(),
        date_of_birth: c.date_of_birth,
    }
}
