//! Entry point: hand the command line to the command layer.

fn main() -> std::process::ExitCode {
    secsearch::commands::main(std::env::args_os().collect()).into()
}
