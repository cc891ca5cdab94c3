//! Indicators of compromise: [`extract`] finds them in an article's visible
//! text at index time, [`terms`] writes them into the index, [`filter`]
//! answers typed query filters (`cve:`, `ip:` …), [`aggregate`] reads them
//! back per indicator or per article, and [`stix`] exports them.

mod aggregate;
mod article_file;
pub mod extract;
pub mod filter;
mod report;
pub mod roles;
pub mod stix;
pub mod terms;

pub use aggregate::{aggregate, articles, of_path, Article, Row};
pub use article_file::of_file;
pub use report::*;
pub use roles::{role, Role};
