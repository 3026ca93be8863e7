//! Which language a request is answered in: the person's choice on their account page, else
//! the browser's `Accept-Language`, else the production's default, else English.

use std::sync::{Arc, OnceLock};

use super::Lang;

/// At most this much of an `Accept-Language` header is read: a real one is a few dozen bytes,
/// and a hostile one must not cost more than a glance.
const HEADER_LIMIT: usize = 1024;
const RANGES_LIMIT: usize = 32;

/// The language of a request, from what is known about it, in order of precedence. A stored
/// choice or default that is no longer shipped (a folder removed) is passed over.
pub fn negotiate(
    chosen: Option<&str>,
    accept_language: Option<&str>,
    production_default: Option<&str>,
) -> Lang {
    chosen
        .and_then(Lang::parse)
        .or_else(|| accept_language.and_then(accepted))
        .or_else(|| production_default.and_then(Lang::parse))
        .unwrap_or_else(Lang::source)
}

/// The shipped language the browser prefers most (RFC 9110 §12.5.4 q-values): `es-MX` takes a
/// shipped `es`, and among equal weights the first listed wins. `*` and `q=0` choose nothing.
pub fn accepted(header: &str) -> Option<Lang> {
    let header = header.get(..HEADER_LIMIT).unwrap_or(header);
    let mut best: Option<(u16, Lang)> = None;
    for range in header.split(',').take(RANGES_LIMIT) {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .map_or(Some(1000), quality);
        let (Some(weight), Some(lang)) = (weight, shipped_for(tag)) else {
            continue;
        };
        if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

/// A q-value in thousandths: `1`, `0.8`, `0.125`; anything else is not a weight.
fn quality(text: &str) -> Option<u16> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The shipped language a language range names: itself, or its primary language (`es-MX` →
/// `es`). A shipped regional folder (`pt-BR`) is found by its exact tag or its primary one.
fn shipped_for(tag: &str) -> Option<Lang> {
    if tag.is_empty() || tag == "*" || tag.len() > 35 {
        return None;
    }
    let primary = |t: &str| {
        t.split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    Lang::parse(tag).or_else(|| {
        let wanted = primary(tag);
        Lang::all().find(|lang| primary(lang.code()) == wanted)
    })
}

/// Where a request's language is left once known, for the error page an answer may turn into
/// after its handler ran (see `crate::error::translate`). Set at most once per request.
#[derive(Clone, Default)]
pub struct LangSlot(Arc<OnceLock<Lang>>);

impl LangSlot {
    pub fn set(&self, lang: Lang) {
        let _ = self.0.set(lang);
    }
    pub fn get(&self) -> Option<Lang> {
        self.0.get().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(header: &str) -> Option<&'static str> {
        accepted(header).map(Lang::code)
    }

    #[test]
    fn the_highest_weight_shipped_language_wins() {
        assert_eq!(code("es-MX,es;q=0.9"), Some("es"));
        assert_eq!(code("de-DE,fr;q=0.5,es;q=0.7"), Some("es"));
        assert_eq!(code("fr-CA;q=0.8, en;q=0.8"), Some("fr"));
        assert_eq!(code("en;q=0.1, fr"), Some("fr"));
        assert_eq!(code("FR-fr"), Some("fr"));
    }

    #[test]
    fn nothing_usable_chooses_nothing() {
        for header in [
            "",
            "*",
            "de, pl;q=0.9",
            "es;q=0",
            "es;q=2",
            "es;q=abc",
            "es;q=0.1234",
            ";;;,,,",
            "\u{0}",
        ] {
            assert_eq!(code(header), None, "{header:?}");
        }
        let long = format!("{}es", "x,".repeat(5000));
        assert_eq!(code(&long), None);
    }

    #[test]
    fn a_choice_beats_the_browser_which_beats_the_production() {
        let pick = |c, h, p| negotiate(c, h, p).code();
        assert_eq!(pick(Some("fr"), Some("es"), Some("en")), "fr");
        assert_eq!(pick(None, Some("es"), Some("fr")), "es");
        assert_eq!(pick(None, Some("de"), Some("fr")), "fr");
        assert_eq!(pick(Some("xx"), None, None), "en");
        assert_eq!(pick(None, None, None), "en");
    }
}
