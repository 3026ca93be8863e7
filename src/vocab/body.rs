//! The clinical vocabulary of an intimacy breakdown: body areas, nudity levels, kinds of intimacy.
//! Owns their database values and labels, and which scenes are flagged or closed to minors.

pub use super::fixed_list::UnknownValue;
use super::fixed_list::fixed_list;

fixed_list! {
    /// A body area, in one fixed clinical list used by breakdowns, riders and boundary profiles.
    #[derive(PartialOrd, Ord)]
    BodyArea, "body area", "body-area" {
        /// Face.
        Face => "face", "Face";
        /// Mouth.
        Mouth => "mouth", "Mouth";
        /// Neck.
        Neck => "neck", "Neck";
        /// Shoulders.
        Shoulders => "shoulders", "Shoulders";
        /// Arms.
        Arms => "arms", "Arms";
        /// Hands.
        Hands => "hands", "Hands";
        /// Upper back.
        UpperBack => "upper_back", "Upper back";
        /// Lower back.
        LowerBack => "lower_back", "Lower back";
        /// Chest.
        Chest => "chest", "Chest";
        /// Breasts.
        Breasts => "breasts", "Breasts";
        /// Nipples.
        Nipples => "nipples", "Nipples";
        /// Abdomen.
        Abdomen => "abdomen", "Abdomen";
        /// Buttocks.
        Buttocks => "buttocks", "Buttocks";
        /// Pubic area.
        PubicArea => "pubic_area", "Pubic area";
        /// Genitals.
        Genitals => "genitals", "Genitals";
        /// Inner thighs.
        InnerThighs => "inner_thighs", "Inner thighs";
        /// Thighs.
        Thighs => "thighs", "Thighs";
        /// Legs.
        Legs => "legs", "Legs";
        /// Feet.
        Feet => "feet", "Feet";
    }
}

fixed_list! {
    /// How much of a performer is seen unclothed, in clinical words.
    ///
    /// Deliberately not `Ord`: partial upper and partial lower are not wider than one another, so
    /// "wider than signed" checks must compare body areas, not these levels.
    NudityLevel, "nudity level", "nudity" {
        /// No nudity.
        None => "none", "None";
        /// Nudity suggested but nothing shown (framing, sheets, garments).
        Implied => "implied", "Implied";
        /// Upper body shown, including breasts.
        PartialUpper => "partial_upper", "Partial upper (breasts)";
        /// Lower body shown from behind, including buttocks.
        PartialLower => "partial_lower", "Partial lower (buttocks)";
        /// The whole body seen from behind.
        FullRear => "full_rear", "Full rear";
        /// The whole body seen from the front, including genitals.
        FullFrontal => "full_frontal", "Full frontal";
    }
}

impl NudityLevel {
    /// Any nudity at all, implied included: it needs a rider.
    pub fn is_nudity(self) -> bool {
        self != NudityLevel::None
    }
}

fixed_list! {
    /// A kind of intimacy a scene contains.
    #[derive(PartialOrd, Ord)]
    IntimacyKind, "kind of intimacy", "intimacy" {
        /// Kissing.
        Kiss => "kiss", "Kiss";
        /// Nudity.
        Nudity => "nudity", "Nudity";
        /// Simulated sex.
        SimulatedSex => "simulated_sex", "Simulated sex";
        /// Sensual dance.
        SensualDance => "sensual_dance", "Sensual dance";
        /// Striptease.
        Striptease => "striptease", "Striptease";
        /// Sexual violence.
        SexualViolence => "sexual_violence", "Sexual violence";
        /// Anything else, described in the acts.
        Other => "other", "Other";
    }
}

impl IntimacyKind {
    /// Whether this kind alone makes a scene flagged (nudity or simulated sex).
    pub fn is_flagging(self) -> bool {
        matches!(self, IntimacyKind::Nudity | IntimacyKind::SimulatedSex)
    }
}

/// A scene is flagged (needs riders and the R1 clearance rules) if any kind is nudity or simulated
/// sex, or any performer's nudity level is not none.
pub fn is_flagged(kinds: &[IntimacyKind], nudity: &[NudityLevel]) -> bool {
    kinds.iter().any(|k| k.is_flagging()) || nudity.iter().any(|n| n.is_nudity())
}

/// Whether a cast member under 18 on the shoot date may not be attached to the scene (DOMAIN R5:
/// nudity or simulated sex).
///
/// Today this is the same test as [`is_flagged`]; it is a separate function so the minors rule can
/// follow its own law (for example a jurisdiction that adds sexual violence) without moving the
/// clearance rule.
pub fn restricted_for_minors(kinds: &[IntimacyKind], nudity: &[NudityLevel]) -> bool {
    kinds.iter().any(|k| k.is_flagging()) || nudity.iter().any(|n| n.is_nudity())
}

#[cfg(test)]
mod tests {
    use std::fmt;
    use std::str::FromStr;

    use super::*;

    #[test]
    fn db_values_round_trip_and_match_serde() {
        fn check<T>(all: &[T], as_str: fn(T) -> &'static str)
        where
            T: Copy + PartialEq + fmt::Debug + FromStr + serde::Serialize,
            T::Err: fmt::Debug,
        {
            for value in all {
                let db = as_str(*value);
                assert_eq!(db.parse::<T>().unwrap(), *value);
                assert_eq!(serde_json::to_string(value).unwrap(), format!("\"{db}\""));
            }
        }
        check(BodyArea::all(), BodyArea::as_str);
        check(NudityLevel::all(), NudityLevel::as_str);
        check(IntimacyKind::all(), IntimacyKind::as_str);
        assert_eq!(BodyArea::all().len(), 19);
        assert_eq!(
            "Inner thighs".parse::<BodyArea>(),
            Ok(BodyArea::InnerThighs)
        );
        assert!("elbow".parse::<BodyArea>().is_err());
    }

    #[test]
    fn nudity_and_flagging() {
        assert!(!NudityLevel::None.is_nudity());
        assert!(NudityLevel::Implied.is_nudity());
        let flagging: Vec<_> = IntimacyKind::all()
            .iter()
            .filter(|k| k.is_flagging())
            .collect();
        assert_eq!(
            flagging,
            [&IntimacyKind::Nudity, &IntimacyKind::SimulatedSex]
        );

        use IntimacyKind::*;
        assert!(!is_flagged(&[], &[]));
        assert!(!is_flagged(&[Kiss, SensualDance], &[NudityLevel::None]));
        assert!(is_flagged(
            &[Kiss],
            &[NudityLevel::None, NudityLevel::Implied]
        ));
        assert!(is_flagged(&[SimulatedSex], &[NudityLevel::None]));
        assert!(is_flagged(&[Nudity], &[]));
        assert!(restricted_for_minors(&[SimulatedSex], &[]));
        assert!(restricted_for_minors(&[], &[NudityLevel::FullRear]));
        assert!(!restricted_for_minors(&[Kiss], &[NudityLevel::None]));
    }
}
