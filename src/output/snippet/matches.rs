//! A snippet as it is handed on, and where the needles occur in the
//! normalized text: what the cutting and marking steps share.

use memchr::memmem;

/// A snippet and the byte ranges of `text` to highlight.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// Finds every occurrence of the (already normalized) needles in the
/// normalized text: (from, to, needle index), sorted, in normalized bytes.
pub fn find_matches(norm: &str, needles: &[String]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (i, n) in needles.iter().enumerate() {
        let (whole, n) = crate::query::split_needle(n);
        if n.is_empty() {
            continue;
        }
        let found = memmem::find_iter(norm.as_bytes(), n.as_bytes())
            .filter(|&s| !whole || whole_word_at(norm, n, s))
            .take(2000);
        for s in found {
            out.push((s, s + n.len(), i));
        }
    }
    out.sort_unstable();
    out
}

/// Whether the match of `n` at byte `s` of `norm` is a whole word (`-w`):
/// a Latin letter or digit at either end of the needle is not continued by
/// another in the text, as the index's whole-word tokens decide it for
/// the search.
fn whole_word_at(norm: &str, n: &str, s: usize) -> bool {
    use crate::analysis::{class, Class};
    let is_word = |c: Option<char>| c.is_some_and(|c| class(c) == Class::Word);
    let left = is_word(n.chars().next()) && is_word(norm[..s].chars().next_back());
    let right = is_word(n.chars().next_back()) && is_word(norm[s + n.len()..].chars().next());
    !left && !right
}
