//! The topsheet as a picture: an SVG bar chart of planned, forecast and actual per category,
//! drawn on the server, styled by presentation attributes only (no script, no style attribute).

use std::fmt::Write;

use crate::rules::budget_forecast::Topsheet;
use crate::vocab::money::format_minor;

const WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 150;
/// The longest bar; the rest of the width holds the figure after it.
const BAR_SPACE: i64 = 360;
const BAR_HEIGHT: i64 = 12;
const BAR_GAP: i64 = 3;
const GROUP_GAP: i64 = 16;
const LEGEND_HEIGHT: i64 = 34;

/// The three series: name, fill. Forecast is hatched so the bars differ without colour too.
const SERIES: [(&str, &str); 3] = [
    ("Planned", "#33475b"),
    ("Forecast", "url(#budget-hatch)"),
    ("Actual", "#b4561c"),
];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart; `described_by` is the id of the table that says the same in words.
pub fn svg(topsheet: &Topsheet, currency: &str, described_by: &str) -> String {
    let largest = topsheet.largest().max(1);
    let group_height = 3 * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP;
    let height = LEGEND_HEIGHT + group_height * topsheet.rows.len() as i64;
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"budget-chart\" viewBox=\"0 0 {WIDTH} {height}\" \
         role=\"img\" aria-labelledby=\"budget-chart-title\" aria-describedby=\"{}\" \
         font-family=\"system-ui, sans-serif\" font-size=\"12\">\
         <title id=\"budget-chart-title\">Planned, forecast and actual IC spend by category, in {}</title>\
         <defs><pattern id=\"budget-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f3e2b8\"/>\
         <rect width=\"3\" height=\"6\" fill=\"#7a5200\"/></pattern></defs>",
        escape(described_by),
        escape(currency)
    );
    for (i, (name, fill)) in SERIES.iter().enumerate() {
        let x = LABEL_WIDTH + i as i64 * 110;
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"6\" width=\"14\" height=\"14\" fill=\"{fill}\" stroke=\"#1b1b1b\"/>\
             <text x=\"{}\" y=\"17\" fill=\"#1b1b1b\">{name}</text>",
            x + 20
        );
    }
    for (g, row) in topsheet.rows.iter().enumerate() {
        let top = LEGEND_HEIGHT + g as i64 * group_height;
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\" fill=\"#1b1b1b\" font-weight=\"600\">{}</text>",
            top + BAR_HEIGHT + BAR_HEIGHT / 2 + BAR_GAP + 4,
            escape(row.label())
        );
        for (s, value) in [row.planned, row.forecast, row.actual]
            .into_iter()
            .enumerate()
        {
            let (name, fill) = SERIES[s];
            let y = top + s as i64 * (BAR_HEIGHT + BAR_GAP);
            let width =
                (i128::from(value.max(0)) * i128::from(BAR_SPACE) / i128::from(largest)) as i64;
            let amount = escape(&format_minor(value, currency));
            if width > 0 {
                let _ = write!(
                    out,
                    "<rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{width}\" height=\"{BAR_HEIGHT}\" \
                     fill=\"{fill}\" stroke=\"#1b1b1b\" stroke-width=\"0.5\">\
                     <title>{} {}: {amount}</title></rect>",
                    escape(row.label()),
                    name.to_lowercase()
                );
            }
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"#1b1b1b\">{amount}</text>",
                LABEL_WIDTH + width + 6,
                y + BAR_HEIGHT - 2
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::budget_forecast::{Category, TopsheetRow};

    fn sheet(planned: i64, forecast: i64, actual: i64) -> Topsheet {
        let row = TopsheetRow {
            category: Some(Category::Shoot),
            planned,
            forecast,
            actual,
        };
        Topsheet {
            rows: vec![row.clone()],
            total: TopsheetRow {
                category: None,
                ..row
            },
        }
    }

    #[test]
    fn draws_labelled_bars_to_scale_without_style_attributes() {
        let svg = svg(&sheet(100_000, 50_000, 0), "GBP", "topsheet");
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-describedby=\"topsheet\""));
        assert!(svg.contains("<title id=\"budget-chart-title\">"));
        assert!(svg.contains(&format!("width=\"{BAR_SPACE}\"")));
        assert!(svg.contains(&format!("width=\"{}\"", BAR_SPACE / 2)));
        assert!(svg.contains("£1,000.00"));
        assert!(svg.contains(">£0.00<"));
        assert!(!svg.contains("style="));
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn an_empty_budget_draws_no_bars() {
        let svg = svg(&sheet(0, 0, 0), "JPY", "t");
        assert!(!svg.contains("stroke-width=\"0.5\""));
        assert!(svg.contains("¥0"));
    }
}
