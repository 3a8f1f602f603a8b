//! Who is asking, and under which request: carried into every audit entry.

use domain::{Actor, RequestId};

/// The caller of a use case.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub actor: Actor,
    pub request_id: Option<RequestId>,
    /// The network address the request came from, for per-address rate limits.
    pub source_address: Option<String>,
}

impl RequestContext {
    /// A context for work the system does by itself (jobs, command-line tools).
    pub fn system() -> Self {
        Self {
            actor: Actor::system(),
            request_id: None,
            source_address: None,
        }
    }
}
