//! Keeps the private PostgreSQL running while the server runs: notices when its postmaster has
//! died, starts it again (a bounded number of times in a window, each restart logged with its
//! reason), and tells the health checks what state the database is in.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::ctl::Ctl;

/// The private database's state as the supervisor last saw it, shared with the web layer:
/// `/readyz` and every page answer 503 while it is down, `/healthz` once it has given up.
#[derive(Clone, Debug, Default)]
pub struct Health {
    state: Arc<AtomicU8>,
    /// How many times the database has gone down: a request that saw this change while it ran
    /// failed because of the outage, even if the database is back by the time it answers.
    outages: Arc<AtomicU64>,
}

const UP: u8 = 0;
const DOWN: u8 = 1;
const GAVE_UP: u8 = 2;

impl Health {
    /// The database is down (being restarted, or beyond restarting).
    pub fn is_down(&self) -> bool {
        self.state.load(Ordering::Relaxed) != UP
    }

    /// How many outages there have been; compare before and after a request.
    pub fn outages(&self) -> u64 {
        self.outages.load(Ordering::Relaxed)
    }

    /// The supervisor could not bring it back: only restarting the server can.
    pub fn gave_up(&self) -> bool {
        self.state.load(Ordering::Relaxed) == GAVE_UP
    }

    fn set(&self, state: u8) {
        if state != UP && self.state.swap(state, Ordering::Relaxed) == UP {
            self.outages.fetch_add(1, Ordering::Relaxed);
        } else {
            self.state.store(state, Ordering::Relaxed);
        }
    }
}

/// How often and how many times the supervisor restarts PostgreSQL.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// How often the postmaster is looked at: a look is two small reads under `/proc`.
    pub every: Duration,
    /// At most this many restart attempts within `window`; one more and it gives up.
    pub restarts: usize,
    pub window: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            every: Duration::from_millis(250),
            restarts: 5,
            window: Duration::from_secs(600),
        }
    }
}

/// Watches the cluster until it is stopped on purpose, restarting it when it dies. Returns when
/// the cluster is being stopped, or after giving up.
pub async fn supervise(cluster: Ctl, health: Health, policy: Policy) {
    let mut attempts: VecDeque<Instant> = VecDeque::new();
    let mut tick = tokio::time::interval(policy.every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if cluster.is_stopping() {
            return;
        }
        if cluster.postmaster().is_some() {
            continue;
        }
        let reason = match super::postmaster::recorded_pid(cluster.pgdata()) {
            Some(pid) => format!("its postmaster (pid {pid}) is gone"),
            None => "its postmaster.pid is gone".to_string(),
        };
        // Looked at again under the lock that stopping takes: a stop on purpose also makes the
        // postmaster disappear.
        if cluster.is_stopping() {
            return;
        }
        health.set(DOWN);
        tracing::warn!(
            "the private PostgreSQL in {} stopped unexpectedly ({reason}); restarting it",
            cluster.pgdata().display()
        );
        loop {
            let now = Instant::now();
            while attempts
                .front()
                .is_some_and(|at| now.duration_since(*at) > policy.window)
            {
                attempts.pop_front();
            }
            if attempts.len() >= policy.restarts {
                health.set(GAVE_UP);
                tracing::error!(
                    "giving up on the private PostgreSQL in {}: {} restarts in the last {} s; \
                     /healthz now answers 503 so that whatever runs this server restarts it \
                     (see server.log in the data directory)",
                    cluster.pgdata().display(),
                    attempts.len(),
                    policy.window.as_secs()
                );
                return;
            }
            attempts.push_back(now);
            let attempt = attempts.len();
            let restart = {
                let cluster = cluster.clone();
                tokio::task::spawn_blocking(move || cluster.restart()).await
            };
            match restart {
                Ok(Ok(true)) => {
                    health.set(UP);
                    tracing::warn!(
                        "the private PostgreSQL is running again (restart {attempt} of at most \
                         {} in {} s)",
                        policy.restarts,
                        policy.window.as_secs()
                    );
                    break;
                }
                // Stopped on purpose meanwhile.
                Ok(Ok(false)) => return,
                Ok(Err(err)) => tracing::warn!(
                    error = %format!("{err:#}"),
                    "restarting the private PostgreSQL failed (attempt {attempt})"
                ),
                Err(err) => tracing::warn!(error = %err, "the restart task failed"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Mutex;

    use super::*;

    #[tokio::test]
    async fn it_gives_up_after_its_restarts_and_says_so_in_the_health() {
        // A cluster whose pg_ctl always fails, with no postmaster running.
        let dir = std::env::temp_dir().join(format!("closedset-supervise-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pg_ctl = dir.join("pg_ctl");
        std::fs::write(&pg_ctl, "#!/bin/sh\nexit 1\n").unwrap();
        std::fs::set_permissions(&pg_ctl, std::fs::Permissions::from_mode(0o755)).unwrap();
        let cluster = Ctl {
            bindir: dir.clone(),
            pgdata: dir.join("postgres"),
            run_as: None,
            stopping: Arc::new(Mutex::new(false)),
        };
        let health = Health::default();
        assert!(!health.is_down());
        assert_eq!(health.outages(), 0);
        let policy = Policy {
            every: Duration::from_millis(10),
            restarts: 1,
            window: Duration::from_secs(60),
        };
        tokio::time::timeout(
            Duration::from_secs(30),
            supervise(cluster, health.clone(), policy),
        )
        .await
        .expect("the supervisor gives up rather than trying forever");
        assert!(health.is_down());
        assert!(health.gave_up());
        assert_eq!(health.outages(), 1, "down, then given up: one outage");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
