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
        if n.is_empty() {
            continue;
        }
        for s in memmem::find_iter(norm.as_bytes(), n.as_bytes()).take(2000) {
            out.push((s, s + n.len(), i));
        }
    }
    out.sort_unstable();
    out
}
