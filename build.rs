//! Links the executables as position-dependent (non-PIE) on Linux.
//!
//! A search is a whole process, and at 10k articles most of its ~4 ms is
//! starting up. A PIE build carries ~24,000 relative relocations that the
//! dynamic loader applies at every start, touching (and copying) every page
//! of `.data.rel.ro`; a non-PIE executable has them resolved at link time.
//! Measured with `farm-bench --vs` on wechat-10k (see README, "Startup").
//! Only the final link changes: the code is compiled as before, so build
//! scripts and proc-macros are untouched (unlike `-C relocation-model`).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
