//! What an indicator is for a threat-intel platform: `observable` (act on
//! it), `reference` (a source the article cites: a vendor's blog, a CERT, a
//! sandbox) or `benign` (infrastructure everybody uses, addresses that route
//! nowhere). Decided at query time from the warning lists in
//! `data/warninglists/` (see its README for where they come from), compiled
//! into the binary and parsed once, on first use: the index stores only the
//! values, so an updated list needs a new binary, never a re-index.

use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use super::extract::Kind;

/// The role of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Role {
    /// What a platform should act on: the default for a value on no list.
    Observable,
    /// A source the article cites (security vendor, media, CERT, sandbox).
    Reference,
    /// Infrastructure everybody uses; private, loopback, documentation ranges.
    Benign,
}

impl Role {
    /// The stable lowercase name used in every output (`"role"`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Observable => "observable",
            Role::Reference => "reference",
            Role::Benign => "benign",
        }
    }
}

const BENIGN_CIDR: &str = include_str!("../../data/warninglists/benign-cidr.txt");
const BENIGN_HOSTNAME: &str = include_str!("../../data/warninglists/benign-hostname.txt");
const BENIGN_HASH: &str = include_str!("../../data/warninglists/benign-hash.txt");
const REFERENCE_HOSTNAME: &str = include_str!("../../data/warninglists/reference-hostname.txt");
const REFERENCE_ZH: &str = include_str!("../../data/warninglists/reference-zh.txt");

/// A listed host name: its role, whether it matches only itself (`=name`:
/// a shared suffix such as `github.io` or `bit.ly`, whose subdomains and
/// paths belong to whoever signs up), and whether a list calls it a
/// special-use name (`example.com`, `localhost`).
#[derive(Clone, Copy)]
struct Host {
    role: Role,
    exact: bool,
    special: bool,
}

/// The parsed lists.
struct Lists {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
    hosts: HashMap<&'static str, Host>,
    hashes: HashSet<&'static str>,
}

/// `VALUE<TAB>LISTS…` lines without comments: (value, lists).
fn rows(data: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let value = cols.next().unwrap_or_default().trim();
            (value, cols.next().unwrap_or_default())
        })
}

/// `a.b.c.d/n` or `x::/n` as (network, mask); `None` for a malformed line
/// (the generator writes none; a bad line is skipped, not a panic).
fn cidr(s: &str) -> Option<Result<(u32, u32), (u128, u128)>> {
    let (addr, len) = s.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    if let Ok(a) = addr.parse::<Ipv4Addr>() {
        let mask = u32::MAX.checked_shl(32 - len.min(32)).unwrap_or(0);
        return Some(Ok((u32::from(a) & mask, mask)));
    }
    let a = addr.parse::<Ipv6Addr>().ok()?;
    let mask = u128::MAX.checked_shl(128 - len.min(128)).unwrap_or(0);
    Some(Err((u128::from(a) & mask, mask)))
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let mut l = Lists {
            v4: Vec::new(),
            v6: Vec::new(),
            hosts: HashMap::new(),
            hashes: rows(BENIGN_HASH).map(|(v, _)| v).collect(),
        };
        for (v, _) in rows(BENIGN_CIDR) {
            match cidr(v) {
                Some(Ok(n)) => l.v4.push(n),
                Some(Err(n)) => l.v6.push(n),
                None => {}
            }
        }
        let files = [
            (BENIGN_HOSTNAME, Role::Benign),
            (REFERENCE_HOSTNAME, Role::Reference),
            (REFERENCE_ZH, Role::Reference),
        ];
        for (data, role) in files {
            for (v, from) in rows(data) {
                let (name, exact) = match v.strip_prefix('=') {
                    Some(n) => (n, true),
                    None => (v, false),
                };
                let special = from
                    .split(',')
                    .any(|s| s.starts_with("rfc") || s == "special-use");
                l.hosts.insert(
                    name,
                    Host {
                        role,
                        exact,
                        special,
                    },
                );
            }
        }
        l
    })
}

/// The listed entry matching `host` (lowercase): the longest listed suffix,
/// an exact-only entry only for the name itself (or with `www.`).
fn host_entry(host: &str) -> Option<Host> {
    let l = lists();
    let host = host.trim_end_matches('.');
    let bare = host.strip_prefix("www.").unwrap_or(host);
    let mut h = host;
    loop {
        if let Some(e) = l.hosts.get(h) {
            if !e.exact || h == bare || h == host {
                return Some(*e);
            }
        }
        h = &h[h.find('.')? + 1..];
    }
}

fn ip_role(value: &str) -> Role {
    let l = lists();
    let listed = if let Ok(a) = value.parse::<Ipv4Addr>() {
        let a = u32::from(a);
        l.v4.iter().any(|&(net, mask)| a & mask == net)
    } else if let Ok(a) = value.parse::<Ipv6Addr>() {
        let a = u128::from(a);
        l.v6.iter().any(|&(net, mask)| a & mask == net)
    } else {
        false
    };
    if listed {
        Role::Benign
    } else {
        Role::Observable
    }
}

fn host_role(host: &str) -> Role {
    if host.parse::<Ipv4Addr>().is_ok() || host.contains(':') {
        return ip_role(host.trim_matches(['[', ']']));
    }
    host_entry(host).map_or(Role::Observable, |e| e.role)
}

/// A URL takes its host's role when the host is a reference (a vendor's
/// write-up, any page of it) or when it names a whole benign site (no
/// path: `https://github.com/`). A path on a shared benign host
/// (`github.com/evil/x/releases/a.exe`, `bit.ly/3abc`) is the payload and
/// stays observable; a path on another benign site (`microsoft.com/...`)
/// is that site's page, benign.
fn url_role(url: &str) -> Role {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let auth = &rest[..auth_end];
    let host_port = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split_once(']').map_or(host_port, |(h, _)| h)
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    let host = host.to_ascii_lowercase();
    let path = rest[auth_end..].trim_end_matches('/');
    if host.parse::<Ipv4Addr>().is_ok() || host.starts_with('[') {
        return host_role(&host);
    }
    match host_entry(&host) {
        Some(e) if e.role == Role::Reference => Role::Reference,
        Some(e) if e.role == Role::Benign && (path.is_empty() || !e.exact) => Role::Benign,
        _ => Role::Observable,
    }
}

/// An e-mail address is a reference at a reference domain
/// (`report@qianxin.com`) and benign at a special-use one
/// (`user@example.com`); a mailbox at a benign provider (`x@gmail.com`,
/// `x@qq.com`) is somebody's, often the attacker's: observable.
fn email_role(addr: &str) -> Role {
    let domain = addr.rsplit_once('@').map_or(addr, |(_, d)| d);
    match host_entry(domain) {
        Some(e) if e.role == Role::Reference => Role::Reference,
        Some(e) if e.special => Role::Benign,
        _ => Role::Observable,
    }
}

/// The role of an indicator (`value` canonical, as the extractor gives it).
/// Vulnerability and ATT&CK ids and file names are observable: they are
/// what the article is about, and a platform links them to the report.
pub fn role(kind: Kind, value: &str) -> Role {
    match kind {
        Kind::Ipv4 | Kind::Ipv6 => ip_role(value),
        Kind::Domain => host_role(value),
        Kind::Url => url_role(value),
        Kind::Email => email_role(value),
        Kind::Md5 | Kind::Sha1 | Kind::Sha256 => {
            if lists().hashes.contains(value) {
                Role::Benign
            } else {
                Role::Observable
            }
        }
        Kind::Cve | Kind::Cnvd | Kind::Cnnvd | Kind::Attack | Kind::File => Role::Observable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: Kind, v: &str) -> &'static str {
        role(kind, v).name()
    }

    #[test]
    fn addresses() {
        for ip in [
            "127.0.0.1",
            "192.168.1.1",
            "10.1.2.3",
            "8.8.8.8",
            "224.0.0.251",
        ] {
            assert_eq!(r(Kind::Ipv4, ip), "benign", "{ip}");
        }
        assert_eq!(r(Kind::Ipv4, "45.77.12.34"), "observable");
        assert_eq!(r(Kind::Ipv6, "2001:db8::1"), "benign");
        assert_eq!(r(Kind::Ipv6, "fe80::1"), "benign");
        assert_eq!(r(Kind::Ipv6, "2a03:b0c0:3:d0::1"), "observable");
    }

    #[test]
    fn hosts_match_suffixes_and_exact_entries() {
        assert_eq!(r(Kind::Domain, "www.baidu.com"), "benign");
        assert_eq!(r(Kind::Domain, "github.com"), "benign");
        // `=github.io`-style entries: a user's subdomain is theirs.
        assert_eq!(r(Kind::Domain, "evil.github.io"), "observable");
        assert_eq!(r(Kind::Domain, "www.bleepingcomputer.com"), "reference");
        assert_eq!(r(Kind::Domain, "mp.weixin.qq.com"), "reference");
        assert_eq!(r(Kind::Domain, "evil-c2.top"), "observable");
    }

    #[test]
    fn urls_and_mail() {
        assert_eq!(r(Kind::Url, "https://github.com/"), "benign");
        assert_eq!(
            r(Kind::Url, "https://github.com/evil/x/releases/a.exe"),
            "observable"
        );
        assert_eq!(r(Kind::Url, "https://bit.ly/3abc"), "observable");
        assert_eq!(
            r(Kind::Url, "https://www.bleepingcomputer.com/news/x/"),
            "reference"
        );
        assert_eq!(r(Kind::Url, "http://127.0.0.1:8080/a"), "benign");
        assert_eq!(r(Kind::Url, "http://45.77.12.34/a.exe"), "observable");
        assert_eq!(r(Kind::Email, "x@gmail.com"), "observable");
        assert_eq!(r(Kind::Email, "user@example.com"), "benign");
    }

    #[test]
    fn hashes_and_ids() {
        assert_eq!(r(Kind::Md5, "d41d8cd98f00b204e9800998ecf8427e"), "benign");
        assert_eq!(
            r(Kind::Md5, "0123456789abcdef0123456789abcdef"),
            "observable"
        );
        assert_eq!(r(Kind::Cve, "CVE-2024-3094"), "observable");
    }
}
