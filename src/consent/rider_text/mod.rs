//! The exact text of a rider: what the performer reads, signs and can later prove they signed.
//! Built as a [`Document`] from the phrase table, rendered to one deterministic plain text whose
//! SHA-256 identifies what was shown; the page's reading view is parsed back from that text.

mod document;
mod phrases;

use sha2::{Digest, Sha256};

pub use document::{Block, Document, List, Reading, one_line};
pub use phrases::Phrase;

use crate::vocab::body::BodyArea;
use crate::vocab::breakdown::{Breakdown, PerformerPart};
use crate::vocab::scope::Uses;

/// One scene a rider covers, at one breakdown version.
#[derive(Clone, Debug)]
pub struct RiderScene<'a> {
    pub number: &'a str,
    pub heading: &'a str,
    pub version: i32,
    pub content_hash: &'a str,
    /// What this performer is asked, their own garments included; never another performer's.
    pub part: &'a PerformerPart,
    /// The garments and barriers everyone in the scene uses.
    pub shared_garments: &'a str,
    pub closed_set: &'a [String],
}

/// Everything the text says.
#[derive(Clone, Debug)]
pub struct RiderContent<'a> {
    pub production_title: &'a str,
    pub performer_name: &'a str,
    pub cast_number: i32,
    pub character: &'a str,
    pub scenes: Vec<RiderScene<'a>>,
    pub uses: Uses,
    pub double_allowed: bool,
    pub notice_hours: i32,
}

/// Builds blocks from phrases, in one language.
struct Writer {
    doc: Document,
    say: fn(&Phrase<'_>) -> String,
}

impl Writer {
    fn title(&mut self, p: Phrase<'_>) {
        self.doc.push(Block::Title((self.say)(&p)));
    }
    fn heading(&mut self, p: Phrase<'_>) {
        self.doc.push(Block::Heading((self.say)(&p)));
    }
    fn paragraph(&mut self, p: Phrase<'_>) {
        self.doc.push(Block::Paragraph((self.say)(&p)));
    }
    /// The list under `lead`, or the `none` sentence when it has no items.
    fn list(&mut self, lead: Phrase<'_>, items: Vec<String>, none: Option<Phrase<'_>>) {
        let items: Vec<String> = items
            .iter()
            .map(|i| one_line(i))
            .filter(|i| !i.is_empty())
            .collect();
        if !items.is_empty() {
            let lead = (self.say)(&lead);
            self.doc.push(Block::List(List { lead, items }));
        } else if let Some(none) = none {
            self.paragraph(none);
        }
    }
}

fn areas(list: &[BodyArea]) -> Vec<String> {
    list.iter().map(|a| a.label().to_string()).collect()
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// The garments a rider lists as this performer's own: their part's, never another's.
pub fn own_garments(breakdown: &Breakdown, cast_member_id: i64) -> &str {
    breakdown
        .performers
        .iter()
        .find(|p| p.cast_member_id == cast_member_id)
        .map_or("", |p| p.garments.as_str())
}

/// The rider as a document, in English.
pub fn document(c: &RiderContent<'_>) -> Document {
    let mut w = Writer {
        doc: Document::default(),
        say: phrases::english,
    };
    let production = one_line(c.production_title);
    let performer = one_line(c.performer_name);
    let character = one_line(c.character);
    w.title(Phrase::Title {
        production: &production,
    });
    w.paragraph(Phrase::WhatThisIs {
        performer: &performer,
        cast_number: c.cast_number,
        character: &character,
    });
    w.paragraph(Phrase::HowItWorks);
    for s in &c.scenes {
        let part = s.part.normalised();
        let (number, heading) = (one_line(s.number), one_line(s.heading));
        w.heading(Phrase::SceneHeading {
            number: &number,
            heading: &heading,
        });
        w.paragraph(Phrase::SceneVersion {
            version: s.version,
            short_hash: &s.content_hash[..s.content_hash.len().min(12)],
        });
        w.paragraph(Phrase::Nudity(part.nudity));
        w.list(
            Phrase::ShownLead,
            areas(&part.shown),
            Some(Phrase::NothingShown),
        );
        w.list(
            Phrase::TouchedLead,
            areas(&part.touched),
            Some(Phrase::NotTouched),
        );
        w.list(
            Phrase::TouchingLead,
            areas(&part.touching),
            Some(Phrase::NotTouching),
        );
        w.list(Phrase::ActsLead, part.acts.clone(), Some(Phrase::NoActs));
        let own = lines(&part.garments);
        let shared = lines(s.shared_garments);
        let none =
            (own.iter().chain(&shared).all(|l| l.trim().is_empty())).then_some(Phrase::NoGarments);
        w.list(Phrase::OwnGarmentsLead, own, None);
        w.list(Phrase::SharedGarmentsLead, shared, none);
        w.list(
            Phrase::ClosedSetLead,
            s.closed_set.to_vec(),
            Some(Phrase::NoClosedSet),
        );
    }
    w.heading(Phrase::FootageHeading);
    w.list(
        Phrase::FootageLead,
        vec![
            (w.say)(&Phrase::InPicture(c.uses.in_picture)),
            (w.say)(&Phrase::Trailers(c.uses.trailers)),
            (w.say)(&Phrase::Stills(c.uses.stills)),
        ],
        None,
    );
    w.paragraph(Phrase::Double(c.double_allowed));
    w.heading(Phrase::RightsHeading);
    w.list(
        Phrase::RightsLead,
        vec![
            (w.say)(&Phrase::RightWithdraw),
            (w.say)(&Phrase::RightNoReason),
            (w.say)(&Phrase::RightMoreNeedsNewRider),
            (w.say)(&Phrase::RightNotice {
                hours: c.notice_hours,
            }),
        ],
        None,
    );
    w.doc
}

/// Renders the rider text (plain text, `\n` line ends): what is hashed, signed and downloaded.
pub fn render(c: &RiderContent<'_>) -> String {
    document(c).text()
}

/// The SHA-256 of a rider text, lowercase hex.
pub fn text_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests;
