//! While the database is unreachable every page answers a plain 503 "Back in a moment", never a
//! 500: at once while the supervisor knows the private cluster is down, and in place of any
//! 500 that an outage began during, or that a quick look finds was the database's fault (the session layers answer 500 on their
//! own when they cannot read or save a session).

use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use sqlx::PgPool;

use crate::db::Health;
use crate::error::unavailable_page;

/// How long the look at the database after a 500 may take: a pooled connection answering, or
/// a new one being made, takes milliseconds when the database is there.
const LOOK: Duration = Duration::from_millis(500);

#[derive(Clone)]
struct Watch {
    pool: PgPool,
    health: Health,
}

/// `app` with the outage answer around everything, and `health` available to the health checks.
pub fn guard(app: Router, pool: PgPool, health: Health) -> Router {
    app.layer(middleware::from_fn_with_state(
        Watch {
            pool,
            health: health.clone(),
        },
        answer_outages,
    ))
    .layer(axum::Extension(health))
}

async fn answer_outages(State(watch): State<Watch>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // Health checks say for themselves; static files need no database.
    let exempt = path == "/healthz" || path == "/readyz" || path.starts_with("/static/");
    if exempt {
        return next.run(request).await;
    }
    if watch.health.is_down() {
        return with_page_headers(unavailable_page());
    }
    let outages = watch.health.outages();
    let response = next.run(request).await;
    // A request caught by a short outage can fail after the database is already back (a
    // session save waiting out the pool): an outage began while it ran, so it was the cause.
    let outage_during = watch.health.outages() != outages;
    if response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && (outage_during || watch.unreachable().await)
    {
        // The 500's headers (set by the layers inside: security headers, request id) stay.
        let (mut parts, _) = response.into_parts();
        let (page, body) = unavailable_page().into_parts();
        parts.status = page.status;
        parts.headers.extend(page.headers);
        return Response::from_parts(parts, body);
    }
    response
}

/// The headers every page gets from the layers inside, for a page answered before them: this
/// page loads nothing but the stylesheet.
fn with_page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; frame-ancestors 'none'",
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

impl Watch {
    async fn unreachable(&self) -> bool {
        if self.health.is_down() {
            return true;
        }
        !matches!(
            tokio::time::timeout(LOOK, self.pool.acquire()).await,
            Ok(Ok(_))
        )
    }
}
