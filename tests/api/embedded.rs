//! The one-command start: the real binary creates its private cluster, serves, and leaves no
//! PostgreSQL behind when stopped with SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_ready(url: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if let Ok(r) = reqwest::get(url).await
            && r.status().is_success()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

fn postmaster_pid(data_dir: &std::path::Path) -> Option<String> {
    std::fs::read_to_string(data_dir.join("postgres/postmaster.pid"))
        .ok()
        .and_then(|s| s.lines().next().map(str::to_string))
}

/// Running, not merely a zombie waiting for its parent to collect it.
fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
    })
}

#[tokio::test]
async fn the_server_starts_its_own_postgres_and_stops_it_on_sigterm() {
    if std::env::var("DATABASE_URL").is_ok_and(|u| !u.trim().is_empty()) {
        // With DATABASE_URL the binary starts no cluster; nothing to check here.
        return;
    }
    let dir = tempfile::Builder::new()
        .prefix("closedset-run-")
        .tempdir()
        .unwrap();
    // Like a checkout under a home directory: readable by the cluster's own user.
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let data_dir = dir.path().join("data");
    for run in 0..2 {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_closedset"))
            .env_remove("DATABASE_URL")
            .env("CLOSEDSET_DATA_DIR", &data_dir)
            .env("CLOSEDSET_LISTEN", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let ready = wait_ready(&format!("http://127.0.0.1:{port}/readyz")).await;
        if !ready {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "run {run}: the server did not become ready: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let pid = postmaster_pid(&data_dir).expect("a running cluster in the data directory");
        assert!(alive(&pid));

        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = tokio::task::spawn_blocking(move || child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(exit.success(), "run {run}: exit status {exit}");
        assert!(!alive(&pid), "run {run}: PostgreSQL {pid} is still running");
        assert!(postmaster_pid(&data_dir).is_none());
    }
}
