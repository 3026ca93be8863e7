//! What the stripboard and the day page both read and offer: a day's date, call and unit on the
//! production's clocks, the message for a second day on the same date, and the scenes to choose.

use time::{Date, OffsetDateTime};

use crate::error::Result;
use crate::productions::Member;
use crate::rules::input_ranges::production_date;
use crate::web::{AppState, FieldErrors};

/// A scene offered in a select list, in script order.
#[derive(Clone, sqlx::FromRow)]
pub(super) struct SceneOption {
    pub scene_id: i64,
    pub number: String,
    pub int_ext: String,
    pub set_name: String,
    pub time_of_day: String,
}

impl SceneOption {
    pub fn label(&self) -> String {
        let heading = crate::scenes::heading_text(&self.int_ext, &self.set_name, &self.time_of_day);
        format!("{} · {heading}", self.number)
    }
}

/// Non-omitted scenes in script order, leaving out those already on `not_on_day`.
pub(super) async fn scene_options(
    state: &AppState,
    production_id: i64,
    not_on_day: Option<i64>,
) -> Result<Vec<SceneOption>> {
    Ok(sqlx::query_as(
        "select scene_id, number, int_ext, set_name, time_of_day from scene
         where production_id = $1 and not omitted
           and ($2::bigint is null or scene_id not in
                (select scene_id from shoot_day_scene where shoot_day_id = $2))
         order by sort_key collate \"C\"",
    )
    .bind(production_id)
    .bind(not_on_day)
    .fetch_all(&state.pool)
    .await?)
}

/// Date, call instant and unit from the form; the call time is read on the production's clocks.
pub(super) fn parse_day(
    shoot_date: &str,
    call_time: &str,
    unit: &str,
    member: &Member,
    errors: &mut FieldErrors,
) -> Option<(Date, OffsetDateTime, String)> {
    let date = match crate::clock::parse_date(shoot_date).map(production_date) {
        None => {
            errors.add(
                "shoot_date",
                "Enter the shoot date, for example 2027-05-04.",
            );
            None
        }
        Some(Err(message)) => {
            errors.add("shoot_date", message);
            None
        }
        Some(Ok(date)) => Some(date),
    };
    let time = crate::clock::parse_time(call_time);
    if time.is_none() {
        errors.add(
            "call_time",
            "Enter the general call as hours and minutes, for example 07:00.",
        );
    }
    let unit = unit.split_whitespace().collect::<Vec<_>>().join(" ");
    let unit = if unit.is_empty() {
        "Main unit".to_string()
    } else {
        unit
    };
    if unit.chars().count() > 100 {
        errors.add("unit", "Keep the unit name to 100 characters.");
    }
    let (date, time) = (date?, time?);
    match crate::clock::local_to_utc(date, time, member.production.zone.tz()) {
        Ok(call_at) if errors.is_empty() => Some((date, call_at, unit)),
        Ok(_) => None,
        Err(e) => {
            errors.add("call_time", e.to_string());
            None
        }
    }
}

/// The message beside the date when `shoot_day_date_unit_key` refuses a day.
pub(super) fn same_day_message(unit: &str, date: Date) -> String {
    format!(
        "{unit} already has a shoot day on {}. Choose another date or another unit.",
        crate::clock::format_date(date)
    )
}
