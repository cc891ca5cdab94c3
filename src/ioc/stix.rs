//! The STIX 2.1 export of `iocs --stix FILE`: one `report` per article,
//! referring to its indicators — network and file observables as
//! `indicator` objects with STIX patterns, vulnerability ids (CVE, CNVD,
//! CNNVD) as `vulnerability` objects and ATT&CK ids as `attack-pattern`
//! objects, which is how OpenCTI and MISP's STIX import expect them (a CVE
//! has no observable to write a pattern over).
//!
//! Only what a platform should act on becomes an object: a value's role
//! ([`crate::ioc::role`], from the warning lists) decides. Observables are
//! `indicator`s ("unknown" type, as ever); a reference (a vendor's write-up
//! the article cites) goes into the report's `external_references`; a
//! benign value is left out, or, when asked for, is an `indicator` of type
//! "benign" (STIX's own word for a known-good value).
//!
//! Every id is a UUIDv5 of what the object is (the pattern, the article's
//! duplicate key), and every timestamp comes from the articles' dates, so
//! exporting the same articles twice gives the same bundle, and a platform
//! that imports both merges them instead of doubling every indicator.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::ioc::aggregate::Article;
use crate::ioc::extract::Kind;
use crate::ioc::roles::{role, Role};

/// The namespace of secsearch's UUIDv5 ids (a random v4, fixed forever:
/// changing it would change every exported id).
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a7e_94d3_4b5e_8c2f_1d3a_9e47_b0c5);

/// When an article has no date: the earliest valid STIX timestamp we use,
/// fixed so that output stays deterministic.
const NO_DATE: &str = "1970-01-01T00:00:00.000Z";

pub(super) fn id(ty: &str, name: &str) -> String {
    format!(
        "{ty}--{}",
        Uuid::new_v5(&NAMESPACE, format!("{ty}:{name}").as_bytes())
    )
}

fn timestamp(d: Option<jiff::civil::Date>) -> String {
    d.map_or_else(|| NO_DATE.to_string(), |d| format!("{d}T00:00:00.000Z"))
}

/// A string literal in a STIX pattern: `\` and `'` escaped.
fn literal(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The STIX pattern of an observable indicator; `None` for the kinds that
/// are exported as other objects.
pub fn pattern(kind: Kind, value: &str) -> Option<String> {
    let path = match kind {
        Kind::Ipv4 => "ipv4-addr:value",
        Kind::Ipv6 => "ipv6-addr:value",
        Kind::Domain => "domain-name:value",
        Kind::Url => "url:value",
        Kind::Email => "email-addr:value",
        Kind::Md5 => "file:hashes.MD5",
        Kind::Sha1 => "file:hashes.'SHA-1'",
        Kind::Sha256 => "file:hashes.'SHA-256'",
        Kind::File => "file:name",
        Kind::Cve | Kind::Cnvd | Kind::Cnnvd | Kind::Attack => return None,
    };
    Some(format!("[{path} = {}]", literal(value)))
}

/// The STIX object of one indicator first seen on `date`.
pub(super) fn object(kind: Kind, value: &str, date: Option<jiff::civil::Date>) -> Value {
    let ts = timestamp(date);
    if let Some(p) = pattern(kind, value) {
        let ty = if role(kind, value) == Role::Benign {
            "benign"
        } else {
            "unknown"
        };
        return json!({
            "type": "indicator", "spec_version": "2.1", "id": id("indicator", &p),
            "created": ts, "modified": ts, "name": value,
            "description": format!("{} named in a security article (secsearch export)", kind.name()),
            "indicator_types": [ty], "pattern": p, "pattern_type": "stix",
            "valid_from": ts,
        });
    }
    let (ty, source, url) = match kind {
        Kind::Attack => (
            "attack-pattern",
            "mitre-attack",
            Some(format!(
                "https://attack.mitre.org/techniques/{}/",
                value.replace('.', "/")
            )),
        ),
        Kind::Cnvd => ("vulnerability", "cnvd", None),
        Kind::Cnnvd => ("vulnerability", "cnnvd", None),
        _ => ("vulnerability", "cve", None),
    };
    let mut reference = json!({ "source_name": source, "external_id": value });
    if let Some(u) = url {
        reference["url"] = json!(u);
    }
    json!({
        "type": ty, "spec_version": "2.1", "id": id(ty, &format!("{source}:{value}")),
        "created": ts, "modified": ts, "name": value,
        "external_references": [reference],
    })
}

/// Whether `s` is a URI as RFC 3986 spells one, which STIX's `url` must
/// be: only its characters, every `%` a whole escape, one `#` at most. A
/// link as written in an article can be neither (`…#2L8…#2y4…%4g…`); it is
/// then cited in the description.
fn uri(s: &str) -> bool {
    let b = s.as_bytes();
    let allowed = |c: u8| c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&c);
    b.iter().all(|&c| allowed(c))
        && b.iter().filter(|&&c| c == b'#').count() <= 1
        && b.iter().enumerate().all(|(i, &c)| {
            c != b'%'
                || b.get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        })
}

/// The external reference of a cited source (a `reference` value): its
/// host as the source name, the URL when there is one.
fn cited(kind: Kind, value: &str) -> Value {
    let host = match kind {
        Kind::Url => value
            .split_once("://")
            .map_or(value, |(_, r)| r)
            .split(['/', '?', '#', ':'])
            .next()
            .unwrap_or(value),
        Kind::Email => value.rsplit_once('@').map_or(value, |(_, d)| d),
        _ => value,
    };
    match kind {
        Kind::Url if uri(value) => json!({ "source_name": host, "url": value }),
        _ => json!({
            "source_name": host,
            "description": format!("{} cited by the article: {value}", kind.name()),
        }),
    }
}

/// The report of one article, referring to `refs` and citing `cites`.
pub(super) fn report(a: &Article, refs: Vec<String>, cites: &[(Kind, &str)]) -> Value {
    let ts = timestamp(a.date);
    // STIX wants an id, a URL or a description in every reference; an
    // article without a URL still has its title.
    let mut reference = json!({
        "source_name": if a.source.is_empty() { "secsearch" } else { a.source.as_str() },
        "description": a.title,
    });
    if !a.url.is_empty() {
        reference["url"] = json!(a.url);
    }
    let mut external = vec![reference];
    external.extend(cites.iter().map(|(k, v)| cited(*k, v)));
    json!({
        "type": "report", "spec_version": "2.1", "id": id("report", &a.key),
        "created": ts, "modified": ts, "published": ts, "name": a.title,
        "report_types": ["threat-report"], "object_refs": refs,
        "external_references": external,
    })
}

/// The bundle of `articles`: the values whose role is in `roles` become
/// objects, and every reference one of its report's external references;
/// an article left with no object is left out (a report must refer to
/// one). Objects are ordered by id; an indicator's timestamps are the
/// earliest date of the articles mentioning it.
/// An article's values to export as objects, and those it cites.
pub(super) type Values<'a> = Vec<(Kind, &'a str)>;

/// An article's values whose role is in `roles` (objects) and the
/// references it cites.
pub(super) fn split<'a>(a: &'a Article, roles: &[Role]) -> (Values<'a>, Values<'a>) {
    let mut objects = Vec::new();
    let mut cites = Vec::new();
    for (k, v) in &a.indicators {
        match role(*k, v) {
            Role::Reference => cites.push((*k, v.as_str())),
            r if roles.contains(&r) => objects.push((*k, v.as_str())),
            _ => {}
        }
    }
    cites.sort();
    cites.dedup();
    (objects, cites)
}

/// The number of reports in a bundle [`bundle`] made.
pub fn reports(bundle: &Value) -> usize {
    bundle["objects"]
        .as_array()
        .map_or(0, |o| o.iter().filter(|x| x["type"] == "report").count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(key: &str, ind: &[(Kind, &str)]) -> Article {
        Article {
            path: format!("/a/{key}.md"),
            title: format!("t {key}"),
            source: "src".into(),
            url: String::new(),
            date: Some(jiff::civil::date(2024, 3, 1)),
            key: key.into(),
            indicators: ind.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    #[test]
    fn only_well_formed_urls_are_cited_as_urls() {
        let ok = cited(Kind::Url, "https://www.bleepingcomputer.com/news/a%20b/");
        assert_eq!(ok["url"], "https://www.bleepingcomputer.com/news/a%20b/");
        let bad = cited(Kind::Url, "https://bbs.kanxue.com/elink@7#2L8#2y4%4g");
        assert!(bad.get("url").is_none(), "{bad}");
        assert_eq!(bad["source_name"], "bbs.kanxue.com");
        assert!(bad["description"].as_str().unwrap().contains("elink@7#2L8"));
    }

    #[test]
    fn patterns_escape_and_cover_observables() {
        assert_eq!(
            pattern(Kind::Sha256, "ab").as_deref(),
            Some("[file:hashes.'SHA-256' = 'ab']")
        );
        assert_eq!(
            pattern(Kind::File, r"it's\x.exe").as_deref(),
            Some(r"[file:name = 'it\'s\\x.exe']")
        );
        assert_eq!(pattern(Kind::Cve, "CVE-2024-3094"), None);
    }

    #[test]
    fn ids_are_deterministic_and_shared_across_articles() {
        let a = [
            article(
                "k1",
                &[(Kind::Domain, "evil.com"), (Kind::Cve, "CVE-2024-3094")],
            ),
            article("k2", &[(Kind::Domain, "evil.com")]),
        ];
        let b1 = crate::ioc::stix_stream::Plan::new(&a, &[Role::Observable]).to_value();
        let b2 = crate::ioc::stix_stream::Plan::new(&a, &[Role::Observable]).to_value();
        assert_eq!(b1, b2);
        let objs = b1["objects"].as_array().unwrap();
        // one indicator, one vulnerability, two reports
        assert_eq!(objs.len(), 4);
        let types: Vec<&str> = objs.iter().map(|o| o["type"].as_str().unwrap()).collect();
        assert_eq!(types.iter().filter(|t| **t == "report").count(), 2);
        let ind = objs.iter().find(|o| o["type"] == "indicator").unwrap();
        for r in objs.iter().filter(|o| o["type"] == "report") {
            assert!(r["object_refs"].as_array().unwrap().contains(&ind["id"]));
        }
    }
}
