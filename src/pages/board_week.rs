//! One week of the stripboard as rows: each day's break, its strips in running order with the
//! banners (meal, company move) between them, the notice deadline on flagged strips, and the
//! unscheduled pool; plus the days a strip can move to.

use time::{Date, Duration, OffsetDateTime};

use crate::error::Result;
use crate::productions::Member;
use crate::rules::cleared::StatusLine;
use crate::schedule::board::{self, DayView, Strip};
use crate::schedule::palette::{self, Palette};
use crate::schedule::performer_filter;
use crate::schedule::week::{self, BannerRow, POOL};
use crate::web::AppState;

/// A row of a day on the board.
pub(super) enum BoardRow {
    Strip(Box<StripRow>),
    Banner(BannerRow),
}

/// A strip with what the board adds to it.
pub(super) struct StripRow {
    pub strip: Strip,
    /// The swatch class from the production's palette.
    pub swatch: &'static str,
    /// Flagged strips on a day: riders must be delivered by then (call minus notice period).
    pub notice_by: Option<String>,
}

impl StripRow {
    /// Clearance in words on every strip, not only flagged ones.
    pub fn clearance(&self) -> String {
        match (&self.strip.consent, self.strip.flagged) {
            (Some(line), _) => line.word.clone(),
            (None, true) if self.strip.shoot_day_id == POOL => {
                "Not scheduled: cleared or blocked once on a day".into()
            }
            (None, true) => "Clearance not shown to you".into(),
            (None, false) => "No intimacy: nothing to clear".into(),
        }
    }

    pub fn clearance_css(&self) -> &'static str {
        self.strip.consent.as_ref().map_or("status-none", |l| l.css)
    }

    /// The id of the strip's move select, unique on the page.
    pub fn move_field(&self) -> String {
        format!("to-{}-{}", self.strip.scene_id, self.strip.shoot_day_id)
    }
}

/// A day of the board's week.
pub(super) struct BoardDay {
    pub view: DayView,
    pub rows: Vec<BoardRow>,
}

/// A day a strip can be moved to, or the pool.
pub(super) struct MoveTarget {
    pub value: i64,
    pub label: String,
}

impl MoveTarget {
    pub fn is(&self, shoot_day_id: &i64) -> bool {
        self.value == *shoot_day_id
    }
}

/// The week shown and what the board needs around it.
pub(super) struct Week {
    pub monday: Date,
    pub days: Vec<BoardDay>,
    pub pool: Vec<StripRow>,
    pub targets: Vec<MoveTarget>,
    pub weeks: Vec<Date>,
}

impl Week {
    pub fn label(&self) -> String {
        week::week_label(self.monday)
    }

    pub fn previous(&self) -> Date {
        self.monday - Duration::weeks(1)
    }

    pub fn next(&self) -> Date {
        self.monday + Duration::weeks(1)
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }
}

/// `Day 3 · Tue 4 May 2027` (and the unit when it is not the main one).
fn target_label(view: &DayView) -> String {
    let unit = if view.day.unit == "Main unit" {
        String::new()
    } else {
        format!(" · {}", view.day.unit)
    };
    format!("Day {} · {}{unit}", view.day.day_number, view.date())
}

/// Loads the week starting `monday` as `member` may see it. Days a strip can move to span the
/// week before to the week after, so a strip crosses a week break without a second page.
pub(super) async fn load(state: &AppState, member: &Member, monday: Date) -> Result<Week> {
    let production_id = member.production.production_id;
    let performer = performer_filter(member);
    let zone = member.production.zone.tz();
    let sunday_after = monday + Duration::weeks(1);
    let around = week::days_between(
        &state.pool,
        production_id,
        monday - Duration::weeks(1),
        monday + Duration::weeks(2),
    )
    .await?;
    let targets_views = board::assemble(around.clone(), Vec::new(), zone, false);
    let mut targets: Vec<MoveTarget> = vec![MoveTarget {
        value: POOL,
        label: "Unscheduled (the pool)".into(),
    }];
    targets.extend(targets_views.iter().map(|v| MoveTarget {
        value: v.day.shoot_day_id,
        label: target_label(v),
    }));
    let days: Vec<_> = around
        .into_iter()
        .filter(|d| d.shoot_date >= monday && d.shoot_date < sunday_after)
        .collect();
    let placed =
        week::placed_between(&state.pool, production_id, monday, sunday_after, performer).await?;
    let mut views = board::assemble(days, placed, zone, performer.is_some());
    if performer.is_none() {
        // Performers see only their own consent, on their scene pages; the board shows
        // everyone's, for this week's days only.
        let statuses = crate::consent::status::production_status(
            &state.pool,
            &member.production,
            crate::consent::status::Only::Dates(monday, sunday_after - Duration::days(1)),
        )
        .await?;
        let lines: Vec<StatusLine> = crate::consent::status::lines_for(&statuses, None);
        board::attach_consent(&mut views, &lines);
    }
    crate::onset::pauses::mark_paused(&state.pool, member, &mut views).await?;
    let palette = palette::load(&state.pool, production_id).await?;
    let banners = week::banners_between(&state.pool, production_id, monday, sunday_after).await?;
    let notice = Duration::hours(member.production.notice_hours.into());
    let days = views
        .into_iter()
        .map(|view| {
            let notice_by = view.day.call_at - notice;
            let day_banners: Vec<&BannerRow> = banners
                .iter()
                .filter(|b| b.shoot_day_id == view.day.shoot_day_id)
                .collect();
            let rows = rows_of(&view, &day_banners, &palette, notice_by, member);
            BoardDay { view, rows }
        })
        .collect();
    let pool = if performer.is_some() {
        Vec::new()
    } else {
        week::pool_strips(&state.pool, production_id)
            .await?
            .into_iter()
            .map(|row| {
                let strip = Strip::from_row(row);
                StripRow {
                    swatch: palette.class_for(strip.class),
                    strip,
                    notice_by: None,
                }
            })
            .collect()
    };
    Ok(Week {
        monday,
        days,
        pool,
        targets,
        weeks: week::weeks_with_days(&state.pool, production_id, performer).await?,
    })
}

/// A day's strips with its banners placed after the strip they follow (a banner past the last
/// strip closes the day).
fn rows_of(
    view: &DayView,
    banners: &[&BannerRow],
    palette: &Palette,
    notice_by: OffsetDateTime,
    member: &Member,
) -> Vec<BoardRow> {
    let mut rows = Vec::new();
    let banner_rows = |after: usize, rows: &mut Vec<BoardRow>, last: bool| {
        for b in banners.iter().filter(|b| {
            let at = usize::try_from(b.after_position).unwrap_or(0);
            at == after || (last && at > after)
        }) {
            rows.push(BoardRow::Banner((*b).clone()));
        }
    };
    banner_rows(0, &mut rows, view.strips.is_empty());
    for (i, strip) in view.strips.iter().enumerate() {
        rows.push(BoardRow::Strip(Box::new(StripRow {
            swatch: palette.class_for(strip.class),
            notice_by: strip
                .flagged
                .then(|| member.production.zone.moment(notice_by)),
            strip: strip.clone(),
        })));
        banner_rows(i + 1, &mut rows, i + 1 == view.strips.len());
    }
    rows
}
