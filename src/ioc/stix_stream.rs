//! The STIX bundle written as it is made: the same bytes as
//! `serde_json::to_vec_pretty(&stix::bundle(articles))`, without holding
//! the bundle. The whole bundle as one JSON value took ~200 times the size
//! of the indicator list in memory (a 19.7 MB list: 3.75 GB, then an
//! abort); here only the objects' ids are held (to order them and name the
//! bundle), and each object is made, written and dropped in turn.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::ioc::extract::Kind;
use crate::ioc::stix::{id, object, report};
use crate::ioc::Article;

/// What an object of the bundle is made from.
enum Source<'a> {
    Indicator(Kind, &'a str, Option<jiff::civil::Date>),
    Report(usize),
}

/// The id of the object of one indicator (the id does not depend on the date).
fn object_id(kind: Kind, value: &str) -> String {
    object(kind, value, None)["id"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The sorted ids of an article's indicators: its report's `object_refs`.
fn refs(a: &Article) -> Vec<String> {
    let mut refs: Vec<String> = a.indicators.iter().map(|(k, v)| object_id(*k, v)).collect();
    refs.sort();
    refs.dedup();
    refs
}

/// Writes the bundle of `articles` (as `stix::bundle` makes it) to `out`,
/// pretty-printed; returns the number of objects.
pub fn write_bundle(articles: &[Article], out: &mut dyn Write) -> io::Result<usize> {
    let mut first: BTreeMap<(Kind, &str), Option<jiff::civil::Date>> = BTreeMap::new();
    for a in articles {
        for (k, v) in &a.indicators {
            let e = first.entry((*k, v.as_str())).or_insert(a.date);
            *e = match (*e, a.date) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
        }
    }
    let mut objects: BTreeMap<String, Source> = BTreeMap::new();
    for ((k, v), date) in &first {
        objects.insert(object_id(*k, v), Source::Indicator(*k, v, *date));
    }
    for (i, a) in articles.iter().enumerate() {
        let r = report(a, Vec::new());
        objects.insert(
            r["id"].as_str().unwrap_or_default().to_string(),
            Source::Report(i),
        );
    }
    let ids: Vec<&str> = objects.keys().map(String::as_str).collect();
    let bundle_id = serde_json::to_string(&id("bundle", &ids.join(",")))?;
    write!(out, "{{\n  \"id\": {bundle_id},\n  \"objects\": [")?;
    for (n, source) in objects.values().enumerate() {
        let value = match source {
            Source::Indicator(k, v, date) => object(*k, v, *date),
            Source::Report(i) => report(&articles[*i], refs(&articles[*i])),
        };
        out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        let text = serde_json::to_string_pretty(&value)?;
        for (j, line) in text.lines().enumerate() {
            if j > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(b"    ")?;
            out.write_all(line.as_bytes())?;
        }
    }
    if objects.is_empty() {
        out.write_all(b"]")?;
    } else {
        out.write_all(b"\n  ]")?;
    }
    out.write_all(b",\n  \"type\": \"bundle\"\n}")?;
    Ok(objects.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(key: &str, date: Option<jiff::civil::Date>, ind: &[(Kind, &str)]) -> Article {
        Article {
            path: format!("/a/{key}.md"),
            title: format!("t \"{key}\"\n\u{1b}"),
            source: "源".into(),
            url: if key == "k1" {
                "https://x/".into()
            } else {
                String::new()
            },
            date,
            key: key.into(),
            indicators: ind.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    /// Byte for byte what the bundle value pretty-prints to: whoever
    /// changes what goes into `stix::bundle` sees here that the streamed
    /// writer must follow.
    #[test]
    fn the_streamed_bundle_is_the_bundle_byte_for_byte() {
        let d = |m| Some(jiff::civil::date(2024, m, 1));
        let sets = [
            vec![
                article(
                    "k1",
                    d(3),
                    &[(Kind::Domain, "evil.com"), (Kind::Cve, "CVE-2024-3094")],
                ),
                article(
                    "k2",
                    d(1),
                    &[(Kind::Domain, "evil.com"), (Kind::Attack, "T1059.001")],
                ),
                article(
                    "k3",
                    None,
                    &[(Kind::Sha256, "ab'c\\d"), (Kind::Cnvd, "CNVD-2024-1")],
                ),
            ],
            vec![article("only", None, &[(Kind::Ipv4, "1.2.3.4")])],
            vec![],
        ];
        for articles in sets {
            let want = serde_json::to_vec_pretty(&crate::ioc::stix::bundle(&articles)).unwrap();
            let mut got = Vec::new();
            let n = write_bundle(&articles, &mut got).unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap()
            );
            let v = crate::ioc::stix::bundle(&articles);
            assert_eq!(n, v["objects"].as_array().unwrap().len());
        }
    }
}
