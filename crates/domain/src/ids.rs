//! Typed identifiers, so a client id can never be passed where a property id is expected.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// A landlord or letting agent: the paying customer.
    ClientId
);
uuid_id!(
    /// One rental property of a client.
    PropertyId
);
uuid_id!(
    /// A person who can sign in to the portal: a client's user or an admin.
    UserId
);

/// The id of the HTTP request (or job run) that caused a change; it ties log lines, error bodies
/// and audit entries together. Limited to 64 printable ASCII characters so a caller-supplied id
/// can never smuggle control characters into logs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(String);

impl RequestId {
    pub const MAX_LEN: usize = 64;

    /// Accepts a caller-supplied id when it is 1..=64 characters of `[A-Za-z0-9._-]`.
    pub fn parse(value: &str) -> Option<Self> {
        let ok = !value.is_empty()
            && value.len() <= Self::MAX_LEN
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        ok.then(|| Self(value.to_owned()))
    }

    pub fn from_uuid(id: Uuid) -> Self {
        Self(id.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_id_accepts_safe_ids_and_refuses_control_characters() {
        assert!(RequestId::parse("abc-123_X.y").is_some());
        assert!(RequestId::parse("").is_none());
        assert!(RequestId::parse("line\nbreak").is_none());
        assert!(RequestId::parse(&"a".repeat(65)).is_none());
    }
}
uuid_id!(
    /// One email, from the moment it is queued: the outbox file name, the provider's metadata and
    /// the `message_logs` row all carry it.
    MessageId
);
uuid_id!(
    /// One tracked obligation of one property.
    RequirementId
);
uuid_id!(
    /// One uploaded evidence file.
    DocumentId
);
