use std::process::ExitCode;

fn main() -> ExitCode {
    headway::cli::main()
}
