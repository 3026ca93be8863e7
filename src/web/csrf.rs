//! Cross-site request forgery protection for every state-changing request.
//! Two independent checks: the browser's origin signals against the configured base URL (see
//! `same_origin`), and a per-session form token (see `guard`), for browsers that send neither.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use tower_sessions::Session;

use crate::error::{AppError, Result};
use crate::web::{session_err, upload};

const CSRF_KEY: &str = "csrf";
/// The hidden form field every POST form carries.
pub const FIELD: &str = "csrf";
/// Forms are small; anything larger is refused before it is parsed.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// The session's CSRF token, created on first use.
pub async fn token(session: &Session) -> Result<String> {
    match session.get::<String>(CSRF_KEY).await.map_err(session_err)? {
        Some(token) => Ok(token),
        None => rotate_csrf(session).await,
    }
}

/// Gives the session a new token (at sign-in) and returns it.
pub async fn rotate_csrf(session: &Session) -> Result<String> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    session
        .insert(CSRF_KEY, &token)
        .await
        .map_err(session_err)?;
    Ok(token)
}

/// Refuses (403) any non-GET request that comes from another site or lacks the form token.
pub async fn guard(session: Session, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    match check(&session, request).await {
        Ok(request) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

async fn check(session: &Session, request: Request) -> Result<Request> {
    let expected: Option<String> = session.get(CSRF_KEY).await.map_err(session_err)?;
    let (parts, body) = request.into_parts();
    let multipart = upload::boundary(&parts.headers);
    let limit = if multipart.is_some() {
        upload::MAX_UPLOAD_BYTES
    } else {
        MAX_FORM_BYTES
    };
    // Too large is said as such (413), whoever sent it; only a body that could be a form
    // goes on to the token check.
    let bytes = to_bytes(body, limit).await.map_err(|err| {
        if err.into_inner().is::<http_body_util::LengthLimitError>() {
            AppError::PayloadTooLarge
        } else {
            AppError::Forbidden
        }
    })?;
    // A file upload carries the token among its text fields; its files are the handler's to
    // judge (a binary file gets the import's own message, not this guard's).
    let (offered, nul) = match &multipart {
        Some(boundary) => match upload::parse(bytes.clone(), boundary).await {
            Ok(upload) => (
                upload.form.first(FIELD).map(str::to_string),
                upload.form.has_unstorable_text(),
            ),
            Err(_) => (None, false),
        },
        None => (
            form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == FIELD)
                .map(|(_, v)| v.into_owned()),
            holds_nul(&bytes),
        ),
    };
    match (expected, offered) {
        (Some(expected), Some(offered))
            if constant_time_eq(expected.as_bytes(), offered.as_bytes()) =>
        {
            if nul {
                return Err(AppError::UnreadableForm);
            }
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(AppError::Forbidden),
    }
}

/// The one field read by hand rather than through `FormBody`: the verify page names a stray
/// character beside it, with the text kept.
const READ_BY_HAND: &str = "receipt";

/// Whether a field holds a NUL: refused (422) here, before any handler, so a button whose
/// handler reads no field refuses it as a form does (`FormBody` refuses the other control
/// characters in the fields it reads).
fn holds_nul(body: &[u8]) -> bool {
    form_urlencoded::parse(body)
        .any(|(k, v)| k.contains('\0') || (k != READ_BY_HAND && v.contains('\0')))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A web origin compared whole: scheme, host and port, with the scheme's default port filled
/// in, so `https://host` and `https://host:443` are the same and `http://host:443` is not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    scheme: &'static str,
    host: String,
    port: u16,
}

impl Origin {
    /// Reads an `Origin` header or a base URL (`scheme://host[:port]`, at most a `/` after it).
    pub fn parse(text: &str) -> Option<Origin> {
        let uri: Uri = text.parse().ok()?;
        let (scheme, default_port) = match uri.scheme_str()? {
            s if s.eq_ignore_ascii_case("http") => ("http", 80),
            s if s.eq_ignore_ascii_case("https") => ("https", 443),
            _ => return None,
        };
        let authority = uri.authority()?;
        let bare = matches!(
            uri.path_and_query().map(|p| p.as_str()),
            None | Some("" | "/")
        );
        if !bare || authority.as_str().contains('@') || authority.host().is_empty() {
            return None;
        }
        Some(Origin {
            scheme,
            host: authority.host().to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(default_port),
        })
    }

    /// The origin of the configured base URL, or why it is not one.
    pub fn of_base_url(base_url: &str) -> anyhow::Result<Origin> {
        Origin::parse(base_url.trim_end_matches('/')).ok_or_else(|| {
            anyhow::anyhow!(
                "CLOSEDSET_BASE_URL {base_url:?} is not an origin (http or https, a host, \
                 an optional port, no path)"
            )
        })
    }
}

/// Whether an unsafe request's origin signals allow it. Each header the browser sent must say
/// "this site": `Sec-Fetch-Site` same-origin (or none, typed by the user), and `Origin` equal to
/// ours in scheme, host and port. A client that sends neither is left to the form token.
pub fn same_origin_signals(
    ours: &Origin,
    origin: Option<&[u8]>,
    sec_fetch_site: Option<&[u8]>,
) -> bool {
    let site_ok = match sec_fetch_site {
        None | Some(b"") => true,
        Some(site) => matches!(site, b"same-origin" | b"none"),
    };
    let origin_ok = match origin {
        // Our pages send `Referrer-Policy: no-referrer`, under which browsers post our own
        // forms with `Origin: null`: it says nothing either way, so `Sec-Fetch-Site` and the
        // form token decide (a cross-site page is still "cross-site" there).
        None | Some(b"") | Some(b"null") => true,
        Some(origin) => std::str::from_utf8(origin)
            .ok()
            .and_then(Origin::parse)
            .is_some_and(|theirs| theirs == *ours),
    };
    site_ok && origin_ok
}

/// Refuses (403) any non-GET request whose `Origin` or `Sec-Fetch-Site` says it comes from
/// another site, including our own host under the other scheme.
pub async fn same_origin(State(ours): State<Origin>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let origin = headers.get("origin").map(|v| v.as_bytes());
    let site = headers.get("sec-fetch-site").map(|v| v.as_bytes());
    if same_origin_signals(&ours, origin, site) {
        next.run(request).await
    } else {
        AppError::Forbidden.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(base: &str) -> Origin {
        Origin::of_base_url(base).unwrap()
    }

    fn allows(base: &str, origin: &str) -> bool {
        same_origin_signals(&ours(base), Some(origin.as_bytes()), None)
    }

    #[test]
    fn a_nul_in_any_field_but_the_receipt_is_refused_before_the_handler() {
        assert!(holds_nul(b"csrf=t&extra=a%00b"));
        assert!(holds_nul(b"csrf=t&a%00=b"));
        assert!(!holds_nul(b"csrf=t&receipt=%7B%7D%00"));
        assert!(!holds_nul(b"csrf=t&notes=line%0Aline%07"));
    }

    #[test]
    fn the_scheme_counts() {
        assert!(allows("http://localhost:3000", "http://localhost:3000"));
        assert!(!allows("http://localhost:3000", "https://localhost:3000"));
        assert!(allows(
            "https://closedset.example",
            "https://closedset.example"
        ));
        assert!(!allows(
            "https://closedset.example",
            "http://closedset.example"
        ));
    }

    #[test]
    fn default_ports_are_filled_in() {
        assert!(allows(
            "https://closedset.example",
            "https://closedset.example:443"
        ));
        assert!(allows(
            "https://closedset.example:443/",
            "https://closedset.example"
        ));
        assert!(allows(
            "http://closedset.example",
            "http://closedset.example:80"
        ));
        // Port 443 is not the default for http: another origin.
        assert!(!allows(
            "https://closedset.example",
            "http://closedset.example:443"
        ));
        assert!(!allows(
            "http://closedset.example",
            "http://closedset.example:8080"
        ));
    }

    #[test]
    fn host_and_port_count_and_hosts_ignore_case() {
        assert!(allows("http://127.0.0.1:3000", "http://127.0.0.1:3000"));
        assert!(!allows("http://127.0.0.1:3000", "http://127.0.0.1:3001"));
        assert!(!allows("http://127.0.0.1:3000", "http://localhost:3000"));
        assert!(allows(
            "https://ClosedSet.example",
            "https://closedset.EXAMPLE"
        ));
        assert!(!allows(
            "https://closedset.example",
            "https://closedset.example.evil"
        ));
    }

    #[test]
    fn a_null_origin_leaves_the_decision_to_fetch_site_and_the_token() {
        let ours = ours("https://closedset.example");
        assert!(same_origin_signals(
            &ours,
            Some(b"null"),
            Some(b"same-origin")
        ));
        assert!(!same_origin_signals(
            &ours,
            Some(b"null"),
            Some(b"cross-site")
        ));
        assert!(same_origin_signals(&ours, Some(b"null"), None));
    }

    #[test]
    fn odd_origins_are_refused() {
        for odd in [
            "closedset.example",
            "ftp://closedset.example",
            "https://closedset.example/path",
            "https://user@closedset.example",
            "https://",
        ] {
            assert!(!allows("https://closedset.example", odd), "{odd}");
        }
    }

    #[test]
    fn fetch_site_must_be_our_own_and_agree_with_origin() {
        let ours = ours("https://closedset.example");
        let right = Some(&b"https://closedset.example"[..]);
        assert!(same_origin_signals(&ours, right, Some(b"same-origin")));
        assert!(same_origin_signals(&ours, None, Some(b"none")));
        assert!(!same_origin_signals(&ours, right, Some(b"cross-site")));
        assert!(!same_origin_signals(&ours, None, Some(b"same-site")));
        let wrong_scheme = Some(&b"http://closedset.example"[..]);
        assert!(!same_origin_signals(
            &ours,
            wrong_scheme,
            Some(b"same-origin")
        ));
        // Neither header: an old browser or not a browser; the form token decides.
        assert!(same_origin_signals(&ours, None, None));
    }

    #[test]
    fn a_base_url_must_be_an_origin() {
        assert!(Origin::of_base_url("https://closedset.example/").is_ok());
        assert!(Origin::of_base_url("closedset.example").is_err());
        assert!(Origin::of_base_url("https://closedset.example/app").is_err());
    }
}
