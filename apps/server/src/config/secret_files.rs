//! Secrets from files: each secret setting `NAME` may instead be given as `NAME_FILE`, the path of
//! a file holding it (Docker and Kubernetes secrets mount them so). One trailing line break is
//! dropped; the file is read once, at start, and at most [`MAX_SECRET_FILE_BYTES`] of it.

use std::collections::HashMap;
use std::io::Read;

use super::{ConfigError, invalid};

/// The settings that may come from a file.
pub const SECRET_SETTINGS: [(&str, &str); 13] = [
    ("DATABASE_URL", "DATABASE_URL_FILE"),
    ("JWT_SECRET", "JWT_SECRET_FILE"),
    ("TOTP_ENCRYPTION_KEY", "TOTP_ENCRYPTION_KEY_FILE"),
    ("PACK_SIGNING_KEY", "PACK_SIGNING_KEY_FILE"),
    ("METRICS_TOKEN", "METRICS_TOKEN_FILE"),
    ("REDIS_URL", "REDIS_URL_FILE"),
    ("STRIPE_API_KEY", "STRIPE_API_KEY_FILE"),
    ("STRIPE_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET_FILE"),
    ("POSTMARK_SERVER_TOKEN", "POSTMARK_SERVER_TOKEN_FILE"),
    ("POSTMARK_WEBHOOK_PASSWORD", "POSTMARK_WEBHOOK_PASSWORD_FILE"),
    ("SMTP_URL", "SMTP_URL_FILE"),
    ("S3_ACCESS_KEY_ID", "S3_ACCESS_KEY_ID_FILE"),
    ("S3_SECRET_ACCESS_KEY", "S3_SECRET_ACCESS_KEY_FILE"),
];

/// A secret is a line, a URL or a key, never a document: a larger file is a wrong path.
pub const MAX_SECRET_FILE_BYTES: u64 = 64 * 1024;

/// Reads every `NAME_FILE` that is set into `NAME`'s value. Setting both is refused, so a
/// forgotten variable never silently wins over the mounted secret.
///
/// # Errors
/// [`ConfigError`] naming the `_FILE` setting whose file is missing, unreadable, too large, not
/// UTF-8 or empty, or the pair that is set twice.
pub fn read(var: &impl Fn(&str) -> Option<String>) -> Result<HashMap<&'static str, String>, ConfigError> {
    let mut secrets = HashMap::new();
    for (name, file_name) in SECRET_SETTINGS {
        let Some(path) = var(file_name) else { continue };
        if var(name).is_some() {
            return Err(invalid(file_name, format!("set {name} or {file_name}, not both")));
        }
        secrets.insert(name, read_one(file_name, path.trim())?);
    }
    Ok(secrets)
}

fn read_one(file_name: &'static str, path: &str) -> Result<String, ConfigError> {
    let unreadable = |e: std::io::Error| invalid(file_name, format!("cannot read `{path}`: {e}"));
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_SECRET_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_SECRET_FILE_BYTES {
        return Err(invalid(
            file_name,
            format!("`{path}` is larger than {MAX_SECRET_FILE_BYTES} bytes"),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|_| invalid(file_name, format!("`{path}` is not UTF-8 text")))?;
    let secret = text
        .strip_suffix('\n')
        .map_or(text.as_str(), |t| t.strip_suffix('\r').unwrap_or(t));
    if secret.trim().is_empty() {
        return Err(invalid(file_name, format!("`{path}` is empty")));
    }
    Ok(secret.to_owned())
}
