//! Related-article blocks: `推荐阅读`, `相关阅读`, `往期推荐`, … followed by a
//! list of links to *other* articles.
//!
//! Why: such a list holds other articles' titles, so a post that only
//! mentions Log4j in its "推荐阅读" list ranked like one about Log4j (5 of
//! the top 10 for `log4j` on wechat-10k). The block stays in the recall text
//! (a reader sees it, grep finds it), but the ranking words are taken from
//! the body without it, so it scores like a footer.
//!
//! Detection works on the raw Markdown, where a list item is still a link:
//! after cleaning, `[title](url)` is only `title` and cannot be told from
//! the article's own sentences.

/// Words that head a related-article list. A heading line is one of them
/// once decoration (`**`, `#`, `【】`, `|`, spaces, punctuation) is removed,
/// possibly with a short prefix or suffix (`▼ 往期推荐 ▼`, `推荐阅读：`).
const MARKERS: &[&str] = &[
    "推荐阅读",
    "相关阅读",
    "往期推荐",
    "精彩推荐",
    "往期回顾",
    "热文推荐",
    "猜你喜欢",
    "延伸阅读",
    "往期精选",
    "往期精彩",
    "往期文章",
    "历史文章",
    "热门文章",
    "精选文章",
    "相关推荐",
    "相关文章",
    "近期推荐",
    "更多推荐",
    "精彩回顾",
    "热点推荐",
    "推荐文章",
    "往期阅读",
    "近期文章",
    "热门推荐",
    "精彩文章",
    "扩展阅读",
];

/// A heading longer than this (in characters, decoration removed) is a
/// sentence that happens to contain a marker, not a list heading.
const MAX_HEADING_CHARS: usize = 12;

/// The marker text of a line with its decoration removed, or `None` when
/// it has more than [`MAX_HEADING_CHARS`] such characters: it stops there,
/// since every line of every article is asked (building the whole text of
/// each line was ~3% of indexing CPU).
fn core(line: &str) -> Option<String> {
    let mut c = String::new();
    let mut n = 0;
    for ch in line.chars() {
        if ch.is_alphanumeric() && !ch.is_ascii_digit() {
            n += 1;
            if n > MAX_HEADING_CHARS {
                return None;
            }
            c.push(ch);
        }
    }
    Some(c)
}

/// Whether a raw line heads a related-article list.
pub(crate) fn is_heading(line: &str) -> bool {
    if line.contains("](") {
        return false;
    }
    match core(line) {
        Some(c) if !c.is_empty() => MARKERS.iter().any(|m| c.contains(m)),
        _ => false,
    }
}

/// Whether a raw line continues a list: blank, a link (`[t](u)`, `* [t](u)`,
/// `1. [t](u)`), or an image (list items often carry a cover picture).
fn is_list_line(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return true;
    }
    let t = t.trim_start_matches(['*', '-', '+', '>', ' ', '·', '•']);
    let t = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    let t = t.trim_start_matches(['*', '_']);
    (t.starts_with('[') || t.starts_with("![")) && t.contains("](")
}

/// The raw body without its related-article blocks, or `None` when it has
/// none (the common case: no copy is made).
///
/// A block is a heading line ([`is_heading`]) and the list lines after it;
/// it ends at the first other line. A heading with no link after it is not
/// a block (the article may be *about* "推荐阅读").
pub fn without_related(markdown: &str) -> Option<String> {
    let lines: Vec<&str> = markdown.split_inclusive('\n').collect();
    let mut keep = vec![true; lines.len()];
    let mut found = false;
    let mut i = 0;
    while i < lines.len() {
        if !is_heading(lines[i]) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        let mut links = 0;
        while end < lines.len() && is_list_line(lines[end]) {
            if !lines[end].trim().is_empty() {
                links += 1;
            }
            end += 1;
        }
        if links > 0 {
            keep[i..end].iter_mut().for_each(|k| *k = false);
            found = true;
        }
        i = end;
    }
    found.then(|| {
        lines
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(l, _)| *l)
            .collect()
    })
}

/// The lines of the cleaned `body` that belong to its related-article
/// lists, given `ranking`, the body cleaned without the lists: the lines of
/// `ranking` are met in order, every other line is a list's. The lines met
/// are `ranking` itself, so `ranking` and the lines returned hold every line
/// of `body` once (a query term never spans a line: the recall units keep
/// `\n`). `None` when `ranking`'s lines are not all met (cleaning differed
/// at a block's edge): then the whole body is the article's own.
pub fn list_lines(body: &str, ranking: &str) -> Option<String> {
    let mut want = ranking.split('\n').peekable();
    let mut lists: Vec<&str> = Vec::new();
    for line in body.split('\n') {
        if want.peek() == Some(&line) {
            want.next();
        } else {
            lists.push(line);
        }
    }
    want.next().is_none().then(|| lists.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_related_list_is_removed_and_the_rest_kept() {
        let md = "正文一段。\n\n**推荐阅读**\n\n[别的文章 Log4j](http://x/1)\n\n* [另一篇](http://x/2)\n\n原文链接\n";
        let out = without_related(md).unwrap();
        assert!(out.contains("正文一段"));
        assert!(out.contains("原文链接"));
        assert!(!out.contains("Log4j"));
        assert!(!out.contains("推荐阅读"));
    }

    #[test]
    fn decorated_headings_count_but_sentences_do_not() {
        assert!(is_heading("▼ 往期推荐 ▼"));
        assert!(is_heading("## 相关阅读："));
        assert!(is_heading("【精彩推荐】"));
        assert!(!is_heading(
            "本文向各位推荐阅读的是一份关于勒索软件的长篇报告"
        ));
        assert!(!is_heading("[推荐阅读](http://x)"));
    }

    #[test]
    fn a_heading_without_links_is_text() {
        assert_eq!(without_related("推荐阅读\n\n这是正文，没有链接。\n"), None);
        assert_eq!(without_related("没有相关块。\n"), None);
    }

    #[test]
    fn split_lines_puts_every_line_in_one_part_in_order() {
        let body = "引言\n推荐阅读\nLog4j 复盘\n\n正文\n结尾";
        let ranking = "引言\n\n正文\n结尾";
        let lists = list_lines(body, ranking).expect("lines line up");
        assert_eq!(lists, "推荐阅读\nLog4j 复盘");
        let mut all: Vec<&str> = ranking.split('\n').chain(lists.split('\n')).collect();
        let mut want: Vec<&str> = body.split('\n').collect();
        all.sort_unstable();
        want.sort_unstable();
        assert_eq!(all, want, "no line lost or added");
    }

    #[test]
    fn split_lines_gives_up_when_cleaning_changed_a_line() {
        assert_eq!(list_lines("甲\n乙", "甲\n丙"), None);
    }
}
