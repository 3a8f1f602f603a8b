//! The engine's inputs: requirement types, evidence and the property facts that decide which
//! requirements apply. Plain data; nothing here decides a status.

use chrono::NaiveDate;
use domain::Nation;
use serde::{Deserialize, Serialize};

use crate::dates::{de_date, de_opt_date};

pub use domain::RequirementType;

/// Where a piece of evidence is in its review. Only VERIFIED evidence can make a requirement
/// compliant; REJECTED evidence counts for nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EvidenceStatus {
    Verified,
    Pending,
    Rejected,
}

pub use domain::EpcRating;

/// One document offered as evidence for a requirement, with the dates an admin confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub requirement: RequirementType,
    pub status: EvidenceStatus,
    /// The date of the check, inspection, assessment or issue.
    #[serde(deserialize_with = "de_date")]
    pub issue_date: NaiveDate,
    /// The date the document itself states: an EICR's next inspection, a licence's expiry.
    #[serde(default, deserialize_with = "de_opt_date", skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epc_rating: Option<EpcRating>,
    /// Present when a minimum-energy-efficiency exemption is registered for the property.
    #[serde(default, deserialize_with = "de_opt_date", skip_serializing_if = "Option::is_none")]
    pub exemption_expiry_date: Option<NaiveDate>,
}

impl Evidence {
    /// Evidence with only a requirement, a status and an issue date.
    pub const fn new(requirement: RequirementType, status: EvidenceStatus, issue_date: NaiveDate) -> Self {
        Self {
            requirement,
            status,
            issue_date,
            expiry_date: None,
            epc_rating: None,
            exemption_expiry_date: None,
        }
    }

    /// Verified evidence issued on `issue_date`.
    pub const fn verified(requirement: RequirementType, issue_date: NaiveDate) -> Self {
        Self::new(requirement, EvidenceStatus::Verified, issue_date)
    }

    /// Evidence uploaded but not yet verified.
    pub const fn pending(requirement: RequirementType, issue_date: NaiveDate) -> Self {
        Self::new(requirement, EvidenceStatus::Pending, issue_date)
    }

    /// The same evidence with the date the document states.
    pub const fn with_expiry(self, expiry_date: NaiveDate) -> Self {
        Self {
            expiry_date: Some(expiry_date),
            ..self
        }
    }

    /// The same evidence with an EPC band.
    pub const fn with_rating(self, rating: EpcRating) -> Self {
        Self {
            epc_rating: Some(rating),
            ..self
        }
    }

    /// The same evidence with a registered exemption lasting until `until`.
    pub const fn with_exemption(self, until: NaiveDate) -> Self {
        Self {
            exemption_expiry_date: Some(until),
            ..self
        }
    }
}

/// The facts about a property that decide which requirements apply. Absent fields take the
/// defaults of intake: England, a gas supply, not an HMO, no communal areas, no tenancy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertyFacts {
    #[serde(default)]
    pub nation: Nation,
    #[serde(default = "yes")]
    pub has_gas_supply: bool,
    #[serde(default)]
    pub is_hmo: bool,
    #[serde(default)]
    pub has_communal_areas: bool,
    /// The day the current tenancy began; `None` when the property is not let.
    #[serde(default, deserialize_with = "de_opt_date")]
    pub tenancy_start_date: Option<NaiveDate>,
}

fn yes() -> bool {
    true
}

impl Default for PropertyFacts {
    fn default() -> Self {
        Self {
            nation: Nation::England,
            has_gas_supply: true,
            is_hmo: false,
            has_communal_areas: false,
            tenancy_start_date: None,
        }
    }
}

impl From<&domain::NewProperty> for PropertyFacts {
    fn from(p: &domain::NewProperty) -> Self {
        Self {
            nation: p.nation,
            has_gas_supply: p.has_gas_supply,
            is_hmo: p.is_hmo,
            has_communal_areas: p.has_communal_areas,
            tenancy_start_date: p.tenancy_start_date,
        }
    }
}

impl From<&domain::Property> for PropertyFacts {
    fn from(p: &domain::Property) -> Self {
        Self::from(&p.details)
    }
}
