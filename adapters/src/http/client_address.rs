//! Who is calling, as a network address, for limits kept per client: the peer, or, when the peer is
//! a trusted proxy, the address that proxy says it forwarded for.
//!
//! `X-Forwarded-For` is read from the right, the end the nearest proxy wrote: each hop that is itself
//! a trusted proxy passes the question to the address before it, and the first untrusted one is the
//! client. Anything left of that was written by the client and proves nothing. With no trusted
//! proxies configured the header is never read, so a client cannot choose its own address.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The calling client's address, in every request's extensions (see [`super::router`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddress(pub IpAddr);

/// The networks whose connections may name the client in `X-Forwarded-For`.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    /// A comma-separated list of addresses and networks, such as `10.0.0.0/8, 192.168.1.7`; empty
    /// trusts none.
    ///
    /// # Errors
    /// The first entry that is neither, quoted.
    pub fn parse(list: &str) -> Result<Self, String> {
        let networks = list
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("`{entry}` is not an IP address or a network such as 10.0.0.0/8")
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(networks.into()))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&ip))
    }

    /// The client behind a connection from `peer` that sent `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        // Several header lines are one list, in order (RFC 9110, 5.3).
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|line| line.to_str().ok())
            .flat_map(|line| line.split(','))
            .collect();
        for hop in hops.iter().rev() {
            // A hop that is not an address is garbage a trusted proxy passed on: the proxy itself is
            // the last address anyone vouches for.
            let Some(ip) = parse_hop(hop) else {
                return client;
            };
            client = ip.to_canonical();
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// An address, as proxies write it: bare, or with a port (`1.2.3.4:5678`, `[2001:db8::1]:443`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
}

/// Puts the [`ClientAddress`] into the request's extensions. A request that came with no peer
/// address (one handed to the router in-process, as tests do) is from the unspecified address.
pub(super) async fn identify(
    State(proxies): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip());
    let client = proxies.client(peer, request.headers());
    request.extensions_mut().insert(ClientAddress(client));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    fn forwarded(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(
                "x-forwarded-for",
                HeaderValue::from_str(line).expect("ASCII"),
            );
        }
        headers
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let proxies = TrustedProxies::default();
        let headers = forwarded(&["198.51.100.7"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &headers), ip("10.0.0.1"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_what_the_client_wrote_is_ignored() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").expect("valid");
        // The client wrote 1.1.1.1 itself; the proxy appended the address it saw.
        let headers = forwarded(&["1.1.1.1, 198.51.100.7"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &headers), ip("198.51.100.7"));
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.168.1.7").expect("valid");
        let headers = forwarded(&["203.0.113.9, 198.51.100.7", "192.168.1.7, 10.1.2.3"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &headers), ip("198.51.100.7"));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").expect("valid");
        let headers = forwarded(&["10.0.0.5"]);
        assert_eq!(
            proxies.client(ip("203.0.113.1"), &headers),
            ip("203.0.113.1")
        );
    }

    #[test]
    fn garbage_from_a_trusted_proxy_leaves_the_proxy_as_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.1").expect("valid");
        let headers = forwarded(&["unknown"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &headers), ip("10.0.0.1"));
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1"),
            "no header: the proxy's own request"
        );
    }

    #[test]
    fn hops_with_ports_and_mapped_addresses_are_understood() {
        let proxies = TrustedProxies::parse("10.0.0.1").expect("valid");
        assert_eq!(
            proxies.client(ip("::ffff:10.0.0.1"), &forwarded(&["198.51.100.7:5678"])),
            ip("198.51.100.7")
        );
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &forwarded(&["[2001:db8::1]:443"])),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn a_bad_entry_is_named() {
        let error = TrustedProxies::parse("10.0.0.0/8, proxy.internal").expect_err("refused");
        assert!(error.contains("`proxy.internal`"), "{error}");
        assert!(TrustedProxies::parse(" ").is_ok(), "empty trusts none");
    }
}
