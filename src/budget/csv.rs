//! The budget as CSV for accounts: one row per line with its share of the forecast, written
//! with the shared RFC 4180 writer (`crate::csv`) so spreadsheet software reads £ and € right.

use crate::csv::{push_row, start, text_field};
use crate::rules::budget_forecast::{BudgetLine, Forecast, line_forecasts};
use crate::vocab::money::{format_plain, format_quantity};

const HEADER: [&str; 8] = [
    "account code",
    "category",
    "description",
    "quantity",
    "unit rate",
    "planned",
    "actual",
    "forecast",
];

/// The whole file: a header, one row per line with its share of the forecast, then one row per
/// category the schedule needs but no line budgets, so the forecast column adds up to the total.
pub fn budget_csv(
    lines: &[BudgetLine],
    forecast: &Forecast,
    currency: &str,
    ic_account_code: &str,
) -> String {
    let mut out = start(&HEADER);
    let (shares, unbudgeted) = line_forecasts(lines, forecast);
    for (line, share) in lines.iter().zip(shares) {
        push_row(
            &mut out,
            &[
                text_field(&line.account_code),
                line.category.as_str().to_string(),
                text_field(&line.description),
                format_quantity(line.quantity_hundredths),
                format_plain(line.unit_rate, currency),
                format_plain(line.planned, currency),
                format_plain(line.actual, currency),
                format_plain(share, currency),
            ],
        );
    }
    for (category, amount) in unbudgeted {
        let cf = forecast.category(category);
        push_row(
            &mut out,
            &[
                text_field(ic_account_code),
                category.as_str().to_string(),
                "Not budgeted: IC days the schedule needs".to_string(),
                format_quantity(cf.days.unwrap_or(0)),
                format_plain(cf.rate, currency),
                format_plain(0, currency),
                format_plain(0, currency),
                format_plain(amount, currency),
            ],
        );
    }
    out
}

/// A file name from the production's title: `night-swim-ic-budget.csv`.
pub fn file_name(title: &str) -> String {
    crate::csv::file_name(title, "ic-budget")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::field;
    use crate::rules::budget_forecast::{Category, ScheduleFacts, Settings, forecast};

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("the \"good\" robe"), "\"the \"\"good\"\" robe\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\rhere"), "\"cr\rhere\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(text_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(text_field("-1,2"), "\"'-1,2\"");
        assert_eq!(text_field("Robe"), "Robe");
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name("Night Swim"), "night-swim-ic-budget.csv");
        assert_eq!(file_name("\"Quoted\"; x"), "quoted-x-ic-budget.csv");
        assert_eq!(file_name("夜"), "ic-budget.csv");
    }

    #[test]
    fn writes_rows_with_crlf_and_a_bom() {
        let lines = [BudgetLine {
            budget_line_id: 1,
            account_code: "2950".into(),
            category: Category::Garments,
            description: "Robes, \"modesty\" pouches\nand barriers".into(),
            quantity_hundredths: 250,
            unit_rate: 125_050,
            planned: 312_625,
            actual: 0,
        }];
        let f = forecast(&ScheduleFacts::default(), &Settings::default(), &lines);
        let csv = budget_csv(&lines, &f, "GBP", "2950");
        assert!(csv.starts_with("\u{feff}account code,category,description,"));
        assert_eq!(
            csv.split("\r\n").nth(1).unwrap(),
            "2950,garments,\"Robes, \"\"modesty\"\" pouches\nand barriers\",2.5,1250.50,\
             3126.25,0.00,3126.25"
        );
        assert!(csv.ends_with("\r\n"));
    }
}
