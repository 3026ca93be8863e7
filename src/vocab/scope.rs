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

/// One thing a scope can ask for beyond another: what R2 names when more is asked than was
/// signed, what R4 names when a double's rider is wider, and what an R11 narrowing takes back.
/// Rules compare items; `Display` gives the words every page uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeItem {
    Nudity {
        asked: NudityLevel,
        agreed: NudityLevel,
    },
    Shown(BodyArea),
    Touched(BodyArea),
    Touching(BodyArea),
    Act(String),
    InPicture,
    Trailers,
    Stills,
    Double,
}

/// Items in words, as a list in a sentence: "Buttocks shown, act: lie together".
pub fn words(items: &[ScopeItem]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl ScopeItem {
    /// Whether the item limits where footage may be used rather than what can be shot
    /// (trailers and stills): a narrowing of these alone does not stop the shoot.
    pub fn limits_footage_only(&self) -> bool {
        matches!(self, ScopeItem::Trailers | ScopeItem::Stills)
    }
}

impl std::fmt::Display for ScopeItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScopeItem::Nudity { asked, agreed } => {
                write!(f, "nudity: {} (agreed: {})", asked.label(), agreed.label())
            }
            ScopeItem::Shown(area) => write!(f, "{} shown", area.label()),
            ScopeItem::Touched(area) => write!(f, "{} touched", area.label()),
            ScopeItem::Touching(area) => write!(f, "{} touching", area.label()),
            ScopeItem::Act(act) => write!(f, "act: {act}"),
            ScopeItem::InPicture => f.write_str("use in the picture"),
            ScopeItem::Trailers => f.write_str("use in trailers and marketing"),
            ScopeItem::Stills => f.write_str("use in stills"),
            ScopeItem::Double => f.write_str("a double"),
        }
    }
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

    /// What `self` asks for beyond `agreed`, item by item; empty when it is within.
    pub fn beyond(&self, agreed: &Scope) -> Vec<ScopeItem> {
        let mut out = Vec::new();
        if !nudity_covers(agreed.nudity, self.nudity) {
            out.push(ScopeItem::Nudity {
                asked: self.nudity,
                agreed: agreed.nudity,
            });
        }
        out.extend(
            self.shown
                .difference(&agreed.shown)
                .map(|a| ScopeItem::Shown(*a)),
        );
        out.extend(
            self.touched
                .difference(&agreed.touched)
                .map(|a| ScopeItem::Touched(*a)),
        );
        out.extend(
            self.touching
                .difference(&agreed.touching)
                .map(|a| ScopeItem::Touching(*a)),
        );
        out.extend(
            self.acts
                .difference(&agreed.acts)
                .cloned()
                .map(ScopeItem::Act),
        );
        for (item, asked, given) in [
            (
                ScopeItem::InPicture,
                self.uses.in_picture,
                agreed.uses.in_picture,
            ),
            (
                ScopeItem::Trailers,
                self.uses.trailers,
                agreed.uses.trailers,
            ),
            (ScopeItem::Stills, self.uses.stills, agreed.uses.stills),
            (
                ScopeItem::Double,
                self.double_allowed,
                agreed.double_allowed,
            ),
        ] {
            if asked && !given {
                out.push(item);
            }
        }
        out
    }

    /// Everything in `self` is also agreed in `agreed`.
    pub fn within(&self, agreed: &Scope) -> bool {
        self.beyond(agreed).is_empty()
    }
}

/// What a performer no longer agrees to, recorded at an on-the-day reconfirmation: items of
/// their signed scope, each removed. A narrowing never adds anything (R2 needs a new rider).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Narrowing {
    pub shown: BTreeSet<BodyArea>,
    pub touched: BTreeSet<BodyArea>,
    pub touching: BTreeSet<BodyArea>,
    pub acts: BTreeSet<String>,
    pub in_picture: bool,
    pub trailers: bool,
    pub stills: bool,
}

impl Narrowing {
    /// How many items were taken back: what the daily report shows instead of the items.
    pub fn count(&self) -> usize {
        self.shown.len()
            + self.touched.len()
            + self.touching.len()
            + self.acts.len()
            + usize::from(self.in_picture)
            + usize::from(self.trailers)
            + usize::from(self.stills)
    }

    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// Both narrowings together: taking back is never undone by a later reconfirmation.
    pub fn add(&mut self, other: &Narrowing) {
        self.shown.extend(other.shown.iter().copied());
        self.touched.extend(other.touched.iter().copied());
        self.touching.extend(other.touching.iter().copied());
        self.acts.extend(other.acts.iter().cloned());
        self.in_picture |= other.in_picture;
        self.trailers |= other.trailers;
        self.stills |= other.stills;
    }

    /// Only what `scope` holds: a narrowing cannot take back what was never agreed.
    pub fn within(&self, scope: &Scope) -> Narrowing {
        Narrowing {
            shown: self.shown.intersection(&scope.shown).copied().collect(),
            touched: self.touched.intersection(&scope.touched).copied().collect(),
            touching: self
                .touching
                .intersection(&scope.touching)
                .copied()
                .collect(),
            acts: self.acts.intersection(&scope.acts).cloned().collect(),
            in_picture: self.in_picture && scope.uses.in_picture,
            trailers: self.trailers && scope.uses.trailers,
            stills: self.stills && scope.uses.stills,
        }
    }

    /// The scope left after taking these items back.
    pub fn apply(&self, scope: &Scope) -> Scope {
        let mut left = scope.clone();
        left.shown.retain(|a| !self.shown.contains(a));
        left.touched.retain(|a| !self.touched.contains(a));
        left.touching.retain(|a| !self.touching.contains(a));
        left.acts.retain(|a| !self.acts.contains(a));
        left.uses.in_picture &= !self.in_picture;
        left.uses.trailers &= !self.trailers;
        left.uses.stills &= !self.stills;
        left
    }

    /// What of `scope` can no longer be shot, in words: acts and body areas the scene asks for,
    /// and use in the picture. Trailers and stills limit the footage, not the shoot.
    pub fn blocking(&self, scope: &Scope) -> Vec<ScopeItem> {
        scope
            .beyond(&self.apply(scope))
            .into_iter()
            .filter(|item| !item.limits_footage_only())
            .collect()
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
            garments: String::new(),
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
        let beyond: Vec<String> = more
            .beyond(&agreed)
            .iter()
            .map(ToString::to_string)
            .collect();
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
