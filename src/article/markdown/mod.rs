//! The Markdown body cleaner: the body as a reader sees it, which is what
//! is indexed and what snippets show.

mod syntax;

use syntax::{
    code_image_end, find_backtick_run, is_reference_definition, link_destination_end, link_target,
    reference_target, starts_with_ignore_case, tag_end, tag_replacement, LOOKAHEAD,
};

use crate::article::entities::entity_at;
use crate::article::text::Lines;
use crate::article::wechat::{classify, ui_lines_to_remove, LineClass};

/// Markdown body → indexed text (also what snippets show).
///
/// Keeps everything a reader sees as text and drops what they do not:
/// * images `![alt](url)` / `![alt][ref]` go entirely (the alt text is
///   `cover_image`, `图片` noise), so do reference definitions `[1]: http…`;
/// * links `[text](url)` / `[text][ref]` keep their text (the targets are
///   collected apart, see [`clean_body_with_links`]);
/// * bare URLs, `www.` domains and autolinks `<https://…>` stay as the
///   reader sees them (the autolink without its angle brackets): they are
///   visible text, and analysts search for them as often as for words. (The
///   first design dropped them to keep snippets clean; that made every
///   indicator in a URL unsearchable: 0.53 recall on the dev set's ioc
///   queries.)
/// * presentational HTML tags (`<table>`, `<td …>`, `<br/>`, `<span …>`,
///   `</p>`, comments) go and their inner text stays; entities are decoded.
///   Tags are only stripped from a fixed list of layout tags, never `<script>`,
///   `<img>`, `<iframe>`, `<svg>`…: in these security articles such tags are
///   almost always the *subject* (an XSS payload, `#include <stdio.h>`, Maven
///   `<groupId>`), shown to the reader as text;
/// * Markdown backslash escapes are undone (`copy\_to\_user` is shown as
///   `copy_to_user`, and must be found as such);
/// * inside code (fenced blocks and `` `spans` ``) text is literal: no tag
///   stripping, no entity or escape decoding; only complete images are
///   removed (converters leave unbalanced fences, so "code" often holds the
///   article's images);
/// * WeChat page UI text (the footer `预览时标签不可点 … 微信扫一扫可打开此内容，
///   … 视频 小程序 赞 …` and runs of such lines anywhere) is removed, see
///   [`is_ui_line`](super::is_ui_line);
/// * lines lose trailing blanks; 3+ newlines become 2; leading and trailing
///   blank lines go. Emphasis markers and heading hashes stay.
pub fn clean_body(markdown: &str) -> String {
    clean_body_with_links(markdown).0
}

/// [`clean_body`], and the link targets of the body in order of appearance:
/// `[text](target)`, autolinks `<https://…>` and reference definitions
/// `[1]: target`. Targets are invisible, so they stay out of the body, but
/// "articles that link to github.com" is a question analysts ask: they are
/// indexed in a field of their own. Image sources are not links.
pub fn clean_body_with_links(markdown: &str) -> (String, Vec<String>) {
    let c = clean(markdown);
    (c.text, c.links)
}

/// What [`clean`] returns.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Cleaned {
    /// The body as a reader sees it ([`clean_body`]).
    pub text: String,
    /// Link targets ([`clean_body_with_links`]).
    pub links: Vec<String>,
    /// Each whitespace-delimited word that held a Markdown escape, as written
    /// (`notice\_only\_key=1`): the body holds it unescaped, as rendered,
    /// but people copy the file's text too (the dev set's truth is the file
    /// text without escapes undone), so the written form is indexed as well.
    pub escaped: Vec<String>,
}

/// The whole cleaning: body text, link targets, escaped words.
pub fn clean(markdown: &str) -> Cleaned {
    let mut cleaner = Cleaner::new(markdown.len());
    cleaner.run(markdown);
    let links = std::mem::take(&mut cleaner.links);
    let escaped = std::mem::take(&mut cleaner.escaped);
    Cleaned {
        text: cleaner.finish(),
        links,
        escaped,
    }
}

/// One output line of the first pass: a span of `Cleaner::out`.
#[derive(Debug, Clone, Copy)]
struct LineSpan {
    start: usize,
    end: usize,
    code: bool,
}

/// An open code fence: ``` or ~~~ and how many.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Fence {
    ch: u8,
    len: usize,
}

impl Fence {
    /// A fence opening line: up to 3 spaces, then 3+ backticks or tildes.
    pub(super) fn opens(line: &str) -> Option<Fence> {
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        if indent > 3 {
            return None;
        }
        let rest = &line.as_bytes()[indent..];
        let ch = *rest.first()?;
        if ch != b'`' && ch != b'~' {
            return None;
        }
        let len = rest.iter().take_while(|&&b| b == ch).count();
        if len < 3 || (ch == b'`' && rest[len..].contains(&b'`')) {
            return None;
        }
        Some(Fence { ch, len })
    }

    /// A closing line: up to 3 spaces, then at least as many of the same
    /// character as opened it, and nothing else (CommonMark's rule).
    pub(super) fn closes(self, line: &str) -> bool {
        let t = line.trim_start_matches(' ');
        if line.len() - t.len() > 3 {
            return false;
        }
        let run = t.bytes().take_while(|&b| b == self.ch).count();
        run >= self.len && t[run..].trim().is_empty()
    }
}

/// Bytes that may start something the inline pass rewrites.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\\' as usize] = true;
    t[b'`' as usize] = true;
    t[b'!' as usize] = true;
    t[b'[' as usize] = true;
    t[b'<' as usize] = true;
    t[b'&' as usize] = true;
    t
};

/// Backtick runs up to this length open code spans.
const BACKTICK_CACHE: usize = 16;

/// Nesting depth of links inside link text that is still unwrapped.
const MAX_LINK_DEPTH: u8 = 8;

/// The line being rewritten by [`Cleaner::inline`] and where in it: passed
/// whole to each step instead of five loose arguments.
#[derive(Clone, Copy)]
struct Span<'a> {
    line: &'a str,
    /// End of the range being rewritten (`]` of a link text, or line end).
    hi: usize,
    /// How many link texts this range is nested in.
    depth: u8,
    /// The text after this line, for comments that run over lines.
    following: &'a str,
}

/// What the inline pass does at a special byte.
enum Next {
    /// Not a construct: the next `n` bytes stay literal.
    Literal(usize),
    /// A construct, rewritten by [`Cleaner::apply`].
    Rewrite(Rewrite),
}

/// A construct found by the inline pass and what replaces it.
enum Rewrite {
    /// A Markdown backslash escape: the backslash goes.
    Escape,
    /// `` `code` `` up to `end`: literal, see [`Cleaner::push_code`].
    CodeSpan { end: usize },
    /// `[text](dest)` / `[text][ref]`: the text (rewritten in turn), whose
    /// `]` is at `close`, stays; the rest up to `end` goes.
    Link { close: usize, end: usize },
    /// An HTML entity up to `end`, decoded.
    Entity { ch: char, end: usize },
    /// `<https://…>` up to `end`: the URL (`url`) stays, literally (no
    /// escapes inside an autolink), the brackets go.
    Autolink { url: (usize, usize), end: usize },
    /// Up to `end` goes (an image, a URL, a tag, a comment), replaced by
    /// `with` (a tag that breaks a line leaves a space).
    Drop {
        end: usize,
        with: Option<&'static str>,
    },
}

/// For backtick runs of length k: from this position on there is no closing
/// run of that length. Remembering it keeps unmatched backticks linear;
/// longer runs are never code-span openers here.
struct NoCloseFrom([usize; BACKTICK_CACHE]);

impl NoCloseFrom {
    fn new() -> Self {
        NoCloseFrom([usize::MAX; BACKTICK_CACHE])
    }
}

/// A backtick run at `i`: a code span if a run of the same length closes it
/// on this line, else the run stays literal.
fn code_span(b: &[u8], i: usize, hi: usize, no_close: &mut NoCloseFrom) -> Next {
    let k = b[i..hi].iter().take_while(|&&c| c == b'`').count();
    let close = if k >= BACKTICK_CACHE || i >= no_close.0[k] {
        None
    } else {
        find_backtick_run(b, i + k, hi, k)
    };
    match close {
        Some(j) => Next::Rewrite(Rewrite::CodeSpan { end: j + k }),
        None => {
            if k < BACKTICK_CACHE {
                no_close.0[k] = no_close.0[k].min(i);
            }
            Next::Literal(k)
        }
    }
}

/// The state of [`clean_body`]'s first pass. Kept in one struct so that the
/// output buffer and the per-line scratch vectors are allocated once per
/// article, not once per line.
struct Cleaner {
    out: String,
    lines: Vec<LineSpan>,
    /// Matching `[` `]` pairs of the current line, sorted by the `[`.
    pairs: Vec<(usize, usize)>,
    stack: Vec<usize>,
    in_comment: bool,
    /// Link targets met so far (see [`clean_body_with_links`]).
    links: Vec<String>,
    /// Escaped words met so far, see [`Cleaned::escaped`].
    escaped: Vec<String>,
    /// End of the last escaped word of the current line, so that a word
    /// with several escapes is taken once.
    escaped_until: usize,
}

impl Cleaner {
    fn new(capacity: usize) -> Self {
        Cleaner {
            out: String::with_capacity(capacity),
            lines: Vec::with_capacity(capacity / 32 + 1),
            pairs: Vec::new(),
            stack: Vec::new(),
            in_comment: false,
            links: Vec::new(),
            escaped: Vec::new(),
            escaped_until: 0,
        }
    }

    /// First pass: every input line → at most one output line.
    fn run(&mut self, markdown: &str) {
        let mut fence: Option<Fence> = None;
        let mut lines = Lines::new(markdown);
        while let Some(line) = lines.next() {
            let start = self.out.len();
            if let Some(open) = fence {
                if open.closes(line) {
                    fence = None;
                }
                self.push_code(line);
                self.end_line(start, true);
                continue;
            }
            if self.in_comment {
                if let Some(k) = memchr::memmem::find(line.as_bytes(), b"-->") {
                    self.in_comment = false;
                    let rest = line.get(k + 3..).unwrap_or("");
                    self.inline_line(rest, lines.rest());
                    self.end_line(start, false);
                }
                continue;
            }
            if let Some(open) = Fence::opens(line) {
                fence = Some(open);
                self.push_code(line);
                self.end_line(start, true);
                continue;
            }
            if is_reference_definition(line) {
                if let Some(target) = reference_target(line) {
                    self.links.push(target.to_owned());
                }
                continue;
            }
            self.inline_line(line, lines.rest());
            self.end_line(start, false);
        }
    }

    /// Ends the output line begun at `start`: trailing blanks go (lines
    /// are compared with UI text and joined later), and its span is kept for
    /// the second pass.
    fn end_line(&mut self, start: usize, code: bool) {
        let kept = self.out[start..].trim_end().len();
        self.out.truncate(start + kept);
        self.lines.push(LineSpan {
            start,
            end: self.out.len(),
            code,
        });
        self.out.push('\n');
    }

    /// Code is literal; only complete images go: HTML→Markdown converters
    /// leave unbalanced fences, and the images after them are still images,
    /// never code.
    fn push_code(&mut self, s: &str) {
        let b = s.as_bytes();
        let mut copied = 0;
        let mut i = 0;
        while let Some(k) = memchr::memmem::find(&b[i..], b"![") {
            i += k;
            if let Some(end) = code_image_end(b, i) {
                self.out.push_str(s.get(copied..i).unwrap_or(""));
                i = end;
                copied = end;
                continue;
            }
            i += 1;
        }
        self.out.push_str(s.get(copied..).unwrap_or(""));
    }

    /// Pairs `[` with `]` on one line (escaped brackets do not count).
    fn pair_brackets(&mut self, b: &[u8]) {
        self.pairs.clear();
        self.stack.clear();
        if memchr::memchr(b'[', b).is_none() {
            return;
        }
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 1,
                b'[' => self.stack.push(i),
                b']' => {
                    if let Some(open) = self.stack.pop() {
                        self.pairs.push((open, i));
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.pairs.sort_unstable();
    }

    /// The `]` paired with the `[` at `open`, if any (see [`Cleaner::pair_brackets`]).
    fn closing_bracket(&self, open: usize) -> Option<usize> {
        self.pairs
            .binary_search_by_key(&open, |&(o, _)| o)
            .ok()
            .map(|k| self.pairs[k].1)
    }

    /// One whole line outside code. The brackets are paired once a line, up
    /// front, so that finding a link's `]` never rescans the line.
    fn inline_line(&mut self, line: &str, following: &str) {
        self.pair_brackets(line.as_bytes());
        self.escaped_until = 0;
        self.inline(line, 0, line.len(), 0, following);
    }

    /// Rewrites `line[lo..hi]` into `out`: plain bytes are copied in runs,
    /// and each byte that may start a construct ([`SPECIAL`]) is handed to
    /// [`Cleaner::special`], which decides whether it is rewritten.
    fn inline(&mut self, line: &str, lo: usize, hi: usize, depth: u8, following: &str) {
        let b = line.as_bytes();
        let mut i = lo;
        let mut copied = lo;
        let mut no_close = NoCloseFrom::new();
        while i < hi {
            if !SPECIAL[b[i] as usize] {
                i += 1;
                continue;
            }
            let at = Span {
                line,
                hi,
                depth,
                following,
            };
            match self.special(at, i, &mut no_close) {
                Next::Literal(n) => i += n,
                Next::Rewrite(rewrite) => {
                    self.flush(line, copied, i);
                    (i, copied) = self.apply(at, i, rewrite);
                }
            }
        }
        self.flush(line, copied, hi);
    }

    /// What the construct starting at the special byte `line[i]` is. Only
    /// reads (apart from an opening multi-line comment, see
    /// [`Cleaner::angle`]); [`Cleaner::apply`] writes.
    fn special(&mut self, at: Span<'_>, i: usize, no_close: &mut NoCloseFrom) -> Next {
        let b = at.line.as_bytes();
        let hi = at.hi;
        let rewrite = match b[i] {
            b'\\' => b
                .get(i + 1)
                .filter(|p| i + 1 < hi && p.is_ascii_punctuation())
                .map(|_| Rewrite::Escape),
            b'`' => return code_span(b, i, hi, no_close),
            b'!' if b.get(i + 1) == Some(&b'[') && i + 1 < hi => self.image(b, i, hi),
            b'[' if at.depth < MAX_LINK_DEPTH => self
                .bracketed(b, i, hi)
                .map(|(close, end)| Rewrite::Link { close, end }),
            b'<' => self.angle(b, i, hi, at.depth, at.following),
            b'&' => entity_at(&b[i..hi]).map(|(ch, len)| Rewrite::Entity { ch, end: i + len }),
            _ => None,
        };
        rewrite.map_or(Next::Literal(1), Next::Rewrite)
    }

    /// `![` at `i`: the whole image goes. An image cut off by the end of
    /// the line (`![](https://mmbiz…` in a truncated file) is not an image
    /// to a reader but literal text, as CommonMark renders it: it stays, so
    /// the URL in it is found as grep finds it (the dev set's truth; dropping
    /// these cost 180 articles of `https://mmbiz.qpic.c`).
    fn image(&self, b: &[u8], i: usize, hi: usize) -> Option<Rewrite> {
        self.closing_bracket(i + 1)?;
        let end = self.bracketed(b, i + 1, hi)?.1;
        Some(Rewrite::Drop { end, with: None })
    }

    /// Writes what replaces the construct at `i` (everything before `i` is
    /// already written); returns where the scan goes on and the first byte
    /// not yet copied.
    fn apply(&mut self, at: Span<'_>, i: usize, rewrite: Rewrite) -> (usize, usize) {
        match rewrite {
            // The backslash goes; the escaped character is copied as it is,
            // never read as the start of a construct.
            Rewrite::Escape => {
                self.note_escaped_word(at.line, i);
                (i + 2, i + 1)
            }
            Rewrite::CodeSpan { end } => {
                self.push_code(at.line.get(i..end).unwrap_or(""));
                (end, end)
            }
            Rewrite::Link { close, end } => {
                self.inline(at.line, i + 1, close, at.depth + 1, at.following);
                if at.line.as_bytes().get(close + 1) == Some(&b'(') {
                    let target = link_target(at.line, close + 2, end);
                    if !target.is_empty() {
                        self.links.push(target.to_owned());
                    }
                }
                (end, end)
            }
            Rewrite::Autolink { url, end } => {
                let text = at.line.get(url.0..url.1).unwrap_or("");
                self.out.push_str(text);
                self.links.push(text.to_owned());
                (end, end)
            }
            Rewrite::Entity { ch, end } => {
                self.out.push(ch);
                (end, end)
            }
            Rewrite::Drop { end, with } => {
                if let Some(r) = with {
                    self.out.push_str(r);
                }
                (end, end)
            }
        }
    }

    /// Keeps the word around the escape at `i` as written, see
    /// [`Cleaned::escaped`]. Bounded by [`LOOKAHEAD`] each way.
    fn note_escaped_word(&mut self, line: &str, i: usize) {
        if i < self.escaped_until {
            return;
        }
        let b = line.as_bytes();
        let lo = i.saturating_sub(LOOKAHEAD);
        let start = b[lo..i]
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map_or(lo, |k| lo + k + 1);
        let hi = b.len().min(i + LOOKAHEAD);
        let end = b[i..hi]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(hi, |k| i + k);
        self.escaped_until = end;
        if let Some(word) = line.get(start..end) {
            self.escaped.push(word.to_owned());
        }
    }

    /// Copies the literal text `line[from..to]` (between two rewrites).
    fn flush(&mut self, line: &str, from: usize, to: usize) {
        if from < to {
            self.out.push_str(line.get(from..to).unwrap_or(""));
        }
    }

    /// `[text](dest)`, `[text][ref]` at `open`: the `]` and the end of the
    /// whole construct. A destination cut off by the end of the line (crawled
    /// files are truncated mid-URL) makes no link: the text stays literal.
    fn bracketed(&self, b: &[u8], open: usize, hi: usize) -> Option<(usize, usize)> {
        let close = self.closing_bracket(open)?;
        if close >= hi {
            return None;
        }
        match b.get(close + 1) {
            Some(b'(') if close + 1 < hi => {
                let end = link_destination_end(b, close + 2, hi)?;
                Some((close, end))
            }
            Some(b'[') if close + 1 < hi => {
                let ref_close = self.closing_bracket(close + 1)?;
                (ref_close < hi).then_some((close, ref_close + 1))
            }
            _ => None,
        }
    }

    /// `<` at `i`: autolink, comment or presentational tag.
    fn angle(
        &mut self,
        b: &[u8],
        i: usize,
        hi: usize,
        depth: u8,
        following: &str,
    ) -> Option<Rewrite> {
        let rest = &b[i + 1..hi];
        if starts_with_ignore_case(rest, b"http://") || starts_with_ignore_case(rest, b"https://") {
            // `<https://…>`; with a blank before any `>` it is not an
            // autolink, and stays text as it is.
            let limit = hi.min(i + LOOKAHEAD);
            let stop = b[i + 1..limit]
                .iter()
                .position(|&c| c == b'>' || c.is_ascii_whitespace() || c == b'<')?;
            let close = i + 1 + stop;
            return (b[close] == b'>').then_some(Rewrite::Autolink {
                url: (i + 1, close),
                end: close + 1,
            });
        }
        self.comment_or_tag(b, i, hi, depth, following)
            .map(|(end, with)| Rewrite::Drop { end, with })
    }

    /// `<` at `i` that is not an autolink: a comment or a layout tag.
    fn comment_or_tag(
        &mut self,
        b: &[u8],
        i: usize,
        hi: usize,
        depth: u8,
        following: &str,
    ) -> Option<(usize, Option<&'static str>)> {
        let rest = &b[i + 1..hi];
        if rest.starts_with(b"!--") {
            let from = i + 4;
            if let Some(k) = memchr::memmem::find(&b[from..hi], b"-->") {
                return Some((from + k + 3, None));
            }
            // A comment running over lines: only if it closes soon, and only
            // at the top level of the line.
            let window = &following.as_bytes()[..following.len().min(LOOKAHEAD)];
            if depth == 0 && memchr::memmem::find(window, b"-->").is_some() {
                self.in_comment = true;
                return Some((hi, None));
            }
            return None;
        }
        let (name_start, _closing) = match rest.first() {
            Some(b'/') => (i + 2, true),
            _ => (i + 1, false),
        };
        let name_len = b[name_start..hi]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() || name_len > 10 {
            return None;
        }
        let mut lower = [0u8; 10];
        for (k, c) in b[name_start..name_start + name_len].iter().enumerate() {
            lower[k] = c.to_ascii_lowercase();
        }
        let replacement = tag_replacement(&lower[..name_len])?;
        let after = name_start + name_len;
        match b.get(after) {
            Some(b'>') | Some(b'/') | Some(b' ') | Some(b'\t') if after < hi => {}
            _ => return None,
        }
        let end = tag_end(b, after, hi.min(after + LOOKAHEAD))?;
        Some((end, Some(replacement)))
    }

    /// Second pass: drop WeChat UI lines, collapse blank lines, join.
    fn finish(self) -> String {
        let Cleaner { out, lines, .. } = self;
        let class: Vec<LineClass> = lines
            .iter()
            .map(|l| classify(out.get(l.start..l.end).unwrap_or(""), l.code))
            .collect();
        let removed = ui_lines_to_remove(&class);

        let mut result = String::with_capacity(out.len());
        let mut pending_blank = false;
        for (k, span) in lines.iter().enumerate() {
            if removed[k] {
                continue;
            }
            if class[k] == LineClass::Blank {
                pending_blank = !result.is_empty();
                continue;
            }
            if !result.is_empty() {
                result.push('\n');
                if pending_blank {
                    result.push('\n');
                }
            }
            pending_blank = false;
            result.push_str(out.get(span.start..span.end).unwrap_or(""));
        }
        result
    }
}

#[cfg(test)]
mod tests;
