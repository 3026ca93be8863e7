//! The union's reporting line a concerns page shows: a placeholder per agreement until a
//! producer writes the production's own wording.

use sqlx::PgPool;

use crate::error::Result;

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
