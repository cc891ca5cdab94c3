//! `secsearch iocs`: the indicators of the matching articles — how many
//! articles mention each, first and last date, top sources — answered from
//! the index's columns (the `ioc`, `source_exact`, `date` and `dup_hash`
//! fast fields), never by re-reading article files.
//!
//! Indicators are extracted once, at index time (`terms::of_texts`, called
//! by the indexer), and stored as `kind:value` terms; typed query filters
//! (`filter`) and this aggregation both read those terms. The STIX export
//! (`crate::ioc::stix`) takes the per-article view, [`articles`].

use crate::ioc::aggregate::Row;
use crate::ioc::extract::Kind;
use crate::ioc::roles::Role;
use crate::ioc::terms;

/// Which roles `--role` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleFilter {
    /// What a platform should act on.
    Observable,
    /// Sources the articles cite.
    Reference,
    /// Infrastructure everybody uses, private and documentation ranges.
    Benign,
    /// Every indicator.
    All,
}

impl RoleFilter {
    /// The roles this filter keeps.
    pub fn roles(self) -> &'static [Role] {
        match self {
            RoleFilter::Observable => &[Role::Observable],
            RoleFilter::Reference => &[Role::Reference],
            RoleFilter::Benign => &[Role::Benign],
            RoleFilter::All => &[Role::Observable, Role::Reference, Role::Benign],
        }
    }
}

/// How `iocs` orders its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    /// Most articles first.
    Count,
    /// Most recently mentioned first.
    Date,
}

/// Which kinds `--type` names: a kind's own name (`domain`, `ipv4`), or a
/// group: `ip` (IPv4 and IPv6), `hash` (md5, sha1, sha256), `vuln` (CVE,
/// CNVD, CNNVD). `None` for an unknown name.
pub fn kinds_named(name: &str) -> Option<Vec<Kind>> {
    let name = name.trim().to_ascii_lowercase();
    Some(match name.as_str() {
        "ip" => vec![Kind::Ipv4, Kind::Ipv6],
        "hash" => vec![Kind::Md5, Kind::Sha1, Kind::Sha256],
        "vuln" => vec![Kind::Cve, Kind::Cnvd, Kind::Cnnvd],
        other => vec![terms::kind_named(other)?],
    })
}

/// The names `--type` accepts, for the error message.
pub fn type_names() -> String {
    let mut v: Vec<&str> = terms::KINDS.iter().map(|k| k.name()).collect();
    v.extend(["ip", "hash", "vuln"]);
    v.join(", ")
}

/// Orders rows: observables first, then references, then benign values;
/// within a role by article count (then newest, then value), or by last
/// mention (then count, then value). Deterministic, so output is stable.
pub fn sort_rows(rows: &mut [Row], sort: Sort) {
    match sort {
        Sort::Count => rows.sort_by(|a, b| {
            a.role.cmp(&b.role).then(
                b.articles
                    .cmp(&a.articles)
                    .then(b.last.cmp(&a.last))
                    .then((a.kind, &a.value).cmp(&(b.kind, &b.value))),
            )
        }),
        Sort::Date => rows.sort_by(|a, b| {
            a.role.cmp(&b.role).then(
                b.last
                    .cmp(&a.last)
                    .then(b.articles.cmp(&a.articles))
                    .then((a.kind, &a.value).cmp(&(b.kind, &b.value))),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_and_groups() {
        assert_eq!(kinds_named("IP"), Some(vec![Kind::Ipv4, Kind::Ipv6]));
        assert_eq!(kinds_named("domain"), Some(vec![Kind::Domain]));
        assert_eq!(kinds_named("hash").map(|v| v.len()), Some(3));
        assert_eq!(kinds_named("nope"), None);
        assert!(type_names().contains("sha256"));
    }
}
