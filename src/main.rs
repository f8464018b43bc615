//! The `launchcheck` binary: everything lives in the library; this only exits with its code.

fn main() {
    let code = launchcheck::cli::main();
    std::process::exit(code);
}
