//! The scheduled jobs' settings: when reminders go (`REMINDER_DAYS`, `OVERDUE_EVERY_DAYS`), how a
//! run pages and leases, and the in-process schedule (`SCHEDULER=on`, `DAILY_AT`, `MONTHLY_AT`,
//! Europe/London times).

use std::time::Duration;

use app::jobs::JobSettings;
use chrono::NaiveTime;
use compliance::ReminderPolicy;

use super::{ConfigError, invalid};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobConfig {
    pub policy: ReminderPolicy,
    pub run: JobSettings,
    /// The in-process schedule; `None` when the jobs are left to cron.
    pub schedule: Option<Schedule>,
}

/// When the in-process scheduler starts each job, in UK time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub daily_at: NaiveTime,
    /// On the first day of each month.
    pub monthly_at: NaiveTime,
}

impl JobConfig {
    pub(super) fn from_lookup(
        var: &impl Fn(&str) -> Option<String>,
        number: &impl Fn(&'static str, u32) -> Result<u32, ConfigError>,
    ) -> Result<Self, ConfigError> {
        let days = match var("REMINDER_DAYS") {
            None => vec![60, 30, 7, 0],
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| {
                    d.parse::<u16>()
                        .map_err(|_| invalid("REMINDER_DAYS", format!("`{d}` is not a number of days")))
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let every = u16::try_from(number("OVERDUE_EVERY_DAYS", 7)?)
            .map_err(|_| invalid("OVERDUE_EVERY_DAYS", "must be at most 65535"))?;
        let policy = ReminderPolicy::new(days, every).map_err(|problem| {
            let name = if every == 0 {
                "OVERDUE_EVERY_DAYS"
            } else {
                "REMINDER_DAYS"
            };
            invalid(name, problem)
        })?;
        let run = JobSettings {
            page_size: number("JOBS_PAGE_SIZE", 200)?.clamp(1, 10_000),
            lease: Duration::from_secs(u64::from(number("JOBS_LEASE_SECONDS", 120)?.max(1))),
        };
        let schedule = match var("SCHEDULER").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("off") => None,
            Some("on") => Some(Schedule {
                daily_at: time(var, "DAILY_AT", "09:00")?,
                monthly_at: time(var, "MONTHLY_AT", "10:00")?,
            }),
            Some(other) => return Err(invalid("SCHEDULER", format!("`{other}` is not on or off"))),
        };
        Ok(Self { policy, run, schedule })
    }
}

fn time(var: &impl Fn(&str) -> Option<String>, name: &'static str, default: &str) -> Result<NaiveTime, ConfigError> {
    let text = var(name).unwrap_or_else(|| default.to_owned());
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| invalid(name, format!("`{text}` is not a time written HH:MM")))
}
