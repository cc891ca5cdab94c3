//! The STIX bundle written as it is made: the same bytes as
//! `serde_json::to_vec_pretty(&Plan::to_value())`, without
//! holding the bundle. The whole bundle as one JSON value took ~200 times
//! the size of the indicator list in memory (a 19.7 MB list: 3.75 GB, then
//! an abort); here only the objects' ids are held (to order them and name
//! the bundle), and each object is made, written and dropped in turn.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::ioc::aggregate::Article;
use crate::ioc::extract::Kind;
use crate::ioc::roles::Role;
use serde_json::Value;

use crate::ioc::stix::{id, object, report, split, Values};

/// What an object of the bundle is made from.
enum Source<'a> {
    Indicator(Kind, &'a str, Option<jiff::civil::Date>),
    /// An article, its values exported as objects, and those it cites.
    Report(&'a Article, Values<'a>, Values<'a>),
}

/// The bundle's objects by id, not yet made.
pub struct Plan<'a> {
    objects: BTreeMap<String, Source<'a>>,
}

/// The id of the object of one indicator (the id does not depend on the date).
fn object_id(kind: Kind, value: &str) -> String {
    object(kind, value, None)["id"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

impl<'a> Plan<'a> {
    /// The objects of the bundle of `articles`, as ids and sources.
    pub fn new(articles: &'a [Article], roles: &[Role]) -> Plan<'a> {
        let mut first: BTreeMap<(Kind, &str), Option<jiff::civil::Date>> = BTreeMap::new();
        let mut reports = Vec::new();
        for a in articles {
            let (objects, cites) = split(a, roles);
            if objects.is_empty() {
                continue;
            }
            for &(k, v) in &objects {
                let e = first.entry((k, v)).or_insert(a.date);
                *e = match (*e, a.date) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                };
            }
            reports.push((a, objects, cites));
        }
        let mut objects = BTreeMap::new();
        for ((k, v), date) in first {
            objects.insert(object_id(k, v), Source::Indicator(k, v, date));
        }
        for (a, objs, cites) in reports {
            let r = report(a, Vec::new(), &[]);
            let rid = r["id"].as_str().unwrap_or_default().to_string();
            objects.insert(rid, Source::Report(a, objs, cites));
        }
        Plan { objects }
    }

    /// Objects in the bundle.
    pub fn objects(&self) -> usize {
        self.objects.len()
    }

    /// Reports in the bundle.
    pub fn reports(&self) -> usize {
        self.objects
            .values()
            .filter(|s| matches!(s, Source::Report(..)))
            .count()
    }

    /// The bundle's id: named by every object it holds.
    fn bundle_id(&self) -> String {
        let ids: Vec<&str> = self.objects.keys().map(String::as_str).collect();
        id("bundle", &ids.join(","))
    }

    /// The objects, made one at a time, in the bundle's order.
    fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.objects.values().map(|source| match source {
            Source::Indicator(k, v, date) => object(*k, v, *date),
            Source::Report(a, objs, cites) => {
                let mut refs: Vec<String> = objs.iter().map(|(k, v)| object_id(*k, v)).collect();
                refs.sort();
                refs.dedup();
                report(a, refs, cites)
            }
        })
    }

    /// The whole bundle as one value (tests and small exports: it holds
    /// every object at once).
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "type": "bundle",
            "id": self.bundle_id(),
            "objects": self.values().collect::<Vec<_>>(),
        })
    }

    /// Writes the bundle, pretty-printed, an object at a time: the bytes of
    /// `serde_json::to_vec_pretty(&self.to_value())`.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let bundle_id = serde_json::to_string(&self.bundle_id())?;
        write!(out, "{{\n  \"id\": {bundle_id},\n  \"objects\": [")?;
        for (n, value) in self.values().enumerate() {
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
        if self.objects.is_empty() {
            out.write_all(b"]")?;
        } else {
            out.write_all(b"\n  ]")?;
        }
        out.write_all(b",\n  \"type\": \"bundle\"\n}")
    }
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

    /// Byte for byte what the bundle value pretty-prints to: the streamed
    /// writer and the value are made from the same objects.
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
                article(
                    "k4",
                    d(2),
                    &[
                        (Kind::Url, "https://github.com/x/y"),
                        (Kind::Domain, "github.com"),
                    ],
                ),
            ],
            vec![article("only", None, &[(Kind::Ipv4, "1.2.3.4")])],
            vec![],
        ];
        let all = [Role::Observable, Role::Reference, Role::Benign];
        for roles in [&[Role::Observable][..], &all[..]] {
            for articles in &sets {
                let v = Plan::new(articles, roles).to_value();
                let want = serde_json::to_vec_pretty(&v).unwrap();
                let plan = Plan::new(articles, roles);
                let mut got = Vec::new();
                plan.write(&mut got).unwrap();
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    String::from_utf8(want).unwrap()
                );
                assert_eq!(plan.objects(), v["objects"].as_array().unwrap().len());
                assert_eq!(plan.reports(), crate::ioc::stix::reports(&v));
            }
        }
    }
}
