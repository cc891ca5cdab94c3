//! Typed filters in queries — `cve:`, `ip:`, `domain:`, `hash:`, `email:` —
//! as tantivy queries over the `ioc` field's `kind:value` terms.
//!
//! A typed filter matches the article's extracted indicator, not the text:
//! `domain:example.com` finds `evil[.]example[.]com` (refanged at index
//! time) but not `notexample.com`, and `ip:10.0.0.0/8` finds every address
//! in the network. The value the user typed is refanged and canonicalised
//! the way `ioc::extract` canonicalises what it finds.

use std::net::IpAddr;

use ipnet::IpNet;
use tantivy::query::{ConstScoreQuery, Query as TQuery, RegexQuery, TermSetQuery};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use super::terms;
use crate::error::Error;
use crate::index::columns;
use crate::ioc::extract::{self, Kind};
use crate::query::Typed;

/// The query for one typed filter: the documents holding a matching
/// indicator, all scored alike (a filter says whether, not how well).
pub(crate) fn query(
    searcher: &Searcher,
    field: Field,
    typed: Typed,
    text: &str,
) -> Result<Box<dyn TQuery>, Error> {
    let value = extract::refang(text.trim()).trim().to_string();
    let terms_of = |v: Vec<String>| -> Box<dyn TQuery> {
        Box::new(TermSetQuery::new(
            v.into_iter().map(|t| Term::from_field_text(field, &t)),
        ))
    };
    let q: Box<dyn TQuery> = match typed {
        Typed::Cve => terms_of(vec![terms::term(Kind::Cve, &cve_id(&value))]),
        Typed::Email => terms_of(vec![terms::term(Kind::Email, &value.to_lowercase())]),
        Typed::Hash => {
            let v = value.to_lowercase();
            terms_of(
                [Kind::Md5, Kind::Sha1, Kind::Sha256]
                    .iter()
                    .map(|&k| terms::term(k, &v))
                    .collect(),
            )
        }
        Typed::Domain => domain_query(field, &value)?,
        Typed::Ip => terms_of(ip_terms(searcher, field, &value)?),
    };
    Ok(Box::new(ConstScoreQuery::new(q, 1.0)))
}

/// `CVE-2024-3094` in the canonical upper case; a bare `2024-3094` gets
/// its prefix.
fn cve_id(v: &str) -> String {
    let up = v.to_uppercase();
    if up.starts_with("CVE-") {
        up
    } else {
        format!("CVE-{up}")
    }
}

/// The domain and every subdomain of it: `domain:(.*\.)?example\.com`.
fn domain_query(field: Field, value: &str) -> Result<Box<dyn TQuery>, Error> {
    let d = value.trim_matches('.').to_lowercase();
    if d.is_empty() {
        return Err(Error::BadQuery("domain: needs a domain name".into()));
    }
    let pattern = format!(
        "{}:(.*\\.)?{}",
        Kind::Domain.name(),
        regex_syntax::escape(&d)
    );
    let q = RegexQuery::from_pattern(&pattern, field)
        .map_err(|e| Error::BadQuery(format!("domain:{value}: {e}")))?;
    Ok(Box::new(q))
}

/// The index terms an `ip:` filter matches: one address, or every address
/// of a network (`10.0.0.0/8`, `2001:db8::/32`) that the index holds,
/// found by walking the `ipv4:`/`ipv6:` part of the term dictionary.
fn ip_terms(searcher: &Searcher, field: Field, value: &str) -> Result<Vec<String>, Error> {
    let bad = || {
        Error::BadQuery(format!(
            "ip:{value}: expected an address or a CIDR network, e.g. ip:10.0.0.0/8"
        ))
    };
    if let Ok(addr) = value.parse::<IpAddr>() {
        return Ok(vec![terms::term(ip_kind(&addr), &addr.to_string())]);
    }
    let net: IpNet = value.parse().map_err(|_| bad())?;
    let kind = ip_kind(&net.addr());
    let prefix = format!("{}:", kind.name());
    let mut out = Vec::new();
    for seg in searcher.segment_readers() {
        let ii = seg
            .inverted_index(field)
            .map_err(|e| columns::index_error("ioc terms", e))?;
        let mut stream = ii
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(format!("{};", kind.name()).as_bytes())
            .into_stream()
            .map_err(|e| columns::index_error("ioc terms", e))?;
        while stream.advance() {
            let Ok(t) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let inside = t
                .strip_prefix(&prefix)
                .and_then(|a| a.parse::<IpAddr>().ok())
                .is_some_and(|a| net.contains(&a));
            if inside {
                out.push(t.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn ip_kind(a: &IpAddr) -> Kind {
    match a {
        IpAddr::V4(_) => Kind::Ipv4,
        IpAddr::V6(_) => Kind::Ipv6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids_are_canonical() {
        assert_eq!(cve_id("cve-2024-3094"), "CVE-2024-3094");
        assert_eq!(cve_id("2024-3094"), "CVE-2024-3094");
    }
}
