//! The server runs as a database role that owns nothing: it may read and write rows, and only
//! append to the ledger and the access log, while the owner keeps what migrations need.

use std::process::Command;

use closedset::db;
use closedset::ledger;
use closedset::vocab::LedgerEvent;
use sqlx::{Connection, PgConnection, PgPool};

use crate::support::{
    TestApp, app_database_url, closedset_binary, database_url, empty_database, free_port,
    runs_as_owner, wait_ready,
};

fn skipped() -> bool {
    if runs_as_owner() {
        eprintln!("skipped: the tests connect as the owner (no application role could be made)");
    }
    runs_as_owner()
}

/// `sql` run as `pool`'s role fails for want of privilege, not because a trigger refused it.
async fn refused_by_privilege(pool: &PgPool, sql: &str) {
    let err = sqlx::query(sql).execute(pool).await.unwrap_err();
    let sqlx::Error::Database(db_err) = &err else {
        panic!("{sql}: {err}");
    };
    assert_eq!(db_err.code().as_deref(), Some("42501"), "{sql}: {err}");
    assert!(!db_err.message().contains("append-only"), "{sql}: {err}");
}

async fn privileges(pool: &PgPool, table: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select p from unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE',
                                    'REFERENCES', 'TRIGGER']) p
         where has_table_privilege(current_user, $1, p)",
    )
    .bind(table)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_server_role_cannot_switch_off_the_ledger_guard_or_empty_the_records() {
    if skipped() {
        return;
    }
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let a = app.production("A", pat).await;
    // Appending is what the server does, and may.
    let mut tx = app.pool.begin().await.unwrap();
    ledger::append(&mut tx, a, &LedgerEvent::Revoked, None, Some(pat))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    for sql in [
        "alter table consent_event disable trigger consent_event_append_only",
        "alter table consent_event disable trigger all",
        "drop trigger consent_event_append_only on consent_event",
        "drop table consent_event",
        "update consent_event set actor_user_id = null",
        "delete from consent_event",
        "truncate consent_event",
        // Replica mode would skip every trigger; only a superuser may set it.
        "set session_replication_role = replica",
        "create or replace function consent_event_refuse_change() returns trigger
         language plpgsql as $$ begin return old; end $$",
        "alter table record_view disable trigger record_view_append_only",
        "update record_view set viewer_user_id = null",
        "delete from record_view",
        "truncate record_view",
        "drop table record_view",
        "delete from conversation_version",
        "delete from _sqlx_migrations",
    ] {
        refused_by_privilege(&app.pool, sql).await;
    }
    let entries = ledger::entries(&app.pool, a).await.unwrap();
    assert_eq!(entries.len(), 1);
    let reports = app.verify_ledger(Some(a)).await;
    assert!(reports[0].result.is_ok());
}

#[tokio::test]
async fn the_owner_keeps_what_migrations_need_and_every_start_grants_again() {
    if skipped() {
        return;
    }
    let app = TestApp::spawn().await;
    let role: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    // What a migration does to the ledger, the owner still can (rolled back here).
    let mut tx = app.owner_pool.begin().await.unwrap();
    for sql in [
        "alter table consent_event disable trigger consent_event_append_only",
        "alter table consent_event enable trigger consent_event_append_only",
        "alter table consent_event add column probe text",
        "create index consent_event_probe_idx on consent_event (probe)",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    tx.rollback().await.unwrap();

    // A later migration adds tables: the server's role has nothing on them until the next start
    // grants again.
    for sql in [
        "create table later_feature (
             later_feature_id bigint generated always as identity primary key,
             note text not null)",
        "create table if not exists ledger_checkpoint (
             ledger_checkpoint_id bigint generated always as identity primary key)",
    ] {
        sqlx::query(sql).execute(&app.owner_pool).await.unwrap();
    }
    refused_by_privilege(&app.pool, "insert into later_feature (note) values ('x')").await;

    let mut owner = app.owner_pool.acquire().await.unwrap();
    for _ in 0..2 {
        db::grant_application_role(&mut owner, &role).await.unwrap();
    }
    drop(owner);
    let id: i64 = sqlx::query_scalar(
        "insert into later_feature (note) values ('x') returning later_feature_id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("update later_feature set note = 'y' where later_feature_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("delete from later_feature where later_feature_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();

    let rows = ["SELECT", "INSERT", "UPDATE", "DELETE"];
    for table in [
        "later_feature",
        "production",
        "rider",
        "tower_sessions.session",
    ] {
        assert_eq!(privileges(&app.pool, table).await, rows, "{table}");
    }
    for table in [
        "consent_event",
        "record_view",
        "conversation_version",
        "conversation_version_performer",
        "ledger_checkpoint",
    ] {
        assert_eq!(
            privileges(&app.pool, table).await,
            ["SELECT", "INSERT"],
            "{table}"
        );
    }
    assert!(privileges(&app.pool, "_sqlx_migrations").await.is_empty());
}

/// Runs the binary until `/readyz` answers, then stops it; returns whether it became ready and
/// what it wrote (its log and its errors). A port from `free_port` can be taken by another
/// test's server before the binary binds it, and `/readyz` would then be answered by that one:
/// so ready means the binary's own log says it listens, and a binary that could not listen is
/// started again on another port.
async fn run_until_ready(mut command: Command) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let mut said = String::new();
    for _ in 0..5 {
        let port = free_port();
        let log = std::fs::File::create(&log_path).unwrap();
        let mut child = command
            .env("CLOSEDSET_LISTEN", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn,closedset=info")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
        let ready = loop {
            said = std::fs::read_to_string(&log_path).unwrap_or_default();
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            if said.contains("Closed Set is listening on")
                && wait_ready(&format!("http://127.0.0.1:{port}/readyz")).await
            {
                break true;
            }
            if std::time::Instant::now() > deadline {
                break false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        tokio::task::spawn_blocking(move || child.wait())
            .await
            .unwrap()
            .unwrap();
        said = std::fs::read_to_string(&log_path).unwrap_or_default();
        let port_taken = !ready && said.contains(&format!("127.0.0.1:{port}"));
        if !port_taken {
            return (ready, said);
        }
    }
    (false, said)
}

#[tokio::test]
async fn the_binary_migrates_as_the_owner_and_serves_as_a_role_that_owns_nothing() {
    let name = empty_database().await;
    let (ready, output) = run_until_ready(closedset_binary(&name)).await;
    assert!(ready, "the server did not become ready: {output}");
    assert!(!output.contains("postgres://"), "{output}");
    if runs_as_owner() {
        return;
    }
    assert!(!output.contains("Database roles"), "{output}");

    let mut app = PgConnection::connect(&app_database_url(&name))
        .await
        .unwrap();
    let role: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&mut app)
        .await
        .unwrap();
    app.close().await.unwrap();
    let mut owner = PgConnection::connect(&database_url(&name)).await.unwrap();
    let applied: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(applied as usize, db::MIGRATOR.iter().count());
    let (owned, appends, changes): (i64, bool, bool) = sqlx::query_as(
        "select (select count(*) from pg_class where relowner = $1::regrole),
                has_table_privilege($1, 'consent_event', 'INSERT'),
                has_table_privilege($1, 'consent_event', 'UPDATE')",
    )
    .bind(&role)
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert_eq!((owned, appends, changes), (0, true, false));
    owner.close().await.unwrap();
}

#[tokio::test]
async fn the_binary_warns_when_its_role_owns_the_tables() {
    let name = empty_database().await;
    let mut command = Command::new(env!("CARGO_BIN_EXE_closedset"));
    command
        .env("DATABASE_URL", database_url(&name))
        .env_remove("CLOSEDSET_MIGRATION_DATABASE_URL");
    let (ready, output) = run_until_ready(command).await;
    assert!(ready, "the server did not become ready: {output}");
    assert!(output.contains("append-only"), "{output}");
    assert!(output.contains("\"Database roles\""), "{output}");
    assert!(!output.contains("postgres://"), "{output}");
}
