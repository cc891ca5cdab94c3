//! TEMPORARY minimal reader (replaced by the tolerant reader).
use crate::error::SkipReason;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub title: String,
    pub url: String,
    pub source: String,
    pub date: Option<jiff::civil::Date>,
    pub body: String,
    pub encoding: Option<&'static str>,
}

pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Option<&'static str>), SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    std::str::from_utf8(bytes)
        .map(|s| (Cow::Borrowed(s), None))
        .map_err(|_| SkipReason::Undecodable)
}

pub fn parse(text: &str, file_stem: &str) -> Article {
    let mut a = Article {
        title: String::new(),
        url: String::new(),
        source: String::new(),
        date: None,
        body: text.to_string(),
        encoding: None,
    };
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            for line in rest[..end].lines() {
                if let Some((k, v)) = line.split_once(": ") {
                    match k {
                        "title" => a.title = v.trim().into(),
                        "url" => a.url = v.trim().into(),
                        "source" => a.source = v.trim().into(),
                        "date" => a.date = v.get(..10).and_then(|d| d.parse().ok()),
                        _ => {}
                    }
                }
            }
            a.body = rest[end + 5..].to_string();
        }
    }
    if a.title.is_empty() {
        a.title = file_stem.into();
    }
    a
}

pub fn read(bytes: &[u8], file_stem: &str) -> Result<Article, SkipReason> {
    let (t, enc) = decode(bytes)?;
    let mut a = parse(&t, file_stem);
    a.encoding = enc;
    Ok(a)
}
