//! Choreography: the ordered beats of a flagged scene, each with who is in it, what happens in
//! clinical words, the contact (who touches which body area of whom, with what), the exposure,
//! positions, garments, camera notes and whether the IC checks in there (a hold point). What a
//! beat asks of a performer is a `Scope`, so it is compared with a signed rider item by item
//! exactly as the rules compare riders (R2).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::vocab::body::{BodyArea, NudityLevel};
use crate::vocab::scope::{Scope, Uses};

/// One touch: `by` touches `to`'s `area` with their own `with`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Contact {
    pub by: i64,
    pub with: BodyArea,
    pub to: i64,
    pub area: BodyArea,
}

/// What of one performer is seen in the beat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposure {
    pub cast_member_id: i64,
    pub nudity: NudityLevel,
    pub shown: Vec<BodyArea>,
}

/// One moment of the choreography.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Beat {
    /// Stable across versions, so a rehearsal mark names the beat, not its place in the list.
    pub key: i64,
    pub performers: Vec<i64>,
    /// What happens, in clinical words.
    pub action: String,
    pub contacts: Vec<Contact>,
    pub exposures: Vec<Exposure>,
    pub positions: String,
    pub garments: String,
    pub camera: String,
    /// Where the IC checks in with the performers before going on.
    pub hold_point: bool,
}

/// A beat exposing or touching someone who is not among its performers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotInBeat(pub i64);

impl Beat {
    /// Whether this performer is in the beat: what they may read of the choreography.
    pub fn involves(&self, cast_member_id: i64) -> bool {
        self.performers.contains(&cast_member_id)
    }

    /// What the beat asks of one performer, as a scope with no acts or footage uses: contact
    /// and exposure only, the parts a rider's typed scope can be held against.
    pub fn asks_of(&self, cast_member_id: i64) -> Scope {
        let touched: BTreeSet<BodyArea> = self
            .contacts
            .iter()
            .filter(|c| c.to == cast_member_id)
            .map(|c| c.area)
            .collect();
        let touching: BTreeSet<BodyArea> = self
            .contacts
            .iter()
            .filter(|c| c.by == cast_member_id)
            .map(|c| c.with)
            .collect();
        let exposure = self
            .exposures
            .iter()
            .find(|e| e.cast_member_id == cast_member_id);
        Scope {
            nudity: exposure.map_or(NudityLevel::None, |e| e.nudity),
            shown: exposure
                .map(|e| e.shown.iter().copied().collect())
                .unwrap_or_default(),
            touched,
            touching,
            acts: BTreeSet::new(),
            uses: Uses::default(),
            double_allowed: false,
        }
    }

    /// Someone touched, touching or exposed who is not among the beat's performers: such a beat
    /// would ask something of a person who cannot read it.
    pub fn outsider(&self) -> Option<NotInBeat> {
        self.contacts
            .iter()
            .flat_map(|c| [c.by, c.to])
            .chain(self.exposures.iter().map(|e| e.cast_member_id))
            .find(|id| !self.involves(*id))
            .map(NotInBeat)
    }

    /// The beat in a canonical form: lists sorted, text trimmed with single line breaks.
    pub fn normalised(&self) -> Beat {
        let mut b = self.clone();
        b.performers.sort_unstable();
        b.performers.dedup();
        b.contacts.sort();
        b.contacts.dedup();
        for e in &mut b.exposures {
            e.shown.sort();
            e.shown.dedup();
        }
        b.exposures.sort_by_key(|e| e.cast_member_id);
        b.exposures.dedup_by_key(|e| e.cast_member_id);
        for text in [
            &mut b.action,
            &mut b.positions,
            &mut b.garments,
            &mut b.camera,
        ] {
            *text = tidy(text);
        }
        b
    }

    /// SHA-256 of the canonical beat: a rehearsal mark keeps it, so the day's page can say
    /// whether the beat is still the one rehearsed.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_string(&self.normalised()).unwrap_or_default();
        hex::encode(Sha256::digest(json.as_bytes()))
    }
}

fn tidy(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A scene's choreography: its beats in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choreography {
    pub beats: Vec<Beat>,
}

impl Choreography {
    /// SHA-256 over the beats in order, each canonical: what a version is known by.
    pub fn content_hash(&self) -> String {
        let beats: Vec<Beat> = self.beats.iter().map(Beat::normalised).collect();
        let json = serde_json::to_string(&beats).unwrap_or_default();
        hex::encode(Sha256::digest(json.as_bytes()))
    }

    /// The key a new beat gets: one past any beat this choreography has held.
    pub fn next_key(&self) -> i64 {
        self.beats.iter().map(|b| b.key).max().unwrap_or(0) + 1
    }
}

/// A stored choreography; anything unreadable reads as no beats, as stored breakdowns do.
pub fn read_choreography(json: &str) -> Choreography {
    serde_json::from_str(json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat() -> Beat {
        Beat {
            key: 1,
            performers: vec![7, 3],
            action: "  A kisses B's neck,\n\n  B turns away ".into(),
            contacts: vec![Contact {
                by: 7,
                with: BodyArea::Mouth,
                to: 3,
                area: BodyArea::Neck,
            }],
            exposures: vec![Exposure {
                cast_member_id: 3,
                nudity: NudityLevel::PartialUpper,
                shown: vec![BodyArea::UpperBack, BodyArea::Breasts, BodyArea::UpperBack],
            }],
            positions: "B on the bed".into(),
            garments: "Modesty patch".into(),
            camera: "Wide, then B's shoulder".into(),
            hold_point: true,
        }
    }

    #[test]
    fn a_beat_asks_each_performer_their_own_contact_and_exposure() {
        let b = beat();
        let of_b = b.asks_of(3);
        assert_eq!(of_b.touched, BTreeSet::from([BodyArea::Neck]));
        assert!(of_b.touching.is_empty());
        assert_eq!(of_b.nudity, NudityLevel::PartialUpper);
        assert_eq!(
            of_b.shown,
            BTreeSet::from([BodyArea::UpperBack, BodyArea::Breasts])
        );
        let of_a = b.asks_of(7);
        assert_eq!(of_a.touching, BTreeSet::from([BodyArea::Mouth]));
        assert!(of_a.touched.is_empty() && of_a.shown.is_empty());
        assert_eq!(of_a.nudity, NudityLevel::None);
    }

    #[test]
    fn someone_touched_outside_the_beat_is_named() {
        let mut b = beat();
        assert_eq!(b.outsider(), None);
        b.contacts[0].to = 99;
        assert_eq!(b.outsider(), Some(NotInBeat(99)));
    }

    #[test]
    fn the_hash_ignores_order_and_spacing_but_not_content() {
        let a = beat();
        let mut b = beat();
        b.performers.reverse();
        b.action = "A kisses B's neck,\nB turns away".into();
        assert_eq!(a.content_hash(), b.content_hash());
        b.hold_point = false;
        assert_ne!(a.content_hash(), b.content_hash());
        let one = Choreography {
            beats: vec![a.clone()],
        };
        let two = Choreography {
            beats: vec![a.clone(), Beat { key: 2, ..a }],
        };
        assert_ne!(one.content_hash(), two.content_hash());
        assert_eq!(two.next_key(), 3);
        assert_eq!(read_choreography("nonsense"), Choreography::default());
    }
}
