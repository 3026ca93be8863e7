//! The consent ledger: append-only in the database, one linear chain per production under
//! concurrency, and `closedset ledger verify` catching a row changed behind its back.

use std::process::Command;

use closedset::ledger;
use closedset::vocab::LedgerEvent;

use crate::support::{TestApp, database_url};

/// An event of the named kind with made-up details.
fn event(name: &str) -> LedgerEvent {
    let text_sha256 = format!("{name}-test");
    match name {
        "drafted" => LedgerEvent::Drafted { scenes: vec![] },
        "delivered" => LedgerEvent::Delivered {
            text_sha256,
            terms_sha256: format!("{name}-terms"),
            scenes: vec![],
        },
        "viewed" => LedgerEvent::Viewed { text_sha256 },
        "signed" => LedgerEvent::Signed {
            text_sha256,
            client_addr: "127.0.0.1".into(),
            user_agent: "test".into(),
            authenticated: "password".into(),
        },
        "revoked" => LedgerEvent::Revoked,
        other => panic!("no test event {other}"),
    }
}

async fn append(app: &TestApp, production_id: i64, name: &str, actor: i64) -> ledger::Entry {
    let mut tx = app.pool.begin().await.unwrap();
    let entry = ledger::append(&mut tx, production_id, &event(name), None, Some(actor))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    entry
}

fn run_verify(app: &TestApp, production: Option<i64>) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_closedset"));
    cmd.args(["ledger", "verify"])
        .env("DATABASE_URL", database_url(&app.db_name))
        .env("RUST_LOG", "error");
    if let Some(id) = production {
        cmd.args(["--production", &id.to_string()]);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn entries_chain_per_production_and_verify() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let a = app.production("A", pat).await;
    let b = app.production("B", pat).await;
    let first = append(&app, a, "drafted", pat).await;
    assert_eq!(first.seq, 1);
    assert_eq!(first.prev_hash, ledger::GENESIS);
    let second = append(&app, a, "delivered", pat).await;
    assert_eq!(second.prev_hash, first.entry_hash);
    // Another production has its own chain.
    assert_eq!(append(&app, b, "drafted", pat).await.seq, 1);

    let reports = ledger::verify_all(&app.pool, None).await.unwrap();
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r.result.is_ok()));
    let (ok, output) = run_verify(&app, Some(a));
    assert!(ok, "{output}");
    assert!(output.contains("2 entries, chain intact"), "{output}");
}

#[tokio::test]
async fn the_database_refuses_update_and_delete_on_the_ledger() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let a = app.production("A", pat).await;
    let entry = append(&app, a, "signed", pat).await;
    for sql in [
        "update consent_event set event = 'revoked' where consent_event_id = $1",
        "delete from consent_event where consent_event_id = $1",
    ] {
        let err = sqlx::query(sql)
            .bind(entry.consent_event_id)
            .execute(&app.pool)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    let err = sqlx::query("truncate consent_event")
        .execute(&app.pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert_eq!(ledger::entries(&app.pool, a).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_tampered_row_is_caught_and_named() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let mallory = app.user("mallory@example.test", "Mallory").await;
    let a = app.production("A", pat).await;
    for event in ["drafted", "delivered", "viewed", "signed", "revoked"] {
        append(&app, a, event, pat).await;
    }
    let target = ledger::entries(&app.pool, a).await.unwrap()[3].consent_event_id;
    // Someone with database superpowers disables the guard and rewrites history.
    let mut conn = app.pool.acquire().await.unwrap();
    sqlx::query("alter table consent_event disable trigger consent_event_append_only")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("update consent_event set actor_user_id = $2 where consent_event_id = $1")
        .bind(target)
        .bind(mallory)
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("alter table consent_event enable trigger consent_event_append_only")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);

    let reports = ledger::verify_all(&app.pool, Some(a)).await.unwrap();
    let broken = reports[0].result.as_ref().unwrap_err();
    assert_eq!(broken.consent_event_id, target);
    assert_eq!(broken.seq, 4);

    let (ok, output) = run_verify(&app, None);
    assert!(!ok, "verify should fail: {output}");
    assert!(output.contains(&format!("entry {target}")), "{output}");
}

#[tokio::test]
async fn fifty_concurrent_events_leave_one_valid_chain() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat").await;
    let a = app.production("A", pat).await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let pool = app.pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = pool.begin().await.unwrap();
            let viewed = LedgerEvent::Viewed {
                text_sha256: format!("{i}"),
            };
            ledger::append(&mut tx, a, &viewed, None, Some(pat))
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let chain = ledger::entries(&app.pool, a).await.unwrap();
    assert_eq!(chain.len(), 50);
    assert_eq!(
        chain.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=50).collect::<Vec<_>>()
    );
    assert_eq!(ledger::verify(&chain), Ok(()));
}
