//! Reads one file's text as the server does for suggestions, and says what it found: for timing
//! hostile files from outside (`just bench-pdf`).

use adapter_pdf::PdfText;
use domain::FileType;
use ports::Extractor;

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: read FILE.pdf");
        return std::process::ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("{path}: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let text = PdfText.text_of(FileType::Pdf, &bytes);
    eprintln!(
        "{path}: {} bytes, {}",
        bytes.len(),
        text.map_or_else(
            || "no text read".to_owned(),
            |t| format!("{} characters of text", t.len())
        )
    );
    std::process::ExitCode::SUCCESS
}
