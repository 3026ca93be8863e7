//! The conversation form: what was typed, kept as text for a refused form, and its checks
//! against the production's cast and clocks (a first one-to-one is with one performer and has
//! happened), including each performer's confidential note and the follow-up rows of a new log.

use time::{Date, OffsetDateTime};

use super::kind::Kind;
use super::records::{CastOption, ConversationRow};
use super::versions::Note;
use crate::clock::Zone;
use crate::clock::hour_minute;
use crate::clock::parse_date;
use crate::clock::parse_time;
use crate::consent::boundaries::KeyedErrors;
use crate::rules::first_meeting::{FirstOneToOneRefusal, first_one_to_one_refusals};
use crate::rules::input_ranges::production_date;
use crate::web::{FieldErrors, FormBody, Len};

/// Names of the follow-up rows on the new-conversation form (field errors need fixed names).
pub(super) const FOLLOW_UP_FIELDS: [(&str, &str); 3] = [
    ("follow_up_1", "follow_up_due_1"),
    ("follow_up_2", "follow_up_due_2"),
    ("follow_up_3", "follow_up_due_3"),
];

/// What was typed into a conversation form, kept as text for a refused form.
#[derive(Default)]
pub(super) struct ConversationForm {
    pub(super) kind: String,
    pub(super) performers: Vec<String>,
    pub(super) date: String,
    pub(super) time: String,
    pub(super) summary: String,
    /// Each offered cast member's confidential note, as typed (`note_<cast_member_id>`).
    pub(super) notes: Vec<(i64, String)>,
    /// Body and due date per row of `FOLLOW_UP_FIELDS`.
    pub(super) follow_ups: Vec<(String, String)>,
    too_long: FieldErrors,
}

/// The most a summary or a note may hold.
const TEXT_MAX: usize = 20_000;

impl ConversationForm {
    /// What was sent, with a note per cast member offered.
    pub(super) fn read(body: &FormBody, cast: &[CastOption]) -> ConversationForm {
        let mut r = body.reader();
        ConversationForm {
            kind: r.text("kind", Len::Code),
            performers: r.all("performers", Len::Code),
            date: r.text("date", Len::Code),
            time: r.text("time", Len::Code),
            summary: r.text("summary", Len::Long),
            notes: cast
                .iter()
                .map(|c| {
                    let note = r.text(note_field(c.cast_member_id), Len::Long);
                    (c.cast_member_id, note)
                })
                .collect(),
            follow_ups: FOLLOW_UP_FIELDS
                .iter()
                .map(|(text, due)| (r.text(*text, Len::Paragraph), r.text(*due, Len::Code)))
                .collect(),
            too_long: r.finish(),
        }
    }

    /// The stored log, with the notes of its newest version, to edit.
    pub(super) fn from_row(row: &ConversationRow, notes: &[Note], zone: Zone) -> ConversationForm {
        let local = zone.local(row.held_at);
        ConversationForm {
            kind: row.kind.clone(),
            performers: row.performer_ids.iter().map(i64::to_string).collect(),
            date: local.date().to_string(),
            time: hour_minute(local.time()),
            summary: row.summary.clone(),
            notes: notes
                .iter()
                .map(|n| (n.cast_member_id, n.note.clone()))
                .collect(),
            follow_ups: Vec::new(),
            too_long: FieldErrors::default(),
        }
    }

    /// The note typed for a cast member, or empty.
    pub(super) fn note(&self, cast_member_id: &i64) -> &str {
        self.notes
            .iter()
            .find(|(id, _)| id == cast_member_id)
            .map_or("", |(_, n)| n.as_str())
    }

    /// The name of a cast member's note field.
    pub(super) fn note_field(&self, cast_member_id: &i64) -> String {
        note_field(*cast_member_id)
    }

    pub(super) fn has(&self, cast_member_id: &i64) -> bool {
        self.performers.contains(&cast_member_id.to_string())
    }

    pub(super) fn follow_up(&self, i: &usize) -> (&str, &str) {
        self.follow_ups
            .get(*i)
            .map_or(("", ""), |(t, d)| (t.as_str(), d.as_str()))
    }

    /// Checks every field against the cast of the production and the production's clock at
    /// `now` (a first one-to-one may not be dated after today there); `with_follow_ups` for new
    /// ones.
    pub(super) fn parse(
        &self,
        cast: &[CastOption],
        zone: Zone,
        now: OffsetDateTime,
        with_follow_ups: bool,
    ) -> Result<ConversationInput, KeyedErrors> {
        let mut errors = KeyedErrors::default();
        for (field, message) in self.too_long.iter() {
            errors.add(field, message.clone());
        }
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "Choose what kind of conversation it was.");
        }
        let mut performers = Vec::new();
        for text in &self.performers {
            match text.parse::<i64>() {
                Ok(id) if cast.iter().any(|c| c.cast_member_id == id) => {
                    if !performers.contains(&id) {
                        performers.push(id);
                    }
                }
                _ => errors.add("performers", "Choose performers from the cast list."),
            }
        }
        if performers.is_empty() {
            errors.add("performers", "Choose at least one performer who was there.");
        }
        let date = match parse_date(&self.date).map(production_date) {
            None => {
                errors.add(
                    "date",
                    "Enter the date it was held, for example 2027-04-20.",
                );
                None
            }
            Some(Err(message)) => {
                errors.add("date", message);
                None
            }
            Some(Ok(date)) => Some(date),
        };
        let time = parse_time(&self.time);
        if time.is_none() {
            errors.add("time", "Enter the time it started, for example 14:30.");
        }
        let mut held_at = None;
        if let (Some(date), Some(time)) = (date, time) {
            match zone.to_utc(date, time) {
                Ok(instant) => held_at = Some(instant),
                Err(e) => errors.add("time", e.to_string().replace("call time", "time")),
            }
        }
        let today = zone.local(now).date();
        if let (Some(Kind::FirstOneToOne), Some(held_on)) = (kind, date) {
            for refusal in first_one_to_one_refusals(performers.len(), held_on, today) {
                match refusal {
                    FirstOneToOneRefusal::NotOnePerformer => errors.add(
                        "performers",
                        "A first one-to-one is with one performer: choose only the performer \
                         you met. Log a meeting with several as scene preparation or other.",
                    ),
                    FirstOneToOneRefusal::NotYetHeld => errors.add(
                        "date",
                        format!(
                            "A first one-to-one is logged once it has happened, and today is {} \
                             on the production's clock ({}). Enter the date it was held.",
                            crate::clock::format_date(today),
                            zone.name()
                        ),
                    ),
                }
            }
        }
        let summary = self.summary.trim().to_string();
        if summary.chars().count() > TEXT_MAX {
            errors.add("summary", "Keep the summary to 20,000 characters.");
        }
        let mut notes = Vec::new();
        for c in cast {
            let note = self.note(&c.cast_member_id).trim();
            let field = note_field(c.cast_member_id);
            let label = format!("#{} {}", c.cast_number, c.name);
            if note.chars().count() > TEXT_MAX {
                errors.add(
                    field,
                    format!("Keep the note for {label} to 20,000 characters."),
                );
            } else if performers.contains(&c.cast_member_id) {
                notes.push((c.cast_member_id, note.to_string()));
            } else if !note.is_empty() {
                errors.add(
                    field,
                    format!(
                        "You wrote a note for {label}, who is not chosen as taking part. \
                         Choose them above, or clear the note."
                    ),
                );
            }
        }
        let mut follow_ups = Vec::new();
        if with_follow_ups {
            for (i, (text_field, due_field)) in FOLLOW_UP_FIELDS.iter().enumerate() {
                let (text, due) = self.follow_up(&i);
                match parse_follow_up(text, due) {
                    Ok(Some(row)) => follow_ups.push(row),
                    Ok(None) => {}
                    Err((on_due, message)) => {
                        errors.add(*if on_due { due_field } else { text_field }, message)
                    }
                }
            }
        }
        match (kind, held_at, errors.is_empty()) {
            (Some(kind), Some(held_at), true) => Ok(ConversationInput {
                kind,
                held_at,
                summary,
                notes,
                follow_ups,
            }),
            _ => Err(errors),
        }
    }
}

/// A follow-up's text and optional due date.
pub(super) type FollowUpRow = (String, Option<Date>);
/// Whether the message belongs beside the due date (else the text), and the message.
pub(super) type FollowUpError = (bool, &'static str);

/// One follow-up row: `None` when blank.
pub(super) fn parse_follow_up(
    text: &str,
    due: &str,
) -> std::result::Result<Option<FollowUpRow>, FollowUpError> {
    let text = text.trim();
    let due_on = match due.trim() {
        "" => None,
        d => {
            let date = parse_date(d).ok_or((
                true,
                "Enter the due date as year-month-day, for example 2027-04-25.",
            ))?;
            Some(production_date(date).map_err(|_| {
                (
                    true,
                    "Enter a due date from 2000-01-01 to 2099-12-31: a production's dates fall \
                     in this century.",
                )
            })?)
        }
    };
    if text.is_empty() {
        return match due_on {
            Some(_) => Err((false, "Write what needs doing by that date.")),
            None => Ok(None),
        };
    }
    if text.chars().count() > 1000 {
        return Err((false, "Keep a follow-up to 1,000 characters."));
    }
    Ok(Some((text.to_string(), due_on)))
}

/// The name of a cast member's note field.
fn note_field(cast_member_id: i64) -> String {
    format!("note_{cast_member_id}")
}

pub(super) struct ConversationInput {
    pub(super) kind: Kind,
    pub(super) held_at: OffsetDateTime,
    pub(super) summary: String,
    /// Who took part, each with their note (empty when none), in cast order.
    pub(super) notes: Vec<(i64, String)>,
    pub(super) follow_ups: Vec<(String, Option<Date>)>,
}

impl ConversationInput {
    /// Who took part, in cast order.
    pub(super) fn performers(&self) -> Vec<i64> {
        self.notes.iter().map(|(id, _)| *id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_up_rows() {
        assert_eq!(parse_follow_up(" ", ""), Ok(None));
        assert_eq!(
            parse_follow_up("Robe sizes", "2027-04-25"),
            Ok(Some((
                "Robe sizes".into(),
                Some(time::macros::date!(2027 - 04 - 25))
            )))
        );
        assert!(matches!(parse_follow_up("x", "soon"), Err((true, _))));
        assert!(matches!(parse_follow_up("", "2027-04-25"), Err((false, _))));
        assert_eq!(Kind::parse("closure"), Some(Kind::Closure));
        assert_eq!(Kind::parse("chat"), None);
    }
}
