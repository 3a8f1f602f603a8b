//! Which network address a request comes from, for per-address limits. The peer, unless the peer
//! is a proxy we were told to trust: then the nearest address in `X-Forwarded-For` that is not
//! itself a trusted proxy. A client can add whatever it likes to the left of that header, so only
//! the entries our own proxies appended are believed.

use std::net::{IpAddr, SocketAddr};

use actix_web::HttpRequest;

/// The address to count the request under.
pub fn client_address(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip().to_canonical();
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    // Walk from the right (the entry our own proxy appended) past our proxies. An entry that
    // does not parse ends the walk: what lies left of it came through nobody we trust, but what
    // was read before it stands.
    let entries: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut nearest = peer;
    for entry in entries.into_iter().rev() {
        let Some(address) = parse_entry(entry) else {
            break;
        };
        nearest = address;
        if !trusted_proxies.contains(&address) {
            break;
        }
    }
    Some(nearest)
}

/// One `X-Forwarded-For` entry: `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1` or
/// `[2001:db8::1]:4711`. IPv4-mapped IPv6 addresses count as the IPv4 address they carry.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let address = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))?;
    Some(address.to_canonical())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_proxies_are_believed_and_only_for_what_they_appended() {
        let proxy = ip("10.0.0.2");
        let request = |peer: &str, forwarded: Option<&str>| {
            let mut r = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
            if let Some(f) = forwarded {
                r = r.insert_header(("X-Forwarded-For", f));
            }
            r.to_http_request()
        };
        // No trusted proxy: the header is ignored, whoever sends it.
        assert_eq!(
            client_address(&request("203.0.113.7", Some("1.2.3.4")), &[]),
            Some(ip("203.0.113.7"))
        );
        // Behind our proxy: the address it appended, not what the client wrote before it.
        let spoofed = request("10.0.0.2", Some("1.2.3.4, 198.51.100.9"));
        assert_eq!(client_address(&spoofed, &[proxy]), Some(ip("198.51.100.9")));
        // Two proxies of ours in a row.
        let chain = request("10.0.0.2", Some("198.51.100.9, 10.0.0.3"));
        assert_eq!(
            client_address(&chain, &[proxy, ip("10.0.0.3")]),
            Some(ip("198.51.100.9"))
        );
        // A trusted peer without (or with a garbled) header counts as itself.
        assert_eq!(client_address(&request("10.0.0.2", None), &[proxy]), Some(proxy));
        assert_eq!(
            client_address(&request("10.0.0.2", Some("nonsense")), &[proxy]),
            Some(proxy)
        );
    }

    /// A request from our proxy at 10.0.0.2 with this `X-Forwarded-For`.
    fn forwarded(header: &str) -> actix_web::HttpRequest {
        TestRequest::default()
            .peer_addr("10.0.0.2:4000".parse().unwrap())
            .insert_header(("X-Forwarded-For", header))
            .to_http_request()
    }

    #[test]
    fn an_unparseable_entry_ends_the_walk_without_discarding_what_was_read() {
        let proxies = [ip("10.0.0.2"), ip("10.0.0.3")];
        let request = forwarded;
        // The client forged a garbled entry to the left of its real address: the address our
        // proxy appended still counts, not the proxy, and nothing left of the garbage.
        assert_eq!(
            client_address(&request("1.2.3.4, garbage, 198.51.100.9"), &proxies),
            Some(ip("198.51.100.9"))
        );
        // Garbage straight after our proxies: the last proxy read is the nearest we know.
        assert_eq!(
            client_address(&request("1.2.3.4, garbage, 10.0.0.3"), &proxies),
            Some(ip("10.0.0.3"))
        );
    }

    #[test]
    fn entries_with_ports_and_bracketed_ipv6_are_understood() {
        let proxy = ip("10.0.0.2");
        let request = forwarded;
        assert_eq!(
            client_address(&request("198.51.100.9:5123"), &[proxy]),
            Some(ip("198.51.100.9"))
        );
        assert_eq!(
            client_address(&request("[2001:db8::7]:5123"), &[proxy]),
            Some(ip("2001:db8::7"))
        );
        assert_eq!(
            client_address(&request("2001:db8::7"), &[proxy]),
            Some(ip("2001:db8::7"))
        );
        assert_eq!(
            client_address(&request("::ffff:198.51.100.9"), &[proxy]),
            Some(ip("198.51.100.9"))
        );
    }
}
