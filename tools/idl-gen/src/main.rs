//! `cargo run -p dlex-idl-gen` writes `app-idl/dlex.json`; with `--check` it only verifies the
//! checked-in file matches the program (CI runs this). It uses Anchor's `idl-build` route on
//! the host, so neither the SBF toolchain nor anchor-cli is needed.
//!
//! The IDL build compiles the program's tests with `RUSTFLAGS=-A warnings`; it gets its own
//! target directory so it never invalidates the main build's artifacts.

use std::path::PathBuf;
use std::process::ExitCode;

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
        .program_path(program)
        .cargo_args(vec!["--target-dir".into(), target_dir.display().to_string()])
        .build()
    {
        Ok(idl) => idl,
        Err(error) => {
            eprintln!("IDL build failed: {error}");
            return ExitCode::FAILURE;
        }
    };
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
