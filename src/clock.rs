//! Time as a production lives it: the production's `Zone` (parsed once, when the production is
//! loaded), local ↔ UTC conversion with the rule for clock changes (a gap is refused, an overlap
//! takes the first), and dates, times and lengths of time in the words every page uses.

use crate::i18n::{self, Lang};
use time::{
    Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, macros::format_description,
};
use time_tz::{Offset, OffsetDateTimeExt, OffsetResult, PrimitiveDateTimeExt, TimeZone, Tz};

/// A production's time zone: an IANA zone, checked when the production is saved and parsed once
/// when it is loaded. Every instant is stored in UTC and shown on these clocks.
#[derive(Clone, Copy)]
pub struct Zone(&'static Tz);

impl Zone {
    /// The zone with this exact IANA name, or `None`.
    pub fn parse(name: &str) -> Option<Zone> {
        parse_zone(name).map(Zone)
    }

    pub fn utc() -> Zone {
        Zone(time_tz::timezones::db::UTC)
    }

    /// The IANA name: `Europe/London`.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    pub fn tz(&self) -> &'static Tz {
        self.0
    }

    /// The same instant as the production's clocks show it.
    pub fn local(&self, instant: OffsetDateTime) -> OffsetDateTime {
        utc_to_local(instant, self.0)
    }

    /// Today's date where the production shoots (ages and shoot days count local dates).
    pub fn today(&self) -> Date {
        self.local(OffsetDateTime::now_utc()).date()
    }

    /// The instant of a local date and time here (see `local_to_utc`).
    pub fn to_utc(&self, date: Date, time: Time) -> Result<OffsetDateTime, LocalTimeError> {
        local_to_utc(date, time, self.0)
    }

    /// A time of day on the production's clocks: `07:00` (see `local_time`).
    pub fn clock_time(&self, instant: OffsetDateTime) -> String {
        local_time(instant, self.0)
    }

    /// A moment on the production's clocks: "Mon 3 May 2027, 07:00". The page says once which
    /// clocks those are (`times_line`), so no cell repeats the zone.
    pub fn moment(&self, instant: OffsetDateTime) -> String {
        let format = format_description!(
            "[weekday repr:short] [day padding:none] [month repr:short] [year], [hour]:[minute]"
        );
        let local = self.local(instant);
        format!(
            "{}{}",
            local.format(&format).unwrap_or_default(),
            ambiguity_mark(local, self.0)
        )
    }

    /// A moment on the production's clocks, in `lang`: "Mon 3 May 2027, 07:00", "lun 3 may
    /// 2027, 07:00". The page says once which clocks those are (`times_line_in`).
    pub fn moment_in(&self, lang: Lang, instant: OffsetDateTime) -> String {
        let local = self.local(instant);
        lang.t2(
            "moment",
            "date",
            i18n::date_short(lang, local.date()),
            "time",
            format!(
                "{}{}",
                i18n::time_of_day(lang, local.time()),
                ambiguity_mark(local, self.0)
            ),
        )
    }

    /// `moment_in` with the zone named, for records read away from any page (a certificate).
    pub fn moment_with_zone_in(&self, lang: Lang, instant: OffsetDateTime) -> String {
        format!("{} ({})", self.moment_in(lang, instant), self.name())
    }

    /// A time of day on the production's clocks, in `lang` ("07:00", "07 h 00").
    pub fn clock_time_in(&self, lang: Lang, instant: OffsetDateTime) -> String {
        let local = self.local(instant);
        format!(
            "{}{}",
            i18n::time_of_day(lang, local.time()),
            ambiguity_mark(local, self.0)
        )
    }

    /// `times_line` in `lang`: "Times are London time (Europe/London).", "Horas de Londres
    /// (Europe/London)."
    pub fn times_line_in(&self, lang: Lang) -> String {
        if self.name() == "UTC" {
            lang.t("times-line-utc")
        } else {
            lang.t2("times-line", "place", self.place(), "zone", self.name())
        }
    }

    /// A moment that names its zone, for records read away from any page (a consent
    /// certificate a court may read): "Mon 3 May 2027, 07:00 (Europe/London)".
    pub fn moment_with_zone(&self, instant: OffsetDateTime) -> String {
        format!("{} ({})", self.moment(instant), self.name())
    }

    /// Where a place's clocks are: "London" for `Europe/London`, "Los Angeles" for
    /// `America/Los_Angeles`, "UTC" for UTC.
    pub fn place(&self) -> String {
        let name = self.name();
        name.rsplit('/').next().unwrap_or(name).replace('_', " ")
    }

    /// The one line a page or table says its times are on, in one spelling everywhere: the
    /// place people say ("London time") and the exact IANA name beside it, never an
    /// abbreviation (GMT or BST change with the season) nor UTC for a zone that is not UTC.
    pub fn times_line(&self) -> String {
        if self.name() == "UTC" {
            "Times are UTC.".into()
        } else {
            format!("Times are {} time ({}).", self.place(), self.name())
        }
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}

/// A stored name is checked on save, so UTC is only a safety net for a name the zone
/// database no longer knows.
impl From<String> for Zone {
    fn from(name: String) -> Self {
        Zone::parse(&name).unwrap_or_default()
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Zone {}

impl std::fmt::Debug for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Zone({})", self.name())
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A date as people read it: "Sat 21 Nov 2026".
pub fn format_date(date: Date) -> String {
    let format =
        format_description!("[weekday repr:short] [day padding:none] [month repr:short] [year]");
    date.format(&format).unwrap_or_default()
}

/// An instant as the clocks of `zone` show it: `07:00`. In the hour that happens twice when
/// clocks go back, the abbreviation tells the two apart: `01:30 EDT`, then `01:30 EST`.
pub fn local_time(instant: OffsetDateTime, zone: &Tz) -> String {
    let local = utc_to_local(instant, zone);
    format!(
        "{}{}",
        hour_minute(local.time()),
        ambiguity_mark(local, zone)
    )
}

/// " EDT" when the local time shown happens twice on that date (clocks go back), else nothing:
/// only there is a time on the page's clocks not enough to say which instant it is.
fn ambiguity_mark(local: OffsetDateTime, zone: &Tz) -> String {
    match PrimitiveDateTime::new(local.date(), local.time()).assume_timezone(zone) {
        OffsetResult::Ambiguous(..) => {
            format!(" {}", zone.get_offset_utc(&local).name())
        }
        _ => String::new(),
    }
}

/// `07:00`.
pub fn hour_minute(time: Time) -> String {
    time.format(format_description!("[hour]:[minute]"))
        .unwrap_or_default()
}

/// A date typed into a form: `2027-05-04`.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// A time typed into a form: `07:00` (seconds allowed).
pub fn parse_time(text: &str) -> Option<Time> {
    Time::parse(text.trim(), format_description!("[hour]:[minute]"))
        .or_else(|_| Time::parse(text.trim(), format_description!("[hour]:[minute]:[second]")))
        .ok()
}

/// A length of time as people say it: "40 min", "2 h", "4 h 30 min", "1 day 5 h" (minutes
/// stop mattering once it is days). Negative lengths read as zero.
fn duration_words(length: Duration) -> String {
    let minutes = length.whole_minutes().max(0);
    let (days, hours, minutes) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    match (days, hours, minutes) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} day{} {h} h", if d == 1 { "" } else { "s" }),
    }
}

/// How long until a deadline: "in 2 days 5 h", "in 40 min", "deadline passed".
pub fn countdown(now: OffsetDateTime, deadline: OffsetDateTime) -> String {
    if deadline <= now {
        "deadline passed".into()
    } else {
        format!("in {}", duration_words(deadline - now))
    }
}

/// How long something lasted: "4 h 30 min".
pub fn span(from: OffsetDateTime, to: OffsetDateTime) -> String {
    duration_words(to - from)
}

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

impl LocalTimeError {
    /// The message beside the field, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            LocalTimeError::DoesNotExist { date, time, zone } => lang.t3(
                "time-does-not-exist",
                ("time", time.as_str()),
                ("date", date.as_str()),
                ("zone", zone.as_str()),
            ),
        }
    }
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

    #[test]
    fn countdowns_and_spans_read_like_people_speak() {
        let now = datetime!(2027-05-01 10:00 UTC);
        assert_eq!(
            countdown(now, datetime!(2027-05-03 15:30 UTC)),
            "in 2 days 5 h"
        );
        assert_eq!(
            countdown(now, datetime!(2027-05-02 11:00 UTC)),
            "in 1 day 1 h"
        );
        assert_eq!(
            countdown(now, datetime!(2027-05-01 13:20 UTC)),
            "in 3 h 20 min"
        );
        assert_eq!(countdown(now, datetime!(2027-05-01 13:00 UTC)), "in 3 h");
        assert_eq!(countdown(now, datetime!(2027-05-01 10:40 UTC)), "in 40 min");
        assert_eq!(countdown(now, now), "deadline passed");
        assert_eq!(span(now, datetime!(2027-05-01 14:30 UTC)), "4 h 30 min");
        assert_eq!(span(now, now - Duration::hours(1)), "0 min");
    }

    #[test]
    fn a_zone_reads_a_stored_name_once_and_shows_moments_in_it() {
        let london = Zone::from("Europe/London".to_string());
        assert_eq!(london.name(), "Europe/London");
        assert_eq!(Zone::from("Mars/Olympus".to_string()), Zone::utc());
        let instant = datetime!(2027-05-03 06:00 UTC);
        assert_eq!(london.moment(instant), "Mon 3 May 2027, 07:00");
        assert_eq!(
            london.moment_with_zone(instant),
            "Mon 3 May 2027, 07:00 (Europe/London)"
        );
        assert_eq!(london.clock_time(instant), "07:00");
        assert_eq!(
            london.times_line(),
            "Times are London time (Europe/London)."
        );
        let la = Zone::from("America/Los_Angeles".to_string());
        assert_eq!(
            la.times_line(),
            "Times are Los Angeles time (America/Los_Angeles)."
        );
        assert_eq!(Zone::utc().times_line(), "Times are UTC.");
    }

    #[test]
    fn form_times_parse() {
        assert_eq!(parse_date(" 2027-03-28 "), Some(date!(2027 - 03 - 28)));
        assert_eq!(parse_date("28/03/2027"), None);
        assert_eq!(
            parse_time("07:00").map(hour_minute).as_deref(),
            Some("07:00")
        );
        assert_eq!(parse_time("25:00"), None);
        let ny = parse_zone("America/New_York").unwrap();
        // 01:30 happens twice that night: the abbreviation tells which; other times need none.
        assert_eq!(local_time(datetime!(2027-11-07 05:30 UTC), ny), "01:30 EDT");
        assert_eq!(local_time(datetime!(2027-11-07 06:30 UTC), ny), "01:30 EST");
        assert_eq!(local_time(datetime!(2027-11-07 12:00 UTC), ny), "07:00");
        let ny_zone = Zone::from("America/New_York".to_string());
        assert_eq!(
            ny_zone.moment(datetime!(2027-11-07 06:30 UTC)),
            "Sun 7 Nov 2027, 01:30 EST"
        );
    }

    #[test]
    fn a_moment_and_the_zone_line_read_in_the_readers_language() {
        let zone = Zone::parse("Europe/Madrid").unwrap();
        let es = Lang::parse("es").unwrap();
        let fr = Lang::parse("fr").unwrap();
        let at = time::macros::datetime!(2027-05-03 05:00 UTC);
        assert_eq!(zone.moment_in(es, at), "lun 3 may 2027, 07:00");
        assert_eq!(zone.moment_in(fr, at), "lun. 3 mai 2027, 07 h 00");
        assert_eq!(zone.times_line_in(es), "Horas de Madrid (Europe/Madrid).");
        assert_eq!(Zone::utc().times_line_in(fr), "Heures UTC.");
        let gap = LocalTimeError::DoesNotExist {
            date: "2027-03-28".into(),
            time: "02:30".into(),
            zone: "Europe/Madrid".into(),
        };
        assert!(
            gap.message(es)
                .starts_with("Las 02:30 no existen el 2027-03-28")
        );
    }
}
