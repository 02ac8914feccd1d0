//! `--proxy-headers` (on by default) and `--forwarded-allow-ips` (default
//! `127.0.0.1`, also `FORWARDED_ALLOW_IPS`), ported from uvicorn 0.54's
//! `ProxyHeadersMiddleware`: when the connecting peer is trusted,
//! `X-Forwarded-Proto` sets the request's scheme (so a slash redirect
//! behind a TLS proxy points to `https://`) and `X-Forwarded-For` its
//! client (the first untrusted address from the right).

use std::net::{IpAddr, SocketAddr};

use hyper::HeaderMap;

/// The peers whose forwarding headers are believed.
#[derive(Debug, Default)]
pub struct TrustedHosts {
    always: bool,
    hosts: Vec<IpAddr>,
    /// (network address, prefix length).
    networks: Vec<(IpAddr, u8)>,
    literals: Vec<String>,
}

/// What a trusted proxy said about the request.
#[derive(Debug, Default, PartialEq)]
pub struct Forwarded {
    pub scheme: Option<&'static str>,
    pub client: Option<(String, u16)>,
}

impl TrustedHosts {
    /// uvicorn's list syntax: `*`, or addresses, networks (`10.0.0.0/8`)
    /// and other literals separated by commas.
    pub fn parse(list: &str) -> Self {
        let mut trusted = TrustedHosts {
            always: list.trim() == "*",
            ..TrustedHosts::default()
        };
        if trusted.always {
            return trusted;
        }
        for host in list.split(',').map(str::trim) {
            if let Some((address, prefix)) = host.split_once('/') {
                match (address.parse::<IpAddr>(), prefix.parse::<u8>()) {
                    (Ok(address), Ok(prefix)) if prefix <= max_prefix(address) => {
                        trusted.networks.push((address, prefix))
                    }
                    _ => trusted.literals.push(host.to_owned()),
                }
            } else {
                match host.parse::<IpAddr>() {
                    Ok(address) => trusted.hosts.push(address),
                    Err(_) => trusted.literals.push(host.to_owned()),
                }
            }
        }
        trusted
    }

    pub fn contains(&self, host: &str) -> bool {
        if self.always {
            return true;
        }
        if host.is_empty() {
            return false;
        }
        match host.parse::<IpAddr>() {
            Ok(address) => self.trusts(address),
            Err(_) => self.literals.iter().any(|literal| literal == host),
        }
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.always
            || self.hosts.contains(&address)
            || self
                .networks
                .iter()
                .any(|(network, prefix)| in_network(address, *network, *prefix))
    }

    /// What the request's forwarding headers say, if `peer` is trusted
    /// (a Unix socket's peer, which has no address, only under `*`).
    pub fn forwarded(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Forwarded {
        let mut forwarded = Forwarded::default();
        if !peer.map_or(self.always, |peer| self.trusts(peer.ip())) {
            return forwarded;
        }
        if let Some(proto) = headers.get_all("x-forwarded-proto").iter().next_back() {
            forwarded.scheme = match latin1(proto.as_bytes()).trim() {
                "http" | "ws" => Some("http"),
                "https" | "wss" => Some("https"),
                _ => None,
            };
        }
        let values: Vec<String> = headers
            .get_all("x-forwarded-for")
            .iter()
            .map(|value| latin1(value.as_bytes()))
            .collect();
        if !values.is_empty() {
            let (host, port) = self.client_address(&values.join(", "));
            if !host.is_empty() {
                forwarded.client = Some((host, port));
            }
        }
        forwarded
    }

    /// The first untrusted address from the right (each proxy appends), or
    /// the leftmost if all are trusted.
    fn client_address(&self, x_forwarded_for: &str) -> (String, u16) {
        let hosts: Vec<&str> = x_forwarded_for.split(',').map(str::trim).collect();
        if !self.always {
            for host_port in hosts.iter().rev() {
                let (host, port) = host_and_port(host_port);
                if !self.contains(&host) {
                    return (host, port);
                }
            }
        }
        host_and_port(hosts[0])
    }
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn max_prefix(address: IpAddr) -> u8 {
    if address.is_ipv4() {
        32
    } else {
        128
    }
}

fn in_network(address: IpAddr, network: IpAddr, prefix: u8) -> bool {
    let (address, network, bits) = match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => (u128::from(u32::from(a)), u128::from(u32::from(n)), 32),
        (IpAddr::V6(a), IpAddr::V6(n)) => (u128::from(a), u128::from(n), 128),
        _ => return false,
    };
    if prefix == 0 {
        return true;
    }
    let shift = bits - u32::from(prefix);
    address >> shift == network >> shift
}

/// uvicorn's `_parse_host_port`: a bare address, `host:port`, or
/// `[v6]:port`; anything else is the host, with port 0.
fn host_and_port(value: &str) -> (String, u16) {
    if let Some(rest) = value.strip_prefix('[') {
        let Some(end) = rest.find(']') else {
            return (value.to_owned(), 0);
        };
        let (host, remainder) = (&rest[..end], &rest[end + 1..]);
        return match remainder.strip_prefix(':') {
            None if remainder.is_empty() => (host.to_owned(), 0),
            None => (value.to_owned(), 0),
            Some(port) => (host.to_owned(), port.parse().unwrap_or(0)),
        };
    }
    if value.matches(':').count() == 1 {
        let (host, port) = value.rsplit_once(':').unwrap_or((value, ""));
        return match port.parse() {
            Ok(port) => (host.to_owned(), port),
            Err(_) => (value.to_owned(), 0),
        };
    }
    (value.to_owned(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                hyper::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    fn peer(address: &str) -> Option<SocketAddr> {
        Some(format!("{address}:5000").parse().unwrap())
    }

    #[test]
    fn a_trusted_peer_sets_scheme_and_client() {
        let trusted = TrustedHosts::parse("127.0.0.1");
        let found = trusted.forwarded(
            &headers(&[("x-forwarded-proto", "https"), ("x-forwarded-for", "1.2.3.4")]),
            peer("127.0.0.1"),
        );
        assert_eq!(found.scheme, Some("https"));
        assert_eq!(found.client, Some(("1.2.3.4".to_owned(), 0)));
        let untrusted = trusted.forwarded(&headers(&[("x-forwarded-proto", "https")]), peer("10.0.0.1"));
        assert_eq!(untrusted, Forwarded::default());
    }

    #[test]
    fn a_unix_socket_peer_is_trusted_only_under_a_star() {
        let proto = headers(&[("x-forwarded-proto", "https")]);
        let default = TrustedHosts::parse("127.0.0.1");
        assert_eq!(default.forwarded(&proto, None), Forwarded::default());
        let everyone = TrustedHosts::parse("*");
        assert_eq!(everyone.forwarded(&proto, None).scheme, Some("https"));
    }

    #[test]
    fn the_client_is_the_first_untrusted_address_from_the_right() {
        let trusted = TrustedHosts::parse("127.0.0.1, 10.0.0.0/8");
        let found = trusted.forwarded(
            &headers(&[("x-forwarded-for", "9.9.9.9, 8.8.8.8:1234, 10.1.2.3")]),
            peer("127.0.0.1"),
        );
        assert_eq!(found.client, Some(("8.8.8.8".to_owned(), 1234)));
        let all_trusted = trusted.forwarded(
            &headers(&[("x-forwarded-for", "10.0.0.2, 10.0.0.3")]),
            peer("127.0.0.1"),
        );
        assert_eq!(all_trusted.client, Some(("10.0.0.2".to_owned(), 0)));
        let everyone = TrustedHosts::parse("*");
        let first = everyone.forwarded(
            &headers(&[("x-forwarded-for", "[::1]:80, 5.5.5.5")]),
            peer("4.4.4.4"),
        );
        assert_eq!(first.client, Some(("::1".to_owned(), 80)));
    }

    #[test]
    fn unknown_schemes_are_ignored_and_websocket_ones_map_to_http() {
        let trusted = TrustedHosts::parse("127.0.0.1");
        let scheme = |value| {
            trusted
                .forwarded(&headers(&[("x-forwarded-proto", value)]), peer("127.0.0.1"))
                .scheme
        };
        assert_eq!(scheme("ftp"), None);
        assert_eq!(scheme(" wss "), Some("https"));
        assert_eq!(scheme("ws"), Some("http"));
    }
}
