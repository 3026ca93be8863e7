//! Stale (DOMAIN §3): a signed rider no longer covers a scene when what is asked *of that
//! performer* changed since the version it covers: their part, the kinds, garments or stills. A
//! change around them (another performer's part, the closed set, monitors, the synopsis)
//! carries their rider forward. R2 still holds: anything more asked needs a new rider.

use crate::vocab::breakdown::Breakdown;

/// Whether the performer's part differs between the version a rider covers and the current
/// one. When the covered version is unknown, or neither version asks anything of this cast
/// member (a double's rider covers someone else's part), only the same version counts as
/// unchanged: unsure is stale, which blocks rather than clears.
pub fn part_changed(
    covered: Option<&Breakdown>,
    current: &Breakdown,
    cast_member_id: i64,
    same_version: bool,
) -> bool {
    if same_version {
        return false;
    }
    let Some(covered) = covered else {
        return true;
    };
    match (
        covered.part_hash(cast_member_id),
        current.part_hash(cast_member_id),
    ) {
        (None, None) => true,
        (before, now) => before != now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::body::{IntimacyKind, NudityLevel};
    use crate::vocab::breakdown::{PerformerPart, empty_breakdown};

    fn two_handed() -> Breakdown {
        let mut b = empty_breakdown();
        b.kinds = vec![IntimacyKind::Nudity];
        for id in [1, 2] {
            b.performers.push(PerformerPart {
                cast_member_id: id,
                nudity: NudityLevel::PartialUpper,
                shown: vec![],
                touched: vec![],
                touching: vec![],
                acts: vec!["embrace".into()],
                garments: String::new(),
            });
        }
        b
    }

    #[test]
    fn another_performers_change_carries_a_rider_forward() {
        let before = two_handed();
        let mut after = before.clone();
        after.performers[1].acts.push("kiss".into());
        after.closed_set.push("Dana Okafor".into());
        assert!(!part_changed(Some(&before), &after, 1, false));
        assert!(part_changed(Some(&before), &after, 2, false));
    }

    #[test]
    fn unsure_is_stale_and_the_same_version_never_is() {
        let b = two_handed();
        assert!(part_changed(None, &b, 1, false));
        assert!(!part_changed(None, &b, 1, true));
        // A double's rider: neither version names them.
        assert!(part_changed(Some(&b), &b, 7, false));
    }
}
