//! A rider delivered before riders were written as documents: its plain text and hash stored
//! and on the ledger exactly as delivery recorded them then, so tests can check it still reads,
//! signs and verifies.

use closedset::consent::rider_text;
use closedset::consent::riders::lifecycle::{self, Terms};
use closedset::ledger;
use closedset::vocab::LedgerEvent;
use closedset::vocab::ledger_event::SceneFact;
use closedset::vocab::scope::Uses;

use super::TestApp;

/// The old form's text for one performer in one scene, as the old renderer laid it out.
pub fn old_text(performer: &str, scene: &str) -> String {
    format!(
        "INTIMACY RIDER\nProduction: Night Swim\nPerformer: {performer} (cast #1), playing Marion\n\n\
         Scene {scene} — INT. LAKE HOUSE — NIGHT (breakdown version 1, 3f2a9c0d1e2b)\n\
         \x20 Nudity: Partial upper (breasts)\n\
         \x20 Body areas shown: Upper back\n\
         \x20 Simulated acts:\n    none\n\
         \x20 Modesty garments and barriers: none listed\n\n\
         Footage use\n  In the picture: yes\n  In trailers and marketing: no\n  In stills: no\n\
         A double may be used: no\n\n\
         You may withdraw your consent at any time before the scene is shot, without giving a reason.\n"
    )
}

/// Drafts a rider for `cast_member` over `scenes` and delivers it with `body` as its text, as
/// delivery did before the document form: the text and its hash on the rider, the hash on the
/// `delivered` entry. Returns the rider.
pub async fn delivered_with_text(
    app: &TestApp,
    production: i64,
    cast_member: i64,
    scenes: &[i64],
    by: i64,
    body: &str,
) -> i64 {
    let mut tx = app.pool.begin().await.unwrap();
    let terms = Terms {
        uses: Uses {
            in_picture: true,
            trailers: false,
            stills: false,
        },
        double_allowed: false,
    };
    let rider_id = lifecycle::draft(&mut tx, production, cast_member, scenes, terms, by)
        .await
        .unwrap()
        .unwrap_or_else(|refused| panic!("the rider was not drafted: {}", refused.message));
    let covered = lifecycle::covered(&mut tx, rider_id).await.unwrap();
    let text_sha256 = rider_text::text_hash(body);
    let terms_sha256 = ledger::state::terms_sha256_of(&mut tx, rider_id)
        .await
        .unwrap();
    sqlx::query(
        "update rider set status = 'delivered', body = $2, body_sha256 = $3,
                delivered_at = now(), updated_at = now()
         where rider_id = $1",
    )
    .bind(rider_id)
    .bind(body)
    .bind(&text_sha256)
    .execute(&mut *tx)
    .await
    .unwrap();
    let delivered = LedgerEvent::Delivered {
        text_sha256,
        terms_sha256,
        scenes: covered
            .iter()
            .map(|s| SceneFact {
                scene_id: s.scene_id,
                scene: s.number.clone(),
                version: s.version,
                content_hash: s.content_hash.clone(),
            })
            .collect(),
    };
    ledger::append(&mut tx, production, &delivered, Some(rider_id), Some(by))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    rider_id
}
