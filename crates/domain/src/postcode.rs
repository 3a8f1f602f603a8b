//! UK postcodes, validated against the published format and stored as `SW1A 1AA`.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    #[error("must not be empty")]
    Empty,
    #[error("is not a valid UK postcode")]
    Invalid,
}

/// A UK postcode in its normalised form: upper case, one space before the inward code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UkPostcode(String);

impl UkPostcode {
    /// Accepts any spacing and case ("sw1a1aa", " SW1A  1AA ") and normalises it.
    ///
    /// # Errors
    /// [`PostcodeError`] when the text is not a postcode of the UK format.
    pub fn parse(value: &str) -> Result<Self, PostcodeError> {
        let compact: String = value
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(PostcodeError::Empty);
        }
        if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
            return Err(PostcodeError::Invalid);
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        if (is_valid_outward(outward) && is_valid_inward(inward)) || compact == "GIR0AA" {
            Ok(Self(format!("{outward} {inward}")))
        } else {
            Err(PostcodeError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Outward codes: A9, A99, AA9, AA99, A9A, AA9A (A a letter, 9 a digit). The first letter is
/// never Q, V or X; a second letter is never I, J or Z.
fn is_valid_outward(outward: &str) -> bool {
    let shape: String = outward
        .bytes()
        .map(|c| {
            if c.is_ascii_digit() {
                '9'
            } else if c.is_ascii_uppercase() {
                'A'
            } else {
                '?'
            }
        })
        .collect();
    let bytes = outward.as_bytes();
    let first_ok = bytes.first().is_some_and(|c| !matches!(c, b'Q' | b'V' | b'X'));
    let second_letter_ok = !shape.starts_with("AA") || !matches!(bytes[1], b'I' | b'J' | b'Z');
    matches!(shape.as_str(), "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A") && first_ok && second_letter_ok
}

/// Inward codes: a digit then two letters, never C, I, K, M, O or V.
fn is_valid_inward(inward: &str) -> bool {
    match inward.as_bytes() {
        [n, a, b] => {
            let ok = |c: u8| c.is_ascii_uppercase() && !matches!(c, b'C' | b'I' | b'K' | b'M' | b'O' | b'V');
            n.is_ascii_digit() && ok(*a) && ok(*b)
        }
        _ => false,
    }
}

impl TryFrom<String> for UkPostcode {
    type Error = PostcodeError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<UkPostcode> for String {
    fn from(value: UkPostcode) -> Self {
        value.0
    }
}

impl fmt::Display for UkPostcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn postcodes_are_normalised() {
        for (raw, expected) in [
            ("sw1a1aa", "SW1A 1AA"),
            ("SW1A 1AA", "SW1A 1AA"),
            ("  m1   1ae ", "M1 1AE"),
            ("b338th", "B33 8TH"),
            ("cr26xh", "CR2 6XH"),
            ("dn551pt", "DN55 1PT"),
            ("w1a0ax", "W1A 0AX"),
            ("EC1A1BB", "EC1A 1BB"),
            ("cf10 1ep", "CF10 1EP"),
            ("EH1 1YZ", "EH1 1YZ"),
            ("gir0aa", "GIR 0AA"),
        ] {
            assert_eq!(UkPostcode::parse(raw).unwrap().as_str(), expected, "{raw}");
        }
    }

    #[test]
    fn malformed_postcodes_are_refused() {
        for bad in [
            "",
            "   ",
            "12345",
            "SW1A",
            "SW1A 1A",
            "SW1A 1AAA",
            "QW1A 1AA",
            "SW1A 1CA",
            "1W1A 1AA",
            "SW1A-1AA",
            "ÄW1A 1AA",
            "AAA 1AA",
            "A1 AAA",
        ] {
            assert!(UkPostcode::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    proptest! {
        #[test]
        fn parsing_a_normalised_postcode_gives_it_back(
            area in "[A-PR-UWYZ][A-HK-Y]?",
            district in "[0-9]{1,2}",
            inward in "[0-9][ABD-HJLNP-UW-Z]{2}",
        ) {
            let raw = format!("{area}{district}{inward}").to_lowercase();
            let parsed = UkPostcode::parse(&raw).unwrap();
            prop_assert_eq!(UkPostcode::parse(parsed.as_str()).unwrap(), parsed.clone());
            prop_assert_eq!(parsed.as_str().len(), raw.len() + 1);
        }
    }
}
