//! Signing with text at the edge: a password of a megabyte is refused before argon2 sees it,
//! and a rider's signed text hashes the same whether its words were typed composed or not.

use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use super::{Film, film, refused_beside};
use crate::support::Client;

impl Film {
    /// Drafts a rider for #1 over 5A over HTTP and delivers it; its id and text hash.
    async fn delivered_rider(&self, cora: &mut Client) -> (i64, String) {
        let cast = self.alex_cast.to_string();
        let scene = self.scene.to_string();
        let page = cora
            .post(
                &self.path("/riders"),
                &[
                    ("cast_member_id", cast.as_str()),
                    ("scenes", scene.as_str()),
                    ("in_picture", "on"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let rider: i64 = page.location().rsplit('/').next().unwrap().parse().unwrap();
        let page = cora
            .post(&self.path(&format!("/riders/{rider}/deliver")), &[])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let hash: String = sqlx::query_scalar("select body_sha256 from rider where rider_id = $1")
            .bind(rider)
            .fetch_one(&self.app.pool)
            .await
            .unwrap();
        (rider, hash)
    }
}

#[tokio::test]
async fn a_password_of_a_megabyte_is_refused_before_it_is_hashed() {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let page = f.save_breakdown(&mut cora, "Removes shirt").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (rider, hash) = f.delivered_rider(&mut cora).await;
    let path = f.path(&format!("/riders/{rider}"));
    let mut alex = f.app.signed_in("alex@example.test").await;
    assert_eq!(alex.get(&path).await.status, StatusCode::OK);
    let huge = "p".repeat(1_000_000);
    let started = std::time::Instant::now();
    let page = alex
        .post(
            &format!("{path}/sign"),
            &[("password", &huge), ("text_sha256", &hash)],
        )
        .await;
    refused_beside(
        &page,
        "password",
        "Keep the password to 1,000 characters or fewer",
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let status: String = sqlx::query_scalar("select status from rider where rider_id = $1")
        .bind(rider)
        .fetch_one(&f.app.pool)
        .await
        .unwrap();
    assert_ne!(status, "signed");
}

/// Scene 5A's breakdown asks this act of #1; a rider is drafted over HTTP, delivered and signed
/// by the performer; returns the signed text and its hash as stored.
async fn signed_text_with_act(act: &str) -> (String, String) {
    let f = film().await;
    let mut cora = f.app.signed_in("cora@example.test").await;
    let page = f.save_breakdown(&mut cora, act).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (rider, hash) = f.delivered_rider(&mut cora).await;
    let path = f.path(&format!("/riders/{rider}"));
    let mut alex = f.app.signed_in("alex@example.test").await;
    assert_eq!(alex.get(&path).await.status, StatusCode::OK);
    let body = crate::support::sealed::rider_text(&f.app, rider).await;
    let page = alex
        .post(
            &format!("{path}/sign"),
            &[
                ("password", crate::support::PASSWORD),
                ("text_sha256", &hash),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let status: String = sqlx::query_scalar("select status from rider where rider_id = $1")
        .bind(rider)
        .fetch_one(&f.app.pool)
        .await
        .unwrap();
    assert_eq!(status, "signed");
    (body, hash)
}

#[tokio::test]
async fn a_signed_riders_text_hash_is_the_same_for_composed_and_decomposed_input() {
    let composed = "Caresse sur l\u{2019}\u{e9}paule, d\u{e9}cor\u{e9}e";
    let decomposed = "Caresse sur l\u{2019}e\u{301}paule, de\u{301}core\u{301}e";
    assert_ne!(composed, decomposed);
    let (text_a, hash_a) = signed_text_with_act(composed).await;
    let (text_b, hash_b) = signed_text_with_act(&format!("  {decomposed}  ")).await;
    assert!(text_a.contains(composed), "{text_a}");
    assert!(!text_b.contains(decomposed));
    assert_eq!(hash_a, hash_b);
    assert_eq!(text_a, text_b);
    assert_eq!(hex::encode(Sha256::digest(text_b.as_bytes())), hash_b);
}
