//! Builds the text and HTML bodies side by side from the same pieces, and wraps the HTML in the
//! one shared layout. Every piece of text passes through `escape_html` on its way into HTML, so a
//! template cannot forget to escape a model value.

use std::fmt::Write as _;

use super::{Rendered, escape_html, one_line_subject};

const BRAND: &str = "#17375e";
const MUTED: &str = "#616e7c";
const FOOTER: &str = "Compliance Vault gives information about your compliance obligations, not legal advice.";

/// The bodies of one email, built piece by piece in the order the reader sees them.
#[derive(Debug)]
pub(super) struct Body {
    text: String,
    html: String,
}

// Writing to a `String` cannot fail, so the `fmt::Result`s below are ignored on purpose.
impl Body {
    /// Starts with a greeting by name ("Hello," when the name is blank).
    pub(super) fn greeting(recipient_name: &str) -> Self {
        let name = recipient_name.trim();
        let greeting = if name.is_empty() {
            "Hello,".to_owned()
        } else {
            format!("Hello {name},")
        };
        Self {
            text: String::new(),
            html: String::new(),
        }
        .para(&greeting)
    }

    /// A paragraph; line breaks in it are kept.
    pub(super) fn para(mut self, text: &str) -> Self {
        let _ = write!(self.text, "{text}\n\n");
        let html = escape_html(text).replace('\n', "<br>\n");
        let _ = writeln!(self.html, r#"<p style="margin:0 0 16px;">{html}</p>"#);
        self
    }

    /// A call to action: a button in HTML, with the link spelt out beneath it for clients that
    /// hide buttons; the label and the whole link on their own lines in text.
    pub(super) fn button(mut self, label: &str, url: &str) -> Self {
        let _ = write!(self.text, "{label}:\n{url}\n\n");
        let (label, url) = (escape_html(label), escape_html(url));
        let _ = writeln!(
            self.html,
            concat!(
                r#"<p style="margin:24px 0;"><a href="{url}" style="display:inline-block;padding:12px 20px;"#,
                r#"background:{brand};color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold;">"#,
                r#"{label}</a></p>"#,
                "\n",
                r#"<p style="margin:0 0 16px;font-size:13px;color:{muted};word-break:break-all;">"#,
                r#"If the button does not work, paste this link into your browser:<br>"#,
                r#"<a href="{url}" style="color:{brand};">{url}</a></p>"#,
            ),
            url = url,
            label = label,
            brand = BRAND,
            muted = MUTED,
        );
        self
    }

    /// A heading followed by a bulleted list.
    pub(super) fn list<I: AsRef<str>>(mut self, heading: &str, items: &[I]) -> Self {
        let _ = writeln!(self.text, "{heading}");
        let _ = writeln!(
            self.html,
            r#"<p style="margin:0 0 8px;font-weight:bold;">{}</p>"#,
            escape_html(heading)
        );
        self.html
            .push_str("<ul style=\"margin:0 0 16px;padding-left:20px;\">\n");
        for item in items {
            let item = item.as_ref();
            let _ = writeln!(self.text, "- {item}");
            let _ = writeln!(self.html, r#"<li style="margin:0 0 4px;">{}</li>"#, escape_html(item));
        }
        self.html.push_str("</ul>\n");
        self.text.push('\n');
        self
    }

    /// Signs off, adds the footer and wraps the HTML in the shared layout.
    pub(super) fn finish(self, subject: &str) -> Rendered {
        let Self { mut text, html } = self.para("Best wishes,\nThe Compliance Vault team");
        let subject = one_line_subject(subject);
        let _ = write!(text, "--\n{FOOTER}\n");
        let html_body = layout(&subject, &html);
        Rendered {
            subject,
            text_body: text,
            html_body,
        }
    }
}

/// The one HTML layout: a header naming the service, the content, and the footer.
fn layout(subject: &str, content: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;padding:24px 0;">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2933;">
<tr><td style="padding:20px 32px;background:{brand};border-radius:8px 8px 0 0;color:#ffffff;font-size:20px;font-weight:bold;">Compliance Vault</td></tr>
<tr><td style="padding:24px 32px 8px;">
{content}</td></tr>
<tr><td style="padding:16px 32px;border-top:1px solid #e4e7eb;font-size:13px;color:{muted};">{footer}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"#,
        title = escape_html(subject),
        brand = BRAND,
        muted = MUTED,
        footer = FOOTER,
    )
}
