//! Delivering queued email when the store comes and goes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use app::mail::{DeliveryPolicy, DeliveryServices, deliver_due};
use async_trait::async_trait;
use chrono::Utc;
use domain::{Email, EmailContent, MessageId, OutgoingEmail};
use identity::testing::SeededRandom;
use ports::{ClaimedEmail, Delivery, Mailer, SendError, StoreError};
use testkit::FixedClock;
use testkit::mocks::MockStore;
use uuid::Uuid;

/// Counts what it is handed.
#[derive(Debug, Default)]
struct CountingMailer(Mutex<Vec<MessageId>>);

#[async_trait]
impl Mailer for CountingMailer {
    fn name(&self) -> &'static str {
        "counting"
    }

    async fn send(&self, email: &OutgoingEmail) -> Result<Delivery, SendError> {
        self.0.lock().unwrap().push(email.id);
        Ok(Delivery { provider_id: None })
    }
}

fn queued() -> ClaimedEmail {
    ClaimedEmail {
        email: OutgoingEmail {
            id: MessageId::from_uuid(Uuid::now_v7()),
            client_id: None,
            to: Email::parse("landlord@example.com").unwrap(),
            content: EmailContent::PortalReady {
                recipient_name: "Ada".into(),
                portal_url: "https://vault.example/portal".into(),
            },
            created_at: Utc::now(),
        },
        attempt: 1,
    }
}

#[tokio::test]
async fn a_sent_email_is_recorded_once_the_store_is_back_not_sent_again() {
    let claimed = queued();
    let id = claimed.email.id;
    let mut store = MockStore::new();
    store
        .expect_claim_due_emails()
        .times(1)
        .returning(move |_, _, _| Ok(vec![claimed.clone()]));
    // The database is away for the first two tries of recording the send, then back.
    let tries = std::sync::Arc::new(AtomicU32::new(0));
    let seen = tries.clone();
    store.expect_record_sent().returning(move |recorded, _, _| {
        assert_eq!(recorded, id);
        if seen.fetch_add(1, Ordering::SeqCst) < 2 {
            Err(StoreError::unavailable("record_sent", "connection refused"))
        } else {
            Ok(true)
        }
    });
    let mailer = CountingMailer::default();
    let services = DeliveryServices {
        store: &store,
        mailer: &mailer,
        clock: &FixedClock::default(),
        rng: &SeededRandom::new(7),
        policy: DeliveryPolicy::default(),
    };
    let report = deliver_due(services).await.unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(tries.load(Ordering::SeqCst), 3, "recorded on the third try");
    assert_eq!(*mailer.0.lock().unwrap(), vec![id], "handed to the mailer once");
}
