//! The word lists behind the extractor, kept as data files beside the code so
//! that a reviewer can read and extend them without reading Rust.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Non-comment, non-blank lines of a list file, lowercased.
fn lines(data: &'static str) -> HashSet<&'static str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

macro_rules! list {
    ($name:ident, $file:literal) => {
        pub(crate) fn $name() -> &'static HashSet<&'static str> {
            static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
            SET.get_or_init(|| lines(include_str!($file)))
        }
    };
}

list!(tlds, "tlds.txt");
list!(ext_tlds, "ext_tlds.txt");
list!(exclude_hosts, "exclude_hosts.txt");
list!(not_hosts, "not_hosts.txt");
list!(not_files, "not_files.txt");

/// Extensions that make a dotted word a file name worth hunting for:
/// executables, scripts, installers, archives and the document types used as
/// lures. Lowercase.
pub(crate) const FILE_EXTS: &[&str] = &[
    "exe", "dll", "sys", "scr", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf",
    "hta", "lnk", "msi", "msp", "jar", "apk", "ipa", "elf", "bin", "dat", "sh", "py", "pyc", "cpl",
    "ocx", "chm", "one", "doc", "docx", "docm", "dot", "dotm", "xls", "xlsx", "xlsm", "xlam",
    "ppt", "pptx", "pptm", "pdf", "rtf", "iso", "img", "vhd", "vhdx", "zip", "rar", "7z", "gz",
    "tgz", "cab", "dmg", "pkg", "deb", "rpm", "so", "dylib", "php", "jsp", "jspx", "asp", "aspx",
    "war",
];

/// Whether `host` is, or is under, a host that is never an indicator.
pub(crate) fn host_excluded(host: &str) -> bool {
    let set = exclude_hosts();
    let mut h = host;
    loop {
        if set.contains(h) {
            return true;
        }
        match h.find('.') {
            Some(i) => h = &h[i + 1..],
            None => return false,
        }
    }
}
