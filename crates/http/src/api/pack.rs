//! The compliance pack over HTTP: the client's own, an operator's for any client, and the public
//! key that checks a pack's signature. The ZIP streams from a task through a small channel, so
//! a slow reader holds back the writer instead of filling memory.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, web};
use app::pack::{GeneratedPack, PackBody, PackFormat, PackRequestError};
use chrono::NaiveDate;
use domain::ClientId;
use ports::{ArchiveSink, PackError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::actor_context;
use crate::api::console::Params;
use crate::api::problem::{ApiError, Problem};
use crate::session::{AdminSession, ClientSession};
use crate::state::AppState;

/// Chunks in flight between the ZIP's writer and the connection.
const CHANNEL_CHUNKS: usize = 4;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PackQuery {
    /// pdf (the default), json or zip.
    format: Option<String>,
    /// The day the pack describes (YYYY-MM-DD, not after today); today in the UK by default.
    as_of: Option<String>,
}

fn parse(query: &PackQuery) -> Result<(PackFormat, Option<NaiveDate>), ApiError> {
    let mut p = Params::default();
    let format = p.choice::<PackFormat>("format", query.format.as_deref());
    let as_of = query.as_of.as_deref().and_then(|raw| {
        raw.trim()
            .parse::<NaiveDate>()
            .map_err(|_| p.error("as_of", "invalid_date", "a date written YYYY-MM-DD"))
            .ok()
    });
    p.finish()?;
    Ok((format.unwrap_or(PackFormat::Pdf), as_of))
}

impl From<PackRequestError> for ApiError {
    fn from(error: PackRequestError) -> Self {
        match error {
            PackRequestError::UnknownClient => Self::NotFound("no client has this id"),
            e @ PackRequestError::PlanUpgradeRequired { .. } => Self::PlanUpgradeRequired(e.to_string()),
            e @ PackRequestError::FutureDate { .. } => Self::Validation(vec![crate::api::problem::FieldError {
                field: "as_of".into(),
                code: "in_the_future",
                message: e.to_string(),
            }]),
            PackRequestError::Store(e) => e.into(),
            PackRequestError::Storage(e) => Self::Unavailable(e.into()),
            PackRequestError::Pack(e) => Self::Unexpected(e.into()),
        }
    }
}

/// Feeds the response body.
struct ChannelSink(tokio::sync::mpsc::Sender<Result<web::Bytes, std::io::Error>>);

#[async_trait::async_trait]
impl ArchiveSink for ChannelSink {
    async fn write(&mut self, chunk: Vec<u8>) -> Result<(), PackError> {
        self.0.send(Ok(chunk.into())).await.map_err(|_| PackError::Closed)
    }
}

fn respond(state: &web::Data<AppState>, pack: GeneratedPack) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(pack.content_type)))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", pack.file_name),
        ))
        .insert_header(("X-Pack-Id", pack.pack_id.to_string()));
    match pack.body {
        PackBody::Bytes(bytes) => response.body(bytes),
        PackBody::Zip(files) => {
            let (tx, rx) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
            let state = state.clone();
            actix_web::rt::spawn(async move {
                let mut sink = ChannelSink(tx.clone());
                let written = app::pack::write_zip(&*state.pack_archiver, &*state.documents, files, &mut sink).await;
                match written {
                    Ok(()) | Err(PackError::Closed) => {}
                    Err(error) => {
                        tracing::error!(error = ?error, "the pack's ZIP stopped part-way");
                        // The reader sees the download fail rather than end short.
                        tx.send(Err(std::io::Error::other(error.to_string()))).await.ok();
                    }
                }
            });
            let body = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
            response.streaming(body)
        }
    }
}

/// Your compliance pack (PLAN_6_15): the portfolio on a day with its evidence, as a PDF, JSON,
/// or a signed ZIP of both with every verified document.
#[utoipa::path(
    tag = "pack",
    security(("bearer" = [])),
    params(PackQuery),
    responses(
        (status = 200, description = "The pack (application/pdf, application/json or application/zip)"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a provisioned client, or `plan_upgrade_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid parameter, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/client/compliance-pack")]
pub async fn client_pack(
    state: web::Data<AppState>,
    session: ClientSession,
    req: HttpRequest,
    query: web::Query<PackQuery>,
) -> Result<HttpResponse, ApiError> {
    let (format, as_of) = parse(&query)?;
    let ctx = actor_context(&state, &req, &session.session);
    let pack = app::pack::generate_pack(state.pack(), session.client.id, format, as_of, &ctx).await?;
    Ok(respond(&state, pack))
}

/// A client's compliance pack, for an operator.
#[utoipa::path(
    tag = "pack",
    security(("bearer" = [])),
    params(("client_id" = uuid::Uuid, Path), PackQuery),
    responses(
        (status = 200, description = "The pack (application/pdf, application/json or application/zip)"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or `plan_upgrade_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid parameter, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/admin/clients/{client_id}/compliance-pack")]
pub async fn admin_pack(
    state: web::Data<AppState>,
    admin: AdminSession,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PackQuery>,
) -> Result<HttpResponse, ApiError> {
    let client_id: ClientId = path.parse().map_err(|_| ApiError::NotFound("no client has this id"))?;
    let (format, as_of) = parse(&query)?;
    let ctx = actor_context(&state, &req, &admin.0);
    let pack = app::pack::generate_pack(state.pack(), client_id, format, as_of, &ctx).await?;
    Ok(respond(&state, pack))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PackKey {
    #[schema(example = "Ed25519")]
    algorithm: &'static str,
    /// The public key, base64 of its 32 bytes: `compliance-vault pack verify FILE.zip --key KEY`.
    public_key: String,
}

/// The key that checks every pack's `manifest.sig`.
#[utoipa::path(tag = "pack", responses((status = 200, description = "The public key", body = PackKey)))]
#[get("/api/pack-key")]
pub async fn pack_key(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(PackKey {
        algorithm: "Ed25519",
        public_key: app::pack::public_key(state.pack()),
    })
}
