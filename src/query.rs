//! The query language (see DESIGN.md): terms separated by spaces must all
//! match; `"..."` is a phrase (a string with spaces); `-term` excludes; `OR`
//! between terms; `title:`, `source:`, `body:` restrict a term to a field.
//!
//! Every term, phrase or not, means "this exact string occurs", as
//! `grep -F -i` would find it; the parser only decides which strings and how
//! they combine.

use crate::analyzer;
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
}

/// The kinds of typed indicator filter (issue #13).
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
            .map(|t| analyzer::normalize(&t.text).trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Lexeme {
    Or,
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
        // A field prefix, then either a quoted phrase or a bare word.
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
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
    let mut clauses: Vec<Clause> = Vec::new();
    let mut pending_or = false;
    for lx in lex(input) {
        match lx {
            Lexeme::Or => {
                if clauses.last().is_some_and(|c| !c.negated) {
                    pending_or = true;
                }
            }
            Lexeme::Term {
                text,
                negated,
                field,
            } => {
                let term = Term { text, field };
                match clauses.last_mut() {
                    Some(last) if pending_or && !negated && !last.negated => last.any_of.push(term),
                    _ => clauses.push(Clause {
                        any_of: vec![term],
                        negated,
                    }),
                }
                pending_or = false;
            }
        }
    }
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
                analyzer::normalize("a"),
                analyzer::normalize("Ｂ"),
                analyzer::normalize("Log4J"),
                analyzer::normalize("漏洞"),
            ]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
        );
        assert!(!m.iter().any(|t| t.contains("微软")));
    }
}
