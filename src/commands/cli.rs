//! Command-line definitions (clap derive). Names are a contract with
//! users and scripts: extend, never rename.

use std::path::PathBuf;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::error::Error;
use crate::index::writer;
use crate::output::ColorChoice;
use crate::search::Sort;

#[derive(Debug, Parser)]
#[command(
    name = "secsearch",
    version,
    args_override_self = true,
    about = "Search a folder of security-event articles (Chinese and English) as exactly as grep, ranked, in milliseconds",
    after_help = "Examples:\n  secsearch index ~/articles\n  secsearch search 勒索软件 医院\n  secsearch search CVE-2024-3094 --json\n  secsearch stats"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct IndexArg {
    /// Index directory [default: the platform data dir, e.g. ~/.local/share/secsearch/index]
    #[arg(long, env = "SECSEARCH_INDEX", global = true)]
    pub index: Option<PathBuf>,
}

impl IndexArg {
    /// The index directory: `--index`, `SECSEARCH_INDEX`, or the platform
    /// data dir.
    pub fn dir(&self) -> Result<PathBuf, Error> {
        if let Some(p) = &self.index {
            return Ok(p.clone());
        }
        directories::ProjectDirs::from("", "", "secsearch")
            .map(|d| d.data_dir().join("index"))
            .ok_or_else(|| {
                Error::Other("no home directory to keep the index in; pass --index PATH".into())
            })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index (or update the index of) folders of article files
    #[command(
        after_help = "Examples:\n  secsearch index ~/articles                 # incremental: only changed files are read\n  secsearch index ~/wechat ~/cert-notices     # several roots in one index\n  secsearch index --rebuild ~/articles       # start from an empty index"
    )]
    Index(IndexArgs),
    /// Search the index
    #[command(
        visible_alias = "q",
        after_help = "Query language:\n  勒索软件 医院          both must occur (AND; `勒索软件 AND 医院` is the same)\n  \"remote code\"         a phrase (the exact string, spaces included)\n  -测试  NOT 测试        exclude (an ASCII word after -: `secsearch search 攻击 -- -log4j`)\n  LockBit OR BlackCat    either; also LockBit|BlackCat (every part a plain word)\n  (LockBit OR BlackCat) 医院   groups, nested as deep as needed: ((漏洞)) is 漏洞\n  title:漏洞 source:CNCERT body:sshd   restrict a term to a field; title:(漏洞 OR 勒索) a group\n  cve:CVE-2024-3094 ip:10.0.0.0/8 domain:example.com hash:<md5|sha1|sha256> email:a@b.c\n                         typed filters: the article's extracted indicators (see `iocs`)\n  link:github.com url:mp.weixin   the targets of the article's links; its own URL\nAND, OR and NOT are operators in capitals only: lower-case and/or/not are words. Every term\nmatches wherever that string occurs, case-insensitively, as `grep -F -i` would: terms are\nliteral, not regular expressions (log4.* is searched as written). Indicators are also refanged\n(evil.com finds evil[.]com; --exact: only grep's set). -w: a Latin word or identifier at a\nterm's ends must be whole (a Chinese character or any non-letter, non-digit is a boundary);\nin Chinese every character is a boundary, so Chinese terms match as without -w.\n-i, -F and -S are accepted and change nothing: matching is always caseless and literal.\n\nExamples:\n  secsearch search 勒索软件 医院\n  secsearch search CVE-2024-3094 --json\n  secsearch search APT29 --source 奇安信威胁情报中心 --since 2022-01-01 --sort date\n  secsearch search 漏洞 -c\n  secsearch search -w RCE -c                        # whole words: not source, RCEs\n  secsearch search -e log4j -e log4shell            # either pattern, as grep -e\n  secsearch search log4j -l -0 | xargs -0 wc -c     # paths safe with spaces\n  secsearch search --source 奇安信 --since 2024-01   # filters alone: by date\n  secsearch search CVE-2024-3094 -C 2                # matching lines with context\n  secsearch search 勒索软件 --open 1                  # the first hit in $EDITOR\n  secsearch show 1                                  # hit 1 of the last search"
    )]
    Search(SearchArgs),
    /// List the indicators (IPs, domains, URLs, hashes, CVEs, ...) of the matching articles
    #[command(
        after_help = "Without a query: every article. Typed filters work here as in `search`:\n  cve:CVE-2024-3094  ip:10.0.0.0/8  domain:example.com  hash:<md5|sha1|sha256>  email:a@b.c\nTypes for --type: ipv4, ipv6, domain, url, email, md5, sha1, sha256, cve, cnvd, cnnvd,\nattack, file, and the groups ip, hash, vuln.\n\nExamples:\n  secsearch iocs 勒索软件 --since 2024-01-01\n  secsearch iocs --type domain,ip --sort date -n 20\n  secsearch iocs APT29 --json | jq -r .value\n  secsearch iocs --source 奇安信威胁情报中心 --csv > iocs.csv\n  secsearch iocs Lazarus --stix lazarus.json      # STIX 2.1 bundle for OpenCTI/MISP\n  secsearch iocs --path article.md               # one article's indicators\nRoles: observable (act on it), reference (a source the article cites), benign\n(everybody's infrastructure, private ranges): from warning lists, at query time."
    )]
    Iocs(IocsArgs),
    /// Show an article as a reader sees it, matches highlighted
    #[command(
        after_help = "Examples:\n  secsearch show ~/articles/2024/some-article.md --query 勒索软件\n  secsearch search 勒索软件 医院 && secsearch show 2   # the second hit, its matches marked\n  secsearch show a.md --no-pager | less -R\nOn a terminal the article goes through $PAGER (default: less -R)."
    )]
    Show(ShowArgs),
    /// Show how text is segmented: the recall units and the jieba words
    #[command(
        after_help = "Examples:\n  secsearch tokenize 勒索软件攻击医院\n  secsearch tokenize 'APT29组织利用CVE-2024-3094'\n  secsearch tokenize 勒索軟體   # traditional folds to simplified"
    )]
    Tokenize {
        /// Text to analyze
        #[arg(required = true)]
        text: Vec<String>,
    },
    /// Show what the index holds
    #[command(after_help = "Examples:\n  secsearch stats\n  secsearch stats --json")]
    Stats {
        #[command(flatten)]
        index: IndexArg,
        /// One JSON object
        #[arg(long)]
        json: bool,
    },
    /// Serve a local search page and JSON API over the index
    #[command(
        after_help = "Examples:\n  secsearch serve                      # http://127.0.0.1:7700/\n  secsearch serve --port 0             # any free port (printed on stderr)\n  secsearch serve --bind 0.0.0.0       # reachable from other machines (warns)\n\nAPI: GET /api/search?q=&source=&since=&until=&sort=&limit=&offset=   /api/article?path=&q=   /api/stats"
    )]
    Serve(ServeArgs),
    /// Write the archive for Quickwit or OpenSearch: index config or mapping, NDJSON documents, load script
    #[command(
        after_help = "Every indexed article becomes one document: path, title, source, date, url, body (the visible\ntext, read from the article file) and indicators; its id is a hash of the file's content, so\nOpenSearch replaces documents when a re-export is loaded (Quickwit appends: clear the index first). DIR is created if missing;\nsecsearch refuses a folder holding files it did not write (an earlier export to the same engine\nis replaced). See docs/export.md for loading and searching.\n\nExamples:\n  secsearch export --to quickwit ~/export/qw && ~/export/qw/load.sh\n  secsearch export --to opensearch ~/export/os --index-name threat-intel\n  OPENSEARCH_URL=https://host:9200 ~/export/os/load.sh"
    )]
    Export(ExportArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  secsearch completions bash > ~/.local/share/bash-completion/completions/secsearch"
    )]
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff)
    #[command(after_help = "Example:\n  secsearch man > secsearch.1 && man ./secsearch.1")]
    Man,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folders to index (.md, .markdown, .txt; hidden folders are skipped,
    /// dot-named article files are not)
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexArg,
    /// Start from an empty index
    #[arg(long)]
    pub rebuild: bool,
    /// Follow symbolic links that lead out of the folders (by default they
    /// are skipped, with the reason, as ripgrep and fd do)
    #[arg(long)]
    pub follow: bool,
    /// Also walk hidden folders (.git, .obsidian, ...)
    #[arg(long)]
    pub hidden: bool,
    /// Exit with code 2 if any file was skipped
    #[arg(long)]
    pub strict: bool,
    /// Skip files larger than this many bytes (at most 1 GiB: a larger
    /// value, such as a "no limit" 18446744073709551615, is read as 1 GiB)
    #[arg(long, default_value_t = 32 * 1024 * 1024, value_name = "BYTES")]
    pub max_filesize: u64,
    /// Indexing threads [default: number of CPUs]
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Extra jieba dictionary (lines of `word [freq [tag]]`)
    #[arg(long, value_name = "FILE")]
    pub user_dict: Option<PathBuf>,
    /// No progress bar and no summary line
    #[arg(short, long)]
    pub quiet: bool,
}

/// Total indexing memory budget, shared by tantivy's threads. It also sets
/// how large the segments a merge reads are (what a thread holds when it
/// flushes), and so how many segments an archive ends in. Measured at a
/// million generated articles (bench/scale_gen.py), schema v8: 128 MB
/// peaked at 575 MB resident but left 25 segments of ~41k, and a search
/// opens every one (median of the dev-set classes 13–25 ms, startup 9.6
/// ms); 256 MB, merging 4 segments at a time (see
/// `writer::open::MERGE_SEGMENTS`), leaves ~17 (README "A million").
pub const INDEX_MEMORY: usize = 256 * 1024 * 1024;

/// The largest `--max-filesize`: an article is read whole into memory (and
/// parsed on every core at once), so a larger limit is no limit but a way
/// to run out of memory; a user's "no limit" is clamped to it, with a note.
pub const MAX_FILESIZE_CEILING: u64 = 1 << 30;

impl IndexArgs {
    /// The indexer's options: plain data, no clap types past this point.
    /// What comes from the environment (`commit_every_docs`) and the Ctrl-C
    /// flag are the command layer's to give.
    pub fn to_options(
        &self,
        commit_every_docs: Option<usize>,
        interrupt: Arc<AtomicBool>,
    ) -> Result<writer::Options, Error> {
        let threads = self
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
        Ok(writer::Options {
            roots: self.dirs.clone(),
            index_dir: self.index.dir()?,
            rebuild: self.rebuild,
            follow: self.follow,
            max_filesize: self.max_filesize.min(MAX_FILESIZE_CEILING),
            threads,
            memory: INDEX_MEMORY,
            user_dict: self.user_dict.clone(),
            commit_every_docs,
            interrupt,
            hidden: self.hidden,
        })
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Query terms (see the query language below); none with a filter
    /// (--source/--since/--until) lists the filtered articles by date
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub index: IndexArg,
    /// Number of hits to show; 0 = every hit [default: 10; every hit with -l]
    #[arg(short = 'n', long = "limit", value_name = "N")]
    pub limit: Option<usize>,
    /// Skip this many hits (paging)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Order of hits
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// JSON Lines: one object a hit
    #[arg(long, conflicts_with_all = ["files_with_matches", "count"])]
    pub json: bool,
    /// Print only the paths of matching files
    #[arg(short = 'l', long, conflicts_with = "count")]
    pub files_with_matches: bool,
    /// With -l: end each path with NUL instead of a newline (for `xargs -0`);
    /// paths are then printed exactly, not escaped
    #[arg(short = '0', long, requires = "files_with_matches")]
    pub null: bool,
    /// Print only the number of matching articles
    #[arg(short = 'c', long)]
    pub count: bool,
    /// Also show counts by source and by month
    #[arg(long)]
    pub facets: bool,
    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Snippet width in columns, at most 10000 [default: the terminal's; 100 when piped]
    #[arg(long, value_name = "N")]
    pub width: Option<usize>,
    /// Show each hit's matching lines with N lines of context (like rg -C)
    #[arg(short = 'C', long = "context", value_name = "N", conflicts_with_all = ["json", "files_with_matches", "count"])]
    pub context: Option<usize>,
    /// Show N lines after each matching line
    #[arg(short = 'A', long = "after-context", value_name = "N", conflicts_with_all = ["json", "files_with_matches", "count"])]
    pub after: Option<usize>,
    /// Show N lines before each matching line
    #[arg(short = 'B', long = "before-context", value_name = "N", conflicts_with_all = ["json", "files_with_matches", "count"])]
    pub before: Option<usize>,
    /// Open the N-th hit (1 = first) in $EDITOR at the line of its first match
    #[arg(long, value_name = "N", conflicts_with_all = ["json", "files_with_matches", "count"])]
    pub open: Option<usize>,
    /// Show every reprint of a story as its own hit (by default the same
    /// story reposted by several accounts is one hit, `+N reprints`)
    #[arg(long)]
    pub no_fold: bool,
    /// Exactly grep's set: no refang (by default `evil.com` also finds
    /// `evil[.]com`), synonym or alias expansion
    #[arg(long)]
    pub exact: bool,
    /// Whole words: a term's Latin letters and digits at either end must
    /// not continue in the text (`-w RCE` finds `RCE漏洞` and `（RCE）`, not
    /// `source` or `RCEs`). A Chinese character is always a word boundary:
    /// Chinese terms match as without -w
    #[arg(short = 'w', long)]
    pub word_regexp: bool,
    /// A search term (repeatable): each one is an alternative, as in grep
    /// and rg (`-e log4j -e log4shell`), taken literally, a leading `-` too;
    /// ANDed with any QUERY words
    #[arg(
        short = 'e',
        long = "regexp",
        value_name = "PATTERN",
        allow_hyphen_values = true
    )]
    pub patterns: Vec<String>,
    /// Accepted for grep's habit: matching is always case-insensitive
    #[arg(short = 'i', long)]
    pub ignore_case: bool,
    /// Accepted for grep's habit: every term is always a fixed string
    #[arg(short = 'F', long)]
    pub fixed_strings: bool,
    /// Accepted for rg's habit: matching is always case-insensitive
    #[arg(short = 'S', long)]
    pub smart_case: bool,
    /// Also search each word's synonyms and threat-actor aliases
    /// (index-schema/synonyms.txt: 海莲花 also finds OceanLotus, APT32), below
    /// the word itself; the default (--exact turns it off)
    #[arg(long, conflicts_with = "exact")]
    pub expand: bool,
    /// More synonym/alias groups (lines of `name | alias | …`); implies --expand
    #[arg(long, value_name = "FILE", conflicts_with = "exact")]
    pub synonyms: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Port to listen on (0: any free port)
    #[arg(long, default_value_t = 7700)]
    pub port: u16,
    /// Address to listen on; anything but loopback exposes the index to the network
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Search answers kept for repeated requests, dropped when the index
    /// changes; 0 also stops keeping article bodies for snippets, so every
    /// request is searched and read afresh
    /// (at most 100000; memory is bounded in bytes whatever N is)
    #[arg(long, value_name = "N", default_value_t = crate::serve::DEFAULT_CACHE_ENTRIES,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new()
              .range(0..=crate::serve::MAX_CACHE_ENTRIES as u64))]
    pub cache: usize,
    /// Also answer requests naming this host (a name this machine is
    /// reached by); loopback names and the address a client connected to
    /// are always allowed (repeatable)
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Seconds a client may take to send a request's headers, or stay idle
    /// on an open connection, before it is closed
    #[arg(long, value_name = "SECS", default_value_t = crate::serve::DEFAULT_TIMEOUT_SECS,
          value_parser = clap::builder::RangedU64ValueParser::<u64>::new().range(1..=3600))]
    pub timeout: u64,
}

/// The filters `search` and `iocs` share: one definition, one meaning.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only articles from sources whose name contains NAME, ignoring case
    /// (repeat or comma-separate for several)
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub source: Vec<String>,
    /// Only articles dated on or after DATE (YYYY-MM-DD; YYYY-MM or YYYY: its first day)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles dated on or before DATE (YYYY-MM-DD; YYYY-MM or YYYY: its last day)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

impl FilterArgs {
    /// Whether any filter is given (then a search without words is valid).
    pub fn any(&self) -> bool {
        !self.source.is_empty() || self.since.is_some() || self.until.is_some()
    }
}

#[derive(Debug, Args)]
pub struct IocsArgs {
    /// Query terms, as for `search` (none: every article)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub index: IndexArg,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Only indicators of these types (comma-separated, see below)
    #[arg(long = "type", value_delimiter = ',', value_name = "TYPE")]
    pub types: Vec<String>,
    /// Order: most articles first, or most recently mentioned first
    #[arg(long, value_enum, default_value_t = crate::ioc::Sort::Count)]
    pub sort: crate::ioc::Sort,
    /// Number of indicators to list; 0 = all [default: all]
    #[arg(short = 'n', long = "limit", value_name = "N")]
    pub limit: Option<usize>,
    /// JSON Lines: one object an indicator ("type", "value", "articles", "first", "last", "sources")
    #[arg(long, conflicts_with_all = ["csv", "stix"])]
    pub json: bool,
    /// CSV with a header line
    #[arg(long, conflicts_with = "stix")]
    pub csv: bool,
    /// Write a STIX 2.1 bundle to FILE (one report per article) instead of listing
    #[arg(long, value_name = "FILE")]
    pub stix: Option<PathBuf>,
    /// Only indicators of this role: observable (act on it), reference (a
    /// cited source), benign (everybody's infrastructure, private ranges)
    /// [default: observable with --stix, else all]
    #[arg(long, value_enum, value_name = "ROLE")]
    pub role: Option<crate::ioc::RoleFilter>,
    /// The indicators of this one article file (read now, no index needed)
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub path: Option<PathBuf>,
}

/// What `secsearch show` reads.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article file, or N: hit N (1 = first) of the last search
    #[arg(value_name = "PATH|N")]
    pub path: PathBuf,
    /// Highlight the matches of this query [default: the words of the last search]
    #[arg(long, short = 'q', value_name = "Q")]
    pub query: Option<String>,
    #[command(flatten)]
    pub index: IndexArg,
    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Never start $PAGER, even on a terminal
    #[arg(long)]
    pub no_pager: bool,
}

/// What `secsearch export` writes, and where.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The engine to write for
    #[arg(long = "to", value_enum, value_name = "ENGINE")]
    pub to: ExportTo,
    /// Folder to write into (created if missing; empty, or holding an earlier export to the same engine)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub index: IndexArg,
    /// Name of the index in Quickwit / OpenSearch (3-255 of a-z, 0-9, '-', '_'; a letter first)
    #[arg(long, value_name = "NAME", default_value = "secsearch")]
    pub index_name: String,
    /// No progress bar and no summary line
    #[arg(short, long)]
    pub quiet: bool,
    /// Exit with code 2 if any indexed article could not be exported
    #[arg(long)]
    pub strict: bool,
}

/// `--to`: clap's face of [`crate::export::Target`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportTo {
    Quickwit,
    Opensearch,
}

impl ExportTo {
    /// The export's own type. (A method, not `From`: an impl for a type of
    /// a lower module would make that module depend on this one.)
    pub fn target(self) -> crate::export::Target {
        match self {
            ExportTo::Quickwit => crate::export::Target::Quickwit,
            ExportTo::Opensearch => crate::export::Target::OpenSearch,
        }
    }
}

/// Lets `-term` exclusions be written without `--`, by a rule that cannot
/// swallow an option: after `search`/`q`, an argument that starts with `-`
/// and then an ASCII letter or digit is always an option (a mistyped one is
/// an error, see [`check_args`]); one that starts with `-` and then anything
/// else (`-测试`, `-"勒索 软件"`) is an excluded query word and is moved
/// behind a `--`, where clap takes it as a query word. `--` ends options:
/// `secsearch search 攻击 -- -log4j` excludes an ASCII word.
pub fn rewrite_args(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let Some(pos) = search_position(&args) else {
        return args;
    };
    let spec = SearchOptions::new();
    let mut head: Vec<std::ffi::OsString> = args[..=pos].to_vec();
    let mut tail = Vec::new();
    let mut rest = args[pos + 1..].iter();
    while let Some(a) = rest.next() {
        let s = a.to_string_lossy();
        if s == "--" {
            tail.extend(rest.cloned());
            break;
        }
        match classify(&s) {
            Arg::Exclusion => tail.push(a.clone()),
            Arg::Positional => head.push(a.clone()),
            Arg::Option => {
                head.push(a.clone());
                if spec.takes_separate_value(&s) {
                    if let Some(v) = rest.next() {
                        head.push(v.clone());
                    }
                }
            }
        }
    }
    if !tail.is_empty() {
        head.push("--".into());
        head.extend(tail);
    }
    head
}

/// Checks the options given to `search`/`q` before clap sees them, so that
/// an unknown or mistyped one is one line naming it and the flag meant,
/// never a query word or a wrong answer.
pub fn check_args(args: &[std::ffi::OsString]) -> Result<(), Error> {
    let Some(pos) = search_position(args) else {
        return Ok(());
    };
    let spec = SearchOptions::new();
    let mut rest = args[pos + 1..].iter();
    while let Some(a) = rest.next() {
        let s = a.to_string_lossy();
        if s == "--" {
            break;
        }
        if classify(&s) != Arg::Option {
            continue;
        }
        if let Some(hint) = spec.unknown(&s) {
            return Err(Error::BadOption {
                arg: s.split('=').next().unwrap_or(&s).to_string(),
                hint,
            });
        }
        if spec.takes_separate_value(&s) {
            rest.next();
        }
    }
    Ok(())
}

/// Where the `search`/`q` subcommand is: the first word that is neither an
/// option nor the value of `--index` (so a folder named `search` given to
/// `index` is not mistaken for it).
fn search_position(args: &[std::ffi::OsString]) -> Option<usize> {
    let mut i = 1;
    while let Some(a) = args.get(i) {
        if a == "--index" {
            i += 2;
            continue;
        }
        if !a.to_string_lossy().starts_with('-') {
            return (a == "search" || a == "q").then_some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<std::ffi::OsString> {
        s.iter().map(Into::into).collect()
    }

    #[test]
    fn exclusions_move_behind_double_dash_and_options_never_do() {
        let got = rewrite_args(args(&[
            "s", "search", "漏洞", "-测试", "--source", "-x", "-n", "5",
        ]));
        assert_eq!(
            got,
            args(&["s", "search", "漏洞", "--source", "-x", "-n", "5", "--", "-测试"])
        );
        let same = args(&["s", "index", "search", "-测试"]);
        assert_eq!(rewrite_args(same.clone()), same);
        assert!(check_args(&args(&["s", "--index", "i", "q", "a", "-v"])).is_err());
        assert!(check_args(&args(&["s", "--index", "i", "q", "a", "-i"])).is_ok());
        assert!(check_args(&args(&["s", "q", "a", "-lc0n5"])).is_ok());
        assert!(check_args(&args(&["s", "q", "a", "--", "-i"])).is_ok());
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Arg {
    Option,
    Exclusion,
    Positional,
}

fn classify(s: &str) -> Arg {
    let mut c = s.chars();
    if c.next() != Some('-') {
        return Arg::Positional;
    }
    // `-cve:CVE-…`, `-title:x`: an excluded field term, not an option.
    let field = s[1..].split_once(':').is_some_and(|(name, _)| {
        [
            "title", "body", "source", "url", "link", "cve", "ip", "domain", "hash", "email",
        ]
        .contains(&name.to_ascii_lowercase().as_str())
    });
    match c.next() {
        None => Arg::Positional,
        Some('-') => Arg::Option,
        _ if field => Arg::Exclusion,
        Some(x) if x.is_ascii_alphanumeric() => Arg::Option,
        Some(_) => Arg::Exclusion,
    }
}

/// The `search` command's options, read from its clap definition.
struct SearchOptions {
    /// (long name, takes a value)
    longs: Vec<(String, bool)>,
    shorts: Vec<(char, bool)>,
}

/// Options of grep and ripgrep a user may reach for that mean nothing
/// here, and what to use instead.
const HINTS: &[(&str, &str)] = &[
    ("-m", "did you mean -n/--limit?"),
    ("--max-count", "did you mean -n/--limit?"),
    ("--colour", "did you mean --color?"),
    ("--null-data", "did you mean -0/--null?"),
    ("-v", INVERT),
    ("--invert-match", INVERT),
    ("-o", ONLY),
    ("--only-matching", ONLY),
    ("-r", RECURSIVE),
    ("-R", RECURSIVE),
    ("--recursive", RECURSIVE),
    ("-t", TYPES),
    ("--type", TYPES),
    ("-T", TYPES),
    ("-g", TYPES),
    ("--glob", TYPES),
    ("-E", REGEX),
    ("-P", REGEX),
    ("--extended-regexp", REGEX),
    ("--perl-regexp", REGEX),
    ("-x", LINE),
    ("--line-regexp", LINE),
    ("-L", MISSING),
    ("--files-without-match", MISSING),
    ("-q", QUIET),
    ("--quiet", QUIET),
];

const INVERT: &str = "grep's inverted match has no meaning here (hits are articles, not lines); exclude a word with NOT word";
const ONLY: &str =
    "there is no only-matching output; hits show their matches highlighted, -C N the matching lines";
const RECURSIVE: &str =
    "a search always covers the whole index; add folders with `secsearch index DIR`";
const TYPES: &str =
    "there are no file types or globs here; narrow with --source, --since, --until or title:/body:";
const REGEX: &str =
    "terms are fixed strings, not regular expressions; write alternatives as a|b or a OR b";
const LINE: &str = "there is no whole-line match; use -w for whole words or \"…\" for a phrase";
const MISSING: &str = "to list articles without a word, search NOT word with -l";
const QUIET: &str = "use -c, or -l > /dev/null and the exit code (0 hit, 1 none)";

impl SearchOptions {
    fn new() -> SearchOptions {
        use clap::CommandFactory;
        let cmd = Cli::command();
        let mut longs = vec![("help".to_string(), false)];
        let mut shorts = vec![('h', false)];
        if let Some(sub) = cmd.find_subcommand("search") {
            for a in sub.get_arguments() {
                let takes = a.get_action().takes_values();
                if let Some(l) = a.get_long() {
                    longs.push((l.to_string(), takes));
                }
                if let Some(c) = a.get_short() {
                    shorts.push((c, takes));
                }
            }
        }
        SearchOptions { longs, shorts }
    }

    /// Whether option `s` (as written) takes its value from the next argument.
    fn takes_separate_value(&self, s: &str) -> bool {
        if let Some(long) = s.strip_prefix("--") {
            return !long.contains('=') && self.longs.iter().any(|(l, t)| l == long && *t);
        }
        // A cluster like `-lc` or `-n5`: the value is separate only when the
        // value-taking short is the last character.
        let chars: Vec<char> = s.chars().skip(1).collect();
        for (i, c) in chars.iter().enumerate() {
            match self.shorts.iter().find(|(x, _)| x == c) {
                Some((_, true)) => return i + 1 == chars.len(),
                Some(_) => continue,
                None => return false,
            }
        }
        false
    }

    /// `None` when `s` is a known option; otherwise the hint for the error.
    fn unknown(&self, s: &str) -> Option<String> {
        let name = s.split('=').next().unwrap_or(s);
        if let Some(long) = name.strip_prefix("--") {
            if self.longs.iter().any(|(l, _)| l == long) {
                return None;
            }
        } else {
            // A cluster (`-lc0`, `-n5`): known flags, possibly ending in
            // one that takes the rest as its value.
            for c in name.chars().skip(1) {
                match self.shorts.iter().find(|(x, _)| *x == c) {
                    Some((_, true)) => return None,
                    Some(_) => continue,
                    None => return Some(self.cluster_hint(name, c)),
                }
            }
            return None;
        }
        Some(self.hint(name))
    }

    /// The hint for cluster `name` whose flag `c` is unknown: the grep
    /// flag's own line when the cluster is flags (`-vl`), else the
    /// exclusion advice for a word (`-log4j`).
    fn cluster_hint(&self, name: &str, c: char) -> String {
        let known = |x: char| {
            self.shorts.iter().any(|(s, _)| *s == x)
                || HINTS.iter().any(|(o, _)| *o == format!("-{x}"))
        };
        if name.chars().skip(1).all(known) {
            return self.hint(&format!("-{c}"));
        }
        self.hint(name)
    }

    fn hint(&self, name: &str) -> String {
        if let Some((_, h)) = HINTS.iter().find(|(o, _)| *o == name) {
            return format!(": {h}");
        }
        if let Some(long) = name.strip_prefix("--") {
            let best = self
                .longs
                .iter()
                .map(|(l, _)| (strsim::levenshtein(l, long), l))
                .min();
            if let Some((d, l)) = best.filter(|(d, _)| *d <= 2) {
                let _ = d;
                return format!(": did you mean --{l}?");
            }
            return ": see `secsearch search --help`".into();
        }
        let word = &name[1..];
        format!(
            ": to exclude the word '{word}', write it after `--` (secsearch search QUERY -- -{word}) or inside a quoted query ('QUERY -{word}')"
        )
    }
}

/// `--sort`: clap's face of [`Sort`], so the core needs no clap types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortArg {
    Relevance,
    /// Newest first; undated articles last.
    Date,
    /// Oldest first; undated articles last.
    DateAsc,
}

impl SortArg {
    /// The search's own type (a method, not `From`, for the reason at
    /// [`ExportTo::target`]).
    pub fn sort(self) -> Sort {
        match self {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Date,
            SortArg::DateAsc => Sort::DateAsc,
        }
    }
}

/// `--color`: clap's face of [`ColorChoice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

impl ColorArg {
    /// The output's own type (a method, not `From`, for the reason at
    /// [`ExportTo::target`]).
    pub fn choice(self) -> ColorChoice {
        match self {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
    }
}
