//! Typed calls for the routes the tests use most, so a test reads as the story it tells: a
//! signed-in client uploads, an operator verifies, the dashboard follows. Each returns the raw
//! response where the status is the point, or the JSON where the body is.

use domain::ClientId;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A paid, provisioned client signed in: its session token and client id.
pub async fn signed_in_client(app: &TestApp, email: &str) -> (String, ClientId) {
    let user = crate::payments::provisioned_client(app, email).await;
    (app.token(email).await, user.client_id.unwrap())
}

/// The id of the client's (first) property.
pub async fn first_property(app: &TestApp, client_id: ClientId) -> String {
    app.store
        .list_properties(client_id)
        .await
        .unwrap()
        .remove(0)
        .id
        .to_string()
}

/// The form of an EPC issued on 10 January 2026, rated C, for `property`.
pub fn epc_fields(property: &str) -> [(&'static str, &str); 4] {
    [
        ("property_id", property),
        ("requirement", "EPC"),
        ("issue_date", "2026-01-10"),
        ("epc_rating", "C"),
    ]
}

/// A multipart body: the text fields in order, then the file.
pub fn multipart(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "cv-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The file name every upload is sent under: a path part to drop and a character to encode.
pub const UPLOADED_NAME: &str = "../évidence final.pdf";

impl TestApp {
    /// A valid intake for `email` (one of the plans' properties), asserting it was taken: the
    /// new client's id.
    pub async fn intake(&self, email: &str) -> ClientId {
        let response = self.submit_intake(&crate::helpers::valid_intake(email)).await;
        assert_eq!(response.status(), 201, "intake refused");
        let body: Value = response.json().await.unwrap();
        body["client_id"].as_str().unwrap().parse().unwrap()
    }

    /// `GET path` with a session.
    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        let url = format!("{}{path}", self.address);
        self.http.get(url).bearer_auth(token).send().await.unwrap()
    }

    /// `POST path` with a session and a JSON body.
    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        let url = format!("{}{path}", self.address);
        self.http.post(url).bearer_auth(token).json(body).send().await.unwrap()
    }

    /// A client uploads `file` with the form `fields` (`POST /api/client/documents`).
    pub async fn upload(&self, token: &str, fields: &[(&str, &str)], file: &[u8]) -> reqwest::Response {
        let (content_type, body) = multipart(fields, UPLOADED_NAME, file);
        self.http
            .post(format!("{}/api/client/documents", self.address))
            .bearer_auth(token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Uploads and returns the new document's id, asserting it was created.
    pub async fn uploaded(&self, token: &str, fields: &[(&str, &str)], file: &[u8]) -> String {
        let created = self.upload(token, fields, file).await;
        assert_eq!(created.status(), 201, "upload refused");
        created.json::<Value>().await.unwrap()["document_id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The client's documents (`GET /api/client/documents`).
    pub async fn documents(&self, token: &str) -> Value {
        self.get_as(token, "/api/client/documents").await.json().await.unwrap()
    }

    pub async fn download(&self, token: &str, document_id: &str) -> reqwest::Response {
        self.get_as(token, &format!("/api/client/documents/{document_id}/download"))
            .await
    }

    /// An operator verifies a document with the facts read from it.
    pub async fn verify(&self, token: &str, document_id: &str, facts: &Value) -> reqwest::Response {
        self.post_as(token, &format!("/api/admin/documents/{document_id}/verify"), facts)
            .await
    }

    pub async fn reject(&self, token: &str, document_id: &str, reason: &str) -> reqwest::Response {
        let path = format!("/api/admin/documents/{document_id}/reject");
        self.post_as(token, &path, &json!({ "reason": reason })).await
    }

    pub async fn suggestions(&self, token: &str, document_id: &str) -> reqwest::Response {
        self.get_as(token, &format!("/api/admin/documents/{document_id}/suggestions"))
            .await
    }

    /// The client's dashboard (`GET /api/client/dashboard`).
    pub async fn dashboard(&self, token: &str) -> Value {
        let response = self.get_as(token, "/api/client/dashboard").await;
        assert_eq!(response.status(), 200, "dashboard refused");
        response.json().await.unwrap()
    }
}

/// The dashboard's row for `requirement` on the first property.
pub fn requirement(dashboard: &Value, requirement: &str) -> Value {
    dashboard["properties"][0]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["requirement"] == requirement)
        .cloned()
        .unwrap_or_else(|| panic!("no {requirement} on the dashboard: {dashboard}"))
}
