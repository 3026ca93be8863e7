//! Dates, times, numbers and money as each language writes them. The words and the patterns
//! come from the language's own messages (`weekday-1`, `month-12`, `date-long`, `number-group`
//! …), so a new language folder brings its formats with it.

use time::{Date, Time};

use super::Lang;

/// "Thursday 3 December", "jueves, 3 de diciembre", "jeudi 3 décembre".
pub fn date_long(lang: Lang, date: Date) -> String {
    let weekday = lang.t_of("weekday", date.weekday().number_from_monday());
    let month = lang.t_of("month", u8::from(date.month()));
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("weekday", weekday);
    args.set("day", date.day().to_string());
    args.set("month", month);
    lang.tn("date-long", &args)
}

/// "3 December 2026", "3 de diciembre de 2026", "3 décembre 2026".
pub fn date_year(lang: Lang, date: Date) -> String {
    let month = lang.t_of("month", u8::from(date.month()));
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("day", date.day().to_string());
    args.set("month", month);
    args.set("year", date.year().to_string());
    lang.tn("date-year", &args)
}

/// "Sat 21 Nov 2026", "sáb 21 nov 2026", "sam. 21 nov. 2026": a date in a table or a line.
pub fn date_short(lang: Lang, date: Date) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set(
        "weekday",
        lang.t_of("weekday-short", date.weekday().number_from_monday()),
    );
    args.set("day", date.day().to_string());
    args.set("month", lang.t_of("month-short", u8::from(date.month())));
    args.set("year", date.year().to_string());
    lang.tn("date-short", &args)
}

/// A length of time as people say it: "40 min", "2 h", "4 h 30 min", "1 day 5 h" (minutes stop
/// mattering once it is days). Negative lengths read as zero.
pub fn duration(lang: Lang, length: time::Duration) -> String {
    let minutes = length.whole_minutes().max(0);
    let (days, hours, minutes) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    match (days, hours, minutes) {
        (0, 0, m) => lang.t1("duration-minutes", "minutes", m),
        (0, h, 0) => lang.t1("duration-hours", "hours", h),
        (0, h, m) => lang.t2("duration-hours-minutes", "hours", h, "minutes", m),
        (d, h, _) => lang.t2("duration-days-hours", "days", d, "hours", h),
    }
}

/// How long until a deadline: "in 2 days 5 h", "in 40 min", "deadline passed".
pub fn countdown(lang: Lang, now: time::OffsetDateTime, deadline: time::OffsetDateTime) -> String {
    if deadline <= now {
        lang.t("countdown-passed")
    } else {
        lang.t1("countdown-in", "length", duration(lang, deadline - now))
    }
}

/// "07:00", "07:00", "07 h 00".
pub fn time_of_day(lang: Lang, time: Time) -> String {
    lang.t2(
        "time-of-day",
        "hour",
        format!("{:02}", time.hour()),
        "minute",
        format!("{:02}", time.minute()),
    )
}

/// A whole number with the language's digit grouping: "12,500", "12.500", "12 500".
pub fn number(lang: Lang, n: i64) -> String {
    group(
        &n.unsigned_abs().to_string(),
        &lang.t("number-group"),
        n < 0,
    )
}

/// An amount in minor units (pence, cents) with its currency, as the language writes money:
/// "£1,250.00", "1.250,00\u{a0}€", "1 250,00 €". Currencies without minor units (JPY) show none.
pub fn money(lang: Lang, minor: i64, currency: &str) -> String {
    let decimals = if matches!(currency, "JPY" | "KRW" | "ISK") {
        0
    } else {
        2
    };
    let scale = 10i64.pow(decimals);
    let whole = group(
        &(minor.unsigned_abs() / scale.unsigned_abs()).to_string(),
        &lang.t("number-group"),
        false,
    );
    let amount = if decimals == 0 {
        whole
    } else {
        format!(
            "{whole}{}{:02}",
            lang.t("number-decimal"),
            minor.unsigned_abs() % scale.unsigned_abs()
        )
    };
    let amount = if minor < 0 {
        format!("-{amount}")
    } else {
        amount
    };
    lang.t2("money", "amount", amount, "symbol", symbol(currency))
}

fn symbol(currency: &str) -> &str {
    match currency {
        "GBP" => "£",
        "EUR" => "€",
        "USD" => "US$",
        "JPY" => "¥",
        other => other,
    }
}

fn group(digits: &str, separator: &str, negative: bool) -> String {
    let mut out = String::with_capacity(digits.len() + 8);
    if negative {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, time};

    fn lang(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let day = date!(2026 - 12 - 03);
        assert_eq!(date_long(lang("en"), day), "Thursday 3 December");
        assert_eq!(date_long(lang("es"), day), "jueves, 3 de diciembre");
        assert_eq!(date_long(lang("fr"), day), "jeudi 3 décembre");
        assert_eq!(date_year(lang("es"), day), "3 de diciembre de 2026");
        assert_eq!(date_year(lang("fr"), date!(2027 - 08 - 01)), "1 août 2027");
        assert_eq!(time_of_day(lang("fr"), time!(7:05)), "07 h 05");
        assert_eq!(time_of_day(lang("es"), time!(19:30)), "19:30");
    }

    #[test]
    fn numbers_and_money_group_and_separate_as_each_language_does() {
        assert_eq!(number(lang("en"), 1_250_000), "1,250,000");
        assert_eq!(number(lang("es"), 12_500), "12.500");
        assert_eq!(number(lang("fr"), -12_500), "-12\u{202f}500");
        assert_eq!(number(lang("en"), 999), "999");
        assert_eq!(money(lang("en"), 125_005, "GBP"), "£1,250.05");
        assert_eq!(money(lang("es"), 125_000, "EUR"), "1.250,00\u{a0}€");
        assert_eq!(
            money(lang("fr"), -125_000, "EUR"),
            "-1\u{202f}250,00\u{a0}€"
        );
        assert_eq!(money(lang("en"), 5000, "JPY"), "¥5,000");
    }
}
