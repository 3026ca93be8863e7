//! Day Out of Days (§6): from the schedule, each person's code on each day of it, as a 1st AD
//! counts them for cast contracts and the IC's days.
//!
//! The convention followed, written down because every 1st AD's differs slightly:
//! - the columns are every date with a shoot day or a rehearsal, in order;
//! - a person is *called* on a date they work (a shoot day with a scene they are in; for the
//!   IC, a shoot day with a flagged scene), rehearse (R) or travel (T); the days from their first
//!   call to their last are their run;
//! - their first work day is SW (start work), their last WF (work finish), one and the same SWF;
//!   other work days W;
//! - a shoot day inside the run on which they are not called is H (hold: paid, kept
//!   available); a date with only rehearsals is no hold for those not called to one (it is
//!   usually a weekend or prep day, not a day they are kept for);
//! - drop and pick up: when more than `DROP_AFTER_DAYS` calendar days pass between two calls,
//!   the person is dropped instead of held: the work day before the gap is WD (work drop; SWD
//!   when it is also the first), the dates in the gap are blank, and the work day after it is PW
//!   (pick up work; PWF when it is also the last). Rehearsal and travel days keep R and T;
//! - totals: work days (every S/W/F/D/P code), holds, rehearsals and travel, and their sum.

use std::collections::BTreeSet;

use time::Date;

/// Gaps of more than this many calendar days between calls drop the person instead of holding
/// them (SAG-AFTRA's drop-and-pickup minimum is ten free days).
pub const DROP_AFTER_DAYS: i64 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    StartWork,
    Work,
    WorkFinish,
    StartWorkFinish,
    Hold,
    Travel,
    Rehearsal,
    WorkDrop,
    StartWorkDrop,
    PickupWork,
    PickupWorkFinish,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::StartWork => "SW",
            Code::Work => "W",
            Code::WorkFinish => "WF",
            Code::StartWorkFinish => "SWF",
            Code::Hold => "H",
            Code::Travel => "T",
            Code::Rehearsal => "R",
            Code::WorkDrop => "WD",
            Code::StartWorkDrop => "SWD",
            Code::PickupWork => "PW",
            Code::PickupWorkFinish => "PWF",
        }
    }

    /// What the code means, for the page's key.
    pub fn meaning(self) -> &'static str {
        match self {
            Code::StartWork => "start work",
            Code::Work => "work",
            Code::WorkFinish => "work finish",
            Code::StartWorkFinish => "start and finish the same day",
            Code::Hold => "hold",
            Code::Travel => "travel",
            Code::Rehearsal => "rehearsal",
            Code::WorkDrop => "work, then dropped",
            Code::StartWorkDrop => "start work, then dropped",
            Code::PickupWork => "picked up again, work",
            Code::PickupWorkFinish => "picked up again, work finish",
        }
    }

    pub const ALL: [Code; 11] = [
        Code::StartWork,
        Code::Work,
        Code::WorkFinish,
        Code::StartWorkFinish,
        Code::Hold,
        Code::Travel,
        Code::Rehearsal,
        Code::WorkDrop,
        Code::StartWorkDrop,
        Code::PickupWork,
        Code::PickupWorkFinish,
    ];

    fn is_work(self) -> bool {
        !matches!(self, Code::Hold | Code::Travel | Code::Rehearsal)
    }
}

/// One person's calls.
#[derive(Clone, Debug, Default)]
pub struct Calls {
    pub work: BTreeSet<Date>,
    pub rehearsal: BTreeSet<Date>,
    pub travel: BTreeSet<Date>,
}

/// One person's row: a code (or none) per column, and the totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub codes: Vec<Option<Code>>,
    pub work: usize,
    pub hold: usize,
    pub rehearsal: usize,
    pub travel: usize,
    pub start: Option<Date>,
    pub finish: Option<Date>,
}

impl Row {
    pub fn total(&self) -> usize {
        self.work + self.hold + self.rehearsal + self.travel
    }
}

/// A day of the table: its date, and whether a shoot day falls on it (else only rehearsals).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub date: Date,
    pub shoot: bool,
}

/// The columns: every date with a shoot day or a rehearsal, in order, once.
pub fn columns(shoot_dates: &[Date], rehearsal_dates: &[Date]) -> Vec<Column> {
    let shoot: BTreeSet<Date> = shoot_dates.iter().copied().collect();
    let all: BTreeSet<Date> = shoot.iter().chain(rehearsal_dates).copied().collect();
    all.into_iter()
        .map(|date| Column {
            date,
            shoot: shoot.contains(&date),
        })
        .collect()
}

/// One person's codes over `columns`.
pub fn row(columns: &[Column], calls: &Calls) -> Row {
    let called: BTreeSet<Date> = calls
        .work
        .iter()
        .chain(&calls.rehearsal)
        .chain(&calls.travel)
        .copied()
        .collect();
    let first_work = calls.work.first().copied();
    let last_work = calls.work.last().copied();
    let (Some(first_call), Some(last_call)) = (called.first().copied(), called.last().copied())
    else {
        return Row {
            codes: vec![None; columns.len()],
            work: 0,
            hold: 0,
            rehearsal: 0,
            travel: 0,
            start: None,
            finish: None,
        };
    };
    // Calls before and after each gap longer than the drop rule allows.
    let calls_in_order: Vec<Date> = called.iter().copied().collect();
    let dropped_after: BTreeSet<Date> = calls_in_order
        .windows(2)
        .filter(|w| (w[1] - w[0]).whole_days() > DROP_AFTER_DAYS)
        .map(|w| w[0])
        .collect();
    let picked_up: BTreeSet<Date> = calls_in_order
        .windows(2)
        .filter(|w| (w[1] - w[0]).whole_days() > DROP_AFTER_DAYS)
        .map(|w| w[1])
        .collect();
    let in_drop = |date: Date| {
        dropped_after.iter().any(|from| {
            *from < date
                && called
                    .range(date..)
                    .next()
                    .is_some_and(|to| picked_up.contains(to))
                && called.range(..date).next_back() == Some(from)
        })
    };
    let codes: Vec<Option<Code>> = columns
        .iter()
        .map(|&Column { date, shoot }| {
            if calls.work.contains(&date) {
                let first = Some(date) == first_work;
                let last = Some(date) == last_work;
                Some(match (first, last) {
                    (true, true) => Code::StartWorkFinish,
                    (true, false) if dropped_after.contains(&date) => Code::StartWorkDrop,
                    (true, false) => Code::StartWork,
                    (false, true) if picked_up.contains(&date) => Code::PickupWorkFinish,
                    (false, true) => Code::WorkFinish,
                    _ if dropped_after.contains(&date) => Code::WorkDrop,
                    _ if picked_up.contains(&date) => Code::PickupWork,
                    _ => Code::Work,
                })
            } else if calls.travel.contains(&date) {
                Some(Code::Travel)
            } else if calls.rehearsal.contains(&date) {
                Some(Code::Rehearsal)
            } else if shoot && date > first_call && date < last_call && !in_drop(date) {
                Some(Code::Hold)
            } else {
                None
            }
        })
        .collect();
    let count = |f: fn(Code) -> bool| codes.iter().flatten().filter(|c| f(**c)).count();
    Row {
        work: count(Code::is_work),
        hold: count(|c| c == Code::Hold),
        rehearsal: count(|c| c == Code::Rehearsal),
        travel: count(|c| c == Code::Travel),
        start: Some(first_call),
        finish: Some(last_call),
        codes,
    }
}

#[cfg(test)]
mod tests {
    use time::Duration;
    use time::macros::date;

    use super::*;

    fn days(from: Date, offsets: &[i64]) -> BTreeSet<Date> {
        offsets.iter().map(|o| from + Duration::days(*o)).collect()
    }

    fn codes(row: &Row) -> Vec<&'static str> {
        row.codes
            .iter()
            .map(|c| c.map_or("", Code::as_str))
            .collect()
    }

    const MON: Date = date!(2027 - 05 - 03);

    /// Two weeks of weekday shoot days: Mon 3 – Fri 7 and Mon 10 – Fri 14 May.
    fn two_weeks() -> Vec<Date> {
        [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]
            .iter()
            .map(|o| MON + Duration::days(*o))
            .collect()
    }

    #[test]
    fn a_run_starts_works_holds_and_finishes() {
        let columns = columns(&two_weeks(), &[]);
        let calls = Calls {
            work: days(MON, &[1, 2, 7]),
            ..Calls::default()
        };
        let row = row(&columns, &calls);
        // Counted by hand: Tue SW, Wed W, Thu–Fri H, Mon WF.
        assert_eq!(codes(&row), ["", "SW", "W", "H", "H", "WF", "", "", "", ""]);
        assert_eq!((row.work, row.hold, row.total()), (3, 2, 5));
    }

    #[test]
    fn a_rehearsal_only_date_is_no_hold_for_those_not_called() {
        let sunday = MON + Duration::days(6);
        let columns = columns(&two_weeks(), &[sunday]);
        let calls = Calls {
            work: days(MON, &[4, 7]),
            ..Calls::default()
        };
        let row = row(&columns, &calls);
        assert_eq!(codes(&row)[4..7], ["SW", "", "WF"]);
        assert_eq!(row.hold, 0);
    }

    #[test]
    fn one_day_is_start_work_finish() {
        let columns = columns(&two_weeks(), &[]);
        let calls = Calls {
            work: days(MON, &[9]),
            ..Calls::default()
        };
        let row = row(&columns, &calls);
        assert_eq!(codes(&row)[7], "SWF");
        assert_eq!((row.work, row.hold), (1, 0));
    }

    #[test]
    fn rehearsal_and_travel_open_the_run_and_holds_fill_it() {
        let shoot = two_weeks();
        let columns = columns(&shoot[1..], &[MON]);
        let calls = Calls {
            work: days(MON, &[3, 4]),
            rehearsal: days(MON, &[0]),
            travel: days(MON, &[1]),
        };
        let row = row(&columns, &calls);
        // Mon R, Tue T, Wed H, Thu SW, Fri WF, then nothing.
        assert_eq!(codes(&row), ["R", "T", "H", "SW", "WF", "", "", "", "", ""]);
        assert_eq!(
            (row.work, row.hold, row.rehearsal, row.travel, row.total()),
            (2, 1, 1, 1, 5)
        );
    }

    #[test]
    fn a_long_gap_drops_and_picks_up_instead_of_holding() {
        let shoot: Vec<Date> = (0..25).map(|o| MON + Duration::days(o)).collect();
        let columns = columns(&shoot, &[]);
        let calls = Calls {
            work: days(MON, &[0, 1, 13, 23]),
            ..Calls::default()
        };
        let row = row(&columns, &calls);
        let c = codes(&row);
        assert_eq!(&c[..3], ["SW", "WD", ""]);
        assert!(c[2..13].iter().all(|c| c.is_empty()));
        assert_eq!(c[13], "PW");
        // 13 → 23 is ten days: held, then finished.
        assert!(c[14..23].iter().all(|c| *c == "H"));
        assert_eq!(c[23], "WF");
        assert_eq!((row.work, row.hold), (4, 9));
        let late_pickup = Calls {
            work: days(MON, &[0, 12]),
            ..Calls::default()
        };
        assert_eq!(codes(&super::row(&columns, &late_pickup))[..1], ["SWD"]);
        assert_eq!(codes(&super::row(&columns, &late_pickup))[12], "PWF");
        // Ten days apart is still a hold.
        let calls = Calls {
            work: days(MON, &[0, 10]),
            ..Calls::default()
        };
        let row = super::row(&columns, &calls);
        assert_eq!(row.hold, 9);
        assert_eq!(codes(&row)[10], "WF");
    }

    #[test]
    fn someone_never_called_has_an_empty_row() {
        let row = row(&columns(&two_weeks(), &[]), &Calls::default());
        assert!(row.codes.iter().all(Option::is_none));
        assert_eq!(row.total(), 0);
    }
}
