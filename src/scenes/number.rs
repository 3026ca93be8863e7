//! Scene numbers as scripts write them (`12`, `12A`, `12AA`, `A1`) and their script order.
//! Owns parsing, the canonical text, ordering and the database sort key.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// The largest plain number accepted; the sort key pads numbers to four digits.
const MAX_NUMBER: u32 = 9999;

/// A scene number in canonical form: optional one or two letter prefix, a number, optional one or
/// two letter suffix (never both a prefix and a suffix).
///
/// Leading zeros are normalised away (`012` becomes `12`), letters are upper-cased and surrounding
/// whitespace is trimmed. A prefix marks a scene inserted before the plain number (`A1` comes before
/// `1`), which scripts use mostly before scene 1 but which is accepted before any number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SceneNumber {
    text: String,
    number: u32,
    prefix: String,
    suffix: String,
}

/// Why a scene number was refused; its `Display` is a sentence to show next to the form field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SceneNumberError {
    /// The text does not have the shape of a scene number.
    #[error(
        "Write the scene number as scripts do: 12, 12A, 12AA, or A1 for a scene added before scene 1."
    )]
    Format,
    /// The number part is larger than any script uses.
    #[error("Scene numbers go up to 9999: check the number.")]
    TooLarge,
}

impl SceneNumber {
    /// Parses a scene number from form or script text (see the type's rules).
    pub fn parse(input: &str) -> Result<Self, SceneNumberError> {
        let upper = input.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        let prefix_len = bytes.iter().take_while(|b| b.is_ascii_uppercase()).count();
        let digits_len = bytes[prefix_len..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let rest = &bytes[prefix_len + digits_len..];
        let suffix_len = rest.iter().take_while(|b| b.is_ascii_uppercase()).count();
        if digits_len == 0
            || suffix_len != rest.len()
            || prefix_len > 2
            || suffix_len > 2
            || (prefix_len > 0 && suffix_len > 0)
        {
            return Err(SceneNumberError::Format);
        }
        let digits = upper[prefix_len..prefix_len + digits_len].trim_start_matches('0');
        if digits.is_empty() {
            return Err(SceneNumberError::Format);
        }
        if digits.len() > 4 {
            return Err(SceneNumberError::TooLarge);
        }
        let number: u32 = digits.parse().map_err(|_| SceneNumberError::Format)?;
        if number > MAX_NUMBER {
            return Err(SceneNumberError::TooLarge);
        }
        let prefix = upper[..prefix_len].to_string();
        let suffix = upper[prefix_len + digits_len..].to_string();
        Ok(SceneNumber {
            text: format!("{prefix}{number}{suffix}"),
            number,
            prefix,
            suffix,
        })
    }

    /// The canonical text, e.g. `12A`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A key whose plain byte order is script order, for `order by sort_key collate "C"`.
    ///
    /// Shape: four-digit number, then `0` + prefix for prefixed scenes or `1` + suffix otherwise,
    /// e.g. `A1` → `00010A`, `1` → `00011`, `12AA` → `00121AA`.
    pub fn sort_key(&self) -> String {
        if self.prefix.is_empty() {
            format!("{:04}1{}", self.number, self.suffix)
        } else {
            format!("{:04}0{}", self.number, self.prefix)
        }
    }
}

impl Ord for SceneNumber {
    fn cmp(&self, other: &Self) -> Ordering {
        // Plain string order on the letters gives "shorter first, then alphabetical": A < AA < B.
        self.number
            .cmp(&other.number)
            .then_with(|| self.prefix.is_empty().cmp(&other.prefix.is_empty()))
            .then_with(|| self.prefix.cmp(&other.prefix))
            .then_with(|| self.suffix.cmp(&other.suffix))
    }
}

impl PartialOrd for SceneNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for SceneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for SceneNumber {
    type Err = SceneNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SceneNumber::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> SceneNumber {
        s.parse().unwrap()
    }

    #[test]
    fn accepts_script_forms_and_normalises() {
        for (input, canonical) in [
            ("12", "12"),
            ("12A", "12A"),
            ("12AA", "12AA"),
            ("12B", "12B"),
            ("A1", "A1"),
            ("AB1", "AB1"),
            ("  12a ", "12A"),
            ("a1", "A1"),
            ("012", "12"),
            ("0012b", "12B"),
            ("9999", "9999"),
        ] {
            let parsed = n(input);
            assert_eq!(parsed.as_str(), canonical, "{input}");
            assert_eq!(parsed.to_string(), canonical, "{input}");
        }
    }

    #[test]
    fn refuses_everything_else() {
        for input in [
            "", "  ", "0", "00", "A0", "12-A", "A", "AA", "1A2", "12 A", "12AAA", "ABC1", "A1A",
            "12.5", "-12", "12É", "Sc. 12",
        ] {
            assert_eq!(
                SceneNumber::parse(input),
                Err(SceneNumberError::Format),
                "{input:?}"
            );
        }
        assert_eq!(SceneNumber::parse("10000"), Err(SceneNumberError::TooLarge));
        assert_eq!(
            SceneNumber::parse("123456789012345678901234567890"),
            Err(SceneNumberError::TooLarge)
        );
    }

    #[test]
    fn error_reads_as_a_sentence() {
        let message = SceneNumber::parse("12-A").unwrap_err().to_string();
        assert_eq!(
            message,
            "Write the scene number as scripts do: 12, 12A, 12AA, or A1 for a scene added before scene 1."
        );
    }

    #[test]
    fn script_order() {
        let expected = ["A1", "1", "1A", "2", "12", "12A", "12B", "13"];
        for pair in expected.windows(2) {
            assert!(n(pair[0]) < n(pair[1]), "{} < {}", pair[0], pair[1]);
            assert!(n(pair[0]).sort_key() < n(pair[1]).sort_key());
        }
        let longer = [
            "A1", "B1", "1", "1A", "1B", "2", "12", "12A", "12AA", "12B", "13",
        ];
        for pair in longer.windows(2) {
            assert!(n(pair[0]) < n(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn sort_key_order_equals_script_order() {
        // A fixed shuffle, so the test is deterministic without a random number generator.
        let shuffled = [
            "12B", "3", "A1", "100", "12", "2A", "B1", "13", "1", "12AA", "A12", "99", "1B", "12A",
            "AA1", "2", "1A", "20", "B12", "1AA", "11",
        ];
        let mut by_ord: Vec<SceneNumber> = shuffled.iter().map(|s| n(s)).collect();
        by_ord.sort();
        let mut by_key: Vec<SceneNumber> = shuffled.iter().map(|s| n(s)).collect();
        by_key.sort_by_key(|s| s.sort_key());
        assert_eq!(by_ord, by_key);
        let texts: Vec<&str> = by_ord.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            texts,
            [
                "A1", "AA1", "B1", "1", "1A", "1AA", "1B", "2", "2A", "3", "11", "A12", "B12",
                "12", "12A", "12AA", "12B", "13", "20", "99", "100"
            ]
        );
    }
}
