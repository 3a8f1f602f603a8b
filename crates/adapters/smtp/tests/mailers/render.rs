use adapter_smtp::render;
use domain::EmailContent;

use crate::helpers::{HOSTILE, PORTAL_URL, PROPERTY_URL, SETUP_URL, due, every_template, missing, setup};

#[test]
fn every_template_renders_a_subject_and_both_bodies_with_its_links_and_values() {
    for (content, values) in every_template("Ada Lovelace") {
        let rendered = render(&content).unwrap();
        let alias = content.alias();
        assert!(!rendered.subject.is_empty(), "{alias}: empty subject");
        assert!(
            rendered.text_body.contains("Hello Ada Lovelace,"),
            "{alias}: no greeting"
        );
        assert!(rendered.html_body.contains("Ada Lovelace"), "{alias}: no name in HTML");
        for value in values {
            assert!(rendered.text_body.contains(value), "{alias}: text lacks {value}");
            let escaped = value.replace('&', "&#38;");
            assert!(rendered.html_body.contains(&escaped), "{alias}: HTML lacks {escaped}");
        }
        let link = format!(r#"href="{}""#, values_link(&content));
        assert!(rendered.html_body.contains(&link), "{alias}: HTML lacks {link}");
    }
}

fn values_link(content: &EmailContent) -> String {
    let model = content.model();
    let url = ["setup_url", "reset_url", "forgot_password_url", "portal_url"]
        .iter()
        .find_map(|key| model[key].as_str())
        .unwrap();
    url.replace('&', "&#38;")
}

#[test]
fn every_html_body_has_the_shared_header_and_the_not_legal_advice_footer() {
    for (content, _) in every_template("Ada") {
        let rendered = render(&content).unwrap();
        assert!(rendered.html_body.starts_with("<!DOCTYPE html>"));
        assert!(rendered.html_body.contains(">Compliance Vault</td>"));
        assert!(rendered.html_body.contains("not legal advice"));
        assert!(rendered.text_body.contains("not legal advice"));
    }
}

#[test]
fn model_values_are_escaped_in_html_and_never_appear_raw() {
    // askama writes numeric references: &#60; is <, &#62; is >, &#34; is ", &#38; is &.
    let escaped = "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co";
    for (content, _) in every_template(HOSTILE) {
        let rendered = render(&content).unwrap();
        assert!(rendered.html_body.contains(escaped), "{}: not escaped", content.alias());
        assert!(
            !rendered.html_body.contains("<script>"),
            "{}: raw script",
            content.alias()
        );
        assert!(
            rendered.text_body.contains(HOSTILE),
            "{}: text altered",
            content.alias()
        );
    }
    let manual = EmailContent::AdminManual {
        recipient_name: "Ada".into(),
        subject: "Note".into(),
        message: format!("First line\n{HOSTILE}"),
        portal_url: r#"https://vault.example/"><script>"#.into(),
    };
    let html = render(&manual).unwrap().html_body;
    assert!(html.contains(&format!("First line<br>\n{escaped}")));
    assert!(html.contains(r#"href="https://vault.example/&#34;&#62;&#60;script&#62;""#));
    assert!(!html.contains("<script>"));
}

#[test]
fn a_subject_with_line_breaks_from_the_model_stays_on_one_line() {
    let manual = EmailContent::AdminManual {
        recipient_name: "Ada".into(),
        subject: "Hello\r\nBcc: x@example.org".into(),
        message: "Hi".into(),
        portal_url: PORTAL_URL.into(),
    };
    let subject = render(&manual).unwrap().subject;
    assert_eq!(subject, "Hello Bcc: x@example.org");
    assert!(!subject.contains(['\r', '\n']));

    let digest = EmailContent::MonthlyDigest {
        recipient_name: "Ada".into(),
        month: "2026-01\nBcc: y".into(),
        counts: Default::default(),
        due_soon: vec![],
        overdue: vec![],
        portal_url: PORTAL_URL.into(),
    };
    assert!(!render(&digest).unwrap().subject.contains(['\r', '\n']));
}

#[test]
fn subjects_name_what_the_email_is_about() {
    let subjects: Vec<String> = every_template("Ada")
        .iter()
        .map(|(c, _)| render(c).unwrap().subject)
        .collect();
    assert_eq!(
        subjects,
        [
            "Set up your Compliance Vault password",
            "Reset your Compliance Vault password",
            "Your Compliance Vault password was changed",
            "Your Compliance Vault portal is ready",
            "Your compliance digest for January 2026",
            "Your documents",
            "Payment received: Compliance Vault plan for 2 to 5 properties",
            "Compliance reminder: 1 requirement needs attention",
        ]
    );
}

#[test]
fn setup_and_reset_say_when_the_link_expires_and_that_an_unasked_email_can_be_ignored() {
    let setup = render(&setup("Ada")).unwrap().text_body;
    assert!(setup.contains(&format!("Set up your password:\n{SETUP_URL}\n")));
    assert!(setup.contains("expires in 60 minutes"));
    assert!(setup.contains("you can safely ignore it"));
    let reset = render(&EmailContent::PasswordReset {
        recipient_name: "Ada".into(),
        reset_url: "https://vault.example/reset?token=r1".into(),
        expires_in_minutes: 1,
    })
    .unwrap()
    .text_body;
    assert!(reset.contains("expires in 1 minute."));
    assert!(reset.contains("If you did not ask to reset your password, you can ignore this email"));
}

#[test]
fn the_reminder_says_due_in_due_today_or_overdue_by_with_the_date() {
    let reminder = EmailContent::ComplianceReminder {
        recipient_name: "Ada".into(),
        items: vec![
            due("1 High Street", "EPC", 5),
            due("1 High Street", "Smoke alarms", 1),
            due("2 Low Road", "EICR", 0),
            due("2 Low Road", "Gas safety certificate", -1),
            due("3 Mill Lane", "Legionella assessment", -30),
        ],
        portal_url: PORTAL_URL.into(),
    };
    let rendered = render(&reminder).unwrap();
    assert_eq!(rendered.subject, "Compliance reminder: 5 requirements need attention");
    for line in [
        "- EPC, 1 High Street: due in 5 days (15 January 2026)",
        "- Smoke alarms, 1 High Street: due in 1 day (11 January 2026)",
        "- EICR, 2 Low Road: due today (10 January 2026)",
        "- Gas safety certificate, 2 Low Road: overdue by 1 day (9 January 2026)",
        "- Legionella assessment, 3 Mill Lane: overdue by 30 days (11 December 2025)",
    ] {
        assert!(
            rendered.text_body.contains(line),
            "missing {line:?} in\n{}",
            rendered.text_body
        );
    }
    assert!(
        rendered
            .html_body
            .contains("<li style=\"margin:0 0 4px;\">EICR, 2 Low Road: due today")
    );
}

#[test]
fn the_digest_lists_the_counts_then_overdue_and_due_soon_items() {
    let digest = EmailContent::MonthlyDigest {
        recipient_name: "Ada".into(),
        month: "2026-02".into(),
        counts: domain::RagCounts {
            green: 7,
            amber: 2,
            red: 1,
        },
        due_soon: vec![due("1 High Street", "EICR", 20)],
        overdue: vec![
            due("2 Low Road", "Gas safety certificate", -4),
            missing("2 Low Road", "EPC"),
        ],
        portal_url: PORTAL_URL.into(),
    };
    let text = render(&digest).unwrap().text_body;
    let expected = format!(
        "Your requirements\n- 7 up to date (green)\n- 2 due soon (amber)\n- 1 overdue or missing (red)\n\n\
         Overdue\n- Gas safety certificate, 2 Low Road: overdue by 4 days (6 January 2026) {PROPERTY_URL}\n\
         - EPC, 2 Low Road: missing {PROPERTY_URL}\n\n\
         Due soon\n- EICR, 1 High Street: due in 20 days (30 January 2026) {PROPERTY_URL}\n"
    );
    assert!(text.contains(&expected), "{text}");
    assert!(text.contains("for February 2026"));
}

#[test]
fn a_digest_with_nothing_due_says_so() {
    let digest = EmailContent::MonthlyDigest {
        recipient_name: "Ada".into(),
        month: "2026-02".into(),
        counts: domain::RagCounts {
            green: 3,
            amber: 0,
            red: 0,
        },
        due_soon: vec![],
        overdue: vec![],
        portal_url: PORTAL_URL.into(),
    };
    let text = render(&digest).unwrap().text_body;
    assert!(text.contains("Nothing is overdue or due soon."));
    assert!(!text.contains("Overdue\n"));
}
