//! The `Extractor` port over lopdf: the text of a PDF's first pages. Uploaded PDFs are hostile
//! input, so the whole read runs under budgets: every stream is decompressed against a limit, the
//! object streams of a file together inflate to at most [`MAX_TOTAL_INFLATED_BYTES`], a file of
//! more than [`MAX_OBJECTS`] objects is not read at all, only the first pages are read and only
//! those whose content is light enough to parse ([`MAX_PAGE_CONTENT_BYTES`], and
//! [`MAX_TOTAL_PAGE_CONTENT_BYTES`] together), the text is capped, and a panic in the parser is
//! caught. A file over a budget gives `None`, never a
//! crash or an error for the upload. Bounding how many reads run at once, and for how long a
//! caller waits, is the caller's part (the server's extraction pool).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use domain::FileType;
use lopdf::{Object, ObjectId};
use ports::Extractor;

/// The most any one stream may inflate to.
pub const MAX_STREAM_BYTES: usize = 4 * 1024 * 1024;
/// The most all of a file's object streams may inflate to together.
pub const MAX_TOTAL_INFLATED_BYTES: usize = 32 * 1024 * 1024;
/// Certificates have hundreds of objects; a file with more than this is not one.
pub const MAX_OBJECTS: usize = 50_000;
/// Certificates say what they are on their first pages.
pub const MAX_PAGES: usize = 10;
/// The most one page's content may inflate to: a page of text is a few kilobytes of operators,
/// and parsing costs about a hundred bytes of memory per byte of them. A heavier page is skipped.
pub const MAX_PAGE_CONTENT_BYTES: usize = 256 * 1024;
/// The most the pages read may inflate to together.
pub const MAX_TOTAL_PAGE_CONTENT_BYTES: usize = 1024 * 1024;
/// The most text returned.
pub const MAX_TEXT_CHARS: usize = 100_000;

/// Reads text from PDFs with lopdf.
#[derive(Debug, Default, Clone, Copy)]
pub struct PdfText;

impl Extractor for PdfText {
    fn text_of(&self, file_type: FileType, bytes: &[u8]) -> Option<String> {
        if file_type != FileType::Pdf {
            return None;
        }
        catch_unwind(AssertUnwindSafe(|| read(bytes))).ok().flatten()
    }
}

/// What one read has spent so far. lopdf calls the load filter as a plain function, so the
/// budget lives with the thread doing the read (reads are sequential: lopdf's parallel loading
/// is not compiled in).
#[derive(Debug, Clone, Copy, Default)]
struct Budget {
    objects: usize,
    inflated: usize,
    exceeded: bool,
}

thread_local! {
    static BUDGET: Cell<Budget> = const { Cell::new(Budget { objects: 0, inflated: 0, exceeded: false }) };
}

fn read(bytes: &[u8]) -> Option<String> {
    // A cheap count before any parsing: every indirect object is introduced by " obj".
    if count_object_headers(bytes) > MAX_OBJECTS {
        return None;
    }
    BUDGET.with(|b| b.set(Budget::default()));
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        filter: Some(within_budget),
        ..lopdf::LoadOptions::default()
    };
    let loaded = lopdf::Document::load_mem_with_options(bytes, options);
    if BUDGET.with(Cell::get).exceeded {
        return None;
    }
    let document = loaded.ok()?;
    let mut text = String::new();
    let mut room = MAX_TOTAL_PAGE_CONTENT_BYTES;
    for (number, id) in document.get_pages().into_iter().take(MAX_PAGES) {
        // Measured before it is parsed: inflating is cheap, parsing what it gives is not.
        let Ok(content) = document.get_page_content_with_limit(id, MAX_PAGE_CONTENT_BYTES.min(room)) else {
            continue;
        };
        room -= content.len();
        drop(content);
        if let Some(Ok(page)) = document
            .extract_text_chunks_with_limit(&[number], MAX_PAGE_CONTENT_BYTES)
            .into_iter()
            .next()
        {
            text.push_str(&page);
        }
        if room == 0 || text.len() >= MAX_TEXT_CHARS * 4 {
            break;
        }
    }
    let text: String = text.trim().chars().take(MAX_TEXT_CHARS).collect();
    (!text.is_empty()).then_some(text)
}

fn count_object_headers(bytes: &[u8]) -> usize {
    bytes.windows(4).filter(|w| *w == b" obj").count()
}

/// The load filter: counts objects and what object streams inflate to, and once a budget is
/// spent drops everything (the read then gives `None`). lopdf keeps its own object after the
/// filter at the top level and takes the returned one inside object streams, which hold no
/// streams; so a stream is answered with a placeholder and anything else with a copy.
fn within_budget(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    let mut budget = BUDGET.with(Cell::get);
    if budget.exceeded {
        return None;
    }
    budget.objects += 1;
    if budget.objects > MAX_OBJECTS {
        budget.exceeded = true;
    }
    let kept = match object {
        Object::Stream(stream) => {
            if !budget.exceeded && stream.dict.has_type(b"ObjStm") {
                let room = MAX_TOTAL_INFLATED_BYTES.saturating_sub(budget.inflated);
                match stream.get_plain_content_with_limit(room.min(MAX_STREAM_BYTES)) {
                    Ok(content) => budget.inflated += content.len(),
                    Err(_) => budget.exceeded = true,
                }
            }
            Object::Null
        }
        other => other.clone(),
    };
    BUDGET.with(|b| b.set(budget));
    (!budget.exceeded).then_some((id, kept))
}
