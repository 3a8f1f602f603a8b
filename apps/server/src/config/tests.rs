//! The settings: defaults, what production refuses, what is never printed.

use std::collections::HashMap;

use super::*;

pub(super) fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    Settings::from_lookup(|name| map.get(name).cloned())
}

#[test]
fn no_configuration_means_sqlite_under_data_on_localhost() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.bind_addr.to_string(), "127.0.0.1:8080");
    assert_eq!(s.database_url(), "sqlite://./data/compliance-vault.db");
    assert!(s.uses_sqlite());
    assert_eq!(s.intake_limit_per_minute, 10);
    assert_eq!(s.log_format, LogFormat::Pretty);
}

#[test]
fn development_links_point_at_this_server() {
    assert_eq!(settings(&[]).unwrap().links().portal(), "http://127.0.0.1:8080/portal");
}

#[test]
fn the_mailer_is_postmark_then_smtp_then_the_outbox() {
    assert_eq!(settings(&[]).unwrap().mail.transport_name(), "outbox");
    let smtp = settings(&[("SMTP_URL", "smtp://user:smtp-pass@mail:25")]).unwrap();
    assert_eq!(smtp.mail.transport_name(), "smtp");
    let both = [
        ("SMTP_URL", "smtp://mail:25"),
        ("POSTMARK_SERVER_TOKEN", "pm-token-value"),
    ];
    assert_eq!(settings(&both).unwrap_err().name, "POSTMARK_FROM");
    let postmark = settings(&[both[0], both[1], ("POSTMARK_FROM", "vault@example.com")]).unwrap();
    assert_eq!(postmark.mail.transport_name(), "postmark");
    let printed = format!("{postmark:?} {smtp:?}");
    assert!(
        !printed.contains("pm-token-value") && !printed.contains("smtp-pass"),
        "{printed}"
    );
    let half = settings(&[("POSTMARK_WEBHOOK_USERNAME", "pm")]).unwrap_err();
    assert_eq!(half.name, "POSTMARK_WEBHOOK_PASSWORD");
}

#[test]
fn printing_settings_never_prints_a_secret() {
    let s = settings(&[
        ("JWT_SECRET", "super-secret-jwt-value"),
        ("DATABASE_URL", "postgres://app:db-password@db:5432/vault"),
        ("STRIPE_API_KEY", "sk_live_stripe_key_value"),
        ("STRIPE_PRICE_PLAN_1", "price_1"),
        ("STRIPE_PRICE_PLAN_2_5", "price_2"),
        ("STRIPE_PRICE_PLAN_6_15", "price_3"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_webhook_value"),
    ])
    .unwrap();
    let printed = format!("{s:?}");
    assert!(
        !printed.contains("sk_live_stripe_key_value") && !printed.contains("whsec_webhook_value"),
        "{printed}"
    );
    assert!(!printed.contains("super-secret-jwt-value"), "{printed}");
    assert!(!printed.contains("db-password"), "{printed}");
    assert!(printed.contains("postgres://app:[REDACTED]@db:5432/vault"), "{printed}");
}

#[test]
fn documents_live_under_the_data_dir_unless_a_bucket_is_named() {
    let local = settings(&[("DATA_DIR", "/srv/vault")]).unwrap();
    assert!(
        matches!(local.documents, DocumentStorage::Local(ref p) if p == std::path::Path::new("/srv/vault/documents"))
    );
    let s3 = [
        ("DOCUMENT_STORE", "s3://evidence/vault/"),
        ("S3_ACCESS_KEY_ID", "AKIA"),
        ("S3_SECRET_ACCESS_KEY", "s3-secret-value"),
    ];
    let bucket = settings(&s3).unwrap();
    assert!(
        matches!(&bucket.documents, DocumentStorage::S3 { bucket, prefix, .. } if bucket == "evidence" && prefix == "vault")
    );
    assert!(!format!("{bucket:?}").contains("s3-secret-value"));
    assert_eq!(settings(&s3[..2]).unwrap_err().name, "S3_SECRET_ACCESS_KEY");
    assert_eq!(
        settings(&[("DOCUMENT_STORE", "ftp://x")]).unwrap_err().name,
        "DOCUMENT_STORE"
    );
}

#[test]
fn a_malformed_setting_is_named() {
    assert_eq!(settings(&[("BIND_ADDR", "nowhere")]).unwrap_err().name, "BIND_ADDR");
    assert_eq!(
        settings(&[("INTAKE_RATE_LIMIT_PER_MINUTE", "ten")]).unwrap_err().name,
        "INTAKE_RATE_LIMIT_PER_MINUTE"
    );
    assert_eq!(settings(&[("ENVIRONMENT", "staging")]).unwrap_err().name, "ENVIRONMENT");
    assert_eq!(
        settings(&[("TRUSTED_PROXIES", "10.0.0.1, proxy")]).unwrap_err().name,
        "TRUSTED_PROXIES"
    );
    assert_eq!(
        settings(&[("TRUSTED_PROXIES", "10.0.0.1, ::1")])
            .unwrap()
            .trusted_proxies
            .len(),
        2
    );
}

#[test]
fn a_secret_can_come_from_a_file_named_by_its_file_setting() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let jwt = write("jwt", b"a-jwt-secret-from-a-mounted-file\n");
    let db = write("db", b"postgres://app:file-password@db/vault\r\n");
    let s = settings(&[("JWT_SECRET_FILE", &jwt), ("DATABASE_URL_FILE", &db)]).unwrap();
    assert_eq!(
        s.jwt_secret.as_ref().map(ExposeSecret::expose_secret),
        Some("a-jwt-secret-from-a-mounted-file"),
        "one trailing line break is dropped"
    );
    assert_eq!(s.database_url(), "postgres://app:file-password@db/vault");
    assert!(!format!("{s:?}").contains("file-password"));

    let both = settings(&[("JWT_SECRET_FILE", &jwt), ("JWT_SECRET", "from-the-environment")]);
    let refusal = both.unwrap_err();
    assert_eq!(refusal.name, "JWT_SECRET_FILE");
    assert!(refusal.problem.contains("not both"), "{}", refusal.problem);
}

#[test]
fn a_secret_file_that_cannot_be_used_is_named_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent").to_str().unwrap().to_owned();
    let refusal = settings(&[("STRIPE_API_KEY_FILE", &missing)]).unwrap_err();
    assert_eq!(refusal.name, "STRIPE_API_KEY_FILE");
    assert!(refusal.problem.contains(&missing), "{}", refusal.problem);

    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    let refusal = settings(&[("SMTP_URL_FILE", empty.to_str().unwrap())]).unwrap_err();
    assert_eq!(
        (refusal.name, refusal.problem.ends_with("is empty")),
        ("SMTP_URL_FILE", true)
    );

    let large = dir.path().join("large");
    std::fs::write(&large, vec![b'x'; usize::try_from(MAX_SECRET_FILE_BYTES).unwrap() + 1]).unwrap();
    let refusal = settings(&[("REDIS_URL_FILE", large.to_str().unwrap())]).unwrap_err();
    assert_eq!(refusal.name, "REDIS_URL_FILE");
    assert!(refusal.problem.contains("larger than"), "{}", refusal.problem);
}

#[test]
fn every_secret_setting_reads_its_file() {
    let dir = tempfile::tempdir().unwrap();
    for (name, file_name) in SECRET_SETTINGS {
        let path = dir.path().join(name);
        std::fs::write(&path, "value-from-file").unwrap();
        let lookup: HashMap<&str, String> = [(file_name, path.to_str().unwrap().to_owned())].into();
        let read = super::secret_files::read(&|asked: &str| lookup.get(asked).cloned()).unwrap();
        assert_eq!(read.get(name).map(String::as_str), Some("value-from-file"), "{name}");
    }
}

#[test]
fn reminders_and_the_schedule_are_configured_or_named_when_wrong() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.jobs.policy.thresholds(), [0, 7, 30, 60]);
    assert_eq!(s.jobs.policy.red_every_days(), 7);
    assert_eq!(s.jobs.schedule, None, "cron by default");
    let on = settings(&[("SCHEDULER", "on"), ("REMINDER_DAYS", "14, 1"), ("DAILY_AT", "06:30")]).unwrap();
    assert_eq!(on.jobs.policy.thresholds(), [1, 14]);
    let schedule = on.jobs.schedule.unwrap();
    assert_eq!(schedule.daily_at.to_string(), "06:30:00");
    assert_eq!(schedule.monthly_at.to_string(), "10:00:00");
    for (name, value) in [
        ("REMINDER_DAYS", "60,soon"),
        ("REMINDER_DAYS", ""),
        ("OVERDUE_EVERY_DAYS", "0"),
        ("SCHEDULER", "sometimes"),
    ] {
        assert_eq!(settings(&[(name, value)]).unwrap_err().name, name, "{name}={value}");
    }
    let bad_time = settings(&[("SCHEDULER", "on"), ("MONTHLY_AT", "25:00")]).unwrap_err();
    assert_eq!(bad_time.name, "MONTHLY_AT");
}

#[test]
fn http_workers_are_one_a_core_unless_set() {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let default = u32::try_from(cores).unwrap();
    assert_eq!(settings(&[]).unwrap().http_workers, default);
    assert_eq!(settings(&[("HTTP_WORKERS", "3")]).unwrap().http_workers, 3);
    assert_eq!(
        settings(&[("HTTP_WORKERS", "0")]).unwrap().http_workers,
        1,
        "at least one"
    );
    assert_eq!(settings(&[("HTTP_WORKERS", "many")]).unwrap_err().name, "HTTP_WORKERS");
}
