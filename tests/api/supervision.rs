//! The real binary on its private cluster, in the faults of issue #13: PostgreSQL killed under
//! load, the server killed (with and without its watchdog), a stale pid file naming a process
//! that is not ours, and commands run beside a running server.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::support::free_port;

/// With `DATABASE_URL` the binary starts no cluster: nothing here applies.
pub fn external_database() -> bool {
    std::env::var("DATABASE_URL").is_ok_and(|u| !u.trim().is_empty())
}

/// A directory the cluster's user can reach, as a checkout under a home directory is.
pub fn data_home() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("closedset-sup-")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    dir
}

/// The real server on a private cluster in `data_dir`, its log in a file beside it.
pub struct Server {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Server {
    /// Starts the binary and waits until it serves. A port from `free_port` can be taken by
    /// another test's server (they bind port 0) while the binary starts its database, and then
    /// `/readyz` would be answered by that server: so ready means our own log says it listens,
    /// and a binary that could not listen is started again on another port.
    pub async fn start(data_dir: &Path, run: &str) -> Server {
        let log = data_dir.with_file_name(format!("server-{run}.log"));
        for _ in 0..5 {
            let port = free_port();
            let child = closedset(data_dir, port)
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap();
            let mut server = Server {
                child,
                port,
                log: log.clone(),
            };
            let deadline = Instant::now() + Duration::from_secs(90);
            loop {
                if let Some(exit) = server.child.try_wait().unwrap() {
                    let said = server.log();
                    if said.contains(&format!("listening on 127.0.0.1:{port}:")) {
                        break;
                    }
                    panic!("{run}: the server exited ({exit}):\n{said}");
                }
                if server.log().contains("Closed Set is listening on")
                    && reqwest::get(server.url("/readyz"))
                        .await
                        .is_ok_and(|r| r.status().is_success())
                {
                    return server;
                }
                if Instant::now() > deadline {
                    let _ = server.child.kill();
                    let _ = server.child.wait();
                    panic!("{run}: the server did not become ready:\n{}", server.log());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        panic!("{run}: no free port in five tries");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then the exit status must be success.
    pub async fn terminate(mut self) -> String {
        signal("-TERM", self.pid());
        let exit = tokio::task::spawn_blocking(move || {
            let exit = self.child.wait().unwrap();
            (exit, self)
        })
        .await
        .unwrap();
        let (exit, server) = exit;
        assert!(exit.success(), "exit status {exit}:\n{}", server.log());
        server.log()
    }

    /// SIGKILL, as a crash or the OOM killer would.
    fn kill(mut self) -> String {
        signal("-KILL", self.pid());
        self.child.wait().unwrap();
        self.log()
    }
}

fn closedset(data_dir: &Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_closedset"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("CLOSEDSET_MIGRATION_DATABASE_URL")
        .env("CLOSEDSET_DATA_DIR", data_dir)
        .env("CLOSEDSET_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn,closedset=info");
    command
}

fn signal(which: &str, pid: u32) {
    let status = Command::new("kill")
        .args([which, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {which} {pid}");
}

pub fn postmaster_pid(data_dir: &Path) -> Option<u32> {
    closedset::db::postmaster::recorded_pid(&data_dir.join("postgres"))
}

pub fn alive(pid: u32) -> bool {
    closedset::db::postmaster::is_alive(pid)
}

/// The server's watchdog: its child running `sh`.
fn watchdog_of(server: u32) -> u32 {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                let (comm, rest) = stat.rsplit_once(')').unwrap_or_default();
                let parent = rest.split_whitespace().nth(1);
                comm.ends_with("(sh") && parent == Some(&server.to_string())
            })
        })
        .expect("the server has a watchdog")
}

async fn wait_gone(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while alive(pid) {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    true
}

#[tokio::test]
async fn killing_the_private_postgres_under_load_answers_503_then_recovers_by_itself() {
    if external_database() {
        return;
    }
    let home = data_home();
    let data_dir = home.path().join("data");
    let server = Server::start(&data_dir, "load").await;
    let first = postmaster_pid(&data_dir).expect("a running cluster in the data directory");

    // Four browsers asking for the sign-in page (a session written on every view) and a
    // load balancer asking /readyz, all the time.
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut loaders = Vec::new();
    for path in ["/signin", "/signin", "/signin", "/signin", "/readyz"] {
        let url = server.url(path);
        let stop = stop.clone();
        loaders.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap();
            let mut seen = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let sent = started.elapsed();
                let response = http.get(&url).send().await.unwrap();
                let status = response.status();
                // When to try again, and the headers every page carries.
                let retry_after = ["retry-after", "content-security-policy", "x-frame-options"]
                    .iter()
                    .all(|name| response.headers().contains_key(*name));
                let body = response.text().await.unwrap();
                seen.push((sent, started.elapsed(), status, retry_after, body));
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let killed_at = started.elapsed();
    signal("-KILL", first);
    // Long enough for the restart and a good while of pages after it.
    tokio::time::sleep(Duration::from_secs(12)).await;
    stop.store(true, Ordering::Relaxed);
    let mut pages = Vec::new();
    let mut ready = Vec::new();
    for (i, loader) in loaders.into_iter().enumerate() {
        let seen = loader.await.unwrap();
        if i < 4 {
            pages.extend(seen)
        } else {
            ready.extend(seen)
        }
    }
    let log = server.log();

    for (sent, answered, status, retry_after, body) in &pages {
        assert!(
            *status == StatusCode::OK || *status == StatusCode::SERVICE_UNAVAILABLE,
            "a page sent at {sent:?} answered {status}:\n{body}\n{log}"
        );
        if *status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(body.contains("Back in a moment"), "{body}");
            assert!(
                retry_after,
                "a 503 says when to try again and keeps the security headers"
            );
            // The pool gives up after 2 s; the rest is slack for a loaded machine.
            assert!(
                *answered - *sent < Duration::from_millis(3500),
                "a 503 within the pool's timeout, not after {:?}",
                *answered - *sent
            );
        }
    }
    let after_kill = |seen: &[(Duration, Duration, StatusCode, bool, String)]| {
        seen.iter()
            .filter(|(sent, ..)| *sent >= killed_at)
            .map(|(sent, _, status, ..)| (*sent - killed_at, *status))
            .collect::<Vec<_>>()
    };
    // A restart can take barely a second, and on a loaded machine the page loaders may not be
    // scheduled inside it: /readyz, asked all along, must have seen the outage; pages that did
    // answered 503 (checked above), and none is refused 10 s after the kill.
    let pages = after_kill(&pages);
    if let Some(last_outage) = pages
        .iter()
        .filter(|(_, s)| *s != StatusCode::OK)
        .map(|(at, _)| *at)
        .max()
    {
        assert!(
            last_outage < Duration::from_secs(10),
            "pages were back within 10 s (the last 503 was sent {last_outage:?} after the kill):\n{log}"
        );
    }
    assert!(
        pages
            .iter()
            .any(|(at, s)| *at > Duration::from_secs(3) && *s == StatusCode::OK),
        "pages answer 200 again"
    );
    let ready = after_kill(&ready);
    assert!(
        ready
            .iter()
            .any(|(_, s)| *s == StatusCode::SERVICE_UNAVAILABLE),
        "/readyz answered 503 while PostgreSQL was down:\n{log}"
    );
    assert_eq!(ready.last().unwrap().1, StatusCode::OK);

    assert!(
        log.contains(&format!("its postmaster (pid {first}) is gone")),
        "{log}"
    );
    assert!(log.contains("running again (restart 1 of at most"), "{log}");
    let restarted = postmaster_pid(&data_dir).unwrap();
    assert_ne!(restarted, first);
    assert!(alive(restarted));
    let health = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);

    server.terminate().await;
    assert!(!alive(restarted), "PostgreSQL {restarted} is still running");
}

#[tokio::test]
async fn a_killed_server_leaves_nothing_in_the_way_of_the_next_start() {
    if external_database() {
        return;
    }
    let home = data_home();
    let data_dir = home.path().join("data");

    // Killed alone: its watchdog is still stopping PostgreSQL when the next start comes.
    let server = Server::start(&data_dir, "first").await;
    server.kill();
    let server = Server::start(&data_dir, "right-after-a-crash").await;

    // Killed with its watchdog: PostgreSQL is left running with nobody to stop it.
    let watchdog = watchdog_of(server.pid());
    let left = postmaster_pid(&data_dir).unwrap();
    signal("-KILL", watchdog);
    server.kill();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(alive(left), "the postmaster was left behind");
    let server = Server::start(&data_dir, "after-a-leftover").await;
    let log = server.log();
    assert!(
        log.contains(&format!("found PostgreSQL (pid {left}) still running")),
        "{log}"
    );
    assert!(wait_gone(left).await, "the leftover postmaster was stopped");
    let page = reqwest::get(server.url("/signin")).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);

    // A stale pid file whose pid now belongs to somebody else's process.
    let pid_file = data_dir.join("postgres/postmaster.pid");
    let recorded = std::fs::read_to_string(&pid_file).unwrap();
    server.terminate().await;
    let mut foreign = Command::new("sleep").arg("300").spawn().unwrap();
    let (_, rest) = recorded.split_once('\n').unwrap();
    std::fs::write(&pid_file, format!("{}\n{rest}", foreign.id())).unwrap();
    let server = Server::start(&data_dir, "foreign-pid").await;
    assert!(
        foreign.try_wait().unwrap().is_none(),
        "a process that is not ours was touched"
    );
    let log = server.log();
    assert!(
        log.contains(&format!(
            "names pid {}, which is not a PostgreSQL process",
            foreign.id()
        )),
        "{log}"
    );
    foreign.kill().unwrap();
    foreign.wait().unwrap();

    // SIGTERM in the middle of an outage still exits 0 (checked by `terminate`), and leaves no
    // PostgreSQL behind, whether or not the supervisor had restarted it yet.
    let running = postmaster_pid(&data_dir).unwrap();
    signal("-KILL", running);
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.terminate().await;
    assert!(wait_gone(running).await);
    if let Some(restarted) = postmaster_pid(&data_dir) {
        assert!(!alive(restarted), "PostgreSQL {restarted} is still running");
    }
}

#[tokio::test]
async fn commands_work_beside_a_running_server() {
    if external_database() {
        return;
    }
    let home = data_home();
    let data_dir = home.path().join("data");
    let server = Server::start(&data_dir, "beside").await;

    let mut create = closedset(&data_dir, server.port)
        .args(["user", "create", "--email", "op@example.test", "--admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = create.stdin.take().unwrap();
        stdin.write_all(b"river-lantern-quiet-42\n").unwrap();
    }
    let created = create.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&created.stderr);
    assert!(created.status.success(), "user create: {said}");
    assert!(said.contains("working beside it"), "{said}");

    // The new account signs in on the running server.
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = http
        .get(server.url("/signin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = form.find(marker).unwrap() + marker.len();
    let csrf = &form[start..start + form[start..].find('"').unwrap()];
    let signed_in = http
        .post(server.url("/signin"))
        .form(&[
            ("email", "op@example.test"),
            ("password", "river-lantern-quiet-42"),
            ("csrf", csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);

    let verified = closedset(&data_dir, server.port)
        .args(["ledger", "verify"])
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "ledger verify: {}",
        String::from_utf8_lossy(&verified.stderr)
    );

    // A second server on the same data is still refused, naming the first.
    let second = closedset(&data_dir, free_port()).output().unwrap();
    assert!(!second.status.success());
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(
        said.contains(&format!(
            "already in use by another Closed Set server (pid {})",
            server.pid()
        )),
        "{said}"
    );

    let running = postmaster_pid(&data_dir).unwrap();
    server.terminate().await;
    assert!(!alive(running));
}
