//! The reprint key: one story reposted by several accounts is one hit.
//!
//! Reposts of a WeChat story keep its title but not its bytes (another
//! account's header, footer and QR codes), so `dup_key`'s body hash misses
//! them. Measured on wechat-10k: 385 titles (of 8+ letters and digits once
//! normalized) occur in more than one file, 922 files in all; short titles
//! (`周报`, `招聘`) are left alone, they name series, not stories.

/// Fewer letters and digits than this is a series name, not a story.
const MIN_TITLE_CHARS: usize = 8;

/// A leading tag in brackets (`【转载】`, `[安全圈]`) of at most this many
/// characters is dropped: accounts add it to a story they repost.
const MAX_TAG_CHARS: usize = 8;

/// The title without a short leading bracketed tag.
fn strip_tag(title: &str) -> &str {
    let t = title.trim_start();
    for (open, close) in [('【', '】'), ('[', ']'), ('［', '］')] {
        if let Some(rest) = t.strip_prefix(open) {
            if let Some((tag, after)) = rest.split_once(close) {
                if tag.chars().count() <= MAX_TAG_CHARS && !after.trim().is_empty() {
                    return after;
                }
            }
        }
    }
    t
}

/// The reprint key of an article: `t:` and its normalized title (letters
/// and digits only, folded as search folds them) when it is long enough to
/// name one story, else `fallback` (the duplicate key).
pub(super) fn reprint_key(title: &str, fallback: &str) -> String {
    let norm: String = crate::analyzer::normalize(strip_tag(title))
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if norm.chars().count() < MIN_TITLE_CHARS {
        return fallback.to_string();
    }
    format!("t:{norm}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reposts_with_tags_and_punctuation_share_a_key() {
        let a = reprint_key("黑客利用第三方SaaS服务入侵美国财政部", "x");
        assert_eq!(
            reprint_key("【转载】黑客利用第三方 SaaS 服务，入侵美国财政部！", "y"),
            a
        );
        assert!(a.starts_with("t:"));
    }

    #[test]
    fn short_titles_keep_the_duplicate_key() {
        assert_eq!(reprint_key("安全周报", "h:1"), "h:1");
        assert_eq!(reprint_key("【转载】", "h:2"), "h:2");
    }
}
