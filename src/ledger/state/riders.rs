//! Riders and the scenes they cover, re-derived from `drafted` … `superseded` entries and
//! compared with `rider` and `rider_scene`.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use sqlx::PgConnection;

use super::terms::{read_scopes, terms_sha256};
use super::{Disagreement, Event, Scenes, field, shown, when};
use crate::vocab::scope::Uses;

#[derive(sqlx::FromRow)]
struct RiderRow {
    rider_id: i64,
    status: String,
    /// SHA-256 of `body` as it is now, computed by the database.
    body_hash: String,
    body_sha256: Option<String>,
    in_picture: bool,
    in_trailers: bool,
    in_stills: bool,
    double_allowed: bool,
    delivered_at: Option<i64>,
    viewed_at: Option<i64>,
    signed_at: Option<i64>,
    revoked_at: Option<i64>,
    superseded_at: Option<i64>,
    superseded_by: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CoveredRow {
    rider_id: i64,
    scene_id: i64,
    version: i32,
    content_hash: String,
    scope: String,
    superseded_at: Option<i64>,
    superseded_by: Option<i64>,
    /// The scene and version of `carried_to_version_id`, when set.
    carried_scene_id: Option<i64>,
    carried_version: Option<i32>,
}

pub(super) async fn check(
    conn: &mut PgConnection,
    production_id: i64,
    events: &[Event],
    scenes: &Scenes,
) -> sqlx::Result<Vec<Disagreement>> {
    let riders: Vec<RiderRow> = sqlx::query_as(
        "select rider_id, status, case when body_sealed is not null and body = '' then body_sha256
                     else encode(sha256(convert_to(body, 'UTF8')), 'hex') end as body_hash,
                body_sha256, in_picture, in_trailers, in_stills, double_allowed,
                (extract(epoch from delivered_at) * 1000000)::bigint as delivered_at,
                (extract(epoch from viewed_at) * 1000000)::bigint as viewed_at,
                (extract(epoch from signed_at) * 1000000)::bigint as signed_at,
                (extract(epoch from revoked_at) * 1000000)::bigint as revoked_at,
                (extract(epoch from superseded_at) * 1000000)::bigint as superseded_at,
                superseded_by
         from rider where production_id = $1 order by rider_id",
    )
    .bind(production_id)
    .fetch_all(&mut *conn)
    .await?;
    let covered: Vec<CoveredRow> = sqlx::query_as(
        "select rs.rider_id, rs.scene_id, v.version, v.content_hash, rs.scope::text as scope,
                (extract(epoch from rs.superseded_at) * 1000000)::bigint as superseded_at,
                rs.superseded_by, cv.scene_id as carried_scene_id, cv.version as carried_version
         from rider_scene rs
         join rider r on r.rider_id = rs.rider_id
         join scene_version v on v.scene_version_id = rs.scene_version_id
         left join scene_version cv on cv.scene_version_id = rs.carried_to_version_id
         where r.production_id = $1
         order by rs.rider_id, rs.scene_id",
    )
    .bind(production_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(compare(&riders, &covered, events, scenes))
}

/// A scene as the ledger says a rider covers it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Covers {
    version: i64,
    content_hash: String,
    superseded_at: Option<i64>,
    superseded_by: Option<i64>,
    carried_to: Option<i64>,
}

/// A rider as its entries, in order, leave it.
#[derive(Debug, Default)]
struct Derived {
    status: Option<&'static str>,
    delivered_at: Option<i64>,
    viewed_at: Option<i64>,
    signed_at: Option<i64>,
    revoked_at: Option<i64>,
    superseded_at: Option<i64>,
    superseded_by: Option<i64>,
    text_sha256: Option<String>,
    terms_sha256: Option<String>,
    /// The text hashes later entries (viewed, signed) name, with the entry's word.
    named_texts: Vec<(&'static str, String)>,
    scenes: BTreeMap<i64, Covers>,
    /// Scenes entries name that no scene of the production is now.
    unknown: Vec<String>,
}

fn derive(events: &[&Event], scenes: &Scenes) -> Derived {
    let mut d = Derived::default();
    for e in events {
        match e.event {
            word @ ("drafted" | "delivered") => {
                // A re-drafted or delivered rider covers what its latest entry names.
                d.scenes.clear();
                let facts = e.details.scenes.as_ref().and_then(Value::as_array);
                for fact in facts.into_iter().flatten() {
                    match scenes.of_fact(fact) {
                        Some(scene_id) => {
                            d.scenes.insert(
                                scene_id,
                                Covers {
                                    version: fact["version"].as_i64().unwrap_or(-1),
                                    content_hash: fact["content_hash"]
                                        .as_str()
                                        .unwrap_or_default()
                                        .to_string(),
                                    ..Covers::default()
                                },
                            );
                        }
                        None => d.unknown.push(shown(fact["scene"].as_str())),
                    }
                }
                if word == "drafted" {
                    d.status = Some("drafted");
                } else {
                    d.status = Some("delivered");
                    d.delivered_at = Some(e.at);
                    d.text_sha256 = e.text("text_sha256").map(str::to_string);
                    // Deliveries before the terms were hashed lack it: that check is skipped.
                    d.terms_sha256 = e.text("terms_sha256").map(str::to_string);
                }
            }
            "viewed" => {
                if let Some(hash) = e.text("text_sha256") {
                    d.named_texts.push(("viewed", hash.to_string()));
                }
                d.viewed_at = Some(e.at);
                if d.status == Some("delivered") {
                    d.status = Some("viewed");
                }
            }
            "signed" => {
                if let Some(hash) = e.text("text_sha256") {
                    d.named_texts.push(("signed", hash.to_string()));
                }
                d.signed_at = Some(e.at);
                d.status = Some("signed");
            }
            word @ ("revoked" | "declined") => {
                d.revoked_at = Some(e.at);
                // Saying no to a rider not yet signed is declining it, whoever records it
                // (`rules::revocation::saying_no`): a coordinator recording it for the
                // performer writes the word "revoked" for both, and the row says "declined".
                d.status = Some(if word == "revoked" && d.status == Some("signed") {
                    "revoked"
                } else {
                    "declined"
                });
            }
            "superseded" => {
                let by = e.int("superseded_by");
                let ids: Vec<Option<i64>> = match e.details.scene_ids.as_ref() {
                    Some(Value::Array(ids)) => ids.iter().map(Value::as_i64).collect(),
                    _ => e
                        .details
                        .scenes
                        .as_ref()
                        .unwrap_or(&Value::Null)
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|n| n.as_str().and_then(|n| scenes.by_number(n)))
                        .collect(),
                };
                for id in ids {
                    match id.and_then(|id| d.scenes.get_mut(&id)) {
                        Some(covers) => {
                            covers.superseded_at = Some(e.at);
                            covers.superseded_by = by;
                        }
                        None => d.unknown.push(format!("{} (superseded)", shown(id))),
                    }
                }
                // The rider as a whole once none of its scenes still counts.
                if !d.scenes.is_empty() && d.scenes.values().all(|c| c.superseded_at.is_some()) {
                    d.status = Some("superseded");
                    d.superseded_at = Some(e.at);
                    d.superseded_by = by;
                }
            }
            "carried_forward" => match scenes.of(&e.details).and_then(|id| d.scenes.get_mut(&id)) {
                Some(covers) => covers.carried_to = e.int("to_version"),
                None => d
                    .unknown
                    .push(format!("{} (carried forward)", shown(e.text("scene")))),
            },
            _ => {}
        }
    }
    d
}

/// Compares every rider and covered scene with its entries.
fn compare(
    riders: &[RiderRow],
    covered: &[CoveredRow],
    events: &[Event],
    scenes: &Scenes,
) -> Vec<Disagreement> {
    let mut by_rider: HashMap<i64, Vec<&Event>> = HashMap::new();
    for e in events {
        if let Some(id) = e.rider_id {
            by_rider.entry(id).or_default().push(e);
        }
    }
    let mut rows_of: HashMap<i64, Vec<&CoveredRow>> = HashMap::new();
    for c in covered {
        rows_of.entry(c.rider_id).or_default().push(c);
    }
    let mut out = Vec::new();
    for rider in riders {
        let entries = by_rider.remove(&rider.rider_id).unwrap_or_default();
        let rows = rows_of.remove(&rider.rider_id).unwrap_or_default();
        let derived = derive(&entries, scenes);
        if entries.is_empty() {
            out.push(Disagreement::new(
                "rider",
                format!("rider {}", rider.rider_id),
                "no entry on the ledger stands behind this rider",
            ));
        } else {
            compare_rider(&mut out, rider, &rows, &derived);
        }
        compare_scenes(&mut out, rider.rider_id, &rows, &derived);
    }
    let mut orphans: Vec<(i64, usize)> = by_rider.into_iter().map(|(k, v)| (k, v.len())).collect();
    orphans.sort();
    for (rider_id, n) in orphans {
        out.push(Disagreement::new(
            "rider",
            format!("rider {rider_id}"),
            format!("the ledger has {n} entries for this rider, but there is no such rider row"),
        ));
    }
    out
}

fn compare_rider(out: &mut Vec<Disagreement>, rider: &RiderRow, rows: &[&CoveredRow], d: &Derived) {
    let row = format!("rider {}", rider.rider_id);
    let r = row.as_str();
    let status = (d.status.unwrap_or("none"), rider.status.as_str());
    field(out, "rider", r, "status", status, str::to_string);
    for (name, ledger, stored) in [
        ("delivered_at", d.delivered_at, rider.delivered_at),
        ("viewed_at", d.viewed_at, rider.viewed_at),
        ("signed_at", d.signed_at, rider.signed_at),
        ("revoked_at", d.revoked_at, rider.revoked_at),
        ("superseded_at", d.superseded_at, rider.superseded_at),
    ] {
        field(out, "rider", r, name, (ledger, stored), when);
    }
    let by = (d.superseded_by, rider.superseded_by);
    field(out, "rider", r, "superseded_by", by, shown);
    let stored = rider.body_sha256.as_deref();
    field(
        out,
        "rider",
        r,
        "body_sha256",
        (d.text_sha256.as_deref(), stored),
        shown,
    );
    if stored.is_some_and(|h| h != rider.body_hash) {
        out.push(Disagreement::new(
            "rider",
            r,
            "the rider text no longer hashes to its body_sha256: the text was changed after it \
             was delivered",
        ));
    }
    if let Some(delivered) = &d.text_sha256 {
        for (word, hash) in &d.named_texts {
            if hash != delivered {
                out.push(Disagreement::new(
                    "rider",
                    r,
                    format!(
                        "the {word} entry names text {hash}, not the delivered text {delivered}"
                    ),
                ));
            }
        }
    }
    if let Some(delivered) = &d.terms_sha256 {
        let uses = Uses {
            in_picture: rider.in_picture,
            trailers: rider.in_trailers,
            stills: rider.in_stills,
        };
        let scopes = read_scopes(rows.iter().map(|c| (c.scene_id, c.scope.as_str())));
        if &terms_sha256(uses, rider.double_allowed, &scopes) != delivered {
            out.push(Disagreement::new(
                "rider",
                r,
                "the agreed terms (each scene's scope, the uses, whether a double may be used) are \
                 not those the delivered entry hashed",
            ));
        }
    }
    for number in &d.unknown {
        out.push(Disagreement::new(
            "rider",
            r,
            format!("an entry names scene {number}, which is not among the scenes it covers"),
        ));
    }
}

fn compare_scenes(out: &mut Vec<Disagreement>, rider_id: i64, rows: &[&CoveredRow], d: &Derived) {
    let label = |scene_id: i64| format!("rider_scene (rider {rider_id}, scene {scene_id})");
    for c in rows {
        let row = label(c.scene_id);
        let Some(want) = d.scenes.get(&c.scene_id) else {
            out.push(Disagreement::new(
                "rider_scene",
                row,
                "no drafted or delivered entry names this scene for the rider",
            ));
            continue;
        };
        if want.version != i64::from(c.version) || want.content_hash != c.content_hash {
            out.push(Disagreement::new(
                "rider_scene",
                &row,
                format!(
                    "the row covers version {} ({}), but the ledger says version {} ({})",
                    c.version, c.content_hash, want.version, want.content_hash
                ),
            ));
        }
        let at = (want.superseded_at, c.superseded_at);
        field(out, "rider_scene", &row, "superseded_at", at, when);
        let by = (want.superseded_by, c.superseded_by);
        field(out, "rider_scene", &row, "superseded_by", by, shown);
        let stored = match (c.carried_scene_id, c.carried_version) {
            (Some(scene), Some(v)) if scene == c.scene_id => Some(format!("version {v}")),
            (Some(_), _) => Some("a version of another scene".to_string()),
            _ => None,
        };
        let ledger = want.carried_to.map(|v| format!("version {v}"));
        field(
            out,
            "rider_scene",
            &row,
            "carried_to_version",
            (ledger, stored),
            shown,
        );
    }
    for (scene_id, want) in &d.scenes {
        if !rows.iter().any(|c| c.scene_id == *scene_id) {
            out.push(Disagreement::new(
                "rider_scene",
                label(*scene_id),
                format!(
                    "the ledger says the rider covers version {} of this scene, but there is no row",
                    want.version
                ),
            ));
        }
    }
}

#[cfg(test)]
#[path = "riders_tests.rs"]
mod tests;
