//! `closedset ledger export` and `closedset ledger verify --file`: one production's log as JSON
//! Lines (a header, every entry in order, every checkpoint by size), written as it streams from
//! the database, and checked with no database by the same `Audit` that checks the database.
//! docs/verify.md describes the format for auditors.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use anyhow::{Context, bail};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::receipt::EntryRecord;
use super::verify::{Audit, CheckpointText};
use super::{ENTRY_COLUMNS, Entry, Report, VerifierKey, note};

/// The value of the header's `format`.
pub const FORMAT: &str = "closedset-log-export-1";

/// Line 1: which log this is and the key its checkpoints are signed with.
#[derive(Debug, Serialize, Deserialize)]
pub struct LogLine {
    #[serde(rename = "type")]
    pub kind: String,
    pub format: String,
    pub production_id: i64,
    pub origin: String,
    pub verifier_key: String,
}

/// One entry: the same fields as a receipt's event (`receipt::EntryRecord`), after its type.
#[derive(Serialize)]
struct EntryLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    entry: &'a EntryRecord,
}

/// One signed checkpoint, exactly as issued.
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckpointLine {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
    pub size: i64,
    pub note: String,
}

/// The entry a line describes. Its `occurred_at` is for people and not hashed, so it is
/// checked separately against `occurred_at_us`.
pub fn entry_of(record: EntryRecord) -> Entry {
    Entry {
        consent_event_id: record.consent_event_id,
        production_id: record.production_id,
        seq: record.seq,
        event: record.event,
        rider_id: record.rider_id,
        actor_user_id: record.actor_user_id,
        occurred_at_us: record.occurred_at_us,
        details: record.details,
        content_hash: record.content_hash,
        prev_hash: record.prev_hash,
        entry_hash: record.entry_hash,
    }
}

fn write_line(out: &mut impl Write, line: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    pub entries: u64,
    pub checkpoints: u64,
}

/// Writes one production's log to `out`. Entries and checkpoints stream from the database one
/// row at a time, read in one snapshot: a checkpoint signed while the export runs can never
/// name entries the export does not hold.
pub async fn export(
    pool: &PgPool,
    production_id: i64,
    verifier: &VerifierKey,
    out: &mut impl Write,
) -> anyhow::Result<Exported> {
    let mut tx = pool.begin().await?;
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from production where production_id = $1)")
            .bind(production_id)
            .fetch_one(&mut *tx)
            .await?;
    if !exists {
        bail!("there is no production with that id");
    }
    write_line(
        out,
        &LogLine {
            kind: "log".into(),
            format: FORMAT.into(),
            production_id,
            origin: note::origin(&verifier.name, production_id),
            verifier_key: verifier.to_string(),
        },
    )?;
    let mut done = Exported {
        entries: 0,
        checkpoints: 0,
    };
    {
        let sql = format!(
            "select {ENTRY_COLUMNS} from consent_event where production_id = $1 order by seq"
        );
        let mut rows = sqlx::query_as::<_, Entry>(&sql)
            .bind(production_id)
            .fetch(&mut *tx);
        while let Some(entry) = rows.try_next().await? {
            let entry = EntryRecord::from(&entry);
            write_line(
                out,
                &EntryLine {
                    kind: "entry",
                    entry: &entry,
                },
            )?;
            done.entries += 1;
        }
    }
    let mut rows = sqlx::query_as::<_, (i64, i64, String)>(
        "select ledger_checkpoint_id, size, note from ledger_checkpoint where production_id = $1
         order by size, ledger_checkpoint_id",
    )
    .bind(production_id)
    .fetch(&mut *tx);
    while let Some((id, size, note)) = rows.try_next().await? {
        let line = CheckpointLine {
            kind: "checkpoint".into(),
            id,
            size,
            note,
        };
        write_line(out, &line)?;
        done.checkpoints += 1;
    }
    out.flush()?;
    Ok(done)
}

/// What `ledger verify --file` found.
#[derive(Debug)]
pub struct FileCheck {
    /// The key the export names in its header.
    pub named_key: VerifierKey,
    /// The key signatures were checked with: the one given, or else the one the export names.
    pub checked_with: VerifierKey,
    pub report: Report,
    /// What is wrong with the file itself, beyond the chain and the checkpoints.
    pub problems: Vec<String>,
}

impl FileCheck {
    pub fn is_intact(&self) -> bool {
        self.report.is_intact() && self.problems.is_empty()
    }
}

#[derive(Deserialize)]
struct Kind<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
}

/// Reads the export's lines, numbered from 1, passing each to `each` with its type.
fn read_lines(
    path: &Path,
    mut each: impl FnMut(usize, &str, &str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        number += 1;
        let text = line.strip_suffix('\n').unwrap_or(&line);
        if text.is_empty() {
            continue;
        }
        let Kind { kind } = serde_json::from_str(text)
            .with_context(|| format!("line {number} is not a line of a log export"))?;
        each(number, &kind, text)?;
    }
}

fn parse<'a, T: Deserialize<'a>>(number: usize, text: &'a str, what: &str) -> anyhow::Result<T> {
    serde_json::from_str(text).with_context(|| format!("line {number} is not a well-formed {what}"))
}

/// Checks an export with no database: its chain, its tree, every checkpoint's signature and
/// root, and entries cut off its end. `key` is the log's published key; without it, the key
/// the export names is used, which proves only that the file is consistent with itself.
pub fn verify_file(path: &Path, key: Option<VerifierKey>) -> anyhow::Result<FileCheck> {
    // First pass: the header and the checkpoints, which the audit needs before any entry.
    let mut header: Option<LogLine> = None;
    let mut checkpoints = Vec::new();
    read_lines(path, |number, kind, text| {
        match (kind, &header) {
            ("log", None) if number == 1 => header = Some(parse(number, text, "log header")?),
            (_, None) => bail!("line 1 is not the log header: this is not a log export"),
            ("log", Some(_)) => bail!("line {number} is a second log header"),
            ("entry", _) => {}
            ("checkpoint", _) => {
                let c: CheckpointLine = parse(number, text, "checkpoint")?;
                checkpoints.push(CheckpointText {
                    id: c.id,
                    size: c.size,
                    note: c.note,
                });
            }
            (other, _) => bail!("line {number} has an unknown type {other:?}"),
        }
        Ok(())
    })?;
    let header = header.context("the file is empty: this is not a log export")?;
    if header.format != FORMAT {
        bail!(
            "the export's format is {:?}; this version reads {FORMAT}",
            header.format
        );
    }
    let named_key: VerifierKey = header
        .verifier_key
        .parse()
        .context("the export's verifier_key is not a verifier key")?;
    let mut problems = Vec::new();
    let checked_with = match key {
        Some(given) if given != named_key => {
            problems.push(format!(
                "the export names the key {named_key}, not the log's key given ({given})"
            ));
            given
        }
        Some(given) => given,
        None => named_key.clone(),
    };
    let production_id = header.production_id;
    let origin = note::origin(&checked_with.name, production_id);
    if header.origin != origin {
        problems.push(format!(
            "the export names its log {:?}, but production {production_id}'s log is {origin:?}",
            header.origin
        ));
    }

    // Second pass: the entries, one at a time, through the audit.
    let mut audit = Audit::new(production_id, &checked_with, checkpoints);
    read_lines(path, |number, kind, text| {
        if kind == "entry" {
            let line: EntryRecord = parse(number, text, "entry")?;
            let entry = entry_of(line.clone());
            let said = EntryRecord::from(&entry).occurred_at;
            if line.occurred_at != said {
                problems.push(format!(
                    "entry {} (position {}): its occurred_at {} is not the instant its hash \
                     covers ({said})",
                    line.consent_event_id, line.seq, line.occurred_at
                ));
            }
            audit.push(&entry);
        }
        Ok(())
    })?;
    let report = Report::from(audit.finish());
    Ok(FileCheck {
        named_key,
        checked_with,
        report,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{LogKey, canonical_content, content_hash, entry_hash, note, tree};
    use super::*;

    const GUIDE: &str = include_str!("../../docs/verify.md");

    /// docs/verify.md's worked example is what the code computes, so an auditor who follows it
    /// byte by byte reaches our hashes and our signature.
    #[test]
    fn the_worked_example_in_the_auditors_guide_holds() {
        let details = crate::ledger::canonical_details(&serde_json::json!({
            "text_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "client_addr": "203.0.113.9",
            "user_agent": "Mozilla/5.0 \"Zo\u{eb}\"\t\\x",
            "authenticated": "password",
        }));
        let fields = (3, 12, "signed", Some(41), Some(7), 1_811_934_000_123_400);
        let canonical = canonical_content(
            fields.0, fields.1, fields.2, fields.3, fields.4, fields.5, &details,
        );
        let content = content_hash(
            fields.0, fields.1, fields.2, fields.3, fields.4, fields.5, &details,
        );
        let prev = "5d0c1b8f0e8e0b1f4c0f9e0c6bb0a4a4d6a1b1c9a7f0e2d3c4b5a6978877665f";
        let leaf = tree::leaf_hash(canonical.as_bytes());
        let key = LogKey::from_seed("closedset.test", [9; 32]).unwrap();
        let signed = note::Checkpoint {
            origin: note::origin("closedset.test", 3),
            size: 12,
            root: leaf,
        }
        .sign(&key);
        for shown in [
            format!("\n{details}\n"),
            format!("\n{canonical}\n"),
            format!("content hash: `{content}`"),
            format!("entry hash:\n  `{}`", entry_hash(prev, &content)),
            format!("leaf hash: `{}`", hex::encode(leaf)),
            format!("\n{}\n", key.verifier()),
            format!("\n{signed}```"),
        ] {
            assert!(GUIDE.contains(&shown), "docs/verify.md should show {shown}");
        }
        let record = EntryRecord {
            consent_event_id: 1,
            production_id: 3,
            seq: 12,
            event: "signed".into(),
            rider_id: Some(41),
            actor_user_id: Some(7),
            occurred_at_us: fields.5,
            occurred_at: String::new(),
            details,
            content_hash: content,
            prev_hash: prev.into(),
            entry_hash: String::new(),
        };
        let at = EntryRecord::from(&entry_of(record)).occurred_at;
        assert_eq!(at, "2027-06-02T11:00:00.1234Z");
        assert!(GUIDE.contains(&at));
    }
}
