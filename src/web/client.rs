//! Who the client is, by address: the peer of the connection, or, when that peer is one of
//! the configured reverse proxies, the address the proxies name in `Forwarded` or
//! `X-Forwarded-For`. Signatures record it and the sign-in limits count by it.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::{TrustedProxies, canonical};

/// Where a request comes from: its client address and browser, as sessions list them and a
/// signature's ledger entry records them.
#[derive(Clone, Debug)]
pub struct Device {
    pub client_addr: String,
    pub user_agent: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Device {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ClientAddr(client_addr) = ClientAddr::from_request_parts(parts, state).await?;
        // Bounded: the header is the client's to choose, and the ledger keeps it for good.
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(300)
            .collect();
        Ok(Device {
            client_addr,
            user_agent,
        })
    }
}

/// The client's address as text (what signatures record and limits count by).
pub struct ClientAddr(pub String);

/// The address `resolve` worked out for this request.
#[derive(Clone)]
struct Resolved(String);

/// Middleware: works out the client's address once per request, before any handler asks.
pub async fn resolve(
    State(proxies): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        let client = client_ip(&proxies, peer, request.headers());
        request
            .extensions_mut()
            .insert(Resolved(client.to_string()));
    }
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(Resolved(addr)) = parts.extensions.get::<Resolved>() {
            return Ok(ClientAddr(addr.clone()));
        }
        // Outside the middleware (a router built without it): the peer, never a header.
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| canonical(addr.ip()).to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// The client behind `peer`. Forwarding headers are read only when the peer is a trusted
/// proxy, from the right (the hop nearest us) leftwards: the first address that is not a
/// trusted proxy is the client, since anything further left was written by that client and
/// may be made up. A hop we cannot read ends the walk at the last proxy we trust.
pub fn client_ip(proxies: &TrustedProxies, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let mut client = canonical(peer);
    if !proxies.trusts(client) {
        return client;
    }
    for hop in forwarded_hops(headers).into_iter().rev() {
        match hop {
            Some(ip) => {
                client = canonical(ip);
                if !proxies.trusts(client) {
                    return client;
                }
            }
            None => return client,
        }
    }
    client
}

/// The hops the proxies recorded, leftmost (furthest from us) first: from `Forwarded`
/// (RFC 7239) when present, else from `X-Forwarded-For`. `None` for a hop without a readable
/// address (`for=unknown`, an obfuscated name, garbage).
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&axum::http::HeaderValue> = headers.get_all("forwarded").iter().collect();
    if !forwarded.is_empty() {
        return forwarded
            .into_iter()
            .flat_map(|value| match value.to_str() {
                Ok(text) => text.split(',').map(forwarded_for).collect::<Vec<_>>(),
                Err(_) => vec![None],
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| match value.to_str() {
            Ok(text) => text.split(',').map(node).collect::<Vec<_>>(),
            Err(_) => vec![None],
        })
        .collect()
}

/// The `for=` of one `Forwarded` element (`for=192.0.2.60;proto=https`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("for")
            .then(|| node(value))
            .flatten()
    })
}

/// An address as proxies write it: `192.0.2.60`, `192.0.2.60:4711`, `2001:db8::1`,
/// `"[2001:db8::1]:4711"`.
fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    // IPv4 with a port; a bare IPv6 address has more than one colon and parsed above.
    let (host, port) = text.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let spoof = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", "for=1.2.3.4"),
        ]);
        assert_eq!(
            client_ip(&proxies, ip("203.0.113.5"), &spoof),
            ip("203.0.113.5")
        );
        let none = TrustedProxies::default();
        assert_eq!(client_ip(&none, ip("10.0.0.1"), &spoof), ip("10.0.0.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // The client put a made-up address first; the proxy appended the real one.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.9")]);
        assert_eq!(client_ip(&proxies, ip("10.0.0.1"), &h), ip("198.51.100.7"));
        // Two header lines are one list.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(client_ip(&proxies, ip("10.0.0.1"), &h), ip("198.51.100.7"));
        // Forwarded wins over X-Forwarded-For, with ports, quotes and IPv6.
        let h = headers(&[
            (
                "forwarded",
                r#"for=6.6.6.6, for="[2001:db8::7]:4711";proto=https"#,
            ),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(client_ip(&proxies, ip("10.0.0.1"), &h), ip("2001:db8::7"));
        let h = headers(&[("forwarded", "for=198.51.100.8:1234;by=10.0.0.1")]);
        assert_eq!(
            client_ip(&proxies, ip("::ffff:10.0.0.1"), &h),
            ip("198.51.100.8")
        );
        // An unreadable hop stops at the last trusted proxy; no header leaves the proxy.
        let h = headers(&[("x-forwarded-for", "198.51.100.7, garbage")]);
        assert_eq!(client_ip(&proxies, ip("10.0.0.1"), &h), ip("10.0.0.1"));
        assert_eq!(
            client_ip(&proxies, ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
    }
}
