//! Scenes in script order and their intimacy breakdowns: numbering, page eighths, headings,
//! the versioned breakdown with its content hash, and the minors rule (R5) on the breakdown path.

pub mod body;
pub mod breakdown;
pub mod demo;
pub mod editor;
pub mod eighths;
pub mod fixed_list;
pub mod heading;
pub mod minors;
pub mod number;
mod web;

use axum::Router;
use time::{Date, OffsetDateTime};

use crate::AppState;
use crate::productions::Production;
use breakdown::Breakdown;
pub use editor::{SaveOutcome, save_breakdown};
use heading::{IntExt, TimeOfDay};

pub fn router() -> Router<AppState> {
    web::router().merge(editor::router())
}

/// A breakdown with nothing in it: what a scene has before its first version.
pub fn empty_breakdown() -> Breakdown {
    Breakdown {
        kinds: Vec::new(),
        performers: Vec::new(),
        garments: String::new(),
        stills_allowed: false,
        closed_set: Vec::new(),
        monitor_list: Vec::new(),
    }
}

/// A stored breakdown; anything unreadable (an empty `{}` from an import) reads as empty rather
/// than failing the page, because the versions themselves are never rewritten.
pub fn read_breakdown(json: &str) -> Breakdown {
    serde_json::from_str(json).unwrap_or_else(|_| empty_breakdown())
}

/// Whether the breakdown closes the scene to anyone under 18 (R5).
pub fn is_restricted(b: &Breakdown) -> bool {
    let nudity: Vec<_> = b.performers.iter().map(|p| p.nudity).collect();
    body::restricted_for_minors(&b.kinds, &nudity)
}

/// Today's date where the production shoots: R5 counts ages on local dates.
pub fn production_today(production: &Production) -> Date {
    production_local(production, OffsetDateTime::now_utc()).date()
}

/// An instant as a clock where the production shoots reads it.
pub fn production_local(production: &Production, instant: OffsetDateTime) -> OffsetDateTime {
    match crate::schedule::zone::parse_zone(&production.time_zone) {
        Some(zone) => crate::schedule::zone::utc_to_local(instant, zone),
        None => instant,
    }
}

/// A heading as scripts print it: `INT. LAKE HOUSE — NIGHT`.
pub fn heading_text(int_ext: &str, set_name: &str, time_of_day: &str) -> String {
    let place = match int_ext.parse::<IntExt>() {
        Ok(IntExt::Int) => "INT.",
        Ok(IntExt::Ext) => "EXT.",
        Ok(IntExt::IntExt) => "INT./EXT.",
        Err(_) => "",
    };
    let time = time_of_day
        .parse::<TimeOfDay>()
        .map(|t| t.label())
        .unwrap_or("");
    format!("{place} {} — {time}", set_name.to_uppercase())
}

/// A urlencoded form body that may repeat keys (checkbox groups), which `Form` cannot take.
pub struct FormBody(Vec<(String, String)>);

impl FormBody {
    pub fn parse(bytes: &[u8]) -> FormBody {
        FormBody(
            form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `key`, or empty.
    pub fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// Every value of `key` as an id, sorted and without repeats; `None` when any value is not a
    /// number (a tampered form). Callers still check the ids against what the page offered.
    pub fn ids(&self, key: &str) -> Option<Vec<i64>> {
        let mut ids = self
            .0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim().parse::<i64>().ok())
            .collect::<Option<Vec<i64>>>()?;
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }
}

/// Non-empty tidied lines of a textarea.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn checked_ids_are_numbers_without_repeats() {
        let body = super::FormBody::parse(b"cast=3&cast=1&cast=3&other=x");
        assert_eq!(body.ids("cast"), Some(vec![1, 3]));
        assert_eq!(body.ids("none"), Some(vec![]));
        assert_eq!(super::FormBody::parse(b"cast=1&cast=abc").ids("cast"), None);
    }

    use super::*;

    #[test]
    fn headings_read_like_scripts() {
        assert_eq!(
            heading_text("int", "Lake house", "night"),
            "INT. LAKE HOUSE — NIGHT"
        );
        assert_eq!(heading_text("int_ext", "Car", "day"), "INT./EXT. CAR — DAY");
    }

    #[test]
    fn unreadable_breakdowns_are_empty() {
        assert_eq!(read_breakdown("{}"), empty_breakdown());
        assert!(!is_restricted(&read_breakdown("not json")));
    }

    #[test]
    fn repeated_keys_are_kept() {
        let f = FormBody::parse(b"kinds=kiss&kinds=nudity&garments=a+b");
        assert_eq!(f.all("kinds"), ["kiss", "nudity"]);
        assert_eq!(f.get("garments"), "a b");
        assert!(!f.has("stills_allowed"));
    }
}
