//! The `amplify` binary: everything is in the library's [`amplify::cli_main`].

fn main() -> std::process::ExitCode {
    amplify::cli_main()
}
