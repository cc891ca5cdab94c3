//! WeChat page UI text: the buttons and prompts (`预览时标签不可点`, `视频`,
//! `小程序`, `赞` …) the crawler saved around each article, and the stub pages
//! (captcha, deleted article). Left in, every search for such a common word
//! would list thousands of articles for text no reader counts as theirs.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::text::is_invisible;

/// What a cleaned body line is, for the UI-removal pass: the footer and
/// UI-run rules look at the kinds of lines, not their text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum LineClass {
    /// Empty, or only blanks and zero-width characters.
    Blank,
    /// Page UI text; `true` for the lines that open the footer.
    Ui(bool),
    /// Text of at most [`FREE_LINE_CHARS`] characters.
    Short,
    /// Anything else, including every line of code.
    Text,
}

/// The footer may hold a few non-UI lines (the account name, `修改于`-style
/// labels such as `个人观点，仅供参考`), each this short.
const FREE_LINE_CHARS: usize = 40;
/// How many such lines the footer may hold.
const MAX_FREE_LINES: usize = 4;
/// A run of this many UI lines (blank lines between allowed) is page UI even
/// without a footer anchor.
const MIN_UI_RUN: usize = 3;

/// Classifies one output line (`code`: inside a fence, never UI). A UI
/// line that the converter made a heading (`## 环境异常`) is still UI.
pub(super) fn classify(line: &str, code: bool) -> LineClass {
    let t = line.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    if t.is_empty() {
        return LineClass::Blank;
    }
    if code {
        return LineClass::Text;
    }
    let unheaded = t.trim_start_matches('#').trim_start();
    if let Some(anchor) = is_ui_line(if unheaded.is_empty() { t } else { unheaded }) {
        return LineClass::Ui(anchor);
    }
    if t.len() <= FREE_LINE_CHARS * 4 && t.chars().count() <= FREE_LINE_CHARS {
        LineClass::Short
    } else {
        LineClass::Text
    }
}

/// The lines that open the WeChat footer.
const UI_ANCHORS: &[&str] = &["预览时标签不可点", "微信扫一扫可打开此内容，"];

/// Text of the WeChat page around an article (buttons, prompts), one line
/// each, as the crawler saved them; English equivalents of the same UI; the
/// stub pages (captcha, deleted or blocked article). A data file because it
/// is a word list that grows as the crawler meets new page variants, and it
/// reads (and diffs) better as one entry a line than as Rust literals.
const UI_LINES_FILE: &str = include_str!("ui-lines.txt");

/// [`UI_LINES_FILE`] parsed once: a set for the exact test every body line
/// goes through, and the list for the rarer prefix test of cut-off lines.
struct UiLines {
    set: HashSet<&'static str>,
    list: Vec<&'static str>,
    /// Bytes of the longest entry: a longer line skips the hashing.
    longest: usize,
}

static UI_LINES: LazyLock<UiLines> = LazyLock::new(|| {
    let list: Vec<&'static str> = UI_LINES_FILE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    UiLines {
        set: list.iter().copied().collect(),
        longest: list.iter().map(|l| l.len()).max().unwrap_or(0),
        list,
    }
});

/// Is this trimmed line WeChat page UI? `Some(true)` for a footer anchor.
/// Also counts: a short line of only `：，。、×,.:` and blanks, and a UI
/// line cut short by the crawler (`分...`, `轻触阅...`).
pub fn is_ui_line(t: &str) -> Option<bool> {
    if UI_ANCHORS.contains(&t) {
        return Some(true);
    }
    let ui = &*UI_LINES;
    if t.len() <= ui.longest && ui.set.contains(t) {
        return Some(false);
    }
    if t.len() <= 24
        && t.chars()
            .all(|c| matches!(c, '：' | '，' | '。' | '、' | '×' | ',' | '.' | ':' | ' '))
    {
        return Some(false);
    }
    let cut = t
        .strip_suffix("...")
        .or_else(|| t.strip_suffix('…'))
        .filter(|p| !p.is_empty() && !p.ends_with('.'))?;
    UI_ANCHORS
        .iter()
        .chain(&ui.list)
        .any(|ui| ui.starts_with(cut))
        .then_some(false)
}

/// Which lines are page UI:
/// * the footer: scanning up from the end over blank and UI lines and at
///   most [`MAX_FREE_LINES`] short lines (the account name, labels), if a
///   footer anchor was seen, the first UI line of that region starts it;
///   its short lines stay (visible text), its UI and blank lines go;
/// * a trailing block of only UI lines, at least [`MIN_UI_RUN`] of them
///   (the stub pages `： ， 。 视频 小程序 赞 …` have no anchor);
/// * anywhere else, runs of at least [`MIN_UI_RUN`] UI lines (blank lines
///   between them allowed). A single `分享` or `视频` line stays.
pub(super) fn ui_lines_to_remove(class: &[LineClass]) -> Vec<bool> {
    let n = class.len();
    let mut cut = trailing_ui_block(class).unwrap_or(n);
    if let Some(footer) = anchored_footer(class) {
        cut = cut.min(footer);
    }
    let mut removed = vec![false; n];
    // The short lines inside the footer (the account name under the title
    // of a stub article, `个人观点，仅供参考`) are text a reader sees, and the
    // searchable text is the visible text: they stay. Only the UI goes.
    // (Measured: `软件安全与逆向分析`, the account name line of 16 articles of
    // the dev set, was unfindable in them; lines that repeat in 30+ articles
    // are boilerplate, which the truth allows either way.)
    for (r, c) in removed[cut..].iter_mut().zip(&class[cut..]) {
        *r = *c != LineClass::Short;
    }
    remove_ui_runs(&class[..cut], &mut removed);
    removed
}

/// A UI line of either kind (anchor or not).
fn is_ui(c: LineClass) -> bool {
    matches!(c, LineClass::Ui(_))
}

/// Start of the block of only UI and blank lines that ends the body, if it
/// holds at least [`MIN_UI_RUN`] UI lines.
fn trailing_ui_block(class: &[LineClass]) -> Option<usize> {
    let mut k = class.len();
    let mut ui_count = 0;
    while k > 0 && matches!(class[k - 1], LineClass::Ui(_) | LineClass::Blank) {
        ui_count += usize::from(is_ui(class[k - 1]));
        k -= 1;
    }
    (ui_count >= MIN_UI_RUN).then_some(k)
}

/// Start of the footer: the region at the end of blank and UI lines and a
/// few short ones, if it holds an anchor. It starts at its first UI line:
/// the short lines above that may be the article's own last lines.
fn anchored_footer(class: &[LineClass]) -> Option<usize> {
    let n = class.len();
    let mut anchored = false;
    let mut free = 0;
    let mut j = n;
    while j > 0 {
        match class[j - 1] {
            LineClass::Blank | LineClass::Ui(false) => {}
            LineClass::Ui(true) => anchored = true,
            LineClass::Short if free < MAX_FREE_LINES => free += 1,
            _ => break,
        }
        j -= 1;
    }
    if !anchored {
        return None;
    }
    (j..n).find(|&k| is_ui(class[k]))
}

/// Marks the runs of at least [`MIN_UI_RUN`] UI lines (blank lines between
/// them allowed) in `class`, the lines before the footer.
fn remove_ui_runs(class: &[LineClass], removed: &mut [bool]) {
    let mut run_start = None;
    let mut run_ui = 0;
    for k in 0..=class.len() {
        match class.get(k) {
            Some(LineClass::Ui(_)) => {
                if run_start.is_none() {
                    run_start = Some(k);
                    run_ui = 0;
                }
                run_ui += 1;
            }
            Some(LineClass::Blank) => {}
            _ => {
                if let Some(s) = run_start.take() {
                    if run_ui >= MIN_UI_RUN {
                        removed[s..k].iter_mut().for_each(|r| *r = true);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::clean_body;
    use super::*;

    #[test]
    fn ui_lines_file_is_read_entry_by_entry() {
        let ui = &*UI_LINES;
        assert!(ui.list.len() >= 50, "only {} UI lines", ui.list.len());
        assert_eq!(ui.set.len(), ui.list.len(), "duplicate UI lines");
        for line in &ui.list {
            assert!(!line.is_empty() && !line.starts_with('#'), "{line:?}");
            assert_eq!(is_ui_line(line), Some(false), "{line:?}");
        }
        for anchor in UI_ANCHORS {
            assert_eq!(is_ui_line(anchor), Some(true), "{anchor:?}");
        }
        // Entries with inner blanks stay whole; comments are not entries.
        assert_eq!(
            is_ui_line("Scan with Weixin to use this Mini Program"),
            Some(false)
        );
        assert_eq!(is_ui_line("Scan with Weixin"), None);
        assert_eq!(is_ui_line("Scan with Weixin..."), Some(false));
        assert_eq!(is_ui_line("# Toolbar and reactions"), None);
        assert_eq!(is_ui_line("这是一个视频"), None);
    }

    const FOOTER: &str = "预览时标签不可点\n\n阅读原文\n\n![]()\n\n微信扫一扫\n关注该公众号\n\n继续滑动看下一个\n\n轻触阅读原文\n\n![](http://i.example/a.png)\n\n某某公众号\n\n向上滑动看下一个\n\n知道了\n\n![]()\n微信扫一扫\n使用小程序\n\n取消\n允许\n\n取消\n允许\n\n×\n分析\n\n![跳转二维码]()\n\n![作者头像](http://i.example/b.png)\n\n微信扫一扫可打开此内容，\n使用完整服务\n\n：\n，\n，\n。\n\n视频\n小程序\n赞\n，轻点两下取消赞\n在看\n，轻点两下取消在看\n分享\n留言\n收藏\n听过";

    #[test]
    fn wechat_footer_removed_sentences_kept() {
        let body =
            format!("第一段正文。\n\n欢迎分享本文，视频见文末。\n\n分享\n\n修改于\n\n{FOOTER}");
        // The account name line inside the footer is visible text: kept.
        assert_eq!(
            clean_body(&body),
            "第一段正文。\n\n欢迎分享本文，视频见文末。\n\n某某公众号"
        );
        // Stub pages: no anchor, only the trailing UI block.
        let stub =
            "# 标题\n\n：\n，\n。\n\n视频\n小程序\n赞\n，轻点两下取消赞\n在看\n，轻点两下取消在看";
        assert_eq!(clean_body(stub), "# 标题");
        let captcha = "# 标题\n\n## 环境异常\n\n当前环境异常，完成验证后即可继续访问。\n\n去验证\n\n：\n，\n。\n\n视频\n小程序\n赞";
        assert_eq!(clean_body(captcha), "# 标题");
        // Truncated footer line.
        let cut = "正文。\n\n预览时标签不可点\n\n阅读原文\n\n轻触阅...";
        assert_eq!(clean_body(cut), "正文。");
    }

    #[test]
    fn lone_ui_words_stay_runs_go() {
        assert_eq!(
            clean_body("视频\n\n这是一个视频。\n\n分享"),
            "视频\n\n这是一个视频。\n\n分享"
        );
        assert_eq!(
            clean_body("上文\n\n取消\n允许\n\n取消\n允许\n\n下文"),
            "上文\n\n下文"
        );
        assert_eq!(
            clean_body("上文\n\n取消\n允许\n\n下文"),
            "上文\n\n取消\n允许\n\n下文"
        );
        // A long last paragraph before the footer stops the scan: no anchor
        // reached, so only the trailing UI run goes.
        let long = "很长的一段正文，".repeat(10);
        let body = format!("预览时标签不可点\n\n{long}\n\n视频\n小程序\n赞");
        assert_eq!(clean_body(&body), format!("预览时标签不可点\n\n{long}"));
    }
}
