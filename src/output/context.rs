//! `search -C/-A/-B` and `--open`: the lines of an article file that hold a
//! match, with their neighbours, numbered as in the file — ripgrep's view,
//! and the line an editor should open at.
//!
//! Lines are those of the file itself (front matter included), not of the
//! cleaned body: the numbers must be what `$EDITOR +LINE` and `rg -n` show.

use std::ops::Range;
use std::path::Path;

use crate::article;
use crate::article::fsread::{self, Scope};
use crate::error::{Error, SkipReason};
use crate::output::snippet::marks;

/// One line of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based, as editors and grep count.
    pub number: usize,
    pub text: String,
    /// Byte ranges of `text` to highlight; empty for a context line.
    pub marks: Vec<Range<usize>>,
}

impl Line {
    pub fn is_match(&self) -> bool {
        !self.marks.is_empty()
    }
}

/// Consecutive lines shown together; groups are separated by `--`.
pub type Group = Vec<Line>;

/// The largest file shown: the indexer's default `--max-filesize`.
const READ_LIMIT: u64 = 32 * 1024 * 1024;

/// The text of an article file as lines, with control characters (an ESC
/// sequence in a hostile article) dropped: they would act on the terminal.
/// Read through the one checked reader: a FIFO, a device, a huge file or
/// a link out of `scope` is an error, never a hang or the outside file.
fn file_lines(path: &Path, scope: &Scope) -> Result<Vec<String>, Error> {
    let bytes = match fsread::read_within(path, READ_LIMIT, scope) {
        Ok(b) => b,
        Err(SkipReason::Io(source)) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                what: "cannot read",
                source,
            })
        }
        Err(e) => {
            return Err(Error::NotArticle {
                path: path.to_path_buf(),
                why: e.to_string(),
            })
        }
    };
    let (text, _) = article::decode(&bytes).map_err(|why| Error::NotArticle {
        path: path.to_path_buf(),
        why: why.to_string(),
    })?;
    Ok(text
        .lines()
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_control() || *c == '\t')
                .collect()
        })
        .collect())
}

/// The matching lines of the file at `path` with `before`/`after` lines of
/// context, merged into groups where they touch or overlap.
pub fn groups(
    path: &Path,
    needles: &[String],
    before: usize,
    after: usize,
    scope: &Scope,
) -> Result<Vec<Group>, Error> {
    let lines = file_lines(path, scope)?;
    let marked: Vec<Vec<Range<usize>>> = lines.iter().map(|l| marks::marks(l, needles)).collect();
    let mut out: Vec<Group> = Vec::new();
    let mut shown_to = 0; // lines [0, shown_to) are already in a group
    for (i, m) in marked.iter().enumerate() {
        if m.is_empty() {
            continue;
        }
        let from = i.saturating_sub(before).max(shown_to);
        let to = (i + after + 1).min(lines.len());
        if from > shown_to || out.is_empty() {
            out.push(Vec::new());
        }
        let Some(group) = out.last_mut() else {
            continue;
        };
        for (j, text) in lines.iter().enumerate().take(to).skip(from) {
            if j < shown_to {
                continue;
            }
            group.push(Line {
                number: j + 1,
                text: text.clone(),
                marks: marked[j].clone(),
            });
        }
        shown_to = shown_to.max(to);
    }
    Ok(out)
}

/// The 1-based number of the first line holding a match of the body (the
/// front matter's title line counts too), for `$EDITOR +LINE`; 1 when no
/// line matches (a match across lines).
pub fn first_match_line(path: &Path, needles: &[String], scope: &Scope) -> Result<usize, Error> {
    let lines = file_lines(path, scope)?;
    Ok(lines
        .iter()
        .position(|l| !marks::marks(l, needles).is_empty())
        .map_or(1, |i| i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(f.path(), text).expect("write");
        f
    }

    #[test]
    fn groups_merge_touching_context_and_number_lines_from_one() {
        let f = file("a\nb\nX1\nc\nX2\nd\ne\nf\ng\nX3\nh\n");
        let n = vec!["x".to_string()];
        let g = groups(f.path(), &n, 1, 1, &Scope::anywhere()).expect("groups");
        let nums: Vec<Vec<usize>> = g
            .iter()
            .map(|g| g.iter().map(|l| l.number).collect())
            .collect();
        assert_eq!(nums, vec![vec![2, 3, 4, 5, 6], vec![9, 10, 11]]);
        assert!(g[0][1].is_match() && !g[0][0].is_match());
        assert_eq!(
            first_match_line(f.path(), &n, &Scope::anywhere()).expect("line"),
            3
        );
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let f = file("evil \u{1b}]8;;x\u{7}X here\n");
        let g = groups(f.path(), &["x".to_string()], 0, 0, &Scope::anywhere()).expect("groups");
        assert!(!g[0][0].text.contains('\u{1b}'));
    }
}
