//! Environment variables: read here and nowhere deeper.

use crate::error::Error;
use crate::index::schema;

/// An environment variable's value, `None` when unset; a value that is not
/// Unicode is an error rather than "unset".
pub(super) fn env_var(name: &'static str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(v)) => Err(Error::BadEnv {
            name,
            value: v.to_string_lossy().into_owned(),
            expected: "not Unicode",
        }),
    }
}

/// `SECSEARCH_BOOSTS="title_words=4,body=0.5"`: query-time boosts for
/// ranking experiments (see `schema::Boosts`).
pub(super) fn boosts_from_env() -> Result<schema::Boosts, Error> {
    const NAME: &str = "SECSEARCH_BOOSTS";
    let Some(v) = env_var(NAME)? else {
        return Ok(schema::Boosts::default());
    };
    schema::Boosts::parse(&v).ok_or(Error::BadEnv {
        name: NAME,
        value: v,
        expected: "expected FIELD=NUMBER,... with fields of the index schema",
    })
}

/// `SECSEARCH_COMMIT_EVERY=N`: tests commit every N files, so that a kill
/// lands between many commits and merges.
pub(super) fn commit_every_from_env() -> Result<Option<usize>, Error> {
    const NAME: &str = "SECSEARCH_COMMIT_EVERY";
    let Some(v) = env_var(NAME)? else {
        return Ok(None);
    };
    v.trim().parse().map(Some).map_err(|_| Error::BadEnv {
        name: NAME,
        value: v,
        expected: "expected a number of files",
    })
}
