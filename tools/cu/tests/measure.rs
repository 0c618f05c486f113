//! The measuring code on SBF programs this machine has: the SPL Token program (which the bank
//! always runs as SBF) through the same bank recording and tabulation as dlex's figures, a
//! program loaded from a `.so` file in dlex's place (the SPL Memo program's bundled ELF), and
//! the scene, run natively, sending every dlex instruction.

use std::collections::BTreeSet;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token::instruction::{self as token_instruction, TokenInstruction};
use dlex_cu::{dlex_instruction_name, dlex_instruction_names, scene, BudgetViolation, CostTable, FLAVORS};
use dlex_sdk::bank::{Bank, TOKEN_PROGRAM};

/// The SPL Memo 3.0 program, bundled by solana-program-test as an SBF program.
const MEMO_PROGRAM: Pubkey = anchor_lang::pubkey!("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

fn spl_token_instruction_name(program: &Pubkey, data: &[u8]) -> Option<String> {
    if *program != TOKEN_PROGRAM {
        return None;
    }
    match TokenInstruction::unpack(data).ok()? {
        TokenInstruction::MintTo { .. } => Some("mint_to".into()),
        TokenInstruction::Transfer { .. } => Some("transfer".into()),
        _ => None,
    }
}

/// A fresh bank, a mint and two token accounts (not measured), then a `mint_to` and a
/// `transfer` measured.
async fn spl_token_costs() -> CostTable {
    let mut bank = Bank::start().await;
    let payer = bank.payer_pubkey();
    let mint = bank.create_mint(TOKEN_PROGRAM, 6, None).await.expect("mint");
    let source = bank.create_token_account(mint, payer, TOKEN_PROGRAM).await;
    let destination = bank.create_token_account(mint, payer, TOKEN_PROGRAM).await;
    bank.record_costs();
    bank.mint_to(mint, source, 1_000_000, TOKEN_PROGRAM).await;
    let transfer = token_instruction::transfer(&TOKEN_PROGRAM, &source, &destination, &payer, &[], 400_000).expect("transfer");
    bank.send(&[transfer], &[]).await.expect("transfer");
    assert_eq!(bank.token_balance(destination).await, 400_000, "the measured transfer landed");
    CostTable::tabulate(&bank.take_costs(), spl_token_instruction_name)
}

/// SPL Token's `mint_to` and `transfer` cost compute units, the same in two identical runs, and
/// a budget below the figure is reported broken while one at the figure is not.
#[tokio::test]
async fn spl_token_instructions_are_measured_deterministically_and_checked_against_budgets() {
    let first = spl_token_costs().await;
    let second = spl_token_costs().await;
    assert_eq!(first, second, "identical runs consume identical compute units");
    let (mint_to, transfer) = (first.get("mint_to").expect("mint_to measured"), first.get("transfer").expect("transfer measured"));
    println!("SPL Token: mint_to {} CU, transfer {} CU, {} accounts", mint_to.max_units, transfer.max_units, transfer.max_accounts);
    assert_eq!((mint_to.calls, transfer.calls), (1, 1));
    assert!(mint_to.max_units > 0 && transfer.max_units > 0);
    // Fee payer (the owner), source, destination, the token program.
    assert_eq!(transfer.max_accounts, 4);
    assert_eq!(first.largest_transaction().map(|(_, accounts)| accounts), Some(4));

    assert_eq!(first.over_budget(&[("mint_to", mint_to.max_units), ("transfer", transfer.max_units)]), vec![]);
    assert_eq!(
        first.over_budget(&[("transfer", transfer.max_units - 1)]),
        vec![BudgetViolation::Exceeded { instruction: "transfer".into(), units: transfer.max_units, budget: transfer.max_units - 1 }]
    );
    let rendered = dlex_cu::render(&[("SPL Token", &first)], &[("transfer", transfer.max_units - 1)]);
    assert!(rendered.contains("transfer") && rendered.contains(&dlex_cu::thousands(transfer.max_units)), "{rendered}");
}

/// `Bank::start_from_so` runs the ELF at the path in dlex's place: the Memo program's bytes,
/// written to a file, accept a memo sent to dlex's address (native dlex refuses it) and are
/// metered.
#[tokio::test]
async fn a_program_loaded_from_a_so_file_runs_as_sbf_at_dlexs_address() {
    let memo = Instruction { program_id: dlex::ID, accounts: vec![], data: b"dlex-cu!".to_vec() };
    let mut native = Bank::start().await;
    assert!(native.send_exact(std::slice::from_ref(&memo), &[]).await.is_err(), "native dlex has no such instruction");
    let elf = native.account(MEMO_PROGRAM).await.expect("the bundled Memo program").data;
    let so_path = std::env::temp_dir().join(format!("dlex-cu-memo-{}.so", std::process::id()));
    std::fs::write(&so_path, elf).expect("write the .so");
    let started = Bank::start_from_so(&so_path).await;
    std::fs::remove_file(&so_path).ok();
    let mut bank = started.expect("a bank with the .so as dlex");
    bank.record_costs();
    bank.send_exact(&[memo], &[]).await.expect("the Memo program runs at dlex's address");
    let table = CostTable::tabulate(&bank.take_costs(), |program, _| (*program == dlex::ID).then(|| "memo".to_string()));
    assert!(table.get("memo").expect("measured").max_units > 0);

    let missing = Bank::start_from_so(std::path::Path::new("/nonexistent/dlex.so")).await;
    assert_eq!(missing.err().map(|e| e.kind()), Some(std::io::ErrorKind::NotFound));
}

/// The scene sends every instruction of the IDL (natively here, so the figures only count the
/// token programs), under both token programs.
#[tokio::test]
async fn the_scene_sends_every_dlex_instruction() {
    let every: BTreeSet<String> = dlex_instruction_names().into_iter().collect();
    assert_eq!(every.len(), 27);
    for (label, flavor) in FLAVORS {
        let table = CostTable::tabulate(&scene::run(Bank::start().await, flavor).await, dlex_instruction_name);
        let measured: BTreeSet<String> = table.0.keys().cloned().collect();
        assert_eq!(measured, every, "{label}");
        assert!(table.get("liquidate").expect("liquidated").max_accounts > table.get("swap_exact_in").expect("swapped").max_accounts);
    }
}
