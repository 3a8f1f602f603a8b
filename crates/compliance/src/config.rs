//! The engine's configuration: how many days before a due date a requirement turns AMBER.
//! Only numbers; the rules themselves live in the `rules` table and are not configurable.

use serde::{Deserialize, Serialize};

use crate::RequirementType;

/// Amber windows, in days before the due date. `Default` is the product's defaults.
/// Smoke and CO alarms have no window: their check is due on one day, the tenancy's first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AmberWindows {
    pub gas_safety: u16,
    pub eicr: u16,
    pub epc: u16,
    pub fire_risk_assessment: u16,
    pub legionella: u16,
    pub hmo_licence: u16,
    pub pat: u16,
    pub landlord_registration: u16,
}

impl Default for AmberWindows {
    fn default() -> Self {
        Self {
            gas_safety: 60,
            eicr: 90,
            epc: 90,
            fire_risk_assessment: 60,
            legionella: 60,
            hmo_licence: 120,
            // Not set by the product brief: the Scottish electrical check runs with the EICR
            // (same 90 days), and 90 days leaves time for a council to process a renewal.
            pat: 90,
            landlord_registration: 90,
        }
    }
}

impl AmberWindows {
    /// The window for one requirement, in days.
    pub const fn days(&self, requirement: RequirementType) -> u16 {
        match requirement {
            RequirementType::GasSafety => self.gas_safety,
            RequirementType::Eicr => self.eicr,
            RequirementType::Epc => self.epc,
            RequirementType::SmokeCoAlarms => 0,
            RequirementType::FireRiskAssessment => self.fire_risk_assessment,
            RequirementType::Legionella => self.legionella,
            RequirementType::HmoLicence => self.hmo_licence,
            RequirementType::Pat => self.pat,
            RequirementType::LandlordRegistration => self.landlord_registration,
        }
    }
}

/// Everything the engine can be configured with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineConfig {
    pub amber_windows: AmberWindows,
}
