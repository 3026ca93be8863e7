//! R9 Stills: stills are allowed for a scene only if the breakdown asks for them and every
//! performer's signed rider (as narrowed on the day) allows them.

/// Folds one performer's answer into the scene's: allowed so far, and this rider allows stills.
pub fn allowed(so_far: bool, rider_allows_stills: bool) -> bool {
    so_far && rider_allows_stills
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rider_without_stills_stops_stills_for_the_whole_scene() {
        let every =
            |requested: bool, riders: &[bool]| riders.iter().fold(requested, |a, r| allowed(a, *r));
        assert!(every(true, &[true, true]));
        assert!(!every(true, &[true, false]));
        assert!(
            !every(false, &[true, true]),
            "a scene that asks for none allows none"
        );
    }
}
