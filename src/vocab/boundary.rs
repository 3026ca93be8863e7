//! The vocabulary of a boundary profile: the kinds of contact, the answers a performer gives for
//! each body area, and the answered rows one save keeps (read back from stored versions).

use serde::{Deserialize, Serialize};

use super::body::BodyArea;
use crate::i18n::Lang;

/// A kind of contact a performer answers for each body area, in clinical words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contact {
    SeenUnclothed,
    TouchedByHands,
    TouchedByBody,
    Kissed,
}

impl Contact {
    pub const ALL: [Contact; 4] = [
        Contact::SeenUnclothed,
        Contact::TouchedByHands,
        Contact::TouchedByBody,
        Contact::Kissed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Contact::SeenUnclothed => "seen_unclothed",
            Contact::TouchedByHands => "touched_by_hands",
            Contact::TouchedByBody => "touched_by_body",
            Contact::Kissed => "kissed",
        }
    }

    /// The text people read, in `lang`.
    pub fn word(self, lang: Lang) -> String {
        lang.t_of("contact", self.as_str())
    }

    pub fn label(self) -> &'static str {
        match self {
            Contact::SeenUnclothed => "Seen unclothed on camera",
            Contact::TouchedByHands => "Touched by a scene partner's hands",
            Contact::TouchedByBody => "Touched by a scene partner's body",
            Contact::Kissed => "Kissed by a scene partner",
        }
    }
}

/// A performer's answer for one body area and kind of contact. Ordered as declared, so a list
/// of conflicts puts every No before any "ask me first".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Ask,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Yes, Answer::No, Answer::Ask];

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Ask => "ask",
        }
    }

    /// The text people read, in `lang`.
    pub fn word(self, lang: Lang) -> String {
        lang.t_of("answer", self.as_str())
    }

    pub fn label(self) -> &'static str {
        match self {
            Answer::Yes => "Yes",
            Answer::No => "No",
            Answer::Ask => "Ask me first",
        }
    }

    pub fn parse(text: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// One answered row of a profile; rows left unanswered are not stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub area: BodyArea,
    pub contact: Contact,
    pub answer: Answer,
    #[serde(default)]
    pub note: String,
}

/// What one save states: the answered rows in a fixed order, and general notes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub entries: Vec<Entry>,
    pub notes: String,
}

impl Profile {
    /// Reads stored entries; rows that no longer parse are dropped rather than failing the
    /// page, because stored versions are never rewritten.
    pub fn from_stored(entries: &serde_json::Value, notes: &str) -> Profile {
        let mut entries: Vec<Entry> = entries
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|r| serde_json::from_value(r.clone()).ok())
                    .collect()
            })
            .unwrap_or_default();
        entries.sort_by_key(|e| (e.contact, e.area));
        Profile {
            entries,
            notes: notes.to_string(),
        }
    }

    pub fn entry(&self, contact: Contact, area: BodyArea) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.contact == contact && e.area == area)
    }
}
