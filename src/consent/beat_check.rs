//! The clearance hook of issue #20: a scene's current beats held against what its performers
//! signed (`rules::beats`). Riders come from the same facts clearance reads, so a beat can
//! only add a reason to block; it never widens what a rider agreed to.

use std::collections::HashMap;

use crate::rules::beats::{BeatConflict, conflicts};
use crate::rules::facts::Rider;
use crate::vocab::beat::Choreography;
use crate::vocab::body::NudityLevel;
use crate::vocab::breakdown::Breakdown;
use crate::vocab::scope::{Scope, Uses};

/// The beats of a scene held against each performer's standing signed scope: the newest
/// signed rider not withdrawn or superseded. Someone in a beat whom no rider covers and the
/// breakdown does not ask anything of has agreed to nothing, so is held against an empty scope.
pub fn beat_conflicts(
    choreography: &Choreography,
    breakdown: &Breakdown,
    riders: &[Rider],
) -> Vec<BeatConflict> {
    let mut agreed: HashMap<i64, (i64, Scope)> = HashMap::new();
    for r in riders {
        if r.signed_at.is_none() || r.revoked_at.is_some() || r.superseded {
            continue;
        }
        let newer = agreed
            .get(&r.cast_member_id)
            .is_none_or(|(id, _)| *id < r.rider_id);
        if newer {
            agreed.insert(r.cast_member_id, (r.rider_id, r.scope.clone()));
        }
    }
    let mut agreed: HashMap<i64, Scope> = agreed.into_iter().map(|(k, (_, s))| (k, s)).collect();
    for beat in &choreography.beats {
        for id in &beat.performers {
            let asked_by_breakdown = breakdown.performers.iter().any(|p| p.cast_member_id == *id);
            let covered = riders.iter().any(|r| r.cast_member_id == *id);
            if !asked_by_breakdown && !covered {
                agreed.entry(*id).or_insert_with(nothing_agreed);
            }
        }
    }
    conflicts(choreography, &agreed)
}

fn nothing_agreed() -> Scope {
    Scope {
        nudity: NudityLevel::None,
        shown: Default::default(),
        touched: Default::default(),
        touching: Default::default(),
        acts: Default::default(),
        uses: Uses::default(),
        double_allowed: false,
    }
}
