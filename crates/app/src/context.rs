//! Who is asking, and under which request: carried into every audit entry.

use std::net::{IpAddr, Ipv6Addr};

use domain::{Actor, RequestId};

/// The caller of a use case.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub actor: Actor,
    pub request_id: Option<RequestId>,
    /// The network address the request came from (as audited), for per-address rate limits.
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

    /// What per-address limits count the caller under: the IPv4 address, or the IPv6 /64 the
    /// address lies in (one subscriber is given a whole /64, so counting single IPv6 addresses
    /// would let one machine take 2^64 turns).
    pub fn address_bucket(&self) -> Option<String> {
        let address = self.source_address.as_deref()?;
        Some(match address.parse::<IpAddr>() {
            Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
                let network = Ipv6Addr::from_bits(v6.to_bits() & !((1u128 << 64) - 1));
                format!("{network}/64")
            }
            Ok(IpAddr::V6(v6)) => v6.to_canonical().to_string(),
            _ => address.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(address: &str) -> Option<String> {
        RequestContext {
            source_address: Some(address.to_owned()),
            ..RequestContext::system()
        }
        .address_bucket()
    }

    #[test]
    fn ipv6_callers_are_counted_per_64_and_ipv4_per_address() {
        assert_eq!(from("203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(from("2001:db8:1:2::1").as_deref(), Some("2001:db8:1:2::/64"));
        assert_eq!(
            from("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            from("2001:db8:1:2::1"),
            "one /64, one bucket"
        );
        assert_ne!(from("2001:db8:1:3::1"), from("2001:db8:1:2::1"));
        assert_eq!(from("::ffff:203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(RequestContext::system().address_bucket(), None);
    }
}
