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
            client_sha256: closedset::vocab::ledger_event::client_sha256(
                &"0".repeat(64),
                "127.0.0.1",
                "test",
            ),
            authenticated: "password".into(),
            method: "password".into(),
            credential_sha256: None,
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
    cmd.args(["ledger", "verify", "--key", &app.verifier().to_string()])
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

    let reports = app.verify_ledger(None).await;
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r.result.is_ok()));
    let (ok, output) = run_verify(&app, Some(a));
    assert!(ok, "{output}");
    assert!(output.contains("2 entries, chain intact"), "{output}");
}

/// The guard holds even for the tables' owner; the application's role is refused before it is
/// reached (tests/api/database_role.rs).
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
            .execute(&app.owner_pool)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    let err = sqlx::query("truncate consent_event")
        .execute(&app.owner_pool)
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
    // Someone with the owner's password disables the guard and rewrites history.
    let mut conn = app.owner_pool.acquire().await.unwrap();
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

    let reports = app.verify_ledger(Some(a)).await;
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

/// Rewrites a production's whole log as someone with the database (but not the signing key)
/// could: every hash recomputed, so the chain alone still verifies.
pub(crate) async fn rewrite(
    app: &TestApp,
    production_id: i64,
    change: impl FnOnce(&mut Vec<ledger::Entry>),
) {
    let mut entries = ledger::entries(&app.pool, production_id).await.unwrap();
    change(&mut entries);
    let mut prev = ledger::GENESIS.to_string();
    for (i, e) in entries.iter_mut().enumerate() {
        e.seq = i as i64 + 1;
        e.content_hash = ledger::content_hash(
            e.production_id,
            e.seq,
            &e.event,
            e.rider_id,
            e.actor_user_id,
            e.occurred_at_us,
            &e.details,
        );
        e.prev_hash = prev.clone();
        e.entry_hash = ledger::entry_hash(&prev, &e.content_hash);
        prev = e.entry_hash.clone();
    }
    let mut tx = app.owner_pool.begin().await.unwrap();
    sqlx::query("alter table consent_event disable trigger consent_event_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("delete from consent_event where production_id = $1")
        .bind(production_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    for e in &entries {
        sqlx::query(
            "insert into consent_event (production_id, seq, event, rider_id, actor_user_id,
                 occurred_at, details, content_hash, prev_hash, entry_hash)
             values ($1, $2, $3, $4, $5, timestamptz 'epoch' + $6 * interval '1 microsecond', $7, $8, $9, $10)",
        )
        .bind(e.production_id)
        .bind(e.seq)
        .bind(&e.event)
        .bind(e.rider_id)
        .bind(e.actor_user_id)
        .bind(e.occurred_at_us)
        .bind(&e.details)
        .bind(&e.content_hash)
        .bind(&e.prev_hash)
        .bind(&e.entry_hash)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    sqlx::query("alter table consent_event enable trigger consent_event_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// A production with six events, sealed by two checkpoints (after 3 and after 6).
async fn sealed_log(app: &TestApp) -> i64 {
    let pat = app.user("pat@example.test", "Pat").await;
    let a = app.production("A", pat).await;
    let key = crate::support::log_key(&app.db_name);
    for (i, event) in [
        "drafted",
        "delivered",
        "viewed",
        "signed",
        "revoked",
        "drafted",
    ]
    .into_iter()
    .enumerate()
    {
        append(app, a, event, pat).await;
        if i == 2 || i == 5 {
            ledger::checkpoint::seal(&app.pool, &key, a).await.unwrap();
        }
    }
    a
}

fn problems(app_reports: &[ledger::Report]) -> String {
    app_reports[0].checkpoint_problems.join("\n")
}

#[tokio::test]
async fn checkpoints_are_signed_and_verify_with_the_logs_key() {
    let app = TestApp::spawn().await;
    let a = sealed_log(&app).await;
    let key = crate::support::log_key(&app.db_name);
    let mut conn = app.pool.acquire().await.unwrap();
    let checkpoints = ledger::checkpoint::all(&mut conn, a).await.unwrap();
    assert_eq!(
        checkpoints.iter().map(|c| c.size).collect::<Vec<_>>(),
        vec![3, 6]
    );
    let signed = ledger::note::open(&checkpoints[1].note, key.verifier()).unwrap();
    assert_eq!(signed.origin, format!("closedset.test/production/{a}"));
    assert_eq!(signed.size, 6);
    // Sealing again with nothing new issues nothing.
    let again = ledger::checkpoint::seal(&app.pool, &key, a).await.unwrap();
    assert_eq!(again.unwrap().size, 6);

    let reports = app.verify_ledger(Some(a)).await;
    assert!(reports[0].is_intact(), "{reports:?}");
    assert_eq!(reports[0].checkpoints, 2);
    let (ok, output) = run_verify(&app, Some(a));
    assert!(ok, "{output}");
    assert!(
        output.contains("6 entries, chain intact, 2 signed checkpoints checked"),
        "{output}"
    );
    // Another log's key does not vouch for this one.
    let stranger = ledger::LogKey::from_seed("closedset.test", [3; 32]).unwrap();
    let reports = ledger::verify_all(&app.pool, Some(a), stranger.verifier())
        .await
        .unwrap();
    assert!(!reports[0].is_intact());
    assert!(
        problems(&reports).contains("not signed by this log's key"),
        "{}",
        problems(&reports)
    );
}

#[tokio::test]
async fn a_whole_log_rewritten_consistently_is_caught_by_its_checkpoints() {
    let app = TestApp::spawn().await;
    let a = sealed_log(&app).await;
    // The withdrawal (entry 5) becomes a second signature; every hash is redone.
    rewrite(&app, a, |entries| entries[4].event = "signed".into()).await;
    let reports = app.verify_ledger(Some(a)).await;
    assert!(reports[0].result.is_ok(), "the chain alone cannot see it");
    let said = problems(&reports);
    assert!(
        said.contains("signed a root for the first 6 entries that they no longer have"),
        "{said}"
    );
    // The checkpoint of the first three entries still holds: they were not changed.
    assert!(!said.contains("first 3 entries"), "{said}");
    let (ok, output) = run_verify(&app, Some(a));
    assert!(!ok, "{output}");
    assert!(output.contains("rewritten"), "{output}");
}

#[tokio::test]
async fn reordered_inserted_and_deleted_entries_are_caught_by_the_checkpoints() {
    for (what, change) in [
        (
            "reorder",
            Box::new(|e: &mut Vec<ledger::Entry>| e.swap(1, 2)) as Box<dyn FnOnce(&mut Vec<_>)>,
        ),
        (
            "insert",
            Box::new(|e: &mut Vec<ledger::Entry>| {
                let copy = e[3].clone();
                e.insert(1, copy)
            }),
        ),
        (
            "delete",
            Box::new(|e: &mut Vec<ledger::Entry>| {
                e.remove(4);
            }),
        ),
    ] {
        let app = TestApp::spawn().await;
        let a = sealed_log(&app).await;
        rewrite(&app, a, change).await;
        let reports = app.verify_ledger(Some(a)).await;
        assert!(!reports[0].is_intact(), "{what}: {reports:?}");
        assert!(
            problems(&reports).contains("no longer have")
                || problems(&reports).contains("cut off the end"),
            "{what}: {}",
            problems(&reports)
        );
    }
}

#[tokio::test]
async fn entries_cut_off_the_end_are_named() {
    let app = TestApp::spawn().await;
    let a = sealed_log(&app).await;
    rewrite(&app, a, |entries| entries.truncate(4)).await;
    let reports = app.verify_ledger(Some(a)).await;
    assert!(reports[0].result.is_ok(), "what is left still chains");
    let said = problems(&reports);
    assert!(
        said.contains("signed a log of 6 entries, but only 4 remain"),
        "{said}"
    );
}

#[tokio::test]
async fn a_checkpoint_forged_or_edited_in_the_database_is_named() {
    let app = TestApp::spawn().await;
    let a = sealed_log(&app).await;
    let mut conn = app.pool.acquire().await.unwrap();
    let newest = ledger::checkpoint::latest(&mut conn, a)
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    // A note signed by a key that is not the log's, slipped in as the next checkpoint.
    let impostor = ledger::LogKey::from_seed("closedset.test", [5; 32]).unwrap();
    let forged = ledger::note::Checkpoint {
        origin: ledger::note::origin("closedset.test", a),
        size: 7,
        root: [1; 32],
    }
    .sign(&impostor);
    sqlx::query(
        "insert into ledger_checkpoint (production_id, size, root_hash, frontier, note)
         values ($1, 7, $2, '', $3)",
    )
    .bind(a)
    .bind(hex::encode([1u8; 32]))
    .bind(&forged)
    .execute(&app.pool)
    .await
    .unwrap();
    // And the genuine newest one edited to claim one entry fewer.
    let edited = newest.note.replacen("\n6\n", "\n5\n", 1);
    let mut tx = app.owner_pool.begin().await.unwrap();
    sqlx::query("alter table ledger_checkpoint disable trigger ledger_checkpoint_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("update ledger_checkpoint set note = $2 where ledger_checkpoint_id = $1")
        .bind(newest.ledger_checkpoint_id)
        .bind(&edited)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let said = problems(&app.verify_ledger(Some(a)).await);
    assert!(said.contains("not signed by this log's key"), "{said}");
    assert!(
        said.contains(&format!(
            "checkpoint {} (size 6): its signature does not match its text",
            newest.ledger_checkpoint_id
        )),
        "{said}"
    );
}

#[tokio::test]
async fn the_sealer_refuses_to_sign_entries_that_do_not_chain() {
    let app = TestApp::spawn().await;
    let a = sealed_log(&app).await;
    append(&app, a, "viewed", 1).await;
    let mut tx = app.owner_pool.begin().await.unwrap();
    sqlx::query("alter table consent_event disable trigger consent_event_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("update consent_event set event = 'revoked' where production_id = $1 and seq = 7")
        .bind(a)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let key = crate::support::log_key(&app.db_name);
    let refused = ledger::checkpoint::seal(&app.pool, &key, a)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("entry 7 does not chain"),
        "{refused}"
    );
    let mut conn = app.pool.acquire().await.unwrap();
    let newest = ledger::checkpoint::latest(&mut conn, a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(newest.size, 6, "nothing was signed");
}
