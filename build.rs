//! Opt-in: link the executables position-dependent (non-PIE) on Linux when
//! `SECSEARCH_NO_PIE=1` is set at build time.
//!
//! The default is a position-independent executable, so the loader can
//! randomise its address: secsearch parses files from anywhere and serves
//! HTTP. A search is a whole process, though, and a PIE build carries
//! ~24,000 relative relocations that the loader applies at every start
//! (~1 ms a search at 10k articles); a non-PIE link resolves them at link
//! time. Benchmarks that want that floor set the variable (bench/README.md).
//! Only the final link changes: build scripts and proc-macros are untouched.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SECSEARCH_NO_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let no_pie = std::env::var("SECSEARCH_NO_PIE").is_ok_and(|v| v == "1");
    if no_pie && os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
