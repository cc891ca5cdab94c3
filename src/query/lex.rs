//! Reading a query string into lexemes: words, phrases, field prefixes,
//! groups and the operators `OR`, `|`, `AND`, `NOT` and `-`.
//!
//! Operators are written as Lucene, Kibana and ripgrep users write them:
//! `AND`, `OR`, `NOT` in capitals (lower-case `and`/`or`/`not` are words),
//! `a|b` for alternatives when every part is a plain word, `-term` or
//! `NOT term` to exclude. A `(` opens a group only when a matching `)`
//! follows; otherwise it is text, as is anything inside quotes.

use super::fields::{split_field, FieldSel};

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Lexeme {
    Or,
    /// `AND` written out: the same as a space.
    And,
    /// `(` opening a group; `-(` or `NOT (` excludes the group, and a
    /// field prefix (`title:(…)`) applies to every term inside.
    Open {
        negated: bool,
        field: FieldSel,
    },
    Close,
    Term {
        text: String,
        negated: bool,
        field: FieldSel,
    },
}

/// Whether the `(` at `open` has a matching `)` after it.
fn has_close(chars: &[char], open: usize) -> bool {
    let mut depth = 0usize;
    for &c in &chars[open..] {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// A field prefix opening a group (`title:(`) at `i`: its field and the
/// index of the `(`.
fn field_group(chars: &[char], i: usize) -> Option<(FieldSel, usize)> {
    let colon = (i..chars.len().min(i + 8)).find(|&j| chars[j] == ':')?;
    if chars.get(colon + 1) != Some(&'(') || !has_close(chars, colon + 1) {
        return None;
    }
    let probe: String = chars[i..=colon].iter().chain(['x'].iter()).collect();
    match split_field(&probe) {
        (f, "x") if f != FieldSel::Any => Some((f, colon + 1)),
        _ => None,
    }
}

/// Whether a bare word is alternatives of plain words (`log4j|log4shell`):
/// at least two parts, none empty.
fn alternatives(text: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = text.split('|').collect();
    (parts.len() > 1 && parts.iter().all(|p| !p.is_empty())).then_some(parts)
}

/// Reads the word, phrase or field-prefixed phrase starting at `*i`:
/// (its text as written before any quote, its field, its text, quoted).
fn word(chars: &[char], i: &mut usize, depth: usize) -> (String, FieldSel, String, bool) {
    let start = *i;
    while *i < chars.len()
        && !chars[*i].is_whitespace()
        && chars[*i] != '"'
        && !(depth > 0 && chars[*i] == ')')
    {
        *i += 1;
    }
    let head: String = chars[start..*i].iter().collect();
    let (mut field, rest) = split_field(&head);
    let at_quote = *i < chars.len() && chars[*i] == '"';
    let probe = format!("{head}x");
    let bare_prefix = match split_field(&probe) {
        (f, "x") if at_quote && f != FieldSel::Any => Some(f),
        _ => None,
    };
    if let Some(f) = bare_prefix {
        field = f;
    }
    if at_quote && (head.is_empty() || bare_prefix.is_some()) {
        // "phrase" (unterminated: to the end)
        *i += 1;
        let s = *i;
        while *i < chars.len() && chars[*i] != '"' {
            *i += 1;
        }
        let phrase: String = chars[s..*i].iter().collect();
        *i += 1;
        return (head, field, phrase, true);
    }
    if at_quote {
        // a quote inside a word is literal: `abc"def`
        while *i < chars.len() && !chars[*i].is_whitespace() {
            *i += 1;
        }
        let w: String = chars[start..*i].iter().collect();
        let (_, r) = split_field(&w);
        return (head, field, r.to_string(), false);
    }
    let rest = rest.to_string();
    (head, field, rest, false)
}

pub(super) fn lex(input: &str) -> Vec<Lexeme> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut pending_not = false;
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = std::mem::take(&mut pending_not);
        if chars[i] == '-' && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            negated = true;
            i += 1;
        }
        let group = match field_group(&chars, i) {
            Some(g) => Some(g),
            None if chars[i] == '(' && has_close(&chars, i) => Some((FieldSel::Any, i)),
            None => None,
        };
        if let Some((field, paren)) = group {
            out.push(Lexeme::Open { negated, field });
            depth += 1;
            i = paren + 1;
            continue;
        }
        if chars[i] == ')' && depth > 0 {
            out.push(Lexeme::Close);
            depth -= 1;
            i += 1;
            continue;
        }
        let (head, field, text, quoted) = word(&chars, &mut i, depth);
        if !negated && !quoted {
            match head.as_str() {
                "OR" | "|" => {
                    out.push(Lexeme::Or);
                    continue;
                }
                "AND" => {
                    out.push(Lexeme::And);
                    continue;
                }
                "NOT" if chars[i..].iter().any(|c| !c.is_whitespace()) => {
                    pending_not = true;
                    continue;
                }
                _ => {}
            }
        }
        if text.trim().is_empty() {
            continue;
        }
        match alternatives(&text).filter(|_| !quoted) {
            Some(parts) => {
                out.push(Lexeme::Open { negated, field });
                for (n, p) in parts.into_iter().enumerate() {
                    if n > 0 {
                        out.push(Lexeme::Or);
                    }
                    out.push(Lexeme::Term {
                        text: p.to_string(),
                        negated: false,
                        field: FieldSel::Any,
                    });
                }
                out.push(Lexeme::Close);
            }
            None => out.push(Lexeme::Term {
                text,
                negated,
                field,
            }),
        }
    }
    out
}
