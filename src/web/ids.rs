//! What a request names outside its form: ids and tokens in the route's path, and the query
//! string. Only the canonical spelling is served (`7`, never `+7`, `07`, `7.0` or `%2B7`), and
//! anything else is the normal 404 page, never an extractor's plain-text 400 echoing the value.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A positive decimal id as we write it: digits only, no sign, no leading zero, and it fits.
pub fn canonical_id<T: std::str::FromStr>(text: &str) -> Option<T> {
    let canonical =
        !text.is_empty() && !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit());
    canonical.then(|| text.parse().ok()).flatten()
}

/// One path segment read as a value of the route.
pub trait PathValue: Sized {
    fn from_segment(text: &str) -> Option<Self>;
}

impl PathValue for i64 {
    fn from_segment(text: &str) -> Option<Self> {
        canonical_id(text)
    }
}

impl PathValue for i32 {
    fn from_segment(text: &str) -> Option<Self> {
        canonical_id(text)
    }
}

/// The route's path values, in the order the route names them.
pub trait PathValues: Sized {
    fn from_segments(values: &[&str]) -> Option<Self>;
}

macro_rules! path_values {
    ($($name:ident),+) => {
        impl<$($name: PathValue),+> PathValues for ($($name,)+) {
            fn from_segments(values: &[&str]) -> Option<Self> {
                #[allow(non_snake_case)]
                let [$($name),+] = values else { return None };
                Some(($($name::from_segment($name)?,)+))
            }
        }
    };
}

path_values!(A);
path_values!(A, B);
path_values!(A, B, C);
path_values!(A, B, C, D);

/// The ids in the route's path (`Ids((_, scene_id)): Ids<(i64, i64)>`): every one canonical,
/// or the request is answered with the 404 page.
pub struct Ids<T>(pub T);

impl<S: Send + Sync, T: PathValues> FromRequestParts<S> for Ids<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let values: Vec<&str> = params.iter().map(|(_, value)| value).collect();
        T::from_segments(&values).map(Ids).ok_or(AppError::NotFound)
    }
}

/// A secret token in the path (`/invitations/{token}`, `/calendar/{token}`): the 64 lower-case
/// hex digits `auth::new_token` makes, or the 404 page.
pub struct PathToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        params
            .iter()
            .find(|(key, _)| *key == "token")
            .map(|(_, value)| value)
            .filter(|token| is_token(token))
            .map(|token| PathToken(token.to_string()))
            .ok_or(AppError::NotFound)
    }
}

fn is_token(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The query string read leniently into `T` (whose fields are strings or options of them): a
/// repeated key keeps its first value and an unknown key is ignored, so a hand-edited link
/// never gets `Query`'s plain-text 400. Anything `T` still cannot take is the 404 page.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let mut first: HashMap<String, serde_json::Value> = HashMap::new();
        for (key, value) in form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()) {
            first
                .entry(key.into_owned())
                .or_insert_with(|| value.into_owned().into());
        }
        serde_json::from_value(serde_json::Value::Object(first.into_iter().collect()))
            .map(Params)
            .map_err(|_| AppError::NotFound)
    }
}

/// Refuses (422, the unreadable-text page) a request whose path or query holds a NUL byte,
/// raw or percent-encoded: no id, token or query value of ours holds one, PostgreSQL refuses it
/// in text, and it must never reach a log line. (Other control characters are left to what
/// reads the value: a tab in `next` is refused by the sign-in page itself.)
pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let uri = request.uri();
    if holds_nul(uri.path()) || holds_nul(uri.query().unwrap_or("")) {
        return AppError::UnreadableForm.into_response();
    }
    next.run(request).await
}

fn holds_nul(text: &str) -> bool {
    text.contains('\0') || text.as_bytes().windows(3).any(|w| w == b"%00")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_positive_ids_are_read() {
        assert_eq!(canonical_id::<i64>("1"), Some(1));
        assert_eq!(canonical_id::<i64>("9223372036854775807"), Some(i64::MAX));
        for text in [
            "", "0", "01", "+1", "-1", " 1", "1 ", "1.0", "abc", "..", "1e3", "١",
        ] {
            assert_eq!(canonical_id::<i64>(text), None, "{text:?}");
        }
        assert_eq!(canonical_id::<i64>("9223372036854775808"), None);
        assert_eq!(canonical_id::<i32>("2147483648"), None);
    }

    #[test]
    fn a_route_reads_exactly_its_own_number_of_ids() {
        assert_eq!(<(i64, i32)>::from_segments(&["4", "2"]), Some((4, 2)));
        assert_eq!(<(i64, i64)>::from_segments(&["4"]), None);
        assert_eq!(<(i64, i64)>::from_segments(&["4", "02"]), None);
        assert_eq!(<(i64,)>::from_segments(&["4", "2"]), None);
    }

    #[test]
    fn tokens_are_lower_case_hex_of_one_length() {
        assert!(is_token(&"a1".repeat(32)));
        assert!(!is_token(&"A1".repeat(32)));
        assert!(!is_token(&"a1".repeat(31)));
        assert!(!is_token(&format!("{}..", "a1".repeat(31))));
    }

    #[test]
    fn a_nul_is_found_raw_or_encoded() {
        assert!(holds_nul("/scenes/%00"));
        assert!(holds_nul("next=a%00"));
        assert!(!holds_nul("/productions/1/scenes/2"));
        assert!(!holds_nul("next=%2Fproductions%2F100&x=%C3%A9%0A"));
    }
}
