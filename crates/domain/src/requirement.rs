//! The legal requirements a rental property may be under, and a client's tracked obligations:
//! one per property and applicable requirement, created when the client is provisioned.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ClientId, PropertyId, RequirementId};

/// A legal obligation a rental property may be under. The declaration order is the fixed order
/// of every evaluation and of the command-line check's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequirementType {
    GasSafety,
    Eicr,
    Epc,
    SmokeCoAlarms,
    FireRiskAssessment,
    Legionella,
    HmoLicence,
    /// Scotland only: portable appliance testing, the second half of the electrical safety
    /// inspection.
    Pat,
    /// Scotland only: the landlord's entry on the council's register of landlords.
    LandlordRegistration,
}

impl RequirementType {
    /// How many requirement types there are.
    pub const COUNT: usize = 9;

    /// Every requirement type, in evaluation order.
    pub const ALL: [Self; Self::COUNT] = [
        Self::GasSafety,
        Self::Eicr,
        Self::Epc,
        Self::SmokeCoAlarms,
        Self::FireRiskAssessment,
        Self::Legionella,
        Self::HmoLicence,
        Self::Pat,
        Self::LandlordRegistration,
    ];

    /// What a landlord calls it: "Gas safety record", "EPC".
    pub const fn label(self) -> &'static str {
        match self {
            Self::GasSafety => "Gas safety record",
            Self::Eicr => "Electrical installation condition report",
            Self::Epc => "EPC",
            Self::SmokeCoAlarms => "Alarm check",
            Self::FireRiskAssessment => "Fire risk assessment",
            Self::Legionella => "Legionella risk assessment",
            Self::HmoLicence => "HMO licence",
            Self::Pat => "Portable appliance test",
            Self::LandlordRegistration => "Landlord registration",
        }
    }

    /// Position in [`Self::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The wire and storage spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::GasSafety => "GAS_SAFETY",
            Self::Eicr => "EICR",
            Self::Epc => "EPC",
            Self::SmokeCoAlarms => "SMOKE_CO_ALARMS",
            Self::FireRiskAssessment => "FIRE_RISK_ASSESSMENT",
            Self::Legionella => "LEGIONELLA",
            Self::HmoLicence => "HMO_LICENCE",
            Self::Pat => "PAT",
            Self::LandlordRegistration => "LANDLORD_REGISTRATION",
        }
    }
}

impl std::fmt::Display for RequirementType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RequirementType {
    type Err = crate::UnknownVariant;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| crate::UnknownVariant {
            value: s.to_owned(),
            expected: "GAS_SAFETY, EICR, EPC, SMOKE_CO_ALARMS, FIRE_RISK_ASSESSMENT, LEGIONELLA, HMO_LICENCE, PAT, LANDLORD_REGISTRATION",
        })
    }
}

/// An obligation tracked for one property of a client: what evidence is uploaded against and what
/// the engine gives a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    pub id: RequirementId,
    pub client_id: ClientId,
    pub property_id: PropertyId,
    pub requirement: RequirementType,
    pub created_at: DateTime<Utc>,
}

/// An EPC energy-efficiency band. Declared best first, so `A < G`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EpcRating {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
}

impl EpcRating {
    /// Every band, best first.
    pub const ALL: [Self; 7] = [Self::A, Self::B, Self::C, Self::D, Self::E, Self::F, Self::G];

    /// Whether this band is at least as good as `minimum`.
    pub fn meets(self, minimum: Self) -> bool {
        self <= minimum
    }

    /// The band's letter.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
            Self::E => "E",
            Self::F => "F",
            Self::G => "G",
        }
    }
}

impl std::str::FromStr for EpcRating {
    type Err = crate::UnknownVariant;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| crate::UnknownVariant {
                value: s.to_owned(),
                expected: "A, B, C, D, E, F, G",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::RequirementType;

    #[test]
    fn every_requirement_type_parses_from_its_own_spelling() {
        for requirement in RequirementType::ALL {
            assert_eq!(requirement.as_str().parse::<RequirementType>(), Ok(requirement));
        }
        assert!("GAS".parse::<RequirementType>().is_err());
    }
}
