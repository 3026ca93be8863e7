//! What every page shares: the state handlers receive, the layout context, flash messages,
//! reading forms, form errors, CSRF checks, rendering and health checks.

pub mod cache;
pub mod client;
pub mod csrf;
pub mod form;
pub mod ids;
pub mod once;
pub mod outage;
pub mod pager;
mod state;
pub mod upload;

use std::borrow::Cow;
use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::db::Health;
use crate::error::{AppError, Result};
use crate::i18n::{Arg, Lang};
pub use client::{ClientAddr, Device};
pub use csrf::rotate_csrf;
pub use form::{FormBody, Len};
pub use state::AppState;

/// Renders a template as a 200 page.
pub fn render<T: Template>(page: &T) -> Result<Response> {
    Ok(Html(page.render()?).into_response())
}

/// Renders a form page: 200, or 422 when the form was refused (its messages beside the fields,
/// what was typed kept).
pub fn render_form<T: Template>(page: &T, refused: bool) -> Result<Response> {
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_with_status(status, page)
}

/// Renders a template with another status, e.g. 422 for a form with errors.
pub fn render_with_status<T: Template>(status: StatusCode, page: &T) -> Result<Response> {
    Ok((status, Html(page.render()?)).into_response())
}

/// Messages shown beside form fields, by field name. A name is usually a literal; fields a page
/// repeats (one note per performer) have names made at run time.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<Cow<'static, str>, String>);

impl FieldErrors {
    /// Adds the message for `field`, unless it already has one: the first problem found is the
    /// one to fix first (a field too long is reported before what its text says).
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Field name and message pairs, for the summary at the top of a form.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &String)> {
        self.0
            .iter()
            .map(|(field, message)| (field.as_ref(), message))
    }
}

/// A one-time message shown on the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: String,
    pub text: String,
}

const FLASH_KEY: &str = "flash";

impl Flash {
    pub async fn success(session: &Session, text: impl Into<String>) -> Result<()> {
        Self::push(session, "success", text.into()).await
    }
    pub async fn info(session: &Session, text: impl Into<String>) -> Result<()> {
        Self::push(session, "info", text.into()).await
    }
    async fn push(session: &Session, kind: &str, text: String) -> Result<()> {
        let mut all: Vec<Flash> = session
            .get(FLASH_KEY)
            .await
            .map_err(session_err)?
            .unwrap_or_default();
        all.push(Flash {
            kind: kind.into(),
            text,
        });
        session.insert(FLASH_KEY, all).await.map_err(session_err)
    }
}

pub fn session_err(e: tower_sessions::session::Error) -> AppError {
    AppError::Other(anyhow::anyhow!("session: {e}"))
}

/// Who is signed in, as the layout shows them.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
}

/// What the layout needs on every page: who is signed in, the CSRF token, messages and the
/// language. Handlers take it as an extractor; `auth` reads the signed-in person for it.
pub struct Ctx {
    /// The language this page is written in (see `crate::i18n::negotiate`).
    pub lang: Lang,
    pub user: Option<Viewer>,
    pub csrf: String,
    pub flash: Vec<Flash>,
    /// Unread notifications of the signed-in person, for the header.
    pub unread: i64,
    /// The one-time submission key this page's forms carry (see `once`).
    pub once: String,
}

impl Ctx {
    /// The context from the session: its CSRF token, and the messages it holds for this page.
    pub async fn load(
        session: &Session,
        user: Option<Viewer>,
        unread: i64,
        lang: Lang,
    ) -> Result<Ctx> {
        let csrf = csrf::token(session).await?;
        // Read first and remove only when there is something: a removal marks the session
        // changed, and an unchanged session is not written back on every page view.
        let flash: Vec<Flash> = session
            .get(FLASH_KEY)
            .await
            .map_err(session_err)?
            .unwrap_or_default();
        if !flash.is_empty() {
            session
                .remove::<Vec<Flash>>(FLASH_KEY)
                .await
                .map_err(session_err)?;
        }
        Ok(Ctx {
            lang,
            user,
            csrf,
            flash,
            unread,
            once: once::new_key(),
        })
    }
}

/// Words for templates: `{{ ctx.t("nav-scenes") }}`, `{{ ctx.t1("nav-unread", "count", n) }}`.
impl Ctx {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
    pub fn t1(&self, key: &str, name: &str, value: impl Arg) -> String {
        self.lang.t1(key, name, value)
    }
    pub fn t2(
        &self,
        key: &str,
        name: &str,
        value: impl Arg,
        other_name: &str,
        other_value: impl Arg,
    ) -> String {
        self.lang.t2(key, name, value, other_name, other_value)
    }
    pub fn t_of(&self, family: &str, item: impl std::fmt::Display) -> String {
        self.lang.t_of(family, item)
    }
    /// For `<html lang>`.
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
}

/// Health checks: served outside the session, sign-in and CSRF layers (see `crate::app`).
pub fn open_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// Whether the process is worth keeping: 503 once the supervisor has given up restarting the
/// private database, so that whatever runs the server restarts it.
async fn healthz(health: Option<Extension<Health>>) -> Response {
    match health {
        Some(Extension(health)) if health.gave_up() => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the private database could not be restarted",
        )
            .into_response(),
        _ => (StatusCode::OK, "ok").into_response(),
    }
}

/// Whether requests can be served now: 503 while the database is down or does not answer
/// within half a second. A probe must answer quickly: one waiting out the pool's timeout would
/// say "ready" once a short outage was over, and a balancer would never have seen it.
async fn readyz(State(state): State<AppState>, health: Option<Extension<Health>>) -> Response {
    if health.is_some_and(|Extension(health)| health.is_down()) {
        return (StatusCode::SERVICE_UNAVAILABLE, "database restarting").into_response();
    }
    let ping = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        crate::db::retry_once(&state.pool, || {
            sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.pool)
        }),
    )
    .await;
    match ping {
        Ok(Ok(1)) => (StatusCode::OK, "ready").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

/// Deletes expired sessions, old sign-in failures, old reset requests and old one-time form keys,
/// every ten minutes.
pub async fn housekeeping(pool: sqlx::PgPool) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let result = sqlx::query(
            "with s as (delete from tower_sessions.session where expiry_date < now()),
                  r as (delete from password_reset_request
                        where requested_at < now() - interval '1 day')
             delete from sign_in_failure where failed_at < now() - interval '1 day'",
        )
        .execute(&pool)
        .await;
        let result = match result {
            Ok(_) => once::forget_old(&pool).await,
            Err(err) => Err(err),
        };
        if let Err(err) = result {
            tracing::warn!(error = %err, "housekeeping failed");
        }
    }
}
