//! Text read back from PDFs the tests write (a gas safety record, an EICR, an EPC), and nothing
//! (never a panic) from images and broken files.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use adapter_pdf::PdfText;
use domain::FileType;
use ports::Extractor;
use testkit::fixtures::{pdf_of_objects, text_pdf};

#[test]
fn the_lines_of_generated_certificates_read_back_in_order() {
    let certificates: [&[&str]; 3] = [
        &[
            "LANDLORD GAS SAFETY RECORD (CP12)",
            "Gas Safe registration number 612345",
            "Date of inspection: 10/01/2026",
        ],
        &[
            "ELECTRICAL INSTALLATION CONDITION REPORT",
            "Date of inspection 3 March 2025",
        ],
        &[
            "Energy Performance Certificate (EPC)",
            "Current energy rating: D",
            "Valid until: 28 February 2035",
        ],
    ];
    for lines in certificates {
        let text = PdfText
            .text_of(FileType::Pdf, &text_pdf(lines))
            .expect("the PDF has text");
        let read: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(read, lines, "{text:?}");
    }
}

#[test]
fn images_and_broken_files_give_no_text_and_never_panic() {
    assert_eq!(PdfText.text_of(FileType::Png, b"\x89PNG\r\n\x1a\n"), None);
    assert_eq!(PdfText.text_of(FileType::Pdf, b"%PDF-1.7\nthis is not a pdf"), None);
    let whole = text_pdf(&["Gas Safety Record"]);
    for cut in [10, whole.len() / 3, whole.len() / 2, whole.len() - 20] {
        let _ = PdfText.text_of(FileType::Pdf, &whole[..cut]);
    }
}

/// A one-line certificate with `extra` objects added, written by lopdf.
fn certificate_with(extra: impl FnOnce(&mut lopdf::Document)) -> Vec<u8> {
    let mut document = lopdf::Document::load_mem(&text_pdf(&["Gas Safety Record"])).unwrap();
    extra(&mut document);
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn an_ordinary_certificate_rewritten_by_lopdf_still_reads() {
    let bytes = certificate_with(|document| {
        for _ in 0..100 {
            document.add_object(lopdf::Object::Null);
        }
    });
    assert_eq!(
        PdfText.text_of(FileType::Pdf, &bytes).as_deref(),
        Some("Gas Safety Record")
    );
}

/// A one-page certificate followed by `extra` objects, written byte by byte (lopdf's writer
/// leaves object streams out).
fn raw_certificate_with(extra: &[Vec<u8>]) -> Vec<u8> {
    let content = b"BT /F1 11 Tf 72 740 Td (Gas Safety Record) Tj ET";
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_vec(),
        [format!("<< /Length {} >>\nstream\n", content.len()).as_bytes(), content, b"\nendstream"].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    objects.extend(extra.iter().cloned());
    pdf_of_objects(&objects)
}

/// An object stream holding one `null`, padded to inflate to `inflated` bytes, deflated.
fn object_stream(number: u32, inflated: usize) -> Vec<u8> {
    let header = format!("{number} 0 ");
    let mut content = header.clone().into_bytes();
    content.resize(inflated, b' ');
    content.extend_from_slice(b"null");
    let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), content);
    stream.compress().unwrap();
    [
        format!(
            "<< /Type /ObjStm /N 1 /First {} /Filter /FlateDecode /Length {} >>\nstream\n",
            header.len(),
            stream.content.len()
        )
        .as_bytes(),
        &stream.content,
        b"\nendstream",
    ]
    .concat()
}

#[test]
fn object_streams_within_the_budget_are_read() {
    let bytes = raw_certificate_with(&[object_stream(900, 1024 * 1024)]);
    assert_eq!(
        PdfText.text_of(FileType::Pdf, &bytes).as_deref(),
        Some("Gas Safety Record")
    );
}

#[test]
fn object_streams_that_inflate_past_the_total_budget_are_not_read() {
    // Ten object streams of 3.5 MiB each: every one is under the per-stream limit, together
    // they are 35 MiB of memory for a file of a few tens of kilobytes.
    let bombs: Vec<Vec<u8>> = (0..10).map(|n| object_stream(900 + n, 3_500_000)).collect();
    let bytes = raw_certificate_with(&bombs);
    assert!(bytes.len() < 200_000, "a small file: {} bytes", bytes.len());
    assert_eq!(PdfText.text_of(FileType::Pdf, &bytes), None);
}

#[test]
fn a_file_of_too_many_objects_is_not_read() {
    let bytes = certificate_with(|document| {
        for _ in 0..60_000 {
            document.add_object(lopdf::Object::Null);
        }
    });
    assert_eq!(PdfText.text_of(FileType::Pdf, &bytes), None);
}

#[test]
fn a_page_too_heavy_to_parse_is_skipped_and_the_light_ones_read() {
    // Page 1 inflates to 1 MiB of text operators (about 100 MiB to parse); page 2 is a line.
    let mut operators = b"BT ".to_vec();
    operators.extend(b"(x) Tj ".repeat(150_000));
    operators.extend(b"ET");
    let mut heavy = lopdf::Stream::new(lopdf::Dictionary::new(), operators);
    heavy.compress().unwrap();
    let light = b"BT /F1 11 Tf 72 740 Td (Gas Safety Record) Tj ET";
    let page = |contents: u32| {
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {contents} 0 R /Resources << /Font << /F1 7 0 R >> >> >>"
        )
        .into_bytes()
    };
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>".to_vec(),
        page(5),
        page(6),
        [
            format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", heavy.content.len()).as_bytes(),
            &heavy.content,
            b"\nendstream",
        ]
        .concat(),
        [
            format!("<< /Length {} >>\nstream\n", light.len()).as_bytes(),
            light,
            b"\nendstream",
        ]
        .concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    assert_eq!(
        PdfText.text_of(FileType::Pdf, &pdf_of_objects(&objects)).as_deref(),
        Some("Gas Safety Record")
    );
}
