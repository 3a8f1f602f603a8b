//! What production refuses to start with, each refusal naming its setting. Development accepts
//! all of these so that `serve` works with no configuration at all.

use secrecy::ExposeSecret;

use super::{ConfigError, DocumentStorage, MailTransport, Settings, invalid};

/// The fewest distinct characters a production `JWT_SECRET` may have: a random secret of 32
/// characters in hex or base64 has far more; a run of one character, or a word repeated, fewer.
const MIN_SECRET_VARIETY: usize = 10;

pub(super) fn check(settings: &Settings) -> Result<(), ConfigError> {
    check_jwt_secret(settings)?;
    if let DocumentStorage::S3 {
        endpoint: Some(endpoint),
        ..
    } = &settings.documents
        && endpoint.starts_with("http://")
    {
        return Err(invalid(
            "S3_ENDPOINT",
            "must be https:// in production: the credentials go with every request",
        ));
    }
    match &settings.public_base_url {
        None => {
            return Err(invalid(
                "PUBLIC_BASE_URL",
                "must be set (or FRONTEND_URL) in production: emailed links are built from it",
            ));
        }
        Some(base) if !base.starts_with("https://") => {
            return Err(invalid(
                "PUBLIC_BASE_URL",
                "must be https:// in production: emailed links carry password tokens",
            ));
        }
        Some(_) => {}
    }
    if settings.cors_allowed_origins.iter().any(|o| o == "*") {
        return Err(invalid(
            "CORS_ALLOWED_ORIGINS",
            "must list origins, not `*`, in production (CORS_ORIGINS likewise)",
        ));
    }
    if matches!(settings.mail.transport, MailTransport::Outbox) {
        return Err(invalid(
            "POSTMARK_SERVER_TOKEN",
            "set it (or SMTP_URL) in production: without a mailer, emails with live links would wait \
             as files on disk",
        ));
    }
    if let Some(stripe) = &settings.payments.checkout {
        let key = stripe.api_key.expose_secret();
        if key.starts_with("sk_test_") || key.starts_with("rk_test_") {
            return Err(invalid(
                "STRIPE_API_KEY",
                "is a test-mode key; production takes a live key (sk_live_ or rk_live_)",
            ));
        }
    }
    if settings.totp_encryption_key.is_none() {
        return Err(invalid(
            "TOTP_ENCRYPTION_KEY",
            "must be set in production (32 random bytes in base64: `openssl rand -base64 32`); it \
             encrypts admins' authenticator secrets",
        ));
    }
    if settings.pack_signing_key.is_none() {
        return Err(invalid(
            "PACK_SIGNING_KEY",
            "must be set in production (32 random bytes in base64: `openssl rand -base64 32`); it \
             signs compliance packs, and its public half is what recipients check them with",
        ));
    }
    Ok(())
}

fn check_jwt_secret(settings: &Settings) -> Result<(), ConfigError> {
    let secret = settings.jwt_secret.as_ref().map_or("", |s| s.expose_secret());
    if secret.chars().count() < 32 {
        return Err(invalid("JWT_SECRET", "must be at least 32 characters in production"));
    }
    let mut seen: Vec<char> = secret.chars().collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() < MIN_SECRET_VARIETY {
        return Err(invalid(
            "JWT_SECRET",
            format!(
                "has only {} distinct characters; production takes a random secret (`openssl rand -base64 48`)",
                seen.len()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::LogFormat;
    use super::super::tests::settings;

    /// A production configuration that starts; each test spoils one setting of it.
    const GOOD: &[(&str, &str)] = &[
        ("ENVIRONMENT", "production"),
        ("JWT_SECRET", "p9Vx2mQ7rT4wK8zL1nB6cF3hJ5dG0sYe"),
        ("PUBLIC_BASE_URL", "https://vault.example"),
        ("SMTP_URL", "smtps://vault:mail-pass@mail.example"),
        ("TOTP_ENCRYPTION_KEY", "dGVzdC1vbmx5LXRvdHAta2V5LW9mLTMyLWJ5dGVzISE="),
        ("PACK_SIGNING_KEY", "dGVzdC1vbmx5LXBhY2stc2lnbmluZy1rZXktMzJieXQ="),
    ];

    fn with(changes: &[(&'static str, &'static str)]) -> Result<super::Settings, super::ConfigError> {
        let mut vars: Vec<(&str, &str)> = GOOD
            .iter()
            .filter(|(name, _)| !changes.iter().any(|(changed, _)| changed == name))
            .copied()
            .collect();
        vars.extend(changes.iter().filter(|(_, value)| !value.is_empty()).copied());
        settings(&vars)
    }

    fn refused(changes: &[(&'static str, &'static str)]) -> &'static str {
        match with(changes) {
            Ok(_) => panic!("{changes:?} was accepted in production"),
            Err(error) => error.name,
        }
    }

    #[test]
    fn a_complete_production_configuration_starts_and_logs_json() {
        assert_eq!(with(&[]).unwrap().log_format, LogFormat::Json);
        let frontend = with(&[("PUBLIC_BASE_URL", ""), ("FRONTEND_URL", "https://portal.example/")]).unwrap();
        assert_eq!(frontend.links().portal(), "https://portal.example/portal");
    }

    #[test]
    fn a_missing_short_or_monotonous_jwt_secret_is_refused_by_name() {
        assert_eq!(refused(&[("JWT_SECRET", "")]), "JWT_SECRET");
        assert_eq!(refused(&[("JWT_SECRET", "short")]), "JWT_SECRET");
        assert_eq!(
            refused(&[("JWT_SECRET", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]),
            "JWT_SECRET"
        );
        assert_eq!(
            refused(&[("JWT_SECRET", "abcabcabcabcabcabcabcabcabcabcabcabc")]),
            "JWT_SECRET"
        );
    }

    #[test]
    fn links_must_be_https_and_set() {
        assert_eq!(refused(&[("PUBLIC_BASE_URL", "")]), "PUBLIC_BASE_URL");
        assert_eq!(
            refused(&[("PUBLIC_BASE_URL", "http://vault.example")]),
            "PUBLIC_BASE_URL"
        );
        assert_eq!(
            refused(&[("PUBLIC_BASE_URL", ""), ("FRONTEND_URL", "http://vault.example")]),
            "PUBLIC_BASE_URL"
        );
    }

    #[test]
    fn cors_open_to_any_origin_is_refused_under_either_name() {
        assert_eq!(refused(&[("CORS_ALLOWED_ORIGINS", "*")]), "CORS_ALLOWED_ORIGINS");
        assert_eq!(
            refused(&[("CORS_ORIGINS", "https://a.example, *")]),
            "CORS_ALLOWED_ORIGINS"
        );
        let listed = with(&[("CORS_ORIGINS", "https://a.example")]).unwrap();
        assert_eq!(listed.cors_allowed_origins, ["https://a.example"]);
    }

    #[test]
    fn without_a_mailer_the_outbox_would_keep_live_links_on_disk() {
        assert_eq!(refused(&[("SMTP_URL", "")]), "POSTMARK_SERVER_TOKEN");
        with(&[
            ("SMTP_URL", ""),
            ("POSTMARK_SERVER_TOKEN", "pm-token"),
            ("POSTMARK_FROM", "vault@example.com"),
        ])
        .unwrap();
    }

    #[test]
    fn a_stripe_test_key_is_refused() {
        let prices = [
            ("STRIPE_PRICE_PLAN_1", "price_1"),
            ("STRIPE_PRICE_PLAN_2_5", "price_2"),
            ("STRIPE_PRICE_PLAN_6_15", "price_3"),
        ];
        for key in ["sk_test_abc", "rk_test_abc"] {
            let mut changes = vec![("STRIPE_API_KEY", key)];
            changes.extend(prices);
            assert_eq!(refused(&changes), "STRIPE_API_KEY", "{key}");
        }
        let mut live = vec![("STRIPE_API_KEY", "sk_live_abc")];
        live.extend(prices);
        with(&live).unwrap();
    }

    #[test]
    fn the_totp_encryption_key_is_required_and_must_be_32_bytes() {
        assert_eq!(refused(&[("TOTP_ENCRYPTION_KEY", "")]), "TOTP_ENCRYPTION_KEY");
        assert_eq!(refused(&[("TOTP_ENCRYPTION_KEY", "c2hvcnQ=")]), "TOTP_ENCRYPTION_KEY");
        // Malformed is refused in development too; unset is fine there.
        assert_eq!(
            settings(&[("TOTP_ENCRYPTION_KEY", "not base64")]).unwrap_err().name,
            "TOTP_ENCRYPTION_KEY"
        );
        assert!(settings(&[]).unwrap().totp_encryption_key.is_none());
    }

    #[test]
    fn the_pack_signing_key_is_required_and_must_be_32_bytes() {
        assert_eq!(refused(&[("PACK_SIGNING_KEY", "")]), "PACK_SIGNING_KEY");
        assert_eq!(
            settings(&[("PACK_SIGNING_KEY", "c2hvcnQ=")]).unwrap_err().name,
            "PACK_SIGNING_KEY"
        );
        assert!(settings(&[]).unwrap().pack_signing_key.is_none());
    }

    #[test]
    fn cleartext_object_storage_is_refused() {
        let s3 = [
            ("DOCUMENT_STORE", "s3://evidence/vault"),
            ("S3_ACCESS_KEY_ID", "AKIA"),
            ("S3_SECRET_ACCESS_KEY", "secret"),
            ("S3_ENDPOINT", "http://minio:9000"),
        ];
        assert_eq!(refused(&s3), "S3_ENDPOINT");
    }
}
