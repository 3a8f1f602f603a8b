//! `GET /api/client/dashboard`: the portfolio as the compliance engine sees it today.

use actix_web::{HttpResponse, get, web};
use app::documents::evaluate_property;
use chrono::NaiveDate;
use compliance::{Rag, Status};
use domain::{DocumentStatus, RequirementType};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::clock::london_date;
use crate::http::auth::session::ClientSession;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    /// The worst of the properties' statuses: RED, AMBER or GREEN.
    #[schema(example = "AMBER")]
    portfolio_status: String,
    properties: Vec<PropertyStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PropertyStatus {
    property_id: Uuid,
    address_line_1: String,
    postcode: String,
    #[schema(example = "RED")]
    status: String,
    requirements: Vec<RequirementStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementStatus {
    #[schema(example = "GAS_SAFETY")]
    requirement: String,
    #[schema(example = "EXPIRING_SOON")]
    status: String,
    #[schema(example = "AMBER")]
    rag: String,
    due_date: Option<NaiveDate>,
    /// The newest document offered for this requirement (verified or pending), if any.
    document_id: Option<Uuid>,
}

/// Each of your properties with its status, and each requirement that applies with its status,
/// colour, due date and evidence, as of today in the UK.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The portfolio", body = Dashboard),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a provisioned client", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/client/dashboard")]
pub async fn dashboard(state: web::Data<AppState>, session: ClientSession) -> Result<HttpResponse, ApiError> {
    let client_id = session.client.id;
    let today = london_date(state.clock.now());
    let properties = state.store.list_properties(client_id).await?;
    let documents = state.store.list_documents(client_id).await?;
    let mut worst = Rag::Green;
    let mut views = Vec::with_capacity(properties.len());
    for property in &properties {
        let evaluation = evaluate_property(property, &documents, today);
        worst = worst.max(evaluation.status);
        let evidence = |kind: RequirementType| {
            documents
                .iter()
                .filter(|d| d.property_id == property.id && d.status != DocumentStatus::Rejected)
                .filter(|d| d.confirmed.map_or(d.stated.requirement, |c| Some(c.requirement)) == Some(kind))
                .max_by_key(|d| d.created_at)
                .map(|d| d.id.as_uuid())
        };
        views.push(PropertyStatus {
            property_id: property.id.as_uuid(),
            address_line_1: property.details.address_line_1.as_str().to_owned(),
            postcode: property.details.postcode.to_string(),
            status: evaluation.status.as_str().to_owned(),
            requirements: evaluation
                .requirements
                .iter()
                .filter(|r| r.status != Status::NotApplicable)
                .map(|r| RequirementStatus {
                    requirement: r.requirement.as_str().to_owned(),
                    status: r.status.as_str().to_owned(),
                    rag: r.rag().as_str().to_owned(),
                    due_date: r.due_date,
                    document_id: evidence(r.requirement),
                })
                .collect(),
        });
    }
    Ok(HttpResponse::Ok().json(Dashboard {
        portfolio_status: worst.as_str().to_owned(),
        properties: views,
    }))
}
