//! How an indicator is written in the index: one `kind:value` term of the
//! `ioc` field a distinct indicator of an article (`cve:CVE-2024-3094`,
//! `domain:evil.com`, `ipv4:10.1.2.3`).
//!
//! Why one field with a kind prefix rather than a field a kind: a single
//! string column holds every indicator of a document, so `iocs` aggregates
//! all kinds in one pass over one column, and a typed filter is a term
//! (or a prefix walk) in one term dictionary. The prefix keeps the kinds
//! apart in that dictionary and sorts each kind's values together.

use std::collections::BTreeSet;

use crate::ioc::extract::{self, Kind};

/// Every kind, in the order of `ioc::Kind`: for parsing `--type` and terms.
pub const KINDS: [Kind; 13] = [
    Kind::Ipv4,
    Kind::Ipv6,
    Kind::Domain,
    Kind::Url,
    Kind::Email,
    Kind::Md5,
    Kind::Sha1,
    Kind::Sha256,
    Kind::Cve,
    Kind::Cnvd,
    Kind::Cnnvd,
    Kind::Attack,
    Kind::File,
];

/// The kind named `name` (`Kind::name`'s inverse).
pub fn kind_named(name: &str) -> Option<Kind> {
    KINDS.into_iter().find(|k| k.name() == name)
}

/// The index term of one indicator.
pub fn term(kind: Kind, value: &str) -> String {
    format!("{}:{value}", kind.name())
}

/// An index term back to its kind and value; `None` for a term this binary
/// does not know (it would come from another schema version).
pub fn split(term: &str) -> Option<(Kind, &str)> {
    let (name, value) = term.split_once(':')?;
    Some((kind_named(name)?, value))
}

/// The distinct indicator terms of an article's visible texts (title, body,
/// and link targets where the reader gives them), sorted. Each text is
/// scanned on its own, so that no indicator is glued across a boundary.
pub fn of_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    texts
        .into_iter()
        .flat_map(extract::extract)
        .map(|i| term(i.kind, &i.value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_term() {
        for k in KINDS {
            let t = term(k, "x:y");
            assert_eq!(split(&t), Some((k, "x:y")), "{t}");
        }
        assert_eq!(split("nonsense:1"), None);
        assert_eq!(split("nocolon"), None);
    }

    #[test]
    fn terms_are_refanged_distinct_and_per_text() {
        let t = of_texts([
            "CVE-2024-3094 at evil[.]com",
            "again evil.com and hxxp://1.2.3[.]4/a.php",
        ]);
        assert!(t.contains("cve:CVE-2024-3094"), "{t:?}");
        assert!(t.contains("domain:evil.com"), "{t:?}");
        assert!(t.contains("ipv4:1.2.3.4"), "{t:?}");
        assert_eq!(t.iter().filter(|x| *x == "domain:evil.com").count(), 1);
    }
}
