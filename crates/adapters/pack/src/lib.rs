//! The compliance pack's outside parts: [`PdfPackRenderer`] draws it, [`ZipPackArchiver`] streams
//! the bundle, [`Ed25519PackSigner`] signs its manifest, and [`verify_pack`] checks a bundle
//! offline, as its recipient would.

mod archive;
mod pdf;
mod signing;
mod verify;

pub use archive::ZipPackArchiver;
pub use pdf::PdfPackRenderer;
pub use signing::{Ed25519PackSigner, KeyError, SignatureCheck, verify_signature};
pub use verify::{Verified, VerifyFailure, verify_pack};
