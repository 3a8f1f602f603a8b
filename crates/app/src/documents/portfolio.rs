//! A client's portfolio as the compliance engine sees it today: each property's status and each
//! requirement that applies, with its colour, due date and newest evidence.

use chrono::NaiveDate;
use compliance::{Rag, Status};
use domain::{ClientId, Document, DocumentId, DocumentStatus, Property, RequirementType};
use ports::StoreError;

use super::DocumentServices;
use super::evaluation::evaluate_property;

#[derive(Debug, Clone)]
pub struct Portfolio {
    /// The worst of the properties' statuses.
    pub status: Rag,
    pub properties: Vec<PropertyPortfolio>,
}

#[derive(Debug, Clone)]
pub struct PropertyPortfolio {
    pub property: Property,
    pub status: Rag,
    /// Every requirement that applies (not-applicable ones are left out).
    pub requirements: Vec<RequirementView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementView {
    pub requirement: RequirementType,
    pub status: Status,
    pub rag: Rag,
    pub due_date: Option<NaiveDate>,
    /// The newest document offered for this requirement (verified or pending), if any.
    pub document_id: Option<DocumentId>,
}

/// The client's portfolio as of today in the UK, by the services' clock.
///
/// # Errors
/// [`StoreError`] when the store fails.
#[tracing::instrument(skip_all, fields(client_id = %client))]
pub async fn portfolio(s: DocumentServices<'_>, client: ClientId) -> Result<Portfolio, StoreError> {
    let today = s.clock.today();
    let properties = s.store.list_properties(client).await?;
    let documents = s.store.list_documents(client).await?;
    Ok(portfolio_of(properties, &documents, today))
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
                rag: r.rag(),
                due_date: r.due_date,
                document_id: evidence(r.requirement),
            })
            .collect();
        views.push(PropertyPortfolio {
            status: evaluation.status,
            requirements,
            property,
        });
    }
    Portfolio {
        status: worst,
        properties: views,
    }
}
