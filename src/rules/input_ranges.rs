//! The ranges typed values must fall in (issue #18): dates a production can have, dates of birth,
//! amounts of money and counts. Pure, with `today` an argument; each refusal is the sentence shown
//! beside the field. Migration 0019 holds the database to the same or wider bounds.

use time::{Date, Month};

/// The first date a production's calendar takes: schedules, conversations, follow-ups, reviews.
/// Closed Set plans productions being made now, so nothing before this century is real.
pub const FIRST_PRODUCTION_DATE: Date = date(2000, Month::January, 1);
/// The last date a production's calendar takes: far enough for any plan, near enough that a
/// mistyped year (20277) is caught.
pub const LAST_PRODUCTION_DATE: Date = date(2099, Month::December, 31);
/// The earliest date of birth taken: nobody working today was born before it.
pub const FIRST_BIRTH_DATE: Date = date(1900, Month::January, 1);

/// The most any amount may be, in minor units: far beyond any IC budget, far below overflow
/// (the typed-money parser refuses more already).
pub const MAX_AMOUNT_MINOR: i64 = crate::vocab::money::MAX_MINOR;
/// The most an IC day rate or a line's unit rate may be, in the currency's major units.
pub const MAX_RATE_MAJOR: i64 = 1_000_000;

const fn date(year: i32, month: Month, day: u8) -> Date {
    match Date::from_calendar_date(year, month, day) {
        Ok(d) => d,
        Err(_) => panic!("a valid constant date"),
    }
}

/// A date a production works on (shoot day, rehearsal, conversation, follow-up, post review)
/// is within 2000–2099; the error says so.
pub fn production_date(date: Date) -> Result<Date, String> {
    if (FIRST_PRODUCTION_DATE..=LAST_PRODUCTION_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(format!(
            "Enter a date from {FIRST_PRODUCTION_DATE} to {LAST_PRODUCTION_DATE}: a production's \
             dates fall in this century, so {date} is most likely a mistyped year."
        ))
    }
}

/// A date of birth is from 1900 to today.
pub fn birth_date(date: Date, today: Date) -> Result<Date, String> {
    if date > today {
        Err("The date of birth cannot be in the future.".into())
    } else if date < FIRST_BIRTH_DATE {
        Err(format!(
            "Enter a date of birth from {FIRST_BIRTH_DATE} on; {date} is most likely a mistyped year."
        ))
    } else {
        Ok(date)
    }
}

/// The most a rate may be in minor units of a currency with `exponent` decimal places.
pub fn max_rate_minor(exponent: u32) -> i64 {
    MAX_RATE_MAJOR * 10i64.pow(exponent)
}

/// A day rate or unit rate in minor units is at most `MAX_RATE_MAJOR` of the currency.
pub fn rate(minor: i64, exponent: u32, currency: &str) -> Result<i64, String> {
    if minor < 0 {
        Err("Write the rate without a minus sign.".into())
    } else if minor > max_rate_minor(exponent) {
        Err(format!(
            "A rate is at most 1,000,000 {currency} a day or unit; check the figure."
        ))
    } else {
        Ok(minor)
    }
}

/// A count or an id read from a form is a number from 0 up; `None` for anything else.
pub fn count(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok().filter(|n| *n >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn production_dates_within_the_century_are_taken() {
        assert!(production_date(date!(2000 - 01 - 01)).is_ok());
        assert!(production_date(date!(2027 - 05 - 04)).is_ok());
        assert!(production_date(date!(2099 - 12 - 31)).is_ok());
    }

    #[test]
    fn year_zero_minus_one_and_far_future_are_refused_with_the_window_named() {
        for d in [
            date!(0000 - 01 - 01),
            date!(-0001 - 01 - 01),
            date!(1999 - 12 - 31),
            date!(2100 - 01 - 01),
            date!(9999 - 12 - 31),
        ] {
            let message = production_date(d).unwrap_err();
            assert!(message.contains("2000-01-01 to 2099-12-31"), "{message}");
        }
    }

    #[test]
    fn dates_of_birth_run_from_1900_to_today() {
        let today = date!(2026 - 12 - 01);
        assert!(birth_date(date!(1900 - 01 - 01), today).is_ok());
        assert!(birth_date(today, today).is_ok());
        assert!(birth_date(date!(1899 - 12 - 31), today).is_err());
        assert!(birth_date(date!(0000 - 01 - 01), today).is_err());
        assert_eq!(
            birth_date(date!(2026 - 12 - 02), today).unwrap_err(),
            "The date of birth cannot be in the future."
        );
    }

    #[test]
    fn a_rate_is_never_negative_nor_above_a_million_in_the_currency() {
        assert_eq!(rate(0, 2, "USD"), Ok(0));
        assert_eq!(rate(100_000_000, 2, "USD"), Ok(100_000_000));
        assert!(rate(100_000_001, 2, "USD").is_err());
        assert!(rate(2_147_483_648, 2, "USD").is_err());
        assert_eq!(rate(1_000_000, 0, "JPY"), Ok(1_000_000));
        assert!(rate(1_000_001, 0, "JPY").unwrap_err().contains("JPY"));
        assert!(rate(-1, 2, "USD").is_err());
    }

    #[test]
    fn the_largest_rate_times_the_largest_quantity_fits_the_amount_limit() {
        // 10,000 units (in hundredths) at the largest rate of a two-decimal currency.
        let planned = i128::from(max_rate_minor(2)) * 1_000_000 / 100;
        assert!(planned <= i128::from(MAX_AMOUNT_MINOR));
    }

    #[test]
    fn counts_are_whole_numbers_from_zero() {
        assert_eq!(count("0"), Some(0));
        assert_eq!(count(" 42 "), Some(42));
        assert_eq!(count("-1"), None);
        assert_eq!(count("9223372036854775808"), None);
        assert_eq!(count("abc"), None);
    }
}
