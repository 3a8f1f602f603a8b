//! The figures `/metrics` publishes, each a grouped count over a table the product already keeps:
//! the audit log for provisioning, password tokens for setup completion, the jobs' snapshots for
//! requirements and properties, the message log for emails, the job runs.

use chrono::{DateTime, Duration, Utc};
use ports::{Figures, StoreError};

use super::admin::{rag_of, rank_of_status};
use super::error::{col, fail};
use super::{Conn, Db, Store, USED_WITHIN_A_DAY};

/// `(label, count)` rows of a grouped count whose label column is `label` and count `n`.
async fn labelled(conn: &mut Conn, sql: &'static str) -> Result<Vec<(String, u64)>, StoreError> {
    let rows = sqlx::query::<Db>(sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(fail("figures"))?;
    rows.iter()
        .map(|row| Ok((col::<String>(row, "label")?, count(col::<i64>(row, "n")?))))
        .collect()
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

impl Store {
    pub(super) async fn read_figures(&self, now: DateTime<Utc>) -> Result<Figures, StoreError> {
        let mut conn = self.reader().acquire().await.map_err(fail("figures"))?;
        let provisioning = labelled(
            &mut conn,
            "SELECT CASE action WHEN 'PROVISIONING_COMPLETE' THEN 'complete' ELSE 'failed' END AS label, \
             COUNT(*) AS n FROM audit_log \
             WHERE action IN ('PROVISIONING_COMPLETE', 'PROVISIONING_FAILED') GROUP BY action ORDER BY action",
        )
        .await?;
        let setup_sql = sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS issued, COALESCE(SUM(CASE WHEN used_at IS NOT NULL AND {USED_WITHIN_A_DAY} \
             THEN 1 ELSE 0 END), 0) AS used FROM password_tokens WHERE kind = 'SETUP' AND created_at <= $1"
        ));
        let setup = sqlx::query::<Db>(setup_sql)
            .bind(now - Duration::days(1))
            .fetch_one(&mut *conn)
            .await
            .map_err(fail("figures"))?;
        let requirements = labelled(
            &mut conn,
            "SELECT status AS label, COUNT(*) AS n FROM requirement_snapshots GROUP BY status ORDER BY status",
        )
        .await?;
        let worst = sqlx::query::<Db>(concat!(
            "SELECT CAST(w.worst AS BIGINT) AS worst, COUNT(*) AS n FROM (SELECT MAX(",
            rank_of_status!(),
            ") AS worst FROM requirement_snapshots s GROUP BY s.property_id) w GROUP BY w.worst ORDER BY w.worst DESC"
        ))
        .fetch_all(&mut *conn)
        .await
        .map_err(fail("figures"))?;
        let mut properties = Vec::new();
        for row in &worst {
            if let Some(rag) = rag_of(Some(col::<i64>(row, "worst")?)) {
                let n = count(col::<i64>(row, "n")?);
                match properties.iter_mut().find(|(seen, _)| *seen == rag) {
                    Some((_, total)) => *total += n,
                    None => properties.push((rag, n)),
                }
            }
        }
        let by_status = labelled(
            &mut conn,
            "SELECT status AS label, COUNT(*) AS n FROM message_logs GROUP BY status ORDER BY status",
        )
        .await?;
        let status = |name: &str| by_status.iter().find(|(s, _)| s == name).map_or(0, |(_, n)| *n);
        let emails = vec![
            (
                "sent".to_owned(),
                status("SENT") + status("DELIVERED") + status("BOUNCED"),
            ),
            ("delivered".to_owned(), status("DELIVERED")),
            ("bounced".to_owned(), status("BOUNCED")),
            ("failed".to_owned(), status("FAILED")),
        ];
        let runs = sqlx::query::<Db>(
            "SELECT job, outcome, COUNT(*) AS n FROM job_runs WHERE outcome <> 'running' \
             GROUP BY job, outcome ORDER BY job, outcome",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(fail("figures"))?;
        let job_runs = runs
            .iter()
            .map(|row| Ok((col(row, "job")?, col(row, "outcome")?, count(col::<i64>(row, "n")?))))
            .collect::<Result<_, StoreError>>()?;
        Ok(Figures {
            provisioning,
            setup_links_issued: count(col::<i64>(&setup, "issued")?),
            setup_links_used_in_a_day: count(col::<i64>(&setup, "used")?),
            requirements,
            properties,
            emails,
            emails_queued: status("QUEUED"),
            job_runs,
        })
    }
}
