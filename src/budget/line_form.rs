//! A budget line as typed and as parsed: the form the budget page adds a line with and the
//! edit page saves one with, and the messages beside its fields.

use crate::productions::Production;
use crate::rules::budget_forecast::{BudgetLine, Category};
use crate::rules::input_ranges::rate;
use crate::vocab::money::{exponent, format_plain, format_quantity, parse_minor, parse_quantity};
use crate::web::{FieldErrors, FormBody, Len};

/// A budget line as typed, kept to show again beside any error.
#[derive(Clone, Debug, Default)]
pub(super) struct LineForm {
    pub(super) account_code: String,
    pub(super) category: String,
    pub(super) description: String,
    pub(super) quantity: String,
    pub(super) unit_rate: String,
    pub(super) planned: String,
    pub(super) actual: String,
    pub(super) too_long: FieldErrors,
}

pub(super) struct LineInput {
    pub(super) account_code: String,
    pub(super) category: Category,
    pub(super) description: String,
    pub(super) quantity_hundredths: i64,
    pub(super) unit_rate: i64,
    pub(super) planned: i64,
    pub(super) actual: i64,
}

impl LineForm {
    pub(super) fn read(body: &FormBody) -> LineForm {
        let mut r = body.reader();
        LineForm {
            account_code: r.text("account_code", Len::Code),
            category: r.text("category", Len::Code),
            description: r.text("description", Len::Paragraph),
            quantity: r.text("quantity", Len::Code),
            unit_rate: r.text("unit_rate", Len::Code),
            planned: r.text("planned", Len::Code),
            actual: r.text("actual", Len::Code),
            too_long: r.finish(),
        }
    }

    /// The empty form of the budget page: the production's IC account, category prep.
    pub(super) fn new(production: &Production) -> LineForm {
        LineForm {
            account_code: production.ic_account_code.clone(),
            category: Category::Prep.as_str().into(),
            ..LineForm::default()
        }
    }

    pub(super) fn from_line(line: &BudgetLine, currency: &str) -> LineForm {
        LineForm {
            account_code: line.account_code.clone(),
            category: line.category.as_str().into(),
            description: line.description.clone(),
            quantity: format_quantity(line.quantity_hundredths),
            unit_rate: format_plain(line.unit_rate, currency),
            planned: format_plain(line.planned, currency),
            actual: format_plain(line.actual, currency),
            too_long: FieldErrors::default(),
        }
    }

    pub(super) fn parse(&self, currency: &str) -> Result<LineInput, FieldErrors> {
        let mut errors = self.too_long.clone();
        let account_code = self.account_code.trim().to_string();
        if account_code.is_empty() {
            errors.add("account_code", "Write the account code, for example 2950.");
        } else if account_code.chars().count() > 40 {
            errors.add("account_code", "The account code is at most 40 characters.");
        }
        let category = Category::parse(&self.category);
        if category.is_none() {
            errors.add("category", "Choose a category.");
        }
        let description = self.description.trim().to_string();
        if description.is_empty() {
            errors.add(
                "description",
                "Describe the line, for example \"IC shoot days\".",
            );
        } else if description.chars().count() > 300 {
            errors.add("description", "The description is at most 300 characters.");
        }
        let quantity = parse_quantity(&self.quantity)
            .map_err(|m| errors.add("quantity", m))
            .ok();
        let unit_rate = parse_minor(&self.unit_rate, currency)
            .and_then(|minor| rate(minor, exponent(currency), currency))
            .map_err(|m| errors.add("unit_rate", m))
            .ok();
        // Blank planned means quantity × rate; blank actual means nothing spent yet.
        let planned = match self.planned.trim() {
            "" => None,
            text => parse_minor(text, currency)
                .map(Some)
                .map_err(|m| errors.add("planned", m))
                .unwrap_or(None),
        };
        let actual = match self.actual.trim() {
            "" => Some(0),
            text => parse_minor(text, currency)
                .map_err(|m| errors.add("actual", m))
                .ok(),
        };
        match (category, quantity, unit_rate, actual, errors.is_empty()) {
            (Some(category), Some(quantity_hundredths), Some(unit_rate), Some(actual), true) => {
                let planned = planned
                    .unwrap_or_else(|| crate::vocab::money::times(quantity_hundredths, unit_rate));
                Ok(LineInput {
                    account_code,
                    category,
                    description,
                    quantity_hundredths,
                    unit_rate,
                    planned,
                    actual,
                })
            }
            _ => Err(errors),
        }
    }
}
