//! Uploading evidence: the file streams to storage while it is hashed and measured; its type is
//! judged by its first bytes; only a whole, accepted file is recorded, with the property's
//! re-evaluation, in one transaction. A refused or broken upload leaves nothing behind.

use domain::{
    AuditAction, ClientId, DisplayName, Document, DocumentId, DocumentStatus, FileType, FileTypeError, NewAuditEntry,
    PropertyId, SNIFF_BYTES, StatedFacts, StoredFile, UserId,
};
use futures_util::{Stream, StreamExt};
use ports::{DocumentUpload, StorageError, StorageKey, StoreError, WriteEvidenceError};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::DocumentServices;
use super::evaluation::{evaluate_property, reevaluate};
use crate::RequestContext;
use crate::limits::{self, Limit, WhenFull};

/// How much may be uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// The largest file accepted.
    pub max_bytes: u64,
    /// What all of one client's documents may take together.
    pub quota_bytes: u64,
    /// Uploads one user may make in an hour.
    pub per_user_per_hour: u32,
}

/// What comes with the file.
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub client_id: ClientId,
    pub property_id: PropertyId,
    pub display_name: DisplayName,
    pub stated: StatedFacts,
    pub uploaded_by: Option<UserId>,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// No such property, or not this client's: one answer for both.
    #[error("no such property")]
    UnknownProperty,
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    /// The client's documents would take more than its quota.
    #[error("this client's documents take {used} bytes of the {allowed} allowed")]
    QuotaExceeded { used: u64, allowed: u64 },
    /// The uploader made too many uploads this hour.
    #[error("too many uploads; retry in {} s", retry_after.as_secs())]
    RateLimited { retry_after: std::time::Duration },
    #[error("{0}")]
    Refused(FileTypeError),
    /// The client stopped sending, or sent something unreadable.
    #[error("the upload was cut short: {0}")]
    Interrupted(String),
    /// The property's evidence kept changing under this upload; nothing was recorded.
    #[error("the property's documents are changing too fast; try again")]
    Contended,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Takes one file. `chunks` is the body as it arrives; it is never held whole. The property is
/// re-evaluated as of today in the UK, by the services' clock.
///
/// # Errors
/// [`UploadError`] saying why nothing was recorded.
#[tracing::instrument(skip_all, fields(client_id = %upload.client_id, property_id = %upload.property_id))]
pub async fn upload_document<S, E>(
    s: DocumentServices<'_>,
    upload: NewUpload,
    chunks: S,
    ctx: &RequestContext,
) -> Result<Document, UploadError>
where
    S: Stream<Item = Result<Vec<u8>, E>> + Unpin,
    E: std::fmt::Display,
{
    if let Some(user) = upload.uploaded_by {
        let limit = Limit {
            name: "uploads per user",
            attempts: s.limits.per_user_per_hour,
            window: std::time::Duration::from_secs(3600),
            // The quota still holds when the limiter cannot count.
            when_full: WhenFull::Allow,
        };
        limits::count(s.limiter, &format!("upload:user:{user}"), limit)
            .await
            .map_err(|retry_after| UploadError::RateLimited { retry_after })?;
    }
    let properties = s.store.list_properties(upload.client_id).await?;
    let property = properties
        .iter()
        .find(|p| p.id == upload.property_id)
        .ok_or(UploadError::UnknownProperty)?;
    // Everything that can fail on the way, read before the file is stored, so that after it is
    // stored only the record itself can fail (and then the file is removed).
    let mut evidence = s.store.property_evidence(upload.property_id).await?;
    let quota = s.limits.quota_bytes;
    let used = s.store.storage_used(upload.client_id).await?;
    let room = quota.saturating_sub(used);
    if room == 0 {
        return Err(UploadError::QuotaExceeded { used, allowed: quota });
    }
    let id = DocumentId::from_uuid(Uuid::now_v7());
    let key = StorageKey::parse(&format!("documents/{}/{}", upload.client_id, id))?;
    let mut writer = s.files.create(&key).await?;
    let received = match receive(s.limits.max_bytes.min(room), &mut *writer, chunks).await {
        // Past the room left, not past the file limit: the quota is what refused it.
        Err(UploadError::TooLarge { .. }) if room < s.limits.max_bytes => {
            writer.abort().await.ok();
            return Err(UploadError::QuotaExceeded { used, allowed: quota });
        }
        Ok(received) => received,
        Err(error) => {
            writer.abort().await.ok();
            return Err(error);
        }
    };
    writer.finish().await?;

    let (now, today) = (s.clock.now(), s.clock.today());
    let document = Document {
        id,
        client_id: upload.client_id,
        property_id: upload.property_id,
        status: DocumentStatus::Pending,
        file: StoredFile {
            key: key.as_str().to_owned(),
            file_type: received.file_type,
            size_bytes: received.size,
            sha256: received.sha256,
            display_name: upload.display_name,
        },
        stated: upload.stated,
        confirmed: None,
        rejection_reason: None,
        uploaded_by: upload.uploaded_by,
        reviewed_by: None,
        reviewed_at: None,
        created_at: now,
    };
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), now, AuditAction::DocumentUploaded, ctx.actor.clone());
    entry.client_id = Some(upload.client_id);
    entry.resource_type = Some("document".into());
    entry.resource_id = Some(id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.after = Some(json!({
        "property_id": upload.property_id, "status": DocumentStatus::Pending, "file_type": received.file_type,
        "size_bytes": received.size, "sha256": hex::encode(received.sha256), "stated": upload.stated,
    }));
    // The status changes are computed from a snapshot of the property's evidence and written only
    // if it is still current; a concurrent change means computing them again.
    for attempt in 1..=MAX_ATTEMPTS {
        let before = evaluate_property(property, &evidence.documents, today);
        let mut with_new = evidence.documents.clone();
        with_new.push(document.clone());
        let after = evaluate_property(property, &with_new, today);
        let changes = reevaluate(property, &evidence.snapshots, Some(&before), &after, (today, now), ctx);
        let write = changes.written_with(evidence.version, entry.clone());
        let failure = match s.store.create_document(&document, &write, quota).await {
            Ok(()) => return Ok(document),
            Err(WriteEvidenceError::QuotaExceeded { used }) => UploadError::QuotaExceeded { used, allowed: quota },
            Err(WriteEvidenceError::Conflict) if attempt < MAX_ATTEMPTS => {
                match s.store.property_evidence(upload.property_id).await {
                    Ok(fresh) => {
                        evidence = fresh;
                        continue;
                    }
                    Err(error) => UploadError::Store(error),
                }
            }
            Err(WriteEvidenceError::Conflict) => UploadError::Contended,
            Err(WriteEvidenceError::Store(error)) => UploadError::Store(error),
        };
        s.files.delete(&key).await.ok();
        return Err(failure);
    }
    s.files.delete(&key).await.ok();
    Err(UploadError::Contended)
}

/// Tries at writing a change against a snapshot before giving up. Each round at least one of the
/// racing changes lands, so up to this many changes at once to one property all finish.
pub(crate) const MAX_ATTEMPTS: u32 = 20;

struct Received {
    file_type: FileType,
    size: u64,
    sha256: [u8; 32],
}

/// Streams the chunks into `writer`, judging the type from the first bytes and refusing the
/// upload as soon as it passes `max_bytes`.
async fn receive<S, E>(max_bytes: u64, writer: &mut dyn DocumentUpload, mut chunks: S) -> Result<Received, UploadError>
where
    S: Stream<Item = Result<Vec<u8>, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut file_type = None;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| UploadError::Interrupted(e.to_string()))?;
        size += chunk.len() as u64;
        if size > max_bytes {
            return Err(UploadError::TooLarge { max_bytes });
        }
        if file_type.is_none() {
            let wanted = SNIFF_BYTES - head.len();
            head.extend_from_slice(&chunk[..chunk.len().min(wanted)]);
            if head.len() == SNIFF_BYTES {
                file_type = Some(FileType::sniff(&head).map_err(UploadError::Refused)?);
            }
        }
        hasher.update(&chunk);
        writer.write(&chunk).await?;
    }
    let file_type = match file_type {
        Some(found) => found,
        None => FileType::sniff(&head).map_err(UploadError::Refused)?,
    };
    Ok(Received {
        file_type,
        size,
        sha256: hasher.finalize().into(),
    })
}
