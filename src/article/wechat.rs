//! WeChat page UI text: the buttons and prompts (`预览时标签不可点`, `视频`,
//! `小程序`, `赞` …) the crawler saved around each article, and the stub pages
//! (captcha, deleted article). Left in, every search for such a common word
//! would list thousands of articles for text no reader counts as theirs.

use super::text::is_invisible;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum LineClass {
    Blank,
    /// Page UI text; `true` for the lines that open the footer.
    Ui(bool),
    /// Text of at most [`FREE_LINE_CHARS`] characters.
    Short,
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
/// each, as the crawler saved them; English equivalents of the same UI. The
/// stub pages are here too: `环境异常 / 当前环境异常，完成验证后即可继续访问。 /
/// 去验证` (the crawler met a captcha, ~11% of a 10k sample) and deleted or
/// blocked articles; left in, every search for 异常 or 删除 would list them.
const UI_LINES: &[&str] = &[
    "微信扫一扫可打开此内容",
    "使用完整服务",
    "微信扫一扫",
    "关注该公众号",
    "微信扫一扫关注该公众号",
    "使用小程序",
    "微信扫一扫使用小程序",
    "继续滑动看下一个",
    "轻触阅读原文",
    "轻触查看原文",
    "向上滑动看下一个",
    "阅读原文",
    "知道了",
    "取消",
    "允许",
    "×",
    "分析",
    "视频",
    "小程序",
    "赞",
    "，轻点两下取消赞",
    "在看",
    "，轻点两下取消在看",
    "分享",
    "留言",
    "收藏",
    "听过",
    "修改于",
    "写留言",
    "跳转二维码",
    "作者头像",
    "环境异常",
    "当前环境异常，完成验证后即可继续访问。",
    "去验证",
    "该内容已被发布者删除",
    "此内容因违规无法查看",
    "微信公众平台运营中心",
    "我要反馈",
    "Scan to Follow",
    "Scan with Weixin to use this Mini Program",
    "Got It",
    "Cancel",
    "Allow",
    "Mini Program",
    "Video",
    "Like",
    "Wow",
    "Share",
    "Comment",
    "Favorite",
    "Listen",
    "Read more",
];

/// Is this trimmed line WeChat page UI? `Some(true)` for a footer anchor.
/// Also counts: a short line of only `：，。、×,.:` and blanks, and a UI
/// line cut short by the crawler (`分...`, `轻触阅...`).
pub fn is_ui_line(t: &str) -> Option<bool> {
    if UI_ANCHORS.contains(&t) {
        return Some(true);
    }
    if UI_LINES.contains(&t) {
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
        .chain(UI_LINES)
        .any(|ui| ui.starts_with(cut))
        .then_some(false)
}

/// Which lines are page UI:
/// * the footer: scanning up from the end over blank and UI lines and at
///   most [`MAX_FREE_LINES`] short lines (the account name, labels), if a
///   footer anchor was seen, the first UI line of that region starts it;
/// * a trailing block of only UI lines, at least [`MIN_UI_RUN`] of them
///   (the stub pages `： ， 。 视频 小程序 赞 …` have no anchor);
/// * anywhere else, runs of at least [`MIN_UI_RUN`] UI lines (blank lines
///   between them allowed). A single `分享` or `视频` line stays.
pub(super) fn ui_lines_to_remove(class: &[LineClass]) -> Vec<bool> {
    let n = class.len();
    let is_ui = |c: LineClass| matches!(c, LineClass::Ui(_));
    let is_ui_or_blank = |c: LineClass| matches!(c, LineClass::Ui(_) | LineClass::Blank);

    let mut cut = n;
    let mut k = n;
    let mut ui_count = 0;
    while k > 0 && is_ui_or_blank(class[k - 1]) {
        ui_count += usize::from(is_ui(class[k - 1]));
        k -= 1;
    }
    if ui_count >= MIN_UI_RUN {
        cut = k;
    }

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
    if anchored {
        // The footer starts at the first UI line of that region: the short
        // lines above it may be the article's own last lines.
        if let Some(first_ui) = (j..n).find(|&k| is_ui(class[k])) {
            cut = cut.min(first_ui);
        }
    }

    let mut removed = vec![false; n];
    removed[cut..].iter_mut().for_each(|r| *r = true);

    // Runs of UI lines before the footer.
    let mut run_start = None;
    let mut run_ui = 0;
    for k in 0..=cut {
        let c = if k < cut { Some(class[k]) } else { None };
        match c {
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
                        for r in removed[s..k].iter_mut() {
                            *r = true;
                        }
                    }
                }
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::super::clean_body;

    const FOOTER: &str = "预览时标签不可点\n\n阅读原文\n\n![]()\n\n微信扫一扫\n关注该公众号\n\n继续滑动看下一个\n\n轻触阅读原文\n\n![](http://i.example/a.png)\n\n某某公众号\n\n向上滑动看下一个\n\n知道了\n\n![]()\n微信扫一扫\n使用小程序\n\n取消\n允许\n\n取消\n允许\n\n×\n分析\n\n![跳转二维码]()\n\n![作者头像](http://i.example/b.png)\n\n微信扫一扫可打开此内容，\n使用完整服务\n\n：\n，\n，\n。\n\n视频\n小程序\n赞\n，轻点两下取消赞\n在看\n，轻点两下取消在看\n分享\n留言\n收藏\n听过";

    #[test]
    fn wechat_footer_removed_sentences_kept() {
        let body =
            format!("第一段正文。\n\n欢迎分享本文，视频见文末。\n\n分享\n\n修改于\n\n{FOOTER}");
        assert_eq!(
            clean_body(&body),
            "第一段正文。\n\n欢迎分享本文，视频见文末。"
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
