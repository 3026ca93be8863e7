//! Running `initdb`, `pg_ctl` and the watchdog on one private cluster, for the process that
//! owns it and for the supervisor that restarts it.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::postmaster::{self, DataDirLock};

/// The role and database names inside a private cluster. This role owns the tables and runs the
/// migrations; the server itself connects as `db::APPLICATION_ROLE`.
pub(super) const SUPERUSER: &str = "closedset";

/// How the cluster is tuned: durable for real data, fast for throwaway test clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Throwaway,
}

/// How to run `pg_ctl` and friends on one cluster: shared by the cluster's owner and the
/// supervisor that restarts it.
#[derive(Clone, Debug)]
pub struct Ctl {
    pub(super) bindir: PathBuf,
    pub(super) pgdata: PathBuf,
    pub(super) run_as: Option<(u32, u32)>,
    /// True once the cluster is being stopped on purpose (or before it first started): the
    /// supervisor restarts nothing then. Held while starting or stopping, so the two never
    /// overlap.
    pub(super) stopping: Arc<Mutex<bool>>,
}

impl Ctl {
    /// The data directory.
    pub fn pgdata(&self) -> &Path {
        &self.pgdata
    }

    /// Whether the postmaster `postmaster.pid` names is running.
    pub fn postmaster(&self) -> Option<u32> {
        postmaster::recorded_pid(&self.pgdata).filter(|pid| postmaster::is_alive(*pid))
    }

    /// Starts the cluster again after it died, unless it is being stopped on purpose.
    /// Returns false when it was not restarted for that reason.
    pub fn restart(&self) -> anyhow::Result<bool> {
        let stopping = self.stopping.lock().unwrap_or_else(|e| e.into_inner());
        if *stopping {
            return Ok(false);
        }
        if self.postmaster().is_some() {
            return Ok(true);
        }
        self.take_over_leftovers()?;
        self.start_postmaster()?;
        drop(stopping);
        Ok(true)
    }

    /// Whether the cluster is being stopped on purpose.
    pub fn is_stopping(&self) -> bool {
        *self.stopping.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn init(&self, durability: Durability) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.pgdata)?;
        std::fs::set_permissions(&self.pgdata, std::fs::Permissions::from_mode(0o700))?;
        if let Some((uid, gid)) = self.run_as {
            std::os::unix::fs::chown(&self.pgdata, Some(uid), Some(gid)).with_context(|| {
                format!("handing {} to the postgres user", self.pgdata.display())
            })?;
        }
        let mut initdb = self.command("initdb");
        initdb.arg("-D").arg(&self.pgdata).args([
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        ]);
        if durability == Durability::Throwaway {
            initdb.arg("--no-sync");
        }
        self.run(&mut initdb).context("initdb failed")?;

        // Only a Unix socket inside the (0700) data directory: nobody else can connect,
        // which is what makes `trust` authentication safe here.
        let mut settings = format!(
            "\n# Closed Set private cluster\nlisten_addresses = ''\nunix_socket_directories = '{}'\n\
             max_connections = 200\nshared_buffers = 64MB\n",
            self.pgdata.display().to_string().replace('\'', "''")
        );
        if durability == Durability::Throwaway {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let conf = self.pgdata.join("postgresql.conf");
        let mut file = std::fs::OpenOptions::new().append(true).open(&conf)?;
        file.write_all(settings.as_bytes())?;
        Ok(())
    }

    /// The cluster's PostgreSQL major version, from `PG_VERSION` (0 when unreadable).
    fn major_version(&self) -> u32 {
        std::fs::read_to_string(self.pgdata.join("PG_VERSION"))
            .ok()
            .and_then(|v| v.trim().split('.').next()?.parse().ok())
            .unwrap_or(0)
    }

    pub(super) fn is_running(&self) -> bool {
        self.pg_ctl(&["status", "-s"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Called with the data directory's lock held, so no live Closed Set process uses it: a
    /// PostgreSQL still running on it was left by one that died (killed together with its
    /// watchdog) and is stopped. A `postmaster.pid` naming a process that is not PostgreSQL at
    /// all is stale (pids are reused); that process is left alone and the file removed, because
    /// PostgreSQL would refuse to start while the pid it names is alive. A PostgreSQL that cannot
    /// be shown to be ours is left alone too, and the start refused.
    pub(super) fn take_over_leftovers(&self) -> anyhow::Result<()> {
        let Some(pid) = postmaster::recorded_pid(&self.pgdata) else {
            return Ok(());
        };
        if !postmaster::is_alive(pid) {
            // A postmaster that was killed stays a zombie until its parent (init, usually)
            // collects it, and PostgreSQL refuses to start while the pid it recorded exists.
            if !wait_until_reaped(pid, Duration::from_secs(10)) {
                tracing::warn!(
                    pid,
                    "the dead postmaster (pid {pid}) has not been collected yet"
                );
            }
            return Ok(());
        }
        if postmaster::is_postmaster_of(pid, &self.pgdata) {
            tracing::warn!(
                pid,
                "found PostgreSQL (pid {pid}) still running on {} with no Closed Set server \
                 left to use it (its server was killed); stopping it and starting afresh",
                self.pgdata.display()
            );
            if let Err(err) = self.stop_postmaster() {
                tracing::warn!(error = %format!("{err:#}"), "a fast shutdown failed; stopping it immediately");
                let _ = self.run(&mut self.pg_ctl(&["stop", "-w", "-m", "immediate", "-s"]));
                wait_until_gone(pid, Duration::from_secs(10));
            }
            if postmaster::is_alive(pid) {
                bail!(
                    "PostgreSQL (pid {pid}) left running on {} does not stop",
                    self.pgdata.display()
                );
            }
        } else if postmaster::is_postgres(pid) {
            // A PostgreSQL we cannot show works elsewhere: starting beside it could put two
            // servers on one data directory.
            bail!(
                "postmaster.pid in {} names pid {pid}, a PostgreSQL process ({}) that Closed Set \
                 cannot tell apart from one using this data directory; it is left alone. Stop \
                 it, or remove postmaster.pid if it does not use this directory",
                self.pgdata.display(),
                describe(pid)
            );
        } else {
            tracing::warn!(
                pid,
                "postmaster.pid in {} names pid {pid}, which is not a PostgreSQL process ({}); \
                 leaving that process alone and removing the stale file",
                self.pgdata.display(),
                describe(pid)
            );
            std::fs::remove_file(self.pgdata.join("postmaster.pid"))
                .context("removing a stale postmaster.pid")?;
        }
        Ok(())
    }

    /// `pg_ctl start`, tried again briefly: right after PostgreSQL was killed, its last
    /// processes may still hold its shared memory for a moment, and it refuses to start then.
    pub(super) fn start_postmaster(&self) -> anyhow::Result<()> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut start = self.pg_ctl(&["start", "-w", "-t", "60", "-s"]);
            start.arg("-l").arg(self.pgdata.join("server.log"));
            if self.major_version() >= 14 {
                // After a crash PostgreSQL first flushes every file of the cluster to disk, one
                // fsync each (seconds on a busy disk); one syncfs per file system does the same.
                start.args(["-o", "-c recovery_init_sync_method=syncfs"]);
            }
            let started = self.run(&mut start);
            match started {
                Ok(()) => return Ok(()),
                Err(err) if attempt < 5 && self.postmaster().is_none() => {
                    tracing::debug!(error = %format!("{err:#}"), attempt, "PostgreSQL did not start yet");
                    std::thread::sleep(Duration::from_millis(200 * attempt));
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// `pg_ctl stop -m fast`, then waits for the postmaster's process itself to be gone (pg_ctl
    /// returns once the pid file is removed, a moment before the process exits). Nothing
    /// running is not an error.
    pub(super) fn stop_postmaster(&self) -> anyhow::Result<()> {
        let Some(pid) = self.postmaster() else {
            return Ok(());
        };
        let stopped = self.run(&mut self.pg_ctl(&["stop", "-w", "-t", "60", "-m", "fast", "-s"]));
        if let Err(err) = stopped
            && postmaster::is_alive(pid)
        {
            return Err(err);
        }
        if !wait_until_gone(pid, Duration::from_secs(10)) {
            bail!("PostgreSQL (pid {pid}) was asked to stop but is still running");
        }
        Ok(())
    }

    /// A process that stops the cluster when this process is gone. It keeps a copy of the data
    /// directory's lock until it has done so, so a server started meanwhile waits for it.
    pub(super) fn spawn_watchdog(
        &self,
        lock: &DataDirLock,
        remove: Option<&PathBuf>,
    ) -> anyhow::Result<(Child, ChildStdin)> {
        // `read` returns when our end of the pipe closes, i.e. when this process exits
        // for any reason, including a crash or SIGKILL.
        let mut script =
            String::from("read -r _ignored; \"$0\" -D \"$1\" stop -m fast -s >/dev/null 2>&1");
        if remove.is_some() {
            script.push_str("; rm -rf \"$2\"");
        }
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(script)
            .arg(self.bindir.join("pg_ctl"))
            .arg(&self.pgdata)
            .arg(remove.map(|p| p.as_os_str()).unwrap_or_default())
            .stdin(Stdio::piped())
            // The lock, as its standard output (which it never writes to).
            .stdout(Stdio::from(
                lock.share().context("sharing the data directory lock")?,
            ))
            .stderr(Stdio::null())
            // Its own process group, so Ctrl-C reaches only the server, which then stops
            // PostgreSQL after the last request has finished.
            .process_group(0);
        // pg_ctl refuses to run as root, so the watchdog runs as the cluster's user.
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
        }
        let mut child = cmd.spawn().context("starting the cluster watchdog")?;
        let stdin = child.stdin.take().context("watchdog pipe")?;
        Ok((child, stdin))
    }

    fn pg_ctl(&self, args: &[&str]) -> Command {
        let mut cmd = self.command("pg_ctl");
        cmd.arg("-D").arg(&self.pgdata).args(args);
        cmd
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bindir.join(program));
        cmd.process_group(0).env("LC_ALL", "C").current_dir("/");
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
        }
        cmd
    }

    fn run(&self, cmd: &mut Command) -> anyhow::Result<()> {
        let output = cmd
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {:?}", cmd.get_program()))?;
        if !output.status.success() {
            bail!(
                "{:?} exited with {}: {}{}",
                cmd.get_program(),
                output.status,
                String::from_utf8_lossy(&output.stdout).trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(())
    }
}

/// Waits up to `limit` for `pid` to be gone from the process table, zombie included.
fn wait_until_reaped(pid: u32, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Path::new(&format!("/proc/{pid}")).exists() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

/// Waits up to `limit` for `pid` to exit; true when it did.
fn wait_until_gone(pid: u32, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while postmaster::is_alive(pid) {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

/// A process for a log line: its command line, or that it has none we can read.
fn describe(pid: u32) -> String {
    let cmdline = postmaster::command_line(pid);
    if cmdline.is_empty() {
        "its command line is unreadable".into()
    } else {
        format!("it runs `{cmdline}`")
    }
}
