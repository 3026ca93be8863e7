//! Money and quantities as exact integers: minor units of an ISO 4217 currency (pence, cents,
//! whole yen) and quantities in hundredths; parsing what people type and formatting for display.

/// Amounts above this (in minor units) are refused: far beyond any IC budget, far below overflow.
pub const MAX_MINOR: i64 = 1_000_000_000_000;

/// Digits after the decimal point in the currency's minor unit (ISO 4217 exponent).
pub fn exponent(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "ISK" => 0,
        _ => 2,
    }
}

/// What goes before the number: a symbol people recognise, or the ISO code where a bare symbol
/// would be ambiguous or unfamiliar.
fn prefix(currency: &str) -> String {
    match currency {
        "GBP" => "£".into(),
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "JPY" => "¥".into(),
        "KRW" => "₩".into(),
        "INR" => "₹".into(),
        "CAD" => "CA$".into(),
        "AUD" => "A$".into(),
        "NZD" => "NZ$".into(),
        "HKD" => "HK$".into(),
        "SGD" => "S$".into(),
        "MXN" => "MX$".into(),
        "BRL" => "R$".into(),
        code => format!("{code}\u{a0}"),
    }
}

/// Digits with a comma between each group of three: `1234567` → `1,234,567`.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The absolute value split into whole units and the zero-padded fraction, for `places` digits.
fn split(value: i64, places: u32) -> (String, String) {
    let abs = value.unsigned_abs();
    let scale = 10u64.pow(places);
    let fraction = if places == 0 {
        String::new()
    } else {
        format!("{:0width$}", abs % scale, width = places as usize)
    };
    ((abs / scale).to_string(), fraction)
}

/// For display: `format_minor(1234567, "GBP") == "£12,345.67"`, `format_minor(-5000, "JPY")
/// == "-¥5,000"`. The minus is ASCII so a copied figure pastes into a spreadsheet as a number.
pub fn format_minor(minor: i64, currency: &str) -> String {
    let (whole, fraction) = split(minor, exponent(currency));
    let sign = if minor < 0 { "-" } else { "" };
    let point = if fraction.is_empty() { "" } else { "." };
    format!(
        "{sign}{}{}{point}{fraction}",
        prefix(currency),
        group_thousands(&whole)
    )
}

/// Like `format_minor`, with a `+` on positive amounts: for variances, where the sign is the news.
pub fn format_signed(minor: i64, currency: &str) -> String {
    if minor > 0 {
        format!("+{}", format_minor(minor, currency))
    } else {
        format_minor(minor, currency)
    }
}

/// For exports and form fields: no symbol, no separators, `1250.50`; JPY `125000`.
pub fn format_plain(minor: i64, currency: &str) -> String {
    let (whole, fraction) = split(minor, exponent(currency));
    let sign = if minor < 0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// Why typed text is not an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DecimalError {
    Empty,
    Negative,
    /// Not digits, or commas not between groups of three.
    Malformed,
    /// More digits after the point than allowed.
    TooPrecise,
    TooLarge,
}

/// Text like `1,250.50`, `1250.5`, `.5` or `1250` as an integer scaled by `10^places`, exactly.
fn parse_decimal(text: &str, places: u32) -> Result<i64, DecimalError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DecimalError::Empty);
    }
    if text.starts_with('-') || text.starts_with('−') {
        return Err(DecimalError::Negative);
    }
    let text = text.strip_prefix('+').unwrap_or(text);
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() {
        return Err(DecimalError::Malformed);
    }
    // Commas only as thousands separators, so "1,25" (a decimal comma) is refused, not misread.
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped_well = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !grouped_well || !groups.iter().all(|g| digits_only(g)) || !digits_only(fraction) {
        return Err(DecimalError::Malformed);
    }
    if fraction.len() > places as usize {
        return Err(DecimalError::TooPrecise);
    }
    let whole: String = groups.concat();
    let whole: i64 = if whole.is_empty() {
        0
    } else if whole.len() > 15 {
        return Err(DecimalError::TooLarge);
    } else {
        whole.parse().map_err(|_| DecimalError::Malformed)?
    };
    let fraction_value: i64 = format!("{fraction:0<width$}", width = places as usize)
        .parse()
        .unwrap_or(0);
    whole
        .checked_mul(10i64.pow(places))
        .and_then(|w| w.checked_add(fraction_value))
        .filter(|v| *v <= MAX_MINOR)
        .ok_or(DecimalError::TooLarge)
}

/// Typed money in the currency's minor units; accepts the currency's own symbol or code in front.
/// The error is the sentence shown beside the field.
pub fn parse_minor(text: &str, currency: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    let symbol = prefix(currency);
    let bare = trimmed
        .strip_prefix(symbol.trim_end_matches('\u{a0}'))
        .or_else(|| trimmed.strip_prefix(currency))
        .unwrap_or(trimmed);
    let places = exponent(currency);
    let example = if places == 0 { "125,000" } else { "1,250.50" };
    parse_decimal(bare, places).map_err(|e| match e {
        DecimalError::Empty => format!("Write an amount in {currency}, for example {example}."),
        DecimalError::Negative => "Write the amount without a minus sign.".to_string(),
        DecimalError::Malformed => format!(
            "Write the amount in figures, for example {example}, with commas only between thousands."
        ),
        DecimalError::TooPrecise if places == 0 => {
            format!("{currency} has no smaller unit: write a whole amount, for example {example}.")
        }
        DecimalError::TooPrecise => {
            format!("{currency} has {places} decimal places: write at most {places} after the point.")
        }
        DecimalError::TooLarge => "That amount is too large for an IC budget line.".to_string(),
    })
}

/// Typed quantity (days, units) in hundredths: `2.5` → 250. The error is for the form.
pub fn parse_quantity(text: &str) -> Result<i64, String> {
    match parse_decimal(text, 2) {
        Ok(v) if v > 1_000_000 => Err("Write a quantity of at most 10,000.".into()),
        Ok(v) => Ok(v),
        Err(DecimalError::Empty) => Err("Write the quantity, for example 1 or 2.5 days.".into()),
        Err(DecimalError::Negative) => Err("The quantity cannot be negative.".into()),
        Err(DecimalError::TooPrecise) => {
            Err("Write the quantity with at most two decimals, for example 0.25.".into())
        }
        Err(_) => Err("Write the quantity in figures, for example 1 or 2.5.".into()),
    }
}

/// Hundredths for display, without trailing zeros: 250 → `2.5`, 200 → `2`, 25 → `0.25`.
pub fn format_quantity(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let abs = hundredths.unsigned_abs();
    let (whole, cents) = (abs / 100, abs % 100);
    match cents {
        0 => format!("{sign}{whole}"),
        c if c % 10 == 0 => format!("{sign}{whole}.{}", c / 10),
        c => format!("{sign}{whole}.{c:02}"),
    }
}

/// `quantity × rate`, rounded half away from zero to the minor unit.
pub fn times(quantity_hundredths: i64, rate: i64) -> i64 {
    let product = i128::from(quantity_hundredths) * i128::from(rate);
    let rounded = (product.abs() + 50) / 100 * product.signum();
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_symbol_and_thousands() {
        assert_eq!(format_minor(1_234_567, "GBP"), "£12,345.67");
        assert_eq!(format_minor(5, "GBP"), "£0.05");
        assert_eq!(format_minor(0, "EUR"), "€0.00");
        assert_eq!(format_minor(1_250_000, "JPY"), "¥1,250,000");
        assert_eq!(format_minor(999, "KRW"), "₩999");
        assert_eq!(format_minor(100_000, "CHF"), "CHF\u{a0}1,000.00");
    }

    #[test]
    fn negative_amounts_carry_a_minus() {
        assert_eq!(format_minor(-123_400, "GBP"), "-£1,234.00");
        assert_eq!(format_minor(-5000, "JPY"), "-¥5,000");
        assert_eq!(format_signed(-1, "GBP"), "-£0.01");
        assert_eq!(format_signed(2500, "GBP"), "+£25.00");
        assert_eq!(format_signed(0, "GBP"), "£0.00");
    }

    #[test]
    fn plain_format_is_for_spreadsheets() {
        assert_eq!(format_plain(125_050, "GBP"), "1250.50");
        assert_eq!(format_plain(125_000, "JPY"), "125000");
        assert_eq!(format_plain(-7, "USD"), "-0.07");
    }

    #[test]
    fn parses_typed_amounts_exactly() {
        assert_eq!(parse_minor("1,250.50", "GBP"), Ok(125_050));
        assert_eq!(parse_minor("1250.5", "GBP"), Ok(125_050));
        assert_eq!(parse_minor("1250", "GBP"), Ok(125_000));
        assert_eq!(parse_minor(" £1,250 ", "GBP"), Ok(125_000));
        assert_eq!(parse_minor("GBP 12.34", "GBP"), Ok(1234));
        assert_eq!(parse_minor(".5", "EUR"), Ok(50));
        assert_eq!(parse_minor("0.1", "USD"), Ok(10));
        assert_eq!(parse_minor("125,000", "JPY"), Ok(125_000));
        assert_eq!(parse_minor("¥980", "JPY"), Ok(980));
        assert_eq!(parse_minor("1,234,567.89", "USD"), Ok(123_456_789));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in [
            "", "abc", "12.3.4", "1,25", "1,2345", ",125", "1e5", "12 000", "NaN", ".",
        ] {
            assert!(parse_minor(bad, "GBP").is_err(), "{bad:?} was accepted");
        }
        assert!(parse_minor("-5", "GBP").unwrap_err().contains("minus"));
        assert!(
            parse_minor("12.345", "GBP")
                .unwrap_err()
                .contains("2 decimal places")
        );
        assert!(
            parse_minor("1250.5", "JPY")
                .unwrap_err()
                .contains("whole amount")
        );
        assert!(parse_minor("99999999999999999999", "GBP").is_err());
        assert!(parse_minor("€5", "GBP").is_err());
    }

    #[test]
    fn quantities_keep_halves() {
        assert_eq!(parse_quantity("2.5"), Ok(250));
        assert_eq!(parse_quantity("0.25"), Ok(25));
        assert_eq!(parse_quantity("3"), Ok(300));
        assert!(parse_quantity("0.125").is_err());
        assert!(parse_quantity("-1").is_err());
        assert_eq!(format_quantity(250), "2.5");
        assert_eq!(format_quantity(25), "0.25");
        assert_eq!(format_quantity(300), "3");
    }

    #[test]
    fn multiplies_and_rounds_half_up() {
        assert_eq!(times(250, 65_000), 162_500);
        assert_eq!(times(50, 1), 1);
        assert_eq!(times(49, 1), 0);
        assert_eq!(times(33, 1000), 330);
    }
}
