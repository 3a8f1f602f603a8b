//! The development mailer: each email becomes one JSON file in a folder instead of leaving the
//! machine. The file's shape is a contract with the tools that read the outbox (end-to-end tests,
//! the local preview): exactly `to`, `template_alias`, `model`, `subject` and `text_body`.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use domain::OutgoingEmail;
use ports::{Delivery, Mailer, SendError};
use serde::Serialize;

use crate::render::render;

/// Writes every email to `<dir>/<message id>.json`. Message ids are UUIDv7, so the names sort by
/// the time the emails were queued; sending the same email again overwrites its file.
#[derive(Debug, Clone)]
pub struct OutboxMailer {
    dir: PathBuf,
}

/// One outbox file. Adding a field here breaks the outbox contract.
#[derive(Serialize)]
struct OutboxFile<'a> {
    to: &'a str,
    template_alias: &'static str,
    model: serde_json::Value,
    subject: &'a str,
    text_body: &'a str,
}

impl OutboxMailer {
    /// An outbox writing to `dir`, which is created on the first send if it does not exist.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The folder the emails are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the bytes next to their final name and renames them into place, so a reader never
    /// sees half a file.
    async fn write_atomically(&self, name: &str, bytes: &[u8]) -> Result<(), SendError> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| io_failure("cannot create the outbox folder", &self.dir, &e))?;
        let path = self.dir.join(name);
        let tmp = self.dir.join(format!("{name}.tmp"));
        if let Err(e) = tokio::fs::write(&tmp, bytes).await {
            // Best effort: a partial temporary file is harmless, and the next attempt replaces it.
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(io_failure("cannot write", &tmp, &e));
        }
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(|e| io_failure("cannot move into place", &path, &e))
    }
}

fn io_failure(what: &str, path: &Path, error: &std::io::Error) -> SendError {
    SendError::Transient(format!("outbox: {what} {}: {error}", path.display()))
}

#[async_trait]
impl Mailer for OutboxMailer {
    fn name(&self) -> &'static str {
        "outbox"
    }

    async fn send(&self, email: &OutgoingEmail) -> Result<Delivery, SendError> {
        let rendered =
            render(&email.content).map_err(|e| SendError::Permanent(format!("outbox: rendering the email: {e}")))?;
        let file = OutboxFile {
            to: email.to.as_str(),
            template_alias: email.content.alias().as_str(),
            model: email.content.model(),
            subject: &rendered.subject,
            text_body: &rendered.text_body,
        };
        // Serialising strings and a JSON value cannot fail; if it ever did, retrying would not help.
        let mut json = serde_json::to_vec_pretty(&file)
            .map_err(|e| SendError::Permanent(format!("outbox: cannot serialise email {}: {e}", email.id)))?;
        json.push(b'\n');
        self.write_atomically(&format!("{}.json", email.id), &json).await?;
        Ok(Delivery { provider_id: None })
    }
}
