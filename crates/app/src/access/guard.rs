//! The route guards of PRODUCT.md section 2, as decisions: given who a session belongs to, may it
//! pass? One function per guard, one place per rule; the HTTP layer only turns a refusal into a
//! status and a body, and audits it.

use chrono::{DateTime, SubsecRound, Utc};
use domain::{Client, OnboardingStatus, PasswordStatus, PortalUser, Role, UserStatus};

/// Why a request was refused, with where the caller should go next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No session, or one that does not verify.
    NotSignedIn,
    /// The session was issued before the user's sessions were ended (password set, disabled).
    SessionEnded,
    UserDisabled,
    PasswordNotSet,
    /// The client's account is not provisioned yet (or provisioning failed).
    NotProvisioned,
    /// A client's session asking for an admin route.
    NotAdmin,
    /// An admin's session asking for a client's route (admins use the admin routes).
    NotClient,
    /// An admin session without its second factor, where one is required.
    SecondFactorRequired,
}

impl Refusal {
    /// 401 when the caller must (re)authenticate; 403 when it is known but may not pass.
    pub const fn status(self) -> u16 {
        match self {
            Self::NotSignedIn | Self::SessionEnded | Self::SecondFactorRequired => 401,
            Self::UserDisabled | Self::PasswordNotSet | Self::NotProvisioned | Self::NotAdmin | Self::NotClient => 403,
        }
    }

    /// A stable, machine-readable reason.
    pub const fn reason(self) -> &'static str {
        match self {
            Self::NotSignedIn => "not_signed_in",
            Self::SessionEnded => "session_ended",
            Self::UserDisabled => "user_disabled",
            Self::PasswordNotSet => "password_not_set",
            Self::NotProvisioned => "not_provisioned",
            Self::NotAdmin => "admin_only",
            Self::NotClient => "client_only",
            Self::SecondFactorRequired => "second_factor_required",
        }
    }

    /// Where to go next: the portal page that resolves the refusal.
    pub const fn next(self) -> &'static str {
        match self {
            Self::NotSignedIn | Self::SessionEnded | Self::SecondFactorRequired => "/login",
            Self::UserDisabled => "/contact-support",
            Self::PasswordNotSet => "/set-password",
            Self::NotProvisioned => "/onboarding/status",
            Self::NotAdmin => "/dashboard",
            Self::NotClient => "/admin",
        }
    }
}

/// Checks common to every signed-in route: the user is enabled and the session not ended.
///
/// # Errors
/// [`Refusal::UserDisabled`] or [`Refusal::SessionEnded`].
pub fn session_guard(user: &PortalUser, session_issued_at: DateTime<Utc>) -> Result<(), Refusal> {
    if user.status == UserStatus::Disabled {
        return Err(Refusal::UserDisabled);
    }
    // Session times are kept to the microsecond (`iat_us`), as the stores keep the change time:
    // a session begun before a reset ends even when both fall in the same second, and one
    // begun after it lives.
    if session_issued_at < user.sessions_valid_after.trunc_subsecs(6) {
        return Err(Refusal::SessionEnded);
    }
    Ok(())
}

/// A client route: a live session of an active client user whose password is set and whose
/// client is provisioned. `client` is the user's own client (`None` if it could not be found).
///
/// # Errors
/// The first rule the caller fails, in the order a person would fix them.
pub fn client_guard(
    user: &PortalUser,
    client: Option<&Client>,
    session_issued_at: DateTime<Utc>,
) -> Result<(), Refusal> {
    session_guard(user, session_issued_at)?;
    if user.role != Role::Client {
        return Err(Refusal::NotClient);
    }
    if user.password_status != PasswordStatus::Set {
        return Err(Refusal::PasswordNotSet);
    }
    if client.is_none_or(|c| c.onboarding_status != OnboardingStatus::Provisioned) {
        return Err(Refusal::NotProvisioned);
    }
    if user.status != UserStatus::Active {
        return Err(Refusal::UserDisabled);
    }
    Ok(())
}

/// An admin route: a live session of an active admin, with the second factor where required.
///
/// # Errors
/// The first rule the caller fails.
pub fn admin_guard(
    user: &PortalUser,
    session_issued_at: DateTime<Utc>,
    second_factor_verified: bool,
    second_factor_required: bool,
) -> Result<(), Refusal> {
    session_guard(user, session_issued_at)?;
    if user.role != Role::Admin {
        return Err(Refusal::NotAdmin);
    }
    if user.status != UserStatus::Active || user.password_status != PasswordStatus::Set {
        return Err(Refusal::UserDisabled);
    }
    if second_factor_required && !second_factor_verified {
        return Err(Refusal::SecondFactorRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use domain::{ClientId, Email, UserId};
    use uuid::Uuid;

    use super::*;

    fn user(role: Role, status: UserStatus, password: PasswordStatus) -> PortalUser {
        let now = Utc::now();
        PortalUser {
            id: UserId::from_uuid(Uuid::nil()),
            email: Email::parse("u@example.com").unwrap(),
            role,
            client_id: (role == Role::Client).then(|| ClientId::from_uuid(Uuid::nil())),
            status,
            password_status: password,
            password_hash: None,
            sessions_valid_after: now - Duration::hours(1),
            created_at: now,
            updated_at: now,
        }
    }

    fn client(onboarding_status: OnboardingStatus) -> Client {
        let now = Utc::now();
        Client {
            id: ClientId::from_uuid(Uuid::nil()),
            details: domain::NewClient {
                full_name: domain::BoundedText::parse("A", 10).unwrap(),
                email: Email::parse("c@example.com").unwrap(),
                client_type: domain::ClientType::Individual,
                company_name: None,
                phone: None,
                preferred_contact: domain::PreferredContact::Email,
                billing_plan: domain::BillingPlan::Plan1,
                consent_communications: false,
            },
            onboarding_status,
            subscription_status: domain::SubscriptionStatus::Active,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_client_route_refuses_each_missing_condition_with_its_own_reason() {
        let now = Utc::now();
        let ready = client(OnboardingStatus::Provisioned);
        let good = user(Role::Client, UserStatus::Active, PasswordStatus::Set);
        assert_eq!(client_guard(&good, Some(&ready), now), Ok(()));

        let no_password = user(Role::Client, UserStatus::Invited, PasswordStatus::NotSet);
        assert_eq!(
            client_guard(&no_password, Some(&ready), now),
            Err(Refusal::PasswordNotSet)
        );
        let pending = client(OnboardingStatus::Provisioning);
        assert_eq!(client_guard(&good, Some(&pending), now), Err(Refusal::NotProvisioned));
        assert_eq!(client_guard(&good, None, now), Err(Refusal::NotProvisioned));
        let disabled = user(Role::Client, UserStatus::Disabled, PasswordStatus::Set);
        assert_eq!(client_guard(&disabled, Some(&ready), now), Err(Refusal::UserDisabled));
        // A reset at 12:00:00.600: a session from 12:00:00.400 (same second) has ended, one
        // from 12:00:00.700 lives.
        let mut reset = good.clone();
        reset.sessions_valid_after = reset.sessions_valid_after.trunc_subsecs(0) + Duration::milliseconds(600);
        let same_second_before = reset.sessions_valid_after - Duration::milliseconds(200);
        assert_eq!(
            client_guard(&reset, Some(&ready), same_second_before),
            Err(Refusal::SessionEnded),
            "signed in before the reset, in the same second"
        );
        let same_second_after = reset.sessions_valid_after + Duration::milliseconds(100);
        assert_eq!(client_guard(&reset, Some(&ready), same_second_after), Ok(()));
        assert_eq!(
            client_guard(&reset, Some(&ready), reset.sessions_valid_after),
            Ok(()),
            "signed in at the very instant of the reset"
        );
        let admin = user(Role::Admin, UserStatus::Active, PasswordStatus::Set);
        assert_eq!(client_guard(&admin, Some(&ready), now), Err(Refusal::NotClient));
    }

    #[test]
    fn an_admin_route_needs_an_admin_and_where_required_the_second_factor() {
        let now = Utc::now();
        let admin = user(Role::Admin, UserStatus::Active, PasswordStatus::Set);
        assert_eq!(admin_guard(&admin, now, false, false), Ok(()));
        assert_eq!(admin_guard(&admin, now, true, true), Ok(()));
        assert_eq!(
            admin_guard(&admin, now, false, true),
            Err(Refusal::SecondFactorRequired)
        );
        let client_user = user(Role::Client, UserStatus::Active, PasswordStatus::Set);
        assert_eq!(admin_guard(&client_user, now, true, true), Err(Refusal::NotAdmin));
        let disabled = user(Role::Admin, UserStatus::Disabled, PasswordStatus::Set);
        assert_eq!(admin_guard(&disabled, now, true, true), Err(Refusal::UserDisabled));
    }

    #[test]
    fn refusals_say_401_to_sign_in_again_and_403_otherwise() {
        assert_eq!(
            (Refusal::NotSignedIn.status(), Refusal::NotSignedIn.next()),
            (401, "/login")
        );
        assert_eq!(
            (Refusal::PasswordNotSet.status(), Refusal::PasswordNotSet.next()),
            (403, "/set-password")
        );
        assert_eq!(Refusal::NotProvisioned.reason(), "not_provisioned");
    }
}
