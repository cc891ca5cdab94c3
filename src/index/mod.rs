//! The index folder and everything in it: the schema, the integrity record,
//! the side files (vocabulary, path list, reprint groups), reading columns,
//! and the writer that fills it.

pub mod columns;
pub mod integrity;
pub mod layout;
pub mod paths;
pub mod permissions;
pub mod reprints;
pub mod schema;
pub(crate) mod sorted;
pub(crate) mod stored;
pub mod vocabulary;
pub mod writer;
