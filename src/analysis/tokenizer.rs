//! Text analysis: how documents and queries become index terms.
//!
//! Two representations of the same text, registered as two tantivy tokenizers:
//!
//! * **recall** (`RECALL_TOKENIZER`) — an exact, position-faithful rewrite of the
//!   text, so that a phrase query over it behaves like `grep -F -i`. CJK runs
//!   become overlapping bigrams (a lone CJK character becomes a unigram), runs
//!   of letters/digits become one lowercase word, every other visible
//!   character is a one-character token, a run of spaces is a token of its
//!   own, and a run of whitespace holding a line break is one newline token.
//!   Because nothing is dropped or merged, "these units at these relative
//!   positions" is equivalent to "this string occurs here"; only the two ends
//!   of a query string need expansion (a partial word, a lone CJK character),
//!   see [`query_units`].
//! * **words** (`WORDS_TOKENIZER`) — jieba-rs words for ranking (BM25). Only
//!   used at index time: the query side looks query substrings up in the
//!   index's own term dictionary instead, so a search never pays jieba's
//!   110–170 ms dictionary build.
//!
//! Both run over [`normalize`]d text, and queries are normalized the same way.

use super::links::link_index_form;
use super::normalize::normalize;
use super::segment::ranking_words;
use super::units::{ident_runs, recall_units};

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Bumped whenever tokenization changes in a way that changes index terms.
/// An index built with another version is refused (see `schema`).
pub const ANALYZER_VERSION: u32 = 9;

pub const RECALL_TOKENIZER: &str = "secsearch_recall";
pub const WORDS_TOKENIZER: &str = "secsearch_words";
/// jieba words and the inner ends of the Chinese ones (`body_words`): see
/// [`Representation::WordsInside`].
pub const WORDS_INSIDE_TOKENIZER: &str = "secsearch_words_inside";
/// The recall representation of URLs (`url`, `link`): see [`link_index_form`].
pub const LINK_TOKENIZER: &str = "secsearch_recall_link";
/// Identifier runs as whole terms (`title_ident`, `body_ident`): see
/// [`ident_runs`].
pub const IDENT_TOKENIZER: &str = "secsearch_ident";

/// Which representation a [`FieldTokenizer`] produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Representation {
    Recall,
    Words,
    /// [`Representation::Words`], and every Chinese word of 3+ characters
    /// also as each of its suffixes of 2+ characters (`攻防护网` as 防护网,
    /// 护网): a prefix walk of the term dictionary then finds a query term
    /// inside a word, not only at its start, without walking the whole
    /// dictionary (`.*护网.*` cost 150–300 ms a query). Presence-only
    /// fields: the suffixes add terms, no positions.
    WordsInside,
    /// [`Representation::Recall`] of [`link_index_form`].
    Link,
    /// [`ident_runs`].
    Ident,
}

/// The tantivy tokenizer of both field families: [`recall_units`] for the
/// recall fields, [`ranking_words`] for the ranking fields.
#[derive(Clone)]
pub struct FieldTokenizer {
    representation: Representation,
    pub(super) tokens: Vec<Token>,
}

impl FieldTokenizer {
    pub fn recall() -> Self {
        FieldTokenizer {
            representation: Representation::Recall,
            tokens: Vec::new(),
        }
    }

    pub fn words() -> Self {
        FieldTokenizer {
            representation: Representation::Words,
            tokens: Vec::new(),
        }
    }

    pub fn words_inside() -> Self {
        FieldTokenizer {
            representation: Representation::WordsInside,
            tokens: Vec::new(),
        }
    }

    pub fn link() -> Self {
        FieldTokenizer {
            representation: Representation::Link,
            tokens: Vec::new(),
        }
    }

    pub fn ident() -> Self {
        FieldTokenizer {
            representation: Representation::Ident,
            tokens: Vec::new(),
        }
    }
}

/// A token stream over a precomputed token list. Tokens are cheap to
/// compute, and precomputing lets one function ([`recall_units`]) define the
/// representation for documents and queries alike.
pub struct VecTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    /// Tokens of this text: the list may hold more, kept from a longer one.
    len: usize,
    next: usize,
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.len {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Token slots a tokenizer keeps between texts: their strings are
/// overwritten instead of allocated and freed for every token (a malloc and
/// a free a token were ~8% of indexing CPU). A longer text's extra slots
/// are released, so one huge file does not pin its tokens' memory.
pub(super) const KEEP_TOKENS: usize = 1 << 16;

/// Writes a text's tokens into the slots of a token list, in order.
pub(super) struct Slots<'a> {
    tokens: &'a mut Vec<Token>,
    len: usize,
}

impl<'a> Slots<'a> {
    fn new(tokens: &'a mut Vec<Token>) -> Self {
        if tokens.len() > KEEP_TOKENS {
            tokens.truncate(KEEP_TOKENS);
            tokens.shrink_to_fit();
        }
        Slots { tokens, len: 0 }
    }

    fn push(&mut self, position: usize, text: &str, from: usize, to: usize) {
        match self.tokens.get_mut(self.len) {
            Some(t) => {
                t.offset_from = from;
                t.offset_to = to;
                t.position = position;
                t.position_length = 1;
                t.text.clear();
                t.text.push_str(text);
            }
            None => self.tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: text.to_string(),
                position_length: 1,
            }),
        }
        self.len += 1;
    }

    fn stream(self) -> VecTokenStream<'a> {
        VecTokenStream {
            tokens: self.tokens,
            len: self.len,
            next: 0,
        }
    }
}

thread_local! {
    /// The last text normalized on this thread and its normal form. Each
    /// title and body is tokenized twice in a row (recall field, then words
    /// field) on the same indexing thread; this makes the second time free.
    static LAST_NORMALIZED: std::cell::RefCell<(String, String)> =
        const { std::cell::RefCell::new((String::new(), String::new())) };
}

/// Runs `f` on the normalized form of `text`, normalizing it only if it is
/// not the text this thread normalized last.
pub(super) fn with_normalized<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    LAST_NORMALIZED.with(|cell| {
        let mut last = cell.borrow_mut();
        if last.0 != text {
            last.1 = normalize(text);
            last.0.clear();
            last.0.push_str(text);
        }
        f(&last.1)
    })
}

impl Tokenizer for FieldTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        let representation = self.representation;
        let mut slots = Slots::new(&mut self.tokens);
        if representation == Representation::Link {
            let form = link_index_form(text);
            let norm = normalize(&form);
            recall_units(&norm, |position, _, t, from, to| {
                slots.push(position, t, from, to)
            });
            return slots.stream();
        }
        with_normalized(text, |norm| match representation {
            Representation::Recall => recall_units(norm, |position, _, t, from, to| {
                slots.push(position, t, from, to)
            }),
            Representation::Link => {}
            Representation::Ident => {
                let mut position = 0;
                ident_runs(norm, |t, from, to| {
                    slots.push(position, t, from, to);
                    position += 1;
                });
            }
            Representation::Words => {
                let mut position = 0;
                ranking_words(norm, |w, from, to| {
                    slots.push(position, w, from, to);
                    position += 1;
                });
            }
            Representation::WordsInside => {
                let mut position = 0;
                ranking_words(norm, |w, from, to| {
                    slots.push(position, w, from, to);
                    for (at, _) in inner_suffixes(w) {
                        slots.push(position, &w[at..], from + at, to);
                    }
                    position += 1;
                });
            }
        });
        slots.stream()
    }
}

/// The byte offsets of a Chinese word's suffixes of 2+ characters, the
/// word itself excluded (none for a word of fewer than 3 characters or one
/// that is not all Chinese).
fn inner_suffixes(w: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let chinese = w
        .chars()
        .all(|c| super::normalize::class(c) == super::Class::Cjk);
    let n = if chinese { w.chars().count() } else { 0 };
    w.char_indices().skip(1).take(n.saturating_sub(2))
}

/// Registers both tokenizers on an index; must happen on every open.
pub fn register(index: &tantivy::Index) {
    let mgr = index.tokenizers();
    mgr.register(RECALL_TOKENIZER, FieldTokenizer::recall());
    mgr.register(WORDS_TOKENIZER, FieldTokenizer::words());
    mgr.register(WORDS_INSIDE_TOKENIZER, FieldTokenizer::words_inside());
    mgr.register(LINK_TOKENIZER, FieldTokenizer::link());
    mgr.register(IDENT_TOKENIZER, FieldTokenizer::ident());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_words_of_three_or_more_add_their_inner_suffixes() {
        let ends = |w: &'static str| -> Vec<&'static str> {
            inner_suffixes(w).map(|(at, _)| &w[at..]).collect()
        };
        assert_eq!(ends("防护网"), ["护网"]);
        assert_eq!(ends("攻防护网"), ["防护网", "护网"]);
        assert!(ends("护网").is_empty());
        assert!(ends("log4j").is_empty(), "Latin words are whole words");
    }
}
