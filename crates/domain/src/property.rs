//! Properties and the facts about them that decide which legal requirements apply.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::macros::string_enum;
use crate::{BoundedText, ClientId, PropertyId, UkPostcode};

string_enum! {
    /// The UK nation a property is in: the rules differ between them. England when unsaid.
    #[derive(Default)]
    pub enum Nation {
        #[default]
        England => "ENGLAND",
        Wales => "WALES",
        Scotland => "SCOTLAND",
    }
}

/// A property as submitted, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProperty {
    pub address_line_1: BoundedText,
    pub address_line_2: Option<BoundedText>,
    pub city: BoundedText,
    pub postcode: UkPostcode,
    pub nation: Nation,
    pub has_gas_supply: bool,
    pub is_hmo: bool,
    pub has_communal_areas: bool,
    pub tenancy_start_date: Option<NaiveDate>,
}

/// A stored property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    pub id: PropertyId,
    pub client_id: ClientId,
    #[serde(flatten)]
    pub details: NewProperty,
    pub created_at: DateTime<Utc>,
}
