//! `cargo run -p dlex-idl-gen` writes `app-idl/dlex.json`; with `--check` it only verifies the
//! checked-in file matches the program (CI runs this). It uses Anchor's `idl-build` route on
//! the host, so neither the SBF toolchain nor anchor-cli is needed.
//!
//! The IDL build compiles the program's tests with `RUSTFLAGS=-A warnings`; it gets its own
//! target directory so it never invalidates the main build's artifacts.
//!
//! Anchor's IDL leaves out what clients need to resolve accounts on their own, so the IDL is
//! completed here (see [`complete`]): the event-CPI accounts get their seeds and address, and
//! the accounts no instruction names (tranches, saturation indices) are added.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anchor_lang_idl::types::{
    Idl, IdlAccount, IdlInstructionAccount, IdlInstructionAccountItem, IdlPda, IdlSeed, IdlSeedConst, IdlTypeDef,
};

/// Seed of Anchor's event-CPI authority PDA (`#[event_cpi]`).
const EVENT_AUTHORITY_SEED: &[u8] = b"__event_authority";
/// The program test that prints the accounts no instruction names (`programs/dlex/src/state/mod.rs`).
const EXTRA_ACCOUNTS_TEST: &str = "dlex_idl_extra_accounts";

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    // anchor-lang-idl 0.1.4 passes the literal `+{toolchain}` to cargo when RUSTUP_TOOLCHAIN is
    // set (cargo sets it for `cargo run`); the toolchain is already the active one, so drop it.
    std::env::remove_var("RUSTUP_TOOLCHAIN");
    // `cargo run` sets the manifest directory at run time too; prefer it, since a binary
    // reused from a shared target directory may have been built in another checkout.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
    let root = PathBuf::from(manifest_dir).join("../..");
    let root = root.canonicalize().expect("workspace root");
    let program = root.join("programs/dlex");
    let out_path = root.join("app-idl/dlex.json");
    let target_dir = root.join("target/idl");

    let idl = match anchor_lang_idl::build::IdlBuilder::new()
        .program_path(program.clone())
        .cargo_args(vec!["--target-dir".into(), target_dir.display().to_string()])
        .build()
    {
        Ok(idl) => idl,
        Err(error) => {
            eprintln!("IDL build failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    let extra = match extra_accounts(&program, &target_dir) {
        Ok(extra) => extra,
        Err(error) => {
            eprintln!("IDL build failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    let idl = complete(idl, extra);
    let mut json = serde_json::to_string_pretty(&idl).expect("IDL serializes");
    json.push('\n');

    if check {
        let current = std::fs::read_to_string(&out_path).unwrap_or_default();
        if current == json {
            println!("app-idl/dlex.json is up to date");
            ExitCode::SUCCESS
        } else {
            eprintln!("app-idl/dlex.json is stale: run `cargo run -p dlex-idl-gen` and commit the result");
            ExitCode::FAILURE
        }
    } else {
        std::fs::write(&out_path, json).expect("write app-idl/dlex.json");
        println!("wrote {}", out_path.display());
        ExitCode::SUCCESS
    }
}

/// Accounts (and their types) that no instruction names, as the program's
/// `dlex_idl_extra_accounts` test prints them.
#[derive(serde::Deserialize)]
struct ExtraAccounts {
    accounts: Vec<IdlAccount>,
    types: Vec<IdlTypeDef>,
}

/// Runs the program's extra-accounts test the way `IdlBuilder` ran the IDL tests (same
/// features, environment and target directory, so nothing is rebuilt) and parses what it prints.
fn extra_accounts(program: &Path, target_dir: &Path) -> Result<ExtraAccounts, String> {
    let output = Command::new("cargo")
        .args(["test", "--lib", EXTRA_ACCOUNTS_TEST, "--features", "idl-build", "--target-dir"])
        .arg(target_dir)
        .args(["--", "--show-output", "--quiet"])
        .env("ANCHOR_IDL_BUILD_NO_DOCS", "FALSE")
        .env("ANCHOR_IDL_BUILD_RESOLUTION", "TRUE")
        .env("ANCHOR_IDL_BUILD_SKIP_LINT", "FALSE")
        .env("ANCHOR_IDL_BUILD_PROGRAM_PATH", program)
        .env("RUSTFLAGS", "-A warnings")
        .current_dir(program)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("`cargo test {EXTRA_ACCOUNTS_TEST}` failed"));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json = stdout
        .split_once("--- dlex idl extra accounts begin ---")
        .and_then(|(_, rest)| rest.split_once("--- dlex idl extra accounts end ---"))
        .map(|(json, _)| json.trim())
        .ok_or_else(|| format!("`{EXTRA_ACCOUNTS_TEST}` printed no accounts"))?;
    serde_json::from_str(json).map_err(|e| format!("`{EXTRA_ACCOUNTS_TEST}` printed bad JSON: {e}"))
}

/// Completes Anchor's IDL so clients resolve every account they can on their own:
/// - `event_authority` of every `#[event_cpi]` instruction gets its seeds (`["__event_authority"]`)
///   and `program` the program's address: Anchor checks both with `address = …` expressions
///   the IDL generator drops, which left them as inputs in every generated client;
/// - the accounts no instruction names (`Tranche`, `SaturationTree`) are added with their types,
///   module paths shortened as Anchor shortens its own.
fn complete(mut idl: Idl, extra: ExtraAccounts) -> Idl {
    let program_address = idl.address.clone();
    for instruction in &mut idl.instructions {
        let accounts = &mut instruction.accounts;
        let n = accounts.len();
        if n < 2 {
            continue;
        }
        let (IdlInstructionAccountItem::Single(authority), IdlInstructionAccountItem::Single(program)) = pair_mut(accounts, n - 2) else {
            continue;
        };
        if authority.name != "event_authority" || program.name != "program" {
            continue;
        }
        fill_event_cpi_accounts(authority, program, &program_address);
    }

    let full_names: Vec<String> = extra.types.iter().map(|ty| ty.name.clone()).filter(|name| name.contains("::")).collect();
    let mut json = serde_json::to_string(&extra.types).expect("types serialize");
    for full in &full_names {
        let short = full.rsplit("::").next().expect("a path has a last segment");
        json = json.replace(&format!("\"{full}\""), &format!("\"{short}\""));
    }
    let extra_types: Vec<IdlTypeDef> = serde_json::from_str(&json).expect("types deserialize");
    let mut types: BTreeMap<String, IdlTypeDef> = idl.types.drain(..).map(|ty| (ty.name.clone(), ty)).collect();
    for ty in extra_types {
        types.entry(ty.name.clone()).or_insert(ty);
    }
    idl.types = types.into_values().collect();
    for account in extra.accounts {
        if !idl.accounts.iter().any(|a| a.name == account.name) {
            idl.accounts.push(account);
        }
    }
    idl.accounts.sort_by(|a, b| a.name.cmp(&b.name));
    idl
}

fn pair_mut(items: &mut [IdlInstructionAccountItem], i: usize) -> (&mut IdlInstructionAccountItem, &mut IdlInstructionAccountItem) {
    let (left, right) = items.split_at_mut(i + 1);
    (&mut left[i], &mut right[0])
}

fn fill_event_cpi_accounts(authority: &mut IdlInstructionAccount, program: &mut IdlInstructionAccount, program_address: &str) {
    if authority.pda.is_none() && authority.address.is_none() {
        authority.pda = Some(IdlPda { seeds: vec![IdlSeed::Const(IdlSeedConst { value: EVENT_AUTHORITY_SEED.to_vec() })], program: None });
    }
    if authority.docs.is_empty() {
        authority.docs = vec!["Anchor's event-CPI authority, the PDA `[\"__event_authority\"]` (signs the event self-CPI).".into()];
    }
    if program.address.is_none() {
        program.address = Some(program_address.to_string());
    }
    if program.docs.is_empty() {
        program.docs = vec!["This program (target of the event self-CPI).".into()];
    }
}
