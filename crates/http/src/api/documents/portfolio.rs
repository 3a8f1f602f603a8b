//! `GET /api/client/dashboard`: the portfolio as the compliance engine sees it today.

use actix_web::{HttpResponse, get, web};
use app::documents::Portfolio;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::problem::{ApiError, Problem};
use crate::session::PortfolioSession;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    /// The worst of the properties' statuses: RED, AMBER or GREEN.
    #[schema(example = "AMBER")]
    portfolio_status: &'static str,
    properties: Vec<PropertyStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PropertyStatus {
    property_id: Uuid,
    address_line_1: String,
    postcode: String,
    #[schema(example = "RED")]
    status: &'static str,
    requirements: Vec<RequirementStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementStatus {
    #[schema(example = "GAS_SAFETY")]
    requirement: &'static str,
    #[schema(example = "EXPIRING_SOON")]
    status: &'static str,
    #[schema(example = "AMBER")]
    rag: &'static str,
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
pub async fn dashboard(
    state: web::Data<AppState>,
    PortfolioSession { client, portfolio }: PortfolioSession,
) -> Result<HttpResponse, ApiError> {
    let portfolio = app::documents::portfolio(state.documents(), client.client.id, portfolio).await?;
    Ok(HttpResponse::Ok().json(Dashboard::from(portfolio)))
}

impl From<Portfolio> for Dashboard {
    fn from(portfolio: Portfolio) -> Self {
        Self {
            portfolio_status: portfolio.status.as_str(),
            properties: portfolio
                .properties
                .into_iter()
                .map(|p| PropertyStatus {
                    property_id: p.property.id.as_uuid(),
                    address_line_1: p.property.address_line_1.as_str().to_owned(),
                    postcode: p.property.postcode.as_str().to_owned(),
                    status: p.status.as_str(),
                    requirements: p
                        .requirements
                        .into_iter()
                        .map(|r| RequirementStatus {
                            requirement: r.requirement.as_str(),
                            status: r.status.as_str(),
                            rag: r.rag().as_str(),
                            due_date: r.due_date,
                            document_id: r.document_id.map(|d| d.as_uuid()),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
