//! The hash of a rider's agreed terms besides its text, which the `delivered` entry keeps:
//! one canonical form, used at delivery and by the check.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use crate::vocab::scope::Uses;

/// SHA-256 of a rider's agreed terms besides its text, in one canonical JSON form: each
/// covered scene's scope by scene id, in id order, then the uses and whether a double may be
/// used, keys sorted, no whitespace. Delivery stores it on the `delivered` entry; the check
/// recomputes it from the rows, so a scope changed after delivery no longer matches.
pub fn terms_sha256(uses: Uses, double_allowed: bool, scopes: &[(i64, Value)]) -> String {
    let mut scenes: Vec<&(i64, Value)> = scopes.iter().collect();
    scenes.sort_by_key(|(scene_id, _)| *scene_id);
    let canonical = crate::ledger::canonical_details(&json!({
        "scenes": scenes
            .iter()
            .map(|(scene_id, scope)| json!({ "scene_id": scene_id, "scope": scope }))
            .collect::<Vec<_>>(),
        "in_picture": uses.in_picture,
        "in_trailers": uses.trailers,
        "in_stills": uses.stills,
        "double_allowed": double_allowed,
    }));
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// The terms hash of one rider as stored now, inside the caller's transaction.
pub async fn terms_sha256_of(conn: &mut PgConnection, rider_id: i64) -> sqlx::Result<String> {
    let (in_picture, trailers, stills, double_allowed): (bool, bool, bool, bool) = sqlx::query_as(
        "select in_picture, in_trailers, in_stills, double_allowed from rider
             where rider_id = $1",
    )
    .bind(rider_id)
    .fetch_one(&mut *conn)
    .await?;
    let scopes: Vec<(i64, String)> =
        sqlx::query_as("select scene_id, scope::text from rider_scene where rider_id = $1")
            .bind(rider_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(terms_sha256(
        Uses {
            in_picture,
            trailers,
            stills,
        },
        double_allowed,
        &read_scopes(scopes.iter().map(|(id, text)| (*id, text.as_str()))),
    ))
}

pub(super) fn read_scopes<'a>(rows: impl Iterator<Item = (i64, &'a str)>) -> Vec<(i64, Value)> {
    rows.map(|(id, text)| (id, serde_json::from_str(text).unwrap_or(Value::Null)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_terms_hash_is_the_same_whatever_the_order_of_scenes_or_keys() {
        let uses = Uses::default();
        let a = terms_sha256(uses, true, &[(2, json!({"b": 1, "a": 2})), (1, json!({}))]);
        let b = terms_sha256(uses, true, &[(1, json!({})), (2, json!({"a": 2, "b": 1}))]);
        assert_eq!(a, b);
        assert_ne!(
            a,
            terms_sha256(uses, false, &[(1, json!({})), (2, json!({}))])
        );
    }
}
