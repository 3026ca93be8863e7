//! Retention (issue #14): how long a production keeps a person's records after wrap, and when
//! they are due for erasure. The default follows the agreement; a producer may set another.

use time::{Duration, OffsetDateTime};

/// Months kept after wrap when the producer set none. The agreements do not fix a period; these
/// follow how long a claim about the engagement can be brought where each agreement is used (six
/// years in the UK, four in most US states and Canadian provinces), and two years otherwise.
/// A production changes it on its data-protection page.
pub fn default_months(agreement: &str) -> i32 {
    match agreement {
        "equity_uk" => 72,
        "sag_aftra" | "actra" => 48,
        _ => 24,
    }
}

/// The instant records of a production wrapped at `wrapped_at` are due for erasure: that many
/// months (of 30 days, counted generously: erasure never comes early by a calendar quirk
/// beyond a few days) after wrap. A production not wrapped is never due.
pub fn erasure_due(wrapped_at: Option<OffsetDateTime>, months: i32) -> Option<OffsetDateTime> {
    wrapped_at.map(|at| at + Duration::days(i64::from(months) * 30 + i64::from(months / 2)))
}

/// Whether the retention period has run out at `now`.
pub fn is_due(wrapped_at: Option<OffsetDateTime>, months: i32, now: OffsetDateTime) -> bool {
    erasure_due(wrapped_at, months).is_some_and(|due| now >= due)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_default_follows_the_agreement() {
        assert_eq!(default_months("equity_uk"), 72);
        assert_eq!(default_months("sag_aftra"), 48);
        assert_eq!(default_months("non_union"), 24);
    }

    #[test]
    fn a_production_is_due_only_after_wrap_and_its_period() {
        let wrapped = datetime!(2026-01-01 00:00 UTC);
        assert!(!is_due(None, 1, wrapped));
        assert!(!is_due(Some(wrapped), 12, datetime!(2026-12-01 00:00 UTC)));
        assert!(is_due(Some(wrapped), 12, datetime!(2027-01-10 00:00 UTC)));
    }
}
