//! `pack verify`: a pack checked offline, as its recipient would. Every file the manifest names
//! must be in the ZIP with that SHA-256, and every file in the ZIP must be named (the manifest
//! and its signature aside); with the instance's public key the manifest's signature is checked
//! too. Files are hashed as they are read, so memory stays flat whatever the pack's size.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use domain::pack::{MANIFEST_NAME, SIGNATURE_NAME, parse_manifest};
use sha2::{Digest, Sha256};

use crate::signing::{SignatureCheck, verify_signature};

/// The longest manifest or signature read.
const MAX_MANIFEST: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Files checked against the manifest.
    pub files: usize,
    /// Whether the signature was checked (a key was given).
    pub signature_checked: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyFailure {
    #[error("cannot read the pack: {0}")]
    Unreadable(String),
    #[error("the pack has no {0}")]
    Missing(&'static str),
    #[error("{0}")]
    Manifest(String),
    #[error("{0}: listed in the manifest but not in the pack")]
    Absent(String),
    #[error("{0}: its SHA-256 does not match the manifest")]
    Changed(String),
    #[error("{0}: in the pack but not in the manifest")]
    Unlisted(String),
    #[error("manifest.sig: {0}")]
    Signature(SignatureCheck),
}

fn small_file(zip: &mut zip::ZipArchive<std::fs::File>, name: &'static str) -> Result<Vec<u8>, VerifyFailure> {
    let file = zip.by_name(name).map_err(|_| VerifyFailure::Missing(name))?;
    let mut bytes = Vec::new();
    file.take(MAX_MANIFEST)
        .read_to_end(&mut bytes)
        .map_err(|e| VerifyFailure::Unreadable(format!("{name}: {e}")))?;
    Ok(bytes)
}

fn sha256_of(mut reader: impl Read) -> std::io::Result<[u8; 32]> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match reader.read(&mut buffer)? {
            0 => return Ok(hasher.finalize().into()),
            n => hasher.update(&buffer[..n]),
        }
    }
}

/// Checks the pack at `path`; with `public_key` (base64, as `GET /api/pack-key` serves it) the
/// signature too.
///
/// # Errors
/// [`VerifyFailure`] naming the first file that fails.
pub fn verify_pack(path: &Path, public_key: Option<&str>) -> Result<Verified, VerifyFailure> {
    let file = std::fs::File::open(path).map_err(|e| VerifyFailure::Unreadable(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| VerifyFailure::Unreadable(e.to_string()))?;
    let manifest = small_file(&mut zip, MANIFEST_NAME)?;
    let text = String::from_utf8(manifest.clone())
        .map_err(|_| VerifyFailure::Manifest(format!("{MANIFEST_NAME} is not UTF-8 text")))?;
    let lines = parse_manifest(&text).map_err(|e| VerifyFailure::Manifest(format!("{MANIFEST_NAME}: {e}")))?;

    let mut listed = BTreeSet::new();
    for line in &lines {
        let entry = zip
            .by_name(&line.name)
            .map_err(|_| VerifyFailure::Absent(line.name.clone()))?;
        let hash = sha256_of(entry).map_err(|e| VerifyFailure::Unreadable(format!("{}: {e}", line.name)))?;
        if hash != line.sha256 {
            return Err(VerifyFailure::Changed(line.name.clone()));
        }
        listed.insert(line.name.as_str());
    }
    for name in zip.file_names() {
        let name = name.map_err(|e| VerifyFailure::Unreadable(e.to_string()))?;
        // A folder's own entry (`evidence/`, as `zip -r` writes) holds no bytes to check.
        let folder = name.ends_with('/');
        if !folder && !listed.contains(name.as_ref()) && name != MANIFEST_NAME && name != SIGNATURE_NAME {
            return Err(VerifyFailure::Unlisted(name.into_owned()));
        }
    }
    let signature_checked = match public_key {
        None => false,
        Some(key) => {
            let signature = small_file(&mut zip, SIGNATURE_NAME)?;
            let signature = String::from_utf8_lossy(&signature);
            verify_signature(key, &manifest, &signature).map_err(VerifyFailure::Signature)?;
            true
        }
    };
    Ok(Verified {
        files: lines.len(),
        signature_checked,
    })
}
