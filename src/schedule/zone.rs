//! Time zones of productions: IANA names, the list for a select field, and local ↔ UTC conversion.
//! Owns the rule for call times that fall in a clock change (gap refused, overlap takes the first).

use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, macros::format_description};
use time_tz::{OffsetDateTimeExt, OffsetResult, PrimitiveDateTimeExt, TimeZone, Tz};

/// The IANA areas offered in the select list (legacy names such as `US/Eastern` or `EST5EDT` stay
/// parseable but are not offered).
const AREAS: [&str; 10] = [
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
];

/// A local date and time that cannot be turned into an instant; its `Display` is for the form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    /// The local time is skipped when clocks go forward.
    #[error(
        "{time} does not exist on {date} in {zone}: clocks go forward that night. Choose another call time."
    )]
    DoesNotExist {
        /// The date as `2027-03-14`.
        date: String,
        /// The time as `02:30`.
        time: String,
        /// The IANA zone name.
        zone: String,
    },
}

/// The zone with this exact IANA name (`Europe/London`), or `None`; Windows names are refused.
pub fn parse_zone(name: &str) -> Option<&'static Tz> {
    // get_by_name looks Windows names up first, and some of those are also IANA names ("UTC"
    // maps to another zone there), so only a zone whose own name is the one asked for counts.
    time_tz::timezones::get_by_name(name)
        .filter(|tz| tz.name() == name)
        .or_else(|| time_tz::timezones::iter().find(|tz| tz.name() == name))
}

/// IANA zone names for a select list, sorted: every `Area/Place` name plus `UTC`.
///
/// Backward-compatible aliases in those areas (`Asia/Calcutta` beside `Asia/Kolkata`) are included,
/// because the time-tz database does not mark which names are aliases.
pub fn zone_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = time_tz::timezones::iter()
        .map(|tz| tz.name())
        .filter(|name| AREAS.iter().any(|area| name.starts_with(area)))
        .collect();
    names.push("UTC");
    names.sort_unstable();
    names.dedup();
    names
}

/// The instant of a local date and time in `zone`, with a UTC offset.
///
/// A time skipped by a clock change is refused. A time that happens twice (clocks go back) is
/// taken at its earlier occurrence: a call time means "be there the first time the clock shows
/// this", and arriving an hour early is safe where arriving an hour late is not.
pub fn local_to_utc(date: Date, time: Time, zone: &Tz) -> Result<OffsetDateTime, LocalTimeError> {
    let local = PrimitiveDateTime::new(date, time);
    let instant = match local.assume_timezone(zone) {
        OffsetResult::Some(instant) => instant,
        OffsetResult::Ambiguous(a, b) => a.min(b),
        OffsetResult::None => {
            let hm = format_description!("[hour]:[minute]");
            return Err(LocalTimeError::DoesNotExist {
                date: date.to_string(),
                time: time.format(hm).unwrap_or_else(|_| time.to_string()),
                zone: zone.name().to_string(),
            });
        }
    };
    Ok(instant.to_offset(UtcOffset::UTC))
}

/// The same instant as seen on the clocks of `zone`.
pub fn utc_to_local(instant: OffsetDateTime, zone: &Tz) -> OffsetDateTime {
    instant.to_timezone(zone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, offset, time};

    fn zone(name: &str) -> &'static Tz {
        parse_zone(name).unwrap()
    }

    #[test]
    fn parses_iana_names_only() {
        assert_eq!(zone("America/New_York").name(), "America/New_York");
        assert!(parse_zone("UTC").is_some());
        assert!(parse_zone("Mars/Olympus_Mons").is_none());
        assert!(parse_zone("Eastern Standard Time").is_none());
        assert!(parse_zone("europe/london").is_none());
    }

    #[test]
    fn names_are_sorted_and_parse() {
        let names = zone_names();
        assert!(names.len() > 300, "{}", names.len());
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        for wanted in [
            "Europe/London",
            "America/Los_Angeles",
            "Australia/Sydney",
            "UTC",
        ] {
            assert!(names.contains(&wanted), "{wanted}");
        }
        assert!(!names.contains(&"EST5EDT"));
        assert!(names.iter().all(|n| parse_zone(n).is_some()));
    }

    #[test]
    fn spring_forward_gap_is_refused() {
        let error = local_to_utc(
            date!(2027 - 03 - 14),
            time!(02:30),
            zone("America/New_York"),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "02:30 does not exist on 2027-03-14 in America/New_York: clocks go forward that night. Choose another call time."
        );
        // Either side of the gap is fine.
        let before = local_to_utc(
            date!(2027 - 03 - 14),
            time!(01:59),
            zone("America/New_York"),
        );
        assert_eq!(before.unwrap(), datetime!(2027-03-14 06:59 UTC));
        let after = local_to_utc(
            date!(2027 - 03 - 14),
            time!(03:00),
            zone("America/New_York"),
        );
        assert_eq!(after.unwrap(), datetime!(2027-03-14 07:00 UTC));
    }

    #[test]
    fn fall_back_overlap_takes_the_earlier_instant() {
        let ny = zone("America/New_York");
        let instant = local_to_utc(date!(2027 - 11 - 07), time!(01:30), ny).unwrap();
        assert_eq!(instant, datetime!(2027-11-07 05:30 UTC));
        assert_eq!(instant.offset(), UtcOffset::UTC);
        let local = utc_to_local(instant, ny);
        assert_eq!(local.offset(), offset!(-4));
        assert_eq!(local.time(), time!(01:30));
    }

    #[test]
    fn london_summer_and_winter() {
        let london = zone("Europe/London");
        let summer = local_to_utc(date!(2027 - 07 - 01), time!(07:00), london).unwrap();
        assert_eq!(summer, datetime!(2027-07-01 06:00 UTC));
        assert_eq!(utc_to_local(summer, london).offset(), offset!(+1));
        let winter = local_to_utc(date!(2027 - 01 - 15), time!(07:00), london).unwrap();
        assert_eq!(winter, datetime!(2027-01-15 07:00 UTC));
        assert_eq!(utc_to_local(winter, london).offset(), offset!(UTC));
    }

    #[test]
    fn berlin_normal_day_round_trips() {
        let berlin = zone("Europe/Berlin");
        let instant = local_to_utc(date!(2027 - 05 - 20), time!(06:45), berlin).unwrap();
        assert_eq!(instant, datetime!(2027-05-20 04:45 UTC));
        let local = utc_to_local(instant, berlin);
        assert_eq!(
            (local.date(), local.time()),
            (date!(2027 - 05 - 20), time!(06:45))
        );
        assert_eq!(local.offset(), offset!(+2));
    }
}
