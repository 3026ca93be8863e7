//! Reading a submitted form, the one way every handler does: `FormBody` is an extractor over the
//! urlencoded body that never refuses (a missing field reads as empty, a repeated key keeps
//! every value), so a bad submission always gets the form back with a message beside the field,
//! never an extractor's plain-text error. Each form's struct reads itself from it
//! (`SceneForm::read(&body)`), then parses into domain types.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};

use crate::error::AppError;

/// A urlencoded form body that may repeat keys (checkbox groups), which `Form` cannot take.
#[derive(Debug, Default)]
pub struct FormBody(Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::Other(anyhow::anyhow!("reading a form: {rejection}"))
            }
        })?;
        let body = FormBody::parse(&bytes);
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
        )
    }

    /// Whether any name or value holds a character no field keeps (see `unstorable`).
    pub fn has_unstorable_text(&self) -> bool {
        self.0
            .iter()
            .any(|(k, v)| k.chars().chain(v.chars()).any(unstorable))
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
        assert_eq!(f.all("kinds"), ["kiss", "nudity"]);
        assert_eq!(f.get("garments"), "a b");
        assert!(!f.has("stills_allowed"));
    }
}
