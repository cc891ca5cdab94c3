//! The bounds on a query, one set for the command line and the web API.
//!
//! A query costs time and memory in proportion to its terms and their
//! length (each term is a phrase of recall units expanded through the term
//! dictionary), so every query must stay bounded, wherever it comes from.
//! Measured before the caps: 1,000 × `a` took 11.8 s and 625 MB; a
//! 40,000-character Chinese string 38 s. Real queries are far below: the
//! longest of the 508 development queries has 77 characters and 4 terms.

use crate::error::Error;

/// The caps a query must stay within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Characters in the whole query string.
    pub query_chars: usize,
    /// Terms, counting every alternative of an `OR`.
    pub terms: usize,
    /// Characters in one term.
    pub term_chars: usize,
}

/// The one set of limits, for every caller.
pub const LIMITS: Limits = Limits {
    query_chars: 1000,
    terms: 16,
    term_chars: 200,
};

impl Limits {
    /// The whole query string, before it is read.
    pub fn check_query(&self, input: &str) -> Result<(), Error> {
        let n = input.chars().count();
        if n > self.query_chars {
            return Err(Error::BadQuery(format!(
                "{n} characters; a query can have at most {}",
                self.query_chars
            )));
        }
        Ok(())
    }

    /// The terms the query was read into (their texts).
    pub fn check_terms<'a>(&self, terms: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
        let terms: Vec<&str> = terms.into_iter().collect();
        if terms.len() > self.terms {
            return Err(Error::BadQuery(format!(
                "{} terms; a query can have at most {}",
                terms.len(),
                self.terms
            )));
        }
        if let Some(t) = terms.iter().find(|t| t.chars().count() > self.term_chars) {
            return Err(Error::BadQuery(format!(
                "a term of {} characters; a term can have at most {}",
                t.chars().count(),
                self.term_chars
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_holds_at_its_bound_and_refuses_one_more() {
        let at = "字".repeat(LIMITS.query_chars);
        assert!(LIMITS.check_query(&at).is_ok());
        assert!(LIMITS.check_query(&format!("{at}字")).is_err());
        let words: Vec<String> = (0..=LIMITS.terms).map(|i| format!("w{i}")).collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        assert!(LIMITS
            .check_terms(refs[..LIMITS.terms].iter().copied())
            .is_ok());
        assert!(LIMITS.check_terms(refs.iter().copied()).is_err());
        let long = "a".repeat(LIMITS.term_chars);
        assert!(LIMITS.check_terms([long.as_str()]).is_ok());
        assert!(LIMITS.check_terms([format!("{long}a").as_str()]).is_err());
    }
}
