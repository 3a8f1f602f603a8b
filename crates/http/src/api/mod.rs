//! The JSON API: routes, middleware and the OpenAPI document built from the handlers.

pub mod auth;
pub mod console;
pub mod documents;
pub mod health;
pub mod intake;
pub mod messages;
pub mod pack;
pub mod payments;
pub mod problem;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, from_fn};
use actix_web::{App, HttpResponse, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Compliance Vault API",
        description = "Keeps UK rental properties legally compliant and proves it. Errors are \
                       application/problem+json; every response carries X-Request-Id.",
    ),
    components(schemas(problem::Problem, problem::FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "onboarding", description = "Intake, payment and provisioning"),
        (name = "access", description = "Signing in and out, passwords, the current user"),
        (name = "documents", description = "A client's evidence and portfolio status"),
        (name = "admin", description = "Operators' actions; every one audited"),
        (name = "webhooks", description = "Reports from outside services, authenticated by them"),
        (name = "operations", description = "Health and the API description"),
    )
)]
struct ApiDoc;

/// The `bearer` security scheme the signed-in routes name.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The OpenAPI document of every route in [`routes`].
pub fn openapi() -> utoipa::openapi::OpenApi {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts()
        .1
}

fn routes(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(intake::submit)
        .service(intake::status)
        .service(intake::checkout)
        .service(health::health)
        .service(auth::login)
        .service(auth::logout)
        .service(auth::set_password)
        .service(auth::me)
        .service(auth::disable_user)
        .service(auth::enable_user)
        .service(auth::recovery::forgot_password)
        .service(auth::recovery::resend_password_setup)
        .service(messages::list_messages)
        .service(messages::email_client)
        .service(messages::postmark_webhook)
        .service(payments::stripe_webhook)
        .service(payments::provision)
        .service(documents::client_upload)
        .service(documents::client_list)
        .service(documents::client_download)
        .service(documents::dashboard)
        .service(documents::admin_upload)
        .service(documents::admin_list)
        .service(documents::admin_download)
        .service(documents::verify)
        .service(documents::reject)
        .service(documents::suggestions)
        .service(console::list_clients)
        .service(console::client_detail)
        .service(console::verification_queue)
        .service(console::list_users)
        .service(console::audit_log)
        .service(pack::client_pack)
        .service(pack::admin_pack)
        .service(pack::pack_key);
}

/// The served document: `GET /api/openapi.json`.
async fn openapi_json(doc: web::Data<serde_json::Value>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}

/// The whole application, with its middleware, for one worker.
pub fn app(
    state: AppState,
    openapi: web::Data<serde_json::Value>,
    cors_origins: Vec<String>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limit = intake::BODY_LIMIT;
    let json = web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |e, _| problem::json_error(e, limit).into());
    let query = web::QueryConfig::default().error_handler(|e, _| problem::ApiError::InvalidQuery(e.to_string()).into());
    let allowed = allowed_methods(&openapi);
    let (mut app, _) = App::new().into_utoipa_app().configure(routes).split_for_parts();
    // A known path asked with another method gets 405 and `Allow`, not the 404 of an unknown one.
    for (path, methods) in allowed {
        app = app.service(web::resource(path).default_service(method_not_allowed(methods)));
    }
    app.app_data(web::Data::new(state))
        .app_data(json)
        .app_data(query)
        .app_data(openapi)
        .service(
            web::resource("/api/openapi.json")
                .route(web::get().to(openapi_json))
                .default_service(method_not_allowed("GET".to_owned())),
        )
        .service(
            web::resource("/metrics")
                .route(web::get().to(crate::metrics::scrape))
                .default_service(method_not_allowed("GET".to_owned())),
        )
        .configure(crate::web::routes)
        .default_service(web::to(crate::web::not_found))
        .wrap(cors(&cors_origins))
        .wrap(ErrorHandlers::new().default_handler(problem::problem_for_plain_errors))
        .wrap(security_headers())
        .wrap(from_fn(crate::request_id::middleware))
        .wrap(from_fn(crate::metrics::middleware))
}

fn method_not_allowed(allow: String) -> actix_web::Route {
    web::to(move || {
        let allow = allow.clone();
        async move { Err::<HttpResponse, _>(problem::ApiError::MethodNotAllowed { allow }) }
    })
}

/// Each documented path with its methods (`GET, POST`), read from the OpenAPI document so the
/// list can never drift from the routes.
fn allowed_methods(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["paths"]
        .as_object()
        .map(|paths| {
            paths
                .iter()
                .map(|(path, item)| {
                    let methods = item
                        .as_object()
                        .map(|ops| ops.keys().map(|m| m.to_uppercase()).collect::<Vec<_>>());
                    (path.clone(), methods.unwrap_or_default().join(", "))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cache-Control", "no-store"))
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers(["content-type", "authorization", "x-request-id"])
        .expose_headers(["x-request-id", "retry-after"])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}
