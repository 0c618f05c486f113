//! `dlex`: the command line of dlex.
//!
//! `dlex demo` is the main job: it runs a whole pool on an in-process bank (no validator) and
//! prints what happened. Everything it computes off-chain comes from the program crate itself.

mod demo;

const USAGE: &str = "\
dlex — one Solana pool that is both an exchange and a money market

USAGE:
    dlex demo            run a full scenario on an in-process bank and print a report
    dlex help            show this message
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("demo") => {
            let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
            if let Err(error) = runtime.block_on(demo::run()) {
                eprintln!("demo failed: {error}");
                std::process::exit(1);
            }
        }
        None | Some("help") | Some("--help") | Some("-h") => print!("{USAGE}"),
        Some(other) => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            std::process::exit(2);
        }
    }
}
