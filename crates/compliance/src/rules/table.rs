//! The rules table itself: one row per requirement and nation, with its legal source. Data
//! only; how a row is applied is in the evaluation modules, never here.

use domain::Nation;

use super::{Applicability, CoAlarm, Rule, Timing};
use crate::{EpcRating, RequirementType};

const fn row(
    requirement: RequirementType,
    nation: Nation,
    applies: Applicability,
    timing: Timing,
    duty: &'static str,
    legal_source: &'static str,
) -> Rule {
    Rule {
        requirement,
        nation,
        applies,
        timing,
        minimum_epc: None,
        co_alarm: None,
        duty,
        legal_source,
    }
}

use Applicability as A;
use Nation::{England as EN, Scotland as SC, Wales as WA};
use RequirementType as R;

const GAS: Timing = Timing::GasChain {
    months: 12,
    window_months: 2,
};
const GAS_DUTY: &str =
    "Have every gas appliance and flue safety-checked by a Gas Safe registered engineer at least every 12 months.";
const GAS_LAW: &str = "Gas Safety (Installation and Use) Regulations 1998, reg 36(3) (a safety check at intervals of no more than 12 months) and reg 36A (a check made in the 2 months ending with the deadline counts as made on the deadline)";
const EICR_DUTY: &str = "Have the electrical installation inspected and tested by a qualified person at least every 5 years, or sooner if the last report says so.";
const SCOT_ELECTRICAL_LAW: &str = "Housing (Scotland) Act 2006, ss.13(4A) and 19B(4), with the Scottish Government's statutory guidance on electrical installations and appliances in private rented property (an electrical safety inspection, EICR and PAT, at least every 5 years)";
const EPC_DUTY: &str = "Hold a valid EPC (10 years) when letting or marketing the property.";
const EPC_LAW_EW: &str = "Energy Performance of Buildings (England and Wales) Regulations 2012 (an EPC, valid for 10 years, to let or market a property); Energy Efficiency (Private Rented Property) (England and Wales) Regulations 2015, Part 3 (minimum band E; a registered exemption lasts 5 years)";
const FRA_DUTY: &str = "Keep a fire risk assessment of the shared parts, reviewed at least every 12 months.";
const FRA_LAW_EW: &str = "Regulatory Reform (Fire Safety) Order 2005, art 9 (a suitable and sufficient fire risk assessment, reviewed regularly; yearly here)";
const LEGIONELLA_DUTY: &str = "Keep a legionella risk assessment of the water system, reviewed at least every 2 years.";
const LEGIONELLA_LAW: &str = "Health and Safety at Work etc. Act 1974, s.3(2); Control of Substances Hazardous to Health Regulations 2002, reg 6; HSE Approved Code of Practice L8 (a legionella risk assessment, reviewed regularly; every 2 years here)";
const HMO_DUTY: &str = "Hold a current HMO licence from the local council.";
const HMO_LAW_EW: &str =
    "Housing Act 2004, Part 2, s.61 (HMOs that must be licensed) and s.68 (a licence lasts at most 5 years)";
const SCOTLAND_ONLY: &str = "A Scottish requirement; it does not apply in England or Wales.";

/// The rules table, ordered by requirement (as [`RequirementType::ALL`]) then nation
/// (England, Wales, Scotland), so that [`rule_for`] is an index.
pub static RULES: [Rule; RequirementType::COUNT * 3] = [
    row(R::GasSafety, EN, A::WithGasSupply, GAS, GAS_DUTY, GAS_LAW),
    row(R::GasSafety, WA, A::WithGasSupply, GAS, GAS_DUTY, GAS_LAW),
    row(R::GasSafety, SC, A::WithGasSupply, GAS, GAS_DUTY, GAS_LAW),
    row(
        R::Eicr,
        EN,
        A::Always,
        Timing::Interval { months: 60 },
        EICR_DUTY,
        "Electrical Safety Standards in the Private Rented Sector (England) Regulations 2020, reg 3 (inspection and testing at intervals of no more than 5 years, or shorter where the most recent report says so)",
    ),
    row(
        R::Eicr,
        WA,
        A::Always,
        Timing::Interval { months: 60 },
        EICR_DUTY,
        "Renting Homes (Fitness for Human Habitation) (Wales) Regulations 2022, reg 6 (inspection and testing at intervals of no more than 5 years, or shorter where the most recent report says so)",
    ),
    row(
        R::Eicr,
        SC,
        A::Always,
        Timing::Interval { months: 60 },
        "Have the electrical installation inspected (EICR) at least every 5 years, or sooner if the last report says so; appliances are tested separately (PAT).",
        SCOT_ELECTRICAL_LAW,
    ),
    Rule {
        minimum_epc: Some(EpcRating::E),
        ..row(R::Epc, EN, A::Always, Timing::Epc { months: 120 }, EPC_DUTY, EPC_LAW_EW)
    },
    Rule {
        minimum_epc: Some(EpcRating::E),
        ..row(R::Epc, WA, A::Always, Timing::Epc { months: 120 }, EPC_DUTY, EPC_LAW_EW)
    },
    row(
        R::Epc,
        SC,
        A::Always,
        Timing::Epc { months: 120 },
        EPC_DUTY,
        "Energy Performance of Buildings (Scotland) Regulations 2008 (an EPC, valid for 10 years, to let or market a property); Scotland sets no minimum band for private lets",
    ),
    Rule {
        co_alarm: Some(CoAlarm::FixedCombustionApplianceExceptGasCookers),
        ..row(
            R::SmokeCoAlarms,
            EN,
            A::WithTenancy,
            Timing::TenancyStartDay,
            "A smoke alarm on every storey, and a CO alarm in any room with a fixed combustion appliance, all checked and working on the day the tenancy began.",
            "Smoke and Carbon Monoxide Alarm (England) Regulations 2015, reg 4, as amended in 2022 (alarms checked and in working order on the day the tenancy begins)",
        )
    },
    Rule {
        co_alarm: Some(CoAlarm::AnyGasApplianceIncludingCookers),
        ..row(
            R::SmokeCoAlarms,
            WA,
            A::WithTenancy,
            Timing::TenancyStartDay,
            "A mains-wired, interlinked smoke alarm on every storey, and a CO alarm in every room with a gas, oil or solid-fuel appliance, all checked and working on the day the occupation contract began.",
            "Renting Homes (Wales) Act 2016, s.91, and Renting Homes (Fitness for Human Habitation) (Wales) Regulations 2022, reg 5 (mains-wired interlinked smoke alarms; a CO alarm with any gas appliance, cookers included)",
        )
    },
    Rule {
        co_alarm: Some(CoAlarm::CarbonFuelledApplianceExceptCookers),
        ..row(
            R::SmokeCoAlarms,
            SC,
            A::WithTenancy,
            Timing::TenancyStartDay,
            "Interlinked smoke and heat alarms, and a CO alarm where there is a carbon-fuelled appliance or flue, all checked and working on the day the tenancy began.",
            "Housing (Scotland) Act 2006, s.13 (repairing standard), and Housing (Scotland) Act 1987, s.86 (tolerable standard: interlinked fire and CO alarms since February 2022)",
        )
    },
    row(
        R::FireRiskAssessment,
        EN,
        A::HmoOrCommunalAreas,
        Timing::Interval { months: 12 },
        FRA_DUTY,
        FRA_LAW_EW,
    ),
    row(
        R::FireRiskAssessment,
        WA,
        A::HmoOrCommunalAreas,
        Timing::Interval { months: 12 },
        FRA_DUTY,
        FRA_LAW_EW,
    ),
    row(
        R::FireRiskAssessment,
        SC,
        A::HmoOrCommunalAreas,
        Timing::Interval { months: 12 },
        FRA_DUTY,
        "Fire (Scotland) Act 2005, s.53, and Fire Safety (Scotland) Regulations 2006 (a fire safety risk assessment, reviewed regularly; yearly here)",
    ),
    row(
        R::Legionella,
        EN,
        A::Always,
        Timing::Interval { months: 24 },
        LEGIONELLA_DUTY,
        LEGIONELLA_LAW,
    ),
    row(
        R::Legionella,
        WA,
        A::Always,
        Timing::Interval { months: 24 },
        LEGIONELLA_DUTY,
        LEGIONELLA_LAW,
    ),
    row(
        R::Legionella,
        SC,
        A::Always,
        Timing::Interval { months: 24 },
        LEGIONELLA_DUTY,
        LEGIONELLA_LAW,
    ),
    row(
        R::HmoLicence,
        EN,
        A::Hmo,
        Timing::Interval { months: 60 },
        HMO_DUTY,
        HMO_LAW_EW,
    ),
    row(
        R::HmoLicence,
        WA,
        A::Hmo,
        Timing::Interval { months: 60 },
        HMO_DUTY,
        HMO_LAW_EW,
    ),
    row(
        R::HmoLicence,
        SC,
        A::Hmo,
        Timing::Interval { months: 36 },
        HMO_DUTY,
        "Housing (Scotland) Act 2006, Part 5 (HMO licensing; a licence lasts at most 3 years)",
    ),
    row(
        R::Pat,
        EN,
        A::OtherNationsOnly,
        Timing::NotApplicable,
        SCOTLAND_ONLY,
        "None in England: portable appliance testing is a Scottish statutory requirement (Housing (Scotland) Act 2006, s.19B(4) guidance)",
    ),
    row(
        R::Pat,
        WA,
        A::OtherNationsOnly,
        Timing::NotApplicable,
        SCOTLAND_ONLY,
        "None in Wales: portable appliance testing is a Scottish statutory requirement (Housing (Scotland) Act 2006, s.19B(4) guidance)",
    ),
    row(
        R::Pat,
        SC,
        A::Always,
        Timing::Interval { months: 60 },
        "Have the appliances provided with the let portable-appliance tested (PAT) at least every 5 years, or sooner if the last report says so.",
        SCOT_ELECTRICAL_LAW,
    ),
    row(
        R::LandlordRegistration,
        EN,
        A::OtherNationsOnly,
        Timing::NotApplicable,
        SCOTLAND_ONLY,
        "None in England: landlord registration is required by the Antisocial Behaviour etc. (Scotland) Act 2004, Part 8",
    ),
    row(
        R::LandlordRegistration,
        WA,
        A::OtherNationsOnly,
        Timing::NotApplicable,
        SCOTLAND_ONLY,
        "None under this requirement: Scottish landlord registration (Antisocial Behaviour etc. (Scotland) Act 2004, Part 8); Wales has its own Rent Smart Wales scheme, not yet tracked",
    ),
    row(
        R::LandlordRegistration,
        SC,
        A::Always,
        Timing::Interval { months: 36 },
        "Be entered in the local council's register of landlords, renewed every 3 years.",
        "Antisocial Behaviour etc. (Scotland) Act 2004, Part 8, ss.82 to 84 (registration with the local authority, lasting 3 years) and s.93 (letting while unregistered is an offence)",
    ),
];
