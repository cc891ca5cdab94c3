//! The query language (README, "Query language"): terms separated by spaces must all
//! match; `"..."` is a phrase (a string with spaces); `-term` excludes; `OR`
//! between terms; `title:`, `source:`, `body:` restrict a term to a field,
//! `url:` searches the article's own URL and `link:` its link targets.
//!
//! Every term, phrase or not, means "this exact string occurs", as
//! `grep -F -i` would find it; the parser only decides which strings and how
//! they combine.

use super::limits::LIMITS;
use crate::analysis;
use crate::error::Error;

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

/// One string to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub field: FieldSel,
}

/// A group of alternatives (`a OR b`), or a single term; possibly negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub any_of: Vec<Term>,
    pub negated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub clauses: Vec<Clause>,
}

impl Query {
    /// The positive terms, in order: what snippets highlight and ranking scores.
    pub fn positive_terms(&self) -> impl Iterator<Item = &Term> {
        self.clauses
            .iter()
            .filter(|c| !c.negated)
            .flat_map(|c| c.any_of.iter())
    }

    /// The positive terms normalized as recall normalizes them, sorted and
    /// without repeats: the strings a snippet highlights, so that a
    /// highlight never disagrees with why the document matched.
    pub fn match_terms(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .positive_terms()
            .map(|t| analysis::normalize(&t.text).trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// The fields a `name:` prefix can name (the colon rule: anything else with a colon is text).
pub const FIELD_NAMES: &[&str] = &[
    "title", "source", "body", "url", "link", "cve", "ip", "domain", "hash", "email",
];

/// Notes about how the query was read, for stderr: a word that looks like
/// a field filter (`foo:bar`, letters then a colon) but names no field is
/// searched as text. URLs (`https://…`), Windows paths (`C:\…`), detection
/// names (`Trojan:Win32/Emotet`) and times (`12:30`) are text without a note.
pub fn notes(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in input.split_whitespace() {
        let w = w.trim_start_matches(['-', '(']).trim_end_matches(')');
        let Some((name, rest)) = w.split_once(':') else {
            continue;
        };
        let looks_like_field = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphabetic())
            && !rest.is_empty()
            && !rest.contains(['/', '\\', ':']);
        if looks_like_field && !FIELD_NAMES.contains(&name.to_ascii_lowercase().as_str()) {
            out.push(format!(
                "'{w}' was searched as text: '{name}' is not a field (fields: {})",
                FIELD_NAMES.join(", ")
            ));
        }
    }
    out
}

#[derive(Debug, PartialEq, Eq)]
enum Lexeme {
    Or,
    /// `(` opening a group; `-(` excludes the group.
    Open {
        negated: bool,
    },
    Close,
    Term {
        text: String,
        negated: bool,
        field: FieldSel,
    },
}

fn split_field(word: &str) -> (FieldSel, &str) {
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

fn lex(input: &str) -> Vec<Lexeme> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if chars[i] == '-' && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            negated = true;
            i += 1;
        }
        // `(` opens a group when a `)` follows somewhere; else it is text.
        if chars[i] == '(' && depth == 0 && chars[i + 1..].contains(&')') {
            out.push(Lexeme::Open { negated });
            depth += 1;
            i += 1;
            continue;
        }
        if chars[i] == ')' && depth > 0 {
            out.push(Lexeme::Close);
            depth -= 1;
            i += 1;
            continue;
        }
        // A field prefix, then either a quoted phrase or a bare word.
        let start = i;
        while i < chars.len()
            && !chars[i].is_whitespace()
            && chars[i] != '"'
            && !(depth > 0 && chars[i] == ')')
        {
            i += 1;
        }
        let head: String = chars[start..i].iter().collect();
        let (mut field, rest) = split_field(&head);
        let at_quote = i < chars.len() && chars[i] == '"';
        let probe = format!("{head}x");
        let bare_prefix = match split_field(&probe) {
            (f, "x") if at_quote && f != FieldSel::Any => Some(f),
            _ => None,
        };
        if let Some(f) = bare_prefix {
            field = f;
        }
        let text = if at_quote && (head.is_empty() || bare_prefix.is_some()) {
            // "phrase" (unterminated: to the end)
            i += 1;
            let s = i;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            let phrase: String = chars[s..i].iter().collect();
            i += 1;
            phrase
        } else if at_quote {
            // a quote inside a word is literal: `abc"def`
            let s = start;
            while i < chars.len() && !chars[i].is_whitespace() {
                i += 1;
            }
            let w: String = chars[s..i].iter().collect();
            let (_, r) = split_field(&w);
            r.to_string()
        } else {
            rest.to_string()
        };
        if !negated && field == FieldSel::Any && text == "OR" && head == "OR" {
            out.push(Lexeme::Or);
            continue;
        }
        if text.trim().is_empty() {
            continue;
        }
        out.push(Lexeme::Term {
            text,
            negated,
            field,
        });
    }
    out
}

/// Parses a query string.
pub fn parse(input: &str) -> Result<Query, Error> {
    LIMITS.check_query(input)?;
    let mut units = Vec::new();
    let mut lexemes = lex(input).into_iter();
    while let Some(lx) = lexemes.next() {
        match lx {
            Lexeme::Open { negated } => {
                let inner: Vec<Lexeme> = lexemes
                    .by_ref()
                    .take_while(|l| *l != Lexeme::Close)
                    .collect();
                units.push(group(inner, negated)?);
            }
            Lexeme::Close => {}
            other => units.push(Unit::Lexeme(other)),
        }
    }
    let mut clauses = combine(units)?;
    // `a a` means `a`: a repeated clause would only repeat the work.
    let mut seen = Vec::new();
    clauses.retain(|c| {
        let new = !seen.contains(c);
        if new {
            seen.push(c.clone());
        }
        new
    });
    check_caps(&clauses)?;
    if clauses.is_empty() {
        return Err(Error::BadQuery("the query is empty".into()));
    }
    if clauses.iter().all(|c| c.negated) {
        return Err(Error::BadQuery(
            "the query only excludes (-term); add a term to search for".into(),
        ));
    }
    Ok(Query { clauses })
}

/// A piece of the query between the lexer and the clauses.
enum Unit {
    Lexeme(Lexeme),
    /// A group: one clause (alternatives), or several ANDed clauses.
    Group(Vec<Clause>),
}

/// `( … )`: alternatives (`(a OR b)`) become one clause that can be
/// excluded or OR-ed further; several terms (`(a b)`) are simply ANDed.
fn group(inner: Vec<Lexeme>, negated: bool) -> Result<Unit, Error> {
    let mut clauses = combine(inner.into_iter().map(Unit::Lexeme).collect())?;
    match clauses.len() {
        0 => Ok(Unit::Group(Vec::new())),
        1 => {
            let mut c = clauses.remove(0);
            if negated && c.negated {
                return Err(Error::BadQuery(
                    "-(-term) is not supported; write the term".into(),
                ));
            }
            c.negated |= negated;
            Ok(Unit::Group(vec![c]))
        }
        _ if negated => Err(Error::BadQuery(
            "-( … ) can exclude alternatives (a OR b), not several terms together".into(),
        )),
        _ => Ok(Unit::Group(clauses)),
    }
}

/// ANDs the units, joining `a OR b` into one clause.
fn combine(units: Vec<Unit>) -> Result<Vec<Clause>, Error> {
    let mut clauses: Vec<Clause> = Vec::new();
    let mut pending_or = false;
    let mut last_was_and_group = false;
    for u in units {
        let new: Vec<Clause> = match u {
            Unit::Lexeme(Lexeme::Or) => {
                if last_was_and_group {
                    return Err(and_in_or());
                }
                if clauses.last().is_some_and(|c| !c.negated) {
                    pending_or = true;
                }
                continue;
            }
            Unit::Lexeme(Lexeme::Term {
                text,
                negated,
                field,
            }) => vec![Clause {
                any_of: vec![Term { text, field }],
                negated,
            }],
            Unit::Lexeme(_) => continue,
            Unit::Group(g) => g,
        };
        last_was_and_group = new.len() > 1;
        if last_was_and_group && pending_or {
            return Err(and_in_or());
        }
        for c in new {
            match clauses.last_mut() {
                Some(last) if pending_or && !c.negated && !last.negated => {
                    last.any_of.extend(c.any_of)
                }
                _ => clauses.push(c),
            }
            pending_or = false;
        }
    }
    Ok(clauses)
}

fn and_in_or() -> Error {
    Error::BadQuery(
        "(a b) OR c is not supported: a group joined by OR can hold alternatives only, e.g. (a OR b) c"
            .into(),
    )
}

fn check_caps(clauses: &[Clause]) -> Result<(), Error> {
    LIMITS.check_terms(
        clauses
            .iter()
            .flat_map(|c| c.any_of.iter())
            .map(|t| t.text.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str, field: FieldSel) -> Term {
        Term {
            text: text.into(),
            field,
        }
    }

    #[test]
    fn and_phrase_exclude_or_fields() {
        let q = parse(
            r#"勒索软件 "remote code" -测试 a OR b title:漏洞 source:"奇安信 威胁" CVE-2024-3094"#,
        )
        .unwrap();
        assert_eq!(q.clauses.len(), 7);
        assert_eq!(q.clauses[0].any_of, vec![t("勒索软件", FieldSel::Any)]);
        assert_eq!(q.clauses[1].any_of, vec![t("remote code", FieldSel::Any)]);
        assert!(q.clauses[2].negated);
        assert_eq!(
            q.clauses[3].any_of,
            vec![t("a", FieldSel::Any), t("b", FieldSel::Any)]
        );
        assert_eq!(q.clauses[4].any_of, vec![t("漏洞", FieldSel::Title)]);
        assert_eq!(
            q.clauses[5].any_of,
            vec![t("奇安信 威胁", FieldSel::Source)]
        );
        assert_eq!(q.clauses[6].any_of, vec![t("CVE-2024-3094", FieldSel::Any)]);
    }

    #[test]
    fn typed_filters_are_fields() {
        let q =
            parse("勒索 cve:CVE-2024-3094 -ip:10.0.0.0/8 DOMAIN:evil[.]com hash:ab email:a@b.c")
                .unwrap();
        let f: Vec<FieldSel> = q.clauses.iter().map(|c| c.any_of[0].field).collect();
        assert_eq!(
            f,
            vec![
                FieldSel::Any,
                FieldSel::Ioc(Typed::Cve),
                FieldSel::Ioc(Typed::Ip),
                FieldSel::Ioc(Typed::Domain),
                FieldSel::Ioc(Typed::Hash),
                FieldSel::Ioc(Typed::Email),
            ]
        );
        assert!(q.clauses[2].negated);
        assert_eq!(q.clauses[3].any_of[0].text, "evil[.]com");
        // a URL stays text
        let q = parse("https://evil.com/a").unwrap();
        assert_eq!(q.clauses[0].any_of[0].field, FieldSel::Any);
    }

    #[test]
    fn groups_or_alternatives_and_and_terms() {
        let q = parse("(LockBit OR BlackCat) 医院").unwrap();
        assert_eq!(q.clauses.len(), 2);
        assert_eq!(
            q.clauses[0].any_of,
            vec![t("LockBit", FieldSel::Any), t("BlackCat", FieldSel::Any)]
        );
        let q = parse("攻击 -(a OR b)").unwrap();
        assert!(q.clauses[1].negated);
        assert_eq!(q.clauses[1].any_of.len(), 2);
        let q = parse("(a b) c").unwrap();
        assert_eq!(q.clauses.len(), 3);
        let q = parse("(a OR b) OR c").unwrap();
        assert_eq!(q.clauses[0].any_of.len(), 3);
        assert!(parse("(a b) OR c").is_err());
        assert!(parse("c OR (a b)").is_err());
        // a lone parenthesis is text
        assert_eq!(parse("foo(").unwrap().clauses[0].any_of[0].text, "foo(");
    }

    #[test]
    fn caps_bound_every_query() {
        assert!(parse(&vec!["a"; 1000].join(" ")).is_err());
        assert!(parse(&"漏".repeat(40_000)).is_err());
        assert!(parse(&"漏".repeat(201)).is_err());
        assert_eq!(parse(&vec!["a"; 32].join(" ")).unwrap().clauses.len(), 1);
        let letters: Vec<String> = ('a'..='z').map(String::from).collect();
        assert!(parse(&letters[..16].join(" ")).is_ok());
        assert!(parse(&letters[..17].join(" ")).is_err());
    }

    #[test]
    fn colon_rule_notes_only_field_like_words() {
        assert_eq!(notes("foo:bar").len(), 1);
        assert!(notes("foo:bar")[0].contains("title, source, body"));
        for text in [
            "https://evil.com/a.php",
            "C:\\Windows\\System32",
            "Trojan:Win32/Emotet",
            "12:30",
            "title:漏洞",
            "url:weixin",
        ] {
            assert!(notes(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn empty_and_only_negative_are_errors() {
        assert!(parse("  ").is_err());
        assert!(parse("-a -b").is_err());
        assert!(parse(r#""""#).is_err());
    }

    #[test]
    fn odd_inputs_are_literal() {
        let q = parse("- or OR").unwrap();
        assert_eq!(q.clauses[0].any_of[0].text, "-");
        assert_eq!(q.clauses[1].any_of[0].text, "or");
        let q = parse(r#"a"b title:"#).unwrap();
        assert_eq!(q.clauses[0].any_of[0].text, r#"a"b"#);
        assert_eq!(q.clauses[1].any_of[0].text, "title:");
    }

    #[test]
    fn match_terms_are_the_normalized_positive_terms_once() {
        let q = parse("Log4J -微软 log4j title:漏洞 a OR Ｂ").unwrap();
        let m = q.match_terms();
        assert_eq!(
            m,
            vec![
                analysis::normalize("a"),
                analysis::normalize("Ｂ"),
                analysis::normalize("Log4J"),
                analysis::normalize("漏洞"),
            ]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
        );
        assert!(!m.iter().any(|t| t.contains("微软")));
    }

    #[test]
    fn url_and_link_prefixes_select_their_fields() {
        let q = parse("link:github.com URL:mp.weixin.qq.com https://evil.com/a.php").unwrap();
        assert_eq!(q.clauses[0].any_of, vec![t("github.com", FieldSel::Link)]);
        assert_eq!(
            q.clauses[1].any_of,
            vec![t("mp.weixin.qq.com", FieldSel::Url)]
        );
        assert_eq!(
            q.clauses[2].any_of,
            vec![t("https://evil.com/a.php", FieldSel::Any)]
        );
    }
}
