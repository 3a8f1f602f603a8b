//! The portfolio roll-up: the worst property colour and counts, from property evaluations.
//! Adds up evaluations only; never evaluates anything itself.

use serde::{Deserialize, Serialize};

use crate::{PropertyEvaluation, Rag, Status};

/// How many properties are of each colour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RagCounts {
    pub green: u32,
    pub amber: u32,
    pub red: u32,
}

/// How many requirements, across all properties, have each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StatusCounts {
    pub compliant: u32,
    pub expiring_soon: u32,
    pub expired_in_tenancy: u32,
    pub pending_verification: u32,
    pub non_compliant: u32,
    pub overdue: u32,
    pub missing: u32,
    pub not_applicable: u32,
}

impl StatusCounts {
    /// The count for one status.
    pub const fn get(&self, status: Status) -> u32 {
        match status {
            Status::NotApplicable => self.not_applicable,
            Status::Compliant => self.compliant,
            Status::ExpiringSoon => self.expiring_soon,
            Status::ExpiredInTenancy => self.expired_in_tenancy,
            Status::PendingVerification => self.pending_verification,
            Status::NonCompliant => self.non_compliant,
            Status::Overdue => self.overdue,
            Status::Missing => self.missing,
        }
    }

    fn bump(&mut self, status: Status) {
        let slot = match status {
            Status::NotApplicable => &mut self.not_applicable,
            Status::Compliant => &mut self.compliant,
            Status::ExpiringSoon => &mut self.expiring_soon,
            Status::ExpiredInTenancy => &mut self.expired_in_tenancy,
            Status::PendingVerification => &mut self.pending_verification,
            Status::NonCompliant => &mut self.non_compliant,
            Status::Overdue => &mut self.overdue,
            Status::Missing => &mut self.missing,
        };
        *slot = slot.saturating_add(1);
    }
}

/// A portfolio's status: RED if any property is RED, else AMBER if any is AMBER, else GREEN
/// (an empty portfolio is GREEN), with counts of properties by colour and requirements by
/// status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PortfolioSummary {
    pub status: Rag,
    pub properties: RagCounts,
    pub requirements: StatusCounts,
}

impl Default for PortfolioSummary {
    fn default() -> Self {
        Self {
            status: Rag::Green,
            properties: RagCounts::default(),
            requirements: StatusCounts::default(),
        }
    }
}

impl PortfolioSummary {
    /// Adds one property's evaluation.
    pub fn add(&mut self, property: &PropertyEvaluation) {
        self.status = self.status.max(property.status);
        let count = match property.status {
            Rag::Red => &mut self.properties.red,
            Rag::Amber => &mut self.properties.amber,
            Rag::Green | Rag::Grey => &mut self.properties.green,
        };
        *count = count.saturating_add(1);
        for requirement in &property.requirements {
            self.requirements.bump(requirement.status);
        }
    }

    /// The roll-up of several property evaluations.
    pub fn from_evaluations<'a>(properties: impl IntoIterator<Item = &'a PropertyEvaluation>) -> Self {
        let mut summary = Self::default();
        for property in properties {
            summary.add(property);
        }
        summary
    }
}
