//! Page length in eighths of a page, the film convention (`2 3/8`, `7/8`, `3`).
//! Owns parsing form text, the display form and adding lengths into totals.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign};
use std::str::FromStr;

/// The most whole pages one scene may have; keeps arithmetic far from overflow.
const MAX_WHOLE_PAGES: u32 = 999;

/// A length in eighths of a page, never reduced: `4/8` stays `4/8`.
///
/// Parsing refuses zero, but a value built with [`Eighths::new`] may be zero (an empty total).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Eighths(u32);

/// Why a page length was refused; its `Display` is a sentence to show next to the form field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EighthsError {
    /// Nothing was written.
    #[error("Write the length in pages and eighths, for example 2 3/8, 7/8 or 3.")]
    Empty,
    /// The text is not pages and eighths.
    #[error("Write the length in pages and eighths, for example 2 3/8, 7/8 or 3.")]
    Format,
    /// A minus sign was written.
    #[error("A page length cannot be negative.")]
    Negative,
    /// The fraction is not in eighths.
    #[error("Pages are counted in eighths: write the fraction over 8, for example 3/8.")]
    Denominator,
    /// The eighths part is a whole page or more.
    #[error("The fraction must be less than a page: 8/8 is 1, so write 1 1/8 rather than 9/8.")]
    Numerator,
    /// The length adds up to nothing.
    #[error("A scene is at least 1/8 of a page.")]
    Zero,
    /// More pages than any single scene has.
    #[error("A scene is at most 999 pages long: check the length.")]
    TooLong,
}

impl Eighths {
    /// No length at all: the start of a total.
    pub const ZERO: Eighths = Eighths(0);

    /// A length of `eighths` eighths of a page (zero allowed, for totals and stored values).
    pub const fn new(eighths: u32) -> Self {
        Eighths(eighths)
    }

    /// The number of eighths, as stored in the database.
    pub const fn count(self) -> u32 {
        self.0
    }

    /// Whole pages, ignoring the eighths part.
    pub const fn whole_pages(self) -> u32 {
        self.0 / 8
    }

    /// The eighths beyond the whole pages (0 to 7).
    pub const fn remainder(self) -> u32 {
        self.0 % 8
    }

    /// Parses `2 3/8`, `7/8`, `3` or `0 4/8`; refuses zero, negatives and other denominators.
    pub fn parse(input: &str) -> Result<Self, EighthsError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(EighthsError::Empty);
        }
        if text.starts_with('-') {
            return Err(EighthsError::Negative);
        }
        let mut parts = text.split_whitespace();
        let (whole, fraction) = match (parts.next(), parts.next(), parts.next()) {
            (Some(only), None, None) if only.contains('/') => (None, Some(only)),
            (Some(only), None, None) => (Some(only), None),
            (Some(whole), Some(fraction), None) if fraction.contains('/') => {
                (Some(whole), Some(fraction))
            }
            _ => return Err(EighthsError::Format),
        };
        let whole = match whole {
            Some(text) => parse_digits(text)?,
            None => 0,
        };
        let part = match fraction {
            Some(text) => {
                let (numerator, denominator) = text.split_once('/').ok_or(EighthsError::Format)?;
                let numerator = parse_digits(numerator)?;
                if parse_digits(denominator)? != 8 {
                    return Err(EighthsError::Denominator);
                }
                if numerator >= 8 {
                    return Err(EighthsError::Numerator);
                }
                numerator
            }
            None => 0,
        };
        if whole > MAX_WHOLE_PAGES {
            return Err(EighthsError::TooLong);
        }
        let total = whole * 8 + part;
        if total == 0 {
            return Err(EighthsError::Zero);
        }
        Ok(Eighths(total))
    }
}

/// Digits only (no sign, no decimal point); very long numbers count as too long.
fn parse_digits(text: &str) -> Result<u32, EighthsError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(if text.starts_with('-') {
            EighthsError::Negative
        } else {
            EighthsError::Format
        });
    }
    text.parse().map_err(|_| EighthsError::TooLong)
}

impl fmt::Display for Eighths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.whole_pages(), self.remainder()) {
            (0, 0) => f.write_str("0"),
            (whole, 0) => write!(f, "{whole}"),
            (0, part) => write!(f, "{part}/8"),
            (whole, part) => write!(f, "{whole} {part}/8"),
        }
    }
}

impl FromStr for Eighths {
    type Err = EighthsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Eighths::parse(s)
    }
}

impl Add for Eighths {
    type Output = Eighths;

    fn add(self, other: Eighths) -> Eighths {
        // Saturating: a total of billions of pages is nonsense either way, but must not panic.
        Eighths(self.0.saturating_add(other.0))
    }
}

impl AddAssign for Eighths {
    fn add_assign(&mut self, other: Eighths) {
        *self = *self + other;
    }
}

impl Sum for Eighths {
    fn sum<I: Iterator<Item = Eighths>>(iter: I) -> Eighths {
        iter.fold(Eighths::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Eighths> for Eighths {
    fn sum<I: Iterator<Item = &'a Eighths>>(iter: I) -> Eighths {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &str) -> Eighths {
        s.parse().unwrap()
    }

    #[test]
    fn parses_film_forms() {
        assert_eq!(e("2 3/8").count(), 19);
        assert_eq!(e("7/8").count(), 7);
        assert_eq!(e("3").count(), 24);
        assert_eq!(e("  1   1/8 ").count(), 9);
        assert_eq!(e("0 4/8").count(), 4);
        assert_eq!(e("2 0/8").count(), 16);
        assert_eq!(e("999 7/8").count(), 7999);
    }

    #[test]
    fn displays_unreduced() {
        for (input, shown) in [
            ("2 3/8", "2 3/8"),
            ("7/8", "7/8"),
            ("3", "3"),
            ("4/8", "4/8"),
            ("0 4/8", "4/8"),
            ("2 0/8", "2"),
        ] {
            assert_eq!(e(input).to_string(), shown, "{input}");
        }
        assert_eq!(Eighths::ZERO.to_string(), "0");
    }

    #[test]
    fn refuses_with_field_messages() {
        use EighthsError::*;
        for (input, error) in [
            ("", Empty),
            ("   ", Empty),
            ("0", Zero),
            ("0/8", Zero),
            ("0 0/8", Zero),
            ("-1", Negative),
            ("-3/8", Negative),
            ("1 -3/8", Negative),
            ("1/2", Denominator),
            ("2 3/4", Denominator),
            ("3/0", Denominator),
            ("8/8", Numerator),
            ("1 9/8", Numerator),
            ("1.5", Format),
            ("two", Format),
            ("1 2", Format),
            ("1 2 3/8", Format),
            ("3/8 1", Format),
            ("/8", Format),
            ("1/", Format),
            ("1000", TooLong),
            ("99999999999999", TooLong),
        ] {
            assert_eq!(Eighths::parse(input), Err(error.clone()), "{input:?}");
        }
        assert_eq!(
            Eighths::parse("2 3/4").unwrap_err().to_string(),
            "Pages are counted in eighths: write the fraction over 8, for example 3/8."
        );
        assert_eq!(
            Eighths::parse("0").unwrap_err().to_string(),
            "A scene is at least 1/8 of a page."
        );
    }

    #[test]
    fn totals_add_up() {
        assert_eq!((e("7/8") + e("2/8")).to_string(), "1 1/8");
        let scenes = [e("2 3/8"), e("7/8"), e("3"), e("1/8")];
        let total: Eighths = scenes.iter().sum();
        assert_eq!(total.to_string(), "6 3/8");
        let owned: Eighths = scenes.into_iter().sum();
        assert_eq!(owned, total);
        let mut running = Eighths::ZERO;
        running += e("4/8");
        running += e("4/8");
        assert_eq!(running.to_string(), "1");
        let empty: Eighths = std::iter::empty::<Eighths>().sum();
        assert_eq!(empty, Eighths::ZERO);
    }
}
