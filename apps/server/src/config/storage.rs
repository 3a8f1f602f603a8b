//! Where evidence files are kept: a directory (the default, `<DATA_DIR>/documents`) or an
//! S3-compatible bucket (`DOCUMENT_STORE=s3://bucket/prefix`).

use std::path::PathBuf;

use secrecy::SecretString;

use super::{ConfigError, invalid};

#[derive(Debug, Clone)]
pub enum DocumentStorage {
    Local(PathBuf),
    S3 {
        bucket: String,
        prefix: String,
        /// For S3-compatible services (MinIO, Ceph, moto); AWS itself when unset.
        endpoint: Option<String>,
        region: String,
        access_key_id: String,
        secret_access_key: SecretString,
    },
}

impl DocumentStorage {
    pub(super) fn from_lookup(
        var: &impl Fn(&str) -> Option<String>,
        data_dir: &std::path::Path,
    ) -> Result<Self, ConfigError> {
        let Some(store) = var("DOCUMENT_STORE") else {
            return Ok(Self::Local(data_dir.join("documents")));
        };
        if let Some(path) = store.strip_prefix("file://") {
            return Ok(Self::Local(PathBuf::from(path)));
        }
        let Some(location) = store.strip_prefix("s3://") else {
            return Err(invalid("DOCUMENT_STORE", "must be file:///path or s3://bucket/prefix"));
        };
        let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
        if bucket.is_empty() {
            return Err(invalid("DOCUMENT_STORE", "names no bucket"));
        }
        let required =
            |name: &'static str| var(name).ok_or_else(|| invalid(name, "required with an s3:// DOCUMENT_STORE"));
        Ok(Self::S3 {
            bucket: bucket.to_owned(),
            prefix: prefix.trim_matches('/').to_owned(),
            endpoint: var("S3_ENDPOINT"),
            region: var("S3_REGION").unwrap_or_else(|| "eu-west-2".into()),
            access_key_id: required("S3_ACCESS_KEY_ID")?,
            secret_access_key: SecretString::from(required("S3_SECRET_ACCESS_KEY")?),
        })
    }
}
