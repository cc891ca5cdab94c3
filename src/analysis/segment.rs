//! jieba: the words of the ranking field, the one shared `Jieba` with the
//! project's user dictionary, and the dictionary hash the index records.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;

use super::normalize::{class, Class};
use crate::error::Error;

/// Calls `emit(word, from, to)` for each ranking word of normalized text.
pub fn ranking_words(norm: &str, mut emit: impl FnMut(&str, usize, usize)) {
    let mut run_start: Option<usize> = None;
    let mut word_start: Option<usize> = None;
    let flush_cjk = |start: usize, end: usize, emit: &mut dyn FnMut(&str, usize, usize)| {
        let run = &norm[start..end];
        for t in jieba().cut(run, true) {
            emit(t.word, start + t.byte_start, start + t.byte_end);
        }
    };
    for (i, c) in norm.char_indices() {
        let cls = class(c);
        if cls != Class::Cjk {
            if let Some(s) = run_start.take() {
                flush_cjk(s, i, &mut emit);
            }
        }
        if cls != Class::Word {
            if let Some(s) = word_start.take() {
                emit_ranking_word(&norm[s..i], s, i, &mut emit);
            }
        }
        match cls {
            Class::Cjk if run_start.is_none() => run_start = Some(i),
            Class::Word if word_start.is_none() => word_start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = run_start {
        flush_cjk(s, norm.len(), &mut emit);
    }
    if let Some(s) = word_start {
        emit_ranking_word(&norm[s..], s, norm.len(), &mut emit);
    }
}

/// Latin/digit words longer than this rank nothing: they are ids in URLs
/// (WeChat image and link ids run 40–110 characters), unique to one
/// article, and only grew the word fields once visible URLs were indexed.
/// Recall is untouched: the recall fields keep every word.
pub(super) const MAX_RANKING_WORD_BYTES: usize = 40;

pub(super) fn emit_ranking_word(
    w: &str,
    s: usize,
    e: usize,
    emit: &mut impl FnMut(&str, usize, usize),
) {
    if w.len() <= MAX_RANKING_WORD_BYTES {
        emit(w, s, e);
    }
}

/// The security vocabulary shipped with the project, loaded into jieba with
/// explicit frequencies so that terms like 勒索软件 stay whole.
pub const USER_DICT: &str = include_str!("../../index-schema/userdict.txt");

pub(super) static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();

/// The one shared jieba instance, built on first use (110–170 ms), which only
/// indexing and `tokenize` ever trigger.
pub fn jieba() -> &'static Jieba {
    // The shipped dictionary is compiled in and a test loads it, so the
    // fallback is never taken in a released binary.
    JIEBA.get_or_init(|| Arc::new(build_jieba(None).unwrap_or_else(|_| Jieba::new())))
}

/// A `--user-dict` file, read and checked: jieba takes its text, the index
/// stores its hash.
#[derive(Debug)]
pub struct UserDict {
    pub path: PathBuf,
    pub text: String,
}

impl UserDict {
    /// Reads and checks the file, so that a bad line is reported with the
    /// file's name and the line's number before any work is done.
    pub fn read(path: &Path) -> Result<UserDict, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            what: "cannot read user dictionary",
            source,
        })?;
        check_dict(&text).map_err(|(line, freq, source)| Error::UserDict {
            path: path.to_path_buf(),
            line,
            freq,
            source,
        })?;
        Ok(UserDict {
            path: path.to_path_buf(),
            text,
        })
    }
}

/// jieba's own rule for a dictionary line (`word [freq [tag]]`, the
/// frequency a whole number), checked here because jieba's error quotes the
/// line without naming the file.
pub(super) fn check_dict(text: &str) -> Result<(), (usize, String, std::num::ParseIntError)> {
    for (i, line) in text.lines().enumerate() {
        if let Some(freq) = line.split_whitespace().nth(1) {
            freq.parse::<usize>()
                .map_err(|e| (i + 1, freq.to_string(), e))?;
        }
    }
    Ok(())
}

/// Builds jieba with the shipped dictionary plus an optional extra one; must
/// be called before the first [`jieba`] to take effect.
pub fn init_jieba(extra: Option<&UserDict>) -> Result<(), Error> {
    let j = build_jieba(extra.map(|d| d.text.as_str())).map_err(|source| Error::Jieba {
        what: match extra {
            Some(d) => format!("{}: cannot load user dictionary", d.path.display()),
            None => "cannot load the shipped dictionary".to_string(),
        },
        source,
    })?;
    // Already set only if something segmented text before this call: fine
    // with the shipped dictionary alone, wrong with a user dictionary.
    match (JIEBA.set(Arc::new(j)), extra) {
        (Err(_), Some(d)) => Err(Error::Path {
            path: d.path.clone(),
            msg: "the user dictionary was loaded after jieba had started".into(),
        }),
        _ => Ok(()),
    }
}

pub(super) fn build_jieba(extra: Option<&str>) -> Result<Jieba, jieba_rs::Error> {
    let mut j = Jieba::new();
    j.load_dict(&mut USER_DICT.as_bytes())?;
    if let Some(extra) = extra {
        j.load_dict(&mut extra.as_bytes())?;
    }
    Ok(j)
}

/// Hash of the dictionaries that shape the ranking words, stored in the index
/// so that a changed dictionary asks for `--rebuild`.
pub fn dict_hash(extra: Option<&str>) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(b"jieba-rs 0.11 default dict;");
    h.update(USER_DICT.as_bytes());
    if let Some(e) = extra {
        h.update(b";");
        h.update(e.as_bytes());
    }
    format!("{:016x}", h.digest())
}
