//! The extractor passes, each a linear scan over (refanged) text.
//!
//! Hand-written scanners rather than regexes: every indicator kind needs a
//! boundary rule a regex cannot state cheaply (a hash is a *whole* hex run,
//! an IPv4 has no letter or dot neighbour, a URL ends before Chinese
//! punctuation), and the indexer runs this on every article.

use std::ops::Range;

use super::context;
use super::found::{ipv4, Scan};
use super::indicator::Kind;
use super::lists::{ext_tlds, host_excluded, not_files, not_hosts, tlds, FILE_EXTS};

/// Runs every pass over `t`.
/// `defanged(range)` says whether the original of `range` was written
/// defanged: an analyst's deliberate marking, which outweighs the context
/// rules (`1.2.3[.]4` is an address even with no word around it).
pub(crate) fn scan(t: &str, defanged: &dyn Fn(&Range<usize>) -> bool) -> Scan {
    let mut s = Scan::default();
    urls(t, &mut s);
    emails(t, &mut s);
    dotted(t, &mut s, defanged);
    super::files::cjk_files(t, &mut s);
    hashes(t, &mut s);
    ids(t, &mut s);
    ipv6(t, &mut s);
    s
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_'
}

fn is_v6_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':' || b == b'.'
}

/// Maximal runs of bytes satisfying `f`, as ranges. `f` must hold only for
/// ASCII bytes (every class scanned for is ASCII: see the test
/// `run_classes_are_ascii`), so eight non-ASCII bytes are stepped over at
/// once: Chinese text is nearly all such bytes, and stepping a byte at a
/// time was half of indicator extraction (measured on wechat-10k).
fn runs<'a>(
    bytes: &'a [u8],
    f: impl Fn(u8) -> bool + 'a,
) -> impl Iterator<Item = Range<usize>> + 'a {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !f(bytes[i]) {
            i += non_ascii_block(&bytes[i..]).max(1);
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && f(bytes[i]) {
            i += 1;
        }
        Some(start..i)
    })
}

/// The maximal runs of bytes satisfying `f` that hold `needle` (for which
/// `f` holds), found from each `needle` outward: the same runs as
/// [`runs`] filtered, without stepping through the text between them
/// (a dotted word is one run in dozens).
fn runs_holding<'a>(
    bytes: &'a [u8],
    needle: u8,
    f: impl Fn(u8) -> bool + 'a,
) -> impl Iterator<Item = Range<usize>> + 'a {
    debug_assert!(f(needle));
    let mut done = 0;
    memchr::memchr_iter(needle, bytes).filter_map(move |at| {
        if at < done {
            return None;
        }
        let start = bytes[..at]
            .iter()
            .rposition(|&b| !f(b))
            .map_or(0, |k| k + 1);
        let end = bytes[at..]
            .iter()
            .position(|&b| !f(b))
            .map_or(bytes.len(), |k| at + k);
        done = end;
        Some(start..end)
    })
}

/// 8 when `bytes` starts with eight non-ASCII bytes, else 0.
fn non_ascii_block(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    match bytes.first_chunk::<8>() {
        Some(chunk) if u64::from_ne_bytes(*chunk) & HIGH == HIGH => 8,
        _ => 0,
    }
}

/// `r` without leading/trailing bytes in `trim`.
fn trim_range(bytes: &[u8], mut r: Range<usize>, trim: &[u8]) -> Range<usize> {
    while r.start < r.end && trim.contains(&bytes[r.start]) {
        r.start += 1;
    }
    while r.end > r.start && trim.contains(&bytes[r.end - 1]) {
        r.end -= 1;
    }
    r
}

/// How strict a domain check is: a bare word in prose, or a host that the
/// text already marks as one (URL, e-mail), where `x.zip` is a host.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Context {
    Prose,
    Host,
}

/// Lowercased `s` if it is a domain name with a real TLD; see the module doc
/// of [`super`] for the false-positive rules.
pub(crate) fn domain(s: &str, ctx: Context) -> Option<String> {
    let labels: Vec<&str> = s.split('.').collect();
    let n = labels.len();
    if n < 2 || s.len() > 253 {
        return None;
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if !labels.iter().all(|l| label_ok(l)) || labels[n - 2..].iter().any(|l| l.contains('_')) {
        return None;
    }
    let tld = labels[n - 1];
    let lower = s.to_ascii_lowercase();
    let tld_lower = &lower[lower.len() - tld.len()..];
    // `com.cn`, `co.uk`: a public suffix, not a host.
    let suffix = n == 2
        && matches!(
            labels[0],
            "com" | "net" | "org" | "gov" | "edu" | "ac" | "co"
        );
    if suffix || !tlds().contains(tld_lower) || host_excluded(&lower) {
        return None;
    }
    if ctx == Context::Prose {
        // `System.Net`, `Foo.Security`: code, not hosts; hosts are written in
        // one case. `com.example.app`: a Java package.
        let one_case = tld.bytes().all(|b| b.is_ascii_lowercase())
            || tld.bytes().all(|b| b.is_ascii_uppercase());
        let java = n >= 3 && matches!(labels[0], "com" | "org" | "net" | "cn" | "io");
        if !one_case || java || ext_tlds().contains(tld_lower) || not_hosts().contains(&*lower) {
            return None;
        }
    }
    Some(lower)
}

/// `s` is a file name with an executable or document extension.
fn file(s: &str) -> bool {
    let Some((stem, ext)) = s.rsplit_once('.') else {
        return false;
    };
    let ext_ok = ext.len() <= 5 && FILE_EXTS.iter().any(|e| e.eq_ignore_ascii_case(ext));
    let one_case = ext.bytes().all(|b| !b.is_ascii_uppercase())
        || ext.bytes().all(|b| !b.is_ascii_lowercase());
    // `2.PDF文档`, `6.LNK文件`: a numbered heading naming a file type.
    let heading = stem.len() <= 2
        && stem.bytes().all(|b| b.is_ascii_digit())
        && ext.bytes().all(|b| !b.is_ascii_lowercase());
    ext_ok
        && one_case
        && !heading
        && stem.bytes().any(|b| b.is_ascii_alphanumeric())
        && !not_files().contains(&*s.to_ascii_lowercase())
}

/// Dotted words: IPv4 addresses, domains and file names.
fn dotted(t: &str, s: &mut Scan, defanged: &dyn Fn(&Range<usize>) -> bool) {
    let bytes = t.as_bytes();
    for run in runs_holding(bytes, b'.', is_host_byte) {
        let r = trim_range(bytes, run, b".-_");
        let word = &t[r.clone()];
        if !word.contains('.') {
            continue;
        }
        // `微信.com`, `文件.com.cn`: a suffix glued to Chinese text.
        let debris = r.start > 0
            && bytes[r.start - 1] == b'.'
            && bytes
                .get(r.start.wrapping_sub(2))
                .is_some_and(|&b| b >= 0x80);
        if ipv4(word) {
            if defanged(&r) || !context::version_like(t, &r) {
                s.push(Kind::Ipv4, word.to_string(), r);
            }
            continue;
        }
        if word.contains('-')
            && word
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        {
            // An address range `10.0.0.1-10.0.0.254`.
            ip_range(t, r.clone(), s);
            continue;
        }
        if file(word) && !debris {
            s.push(Kind::File, word.to_string(), r.clone());
        } else if !debris && !context::not_a_host(t, &r) {
            if let Some(d) = domain(word, Context::Prose) {
                s.push(Kind::Domain, d, r);
            }
        }
    }
}

/// Both ends of `a-b` when both are addresses; `5.9.40.8-1` is a version
/// with a package revision, not a range.
fn ip_range(t: &str, r: Range<usize>, s: &mut Scan) {
    let parts: Vec<&str> = t[r.clone()].split('-').collect();
    if parts.len() != 2 || !parts.iter().all(|p| ipv4(p)) {
        return;
    }
    let mut at = r.start;
    for part in parts {
        s.push(Kind::Ipv4, part.to_string(), at..at + part.len());
        at += part.len() + 1;
    }
}

/// URL schemes worth reporting (lowercase). `ldap`/`rmi` are the JNDI
/// payload schemes of Log4Shell write-ups.
const SCHEMES: &[&str] = &[
    "http", "https", "ftp", "ftps", "sftp", "ws", "wss", "ldap", "ldaps", "rmi", "dns", "smb",
    "tcp", "udp", "rtsp", "ssh", "telnet", "socks5", "iiop", "corba", "nis", "nds",
];

fn urls(t: &str, s: &mut Scan) {
    let bytes = t.as_bytes();
    for sep in memchr::memmem::find_iter(bytes, b"://") {
        let mut start = sep;
        while start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            start -= 1;
        }
        let scheme = t[start..sep].to_ascii_lowercase();
        if SCHEMES.contains(&scheme.as_str()) {
            url_at(t, start, sep + 3, scheme, s);
        }
    }
}

/// The byte a URL cannot contain (prose around it): whitespace, non-ASCII
/// (Chinese punctuation ends a URL), quotes and angle brackets.
fn url_byte(b: u8) -> bool {
    b.is_ascii_graphic()
        && !matches!(
            b,
            b'<' | b'>' | b'"' | b'`' | b'\\' | b'^' | b'{' | b'}' | b'|'
        )
}

fn url_at(t: &str, start: usize, host_start: usize, scheme: String, s: &mut Scan) {
    let bytes = t.as_bytes();
    let mut end = host_start;
    while end < bytes.len() && url_byte(bytes[end]) {
        end += 1;
    }
    let end = url_end(bytes, start, end);
    // Host: after optional user info, up to port, path, query or fragment.
    let rest = &t[host_start..end];
    let auth_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let userinfo = rest[..auth_len].rfind('@').map_or(0, |i| i + 1);
    let h0 = host_start + userinfo;
    let h_len = t[h0..host_start + auth_len]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'))
        .unwrap_or(host_start + auth_len - h0);
    let host = &t[h0..h0 + h_len];
    let host_span = h0..h0 + h_len;
    if host_excluded(&host.to_ascii_lowercase()) {
        s.excluded.push(start..end);
        return;
    }
    let (host_kind, host_value) = if ipv4(host) {
        (Kind::Ipv4, host.to_string())
    } else if let Some(d) = domain(host, Context::Host) {
        (Kind::Domain, d)
    } else {
        return;
    };
    let value = format!("{scheme}://{}{}", &t[host_start..h0], host_value) + &t[h0 + h_len..end];
    s.push(Kind::Url, value, start..end);
    s.push(host_kind, host_value, host_span);
}

/// Where a URL ends: trailing sentence punctuation and unbalanced closing
/// brackets belong to the prose around it (`见 (https://a.com/x).`).
fn url_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    loop {
        let Some(&last) = bytes[..end].last() else {
            return end;
        };
        let strip = match last {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'*' => true,
            b')' | b']' => {
                let open = if last == b')' { b'(' } else { b'[' };
                let seg = &bytes[start..end];
                seg.iter().filter(|&&b| b == open).count()
                    < seg.iter().filter(|&&b| b == last).count()
            }
            _ => false,
        };
        if !strip || end <= start {
            return end;
        }
        end -= 1;
    }
}

fn emails(t: &str, s: &mut Scan) {
    let bytes = t.as_bytes();
    let local_byte = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    for at in memchr::memchr_iter(b'@', bytes) {
        let mut ls = at;
        while ls > 0 && local_byte(bytes[ls - 1]) {
            ls -= 1;
        }
        while ls < at && bytes[ls] == b'.' {
            ls += 1;
        }
        let mut de = at + 1;
        while de < bytes.len()
            && (bytes[de].is_ascii_alphanumeric() || bytes[de] == b'.' || bytes[de] == b'-')
        {
            de += 1;
        }
        let dr = trim_range(bytes, at + 1..de, b".-");
        // `33*493@qq.com`: a masked address; its visible tail is not one.
        let masked = ls > 0 && bytes[ls - 1] == b'*';
        if ls == at || dr.start != at + 1 || masked {
            continue;
        }
        if let Some(d) = domain(&t[dr.clone()], Context::Host) {
            let value = format!("{}@{d}", t[ls..at].to_ascii_lowercase());
            s.push(Kind::Email, value, ls..dr.end);
        }
    }
}

/// md5/sha1/sha256: a whole run of 32/40/64 hex digits, with at least one
/// digit and one letter (a 32-digit number is not a hash).
fn hashes(t: &str, s: &mut Scan) {
    let bytes = t.as_bytes();
    for r in runs(bytes, is_word) {
        let kind = match r.len() {
            32 => Kind::Md5,
            40 => Kind::Sha1,
            64 => Kind::Sha256,
            _ => continue,
        };
        let w = &bytes[r.clone()];
        if w.iter().all(u8::is_ascii_hexdigit)
            && w.iter().any(u8::is_ascii_digit)
            && w.iter().any(u8::is_ascii_alphabetic)
        {
            s.push(kind, t[r.clone()].to_ascii_lowercase(), r);
        }
    }
}

/// Reads `n_min..=n_max` ASCII digits at `i`; returns the end.
fn digits(bytes: &[u8], i: usize, n_min: usize, n_max: usize) -> Option<usize> {
    let n = bytes[i.min(bytes.len())..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    (n_min..=n_max).contains(&n).then_some(i + n)
}

/// A separator inside an id (`CVE-2024-3094`, `CVE_2024_3094`, en dash,
/// full-width hyphen); returns its byte length.
fn sep(t: &str, i: usize) -> Option<usize> {
    let c = t.get(i..)?.chars().next()?;
    matches!(c, '-' | '_' | '–' | '－' | '‐').then(|| c.len_utf8())
}

/// CVE, CNVD, CNNVD and ATT&CK technique ids.
fn ids(t: &str, s: &mut Scan) {
    let bytes = t.as_bytes();
    for i in memchr::memchr3_iter(b'c', b'C', b'T', bytes) {
        if i > 0 && is_word(bytes[i - 1]) {
            continue;
        }
        let rest = &bytes[i..];
        let hit = if rest.len() >= 5 && rest[..5].eq_ignore_ascii_case(b"cnnvd") {
            id_parts(t, i, 5, (6, 6), (1, 6))
                .map(|(a, b, e)| (Kind::Cnnvd, format!("CNNVD-{a}-{b}"), e))
        } else if rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(b"cnvd") {
            cnvd(t, i)
        } else if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"cve") {
            id_parts(t, i, 3, (4, 4), (4, 7))
                .map(|(a, b, e)| (Kind::Cve, format!("CVE-{a}-{b}"), e))
        } else if bytes[i] == b'T' {
            attack(t, i)
        } else {
            None
        };
        if let Some((kind, value, end)) = hit {
            if !bytes.get(end).is_some_and(|&b| is_word(b)) {
                s.push(kind, value, i..end);
            }
        }
    }
}

/// `PREFIX sep A sep B` with digit counts for A and B; returns A, B, end.
fn id_parts(
    t: &str,
    i: usize,
    prefix: usize,
    a: (usize, usize),
    b: (usize, usize),
) -> Option<(String, String, usize)> {
    let bytes = t.as_bytes();
    let a0 = i + prefix + sep(t, i + prefix)?;
    let a1 = digits(bytes, a0, a.0, a.1)?;
    let b0 = a1 + sep(t, a1)?;
    let b1 = digits(bytes, b0, b.0, b.1)?;
    Some((t[a0..a1].to_string(), t[b0..b1].to_string(), b1))
}

/// `CNVD-2021-12345` and the pre-disclosure form `CNVD-C-2021-12345`.
fn cnvd(t: &str, i: usize) -> Option<(Kind, String, usize)> {
    let s1 = sep(t, i + 4)?;
    if t.as_bytes()
        .get(i + 4 + s1)
        .is_some_and(|b| b.eq_ignore_ascii_case(&b'c'))
    {
        let (a, b, e) = id_parts(t, i + 4 + s1, 1, (4, 4), (1, 7))?;
        return Some((Kind::Cnvd, format!("CNVD-C-{a}-{b}"), e));
    }
    let (a, b, e) = id_parts(t, i, 4, (4, 4), (1, 7))?;
    Some((Kind::Cnvd, format!("CNVD-{a}-{b}"), e))
}

/// ATT&CK technique `T1059` or sub-technique `T1059.001`; enterprise
/// technique numbers run from T1001 to T1699, which keeps part numbers and
/// `T1000`-style names out.
fn attack(t: &str, i: usize) -> Option<(Kind, String, usize)> {
    let bytes = t.as_bytes();
    let e = digits(bytes, i + 1, 4, 4)?;
    let n: u16 = t[i + 1..e].parse().ok()?;
    if !(1001..=1699).contains(&n) {
        return None;
    }
    let sub = (bytes.get(e) == Some(&b'.'))
        .then(|| digits(bytes, e + 1, 3, 3))
        .flatten()
        .filter(|&se| {
            !bytes
                .get(se)
                .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
        });
    let end = sub.unwrap_or(e);
    Some((Kind::Attack, t[i..end].to_string(), end))
}

/// IPv6: a run of hex digits, colons and dots that parses as an address,
/// has 2+ non-empty groups, 4+ hex digits and a decimal digit (so that
/// `dead::beef` or `a::b` in C++ is not one). Value in canonical form.
fn ipv6(t: &str, s: &mut Scan) {
    let bytes = t.as_bytes();
    for r in runs_holding(bytes, b':', is_v6_byte) {
        let before_ok = r.start == 0 || !is_word(bytes[r.start - 1]);
        let after_ok = !bytes.get(r.end).is_some_and(|&b| is_word(b));
        let mut r2 = r.clone();
        while r2.end > r2.start && bytes[r2.end - 1] == b'.' {
            r2.end -= 1;
        }
        if r2.end > r2.start + 1 && bytes[r2.end - 1] == b':' && bytes[r2.end - 2] != b':' {
            r2.end -= 1;
        }
        let w = &t[r2.clone()];
        if !before_ok || !after_ok || w.bytes().filter(|&b| b == b':').count() < 2 {
            continue;
        }
        let groups = w.split(':').filter(|g| !g.is_empty()).count();
        let hex = w.bytes().filter(u8::is_ascii_hexdigit).count();
        if groups < 2 || hex < 4 || !w.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Ok(addr) = w.parse::<std::net::Ipv6Addr>() {
            s.push(Kind::Ipv6, addr.to_string(), r2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_classes_are_ascii() {
        for b in 0x80..=0xFF_u8 {
            assert!(!is_host_byte(b) && !is_word(b) && !is_v6_byte(b), "{b:#x}");
        }
    }

    /// `runs` steps over non-ASCII blocks; the runs are those of a plain
    /// byte-at-a-time scan, wherever the blocks fall.
    #[test]
    fn runs_match_a_byte_at_a_time_scan() {
        let naive = |bytes: &[u8]| {
            let mut out = Vec::new();
            let mut start = None;
            for (i, &b) in bytes.iter().enumerate() {
                match (is_host_byte(b), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        out.push(s..i);
                        start = None;
                    }
                    _ => {}
                }
            }
            out.extend(start.map(|s| s..bytes.len()));
            out
        };
        for pad in 0..10 {
            let text = format!(
                "{}a.com漏洞情报分析x{}evil-1.org，中文中文中文中文b{}",
                "中".repeat(pad),
                "安".repeat(pad % 4),
                "z".repeat(pad)
            );
            let got: Vec<_> = runs(text.as_bytes(), is_host_byte).collect();
            assert_eq!(got, naive(text.as_bytes()), "{text}");
            let dotted: Vec<_> = runs_holding(text.as_bytes(), b'.', is_host_byte).collect();
            let want: Vec<_> = naive(text.as_bytes())
                .into_iter()
                .filter(|r| text.as_bytes()[r.clone()].contains(&b'.'))
                .collect();
            assert_eq!(dotted, want, "{text}");
        }
    }
}
