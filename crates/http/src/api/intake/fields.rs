//! Reading one JSON object field by field, collecting every problem instead of stopping at the
//! first, each under the field's full path.

use std::str::FromStr;

use chrono::NaiveDate;
use domain::{BoundedText, TextError};
use serde_json::{Map, Value};

use crate::api::problem::FieldError;

/// A JSON object being read, and the errors found so far (shared with the enclosing object).
pub struct Fields<'a> {
    object: &'a Map<String, Value>,
    prefix: String,
    pub errors: &'a mut Vec<FieldError>,
}

impl<'a> Fields<'a> {
    pub fn new(object: &'a Map<String, Value>, prefix: String, errors: &'a mut Vec<FieldError>) -> Self {
        Self { object, prefix, errors }
    }

    pub fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    pub fn error(&mut self, name: &str, code: &'static str, message: impl Into<String>) {
        let field = self.path(name);
        self.errors.push(FieldError {
            field,
            code,
            message: message.into(),
        });
    }

    /// The value of `name`; JSON `null` counts as absent.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.object.get(name).filter(|v| !v.is_null())
    }

    /// Reports every member not in `known`: a misspelt optional field must not pass unnoticed.
    pub fn refuse_unknown(&mut self, known: &[&str]) {
        let unknown: Vec<String> = self
            .object
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            let shown: String = key.chars().take(64).collect();
            self.error(&shown, "unknown_field", "is not a field of this request");
        }
    }

    fn string(&mut self, name: &str, required: bool) -> Option<&'a str> {
        match self.get(name) {
            None if required => {
                self.error(name, "required", "is required");
                None
            }
            None => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => {
                self.error(name, "invalid_type", "must be a string");
                None
            }
        }
    }

    /// Trimmed text of at most `max` characters.
    pub fn text(&mut self, name: &str, max: usize, required: bool) -> Option<BoundedText> {
        let raw = self.string(name, required)?;
        match BoundedText::parse(raw, max) {
            Ok(text) => Some(text),
            Err(TextError::Empty) if !required => None,
            Err(TextError::Empty) => {
                self.error(name, "required", "must not be empty");
                None
            }
            Err(TextError::TooLong { max }) => {
                self.error(name, "too_long", format!("must be at most {max} characters"));
                None
            }
            Err(TextError::ControlCharacter) => {
                self.error(name, "invalid_characters", "must not contain control characters");
                None
            }
        }
    }

    /// A string parsed by `parse`, which names the problem with a code and a message.
    pub fn parsed<T>(
        &mut self,
        name: &str,
        required: bool,
        parse: impl FnOnce(&str) -> Result<T, (&'static str, String)>,
    ) -> Option<T> {
        let raw = self.string(name, required)?;
        parse(raw)
            .map_err(|(code, message)| self.error(name, code, message))
            .ok()
    }

    /// One of an enumeration's spellings, or `default` when absent.
    pub fn choice<T: FromStr>(&mut self, name: &str, default: Option<T>) -> Option<T>
    where
        T::Err: std::fmt::Display,
    {
        if default.is_some() && self.get(name).is_none() {
            return default;
        }
        self.parsed(name, true, |raw| {
            raw.parse().map_err(|e: T::Err| ("invalid_value", e.to_string()))
        })
    }

    /// A boolean, or `default` when absent (`None` default means required).
    pub fn boolean(&mut self, name: &str, default: Option<bool>) -> Option<bool> {
        match (self.get(name), default) {
            (None, Some(default)) => Some(default),
            (None, None) => {
                self.error(name, "required", "is required");
                None
            }
            (Some(Value::Bool(b)), _) => Some(*b),
            (Some(_), _) => {
                self.error(name, "invalid_type", "must be true or false");
                None
            }
        }
    }

    /// An optional calendar date written `YYYY-MM-DD`.
    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        self.parsed(name, false, |raw| {
            NaiveDate::from_str(raw.trim())
                .map_err(|_| ("invalid_date", "must be a date written YYYY-MM-DD".to_owned()))
        })
    }
}
