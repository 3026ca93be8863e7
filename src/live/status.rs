//! The `status` events of a person's stream: which of the productions whose status moved they
//! are a member of, told after a short gathering pause so a burst of changes is one event.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::response::sse::Event;
use sqlx::PgPool;

/// How long a stream gathers status changes before telling the page: long enough to fold a
/// write's several commits (a withdrawal, its notices, its pause) into one fetch per page,
/// short enough that a page still changes its words well within two seconds.
pub(super) const GATHER: Duration = Duration::from_millis(250);

/// Resolves when the gathering pause ends; never while nothing is gathered.
pub(super) async fn gathered(until: Option<tokio::time::Instant>) {
    match until {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// One `status` event per production among `productions` that `user_id` is a member of: a
/// non-member learns nothing, not even that a production changed (DOMAIN §4).
pub(super) async fn events(pool: &PgPool, user_id: i64, productions: BTreeSet<i64>) -> Vec<Event> {
    if productions.is_empty() {
        return Vec::new();
    }
    let ids: Vec<i64> = productions.into_iter().collect();
    let member_of: Vec<i64> = match sqlx::query_scalar(
        "select production_id from member where user_id = $1 and production_id = any($2)
         order by production_id",
    )
    .bind(user_id)
    .bind(&ids)
    .fetch_all(pool)
    .await
    {
        Ok(rows) => rows,
        Err(err) => {
            // The page keeps its words until the next change or reconnect; nothing is leaked.
            tracing::warn!(error = %err, "live status membership lookup failed");
            return Vec::new();
        }
    };
    member_of
        .into_iter()
        .map(|production_id| {
            Event::default()
                .event("status")
                .data(format!(r#"{{"production_id":{production_id}}}"#))
        })
        .collect()
}
