//! The rules table: for each requirement and nation, when it applies, how its due date is
//! found, and the law behind it. Changing a rule means changing this table and nothing else;
//! the table never looks at evidence or dates.

use domain::Nation;

use crate::{EpcRating, PropertyFacts, RequirementType};

/// When a requirement applies to a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Applicability {
    Always,
    WithGasSupply,
    /// A current tenancy is recorded (`tenancy_start_date`).
    WithTenancy,
    HmoOrCommunalAreas,
    Hmo,
    /// The requirement exists only in another nation.
    OtherNationsOnly,
}

/// Why a requirement does not apply: shown with NOT_APPLICABLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotApplicableBecause {
    NoGasSupply,
    NoTenancy,
    NotHmoAndNoCommunalAreas,
    NotHmo,
    NotInThisNation,
}

impl Applicability {
    /// `None` when the requirement applies to `property`, else the reason it does not.
    pub fn excludes(self, property: &PropertyFacts) -> Option<NotApplicableBecause> {
        use NotApplicableBecause as Why;
        match self {
            Self::Always => None,
            Self::WithGasSupply => (!property.has_gas_supply).then_some(Why::NoGasSupply),
            Self::WithTenancy => property.tenancy_start_date.is_none().then_some(Why::NoTenancy),
            Self::HmoOrCommunalAreas => {
                (!property.is_hmo && !property.has_communal_areas).then_some(Why::NotHmoAndNoCommunalAreas)
            }
            Self::Hmo => (!property.is_hmo).then_some(Why::NotHmo),
            Self::OtherNationsOnly => Some(Why::NotInThisNation),
        }
    }
}

/// How a requirement's due date is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timing {
    /// The reg 36A chain: due `months` after the check, and a check in the `window_months`
    /// ending with the deadline counts as made on the deadline.
    GasChain { months: u32, window_months: u32 },
    /// Due `months` after the issue date, or on the date the document states if that is
    /// earlier (never later). The most recent document governs.
    Interval { months: u32 },
    /// An EPC: valid `months` after issue; the rule's `minimum_epc` applies while in date, and
    /// lapsing during a tenancy that began before it lapsed is not a breach.
    Epc { months: u32 },
    /// Checked on the day the current tenancy began.
    TenancyStartDay,
    /// Does not apply in this nation.
    NotApplicable,
}

/// What a CO alarm is needed for, where the property has a gas supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CoAlarm {
    /// England: any room with a fixed combustion appliance, gas cookers excepted.
    FixedCombustionApplianceExceptGasCookers,
    /// Wales: every room with a gas appliance, gas cookers included.
    AnyGasApplianceIncludingCookers,
    /// Scotland: wherever there is a carbon-fuelled appliance (cookers excepted) or a flue.
    CarbonFuelledApplianceExceptCookers,
}

/// One row of the rules table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rule {
    pub requirement: RequirementType,
    pub nation: Nation,
    pub applies: Applicability,
    pub timing: Timing,
    /// The lowest EPC band that may be let (EPC rows only; `None` where there is no minimum).
    pub minimum_epc: Option<EpcRating>,
    /// The CO alarm duty that a gas supply brings (alarm rows only).
    pub co_alarm: Option<CoAlarm>,
    /// What the landlord must do, in one sentence.
    pub duty: &'static str,
    /// The legislation, precise enough for a reviewer to look it up.
    pub legal_source: &'static str,
}

mod table;

pub use table::RULES;

const fn nation_index(nation: Nation) -> usize {
    match nation {
        Nation::England => 0,
        Nation::Wales => 1,
        Nation::Scotland => 2,
    }
}

/// The rule for one requirement in one nation.
pub fn rule_for(requirement: RequirementType, nation: Nation) -> &'static Rule {
    &RULES[requirement.index() * 3 + nation_index(nation)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_requirement_and_nation_finds_its_own_row() {
        for requirement in RequirementType::ALL {
            for nation in [Nation::England, Nation::Wales, Nation::Scotland] {
                let rule = rule_for(requirement, nation);
                assert_eq!((rule.requirement, rule.nation), (requirement, nation));
            }
        }
    }

    #[test]
    fn every_rule_names_a_legal_source_and_a_duty() {
        for rule in &RULES {
            assert!(rule.legal_source.len() > 20, "{:?} {:?}", rule.requirement, rule.nation);
            assert!(rule.duty.ends_with('.'), "{:?} {:?}", rule.requirement, rule.nation);
        }
    }

    #[test]
    fn scottish_additions_apply_only_in_scotland() {
        for requirement in [RequirementType::Pat, RequirementType::LandlordRegistration] {
            assert_eq!(
                rule_for(requirement, Nation::England).applies,
                Applicability::OtherNationsOnly
            );
            assert_eq!(
                rule_for(requirement, Nation::Wales).applies,
                Applicability::OtherNationsOnly
            );
            assert_eq!(rule_for(requirement, Nation::Scotland).applies, Applicability::Always);
        }
    }
}
