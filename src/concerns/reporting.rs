//! The union's reporting line a concerns page shows: a placeholder per agreement until a
//! producer writes the production's own wording on the settings page here.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use tower_sessions::Session;

use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::web::AppState;
use crate::web::{Ctx, FieldErrors, Flash, render_form};
use crate::web::{FormBody, Len};

/// Said beside every placeholder: the wording and contacts are not ours to invent.
pub const PLACEHOLDER_NOTE: &str = "This is placeholder text: confirm the current reporting \
    contact with the union before the shoot. A producer can replace it for this production.";

/// A sensible starting text for the production's agreement. No phone numbers or addresses:
/// those must come from the union itself.
pub fn default_line(agreement: &str) -> &'static str {
    match agreement {
        "sag_aftra" => {
            "SAG-AFTRA members can report harassment, an unsafe set or a breach of the \
             intimacy guidelines to SAG-AFTRA directly and in confidence, through the union's \
             safety and harassment reporting line or their local office, whether or not they \
             also raise it here."
        }
        "equity_uk" => {
            "Equity members can report bullying, harassment or unsafe working practices to \
             Equity in confidence, through their Equity official or the union's reporting \
             line, whether or not they also raise it here."
        }
        "actra" => {
            "ACTRA members can report harassment or unsafe working conditions to their ACTRA \
             branch in confidence, through the union's reporting line, whether or not they \
             also raise it here."
        }
        _ => {
            "This production does not work under a union agreement. You can still ask a \
             performers' union or an independent support service for confidential advice, \
             whether or not you also raise a concern here."
        }
    }
}

/// The line shown for a production, and whether it is still the placeholder.
pub struct ReportingLine {
    pub text: String,
    pub placeholder: bool,
}

pub async fn load(pool: &PgPool, production_id: i64, agreement: &str) -> Result<ReportingLine> {
    let own: Option<String> =
        sqlx::query_scalar("select reporting_line from concern_setting where production_id = $1")
            .bind(production_id)
            .fetch_optional(pool)
            .await?;
    Ok(match own {
        Some(text) => ReportingLine {
            text,
            placeholder: false,
        },
        None => ReportingLine {
            text: default_line(agreement).to_string(),
            placeholder: true,
        },
    })
}

// ---------------------------------------------------------------- reporting line settings

#[derive(Template)]
#[template(path = "concerns/reporting_line.html")]
struct ReportingLinePage {
    ctx: Ctx,
    member: Member,
    line: ReportingLine,
    default_line: &'static str,
    text: String,
    errors: FieldErrors,
}

impl ReportingLinePage {
    /// The line as it stands, the box holding the production's own wording (empty while it is
    /// the placeholder).
    async fn new(pool: &PgPool, ctx: Ctx, member: Member) -> Result<ReportingLinePage> {
        let line = load(
            pool,
            member.production.production_id,
            &member.production.agreement,
        )
        .await?;
        let text = if line.placeholder {
            String::new()
        } else {
            line.text.clone()
        };
        let default_line = default_line(&member.production.agreement);
        Ok(ReportingLinePage {
            ctx,
            member,
            line,
            default_line,
            text,
            errors: FieldErrors::default(),
        })
    }

    /// The text as it was sent, with the errors that refused it.
    fn with_text(self, text: String, errors: FieldErrors) -> ReportingLinePage {
        ReportingLinePage {
            text,
            errors,
            ..self
        }
    }

    /// The page, as 422 when the text was refused.
    fn respond(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

pub(super) async fn reporting_line_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    ReportingLinePage::new(&state.pool, ctx, member)
        .await?
        .respond()
}

/// Saves the production's own wording; an empty box goes back to the placeholder.
pub(super) async fn save_reporting_line(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    let production_id = member.production.production_id;
    let mut r = body.reader();
    let text = r.text("reporting_line", Len::Paragraph);
    let too_long = r.finish();
    if !too_long.is_empty() || text.chars().count() > 2000 {
        let mut errors = too_long;
        errors.add("reporting_line", "Keep it under 2,000 characters.");
        return ReportingLinePage::new(&state.pool, ctx, member)
            .await?
            .with_text(text, errors)
            .respond();
    }
    if text.is_empty() {
        sqlx::query("delete from concern_setting where production_id = $1")
            .bind(production_id)
            .execute(&state.pool)
            .await?;
        Flash::success(
            &session,
            "The reporting line is back to the placeholder text.",
        )
        .await?;
    } else {
        sqlx::query(
            "insert into concern_setting (production_id, reporting_line, updated_by)
             values ($1, $2, $3)
             on conflict (production_id) do update
             set reporting_line = excluded.reporting_line, updated_by = excluded.updated_by,
                 updated_at = now()",
        )
        .bind(production_id)
        .bind(&text)
        .bind(member.user.user_id)
        .execute(&state.pool)
        .await?;
        Flash::success(&session, "The reporting line is saved.").await?;
    }
    Ok(Redirect::to(&format!("{}/concerns", member.base())).into_response())
}

#[cfg(test)]
mod tests {
    use super::default_line;

    #[test]
    fn every_agreement_has_its_own_line_without_numbers() {
        let lines: Vec<&str> = ["sag_aftra", "equity_uk", "actra", "non_union"]
            .into_iter()
            .map(default_line)
            .collect();
        assert!(lines[0].contains("SAG-AFTRA"));
        assert!(lines[1].contains("Equity"));
        assert!(lines[2].contains("ACTRA"));
        assert!(lines[3].contains("not work under a union"));
        assert!(lines.iter().all(|l| !l.chars().any(|c| c.is_ascii_digit())));
    }
}
