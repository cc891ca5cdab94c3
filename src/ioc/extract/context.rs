//! What the words around a dotted word say it is. A version number, a
//! numbered list item or a line of code can look exactly like an IP or a
//! domain; only the context tells them apart. Each rule here comes from a
//! false positive measured on the wechat-10k corpus (bench/README.md, indicator precision).

use std::ops::Range;

/// Words before a dotted quad that make it a version or a section number:
/// `版本 1.0.2.60`, `Version=10.0.0.0`, `9.0.0.0 <= WebSphere <= 9.0.5.7`,
/// `RFC 5246 的 7.4.4.1 章节`, `Section 3.2.1.3`. Lowercase.
const VERSION_BEFORE: &[&str] = &[
    "版本",
    "version",
    "ver.",
    "ver ",
    "固件",
    "firmware",
    "<=",
    "≤",
    "≥",
    ">=",
    "< ",
    "section",
    "rfc",
    "章节",
    "规范",
    "升级至",
    "升级到",
    "更新至",
    "更新到",
    "release",
    "build",
    "patch",
    "big-ip",
    "db2",
    "weblogic",
    "websphere",
    "cloudstack",
];

/// Words right after a dotted quad that make it a version: `11.1.1.9版本`,
/// `1.5.0.0 Beta`, `0.3.4.1-4及以下`, `14.1.4.6到14.1.5`, `2.2.2.6部分`.
const VERSION_AFTER: &[&str] = &[
    "版本", "版", "及", "以上", "以下", "之前", "以前", "beta", "<", "≤", "到", "至", "章", "部分",
    "节",
];

/// The text of the line around `r`, at most `n` bytes each side, on char
/// boundaries.
fn window<'a>(t: &'a str, r: &Range<usize>, n: usize) -> (&'a str, &'a str) {
    let line_start = t[..r.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = t[r.end..].find('\n').map_or(t.len(), |i| r.end + i);
    let mut a = r.start.saturating_sub(n).max(line_start);
    while !t.is_char_boundary(a) {
        a += 1;
    }
    let mut b = (r.end + n).min(line_end);
    while !t.is_char_boundary(b) {
        b -= 1;
    }
    (&t[a..r.start], &t[r.end..b])
}

/// `hay` contains `w` starting at a word start (`ver ` must not match
/// `server `).
fn has_word(hay: &str, w: &str) -> bool {
    hay.match_indices(w).any(|(i, _)| {
        !hay[..i]
            .bytes()
            .next_back()
            .is_some_and(|b| b.is_ascii_alphabetic())
    })
}

/// A dotted quad that is a version or section number, not an address. A
/// quad in a list (`10.3.6.0、11.1.1.9版本`) is what the list's last is.
pub(crate) fn version_like(t: &str, r: &Range<usize>) -> bool {
    let mut r = r.clone();
    for _ in 0..8 {
        if version_here(t, &r) {
            return true;
        }
        match next_in_list(t, r.end) {
            Some(next) => r = next,
            None => return false,
        }
    }
    false
}

/// The dotted quad after a list separator right at `at`, if any.
fn next_in_list(t: &str, at: usize) -> Option<Range<usize>> {
    let rest = &t[at..];
    let sep = ["、", "，", ", ", ",", " 和 ", "和", " and ", "/ ", " / "]
        .iter()
        .find(|s| rest.starts_with(*s))?;
    let start = at + sep.len();
    let len = t[start..]
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len() - start);
    let end = start + len;
    let next = t[start..end].trim_end_matches('.');
    super::found::ipv4(next).then(|| start..start + next.len())
}

fn version_here(t: &str, r: &Range<usize>) -> bool {
    let quad = &t[r.clone()];
    // 0.x.y.z is not a routable address; `0.46.6.1` is Metabase's version.
    if quad.starts_with("0.") && quad != "0.0.0.0" {
        return true;
    }
    let (before, after_raw) = window(t, r, 40);
    let before = before.to_lowercase();
    let mut near = before.len().saturating_sub(16);
    while !before.is_char_boundary(near) {
        near += 1;
    }
    let near_before = &before[near..];
    let after = after_raw.trim_start().to_lowercase();
    // `5.9.40.8-1`, `0.3.4.1-4`: a package revision.
    let revision =
        after_raw.starts_with('-') && after_raw[1..].starts_with(|c: char| c.is_ascii_digit());
    let worded = VERSION_BEFORE.iter().any(|w| {
        // Short, common words only count right before the number.
        let hay = if w.len() <= 4 { near_before } else { &before };
        has_word(hay, w)
    }) || VERSION_AFTER.iter().any(|w| after.starts_with(w));
    revision || worded || (small_quad(quad) && !address_context(&before, after_raw))
}

/// All octets ≤ 30 and not all equal: `6.3.0.2`, `2.2.1.1` (a section),
/// unlike `1.1.1.1`, `8.8.8.8` or the private `10.0.2.15`.
fn small_quad(quad: &str) -> bool {
    let octets: Vec<u16> = quad.split('.').filter_map(|o| o.parse().ok()).collect();
    octets.len() == 4
        && octets.iter().all(|&o| o <= 30)
        && octets.iter().any(|&o| o != octets[0])
        && !matches!(octets[0], 10 | 127)
}

/// Words that say an address is meant: `IP 2.2.1.1`, `ping 1.2.3.4`,
/// `host=`, an address with a port or a prefix length.
fn address_context(before: &str, after: &str) -> bool {
    const WORDS: &[&str] = &[
        "ip",
        "地址",
        "address",
        "host",
        "dns",
        "server",
        "ping",
        "服务器",
        "连接",
        "c2",
        "://",
        "@",
        "=",
        "主机",
        "网关",
        "gateway",
        "addr",
    ];
    WORDS.iter().any(|w| has_word(before, w))
        || (after.starts_with([':', '/']) && after[1..].starts_with(|c: char| c.is_ascii_digit()))
}

/// First labels that make `a.b` a member access in code, not a host:
/// `self.data`, `location.search`, `werkzeug.security`, `java.io`.
const CODE_RECEIVERS: &[&str] = &[
    "self",
    "this",
    "location",
    "window",
    "document",
    "navigator",
    "request",
    "response",
    "req",
    "res",
    "ctx",
    "obj",
    "os",
    "sys",
    "fd",
    "args",
    "options",
    "config",
    "settings",
    "java",
    "javax",
    "werkzeug",
    "django",
    "flask",
    "torch",
    "np",
    "pd",
    "tss",
    "evt",
    "event",
    "item",
    "user",
    "proc",
];

/// Generic TLDs from before 2013, under which capitalised names are hosts.
const OLD_GTLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "gov", "edu", "mil", "int", "xyz", "top", "name", "pro",
];

/// Stock-ticker suffixes: `NVDA.US`, `0700.HK`, `600519.SH` are tickers,
/// not hosts, when the whole word is upper case or digits.
const TICKER_SUFFIXES: &[&str] = &["us", "hk", "sh", "sz", "ss", "tw", "ks", "si", "to", "ax"];

/// A dotted word that the surrounding bytes mark as code, a ticker or a
/// numbered list item rather than a domain.
pub(crate) fn not_a_host(t: &str, r: &Range<usize>) -> bool {
    let bytes = t.as_bytes();
    let word = &t[r.clone()];
    let Some((first, _)) = word.split_once('.') else {
        return true;
    };
    let (tld_start, tld) = word.rsplit_once('.').map_or(("", ""), |x| x);
    let before = &bytes[..r.start];
    let after = &bytes[r.end..];
    let two_labels = tld_start == first;
    // `%fd.name`, `$obj.id`, `p->tss.es`, `a::b.c`, `x.y(`, `x.y[0]`, `java.io.*`
    let code = matches!(before.last(), Some(b'%' | b'$'))
        || before.ends_with(b"->")
        || before.ends_with(b"::")
        || matches!(after.first(), Some(b'(' | b'['))
        || after.starts_with(b".*")
        || CODE_RECEIVERS.contains(&first.to_ascii_lowercase().as_str());
    // `3.IBM WebSphere`, `17.android经典漏洞`: a numbered list item.
    let numbered = two_labels && first.len() <= 2 && first.bytes().all(|b| b.is_ascii_digit());
    // `Session.run`, `Foo.data`: a class member, not a host; real hosts
    // written capitalised use the old TLDs (`Baidu.com`).
    let member = two_labels
        && first.starts_with(|c: char| c.is_ascii_uppercase())
        && first.bytes().skip(1).any(|b| b.is_ascii_lowercase())
        && tld.len() >= 3
        && tld.bytes().all(|b| b.is_ascii_lowercase())
        && !OLD_GTLDS.contains(&tld);
    // `xiawei.bj@ccbft.com`: the local part of an e-mail address.
    let local_part = after.first() == Some(&b'@');
    let ticker = two_labels
        && !word.bytes().any(|b| b.is_ascii_lowercase())
        && TICKER_SUFFIXES.contains(&tld.to_ascii_lowercase().as_str());
    code || numbered || ticker || member || local_part
}
