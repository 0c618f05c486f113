//! `cargo run -p dlex-cu -- [--so PATH]`: measures every dlex instruction on the compiled
//! program, once per token program, prints the compute units and the largest transaction, and
//! exits with [`dlex_cu::EXIT_OVER_BUDGET`] when a figure breaks [`dlex_cu::BUDGETS`]. Without
//! a compiled program it says what builds one and exits with [`dlex_cu::EXIT_NO_PROGRAM`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use dlex_cu::{missing_program_message, sbf_toolchain_installed, CostTable, BUDGETS, EXIT_NO_PROGRAM, EXIT_OVER_BUDGET, FLAVORS};

/// Compute units of every dlex instruction on the compiled SBF program, checked against budgets.
#[derive(Parser)]
#[command(name = "dlex-cu")]
struct Args {
    /// The compiled program [default: $DLEX_SO, else the workspace's target/deploy/dlex.so].
    #[arg(long, value_name = "PATH")]
    so: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let so_path = args.so.or_else(|| std::env::var_os("DLEX_SO").map(PathBuf::from)).unwrap_or_else(dlex_cu::default_so_path);
    if !so_path.is_file() {
        eprintln!("{}", missing_program_message(&so_path, sbf_toolchain_installed()));
        return ExitCode::from(EXIT_NO_PROGRAM);
    }
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let mut tables: Vec<(&str, CostTable)> = Vec::new();
    for (label, flavor) in FLAVORS {
        match runtime.block_on(dlex_cu::measure(&so_path, flavor)) {
            Ok(table) => tables.push((label, table)),
            Err(error) => {
                eprintln!("dlex-cu: cannot read {}: {error}", so_path.display());
                return ExitCode::from(EXIT_NO_PROGRAM);
            }
        }
    }
    let columns: Vec<(&str, &CostTable)> = tables.iter().map(|(label, table)| (*label, table)).collect();
    println!("compute units of {} (the most one transaction of each instruction consumed):\n", so_path.display());
    print!("{}", dlex_cu::render(&columns, BUDGETS));
    let violations: Vec<String> =
        tables.iter().flat_map(|(label, table)| table.over_budget(BUDGETS).into_iter().map(move |v| format!("{label}: {v}"))).collect();
    if violations.is_empty() {
        println!("\nevery instruction is within its budget");
        return ExitCode::SUCCESS;
    }
    eprintln!("\ndlex-cu: {} budget(s) broken:", violations.len());
    for violation in violations {
        eprintln!("  {violation}");
    }
    ExitCode::from(EXIT_OVER_BUDGET)
}
