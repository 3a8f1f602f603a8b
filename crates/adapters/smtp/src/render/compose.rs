//! Builds an email as a list of blocks in the order the reader sees them, then renders the blocks
//! twice with askama, the pages' template engine: once into the plain-text body
//! (`templates/email/body.txt`, nothing escaped) and once into the HTML layout
//! (`templates/email/body.html`, every value escaped by the engine). The wording lives in
//! `templates.rs`; what a paragraph, a button or a list looks like lives in the two templates.

use askama::Template;

use super::{Rendered, one_line_subject};

const FOOTER: &str = "Compliance Vault gives information about your compliance obligations, not legal advice.";

/// One piece of an email.
#[derive(Debug)]
pub(super) enum Block {
    /// A paragraph; its line breaks are kept.
    Para(String),
    /// A call to action: a button in HTML with the link spelt out beneath it for clients that
    /// hide buttons; the label and the whole link on their own lines in text.
    Button { label: String, url: String },
    /// A heading followed by a bulleted list.
    List { heading: String, items: Vec<String> },
}

/// The bodies of one email, built block by block.
#[derive(Debug)]
pub(super) struct Body {
    blocks: Vec<Block>,
}

impl Body {
    /// Starts with a greeting by name ("Hello," when the name is blank).
    pub(super) fn greeting(recipient_name: &str) -> Self {
        let name = recipient_name.trim();
        let greeting = if name.is_empty() {
            "Hello,".to_owned()
        } else {
            format!("Hello {name},")
        };
        Self { blocks: Vec::new() }.para(&greeting)
    }

    pub(super) fn para(mut self, text: &str) -> Self {
        self.blocks.push(Block::Para(text.to_owned()));
        self
    }

    pub(super) fn button(mut self, label: &str, url: &str) -> Self {
        self.blocks.push(Block::Button {
            label: label.to_owned(),
            url: url.to_owned(),
        });
        self
    }

    pub(super) fn list<I: AsRef<str>>(mut self, heading: &str, items: &[I]) -> Self {
        self.blocks.push(Block::List {
            heading: heading.to_owned(),
            items: items.iter().map(|item| item.as_ref().to_owned()).collect(),
        });
        self
    }

    /// Signs off, adds the footer and renders both bodies.
    pub(super) fn finish(self, subject: &str) -> Result<Rendered, askama::Error> {
        let Self { blocks } = self.para("Best wishes,\nThe Compliance Vault team");
        let subject = one_line_subject(subject);
        let text_body = TextBody {
            blocks: &blocks,
            footer: FOOTER,
        }
        .render()?;
        let html_body = HtmlBody {
            subject: &subject,
            blocks: &blocks,
            footer: FOOTER,
        }
        .render()?;
        Ok(Rendered {
            subject,
            text_body,
            html_body,
        })
    }
}

#[derive(Template)]
#[template(path = "email/body.txt")]
struct TextBody<'a> {
    blocks: &'a [Block],
    footer: &'a str,
}

#[derive(Template)]
#[template(path = "email/body.html")]
struct HtmlBody<'a> {
    subject: &'a str,
    blocks: &'a [Block],
    footer: &'a str,
}
