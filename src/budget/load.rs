//! Loading a production's budget: its lines, forecast settings and schedule facts in two
//! queries, with the forecast and topsheet (R12) worked out from them.

use std::sync::Arc;

use sqlx::PgPool;
use time::Date;

use crate::error::Result;
use crate::productions::Production;
use crate::rules::budget_forecast::{
    BudgetLine, Category, Forecast, RehearsalPlacement, ScheduleFacts, Settings, ShootPlacement,
    Topsheet, forecast, topsheet,
};
use crate::web::AppState;

/// Everything the budget page, the export and a producer dashboard need, in two queries.
#[derive(Clone, Debug)]
pub struct Budget {
    pub lines: Vec<BudgetLine>,
    pub settings: Settings,
    pub schedule: ScheduleFacts,
    pub forecast: Forecast,
    pub topsheet: Topsheet,
}

/// The settings, repeated on each line row (one row with no line when there are none).
#[derive(sqlx::FromRow)]
struct SettingsAndLineRow {
    #[sqlx(flatten)]
    settings: Settings,
    flagged_scenes: i64,
    budget_line_id: Option<i64>,
    account_code: Option<String>,
    category: Option<Category>,
    description: Option<String>,
    quantity_hundredths: Option<i64>,
    unit_rate: Option<i64>,
    planned: Option<i64>,
    actual: Option<i64>,
}

impl SettingsAndLineRow {
    fn line(&self) -> Option<BudgetLine> {
        Some(BudgetLine {
            budget_line_id: self.budget_line_id?,
            account_code: self.account_code.clone()?,
            category: self.category?,
            description: self.description.clone()?,
            quantity_hundredths: self.quantity_hundredths?,
            unit_rate: self.unit_rate?,
            planned: self.planned?,
            actual: self.actual?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ScheduleRow {
    kind: String,
    id: i64,
    date: Date,
    unit: String,
    flagged: bool,
}

/// The production's budget as of its revision, computed once per revision (every budget line,
/// budget setting, scene, schedule and rehearsal write moves it; migration 0011). Nothing in it
/// depends on the day or on who asks: the page is the producer's alone.
pub async fn cached_budget(state: &AppState, production: &Production) -> Result<Arc<Budget>> {
    state
        .pages
        .get_or_compute_value(
            production.production_id,
            "budget",
            production.revision,
            0,
            || load_budget(&state.pool, production),
        )
        .await
}

/// A production's lines (in category order), settings and schedule facts, with the forecast and
/// topsheet worked out from them.
pub async fn load_budget(pool: &PgPool, production: &Production) -> Result<Budget> {
    let production_id = production.production_id;
    let defaults = Settings::default();
    // Settings and lines in one round trip: the settings ride along on every line row.
    // A scene is flagged when its current version is flagged and it is not omitted.
    let rows: Vec<SettingsAndLineRow> = sqlx::query_as(
        "select coalesce(bs.prep_hundredths_per_scene, $2) as prep_hundredths_per_scene,
                coalesce(bs.post_hundredths_per_scene, $3) as post_hundredths_per_scene,
                bs.ic_day_rate, f.flagged_scenes,
                l.budget_line_id, l.account_code, l.category, l.description,
                l.quantity_hundredths, l.unit_rate, l.planned, l.actual
         from production p
         left join budget_setting bs using (production_id)
         cross join lateral (select count(*) as flagged_scenes from scene s
                             join scene_version v on v.scene_version_id = s.current_version_id
                             where s.production_id = p.production_id and not s.omitted
                               and v.flagged) f
         left join budget_line l on l.production_id = p.production_id
         where p.production_id = $1
         order by l.budget_line_id",
    )
    .bind(production_id)
    .bind(defaults.prep_hundredths_per_scene)
    .bind(defaults.post_hundredths_per_scene)
    .fetch_all(pool)
    .await?;
    let row = rows
        .first()
        .ok_or_else(|| anyhow::anyhow!("production {production_id} has no row"))?;
    let settings = row.settings;
    let flagged_scenes = row.flagged_scenes;
    let mut lines: Vec<BudgetLine> = rows.iter().filter_map(SettingsAndLineRow::line).collect();
    lines.sort_by_key(|l| l.category);
    // Rehearsal dates are the local dates in the production's zone, as the schedule shows them.
    let rows: Vec<ScheduleRow> = sqlx::query_as(
        "select 'shoot' as kind, d.shoot_day_id as id, d.shoot_date as date, d.unit,
                coalesce(v.flagged, false) and not s.omitted as flagged
         from shoot_day_scene ds
         join shoot_day d on d.shoot_day_id = ds.shoot_day_id
         join scene s on s.scene_id = ds.scene_id
         left join scene_version v on v.scene_version_id = s.current_version_id
         where ds.production_id = $1
         union all
         select 'rehearsal', r.rehearsal_id, (r.starts_at at time zone $2)::date, '',
                coalesce(v.flagged, false) and not s.omitted
         from rehearsal r
         join scene s on s.scene_id = r.scene_id
         left join scene_version v on v.scene_version_id = s.current_version_id
         where r.production_id = $1",
    )
    .bind(production_id)
    .bind(production.zone.name())
    .fetch_all(pool)
    .await?;
    let mut schedule = ScheduleFacts {
        flagged_scenes,
        ..ScheduleFacts::default()
    };
    for r in rows {
        if r.kind == "shoot" {
            schedule.shoot.push(ShootPlacement {
                shoot_day_id: r.id,
                date: r.date,
                unit: r.unit,
                flagged: r.flagged,
            });
        } else {
            schedule.rehearsals.push(RehearsalPlacement {
                date: r.date,
                flagged: r.flagged,
            });
        }
    }
    let forecast = forecast(&schedule, &settings, &lines);
    let topsheet = topsheet(&lines, &forecast);
    Ok(Budget {
        lines,
        settings,
        schedule,
        forecast,
        topsheet,
    })
}
