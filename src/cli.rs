//! Command-line definitions (clap derive). Names follow DESIGN.md's
//! contract: extend, never rename.

use std::path::PathBuf;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::error::Error;
use crate::indexer;
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
        after_help = "Query language:\n  勒索软件 医院          both must occur (AND)\n  \"remote code\"         a phrase (the exact string, spaces included)\n  -测试                  exclude\n  LockBit OR BlackCat    either\n  title:漏洞 source:CNCERT body:sshd   restrict a term to a field\n  cve:CVE-2024-3094 ip:10.0.0.0/8 domain:example.com hash:<md5|sha1|sha256> email:a@b.c\n                         typed filters: the article's extracted indicators (see `iocs`)\nEvery term matches wherever that string occurs, case-insensitively, as `grep -F -i` would.\n\nExamples:\n  secsearch search 勒索软件 医院\n  secsearch search CVE-2024-3094 --json\n  secsearch search APT29 --source 奇安信威胁情报中心 --since 2022-01-01 --sort date\n  secsearch search 漏洞 -c\n  secsearch search log4j -l | xargs wc -c"
    )]
    Search(SearchArgs),
    /// List the indicators (IPs, domains, URLs, hashes, CVEs, ...) of the matching articles
    #[command(
        after_help = "Without a query: every article. Typed filters work here as in `search`:\n  cve:CVE-2024-3094  ip:10.0.0.0/8  domain:example.com  hash:<md5|sha1|sha256>  email:a@b.c\nTypes for --type: ipv4, ipv6, domain, url, email, md5, sha1, sha256, cve, cnvd, cnnvd,\nattack, file, and the groups ip, hash, vuln.\n\nExamples:\n  secsearch iocs 勒索软件 --since 2024-01-01\n  secsearch iocs --type domain,ip --sort date -n 20\n  secsearch iocs APT29 --json | jq -r .value\n  secsearch iocs --source 奇安信威胁情报中心 --csv > iocs.csv\n  secsearch iocs Lazarus --stix lazarus.json      # STIX 2.1 bundle for OpenCTI/MISP"
    )]
    Iocs(IocsArgs),
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
    /// Folders to index (.md, .markdown, .txt; hidden folders are skipped)
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexArg,
    /// Start from an empty index
    #[arg(long)]
    pub rebuild: bool,
    /// Exit with code 2 if any file was skipped
    #[arg(long)]
    pub strict: bool,
    /// Skip files larger than this many bytes
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

/// Total indexing memory budget, shared by tantivy's threads.
const INDEX_MEMORY: usize = 256 * 1024 * 1024;

impl IndexArgs {
    /// The indexer's options: plain data, no clap types past this point.
    /// What comes from the environment (`commit_every_docs`) and the Ctrl-C
    /// flag are the command layer's to give.
    pub fn to_options(
        &self,
        commit_every_docs: Option<usize>,
        interrupt: Arc<AtomicBool>,
    ) -> Result<indexer::Options, Error> {
        let threads = self
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
        Ok(indexer::Options {
            roots: self.dirs.clone(),
            index_dir: self.index.dir()?,
            rebuild: self.rebuild,
            max_filesize: self.max_filesize,
            threads,
            memory: INDEX_MEMORY,
            user_dict: self.user_dict.clone(),
            commit_every_docs,
            interrupt,
        })
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Query terms (see the query language below)
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub index: IndexArg,
    /// Number of hits to show; 0 = every hit [default: 10; every hit with -l]
    #[arg(short = 'n', long = "limit", value_name = "N")]
    pub limit: Option<usize>,
    /// Skip this many hits (paging)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    /// Only articles from this source (repeat or comma-separate for several)
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub source: Vec<String>,
    /// Only articles dated on or after DATE (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles dated on or before DATE (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Order of hits
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    pub sort: Sort,
    /// JSON Lines: one object a hit
    #[arg(long, conflicts_with_all = ["files_with_matches", "count"])]
    pub json: bool,
    /// Print only the paths of matching files
    #[arg(short = 'l', long, conflicts_with = "count")]
    pub files_with_matches: bool,
    /// Print only the number of matching articles
    #[arg(short = 'c', long)]
    pub count: bool,
    /// Also show counts by source and by month
    #[arg(long)]
    pub facets: bool,
    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct IocsArgs {
    /// Query terms, as for `search` (none: every article)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub index: IndexArg,
    /// Only articles from this source (repeat or comma-separate for several)
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub source: Vec<String>,
    /// Only articles dated on or after DATE (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles dated on or before DATE (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only indicators of these types (comma-separated, see below)
    #[arg(long = "type", value_delimiter = ',', value_name = "TYPE")]
    pub types: Vec<String>,
    /// Order: most articles first, or most recently mentioned first
    #[arg(long, value_enum, default_value_t = crate::iocs::Sort::Count)]
    pub sort: crate::iocs::Sort,
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
}

/// Lets `-term` exclusions be written without `--`: after `search`/`q`, an
/// argument that starts with `-` but is not one of the command's options is
/// moved behind a `--`, where clap takes it as a query word.
pub fn rewrite_args(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let Some(pos) = args
        .iter()
        .position(|a| a == "search" || a == "q" || a == "iocs")
    else {
        return args;
    };
    let name = if args[pos] == "iocs" {
        "iocs"
    } else {
        "search"
    };
    let Some(sub) = cmd.find_subcommand(name) else {
        return args;
    };
    let longs: Vec<String> = sub
        .get_arguments()
        .filter_map(|a| a.get_long().map(str::to_string))
        .chain(["help".to_string()])
        .collect();
    let shorts: Vec<char> = sub
        .get_arguments()
        .filter_map(|a| a.get_short())
        .chain(['h'])
        .collect();
    let mut head: Vec<std::ffi::OsString> = args[..=pos].to_vec();
    let mut tail = Vec::new();
    let mut rest = args[pos + 1..].iter();
    while let Some(a) = rest.next() {
        let Some(s) = a.to_str() else {
            head.push(a.clone());
            continue;
        };
        if s == "--" {
            tail.extend(rest.cloned());
            break;
        }
        let known = if let Some(long) = s.strip_prefix("--") {
            long.is_empty()
                || longs
                    .iter()
                    .any(|l| l == long.split('=').next().unwrap_or(""))
        } else if let Some(short) = s.strip_prefix('-') {
            // `-cve:CVE-…` excludes a typed filter: no option holds a colon.
            !short.contains(':') && short.chars().next().is_none_or(|c| shorts.contains(&c))
        } else {
            true
        };
        if known {
            head.push(a.clone());
        } else {
            tail.push(a.clone());
        }
    }
    if !tail.is_empty() {
        head.push("--".into());
        head.extend(tail);
    }
    head
}
