//! The public page where anyone, signed in or not, checks a Closed Set receipt: against this
//! log's key on its own (`receipt::check`), then against today's log (`consistent_with`). It
//! answers only "valid" or "not valid" and why, and shows the log's public key so an auditor can
//! compare it with the key they were given: nothing about productions or people.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;

use crate::error::Result;
use crate::ledger::checkpoint::SealError;
use crate::ledger::note::{self, Checkpoint};
use crate::ledger::receipt::{self, Inconsistent, Receipt};
use crate::web::{AppState, Ctx, FieldErrors, FormBody, render, render_form};

/// Larger than any receipt: a rider's text and its few dozen events with their proofs are a
/// few tens of kilobytes. Kept well under the form size the CSRF check reads (1 MiB), so even
/// a fully percent-encoded paste of this size reaches this page and gets its message.
const MAX_RECEIPT_BYTES: usize = 256 * 1024;

/// The form field, and the id its message and the error summary point at.
const FIELD: &str = "receipt";

/// What the check found.
struct Outcome {
    valid: bool,
    /// From the receipt itself: how many events it holds, and the size of the log it was
    /// signed at.
    events: usize,
    size: u64,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    ctx: Ctx,
    /// This log's public key, as the C2SP signed-note verifier key text.
    verifier_key: String,
    /// What was sent, kept only when it could not be read (422); a checked receipt is not
    /// shown back, so the page never repeats the names it holds.
    typed: String,
    errors: FieldErrors,
    outcome: Option<Outcome>,
    limit_bytes: usize,
}

impl VerifyPage {
    fn new(state: &AppState, ctx: Ctx) -> VerifyPage {
        VerifyPage {
            ctx,
            verifier_key: state.log_key.verifier().to_string(),
            typed: String::new(),
            errors: FieldErrors::default(),
            outcome: None,
            limit_bytes: MAX_RECEIPT_BYTES,
        }
    }
}

pub(super) async fn verify_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response> {
    render(&VerifyPage::new(&state, ctx))
}

/// A character no receipt holds: JSON escapes every control character inside its strings, and
/// between them allows only spaces, tabs and line breaks.
fn stray(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Reads the pasted text as a receipt, or says why it is not one.
fn read(text: &str) -> std::result::Result<Receipt, String> {
    if text.trim().is_empty() {
        return Err("Paste the receipt’s text, or choose the receipt file.".into());
    }
    if text.len() > MAX_RECEIPT_BYTES {
        return Err(format!(
            "This is larger than any receipt (at most {} KB). Check that it is the receipt file \
             you downloaded.",
            MAX_RECEIPT_BYTES / 1024
        ));
    }
    if text.chars().any(stray) {
        return Err(
            "This holds a character no receipt holds (a NUL byte or another control \
                    character, often from copying). Paste the receipt again, or choose its file."
                .into(),
        );
    }
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|err| format!("This is not a receipt: it is not valid JSON ({err})."))?;
    serde_json::from_value(json)
        .map_err(|err| format!("This JSON is not a Closed Set receipt ({err})."))
}

/// The production whose log `origin` names, if it is one of this server's logs.
fn production_of(origin: &str, key_name: &str) -> Option<i64> {
    let id: i64 = origin
        .strip_prefix(key_name)?
        .strip_prefix("/production/")?
        .parse()
        .ok()?;
    (note::origin(key_name, id) == origin).then_some(id)
}

/// Checks a receipt that reads: on its own, then against today's log of the production its
/// checkpoint names.
async fn judge(state: &AppState, receipt: &Receipt) -> Result<Outcome> {
    let key = &state.log_key;
    let events = receipt.events.len();
    let not_valid = |size: u64, problems: Vec<String>| Outcome {
        valid: false,
        events,
        size,
        problems,
    };
    let checkpoint: Checkpoint = match receipt::check(receipt, key.verifier()) {
        Ok(checked) => checked.checkpoint,
        Err(problems) => return Ok(not_valid(0, problems)),
    };
    let size = checkpoint.size;
    let Some(production_id) = production_of(&checkpoint.origin, key.name()) else {
        return Ok(not_valid(
            size,
            vec!["it names a log this server does not keep".into()],
        ));
    };
    let elsewhere: Vec<String> = receipt
        .events
        .iter()
        .filter(|e| e.entry.production_id != production_id)
        .map(|e| {
            format!(
                "event {} ({}): it is of another production’s log than its checkpoint",
                e.entry.seq, e.entry.event
            )
        })
        .collect();
    if !elsewhere.is_empty() {
        return Ok(not_valid(size, elsewhere));
    }
    match receipt::consistent_with(&state.pool, key, production_id, &checkpoint).await {
        Ok(()) => Ok(Outcome {
            valid: true,
            events,
            size,
            problems: Vec::new(),
        }),
        Err(Inconsistent::Database(err) | Inconsistent::Seal(SealError::Database(err))) => {
            Err(err.into())
        }
        Err(Inconsistent::Seal(SealError::Unchained { .. })) => Ok(not_valid(
            size,
            vec![
                "today’s log holds entries that do not chain to the ones before, so it cannot \
                 vouch for this receipt"
                    .into(),
            ],
        )),
        Err(inconsistent) => Ok(not_valid(size, vec![inconsistent.to_string()])),
    }
}

pub(super) async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response> {
    // Read by hand rather than through `FormBody`'s extractor, which refuses a NUL byte
    // outright: here a stray character is a message beside the field, with the text kept.
    let text = FormBody::parse(&body).verbatim(FIELD);
    let mut page = VerifyPage::new(&state, ctx);
    match read(&text) {
        Err(message) => {
            page.errors.add(FIELD, message);
            page.typed = text.replace(stray, "\u{FFFD}");
            render_form(&page, true)
        }
        Ok(receipt) => {
            page.outcome = Some(judge(&state, &receipt).await?);
            render(&page)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_logs_origins_name_a_production() {
        assert_eq!(
            production_of("closedset.test/production/12", "closedset.test"),
            Some(12)
        );
        assert_eq!(
            production_of("other.test/production/12", "closedset.test"),
            None
        );
        assert_eq!(
            production_of("closedset.test/production/012", "closedset.test"),
            None
        );
        assert_eq!(
            production_of("closedset.test/production/+12", "closedset.test"),
            None
        );
        assert_eq!(
            production_of("closedset.test/production/", "closedset.test"),
            None
        );
        assert_eq!(
            production_of("closedset.testx/production/1", "closedset.test"),
            None
        );
    }

    #[test]
    fn unreadable_input_is_named() {
        assert!(read("  ").unwrap_err().contains("Paste"));
        assert!(read("{\"a\":\u{0}}").unwrap_err().contains("NUL"));
        assert!(read("not json").unwrap_err().contains("not valid JSON"));
        assert!(
            read("{\"version\": 1}")
                .unwrap_err()
                .contains("not a Closed Set receipt")
        );
        assert!(
            read(&"x".repeat(MAX_RECEIPT_BYTES + 1))
                .unwrap_err()
                .contains("larger")
        );
    }
}
