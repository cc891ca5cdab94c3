//! Index files readable as the user's umask says.
//!
//! tantivy writes `meta.json` and `.managed.json` atomically through a
//! temporary file, and temporary files are created 0600 whatever the umask:
//! an index built by one user and shared with others (a group-readable
//! archive, a service account) then told everyone else "the index is
//! damaged". Every other file tantivy and secsearch write is created with
//! the ordinary 0666 & !umask, so these two are set to that after each
//! commit.

use std::path::Path;

/// The files tantivy writes through a 0600 temporary file.
const ATOMIC_FILES: [&str; 2] = ["meta.json", ".managed.json"];

/// Gives tantivy's atomically written files the mode a plain file would
/// have had. Best effort: a file that cannot be changed keeps its mode.
pub fn honour_umask(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = 0o666 & !umask();
        for name in ATOMIC_FILES {
            let path = dir.join(name);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_file() && meta.permissions().mode() & 0o777 != mode {
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The process umask, read from `/proc/self/status` (Linux 4.7+), which
/// unlike `umask(2)` does not have to change it to read it (other threads
/// create files meanwhile); 022 when it cannot be read.
#[cfg(unix)]
pub fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_0600_meta_file_gets_the_umask_mode() {
        let dir = tempfile::tempdir().unwrap();
        let meta = dir.path().join("meta.json");
        std::fs::write(&meta, "{}").unwrap();
        std::fs::set_permissions(&meta, std::fs::Permissions::from_mode(0o600)).unwrap();
        super::honour_umask(dir.path());
        let mode = std::fs::metadata(&meta).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !super::umask());
        assert_ne!(mode, 0o600, "the test runs with a umask that is not 077");
    }
}
