//! Without a compiled program, `dlex-cu` says the toolchain is missing and what builds the
//! program, and exits with its own code.

use std::path::Path;
use std::process::Command;

use dlex_cu::{missing_program_message, BUILD_SBF_COMMAND, EXIT_NO_PROGRAM};

fn run_dlex_cu(args: &[&str], dlex_so: Option<&str>) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dlex-cu"));
    command.args(args).env_remove("DLEX_SO");
    if let Some(path) = dlex_so {
        command.env("DLEX_SO", path);
    }
    let output = command.output().expect("run dlex-cu");
    (output.status.code(), String::from_utf8(output.stderr).expect("utf-8"))
}

#[test]
fn without_a_program_the_binary_names_the_build_command_and_exits_with_its_code() {
    for (args, env) in [(&["--so", "/nonexistent/dlex.so"][..], None), (&[][..], Some("/nonexistent/dlex.so"))] {
        let (code, stderr) = run_dlex_cu(args, env);
        assert_eq!(code, Some(i32::from(EXIT_NO_PROGRAM)), "{stderr}");
        assert!(stderr.contains("no compiled program at /nonexistent/dlex.so"), "{stderr}");
        assert!(stderr.contains("`anchor build`") && stderr.contains(BUILD_SBF_COMMAND), "{stderr}");
    }
}

#[test]
fn the_message_says_whether_the_toolchain_is_missing() {
    let path = Path::new("target/deploy/dlex.so");
    let missing = missing_program_message(path, false);
    assert!(missing.contains("the Solana SBF toolchain (cargo build-sbf, platform-tools) is missing on this machine"), "{missing}");
    let not_built = missing_program_message(path, true);
    assert!(not_built.contains("the program has not been built") && !not_built.contains("missing"), "{not_built}");
    for message in [missing, not_built] {
        assert!(message.contains("target/deploy/dlex.so") && message.contains("cargo build-sbf --manifest-path programs/dlex/Cargo.toml"));
    }
}
