//! One-time submission keys: a form that changes something carries a key made when the page was
//! drawn, and a second submission of the same key to the same address (a double tap, a slow
//! connection retried, the back button) is answered with the first one's result instead of
//! doing the work again — no second draft, no second budget line, no second ledger entry.
//!
//! The key is claimed before the handler runs, in one insert, so two copies sent at once cannot
//! both go through: the second waits for the first's answer. Only an answer that did the work (a
//! redirect) is remembered; a refused form (422) frees its key, so the corrected form, which
//! carries the same page's key only if the browser kept it, can still be sent.

use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use rand::RngCore;
use sqlx::PgPool;
use tower_sessions::Session;

use crate::error::{AppError, keyed_page};
use crate::web::{Flash, upload};

/// The hidden form field that carries the key.
pub const FIELD: &str = "once";
/// The largest body read here; the CSRF guard before this has already refused larger ones.
const MAX_FORM_BYTES: usize = 1024 * 1024;
/// How long a second copy waits for the first to finish before it is told to look again.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

/// A fresh key for the forms of one page.
pub fn new_key() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What became of a claimed key.
enum Claim {
    /// Ours: run the handler.
    First,
    /// Done before: answer with where the first submission led.
    Done(String),
    /// Another copy is still running (or stopped without an answer worth repeating).
    Pending,
}

/// Runs a form submission at most once per key and address (see the module comment).
pub async fn guard(
    State(pool): State<PgPool>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    let (parts, body) = request.into_parts();
    let multipart = upload::boundary(&parts.headers);
    let limit = if multipart.is_some() {
        upload::MAX_UPLOAD_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let bytes = match to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let key = match &multipart {
        Some(boundary) => upload::parse(bytes.clone(), boundary)
            .await
            .ok()
            .and_then(|u| u.form.first(FIELD).map(str::to_string)),
        None => form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned()),
    }
    .filter(|key| is_key(key));
    let request = Request::from_parts(parts, Body::from(bytes));
    let Some(key) = key else {
        return next.run(request).await;
    };

    match claim(&pool, &key, &path).await {
        Ok(Claim::First) => {}
        Ok(Claim::Done(location)) => return repeat(&session, &location).await,
        Ok(Claim::Pending) => return still_running(),
        Err(err) => return AppError::from(err).into_response(),
    }
    let response = next.run(request).await;
    let location = response
        .status()
        .is_redirection()
        .then(|| response.headers().get(header::LOCATION))
        .flatten()
        .and_then(|l| l.to_str().ok())
        // A redirect to sign in did nothing: after signing in, the same form must go through.
        .filter(|l| !l.starts_with("/signin"))
        .map(str::to_string);
    let settled = match location {
        Some(location) => remember(&pool, &key, &path, &location).await,
        None => release(&pool, &key, &path).await,
    };
    if let Err(err) = settled {
        // The work is done and answered; a key left pending only makes a later copy wait and
        // then be told to look again, which is the safe side.
        tracing::warn!(error = %err, "could not settle a form's one-time key");
    }
    response
}

/// Keys are our own hex; anything else is ignored (the form goes through unguarded, as before).
fn is_key(key: &str) -> bool {
    key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn claim(pool: &PgPool, key: &str, path: &str) -> sqlx::Result<Claim> {
    let claimed = sqlx::query(
        "insert into form_submission (once_key, path) values ($1, $2) on conflict do nothing",
    )
    .bind(key)
    .bind(path)
    .execute(pool)
    .await?
    .rows_affected()
        == 1;
    if claimed {
        return Ok(Claim::First);
    }
    let deadline = tokio::time::Instant::now() + WAIT_FOR_FIRST;
    loop {
        let row: Option<Option<String>> = sqlx::query_scalar(
            "select location from form_submission where once_key = $1 and path = $2",
        )
        .bind(key)
        .bind(path)
        .fetch_optional(pool)
        .await?;
        match row {
            Some(Some(location)) => return Ok(Claim::Done(location)),
            // The first copy was refused and freed the key: this copy may try in its place.
            None => return Box::pin(claim(pool, key, path)).await,
            Some(None) if tokio::time::Instant::now() >= deadline => return Ok(Claim::Pending),
            Some(None) => tokio::time::sleep(POLL).await,
        }
    }
}

async fn remember(pool: &PgPool, key: &str, path: &str, location: &str) -> sqlx::Result<()> {
    sqlx::query("update form_submission set location = $3 where once_key = $1 and path = $2")
        .bind(key)
        .bind(path)
        .bind(location)
        .execute(pool)
        .await
        .map(drop)
}

async fn release(pool: &PgPool, key: &str, path: &str) -> sqlx::Result<()> {
    sqlx::query("delete from form_submission where once_key = $1 and path = $2")
        .bind(key)
        .bind(path)
        .execute(pool)
        .await
        .map(drop)
}

async fn repeat(session: &Session, location: &str) -> Response {
    // Only our own redirects were remembered, so the location is a path on this site.
    if let Err(err) = Flash::info(
        session,
        "This form had already been sent; it was saved once and nothing was done twice.",
    )
    .await
    {
        return err.into_response();
    }
    Redirect::to(location).into_response()
}

fn still_running() -> Response {
    let mut response = keyed_page(StatusCode::CONFLICT, "error-still-saving");
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
    response
}

/// Forgets keys after a day: by then no browser is retrying the form.
pub async fn forget_old(pool: &PgPool) -> sqlx::Result<()> {
    sqlx::query("delete from form_submission where created_at < now() - interval '1 day'")
        .execute(pool)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_fresh_hex_of_the_expected_length() {
        let (a, b) = (new_key(), new_key());
        assert!(is_key(&a) && is_key(&b));
        assert_ne!(a, b);
        assert!(!is_key("not-a-key"));
        assert!(!is_key(&"g".repeat(32)));
    }
}
