//! The compliance pack: a client's portfolio as it stood on a day, with its evidence, as a PDF,
//! as JSON, or as a signed ZIP of both with the evidence files. What was on record on `as_of`
//! is what counts: a document uploaded later is left out, and one verified (or rejected) later
//! was still waiting for review then. Generating a pack is audited.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use domain::pack::{
    JSON_NAME, MANIFEST_NAME, NOTICE, PACK_FORMAT, PDF_NAME, PackAuditHead, PackClient, PackEvidence, PackProperty,
    PackRequirement, PackSummary, SIGNATURE_NAME, archive_name, manifest_text,
};
use domain::{
    AuditAction, BillingPlan, Client, ClientId, CompliancePack, Document, DocumentStatus, ManifestLine, NewAuditEntry,
    Property, UserId, uk_date,
};
use ports::{
    ArchiveFile, ArchiveSink, ArchiveSource, Clock, DocumentStore, PackArchiver, PackError, PackRenderer, PackSigner,
    StorageError, StorageKey, Store, StoreError,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::RequestContext;
use crate::documents::evaluate_property;

#[derive(Clone, Copy)]
pub struct PackServices<'a> {
    pub store: &'a dyn Store,
    pub files: &'a dyn DocumentStore,
    pub clock: &'a dyn Clock,
    pub renderer: &'a dyn PackRenderer,
    pub signer: &'a dyn PackSigner,
}

impl std::fmt::Debug for PackServices<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackServices").finish_non_exhaustive()
    }
}

/// The pack's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackFormat {
    Pdf,
    Json,
    Zip,
}

impl PackFormat {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Json => "json",
            Self::Zip => "zip",
        }
    }
}

impl std::str::FromStr for PackFormat {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pdf" => Ok(Self::Pdf),
            "json" => Ok(Self::Json),
            "zip" => Ok(Self::Zip),
            _ => Err("pdf, json or zip"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PackRequestError {
    #[error("no client has this id")]
    UnknownClient,
    #[error("the compliance pack comes with PLAN_6_15; this client is on {plan}")]
    PlanUpgradeRequired { plan: BillingPlan },
    #[error("as_of {as_of} is after today ({today})")]
    FutureDate { as_of: NaiveDate, today: NaiveDate },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Pack(#[from] PackError),
}

/// A generated pack, ready to send.
#[derive(Debug)]
pub struct GeneratedPack {
    pub pack_id: Uuid,
    /// A file name for the download, e.g. `compliance-pack-2026-12-01.zip`.
    pub file_name: String,
    pub content_type: &'static str,
    pub body: PackBody,
}

#[derive(Debug)]
pub enum PackBody {
    Bytes(Vec<u8>),
    /// The ZIP's files, to stream with [`write_zip`]; the manifest and its signature are among
    /// them, computed before the first byte leaves.
    Zip(Vec<ArchiveFile>),
}

/// The public key that checks packs' signatures, base64.
pub fn public_key(s: PackServices<'_>) -> String {
    s.signer.public_key()
}

/// Streams a ZIP pack into `sink`.
///
/// # Errors
/// [`PackError`] when a file cannot be read or is not what it was, or the sink closes.
pub async fn write_zip(
    archiver: &dyn PackArchiver,
    files: &dyn DocumentStore,
    bundle: Vec<ArchiveFile>,
    sink: &mut dyn ArchiveSink,
) -> Result<(), PackError> {
    archiver.archive(bundle, files, sink).await
}

/// Generates the client's pack in `format` as of `as_of` (today in the UK when `None`), audited
/// as COMPLIANCE_PACK_GENERATED with the format, the day and the hashes.
///
/// # Errors
/// [`PackRequestError`]: an unknown client, a plan without the pack, a day after today, or a
/// failure of the store, the files or the renderer.
#[tracing::instrument(skip_all, fields(client_id = %client_id, format = format.as_str()))]
pub async fn generate_pack(
    s: PackServices<'_>,
    client_id: ClientId,
    format: PackFormat,
    as_of: Option<NaiveDate>,
    ctx: &RequestContext,
) -> Result<GeneratedPack, PackRequestError> {
    let client = s
        .store
        .get_client(client_id)
        .await?
        .ok_or(PackRequestError::UnknownClient)?;
    let plan = client.details.billing_plan;
    if !plan.includes_pack() {
        return Err(PackRequestError::PlanUpgradeRequired { plan });
    }
    let now = s.clock.now();
    let today = s.clock.today();
    let as_of = as_of.unwrap_or(today);
    if as_of > today {
        return Err(PackRequestError::FutureDate { as_of, today });
    }
    let properties = s.store.list_properties(client_id).await?;
    let documents = on_record(s.store.list_documents(client_id).await?, as_of);
    let verifiers = verifiers(s.store, &documents).await?;
    let audit_head = s.store.chain_head().await?.map(|h| PackAuditHead {
        seq: h.seq,
        hash: h.hash.to_hex(),
    });
    let pack = build(&client, &properties, &documents, &verifiers, as_of, now, audit_head);
    let json = serde_json::to_vec_pretty(&pack).map_err(|e| PackError::Render(e.to_string()))?;
    let json_sha256: [u8; 32] = Sha256::digest(&json).into();

    let mut metadata = json!({
        "format": format.as_str(),
        "as_of": as_of,
        "pack_id": pack.pack_id,
        "json_sha256": hex::encode(json_sha256),
    });
    let body = match format {
        PackFormat::Json => {
            metadata["sha256"] = json!(hex::encode(json_sha256));
            PackBody::Bytes(json)
        }
        PackFormat::Pdf => {
            let pdf = s.renderer.pdf(&pack, &json_sha256)?;
            metadata["sha256"] = json!(hex::encode(Sha256::digest(&pdf)));
            PackBody::Bytes(pdf)
        }
        PackFormat::Zip => {
            let pdf = s.renderer.pdf(&pack, &json_sha256)?;
            let (files, manifest_sha256) = bundle(s, &pack, &documents, pdf, json).await?;
            metadata["manifest_sha256"] = json!(hex::encode(manifest_sha256));
            PackBody::Zip(files)
        }
    };
    let mut entry = NewAuditEntry::new(
        Uuid::now_v7(),
        now,
        AuditAction::CompliancePackGenerated,
        ctx.actor.clone(),
    );
    entry.client_id = Some(client_id);
    entry.resource_type = Some("compliance_pack".into());
    entry.resource_id = Some(pack.pack_id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.metadata = Some(metadata);
    s.store.append(&entry).await?;
    let (extension, content_type) = match format {
        PackFormat::Pdf => ("pdf", "application/pdf"),
        PackFormat::Json => ("json", "application/json"),
        PackFormat::Zip => ("zip", "application/zip"),
    };
    Ok(GeneratedPack {
        pack_id: pack.pack_id,
        file_name: format!("compliance-pack-{as_of}.{extension}"),
        content_type,
        body,
    })
}

/// The documents as they stood at the end of `as_of` in the UK: later uploads left out, later
/// reviews undone.
fn on_record(documents: Vec<Document>, as_of: NaiveDate) -> Vec<Document> {
    documents
        .into_iter()
        .filter(|d| uk_date(d.created_at) <= as_of)
        .map(|mut d| {
            if d.reviewed_at.is_some_and(|at| uk_date(at) > as_of) {
                d.status = DocumentStatus::Pending;
                d.confirmed = None;
                d.rejection_reason = None;
                d.reviewed_by = None;
                d.reviewed_at = None;
            }
            d
        })
        .collect()
}

/// The email of each operator who verified one of `documents`.
async fn verifiers(store: &dyn Store, documents: &[Document]) -> Result<HashMap<UserId, String>, StoreError> {
    let mut emails = HashMap::new();
    for id in documents.iter().filter_map(|d| d.reviewed_by) {
        if let std::collections::hash_map::Entry::Vacant(slot) = emails.entry(id)
            && let Some(user) = store.get_user(id).await?
        {
            slot.insert(user.email.to_string());
        }
    }
    Ok(emails)
}

fn build(
    client: &Client,
    properties: &[Property],
    documents: &[Document],
    verifiers: &HashMap<UserId, String>,
    as_of: NaiveDate,
    now: DateTime<Utc>,
    audit_head: Option<PackAuditHead>,
) -> CompliancePack {
    let mut summary = PackSummary::default();
    let pack_properties: Vec<PackProperty> = properties
        .iter()
        .map(|property| describe(property, documents, verifiers, as_of))
        .collect();
    for property in &pack_properties {
        summary.portfolio_status = Some(
            summary
                .portfolio_status
                .map_or(property.status, |w| w.max(property.status)),
        );
        for r in &property.requirements {
            *summary.by_rag.entry(r.rag.as_str().to_owned()).or_default() += 1;
            *summary.by_status.entry(r.status.clone()).or_default() += 1;
            summary.evidence += u32::try_from(r.evidence.len()).unwrap_or(u32::MAX);
        }
        summary.requirements += u32::try_from(property.requirements.len()).unwrap_or(u32::MAX);
    }
    summary.properties = u32::try_from(pack_properties.len()).unwrap_or(u32::MAX);
    let details = &client.details;
    CompliancePack {
        format: PACK_FORMAT.to_owned(),
        pack_id: Uuid::now_v7(),
        generated_at: now,
        as_of,
        notice: NOTICE.to_owned(),
        client: PackClient {
            client_id: client.id,
            full_name: details.full_name.as_str().to_owned(),
            company_name: details.company_name.as_ref().map(|n| n.as_str().to_owned()),
            email: details.email.to_string(),
            billing_plan: details.billing_plan,
        },
        summary,
        properties: pack_properties,
        audit_head,
    }
}

/// One property as the pack (and the property's page) describes it: every applicable
/// requirement evaluated as of `as_of` with its reason, legal source and verified evidence.
fn describe(
    property: &Property,
    documents: &[Document],
    verifiers: &HashMap<UserId, String>,
    as_of: NaiveDate,
) -> PackProperty {
    let evaluation = evaluate_property(property, documents, as_of);
    let requirements = evaluation
        .applicable()
        .map(|r| PackRequirement {
            requirement: r.requirement.as_str().to_owned(),
            name: r.requirement.label().to_owned(),
            status: r.status.to_string(),
            rag: r.rag(),
            due_date: r.due_date,
            reason: r.reason_text(),
            legal_source: r.legal_source().to_owned(),
            evidence: evidence_for(property, r.requirement, documents, verifiers),
        })
        .collect();
    let d = &property.details;
    PackProperty {
        property_id: property.id,
        address_line_1: d.address_line_1.as_str().to_owned(),
        address_line_2: d.address_line_2.as_ref().map(|l| l.as_str().to_owned()),
        city: d.city.as_str().to_owned(),
        postcode: d.postcode.to_string(),
        nation: d.nation.to_string(),
        status: evaluation.status,
        requirements,
    }
}

/// One of the client's properties as of today, described as in the pack, with every document
/// offered for it (newest first, whatever their review); `None` when the client has no such
/// property.
///
/// # Errors
/// [`StoreError`] when the store fails.
#[tracing::instrument(skip_all, fields(client_id = %client_id, property_id = %property_id))]
pub async fn property_report(
    store: &dyn Store,
    clock: &dyn Clock,
    client_id: ClientId,
    property_id: domain::PropertyId,
) -> Result<Option<PropertyReport>, StoreError> {
    let properties = store.list_properties(client_id).await?;
    let Some(property) = properties.iter().find(|p| p.id == property_id) else {
        return Ok(None);
    };
    let documents = store.list_documents(client_id).await?;
    let verifiers = verifiers(store, &documents).await?;
    let described = describe(property, &documents, &verifiers, clock.today());
    Ok(Some(PropertyReport {
        property: described,
        documents: documents.into_iter().filter(|d| d.property_id == property_id).collect(),
    }))
}

/// A property's page.
#[derive(Debug, Clone)]
pub struct PropertyReport {
    pub property: PackProperty,
    pub documents: Vec<Document>,
}

/// The verified documents for one requirement of one property, newest issue first.
fn evidence_for(
    property: &Property,
    requirement: domain::RequirementType,
    documents: &[Document],
    verifiers: &HashMap<UserId, String>,
) -> Vec<PackEvidence> {
    let mut evidence: Vec<PackEvidence> = documents
        .iter()
        .filter(|d| d.property_id == property.id && d.status == DocumentStatus::Verified)
        .filter_map(|d| {
            let facts = d.confirmed.filter(|c| c.requirement == requirement)?;
            Some(PackEvidence {
                document_id: d.id,
                file_name: d.file.display_name.as_str().to_owned(),
                file_type: d.file.file_type,
                size_bytes: d.file.size_bytes,
                sha256: hex::encode(d.file.sha256),
                issue_date: facts.issue_date,
                expiry_date: facts.expiry_date,
                verified_by: d.reviewed_by.and_then(|id| verifiers.get(&id).cloned()),
                verified_at: d.reviewed_at,
                archive_name: archive_name(d.id, d.file.file_type),
            })
        })
        .collect();
    evidence.sort_by(|a, b| b.issue_date.cmp(&a.issue_date).then(b.verified_at.cmp(&a.verified_at)));
    evidence
}

/// The ZIP's files: the PDF, the JSON, each cited document, the manifest and its signature.
async fn bundle(
    s: PackServices<'_>,
    pack: &CompliancePack,
    documents: &[Document],
    pdf: Vec<u8>,
    json: Vec<u8>,
) -> Result<(Vec<ArchiveFile>, [u8; 32]), PackRequestError> {
    let by_id: BTreeMap<_, _> = documents.iter().map(|d| (d.id, d)).collect();
    let mut manifest = vec![
        ManifestLine {
            sha256: Sha256::digest(&pdf).into(),
            name: PDF_NAME.to_owned(),
        },
        ManifestLine {
            sha256: Sha256::digest(&json).into(),
            name: JSON_NAME.to_owned(),
        },
    ];
    let mut files = vec![
        ArchiveFile {
            name: PDF_NAME.to_owned(),
            source: ArchiveSource::Bytes(pdf),
            compress: true,
        },
        ArchiveFile {
            name: JSON_NAME.to_owned(),
            source: ArchiveSource::Bytes(json),
            compress: true,
        },
    ];
    let cited = pack
        .properties
        .iter()
        .flat_map(|p| &p.requirements)
        .flat_map(|r| &r.evidence);
    for evidence in cited {
        let Some(document) = by_id.get(&evidence.document_id) else {
            continue;
        };
        let key = StorageKey::parse(&document.file.key)?;
        manifest.push(ManifestLine {
            sha256: document.file.sha256,
            name: evidence.archive_name.clone(),
        });
        files.push(ArchiveFile {
            name: evidence.archive_name.clone(),
            source: ArchiveSource::Document {
                key,
                sha256: document.file.sha256,
            },
            compress: false,
        });
    }
    let manifest = manifest_text(&manifest).into_bytes();
    let manifest_sha256: [u8; 32] = Sha256::digest(&manifest).into();
    let signature = format!("{}\n", s.signer.sign(&manifest));
    files.push(ArchiveFile {
        name: MANIFEST_NAME.to_owned(),
        source: ArchiveSource::Bytes(manifest),
        compress: true,
    });
    files.push(ArchiveFile {
        name: SIGNATURE_NAME.to_owned(),
        source: ArchiveSource::Bytes(signature.into_bytes()),
        compress: false,
    });
    Ok((files, manifest_sha256))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::{ConfirmedFacts, DisplayName, DocumentId, FileType, RequirementType, StatedFacts, StoredFile};

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    /// A gas record uploaded at noon on the 2nd and verified at noon on the 4th (UK time).
    fn verified_on_the_fourth() -> Document {
        let (client, properties) = testkit::fixtures::stored_client("asof@example.com", 1, Utc::now());
        Document {
            id: DocumentId::from_uuid(Uuid::now_v7()),
            client_id: client.id,
            property_id: properties[0].id,
            status: DocumentStatus::Verified,
            file: StoredFile {
                key: "documents/x/y".into(),
                file_type: FileType::Pdf,
                size_bytes: 10,
                sha256: [1; 32],
                display_name: DisplayName::from_client("gas.pdf"),
            },
            stated: StatedFacts::default(),
            confirmed: Some(ConfirmedFacts {
                requirement: RequirementType::GasSafety,
                issue_date: day(1),
                expiry_date: None,
                epc_rating: None,
                exemption_expiry_date: None,
            }),
            rejection_reason: None,
            uploaded_by: None,
            reviewed_by: Some(UserId::from_uuid(Uuid::now_v7())),
            reviewed_at: Some(Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap()),
            created_at: Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap(),
        }
    }

    #[test]
    fn a_past_day_shows_what_was_on_record_then() {
        let document = verified_on_the_fourth();
        assert!(on_record(vec![document.clone()], day(1)).is_empty(), "not yet uploaded");
        let waiting = on_record(vec![document.clone()], day(3));
        assert_eq!(waiting[0].status, DocumentStatus::Pending, "verified only later");
        assert_eq!((waiting[0].confirmed, waiting[0].reviewed_by), (None, None));
        let verified = on_record(vec![document.clone()], day(4));
        assert_eq!(verified, vec![document]);
    }
}
