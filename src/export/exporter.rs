//! Writing an export: the target engine, the output folder (refused when
//! it holds files secsearch did not write), and the data file streamed one
//! document at a time.

use std::fs::{self, File};

use super::doc::ExportDoc;
use super::{opensearch, quickwit};
use crate::error::ExportError;
use std::io::{self, BufWriter};

use std::path::{Path, PathBuf};

/// The engine an export is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Quickwit,
    OpenSearch,
}

impl Target {
    /// The name used on the command line (`--to quickwit|opensearch`).
    pub fn name(self) -> &'static str {
        match self {
            Target::Quickwit => "quickwit",
            Target::OpenSearch => "opensearch",
        }
    }

    /// Index config / mapping file name, data file name.
    fn file_names(self) -> (&'static str, &'static str) {
        match self {
            Target::Quickwit => (quickwit::CONFIG_FILE, quickwit::DATA_FILE),
            Target::OpenSearch => (opensearch::MAPPING_FILE, opensearch::DATA_FILE),
        }
    }
}

impl std::str::FromStr for Target {
    type Err = ExportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "quickwit" => Ok(Target::Quickwit),
            "opensearch" => Ok(Target::OpenSearch),
            _ => Err(ExportError::UnknownTarget(s.to_string())),
        }
    }
}

/// What an export wrote, for the command's summary line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub target: Target,
    pub dir: PathBuf,
    pub documents: u64,
    /// Size of the data file (`docs.ndjson` / `bulk.ndjson`) in bytes.
    pub data_bytes: u64,
    /// The export's files: config (or mapping), data, load script.
    pub files: Vec<PathBuf>,
}

/// Left in every export folder so that a later export may overwrite the
/// files this one wrote — and only those (see [`check_dir`]).
const MARKER_FILE: &str = ".secsearch-export";
/// The load commands, next to the data they load.
const LOAD_SCRIPT: &str = "load.sh";
/// The data file is written under this suffix and renamed by
/// [`Exporter::finish`], so a crashed export never looks complete.
const PARTIAL_SUFFIX: &str = ".partial";

/// Writes one export folder, one document at a time.
pub struct Exporter {
    target: Target,
    dir: PathBuf,
    index_name: String,
    data: BufWriter<File>,
    partial_path: PathBuf,
    documents: u64,
}

impl Exporter {
    /// Prepare `out_dir` (created if missing) for an export of `target`.
    ///
    /// Refuses a folder that holds anything but the files of an earlier
    /// export to the same target: an export must never overwrite a file it
    /// did not create.
    pub fn create(target: Target, out_dir: &Path, index_name: &str) -> Result<Self, ExportError> {
        check_index_name(index_name)?;
        fs::create_dir_all(out_dir).map_err(io_err("create folder", out_dir))?;
        check_dir(target, out_dir)?;
        let marker = out_dir.join(MARKER_FILE);
        fs::write(&marker, format!("{}\n", target.name())).map_err(io_err("write", &marker))?;
        let partial_path = out_dir.join(format!("{}{PARTIAL_SUFFIX}", target.file_names().1));
        let file = File::create(&partial_path).map_err(io_err("create", &partial_path))?;
        Ok(Exporter {
            target,
            dir: out_dir.to_path_buf(),
            index_name: index_name.to_string(),
            data: BufWriter::with_capacity(1 << 20, file),
            partial_path,
            documents: 0,
        })
    }

    /// Append one document to the data file.
    pub fn write(&mut self, doc: &ExportDoc) -> Result<(), ExportError> {
        check_id(doc)?;
        let written = match self.target {
            Target::Quickwit => quickwit::write_doc(&mut self.data, doc),
            Target::OpenSearch => opensearch::write_doc(&mut self.data, &self.index_name, doc),
        };
        written.map_err(|source| match source.io_error_kind() {
            Some(kind) => ExportError::Io {
                action: "write",
                path: self.partial_path.clone(),
                source: io::Error::new(kind, source),
            },
            None => ExportError::Json {
                path: self.partial_path.clone(),
                source,
            },
        })?;
        self.documents += 1;
        Ok(())
    }

    /// Flush the data, write the config and the load script, and put the
    /// data file in place. Until this returns, the export is incomplete.
    pub fn finish(self) -> Result<Summary, ExportError> {
        let Exporter {
            target,
            dir,
            index_name,
            data,
            partial_path,
            documents,
        } = self;
        let file = data
            .into_inner()
            .map_err(|e| io_err("write", &partial_path)(e.into_error()))?;
        file.sync_all().map_err(io_err("write", &partial_path))?;
        drop(file);
        let (config_name, data_name) = target.file_names();
        let (config_text, script_text) = match target {
            Target::Quickwit => (
                quickwit::index_config(&index_name),
                quickwit::load_script(&index_name),
            ),
            Target::OpenSearch => (opensearch::mapping(), opensearch::load_script(&index_name)),
        };
        let config = dir.join(config_name);
        fs::write(&config, config_text).map_err(io_err("write", &config))?;
        let script = dir.join(LOAD_SCRIPT);
        fs::write(&script, script_text).map_err(io_err("write", &script))?;
        make_executable(&script)?;
        let data_path = dir.join(data_name);
        fs::rename(&partial_path, &data_path).map_err(io_err("rename", &partial_path))?;
        let data_bytes = fs::metadata(&data_path)
            .map_err(io_err("read", &data_path))?
            .len();
        Ok(Summary {
            target,
            dir,
            documents,
            data_bytes,
            files: vec![config, data_path, script],
        })
    }
}

/// Quickwit index ids and OpenSearch index names have different rules; this
/// accepts only names valid for both, which also keeps them safe to paste
/// unquoted into YAML, URLs and shell commands.
/// Quickwit: "uppercase or lowercase ASCII letters, digits, hyphens (`-`), and
/// underscores (`_`) ... start with a letter ... at least 3 characters but no
/// more than 255" (docs/configuration/index-config.md, "Index ID").
/// OpenSearch: lowercase only, no leading `-`/`_`/`+`, at most 255 bytes.
fn check_index_name(name: &str) -> Result<(), ExportError> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok =
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if first_ok && rest_ok && (3..=255).contains(&name.len()) {
        Ok(())
    } else {
        Err(ExportError::BadIndexName(name.to_string()))
    }
}

/// OpenSearch rejects an `_id` over 512 bytes ("Beginning in OpenSearch 2.9
/// ... the document _id must be 512 bytes or less", Bulk API docs); hex only
/// keeps it free of anything that needs escaping in a URL.
fn check_id(doc: &ExportDoc) -> Result<(), ExportError> {
    let ok =
        !doc.id.is_empty() && doc.id.len() <= 512 && doc.id.bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(ExportError::BadId {
            id: doc.id.clone(),
            path: doc.path.clone(),
        })
    }
}

/// The folder may hold only what an earlier export to the same target wrote,
/// and only if that export left its marker naming this target.
fn check_dir(target: Target, dir: &Path) -> Result<(), ExportError> {
    let marker_target = fs::read_to_string(dir.join(MARKER_FILE)).ok();
    let marker_target = marker_target.as_deref().map(str::trim);
    if let Some(other) = marker_target.filter(|t| *t != target.name()) {
        if other.parse::<Target>().is_ok() {
            return Err(ExportError::OtherTarget {
                target: target.name(),
                dir: dir.to_path_buf(),
                other: other.to_string(),
            });
        }
    }
    let ours = marker_target == Some(target.name());
    let (config_name, data_name) = target.file_names();
    let partial_name = format!("{data_name}{PARTIAL_SUFFIX}");
    let known = [
        MARKER_FILE,
        config_name,
        data_name,
        LOAD_SCRIPT,
        &partial_name,
    ];
    let entries = fs::read_dir(dir).map_err(io_err("read folder", dir))?;
    for entry in entries {
        let entry = entry.map_err(io_err("read folder", dir))?;
        let name = entry.file_name();
        let is_known = name.to_str().is_some_and(|n| known.contains(&n));
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !(ours && is_known && is_file) {
            return Err(ExportError::ForeignFile {
                dir: dir.to_path_buf(),
                file: entry.path(),
            });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), ExportError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).map_err(io_err("chmod", path))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), ExportError> {
    Ok(())
}

/// `map_err` helper: an I/O error on `path` while doing `action`.
fn io_err(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> ExportError {
    let path = path.to_path_buf();
    move |source| ExportError::Io {
        action,
        path,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str) -> ExportDoc {
        ExportDoc {
            id: id.into(),
            path: "a.md".into(),
            title: "t".into(),
            source: "s".into(),
            date: None,
            url: String::new(),
            body: "b".into(),
            indicators: vec![],
        }
    }

    #[test]
    fn index_names_valid_for_both_engines() {
        for ok in ["secsearch", "sec-search_2024", "abc"] {
            assert!(check_index_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "ab",
            "Secsearch",
            "_x",
            "-x",
            "1abc",
            "a b",
            "a/b",
            "a:b",
            "索引",
        ] {
            assert!(check_index_name(bad).is_err(), "{bad}");
        }
        assert!(check_index_name(&"a".repeat(256)).is_err());
    }

    #[test]
    fn ids_must_be_hex_and_short() {
        assert!(check_id(&doc("00ff")).is_ok());
        assert!(check_id(&doc("")).is_err());
        assert!(check_id(&doc("xyz")).is_err());
        assert!(check_id(&doc(&"a".repeat(513))).is_err());
    }

    #[test]
    fn content_id_is_deterministic_and_content_sensitive() {
        let a = ExportDoc::content_id("勒索软件".as_bytes());
        assert_eq!(a, ExportDoc::content_id("勒索软件".as_bytes()));
        assert_ne!(a, ExportDoc::content_id("勒索软体".as_bytes()));
        assert_eq!(a.len(), 32);
        assert!(check_id(&doc(&a)).is_ok());
    }

    #[test]
    fn target_parses_from_cli_names() {
        assert_eq!("quickwit".parse::<Target>().ok(), Some(Target::Quickwit));
        assert_eq!(
            "OpenSearch".parse::<Target>().ok(),
            Some(Target::OpenSearch)
        );
        assert!("elastic".parse::<Target>().is_err());
    }
}
