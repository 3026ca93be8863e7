//! The one-command start: the real binary creates its private cluster, serves, and leaves no
//! PostgreSQL behind when stopped with SIGTERM.

use sqlx::{ConnectOptions, Connection};

use crate::supervision::{Server, alive, data_home, external_database, postmaster_pid};

#[tokio::test]
async fn the_server_starts_its_own_postgres_and_stops_it_on_sigterm() {
    if external_database() {
        // With DATABASE_URL the binary starts no cluster; nothing to check here.
        return;
    }
    let dir = data_home();
    let data_dir = dir.path().join("data");
    for run in 0..2 {
        let server = Server::start(&data_dir, &format!("run-{run}")).await;
        let pid = postmaster_pid(&data_dir).expect("a running cluster in the data directory");
        assert!(alive(pid));
        assert_serves_as_a_role_that_owns_nothing(&data_dir).await;
        // Exits 0 (checked by `terminate`) having stopped PostgreSQL, not merely asked it to.
        server.terminate().await;
        assert!(!alive(pid), "run {run}: PostgreSQL {pid} is still running");
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
