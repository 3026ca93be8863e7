//! Boundary conflicts: where a performer's boundary profile says No, or "ask me first", to
//! something their part of a breakdown asks of them, so it is discussed before anyone signs.
//!
//! What each part of a breakdown touches in the profile:
//!
//! - an area **shown** asks "seen unclothed on camera" for that area;
//! - an area **touched** (by another performer) asks both "touched by a scene partner's hands"
//!   and "touched by a scene partner's body": the breakdown does not say with what, so either
//!   answer being No or "ask me first" is a conflict;
//! - a **kiss** among the scene's kinds asks "kissed" for the mouth and the face of every
//!   performer with a part: the breakdown does not say who kisses whom, and a warning too many
//!   costs one conversation, a warning too few costs trust;
//! - an area **touching** another performer is the performer's own area used to touch (their
//!   hands on a partner's back). It is not their body being looked at or handled, so it is not
//!   checked against "touched by hands"; but it is in contact with the partner's body, so it is
//!   checked against "touched by a scene partner's body" for that same area.
//!
//! Nudity levels and simulated acts are words, not areas, and are not matched: the areas shown
//! are where the breakdown names what is seen.

use std::fmt;

use crate::vocab::body::{BodyArea, IntimacyKind};
use crate::vocab::boundary::{Answer, Contact, Entry};
use crate::vocab::breakdown::PerformerPart;

/// What the breakdown asks that an answer in the profile concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Asked {
    /// The area is among the areas shown on camera.
    Shown,
    /// The area is among the areas touched by another performer.
    Touched,
    /// The performer touches another performer with this area.
    Touching,
    /// The scene's kinds of intimacy include a kiss.
    Kiss,
}

/// One place where a performer's profile and their part of a breakdown disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub area: BodyArea,
    pub contact: Contact,
    /// [`Answer::No`] or [`Answer::Ask`]; never [`Answer::Yes`].
    pub answer: Answer,
    pub asked: Asked,
}

impl Conflict {
    /// What the profile answered for, in words: "Breasts seen unclothed on camera".
    pub fn boundary(&self) -> String {
        let contact = match self.contact {
            Contact::SeenUnclothed => "seen unclothed on camera",
            Contact::TouchedByHands => "touched by a scene partner's hands",
            Contact::TouchedByBody => "touched by a scene partner's body",
            Contact::Kissed => "kissed by a scene partner",
        };
        format!("{} {contact}", self.area.label())
    }

    /// What the breakdown asks, in words: "Breasts shown", "a kiss".
    pub fn asked_text(&self) -> String {
        let area = self.area.label();
        match self.asked {
            Asked::Shown => format!("{area} shown"),
            Asked::Touched => format!("{area} touched"),
            Asked::Touching => format!("{area} touching another performer"),
            Asked::Kiss => "a kiss".to_string(),
        }
    }

    /// The boundary and what asks past it, without the answer, for a sentence that has already
    /// said it: "Breasts seen unclothed on camera (the breakdown asks: Breasts shown)".
    pub fn without_answer(&self) -> String {
        format!(
            "{} (the breakdown asks: {})",
            self.boundary(),
            self.asked_text()
        )
    }

    /// The answer in words: "No" or "Ask first".
    pub fn answer_text(&self) -> &'static str {
        answer_text(self.answer)
    }
}

/// "No", "Ask first" (and "Yes", which is never a conflict).
pub fn answer_text(answer: Answer) -> &'static str {
    match answer {
        Answer::Yes => "Yes",
        Answer::No => "No",
        Answer::Ask => "Ask first",
    }
}

/// "Breasts seen unclothed on camera: No (the breakdown asks: Breasts shown)".
impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (the breakdown asks: {})",
            self.boundary(),
            self.answer_text(),
            self.asked_text()
        )
    }
}

/// Every conflict between a performer's latest profile `entries` and their `part` of a
/// breakdown whose kinds of intimacy are `kinds`: every No first, then every "ask me first",
/// each by body area. An area or contact the profile leaves unanswered is not a conflict (the
/// coordinator asks about it anyway); one asked two ways ("touched" and "touching") is listed
/// once, for the first.
pub fn conflicts(entries: &[Entry], part: &PerformerPart, kinds: &[IntimacyKind]) -> Vec<Conflict> {
    let mut asks: Vec<(BodyArea, Contact, Asked)> = Vec::new();
    for &area in &part.shown {
        asks.push((area, Contact::SeenUnclothed, Asked::Shown));
    }
    for &area in &part.touched {
        asks.push((area, Contact::TouchedByHands, Asked::Touched));
        asks.push((area, Contact::TouchedByBody, Asked::Touched));
    }
    for &area in &part.touching {
        asks.push((area, Contact::TouchedByBody, Asked::Touching));
    }
    if kinds.contains(&IntimacyKind::Kiss) {
        asks.push((BodyArea::Mouth, Contact::Kissed, Asked::Kiss));
        asks.push((BodyArea::Face, Contact::Kissed, Asked::Kiss));
    }
    // One per area and contact, keeping the first way it was asked.
    asks.sort_by_key(|&(area, contact, asked)| (area, contact, asked));
    asks.dedup_by_key(|&mut (area, contact, _)| (area, contact));

    let mut found: Vec<Conflict> = asks
        .into_iter()
        .filter_map(|(area, contact, asked)| {
            let entry = entries
                .iter()
                .find(|e| e.area == area && e.contact == contact)?;
            (entry.answer != Answer::Yes).then_some(Conflict {
                area,
                contact,
                answer: entry.answer,
                asked,
            })
        })
        .collect();
    found.sort_by_key(|c| (c.answer, c.area, c.contact));
    found
}

/// The conflicts of several parts for the same performer (a rider covering several scenes),
/// merged: each area and contact once, with its first conflict in the order given.
pub fn merged(lists: impl IntoIterator<Item = Vec<Conflict>>) -> Vec<Conflict> {
    let mut all: Vec<Conflict> = Vec::new();
    for conflict in lists.into_iter().flatten() {
        if !all
            .iter()
            .any(|c| c.area == conflict.area && c.contact == conflict.contact)
        {
            all.push(conflict);
        }
    }
    all.sort_by_key(|c| (c.answer, c.area, c.contact));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::body::NudityLevel;

    fn entry(area: BodyArea, contact: Contact, answer: Answer) -> Entry {
        Entry {
            area,
            contact,
            answer,
            note: String::new(),
        }
    }

    fn part() -> PerformerPart {
        PerformerPart {
            cast_member_id: 7,
            nudity: NudityLevel::None,
            shown: Vec::new(),
            touched: Vec::new(),
            touching: Vec::new(),
            acts: Vec::new(),
            garments: String::new(),
        }
    }

    #[test]
    fn an_area_shown_that_the_profile_says_no_to_seen_unclothed_is_a_conflict() {
        let entries = [entry(BodyArea::Breasts, Contact::SeenUnclothed, Answer::No)];
        let part = PerformerPart {
            shown: vec![BodyArea::Breasts],
            nudity: NudityLevel::PartialUpper,
            ..part()
        };
        let found = conflicts(&entries, &part, &[IntimacyKind::Nudity]);
        assert_eq!(
            found,
            [Conflict {
                area: BodyArea::Breasts,
                contact: Contact::SeenUnclothed,
                answer: Answer::No,
                asked: Asked::Shown,
            }]
        );
        assert_eq!(
            found[0].to_string(),
            "Breasts seen unclothed on camera: No (the breakdown asks: Breasts shown)"
        );
    }

    #[test]
    fn yes_answers_unanswered_rows_and_areas_not_asked_are_no_conflict() {
        let entries = [
            entry(BodyArea::Breasts, Contact::SeenUnclothed, Answer::Yes),
            entry(BodyArea::Genitals, Contact::SeenUnclothed, Answer::No),
        ];
        let part = PerformerPart {
            shown: vec![BodyArea::Breasts, BodyArea::Buttocks],
            ..part()
        };
        assert!(conflicts(&entries, &part, &[]).is_empty());
    }

    #[test]
    fn an_area_touched_conflicts_with_either_hands_or_body() {
        let entries = [
            entry(BodyArea::Thighs, Contact::TouchedByHands, Answer::Yes),
            entry(BodyArea::Thighs, Contact::TouchedByBody, Answer::Ask),
            entry(BodyArea::LowerBack, Contact::TouchedByHands, Answer::No),
        ];
        let part = PerformerPart {
            touched: vec![BodyArea::Thighs, BodyArea::LowerBack],
            ..part()
        };
        let found = conflicts(&entries, &part, &[]);
        let words: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            words,
            [
                "Lower back touched by a scene partner's hands: No (the breakdown asks: Lower back touched)",
                "Thighs touched by a scene partner's body: Ask first (the breakdown asks: Thighs touched)",
            ]
        );
    }

    #[test]
    fn a_kiss_in_the_scene_asks_about_the_mouth_and_the_face() {
        let entries = [
            entry(BodyArea::Mouth, Contact::Kissed, Answer::Ask),
            entry(BodyArea::Face, Contact::Kissed, Answer::No),
            entry(BodyArea::Neck, Contact::Kissed, Answer::No),
        ];
        let found = conflicts(&entries, &part(), &[IntimacyKind::Kiss]);
        let asked: Vec<(BodyArea, Answer, String)> = found
            .iter()
            .map(|c| (c.area, c.answer, c.asked_text()))
            .collect();
        assert_eq!(
            asked,
            [
                (BodyArea::Face, Answer::No, "a kiss".to_string()),
                (BodyArea::Mouth, Answer::Ask, "a kiss".to_string()),
            ]
        );
        assert!(conflicts(&entries, &part(), &[IntimacyKind::Nudity]).is_empty());
    }

    #[test]
    fn touching_with_an_area_is_checked_against_its_body_contact_only() {
        let entries = [
            entry(BodyArea::Hands, Contact::TouchedByHands, Answer::No),
            entry(BodyArea::Hands, Contact::TouchedByBody, Answer::Ask),
            entry(BodyArea::Hands, Contact::SeenUnclothed, Answer::No),
        ];
        let part = PerformerPart {
            touching: vec![BodyArea::Hands],
            ..part()
        };
        let found = conflicts(&entries, &part, &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].contact, Contact::TouchedByBody);
        assert_eq!(found[0].asked_text(), "Hands touching another performer");
    }

    #[test]
    fn an_area_both_touched_and_touching_is_listed_once() {
        let entries = [entry(BodyArea::Chest, Contact::TouchedByBody, Answer::No)];
        let part = PerformerPart {
            touched: vec![BodyArea::Chest],
            touching: vec![BodyArea::Chest],
            ..part()
        };
        let found = conflicts(&entries, &part, &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].asked, Asked::Touched);
    }

    #[test]
    fn every_no_comes_before_any_ask_first() {
        let entries = [
            entry(BodyArea::Abdomen, Contact::SeenUnclothed, Answer::Ask),
            entry(BodyArea::Buttocks, Contact::SeenUnclothed, Answer::No),
        ];
        let part = PerformerPart {
            shown: vec![BodyArea::Abdomen, BodyArea::Buttocks],
            ..part()
        };
        let answers: Vec<Answer> = conflicts(&entries, &part, &[])
            .iter()
            .map(|c| c.answer)
            .collect();
        assert_eq!(answers, [Answer::No, Answer::Ask]);
    }

    #[test]
    fn conflicts_from_several_scenes_are_merged_once_per_area_and_contact() {
        let entries = [
            entry(BodyArea::Breasts, Contact::SeenUnclothed, Answer::No),
            entry(BodyArea::Mouth, Contact::Kissed, Answer::Ask),
        ];
        let shown = PerformerPart {
            shown: vec![BodyArea::Breasts],
            ..part()
        };
        let merged = merged([
            conflicts(&entries, &shown, &[]),
            conflicts(&entries, &shown, &[IntimacyKind::Kiss]),
        ]);
        let words: Vec<String> = merged.iter().map(Conflict::boundary).collect();
        assert_eq!(
            words,
            [
                "Breasts seen unclothed on camera",
                "Mouth kissed by a scene partner"
            ]
        );
    }
}
