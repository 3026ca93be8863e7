//! The one error type handlers return, and how each kind is answered.
//! Internal errors are logged with context and shown as a plain 500 page. Error pages are
//! written from messages, in the reader's language (`in_language`).

use askama::Template;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::i18n::{Lang, LangSlot};

/// What can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, or not yours to know about: both answer 404 so existence never leaks.
    #[error("not found")]
    NotFound,
    /// A state change that failed the cross-site request check.
    #[error("forbidden")]
    Forbidden,
    /// A request body larger than any form of ours.
    #[error("payload too large")]
    PayloadTooLarge,
    /// A form holding characters no text of ours can hold (a NUL byte, another control
    /// character): refused before anything reads it, so the database never sees them.
    #[error("unreadable form")]
    UnreadableForm,
    /// Not signed in: go to the sign-in page and come back.
    #[error("sign-in required")]
    SignInRequired { next: String },
    /// A production requires a second factor of this member, who has none yet: set one up.
    #[error("second factor required")]
    SecondFactorRequired,
    /// Any database error but an outage (see `From<sqlx::Error>`).
    #[error(transparent)]
    Database(sqlx::Error),
    #[error(transparent)]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
    /// The database cannot be reached right now (refused, closed, or no connection within the
    /// pool's timeout): a 503 "Back in a moment", not a 500.
    #[error("database unavailable: {0}")]
    Unavailable(sqlx::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if is_outage(&err) {
            AppError::Unavailable(err)
        } else {
            AppError::Database(err)
        }
    }
}

/// Whether the error means the database is out of reach, rather than that it refused this
/// request: no connection in time, the connection failed or closed, or the server is shutting
/// down, starting up or crashed (SQLSTATE classes 08 and 57P).
pub fn is_outage(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

/// The plain page for a database outage, with when to try again.
pub fn unavailable_page() -> Response {
    let mut response = keyed_page(StatusCode::SERVICE_UNAVAILABLE, "error-unavailable");
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("5"),
    );
    response
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    lang: Lang,
    status: u16,
    title: &'a str,
    message: &'a str,
}

fn render(lang: Lang, status: StatusCode, title: &str, message: &str) -> String {
    let page = ErrorPage {
        lang,
        status: status.as_u16(),
        title,
        message,
    };
    page.render()
        .unwrap_or_else(|_| format!("{} {title}", status.as_u16()))
}

/// A plain page for an error status, without the layout (which needs a session), in English.
/// Pages of ours use `keyed_page`, which `in_language` turns into the reader's language.
pub fn error_page(status: StatusCode, title: &'static str, message: &'static str) -> Response {
    (status, Html(render(Lang::source(), status, title, message))).into_response()
}

/// Which messages an error page was written from (`key` and `key-title`), so that
/// `in_language` can write it again in the request's language.
#[derive(Clone, Copy)]
struct ErrorKey(&'static str);

/// The error page of messages `key` (the text) and `key-title` (its heading): written in English
/// here, where the request is not known, and again by `in_language` in the request's language.
pub fn keyed_page(status: StatusCode, key: &'static str) -> Response {
    let mut response = (status, Html(page_in(Lang::source(), status, key))).into_response();
    response.extensions_mut().insert(ErrorKey(key));
    response
}

fn page_in(lang: Lang, status: StatusCode, key: &str) -> String {
    render(lang, status, &lang.t(&format!("{key}-title")), &lang.t(key))
}

/// Answers an error page in the request's language: the one its page context settled on (the
/// person's choice), else the browser's. The handler fills the slot when it reads `Ctx`.
pub async fn in_language(mut request: Request, next: Next) -> Response {
    let slot = LangSlot::default();
    // Kept as sent and negotiated only for an error page: most responses need none of it.
    let browser = request
        .headers()
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .cloned();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    if let Some(ErrorKey(key)) = response.extensions().get::<ErrorKey>().copied() {
        let browser = || {
            browser
                .as_ref()
                .and_then(|v| v.to_str().ok())
                .and_then(crate::i18n::accepted)
        };
        let lang = slot.get().or_else(browser).unwrap_or_default();
        if lang != Lang::source() {
            let status = response.status();
            *response.body_mut() = axum::body::Body::from(page_in(lang, status, key));
            response
                .headers_mut()
                .remove(axum::http::header::CONTENT_LENGTH);
        }
    }
    response
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound | AppError::Database(sqlx::Error::RowNotFound) => {
                keyed_page(StatusCode::NOT_FOUND, "error-not-found")
            }
            AppError::Forbidden => keyed_page(StatusCode::FORBIDDEN, "error-forbidden"),
            AppError::UnreadableForm => {
                keyed_page(StatusCode::UNPROCESSABLE_ENTITY, "error-unreadable")
            }
            AppError::PayloadTooLarge => {
                keyed_page(StatusCode::PAYLOAD_TOO_LARGE, "error-too-large")
            }
            AppError::SignInRequired { next } => {
                let target = if next == "/" || next.is_empty() {
                    "/signin".to_string()
                } else {
                    format!("/signin?next={}", urlencode(&next))
                };
                Redirect::to(&target).into_response()
            }
            AppError::SecondFactorRequired => {
                Redirect::to("/account/two-step?required").into_response()
            }
            AppError::Database(err) => internal(&err),
            AppError::Template(err) => internal(&err),
            AppError::Other(err)
                if err
                    .chain()
                    .any(|cause| cause.downcast_ref::<sqlx::Error>().is_some_and(is_outage)) =>
            {
                outage(&*err)
            }
            AppError::Other(err) => internal(&*err),
            AppError::Unavailable(err) => outage(&err),
        }
    }
}

fn internal(err: &dyn std::error::Error) -> Response {
    tracing::error!(error = %err, "request failed");
    keyed_page(StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
}

fn outage(err: &dyn std::error::Error) -> Response {
    tracing::warn!(error = %err, "database unavailable");
    unavailable_page()
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Whether the error is the database refusing the named constraint.
pub fn is_violation(err: &sqlx::Error, constraint: &str) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.constraint() == Some(constraint))
}

/// The database refused a named constraint: a form shows it as a message beside the field,
/// instead of asking `select exists` before every insert.
#[derive(Debug, PartialEq, Eq)]
pub struct Violated;

/// `query.await.on_constraint("scene_number_key")?` is `Ok(row)`, `Err(Violated)` when that
/// constraint refused the write, and any other database error as it was.
pub trait OnConstraint<T> {
    fn on_constraint(self, constraint: &str) -> Result<Result<T, Violated>>;
}

impl<T> OnConstraint<T> for std::result::Result<T, sqlx::Error> {
    fn on_constraint(self, constraint: &str) -> Result<Result<T, Violated>> {
        match self {
            Ok(value) => Ok(Ok(value)),
            Err(err) if is_violation(&err, constraint) => Ok(Err(Violated)),
            Err(err) => Err(err.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_of(err: sqlx::Error) -> (StatusCode, bool) {
        let response = AppError::from(err).into_response();
        (
            response.status(),
            response
                .headers()
                .contains_key(axum::http::header::RETRY_AFTER),
        )
    }

    #[test]
    fn an_unreachable_database_is_503_with_retry_after_and_anything_else_is_not() {
        for outage in [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
            sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        ] {
            assert_eq!(status_of(outage), (StatusCode::SERVICE_UNAVAILABLE, true));
        }
        assert_eq!(
            status_of(sqlx::Error::RowNotFound),
            (StatusCode::NOT_FOUND, false)
        );
        assert_eq!(
            status_of(sqlx::Error::ColumnNotFound("x".into())),
            (StatusCode::INTERNAL_SERVER_ERROR, false)
        );
        let wrapped = anyhow::Error::new(sqlx::Error::PoolTimedOut).context("loading the page");
        assert_eq!(
            AppError::Other(wrapped).into_response().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
