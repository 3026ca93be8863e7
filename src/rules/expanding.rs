//! R2 Expanding needs a new rider: more acts, more body areas, more nudity or more uses than a
//! performer signed for means a new rider, a new signature and a new notice clock, even when
//! the performer asks for it. A narrower ask is covered by what was signed.

use crate::vocab::scope::{Scope, ScopeItem};

/// What `asked` wants beyond what was `signed`, item by item; empty when the signed rider
/// covers it. Anything here needs a new rider.
pub fn needs_new_rider(asked: &Scope, signed: &Scope) -> Vec<ScopeItem> {
    asked.beyond(signed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::body::{BodyArea, NudityLevel};
    use crate::vocab::breakdown::PerformerPart;
    use crate::vocab::scope::Uses;

    fn ask(nudity: NudityLevel, shown: &[BodyArea], acts: &[&str], trailers: bool) -> Scope {
        Scope::from_part(
            &PerformerPart {
                cast_member_id: 1,
                nudity,
                shown: shown.to_vec(),
                touched: vec![],
                touching: vec![],
                acts: acts.iter().map(|a| a.to_string()).collect(),
                garments: String::new(),
            },
            Uses {
                in_picture: true,
                trailers,
                stills: false,
            },
            false,
        )
    }

    #[test]
    fn asking_less_than_was_signed_needs_no_new_rider() {
        let signed = ask(
            NudityLevel::PartialUpper,
            &[BodyArea::UpperBack],
            &["embrace"],
            true,
        );
        let less = ask(NudityLevel::None, &[], &["embrace"], false);
        assert!(needs_new_rider(&less, &signed).is_empty());
        assert!(needs_new_rider(&signed, &signed).is_empty());
    }

    #[test]
    fn one_more_act_area_or_use_needs_a_new_rider_and_is_named() {
        let signed = ask(
            NudityLevel::PartialUpper,
            &[BodyArea::UpperBack],
            &["embrace"],
            false,
        );
        let more = ask(
            NudityLevel::PartialUpper,
            &[BodyArea::UpperBack, BodyArea::Buttocks],
            &["embrace", "kiss"],
            true,
        );
        assert_eq!(
            needs_new_rider(&more, &signed),
            vec![
                ScopeItem::Shown(BodyArea::Buttocks),
                ScopeItem::Act("kiss".into()),
                ScopeItem::Trailers,
            ]
        );
    }
}
