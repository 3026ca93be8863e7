//! The fan-out of live notices inside one server process: what PostgreSQL's LISTEN/NOTIFY
//! delivers on `CHANNEL` is handed to every open event stream. The listener and the streams
//! themselves live in `crate::live`; the hub is part of the state every handler holds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};

/// The channel `notifications::notify` announces each new notice on (delivered on commit).
pub const CHANNEL: &str = "closedset_notification";

/// The channel a production's id is announced on whenever its revision moves, that is whenever
/// anything a status word is decided from changed (migration 0041). Only the id: no content.
pub const STATUS_CHANNEL: &str = "closedset_status";

/// What a `pg_notify` on `CHANNEL` carries: who has a new notice, and which. Never its text.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Announcement {
    pub user_id: i64,
    pub notification_id: i64,
}

/// What the listener hands to every open stream of this process.
#[derive(Clone, Copy, Debug)]
pub enum LiveEvent {
    Notification(Announcement),
    /// Something that decides a status in this production changed: pages showing its status
    /// words fetch them again (members only; the stream checks).
    Status {
        production_id: i64,
    },
    /// The listener (re)connected: notices may have been missed, so streams recount.
    Resync,
}

/// One per server process: the fan-out channel, and a switch that ends open streams so a
/// graceful shutdown is not held up by browsers that never hang up.
#[derive(Clone)]
pub struct LiveHub {
    inner: Arc<Inner>,
}

struct Inner {
    events: broadcast::Sender<LiveEvent>,
    started: AtomicBool,
    shutdown: watch::Sender<bool>,
    /// True while the listener is connected and listening.
    listening: watch::Sender<bool>,
}

impl std::fmt::Debug for LiveHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveHub")
            .field("streams", &self.inner.events.receiver_count())
            .finish()
    }
}

impl Default for LiveHub {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveHub {
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(1024);
        let (shutdown, _) = watch::channel(false);
        let (listening, _) = watch::channel(false);
        LiveHub {
            inner: Arc::new(Inner {
                events,
                started: AtomicBool::new(false),
                shutdown,
                listening,
            }),
        }
    }

    /// Marks the listener started; false if it already was (one listener per process).
    pub fn claim_start(&self) -> bool {
        !self.inner.started.swap(true, Ordering::SeqCst)
    }

    /// Ends every open stream; EventSource reconnects to whichever server answers next.
    pub fn shut_down(&self) {
        self.inner.shutdown.send_replace(true);
    }

    /// Waits until this process listens, so notices committed from now on reach its streams.
    pub async fn ready(&self) {
        let mut listening = self.inner.listening.subscribe();
        let _ = listening.wait_for(|on| *on).await;
    }

    /// Whether open streams should end now.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.inner.shutdown.subscribe()
    }

    /// Records whether the listener is connected and listening.
    pub fn set_listening(&self, on: bool) {
        self.inner.listening.send_replace(on);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.inner.events.subscribe()
    }

    pub fn publish(&self, event: LiveEvent) {
        // No open stream is not an error.
        let _ = self.inner.events.send(event);
    }
}
