//! The query language (README, "Query language"): terms separated by spaces (or
//! `AND`) must all match; `"..."` is a phrase (a string with spaces);
//! `-term` or `NOT term` excludes; `OR` or `|` between terms; `( … )`
//! groups, nested as deep as wanted; `title:`, `source:`, `body:` restrict
//! a term or a group to a field, `url:` searches the article's own URL and
//! `link:` its link targets. The operators are case-sensitive: lower-case
//! `and`, `or`, `not` are words.
//!
//! Every term, phrase or not, means "this exact string occurs", as
//! `grep -F -i` would find it; the parser only decides which strings and how
//! they combine.

use super::fields::{FieldSel, FIELD_NAMES};
use super::lex::{lex, Lexeme};
use super::limits::LIMITS;
use crate::analysis;
use crate::error::Error;

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
    /// `-w`: a term's Latin letters and digits at its ends must not
    /// continue in the text (see [`whole_word_needle`]).
    pub whole_words: bool,
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
        if self.whole_words {
            v = v.iter().map(|n| whole_word_needle(n)).collect();
        }
        v
    }
}

/// Marks a highlight needle as whole-word (`-w`): every highlighter takes
/// its needles as plain strings (terminal, `-C`, `show`, the web page), so
/// the mode travels with each needle instead of through each of them. A
/// control character cannot occur in a normalized term.
const WHOLE_WORD: char = '\u{1}';

/// The needle for `n` that matches only where its Latin letters and digits
/// at either end do not continue in the text.
pub fn whole_word_needle(n: &str) -> String {
    format!("{WHOLE_WORD}{n}")
}

/// A needle's text, and whether it matches whole words only.
pub fn split_needle(n: &str) -> (bool, &str) {
    match n.strip_prefix(WHOLE_WORD) {
        Some(rest) => (true, rest),
        None => (false, n),
    }
}

/// Whether a term looks like a regular expression (`log4.*`, `\d+`,
/// `[0-9]`): it is searched literally, and the user should hear so. A
/// Windows path (`C:\windows`) or a defanged `[.]` is not one.
fn looks_like_regex(w: &str) -> bool {
    let b = w.as_bytes();
    let class = |i: usize| {
        b.get(i + 4) == Some(&b']') && b[i + 2] == b'-' && b[i + 1].is_ascii_alphanumeric()
    };
    (0..b.len()).any(|i| match b[i] {
        b'.' => matches!(b.get(i + 1), Some(b'*' | b'+')),
        b'\\' => {
            matches!(b.get(i + 1), Some(b'd' | b'w' | b's' | b'b'))
                && !b.get(i + 2).is_some_and(|c| c.is_ascii_alphanumeric())
        }
        b'[' => i + 4 < b.len() && class(i),
        _ => false,
    })
}

/// Notes about how the query was read, for stderr: a word that looks like
/// a field filter (`foo:bar`, letters then a colon) but names no field is
/// searched as text. URLs (`https://…`), Windows paths (`C:\…`), detection
/// names (`Trojan:Win32/Emotet`) and times (`12:30`) are text without a note.
pub fn notes(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in input.split_whitespace() {
        let w = w.trim_start_matches(['-', '(']).trim_end_matches(')');
        if looks_like_regex(w) {
            out.push(format!(
                "'{w}' was searched as literal text: terms are fixed strings, not regular expressions; for alternatives write a|b or a OR b"
            ));
            continue;
        }
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

/// Parses a query string.
pub fn parse(input: &str) -> Result<Query, Error> {
    LIMITS.check_query(input)?;
    let mut lexemes = lex(input).into_iter();
    let units = units(&mut lexemes)?;
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
    Ok(Query {
        clauses,
        whole_words: false,
    })
}

/// A piece of the query between the lexer and the clauses.
enum Unit {
    Lexeme(Lexeme),
    /// A group: one clause (alternatives), or several ANDed clauses.
    Group(Vec<Clause>),
}

/// The units up to the `)` closing the current group (or the end), groups
/// inside read whole: `((a))` is `a`. The depth is bounded by the query's
/// length cap.
fn units(lexemes: &mut impl Iterator<Item = Lexeme>) -> Result<Vec<Unit>, Error> {
    let mut out = Vec::new();
    while let Some(lx) = lexemes.next() {
        match lx {
            Lexeme::Open { negated, field } => {
                let inner = units(lexemes)?;
                out.push(group(inner, negated, field)?);
            }
            Lexeme::Close => break,
            other => out.push(Unit::Lexeme(other)),
        }
    }
    Ok(out)
}

/// `( … )`: alternatives (`(a OR b)`) become one clause that can be
/// excluded or OR-ed further; several terms (`(a b)`) are simply ANDed.
/// A field prefix (`title:(a OR b)`) applies to every term inside that
/// names no field of its own.
fn group(inner: Vec<Unit>, negated: bool, field: FieldSel) -> Result<Unit, Error> {
    let mut clauses = combine(inner)?;
    if field != FieldSel::Any {
        for t in clauses.iter_mut().flat_map(|c| c.any_of.iter_mut()) {
            if t.field == FieldSel::Any {
                t.field = field;
            }
        }
    }
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
    use crate::query::Typed;

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
    fn operators_as_typed() {
        let alt = vec![t("log4j", FieldSel::Any), t("log4shell", FieldSel::Any)];
        for q in ["log4j|log4shell", "log4j | log4shell", "log4j OR log4shell"] {
            let p = parse(q).unwrap();
            assert_eq!(p.clauses.len(), 1, "{q}");
            assert_eq!(p.clauses[0].any_of, alt, "{q}");
        }
        let p = parse("LockBit AND 医院").unwrap();
        assert_eq!(p.clauses.len(), 2);
        assert_eq!(p.clauses[1].any_of, vec![t("医院", FieldSel::Any)]);
        let p = parse("LockBit NOT 医院").unwrap();
        assert!(p.clauses[1].negated);
        let p = parse("rock and roll or not").unwrap();
        let words: Vec<&str> = p
            .clauses
            .iter()
            .map(|c| c.any_of[0].text.as_str())
            .collect();
        assert_eq!(words, ["rock", "and", "roll", "or", "not"]);
        // a quoted bar, an empty alternative and a trailing NOT are text
        assert_eq!(parse(r#""a|b""#).unwrap().clauses[0].any_of[0].text, "a|b");
        assert_eq!(parse("a||b").unwrap().clauses[0].any_of[0].text, "a||b");
        assert_eq!(parse("x NOT").unwrap().clauses[1].any_of[0].text, "NOT");
        let p = parse("-a|b c").unwrap();
        assert!(p.clauses[0].negated);
        assert_eq!(p.clauses[0].any_of.len(), 2);
    }

    #[test]
    fn nested_groups_and_field_groups() {
        let plain = parse("漏洞").unwrap();
        for q in ["(漏洞)", "((漏洞))", "(((漏洞)))", "((( 漏洞 )))"] {
            assert_eq!(parse(q).unwrap(), plain, "{q}");
        }
        let p = parse("title:(漏洞 OR 勒索)").unwrap();
        assert_eq!(
            p.clauses[0].any_of,
            vec![t("漏洞", FieldSel::Title), t("勒索", FieldSel::Title)]
        );
        let p = parse("-source:(a OR body:b) ((c OR (d))) e").unwrap();
        assert!(p.clauses[0].negated);
        assert_eq!(
            p.clauses[0].any_of,
            vec![t("a", FieldSel::Source), t("b", FieldSel::Body)]
        );
        assert_eq!(p.clauses[1].any_of.len(), 2);
        assert_eq!(p.clauses.len(), 3);
        // unbalanced parentheses stay text
        assert_eq!(
            parse("((漏洞)").unwrap().clauses[0].any_of[0].text,
            "((漏洞)"
        );
    }

    #[test]
    fn regex_looking_terms_get_a_note_and_paths_do_not() {
        for q in [r"log4.*", r"\d+", r"CVE-\d{4}", "[0-9]", "a.+b"] {
            assert_eq!(notes(q).len(), 1, "{q}");
            assert!(notes(q)[0].contains("a|b"), "{q}");
        }
        for q in [r"C:\windows\system32", "evil[.]com", "1.2.3.4", "log4j"] {
            assert!(notes(q).is_empty(), "{q}");
        }
    }

    #[test]
    fn whole_word_needles_carry_their_mode() {
        let mut q = parse("RCE 漏洞").unwrap();
        assert!(q.match_terms().iter().all(|n| !split_needle(n).0));
        q.whole_words = true;
        let m = q.match_terms();
        assert!(m.iter().all(|n| split_needle(n).0));
        assert_eq!(split_needle(&m[0]).1, analysis::normalize("RCE"));
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
