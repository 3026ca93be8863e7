//! Erasure: a performer asks, a producer approves, and their personal data in the production
//! is gone (keys destroyed, name replaced) while the consent log and receipts still verify and
//! other performers' records are untouched.

use reqwest::StatusCode;

use crate::support::{PASSWORD, TestApp, build, vault};
use closedset::ledger::receipt::{self, Receipt};
use closedset::vault::{Encrypted, Field, Refusal};

const BEA: &str = "Beatrix Quennell";

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
    }
    all
}

/// The latest boundary notes of a cast member, opened with the database's vault.
async fn profile_notes(app: &TestApp, cast: i64) -> Result<String, Refusal> {
    let (id, sealed): (i64, Encrypted<String>) = sqlx::query_as(
        "select boundary_profile_version_id, notes_sealed from boundary_profile_version
         where cast_member_id = $1 order by version desc limit 1",
    )
    .bind(cast)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    vault(&app.db_name)
        .open(
            &mut conn,
            &Field::new("boundary_profile_version", "notes_sealed", id),
            &sealed,
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn an_approved_erasure_removes_one_performer_and_the_log_and_receipts_still_verify() {
    let app = TestApp::spawn().await;
    let (p, _, cora, bea) = build::crew(&app, BEA).await;
    let sam = app.user("sam@example.test", "Samir Oyelaran").await;
    app.add_member(p, sam, "performer").await;

    // Bea's rider, delivered and signed by her from her phone.
    let rider = build::delivered_rider(&app, p, cora, bea).await;
    let bea_cast = build::cast_of_rider(&app, rider).await;
    sqlx::query("update cast_member set name = $2 where cast_member_id = $1")
        .bind(bea_cast)
        .bind(BEA)
        .execute(&app.pool)
        .await
        .unwrap();
    let sam_cast = build::cast(&app, p, 2, "Samir Oyelaran")
        .linked_to(sam)
        .await;
    let mut bea_client = app.signed_in("bea@example.test").await;
    let rider_path = format!("/productions/{p}/riders/{rider}");
    assert_eq!(bea_client.get(&rider_path).await.status, StatusCode::OK);
    let hash: String = sqlx::query_scalar("select body_sha256 from rider where rider_id = $1")
        .bind(rider)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let token = bea_client.csrf().await;
    let signed = bea_client
        .post_raw(
            &format!("{rider_path}/sign"),
            &[
                ("password", PASSWORD),
                ("text_sha256", &hash),
                ("csrf", &token),
            ],
            &[("user-agent", "BeaPhone/9.1")],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);

    // Her boundaries, a conversation with her alone, a concern she raised; Sam's boundaries.
    build::boundary_note(&app, p, "bea@example.test", bea_cast, "BEA-PROFILE-NOTE").await;
    build::boundary_note(&app, p, "sam@example.test", sam_cast, "SAM-PROFILE-NOTE").await;
    let mut cora_client = app.signed_in("cora@example.test").await;
    let note_field = format!("note_{bea_cast}");
    let page = cora_client
        .post(
            &format!("/productions/{p}/conversations"),
            &[
                ("kind", "first_one_to_one"),
                ("date", "2025-04-20"),
                ("time", "14:30"),
                ("summary", "BEA-SUMMARY"),
                ("performers", &bea_cast.to_string()),
                (&note_field, "BEA-NOTE"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let conversation = page.location().to_string();
    let page = bea_client
        .post(
            &format!("/productions/{p}/concerns"),
            &[("body", "BEA-CONCERN"), ("recipients", &cora.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // The receipt she keeps, issued before.
    let page = bea_client.get(&format!("{rider_path}/receipt.json")).await;
    assert_eq!(page.status, StatusCode::OK);
    let kept: Receipt = serde_json::from_str(&page.body).unwrap();

    // She asks; the producer sees the request and approves it.
    let page = bea_client
        .post(&format!("/productions/{p}/data-protection/erasure"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let mut pat_client = app.signed_in("pat@example.test").await;
    let page = pat_client
        .get(&format!("/productions/{p}/data-protection"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("Approve and erase {BEA}")));
    let request: i64 = sqlx::query_scalar("select erasure_request_id from erasure_request")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // It cannot be undone, so it is confirmed by typing a word.
    let page = pat_client
        .post(
            &format!("/productions/{p}/data-protection/erasure/{request}/approve"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Type erase to confirm") && page.body.contains("value=\"yes\""));
    let page = pat_client
        .post(
            &format!("/productions/{p}/data-protection/erasure/{request}/approve"),
            &[("confirm", "erase")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // Her name, address and device are nowhere; her sealed texts no longer open.
    let raw = dump(&app).await;
    for gone in [BEA, "bea@example.test", "BeaPhone/9.1"] {
        assert!(!raw.contains(gone), "{gone} is still in the database");
    }
    assert_eq!(profile_notes(&app, bea_cast).await, Err(Refusal::Erased));
    assert_eq!(
        profile_notes(&app, sam_cast).await.as_deref(),
        Ok("SAM-PROFILE-NOTE")
    );
    let page = cora_client.get(&conversation).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("BEA-SUMMARY") && !page.body.contains("BEA-NOTE"));
    assert!(page.body.contains("Erased performer #1"));
    let page = cora_client
        .get(&format!("/productions/{p}/boundaries/{sam_cast}"))
        .await;
    assert!(
        page.body.contains("SAM-PROFILE-NOTE"),
        "Sam's profile is untouched"
    );
    // She can no longer sign in.
    let mut again = app.client();
    let page = again.sign_in("bea@example.test", PASSWORD).await;
    assert_ne!(page.status, StatusCode::SEE_OTHER);

    // The log still verifies, and so does the receipt she was given before.
    for report in app.verify_ledger(Some(p)).await {
        assert!(report.is_intact(), "{report:?}");
    }
    assert!(receipt::check(&kept, &app.verifier()).is_ok());
    // The producer's audit trail names what happened.
    let page = pat_client
        .get(&format!("/productions/{p}/data-protection"))
        .await;
    assert!(page.body.contains("Erasure requested"));
    assert!(page.body.contains("Erasure approved and carried out"));
}

#[tokio::test]
async fn only_producers_approve_and_only_performers_ask() {
    let app = TestApp::spawn().await;
    let (p, _, _, bea) = build::crew(&app, BEA).await;
    build::cast(&app, p, 1, BEA).linked_to(bea).await;
    let mut cora_client = app.signed_in("cora@example.test").await;
    let page = cora_client
        .post(&format!("/productions/{p}/data-protection/erasure"), &[])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let mut bea_client = app.signed_in("bea@example.test").await;
    let page = bea_client
        .post(&format!("/productions/{p}/data-protection/erasure"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let request: i64 = sqlx::query_scalar("select erasure_request_id from erasure_request")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for client in [&mut cora_client, &mut bea_client] {
        let page = client
            .post(
                &format!("/productions/{p}/data-protection/erasure/{request}/approve"),
                &[("confirm", "erase")],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }
    // Performers see the retention period; a bad one typed by a producer is refused beside
    // the field, with what was typed kept.
    let page = bea_client
        .get(&format!("/productions/{p}/data-protection"))
        .await;
    assert!(page.body.contains("72 months"), "Equity UK's default");
    assert!(
        page.body
            .contains("You asked for your personal data to be erased")
    );
    let mut pat_client = app.signed_in("pat@example.test").await;
    let page = pat_client
        .post(
            &format!("/productions/{p}/data-protection/retention"),
            &[("months", "forever")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("value=\"forever\"") && page.body.contains("months-error"));
    let page = pat_client
        .post(
            &format!("/productions/{p}/data-protection/retention"),
            &[("months", "36")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = bea_client
        .get(&format!("/productions/{p}/data-protection"))
        .await;
    assert!(page.body.contains("36 months"));
    // The who-can-see table says what the access table says: producers never read boundaries.
    assert!(page.body.contains("Boundary profiles (sealed)"));
}

#[tokio::test]
async fn a_production_past_its_retention_erases_everyone_and_its_log_still_verifies() {
    let app = TestApp::spawn().await;
    let (p, _, cora, bea) = build::crew(&app, BEA).await;
    let rider = build::delivered_rider(&app, p, cora, bea).await;
    let cast = build::cast_of_rider(&app, rider).await;
    build::boundary_note(&app, p, "bea@example.test", cast, "BEA-PROFILE-NOTE").await;
    let mut bea_client = app.signed_in("bea@example.test").await;
    let mut pat_client = app.signed_in("pat@example.test").await;
    let erase = format!("/productions/{p}/data-protection/erase");

    // Not wrapped: nothing happens.
    let page = pat_client.post(&erase, &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        profile_notes(&app, cast).await.as_deref(),
        Ok("BEA-PROFILE-NOTE")
    );

    // Wrapped seven years ago, kept six: due, and offered.
    sqlx::query("update production set phase = 'wrapped' where production_id = $1")
        .bind(p)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "update production set wrapped_at = now() - interval '7 years' where production_id = $1",
    )
    .bind(p)
    .execute(&app.pool)
    .await
    .unwrap();
    let page = pat_client
        .get(&format!("/productions/{p}/data-protection"))
        .await;
    assert!(
        page.body
            .contains("Erase the production&#39;s personal data")
            || page.body.contains("Erase the production's personal data")
    );
    // Only producers may.
    let page = bea_client.post(&erase, &[]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = pat_client.post(&erase, &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(profile_notes(&app, cast).await, Err(Refusal::Erased));
    let live: i64 = sqlx::query_scalar(
        "select count(*) from data_key where production_id = $1 and wrapped is not null",
    )
    .bind(p)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(live, 0, "every key of the production is destroyed");
    assert!(!dump(&app).await.contains(BEA));
    for report in app.verify_ledger(Some(p)).await {
        assert!(report.is_intact(), "{report:?}");
    }
}
