//! What every page shares: the layout context, flash messages, form errors, CSRF checks,
//! security headers, health checks and the home page.

pub mod cache;
pub mod csrf;

use std::collections::BTreeMap;
use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::AppState;
use crate::accounts::{AuthSession, CurrentUser, User};
use crate::error::{AppError, Result};
pub use csrf::rotate_csrf;

/// Renders a template as a 200 page.
pub fn render<T: Template>(page: &T) -> Result<Response> {
    Ok(Html(page.render()?).into_response())
}

/// Renders a template with another status, e.g. 422 for a form with errors.
pub fn render_with_status<T: Template>(status: StatusCode, page: &T) -> Result<Response> {
    Ok((status, Html(page.render()?)).into_response())
}

/// Messages shown beside form fields, by field name.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Field name and message pairs, for the summary at the top of a form.
    pub fn iter(&self) -> impl Iterator<Item = (&&'static str, &String)> {
        self.0.iter()
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

/// What the layout needs on every page: who is signed in, the CSRF token and messages.
pub struct Ctx {
    pub user: Option<User>,
    pub csrf: String,
    pub flash: Vec<Flash>,
    /// Unread notifications of the signed-in person, for the header.
    pub unread: i64,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let auth = AuthSession::from_request_parts(parts, state)
            .await
            .map_err(|_| anyhow::anyhow!("auth session layer missing"))?;
        let csrf = csrf::token(&auth.session).await?;
        // Read first and remove only when there is something: a removal marks the session
        // changed, and an unchanged session is not written back on every page view.
        let flash: Vec<Flash> = auth
            .session
            .get(FLASH_KEY)
            .await
            .map_err(session_err)?
            .unwrap_or_default();
        if !flash.is_empty() {
            auth.session
                .remove::<Vec<Flash>>(FLASH_KEY)
                .await
                .map_err(session_err)?;
        }
        let unread = match &auth.user {
            Some(user) => crate::notifications::unread_count(&state.pool, user.user_id).await?,
            None => 0,
        };
        Ok(Ctx {
            user: auth.user,
            csrf,
            flash,
            unread,
        })
    }
}

/// The client's address, for sign-in throttling.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// Health checks: served outside the session, sign-in and CSRF layers (see `crate::app`).
pub fn open_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

#[derive(sqlx::FromRow)]
pub struct MyProduction {
    pub production_id: i64,
    pub title: String,
    pub phase: String,
    pub role: crate::productions::Role,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    productions: Vec<MyProduction>,
    can_create: bool,
}

async fn home(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    mut parts: Parts,
) -> Result<Response> {
    // Redirect before building the page context: its CSRF token would start a session (and
    // write a row) for every anonymous visitor who is only being sent to the sign-in page.
    let Some(CurrentUser(user)) = user else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let ctx = Ctx::from_request_parts(&mut parts, &state).await?;
    let productions: Vec<MyProduction> = sqlx::query_as(
        "select p.production_id, p.title, p.phase, m.role
         from member m join production p using (production_id)
         where m.user_id = $1 order by p.title, p.production_id",
    )
    .bind(user.user_id)
    .fetch_all(&state.pool)
    .await?;
    let can_create = user.is_admin
        || productions
            .iter()
            .any(|p| p.role == crate::productions::Role::Producer);
    render(&HomePage {
        ctx,
        productions,
        can_create,
    })
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    let ping = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.pool),
    )
    .await;
    match ping {
        Ok(Ok(1)) => (StatusCode::OK, "ready").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(user) => Ok(Some(user)),
            Err(AppError::SignInRequired { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Deletes expired sessions and old sign-in failures, every ten minutes.
pub async fn housekeeping(pool: sqlx::PgPool) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let result = sqlx::query(
            "with s as (delete from tower_sessions.session where expiry_date < now())
             delete from sign_in_failure where failed_at < now() - interval '1 day'",
        )
        .execute(&pool)
        .await;
        if let Err(err) = result {
            tracing::warn!(error = %err, "housekeeping failed");
        }
    }
}

/// A date as people read it: "Sat 21 Nov 2026".
pub fn format_date(date: time::Date) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short] [day padding:none] [month repr:short] [year]"
    );
    date.format(&format).unwrap_or_default()
}
