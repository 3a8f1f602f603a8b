//! Free text with bounds: trimmed, not empty, no control characters, at most N characters.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
}

/// Trimmed, non-empty text of bounded length without control characters (names, addresses).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BoundedText(String);

impl BoundedText {
    /// Trims `value` and accepts it when it has 1..=`max` characters and no control characters.
    ///
    /// # Errors
    /// [`TextError`] naming the broken rule.
    pub fn parse(value: &str, max: usize) -> Result<Self, TextError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(TextError::Empty);
        }
        if trimmed.chars().count() > max {
            return Err(TextError::TooLong { max });
        }
        if trimmed.chars().any(char::is_control) {
            return Err(TextError::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TextError {
    /// A stable code for API error bodies.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Empty => "required",
            Self::TooLong { .. } => "too_long",
            Self::ControlCharacter => "invalid_characters",
        }
    }
}

/// Like [`BoundedText`], but paragraphs allowed: line breaks and tabs are the only control
/// characters it accepts (an operator's message to a client). Windows line breaks become `\n`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MultilineText(String);

impl MultilineText {
    /// # Errors
    /// [`TextError`] naming the broken rule.
    pub fn parse(value: &str, max: usize) -> Result<Self, TextError> {
        let normalised = value.replace("\r\n", "\n");
        let trimmed = normalised.trim();
        if trimmed.is_empty() {
            return Err(TextError::Empty);
        }
        if trimmed.chars().count() > max {
            return Err(TextError::TooLong { max });
        }
        if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(TextError::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BoundedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiline_text_keeps_line_breaks_and_refuses_other_controls() {
        let text = MultilineText::parse(" Dear Ada,\r\n\n\tThanks. ", 100).unwrap();
        assert_eq!(text.as_str(), "Dear Ada,\n\n\tThanks.");
        assert_eq!(MultilineText::parse("a\u{7}b", 100), Err(TextError::ControlCharacter));
        assert_eq!(MultilineText::parse(" \n ", 100), Err(TextError::Empty));
        assert_eq!(MultilineText::parse("abcd", 3), Err(TextError::TooLong { max: 3 }));
    }

    #[test]
    fn text_is_trimmed_and_bounded_by_characters_not_bytes() {
        assert_eq!(BoundedText::parse("  Flat 2 ", 10).unwrap().as_str(), "Flat 2");
        assert_eq!(BoundedText::parse("ééé", 3).unwrap().as_str(), "ééé");
        assert_eq!(BoundedText::parse("abcd", 3), Err(TextError::TooLong { max: 3 }));
        assert_eq!(BoundedText::parse("   ", 3), Err(TextError::Empty));
        assert_eq!(BoundedText::parse("a\u{0}b", 3), Err(TextError::ControlCharacter));
    }
}
