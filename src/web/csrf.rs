//! Cross-site request forgery protection for every state-changing request.
//! Two independent checks: the browser's origin signals (tower-http's `CsrfLayer`, see
//! `origin_layer`), and a per-session form token checked here, for browsers that send neither.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use tower_sessions::Session;

use crate::error::{AppError, Result};
use crate::web::session_err;

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
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::Forbidden)?;
    let offered = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned());
    match (expected, offered) {
        (Some(expected), Some(offered))
            if constant_time_eq(expected.as_bytes(), offered.as_bytes()) =>
        {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(AppError::Forbidden),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuses requests whose `Origin` or `Sec-Fetch-Site` says they come from another site.
pub fn origin_layer(
    base_url: &str,
) -> anyhow::Result<
    tower_http::csrf::CsrfLayer<
        impl tower_http::csrf::ResponseForProtectionError<axum::body::Body> + use<>,
    >,
> {
    let layer = tower_http::csrf::CsrfLayer::new()
        .add_trusted_origin(base_url)
        .map_err(|e| anyhow::anyhow!("CLOSEDSET_BASE_URL is not an origin: {e:?}"))?;
    Ok(layer.with_rejection_response(|_| AppError::Forbidden.into_response()))
}
