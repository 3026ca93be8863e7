//! Live delivery of notifications and status changes: PostgreSQL LISTEN/NOTIFY feeds one
//! listener per server process, which fans out to the server-sent event streams of the people
//! signed in to it.

mod status;

use std::collections::{BTreeSet, VecDeque};
use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::Stream;
use serde::Serialize;
use sqlx::PgPool;
use sqlx::postgres::{PgListener, PgPoolOptions};
use tokio::sync::{broadcast, mpsc, watch};

use crate::auth::{CurrentUser, unread_count};
use crate::db::hub::{Announcement, CHANNEL, LiveEvent, LiveHub, STATUS_CHANNEL};
use crate::notifications::mail::{self, MailJob};
use crate::web::AppState;

/// Starts this process's listener (and the e-mail sender when SMTP is configured), once.
/// Called by `closedset::app`; does nothing outside a tokio runtime.
pub fn start(state: &AppState) {
    if tokio::runtime::Handle::try_current().is_err() || !state.live.claim_start() {
        return;
    }
    let mail_jobs = state.config.smtp.clone().map(|relay| {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(mail::worker(
            state.pool.clone(),
            state.config.clone(),
            relay,
            queue,
        ));
        jobs
    });
    tokio::spawn(listen(state.pool.clone(), state.live.clone(), mail_jobs));
}

/// Listens on its own single connection (not one of the request pool's), forever: a lost
/// connection is re-opened with a growing pause, and streams are told to recount after.
async fn listen(pool: PgPool, hub: LiveHub, mail_jobs: Option<mpsc::UnboundedSender<MailJob>>) {
    let own = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with((*pool.connect_options()).clone());
    let mut shutdown = hub.shutdown_signal();
    let mut pause = Duration::from_millis(200);
    loop {
        if *shutdown.borrow() {
            // Hang up before the database is stopped, so nothing waits on this connection.
            own.close().await;
            return;
        }
        match connect(&own).await {
            Ok(mut listener) => {
                pause = Duration::from_millis(200);
                hub.set_listening(true);
                hub.publish(LiveEvent::Resync);
                if let Some(jobs) = &mail_jobs {
                    let _ = jobs.send(MailJob::Sweep);
                }
                loop {
                    let received = tokio::select! {
                        r = listener.try_recv() => r,
                        _ = shutdown.wait_for(|stop| *stop) => break,
                    };
                    match received {
                        Ok(Some(notice)) if notice.channel() == STATUS_CHANNEL => {
                            match notice.payload().parse::<i64>() {
                                Ok(production_id) => {
                                    hub.publish(LiveEvent::Status { production_id })
                                }
                                Err(err) => {
                                    tracing::warn!(error = %err, "unreadable status notice")
                                }
                            }
                        }
                        Ok(Some(notice)) => {
                            match serde_json::from_str::<Announcement>(notice.payload()) {
                                Ok(a) => {
                                    hub.publish(LiveEvent::Notification(a));
                                    if let Some(jobs) = &mail_jobs {
                                        let _ = jobs.send(MailJob::Notification(a.notification_id));
                                    }
                                }
                                Err(err) => tracing::warn!(error = %err, "unreadable live notice"),
                            }
                        }
                        Ok(None) => {
                            // Lost and already re-opened (sqlx reconnects eagerly): anything
                            // in between was missed, so recount and sweep.
                            tracing::warn!("live notices: connection lost and re-opened");
                            hub.publish(LiveEvent::Resync);
                            if let Some(jobs) = &mail_jobs {
                                let _ = jobs.send(MailJob::Sweep);
                            }
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "live notices: listener failed, reconnecting");
                            break;
                        }
                    }
                }
            }
            Err(err) => tracing::warn!(error = %err, "live notices: cannot listen yet"),
        }
        hub.set_listening(false);
        if pool.is_closed() || *shutdown.borrow() {
            own.close().await;
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.wait_for(|stop| *stop) => {}
        }
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

async fn connect(pool: &PgPool) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([CHANNEL, STATUS_CHANNEL]).await?;
    Ok(listener)
}

pub fn router() -> Router<AppState> {
    Router::new().route("/events", get(events))
}

#[derive(sqlx::FromRow, Serialize)]
struct LiveNotice {
    message: String,
    link: String,
    production: String,
    unread: i64,
}

#[derive(Serialize)]
struct Unread {
    unread: i64,
}

struct StreamState {
    pool: PgPool,
    user_id: i64,
    events: broadcast::Receiver<LiveEvent>,
    shutdown: watch::Receiver<bool>,
    first: bool,
    /// Productions whose status moved, gathered for `status::GATHER` so that a burst (a
    /// withdrawal touching several scenes, then its notices) becomes one event per production.
    pending: BTreeSet<i64>,
    gather_until: Option<tokio::time::Instant>,
    /// Events decided and waiting to be sent, one at a time.
    ready: VecDeque<Event>,
}

/// `GET /events`: the signed-in person's new notices as server-sent events. First an `unread`
/// event with the current count (so a reconnect catches up), then a `notification` event per
/// new notice (message, link, production, unread count), and a `status` event
/// (`{"production_id": …}`, nothing else) when something that decides a status word in one of
/// the person's productions changed: open pages then fetch their words from `…/status`.
async fn events(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let start = StreamState {
        pool: state.pool.clone(),
        user_id: user.user_id,
        events: state.live.subscribe(),
        shutdown: state.live.shutdown_signal(),
        first: true,
        pending: BTreeSet::new(),
        gather_until: None,
        ready: VecDeque::new(),
    };
    let stream = futures_util::stream::unfold(start, |mut s| async move {
        if s.first {
            s.first = false;
            let event = unread_event(&s).await?;
            return Some((Ok(event), s));
        }
        loop {
            if let Some(event) = s.ready.pop_front() {
                return Some((Ok(event), s));
            }
            if *s.shutdown.borrow() {
                return None;
            }
            let received = tokio::select! {
                r = s.events.recv() => r,
                _ = s.shutdown.changed() => return None,
                _ = status::gathered(s.gather_until) => {
                    let productions = std::mem::take(&mut s.pending);
                    s.gather_until = None;
                    s.ready.extend(status::events(&s.pool, s.user_id, productions).await);
                    continue;
                }
            };
            match received {
                Ok(LiveEvent::Status { production_id }) => {
                    s.pending.insert(production_id);
                    s.gather_until
                        .get_or_insert_with(|| tokio::time::Instant::now() + status::GATHER);
                    continue;
                }
                Ok(LiveEvent::Notification(a)) if a.user_id == s.user_id => {
                    match notice_event(&s, a.notification_id).await {
                        Ok(Some(event)) => return Some((Ok(event), s)),
                        Ok(None) => continue,
                        Err(err) => {
                            tracing::warn!(error = %err, "live notice lookup failed");
                            continue;
                        }
                    }
                }
                Ok(LiveEvent::Notification(_)) => continue,
                Ok(LiveEvent::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    let event = unread_event(&s).await?;
                    return Some((Ok(event), s));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

async fn unread_event(s: &StreamState) -> Option<Event> {
    match unread_count(&s.pool, s.user_id).await {
        Ok(unread) => Some(
            Event::default()
                .event("unread")
                .data(serde_json::to_string(&Unread { unread }).unwrap_or_default()),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "live unread count failed");
            // Ends the stream: the browser reconnects and tries again.
            None
        }
    }
}

/// The notice as its owner's notifications page would show it; nothing once it is gone
/// (removing a member deletes their notices of that production).
async fn notice_event(s: &StreamState, notification_id: i64) -> sqlx::Result<Option<Event>> {
    let notice: Option<LiveNotice> = sqlx::query_as(
        "select n.message, n.link, p.title as production,
                (select count(*) from notification u
                 where u.user_id = n.user_id and u.read_at is null) as unread
         from notification n join production p using (production_id)
         where n.notification_id = $1 and n.user_id = $2",
    )
    .bind(notification_id)
    .bind(s.user_id)
    .fetch_optional(&s.pool)
    .await?;
    Ok(notice.map(|n| {
        Event::default()
            .event("notification")
            .data(serde_json::to_string(&n).unwrap_or_default())
    }))
}
