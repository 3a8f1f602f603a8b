use std::collections::BTreeSet;
use std::path::Path;

use adapter_smtp::{OutboxMailer, render};
use ports::{Delivery, Mailer, SendError};

use crate::helpers::{SETUP_URL, outgoing, setup, temp_dir};

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn send_writes_one_json_file_with_exactly_the_contract_keys() {
    let dir = temp_dir("outbox");
    let outbox = OutboxMailer::new(&dir);
    let email = outgoing("ada@example.org", setup("Ada"));

    let delivery = outbox.send(&email).await.unwrap();

    assert_eq!(delivery, Delivery { provider_id: None });
    assert_eq!(outbox.name(), "outbox");
    assert_eq!(outbox.dir(), dir);
    assert_eq!(file_names(&dir), [format!("{}.json", email.id)]);
    let bytes = std::fs::read(dir.join(format!("{}.json", email.id))).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let keys: BTreeSet<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from(["to", "template_alias", "model", "subject", "text_body"])
    );
    let rendered = render(&email.content).unwrap();
    assert_eq!(json["to"], "ada@example.org");
    assert_eq!(json["template_alias"], "password-setup");
    assert_eq!(json["model"]["setup_url"], SETUP_URL);
    assert_eq!(json["model"], email.content.model());
    assert_eq!(json["subject"], rendered.subject.as_str());
    assert_eq!(json["text_body"], rendered.text_body.as_str());
    assert!(
        String::from_utf8(bytes).unwrap().contains("\n  \"to\""),
        "not pretty-printed"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn sending_the_same_email_twice_leaves_one_file_and_no_temporary_file() {
    let dir = temp_dir("outbox-twice");
    let outbox = OutboxMailer::new(&dir);
    let email = outgoing("ada@example.org", setup("Ada"));

    outbox.send(&email).await.unwrap();
    outbox.send(&email).await.unwrap();

    assert_eq!(file_names(&dir), [format!("{}.json", email.id)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn each_email_gets_its_own_file_named_by_its_id() {
    let dir = temp_dir("outbox-two");
    let outbox = OutboxMailer::new(&dir);
    let first = outgoing("ada@example.org", setup("Ada"));
    let second = outgoing("bob@example.org", setup("Bob"));

    outbox.send(&first).await.unwrap();
    outbox.send(&second).await.unwrap();

    // UUIDv7 ids sort by time, so the names list the emails in the order they were queued.
    assert_eq!(
        file_names(&dir),
        [format!("{}.json", first.id), format!("{}.json", second.id)]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn send_creates_the_folder_and_its_parents_when_missing() {
    let root = temp_dir("outbox-nested");
    let dir = root.join("a").join("outbox");
    assert!(!root.exists());

    OutboxMailer::new(&dir)
        .send(&outgoing("ada@example.org", setup("Ada")))
        .await
        .unwrap();

    assert_eq!(file_names(&dir).len(), 1);
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn an_unwritable_outbox_is_a_transient_failure() {
    // A file where the folder should be: creating the folder fails.
    let blocker = temp_dir("outbox-blocked");
    std::fs::write(&blocker, b"not a folder").unwrap();

    let result = OutboxMailer::new(&blocker)
        .send(&outgoing("ada@example.org", setup("Ada")))
        .await;

    assert!(matches!(result, Err(SendError::Transient(_))), "{result:?}");
    std::fs::remove_file(&blocker).unwrap();
}
