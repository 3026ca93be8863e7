//! On set and after (R10, R11): pausing a scene from a phone, the coordinator's on-the-day
//! reconfirmations (with narrowings) and closures, the daily IC report, post review, footage use.

mod day;
pub mod footage;
pub mod pauses;
mod report;

use std::collections::HashMap;

use axum::Router;
use axum::routing::{get, post};
use sqlx::PgPool;
use time::{Date, OffsetDateTime};

use crate::access::Action;
use crate::cast::cast_list;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::vocab::Role;
use crate::vocab::breakdown::read_breakdown;
use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/on-set",
            get(day::on_set_page),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/on-set/scenes/{scene_id}/pause",
            post(pauses::pause),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/on-set/scenes/{scene_id}/cast/{cast_member_id}",
            get(day::performer_page),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/on-set/scenes/{scene_id}/cast/{cast_member_id}/reconfirm",
            post(day::reconfirm),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/on-set/scenes/{scene_id}/cast/{cast_member_id}/closure",
            post(day::closure),
        )
        .route(
            "/productions/{production_id}/pauses/{pause_id}/resolve",
            post(pauses::resolve),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/ic-report",
            get(report::report_page),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/post-review",
            get(footage::review_page).post(footage::record_review),
        )
        .route(
            "/productions/{production_id}/footage-use",
            get(footage::footage_page),
        )
        .route(
            "/productions/{production_id}/footage-use.csv",
            get(footage::footage_csv),
        )
}

/// What the scene page shows of this module: pauses the viewer may see, and (for producers and
/// coordinators) the post-production reviews of the cut.
pub struct ScenePanel {
    pub pauses: Vec<pauses::PauseView>,
    pub paused: bool,
    pub reviews: Vec<footage::ReviewRow>,
    pub show_reviews: bool,
    pub can_review: bool,
}

/// The scene page's panel; at most three queries.
pub async fn scene_panel(pool: &PgPool, member: &Member, scene_id: i64) -> Result<ScenePanel> {
    let rows = pauses::visible(pool, member, None, Some(scene_id)).await?;
    // Reviews of the cut are for flagged scenes, and for producers and coordinators only.
    let show_reviews = member.can(Action::SeeFootageUse)
        && sqlx::query_scalar::<_, bool>(
            "select exists (select 1 from scene s
                            join scene_version v on v.scene_version_id = s.current_version_id
                            where s.scene_id = $1 and v.flagged)",
        )
        .bind(scene_id)
        .fetch_one(pool)
        .await?;
    let reviews = if show_reviews {
        footage::reviews(pool, member.production.production_id, scene_id).await?
    } else {
        Vec::new()
    };
    Ok(ScenePanel {
        paused: rows.iter().any(|p| p.open()),
        pauses: rows
            .iter()
            .map(|p| pauses::PauseView::of(member, p))
            .collect(),
        reviews,
        show_reviews,
        can_review: member.can(Action::RecordPostReview),
    })
}

/// A shoot day as this module shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct DayFacts {
    pub shoot_day_id: i64,
    pub shoot_date: Date,
    pub call_at: OffsetDateTime,
    pub day_number: i64,
    pub day_count: i64,
    pub coordinator_name: Option<String>,
}

impl DayFacts {
    /// `Day 3 of 10 · Tue 24 Nov 2026`.
    pub fn label(&self) -> String {
        format!(
            "Day {} of {} · {}",
            self.day_number,
            self.day_count,
            crate::clock::format_date(self.shoot_date)
        )
    }
}

/// The day, numbered within the whole schedule; 404 when it is not the production's.
pub(crate) async fn day_facts(
    pool: &PgPool,
    production_id: i64,
    shoot_day_id: i64,
) -> Result<DayFacts> {
    sqlx::query_as(
        "select * from (
             select d.shoot_day_id, d.shoot_date, d.call_at, u.name as coordinator_name,
                    row_number() over (order by d.shoot_date, d.call_at, d.unit, d.shoot_day_id)
                        as day_number,
                    count(*) over () as day_count
             from shoot_day d left join app_user u on u.user_id = d.coordinator_user_id
             where d.production_id = $1
         ) numbered where shoot_day_id = $2",
    )
    .bind(production_id)
    .bind(shoot_day_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)
}

/// A flagged scene on a shoot day.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct DayScene {
    pub scene_id: i64,
    pub number: String,
    pub int_ext: String,
    pub set_name: String,
    pub time_of_day: String,
    pub breakdown: Option<String>,
    pub shot_at: Option<OffsetDateTime>,
    /// Everyone cast in the scene, whether or not the breakdown asks anything of them.
    pub cast_ids: Vec<i64>,
    /// The signed-in person is cast in it.
    pub mine: bool,
}

impl DayScene {
    pub fn heading(&self) -> String {
        crate::scenes::heading_text(&self.int_ext, &self.set_name, &self.time_of_day)
    }
}

/// The day's flagged scenes in running order (or one of them); a performer gets only theirs.
pub(crate) async fn day_scenes(
    pool: &PgPool,
    member: &Member,
    shoot_day_id: i64,
    only: Option<i64>,
) -> Result<Vec<DayScene>> {
    let scenes: Vec<DayScene> = sqlx::query_as(
        "select s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day,
                v.breakdown::text as breakdown, ds.shot_at,
                array(select sc.cast_member_id from scene_cast sc
                      where sc.scene_id = s.scene_id order by sc.cast_member_id) as cast_ids,
                exists (select 1 from scene_cast sc join cast_member cm using (cast_member_id)
                        where sc.scene_id = s.scene_id and cm.user_id = $4) as mine
         from shoot_day_scene ds
         join scene s on s.scene_id = ds.scene_id
         join scene_version v on v.scene_version_id = s.current_version_id
         where ds.production_id = $1 and ds.shoot_day_id = $2 and v.flagged and not s.omitted
           and ($3::bigint is null or s.scene_id = $3)
         order by ds.position",
    )
    .bind(member.production.production_id)
    .bind(shoot_day_id)
    .bind(only)
    .bind(member.user.user_id)
    .fetch_all(pool)
    .await?;
    Ok(if member.is(Role::Performer) {
        scenes.into_iter().filter(|s| s.mine).collect()
    } else {
        scenes
    })
}

/// Who is who in a production's scenes, for the on-set pages, the report and the footage list:
/// each cast member's label and who doubles for whom. Two queries, whatever the size.
#[derive(Default)]
pub(crate) struct People {
    /// "#1 Alex Rivera" by cast member id.
    labels: HashMap<i64, String>,
    /// Doubles by (scene, the performer they stand in for).
    doubles: HashMap<(i64, i64), Vec<i64>>,
}

impl People {
    pub async fn load(pool: &PgPool, production_id: i64) -> Result<People> {
        let labels = cast_list(pool, production_id)
            .await?
            .into_iter()
            .map(|c| (c.cast_member_id, c.label()))
            .collect();
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "select scene_id, original_cast_member_id, double_cast_member_id from scene_double
             where production_id = $1 order by assigned_at, double_cast_member_id",
        )
        .bind(production_id)
        .fetch_all(pool)
        .await?;
        let mut doubles: HashMap<(i64, i64), Vec<i64>> = HashMap::new();
        for (scene_id, original, double) in rows {
            doubles
                .entry((scene_id, original))
                .or_default()
                .push(double);
        }
        Ok(People { labels, doubles })
    }

    /// "#1 Alex Rivera"; a cast member deleted since is still named by id.
    pub fn label(&self, cast_member_id: i64) -> String {
        self.labels
            .get(&cast_member_id)
            .cloned()
            .unwrap_or_else(|| format!("cast member {cast_member_id}"))
    }

    /// Who answers for each performer of a scene: the breakdown's performers, any double
    /// standing in for one of them, then anyone else in `cast_ids` (a closure is theirs too).
    /// (cast member id, label)
    pub fn of_scene(&self, scene_id: i64, breakdown: &str, cast_ids: &[i64]) -> Vec<(i64, String)> {
        let breakdown = read_breakdown(breakdown);
        let mut people = Vec::new();
        for part in &breakdown.performers {
            let original = part.cast_member_id;
            people.push((original, self.label(original)));
            for double in self
                .doubles
                .get(&(scene_id, original))
                .into_iter()
                .flatten()
            {
                people.push((
                    *double,
                    format!(
                        "{} (double for {})",
                        self.label(*double),
                        self.label(original)
                    ),
                ));
            }
        }
        for id in cast_ids {
            if !people.iter().any(|(known, _)| known == id) {
                people.push((*id, self.label(*id)));
            }
        }
        people
    }
}

/// An instant on the production's clocks: `14:02 GMT`.
pub(crate) fn clock(member: &Member, instant: OffsetDateTime) -> String {
    crate::clock::local_time(instant, member.production.zone.tz())
}
