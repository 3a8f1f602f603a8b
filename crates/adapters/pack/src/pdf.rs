//! The pack as a PDF, drawn with printpdf (whose API changes often: it stays in this module).
//! Text is set in Liberation Sans, embedded, because the fourteen built-in PDF fonts cannot draw
//! Welsh letters (ŵ, ŷ in "Tŷ Newydd"). printpdf subsets fonts only with its layout engine,
//! which we do not build, so the whole face goes into each PDF (about 230 KB compressed): one
//! face, with bold drawn by stroking the glyphs' outlines as they are filled. Lines are laid out
//! by measured glyph widths, pages broken where the next block would not fit, and every page
//! gets its footer once the page count is known.

use std::sync::OnceLock;

use domain::Rag;
use domain::pack::{CompliancePack, PackEvidence, PackProperty, PackRequirement};
use ports::{PackError, PackRenderer};
use printpdf::{
    Color, FontId, Line, LinePoint, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    Rgb, TextItem, TextRenderingMode,
};

const FONT_TTF: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");

/// A4 in points, and the margins.
const WIDTH: f32 = 595.28;
const HEIGHT: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = WIDTH - 50.0;
const TOP: f32 = HEIGHT - 56.0;
const BOTTOM: f32 = 64.0;

/// The font, parsed once per process.
fn font() -> Result<&'static ParsedFont, PackError> {
    static FONT: OnceLock<Option<ParsedFont>> = OnceLock::new();
    FONT.get_or_init(|| ParsedFont::from_bytes(FONT_TTF, 0, &mut Vec::new()))
        .as_ref()
        .ok_or_else(|| PackError::Render("the embedded font cannot be read".into()))
}

/// The outline stroked around bold glyphs, per point of size.
const BOLD_STROKE: f32 = 0.035;

/// Draws packs as PDFs.
#[derive(Debug, Default, Clone, Copy)]
pub struct PdfPackRenderer;

impl PackRenderer for PdfPackRenderer {
    fn pdf(&self, pack: &CompliancePack, json_sha256: &[u8; 32]) -> Result<Vec<u8>, PackError> {
        let font = font()?;
        let mut doc = PdfDocument::new(&format!("Compliance pack {}", pack.client.full_name));
        let face = Face {
            id: doc.add_font(font),
            font,
        };
        let mut layout = Layout::new(&face);
        cover(&mut layout, pack);
        for property in &pack.properties {
            property_section(&mut layout, property);
        }
        let pages = layout.finish(&format!(
            "Pack {} · SHA-256 of the pack's JSON {}",
            pack.pack_id,
            hex::encode(json_sha256)
        ));
        let mut warnings = Vec::new();
        Ok(doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut warnings))
    }
}

struct Face<'a> {
    id: FontId,
    font: &'a ParsedFont,
}

impl Face<'_> {
    /// The width of `text` at `size`, from the font's advance widths.
    fn width(&self, text: &str, style: Style) -> f32 {
        let size = style.size;
        let per_em = f32::from(self.font.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                self.font
                    .lookup_glyph_index(u32::from(c))
                    .and_then(|g| self.font.get_glyph_width(g))
                    .map_or(500, u32::from)
            })
            .sum();
        // Widths of a page's text stay far inside f32's exact integers.
        #[allow(clippy::cast_precision_loss)]
        let units = units as f32;
        // Stroking grows each glyph by the outline's thickness but keeps its advance: the line
        // ends that much further right.
        let stroke = if style.bold && !text.is_empty() {
            BOLD_STROKE * size
        } else {
            0.0
        };
        units / per_em * size + stroke
    }
}

#[derive(Clone, Copy)]
struct Style {
    bold: bool,
    size: f32,
    color: (f32, f32, f32),
}

const BODY: Style = Style {
    bold: false,
    size: 9.5,
    color: (0.1, 0.1, 0.1),
};
const SMALL: Style = Style {
    size: 7.5,
    color: (0.3, 0.3, 0.3),
    ..BODY
};
const HEADING: Style = Style {
    bold: true,
    size: 14.0,
    ..BODY
};
const SUBHEADING: Style = Style {
    bold: true,
    size: 10.5,
    ..BODY
};

const fn rag_color(rag: Rag) -> (f32, f32, f32) {
    match rag {
        Rag::Green => (0.05, 0.45, 0.2),
        Rag::Amber => (0.7, 0.42, 0.0),
        Rag::Red => (0.75, 0.1, 0.1),
        Rag::Grey => (0.4, 0.4, 0.4),
    }
}

/// Places lines down pages.
struct Layout<'a> {
    face: &'a Face<'a>,
    /// Pages filled, and the one being filled.
    done: Vec<Vec<Op>>,
    page: Vec<Op>,
    y: f32,
}

impl<'a> Layout<'a> {
    fn new(face: &'a Face<'a>) -> Self {
        Self {
            face,
            done: Vec::new(),
            page: Vec::new(),
            y: TOP,
        }
    }

    fn page(&mut self) {
        self.done.push(std::mem::take(&mut self.page));
        self.y = TOP;
    }

    /// Starts a new page unless `height` points still fit on this one.
    fn keep(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.page();
        }
    }

    fn text_at(&mut self, x: f32, y: f32, text: &str, style: Style) {
        let ops = self.text_ops(x, y, text, style);
        self.page.extend(ops);
    }

    fn text_ops(&self, x: f32, y: f32, text: &str, style: Style) -> [Op; 9] {
        let font = self.face.id.clone();
        let (r, g, b) = style.color;
        let color = Color::Rgb(Rgb::new(r, g, b, None));
        let (mode, outline) = if style.bold {
            (TextRenderingMode::FillStroke, BOLD_STROKE * style.size)
        } else {
            (TextRenderingMode::Fill, 0.0)
        };
        [
            Op::StartTextSection,
            Op::SetTextRenderingMode { mode },
            Op::SetOutlineColor { col: color.clone() },
            Op::SetOutlineThickness { pt: Pt(outline) },
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(style.size),
            },
            Op::SetFillColor { col: color },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]
    }

    /// `text` from `indent`, wrapped at the right margin, each line kept whole on a page.
    fn para(&mut self, indent: f32, text: &str, style: Style) {
        let leading = style.size * 1.3;
        for line in self.wrap(text, style, RIGHT - LEFT - indent) {
            self.keep(leading);
            self.y -= leading;
            self.text_at(LEFT + indent, self.y, &line, style);
        }
    }

    /// Label and value on one line, the value wrapped after the label.
    fn field(&mut self, indent: f32, label: &str, value: &str, style: Style) {
        let bold = Style { bold: true, ..style };
        let label_width = self.face.width(label, bold) + 4.0;
        let lines = self.wrap(value, style, RIGHT - LEFT - indent - label_width);
        let leading = style.size * 1.3;
        for (i, line) in lines.iter().enumerate() {
            self.keep(leading);
            self.y -= leading;
            if i == 0 {
                self.text_at(LEFT + indent, self.y, label, bold);
            }
            self.text_at(LEFT + indent + label_width, self.y, line, style);
        }
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    fn rule(&mut self) {
        self.gap(4.0);
        let y = self.y;
        let point = |x| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        self.page.extend([
            Op::SetOutlineColor {
                col: Color::Rgb(Rgb::new(0.75, 0.75, 0.75, None)),
            },
            Op::SetOutlineThickness { pt: Pt(0.5) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(LEFT), point(RIGHT)],
                    is_closed: false,
                },
            },
        ]);
        self.gap(4.0);
    }

    /// Greedy line breaking by measured width; a word longer than a line (a hash) is cut.
    fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let face = self.face;
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if face.width(&candidate, style) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut rest = word;
            while face.width(rest, style) > width {
                let cut = (1..rest.len())
                    .rev()
                    .filter(|i| rest.is_char_boundary(*i))
                    .find(|i| face.width(&rest[..*i], style) <= width)
                    .unwrap_or_else(|| rest.chars().next().map_or(rest.len(), char::len_utf8));
                lines.push(rest[..cut].to_owned());
                rest = &rest[cut..];
            }
            rest.clone_into(&mut line);
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// The pages, each with the footer and its number.
    fn finish(mut self, footer: &str) -> Vec<PdfPage> {
        if !self.page.is_empty() {
            self.page();
        }
        let count = self.done.len();
        let pages = std::mem::take(&mut self.done);
        pages
            .into_iter()
            .enumerate()
            .map(|(i, mut ops)| {
                let number = format!("Page {} of {count}", i + 1);
                let width = self.face.width(&number, SMALL);
                ops.extend(self.text_ops(LEFT, 40.0, footer, SMALL));
                ops.extend(self.text_ops(RIGHT - width, 28.0, &number, SMALL));
                PdfPage::new(printpdf::Mm(210.0), printpdf::Mm(297.0), ops)
            })
            .collect()
    }
}

fn cover(l: &mut Layout<'_>, pack: &CompliancePack) {
    l.para(0.0, "Compliance pack", Style { size: 22.0, ..HEADING });
    l.gap(6.0);
    let client = &pack.client;
    l.para(0.0, &client.full_name, SUBHEADING);
    if let Some(company) = &client.company_name {
        l.para(0.0, company, BODY);
    }
    l.para(0.0, &client.email, BODY);
    l.gap(8.0);
    l.field(0.0, "As of:", &pack.as_of.format("%-d %B %Y").to_string(), BODY);
    let generated = pack.generated_at.format("%-d %B %Y %H:%M:%S UTC").to_string();
    l.field(0.0, "Generated:", &generated, BODY);
    l.field(0.0, "Pack:", &pack.pack_id.to_string(), BODY);
    l.field(0.0, "Plan:", client.billing_plan.as_str(), BODY);
    if let Some(head) = &pack.audit_head {
        l.field(0.0, "Audit chain:", &format!("entry {} {}", head.seq, head.hash), SMALL);
    }
    l.gap(10.0);
    l.para(0.0, &pack.notice, Style { size: 8.5, ..BODY });
    l.rule();

    l.para(0.0, "Portfolio summary", HEADING);
    l.gap(4.0);
    let summary = &pack.summary;
    if let Some(status) = summary.portfolio_status {
        let style = Style {
            color: rag_color(status),
            ..SUBHEADING
        };
        l.field(0.0, "Portfolio:", status.as_str(), style);
    }
    l.field(0.0, "Properties:", &summary.properties.to_string(), BODY);
    l.field(0.0, "Requirements:", &summary.requirements.to_string(), BODY);
    l.field(0.0, "Verified documents:", &summary.evidence.to_string(), BODY);
    let counts = |map: &std::collections::BTreeMap<String, u32>| {
        map.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    l.field(0.0, "By colour:", &counts(&summary.by_rag), BODY);
    l.field(0.0, "By status:", &counts(&summary.by_status), BODY);
    l.gap(4.0);
    for property in &pack.properties {
        let style = Style {
            color: rag_color(property.status),
            ..BODY
        };
        l.field(8.0, &format!("{}:", property.status), &address(property), style);
    }
    l.page();
}

fn address(p: &PackProperty) -> String {
    let mut parts = vec![p.address_line_1.as_str()];
    parts.extend(p.address_line_2.as_deref());
    parts.extend([p.city.as_str(), p.postcode.as_str()]);
    parts.join(", ")
}

fn property_section(l: &mut Layout<'_>, property: &PackProperty) {
    l.keep(80.0);
    l.gap(6.0);
    l.para(0.0, &address(property), HEADING);
    let status = Style {
        color: rag_color(property.status),
        ..SUBHEADING
    };
    l.field(0.0, "Status:", property.status.as_str(), status);
    l.field(0.0, "Nation:", &property.nation, BODY);
    l.field(0.0, "Property id:", &property.property_id.to_string(), SMALL);
    for requirement in &property.requirements {
        requirement_block(l, requirement);
    }
    l.rule();
}

fn requirement_block(l: &mut Layout<'_>, r: &PackRequirement) {
    l.keep(60.0);
    l.gap(6.0);
    l.para(8.0, &format!("{} ({})", r.name, r.requirement), SUBHEADING);
    let style = Style {
        color: rag_color(r.rag),
        bold: true,
        ..BODY
    };
    l.field(16.0, "Status:", &format!("{} · {}", r.status, r.rag), style);
    let due = r.due_date.map_or_else(|| "none".to_owned(), |d| d.to_string());
    l.field(16.0, "Due date:", &due, BODY);
    l.field(16.0, "Reason:", &r.reason, BODY);
    l.field(16.0, "Legal source:", &r.legal_source, BODY);
    if r.evidence.is_empty() {
        l.field(16.0, "Evidence:", "none verified", BODY);
    }
    for evidence in &r.evidence {
        evidence_block(l, evidence);
    }
}

fn evidence_block(l: &mut Layout<'_>, e: &PackEvidence) {
    l.keep(40.0);
    l.gap(2.0);
    l.field(
        16.0,
        "Evidence:",
        &format!("{} ({})", e.file_name, e.archive_name),
        BODY,
    );
    let mut issued = format!("issued {}", e.issue_date);
    if let Some(expiry) = e.expiry_date {
        issued.push_str(&format!(", expires {expiry}"));
    }
    l.field(24.0, "Dates:", &issued, SMALL);
    l.field(24.0, "SHA-256:", &e.sha256, SMALL);
    let verified = match (&e.verified_by, e.verified_at) {
        (Some(by), Some(at)) => format!("by {by} on {}", at.format("%Y-%m-%d %H:%M UTC")),
        (None, Some(at)) => format!("on {}", at.format("%Y-%m-%d %H:%M UTC")),
        _ => "yes".to_owned(),
    };
    l.field(24.0, "Verified:", &verified, SMALL);
}
