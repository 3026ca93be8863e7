//! A person's export: one zip that opens, with their records and nothing of other performers'.

use std::io::Read;

use reqwest::StatusCode;

use crate::support::{TestApp, build};

#[tokio::test]
async fn a_performers_export_opens_and_holds_their_records_and_nothing_of_others() {
    let app = TestApp::spawn().await;
    let (p, _, cora, bea) = build::crew(&app, "Bea Performer").await;
    let sam = app.user("sam@example.test", "Sam Performer").await;
    app.add_member(p, sam, "performer").await;
    let rider = build::delivered_rider(&app, p, cora, bea).await;
    let bea_cast = build::cast_of_rider(&app, rider).await;
    let sam_cast = build::cast(&app, p, 2, "Sam Cast").linked_to(sam).await;

    build::boundary_note(&app, p, "bea@example.test", bea_cast, "BEA-PROFILE-NOTE").await;
    build::boundary_note(&app, p, "sam@example.test", sam_cast, "SAM-PROFILE-NOTE").await;
    let mut cora_client = app.signed_in("cora@example.test").await;
    let (bea_id, sam_id) = (bea_cast.to_string(), sam_cast.to_string());
    let (bea_note, sam_note) = (format!("note_{bea_cast}"), format!("note_{sam_cast}"));
    for fields in [
        vec![
            ("kind", "first_one_to_one"),
            ("summary", "BEA-SOLO-SUMMARY"),
            ("performers", bea_id.as_str()),
            (bea_note.as_str(), "BEA-SOLO-NOTE"),
        ],
        vec![
            ("kind", "scene_preparation"),
            ("summary", "JOINT-SUMMARY"),
            ("performers", bea_id.as_str()),
            ("performers", sam_id.as_str()),
            (bea_note.as_str(), "BEA-JOINT-NOTE"),
            (sam_note.as_str(), "SAM-JOINT-NOTE"),
        ],
    ] {
        let mut fields = fields;
        fields.extend([("date", "2025-04-20"), ("time", "14:30")]);
        let page = cora_client
            .post(&format!("/productions/{p}/conversations"), &fields)
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    let mut sam_client = app.signed_in("sam@example.test").await;
    let page = sam_client
        .post(
            &format!("/productions/{p}/concerns"),
            &[("body", "SAM-CONCERN"), ("recipients", &cora.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let bea_client = app.signed_in("bea@example.test").await;
    let account = bea_client
        .http
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        account.contains("/account/export"),
        "offered on the account page"
    );
    let response = bea_client
        .http
        .get(app.url("/account/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/zip"
    );
    let bytes = response.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut everything = String::new();
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        names.push(file.name().to_string());
        file.read_to_string(&mut everything).unwrap();
    }
    let mut data = String::new();
    archive
        .by_name("closedset-my-data/data.json")
        .unwrap()
        .read_to_string(&mut data)
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["account"]["email"], "bea@example.test");
    assert_eq!(data["cast_records"][0]["riders"][0]["rider_id"], rider);
    assert!(
        names
            .iter()
            .any(|n| n.ends_with(&format!("rider-{rider}.txt")))
    );
    for mine in [
        "BEA-PROFILE-NOTE",
        "BEA-SOLO-SUMMARY",
        "BEA-SOLO-NOTE",
        "BEA-JOINT-NOTE",
    ] {
        assert!(everything.contains(mine), "{mine} is in the export");
    }
    for theirs in [
        "SAM-PROFILE-NOTE",
        "SAM-JOINT-NOTE",
        "SAM-CONCERN",
        "JOINT-SUMMARY",
        "Sam Cast",
    ] {
        assert!(
            !everything.contains(theirs),
            "{theirs} leaked into Bea's export"
        );
    }
}

#[tokio::test]
async fn the_export_needs_a_signed_in_person() {
    let app = TestApp::spawn().await;
    let page = app.client().get("/account/export").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}
