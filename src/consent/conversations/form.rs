//! The conversation form: what was typed, kept as text for a refused form, and its checks
//! against the production's cast and clocks, including the follow-up rows of a new log.

use time::{Date, OffsetDateTime};

use super::kind::Kind;
use super::records::{CastOption, ConversationRow};
use crate::clock::hour_minute;
use crate::clock::parse_date;
use crate::clock::parse_time;
use crate::web::FieldErrors;
use crate::web::FormBody;

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
    /// Body and due date per row of `FOLLOW_UP_FIELDS`.
    pub(super) follow_ups: Vec<(String, String)>,
}

impl ConversationForm {
    pub(super) fn read(body: &FormBody) -> ConversationForm {
        ConversationForm {
            kind: body.get("kind"),
            performers: body.all("performers"),
            date: body.get("date"),
            time: body.get("time"),
            summary: body.get("summary"),
            follow_ups: FOLLOW_UP_FIELDS
                .iter()
                .map(|(text, due)| (body.get(text), body.get(due)))
                .collect(),
        }
    }

    pub(super) fn from_row(row: &ConversationRow, zone: &time_tz::Tz) -> ConversationForm {
        let local = crate::clock::utc_to_local(row.held_at, zone);
        ConversationForm {
            kind: row.kind.clone(),
            performers: row.performer_ids.iter().map(i64::to_string).collect(),
            date: local.date().to_string(),
            time: hour_minute(local.time()),
            summary: row.summary.clone(),
            follow_ups: Vec::new(),
        }
    }

    pub(super) fn has(&self, cast_member_id: &i64) -> bool {
        self.performers.contains(&cast_member_id.to_string())
    }

    pub(super) fn follow_up(&self, i: &usize) -> (&str, &str) {
        self.follow_ups
            .get(*i)
            .map_or(("", ""), |(t, d)| (t.as_str(), d.as_str()))
    }

    /// Checks every field against the cast of the production; `with_follow_ups` for new ones.
    pub(super) fn parse(
        &self,
        cast: &[CastOption],
        zone: &time_tz::Tz,
        with_follow_ups: bool,
    ) -> Result<ConversationInput, FieldErrors> {
        let mut errors = FieldErrors::default();
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
        let date = parse_date(&self.date);
        if date.is_none() {
            errors.add(
                "date",
                "Enter the date it was held, for example 2027-04-20.",
            );
        }
        let time = parse_time(&self.time);
        if time.is_none() {
            errors.add("time", "Enter the time it started, for example 14:30.");
        }
        let mut held_at = None;
        if let (Some(date), Some(time)) = (date, time) {
            match crate::clock::local_to_utc(date, time, zone) {
                Ok(instant) => held_at = Some(instant),
                Err(e) => errors.add("time", e.to_string().replace("call time", "time")),
            }
        }
        let summary = self.summary.trim().to_string();
        if summary.chars().count() > 20_000 {
            errors.add("summary", "Keep the summary to 20,000 characters.");
        }
        let mut follow_ups = Vec::new();
        if with_follow_ups {
            for (i, (text_field, due_field)) in FOLLOW_UP_FIELDS.iter().enumerate() {
                let (text, due) = self.follow_up(&i);
                match parse_follow_up(text, due) {
                    Ok(Some(row)) => follow_ups.push(row),
                    Ok(None) => {}
                    Err((on_due, message)) => {
                        errors.add(if on_due { due_field } else { text_field }, message)
                    }
                }
            }
        }
        match (kind, held_at, errors.is_empty()) {
            (Some(kind), Some(held_at), true) => Ok(ConversationInput {
                kind,
                performers,
                held_at,
                summary,
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
        d => Some(parse_date(d).ok_or((
            true,
            "Enter the due date as year-month-day, for example 2027-04-25.",
        ))?),
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

pub(super) struct ConversationInput {
    pub(super) kind: Kind,
    pub(super) performers: Vec<i64>,
    pub(super) held_at: OffsetDateTime,
    pub(super) summary: String,
    pub(super) follow_ups: Vec<(String, Option<Date>)>,
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
