//! What the consent ledger records: one variant per kind of consent fact, each with its own
//! typed details. `name` is the stored event word; `details` the JSON the chain hashes.

use serde::Serialize;
use serde_json::{Value, json};
use time::Date;

use super::scope::Narrowing;

/// One scene a rider covers, as the ledger names it: number, version and content hash, and
/// the scene's id, which stays put when the scene is renumbered (entries written before it
/// was added name the scene by number only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SceneFact {
    pub scene_id: i64,
    pub scene: String,
    pub version: i32,
    pub content_hash: String,
}

/// How a withdrawal reached the coordinator who recorded it on the performer's behalf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Told {
    InPerson,
    ByPhone,
}

impl Told {
    pub fn as_str(self) -> &'static str {
        match self {
            Told::InPerson => "in_person",
            Told::ByPhone => "by_phone",
        }
    }

    pub fn parse(text: &str) -> Option<Told> {
        [Told::InPerson, Told::ByPhone]
            .into_iter()
            .find(|t| t.as_str() == text)
    }

    /// How the performer said it, in `lang` ("in person").
    pub fn word(self, lang: crate::i18n::Lang) -> String {
        lang.t_of("told", self.as_str())
    }

    pub fn label(self) -> &'static str {
        match self {
            Told::InPerson => "in person",
            Told::ByPhone => "by phone",
        }
    }
}

/// Who pressed hold (R10), as the ledger keeps it: a role, never a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PausedBy {
    Performer,
    Coordinator,
}

/// A scene on one shoot day, as on-set events name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnDay {
    pub scene_id: i64,
    pub scene: String,
    pub shoot_day_id: i64,
    pub shoot_date: Date,
}

impl OnDay {
    fn details(&self) -> Value {
        json!({
            "scene_id": self.scene_id,
            "scene": self.scene,
            "shoot_day_id": self.shoot_day_id,
            "shoot_date": self.shoot_date.to_string(),
        })
    }
}

/// What a `signed` entry keeps of the signing device: SHA-256 over a random salt (64 hex
/// digits), the client address and the user agent, each on its own line. Whoever holds the
/// three (the `consent_event_client` row) can show they match; once that row is erased the hash
/// says nothing, as the salt is gone with it.
pub fn client_sha256(salt: &str, client_addr: &str, user_agent: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(
        format!("{salt}\n{client_addr}\n{user_agent}").as_bytes(),
    ))
}

/// Adds `extra`'s keys to a JSON object.
fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}

#[derive(Clone, Debug, PartialEq)]
pub enum LedgerEvent {
    /// A rider was drafted for these scene versions.
    Drafted { scenes: Vec<SceneFact> },
    /// Its text was locked and sent; the notice clock starts. `terms_sha256` binds what was
    /// agreed besides the text (each scene's scope, the uses, doubles): see
    /// `ledger::state::terms_sha256`.
    Delivered {
        text_sha256: String,
        terms_sha256: String,
        scenes: Vec<SceneFact>,
    },
    /// The performer first opened it.
    Viewed { text_sha256: String },
    /// The performer signed the text with this hash, from the device `client_sha256` names
    /// (see `client_sha256`: the address and browser themselves are kept beside the ledger, in
    /// `consent_event_client`, so erasing the signer removes them without touching the chain).
    Signed {
        text_sha256: String,
        client_sha256: String,
        authenticated: String,
        /// `password` or `passkey`.
        method: String,
        /// With a passkey: the SHA-256 of its credential id (which key, nothing personal).
        credential_sha256: Option<String>,
    },
    /// A newer signed rider covers these of its scenes (all of them when it is replaced whole).
    Superseded {
        superseded_by: i64,
        scenes: Vec<String>,
        scene_ids: Vec<i64>,
    },
    /// Consent withdrawn by the performer: effective at once, no reason asked (R3).
    Revoked,
    /// Consent withdrawn, told to a coordinator who recorded it on the performer's behalf (the
    /// entry's actor names them): the same effect and the same stored event word.
    RevokedForPerformer { told: Told },
    /// The performer declined a rider they had not signed: the same effect as a withdrawal.
    Declined,
    /// A new breakdown version left this performer's part as it was: the rider still covers it.
    CarriedForward {
        scene_id: i64,
        scene: String,
        from_version: i32,
        to_version: i32,
    },
    /// The coordinator confirmed they discussed with the performer the items of this rider that
    /// their boundary profile marks "no" or "ask first" (how many; never which).
    ConflictsDiscussed { items: usize },
    /// Marked shot on its shoot day, after call, while cleared.
    Shot(OnDay),
    /// A shot mark made in error, undone by the coordinator.
    ShotUndone(OnDay),
    /// Hold pressed on set (R10); `pause_id` names the hold's row.
    Paused {
        on: OnDay,
        by: PausedBy,
        pause_id: i64,
    },
    /// The hold `pause_id` resolved by the coordinator (several holds may stand at once).
    Resumed { on: OnDay, pause_id: i64 },
    /// The performer reconfirmed on the day (R11); any narrowing is its own `Narrowed` event.
    Reconfirmed { on: OnDay, cast_member_id: i64 },
    /// The coordinator logged the closure for a performer after the scene (R11).
    Closed { on: OnDay, cast_member_id: i64 },
    /// A double stands in for a performer in a scene (R4).
    DoubleAssigned {
        scene_id: i64,
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
            LedgerEvent::Revoked | LedgerEvent::RevokedForPerformer { .. } => "revoked",
            LedgerEvent::Declined => "declined",
            LedgerEvent::CarriedForward { .. } => "carried_forward",
            LedgerEvent::ConflictsDiscussed { .. } => "conflicts_discussed",
            LedgerEvent::Shot(_) => "shot",
            LedgerEvent::ShotUndone(_) => "shot_undone",
            LedgerEvent::Paused { .. } => "paused",
            LedgerEvent::Resumed { .. } => "resumed",
            LedgerEvent::Reconfirmed { .. } => "reconfirmed",
            LedgerEvent::Closed { .. } => "closed",
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
                terms_sha256,
                scenes,
            } => json!({
                "text_sha256": text_sha256,
                "terms_sha256": terms_sha256,
                "scenes": scenes,
            }),
            LedgerEvent::Viewed { text_sha256 } => json!({ "text_sha256": text_sha256 }),
            LedgerEvent::Signed {
                text_sha256,
                client_sha256,
                authenticated,
                method,
                credential_sha256,
            } => {
                let mut details = json!({
                    "text_sha256": text_sha256,
                    "client_sha256": client_sha256,
                    "authenticated": authenticated,
                    "method": method,
                });
                if let Some(credential) = credential_sha256 {
                    details["credential_sha256"] = json!(credential);
                }
                details
            }
            LedgerEvent::Superseded {
                superseded_by,
                scenes,
                scene_ids,
            } => json!({
                "superseded_by": superseded_by,
                "scenes": scenes,
                "scene_ids": scene_ids,
            }),
            LedgerEvent::Revoked => json!({ "effective": "immediately", "reason_asked": false }),
            LedgerEvent::RevokedForPerformer { told } => json!({
                "effective": "immediately",
                "reason_asked": false,
                "recorded_for_the_performer": true,
                "told": told.as_str(),
            }),
            LedgerEvent::Declined => json!({ "effective": "immediately", "reason_asked": false }),
            LedgerEvent::CarriedForward {
                scene_id,
                scene,
                from_version,
                to_version,
            } => json!({
                "scene_id": scene_id,
                "scene": scene,
                "from_version": from_version,
                "to_version": to_version,
            }),
            LedgerEvent::ConflictsDiscussed { items } => json!({ "items": items }),
            LedgerEvent::Shot(on) | LedgerEvent::ShotUndone(on) => on.details(),
            LedgerEvent::Paused { on, by, pause_id } => with(
                on.details(),
                json!({
                    "paused_as": match by {
                        PausedBy::Performer => "performer",
                        PausedBy::Coordinator => "coordinator",
                    },
                    "pause_id": pause_id,
                }),
            ),
            LedgerEvent::Resumed { on, pause_id } => {
                with(on.details(), json!({ "pause_id": pause_id }))
            }
            LedgerEvent::Reconfirmed { on, cast_member_id }
            | LedgerEvent::Closed { on, cast_member_id } => {
                with(on.details(), json!({ "cast_member_id": cast_member_id }))
            }
            LedgerEvent::DoubleAssigned {
                scene_id,
                scene,
                original_cast_member_id,
                double_cast_member_id,
            } => json!({
                "scene_id": scene_id,
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
        // Entries since scenes are named by id too carry `scene_id`; older ones, stored as
        // they were hashed, still verify without it.
        let drafted = LedgerEvent::Drafted {
            scenes: vec![SceneFact {
                scene_id: 9,
                scene: "12A".into(),
                version: 2,
                content_hash: "ab".into(),
            }],
        };
        assert_eq!(
            drafted.details().to_string(),
            r#"{"scenes":[{"content_hash":"ab","scene":"12A","scene_id":9,"version":2}]}"#
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

    #[test]
    fn on_set_events_name_the_scene_and_day_and_never_a_person_for_a_pause() {
        let on = OnDay {
            scene_id: 7,
            scene: "5A".into(),
            shoot_day_id: 3,
            shoot_date: date!(2027 - 05 - 04),
        };
        let paused = LedgerEvent::Paused {
            on: on.clone(),
            by: PausedBy::Performer,
            pause_id: 11,
        };
        // The pause's row id since a `resumed` names which hold it resolves; a person, never.
        assert_eq!(
            paused.details().to_string(),
            r#"{"pause_id":11,"paused_as":"performer","scene":"5A","scene_id":7,"shoot_date":"2027-05-04","shoot_day_id":3}"#
        );
        let resumed = LedgerEvent::Resumed {
            on: on.clone(),
            pause_id: 11,
        };
        assert_eq!(resumed.details()["pause_id"], 11);
        let told = LedgerEvent::RevokedForPerformer {
            told: Told::ByPhone,
        };
        assert_eq!(told.details()["told"], "by_phone");
        assert_eq!(LedgerEvent::Shot(on).name(), "shot");
    }
}
