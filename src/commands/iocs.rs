//! `secsearch iocs`: the indicators of the matching articles (or of one
//! file), listed or exported as STIX.

use super::cli::IocsArgs;
use super::index::index_dir;
use super::search::{filter_dates, synonyms};
use crate::error::{Error, ExitCode, Outcome};
use crate::index::schema;
use crate::output::messages;
use crate::output::outfile::OutFile;
use crate::output::Printer;
use crate::{query, search};

/// The kinds `--type` names (all kinds when none).
fn ioc_kinds(names: &[String]) -> Result<Vec<crate::ioc::extract::Kind>, Error> {
    let mut out = Vec::new();
    for n in names.iter().filter(|n| !n.trim().is_empty()) {
        let ks = crate::ioc::kinds_named(n)
            .ok_or_else(|| Error::BadIocType(n.clone(), crate::ioc::type_names()))?;
        out.extend(ks);
    }
    Ok(out)
}

/// `iocs --stix FILE`: `articles` as a STIX 2.1 bundle in FILE, the values
/// of `roles` as objects; exit code 1 when there was nothing to export (and
/// FILE is then left as it was). Written through [`OutFile`]: whole or not
/// at all, never through a link or into the index folder (`index`).
fn write_stix(
    file: &std::path::Path,
    index: Option<&std::path::Path>,
    articles: &[crate::ioc::Article],
    roles: &[crate::ioc::Role],
) -> Outcome {
    let plan = crate::ioc::stix_stream::Plan::new(articles, roles);
    if plan.reports() == 0 {
        messages::stix_not_written(file);
        return Ok(ExitCode::NoMatch);
    }
    let mut out = OutFile::create(file, index)?;
    // Made and written an object at a time (see `stix_stream`).
    plan.write(&mut out).map_err(|e| out.write_error(e))?;
    out.finish()?;
    messages::stix_written(file, plan.reports(), plan.objects());
    Ok(ExitCode::Success)
}

/// The roles `iocs` lists: `--role`, else observables for a STIX export
/// (what a platform acts on) and every role for a listing.
fn ioc_roles(args: &IocsArgs) -> &'static [crate::ioc::Role] {
    let default = if args.stix.is_some() {
        crate::ioc::RoleFilter::Observable
    } else {
        crate::ioc::RoleFilter::All
    };
    args.role.unwrap_or(default).roles()
}

pub(crate) fn iocs(args: IocsArgs) -> Outcome {
    let kinds = ioc_kinds(&args.types)?;
    let roles = ioc_roles(&args);
    if let Some(path) = &args.path {
        let (article, rows) = crate::ioc::of_file(path, &kinds)?;
        if let Some(file) = &args.stix {
            let index = index_dir(&args.index).ok();
            return write_stix(
                file,
                index.as_deref(),
                std::slice::from_ref(&article),
                roles,
            );
        }
        return print_iocs(&args, rows, roles);
    }
    let dir = index_dir(&args.index)?;
    let text = args.query.join(" ");
    let query = if text.trim().is_empty() {
        query::Query::default()
    } else {
        query::parse(&text)?
    };
    let (since, until) = filter_dates(&args.filters)?;
    let opts = search::Options {
        query,
        limit: None,
        offset: 0,
        sources: args.filters.source.clone(),
        sources_exact: false,
        since,
        until,
        sort: search::Sort::Relevance,
        facets: false,
        fold_duplicates: true,
        paths_only: false,
        synonyms: synonyms(false, None)?,
        exact: false,
    };
    let opened = schema::open(&dir)?;
    let reader = opened.reader()?;
    let searcher = reader.searcher();
    let docs = search::matching_docs(&dir, &opened, &searcher, &opts)?;
    if let Some(file) = &args.stix {
        let articles = crate::ioc::articles(&searcher, &opened.fields, &docs, &kinds)?;
        return write_stix(file, Some(&dir), &articles, roles);
    }
    let rows = crate::ioc::aggregate(&searcher, &docs, &kinds)?;
    print_iocs(&args, rows, roles)
}

/// Lists `rows` of `roles`, sorted and cut to `--limit`, in the chosen format.
fn print_iocs(
    args: &IocsArgs,
    mut rows: Vec<crate::ioc::Row>,
    roles: &[crate::ioc::Role],
) -> Outcome {
    rows.retain(|r| roles.contains(&r.role));
    crate::ioc::sort_rows(&mut rows, args.sort);
    if let Some(n) = args.limit.filter(|&n| n > 0) {
        rows.truncate(n);
    }
    let format = if args.json {
        crate::output::IocFormat::Json
    } else if args.csv {
        crate::output::IocFormat::Csv
    } else {
        crate::output::IocFormat::Text
    };
    let mut p = Printer::new(crate::output::ColorChoice::Never);
    p.iocs(&rows, format)?;
    p.flush()?;
    Ok(ExitCode::from_hits(!rows.is_empty()))
}
