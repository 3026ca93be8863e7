//! A production as stored, its fields (DOMAIN §2) and how the form's text becomes them.
//! Kinds, phases and agreements are closed lists; zones are IANA names; currencies ISO 4217.

use crate::clock::Zone;
use crate::i18n::Lang;
use crate::web::{FieldErrors, FormBody, Len};

/// A production as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Production {
    pub production_id: i64,
    pub title: String,
    pub kind: String,
    pub phase: String,
    /// Read from the stored IANA name once, here, for every page of the request.
    #[sqlx(rename = "time_zone", try_from = "String")]
    pub zone: Zone,
    pub currency: String,
    pub agreement: String,
    pub notice_hours: i32,
    pub ic_account_code: String,
    /// Moves with every change to what the production's pages summarise (migration 0011).
    pub revision: i64,
    /// Producers and coordinators must sign in with a second factor to reach its pages.
    #[sqlx(default)]
    pub second_factor_required: bool,
    /// The language its pages fall back to (a shipped code), before English (migration 0038).
    #[sqlx(default)]
    pub default_language: Option<String>,
}

impl Production {
    pub fn kind_label(&self) -> &'static str {
        Kind::parse(&self.kind).map_or("", |k| k.label())
    }
    pub fn phase_label(&self) -> &'static str {
        Phase::parse(&self.phase).map_or("", |p| p.label())
    }
    pub fn agreement_label(&self) -> &'static str {
        Agreement::parse(&self.agreement).map_or("", |a| a.label())
    }
}

macro_rules! choice {
    ($name:ident { $($variant:ident => $value:literal, $label:literal;)+ }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: [$name; [$($value),+].len()] = [$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            pub fn label(&self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == s)
            }
        }
    };
}

choice!(Kind {
    Feature => "feature", "Feature film";
    Series => "series", "Series";
    Short => "short", "Short film";
    Stage => "stage", "Stage show";
});

choice!(Phase {
    Development => "development", "Development";
    PreProduction => "pre_production", "Pre-production";
    Production => "production", "Production";
    PostProduction => "post_production", "Post-production";
    Wrapped => "wrapped", "Wrapped";
});

choice!(Agreement {
    SagAftra => "sag_aftra", "SAG-AFTRA";
    EquityUk => "equity_uk", "Equity UK";
    Actra => "actra", "ACTRA";
    NonUnion => "non_union", "Non-union";
});

/// Currencies productions are budgeted in (ISO 4217).
pub const CURRENCIES: &[&str] = &[
    "USD", "GBP", "EUR", "CAD", "AUD", "NZD", "CHF", "DKK", "NOK", "SEK", "ISK", "PLN", "CZK",
    "HUF", "ZAR", "INR", "JPY", "KRW", "MXN", "BRL", "ARS", "COP", "HKD", "SGD", "AED", "TRY",
    "MAD",
];

/// The production form as typed, kept to show again beside any error.
#[derive(Clone, Debug)]
pub struct ProductionForm {
    pub title: String,
    pub kind: String,
    pub phase: String,
    pub time_zone: String,
    pub currency: String,
    pub agreement: String,
    pub notice_hours: String,
    pub ic_account_code: String,
    /// Messages for fields typed longer than they may be; empty for a form not read from a post.
    pub too_long: FieldErrors,
    pub second_factor_required: bool,
    /// A shipped language's code, or empty for none.
    pub default_language: String,
}

impl Default for ProductionForm {
    fn default() -> Self {
        ProductionForm {
            title: String::new(),
            kind: Kind::Feature.as_str().into(),
            phase: Phase::PreProduction.as_str().into(),
            time_zone: "Europe/London".into(),
            currency: "GBP".into(),
            agreement: Agreement::EquityUk.as_str().into(),
            notice_hours: "48".into(),
            second_factor_required: false,
            ic_account_code: "2950".into(),
            too_long: FieldErrors::default(),
            default_language: String::new(),
        }
    }
}

/// A valid production.
#[derive(Clone, Debug)]
pub struct ProductionInput {
    pub title: String,
    pub kind: Kind,
    pub phase: Phase,
    pub time_zone: String,
    pub currency: String,
    pub agreement: Agreement,
    pub notice_hours: i32,
    pub ic_account_code: String,
    pub second_factor_required: bool,
    pub default_language: Option<Lang>,
}

impl ProductionForm {
    pub fn read(body: &FormBody) -> Self {
        let mut r = body.reader();
        ProductionForm {
            title: r.text("title", Len::Line),
            kind: r.text("kind", Len::Code),
            phase: r.text("phase", Len::Code),
            time_zone: r.text("time_zone", Len::Code),
            currency: r.text("currency", Len::Code),
            agreement: r.text("agreement", Len::Code),
            notice_hours: r.text("notice_hours", Len::Code),
            ic_account_code: r.text("ic_account_code", Len::Code),
            // Only the box's own value turns it on: a tampered value is not a yes.
            second_factor_required: r.text("second_factor_required", Len::Code) == "yes",
            default_language: r.text("default_language", Len::Code),
            too_long: r.finish(),
        }
    }

    pub fn from_production(p: &Production) -> Self {
        ProductionForm {
            title: p.title.clone(),
            kind: p.kind.clone(),
            phase: p.phase.clone(),
            time_zone: p.zone.name().to_string(),
            currency: p.currency.clone(),
            agreement: p.agreement.clone(),
            notice_hours: p.notice_hours.to_string(),
            ic_account_code: p.ic_account_code.clone(),
            too_long: FieldErrors::default(),
            second_factor_required: p.second_factor_required,
            default_language: p.default_language.clone().unwrap_or_default(),
        }
    }

    /// Turns what was typed into a production, or says what to fix, field by field, in `lang`.
    pub fn parse(&self, lang: Lang) -> Result<ProductionInput, FieldErrors> {
        let mut errors = self.too_long.clone();
        let title = self.title.trim().to_string();
        if title.is_empty() || title.chars().count() > 200 {
            errors.add("title", lang.t("production-title-invalid"));
        }
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", lang.t("production-kind-invalid"));
        }
        let phase = Phase::parse(&self.phase);
        if phase.is_none() {
            errors.add("phase", lang.t("production-phase-invalid"));
        }
        let time_zone = self.time_zone.trim().to_string();
        // The same rule the schedule reads zones by: a name it would not read (a Windows name
        // such as "GMT Standard Time") would silently put every call time in UTC.
        if crate::clock::parse_zone(&time_zone).is_none() {
            errors.add("time_zone", lang.t("production-time-zone-invalid"));
        }
        let currency = self.currency.trim().to_uppercase();
        if !CURRENCIES.contains(&currency.as_str()) {
            errors.add("currency", lang.t("production-currency-invalid"));
        }
        let agreement = Agreement::parse(&self.agreement);
        if agreement.is_none() {
            errors.add("agreement", lang.t("production-agreement-invalid"));
        }
        let notice_hours = match self.notice_hours.trim().parse::<i32>() {
            Ok(h) if (0..=720).contains(&h) => h,
            _ => {
                errors.add("notice_hours", lang.t("production-notice-invalid"));
                0
            }
        };
        let ic_account_code = self.ic_account_code.trim().to_string();
        if ic_account_code.is_empty()
            || ic_account_code.len() > 20
            || !ic_account_code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-./".contains(c))
        {
            errors.add("ic_account_code", lang.t("production-account-code-invalid"));
        }
        // Only a shipped language's exact code: a stored default is always one we can show.
        let default_language = match self.default_language.as_str() {
            "" => None,
            code => {
                let found = Lang::parse(code).filter(|l| l.code() == code);
                if found.is_none() {
                    errors.add("default_language", lang.t("production-language-invalid"));
                }
                found
            }
        };
        match (kind, phase, agreement, errors.is_empty()) {
            (Some(kind), Some(phase), Some(agreement), true) => Ok(ProductionInput {
                title,
                kind,
                phase,
                time_zone,
                currency,
                agreement,
                notice_hours,
                ic_account_code,
                second_factor_required: self.second_factor_required,
                default_language,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_form_parses_and_a_bad_one_names_each_field() {
        assert!(
            ProductionForm {
                title: "Night Swim".into(),
                ..ProductionForm::default()
            }
            .parse(Lang::source())
            .is_ok()
        );
        let errors = ProductionForm {
            title: " ".into(),
            kind: "opera".into(),
            time_zone: "Mars/Olympus".into(),
            currency: "XXX".into(),
            notice_hours: "-1".into(),
            ic_account_code: "".into(),
            ..ProductionForm::default()
        }
        .parse(Lang::source())
        .unwrap_err();
        for field in [
            "title",
            "kind",
            "time_zone",
            "currency",
            "notice_hours",
            "ic_account_code",
        ] {
            assert!(errors.get(field).is_some(), "{field} has no message");
        }
        assert!(errors.get("phase").is_none());
    }

    #[test]
    fn only_a_shipped_language_is_a_default_and_the_messages_follow_the_reader() {
        let with_language = |code: &str| ProductionForm {
            title: "Night Swim".into(),
            default_language: code.into(),
            ..ProductionForm::default()
        };
        let fr = Lang::parse("fr").unwrap();
        assert_eq!(
            with_language("fr").parse(fr).unwrap().default_language,
            Some(fr)
        );
        assert_eq!(with_language("").parse(fr).unwrap().default_language, None);
        for hostile in ["xx", "FR", "fr'; drop table production;--", "<b>"] {
            let errors = with_language(hostile).parse(fr).unwrap_err();
            assert_eq!(
                errors.get("default_language"),
                Some("Choisissez l'une des langues de la liste."),
                "{hostile}"
            );
        }
    }

    #[test]
    fn only_zones_the_schedule_can_read_are_accepted() {
        let with_zone = |zone: &str| ProductionForm {
            title: "Night Swim".into(),
            time_zone: zone.into(),
            ..ProductionForm::default()
        };
        for windows in ["GMT Standard Time", "Pacific Standard Time"] {
            let errors = with_zone(windows).parse(Lang::source()).unwrap_err();
            assert!(errors.get("time_zone").is_some(), "{windows}");
        }
        for iana in ["Europe/London", "America/Los_Angeles", "UTC"] {
            assert!(with_zone(iana).parse(Lang::source()).is_ok(), "{iana}");
        }
    }
}
