//! Languages: the messages every page shows, in Fluent files under `locales/<lang>/*.ftl`, one
//! folder per language, embedded at build time (`build.rs` lists the folders, so a new folder is
//! a new language). `Lang` is one shipped language; a request's is negotiated once (`negotiate`)
//! and carried on the page context, so nothing here holds a current language of its own.
//!
//! Code and templates ask for a message with `t("key")`, `t1("key", "name", value)`,
//! `t2(...)`, or `t_of("family", value)` for a closed list (roles, kinds, weekdays); the test
//! in `tests/api/languages.rs` reads those call forms to check every key is in every language
//! and every key in a file is used.

mod format;
mod negotiate;

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use negotiate::{LangSlot, accepted, negotiate};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/locales.rs"));
}

/// The language every message is written in first, and the last fallback.
const SOURCE: &str = "en";

/// One shipped language: its folder name and its messages.
pub struct Locale {
    code: &'static str,
    bundle: FluentBundle<FluentResource>,
    /// The files as shipped, for the tests that compare languages.
    sources: &'static [(&'static str, &'static str)],
}

static LOCALES: LazyLock<Vec<Locale>> = LazyLock::new(|| {
    embedded::LANGUAGES
        .iter()
        .filter_map(|(code, files)| {
            let id = code.parse().ok().or_else(|| {
                tracing::error!(folder = code, "locales/: not a language tag, skipped");
                None
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks guard right-to-left text; none is shipped yet, and the marks
            // would sit invisibly inside every name a page shows.
            bundle.set_use_isolating(false);
            for (file, text) in files.iter() {
                let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(
                    |(resource, errors)| {
                        tracing::error!(language = code, file, ?errors, "message file errors");
                        resource
                    },
                );
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(language = code, file, ?errors, "duplicate messages");
                }
            }
            Some(Locale {
                code,
                bundle,
                sources: files,
            })
        })
        .collect()
});

/// A message key handed on to be looked up later (`Key("password-paused")`): written this way
/// so that the test of keys finds it, as it finds `t("…")`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key(pub &'static str);

/// A shipped language. Copy: it is a reference into the loaded messages.
#[derive(Clone, Copy)]
pub struct Lang(&'static Locale);

impl PartialEq for Lang {
    fn eq(&self, other: &Lang) -> bool {
        self.0.code == other.0.code
    }
}

impl Eq for Lang {}

impl std::fmt::Debug for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lang({})", self.0.code)
    }
}

impl Default for Lang {
    fn default() -> Lang {
        Lang::source()
    }
}

/// A value a message is given: text or a number (numbers choose plural forms).
pub trait Arg {
    fn value(&self) -> FluentValue<'_>;
}

impl Arg for str {
    fn value(&self) -> FluentValue<'_> {
        FluentValue::from(self)
    }
}

impl Arg for String {
    fn value(&self) -> FluentValue<'_> {
        FluentValue::from(self.as_str())
    }
}

macro_rules! number_arg {
    ($($t:ty),+) => {$(
        impl Arg for $t {
            fn value(&self) -> FluentValue<'_> {
                FluentValue::from(*self)
            }
        }
    )+};
}

number_arg!(u16, i32, i64, u32, u64, usize);

impl<T: Arg + ?Sized> Arg for &T {
    fn value(&self) -> FluentValue<'_> {
        (**self).value()
    }
}

impl Lang {
    /// English, the language messages are written in first.
    pub fn source() -> Lang {
        Lang::parse(SOURCE).expect("locales/en is shipped")
    }

    /// Every shipped language, by code: exactly the folders in `locales/`.
    pub fn all() -> impl Iterator<Item = Lang> {
        LOCALES.iter().map(Lang)
    }

    /// The shipped language with this code (`es`, `fr`; case does not matter), if any.
    pub fn parse(code: &str) -> Option<Lang> {
        LOCALES
            .iter()
            .find(|l| l.code.eq_ignore_ascii_case(code.trim()))
            .map(Lang)
    }

    /// The code, for `<html lang>` and for storing a choice.
    pub fn code(self) -> &'static str {
        self.0.code
    }

    /// The language's name in itself ("Español"), for a list to choose from.
    pub fn name(self) -> String {
        self.t("language-name")
    }

    /// The message `key`.
    pub fn t(self, key: &str) -> String {
        self.message(key, None)
    }

    /// The message `key` given one value.
    pub fn t1(self, key: &str, name: &str, value: impl Arg) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value.value());
        self.message(key, Some(&args))
    }

    /// The message `key` given two values.
    pub fn t2(
        self,
        key: &str,
        name: &str,
        value: impl Arg,
        other_name: &str,
        other_value: impl Arg,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value.value());
        args.set(other_name, other_value.value());
        self.message(key, Some(&args))
    }

    /// The message `key` given three values, each a (name, value) pair.
    pub fn t3(self, key: &str, a: (&str, &str), b: (&str, &str), c: (&str, &str)) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in [a, b, c] {
            args.set(name, value.value());
        }
        self.message(key, Some(&args))
    }

    /// The message `key` given any number of values (the formats of `format.rs`).
    fn tn(self, key: &str, args: &FluentArgs) -> String {
        self.message(key, Some(args))
    }

    /// The word for one item of a closed list: `t_of("role", "producer")` is `role-producer`.
    pub fn t_of(self, family: &str, item: impl std::fmt::Display) -> String {
        self.t(&format!("{family}-{item}"))
    }

    /// Whether this language has the message (the tests check every key against every language).
    pub fn has(self, key: &str) -> bool {
        self.0.bundle.has_message(key)
    }

    /// The message files as shipped: (file name, text).
    pub fn sources(self) -> &'static [(&'static str, &'static str)] {
        self.0.sources
    }

    /// A message missing here falls back to English, then to its key: a page is never refused
    /// for a missing word (the tests are what keep words from going missing).
    fn message(self, key: &str, args: Option<&FluentArgs>) -> String {
        let found = [self, Lang::source()].into_iter().find_map(|lang| {
            let bundle = &lang.0.bundle;
            let pattern = bundle.get_message(key)?.value()?;
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(language = lang.code(), key, ?errors, "message errors");
            }
            Some(text.into_owned())
        });
        found.unwrap_or_else(|| {
            tracing::warn!(language = self.code(), key, "message missing");
            key.to_string()
        })
    }
}

pub use format::{
    countdown, date_long, date_short, date_year, duration, money, number, time_of_day,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_languages_are_the_folders_in_locales() {
        let folders: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/locales"))
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
        let mut folders = folders;
        folders.sort();
        let shipped: Vec<&str> = Lang::all().map(Lang::code).collect();
        assert_eq!(shipped, folders);
        assert!(shipped.contains(&"en") && shipped.contains(&"es") && shipped.contains(&"fr"));
    }

    #[test]
    fn a_message_falls_back_to_english_then_to_its_key() {
        let es = Lang::parse("ES").unwrap();
        assert_eq!(es.code(), "es");
        assert_eq!(es.name(), "Español");
        assert_eq!(Lang::parse("fr").unwrap().name(), "Français");
        assert_eq!(es.t("no-such-message"), "no-such-message");
        assert!(Lang::parse("xx").is_none());
    }

    #[test]
    fn arguments_and_plurals_are_filled_in() {
        let en = Lang::source();
        let fr = Lang::parse("fr").unwrap();
        assert_eq!(en.t1("nav-unread", "count", 1), "(1 unread)");
        assert_eq!(fr.t1("nav-unread", "count", 3), "(3 non lus)");
        assert_eq!(fr.t1("nav-unread", "count", 1), "(1 non lu)");
    }

    #[test]
    fn dates_and_lengths_of_time_read_as_each_language_writes_them() {
        use time::macros::{date, datetime};
        let (en, es, fr) = (
            Lang::source(),
            Lang::parse("es").unwrap(),
            Lang::parse("fr").unwrap(),
        );
        let day = date!(2026 - 11 - 21);
        assert_eq!(date_short(en, day), "Sat 21 Nov 2026");
        assert_eq!(date_short(es, day), "sáb 21 nov 2026");
        assert_eq!(date_short(fr, day), "sam. 21 nov. 2026");
        let now = datetime!(2026-11-21 10:00 UTC);
        let later = datetime!(2026-11-23 15:40 UTC);
        assert_eq!(countdown(en, now, later), "in 2 days 5 h");
        assert_eq!(countdown(es, now, later), "dentro de 2 días 5 h");
        assert_eq!(countdown(fr, later, now), "échéance dépassée");
        assert_eq!(
            duration(en, later - now - time::Duration::days(2)),
            "5 h 40 min"
        );
    }
}
