//! Reading sealed columns as the server would, for tests that compare stored text.

use closedset::vault::{Encrypted, Field};

use super::{TestApp, vault};

/// A rider's delivered text, opened with the test database's vault (or clear, if not sealed).
pub async fn rider_text(app: &TestApp, rider_id: i64) -> String {
    let (body, sealed): (String, Option<Encrypted<String>>) =
        sqlx::query_as("select body, body_sealed from rider where rider_id = $1")
            .bind(rider_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let Some(sealed) = sealed else {
        return body;
    };
    let mut conn = app.pool.acquire().await.unwrap();
    vault(&app.db_name)
        .open(
            &mut conn,
            &Field::new("rider", "body_sealed", rider_id),
            &sealed,
        )
        .await
        .unwrap()
        .expect("the rider's text opens")
}
