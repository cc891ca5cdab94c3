//! Proximity: of two articles holding every query word, the one where the
//! words stand close together is more likely about them. A scoring-only
//! clause: the positive terms, in query order, as one phrase with slop, in
//! the recall fields (which keep positions).
//!
//! Only terms whose units are exact terms (CJK bigrams, closed words) take
//! part: an open Latin word is a set of vocabulary words, which a
//! `PhraseQuery` cannot hold; without two such terms there is no clause.

use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query as TQuery};
use tantivy::schema::Field;
use tantivy::Term;

use super::options::Options;
use crate::analysis::{self, UnitKind};
use crate::index::schema::Fields;
use crate::query::FieldSel;

/// Positions allowed between the words (recall units: a CJK character pair
/// or a word each), about one short sentence.
const SLOP: u32 = 12;

/// Weight of the proximity phrase, relative to the field's recall boost.
const WEIGHT: f32 = 1.0;

/// The normalized exact-unit texts of each single-term positive clause.
fn exact_terms(opts: &Options) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for c in opts.query.clauses.iter().filter(|c| !c.negated) {
        let [t] = c.any_of.as_slice() else { continue };
        if t.field != FieldSel::Any {
            continue;
        }
        let units = analysis::query_units(&analysis::normalize(&t.text));
        let exact = units.iter().all(|u| {
            u.unit.kind != UnitKind::Unigram
                && !(u.unit.kind == UnitKind::Word && (u.open_left || u.open_right))
        });
        if exact && !units.is_empty() {
            out.push(units.into_iter().map(|u| u.unit.text).collect());
        }
    }
    out
}

fn phrase(field: Field, terms: &[Vec<String>]) -> PhraseQuery {
    let mut at = 0;
    let mut seq = Vec::new();
    for t in terms {
        for u in t {
            seq.push((at, Term::from_field_text(field, u)));
            at += 1;
        }
    }
    PhraseQuery::new_with_offset_and_slop(seq, SLOP)
}

/// The proximity clause, or `None` when fewer than two terms qualify.
pub(super) fn clause(f: &Fields, opts: &Options) -> Option<Box<dyn TQuery>> {
    let terms = exact_terms(opts);
    if terms.len() < 2 {
        return None;
    }
    let mut alts: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    for (field, boost) in [(f.title, f.boost_title), (f.body, f.boost_body)] {
        let q: Box<dyn TQuery> = Box::new(phrase(field, &terms));
        alts.push((Occur::Should, Box::new(BoostQuery::new(q, boost * WEIGHT))));
    }
    Some(Box::new(BooleanQuery::new(alts)))
}
