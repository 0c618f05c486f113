//! dlex-cu: the compute units each dlex instruction costs when it runs as the compiled SBF
//! program, checked against budgets (issue 9 §5).
//!
//! [`measure`] loads `dlex.so` into an in-process bank ([`Bank::start_from_so`]), runs
//! [`scene::run`], which sends every instruction through real transactions while the bank
//! records what each one cost ([`Bank::record_costs`]), and groups the costs by instruction
//! ([`CostTable::tabulate`], names from the checked-in IDL). The binary does it once per token
//! program, prints the table ([`render`]) and fails when a figure breaks [`BUDGETS`].
//!
//! The measuring code knows nothing of dlex: its tests measure the SPL Token program, which
//! the bank always runs as SBF, so it is tested on machines without the SBF toolchain.

pub mod scene;
mod table;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anchor_lang::prelude::Pubkey;
use dlex_sdk::bank::Bank;
use dlex_tests::Flavor;

pub use table::{render, thousands, BudgetViolation, CostTable, InstructionCost};

/// The most compute units one transaction of the instruction may consume; the other
/// instructions are reported without a budget.
pub const BUDGETS: &[(&str, u64)] = &[("swap_exact_in", 25_000), ("swap_exact_out", 25_000), ("borrow", 50_000), ("liquidate", 90_000)];

/// Exit code when a budget is broken.
pub const EXIT_OVER_BUDGET: u8 = 1;
/// Exit code when there is no compiled program to measure (2 is clap's, for bad arguments).
pub const EXIT_NO_PROGRAM: u8 = 3;

/// The command that builds `dlex.so` without Anchor's CLI.
pub const BUILD_SBF_COMMAND: &str = "cargo build-sbf --manifest-path programs/dlex/Cargo.toml";

/// The token programs the scene runs under, with their column labels.
pub const FLAVORS: [(&str, Flavor); 2] = [("SPL Token", Flavor::SplToken), ("Token-2022", Flavor::Token2022)];

/// Where `anchor build` and `cargo build-sbf` write the program: the workspace's
/// `target/deploy/dlex.so`.
pub fn default_so_path() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("tools/cu is two levels below the workspace");
    workspace.join("target/deploy/dlex.so")
}

/// Whether `cargo build-sbf` (the Solana platform tools' cargo subcommand) is on the PATH.
pub fn sbf_toolchain_installed() -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("cargo-build-sbf").is_file()))
}

/// What the binary says when there is no program at `so_path`: why (the toolchain is missing,
/// or the program was not built) and the command that builds it.
pub fn missing_program_message(so_path: &Path, toolchain_installed: bool) -> String {
    let why = if toolchain_installed {
        "the program has not been built".to_string()
    } else {
        "the Solana SBF toolchain (cargo build-sbf, platform-tools) is missing on this machine, so the program cannot be built here".to_string()
    };
    format!(
        "dlex-cu: no compiled program at {}: {why}.\n\
         Compute units are measured on the SBF program only (natively, dlex's own work is not metered).\n\
         Build it with `anchor build` (or `{BUILD_SBF_COMMAND}`) on a machine with the Solana toolchain,\n\
         then run `cargo run -p dlex-cu` again (`--so <path>` or DLEX_SO=<path> measures another build).",
        so_path.display()
    )
}

/// The dlex instruction `data` sends when `program` is dlex.
pub fn dlex_instruction_name(program: &Pubkey, data: &[u8]) -> Option<String> {
    if *program != dlex::ID {
        return None;
    }
    idl_instructions().iter().find(|(discriminator, _)| data.starts_with(discriminator)).map(|(_, name)| name.clone())
}

/// Every dlex instruction's name.
pub fn dlex_instruction_names() -> Vec<String> {
    idl_instructions().iter().map(|(_, name)| name.clone()).collect()
}

/// `(discriminator, name)` of every instruction in the checked-in IDL (`app-idl/dlex.json`,
/// which CI keeps fresh).
fn idl_instructions() -> &'static [(Vec<u8>, String)] {
    static INSTRUCTIONS: OnceLock<Vec<(Vec<u8>, String)>> = OnceLock::new();
    INSTRUCTIONS.get_or_init(|| {
        let idl: serde_json::Value = serde_json::from_str(include_str!("../../../app-idl/dlex.json")).expect("the IDL is JSON");
        let instructions = idl["instructions"].as_array().expect("the IDL lists instructions");
        let entry = |instruction: &serde_json::Value| {
            let discriminator = serde_json::from_value(instruction["discriminator"].clone()).expect("a discriminator");
            (discriminator, instruction["name"].as_str().expect("a name").to_string())
        };
        instructions.iter().map(entry).collect()
    })
}

/// Runs the scene under `flavor` on the program at `so_path` and tabulates what each dlex
/// instruction cost.
pub async fn measure(so_path: &Path, flavor: Flavor) -> std::io::Result<CostTable> {
    let bank = Bank::start_from_so(so_path).await?;
    let costs = scene::run(bank, flavor).await;
    Ok(CostTable::tabulate(&costs, dlex_instruction_name))
}
