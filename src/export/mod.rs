//! Hand the archive to a distributed engine: write what Quickwit or
//! OpenSearch needs to load it, instead of growing secsearch into a cluster.
//!
//! One export is one folder. For Quickwit it holds `index-config.yaml` (the
//! index) and `docs.ndjson` (one JSON document a line, the format of
//! `quickwit index ingest --input-path`); for OpenSearch `mapping.json` (the
//! body of `PUT /<index>`) and `bulk.ndjson` (the body of `POST /_bulk`). Both
//! get a `load.sh` with the exact commands. The target-specific text lives in
//! [`quickwit`] and [`opensearch`]; this module owns the folder, the streaming
//! and the rules that keep an export from clobbering anything.
//!
//! Documents are streamed: [`Exporter::write`] appends one line (or one
//! action/source pair) to the data file and forgets the document, so an
//! archive of tens of millions of articles needs no more memory than one.
//! [`run`] (in `archive`) feeds it every article of a secsearch index.

mod archive;
mod doc;
mod exporter;
mod opensearch;
mod quickwit;

pub use crate::error::ExportError;
pub use archive::{run, Options, Progress, Run, Silent};
pub use doc::ExportDoc;
pub use exporter::{Exporter, Summary, Target};
pub use quickwit::UNDATED as QUICKWIT_UNDATED;
