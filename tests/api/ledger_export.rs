//! An auditor's view of the consent log: `closedset ledger export` writes one production's log,
//! `closedset ledger verify --file` and docs/verify.py check it with no database, and both name
//! every kind of tampering. The script also checks a performer's receipt, on its own and
//! against an export.

use std::path::{Path, PathBuf};
use std::process::Command;

use closedset::ledger::{self, receipt};
use closedset::vocab::LedgerEvent;
use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart, empty_breakdown};

use crate::support::{TestApp, build, database_url, log_key};

fn output(out: std::process::Output) -> (bool, String) {
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// `closedset ledger export` through the real binary, to a file in `dir`.
fn export(app: &TestApp, production_id: i64, dir: &Path) -> PathBuf {
    let path = dir.join("export.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_closedset"))
        .args([
            "ledger",
            "export",
            "--production",
            &production_id.to_string(),
        ])
        .args(["--key", &app.verifier().to_string(), "--out"])
        .arg(&path)
        .env("DATABASE_URL", database_url(&app.db_name))
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    let (ok, said) = output(out);
    assert!(ok, "{said}");
    path
}

/// `closedset ledger verify --file` with no database in sight: no DATABASE_URL, and a data
/// directory that must still not exist afterwards (no PostgreSQL was started).
fn verify_file(file: &Path, key: Option<&str>) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_closedset"));
    cmd.args(["ledger", "verify", "--file"])
        .arg(file)
        .env_remove("DATABASE_URL")
        .env("CLOSEDSET_DATA_DIR", &data_dir)
        .env("CLOSEDSET_LOG_KEY", dir.path().join("no.key"))
        .env("RUST_LOG", "error");
    if let Some(key) = key {
        cmd.args(["--key", key]);
    }
    let said = output(cmd.output().unwrap());
    assert!(!data_dir.exists(), "verify --file started a database");
    assert!(
        !dir.path().join("no.key").exists(),
        "verify --file made a key"
    );
    said
}

/// `python3 docs/verify.py ARGS`, for real: a machine without python3 or its `cryptography`
/// module fails here, saying what to install, rather than skipping the check.
fn script(args: &[&str]) -> (bool, String) {
    let probe = Command::new("python3")
        .args(["-c", "import cryptography"])
        .output();
    if !probe.is_ok_and(|out| out.status.success()) {
        panic!(
            "docs/verify.py is tested with python3 and its cryptography module: install \
             python3-cryptography (apt-get install python3 python3-cryptography)"
        );
    }
    output(
        Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/verify.py"))
            .args(args)
            .output()
            .unwrap(),
    )
}

async fn append(app: &TestApp, production_id: i64, event: LedgerEvent, actor: i64) {
    let mut tx = app.pool.begin().await.unwrap();
    ledger::append(&mut tx, production_id, &event, None, Some(actor))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// A production of seven events sealed by checkpoints at 3 and 7. Entry 4's details hold a
/// quote, a backslash, control characters, a slash and non-ASCII, so the script's canonical
/// bytes are held to serde_json's escaping.
async fn sealed_log(app: &TestApp) -> i64 {
    let pat = app.user("pat@example.test", "Pat").await;
    let a = app.production("A", pat).await;
    let key = log_key(&app.db_name);
    for i in 0..7 {
        let event = match i {
            3 => LedgerEvent::Signed {
                text_sha256: "ab".into(),
                client_sha256: "cd".into(),
                authenticated: "Mozilla/5.0 \"Zoë\" \\ \n\t\r\u{8}\u{c}\u{1}\u{1f}\u{7f} — 日本"
                    .into(),
                method: "password".into(),
                credential_sha256: None,
            },
            4 => LedgerEvent::Revoked,
            _ => LedgerEvent::Viewed {
                text_sha256: format!("{i}"),
            },
        };
        append(app, a, event, pat).await;
        if i == 2 || i == 6 {
            ledger::checkpoint::seal(&app.pool, &key, a).await.unwrap();
        }
    }
    a
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[tokio::test]
async fn an_export_verifies_offline_with_the_binary_and_the_script() {
    let app = TestApp::spawn().await;
    let a = sealed_log(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = export(&app, a, dir.path());
    let key = app.verifier().to_string();

    let all = lines(&file);
    assert_eq!(all.len(), 1 + 7 + 2);
    assert_eq!(
        all[0],
        format!(
            r#"{{"type":"log","format":"closedset-log-export-1","production_id":{a},"origin":"closedset.test/production/{a}","verifier_key":"{key}"}}"#
        )
    );
    assert!(
        all[1].starts_with(r#"{"type":"entry","consent_event_id":"#),
        "{}",
        all[1]
    );
    assert!(all[1].contains(r#","seq":1,"event":"viewed","rider_id":null,"#));
    assert!(
        all[8].starts_with(r#"{"type":"checkpoint","id":"#),
        "{}",
        all[8]
    );
    assert!(all[9].contains(r#","size":7,"note":""#), "{}", all[9]);

    // Standard output carries the same export, and nothing else.
    let out = Command::new(env!("CARGO_BIN_EXE_closedset"))
        .args([
            "ledger",
            "export",
            "--production",
            &a.to_string(),
            "--key",
            &key,
        ])
        .env("DATABASE_URL", database_url(&app.db_name))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(&file).unwrap()
    );

    let (ok, said) = verify_file(&file, Some(&key));
    assert!(ok, "{said}");
    assert!(
        said.contains(&format!(
            "production {a}: 7 entries, chain intact, 2 signed checkpoints checked"
        )),
        "{said}"
    );
    assert!(!said.contains("warning"), "{said}");
    // Without --key the export's own key is used, and the auditor is told to compare it.
    let (ok, said) = verify_file(&file, None);
    assert!(ok, "{said}");
    assert!(said.contains("warning: checking with the key the export itself names"));
    // A key other than the log's is refused.
    let stranger = ledger::LogKey::from_seed("closedset.test", [3; 32]).unwrap();
    let stranger = stranger.verifier().to_string();
    let (ok, said) = verify_file(&file, Some(&stranger));
    assert!(!ok, "{said}");
    assert!(said.contains("the export names the key"), "{said}");
    assert!(said.contains("not signed by this log's key"), "{said}");

    let (ok, said) = script(&["--key", &key, file.to_str().unwrap()]);
    assert!(ok, "{said}");
    assert_eq!(said.trim(), "OK");
    let (ok, said) = script(&["--key", &stranger, file.to_str().unwrap()]);
    assert!(!ok, "{said}");
    assert!(said.contains("not signed by this log's key"), "{said}");
}

/// Every hash of `entries` redone from the first, as someone rewriting the whole log would.
fn rehash(entries: &mut [receipt::EntryRecord]) {
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
}

fn entry_line(e: &receipt::EntryRecord) -> String {
    let mut value = serde_json::to_value(e).unwrap();
    value["type"] = "entry".into();
    value.to_string()
}

#[tokio::test]
async fn tampered_exports_are_named_by_the_binary_and_the_script() {
    let app = TestApp::spawn().await;
    let a = sealed_log(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let original = lines(&export(&app, a, dir.path()));
    let key = app.verifier().to_string();
    let records: Vec<receipt::EntryRecord> = original[1..8]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let third = records[2].consent_event_id;
    let checkpoint_7: serde_json::Value = serde_json::from_str(&original[9]).unwrap();

    let mut cases: Vec<(&str, Vec<String>, String)> = Vec::new();
    let mut changed = original.clone();
    changed[3] = changed[3].replacen(r#""actor_user_id":"#, r#""actor_user_id":9"#, 1);
    cases.push((
        "a changed field",
        changed,
        format!(
            "chain BROKEN at entry {third} (position 3 in its chain): its content no longer \
             matches its hash"
        ),
    ));
    let mut deleted = original.clone();
    deleted.remove(2);
    cases.push((
        "a deleted line",
        deleted,
        format!("chain BROKEN at entry {third} (position 3 in its chain): an entry is missing"),
    ));
    let mut reordered = original.clone();
    reordered.swap(2, 3);
    cases.push((
        "two entries reordered",
        reordered,
        "an entry is missing or out of order before this one".into(),
    ));
    let mut cut = original.clone();
    cut.drain(6..8);
    cases.push((
        "trailing entries dropped",
        cut,
        "signed a log of 7 entries, but only 5 remain: entries were cut off the end".into(),
    ));
    // The withdrawal becomes a second signature, every hash redone: the chain holds.
    let mut rewritten_records = records.clone();
    rewritten_records[4].event = "signed".into();
    rehash(&mut rewritten_records);
    let mut rewritten = original.clone();
    for (i, e) in rewritten_records.iter().enumerate() {
        rewritten[1 + i] = entry_line(e);
    }
    cases.push((
        "a consistent rewrite",
        rewritten,
        "signed a root for the first 7 entries that they no longer have".into(),
    ));
    // The newest checkpoint re-signed by another key, as a forger with the database could.
    let impostor = ledger::LogKey::from_seed("closedset.test", [5; 32]).unwrap();
    let signed = ledger::note::open(checkpoint_7["note"].as_str().unwrap(), &app.verifier())
        .unwrap()
        .sign(&impostor);
    let mut foreign = original.clone();
    let mut line = checkpoint_7.clone();
    line["note"] = signed.into();
    foreign[9] = line.to_string();
    cases.push((
        "a checkpoint from another key",
        foreign,
        "(size 7): it is not signed by this log's key".into(),
    ));

    for (what, tampered, expected) in cases {
        let file = write(dir.path(), "tampered.jsonl", &tampered);
        let (ok, said) = verify_file(&file, Some(&key));
        assert!(!ok, "{what}: the binary passed it: {said}");
        assert!(said.contains(&expected), "{what}: the binary said {said}");
        let (ok, said) = script(&["--key", &key, file.to_str().unwrap()]);
        assert!(!ok, "{what}: the script passed it: {said}");
        assert!(said.contains(&expected), "{what}: the script said {said}");
    }
}

/// A production where one performer's rider is delivered among other events, its log sealed.
async fn receipt_for_a_rider(app: &TestApp) -> (i64, receipt::Receipt) {
    let pat = app.user("pat@example.test", "Pat").await;
    let cora = app.user("cora@example.test", "Cora").await;
    let production = app.production("B", pat).await;
    app.add_member(production, cora, "coordinator").await;
    let bea = build::cast(app, production, 1, "Bea Cast")
        .playing("Marion")
        .await;
    let scene = build::scene(app, production, "12A").with(&[bea]).await;
    let breakdown = Breakdown {
        kinds: vec![IntimacyKind::SimulatedSex],
        performers: vec![PerformerPart {
            cast_member_id: bea,
            nudity: NudityLevel::None,
            shown: vec![],
            touched: vec![BodyArea::Face],
            touching: vec![BodyArea::Face],
            acts: vec!["Simulated sex under the sheet".into()],
            garments: String::new(),
        }],
        ..empty_breakdown()
    };
    build::breakdown(app, production, scene, &breakdown, None).await;
    for i in 0..3 {
        let viewed = LedgerEvent::Viewed {
            text_sha256: format!("before {i}"),
        };
        append(app, production, viewed, cora).await;
    }
    let rider_id = build::rider(app, production, bea, &[scene])
        .by(cora)
        .delivered()
        .await;
    append(app, production, LedgerEvent::Revoked, cora).await;
    let text = crate::support::sealed::rider_text(app, rider_id).await;
    let key = log_key(&app.db_name);
    ledger::checkpoint::seal(&app.pool, &key, production)
        .await
        .unwrap();
    let about = receipt::About {
        principal: "Bea Cast".into(),
        controller: "B".into(),
        services: vec![],
        rider_id,
        rider_text: text,
        verify_url: app.url("/verify"),
    };
    let built = receipt::build(&app.pool, &key, production, about)
        .await
        .unwrap();
    assert!(built.events.len() >= 2, "drafted and delivered");
    (production, built)
}

#[tokio::test]
async fn a_receipt_verifies_with_the_script_alone_and_against_an_export() {
    let app = TestApp::spawn().await;
    let (production, built) = receipt_for_a_rider(&app).await;
    let key = app.verifier().to_string();
    let dir = tempfile::tempdir().unwrap();
    let exported = export(&app, production, dir.path());
    let exported = exported.to_str().unwrap();
    let write_receipt = |r: &receipt::Receipt| {
        let path = dir.path().join("receipt.json");
        std::fs::write(&path, serde_json::to_string_pretty(r).unwrap()).unwrap();
        path.to_str().unwrap().to_string()
    };
    let file = write_receipt(&built);
    for args in [
        vec!["--key", &key, &file],
        vec!["--key", &key, &file, "--export", exported],
    ] {
        let (ok, said) = script(&args);
        assert!(ok, "{args:?}: {said}");
        assert_eq!(said.trim(), "OK");
    }

    let impostor = ledger::LogKey::from_seed("closedset.test", [5; 32]).unwrap();
    let mut cases: Vec<(&str, receipt::Receipt, &str)> = Vec::new();
    let mut r = built.clone();
    r.rider.text.push_str(" And one more thing.");
    cases.push((
        "changed text",
        r,
        "the rider text is not the text whose hash it gives",
    ));
    let mut r = built.clone();
    r.events[1].entry.occurred_at_us += 1;
    cases.push(("changed event", r, "its content no longer matches its hash"));
    let mut r = built.clone();
    r.events[1].inclusion_proof = built.events[0].inclusion_proof.clone();
    cases.push(("proof of another index", r, "it is not in the signed log"));
    let mut r = built.clone();
    r.checkpoint = ledger::note::open(&built.checkpoint, &app.verifier())
        .unwrap()
        .sign(&impostor);
    cases.push((
        "checkpoint from another key",
        r,
        "its checkpoint: it is not signed by this log's key",
    ));
    for (what, tampered, expected) in cases {
        let file = write_receipt(&tampered);
        for args in [
            vec!["--key", &key, &file],
            vec!["--key", &key, &file, "--export", exported],
        ] {
            let (ok, said) = script(&args);
            assert!(!ok, "{what}: the script passed it: {said}");
            assert!(said.contains(expected), "{what}: the script said {said}");
        }
    }

    // A receipt that holds on its own, against an export whose log was rewritten since.
    let file = write_receipt(&built);
    let original = lines(Path::new(exported));
    let mut records: Vec<receipt::EntryRecord> = original
        .iter()
        .filter(|l| l.starts_with(r#"{"type":"entry""#))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    records[0].event = "revoked".into();
    rehash(&mut records);
    let mut rewritten = original.clone();
    for (i, e) in records.iter().enumerate() {
        rewritten[1 + i] = entry_line(e);
    }
    let rewritten = write(dir.path(), "rewritten.jsonl", &rewritten);
    let (ok, said) = script(&[
        "--key",
        &key,
        &file,
        "--export",
        rewritten.to_str().unwrap(),
    ]);
    assert!(!ok, "{said}");
    assert!(
        said.contains("are not the log the receipt's checkpoint signed"),
        "{said}"
    );
    assert!(
        said.contains("is not the export's entry at that position"),
        "{said}"
    );
}
