//! The scheduled jobs, from the command line (`jobs daily`, `jobs monthly`, for cron) and on the
//! in-process schedule (`SCHEDULER=on`). Either way a period runs once: the store's claim says
//! which run does the work, whatever the number of instances.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use app::jobs::{JobServices, Outcome, Period};
use app::mail::Links;
use chrono::{Datelike, Utc};
use domain::JobKind;
use ports::{Clock, Store};
use tokio::sync::{Notify, watch};

use crate::config::{Environment, JobConfig, Schedule, Settings};
use crate::startup::open_store;

/// Runs one job for `as_of` (a day, or a month for the monthly job; today in the UK by default)
/// and prints its summary as one JSON line.
///
/// # Errors
/// When the store cannot be opened or standard output cannot be written.
pub async fn command(
    settings: &Settings,
    job: JobKind,
    as_of: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let today = domain::uk_date(Utc::now());
    let period = match (job, as_of) {
        (JobKind::Daily, None) => Ok(Period::Day(today)),
        (JobKind::Daily, Some(day)) => Period::day(day),
        (JobKind::Monthly, None) => Ok(Period::month_of(today)),
        (JobKind::Monthly, Some(month)) => Period::month(month),
    };
    let period = match period {
        Ok(period) => period,
        Err(error) => {
            eprintln!("error: --as-of {error}");
            return Ok(ExitCode::from(2));
        }
    };
    // Reminders are sent once ever: a run ahead of time would spend them before their day.
    if settings.environment == Environment::Production && !dry_run && period.first_day() > today {
        eprintln!("error: --as-of {period} is after today; in production only a --dry-run may look ahead");
        return Ok(ExitCode::from(2));
    }
    let (store, _) = open_store(settings).await?;
    let links = settings.links();
    let clock = crate::clock::SystemClock;
    let summary = app::jobs::run_job(services(&*store, &clock, &links, &settings.jobs), period, dry_run).await;
    writeln!(std::io::stdout(), "{}", serde_json::to_string(&summary)?)?;
    if let Some(error) = &summary.error {
        eprintln!("error: {error}");
    }
    Ok(if summary.outcome == Outcome::Failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn services<'a>(
    store: &'a dyn Store,
    clock: &'a dyn Clock,
    links: &'a Links,
    config: &'a JobConfig,
) -> JobServices<'a> {
    JobServices {
        store,
        clock,
        links,
        policy: &config.policy,
        settings: config.run,
    }
}

/// Starts each job at its time of day in the UK, until told to stop. A period already done (by
/// this instance, another, or cron) answers `already_done` and is not asked again.
pub struct Scheduler {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub links: Arc<Links>,
    pub config: JobConfig,
    pub schedule: Schedule,
    /// Told when a run has queued email, so that it goes at once.
    pub mail_wakeup: Arc<Notify>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("schedule", &self.schedule)
            .finish_non_exhaustive()
    }
}

/// How often the scheduler looks at the clock.
const TICK: Duration = Duration::from_secs(20);

impl Scheduler {
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut done: Vec<String> = Vec::new();
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = stop.changed() => return,
            }
            for period in due(self.schedule, self.clock.now()) {
                let key = period.to_string();
                if done.contains(&key) {
                    continue;
                }
                let s = services(&*self.store, &*self.clock, &self.links, &self.config);
                let summary = app::jobs::run_job(s, period, false).await;
                tracing::info!(summary = %serde_json::to_string(&summary).unwrap_or_default(), "scheduled job run");
                if summary.counts.reminders_queued + summary.counts.digests_queued > 0 {
                    self.mail_wakeup.notify_one();
                }
                if summary.outcome != Outcome::Failed {
                    done.push(key);
                }
            }
        }
    }
}

/// The periods whose time has come at `now`: today's daily run once it is past `daily_at` in
/// the UK, and this month's digest once the first of the month is past `monthly_at`.
pub fn due(schedule: Schedule, now: chrono::DateTime<Utc>) -> Vec<Period> {
    let local = domain::uk_time(now);
    let mut periods = Vec::new();
    if local.time() >= schedule.daily_at {
        periods.push(Period::Day(local.date()));
    }
    if local.day() > 1 || local.time() >= schedule.monthly_at {
        periods.push(Period::month_of(local.date()));
    }
    periods
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::*;

    fn at(s: &str) -> chrono::DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn each_job_is_due_from_its_uk_time_across_the_clock_changes() {
        let schedule = Schedule {
            daily_at: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            monthly_at: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        };
        let shown = |now| {
            due(schedule, at(now))
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        // Winter: 09:00 in London is 09:00 UTC.
        assert!(shown("2026-12-01T08:59:00Z").is_empty());
        assert_eq!(shown("2026-12-01T09:00:00Z"), ["2026-12-01"]);
        assert_eq!(shown("2026-12-01T10:00:00Z"), ["2026-12-01", "2026-12"]);
        // Summer: 09:00 in London is 08:00 UTC.
        assert_eq!(shown("2026-07-01T08:00:00Z"), ["2026-07-01"]);
        assert_eq!(shown("2026-07-01T09:00:00Z"), ["2026-07-01", "2026-07"]);
        // Later in the month a missed digest is still due; before 09:00 the day's run is not.
        assert_eq!(shown("2026-07-15T07:30:00Z"), ["2026-07"]);
    }
}
