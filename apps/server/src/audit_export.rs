//! `audit export`: one client's entries as JSON lines, oldest first, in the shape of the console's
//! audit route, so a third party can recompute each entry's hash from its content and the hash
//! before it. Continuity (nothing removed between two of a client's entries) is a property of
//! the whole chain, which other clients' entries interleave; only `audit verify` proves it.

use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::ClientId;
use ports::AuditQuery;
use vault_http::api::console::AuditView;

use crate::config::Settings;
use crate::startup::open_store;

/// Entries read from the store at a time: memory stays flat however long the history.
const PAGE: u32 = 1_000;

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// # Errors
/// When the store fails or standard output is closed.
pub async fn command(
    settings: &Settings,
    client: ClientId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> anyhow::Result<ExitCode> {
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        eprintln!("--from {from} is after --to {to}");
        return Ok(ExitCode::from(2));
    }
    let (store, _) = open_store(settings).await?;
    if store.get_client(client).await?.is_none() {
        eprintln!("no client has the id {client}");
        return Ok(ExitCode::from(2));
    }
    app::audit::seal_all(&*store).await?;
    let mut query = AuditQuery {
        client_id: Some(client),
        from: from.map(midnight),
        to: to.and_then(|d| d.checked_add_days(Days::new(1))).map(midnight),
        oldest_first: true,
        limit: PAGE,
        ..AuditQuery::default()
    };
    let (mut out, mut count, mut unsealed) = (std::io::stdout().lock(), 0_u64, 0_u64);
    loop {
        let rows = store.query_audit(&query).await?;
        let Some((last, _)) = rows.last() else { break };
        query.after_pos = Some(*last);
        let full = rows.len() == PAGE as usize;
        for (position, entry) in rows {
            unsealed += u64::from(entry.seal.is_none());
            serde_json::to_writer(&mut out, &AuditView::new(position, entry))?;
            out.write_all(b"\n")?;
            count += 1;
        }
        if !full {
            break;
        }
    }
    out.flush()?;
    eprintln!("exported {count} entries of client {client}; {unsealed} not yet sealed");
    Ok(ExitCode::SUCCESS)
}
