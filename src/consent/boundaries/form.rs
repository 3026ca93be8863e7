//! The boundary profile form: its field names (one pair per body area and kind of contact),
//! what was typed kept as text, and the errors shown beside each row of a refused save.

use std::collections::BTreeMap;

use crate::vocab::body::BodyArea;
use crate::vocab::boundary::{Answer, Contact, Entry, Profile};
use crate::web::{FieldErrors, FormBody, Len};

/// Field names of one row: `seen_unclothed.breasts` and `seen_unclothed.breasts.note`.
pub(super) fn field(contact: Contact, area: BodyArea) -> String {
    format!("{}.{}", contact.as_str(), area.as_str())
}

const NOTE_MAX: usize = 500;
const NOTES_MAX: usize = 5000;

/// Form errors keyed by field names built at run time (one per profile row); the same reading
/// methods as `FieldErrors`, so the shared macros take it.
#[derive(Debug, Default, Clone)]
pub struct KeyedErrors(BTreeMap<String, String>);

impl KeyedErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }
}

/// What was typed, kept as text so a refused form shows it again.
#[derive(Default)]
pub(super) struct ProfileForm {
    answers: BTreeMap<String, String>,
    pub(super) notes: String,
    pub(super) with_performer: bool,
    too_long: FieldErrors,
}

impl ProfileForm {
    pub(super) fn from_profile(profile: &Profile) -> ProfileForm {
        let mut answers = BTreeMap::new();
        for e in &profile.entries {
            let name = field(e.contact, e.area);
            answers.insert(format!("{name}.note"), e.note.clone());
            answers.insert(name, e.answer.as_str().to_string());
        }
        ProfileForm {
            answers,
            notes: profile.notes.clone(),
            with_performer: false,
            too_long: FieldErrors::default(),
        }
    }

    pub(super) fn read(body: &FormBody) -> ProfileForm {
        let mut r = body.reader();
        let mut answers = BTreeMap::new();
        for contact in Contact::ALL {
            for area in BodyArea::all() {
                let name = field(contact, *area);
                let note = format!("{name}.note");
                answers.insert(note.clone(), r.text(note, Len::Paragraph));
                answers.insert(name.clone(), r.text(name, Len::Code));
            }
        }
        ProfileForm {
            answers,
            notes: r.text("notes", Len::Paragraph),
            with_performer: body.has("with_performer"),
            too_long: r.finish(),
        }
    }

    /// Turns the form into a profile, or the errors to show beside each row.
    pub(super) fn parse(&self) -> Result<Profile, KeyedErrors> {
        let mut errors = KeyedErrors::default();
        for (field, message) in self.too_long.iter() {
            errors.add(field, message.clone());
        }
        let mut entries = Vec::new();
        for contact in Contact::ALL {
            for area in BodyArea::all() {
                let name = field(contact, *area);
                let answer = self.answers.get(&name).map_or("", |s| s.trim());
                let note = self
                    .answers
                    .get(&format!("{name}.note"))
                    .map_or("", |s| s.trim());
                if note.chars().count() > NOTE_MAX {
                    errors.add(
                        format!("{name}.note"),
                        format!(
                            "Keep the note on {} ({}) to {NOTE_MAX} characters.",
                            area.label(),
                            contact.label().to_lowercase()
                        ),
                    );
                }
                match (answer, Answer::parse(answer)) {
                    ("", _) if !note.is_empty() => errors.add(
                        name,
                        format!(
                            "Choose yes, no or ask me first for {} ({}) to keep its note.",
                            area.label(),
                            contact.label().to_lowercase()
                        ),
                    ),
                    ("", _) => {}
                    (_, Some(answer)) => entries.push(Entry {
                        area: *area,
                        contact,
                        answer,
                        note: note.to_string(),
                    }),
                    (_, None) => errors.add(name, "Choose yes, no or ask me first."),
                }
            }
        }
        let notes = self.notes.trim();
        if notes.chars().count() > NOTES_MAX {
            errors.add(
                "notes",
                format!("Keep the notes to {NOTES_MAX} characters."),
            );
        }
        if errors.is_empty() {
            entries.sort_by_key(|e| (e.contact, e.area));
            Ok(Profile {
                entries,
                notes: notes.to_string(),
            })
        } else {
            Err(errors)
        }
    }

    pub(super) fn value(&self, contact: &Contact, area: &BodyArea) -> &str {
        self.answers
            .get(&field(*contact, *area))
            .map_or("", String::as_str)
    }

    pub(super) fn note(&self, contact: &Contact, area: &BodyArea) -> &str {
        self.answers
            .get(&format!("{}.note", field(*contact, *area)))
            .map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> ProfileForm {
        let body: String = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        ProfileForm::read(&FormBody::parse(body.as_bytes()))
    }

    #[test]
    fn answers_become_sorted_entries_and_blanks_are_left_out() {
        let profile = form(&[
            ("kissed.mouth", "ask"),
            ("seen_unclothed.breasts", "no"),
            ("seen_unclothed.breasts.note", "Not+in+any+scene"),
            ("notes", "+Closed+set+only+"),
        ])
        .parse()
        .unwrap();
        assert_eq!(profile.entries.len(), 2);
        assert_eq!(profile.entries[0].contact, Contact::SeenUnclothed);
        assert_eq!(profile.entries[0].note, "Not in any scene");
        assert_eq!(profile.entries[1].answer, Answer::Ask);
        assert_eq!(profile.notes, "Closed set only");
        // Stored and read back, it compares equal: an unchanged save makes no version.
        let stored = serde_json::to_value(&profile.entries).unwrap();
        assert_eq!(Profile::from_stored(&stored, &profile.notes), profile);
        assert_eq!(
            Profile::from_stored(&serde_json::json!([]), ""),
            Profile::default()
        );
    }

    #[test]
    fn a_note_needs_an_answer_and_answers_come_from_the_list() {
        let errors = form(&[("kissed.neck.note", "gently"), ("kissed.mouth", "maybe")])
            .parse()
            .unwrap_err();
        assert!(errors.get("kissed.neck").unwrap().contains("Neck"));
        assert!(errors.get("kissed.mouth").is_some());
    }
}
