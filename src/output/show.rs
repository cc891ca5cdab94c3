//! `secsearch show PATH`: one article as a reader sees it — title, source,
//! date, URL, and the clean body (no image links, no WeChat interface text)
//! with the query's matches marked. This module reads and marks; `output`
//! renders and the command layer pages.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::article;
use crate::error::Error;
use crate::output::snippet::marks;

/// An article ready to render.
#[derive(Debug, Clone)]
pub struct ArticleView {
    pub path: PathBuf,
    pub title: String,
    pub title_marks: Vec<Range<usize>>,
    pub source: String,
    pub date: Option<String>,
    pub url: String,
    /// Body lines, each with its marks (byte ranges of the line).
    pub lines: Vec<(String, Vec<Range<usize>>)>,
}

/// The largest file shown: the indexer's default `--max-filesize`.
const READ_LIMIT: u64 = 32 * 1024 * 1024;

/// Reads the article at `path` and marks `needles` in it. A file that is
/// not an article (a folder, binary, undecodable, empty) is an error that
/// says so, not an empty page.
pub fn view(path: &Path, needles: &[String]) -> Result<ArticleView, Error> {
    let not_article = |why: String| Error::NotArticle {
        path: path.to_path_buf(),
        why,
    };
    // The user named the file, so a link is followed (as `cat` would);
    // still checked on the handle and capped: a FIFO or `/dev/zero` is
    // refused at once instead of hanging or filling memory.
    let bytes = match crate::article::fsread::read_regular(path, READ_LIMIT) {
        Ok(b) => b,
        Err(crate::error::SkipReason::Io(source)) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                what: "cannot read",
                source,
            })
        }
        Err(crate::error::SkipReason::Special(kind)) => return Err(not_article(kind.to_string())),
        Err(e) => return Err(not_article(e.to_string())),
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let a = article::read(&bytes, &stem).map_err(|e| not_article(e.to_string()))?;
    let body = visible(&single_blank_lines(&without_bold_markers(
        &crate::output::snippet::without_title_lines(&a.body, &a.title),
    )));
    let body_marks = marks::marks(&body, needles);
    let title = visible(&a.title);
    Ok(ArticleView {
        path: path.to_path_buf(),
        title_marks: marks::marks(&title, needles),
        lines: split_lines(&body, &body_marks),
        title,
        source: visible(&a.source),
        date: a.date.map(|d| d.to_string()),
        url: visible(&a.url),
    })
}

/// Lines without their paired `**` bold markers: a reader sees bold, not
/// asterisks, and plain output uses `**` for matches. An odd count (`a**b`
/// in code) is left alone.
fn without_bold_markers(body: &str) -> String {
    body.split('\n')
        .map(|l| {
            let n = l.matches("**").count();
            if n > 0 && n % 2 == 0 {
                l.replace("**", "")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs of blank lines as one, none at the start or the end: the title
/// lines taken out of the body leave gaps a reader should not scroll past.
fn single_blank_lines(body: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for l in body.lines() {
        let blank = l.trim().is_empty();
        if blank && out.last().is_none_or(|p| p.trim().is_empty()) {
            continue;
        }
        out.push(if blank { "" } else { l });
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// The text without control characters (tabs and newlines stay): an
/// escape sequence in an article must not act on the reader's terminal.
fn visible(s: &str) -> String {
    s.chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect()
}

/// Splits the body into lines, giving each the marks that fall in it
/// (a mark across a line break is split in two).
fn split_lines(body: &str, marks: &[Range<usize>]) -> Vec<(String, Vec<Range<usize>>)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in body.split('\n') {
        let end = at + line.len();
        let m = marks
            .iter()
            .filter(|r| r.start < end && r.end > at)
            .map(|r| r.start.max(at) - at..r.end.min(end) - at)
            .collect();
        out.push((line.to_string(), m));
        at = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_bold_markers_go_odd_ones_stay() {
        assert_eq!(
            without_bold_markers("**重要**说明\nx = 2**8"),
            "重要说明\nx = 2**8"
        );
    }

    #[test]
    fn blank_runs_are_one_line() {
        assert_eq!(single_blank_lines("\n\n a\n\n\n\nb\n\n"), " a\n\nb");
    }

    #[test]
    fn marks_are_split_by_line() {
        let body = "第一行勒索\n软件在第二行";
        let l = split_lines(
            body,
            std::slice::from_ref(&(body.find("勒索").unwrap()..body.find("在").unwrap())),
        );
        assert_eq!(&l[0].0[l[0].1[0].clone()], "勒索");
        assert_eq!(&l[1].0[l[1].1[0].clone()], "软件");
    }

    #[test]
    fn a_folder_or_a_binary_file_is_not_an_article() {
        let d = tempfile::tempdir().expect("dir");
        let e = view(d.path(), &[]).expect_err("a folder");
        assert!(e.to_string().contains("not an article"), "{e}");
        let f = d.path().join("x.md");
        std::fs::write(&f, b"\x00\x01\x02binary").expect("write");
        let e = view(&f, &[]).expect_err("binary");
        assert!(e.to_string().contains("not an article (binary"), "{e}");
    }
}
