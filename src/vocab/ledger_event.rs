//! What the consent ledger records: one variant per kind of consent fact, each with its own
//! typed details. `name` is the stored event word; `details` the JSON the chain hashes.

use serde::Serialize;
use serde_json::{Value, json};
use time::Date;

use super::scope::Narrowing;

/// One scene a rider covers, as the ledger names it: number, version and content hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SceneFact {
    pub scene: String,
    pub version: i32,
    pub content_hash: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LedgerEvent {
    /// A rider was drafted for these scene versions.
    Drafted { scenes: Vec<SceneFact> },
    /// Its text was locked and sent; the notice clock starts.
    Delivered {
        text_sha256: String,
        scenes: Vec<SceneFact>,
    },
    /// The performer first opened it.
    Viewed { text_sha256: String },
    /// The performer signed the text with this hash, from this address and browser, so.
    Signed {
        text_sha256: String,
        client_addr: String,
        user_agent: String,
        authenticated: String,
    },
    /// A newer signed rider covers its scenes.
    Superseded { superseded_by: i64 },
    /// Consent withdrawn: effective at once, no reason asked (R3).
    Revoked,
    /// A double stands in for a performer in a scene (R4).
    DoubleAssigned {
        scene: String,
        original_cast_member_id: i64,
        double_cast_member_id: i64,
    },
    /// On the day, the performer took these items back (R11).
    Narrowed {
        scene: String,
        shoot_date: Date,
        taken_back: Narrowing,
    },
}

impl LedgerEvent {
    /// The stored event word.
    pub fn name(&self) -> &'static str {
        match self {
            LedgerEvent::Drafted { .. } => "drafted",
            LedgerEvent::Delivered { .. } => "delivered",
            LedgerEvent::Viewed { .. } => "viewed",
            LedgerEvent::Signed { .. } => "signed",
            LedgerEvent::Superseded { .. } => "superseded",
            LedgerEvent::Revoked => "revoked",
            LedgerEvent::DoubleAssigned { .. } => "double_assigned",
            LedgerEvent::Narrowed { .. } => "narrowed",
        }
    }

    /// The details the entry keeps (and hashes), as a JSON object.
    pub fn details(&self) -> Value {
        match self {
            LedgerEvent::Drafted { scenes } => json!({ "scenes": scenes }),
            LedgerEvent::Delivered {
                text_sha256,
                scenes,
            } => json!({ "text_sha256": text_sha256, "scenes": scenes }),
            LedgerEvent::Viewed { text_sha256 } => json!({ "text_sha256": text_sha256 }),
            LedgerEvent::Signed {
                text_sha256,
                client_addr,
                user_agent,
                authenticated,
            } => json!({
                "text_sha256": text_sha256,
                "client_addr": client_addr,
                "user_agent": user_agent,
                "authenticated": authenticated,
            }),
            LedgerEvent::Superseded { superseded_by } => json!({ "superseded_by": superseded_by }),
            LedgerEvent::Revoked => json!({ "effective": "immediately", "reason_asked": false }),
            LedgerEvent::DoubleAssigned {
                scene,
                original_cast_member_id,
                double_cast_member_id,
            } => json!({
                "scene": scene,
                "original_cast_member_id": original_cast_member_id,
                "double_cast_member_id": double_cast_member_id,
            }),
            LedgerEvent::Narrowed {
                scene,
                shoot_date,
                taken_back,
            } => json!({
                "scene": scene,
                "shoot_date": shoot_date.to_string(),
                "items_taken_back": taken_back.count(),
                "taken_back": taken_back,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn events_keep_the_words_and_details_the_chain_has_always_hashed() {
        let revoked = LedgerEvent::Revoked;
        assert_eq!(revoked.name(), "revoked");
        assert_eq!(
            revoked.details().to_string(),
            r#"{"effective":"immediately","reason_asked":false}"#
        );
        let drafted = LedgerEvent::Drafted {
            scenes: vec![SceneFact {
                scene: "12A".into(),
                version: 2,
                content_hash: "ab".into(),
            }],
        };
        assert_eq!(
            drafted.details().to_string(),
            r#"{"scenes":[{"content_hash":"ab","scene":"12A","version":2}]}"#
        );
        let narrowed = LedgerEvent::Narrowed {
            scene: "5".into(),
            shoot_date: date!(2027 - 05 - 04),
            taken_back: Narrowing {
                trailers: true,
                ..Narrowing::default()
            },
        };
        assert_eq!(narrowed.name(), "narrowed");
        assert_eq!(narrowed.details()["items_taken_back"], 1);
        assert_eq!(narrowed.details()["shoot_date"], "2027-05-04");
    }
}
