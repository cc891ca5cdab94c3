//! The fields a `name:` prefix can select, and reading that prefix.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldSel {
    /// Title or body.
    Any,
    Title,
    Body,
    Source,
    /// A typed indicator filter (`cve:`, `ip:`, `domain:`, `hash:`,
    /// `email:`): matches the article's extracted indicators, not its text.
    Ioc(Typed),
    /// The article's own URL (front matter `url`).
    Url,
    /// The targets of the body's links.
    Link,
}

/// The kinds of typed indicator filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    Cve,
    /// IPv4 or IPv6 address, or a CIDR network.
    Ip,
    /// The domain or any subdomain of it.
    Domain,
    /// md5, sha1 or sha256.
    Hash,
    Email,
}

/// The fields a `name:` prefix can name (the colon rule: anything else with a colon is text).
pub const FIELD_NAMES: &[&str] = &[
    "title", "source", "body", "url", "link", "cve", "ip", "domain", "hash", "email",
];

/// The field a word's `name:` prefix selects, and the rest of the word
/// (`FieldSel::Any` and the whole word when it has no field prefix).
pub fn split_field(word: &str) -> (FieldSel, &str) {
    for (prefix, sel) in [
        ("title:", FieldSel::Title),
        ("body:", FieldSel::Body),
        ("source:", FieldSel::Source),
        ("cve:", FieldSel::Ioc(Typed::Cve)),
        ("ip:", FieldSel::Ioc(Typed::Ip)),
        ("domain:", FieldSel::Ioc(Typed::Domain)),
        ("hash:", FieldSel::Ioc(Typed::Hash)),
        ("email:", FieldSel::Ioc(Typed::Email)),
        ("url:", FieldSel::Url),
        ("link:", FieldSel::Link),
    ] {
        if word.len() > prefix.len()
            && word.is_char_boundary(prefix.len())
            && word[..prefix.len()].eq_ignore_ascii_case(prefix)
        {
            return (sel, &word[prefix.len()..]);
        }
    }
    (FieldSel::Any, word)
}
