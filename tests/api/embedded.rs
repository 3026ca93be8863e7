//! The one-command start: the real binary creates its private cluster, serves, and leaves no
//! PostgreSQL behind when stopped with SIGTERM.

use std::process::{Command, Stdio};

use sqlx::{ConnectOptions, Connection};

use crate::support::{free_port, wait_ready};

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
        assert_serves_as_a_role_that_owns_nothing(&data_dir).await;

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

/// The server's connections to its private cluster are the application's role, which owns no
/// table: it could not switch off the ledger's guard.
async fn assert_serves_as_a_role_that_owns_nothing(data_dir: &std::path::Path) {
    let mut conn = sqlx::postgres::PgConnectOptions::new()
        .socket(data_dir.join("postgres"))
        .username("closedset")
        .database("closedset")
        .connect()
        .await
        .unwrap();
    let roles: Vec<String> = sqlx::query_scalar(
        "select distinct usename::text from pg_stat_activity
         where datname = 'closedset' and backend_type = 'client backend'
           and pid <> pg_backend_pid()",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(roles, [closedset::db::APPLICATION_ROLE]);
    let owned: i64 =
        sqlx::query_scalar("select count(*) from pg_class where relowner = $1::regrole")
            .bind(closedset::db::APPLICATION_ROLE)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(owned, 0);
    conn.close().await.unwrap();
}
