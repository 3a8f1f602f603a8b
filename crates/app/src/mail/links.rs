//! Every link an email carries, built from the configured public base URL and never from a
//! request: a forged Host header cannot point a reset link at someone else's server.

/// The portal's public address (`PUBLIC_BASE_URL` or `FRONTEND_URL`), and the links under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base: String,
}

impl Links {
    /// `base` is an absolute URL such as `https://vault.example`; a trailing slash is dropped.
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Where a new user chooses a password. The token is URL-safe base64, so it needs no escaping.
    pub fn set_password(&self, token: &str) -> String {
        format!("{}/set-password?token={token}", self.base)
    }

    /// Where a user who forgot the password chooses a new one.
    pub fn reset_password(&self, token: &str) -> String {
        format!("{}/reset-password?token={token}", self.base)
    }

    pub fn forgot_password(&self) -> String {
        format!("{}/forgot-password", self.base)
    }

    /// Where Stripe sends the client back after paying, or after giving up.
    pub fn checkout_return(&self, client_id: &str, outcome: &str) -> String {
        format!(
            "{}/onboarding/status?client_id={client_id}&checkout={outcome}",
            self.base
        )
    }

    pub fn portal(&self) -> String {
        format!("{}/portal", self.base)
    }

    /// A property's page in the portal.
    pub fn property(&self, property: domain::PropertyId) -> String {
        format!("{}/portal/properties/{property}", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::Links;

    #[test]
    fn links_hang_off_the_base_whatever_its_trailing_slash() {
        let links = Links::new("https://vault.example/");
        assert_eq!(
            links.set_password("abc"),
            "https://vault.example/set-password?token=abc"
        );
        assert_eq!(
            links.reset_password("abc"),
            "https://vault.example/reset-password?token=abc"
        );
        assert_eq!(links.portal(), "https://vault.example/portal");
        assert_eq!(Links::new("https://vault.example").base(), "https://vault.example");
    }
}
