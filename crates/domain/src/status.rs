//! Requirement statuses, their RAG colours and the severity order that says which is worse.
//! Pure vocabulary: nothing here looks at dates or evidence (the compliance engine decides them).

use serde::{Deserialize, Serialize};

/// The status of one requirement.
///
/// Variants are declared from best to worst, and the derived `Ord` is that severity order:
/// `a > b` means `a` is worse than `b`. The order agrees with [`Rag`] (every GREY status is
/// better than every GREEN one, and so on). Within AMBER, an EPC that lapsed during a tenancy is
/// a known, lawful state, while unverified evidence is not yet known to be good, so it ranks
/// worse; within RED, never having evidence at all is the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// GREY: the requirement does not apply to this property.
    NotApplicable,
    /// GREEN: verified evidence in date, outside the amber window.
    Compliant,
    /// AMBER: verified evidence in date, inside the amber window.
    ExpiringSoon,
    /// AMBER: an EPC that lapsed during a tenancy that began before it lapsed.
    ExpiredInTenancy,
    /// AMBER: unverified evidence that would keep the requirement in date once verified.
    PendingVerification,
    /// RED: in date but below a legal standard.
    NonCompliant,
    /// RED: the last valid evidence has lapsed.
    Overdue,
    /// RED: never evidenced.
    Missing,
}

impl Status {
    /// Every status, best first.
    pub const ALL: [Self; 8] = [
        Self::NotApplicable,
        Self::Compliant,
        Self::ExpiringSoon,
        Self::ExpiredInTenancy,
        Self::PendingVerification,
        Self::NonCompliant,
        Self::Overdue,
        Self::Missing,
    ];

    /// The colour shown for this status.
    pub const fn rag(self) -> Rag {
        match self {
            Self::NotApplicable => Rag::Grey,
            Self::Compliant => Rag::Green,
            Self::ExpiringSoon | Self::ExpiredInTenancy | Self::PendingVerification => Rag::Amber,
            Self::NonCompliant | Self::Overdue | Self::Missing => Rag::Red,
        }
    }

    /// The wire and storage spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotApplicable => "NOT_APPLICABLE",
            Self::Compliant => "COMPLIANT",
            Self::ExpiringSoon => "EXPIRING_SOON",
            Self::ExpiredInTenancy => "EXPIRED_IN_TENANCY",
            Self::PendingVerification => "PENDING_VERIFICATION",
            Self::NonCompliant => "NON_COMPLIANT",
            Self::Overdue => "OVERDUE",
            Self::Missing => "MISSING",
        }
    }

    /// Whether the requirement is kept GREEN or AMBER by this status (NOT_APPLICABLE excluded).
    pub const fn is_in_date(self) -> bool {
        matches!(self.rag(), Rag::Green | Rag::Amber)
    }
}

impl std::str::FromStr for Status {
    type Err = crate::UnknownVariant;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| crate::UnknownVariant {
                value: s.chars().take(64).collect(),
                expected: "NOT_APPLICABLE, COMPLIANT, EXPIRING_SOON, EXPIRED_IN_TENANCY, PENDING_VERIFICATION, \
                       NON_COMPLIANT, OVERDUE, MISSING",
            })
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Red, amber, green, or grey for a requirement that does not apply.
///
/// Declared best first so that the derived `Ord` makes "worst of" a `max`; GREY sorts below
/// GREEN, so a property whose requirements are all GREY comes out GREEN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Rag {
    Grey,
    Green,
    Amber,
    Red,
}

impl Rag {
    /// The wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Grey => "GREY",
            Self::Green => "GREEN",
            Self::Amber => "AMBER",
            Self::Red => "RED",
        }
    }

    /// The roll-up of several colours: RED if any is RED, else AMBER if any is AMBER, else
    /// GREEN. GREY (not applicable) never shows through.
    pub fn worst_of(colours: impl IntoIterator<Item = Rag>) -> Rag {
        colours.into_iter().fold(Rag::Green, Rag::max)
    }
}

impl std::str::FromStr for Rag {
    type Err = crate::UnknownVariant;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Grey, Self::Green, Self::Amber, Self::Red]
            .into_iter()
            .find(|rag| rag.as_str() == s)
            .ok_or_else(|| crate::UnknownVariant {
                value: s.chars().take(64).collect(),
                expected: "GREY, GREEN, AMBER, RED",
            })
    }
}

impl std::fmt::Display for Rag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
