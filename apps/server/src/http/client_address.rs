//! Which network address a request comes from, for per-address limits. The peer, unless the peer
//! is a proxy we were told to trust: then the nearest address in `X-Forwarded-For` that is not
//! itself a trusted proxy. A client can add whatever it likes to the left of that header, so only
//! the entries our own proxies appended are believed.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// The address to count the request under.
pub fn client_address(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|a| a.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted_proxies.contains(a))
            .unwrap_or(peer),
    )
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
}
