//! The state clearance reads, bound to the ledger: every consent fact is re-derived from a
//! production's entries and each row of state that disagrees with them is named.
//!
//! The chain proves the entries were not rewritten; it says nothing about the rows pages read
//! (`rider`, `rider_scene`, shot marks, pauses, reconfirmations, closures, doubles). A row
//! changed behind the ledger's back (`update rider set revoked_at = null`) passes `verify`, but
//! not this: rows whose values differ, rows no entry stands behind and entries whose row is
//! gone are all named, not just the first. Timestamps must agree to the microsecond: an entry
//! is stamped with its transaction's `now()`, and so is every row the same write stamps.
//!
//! A fixed number of set-based queries per production (the entries, then each table's rows),
//! compared in memory. Run it in one repeatable-read transaction, or a write landing between
//! two of its queries may show as a disagreement.

mod marks;
mod on_set;
mod riders;
mod terms;

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;
use sqlx::PgConnection;
use time::OffsetDateTime;

pub use terms::{terms_sha256, terms_sha256_of};

/// One row of state that the ledger does not bear out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    /// The table the row is (or should be) in.
    pub table: &'static str,
    /// Which row: "rider 12", "shoot_day_scene (day 3, scene 7)".
    pub row: String,
    /// What the ledger says against what the row says, in a plain sentence.
    pub what: String,
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.row, self.what)
    }
}

impl Disagreement {
    fn new(table: &'static str, row: impl Into<String>, what: impl Into<String>) -> Disagreement {
        Disagreement {
            table,
            row: row.into(),
            what: what.into(),
        }
    }
}

/// Every row of the production's consent state that disagrees with its ledger, in the order
/// riders, the scenes they cover, then on set; empty when they all agree.
pub async fn disagreements(
    conn: &mut PgConnection,
    production_id: i64,
) -> sqlx::Result<Vec<Disagreement>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "select event, rider_id, actor_user_id,
                (extract(epoch from occurred_at) * 1000000)::bigint as occurred_at_us, details
         from consent_event where production_id = $1 order by seq",
    )
    .bind(production_id)
    .fetch_all(&mut *conn)
    .await?;
    let events = Events(rows.into_iter().map(Event::from).collect());
    disagreements_among(conn, production_id, &events).await
}

/// The production's entries as this check reads them: gathered by `ledger verify` while it
/// streams the log for the chain and the tree, so the log is read once.
#[derive(Default)]
pub struct Events(Vec<Event>);

impl Events {
    pub fn with_capacity(n: usize) -> Self {
        Events(Vec::with_capacity(n))
    }

    /// The next entry, in `seq` order.
    pub fn push(&mut self, e: &super::verify::EntryView<'_>) {
        self.0.push(Event {
            event: word(e.event),
            rider_id: e.rider_id,
            actor: e.actor_user_id,
            at: e.occurred_at_us,
            details: Details::read(e.details),
        });
    }
}

/// `disagreements`, over entries already read (in the caller's snapshot).
pub async fn disagreements_among(
    conn: &mut PgConnection,
    production_id: i64,
    Events(events): &Events,
) -> sqlx::Result<Vec<Disagreement>> {
    let scenes = Scenes(
        sqlx::query_as::<_, (String, i64)>(
            "select number, scene_id from scene where production_id = $1",
        )
        .bind(production_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect(),
    );
    let mut out = riders::check(conn, production_id, events, &scenes).await?;
    out.extend(marks::check(conn, production_id, events, &scenes).await?);
    out.extend(on_set::check(conn, production_id, events, &scenes).await?);
    Ok(out)
}

/// Turns a `timestamptz` column into exact microseconds, as `ledger::ENTRY_COLUMNS` does:
/// `(extract(epoch from x) {US}`.
const US: &str = "* 1000000)::bigint";

#[derive(sqlx::FromRow)]
struct EventRow {
    event: String,
    rider_id: Option<i64>,
    actor_user_id: Option<i64>,
    occurred_at_us: i64,
    details: String,
}

/// One ledger entry as the comparison reads it: its instant in microseconds, details parsed.
#[derive(Clone, Debug)]
struct Event {
    event: &'static str,
    rider_id: Option<i64>,
    actor: Option<i64>,
    at: i64,
    details: Details,
}

/// The stored event word as one of the ledger's own (a word it never writes reads as
/// "unknown", which no check matches).
fn word(event: &str) -> &'static str {
    const WORDS: [&str; 17] = [
        "drafted",
        "delivered",
        "viewed",
        "signed",
        "superseded",
        "revoked",
        "declined",
        "carried_forward",
        "conflicts_discussed",
        "shot",
        "shot_undone",
        "paused",
        "resumed",
        "reconfirmed",
        "closed",
        "double_assigned",
        "narrowed",
    ];
    WORDS.into_iter().find(|w| *w == event).unwrap_or("unknown")
}

/// The details this check reads, and only those: an entry's other keys are skipped unread,
/// which on a long log is most of the cost of reading them. Nested lists stay JSON.
#[derive(Clone, Debug, Default, serde::Deserialize)]
struct Details {
    scene_id: Option<i64>,
    scene: Option<String>,
    scenes: Option<Value>,
    scene_ids: Option<Value>,
    taken_back: Option<Value>,
    cast_member_id: Option<i64>,
    double_cast_member_id: Option<i64>,
    original_cast_member_id: Option<i64>,
    pause_id: Option<i64>,
    shoot_day_id: Option<i64>,
    superseded_by: Option<i64>,
    to_version: Option<i64>,
    paused_as: Option<String>,
    text_sha256: Option<String>,
    terms_sha256: Option<String>,
}

impl Details {
    /// The chain hashed the text; unreadable details simply name nothing.
    fn read(text: &str) -> Details {
        serde_json::from_str(text).unwrap_or_default()
    }
}

impl From<EventRow> for Event {
    fn from(row: EventRow) -> Event {
        Event {
            event: word(&row.event),
            rider_id: row.rider_id,
            actor: row.actor_user_id,
            at: row.occurred_at_us,
            details: Details::read(&row.details),
        }
    }
}

impl Event {
    fn int(&self, key: &str) -> Option<i64> {
        let d = &self.details;
        match key {
            "scene_id" => d.scene_id,
            "cast_member_id" => d.cast_member_id,
            "double_cast_member_id" => d.double_cast_member_id,
            "original_cast_member_id" => d.original_cast_member_id,
            "pause_id" => d.pause_id,
            "shoot_day_id" => d.shoot_day_id,
            "superseded_by" => d.superseded_by,
            "to_version" => d.to_version,
            _ => unreachable!("the state check reads no number {key}"),
        }
    }

    fn text(&self, key: &str) -> Option<&str> {
        let d = &self.details;
        match key {
            "scene" => d.scene.as_deref(),
            "paused_as" => d.paused_as.as_deref(),
            "text_sha256" => d.text_sha256.as_deref(),
            "terms_sha256" => d.terms_sha256.as_deref(),
            _ => unreachable!("the state check reads no text {key}"),
        }
    }
}

/// The production's scenes by number. Entries written before events named scenes by id name
/// them by number only; they are matched by the number the scene has now, so an older entry
/// about a scene renumbered since is named as naming no scene.
struct Scenes(HashMap<String, i64>);

impl Scenes {
    /// The scene an entry (or a part of one) names: its `scene_id`, else its `scene` number.
    fn of(&self, details: &Details) -> Option<i64> {
        details.scene_id.or_else(|| {
            details
                .scene
                .as_deref()
                .and_then(|n| self.0.get(n).copied())
        })
    }

    /// The scene one element of a `scenes` list names, by the same rule.
    fn of_fact(&self, fact: &Value) -> Option<i64> {
        fact.get("scene_id").and_then(Value::as_i64).or_else(|| {
            fact.get("scene")
                .and_then(Value::as_str)
                .and_then(|n| self.0.get(n).copied())
        })
    }

    fn by_number(&self, number: &str) -> Option<i64> {
        self.0.get(number).copied()
    }
}

/// "2027-05-04 10:15:02.123456 UTC": an instant to the microsecond, as the ledger keeps it.
fn instant(us: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6] UTC"
    );
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| format!("{us} µs after 1970"))
}

/// An instant, or "not set".
fn when(us: Option<i64>) -> String {
    us.map(instant).unwrap_or_else(|| "not set".into())
}

/// Any optional value, or "none".
fn shown<T: fmt::Display>(value: Option<T>) -> String {
    value
        .map(|v| v.to_string())
        .unwrap_or_else(|| "none".into())
}

/// Names a field of a row whose value is not the one the ledger gives it.
fn field<T: PartialEq>(
    out: &mut Vec<Disagreement>,
    table: &'static str,
    row: &str,
    name: &str,
    (ledger, stored): (T, T),
    show: impl Fn(T) -> String,
) {
    if ledger != stored {
        out.push(Disagreement::new(
            table,
            row,
            format!(
                "{name} is {} on the row, but the ledger says {}",
                show(stored),
                show(ledger)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_show_to_the_microsecond() {
        assert_eq!(
            instant(1_800_000_000_000_001),
            "2027-01-15 08:00:00.000001 UTC"
        );
        assert_eq!(when(None), "not set");
    }

    #[test]
    fn a_scene_is_found_by_id_before_number() {
        let scenes = Scenes(HashMap::from([("5A".to_string(), 7)]));
        assert_eq!(scenes.of(&Details::read(r#"{"scene": "5A"}"#)), Some(7));
        assert_eq!(
            scenes.of(&Details::read(r#"{"scene": "5A", "scene_id": 9}"#)),
            Some(9)
        );
        assert_eq!(scenes.of(&Details::read(r#"{"scene": "6"}"#)), None);
        // Keys the check does not read are skipped, whatever they hold.
        assert_eq!(
            scenes.of(&Details::read(
                r#"{"scene": "5A", "user_agent": {"x": [1, 2]}}"#
            )),
            Some(7)
        );
    }

    #[test]
    fn a_field_that_differs_is_named_with_both_values() {
        let mut out = Vec::new();
        field(
            &mut out,
            "rider",
            "rider 3",
            "status",
            ("revoked", "signed"),
            String::from,
        );
        field(
            &mut out,
            "rider",
            "rider 3",
            "status",
            ("signed", "signed"),
            String::from,
        );
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].to_string(),
            "rider 3: status is signed on the row, but the ledger says revoked"
        );
    }
}
