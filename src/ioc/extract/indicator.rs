//! What the extractor finds: an indicator's kind, its canonical value and
//! the span of what the reader saw.

use std::ops::Range;

/// What an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Ipv4,
    Ipv6,
    Domain,
    Url,
    Email,
    Md5,
    Sha1,
    Sha256,
    Cve,
    Cnvd,
    Cnnvd,
    /// ATT&CK technique or sub-technique id, `T1059` / `T1059.001`.
    Attack,
    /// A file name with an executable, script, archive or document extension.
    File,
}

impl Kind {
    /// The stable lowercase name used in JSON/CSV output (`"type"`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Domain => "domain",
            Kind::Url => "url",
            Kind::Email => "email",
            Kind::Md5 => "md5",
            Kind::Sha1 => "sha1",
            Kind::Sha256 => "sha256",
            Kind::Cve => "cve",
            Kind::Cnvd => "cnvd",
            Kind::Cnnvd => "cnnvd",
            Kind::Attack => "attack",
            Kind::File => "file",
        }
    }
}

/// One indicator in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    pub kind: Kind,
    /// Refanged and canonical: lowercase host, e-mail and hash, uppercase
    /// id prefixes, compressed IPv6; URL paths and file names as written.
    pub value: String,
    /// Byte range in the original text, defang markers included.
    pub span: Range<usize>,
}
