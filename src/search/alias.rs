//! Synonym and alias expansion, a query step of its own: each positive
//! query term that is in a synonym group (`index-schema/synonyms.txt`, plus
//! `--synonyms FILE`) is also searched as the other names of its group.
//!
//! Why at query time: the groups change more often than the archive, and a
//! user's own groups must work on an existing index. `--exact` skips this
//! step, and the query is exactly the grep set again.

use crate::analysis::synonyms::Synonyms;
use crate::analysis::{self, QueryUnit, UnitKind};
use crate::query::Query;

/// The aliases of every term of a query: `[clause][term]`, in query order.
#[derive(Debug, Default, Clone)]
pub struct Expansion(Vec<Vec<Vec<String>>>);

impl Expansion {
    /// Looks every positive term up in `syn`; negated clauses are left
    /// alone (excluding an alias the user did not name would surprise).
    pub fn new(query: &Query, syn: &Synonyms) -> Expansion {
        Expansion(
            query
                .clauses
                .iter()
                .map(|c| {
                    c.any_of
                        .iter()
                        .map(|t| match syn.expand(&t.text) {
                            Some(others) if !c.negated => others.to_vec(),
                            _ => Vec::new(),
                        })
                        .collect()
                })
                .collect(),
        )
    }

    /// The aliases of term `term` of clause `clause`.
    pub fn of(&self, clause: usize, term: usize) -> &[String] {
        self.0
            .get(clause)
            .and_then(|c| c.get(term))
            .map_or(&[], |v| v.as_slice())
    }

    /// Whether no alias was added.
    pub fn is_empty(&self) -> bool {
        self.0.iter().flatten().all(Vec::is_empty)
    }

    /// Every alias searched, in query order, each once: what `also
    /// searched:` shows.
    pub fn all(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for a in self.0.iter().flatten().flatten() {
            if !out.contains(a) {
                out.push(a.clone());
            }
        }
        out
    }
}

/// The recall units of an alias, searched as whole words: an alias such as
/// `RAT` or `RCE` must not match inside `pirate` or `source`, as the open
/// ends of a typed term do. CJK runs keep their substring meaning.
pub(super) fn alias_units(alias: &str) -> Vec<QueryUnit> {
    let mut units = analysis::query_units(&analysis::normalize(alias));
    for u in &mut units {
        if u.unit.kind == UnitKind::Word {
            u.open_left = false;
            u.open_right = false;
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_of_positive_terms_only() {
        let syn = Synonyms::parse("海莲花 | OceanLotus | APT32\n", "t").unwrap();
        let q = crate::query::parse("海莲花 -apt32 漏洞").unwrap();
        let e = Expansion::new(&q, &syn);
        assert_eq!(e.of(0, 0), ["OceanLotus", "APT32"]);
        assert!(e.of(1, 0).is_empty());
        assert!(e.of(2, 0).is_empty());
        assert_eq!(e.all(), ["OceanLotus", "APT32"]);
    }

    #[test]
    fn latin_aliases_are_whole_words() {
        let u = alias_units("RAT");
        assert!(u.iter().all(|u| !u.open_left && !u.open_right));
    }
}
