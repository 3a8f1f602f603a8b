//! A client's portfolio as the compliance engine sees it today: each property's status and each
//! requirement that applies, with its colour, due date and newest evidence. Evaluated once a
//! day per client and stored; evaluated again as soon as its evidence moves.

use chrono::NaiveDate;
use compliance::{Rag, Status, engine_fingerprint};
use domain::{
    BoundedText, ClientId, Document, DocumentId, DocumentStatus, Property, PropertyId, RequirementType, UkPostcode,
};
use ports::{PortfolioRead, StoreError, StoredPortfolio};
use serde::{Deserialize, Serialize};

use super::DocumentServices;
use super::evaluation::evaluate_property;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portfolio {
    /// The worst of the properties' statuses.
    pub status: Rag,
    pub properties: Vec<PropertyPortfolio>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyPortfolio {
    pub property: PropertyLabel,
    pub status: Rag,
    /// Every requirement that applies (not-applicable ones are left out).
    pub requirements: Vec<RequirementView>,
}

/// What the views name a property by: the portfolio keeps no more of it, so a stored one stays
/// small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyLabel {
    pub id: PropertyId,
    pub address_line_1: BoundedText,
    pub postcode: UkPostcode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementView {
    pub requirement: RequirementType,
    pub status: Status,
    pub due_date: Option<NaiveDate>,
    /// The newest document offered for this requirement (verified or pending), if any.
    pub document_id: Option<DocumentId>,
}

impl RequirementView {
    /// The colour of its status.
    pub const fn rag(&self) -> Rag {
        self.status.rag()
    }
}

/// The client's portfolio as of today in the UK, by the services' clock, given `read`: its
/// stored portfolio and evidence version as read with the session
/// ([`crate::access::authenticate_with_portfolio`]). The stored one when it was evaluated today,
/// by this engine, from the client's evidence as it is now (no further read); otherwise
/// evaluated from the properties and documents and stored for the next request.
///
/// # Errors
/// [`StoreError`] when the store fails to read. Failing to store only logs a warning: the
/// portfolio is still right, and the next request evaluates it again.
#[tracing::instrument(skip_all, fields(client_id = %client))]
pub async fn portfolio(
    s: DocumentServices<'_>,
    client: ClientId,
    read: PortfolioRead,
) -> Result<Portfolio, StoreError> {
    let today = s.clock.today();
    if let Some(portfolio) = current(&read, today) {
        return Ok(portfolio);
    }
    // Read after the version: a write in between leaves the stored one behind, never hides.
    let properties = s.store.list_properties(client).await?;
    let documents = s.store.list_documents(client).await?;
    let portfolio = portfolio_of(properties, &documents, today);
    match serde_json::to_string(&portfolio) {
        Ok(json) => {
            let stored = StoredPortfolio {
                evidence_version: read.evidence_version,
                evaluated_on: today,
                engine: engine_fingerprint().to_owned(),
                portfolio: json,
            };
            if let Err(error) = s.store.store_portfolio(client, &stored).await {
                tracing::warn!(error = ?error, "could not store the evaluated portfolio");
            }
        }
        Err(error) => tracing::warn!(error = %error, "could not serialise the evaluated portfolio"),
    }
    Ok(portfolio)
}

/// The stored portfolio, if it may be used as of `today`.
fn current(read: &PortfolioRead, today: NaiveDate) -> Option<Portfolio> {
    let stored = read.stored.as_ref()?;
    let usable = stored.evidence_version == read.evidence_version
        && stored.evaluated_on == today
        && stored.engine == engine_fingerprint();
    // One that does not read back (written by another release) is evaluated again.
    usable.then(|| serde_json::from_str(&stored.portfolio).ok()).flatten()
}

/// The portfolio of `properties` with these documents (the client's), as of `today`.
pub fn portfolio_of(properties: Vec<Property>, documents: &[Document], today: NaiveDate) -> Portfolio {
    let mut worst = Rag::Green;
    let mut views = Vec::with_capacity(properties.len());
    for property in properties {
        let evaluation = evaluate_property(&property, documents, today);
        worst = worst.max(evaluation.status);
        let evidence = |kind: RequirementType| {
            documents
                .iter()
                .filter(|d| d.property_id == property.id && d.status != DocumentStatus::Rejected)
                .filter(|d| d.confirmed.map_or(d.stated.requirement, |c| Some(c.requirement)) == Some(kind))
                .max_by_key(|d| d.created_at)
                .map(|d| d.id)
        };
        let requirements = evaluation
            .requirements
            .iter()
            .filter(|r| r.status != Status::NotApplicable)
            .map(|r| RequirementView {
                requirement: r.requirement,
                status: r.status,
                due_date: r.due_date,
                document_id: evidence(r.requirement),
            })
            .collect();
        views.push(PropertyPortfolio {
            status: evaluation.status,
            requirements,
            property: PropertyLabel {
                id: property.id,
                address_line_1: property.details.address_line_1,
                postcode: property.details.postcode,
            },
        });
    }
    Portfolio {
        status: worst,
        properties: views,
    }
}
