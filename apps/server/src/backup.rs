//! `compliance-vault backup --to DIR` and `compliance-vault restore --from DIR`.
//!
//! A backup of the embedded default is a directory: `database.sqlite` (a consistent copy taken
//! with `VACUUM INTO` while the server runs), `documents/` (the local document store, copied after
//! the database so every document the copy names is there), `secrets/` (the keys generated into
//! the data directory, 0600), and `manifest.json` naming each file with its size and SHA-256.
//! What lives elsewhere is named in the manifest and left to its own tools: PostgreSQL
//! (`pg_dump`, point-in-time recovery), S3 (bucket versioning), keys set in the environment.
//! Restore checks every file against the manifest before it writes anything, and only into an
//! empty data directory.

use std::fs;
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use adapter_sql::sqlite::SqliteStore;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{DocumentStorage, Settings};
use crate::startup::{PACK_KEY_FILE, TOTP_KEY_FILE};

const FORMAT: &str = "compliance-vault-backup";
const DATABASE: &str = "database.sqlite";
const MANIFEST: &str = "manifest.json";

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    app_version: String,
    created_at: chrono::DateTime<chrono::Utc>,
    /// What the backup does not hold, and where it is kept instead.
    not_included: Vec<String>,
    files: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// Relative to the backup directory, `/`-separated.
    path: String,
    kind: Kind,
    bytes: u64,
    sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Database,
    Document,
    /// A key: whoever holds it can read sealed second factors or sign packs.
    Secret,
}

/// Backs up what the configured server keeps in files into the new directory `to`.
///
/// # Errors
/// When `to` exists and is not empty, or a copy fails.
pub async fn backup(settings: &Settings, to: &Path) -> anyhow::Result<ExitCode> {
    if to.exists() && fs::read_dir(to)?.next().is_some() {
        bail!("{} is not empty: back up into a new directory", to.display());
    }
    create_private_dir(to)?;
    let mut files = Vec::new();
    let mut not_included = Vec::new();

    if settings.uses_sqlite() {
        let store = SqliteStore::connect(&settings.database_url(), 1)
            .await
            .context("opening the SQLite database")?;
        store
            .backup_into(&to.join(DATABASE))
            .await
            .context("copying the database (VACUUM INTO)")?;
        store.close().await;
        files.push(entry(to, DATABASE, Kind::Database)?);
    } else {
        not_included.push("the PostgreSQL database: back it up with pg_dump or point-in-time recovery".to_owned());
    }

    match &settings.documents {
        DocumentStorage::Local(dir) if dir.exists() => {
            for relative in files_under(dir)? {
                let path = format!("documents/{relative}");
                copy_file(&dir.join(&relative), &to.join(&path), false)?;
                files.push(entry(to, &path, Kind::Document)?);
            }
        }
        DocumentStorage::Local(_) => {}
        DocumentStorage::S3 { .. } => {
            not_included.push("documents in S3: keep the bucket versioned".to_owned());
        }
    }

    for (file, setting, set) in [
        (
            TOTP_KEY_FILE,
            "TOTP_ENCRYPTION_KEY",
            settings.totp_encryption_key.is_some(),
        ),
        (PACK_KEY_FILE, "PACK_SIGNING_KEY", settings.pack_signing_key.is_some()),
    ] {
        let source = settings.data_dir.join(file);
        if set {
            not_included.push(format!("{setting}: set in the environment; keep it with your secrets"));
        } else if source.exists() {
            let path = format!("secrets/{file}");
            copy_file(&source, &to.join(&path), true)?;
            files.push(entry(to, &path, Kind::Secret)?);
        }
    }

    let manifest = Manifest {
        format: FORMAT.to_owned(),
        version: 1,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: chrono::Utc::now(),
        not_included,
        files,
    };
    write_new(&to.join(MANIFEST), &serde_json::to_vec_pretty(&manifest)?, false)?;
    let mut out = std::io::stdout().lock();
    let count = |kind| manifest.files.iter().filter(|f| f.kind == kind).count();
    writeln!(
        out,
        "backed up into {}: {} database, {} documents, {} secrets (keep the backup as safe as the keys)",
        to.display(),
        count(Kind::Database),
        count(Kind::Document),
        count(Kind::Secret)
    )?;
    for missing in &manifest.not_included {
        writeln!(out, "not included: {missing}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Restores the backup in `from` into the configured, empty data directory, then checks the
/// audit chain of what it restored.
///
/// # Errors
/// When a file does not match the manifest, the target is not empty, or a copy fails.
pub async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<ExitCode> {
    let manifest: Manifest = serde_json::from_slice(
        &fs::read(from.join(MANIFEST)).with_context(|| format!("reading {}", from.join(MANIFEST).display()))?,
    )
    .context("reading the manifest")?;
    if manifest.format != FORMAT || manifest.version != 1 {
        bail!("{} is not a backup this version can restore", from.display());
    }
    for file in &manifest.files {
        if !safe_relative(&file.path) {
            bail!("the manifest names an unsafe path: {}", file.path);
        }
        let (bytes, sha256) = digest(&from.join(&file.path))?;
        if bytes != file.bytes || sha256 != file.sha256 {
            bail!(
                "{}: its contents do not match the manifest; nothing restored",
                file.path
            );
        }
    }
    let database = sqlite_path(settings)?;
    let documents = match &settings.documents {
        DocumentStorage::Local(dir) => Some(dir.clone()),
        DocumentStorage::S3 { .. } => None,
    };
    let has_database = manifest.files.iter().any(|f| f.kind == Kind::Database);
    if let Some(path) = database.as_ref().filter(|_| has_database)
        && path.exists()
    {
        bail!("{} exists: restore into an empty data directory", path.display());
    }
    if let Some(dir) = &documents
        && dir.exists()
        && fs::read_dir(dir)?.next().is_some()
    {
        bail!("{} is not empty: restore into an empty data directory", dir.display());
    }
    fs::create_dir_all(&settings.data_dir)?;
    for file in &manifest.files {
        let source = from.join(&file.path);
        match file.kind {
            Kind::Database => match &database {
                Some(path) => copy_file(&source, path, false)?,
                None => bail!("the backup holds a SQLite database but DATABASE_URL is not SQLite"),
            },
            Kind::Document => match (&documents, file.path.strip_prefix("documents/")) {
                (Some(dir), Some(relative)) => copy_file(&source, &dir.join(relative), false)?,
                _ => bail!("the backup holds local documents but DOCUMENT_STORE is not local"),
            },
            Kind::Secret => {
                let name = file.path.strip_prefix("secrets/").unwrap_or(&file.path);
                let target = settings.data_dir.join(name);
                if target.exists() {
                    bail!("{} exists: restore into an empty data directory", target.display());
                }
                copy_file(&source, &target, true)?;
            }
        }
    }
    let (store, _) = crate::startup::open_store(settings).await?;
    let report = app::audit::verify_chain(&*store).await?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "restored {} files from {} (taken {})",
        manifest.files.len(),
        from.display(),
        manifest.created_at.to_rfc3339()
    )?;
    for missing in &manifest.not_included {
        writeln!(out, "not in the backup: {missing}")?;
    }
    match report.break_at {
        None => {
            writeln!(out, "audit chain OK: {} entries verified", report.verified)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            writeln!(out, "audit chain BROKEN at entry {}: {}", broken.seq, broken.problem)?;
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The SQLite file the settings name, or `None` for PostgreSQL.
fn sqlite_path(settings: &Settings) -> anyhow::Result<Option<PathBuf>> {
    if !settings.uses_sqlite() {
        return Ok(None);
    }
    let url = settings.database_url();
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        bail!("DATABASE_URL names no SQLite file to restore into");
    }
    Ok(Some(PathBuf::from(path)))
}

/// A relative path of plain names: no `..`, no root, nothing that could leave the directory.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Every file under `dir`, as `/`-separated paths relative to it, in order.
fn files_under(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        for item in fs::read_dir(dir.join(&relative)).with_context(|| format!("listing {}", dir.display()))? {
            let item = item?;
            let name = relative.join(item.file_name());
            let kind = item.file_type()?;
            if kind.is_dir() {
                pending.push(name);
            } else if kind.is_file() {
                let text = name.to_str().context("a document's file name is not UTF-8")?;
                found.push(text.replace(std::path::MAIN_SEPARATOR, "/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn entry(root: &Path, path: &str, kind: Kind) -> anyhow::Result<Entry> {
    let (bytes, sha256) = digest(&root.join(path))?;
    Ok(Entry {
        path: path.to_owned(),
        kind,
        bytes,
        sha256,
    })
}

/// The size and SHA-256 of a file, read in blocks.
fn digest(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file = fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = file
            .read(&mut buffer)
            .with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        total += n as u64;
    }
    Ok((total, hex::encode(hasher.finalize())))
}

/// Copies a file into a new one, streaming (a document can be large).
fn copy_file(from: &Path, to: &Path, secret: bool) -> anyhow::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut source = fs::File::open(from).with_context(|| format!("opening {}", from.display()))?;
    let mut target = create_new(to, secret)?;
    std::io::copy(&mut source, &mut target)
        .and_then(|_| target.sync_all())
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))
}

fn create_new(path: &Path, secret: bool) -> anyhow::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))
}

/// Writes a new file (never over an old one) and syncs it.
fn write_new(path: &Path, bytes: &[u8], secret: bool) -> anyhow::Result<()> {
    let mut file = create_new(path, secret)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

fn create_private_dir(path: &Path) -> anyhow::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(path)
        .with_context(|| format!("creating {}", path.display()))
}
