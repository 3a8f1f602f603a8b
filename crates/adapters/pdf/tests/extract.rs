//! Text read back from PDFs the tests write (a gas safety record, an EICR, an EPC), and nothing
//! (never a panic) from images and broken files.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use adapter_pdf::PdfText;
use domain::FileType;
use ports::Extractor;
use testkit::fixtures::text_pdf;

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
