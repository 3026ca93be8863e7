//! The private PostgreSQL cluster Closed Set starts when no `DATABASE_URL` is given.
//! It finds the server binaries, creates the cluster with `initdb`, starts and stops it.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;

/// The role and database names inside a private cluster. This role owns the tables and runs the
/// migrations; the server itself connects as `db::APPLICATION_ROLE`.
const SUPERUSER: &str = "closedset";

/// What went wrong looking for PostgreSQL, worded for the person running the command.
pub const NOT_INSTALLED: &str = "Closed Set needs PostgreSQL. Either install the server \
(Debian/Ubuntu: `apt-get install postgresql`) so Closed Set can start its own private cluster, \
or set DATABASE_URL to a PostgreSQL server you run, e.g. \
DATABASE_URL=postgres://user:password@localhost/closedset";

/// How the cluster is tuned: durable for real data, fast for throwaway test clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Throwaway,
}

/// A running private cluster. Dropping it stops the server.
pub struct EmbeddedPostgres {
    bindir: PathBuf,
    pgdata: PathBuf,
    run_as: Option<(u32, u32)>,
    stopped: bool,
    // Held open for the life of the process: when it closes (however we exit),
    // the watchdog stops the cluster so no PostgreSQL is left behind.
    _watchdog: Option<(Child, ChildStdin)>,
}

impl std::fmt::Debug for EmbeddedPostgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedPostgres")
            .field("pgdata", &self.pgdata)
            .finish_non_exhaustive()
    }
}

impl EmbeddedPostgres {
    /// Creates (on first use) and starts a cluster under `data_dir/postgres`.
    /// With `remove_on_exit`, the watchdog also deletes `data_dir` once the process is gone.
    pub fn start(
        data_dir: &Path,
        durability: Durability,
        remove_on_exit: bool,
    ) -> anyhow::Result<Self> {
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

        let mut cluster = EmbeddedPostgres {
            bindir,
            pgdata,
            run_as,
            stopped: true,
            _watchdog: None,
        };
        if !cluster.pgdata.join("PG_VERSION").exists() {
            cluster.init(durability)?;
        }
        if cluster.is_running() {
            bail!(
                "the database in {} is already in use by another Closed Set server; \
                 stop it first or choose another CLOSEDSET_DATA_DIR",
                cluster.pgdata.display()
            );
        }
        cluster.run(cluster.pg_ctl(&["start", "-w", "-t", "60", "-s"]).arg("-l").arg(
            cluster.pgdata.join("server.log"),
        ))
        .context("starting the private PostgreSQL cluster (its log is server.log in the data directory)")?;
        cluster.stopped = false;
        cluster._watchdog = Some(cluster.spawn_watchdog(remove_on_exit.then_some(&data_dir))?);
        Ok(cluster)
    }

    /// Connection options for a database in this cluster, over its Unix socket, as the
    /// superuser that owns the tables (`.username(…)` connects as another role).
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.pgdata)
            .username(SUPERUSER)
            .database(database)
    }

    /// The directory holding the cluster's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.pgdata
    }

    /// Stops the server and waits for it to finish; safe to call twice.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        self.run(&mut self.pg_ctl(&["stop", "-w", "-m", "fast", "-s"]))
    }

    fn init(&self, durability: Durability) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.pgdata)?;
        std::fs::set_permissions(&self.pgdata, std::fs::Permissions::from_mode(0o700))?;
        if let Some((uid, gid)) = self.run_as {
            chown(&self.pgdata, uid, gid)?;
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

    fn is_running(&self) -> bool {
        self.pg_ctl(&["status", "-s"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    fn spawn_watchdog(&self, remove: Option<&PathBuf>) -> anyhow::Result<(Child, ChildStdin)> {
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
            .stdout(Stdio::null())
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

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if let Err(err) = self.stop() {
            eprintln!("stopping the private PostgreSQL cluster: {err:#}");
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
