use chrono::{TimeZone, Utc};
use domain::{
    BillingPlan, BoundedText, ClientId, ClientType, Email, OnboardingStatus, PasswordStatus, PreferredContact,
    RequirementId, UserId, UserStatus,
};
use uuid::Uuid;

use super::*;

fn client(subscription: SubscriptionStatus) -> Client {
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    Client {
        id: ClientId::from_uuid(Uuid::now_v7()),
        details: domain::NewClient {
            full_name: BoundedText::parse("Ada Landlord", 200).unwrap(),
            email: Email::parse("ada@example.com").unwrap(),
            client_type: ClientType::Individual,
            company_name: None,
            phone: None,
            preferred_contact: PreferredContact::Email,
            billing_plan: BillingPlan::Plan2To5,
            consent_communications: true,
        },
        onboarding_status: OnboardingStatus::Provisioning,
        subscription_status: subscription,
        created_at: now,
        updated_at: now,
    }
}

fn user(client: &Client, role: Role, client_id: Option<ClientId>) -> PortalUser {
    PortalUser {
        id: UserId::from_uuid(Uuid::now_v7()),
        email: client.details.email.clone(),
        role,
        client_id,
        status: UserStatus::Invited,
        password_status: PasswordStatus::NotSet,
        password_hash: None,
        sessions_valid_after: client.created_at,
        created_at: client.created_at,
        updated_at: client.created_at,
    }
}

fn needs(kinds: &[RequirementType]) -> PropertyNeeds {
    PropertyNeeds {
        property_id: PropertyId::from_uuid(Uuid::now_v7()),
        applicable: kinds.to_vec(),
    }
}

fn existing(client: &Client, property: PropertyId, kind: RequirementType) -> Requirement {
    Requirement {
        id: RequirementId::from_uuid(Uuid::now_v7()),
        client_id: client.id,
        property_id: property,
        requirement: kind,
        created_at: client.created_at,
    }
}

use RequirementType::{Eicr, Epc, GasSafety};

#[test]
fn a_fresh_paid_client_needs_its_user_and_every_applicable_requirement() {
    let client = client(SubscriptionStatus::Active);
    let properties = [needs(&[Epc, GasSafety, Eicr]), needs(&[Eicr])];
    let plan = plan(&client, &properties, &[], None).unwrap();
    assert!(plan.create_user);
    let first = properties[0].property_id;
    let second = properties[1].property_id;
    assert_eq!(
        plan.requirements,
        vec![(first, GasSafety), (first, Eicr), (first, Epc), (second, Eicr)],
        "property order, then the engine's order"
    );
}

#[test]
fn what_exists_is_not_planned_again_so_a_second_run_is_empty() {
    let client = client(SubscriptionStatus::Active);
    let properties = [needs(&[GasSafety, Eicr, GasSafety])];
    let property = properties[0].property_id;
    let user = user(&client, Role::Client, Some(client.id));
    let half = [existing(&client, property, GasSafety)];
    let plan_after_half = plan(&client, &properties, &half, Some(&user)).unwrap();
    assert_eq!(
        plan_after_half.requirements,
        vec![(property, Eicr)],
        "duplicates in the input count once"
    );
    assert!(!plan_after_half.create_user);

    let all = [
        existing(&client, property, GasSafety),
        existing(&client, property, Eicr),
    ];
    assert!(plan(&client, &properties, &all, Some(&user)).unwrap().is_empty());
}

#[test]
fn another_clients_requirements_do_not_count() {
    let client = client(SubscriptionStatus::Active);
    let other = self::client(SubscriptionStatus::Active);
    let properties = [needs(&[GasSafety])];
    let theirs = [existing(&other, properties[0].property_id, GasSafety)];
    assert_eq!(plan(&client, &properties, &theirs, None).unwrap().requirements.len(), 1);
}

#[test]
fn an_unpaid_client_or_a_taken_email_is_refused() {
    let pending = client(SubscriptionStatus::Pending);
    assert_eq!(plan(&pending, &[], &[], None), Err(PlanError::NotPaid));
    let paid = client(SubscriptionStatus::PastDue);
    let admin = user(&paid, Role::Admin, None);
    assert_eq!(plan(&paid, &[], &[], Some(&admin)), Err(PlanError::EmailTaken));
    let someone_elses = user(&paid, Role::Client, Some(ClientId::from_uuid(Uuid::now_v7())));
    assert_eq!(plan(&paid, &[], &[], Some(&someone_elses)), Err(PlanError::EmailTaken));
    assert!(
        plan(&paid, &[], &[], None).unwrap().create_user,
        "a lapsed payment still keeps the account"
    );
}
