//! Sensitive text at rest: boundaries, conversations, concerns, riders and second-factor keys
//! are sealed in the database, open only on their own row, and rows written in clear before
//! are sealed at start-up, once.

use reqwest::StatusCode;

use crate::support::{TestApp, build, vault};
use closedset::vault::{Field, Refusal};

/// Every value of every table in the application's schema, as text: what a dump would hold.
async fn dump(app: &TestApp) -> String {
    let tables: Vec<String> = sqlx::query_scalar(
        "select tablename::text from pg_tables where schemaname = current_schema()
         and tablename <> '_sqlx_migrations'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut all = String::new();
    for table in tables {
        let rows: Vec<String> = sqlx::query_scalar(&format!("select t::text from {table} t"))
            .fetch_all(&app.pool)
            .await
            .unwrap();
        all.push_str(&rows.join("\n"));
        all.push('\n');
    }
    all
}

/// A production with a coordinator, a producer and one performer on the cast list.
struct Set {
    app: TestApp,
    production: i64,
    cast: i64,
}

async fn set_up() -> Set {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let cora = app.user("cora@example.test", "Cora Coordinator").await;
    app.add_member(production, cora, "coordinator").await;
    let bea = app.user("bea@example.test", "Bea Performer").await;
    app.add_member(production, bea, "performer").await;
    let cast = build::cast(&app, production, 1, "Bea Cast")
        .linked_to(bea)
        .await;
    Set {
        app,
        production,
        cast,
    }
}

#[tokio::test]
async fn what_people_write_is_sealed_in_the_database_and_read_back_on_their_pages() {
    let s = set_up().await;
    let p = s.production;
    let mut bea = s.app.signed_in("bea@example.test").await;
    let mine = format!("/productions/{p}/boundaries/{}", s.cast);
    let page = bea
        .post(
            &mine,
            &[
                ("seen_unclothed.breasts", "no"),
                ("seen_unclothed.breasts.note", "PROFILE-NOTE-7d1"),
                ("notes", "PROFILE-GENERAL-7d1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let mut cora = s.app.signed_in("cora@example.test").await;
    let cast = s.cast.to_string();
    let note_field = format!("note_{}", s.cast);
    let page = cora
        .post(
            &format!("/productions/{p}/conversations"),
            &[
                ("kind", "first_one_to_one"),
                ("date", "2025-04-20"),
                ("time", "14:30"),
                ("summary", "SUMMARY-TEXT-7d1"),
                ("performers", &cast),
                (&note_field, "PERFORMER-NOTE-7d1"),
                ("follow_up_1", "FOLLOW-UP-7d1"),
                ("follow_up_due_1", "2027-04-25"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let conversation = page.location().to_string();

    let cora_id: i64 = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind("cora@example.test")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    let page = bea
        .post(
            &format!("/productions/{p}/concerns"),
            &[
                ("body", "CONCERN-TEXT-7d1"),
                ("recipients", &cora_id.to_string()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let concern = page.location().to_string();

    let raw = dump(&s.app).await;
    for secret in [
        "PROFILE-NOTE-7d1",
        "PROFILE-GENERAL-7d1",
        "SUMMARY-TEXT-7d1",
        "PERFORMER-NOTE-7d1",
        "FOLLOW-UP-7d1",
        "CONCERN-TEXT-7d1",
    ] {
        assert!(
            !raw.contains(secret),
            "{secret} is in the database in clear"
        );
    }
    let sealed: i64 = sqlx::query_scalar(
        "select (select count(*) from boundary_profile_version where notes_sealed is not null)
              + (select count(*) from conversation_version where summary_sealed is not null)
              + (select count(*) from conversation_version_performer where note_sealed is not null)
              + (select count(*) from follow_up where body_sealed is not null)
              + (select count(*) from concern where body_sealed is not null)",
    )
    .fetch_one(&s.app.pool)
    .await
    .unwrap();
    assert_eq!(sealed, 5);

    // The people allowed still read every word.
    let page = bea.get(&mine).await;
    assert!(page.body.contains("PROFILE-NOTE-7d1") && page.body.contains("PROFILE-GENERAL-7d1"));
    let page = cora.get(&conversation).await;
    for text in ["SUMMARY-TEXT-7d1", "PERFORMER-NOTE-7d1", "FOLLOW-UP-7d1"] {
        assert!(page.body.contains(text), "{text} on the coordinator's page");
    }
    let page = cora.get(&concern).await;
    assert!(page.body.contains("CONCERN-TEXT-7d1"));
    let page = bea.get(&conversation).await;
    assert!(page.body.contains("PERFORMER-NOTE-7d1") && page.body.contains("SUMMARY-TEXT-7d1"));
}

#[tokio::test]
async fn a_rider_text_is_sealed_and_its_recorded_hash_still_matches_what_is_shown() {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Night Swim", pat).await;
    let cora = app.user("cora@example.test", "Cora Coordinator").await;
    app.add_member(production, cora, "coordinator").await;
    let alex = app.user("alex@example.test", "Alex Performer").await;
    app.add_member(production, alex, "performer").await;
    let rider = build::delivered_rider(&app, production, cora, alex).await;
    let (body, sealed, hash): (String, Option<Vec<u8>>, String) =
        sqlx::query_as("select body, body_sealed, body_sha256 from rider where rider_id = $1")
            .bind(rider)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(body, "", "no clear text is kept");
    assert!(sealed.is_some());
    let mut client = app.signed_in("alex@example.test").await;
    let text = client
        .get(&format!(
            "/productions/{production}/riders/{rider}/rider.txt"
        ))
        .await;
    assert_eq!(text.status, StatusCode::OK);
    assert!(!text.body.is_empty());
    use sha2::Digest;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(text.body.as_bytes())),
        hash
    );
    // The ledger's check of stored riders against its events still agrees.
    for report in app.verify_ledger(Some(production)).await {
        assert!(report.is_intact(), "{report:?}");
    }
}

#[tokio::test]
async fn a_sealed_value_copied_to_another_row_does_not_open() {
    let s = set_up().await;
    let p = s.production;
    let cora_id: i64 = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind("cora@example.test")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    let mut bea = s.app.signed_in("bea@example.test").await;
    let mut ids = Vec::new();
    for text in ["FIRST-CONCERN-a2", "SECOND-CONCERN-a2"] {
        let page = bea
            .post(
                &format!("/productions/{p}/concerns"),
                &[("body", text), ("recipients", &cora_id.to_string())],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        ids.push(
            page.location()
                .rsplit('/')
                .next()
                .unwrap()
                .parse::<i64>()
                .unwrap(),
        );
    }
    // Someone with the database but not the key moves the first text onto the second row.
    sqlx::query(
        "update concern set body_sealed = (select body_sealed from concern where concern_id = $1)
         where concern_id = $2",
    )
    .bind(ids[0])
    .bind(ids[1])
    .execute(&s.app.owner_pool)
    .await
    .unwrap();
    let sealed: closedset::vault::Encrypted<String> =
        sqlx::query_scalar("select body_sealed from concern where concern_id = $1")
            .bind(ids[1])
            .fetch_one(&s.app.pool)
            .await
            .unwrap();
    let vault = vault(&s.app.db_name);
    let mut conn = s.app.pool.acquire().await.unwrap();
    let moved = vault
        .open(
            &mut conn,
            &Field::new("concern", "body_sealed", ids[1]),
            &sealed,
        )
        .await
        .unwrap();
    assert_eq!(moved, Err(Refusal::Mismatch));
    let home = vault
        .open(
            &mut conn,
            &Field::new("concern", "body_sealed", ids[0]),
            &sealed,
        )
        .await
        .unwrap();
    assert_eq!(home.as_deref(), Ok("FIRST-CONCERN-a2"));
    // The page refuses it too: it says it cannot read the text, and never shows the other one.
    let page = bea
        .get(&format!("/productions/{p}/concerns/{}", ids[1]))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("FIRST-CONCERN-a2"));
    assert!(page.body.contains("could not be read"));
}

#[tokio::test]
async fn text_written_in_clear_before_is_sealed_once_at_start_up_and_still_reads() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let clear: Vec<String> = sqlx::query_scalar(
        "select summary from conversation where summary <> ''
         union all select summary from conversation_version where summary <> ''
         union all select notes from boundary_profile_version where notes <> ''
         union all select body from concern where body <> ''
         union all select body from follow_up where body <> ''
         union all select body from rider where body <> ''",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let clear: Vec<String> = clear.into_iter().filter(|t| t.len() > 20).collect();
    assert!(!clear.is_empty(), "the demo holds text to seal");

    let vault = vault(&app.db_name);
    let first = closedset::privacy::seal_existing(&app.pool, &vault)
        .await
        .unwrap();
    assert!(first.values > 0);
    let again = closedset::privacy::seal_existing(&app.pool, &vault)
        .await
        .unwrap();
    assert_eq!(again.values, 0, "a second start seals nothing");

    let raw = dump(&app).await;
    for text in &clear {
        assert!(!raw.contains(text.as_str()), "still in clear: {text}");
    }
    // Pages read the sealed text: the coordinator's conversation pages show the summaries.
    let mut cora = app.client();
    cora.sign_in("coordinator@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let conversation: i64 = sqlx::query_scalar(
        "select conversation_id from conversation where production_id = $1
         and summary_sealed is not null order by conversation_id limit 1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = cora
        .get(&format!(
            "/productions/{production}/conversations/{conversation}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        clear
            .iter()
            .map(|t| plain_start(t))
            .any(|t| t.len() >= 12 && page.body.contains(t.as_str())),
        "a sealed summary reads on the page"
    );
    for report in app.verify_ledger(Some(production)).await {
        assert!(report.is_intact(), "{report:?}");
    }
}

/// The start of a text up to its first character HTML would escape, so it can be looked for in
/// a page as it is.
fn plain_start(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == ' ' || *c == ',' || *c == '.')
        .collect()
}

#[tokio::test]
async fn keys_rotate_rewraps_every_data_key_under_a_new_master_key_and_is_audited() {
    use base64::Engine;
    use sha2::Digest;
    let s = set_up().await;
    let p = s.production;
    let cora: i64 = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind("cora@example.test")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    let mut bea = s.app.signed_in("bea@example.test").await;
    let page = bea
        .post(
            &format!("/productions/{p}/concerns"),
            &[
                ("body", "ROTATED-CONCERN"),
                ("recipients", &cora.to_string()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let concern: i64 = page.location().rsplit('/').next().unwrap().parse().unwrap();

    // The server's master key, as the file it would read.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("closedset-vault.key");
    let secret = sha2::Sha256::digest(format!("vault {}", s.app.db_name).as_bytes());
    std::fs::write(
        &file,
        format!(
            "closedset-master-key 1 {}\n",
            base64::engine::general_purpose::STANDARD.encode(secret)
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_closedset"))
        .args(["keys", "rotate"])
        .env("DATABASE_URL", crate::support::database_url(&s.app.db_name))
        .env("CLOSEDSET_VAULT_KEY", &file)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("closedset-master-key 2 ") && text.lines().count() == 1);
    assert!(!text.contains(&base64::engine::general_purpose::STANDARD.encode(secret)));
    let versions: Vec<i32> = sqlx::query_scalar("select distinct master_version from data_key")
        .fetch_all(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(versions, vec![2]);

    // A server starting with the new file opens what was sealed before; the old key opens
    // nothing any more.
    let rotated = closedset::vault::Vault::load_or_create(&file).unwrap();
    let sealed: closedset::vault::Encrypted<String> =
        sqlx::query_scalar("select body_sealed from concern where concern_id = $1")
            .bind(concern)
            .fetch_one(&s.app.pool)
            .await
            .unwrap();
    let field = Field::new("concern", "body_sealed", concern);
    let mut conn = s.app.pool.acquire().await.unwrap();
    let opened = rotated.open(&mut conn, &field, &sealed).await.unwrap();
    assert_eq!(opened.as_deref(), Ok("ROTATED-CONCERN"));
    let old = vault(&s.app.db_name)
        .open(&mut conn, &field, &sealed)
        .await
        .unwrap();
    assert_eq!(old, Err(Refusal::Mismatch));
    drop(conn);

    let mut pat = s.app.signed_in("pat@example.test").await;
    let page = pat.get(&format!("/productions/{p}/data-protection")).await;
    assert!(page.body.contains("Encryption keys rotated"));
}
