//! Which `Host` a request may name. A web page elsewhere can point a name
//! of its own at this machine (DNS rebinding) and then read the index
//! through its visitor's browser, as the same origin; the check holds on
//! every bind, not only on loopback. Allowed: the loopback names, the
//! address the server is bound to and the one the connection reached (an
//! address is no rebinding: the page's origin then is this server), and
//! the names given with `--allow-host`.

use std::net::{IpAddr, SocketAddr};

/// The names a request may give in its `Host` header.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    names: Vec<String>,
    /// The address given to `--bind` (`0.0.0.0` names itself too).
    bound: Option<IpAddr>,
}

/// The host part of a `Host` header (no port, no brackets, lower case, no
/// final dot).
fn name_of(host: &str) -> String {
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                n
            } else {
                host
            }
        }),
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl Allowed {
    /// The loopback names, the `bound` address, plus `extra`
    /// (`--allow-host`).
    pub fn new(extra: &[String], bound: Option<IpAddr>) -> Allowed {
        Allowed {
            names: extra.iter().map(|n| name_of(n)).collect(),
            bound,
        }
    }

    /// Whether a request with header `host` may be answered on a
    /// connection that reached `local`.
    pub fn permits(&self, host: &str, local: Option<SocketAddr>) -> bool {
        let name = name_of(host);
        if name.is_empty() {
            return false;
        }
        if name == "localhost" || self.names.contains(&name) {
            return true;
        }
        match name.parse::<IpAddr>() {
            Ok(ip) => {
                ip.is_loopback()
                    || self.bound.is_some_and(|b| same_ip(b, ip))
                    || local.is_some_and(|l| same_ip(l.ip(), ip))
            }
            Err(_) => false,
        }
    }
}

/// Equal addresses, an IPv4 address seen through an IPv6 socket included.
fn same_ip(a: IpAddr, b: IpAddr) -> bool {
    let v4 = |ip: IpAddr| match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    v4(a) == v4(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_the_reached_address_and_given_names_are_allowed() {
        let a = Allowed::new(&["Search.Example.org".into()], None);
        let local: SocketAddr = "192.168.1.5:7700".parse().unwrap();
        for h in [
            "localhost:7700",
            "127.0.0.1:1",
            "127.0.0.2:7700",
            "[::1]:7700",
            "localhost",
            "192.168.1.5:7700",
            "search.example.org:7700",
            "search.example.org.",
        ] {
            assert!(a.permits(h, Some(local)), "{h}");
        }
        for h in [
            "evil.com",
            "127.0.0.1.evil.com:7700",
            "[::2]:1",
            "",
            "192.168.1.6:7700",
            "example.org",
        ] {
            assert!(!a.permits(h, Some(local)), "{h}");
        }
        assert!(!Allowed::new(&[], None).permits("192.168.1.5", None));
        let any = Allowed::new(&[], "0.0.0.0".parse().ok());
        assert!(any.permits("0.0.0.0:7700", None));
        assert!(!any.permits("evil.example:7700", None));
    }
}
