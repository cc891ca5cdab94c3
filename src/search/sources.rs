//! `--source NAME`: which publishers a name means. A user types part of a
//! name in any case (`--source 奇安信`, `--source cncert`); the index keeps
//! each publisher's exact name. A name matches every publisher whose name
//! contains it (case and width ignored); a name that matches none is an
//! error that offers the closest publishers, never a silent empty result.

use tantivy::Searcher;

use crate::analysis;
use crate::error::Error;
use crate::index::columns;
use crate::index::schema::Fields;

/// Every publisher name in the index, sorted, once each.
fn all_sources(searcher: &Searcher, f: &Fields) -> Result<Vec<String>, Error> {
    let err = |e: &dyn std::fmt::Display| columns::index_error("source names", e);
    let mut out = Vec::new();
    for seg in searcher.segment_readers() {
        let ii = seg.inverted_index(f.source_exact).map_err(|e| err(&e))?;
        let mut stream = ii.terms().stream().map_err(|e| err(&e))?;
        while stream.advance() {
            out.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
    }
    out.sort();
    out.dedup();
    out.retain(|s| !s.is_empty());
    Ok(out)
}

/// The exact publisher names that the `--source` names mean.
pub(crate) fn resolve(
    searcher: &Searcher,
    f: &Fields,
    names: &[String],
) -> Result<Vec<String>, Error> {
    let all = all_sources(searcher, f)?;
    let folded: Vec<String> = all.iter().map(|s| analysis::normalize(s)).collect();
    let mut out = Vec::new();
    for name in names {
        let want = analysis::normalize(name.trim());
        let found: Vec<&String> = all
            .iter()
            .zip(&folded)
            .filter(|(_, low)| low.contains(want.as_str()))
            .map(|(s, _)| s)
            .collect();
        if found.is_empty() {
            return Err(Error::NoSource {
                name: name.clone(),
                suggestions: closest(&want, &all, &folded),
            });
        }
        out.extend(found.into_iter().cloned());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Character pairs of a string (the string itself when it is one
/// character): what a near spelling shares with the real name.
fn bigrams(s: &str) -> Vec<(char, char)> {
    let c: Vec<char> = s.chars().collect();
    if c.len() == 1 {
        return vec![(c[0], c[0])];
    }
    c.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Up to three publishers most like `want`: holding at least half of its
/// character pairs (a typo or a near spelling does; a word that merely
/// shares letters does not), the closest in length (Dice) first.
fn closest(want: &str, all: &[String], folded: &[String]) -> Vec<String> {
    let w = bigrams(want);
    let mut scored: Vec<(u32, &String)> = all
        .iter()
        .zip(folded)
        .filter_map(|(s, low)| {
            let b = bigrams(low);
            let shared = w.iter().filter(|p| b.contains(p)).count();
            let dice = 2.0 * shared as f64 / (w.len() + b.len()).max(1) as f64;
            (shared * 2 >= w.len()).then_some(((dice * 1000.0) as u32, s))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, s)| s.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_share_most_characters() {
        let all: Vec<String> = ["奇安信威胁情报中心", "安全客", "FreeBuf"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let folded: Vec<String> = all.iter().map(|s| analysis::normalize(s)).collect();
        assert_eq!(closest("奇安心", &all, &folded), vec!["奇安信威胁情报中心"]);
        assert_eq!(closest("freebuff", &all, &folded), vec!["FreeBuf"]);
        assert!(closest("zzz", &all, &folded).is_empty());
        assert!(
            closest("qianxin", &all, &folded).is_empty(),
            "shared letters are not a likeness"
        );
    }
}
