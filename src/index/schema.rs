//! The index schema, read from `index-schema/schema.json` (embedded in the
//! binary), and the index's compatibility record.
//!
//! Keeping the schema as data makes it reviewable without reading code and
//! lets a test check that code and data agree. The compatibility record
//! (schema version, analyzer version, dictionary hash) travels in tantivy's
//! commit payload, so it is always the one of the last commit: an index built
//! by a binary that tokenizes differently is refused instead of silently
//! answering wrong.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::Index;

use crate::analysis;
use crate::error::Error;

/// Every field's name, spelled once in Rust. `tests` check that each one is
/// in `index-schema/schema.json` and the other way round.
pub mod name {
    pub const PATH: &str = "path";
    pub const TITLE: &str = "title";
    pub const TITLE_IDENT: &str = "title_ident";
    pub const TITLE_WORDS: &str = "title_words";
    pub const BODY: &str = "body";
    pub const BODY_IDENT: &str = "body_ident";
    pub const BODY_WORDS: &str = "body_words";
    pub const RELATED: &str = "related";
    pub const SOURCE: &str = "source";
    pub const SOURCE_EXACT: &str = "source_exact";
    pub const URL: &str = "url";
    pub const LINK: &str = "link";
    pub const REFANGED: &str = "refanged";
    pub const REFANGED_IDENT: &str = "refanged_ident";
    pub const DATE: &str = "date";
    pub const DUP_KEY: &str = "dup_key";
    pub const DUP_HASH: &str = "dup_hash";
    pub const BODY_LEN: &str = "body_len";
    pub const REPRINT_HASH: &str = "reprint_hash";
    pub const REPRINT_SIG: &str = "reprint_sig";
    pub const SIZE: &str = "size";
    pub const MTIME: &str = "mtime";
    pub const HASH: &str = "hash";
    pub const IOC: &str = "ioc";

    /// All of them, in schema order, for the consistency check.
    pub const ALL: &[&str] = &[
        PATH,
        TITLE,
        TITLE_IDENT,
        TITLE_WORDS,
        BODY,
        BODY_WORDS,
        BODY_IDENT,
        RELATED,
        SOURCE,
        SOURCE_EXACT,
        URL,
        LINK,
        REFANGED,
        REFANGED_IDENT,
        DATE,
        DUP_KEY,
        DUP_HASH,
        BODY_LEN,
        REPRINT_HASH,
        REPRINT_SIG,
        SIZE,
        MTIME,
        HASH,
        IOC,
    ];
}

pub const SCHEMA_JSON: &str = include_str!("../../index-schema/schema.json");

#[derive(Debug, Deserialize)]
pub struct SchemaSpec {
    pub schema_version: u32,
    pub fields: Vec<FieldSpec>,
}

#[derive(Debug, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub indexed: bool,
    #[serde(default)]
    pub stored: bool,
    #[serde(default)]
    pub fast: bool,
    pub tokenizer: Option<String>,
    pub record: Option<String>,
    pub boost: Option<f32>,
}

pub fn spec() -> Result<SchemaSpec, Error> {
    serde_json::from_str(SCHEMA_JSON)
        .map_err(|e| Error::Other(format!("embedded index-schema/schema.json: {e}")))
}

/// Builds the tantivy schema from the spec.
pub fn build(spec: &SchemaSpec) -> Result<Schema, Error> {
    let mut b = Schema::builder();
    for f in &spec.fields {
        let bad = |what: &str| Error::Other(format!("schema field {}: {what}", f.name));
        match f.ty.as_str() {
            "text" => {
                let tokenizer = match f.tokenizer.as_deref() {
                    Some("recall") => analysis::RECALL_TOKENIZER,
                    Some("words") => analysis::WORDS_TOKENIZER,
                    Some("words_inside") => analysis::WORDS_INSIDE_TOKENIZER,
                    Some("recall_link") => analysis::LINK_TOKENIZER,
                    Some("ident") => analysis::IDENT_TOKENIZER,
                    other => return Err(bad(&format!("unknown tokenizer {other:?}"))),
                };
                let record = match f.record.as_deref() {
                    Some("position") => IndexRecordOption::WithFreqsAndPositions,
                    Some("freq") => IndexRecordOption::WithFreqs,
                    Some("basic") => IndexRecordOption::Basic,
                    other => return Err(bad(&format!("unknown record {other:?}"))),
                };
                let mut opts = TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(tokenizer)
                        .set_index_option(record),
                );
                if f.stored {
                    opts = opts.set_stored();
                }
                b.add_text_field(&f.name, opts);
            }
            "string" => {
                let mut opts = if f.indexed {
                    STRING
                } else {
                    TextOptions::default()
                };
                if f.stored {
                    opts = opts | STORED;
                }
                if f.fast {
                    opts = opts | FAST;
                }
                b.add_text_field(&f.name, opts);
            }
            "u64" | "i64" => {
                let mut opts = NumericOptions::default();
                if f.indexed {
                    opts = opts | INDEXED;
                }
                if f.stored {
                    opts = opts | STORED;
                }
                if f.fast {
                    opts = opts | FAST;
                }
                if f.ty == "u64" {
                    b.add_u64_field(&f.name, opts);
                } else {
                    b.add_i64_field(&f.name, opts);
                }
            }
            "date" => {
                let mut opts = DateOptions::default().set_precision(DateTimePrecision::Seconds);
                if f.indexed {
                    opts = opts.set_indexed();
                }
                if f.stored {
                    opts = opts.set_stored();
                }
                if f.fast {
                    opts = opts.set_fast();
                }
                b.add_date_field(&f.name, opts);
            }
            other => return Err(bad(&format!("unknown type {other}"))),
        }
    }
    Ok(b.build())
}

/// Field handles, resolved once by name.
#[derive(Debug, Clone)]
pub struct Fields {
    pub path: Field,
    pub title: Field,
    pub title_words: Field,
    /// Identifier runs of the title as whole terms (see `analysis::ident_runs`).
    pub title_ident: Field,
    pub body: Field,
    /// Identifier runs of the body as whole terms.
    pub body_ident: Field,
    /// The body's related-article lists (see `article::related`),
    /// recall representation: found, but scored like a footer.
    pub related: Field,
    /// Jieba words of the body's own lines, presence only (ranking).
    pub body_words: Field,
    pub source: Field,
    pub source_exact: Field,
    pub url: Field,
    /// Link targets (`link:`), recall representation.
    pub link: Field,
    /// Refanged defanged indicators, recall representation.
    pub refanged: Field,
    /// Identifier runs of `refanged`.
    pub refanged_ident: Field,
    pub date: Field,
    pub dup_key: Field,
    pub dup_hash: Field,
    pub body_len: Field,
    pub reprint_hash: Field,
    /// The body's MinHash sketch (see `writer::reprint`).
    pub reprint_sig: Field,
    pub size: Field,
    pub mtime: Field,
    pub hash: Field,
    /// Indicators as `kind:value` terms.
    pub ioc: Field,
    /// Query-time boosts from the spec.
    pub boost_title: f32,
    pub boost_title_words: f32,
    pub boost_body: f32,
    pub boost_related: f32,
}

/// Query-time boost overrides by field name, e.g. from
/// `SECSEARCH_BOOSTS="title_words=4,body=0.5"` for ranking experiments (see
/// tests/quality.rs) without a rebuild: boosts apply at query time. The
/// command layer reads the variable; the core only sees this value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Boosts(Vec<(String, f32)>);

impl Boosts {
    /// Parses `name=weight,…`; `None` if an entry is not `field=number` with
    /// a field of the schema, so a typo is reported instead of ignored.
    pub fn parse(text: &str) -> Option<Boosts> {
        let mut out = Vec::new();
        for kv in text.split(',').filter(|kv| !kv.trim().is_empty()) {
            let (k, v) = kv.split_once('=')?;
            let k = k.trim();
            if !name::ALL.contains(&k) {
                return None;
            }
            out.push((k.to_string(), v.trim().parse().ok()?));
        }
        Some(Boosts(out))
    }

    fn get(&self, field: &str) -> Option<f32> {
        self.0.iter().find(|(k, _)| k == field).map(|(_, v)| *v)
    }
}

static BOOSTS: OnceLock<Boosts> = OnceLock::new();

/// Sets the boost overrides every later [`open`] uses. Called once by the
/// command layer, before any index is opened; searching opens the index
/// itself, so the value travels this way rather than through every caller.
pub fn set_boosts(boosts: Boosts) {
    // A second call (tests run several commands in one process) keeps the
    // first value, which came from the same environment.
    let _ = BOOSTS.set(boosts);
}

fn boosts() -> &'static Boosts {
    static NONE: Boosts = Boosts(Vec::new());
    BOOSTS.get().unwrap_or(&NONE)
}

impl Fields {
    pub fn resolve(
        schema: &Schema,
        spec: &SchemaSpec,
        overrides: &Boosts,
    ) -> Result<Fields, Error> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| Error::Other(format!("index schema has no field '{name}'")))
        };
        let boost = |name: &str| {
            overrides
                .get(name)
                .or_else(|| {
                    spec.fields
                        .iter()
                        .find(|s| s.name == name)
                        .and_then(|s| s.boost)
                })
                .unwrap_or(1.0)
        };
        Ok(Fields {
            path: f(name::PATH)?,
            title: f(name::TITLE)?,
            title_words: f(name::TITLE_WORDS)?,
            title_ident: f(name::TITLE_IDENT)?,
            body: f(name::BODY)?,
            body_ident: f(name::BODY_IDENT)?,
            related: f(name::RELATED)?,
            body_words: f(name::BODY_WORDS)?,
            source: f(name::SOURCE)?,
            source_exact: f(name::SOURCE_EXACT)?,
            url: f(name::URL)?,
            link: f(name::LINK)?,
            refanged: f(name::REFANGED)?,
            refanged_ident: f(name::REFANGED_IDENT)?,
            date: f(name::DATE)?,
            dup_key: f(name::DUP_KEY)?,
            dup_hash: f(name::DUP_HASH)?,
            body_len: f(name::BODY_LEN)?,
            reprint_hash: f(name::REPRINT_HASH)?,
            reprint_sig: f(name::REPRINT_SIG)?,
            size: f(name::SIZE)?,
            mtime: f(name::MTIME)?,
            hash: f(name::HASH)?,
            ioc: f(name::IOC)?,
            boost_title: boost(name::TITLE),
            boost_title_words: boost(name::TITLE_WORDS),
            boost_body: boost(name::BODY),
            boost_related: boost(name::RELATED),
        })
    }
}

/// What an index was built with; stored as the commit payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexInfo {
    pub schema_version: u32,
    pub analyzer_version: u32,
    pub dict_hash: String,
    /// The roots given to `index`, for `stats`.
    #[serde(default)]
    pub roots: Vec<PathBuf>,
    /// Built with `--follow`: links out of the roots were indexed, so
    /// readers may follow them too (see [`IndexInfo::scope`]).
    #[serde(default)]
    pub follow: bool,
}

impl IndexInfo {
    pub fn current(
        spec: &SchemaSpec,
        extra_dict: Option<&str>,
        roots: Vec<PathBuf>,
        follow: bool,
    ) -> Self {
        IndexInfo {
            schema_version: spec.schema_version,
            analyzer_version: analysis::ANALYZER_VERSION,
            dict_hash: analysis::dict_hash(extra_dict),
            roots,
            follow,
        }
    }

    /// Where the index's article files may be read from.
    pub fn scope(&self) -> crate::article::fsread::Scope {
        crate::article::fsread::Scope::new(&self.roots, self.follow)
    }
}

/// Where the article files of an index with record `info` may be read
/// from: an index without a record (older than it) gets the narrowest
/// scope, no link followed.
pub fn scope_of(info: Option<&IndexInfo>) -> crate::article::fsread::Scope {
    info.map_or_else(
        || crate::article::fsread::Scope::new(&[], false),
        IndexInfo::scope,
    )
}

/// An opened index with its resolved fields and compatibility record.
pub struct Opened {
    pub index: Index,
    pub fields: Fields,
    pub info: Option<IndexInfo>,
    pub dir: PathBuf,
    /// Opstamp of the last commit when opened.
    pub opstamp: u64,
    /// The number of documents of each segment of that commit (from the
    /// meta.json read to open it, deletes subtracted).
    pub segment_docs: Vec<u32>,
}

fn tantivy_err(dir: &Path, e: tantivy::TantivyError) -> Error {
    Error::NeedsRebuild {
        path: dir.to_path_buf(),
        why: format!("cannot be read ({e})"),
    }
}

/// Whether `dir` holds an index (its `meta.json`).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// A reader on `index`'s last commit that never reloads by itself.
/// tantivy's default reader watches `meta.json` and reloads from a
/// background thread, which can still be mapping segment files after its
/// user is done with it (a SIGBUS in the test that then truncates one);
/// every reader here is read and dropped, or reloaded on purpose (`serve`).
pub fn manual_reader(index: &Index) -> tantivy::Result<tantivy::IndexReader> {
    index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()
}

impl Opened {
    /// Where this index's article files may be read from.
    pub fn scope(&self) -> crate::article::fsread::Scope {
        scope_of(self.info.as_ref())
    }

    /// A reader on the last commit. A segment file that is missing or
    /// damaged shows up here, and is reported with the `--rebuild` hint.
    pub fn reader(&self) -> Result<tantivy::IndexReader, Error> {
        let reader = manual_reader(&self.index).map_err(|e| tantivy_err(&self.dir, e))?;
        crate::index::integrity::check_counts(&reader.searcher(), self.fields.title, &self.dir)?;
        Ok(reader)
    }
}

/// Opens an existing index for reading, checking that this binary can read
/// it: the schema and analyzer version must match, or results would be
/// silently wrong.
pub fn open(dir: &Path) -> Result<Opened, Error> {
    permitted(dir)?;
    if !exists(dir) {
        return Err(Error::NoIndex(dir.to_path_buf()));
    }
    let directory = crate::index::integrity::LockTolerant::open(dir)?;
    let index =
        Index::open(directory).map_err(|e| match crate::index::integrity::owned_files(dir) {
            None => Error::NotOurs {
                path: dir.to_path_buf(),
                why: format!("is not a secsearch index (its meta.json is not tantivy's: {e})"),
            },
            Some(_) => Error::Damaged {
                file: dir.join("meta.json"),
                why: e.to_string(),
            },
        })?;
    crate::index::integrity::check(&index, dir)?;
    analysis::register(&index);
    let spec = spec()?;
    let fields =
        Fields::resolve(&index.schema(), &spec, boosts()).map_err(|_| Error::NeedsRebuild {
            path: dir.to_path_buf(),
            why: "has an older schema".into(),
        })?;
    let metas = index.load_metas().map_err(|e| tantivy_err(dir, e))?;
    let info: Option<IndexInfo> = metas
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok());
    match &info {
        Some(i) if i.schema_version != spec.schema_version => {
            return Err(Error::NeedsRebuild {
                path: dir.to_path_buf(),
                why: format!(
                    "was built with schema version {} (this secsearch uses {})",
                    i.schema_version, spec.schema_version
                ),
            })
        }
        Some(i) if i.analyzer_version != analysis::ANALYZER_VERSION => {
            return Err(Error::NeedsRebuild {
                path: dir.to_path_buf(),
                why: format!(
                    "was built with analyzer version {} (this secsearch uses {})",
                    i.analyzer_version,
                    analysis::ANALYZER_VERSION
                ),
            })
        }
        None if !metas.segments.is_empty() => {
            return Err(Error::NeedsRebuild {
                path: dir.to_path_buf(),
                why: "has no secsearch version record".into(),
            })
        }
        _ => {}
    }
    // Every field's options, not only its name: a meta.json whose schema
    // differs (a flipped byte in a tokenizer name, a hand edit) would
    // answer from a schema this build does not write.
    if index.schema() != build(&spec)? {
        return Err(Error::Damaged {
            file: dir.join("meta.json"),
            why: "its schema is not the one this secsearch writes".into(),
        });
    }
    Ok(Opened {
        index,
        fields,
        info,
        dir: dir.to_path_buf(),
        opstamp: metas.opstamp,
        segment_docs: metas.segments.iter().map(|s| s.num_docs()).collect(),
    })
}

/// tantivy's record files can be read: another user's index they cannot
/// read is a permission problem, not a damaged index (tantivy's own error
/// says "corrupted").
fn permitted(dir: &Path) -> Result<(), Error> {
    for name in ["meta.json", ".managed.json"] {
        let path = dir.join(name);
        match std::fs::File::open(&path) {
            Err(source) if source.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(Error::Io {
                    path,
                    what: "permission denied reading the index",
                    source,
                })
            }
            _ => {}
        }
    }
    Ok(())
}

/// Opens the index for writing, creating it if needed.
pub fn open_or_create(dir: &Path) -> Result<Opened, Error> {
    if exists(dir) {
        return open(dir);
    }
    // Never scatter index files into somebody's folder (say, a mistyped
    // `--index ~/articles`): a new index goes into an empty or new directory.
    if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(Error::Path {
            path: dir.to_path_buf(),
            msg: "is not an index (no meta.json) and not empty; choose an empty or new directory for --index".into(),
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::Path {
        path: dir.to_path_buf(),
        msg: format!("cannot create index directory: {e}"),
    })?;
    let spec = spec()?;
    let schema = build(&spec)?;
    let settings = tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(3),
        }),
        docstore_blocksize: 32 * 1024,
        ..Default::default()
    };
    let dir_obj = tantivy::directory::MmapDirectory::open(dir).map_err(|e| Error::Path {
        path: dir.to_path_buf(),
        msg: e.to_string(),
    })?;
    let index = Index::create(dir_obj, schema, settings).map_err(|e| Error::Path {
        path: dir.to_path_buf(),
        msg: format!("cannot create index: {e}"),
    })?;
    analysis::register(&index);
    // The marker proves later (to `--rebuild`) that this folder is ours.
    std::fs::write(
        dir.join(crate::index::layout::MARKER_FILE),
        format!("secsearch index, schema version {}\n", spec.schema_version),
    )
    .map_err(|source| Error::Io {
        path: dir.join(crate::index::layout::MARKER_FILE),
        what: "cannot write",
        source,
    })?;
    let fields = Fields::resolve(&index.schema(), &spec, boosts())?;
    Ok(Opened {
        index,
        fields,
        info: None,
        dir: dir.to_path_buf(),
        opstamp: 0,
        segment_docs: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_json_builds_and_names_every_field_the_code_uses() {
        let spec = spec().expect("schema.json parses");
        let schema = build(&spec).expect("schema builds");
        let fields =
            Fields::resolve(&schema, &spec, &Boosts::default()).expect("all fields present");
        assert_eq!(schema.fields().count(), spec.fields.len());
        let in_json: Vec<&str> = spec.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(in_json, name::ALL, "schema::name and schema.json disagree");
        assert!(fields.boost_body > fields.boost_related);
        for f in &spec.fields {
            let entry = schema.get_field_entry(schema.get_field(&f.name).unwrap());
            assert_eq!(entry.is_stored(), f.stored, "stored flag of {}", f.name);
            assert_eq!(entry.is_fast(), f.fast, "fast flag of {}", f.name);
        }
        // recall fields need positions for phrase queries
        for field in [name::TITLE, name::BODY, name::RELATED, name::SOURCE] {
            let entry = schema.get_field_entry(schema.get_field(field).unwrap());
            let opts = entry.field_type().get_index_record_option();
            assert_eq!(
                opts,
                Some(IndexRecordOption::WithFreqsAndPositions),
                "{field}"
            );
        }
    }

    #[test]
    fn boost_overrides_parse_and_a_typo_is_refused() {
        let b = Boosts::parse(" title_words=4, body=0.5 ").expect("valid");
        assert_eq!(b.get(name::TITLE_WORDS), Some(4.0));
        assert_eq!(b.get(name::BODY), Some(0.5));
        assert_eq!(b.get(name::TITLE), None);
        assert_eq!(Boosts::parse(""), Some(Boosts::default()));
        assert_eq!(Boosts::parse("titel=2"), None, "unknown field");
        assert_eq!(Boosts::parse("title=x"), None, "not a number");
        assert_eq!(Boosts::parse("title"), None, "no weight");
        let spec = spec().unwrap();
        let schema = build(&spec).unwrap();
        let f = Fields::resolve(&schema, &spec, &b).unwrap();
        assert_eq!(f.boost_title_words, 4.0);
        assert_eq!(f.boost_body, 0.5);
    }
}
