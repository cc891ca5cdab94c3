//! What a search answers: finished hits (path, title, source, date, url,
//! duplicates and reprints).

/// One matching article, finished: what it is and where it lives. No body:
/// a snippet is made from the file when (and only if) the hit is printed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub path: String,
    pub title: String,
    pub source: String,
    pub date: Option<String>,
    pub url: String,
    pub score: f32,
    /// Other files holding the same article.
    pub duplicates: Vec<String>,
    /// The same story reposted by other accounts (same normalized title),
    /// oldest first; empty with `--no-fold`.
    pub reprints: Vec<Reprint>,
    /// The article has a body of its own (see `rank::SUBSTANCE_CHARS`);
    /// `false` for a thin page: title only, a saved error page, page UI.
    pub substance: bool,
    /// The file is gone or changed since it was indexed.
    pub stale: Option<super::facts::Stale>,
    /// Found only through an alias the query was expanded with, not the
    /// words as typed.
    pub via_alias: bool,
    /// Where the hit is in the index (for the facts read after ranking).
    #[serde(skip)]
    pub(super) addr: Option<tantivy::DocAddress>,
}

/// One repost of a hit's story.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reprint {
    pub path: String,
    pub source: String,
    pub date: Option<String>,
}

impl Hit {
    /// The earliest copy of the story (this hit or a reprint): its source
    /// and date, for "first: 安全圈 2025-01-02". `None` without reprints.
    pub fn first_copy(&self) -> Option<(&str, Option<&str>)> {
        let own = (self.source.as_str(), self.date.as_deref());
        let first = self.reprints.first()?;
        let theirs = (first.source.as_str(), first.date.as_deref());
        // Undated copies sort last.
        Some(match (own.1, theirs.1) {
            (Some(a), Some(b)) if b < a => theirs,
            (None, Some(_)) => theirs,
            _ => own,
        })
    }
}

impl Hit {
    /// A hit that carries only its path (`-l`).
    pub(super) fn path_only(path: String, score: f32) -> Hit {
        Hit {
            path,
            title: String::new(),
            source: String::new(),
            date: None,
            url: String::new(),
            score,
            duplicates: Vec::new(),
            reprints: Vec::new(),
            substance: true,
            stale: None,
            via_alias: false,
            addr: None,
        }
    }
}
