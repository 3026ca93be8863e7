//! Receipts: a performer downloads the receipt of their rider and checks it without us (the
//! library's `check`, the real binary), tampering of every kind is named, the public /verify
//! page says valid or not valid and nothing else, and the certificate shows the signed proof.

use std::process::Command;

use closedset::ledger::{self, LogKey, note, receipt::Receipt};
use closedset::vocab::body::{BodyArea as A, IntimacyKind as K, NudityLevel as N};
use closedset::vocab::breakdown::{Breakdown, PerformerPart};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::ledger::rewrite;
use crate::support::{Client, PASSWORD, TestApp, build, log_key};

struct Film {
    app: TestApp,
    production: i64,
    alex_cast: i64,
    alex_rider: i64,
    sam_rider: i64,
}

/// "Night Swim": coordinator Cora, director Dana, performers Alex (#1) and Sam (#2) in scene
/// 5A; each has a rider delivered, and Alex has read and signed theirs.
async fn film() -> Film {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let mut ids = Vec::new();
    for (email, name, role) in [
        ("cora@example.test", "Cora Coordinator", "coordinator"),
        ("dana@example.test", "Dana Director", "director"),
        ("alex@example.test", "Alex Rivera", "performer"),
        ("sam@example.test", "Sam Lindqvist", "performer"),
    ] {
        let id = app.user(email, name).await;
        app.add_member(production, id, role).await;
        ids.push(id);
    }
    let (cora, alex, sam) = (ids[0], ids[2], ids[3]);
    let alex_cast = build::cast(&app, production, 1, "Alex Rivera")
        .playing("Marion")
        .linked_to(alex)
        .await;
    let sam_cast = build::cast(&app, production, 2, "Sam Lindqvist")
        .playing("Jo")
        .linked_to(sam)
        .await;
    let scene = build::scene(&app, production, "5A")
        .on_set("Lake house bedroom")
        .with(&[alex_cast, sam_cast])
        .await;
    let part = |cast_member_id, acts: &[&str]| PerformerPart {
        cast_member_id,
        nudity: N::PartialUpper,
        shown: vec![A::UpperBack],
        touched: vec![A::Face],
        touching: vec![A::Face],
        acts: acts.iter().map(|a| a.to_string()).collect(),
        garments: String::new(),
    };
    let breakdown = Breakdown {
        kinds: vec![K::Nudity, K::Kiss],
        performers: vec![
            part(alex_cast, &["Removes shirt, back to camera"]),
            part(sam_cast, &["Lies under the sheet"]),
        ],
        garments: "Barrier pad between performers".into(),
        stills_allowed: false,
        closed_set: vec!["Cora Coordinator".into()],
        monitor_list: vec!["Cora Coordinator".into()],
    };
    build::breakdown(&app, production, scene, &breakdown, Some(cora)).await;
    let alex_rider = build::rider(&app, production, alex_cast, &[scene])
        .by(cora)
        .delivered()
        .await;
    let sam_rider = build::rider(&app, production, sam_cast, &[scene])
        .by(cora)
        .delivered()
        .await;
    let film = Film {
        app,
        production,
        alex_cast,
        alex_rider,
        sam_rider,
    };
    let mut alex = film.app.signed_in("alex@example.test").await;
    assert_eq!(
        alex.get(&film.rider_path(alex_rider, "")).await.status,
        StatusCode::OK
    );
    let hash: String = sqlx::query_scalar("select body_sha256 from rider where rider_id = $1")
        .bind(alex_rider)
        .fetch_one(&film.app.pool)
        .await
        .unwrap();
    let signed = alex
        .post(
            &film.rider_path(alex_rider, "/sign"),
            &[("password", PASSWORD), ("text_sha256", &hash)],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    film
}

impl Film {
    fn rider_path(&self, rider_id: i64, rest: &str) -> String {
        format!("/productions/{}/riders/{rider_id}{rest}", self.production)
    }

    /// Downloads a rider's receipt as `client`, checking it comes as a JSON attachment.
    async fn receipt(&self, client: &mut Client, rider_id: i64) -> Receipt {
        let page = client
            .get(&self.rider_path(rider_id, "/receipt.json"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let header = |name: &str| {
            page.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(header("content-type"), "application/json");
        assert!(
            header("content-disposition").starts_with("attachment; filename=\"closedset-receipt-"),
            "{}",
            header("content-disposition")
        );
        serde_json::from_str(&page.body).unwrap()
    }
}

/// Runs `closedset receipt verify` on a receipt written to a file, with `--key` when given and
/// without any key file of its own.
fn run_verify(receipt: &Receipt, key: Option<&str>) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("receipt.json");
    std::fs::write(&file, serde_json::to_vec_pretty(receipt).unwrap()).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_closedset"));
    cmd.args(["receipt", "verify", file.to_str().unwrap()])
        .env("CLOSEDSET_LOG_KEY", dir.path().join("no-such.key"))
        .env("RUST_LOG", "error");
    if let Some(key) = key {
        cmd.args(["--key", key]);
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

/// One way of changing a receipt after it was issued.
type Tamper = Box<dyn Fn(&mut Receipt)>;

fn problems(receipt: &Receipt, app: &TestApp) -> String {
    match ledger::receipt::check(receipt, &app.verifier()) {
        Ok(_) => String::from("(it checks out)"),
        Err(problems) => problems.join("\n"),
    }
}

#[tokio::test]
async fn a_performer_downloads_a_receipt_that_checks_out_without_us() {
    let f = film().await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let receipt = f.receipt(&mut alex, f.alex_rider).await;
    let checked = ledger::receipt::check(&receipt, &f.app.verifier()).unwrap();
    let events: Vec<&str> = receipt
        .events
        .iter()
        .map(|e| e.entry.event.as_str())
        .collect();
    assert_eq!(events, ["drafted", "delivered", "viewed", "signed"]);
    assert_eq!(checked.events, 4);
    assert_eq!(receipt.pii_principal_id, "Alex Rivera");
    assert_eq!(receipt.pii_controllers[0].pii_controller, "Night Swim");
    assert_eq!(receipt.log.verify_url, f.app.url("/verify"));
    assert_eq!(receipt.services.len(), 1);
    assert!(receipt.services[0].service.starts_with("Scene 5A"));
    let purposes: Vec<&str> = receipt.services[0]
        .purposes
        .iter()
        .map(|p| p.purpose.as_str())
        .collect();
    assert_eq!(
        purposes,
        ["Filming what the rider describes for scene 5A, for use in the picture"]
    );

    // The real binary, with the log's published key and with none at all.
    let key = f.app.verifier().to_string();
    let (ok, output) = run_verify(&receipt, Some(&key));
    assert!(ok, "{output}");
    assert!(output.contains("valid: 4 events"), "{output}");
    assert!(
        output.contains(&format!("at size {}", checked.checkpoint.size)),
        "{output}"
    );
    let (ok, output) = run_verify(&receipt, None);
    assert!(ok, "{output}");
    assert!(
        output.contains("warning: there is no log key here"),
        "{output}"
    );

    // The exact text, byte for byte the text whose hash the ledger holds.
    let text = alex.get(&f.rider_path(f.alex_rider, "/rider.txt")).await;
    assert_eq!(text.status, StatusCode::OK);
    assert_eq!(
        text.headers["content-type"].to_str().unwrap(),
        "text/plain; charset=utf-8"
    );
    assert!(
        text.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let details: String = sqlx::query_scalar(
        "select details from consent_event where rider_id = $1 and event = 'signed'",
    )
    .bind(f.alex_rider)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(
        details["text_sha256"],
        hex::encode(Sha256::digest(text.body.as_bytes()))
    );
    assert_eq!(text.body, receipt.rider.text);
}

#[tokio::test]
async fn every_kind_of_tampering_is_named() {
    let f = film().await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let honest = f.receipt(&mut alex, f.alex_rider).await;
    let mut sam = f.app.signed_in("sam@example.test").await;
    let sams = f.receipt(&mut sam, f.sam_rider).await;

    let stranger = LogKey::from_seed("closedset.test", [3; 32]).unwrap();
    let cases: Vec<(&str, Tamper, &str)> = vec![
        (
            "text",
            Box::new(|r| r.rider.text = r.rider.text.replace("Removes shirt", "Removes all")),
            "the rider text is not the text whose hash it gives",
        ),
        (
            "event field",
            Box::new(|r| {
                r.events[3].entry.details = r.events[3].entry.details.replace("password", "passkey")
            }),
            "(signed): its content does not match its hash",
        ),
        (
            "proof hash",
            Box::new(|r| {
                let hash = &mut r.events[0].inclusion_proof[0];
                let flipped = if hash.starts_with('0') { "1" } else { "0" };
                hash.replace_range(0..1, flipped);
            }),
            "(drafted): it is not in the signed log",
        ),
        (
            "checkpoint re-signed",
            Box::new(move |r| {
                let cp = note::open(&r.checkpoint, &log_key_of(r)).unwrap();
                r.checkpoint = cp.sign(&stranger);
            }),
            "its checkpoint: it is not signed by this log's key",
        ),
        (
            "another rider's event",
            Box::new(move |r| r.events.push(sams.events[1].clone())),
            "it is about another rider",
        ),
    ];
    for (what, tamper, said) in cases {
        let mut receipt = honest.clone();
        tamper(&mut receipt);
        let found = problems(&receipt, &f.app);
        assert!(found.contains(said), "{what}: {found}");
        let (ok, output) = run_verify(&receipt, Some(&f.app.verifier().to_string()));
        assert!(!ok, "{what}: {output}");
        assert!(output.contains(said), "{what}: {output}");
    }
}

/// The key the receipt names, for re-signing its checkpoint in a test.
fn log_key_of(receipt: &Receipt) -> ledger::VerifierKey {
    receipt.log.verifier_key.parse().unwrap()
}

/// Posts a receipt's text to /verify as someone who is not signed in.
async fn verify_page(app: &TestApp, text: &str) -> crate::support::Page {
    let mut anyone = app.client();
    let page = anyone.get("/verify").await;
    assert_eq!(page.status, StatusCode::OK);
    anyone.post("/verify", &[("receipt", text)]).await
}

#[tokio::test]
async fn the_verify_page_says_valid_or_not_valid_and_nothing_else() {
    let f = film().await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let honest = f.receipt(&mut alex, f.alex_rider).await;
    let honest_text = serde_json::to_string_pretty(&honest).unwrap();

    let page = f.app.client().get("/verify").await;
    assert!(
        page.body.contains(&f.app.verifier().to_string()),
        "{}",
        page.body
    );

    let reveals_nothing = |body: &str| {
        for secret in [
            "Night Swim",
            "Alex Rivera",
            "Sam Lindqvist",
            "Removes shirt",
        ] {
            assert!(!body.contains(secret), "the page shows {secret}");
        }
    };
    let page = verify_page(&f.app, &honest_text).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h2>Valid</h2>"), "{}", page.body);
    reveals_nothing(&page.body);

    // A receipt whose checkpoint names another production's log, signed by the log's own key.
    let other = f
        .app
        .production("Another Film", f.app.user("ola@example.test", "Ola").await)
        .await;
    let mut elsewhere = honest.clone();
    let mut cp = note::open(&elsewhere.checkpoint, &f.app.verifier()).unwrap();
    cp.origin = note::origin("closedset.test", other);
    elsewhere.checkpoint = cp.sign(&log_key(&f.app.db_name));
    elsewhere.log.origin = cp.origin.clone();
    let page = verify_page(&f.app, &serde_json::to_string(&elsewhere).unwrap()).await;
    assert!(page.body.contains("<h2>Not valid</h2>"), "{}", page.body);
    assert!(page.body.contains("another production"), "{}", page.body);
    reveals_nothing(&page.body);

    // Someone with the database rewrites the log behind the app's back, every hash redone.
    rewrite(&f.app, f.production, |entries| {
        let signed = entries.iter_mut().find(|e| e.event == "signed").unwrap();
        signed.details = signed.details.replace("password", "passkey");
    })
    .await;
    assert!(
        ledger::receipt::check(&honest, &f.app.verifier()).is_ok(),
        "the receipt itself is still whole"
    );
    let page = verify_page(&f.app, &honest_text).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h2>Not valid</h2>"), "{}", page.body);
    assert!(
        page.body
            .contains("log is not an extension of the log the receipt was signed for"),
        "{}",
        page.body
    );
    reveals_nothing(&page.body);
}

#[tokio::test]
async fn bad_input_on_the_verify_page_is_named_beside_the_field_and_kept() {
    let app = TestApp::spawn().await;
    for (sent, said) in [
        ("", "Paste the receipt’s text"),
        ("not json at all", "it is not valid JSON"),
        (
            "{\"version\": \"closedset-receipt-1\"}",
            "not a Closed Set receipt",
        ),
        ("{\"a\": 1}\u{0}", "a NUL byte"),
    ] {
        let page = verify_page(&app, sent).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{sent:?}");
        assert!(page.body.contains("id=\"receipt-error\""), "{}", page.body);
        assert!(page.body.contains(said), "{sent:?}: {}", page.body);
        assert!(
            page.body.contains("href=\"#receipt\""),
            "the summary links the field"
        );
        if sent.starts_with("not") {
            assert!(
                page.body.contains(">not json at all</textarea>"),
                "kept what was typed"
            );
        }
    }
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(300 * 1024));
    let page = verify_page(&app, &huge).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("larger than any receipt"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn only_those_who_may_see_the_certificate_download_the_receipt() {
    let f = film().await;
    let mut sam = f.app.signed_in("sam@example.test").await;
    let mut dana = f.app.signed_in("dana@example.test").await;
    for rest in ["/receipt.json", "/rider.txt"] {
        let path = f.rider_path(f.alex_rider, rest);
        assert_eq!(sam.get(&path).await.status, StatusCode::NOT_FOUND, "{rest}");
        assert_eq!(
            dana.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{rest}"
        );
    }
    assert_eq!(
        f.app
            .client()
            .get(&f.rider_path(f.alex_rider, "/receipt.json"))
            .await
            .status,
        StatusCode::SEE_OTHER,
        "signing in first"
    );
    // The coordinator may, and Alex is told: a download is a look at the certificate.
    let mut cora = f.app.signed_in("cora@example.test").await;
    f.receipt(&mut cora, f.alex_rider).await;
    let kinds: Vec<String> = sqlx::query_scalar(
        "select record_kind from record_view where cast_member_id = $1 and record_id = $2
         order by record_view_id",
    )
    .bind(f.alex_cast)
    .bind(f.alex_rider)
    .fetch_all(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(kinds, ["certificate"]);
}

#[tokio::test]
async fn the_certificate_shows_the_signed_proof_a_qr_code_and_the_downloads() {
    let f = film().await;
    let mut alex = f.app.signed_in("alex@example.test").await;
    let page = alex.get(&f.rider_path(f.alex_rider, "/certificate")).await;
    assert_eq!(page.status, StatusCode::OK);
    let receipt = f.receipt(&mut alex, f.alex_rider).await;
    let checkpoint = note::open(&receipt.checkpoint, &f.app.verifier()).unwrap();
    for expected in [
        format!("closedset.test/production/{}", f.production),
        format!("{} entries", checkpoint.size),
        hex::encode(checkpoint.root),
        f.app.verifier().to_string(),
        "status-cleared\">Verified</strong>".into(),
        "<svg role=\"img\"".into(),
        f.rider_path(f.alex_rider, "/receipt.json"),
        f.rider_path(f.alex_rider, "/rider.txt"),
        f.app.url("/verify"),
        "docs/verify.md".into(),
        format!(
            "inclusion proof of {} hash",
            receipt.events[3].inclusion_proof.len()
        ),
    ] {
        assert!(page.body.contains(&expected), "missing {expected}");
    }
    for e in &receipt.events {
        assert!(page.body.contains(&e.entry.prev_hash), "{}", e.entry.seq);
    }
    assert!(!page.body.contains("An administrator runs"));
    let rider = alex.get(&f.rider_path(f.alex_rider, "")).await;
    assert!(rider.body.contains("/receipt.json"));
}
