//! The reading commands: `show`, `search --open`, `search -C/-A/-B`. Environment variables
//! (`$PAGER`, `$EDITOR`, hyperlink support) are read here, as everywhere in
//! the command layer.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::{Command as Process, Stdio};

use crate::commands::cli::{SearchArgs, ShowArgs};
use crate::error::{Error, ExitCode, Outcome};
use crate::output::{self, Printer};
use crate::output::{context, show};
use crate::query;
use crate::search::{self, Results};

/// Lines before and after each matching line, when `-C/-A/-B` asks for
/// the context view; `-A`/`-B` override `-C` on their side, as in rg.
pub(super) fn context_wanted(args: &SearchArgs) -> Option<(usize, usize)> {
    if args.context.is_none() && args.after.is_none() && args.before.is_none() {
        return None;
    }
    let c = args.context.unwrap_or(0);
    Some((args.before.unwrap_or(c), args.after.unwrap_or(c)))
}

/// Prints the hits in the context view. A file gone since indexing shows
/// its header and no lines, not an error: the hit itself is still right;
/// one that changed type (a FIFO now) or became a link out of the roots
/// gets the note a snippet gets.
pub(super) fn print_context(
    p: &mut Printer,
    r: &Results,
    before: usize,
    after: usize,
) -> io::Result<()> {
    let groups: Vec<Vec<context::Group>> = r
        .hits
        .iter()
        .map(|h| {
            let path = Path::new(&h.path);
            match context::groups(path, &r.match_terms, before, after, &r.scope) {
                Ok(g) => g,
                Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                    Vec::new()
                }
                Err(Error::NotArticle { why, .. }) => {
                    output::messages::no_snippet(&h.path, &why);
                    Vec::new()
                }
                Err(e) => {
                    output::messages::no_snippet(&h.path, &e);
                    Vec::new()
                }
            }
        })
        .collect();
    p.context_hits(r, &groups)
}

/// A program from an environment variable, split into the program and its
/// arguments (`less -R`, `code --wait`); `None` when unset or blank.
fn program_from_env(names: &[&'static str]) -> Result<Option<Vec<String>>, Error> {
    for &name in names {
        if let Some(v) = super::env::env_var(name)? {
            let words: Vec<String> = v.split_whitespace().map(str::to_string).collect();
            if !words.is_empty() {
                return Ok(Some(words));
            }
        }
    }
    Ok(None)
}

/// `search --open N`: the N-th hit (1-based, after `--offset`) in
/// `$VISUAL`/`$EDITOR` (default `vi`) at the line of its first match.
pub(super) fn open_hit(dir: &Path, mut opts: search::Options, n: usize) -> Outcome {
    if n == 0 {
        return Err(Error::BadQuery("--open counts hits from 1".into()).into());
    }
    opts.limit = Some(n);
    let r = search::run(dir, &opts)?;
    let Some(hit) = r.hits.get(n - 1) else {
        crate::output::messages::note(format_args!(
            "--open {n}: the search has {} hit{}",
            r.hits.len(),
            if r.hits.len() == 1 { "" } else { "s" }
        ));
        return Ok(ExitCode::from_hits(false));
    };
    let path = Path::new(&hit.path);
    let line = context::first_match_line(path, &r.match_terms, &r.scope)?;
    let editor = program_from_env(&["VISUAL", "EDITOR"])?.unwrap_or_else(|| vec!["vi".into()]);
    let status = Process::new(&editor[0])
        .args(&editor[1..])
        .arg(format!("+{line}"))
        .arg(path)
        .status()
        .map_err(|source| Error::Spawn {
            what: "the editor",
            program: editor.join(" "),
            source,
        })?;
    Ok(if status.success() {
        ExitCode::Success
    } else {
        ExitCode::Error
    })
}

/// Whether the terminal shows OSC 8 hyperlinks: `FORCE_HYPERLINK=1/0`
/// decides, else the terminals known to (the list the `supports-hyperlinks`
/// crate keeps); an unknown terminal gets the plain URL, which it shows.
fn hyperlinks() -> Result<bool, Error> {
    if let Some(v) = super::env::env_var("FORCE_HYPERLINK")? {
        return Ok(v.trim() != "0" && !v.trim().is_empty());
    }
    let var = |n| super::env::env_var(n).ok().flatten().unwrap_or_default();
    let program = var("TERM_PROGRAM");
    let term = var("TERM");
    Ok(io::stdout().is_terminal()
        && (["iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper"].contains(&program.as_str())
            || var("VTE_VERSION").parse::<u32>().is_ok_and(|v| v >= 5000)
            || !var("WT_SESSION").is_empty()
            || !var("KONSOLE_VERSION").is_empty()
            || ["xterm-kitty", "alacritty", "foot", "xterm-ghostty"].contains(&term.as_str())))
}

/// Remembers a search's words and hits (see [`super::last`]) so that
/// `show` without `--query` marks them: search, then read a hit. A
/// convenience only, so a failure (no writable state folder) is ignored.
pub(super) fn remember_query(dir: &Path, words: &str, results: &Results) {
    if words.trim().is_empty() {
        return;
    }
    let hits: Vec<String> = results.hits.iter().map(|h| h.path.clone()).collect();
    let _ = super::last::save(dir, words, &hits);
}

/// The words `show` marks: `--query`, else those of the last search.
fn show_needles(args: &ShowArgs) -> Result<Vec<String>, Error> {
    let words = match &args.query {
        Some(q) => q.clone(),
        None => args
            .index
            .dir()
            .ok()
            .and_then(|d| super::last::load(&d))
            .map(|l| l.query)
            .unwrap_or_default(),
    };
    if words.trim().is_empty() {
        return Ok(Vec::new());
    }
    Ok(query::parse(&words)?.match_terms())
}

/// The file `show` reads: PATH, or for a number that names no file, that
/// hit of the last search.
fn show_path(args: &ShowArgs) -> Result<std::path::PathBuf, Error> {
    let arg = args.path.to_string_lossy();
    let n = match arg.parse::<usize>() {
        Ok(n) if !args.path.exists() => n,
        _ => return Ok(args.path.clone()),
    };
    let hits = args
        .index
        .dir()
        .ok()
        .and_then(|d| super::last::load(&d))
        .map(|l| l.hits)
        .unwrap_or_default();
    match n.checked_sub(1).and_then(|i| hits.get(i)) {
        Some(p) => Ok(p.into()),
        None if hits.is_empty() => Err(Error::Other(format!(
            "no file '{n}', and no hits of an earlier search to take hit {n} from: run `secsearch search WORDS` first"
        ))),
        None => Err(Error::Other(format!(
            "no file '{n}', and the last search showed hits 1 to {}",
            hits.len()
        ))),
    }
}

/// `secsearch show PATH [--query Q]`.
pub(super) fn show(args: ShowArgs) -> Outcome {
    let needles = show_needles(&args)?;
    let view = show::view(&show_path(&args)?, &needles)?;
    let color = output::use_color(args.color.choice());
    let text = output::render_article(&view, color, color && hyperlinks()?);
    let pager = if io::stdout().is_terminal() && !args.no_pager {
        program_from_env(&["PAGER"])?.or_else(|| Some(vec!["less".into(), "-R".into()]))
    } else {
        None
    };
    match pager {
        Some(p) => page(&p, &text)?,
        None => io::stdout().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::Success)
}

/// Sends `text` through the pager and waits for the reader to quit it.
fn page(pager: &[String], text: &str) -> Result<(), Error> {
    let spawn_err = |source| Error::Spawn {
        what: "the pager",
        program: pager.join(" "),
        source,
    };
    let mut child = Process::new(&pager[0])
        .args(&pager[1..])
        .stdin(Stdio::piped())
        .spawn()
        .map_err(spawn_err)?;
    if let Some(mut stdin) = child.stdin.take() {
        // The reader may quit before reading everything: not an error.
        match stdin.write_all(text.as_bytes()) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(spawn_err(e)),
            _ => {}
        }
    }
    child.wait().map_err(spawn_err)?;
    Ok(())
}
