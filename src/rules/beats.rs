//! R2 on the choreography: a beat may never ask more of a performer than their signed rider
//! allows. Each beat's contact and exposure is held against each performer's standing signed
//! scope item by item; a beat that goes beyond blocks the scene, naming the performer and the
//! beat, until the beat is changed or a wider rider is signed. Beats only ever add reasons to
//! block: nothing here can clear a scene that the riders do not.

use std::collections::HashMap;

use super::facts::{Clearance, Problem, Reason};
use crate::vocab::beat::Choreography;
use crate::vocab::scope::{Scope, ScopeItem};

/// One beat asking more of one performer than they agreed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BeatConflict {
    /// The beat's place in the choreography, from 1.
    pub beat_no: usize,
    pub beat_key: i64,
    pub cast_member_id: i64,
    pub items: Vec<ScopeItem>,
}

/// Every beat's ask beyond what its performers agreed. `agreed` holds the standing signed
/// scope of each performer to check: a performer missing from it is not checked here (the
/// scene is already blocked for them by R1 when it asks them anything); the caller gives an
/// empty scope for anyone the riders do not cover at all.
pub fn conflicts(choreography: &Choreography, agreed: &HashMap<i64, Scope>) -> Vec<BeatConflict> {
    let mut out = Vec::new();
    for (i, beat) in choreography.beats.iter().enumerate() {
        let mut people = beat.performers.clone();
        people.sort_unstable();
        people.dedup();
        for cast_member_id in people {
            let Some(scope) = agreed.get(&cast_member_id) else {
                continue;
            };
            let items = beat.asks_of(cast_member_id).beyond(scope);
            if !items.is_empty() {
                out.push(BeatConflict {
                    beat_no: i + 1,
                    beat_key: beat.key,
                    cast_member_id,
                    items,
                });
            }
        }
    }
    out
}

/// The clearance once the beats are heard: a scene shot or needing no rider stays as it is;
/// otherwise every conflict becomes a reason to block, beside any the riders gave.
pub fn with_beats(
    clearance: Clearance,
    conflicts: &[BeatConflict],
    label: impl Fn(i64) -> String,
) -> Clearance {
    if conflicts.is_empty() {
        return clearance;
    }
    let reasons = conflicts.iter().map(|c| Reason {
        cast_member_id: c.cast_member_id,
        who: label(c.cast_member_id),
        problem: Problem::BeatBeyond {
            beat_no: c.beat_no,
            items: c.items.clone(),
        },
    });
    match clearance {
        Clearance::Shot | Clearance::NotFlagged => clearance,
        Clearance::Cleared { .. } => Clearance::Blocked(reasons.collect()),
        Clearance::Blocked(mut existing) => {
            existing.extend(reasons);
            Clearance::Blocked(existing)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::vocab::beat::{Beat, Contact, Exposure};
    use crate::vocab::body::{BodyArea, NudityLevel};
    use crate::vocab::scope::Uses;

    fn agreed(touched: &[BodyArea], shown: &[BodyArea], nudity: NudityLevel) -> Scope {
        Scope {
            nudity,
            shown: shown.iter().copied().collect(),
            touched: touched.iter().copied().collect(),
            touching: BTreeSet::from([BodyArea::Hands]),
            acts: BTreeSet::new(),
            uses: Uses {
                in_picture: true,
                ..Uses::default()
            },
            double_allowed: false,
        }
    }

    fn beat(key: i64, area: BodyArea) -> Beat {
        Beat {
            key,
            performers: vec![1, 2],
            action: "A's hand on B".into(),
            contacts: vec![Contact {
                by: 1,
                with: BodyArea::Hands,
                to: 2,
                area,
            }],
            exposures: vec![Exposure {
                cast_member_id: 2,
                nudity: NudityLevel::Implied,
                shown: vec![],
            }],
            positions: String::new(),
            garments: String::new(),
            camera: String::new(),
            hold_point: false,
        }
    }

    fn riders() -> HashMap<i64, Scope> {
        HashMap::from([
            (1, agreed(&[], &[], NudityLevel::None)),
            (2, agreed(&[BodyArea::Shoulders], &[], NudityLevel::Implied)),
        ])
    }

    #[test]
    fn a_beat_within_every_rider_changes_nothing() {
        let c = Choreography {
            beats: vec![beat(1, BodyArea::Shoulders)],
        };
        assert!(conflicts(&c, &riders()).is_empty());
        let cleared = Clearance::Cleared {
            stills_allowed: false,
        };
        assert_eq!(with_beats(cleared.clone(), &[], |_| String::new()), cleared);
    }

    #[test]
    fn a_beat_touching_more_than_agreed_blocks_naming_beat_and_item() {
        let c = Choreography {
            beats: vec![beat(1, BodyArea::Shoulders), beat(5, BodyArea::Thighs)],
        };
        let found = conflicts(&c, &riders());
        assert_eq!(
            found,
            [BeatConflict {
                beat_no: 2,
                beat_key: 5,
                cast_member_id: 2,
                items: vec![ScopeItem::Touched(BodyArea::Thighs)],
            }]
        );
        let decided = with_beats(
            Clearance::Cleared {
                stills_allowed: true,
            },
            &found,
            |id| format!("#{id}"),
        );
        let Clearance::Blocked(reasons) = decided else {
            panic!("a beat beyond the rider must block");
        };
        assert_eq!(reasons[0].cast_member_id, 2);
        assert!(reasons[0].to_string().contains("beat 2"), "{}", reasons[0]);
        // Shot stays shot: takes already made are not reopened.
        assert_eq!(
            with_beats(Clearance::Shot, &found, |_| String::new()),
            Clearance::Shot
        );
    }

    #[test]
    fn more_exposure_than_agreed_is_named_and_unchecked_performers_are_left_to_r1() {
        let mut b = beat(1, BodyArea::Shoulders);
        b.exposures[0].nudity = NudityLevel::PartialUpper;
        b.exposures[0].shown = vec![BodyArea::Breasts];
        let c = Choreography { beats: vec![b] };
        let found = conflicts(&c, &riders());
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .items
                .contains(&ScopeItem::Shown(BodyArea::Breasts))
        );
        assert!(found[0].items.iter().any(|i| matches!(
            i,
            ScopeItem::Nudity {
                asked: NudityLevel::PartialUpper,
                ..
            }
        )));
        let mut only_one = riders();
        only_one.remove(&2);
        assert!(conflicts(&c, &only_one).is_empty());
    }
}
