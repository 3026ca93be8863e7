//! Reading a submitted form, the one way every handler does: `FormBody` is an extractor over the
//! urlencoded body that never refuses (a missing field reads as empty, a repeated key keeps
//! every value), so a bad submission always gets the form back with a message beside the field,
//! never an extractor's plain-text error. Each form's struct reads itself through a `Reader`
//! (`SceneForm::read(&body)`), naming each field's `Len`, then parses into domain types.
//!
//! Every value comes out tidied the same way: line breaks as `\n`, Unicode composed (NFC, so
//! "é" typed as e + accent and "é" typed as one character are the same text and hash the same),
//! trimmed, and a one-line field's line breaks and tabs folded to spaces. A value longer than its
//! `Len` allows is kept for the form to show again, and the reader notes "Keep this to N
//! characters or fewer" for that field; each form's parse step starts from those notes.

use std::borrow::Cow;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use unicode_normalization::UnicodeNormalization;

use super::FieldErrors;
use crate::error::AppError;
use crate::i18n::{Lang, LangSlot};

/// A urlencoded form body that may repeat keys (checkbox groups), which `Form` cannot take.
#[derive(Debug, Default)]
pub struct FormBody(Vec<(String, String)>, Lang);

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        // The page context, read before the body, has settled the reader's language: the notes
        // on fields too long are written in it.
        let lang = req
            .extensions()
            .get::<LangSlot>()
            .and_then(LangSlot::get)
            .unwrap_or_default();
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::Other(anyhow::anyhow!("reading a form: {rejection}"))
            }
        })?;
        let body = FormBody(FormBody::parse(&bytes).0, lang);
        if body.has_unstorable_text() {
            return Err(AppError::UnreadableForm);
        }
        Ok(body)
    }
}

/// A character no text field keeps: NUL and the other control characters, except the tab and
/// line breaks a multi-line field may hold. PostgreSQL refuses NUL in text outright.
fn unstorable(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

impl FormBody {
    pub fn parse(bytes: &[u8]) -> FormBody {
        FormBody(
            form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            Lang::default(),
        )
    }

    /// A body from fields already read (a multipart upload's text fields).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> FormBody {
        FormBody(pairs, Lang::default())
    }

    /// The first value of `key` as sent, or `None`: what the guards look for.
    pub fn first(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether any name or value holds a character no field keeps (see `unstorable`).
    pub fn has_unstorable_text(&self) -> bool {
        self.0
            .iter()
            .any(|(k, v)| k.chars().chain(v.chars()).any(unstorable))
    }

    /// A reader that tidies each value it hands out and notes the fields that are too long.
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            body: self,
            too_long: FieldErrors::default(),
        }
    }

    /// The first value of `key` exactly as sent, untidied, or empty: only for a pasted document
    /// whose bytes are checked against a hash (a receipt), which recomposing would break, and
    /// which its reader measures itself.
    pub fn verbatim(&self, key: &str) -> String {
        self.raw(key).to_string()
    }

    /// The first value of `key` exactly as sent, or empty.
    fn raw(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
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

/// How much text a field holds. Each form names one for every field it reads, so no field takes
/// unbounded text: the database's own limits (migration 0019) stand well above these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Len {
    /// A choice, a number, an amount, a date or time, an id, a hash, a code: one line.
    Code,
    /// A name, an e-mail address, a title, a set, a place: one line.
    Line,
    /// A note, a list typed one item per line: line breaks kept.
    Paragraph,
    /// A summary, a concern, a boundary note, a pasted receipt: line breaks kept.
    Long,
}

impl Len {
    /// The most characters (Unicode scalar values, after NFC) the field keeps.
    pub const fn max(self) -> usize {
        match self {
            Len::Code => 100,
            Len::Line => 300,
            Len::Paragraph => 5_000,
            Len::Long => 20_000,
        }
    }

    fn multi_line(self) -> bool {
        matches!(self, Len::Paragraph | Len::Long)
    }

    /// The message beside a field whose text has `count` characters, when that is too many.
    pub fn refusal(self, lang: Lang, count: usize) -> Option<String> {
        (count > self.max()).then(|| {
            lang.t2(
                "form-too-long",
                "max",
                crate::i18n::number(lang, self.max() as i64),
                "count",
                crate::i18n::number(lang, count as i64),
            )
        })
    }
}

/// The most characters a password may have: argon2 over a megabyte would hold a core for
/// seconds, and no one types more than this.
pub const PASSWORD_MAX: usize = 1_000;

/// A value as every form keeps it: line breaks as `\n`, composed (NFC), trimmed; in a one-line
/// field, line breaks and tabs become spaces (browsers never send them from a one-line input,
/// so only a pasted or forged value has them, and a space is what was meant).
pub fn tidy(raw: &str, len: Len) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let composed: String = unified.nfc().collect();
    let text = if len.multi_line() {
        composed
    } else {
        composed.replace(['\n', '\t'], " ")
    };
    text.trim().to_string()
}

/// Reads a form's fields, each tidied and measured against its `Len`; `finish` gives the
/// messages for the fields that were too long.
pub struct Reader<'a> {
    body: &'a FormBody,
    too_long: FieldErrors,
}

impl Reader<'_> {
    /// The first value of `key`, tidied; empty when missing.
    pub fn text(&mut self, key: impl Into<Cow<'static, str>>, len: Len) -> String {
        let key = key.into();
        let value = tidy(self.body.raw(&key), len);
        self.measure(key, len, &value);
        value
    }

    /// Every value of `key` in order (a checkbox group), each tidied and measured.
    pub fn all(&mut self, key: impl Into<Cow<'static, str>>, len: Len) -> Vec<String> {
        let key = key.into();
        let values: Vec<String> = self
            .body
            .0
            .iter()
            .filter(|(k, _)| *k == *key)
            .map(|(_, v)| tidy(v, len))
            .collect();
        for value in &values {
            self.measure(key.clone(), len, value);
        }
        values
    }

    /// A password as typed (spaces and all: they are part of it; not recomposed either, so a
    /// password set before this reader existed still matches its hash). One longer than
    /// `PASSWORD_MAX` is noted and cut to it: no password we hold is that long (new ones stop
    /// at 256), so a check of the cut one still fails, and argon2 never sees more, even where
    /// a page shows the check's answer rather than this note.
    pub fn password(&mut self, key: &'static str) -> String {
        let raw = self.body.raw(key);
        let value: String = raw.chars().take(PASSWORD_MAX).collect();
        if value.len() < raw.len() {
            let lang = self.body.1;
            self.too_long.add(
                key,
                lang.t1(
                    "form-password-too-long",
                    "max",
                    crate::i18n::number(lang, PASSWORD_MAX as i64),
                ),
            );
        }
        value
    }

    fn measure(&mut self, key: Cow<'static, str>, len: Len, value: &str) {
        if let Some(message) = len.refusal(self.body.1, value.chars().count()) {
            self.too_long.add(key, message);
        }
    }

    /// The messages for fields that were too long; empty when none was.
    pub fn finish(self) -> FieldErrors {
        self.too_long
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
    use super::*;

    #[test]
    fn checked_ids_are_numbers_without_repeats() {
        let body = FormBody::parse(b"cast=3&cast=1&cast=3&other=x");
        assert_eq!(body.ids("cast"), Some(vec![1, 3]));
        assert_eq!(body.ids("none"), Some(vec![]));
        assert_eq!(FormBody::parse(b"cast=1&cast=abc").ids("cast"), None);
    }

    #[test]
    fn nul_and_control_characters_are_unstorable_but_line_breaks_and_tabs_are_kept() {
        assert!(FormBody::parse(b"email=a%00b").has_unstorable_text());
        assert!(FormBody::parse(b"notes=bell%07").has_unstorable_text());
        assert!(FormBody::parse(b"a%00=x").has_unstorable_text());
        assert!(!FormBody::parse(b"notes=line+one%0D%0Aline%09two").has_unstorable_text());
        assert!(!FormBody::parse("name=Zoë+Ñ".as_bytes()).has_unstorable_text());
    }

    #[test]
    fn repeated_keys_are_kept() {
        let f = FormBody::parse(b"kinds=kiss&kinds=nudity&garments=a+b");
        let mut r = f.reader();
        assert_eq!(r.all("kinds", Len::Code), ["kiss", "nudity"]);
        assert_eq!(r.text("garments", Len::Paragraph), "a b");
        assert!(r.finish().is_empty());
        assert!(!f.has("stills_allowed"));
    }

    #[test]
    fn values_come_out_trimmed_and_composed() {
        // "Zoë" with the diaeresis as a combining mark, and spaces around it.
        let f = FormBody::parse(b"name=++Zoe%CC%88%09&missing_not=1");
        let mut r = f.reader();
        let name = r.text("name", Len::Line);
        assert_eq!(name, "Zo\u{eb}");
        assert_eq!(name.chars().count(), 3);
        assert_eq!(r.text("absent", Len::Line), "");
    }

    #[test]
    fn line_breaks_become_newlines_and_one_line_fields_fold_them_to_spaces() {
        let f = FormBody::parse(b"notes=one%0D%0Atwo%0Dthree%0Afour&set=Lake%0D%0Ahouse");
        let mut r = f.reader();
        assert_eq!(r.text("notes", Len::Paragraph), "one\ntwo\nthree\nfour");
        assert_eq!(r.text("set", Len::Line), "Lake house");
    }

    #[test]
    fn a_value_over_its_length_is_kept_and_noted_beside_its_field() {
        let long = "a".repeat(Len::Line.max() + 1);
        let f = FormBody::parse(format!("name={long}&code=ok").as_bytes());
        let mut r = f.reader();
        assert_eq!(r.text("name", Len::Line), long);
        assert_eq!(r.text("code", Len::Code), "ok");
        let errors = r.finish();
        assert_eq!(
            errors.get("name"),
            Some("Keep this to 300 characters or fewer (it has 301).")
        );
        assert_eq!(errors.get("code"), None);
    }

    #[test]
    fn a_value_at_its_length_is_accepted_counting_characters_not_bytes() {
        let at_max = "é".repeat(Len::Line.max());
        let f = FormBody::parse(format!("name={at_max}").as_bytes());
        let mut r = f.reader();
        r.text("name", Len::Line);
        assert!(r.finish().is_empty());
    }

    #[test]
    fn every_value_of_a_group_is_measured() {
        let long = "9".repeat(101);
        let f = FormBody::parse(format!("cast=1&cast={long}").as_bytes());
        let mut r = f.reader();
        assert_eq!(r.all("cast", Len::Code).len(), 2);
        assert!(r.finish().get("cast").is_some());
    }

    #[test]
    fn passwords_are_kept_as_typed_but_capped() {
        let f = FormBody::parse(b"password=+secret+with+spaces+");
        let mut r = f.reader();
        assert_eq!(r.password("password"), " secret with spaces ");
        assert!(r.finish().is_empty());
        let huge = "p".repeat(PASSWORD_MAX + 1);
        let f = FormBody::parse(format!("password={huge}").as_bytes());
        let mut r = f.reader();
        assert_eq!(r.password("password").chars().count(), PASSWORD_MAX);
        assert_eq!(
            r.finish().get("password"),
            Some("Keep the password to 1,000 characters or fewer.")
        );
    }

    #[test]
    fn fields_named_at_run_time_get_their_own_message() {
        let long = "x".repeat(Len::Paragraph.max() + 1);
        let f = FormBody::parse(format!("note_7={long}").as_bytes());
        let mut r = f.reader();
        r.text(format!("note_{}", 7), Len::Paragraph);
        assert!(r.finish().get("note_7").is_some());
    }

    #[test]
    fn counts_read_with_the_readers_thousands_separators() {
        let long = "x".repeat(20_001);
        let note = |lang: Lang| Len::Long.refusal(lang, long.chars().count()).unwrap();
        assert_eq!(
            note(Lang::source()),
            "Keep this to 20,000 characters or fewer (it has 20,001)."
        );
        assert_eq!(
            note(Lang::parse("es").unwrap()),
            "No supere los 20.000 caracteres (tiene 20.001)."
        );
        assert_eq!(Len::Code.refusal(Lang::source(), 5), None);
    }
}
