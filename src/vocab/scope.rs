//! What a rider agrees to, as a value that can be compared: R2 (asking for more than was
//! signed needs a new rider) and R4 (a double's rider may be no wider than the original's).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::vocab::body::{BodyArea, NudityLevel};
use crate::vocab::breakdown::PerformerPart;

/// Where footage may be used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uses {
    pub in_picture: bool,
    pub trailers: bool,
    pub stills: bool,
}

/// One performer's agreed scope for one scene.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub nudity: NudityLevel,
    pub shown: BTreeSet<BodyArea>,
    pub touched: BTreeSet<BodyArea>,
    pub touching: BTreeSet<BodyArea>,
    pub acts: BTreeSet<String>,
    pub uses: Uses,
    pub double_allowed: bool,
}

impl Scope {
    /// The scope a breakdown part asks for, with the given footage uses.
    pub fn from_part(part: &PerformerPart, uses: Uses, double_allowed: bool) -> Scope {
        let part = part.normalised();
        Scope {
            nudity: part.nudity,
            shown: part.shown.into_iter().collect(),
            touched: part.touched.into_iter().collect(),
            touching: part.touching.into_iter().collect(),
            acts: part.acts.into_iter().collect(),
            uses,
            double_allowed,
        }
    }

    /// What `self` asks for beyond `agreed`, in words; empty when it is within.
    pub fn beyond(&self, agreed: &Scope) -> Vec<String> {
        let mut out = Vec::new();
        if !nudity_covers(agreed.nudity, self.nudity) {
            out.push(format!(
                "nudity: {} (agreed: {})",
                self.nudity.label(),
                agreed.nudity.label()
            ));
        }
        for (what, asked, given) in [
            ("shown", &self.shown, &agreed.shown),
            ("touched", &self.touched, &agreed.touched),
            ("touching", &self.touching, &agreed.touching),
        ] {
            for area in asked.difference(given) {
                out.push(format!("{} {what}", area.label()));
            }
        }
        for act in self.acts.difference(&agreed.acts) {
            out.push(format!("act: {act}"));
        }
        for (what, asked, given) in [
            (
                "use in the picture",
                self.uses.in_picture,
                agreed.uses.in_picture,
            ),
            (
                "use in trailers and marketing",
                self.uses.trailers,
                agreed.uses.trailers,
            ),
            ("use in stills", self.uses.stills, agreed.uses.stills),
            ("a double", self.double_allowed, agreed.double_allowed),
        ] {
            if asked && !given {
                out.push(what.to_string());
            }
        }
        out
    }

    /// Everything in `self` is also agreed in `agreed`.
    pub fn within(&self, agreed: &Scope) -> bool {
        self.beyond(agreed).is_empty()
    }
}

/// Whether agreeing to `agreed` covers being asked `asked`. Levels are compared by what they
/// show: full frontal covers everything, full rear covers partial lower, implied is covered by any
/// nudity, and none by anything.
pub fn nudity_covers(agreed: NudityLevel, asked: NudityLevel) -> bool {
    use NudityLevel::*;
    agreed == asked
        || asked == None
        || (asked == Implied && agreed != None)
        || agreed == FullFrontal
        || (agreed == FullRear && asked == PartialLower)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(nudity: NudityLevel, shown: &[BodyArea], acts: &[&str]) -> PerformerPart {
        PerformerPart {
            cast_member_id: 1,
            nudity,
            shown: shown.to_vec(),
            touched: vec![],
            touching: vec![],
            acts: acts.iter().map(|a| a.to_string()).collect(),
        }
    }

    const PICTURE: Uses = Uses {
        in_picture: true,
        trailers: false,
        stills: false,
    };

    #[test]
    fn the_same_or_less_is_within_and_more_is_named() {
        let agreed = Scope::from_part(
            &part(
                NudityLevel::PartialUpper,
                &[BodyArea::Breasts, BodyArea::UpperBack],
                &["kiss on the neck"],
            ),
            PICTURE,
            false,
        );
        let less = Scope::from_part(
            &part(NudityLevel::Implied, &[BodyArea::UpperBack], &[]),
            PICTURE,
            false,
        );
        assert!(less.within(&agreed));
        assert!(agreed.within(&agreed));

        let more = Scope::from_part(
            &part(
                NudityLevel::PartialUpper,
                &[BodyArea::Breasts, BodyArea::Buttocks],
                &["kiss on the neck", "lie together"],
            ),
            Uses {
                trailers: true,
                ..PICTURE
            },
            true,
        );
        let beyond = more.beyond(&agreed);
        assert_eq!(
            beyond,
            vec![
                "Buttocks shown".to_string(),
                "act: lie together".to_string(),
                "use in trailers and marketing".to_string(),
                "a double".to_string(),
            ]
        );
    }

    #[test]
    fn nudity_levels_compare_by_what_they_show() {
        use NudityLevel::*;
        assert!(nudity_covers(FullFrontal, PartialUpper));
        assert!(nudity_covers(FullRear, PartialLower));
        assert!(!nudity_covers(PartialUpper, PartialLower));
        assert!(!nudity_covers(PartialLower, PartialUpper));
        assert!(nudity_covers(PartialUpper, Implied));
        assert!(!nudity_covers(None, Implied));
        assert!(nudity_covers(None, None));
    }
}
