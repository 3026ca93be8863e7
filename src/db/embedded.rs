//! The private PostgreSQL cluster Closed Set starts when no `DATABASE_URL` is given.
//! It finds the server binaries, creates the cluster with `initdb`, starts and stops it, and
//! lets a command work beside a server that already runs it.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;

pub use super::ctl::Durability;
use super::ctl::{Ctl, SUPERUSER};
use super::postmaster::{Claim, DataDirLock};

/// What went wrong looking for PostgreSQL, worded for the person running the command.
pub const NOT_INSTALLED: &str = "Closed Set needs PostgreSQL. Either install the server \
(Debian/Ubuntu: `apt-get install postgresql`) so Closed Set can start its own private cluster, \
or set DATABASE_URL to a PostgreSQL server you run, e.g. \
DATABASE_URL=postgres://user:password@localhost/closedset";

/// A running private cluster. Dropping it stops the server.
pub struct EmbeddedPostgres {
    ctl: Ctl,
    // Held for the life of the process; the watchdog holds a copy, so the lock outlives us until
    // the watchdog has stopped the cluster.
    _lock: DataDirLock,
    // Held open for the life of the process: when it closes (however we exit),
    // the watchdog stops the cluster so no PostgreSQL is left behind.
    _watchdog: Option<(Child, ChildStdin)>,
}

impl std::fmt::Debug for EmbeddedPostgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedPostgres")
            .field("pgdata", &self.ctl.pgdata)
            .finish_non_exhaustive()
    }
}

/// The private cluster a command works on: one it started, or the one a running server started.
#[derive(Debug)]
pub enum PrivateCluster {
    Started(EmbeddedPostgres),
    /// A live Closed Set server (this pid) runs the cluster; connect beside it, stop nothing.
    Beside {
        server: u32,
        pgdata: PathBuf,
    },
}

impl PrivateCluster {
    /// Connection options for a database in this cluster as its superuser (see
    /// `EmbeddedPostgres::connect_options`).
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        match self {
            PrivateCluster::Started(cluster) => cluster.connect_options(database),
            PrivateCluster::Beside { pgdata, .. } => options_for(pgdata, database),
        }
    }
}

impl EmbeddedPostgres {
    /// Creates (on first use) and starts a cluster under `data_dir/postgres`, refusing when
    /// another live Closed Set process uses it.
    /// With `remove_on_exit`, the watchdog also deletes `data_dir` once the process is gone.
    pub fn start(
        data_dir: &Path,
        durability: Durability,
        remove_on_exit: bool,
    ) -> anyhow::Result<Self> {
        match Self::start_or_join(data_dir, durability, remove_on_exit)? {
            PrivateCluster::Started(cluster) => Ok(cluster),
            PrivateCluster::Beside { server, pgdata } => bail!(
                "the database in {} is already in use by another Closed Set server (pid \
                 {server}); stop it first or choose another CLOSEDSET_DATA_DIR",
                pgdata.display()
            ),
        }
    }

    /// Like `start`, but when a live Closed Set server already runs the cluster, answers where
    /// to find it instead of refusing: a command can work beside the server.
    pub fn start_or_join(
        data_dir: &Path,
        durability: Durability,
        remove_on_exit: bool,
    ) -> anyhow::Result<PrivateCluster> {
        let bindir = find_bindir().context(NOT_INSTALLED)?;
        let run_as = if is_root() {
            Some(unprivileged_user().context(
                "PostgreSQL refuses to run as root and no unprivileged `postgres` user exists; \
                 create one (useradd --system postgres) or set DATABASE_URL",
            )?)
        } else {
            None
        };

        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating data directory {}", data_dir.display()))?;
        let data_dir = data_dir.canonicalize()?;
        let pgdata = data_dir.join("postgres");
        if let (Some((uid, gid)), true) = (run_as, remove_on_exit) {
            // A throwaway directory belongs to the cluster's user, so that the watchdog,
            // which runs as that user, can remove it.
            chown(&data_dir, uid, gid)?;
        } else if run_as.is_some() {
            // The cluster's user must be able to reach its own directory.
            let mode = std::fs::metadata(&data_dir)?.permissions().mode();
            if mode & 0o011 != 0o011 {
                std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(mode | 0o711))?;
            }
        }

        if let Some((uid, gid)) = run_as {
            let reachable = Command::new("test")
                .arg("-x")
                .arg(&data_dir)
                .uid(uid)
                .gid(gid)
                .status()
                .is_ok_and(|s| s.success());
            if !reachable {
                bail!(
                    "the postgres user cannot reach {}; make its parent directories traversable \
                     (chmod o+x) or set CLOSEDSET_DATA_DIR to a directory it can reach",
                    data_dir.display()
                );
            }
        }

        let ctl = Ctl {
            bindir,
            pgdata,
            run_as,
            stopping: Arc::new(Mutex::new(true)),
        };
        let lock = match claim(&data_dir)? {
            Ok(lock) => lock,
            Err(server) => {
                if !ctl.is_running() {
                    bail!(
                        "the Closed Set server (pid {server}) using {} has its database down \
                         right now (it restarts it by itself); try again in a moment",
                        ctl.pgdata.display()
                    );
                }
                return Ok(PrivateCluster::Beside {
                    server,
                    pgdata: ctl.pgdata,
                });
            }
        };
        if !ctl.pgdata.join("PG_VERSION").exists() {
            ctl.init(durability)?;
        }
        ctl.take_over_leftovers()?;
        ctl.start_postmaster().context(
            "starting the private PostgreSQL cluster (its log is server.log in the data directory)",
        )?;
        *ctl.stopping.lock().unwrap_or_else(|e| e.into_inner()) = false;
        let watchdog = ctl.spawn_watchdog(&lock, remove_on_exit.then_some(&data_dir))?;
        Ok(PrivateCluster::Started(EmbeddedPostgres {
            ctl,
            _lock: lock,
            _watchdog: Some(watchdog),
        }))
    }

    /// Connection options for a database in this cluster, over its Unix socket, as the
    /// superuser that owns the tables (`.username(…)` connects as another role).
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        options_for(&self.ctl.pgdata, database)
    }

    /// The directory holding the cluster's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.ctl.pgdata
    }

    /// What the supervisor needs to watch and restart this cluster.
    pub fn supervised(&self) -> Ctl {
        self.ctl.clone()
    }

    /// Stops the server and waits for it to be gone; safe to call twice, and when PostgreSQL
    /// already died (there is nothing left to stop then).
    pub fn stop(&mut self) -> anyhow::Result<()> {
        let mut stopping = self.ctl.stopping.lock().unwrap_or_else(|e| e.into_inner());
        if *stopping {
            return Ok(());
        }
        *stopping = true;
        self.ctl.stop_postmaster()
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if let Err(err) = self.stop() {
            eprintln!("stopping the private PostgreSQL cluster: {err:#}");
        }
    }
}

fn options_for(pgdata: &Path, database: &str) -> PgConnectOptions {
    PgConnectOptions::new()
        .socket(pgdata)
        .username(SUPERUSER)
        .database(database)
}

/// Takes the data directory's lock, or names the live server holding it. A holder whose pid no
/// longer runs is a dead server's watchdog stopping its PostgreSQL: wait for it to finish.
fn claim(data_dir: &Path) -> anyhow::Result<Result<DataDirLock, u32>> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut told = false;
    loop {
        match DataDirLock::try_take(data_dir)
            .with_context(|| format!("locking {}", data_dir.display()))?
        {
            Claim::Taken(lock) => return Ok(Ok(lock)),
            Claim::Held { by: Some(pid) } => return Ok(Err(pid)),
            Claim::Held { by: None } => {
                if Instant::now() > deadline {
                    bail!(
                        "{} is still locked by a stopped Closed Set server's watchdog after 30 \
                         s; is its PostgreSQL hanging?",
                        data_dir.display()
                    );
                }
                if !told {
                    tracing::info!(
                        "waiting for a stopped Closed Set server's watchdog to finish stopping \
                         its PostgreSQL in {}",
                        data_dir.display()
                    );
                    told = true;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// Finds the directory holding `initdb`, `pg_ctl` and `postgres`: on PATH, through
/// `pg_config --bindir`, or in Debian's versioned `/usr/lib/postgresql/N/bin`.
pub fn find_bindir() -> Option<PathBuf> {
    let has_server = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_server(&dir) {
                return Some(dir.canonicalize().unwrap_or(dir));
            }
        }
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_server(&dir) {
            return Some(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| has_server(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn unprivileged_user() -> anyhow::Result<(u32, u32)> {
    let id = |flag: &str| -> anyhow::Result<u32> {
        let out = Command::new("id").args([flag, "postgres"]).output()?;
        if !out.status.success() {
            bail!("no postgres user");
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().parse()?)
    };
    Ok((id("-u")?, id("-g")?))
}

fn chown(path: &Path, uid: u32, gid: u32) -> anyhow::Result<()> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
        .with_context(|| format!("handing {} to the postgres user", path.display()))
}
