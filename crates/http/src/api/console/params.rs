//! Reading the console's query parameters: every bad one named in one 422, and cursors that are
//! opaque to callers (base64url of the last row's sort key) and checked when they come back.

use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use ports::After;
use uuid::Uuid;

use crate::api::problem::{ApiError, FieldError};

/// Rows a page holds when `limit` is absent, and at most.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// The problems found so far.
#[derive(Debug, Default)]
pub struct Params {
    errors: Vec<FieldError>,
}

impl Params {
    /// Names a problem the other readers do not check for.
    pub fn error(&mut self, field: &str, code: &'static str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            code,
            message: message.into(),
        });
    }

    /// One of an enumeration's spellings (a status, a role, an action).
    pub fn choice<T: FromStr>(&mut self, field: &str, raw: Option<&str>) -> Option<T>
    where
        T::Err: std::fmt::Display,
    {
        let raw = raw?.trim();
        raw.parse()
            .map_err(|e: T::Err| self.error(field, "invalid_choice", e.to_string()))
            .ok()
    }

    /// An id (a UUID).
    pub fn id<T: FromStr>(&mut self, field: &str, raw: Option<&str>) -> Option<T> {
        let raw = raw?.trim();
        raw.parse()
            .map_err(|_| self.error(field, "invalid_id", "not an id (a UUID)"))
            .ok()
    }

    /// Text of 1 to `max` characters once trimmed.
    pub fn text(&mut self, field: &str, raw: Option<&str>, max: usize) -> Option<String> {
        let raw = raw?.trim();
        if raw.is_empty() || raw.chars().count() > max {
            self.error(field, "invalid_length", format!("between 1 and {max} characters"));
            return None;
        }
        Some(raw.to_owned())
    }

    /// An instant, as RFC 3339 (`2026-12-01T09:00:00Z`) or a date (its midnight, UTC).
    pub fn instant(&mut self, field: &str, raw: Option<&str>) -> Option<DateTime<Utc>> {
        let raw = raw?.trim();
        DateTime::parse_from_rfc3339(raw)
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                NaiveDate::from_str(raw)
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc())
            })
            .or_else(|| {
                self.error(field, "invalid_time", "a time (RFC 3339) or a date (YYYY-MM-DD)");
                None
            })
    }

    /// The page size: [`DEFAULT_LIMIT`] when absent, 1 to [`MAX_LIMIT`].
    pub fn limit(&mut self, raw: Option<&str>) -> u32 {
        let Some(raw) = raw else { return DEFAULT_LIMIT };
        match raw.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                self.error("limit", "out_of_range", format!("a number from 1 to {MAX_LIMIT}"));
                DEFAULT_LIMIT
            }
        }
    }

    /// A cursor this server handed out for a list sorted by time and id.
    pub fn after<Id: From<Uuid>>(&mut self, raw: Option<&str>) -> Option<After<Id>> {
        let raw = raw?;
        decode_after(raw).or_else(|| {
            self.error("cursor", "invalid_cursor", "not a cursor from this list");
            None
        })
    }

    /// A cursor this server handed out for the audit log (a position).
    pub fn position(&mut self, raw: Option<&str>) -> Option<i64> {
        let raw = raw?;
        decode(raw)
            .and_then(|text| text.strip_prefix("p:").and_then(|n| n.parse().ok()))
            .or_else(|| {
                self.error("cursor", "invalid_cursor", "not a cursor from this list");
                None
            })
    }

    /// `Ok` when nothing was wrong, else the 422 naming each problem.
    ///
    /// # Errors
    /// [`ApiError::Validation`] with every problem found.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

fn decode(raw: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim().as_bytes()).ok()?;
    String::from_utf8(bytes).ok()
}

fn decode_after<Id: From<Uuid>>(raw: &str) -> Option<After<Id>> {
    let text = decode(raw)?;
    let (at, id) = text.strip_prefix("t:")?.rsplit_once(':')?;
    let (secs, nanos) = at.split_once('.')?;
    Some(After {
        at: DateTime::from_timestamp(secs.parse().ok()?, nanos.parse().ok()?)?,
        id: Id::from(id.parse::<Uuid>().ok()?),
    })
}

/// The cursor that continues after a row created at `at` with `id`. The time goes to the
/// nanosecond: SQLite keeps what the clock gave, and a cursor a microsecond early would show
/// its own row again.
pub fn after_cursor(at: DateTime<Utc>, id: Uuid) -> String {
    let nanos = at.timestamp_subsec_nanos();
    URL_SAFE_NO_PAD.encode(format!("t:{}.{nanos:09}:{id}", at.timestamp()))
}

/// The cursor that continues after the audit entry at `position`.
pub fn position_cursor(position: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("p:{position}"))
}

#[cfg(test)]
mod tests {
    use domain::ClientId;

    use super::*;

    #[test]
    fn cursors_come_back_as_they_went_and_others_are_named() {
        let at = DateTime::from_timestamp(1_764_000_000, 123_456_789).unwrap();
        let id = Uuid::now_v7();
        let mut params = Params::default();
        let after: After<ClientId> = params.after(Some(&after_cursor(at, id))).unwrap();
        assert_eq!((after.at, after.id.as_uuid()), (at, id));
        assert_eq!(params.position(Some(&position_cursor(42))), Some(42));
        assert!(params.finish().is_ok());

        let mut params = Params::default();
        assert!(params.after::<ClientId>(Some("not-a-cursor")).is_none());
        assert!(params.position(Some(&after_cursor(at, id))).is_none());
        assert_eq!(params.limit(Some("0")), DEFAULT_LIMIT);
        let Err(ApiError::Validation(errors)) = params.finish() else {
            panic!("three problems")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["cursor", "cursor", "limit"]);
    }
}
