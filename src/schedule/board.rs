//! The stripboard as plain data: shoot days with their numbers, strips coloured by heading,
//! page totals, local call times, and R5 (minors) checked against a shoot date.

use std::str::FromStr;

use time::{Date, OffsetDateTime};
use time_tz::Tz;

use crate::clock::local_time;
use crate::rules::minors::{self, CastAge, MinorConflict};
use crate::scenes::eighths::Eighths;
use crate::scenes::heading::{IntExt, TimeOfDay, strip_class};
use crate::vocab::breakdown::Breakdown;

/// A shoot day as stored, with its place in the production's schedule ("Day 3 of 10").
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DayRow {
    pub shoot_day_id: i64,
    pub shoot_date: Date,
    pub call_at: OffsetDateTime,
    pub unit: String,
    pub coordinator_user_id: Option<i64>,
    pub coordinator_name: Option<String>,
    pub notes: String,
    pub updated_at: OffsetDateTime,
    pub day_number: i64,
    pub day_count: i64,
}

/// A scene placed on a shoot day, with what a strip shows and the closed-set names (only the
/// names: the call sheet must never hold the rest of the breakdown).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PlacedRow {
    pub shoot_day_id: i64,
    pub position: i32,
    pub scene_id: i64,
    pub number: String,
    pub int_ext: String,
    pub set_name: String,
    pub time_of_day: String,
    pub eighths: i32,
    pub flagged: bool,
    pub cast_numbers: Vec<i32>,
    pub closed_set: Vec<String>,
    /// The script revision the scene's current pages came in with (`white`, `pink`, …).
    pub revision_colour: String,
}

/// One strip of the stripboard.
#[derive(Clone, Debug)]
pub struct Strip {
    pub shoot_day_id: i64,
    pub scene_id: i64,
    pub number: String,
    /// `INT. LAKE HOUSE – NIGHT`.
    pub heading: String,
    /// The colour class from [`strip_class`].
    pub class: &'static str,
    pub pages: Eighths,
    pub cast_numbers: Vec<i32>,
    pub flagged: bool,
    pub closed_set: Vec<String>,
    /// Cleared / blocked on this day (R1), with reasons; filled in for roles that may see it.
    pub consent: Option<crate::rules::cleared::StatusLine>,
    /// R10: an open pause the viewer may see (`onset::pauses::mark_paused`).
    pub paused: bool,
    /// The revision colour of a revised scene's pages ("Pink"); empty for the first (white) draft.
    pub revision: &'static str,
}

impl Strip {
    pub fn from_row(row: PlacedRow) -> Strip {
        let int_ext = IntExt::from_str(&row.int_ext).unwrap_or(IntExt::Int);
        let time_of_day = TimeOfDay::from_str(&row.time_of_day).unwrap_or(TimeOfDay::Day);
        Strip {
            shoot_day_id: row.shoot_day_id,
            scene_id: row.scene_id,
            heading: crate::scenes::heading_text(&row.int_ext, &row.set_name, &row.time_of_day),
            number: row.number,
            class: strip_class(int_ext, time_of_day),
            pages: Eighths::new(u32::try_from(row.eighths).unwrap_or(0)),
            cast_numbers: row.cast_numbers,
            flagged: row.flagged,
            closed_set: row.closed_set,
            consent: None,
            paused: false,
            revision: match row.revision_colour.as_str() {
                "white" => "",
                colour => crate::scenes::revision_colour_label(colour),
            },
        }
    }

    /// Cast numbers as a call sheet writes them: `1, 3`.
    pub fn cast(&self) -> String {
        self.cast_numbers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn closed_set_names(&self) -> String {
        self.closed_set.join(", ")
    }
}

/// Puts each flagged strip's clearance on it.
pub fn attach_consent(days: &mut [DayView], lines: &[crate::rules::cleared::StatusLine]) {
    for strip in days.iter_mut().flat_map(|d| d.strips.iter_mut()) {
        strip.consent = lines
            .iter()
            .find(|l| l.scene_id == strip.scene_id && l.shoot_day_id == Some(strip.shoot_day_id))
            .cloned();
    }
}

/// A shoot day with its strips, ready to show.
#[derive(Clone, Debug)]
pub struct DayView {
    pub day: DayRow,
    pub strips: Vec<Strip>,
    /// The general call on the production's clocks, e.g. `07:00`.
    pub call: String,
}

impl DayView {
    pub fn date(&self) -> String {
        crate::clock::format_date(self.day.shoot_date)
    }

    pub fn total(&self) -> Eighths {
        self.strips.iter().map(|s| s.pages).sum()
    }

    /// `4 2/8 pages`, `7/8 page`.
    pub fn pages(&self) -> String {
        pages_label(self.total())
    }

    /// The day break of the stripboard: `Day 3 of 10 · Tue 4 May 2027 · call 07:00 · 4 2/8 pages`.
    pub fn header(&self) -> String {
        format!(
            "Day {} of {} · {} · call {} · {}",
            self.day.day_number,
            self.day.day_count,
            self.date(),
            self.call,
            self.pages()
        )
    }

    pub fn has_flagged(&self) -> bool {
        self.strips.iter().any(|s| s.flagged)
    }
}

pub fn pages_label(total: Eighths) -> String {
    let unit = if (1..=8).contains(&total.count()) {
        "page"
    } else {
        "pages"
    };
    format!("{total} {unit}")
}

/// Groups strips under their days, keeping the days' order and each day's scene order.
///
/// With `only_called`, days without a strip are left out: a performer's board shows only the
/// days they are called.
pub fn assemble(
    days: Vec<DayRow>,
    placed: Vec<PlacedRow>,
    zone: &Tz,
    only_called: bool,
) -> Vec<DayView> {
    let mut views: Vec<DayView> = days
        .into_iter()
        .map(|day| DayView {
            call: local_time(day.call_at, zone),
            day,
            strips: Vec::new(),
        })
        .collect();
    let mut placed = placed;
    placed.sort_by_key(|p| (p.shoot_day_id, p.position));
    for row in placed {
        if let Some(view) = views
            .iter_mut()
            .find(|v| v.day.shoot_day_id == row.shoot_day_id)
        {
            view.strips.push(Strip::from_row(row));
        }
    }
    if only_called {
        views.retain(|v| !v.strips.is_empty());
    }
    views
}

/// A stored breakdown, or an empty one when the JSON is not a breakdown (an empty `{}`
/// version made before the coordinator wrote anything).
pub fn breakdown_or_empty(json: Option<&str>) -> Breakdown {
    json.and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_else(|| Breakdown {
            kinds: Vec::new(),
            performers: Vec::new(),
            garments: String::new(),
            stills_allowed: false,
            closed_set: Vec::new(),
            monitor_list: Vec::new(),
        })
}

/// Whether R5 closes this breakdown to anyone under 18.
pub fn closed_to_minors(breakdown: &Breakdown) -> bool {
    let nudity: Vec<_> = breakdown.performers.iter().map(|p| p.nudity).collect();
    crate::vocab::body::restricted_for_minors(&breakdown.kinds, &nudity)
}

/// One scene's facts for R5: its breakdown and its cast's ages.
pub struct SceneMinorFacts {
    pub breakdown: Breakdown,
    pub cast: Vec<CastAge>,
}

/// R5 on the scheduling path: every cast member who would be under 18 on `date` in a scene
/// closed to minors, each named once.
pub fn minors_on_date(scenes: &[SceneMinorFacts], date: Date) -> Vec<MinorConflict> {
    let mut conflicts: Vec<MinorConflict> = Vec::new();
    for scene in scenes.iter().filter(|s| closed_to_minors(&s.breakdown)) {
        for conflict in minors::minor_conflicts(&scene.cast, &[date], date) {
            if !conflicts
                .iter()
                .any(|c| c.cast_member_id == conflict.cast_member_id)
            {
                conflicts.push(conflict);
            }
        }
    }
    conflicts
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;
    use crate::clock::parse_zone;
    use crate::vocab::body::{IntimacyKind, NudityLevel};
    use crate::vocab::breakdown::PerformerPart;

    fn day(id: i64, number: i64) -> DayRow {
        DayRow {
            shoot_day_id: id,
            shoot_date: date!(2027 - 05 - 04),
            call_at: datetime!(2027-05-04 06:00 UTC),
            unit: "Main unit".into(),
            coordinator_user_id: None,
            coordinator_name: None,
            notes: String::new(),
            updated_at: datetime!(2027-01-01 00:00 UTC),
            day_number: number,
            day_count: 10,
        }
    }

    fn placed(day: i64, position: i32, number: &str, eighths: i32) -> PlacedRow {
        PlacedRow {
            shoot_day_id: day,
            position,
            scene_id: position.into(),
            number: number.into(),
            int_ext: "ext".into(),
            set_name: "Lake".into(),
            time_of_day: "night".into(),
            eighths,
            flagged: false,
            cast_numbers: vec![1, 3],
            closed_set: Vec::new(),
            revision_colour: "white".into(),
        }
    }

    #[test]
    fn day_break_reads_like_a_stripboard() {
        let zone = parse_zone("Europe/London").unwrap();
        let views = assemble(
            vec![day(1, 3), day(2, 4)],
            vec![placed(1, 2, "12A", 11), placed(1, 1, "4", 23)],
            zone,
            false,
        );
        assert_eq!(
            views[0].header(),
            "Day 3 of 10 · Tue 4 May 2027 · call 07:00 · 4 2/8 pages"
        );
        assert_eq!(views[0].strips[0].number, "4");
        assert_eq!(views[0].strips[0].class, "strip-ext-night");
        assert_eq!(views[0].strips[0].heading, "EXT. LAKE – NIGHT");
        assert_eq!(views[0].strips[0].cast(), "1, 3");
        assert_eq!(views[1].pages(), "0 pages");
        let called = assemble(vec![day(1, 3), day(2, 4)], vec![], zone, true);
        assert!(called.is_empty());
    }

    #[test]
    fn minors_are_named_once_and_only_for_closed_scenes() {
        let jo = CastAge {
            cast_member_id: 3,
            cast_number: 3,
            name: "Jo".into(),
            date_of_birth: Some(date!(2010 - 01 - 01)),
        };
        let mut closed = breakdown_or_empty(None);
        closed.kinds = vec![IntimacyKind::Kiss];
        closed.performers = vec![PerformerPart {
            cast_member_id: 3,
            nudity: NudityLevel::None,
            shown: vec![],
            touched: vec![],
            touching: vec![],
            acts: vec![],
            garments: String::new(),
        }];
        let kiss = SceneMinorFacts {
            breakdown: closed.clone(),
            cast: vec![jo.clone()],
        };
        assert!(minors_on_date(&[kiss], date!(2027 - 05 - 04)).is_empty());
        closed.kinds.push(IntimacyKind::SimulatedSex);
        let scenes = [
            SceneMinorFacts {
                breakdown: closed.clone(),
                cast: vec![jo.clone()],
            },
            SceneMinorFacts {
                breakdown: closed,
                cast: vec![jo],
            },
        ];
        assert_eq!(minors_on_date(&scenes, date!(2027 - 05 - 04)).len(), 1);
        assert!(minors_on_date(&scenes, date!(2028 - 01 - 01)).is_empty());
        assert!(!closed_to_minors(&breakdown_or_empty(Some("{}"))));
    }
}
