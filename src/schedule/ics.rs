//! RFC 5545 iCalendar text for private calendar feeds (shoot days, rehearsals).
//! Owns escaping, line folding and the shape of the feed; titles are chosen by the caller.

use time::{OffsetDateTime, UtcOffset, format_description::FormatItem, macros::format_description};
use time_tz::{TimeZone, Tz};

/// UTC date-time form, e.g. `20270314T143000Z`.
const UTC_FORMAT: &[FormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// The longest content line in octets, not counting the CRLF (RFC 5545 §3.1).
const MAX_LINE_OCTETS: usize = 75;

/// A calendar feed: a name and its events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    /// Shown by clients as the calendar's name.
    pub name: String,
    /// The events in the feed.
    pub events: Vec<Event>,
}

/// One event of a feed. Its summary must be neutral ("Rehearsal — Sc. 12A"), never content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Globally unique and stable across feed refreshes, e.g. `shoot-day-42@closedset`.
    pub uid: String,
    /// When it starts.
    pub start: OffsetDateTime,
    /// When it ends.
    pub end: OffsetDateTime,
    /// The title.
    pub summary: String,
    /// Where, if known.
    pub location: Option<String>,
    /// Notes, if any.
    pub description: Option<String>,
    /// When the event last changed; written as DTSTAMP and LAST-MODIFIED.
    pub updated: OffsetDateTime,
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF and a lone CR both become one escaped newline.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

/// Appends one content line, folded so no physical line exceeds 75 octets, ending in CRLF.
///
/// Folds fall between characters, never inside a UTF-8 sequence; each continuation line starts
/// with one space, which counts towards its 75 octets.
pub fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
}

/// An instant as a UTC DATE-TIME value.
fn utc(instant: OffsetDateTime) -> String {
    instant
        .to_offset(UtcOffset::UTC)
        .format(UTC_FORMAT)
        .expect("a four-digit year formats")
}

impl Calendar {
    /// The feed as iCalendar text with CRLF line endings.
    ///
    /// Times are written in UTC, which every client shows correctly in the viewer's own zone, so
    /// no VTIMEZONE block is needed; `X-WR-TIMEZONE` names the production's zone for clients that
    /// use it to display the calendar.
    pub fn render(&self, zone: &Tz) -> String {
        let mut out = String::new();
        let mut line = |text: &str| push_folded(&mut out, text);
        line("BEGIN:VCALENDAR");
        line("VERSION:2.0");
        line("PRODID:-//Closed Set//Calendar feed//EN");
        line("CALSCALE:GREGORIAN");
        line("METHOD:PUBLISH");
        line(&format!("X-WR-CALNAME:{}", escape_text(&self.name)));
        line(&format!("X-WR-TIMEZONE:{}", zone.name()));
        line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
        line("X-PUBLISHED-TTL:PT1H");
        for event in &self.events {
            line("BEGIN:VEVENT");
            line(&format!("UID:{}", escape_text(&event.uid)));
            line(&format!("DTSTAMP:{}", utc(event.updated)));
            line(&format!("LAST-MODIFIED:{}", utc(event.updated)));
            line(&format!("DTSTART:{}", utc(event.start)));
            line(&format!("DTEND:{}", utc(event.end)));
            line(&format!("SUMMARY:{}", escape_text(&event.summary)));
            if let Some(location) = &event.location {
                line(&format!("LOCATION:{}", escape_text(location)));
            }
            if let Some(description) = &event.description {
                line(&format!("DESCRIPTION:{}", escape_text(description)));
            }
            line("END:VEVENT");
        }
        line("END:VCALENDAR");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn zone() -> &'static Tz {
        time_tz::timezones::get_by_name("America/New_York").unwrap()
    }

    fn calendar() -> Calendar {
        Calendar {
            name: "Closed Set — The Long Night, Season 2".into(),
            events: vec![
                Event {
                    uid: "shoot-day-42@closedset".into(),
                    start: datetime!(2027-03-14 10:30 -4),
                    end: datetime!(2027-03-14 20:00 -4),
                    summary: "Shoot day 3 of 40 — Sc. 12A".into(),
                    location: Some("Stage 4; Pinewood, Iver".into()),
                    description: Some("Call 06:30\nClosed set".into()),
                    updated: datetime!(2027-03-01 09:00 UTC),
                },
                Event {
                    uid: "rehearsal-7@closedset".into(),
                    start: datetime!(2027-03-12 14:00 UTC),
                    end: datetime!(2027-03-12 16:00 UTC),
                    summary: "Rehearsal — Sc. 12A".into(),
                    location: None,
                    description: None,
                    updated: datetime!(2027-03-01 09:00 UTC),
                },
            ],
        }
    }

    #[test]
    fn escapes_text() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ng"
        );
        assert_eq!(escape_text("Sc. 12A — plain"), "Sc. 12A — plain");
    }

    #[test]
    fn folds_utf8_without_splitting_characters() {
        let summary = "Répétition — scène 12A — «plateau fermé» — 撮影日 — ".repeat(6);
        let line = format!("SUMMARY:{}", escape_text(&summary));
        let mut out = String::new();
        push_folded(&mut out, &line);
        assert!(out.ends_with("\r\n"));
        let physical: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(physical.len() > 3);
        for (i, part) in physical.iter().enumerate() {
            assert!(part.len() <= 75, "line {i} has {} octets", part.len());
            assert_eq!(i > 0, part.starts_with(' '), "line {i}");
        }
        // `out` is a String, so no character was split; unfolding restores the line exactly.
        assert_eq!(out.trim_end_matches("\r\n").replace("\r\n ", ""), line);
    }

    #[test]
    fn short_lines_are_not_folded() {
        let mut out = String::new();
        push_folded(&mut out, &"x".repeat(75));
        assert_eq!(out, format!("{}\r\n", "x".repeat(75)));
        out.clear();
        push_folded(&mut out, &"x".repeat(76));
        assert_eq!(out, format!("{}\r\n x\r\n", "x".repeat(75)));
    }

    #[test]
    fn renders_a_feed_in_utc_with_crlf() {
        let text = calendar().render(zone());
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        for expected in [
            "PRODID:-//Closed Set//Calendar feed//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:Closed Set — The Long Night\\, Season 2",
            "X-WR-TIMEZONE:America/New_York",
            "DTSTART:20270314T143000Z",
            "DTEND:20270315T000000Z",
            "DTSTAMP:20270301T090000Z",
            "LOCATION:Stage 4\\; Pinewood\\, Iver",
            "DESCRIPTION:Call 06:30\\nClosed set",
        ] {
            assert!(text.contains(&format!("{expected}\r\n")), "{expected}");
        }
        assert!(text.split("\r\n").all(|l| l.len() <= 75));
    }

    #[test]
    fn icalendar_crate_parses_the_feed() {
        use icalendar::{Component, EventLike};
        let mut cal = calendar();
        cal.events[1].summary = format!("Rehearsal — Sc. 12A, {}", "très long ".repeat(12));
        let text = cal.render(zone());
        let parsed: icalendar::Calendar = text.parse().unwrap();
        let events: Vec<&icalendar::Event> = parsed
            .components
            .iter()
            .filter_map(|c| c.as_event())
            .collect();
        assert_eq!(events.len(), 2);
        let summaries: Vec<&str> = events.iter().filter_map(|e| e.get_summary()).collect();
        assert_eq!(
            summaries,
            [
                cal.events[0].summary.as_str(),
                cal.events[1].summary.as_str()
            ]
        );
        assert_eq!(events[0].get_uid(), Some("shoot-day-42@closedset"));
        assert_eq!(events[0].get_location(), Some("Stage 4; Pinewood, Iver"));
    }
}
