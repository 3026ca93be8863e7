//! Closed Set: plans and protects intimate scenes across a film or TV production.
//! `app` builds the whole web application from its state; `main` and the tests both use it.
//!
//! # Floor plan
//!
//! The modules stand in layers, from the ground up. A module may use what stands on its own
//! layer or below, never above, and no two modules may use each other in a circle;
//! `tests/api/layers.rs` reads `src/` and fails, naming file and line, on any `crate::` path
//! that breaks this. This list is what that test reads: one layer a line, in order.
//!
//! layer: i18n
//! layer: error config db clock csv vault audit
//! layer: vocab
//! layer: rules access script
//! layer: ledger
//! layer: web
//! layer: auth
//! layer: accounts
//! layer: notifications live
//! layer: productions
//! layer: cast
//! layer: scenes
//! layer: schedule
//! layer: consent
//! layer: onset concerns budget choreography
//! layer: privacy
//! layer: pages
//! layer: demo commands
//!
//! - `i18n`, the languages and their messages, below everything that shows a word;
//! - foundation: errors, configuration, the database (and the live-notice hub), time and the
//!   production's zone, CSV writing;
//! - `vocab`, the typed vocabulary of consent; `rules`, the rules of DOMAIN §5 as pure
//!   functions over it; `access`, who may do what (DOMAIN §4) as one table; `ledger`, the
//!   append-only consent log every consent write goes through;
//! - `web`: the state handlers receive, the layout context, forms, form errors, CSRF, rendering;
//! - `auth`: who is signed in; `accounts`: the sign-in, account and invitation pages;
//! - notices in the app, by e-mail and live; productions and the `Member` gate;
//! - the areas of a production: cast, scenes, schedule, consent; on set, concerns, budget;
//! - `pages`: screens that combine several areas; `demo`: all seeding; `commands`: the
//!   command line's ledger and receipt commands.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod budget;
pub mod cast;
pub mod choreography;
pub mod clock;
pub mod commands;
pub mod concerns;
pub mod config;
pub mod consent;
pub mod csv;
pub mod db;
pub mod demo;
pub mod error;
pub mod i18n;
pub mod ledger;
pub mod live;
pub mod notifications;
pub mod onset;
pub mod pages;
pub mod privacy;
pub mod productions;
pub mod rules;
pub mod scenes;
pub mod schedule;
pub mod script;
pub mod vault;
pub mod vocab;
pub mod web;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::MatchedPath;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use config::Config;
pub use web::AppState;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'; object-src 'none'";

/// How long browsers may keep a static file before asking again.
const STATIC_CACHE_CONTROL: &str = "public, max-age=3600";

/// Request ids: a per-process random prefix and a counter, cheap and unique enough to
/// follow one request through the logs.
#[derive(Clone)]
struct MakeId {
    prefix: Arc<str>,
    counter: Arc<AtomicU64>,
}

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

async fn not_found() -> Response {
    error::AppError::NotFound.into_response()
}

/// A page path nothing answers. Reading the page context settles the reader's own language for
/// the error page (see `error::in_language`); a context that cannot be read changes nothing.
async fn page_not_found(_ctx: Result<web::Ctx, error::AppError>) -> Response {
    not_found().await
}

async fn method_not_allowed() -> Response {
    error::keyed_page(StatusCode::METHOD_NOT_ALLOWED, "error-method")
}

/// Builds the application: every area's routes, sessions, sign-in, CSRF checks,
/// security headers, request ids and tracing. Also starts, once per state, the listener that
/// carries notices live to open pages (and the e-mail sender when SMTP is configured).
pub fn app(state: AppState) -> anyhow::Result<Router> {
    live::start(&state);
    let config = state.config.clone();
    let session_layer =
        SessionManagerLayer::new(auth::session_store::RetryingStore::new(state.pool.clone()))
            .with_name(if config.secure_cookies() {
                "__Host-closedset"
            } else {
                "closedset"
            })
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(config.secure_cookies())
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(config.session_idle));

    let request_id = HeaderName::from_static("x-request-id");
    let make_id = MakeId {
        prefix: auth::new_token()[..8].into(),
        counter: Arc::new(AtomicU64::new(1)),
    };
    let static_dir = std::env::var("CLOSEDSET_STATIC_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/static").to_string());

    // Pages: sessions, sign-in and CSRF checks.
    let pages = Router::new()
        .merge(pages::router())
        .merge(accounts::router())
        .merge(productions::router())
        .merge(cast::router())
        .merge(scenes::router())
        .merge(schedule::router())
        .merge(consent::router())
        .merge(notifications::router())
        .merge(live::router())
        .merge(concerns::router())
        .merge(budget::router())
        .merge(onset::router())
        .merge(choreography::router())
        .merge(privacy::router())
        .fallback(page_not_found)
        // Inside the CSRF guard: only a genuine form's key is claimed.
        .layer(middleware::from_fn_with_state(
            state.pool.clone(),
            web::once::guard,
        ))
        .layer(middleware::from_fn(web::csrf::guard))
        .layer(session_layer)
        .layer(middleware::from_fn_with_state(
            web::csrf::Origin::of_base_url(&config.base_url)?,
            web::csrf::same_origin,
        ));

    // Static files and health checks need no session: outside those layers they run no SQL
    // (a session cookie would otherwise cost a session and a user read per file). Static files
    // may be cached; ServeDir answers revalidations from their ETag and Last-Modified.
    let static_files = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            |response: &axum::http::Response<_>| {
                let status = response.status();
                (status.is_success() || status == StatusCode::NOT_MODIFIED)
                    .then(|| HeaderValue::from_static(STATIC_CACHE_CONTROL))
            },
        ))
        .service(
            // A missing file or another method gets our own 404 page, not an empty body.
            ServeDir::new(static_dir)
                .call_fallback_on_method_not_allowed(true)
                .not_found_service(axum::handler::HandlerWithoutStateExt::into_service(
                    not_found,
                )),
        );
    let open = web::open_router().nest_service("/static", static_files);

    // HSTS only when people reach us over https: over plain http the header is ignored, and
    // sent from a development server it would pin the browser to https for that host.
    let hsts = config
        .strict_transport()
        .then(|| HeaderValue::from_static("max-age=31536000"));
    let router = open
        .merge(pages)
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::http::Response<_>| hsts.clone(),
        ))
        // Before anything reads the client's address: from a trusted proxy, its headers.
        .layer(middleware::from_fn_with_state(
            Arc::new(config.trusted_proxies.clone()),
            web::client::resolve,
        ))
        // After every route is in: a known path asked with another method gets the page too.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(web::ids::refuse_nul))
        // Outside everything that may answer with an error page, so each is in the reader's
        // language.
        .layer(middleware::from_fn(error::in_language))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Invitation and calendar links carry secrets in their paths: never send them on.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                // The route pattern, not the path: paths can hold invitation tokens.
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "unmatched".into());
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %request.method(), route, id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, make_id))
        .with_state(state);
    Ok(router)
}
