//! Bad input for every user instruction, one module each: `init_config`, `create_pair`,
//! `open_position`, `close_position`, `mint`, `burn`, `swap_exact_in`, `swap_exact_out`,
//! `deposit`, `withdraw`, `borrow`, `repay`, `borrow_liquidity`, `repay_liquidity`,
//! `execute`, `liquidate` and `collect_protocol_fees` (the admin instructions' refusals are in
//! `admin.rs`): wrong signer, someone else's position, mints, vaults and token accounts that
//! do not belong to the pair, wrong pair accounts, zero amounts, amounts above the user's
//! balance, u64::MAX, slippage limits, refused Token-2022 extensions, and for `liquidate`
//! self-liquidation, proposals beyond the premium and positions that are healthy or owe
//! nothing.
//!
//! Every case asserts the exact error the transaction fails with (a `DlexError`, Anchor's own
//! code for account-level checks, a token program's code, or the runtime's signature error)
//! and, for the pool instructions, that the pair, the positions, the users' token balances
//! and the vaults are byte-for-byte unchanged.
//!
//! The account checks the pool instructions share are cases (`mod cases`) run on each
//! instruction by macros, so each instruction is tested with each bad account on its own.
//! Most cases start from [`Setup`] (a pair with liquidity and lending deposits); the few that
//! need X actually lent out (the 90% withdraw limit, deposits and repayments worth less than a
//! share after interest) or a filled price window (the borrow limits, LTV and L debt) start
//! from [`Lent`]; `liquidate`'s start from its module's liquidatable position (the scene of
//! `liquidation.rs`), shared cases included.
//!
//! Four tests document bugs this suite found and that are now fixed: `IdenticalMints` was
//! unreachable, a pair or position address prefunded by anyone could never be created, and
//! `borrow_liquidity` of more L than the reserves hold failed with `MathOverflow`.

use anchor_lang::error::ErrorCode as AnchorError;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_spl::token_2022::spl_token_2022::error::TokenError;
use dlex::actions::{Asset, SwapAmount, SwapDirection};
use dlex::state::TokenKind;
use dlex_sdk::bank::{Bank, MintExtension, TOKEN_2022_PROGRAM, TOKEN_PROGRAM};
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::{pda, PairKeys};
use dlex_tests::*;
use solana_program_test::BanksClientError;
use solana_sdk::instruction::InstructionError;
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;
use solana_sdk::transaction::{Transaction, TransactionError};

// =============================================================================================
// Helpers
// =============================================================================================

/// The error a refused transaction is expected to return.
#[derive(Clone, Debug)]
enum Expected {
    Dlex(DlexError),
    Anchor(AnchorError),
    /// An SPL Token / Token-2022 error from a CPI (same codes in both programs).
    Token(TokenError),
}

impl Expected {
    fn instruction_error(&self) -> InstructionError {
        match self {
            Expected::Dlex(e) => InstructionError::Custom(dlex_code(*e)),
            Expected::Anchor(e) => InstructionError::Custom(anchor_code(*e)),
            Expected::Token(e) => InstructionError::Custom(e.clone() as u32),
        }
    }
}

use Expected::{Anchor, Dlex, Token};

/// dlex creates its config, pairs, vaults and positions itself (robust to prefunding) and
/// refuses an address that already holds an account with its own error.
fn already_exists() -> Expected {
    Dlex(DlexError::AccountAlreadyExists)
}

/// Asserts the transaction's only instruction failed with exactly `expected`.
fn assert_error(result: Result<(), BanksClientError>, expected: Expected) {
    let want = expected.instruction_error();
    match result {
        Err(BanksClientError::TransactionError(TransactionError::InstructionError(0, got)))
        | Err(BanksClientError::SimulationError { err: TransactionError::InstructionError(0, got), .. }) => {
            assert_eq!(got, want, "expected {expected:?}");
        }
        other => panic!("expected {expected:?} from instruction 0, got {other:?}"),
    }
}

/// A system-program transfer (built by hand: the tests crate links no system interface).
fn transfer(from: Pubkey, to: Pubkey, lamports: u64) -> Instruction {
    let mut data = 2u32.to_le_bytes().to_vec(); // SystemInstruction::Transfer
    data.extend_from_slice(&lamports.to_le_bytes());
    Instruction {
        program_id: anchor_lang::system_program::ID,
        accounts: vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
        data,
    }
}

/// Sends `address` the rent-exempt minimum of an empty account, as anyone can.
#[allow(deprecated)] // solana-program-test marks `banks_client` unstable (see sdk bank.rs)
async fn prefund(bank: &mut Bank, address: Pubkey) {
    let lamports = bank.ctx.banks_client.get_rent().await.expect("rent").minimum_balance(0);
    let payer = bank.payer_pubkey();
    bank.send(&[transfer(payer, address, lamports)], &[]).await.expect("prefund");
}

/// Builds one pool instruction from the pair's keys and a user's token accounts.
type Build = fn(&PairKeys, &UserTokens) -> Instruction;

/// `ix` with every account meta whose address is `old` pointed at `new` (at least one must be).
fn replace(mut ix: Instruction, old: Pubkey, new: Pubkey) -> Instruction {
    let mut replaced = 0;
    for meta in ix.accounts.iter_mut().filter(|m| m.pubkey == old) {
        meta.pubkey = new;
        replaced += 1;
    }
    assert!(replaced > 0, "no account meta {old} to replace");
    ix
}

/// `ix` with the signer flag of `key` cleared: the account is passed but does not sign.
fn not_signed(mut ix: Instruction, key: Pubkey) -> Instruction {
    for meta in ix.accounts.iter_mut().filter(|m| m.pubkey == key) {
        meta.is_signer = false;
    }
    ix
}

/// Sends `ix` signed by the bank's payer only, although the instruction declares other
/// signers: the runtime must refuse the transaction before dlex runs.
#[allow(deprecated)] // solana-program-test marks `banks_client` unstable (see sdk bank.rs)
async fn send_missing_signature(bank: &mut Bank, ix: Instruction) -> Result<(), BanksClientError> {
    let blockhash = bank.ctx.banks_client.get_latest_blockhash().await.expect("blockhash");
    let mut tx = Transaction::new_with_payer(&[ix], Some(&bank.payer_pubkey()));
    assert!(tx.message.header.num_required_signatures > 1, "the instruction declares a signer besides the payer");
    tx.partial_sign(&[bank.payer()], blockhash);
    bank.ctx.banks_client.process_transaction(tx).await
}

/// The runtime's answer to a transaction missing a required signature.
fn assert_signature_failure(result: Result<(), BanksClientError>) {
    assert!(
        matches!(result, Err(BanksClientError::TransactionError(TransactionError::SignatureFailure))),
        "expected SignatureFailure, got {result:?}"
    );
}

/// Sends `ix` (signed by `signers`), asserts the exact error and that nothing changed.
async fn assert_refused(f: &mut Fixture, users: &[&User], ix: Instruction, signers: &[&Keypair], expected: Expected) {
    let before = f.snapshot(users).await;
    let result = f.bank.send(&[ix], signers).await;
    assert_error(result, expected);
    assert_eq!(f.snapshot(users).await, before, "a refused instruction changes nothing");
}

/// The owner and data of every account `ix` names, to show a refusal changed none of them
/// (lamports are left out: the fee payer pays for the failed transaction).
async fn named_accounts(bank: &mut Bank, ix: &Instruction) -> Vec<Option<(Pubkey, Vec<u8>)>> {
    let mut accounts = Vec::with_capacity(ix.accounts.len());
    for meta in &ix.accounts {
        accounts.push(bank.account(meta.pubkey).await.map(|account| (account.owner, account.data)));
    }
    accounts
}

/// The saturation-account cases (the accounts after the named ones: index X, index Y, system
/// program, payer, tranches; see the program's `instructions::saturation_accounts`), run on
/// `ix` as the SDK completes it, one after another on the same scene (each refusal is shown
/// to change nothing, tranche accounts included). The completed instruction must reach at
/// least two tranches of the net-X debt side. Sent with `send_exact`: `send` would complete
/// the hand-made account list again.
async fn saturation_account_cases(f: &mut Fixture, users: &[&User], ix: Instruction, signers: &[&Keypair]) {
    let named = ix.accounts.len();
    let completed = dlex_sdk::saturation::complete(&mut f.bank, std::slice::from_ref(&ix)).await.expect("complete").remove(0);
    let (indices, tranches) = (named, named + 4);
    assert!(completed.accounts.len() >= tranches + 2, "the scene reaches at least two tranches");
    let pair = f.keys.pair;
    let foreign_pair = Pubkey::new_unique();
    let last = completed.accounts.len() - 1;
    let band_of = |address: Pubkey| (-1000i16..=1000).find(|&i| pda::tranche(pair, 0, i) == address).expect("a net-X band");
    let first_band = band_of(completed.accounts[tranches].pubkey);
    let with = |edit: &dyn Fn(&mut Vec<AccountMeta>)| {
        let mut edited = completed.clone();
        edit(&mut edited.accounts);
        edited
    };
    let cases: Vec<(&str, Instruction, Expected)> = vec![
        ("a tranche left out", with(&|a| drop(a.pop())), Dlex(DlexError::MissingTrancheAccount)),
        ("a tranche read-only", with(&|a| a[last].is_writable = false), Dlex(DlexError::MissingTrancheAccount)),
        ("another pair's tranche in place of one", with(&|a| a[last].pubkey = pda::tranche(foreign_pair, 0, first_band)), Dlex(DlexError::MissingTrancheAccount)),
        ("an extra band of the other side", with(&|a| a.push(AccountMeta::new(pda::tranche(pair, 1, first_band), false))), Dlex(DlexError::UnexpectedTrancheAccount)),
        ("an extra tranche of another pair", with(&|a| a.push(AccountMeta::new(pda::tranche(foreign_pair, 0, first_band), false))), Dlex(DlexError::UnexpectedTrancheAccount)),
        ("a tranche twice", with(&|a| a.push(a[tranches].clone())), Dlex(DlexError::DuplicateSaturationAccount)),
        ("the net-X index twice", with(&|a| a[indices + 1] = a[indices].clone()), Dlex(DlexError::DuplicateSaturationAccount)),
        ("the indices swapped", with(&|a| a.swap(indices, indices + 1)), Dlex(DlexError::MissingSaturationAccount)),
        ("another pair's index", with(&|a| a[indices].pubkey = pda::saturation(foreign_pair, 0)), Dlex(DlexError::MissingSaturationAccount)),
        ("the indices left out", with(&|a| drop(a.drain(indices..indices + 2))), Dlex(DlexError::MissingSaturationAccount)),
    ];
    for (case, edited, expected) in cases {
        let before = (f.snapshot(users).await, named_accounts(&mut f.bank, &completed).await);
        let result = f.bank.send_exact(&[edited], signers).await;
        let after = (f.snapshot(users).await, named_accounts(&mut f.bank, &completed).await);
        eprintln!("case: {case}"); // shown when an assertion below fails
        assert_error(result, expected);
        assert_eq!(after, before, "{case}: a refused instruction changes nothing");
    }
    // Control: the completed instruction itself goes through.
    f.bank.send_exact(&[completed], signers).await.expect("the SDK's account list is accepted");
}

/// A pair with liquidity and lending deposits: A minted 1e9 X + 4e9 Y and deposited 7e6 of
/// each asset; B minted half as much liquidity. Both keep most of their funds.
struct Setup {
    f: Fixture,
    a: User,
    b: User,
}

impl Setup {
    async fn new(flavor: Flavor) -> Self {
        let mut f = Fixture::new(flavor).await;
        let a = user(&mut f).await;
        let b = user(&mut f).await;
        let keys = f.keys;
        let ixs = [
            ix::mint(&keys, &a.tokens, 1_000_000_000, 4_000_000_000, 0),
            ix::deposit(&keys, &a.tokens, Asset::X, 7_000_000, 0),
            ix::deposit(&keys, &a.tokens, Asset::Y, 7_000_000, 0),
        ];
        f.bank.send(&ixs, &[&a.keypair]).await.expect("seed A");
        f.bank.send(&[ix::mint(&keys, &b.tokens, 500_000_000, 2_000_000_000, 0)], &[&b.keypair]).await.expect("seed B");
        Self { f, a, b }
    }

    async fn refused(&mut self, ix: Instruction, signers: &[&Keypair], expected: Expected) {
        let Setup { f, a, b } = self;
        assert_refused(f, &[&*a, &*b], ix, signers, expected).await;
    }

    /// A second pair in the same bank (two new mints of the same flavor) where A has token
    /// accounts and an open position.
    async fn other_pair(&mut self) -> OtherPair {
        let f = &mut self.f;
        let program = f.flavor.program();
        let admin = f.bank.payer_pubkey();
        let mint_a = f.bank.create_mint(program, 6, None).await.expect("mint");
        let mint_b = f.bank.create_mint(program, 6, None).await.expect("mint");
        let (create, keys) = ix::create_pair(admin, (mint_a, program), (mint_b, program));
        f.bank.send(&[create], &[]).await.expect("second pair");
        let a_tokens = onboard(&mut f.bank, &keys, &self.a.keypair, 0, USER_FUNDS, USER_FUNDS).await;
        OtherPair { keys, a_tokens, a_position: pda::position(keys.pair, self.a.pubkey()) }
    }
}

struct OtherPair {
    keys: PairKeys,
    a_tokens: UserTokens,
    a_position: Pubkey,
}

/// A system-program `CreateAccount` (built by hand, like [`transfer`]).
fn create_account(from: Pubkey, to: Pubkey, lamports: u64, space: u64, owner: Pubkey) -> Instruction {
    let mut data = 0u32.to_le_bytes().to_vec(); // SystemInstruction::CreateAccount
    data.extend_from_slice(&lamports.to_le_bytes());
    data.extend_from_slice(&space.to_le_bytes());
    data.extend_from_slice(owner.as_ref());
    Instruction {
        program_id: anchor_lang::system_program::ID,
        accounts: vec![AccountMeta::new(from, true), AccountMeta::new(to, true)],
        data,
    }
}

/// What `Fixture::user` does, in one transaction instead of six (the file runs ~200 tests):
/// sends `owner` `lamports`, creates its X and Y token accounts of `keys`' mints (no
/// extensions) holding `x` and `y`, and opens its position in the pair.
#[allow(deprecated)] // solana-program-test marks `banks_client` unstable (see sdk bank.rs)
async fn onboard(bank: &mut Bank, keys: &PairKeys, owner: &Keypair, lamports: u64, x: u64, y: u64) -> UserTokens {
    use anchor_spl::token_2022::spl_token_2022::instruction::{initialize_account3, mint_to};
    let payer = bank.payer_pubkey();
    let rent = bank.ctx.banks_client.get_rent().await.expect("rent").minimum_balance(ACCOUNT_LEN);
    let (account_x, account_y) = (Keypair::new(), Keypair::new());
    let mut ixs = Vec::new();
    if lamports > 0 {
        ixs.push(transfer(payer, owner.pubkey(), lamports));
    }
    for (account, mint, program, amount) in
        [(&account_x, keys.mint_x, keys.token_program_x, x), (&account_y, keys.mint_y, keys.token_program_y, y)]
    {
        ixs.push(create_account(payer, account.pubkey(), rent, ACCOUNT_LEN as u64, program));
        ixs.push(initialize_account3(&program, &account.pubkey(), &mint, &owner.pubkey()).expect("init account"));
        if amount > 0 {
            ixs.push(mint_to(&program, &mint, &account.pubkey(), &payer, &[], amount).expect("mint_to"));
        }
    }
    ixs.push(ix::open_position(owner.pubkey(), keys.pair));
    bank.send(&ixs, &[owner, &account_x, &account_y]).await.expect("onboard user");
    UserTokens { owner: owner.pubkey(), token_x: account_x.pubkey(), token_y: account_y.pubkey() }
}

/// Size of a token account without extensions (SPL Token and Token-2022 alike).
const ACCOUNT_LEN: usize = 165;

/// A user like `Fixture::user`'s: [`USER_FUNDS`] of each token and an open position.
async fn user(f: &mut Fixture) -> User {
    user_holding(f, USER_FUNDS, USER_FUNDS).await
}

/// A user holding only `x` and `y` tokens, with an open position.
async fn user_holding(f: &mut Fixture, x: u64, y: u64) -> User {
    let keypair = Keypair::new();
    let keys = f.keys;
    let tokens = onboard(&mut f.bank, &keys, &keypair, 10_000_000_000, x, y).await;
    User { keypair, tokens }
}

/// X lent out: A supplied 1e10 X + 4e10 Y of liquidity (activeL 2e10) and lent 1e9 X; once
/// the price window filled (B swapping every interval), C, who deposited 1e10 Y, borrowed
/// 0.3e9 X (LTV about 12% at the pool price of 4 Y per X).
///
/// The sizes are those of a position the pool can liquidate (tranche accounting, design §8):
/// C's liquidation price is about 28 Y per X, 7× the pool price, where its 0.3e9 X of debt is
/// worth about 1.6e9 L, 8% of the pool's; its saturation (about 1.7·activeL) takes three of
/// the seven tranches a position may occupy. (Owing 0.3e9 X to a 1e9 X / 4e9 Y pool would need
/// more than seven, whatever the collateral, and is refused with `TooManyTranches`.)
struct Lent {
    f: Fixture,
    a: User,
    b: User,
    c: User,
}

impl Lent {
    const BORROWED_X: u64 = 300_000_000;

    async fn new() -> Self {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let b = user(&mut f).await;
        let c = user(&mut f).await;
        let keys = f.keys;
        let seed = [ix::mint(&keys, &a.tokens, 10_000_000_000, 40_000_000_000, 0), ix::deposit(&keys, &a.tokens, Asset::X, 1_000_000_000, 0)];
        f.bank.send(&seed, &[&a.keypair]).await.expect("liquidity and X supply");
        f.bank.send(&[ix::deposit(&keys, &c.tokens, Asset::Y, 10_000_000_000, 0)], &[&c.keypair]).await.expect("collateral");
        f.fill_price_window(&b).await;
        f.bank.send(&[ix::borrow(&keys, &c.tokens, Asset::X, Self::BORROWED_X)], &[&c.keypair]).await.expect("borrow");
        Self { f, a, b, c }
    }

    async fn refused(&mut self, ix: Instruction, signers: &[&Keypair], expected: Expected) {
        let Lent { f, a, b, c } = self;
        assert_refused(f, &[&*a, &*b, &*c], ix, signers, expected).await;
    }
}

fn other_flavor_program(flavor: Flavor) -> Pubkey {
    match flavor {
        Flavor::SplToken => TOKEN_2022_PROGRAM,
        Flavor::Token2022 => TOKEN_PROGRAM,
    }
}

// =============================================================================================
// Account checks shared by the pool instructions (run once per instruction)
// =============================================================================================

/// Each case takes the scene it corrupts (a [`Setup`]: A signs and acts, B is someone else,
/// e.g. `liquidate`'s borrower) and the enclosing module's `build`.
mod cases {
    use super::*;

    /// Control: the instruction the other cases corrupt succeeds as built.
    pub async fn unmodified_instruction_succeeds(mut s: Setup, build: Build) {
        let ix = build(&s.f.keys, &s.a.tokens);
        s.f.bank.send(&[ix], &[&s.a.keypair]).await.expect("the unmodified instruction succeeds");
    }

    /// B signs as the owner/trader of an instruction built over A's position and tokens.
    pub async fn wrong_signer(mut s: Setup, build: Build, expected: Expected) {
        let keys = s.f.keys;
        let tokens = UserTokens { owner: s.b.pubkey(), ..s.a.tokens };
        let mut ix = build(&keys, &tokens);
        let b_position = pda::position(keys.pair, s.b.pubkey());
        if ix.accounts.iter().any(|m| m.pubkey == b_position) {
            ix = replace(ix, b_position, pda::position(keys.pair, s.a.pubkey()));
        }
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], expected).await;
    }

    /// Swaps: B signs as trader but moves A's tokens: the token program refuses B's authority
    /// over A's account (SPL Token and Token-2022 alike).
    pub async fn trader_spending_someone_elses_tokens(mut s: Setup, build: Build) {
        let tokens = UserTokens { owner: s.b.pubkey(), ..s.a.tokens };
        let ix = build(&s.f.keys, &tokens);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Token(TokenError::OwnerMismatch)).await;
    }

    /// The owner's account is passed without its signer flag.
    pub async fn owner_not_signer(mut s: Setup, build: Build) {
        let ix = not_signed(build(&s.f.keys, &s.a.tokens), s.a.pubkey());
        s.refused(ix, &[], Anchor(AnchorError::AccountNotSigner)).await;
    }

    /// The owner is declared a signer but the transaction carries no signature of theirs.
    pub async fn missing_signature(mut s: Setup, build: Build) {
        let ix = build(&s.f.keys, &s.a.tokens);
        let before = s.f.snapshot(&[&s.a, &s.b]).await;
        assert_signature_failure(send_missing_signature(&mut s.f.bank, ix).await);
        assert_eq!(s.f.snapshot(&[&s.a, &s.b]).await, before);
    }

    /// A signs and passes B's position.
    pub async fn someone_elses_position(mut s: Setup, build: Build) {
        let keys = s.f.keys;
        let ix = build(&keys, &s.a.tokens);
        let ix = replace(ix, pda::position(keys.pair, s.a.pubkey()), pda::position(keys.pair, s.b.pubkey()));
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::PositionOwnerMismatch)).await;
    }

    /// A signs and passes their own position of another pair.
    pub async fn position_of_another_pair(mut s: Setup, build: Build) {
        let other = s.other_pair().await;
        let keys = s.f.keys;
        let ix = replace(build(&keys, &s.a.tokens), pda::position(keys.pair, s.a.pubkey()), other.a_position);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::PositionPairMismatch)).await;
    }

    /// A position address that holds no account.
    pub async fn missing_position(mut s: Setup, build: Build) {
        let keys = s.f.keys;
        let nobody = pda::position(keys.pair, Pubkey::new_unique());
        let ix = replace(build(&keys, &s.a.tokens), pda::position(keys.pair, s.a.pubkey()), nobody);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Anchor(AnchorError::AccountOwnedByWrongProgram)).await;
    }

    /// mint_x, then mint_y, replaced by a mint of another pair.
    pub async fn mint_of_another_pair(mut s: Setup, build: Build) {
        let other = s.other_pair().await;
        let keys = s.f.keys;
        let a = s.a.keypair.insecure_clone();
        let ix = replace(build(&keys, &s.a.tokens), keys.mint_x, other.keys.mint_x);
        s.refused(ix, &[&a], Dlex(DlexError::WrongMint)).await;
        let ix = replace(build(&keys, &s.a.tokens), keys.mint_y, other.keys.mint_y);
        s.refused(ix, &[&a], Dlex(DlexError::WrongMint)).await;
    }

    /// vault_x, then vault_y, replaced by the other pair's vault.
    pub async fn vault_of_another_pair(mut s: Setup, build: Build) {
        let other = s.other_pair().await;
        let keys = s.f.keys;
        let a = s.a.keypair.insecure_clone();
        let ix = replace(build(&keys, &s.a.tokens), keys.vault_x, other.keys.vault_x);
        s.refused(ix, &[&a], Dlex(DlexError::WrongVault)).await;
        let ix = replace(build(&keys, &s.a.tokens), keys.vault_y, other.keys.vault_y);
        s.refused(ix, &[&a], Dlex(DlexError::WrongVault)).await;
    }

    /// A vault replaced by a user's token account of the right mint (B's).
    pub async fn user_token_account_as_vault(mut s: Setup, build: Build) {
        let keys = s.f.keys;
        let a = s.a.keypair.insecure_clone();
        let ix = replace(build(&keys, &s.a.tokens), keys.vault_x, s.b.tokens.token_x);
        s.refused(ix, &[&a], Dlex(DlexError::WrongVault)).await;
        let ix = replace(build(&keys, &s.a.tokens), keys.vault_y, s.b.tokens.token_y);
        s.refused(ix, &[&a], Dlex(DlexError::WrongVault)).await;
    }

    /// The user's token account replaced by the pair's own vault: one account may not be
    /// both sides of a transfer. Anchor's duplicate-mutable-account check (run before any
    /// constraint) refuses it, so `PairTokens`' own `VaultAsUserAccount` constraint is never
    /// the one that fires.
    pub async fn vault_as_user_token_account(mut s: Setup, build: Build) {
        let keys = s.f.keys;
        let a = s.a.keypair.insecure_clone();
        let ix = replace(build(&keys, &s.a.tokens), s.a.tokens.token_x, keys.vault_x);
        s.refused(ix, &[&a], Anchor(AnchorError::ConstraintDuplicateMutableAccount)).await;
    }

    /// The user's X (then Y) account replaced by A's account of another pair's mint.
    pub async fn user_token_account_of_wrong_mint(mut s: Setup, build: Build) {
        let other = s.other_pair().await;
        let keys = s.f.keys;
        let a = s.a.keypair.insecure_clone();
        let ix = replace(build(&keys, &s.a.tokens), s.a.tokens.token_x, other.a_tokens.token_x);
        s.refused(ix, &[&a], Dlex(DlexError::WrongTokenAccountMint)).await;
        let ix = replace(build(&keys, &s.a.tokens), s.a.tokens.token_y, other.a_tokens.token_y);
        s.refused(ix, &[&a], Dlex(DlexError::WrongTokenAccountMint)).await;
    }

    /// Both token programs swapped for the other one (Token-2022 on an SPL pair and back).
    pub async fn token_program_swapped(mut s: Setup, build: Build) {
        let keys = s.f.keys;
        let flavor = s.f.flavor;
        let a = s.a.keypair.insecure_clone();
        let ix = replace(build(&keys, &s.a.tokens), flavor.program(), other_flavor_program(flavor));
        s.refused(ix, &[&a], Dlex(DlexError::WrongTokenProgram)).await;
    }

    /// The pair account replaced by a dlex account of another type (a Position, the Config).
    pub async fn non_pair_dlex_account_as_pair(mut s: Setup, build: Build) {
        let keys = s.f.keys;
        let a = s.a.keypair.insecure_clone();
        let position = pda::position(keys.pair, s.b.pubkey());
        for wrong in [position, pda::config()] {
            let mut ix = build(&keys, &s.a.tokens);
            // Only the pair meta: the position meta (derived from the pair) stays A's.
            let pair_index = ix.accounts.iter().position(|m| m.pubkey == keys.pair).expect("pair meta");
            ix.accounts[pair_index].pubkey = wrong;
            s.refused(ix, &[&a], Anchor(AnchorError::AccountDiscriminatorMismatch)).await;
        }
    }

    /// The pair account replaced by an account dlex does not own (the X mint).
    pub async fn foreign_account_as_pair(mut s: Setup, build: Build) {
        let keys = s.f.keys;
        let a = s.a.keypair.insecure_clone();
        let mut ix = build(&keys, &s.a.tokens);
        let pair_index = ix.accounts.iter().position(|m| m.pubkey == keys.pair).expect("pair meta");
        ix.accounts[pair_index].pubkey = keys.mint_x;
        s.refused(ix, &[&a], Anchor(AnchorError::AccountOwnedByWrongProgram)).await;
    }

    /// Another real pair passed as the pair (with A's position in that pair, where the
    /// instruction has one): its stored mints differ from the ones passed.
    pub async fn another_pair_as_pair(mut s: Setup, build: Build) {
        let other = s.other_pair().await;
        let keys = s.f.keys;
        let a = s.a.keypair.insecure_clone();
        let mut ix = build(&keys, &s.a.tokens);
        let own_position = pda::position(keys.pair, s.a.pubkey());
        if ix.accounts.iter().any(|m| m.pubkey == own_position) {
            ix = replace(ix, own_position, other.a_position);
        }
        let ix = replace(ix, keys.pair, other.keys.pair);
        s.refused(ix, &[&a], Dlex(DlexError::WrongMint)).await;
    }
}

/// The checks of the nested `PairTokens` accounts (mints, vaults, the user's token accounts,
/// token programs, the pair) that the swaps, the position instructions and `liquidate`
/// share, run on the instruction `build` of the enclosing module in the scene `$setup(flavor)`
/// builds (`Setup::new`, or the module's own).
macro_rules! pair_tokens_account_checks {
    ($setup:path) => {
        #[tokio::test]
        async fn mint_of_another_pair_is_refused() {
            cases::mint_of_another_pair($setup(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn vault_of_another_pair_is_refused() {
            cases::vault_of_another_pair($setup(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn user_token_account_as_vault_is_refused() {
            cases::user_token_account_as_vault($setup(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn vault_as_user_token_account_is_refused() {
            cases::vault_as_user_token_account($setup(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn user_token_account_of_wrong_mint_is_refused() {
            cases::user_token_account_of_wrong_mint($setup(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn token_2022_program_on_spl_pair_is_refused() {
            cases::token_program_swapped($setup(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn spl_token_program_on_token_2022_pair_is_refused() {
            cases::token_program_swapped($setup(Flavor::Token2022).await, build).await;
        }
        #[tokio::test]
        async fn position_or_config_as_pair_is_refused() {
            cases::non_pair_dlex_account_as_pair($setup(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn foreign_account_as_pair_is_refused() {
            cases::foreign_account_as_pair($setup(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn another_pair_as_pair_is_refused() {
            cases::another_pair_as_pair($setup(Flavor::SplToken).await, build).await;
        }
    };
}

/// The account checks of `mint`, `burn`, `deposit`, `withdraw`, `borrow`, `repay`,
/// `borrow_liquidity`, `repay_liquidity` (shared `PositionTokens`), run on the instruction
/// `build` of the enclosing module.
macro_rules! position_account_checks {
    (with_control) => {
        /// Control: the instruction the other cases corrupt succeeds as built.
        #[tokio::test]
        async fn unmodified_instruction_succeeds() {
            cases::unmodified_instruction_succeeds(Setup::new(Flavor::SplToken).await, build).await;
        }
        position_account_checks!();
    };
    () => {
        #[tokio::test]
        async fn wrong_signer_over_someone_elses_position_is_refused() {
            cases::wrong_signer(Setup::new(Flavor::SplToken).await, build, Dlex(DlexError::PositionOwnerMismatch)).await;
        }
        #[tokio::test]
        async fn owner_not_signing_is_refused() {
            cases::owner_not_signer(Setup::new(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn missing_owner_signature_is_refused_by_the_runtime() {
            cases::missing_signature(Setup::new(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn someone_elses_position_is_refused() {
            cases::someone_elses_position(Setup::new(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn position_of_another_pair_is_refused() {
            cases::position_of_another_pair(Setup::new(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn missing_position_is_refused() {
            cases::missing_position(Setup::new(Flavor::SplToken).await, build).await;
        }
        pair_tokens_account_checks!(Setup::new);
    };
}

/// The account checks of the two swaps (shared `SwapTokens`, no position).
macro_rules! swap_account_checks {
    (with_control) => {
        /// Control: the instruction the other cases corrupt succeeds as built.
        #[tokio::test]
        async fn unmodified_instruction_succeeds() {
            cases::unmodified_instruction_succeeds(Setup::new(Flavor::SplToken).await, build).await;
        }
        swap_account_checks!();
    };
    () => {
        #[tokio::test]
        async fn trader_spending_someone_elses_tokens_is_refused_spl_token() {
            cases::trader_spending_someone_elses_tokens(Setup::new(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn trader_spending_someone_elses_tokens_is_refused_token_2022() {
            cases::trader_spending_someone_elses_tokens(Setup::new(Flavor::Token2022).await, build).await;
        }
        #[tokio::test]
        async fn trader_not_signing_is_refused() {
            cases::owner_not_signer(Setup::new(Flavor::SplToken).await, build).await;
        }
        #[tokio::test]
        async fn missing_trader_signature_is_refused_by_the_runtime() {
            cases::missing_signature(Setup::new(Flavor::SplToken).await, build).await;
        }
        pair_tokens_account_checks!(Setup::new);
    };
}

// =============================================================================================
// init_config
// =============================================================================================

mod init_config {
    use super::*;

    async fn config_bytes(bank: &mut Bank) -> Option<Vec<u8>> {
        bank.account(pda::config()).await.map(|a| a.data)
    }

    /// Even the upgrade authority cannot initialize twice (anyone else is refused earlier,
    /// with `NotUpgradeAuthority`: see `admin.rs`).
    #[tokio::test]
    async fn second_init_config_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let before = config_bytes(&mut f.bank).await;
        let authority = f.bank.payer_pubkey();
        let other = Keypair::new().pubkey();
        let ix = ix::init_config(authority, other, MID, LONG);
        assert_error(f.bank.send(&[ix], &[]).await, already_exists());
        assert_eq!(config_bytes(&mut f.bank).await, before, "the config stays the first one");
    }

    /// The config address is predictable: lamports sent to it before deployment must not
    /// block `init_config`.
    #[tokio::test]
    async fn prefunded_config_address_can_still_be_initialized() {
        let mut bank = Bank::start().await;
        prefund(&mut bank, dlex_sdk::pda::config()).await;
        let admin = bank.payer_pubkey();
        bank.send(&[ix::init_config(admin, admin, MID, LONG)], &[]).await.expect("init_config despite the gift");
        let config = dlex_sdk::decode::config(&config_bytes(&mut bank).await.unwrap()).unwrap();
        assert_eq!((config.admin, config.fee_recipient, config.default_mid_term_interval), (admin, admin, MID));
    }

    async fn assert_init_refused(mid: u32, long: u32) {
        let mut bank = Bank::start().await;
        let admin = bank.payer_pubkey();
        let result = bank.send(&[ix::init_config(admin, admin, mid, long)], &[]).await;
        assert_error(result, Dlex(DlexError::InvalidIntervalConfig));
        assert_eq!(config_bytes(&mut bank).await, None);
    }

    #[tokio::test]
    async fn mid_term_interval_below_8_seconds_is_refused() {
        assert_init_refused(7, 7 * 14).await;
    }

    #[tokio::test]
    async fn long_term_interval_below_14_times_mid_is_refused() {
        assert_init_refused(MID, MID * 14 - 1).await;
    }

    #[tokio::test]
    async fn mid_term_interval_above_one_day_is_refused() {
        assert_init_refused(86_401, 86_401 * 14).await;
    }

    #[tokio::test]
    async fn long_term_interval_above_60_days_is_refused() {
        assert_init_refused(MID, 60 * 86_400 + 1).await;
    }

    #[tokio::test]
    async fn overflowing_long_term_minimum_is_refused() {
        assert_init_refused(u32::MAX, u32::MAX).await;
    }

    #[tokio::test]
    async fn wrong_instructions_sysvar_is_refused() {
        let mut bank = Bank::start().await;
        let admin = bank.payer_pubkey();
        let ix = replace(ix::init_config(admin, admin, MID, LONG), ix::instructions_sysvar_id(), Pubkey::new_unique());
        assert_error(bank.send(&[ix], &[]).await, Anchor(AnchorError::ConstraintAddress));
        assert_eq!(config_bytes(&mut bank).await, None);
    }

    #[tokio::test]
    async fn admin_not_signing_is_refused() {
        let mut bank = Bank::start().await;
        let admin = Keypair::new().pubkey();
        let ix = not_signed(ix::init_config(admin, admin, MID, LONG), admin);
        assert_error(bank.send(&[ix], &[]).await, Anchor(AnchorError::AccountNotSigner));
        assert_eq!(config_bytes(&mut bank).await, None);
    }
}

// =============================================================================================
// create_pair
// =============================================================================================

mod create_pair {
    use super::*;

    /// A bank with the Config and two new mints of `program` (no pair yet), sorted.
    async fn bank_and_mints(program: Pubkey) -> (Bank, Pubkey, Pubkey) {
        let mut bank = Bank::start().await;
        let admin = bank.payer_pubkey();
        bank.send(&[ix::init_config(admin, admin, MID, LONG)], &[]).await.expect("init_config");
        let a = bank.create_mint(program, 6, None).await.expect("mint");
        let b = bank.create_mint(program, 6, None).await.expect("mint");
        let (x, y) = pda::canonical_mints(a, b);
        (bank, x, y)
    }

    /// Pair keys with the accounts exactly as given: the pair PDA of (`mint_x`, `mint_y`) in
    /// that order and its vaults.
    fn keys_as_given(mint_x: (Pubkey, Pubkey), mint_y: (Pubkey, Pubkey)) -> PairKeys {
        let pair = Pubkey::find_program_address(&[dlex::constants::PAIR_SEED, mint_x.0.as_ref(), mint_y.0.as_ref()], &dlex::ID).0;
        PairKeys {
            pair,
            mint_x: mint_x.0,
            mint_y: mint_y.0,
            vault_x: pda::vault(pair, mint_x.0),
            vault_y: pda::vault(pair, mint_y.0),
            token_program_x: mint_x.1,
            token_program_y: mint_y.1,
        }
    }

    async fn assert_no_pair(bank: &mut Bank, keys: &PairKeys) {
        for address in [keys.pair, keys.vault_x, keys.vault_y] {
            assert!(bank.account(address).await.is_none(), "refused create_pair leaves no account behind");
        }
    }

    async fn assert_create_refused(bank: &mut Bank, keys: &PairKeys, expected: Expected) {
        let payer = bank.payer_pubkey();
        let result = bank.send(&[ix::create_pair_unsorted(payer, keys)], &[]).await;
        assert_error(result, expected);
        assert_no_pair(bank, keys).await;
    }

    #[tokio::test]
    async fn mints_in_non_canonical_order_are_refused() {
        let (mut bank, x, y) = bank_and_mints(TOKEN_PROGRAM).await;
        let keys = keys_as_given((y, TOKEN_PROGRAM), (x, TOKEN_PROGRAM));
        assert_create_refused(&mut bank, &keys, Dlex(DlexError::MintsNotCanonical)).await;
    }

    /// The refusal itself: whatever the error, no pair and no vault exist afterwards.
    #[tokio::test]
    async fn same_mint_twice_creates_nothing() {
        let (mut bank, x, _) = bank_and_mints(TOKEN_PROGRAM).await;
        let keys = keys_as_given((x, TOKEN_PROGRAM), (x, TOKEN_PROGRAM));
        let payer = bank.payer_pubkey();
        let result = bank.send(&[ix::create_pair_unsorted(payer, &keys)], &[]).await;
        assert!(result.is_err(), "a pair of one mint with itself is refused");
        assert_no_pair(&mut bank, &keys).await;
    }

    /// The program's own code for this case. Anchor runs every `init` (pair, vault_x,
    /// vault_y) before the constraints of non-init accounts, so with one mint twice vault_y
    /// is the address vault_x was just created at, and its `init` fails first (system
    /// program, `InvalidInstructionData`): `IdenticalMints` on `mint_y` is never reached.
    #[tokio::test]
    async fn same_mint_twice_is_refused() {
        let (mut bank, x, _) = bank_and_mints(TOKEN_PROGRAM).await;
        let keys = keys_as_given((x, TOKEN_PROGRAM), (x, TOKEN_PROGRAM));
        assert_create_refused(&mut bank, &keys, Dlex(DlexError::IdenticalMints)).await;
    }

    /// Anyone can send lamports to the (deterministic) pair address before the pair exists;
    /// that must not block the pair forever. Anchor 1.x initialises a funded address with
    /// `CreateAccountAllowPrefund`, which this runtime's system program does not support.
    #[tokio::test]
    async fn prefunded_pair_address_can_still_be_created() {
        let (mut bank, x, y) = bank_and_mints(TOKEN_PROGRAM).await;
        let keys = keys_as_given((x, TOKEN_PROGRAM), (y, TOKEN_PROGRAM));
        prefund(&mut bank, keys.pair).await;
        let payer = bank.payer_pubkey();
        bank.send(&[ix::create_pair_unsorted(payer, &keys)], &[]).await.expect("create_pair despite the gift");
        assert_eq!(bank.pair(keys.pair).await.mint_x, x);
    }

    #[tokio::test]
    async fn same_pair_twice_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let before = f.snapshot(&[]).await;
        let payer = f.bank.payer_pubkey();
        let result = f.bank.send(&[ix::create_pair_unsorted(payer, &f.keys)], &[]).await;
        assert_error(result, already_exists());
        assert_eq!(f.snapshot(&[]).await, before);
    }

    #[tokio::test]
    async fn pair_address_not_the_mints_pda_is_refused() {
        let (mut bank, x, y) = bank_and_mints(TOKEN_PROGRAM).await;
        let mut keys = keys_as_given((x, TOKEN_PROGRAM), (y, TOKEN_PROGRAM));
        // The PDA of the mints in the wrong order (a valid PDA, of other seeds).
        keys.pair = keys_as_given((y, TOKEN_PROGRAM), (x, TOKEN_PROGRAM)).pair;
        keys.vault_x = pda::vault(keys.pair, x);
        keys.vault_y = pda::vault(keys.pair, y);
        assert_create_refused(&mut bank, &keys, Anchor(AnchorError::ConstraintSeeds)).await;
    }

    #[tokio::test]
    async fn vault_address_not_the_vault_pda_is_refused() {
        let (mut bank, x, y) = bank_and_mints(TOKEN_PROGRAM).await;
        let mut keys = keys_as_given((x, TOKEN_PROGRAM), (y, TOKEN_PROGRAM));
        keys.vault_x = pda::vault(keys.pair, y);
        keys.vault_y = pda::vault(keys.pair, x);
        assert_create_refused(&mut bank, &keys, Anchor(AnchorError::ConstraintSeeds)).await;
    }

    /// Anchor's `mint::token_program` check refuses the mismatch before anything is created.
    #[tokio::test]
    async fn token_2022_program_for_spl_mint_is_refused() {
        let (mut bank, x, y) = bank_and_mints(TOKEN_PROGRAM).await;
        let keys = keys_as_given((x, TOKEN_2022_PROGRAM), (y, TOKEN_PROGRAM));
        assert_create_refused(&mut bank, &keys, Anchor(AnchorError::ConstraintMintTokenProgram)).await;
    }

    #[tokio::test]
    async fn spl_token_program_for_token_2022_mint_is_refused() {
        let (mut bank, x, y) = bank_and_mints(TOKEN_2022_PROGRAM).await;
        let keys = keys_as_given((x, TOKEN_2022_PROGRAM), (y, TOKEN_PROGRAM));
        assert_create_refused(&mut bank, &keys, Anchor(AnchorError::ConstraintMintTokenProgram)).await;
    }

    #[tokio::test]
    async fn payer_not_signing_is_refused() {
        let (mut bank, x, y) = bank_and_mints(TOKEN_PROGRAM).await;
        let keys = keys_as_given((x, TOKEN_PROGRAM), (y, TOKEN_PROGRAM));
        let payer = bank.new_funded_keypair(1_000_000_000).await;
        let ix = not_signed(ix::create_pair_unsorted(payer.pubkey(), &keys), payer.pubkey());
        assert_error(bank.send(&[ix], &[]).await, Anchor(AnchorError::AccountNotSigner));
        assert_no_pair(&mut bank, &keys).await;
    }

    /// A Token-2022 mint with `extension` paired with a plain Token-2022 mint.
    async fn extension_pair(extension: MintExtension) -> (Bank, PairKeys) {
        let (mut bank, plain, _) = bank_and_mints(TOKEN_2022_PROGRAM).await;
        let special = bank.create_mint(TOKEN_2022_PROGRAM, 6, Some(extension)).await.expect("mint with extension");
        let (x, y) = pda::canonical_mints(plain, special);
        (bank, keys_as_given((x, TOKEN_2022_PROGRAM), (y, TOKEN_2022_PROGRAM)))
    }

    async fn assert_extension_refused(extension: MintExtension) {
        let (mut bank, keys) = extension_pair(extension).await;
        assert_create_refused(&mut bank, &keys, Dlex(DlexError::UnsupportedMintExtension)).await;
    }

    #[tokio::test]
    async fn transfer_fee_mint_is_refused() {
        assert_extension_refused(MintExtension::TransferFee).await;
    }

    #[tokio::test]
    async fn transfer_hook_mint_is_refused() {
        assert_extension_refused(MintExtension::TransferHook).await;
    }

    #[tokio::test]
    async fn permanent_delegate_mint_is_refused() {
        assert_extension_refused(MintExtension::PermanentDelegate).await;
    }

    #[tokio::test]
    async fn non_transferable_mint_is_refused() {
        assert_extension_refused(MintExtension::NonTransferable).await;
    }

    #[tokio::test]
    async fn default_frozen_mint_is_refused() {
        assert_extension_refused(MintExtension::DefaultFrozen).await;
    }

    #[tokio::test]
    async fn mint_close_authority_mint_is_refused() {
        assert_extension_refused(MintExtension::MintCloseAuthority).await;
    }

    /// Positive control: interest-bearing only changes the displayed amount; it is accepted.
    #[tokio::test]
    async fn interest_bearing_mint_is_accepted() {
        let (mut bank, keys) = extension_pair(MintExtension::InterestBearing).await;
        let payer = bank.payer_pubkey();
        bank.send(&[ix::create_pair_unsorted(payer, &keys)], &[]).await.expect("interest-bearing mint accepted");
        let pair = bank.pair(keys.pair).await;
        assert_eq!((pair.mint_x, pair.mint_y), (keys.mint_x, keys.mint_y));
    }
}

// =============================================================================================
// open_position
// =============================================================================================

mod open_position {
    use super::*;

    #[tokio::test]
    async fn second_open_position_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let ix = ix::open_position(a.pubkey(), f.keys.pair);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], already_exists()).await;
    }

    /// Anyone can send lamports to a user's future position address; that must not stop the
    /// user from ever opening a position in the pair (same root cause as the pair case).
    #[tokio::test]
    async fn prefunded_position_address_can_still_be_opened() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let c = f.bank.new_funded_keypair(1_000_000_000).await;
        let position = pda::position(f.keys.pair, c.pubkey());
        prefund(&mut f.bank, position).await;
        f.bank.send(&[ix::open_position(c.pubkey(), f.keys.pair)], &[&c]).await.expect("open_position despite the gift");
        assert_eq!(f.bank.position(position).await.expect("position").owner, c.pubkey());
    }

    #[tokio::test]
    async fn position_address_of_another_owner_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let c = f.bank.new_funded_keypair(1_000_000_000).await;
        let ix = replace(
            ix::open_position(c.pubkey(), f.keys.pair),
            pda::position(f.keys.pair, c.pubkey()),
            pda::position(f.keys.pair, Pubkey::new_unique()),
        );
        assert_refused(&mut f, &[&a], ix, &[&c], Anchor(AnchorError::ConstraintSeeds)).await;
    }

    #[tokio::test]
    async fn config_as_pair_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let c = f.bank.new_funded_keypair(1_000_000_000).await;
        let ix = ix::open_position(c.pubkey(), pda::config());
        assert_refused(&mut f, &[], ix, &[&c], Anchor(AnchorError::AccountDiscriminatorMismatch)).await;
        assert!(f.bank.account(pda::position(pda::config(), c.pubkey())).await.is_none());
    }

    #[tokio::test]
    async fn position_as_pair_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let c = f.bank.new_funded_keypair(1_000_000_000).await;
        let a_position = pda::position(f.keys.pair, a.pubkey());
        let ix = ix::open_position(c.pubkey(), a_position);
        assert_refused(&mut f, &[&a], ix, &[&c], Anchor(AnchorError::AccountDiscriminatorMismatch)).await;
    }

    #[tokio::test]
    async fn foreign_account_as_pair_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let c = f.bank.new_funded_keypair(1_000_000_000).await;
        let ix = ix::open_position(c.pubkey(), f.keys.mint_x);
        assert_refused(&mut f, &[], ix, &[&c], Anchor(AnchorError::AccountOwnedByWrongProgram)).await;
    }

    #[tokio::test]
    async fn owner_not_signing_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let c = f.bank.new_funded_keypair(1_000_000_000).await;
        let ix = not_signed(ix::open_position(c.pubkey(), f.keys.pair), c.pubkey());
        assert_refused(&mut f, &[], ix, &[], Anchor(AnchorError::AccountNotSigner)).await;
        assert!(f.bank.account(pda::position(f.keys.pair, c.pubkey())).await.is_none());
    }

    #[tokio::test]
    async fn missing_owner_signature_is_refused_by_the_runtime() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let c = f.bank.new_funded_keypair(1_000_000_000).await;
        let ix = ix::open_position(c.pubkey(), f.keys.pair);
        assert_signature_failure(send_missing_signature(&mut f.bank, ix).await);
        assert!(f.bank.account(pda::position(f.keys.pair, c.pubkey())).await.is_none());
    }
}

// =============================================================================================
// close_position
// =============================================================================================

mod close_position {
    use super::*;

    #[tokio::test]
    async fn position_with_shares_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::close_position(s.a.pubkey(), s.f.keys.pair);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::PositionNotEmpty)).await;
    }

    #[tokio::test]
    async fn position_with_only_a_lending_deposit_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let keys = f.keys;
        f.bank.send(&[ix::deposit(&keys, &a.tokens, Asset::Y, 5, 0)], &[&a.keypair]).await.unwrap();
        let ix = ix::close_position(a.pubkey(), keys.pair);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Dlex(DlexError::PositionNotEmpty)).await;
    }

    #[tokio::test]
    async fn someone_elses_empty_position_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let b = user(&mut f).await;
        let ix = replace(
            ix::close_position(b.pubkey(), f.keys.pair),
            pda::position(f.keys.pair, b.pubkey()),
            pda::position(f.keys.pair, a.pubkey()),
        );
        assert_refused(&mut f, &[&a, &b], ix, &[&b.keypair], Dlex(DlexError::PositionOwnerMismatch)).await;
    }

    #[tokio::test]
    async fn position_of_another_pair_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let other = s.other_pair().await;
        let keys = s.f.keys;
        // A's (empty) position of the other pair, closed through this pair.
        let ix = replace(ix::close_position(s.a.pubkey(), keys.pair), pda::position(keys.pair, s.a.pubkey()), other.a_position);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::PositionPairMismatch)).await;
        assert!(s.f.bank.account(other.a_position).await.is_some());
    }

    #[tokio::test]
    async fn closed_position_cannot_be_closed_again() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let ix = ix::close_position(a.pubkey(), f.keys.pair);
        f.bank.send(std::slice::from_ref(&ix), &[&a.keypair]).await.expect("first close");
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Anchor(AnchorError::AccountOwnedByWrongProgram)).await;
    }

    #[tokio::test]
    async fn owner_not_signing_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let ix = not_signed(ix::close_position(a.pubkey(), f.keys.pair), a.pubkey());
        assert_refused(&mut f, &[&a], ix, &[], Anchor(AnchorError::AccountNotSigner)).await;
    }

    #[tokio::test]
    async fn missing_owner_signature_is_refused_by_the_runtime() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let before = f.snapshot(&[&a]).await;
        let ix = ix::close_position(a.pubkey(), f.keys.pair);
        assert_signature_failure(send_missing_signature(&mut f.bank, ix).await);
        assert_eq!(f.snapshot(&[&a]).await, before);
    }
}

// =============================================================================================
// mint
// =============================================================================================

mod mint {
    use super::*;

    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::mint(keys, user, 1_000_000, 4_000_000, 0)
    }

    position_account_checks!(with_control);

    #[tokio::test]
    async fn zero_max_amount_x_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::mint(&s.f.keys, &s.a.tokens, 0, 4_000_000, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::ZeroAmount)).await;
    }

    #[tokio::test]
    async fn zero_max_amount_y_on_an_empty_pair_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let ix = ix::mint(&f.keys, &a.tokens, 1_000_000, 0, 0);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Dlex(DlexError::ZeroAmount)).await;
    }

    #[tokio::test]
    async fn first_mint_of_1_and_1_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let ix = ix::mint(&f.keys, &a.tokens, 1, 1, 0);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Dlex(DlexError::InsufficientLiquidityMinted)).await;
    }

    /// sqrt(1000 · 1000) = 1000 = MINIMUM_LIQUIDITY: nothing left for the user.
    #[tokio::test]
    async fn first_mint_of_exactly_minimum_liquidity_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let ix = ix::mint(&f.keys, &a.tokens, 1000, 1000, 0);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Dlex(DlexError::InsufficientLiquidityMinted)).await;
    }

    /// 1 X + 1 Y into a 1e9 X / 4e9 Y pool is worth less than one unit of liquidity.
    #[tokio::test]
    async fn later_mint_worth_no_liquidity_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::mint(&s.f.keys, &s.b.tokens, 1, 1, 0);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::InsufficientLiquidityMinted)).await;
    }

    #[tokio::test]
    async fn first_mint_above_balance_is_refused() {
        let mut f = Fixture::new(Flavor::Token2022).await;
        let a = user(&mut f).await;
        let ix = ix::mint(&f.keys, &a.tokens, USER_FUNDS + 1, 1_000_000, 0);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Dlex(DlexError::InsufficientUserBalance)).await;
    }

    #[tokio::test]
    async fn later_mint_above_balance_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let poor = user_holding(&mut s.f, 1_000_000, 1_000_000).await;
        // 2e6 X and 8e6 Y are in the pool's 1:4 ratio: both sides exceed the balance.
        let ix = ix::mint(&s.f.keys, &poor.tokens, 2_000_000, 8_000_000, 0);
        let Setup { f, a, b } = &mut s;
        assert_refused(f, &[&*a, &*b, &poor], ix, &[&poor.keypair], Dlex(DlexError::InsufficientUserBalance)).await;
    }

    #[tokio::test]
    async fn first_mint_of_u64_max_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let ix = ix::mint(&f.keys, &a.tokens, u64::MAX, u64::MAX, 0);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Dlex(DlexError::InsufficientUserBalance)).await;
    }

    #[tokio::test]
    async fn later_mint_of_u64_max_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::mint(&s.f.keys, &s.b.tokens, u64::MAX, u64::MAX, 0);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::InsufficientUserBalance)).await;
    }

    #[tokio::test]
    async fn min_shares_above_first_mint_shares_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        // sqrt(1e9 · 4e9) − 1000 = 1_999_999_000 shares.
        let ix = ix::mint(&f.keys, &a.tokens, 1_000_000_000, 4_000_000_000, 1_999_999_001);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Dlex(DlexError::SlippageSharesOut)).await;
    }

    #[tokio::test]
    async fn min_shares_above_quote_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let pair = s.f.pair().await;
        let quote = dlex_sdk::quote::mint(&pair, s.f.bank.now(), 1_000_000, 4_000_000).expect("quote");
        assert!(quote.shares.0 > 0);
        let ix = ix::mint(&s.f.keys, &s.b.tokens, 1_000_000, 4_000_000, quote.shares.0 + 1);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::SlippageSharesOut)).await;
        // Control: the quoted minimum passes.
        let ix = ix::mint(&s.f.keys, &s.b.tokens, 1_000_000, 4_000_000, quote.shares.0);
        s.f.bank.send(&[ix], &[&s.b.keypair]).await.expect("quoted minimum passes");
    }
}

// =============================================================================================
// burn
// =============================================================================================

mod burn {
    use super::*;

    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::burn(keys, user, 1_000_000, 0, 0)
    }

    position_account_checks!(with_control);

    #[tokio::test]
    async fn zero_shares_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::burn(&s.f.keys, &s.a.tokens, 0, 0, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::ZeroAmount)).await;
    }

    #[tokio::test]
    async fn more_shares_than_held_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let held = s.f.position(&s.a).await.share_balance(TokenKind::DepositL);
        let ix = ix::burn(&s.f.keys, &s.a.tokens, held + 1, 0, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::InsufficientShares)).await;
    }

    #[tokio::test]
    async fn burn_without_any_shares_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let poor = user_holding(&mut s.f, 0, 0).await;
        let ix = ix::burn(&s.f.keys, &poor.tokens, 1, 0, 0);
        let Setup { f, a, b } = &mut s;
        assert_refused(f, &[&*a, &*b, &poor], ix, &[&poor.keypair], Dlex(DlexError::InsufficientShares)).await;
    }

    #[tokio::test]
    async fn u128_max_shares_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::burn(&s.f.keys, &s.a.tokens, u128::MAX, 0, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::InsufficientShares)).await;
    }

    #[tokio::test]
    async fn u64_max_minimum_amounts_are_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::burn(&s.f.keys, &s.a.tokens, 1_000_000, u64::MAX, u64::MAX);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::SlippageAmountOut)).await;
    }

    async fn assert_min_amount_refused(raise_x: bool) {
        let mut s = Setup::new(Flavor::SplToken).await;
        let pair = s.f.pair().await;
        let quote = dlex_sdk::quote::burn(&pair, s.f.bank.now(), 1_000_000).expect("quote");
        let (min_x, min_y) = (quote.flows.x_out, quote.flows.y_out);
        let (min_x, min_y) = if raise_x { (min_x + 1, min_y) } else { (min_x, min_y + 1) };
        let a = s.a.keypair.insecure_clone();
        let ix = ix::burn(&s.f.keys, &s.a.tokens, 1_000_000, min_x, min_y);
        s.refused(ix, &[&a], Dlex(DlexError::SlippageAmountOut)).await;
        // Control: the quoted minima pass.
        let ix = ix::burn(&s.f.keys, &s.a.tokens, 1_000_000, quote.flows.x_out, quote.flows.y_out);
        s.f.bank.send(&[ix], &[&a]).await.expect("quoted minima pass");
    }

    #[tokio::test]
    async fn min_amount_x_above_quote_is_refused() {
        assert_min_amount_refused(true).await;
    }

    #[tokio::test]
    async fn min_amount_y_above_quote_is_refused() {
        assert_min_amount_refused(false).await;
    }

    /// A lopsided pool (2000 X, 1e12 Y): one share is worth less than one unit of X.
    #[tokio::test]
    async fn burn_paying_zero_of_one_side_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        f.bank.send(&[ix::mint(&f.keys, &a.tokens, 2_000, 1_000_000_000_000, 0)], &[&a.keypair]).await.unwrap();
        let ix = ix::burn(&f.keys, &a.tokens, 1, 0, 0);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Dlex(DlexError::InsufficientLiquidityBurned)).await;
    }
}

// =============================================================================================
// swap_exact_in
// =============================================================================================

mod swap_exact_in {
    use super::*;

    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::swap_exact_in(keys, user, SwapDirection::XToY, 1_000_000, 0)
    }

    swap_account_checks!(with_control);

    #[tokio::test]
    async fn zero_amount_in_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::swap_exact_in(&s.f.keys, &s.b.tokens, SwapDirection::XToY, 0, 0);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::InsufficientInputAmount)).await;
    }

    /// 1 Y buys a quarter of a unit of X: nothing.
    #[tokio::test]
    async fn input_too_small_to_buy_anything_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::swap_exact_in(&s.f.keys, &s.b.tokens, SwapDirection::YToX, 1, 0);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::InsufficientOutputAmount)).await;
    }

    #[tokio::test]
    async fn swap_on_an_empty_pair_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let ix = ix::swap_exact_in(&f.keys, &a.tokens, SwapDirection::XToY, 1_000_000, 0);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Dlex(DlexError::PairNotInitialized)).await;
    }

    #[tokio::test]
    async fn amount_above_balance_is_refused() {
        let mut s = Setup::new(Flavor::Token2022).await;
        let poor = user_holding(&mut s.f, 1_000_000, 0).await;
        let ix = ix::swap_exact_in(&s.f.keys, &poor.tokens, SwapDirection::XToY, 1_000_001, 0);
        let Setup { f, a, b } = &mut s;
        assert_refused(f, &[&*a, &*b, &poor], ix, &[&poor.keypair], Dlex(DlexError::InsufficientUserBalance)).await;
    }

    #[tokio::test]
    async fn u64_max_amount_in_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::swap_exact_in(&s.f.keys, &s.b.tokens, SwapDirection::XToY, u64::MAX, 0);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::InsufficientUserBalance)).await;
    }

    #[tokio::test]
    async fn min_amount_out_above_quote_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let pair = s.f.pair().await;
        let quote = dlex_sdk::quote::swap(&pair, s.f.bank.now(), SwapDirection::XToY, SwapAmount::ExactIn(1_000_000)).expect("quote");
        let b = s.b.keypair.insecure_clone();
        let ix = ix::swap_exact_in(&s.f.keys, &s.b.tokens, SwapDirection::XToY, 1_000_000, quote.amount_out + 1);
        s.refused(ix, &[&b], Dlex(DlexError::SlippageAmountOut)).await;
        let ix = ix::swap_exact_in(&s.f.keys, &s.b.tokens, SwapDirection::XToY, 1_000_000, u64::MAX);
        s.refused(ix, &[&b], Dlex(DlexError::SlippageAmountOut)).await;
        // Control: the quoted minimum passes.
        let ix = ix::swap_exact_in(&s.f.keys, &s.b.tokens, SwapDirection::XToY, 1_000_000, quote.amount_out);
        s.f.bank.send(&[ix], &[&b]).await.expect("quoted minimum passes");
    }
}

// =============================================================================================
// swap_exact_out
// =============================================================================================

mod swap_exact_out {
    use super::*;

    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::swap_exact_out(keys, user, SwapDirection::XToY, 1_000_000, u64::MAX)
    }

    swap_account_checks!(with_control);

    #[tokio::test]
    async fn zero_amount_out_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::swap_exact_out(&s.f.keys, &s.b.tokens, SwapDirection::XToY, 0, u64::MAX);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::InsufficientOutputAmount)).await;
    }

    #[tokio::test]
    async fn swap_on_an_empty_pair_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let a = user(&mut f).await;
        let ix = ix::swap_exact_out(&f.keys, &a.tokens, SwapDirection::XToY, 1_000_000, u64::MAX);
        assert_refused(&mut f, &[&a], ix, &[&a.keypair], Dlex(DlexError::PairNotInitialized)).await;
    }

    #[tokio::test]
    async fn input_above_balance_is_refused() {
        let mut s = Setup::new(Flavor::Token2022).await;
        // 1e6 Y costs about 2.5e5 X; the trader holds 1000 X.
        let poor = user_holding(&mut s.f, 1_000, 0).await;
        let ix = ix::swap_exact_out(&s.f.keys, &poor.tokens, SwapDirection::XToY, 1_000_000, u64::MAX);
        let Setup { f, a, b } = &mut s;
        assert_refused(f, &[&*a, &*b, &poor], ix, &[&poor.keypair], Dlex(DlexError::InsufficientUserBalance)).await;
    }

    #[tokio::test]
    async fn output_of_the_whole_reserve_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let reserve_y = s.f.pair().await.reserve_y.get() as u64;
        let ix = ix::swap_exact_out(&s.f.keys, &s.b.tokens, SwapDirection::XToY, reserve_y, u64::MAX);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::InsufficientLiquidity)).await;
    }

    #[tokio::test]
    async fn u64_max_amount_out_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::swap_exact_out(&s.f.keys, &s.b.tokens, SwapDirection::XToY, u64::MAX, u64::MAX);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::InsufficientLiquidity)).await;
    }

    #[tokio::test]
    async fn max_amount_in_below_quote_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let pair = s.f.pair().await;
        let quote = dlex_sdk::quote::swap(&pair, s.f.bank.now(), SwapDirection::YToX, SwapAmount::ExactOut(1_000_000)).expect("quote");
        let b = s.b.keypair.insecure_clone();
        let ix = ix::swap_exact_out(&s.f.keys, &s.b.tokens, SwapDirection::YToX, 1_000_000, quote.amount_in - 1);
        s.refused(ix, &[&b], Dlex(DlexError::SlippageAmountIn)).await;
        let ix = ix::swap_exact_out(&s.f.keys, &s.b.tokens, SwapDirection::YToX, 1_000_000, 0);
        s.refused(ix, &[&b], Dlex(DlexError::SlippageAmountIn)).await;
        // Control: the quoted maximum passes.
        let ix = ix::swap_exact_out(&s.f.keys, &s.b.tokens, SwapDirection::YToX, 1_000_000, quote.amount_in);
        s.f.bank.send(&[ix], &[&b]).await.expect("quoted maximum passes");
    }
}

// =============================================================================================
// deposit
// =============================================================================================

mod deposit {
    use super::*;

    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::deposit(keys, user, Asset::X, 1_000_000, 0)
    }

    position_account_checks!(with_control);

    #[tokio::test]
    async fn zero_amount_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let a = s.a.keypair.insecure_clone();
        for asset in [Asset::X, Asset::Y] {
            let ix = ix::deposit(&s.f.keys, &s.a.tokens, asset, 0, 0);
            s.refused(ix, &[&a], Dlex(DlexError::ZeroAmount)).await;
        }
    }

    #[tokio::test]
    async fn amount_above_balance_is_refused() {
        let mut s = Setup::new(Flavor::Token2022).await;
        let (balance_x, balance_y) = s.f.balances(&s.a).await;
        let a = s.a.keypair.insecure_clone();
        for (asset, balance) in [(Asset::X, balance_x), (Asset::Y, balance_y)] {
            let ix = ix::deposit(&s.f.keys, &s.a.tokens, asset, balance + 1, 0);
            s.refused(ix, &[&a], Dlex(DlexError::InsufficientUserBalance)).await;
        }
    }

    #[tokio::test]
    async fn u64_max_amount_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::deposit(&s.f.keys, &s.a.tokens, Asset::Y, u64::MAX, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::InsufficientUserBalance)).await;
    }

    /// After a day of interest one X deposit share is worth more than one X.
    #[tokio::test]
    async fn deposit_worth_less_than_one_share_is_refused() {
        let mut l = Lent::new().await;
        l.f.bank.warp_seconds(86_400);
        let a = l.a.keypair.insecure_clone();
        let ix = ix::deposit(&l.f.keys, &l.a.tokens, Asset::X, 1, 0);
        l.refused(ix, &[&a], Dlex(DlexError::ZeroSharesMinted)).await;
    }

    #[tokio::test]
    async fn min_shares_above_shares_minted_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let a = s.a.keypair.insecure_clone();
        // Without interest, deposit shares are 1:1 with the amount.
        let ix = ix::deposit(&s.f.keys, &s.a.tokens, Asset::X, 1_000_000, 1_000_001);
        s.refused(ix, &[&a], Dlex(DlexError::SlippageSharesOut)).await;
        let ix = ix::deposit(&s.f.keys, &s.a.tokens, Asset::X, 1_000_000, 1_000_000);
        s.f.bank.send(&[ix], &[&a]).await.expect("exact minimum passes");
    }
}

// =============================================================================================
// withdraw
// =============================================================================================

mod withdraw {
    use super::*;

    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::withdraw(keys, user, Asset::X, 1_000_000, 0)
    }

    position_account_checks!(with_control);

    #[tokio::test]
    async fn zero_shares_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let a = s.a.keypair.insecure_clone();
        for asset in [Asset::X, Asset::Y] {
            let ix = ix::withdraw(&s.f.keys, &s.a.tokens, asset, 0, 0);
            s.refused(ix, &[&a], Dlex(DlexError::ZeroAmount)).await;
        }
    }

    #[tokio::test]
    async fn more_shares_than_held_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let held = s.f.position(&s.a).await.share_balance(TokenKind::DepositX);
        let ix = ix::withdraw(&s.f.keys, &s.a.tokens, Asset::X, held + 1, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::InsufficientShares)).await;
    }

    /// B provides liquidity but lends nothing: no deposit shares of either asset.
    #[tokio::test]
    async fn withdraw_without_deposit_shares_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let b = s.b.keypair.insecure_clone();
        for asset in [Asset::X, Asset::Y] {
            let ix = ix::withdraw(&s.f.keys, &s.b.tokens, asset, 1, 0);
            s.refused(ix, &[&b], Dlex(DlexError::InsufficientShares)).await;
        }
    }

    #[tokio::test]
    async fn u128_max_shares_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::withdraw(&s.f.keys, &s.a.tokens, Asset::Y, u128::MAX, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::InsufficientShares)).await;
    }

    /// Borrows may exceed 90% of the reserve only as far as deposits cover them. A burns 98%
    /// of the liquidity (1.96e10 of its 2e10 L: reserve X ≈ 0.2e9, borrows 0.3e9 X):
    /// withdrawing 0.9e9 of A's 1e9 X deposit would leave borrows above 90% of the reserve plus
    /// the remaining deposits (0.18e9 + 0.1e9), though the vault holds the tokens; withdrawing
    /// 0.8e9 stays within the limit (0.18e9 + 0.2e9).
    #[tokio::test]
    async fn withdraw_breaking_the_90_percent_lending_limit_is_refused() {
        let mut l = Lent::new().await;
        let a = l.a.keypair.insecure_clone();
        l.f.bank.send(&[ix::burn(&l.f.keys, &l.a.tokens, 19_600_000_000, 0, 0)], &[&a]).await.expect("A removes most liquidity");
        let reserve_x = l.f.pair().await.reserve_x.get();
        assert!(reserve_x * 9 / 10 < u128::from(Lent::BORROWED_X), "borrows exceed 90% of the reserve");
        let ix = ix::withdraw(&l.f.keys, &l.a.tokens, Asset::X, 900_000_000, 0);
        l.refused(ix, &[&a], Dlex(DlexError::MaxBorrowReached)).await;
        let ix = ix::withdraw(&l.f.keys, &l.a.tokens, Asset::X, 800_000_000, 0);
        l.f.bank.send(&[ix], &[&a]).await.expect("a withdrawal within the limit passes");
    }

    #[tokio::test]
    async fn min_amount_above_amount_paid_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let a = s.a.keypair.insecure_clone();
        let ix = ix::withdraw(&s.f.keys, &s.a.tokens, Asset::X, 1_000_000, 1_000_001);
        s.refused(ix, &[&a], Dlex(DlexError::SlippageAmountOut)).await;
        let ix = ix::withdraw(&s.f.keys, &s.a.tokens, Asset::X, 1_000_000, u64::MAX);
        s.refused(ix, &[&a], Dlex(DlexError::SlippageAmountOut)).await;
        let ix = ix::withdraw(&s.f.keys, &s.a.tokens, Asset::X, 1_000_000, 1_000_000);
        s.f.bank.send(&[ix], &[&a]).await.expect("exact minimum passes");
    }
}

// =============================================================================================
// borrow
// =============================================================================================

mod borrow {
    use super::*;

    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::borrow(keys, user, Asset::X, 1_000_000)
    }

    // No control here: a borrow needs the pair's price window, which `Setup` does not fill.
    position_account_checks!();

    /// C, who owes X, borrows 10e6 X more: its old and new allocations are in the net-X
    /// tranches, and every wrong saturation account list is refused with its own error.
    #[tokio::test]
    async fn wrong_saturation_accounts_are_refused() {
        let Lent { mut f, a, b, c } = Lent::new().await;
        let ix = ix::borrow(&f.keys, &c.tokens, Asset::X, 10_000_000);
        saturation_account_cases(&mut f, &[&a, &b, &c], ix, &[&c.keypair]).await;
    }

    #[tokio::test]
    async fn zero_amount_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::borrow(&s.f.keys, &s.b.tokens, Asset::X, 0);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::ZeroAmount)).await;
    }

    #[tokio::test]
    async fn asset_the_position_deposits_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::borrow(&s.f.keys, &s.a.tokens, Asset::X, 1_000_000);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::CannotBorrowAgainstSameCollateral)).await;
    }

    #[tokio::test]
    async fn borrow_before_the_price_window_fills_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::borrow(&s.f.keys, &s.b.tokens, Asset::X, 1_000_000);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::PriceWindowNotReady)).await;
    }

    #[tokio::test]
    async fn u64_max_amount_is_refused() {
        let mut l = Lent::new().await;
        let ix = ix::borrow(&l.f.keys, &l.c.tokens, Asset::X, u64::MAX);
        let c = l.c.keypair.insecure_clone();
        l.refused(ix, &[&c], Dlex(DlexError::MaxBorrowReached)).await;
    }
}

// =============================================================================================
// repay
// =============================================================================================

mod repay {
    use super::*;

    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::repay(keys, user, Asset::X, 1_000_000)
    }

    // No control here: a repayment needs debt, which `Setup` does not create.
    position_account_checks!();

    #[tokio::test]
    async fn zero_amount_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::repay(&s.f.keys, &s.a.tokens, Asset::X, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::ZeroAmount)).await;
    }

    #[tokio::test]
    async fn repay_without_debt_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let a = s.a.keypair.insecure_clone();
        for asset in [Asset::X, Asset::Y] {
            let ix = ix::repay(&s.f.keys, &s.a.tokens, asset, 1_000_000);
            s.refused(ix, &[&a], Dlex(DlexError::NothingToRepay)).await;
        }
    }

    /// C owes X; repaying Y debt it does not have is refused.
    #[tokio::test]
    async fn repay_of_the_other_asset_is_refused() {
        let mut l = Lent::new().await;
        let c = l.c.keypair.insecure_clone();
        let ix = ix::repay(&l.f.keys, &l.c.tokens, Asset::Y, 1_000_000);
        l.refused(ix, &[&c], Dlex(DlexError::NothingToRepay)).await;
    }

    /// After a day of interest one debt share is worth more than one X.
    #[tokio::test]
    async fn repayment_worth_less_than_one_debt_share_is_refused() {
        let mut l = Lent::new().await;
        l.f.bank.warp_seconds(86_400);
        let ix = ix::repay(&l.f.keys, &l.c.tokens, Asset::X, 1);
        let c = l.c.keypair.insecure_clone();
        l.refused(ix, &[&c], Dlex(DlexError::RepayTooSmall)).await;
    }

    #[tokio::test]
    async fn debt_above_balance_is_refused() {
        let mut l = Lent::new().await;
        // C pays from a fresh X account holding 1 X, less than it owes: any offer of 2 X or
        // more (u64::MAX included, which means "the whole debt") needs more than it holds.
        let c = l.c.keypair.insecure_clone();
        let program = l.f.flavor.program();
        let poor_x = l.f.bank.create_token_account(l.f.keys.mint_x, l.c.pubkey(), program).await;
        l.f.bank.mint_to(l.f.keys.mint_x, poor_x, 1, program).await;
        let tokens = UserTokens { token_x: poor_x, ..l.c.tokens };
        for amount in [2, u64::MAX] {
            let ix = ix::repay(&l.f.keys, &tokens, Asset::X, amount);
            l.refused(ix, &[&c], Dlex(DlexError::InsufficientUserBalance)).await;
        }
    }

    /// An offer above the debt pulls only the debt (security review L-2): nothing beyond what
    /// is owed leaves the payer, and `u64::MAX` clears the debt.
    #[tokio::test]
    async fn offer_above_the_debt_pulls_only_the_debt() {
        let mut l = Lent::new().await;
        let c = l.c.keypair.insecure_clone();
        let (pair, position) = (l.f.pair().await, l.f.position(&l.c).await);
        let debt = dlex_sdk::quote::repay_all(&pair, &position, l.f.bank.now(), Asset::X).expect("quote");
        let start = l.f.balances(&l.c).await;
        l.f.bank.send(&[ix::repay(&l.f.keys, &l.c.tokens, Asset::X, u64::MAX)], &[&c]).await.expect("repay everything");
        assert_eq!(l.f.balances(&l.c).await, (start.0 - debt, start.1));
        assert_eq!(l.f.position(&l.c).await.share_balance(TokenKind::BorrowX), 0);
        l.f.assert_conservation().await;
    }
}

// =============================================================================================
// borrow_liquidity
// =============================================================================================

mod borrow_liquidity {
    use super::*;
    use dlex::math;
    use dlex_sdk::quote;

    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::borrow_liquidity(keys, user, 1_000_000, 0, 0)
    }

    // No control here: a borrow needs the pair's price window, which `Setup` does not fill
    // (`min_amounts_above_the_payout_are_refused` ends with the control on a ready pair).
    position_account_checks!();

    /// (X, Y) that borrowing `liquidity` L pays out now: the program's own accrual and action
    /// on a copy of the pair (the bank's clock only moves when a test warps it).
    async fn payout(f: &mut Fixture, liquidity: u128) -> (u64, u64) {
        let pair = f.pair().await;
        let (_, mut pool) = quote::pool_at(&pair, f.bank.now()).expect("accrual");
        let outcome = dlex::actions::borrow_liquidity(&mut pool, &mut [0; 6], liquidity).expect("borrow_liquidity action");
        (outcome.flows.x_out, outcome.flows.y_out)
    }

    #[tokio::test]
    async fn zero_liquidity_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::borrow_liquidity(&s.f.keys, &s.a.tokens, 0, 0, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::ZeroAmount)).await;
    }

    #[tokio::test]
    async fn liquidity_above_the_112_bit_limit_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let a = s.a.keypair.insecure_clone();
        for liquidity in [math::MAX_AMOUNT + 1, u128::MAX] {
            let ix = ix::borrow_liquidity(&s.f.keys, &s.a.tokens, liquidity, 0, 0);
            s.refused(ix, &[&a], Dlex(DlexError::AmountTooLarge)).await;
        }
    }

    /// `Setup`'s pool holds 1.5e9 X and 6e9 Y (activeL 3e9): 1 L pays floor(1·3e9/6e9) = 0 X.
    #[tokio::test]
    async fn liquidity_paying_out_zero_x_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::borrow_liquidity(&s.f.keys, &s.a.tokens, 1, 0, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::InsufficientLiquidityBorrowed)).await;
    }

    /// A holds L, X and Y collateral, but the pair's mid-term window has not filled.
    #[tokio::test]
    async fn borrow_before_the_price_window_fills_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::borrow_liquidity(&s.f.keys, &s.a.tokens, 1_000_000, 0, 0);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::PriceWindowNotReady)).await;
    }

    /// The L-borrow limit (spec §6): the X and Y an L borrow takes, fee included, may not
    /// exceed 90% of either reserve. D deposits 1e11 X and 4e11 Y, ten times the pool, so its
    /// collateral is worth far more than any of these borrows; and with both assets deposited
    /// no price makes an L debt below about sqrt(1e11·4e11) = 2e11 L liquidatable (spec §10.4),
    /// so D's borrows need no tranche and only the limit can refuse them. The exact limit (the
    /// program's own check, searched off-chain) is refused one L above it, and so are 95% and
    /// all of the active liquidity.
    #[tokio::test]
    async fn liquidity_beyond_the_l_borrow_limit_is_refused() {
        let mut l = Lent::new().await;
        let d = user(&mut l.f).await;
        let keys = l.f.keys;
        let collateral = [ix::deposit(&keys, &d.tokens, Asset::X, 100_000_000_000, 0), ix::deposit(&keys, &d.tokens, Asset::Y, 400_000_000_000, 0)];
        l.f.bank.send(&collateral, &[&d.keypair]).await.expect("D's collateral");
        let pair = l.f.pair().await;
        let (_, pool) = quote::pool_at(&pair, l.f.bank.now()).expect("accrual");
        let (active, deposit_l) = (pool.active_liquidity(), pool.deposit_l_assets().expect("DL").0);
        let within = |liquidity: u128| {
            let debt = liquidity + math::lending_fee(liquidity);
            dlex::risk::check_max_borrow_for_liquidity(&pool, &pair.depth(), deposit_l, debt).is_ok()
        };
        let (mut lo, mut hi) = (1, active);
        assert!(within(lo) && !within(hi));
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if within(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        assert!(lo * 100 / active == 89, "the limit is just under 90% of activeL ({lo} of {active})");
        let Lent { f, a, b, c } = &mut l;
        for liquidity in [lo + 1, active * 95 / 100, active] {
            let ix = ix::borrow_liquidity(&keys, &d.tokens, liquidity, 0, 0);
            assert_refused(f, &[&*a, &*b, &*c, &d], ix, &[&d.keypair], Dlex(DlexError::MaxBorrowReached)).await;
        }
    }

    /// Twice the pool's active liquidity, or the largest amount accepted, would take more X
    /// and Y than the reserves hold: the L-borrow limit must refuse it like any borrow beyond
    /// 90% (as `borrow` refuses u64::MAX of X), not fail on the reserve subtraction.
    #[tokio::test]
    async fn liquidity_above_the_whole_pool_is_refused() {
        let mut l = Lent::new().await;
        let active = l.f.pair().await.pool().active_liquidity();
        let c = l.c.keypair.insecure_clone();
        for liquidity in [active * 2, math::MAX_AMOUNT] {
            let ix = ix::borrow_liquidity(&l.f.keys, &l.c.tokens, liquidity, 0, 0);
            l.refused(ix, &[&c], Dlex(DlexError::MaxBorrowReached)).await;
        }
    }

    /// B only traded: no collateral at all behind an L debt.
    #[tokio::test]
    async fn borrow_without_collateral_is_refused() {
        let mut l = Lent::new().await;
        let ix = ix::borrow_liquidity(&l.f.keys, &l.b.tokens, 1_000_000, 0, 0);
        let b = l.b.keypair.insecure_clone();
        l.refused(ix, &[&b], Dlex(DlexError::DebtWithoutCollateral)).await;
    }

    /// D deposits 1e7 Y: at the range's low price (~0.16 X per Y) about 4e6 L of collateral.
    /// An L debt nets against it on the Y side and is owed in full on the X side, so 2.5e6 L
    /// leaves ~1.5e6 L of collateral for 2.5e6 L of debt; 5e5 L stays well inside 75%.
    #[tokio::test]
    async fn ltv_above_75_percent_is_refused() {
        let mut l = Lent::new().await;
        let d = user(&mut l.f).await;
        let keys = l.f.keys;
        l.f.bank.send(&[ix::deposit(&keys, &d.tokens, Asset::Y, 10_000_000, 0)], &[&d.keypair]).await.expect("D's collateral");
        let Lent { f, a, b, c } = &mut l;
        let ix = ix::borrow_liquidity(&keys, &d.tokens, 2_500_000, 0, 0);
        assert_refused(f, &[&*a, &*b, &*c, &d], ix, &[&d.keypair], Dlex(DlexError::LtvTooHigh)).await;
        f.bank.send(&[ix::borrow_liquidity(&keys, &d.tokens, 500_000, 0, 0)], &[&d.keypair]).await.expect("a small L borrow passes");
    }

    /// Minima one unit above the X or the Y paid out are refused; the exact payout passes
    /// (the control: a valid borrow on a ready pair pays exactly that and records the debt).
    #[tokio::test]
    async fn min_amounts_above_the_payout_are_refused() {
        let mut l = Lent::new().await;
        let liquidity = 10_000_000;
        let (x, y) = payout(&mut l.f, liquidity).await;
        let keys = l.f.keys;
        let c = l.c.keypair.insecure_clone();
        for (min_x, min_y) in [(x + 1, 0), (0, y + 1), (x + 1, y), (x, y + 1), (u64::MAX, u64::MAX)] {
            let ix = ix::borrow_liquidity(&keys, &l.c.tokens, liquidity, min_x, min_y);
            l.refused(ix, &[&c], Dlex(DlexError::SlippageAmountOut)).await;
        }
        let start = l.f.balances(&l.c).await;
        l.f.bank.send(&[ix::borrow_liquidity(&keys, &l.c.tokens, liquidity, x, y)], &[&c]).await.expect("exact minima pass");
        assert_eq!(l.f.balances(&l.c).await, (start.0 + x, start.1 + y));
        // The first L debt mints shares 1:1: L plus ceil(L·5/1e4) of fee.
        assert_eq!(l.f.position(&l.c).await.share_balance(TokenKind::BorrowL), liquidity + math::lending_fee(liquidity));
        l.f.assert_conservation().await;
    }
}

// =============================================================================================
// repay_liquidity
// =============================================================================================

mod repay_liquidity {
    use super::*;
    use dlex_sdk::quote;

    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::repay_liquidity(keys, user, 1_000_000, 1_000_000, 4_000_000)
    }

    // No control here: a repayment needs L debt, which `Setup` does not create
    // (`repayment_of_l_debt_succeeds` is the control).
    position_account_checks!();

    const BORROWED_L: u128 = 100_000_000;

    /// [`Lent`] where C also owes L: it borrowed [`BORROWED_L`] L.
    async fn lent_liquidity() -> Lent {
        let mut l = Lent::new().await;
        let c = l.c.keypair.insecure_clone();
        l.f.bank.send(&[ix::borrow_liquidity(&l.f.keys, &l.c.tokens, BORROWED_L, 0, 0)], &[&c]).await.expect("L borrow");
        l
    }

    #[tokio::test]
    async fn zero_liquidity_is_refused() {
        let mut l = lent_liquidity().await;
        let c = l.c.keypair.insecure_clone();
        let ix = ix::repay_liquidity(&l.f.keys, &l.c.tokens, 0, u64::MAX, u64::MAX);
        l.refused(ix, &[&c], Dlex(DlexError::ZeroAmount)).await;
    }

    #[tokio::test]
    async fn repay_without_debt_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::repay_liquidity(&s.f.keys, &s.a.tokens, 1_000_000, u64::MAX, u64::MAX);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::NothingToRepay)).await;
    }

    /// C owes X, not L.
    #[tokio::test]
    async fn repay_with_only_x_debt_is_refused() {
        let mut l = Lent::new().await;
        let ix = ix::repay_liquidity(&l.f.keys, &l.c.tokens, 1_000_000, u64::MAX, u64::MAX);
        let c = l.c.keypair.insecure_clone();
        l.refused(ix, &[&c], Dlex(DlexError::NothingToRepay)).await;
    }

    /// After a day of interest one L debt share is worth more than one L, so 1 L is less than
    /// a share.
    #[tokio::test]
    async fn repayment_worth_less_than_one_debt_share_is_refused() {
        let mut l = lent_liquidity().await;
        l.f.bank.warp_seconds(86_400);
        let ix = ix::repay_liquidity(&l.f.keys, &l.c.tokens, 1, u64::MAX, u64::MAX);
        let c = l.c.keypair.insecure_clone();
        l.refused(ix, &[&c], Dlex(DlexError::RepayTooSmall)).await;
    }

    /// Security review L-1: the maxima bound what is pulled. One unit below the quoted amount
    /// of either side is refused with `SlippageAmountIn`, and nothing moves.
    #[tokio::test]
    async fn maxima_below_the_proportional_amounts_are_refused() {
        let mut l = lent_liquidity().await;
        let c = l.c.keypair.insecure_clone();
        let pair = l.f.pair().await;
        let position = l.f.position(&l.c).await;
        let quoted = quote::repay_liquidity(&pair, &position, l.f.bank.now(), 50_000_000).expect("quote");
        let (x, y) = (quoted.flows.x_in, quoted.flows.y_in);
        for (max_x, max_y) in [(x - 1, y), (x, y - 1), (0, 0)] {
            let ix = ix::repay_liquidity(&l.f.keys, &l.c.tokens, 50_000_000, max_x, max_y);
            l.refused(ix, &[&c], Dlex(DlexError::SlippageAmountIn)).await;
        }
    }

    /// Control: a part of the debt at exactly the quoted maxima, then all of it with
    /// `u128::MAX`, which pulls only what the whole debt needs.
    #[tokio::test]
    async fn repayment_of_l_debt_succeeds() {
        let mut l = lent_liquidity().await;
        let keys = l.f.keys;
        let c = l.c.keypair.insecure_clone();
        let pair = l.f.pair().await;
        let position = l.f.position(&l.c).await;
        let held = position.share_balance(TokenKind::BorrowL);
        let part = quote::repay_liquidity(&pair, &position, l.f.bank.now(), 25_000_000).expect("quote");
        assert!(part.shares.0 > 0 && part.shares.0 < held, "a partial repayment");
        assert_eq!(part.repaid.0, 25_000_000);
        let (x, y) = (part.flows.x_in, part.flows.y_in);
        let start = l.f.balances(&l.c).await;
        l.f.bank.send(&[ix::repay_liquidity(&keys, &l.c.tokens, 25_000_000, x, y)], &[&c]).await.expect("a partial repayment passes");
        assert_eq!(l.f.balances(&l.c).await, (start.0 - x, start.1 - y));
        assert_eq!(l.f.position(&l.c).await.share_balance(TokenKind::BorrowL), held - part.shares.0);

        let (pair, position) = (l.f.pair().await, l.f.position(&l.c).await);
        let rest = quote::repay_liquidity(&pair, &position, l.f.bank.now(), u128::MAX).expect("quote");
        let start = l.f.balances(&l.c).await;
        let all = ix::repay_liquidity(&keys, &l.c.tokens, u128::MAX, u64::MAX, u64::MAX);
        l.f.bank.send(&[all], &[&c]).await.expect("repaying everything passes");
        assert_eq!(l.f.balances(&l.c).await, (start.0 - rest.flows.x_in, start.1 - rest.flows.y_in));
        assert_eq!(l.f.position(&l.c).await.share_balance(TokenKind::BorrowL), 0);
        l.f.assert_conservation().await;
    }
}

// =============================================================================================
// liquidate
// =============================================================================================

/// The scene is `liquidation.rs`'s: a pool of 1e9 X / 4e9 Y; a lender supplies 500e6 X; the
/// borrower deposits 400e6 Y and borrows 30e6 X; then 2.5e9 Y are sold and the oracle ticks
/// for another window, so the position is hard-liquidatable (maximum premium 10_091 bips)
/// but not leverage-liquidatable. In the [`Setup`] the shared cases take, A is the
/// liquidator and B the borrower; the lender is a third party with a position and no debt.
mod liquidate {
    use super::*;
    use dlex::actions::{HardLiquidationProposal, LiquidationOutcome, LiquidationRequest};
    use dlex_sdk::{health, liquidation};

    const DEPOSIT_Y: u64 = 400_000_000;
    const BORROW_X: u64 = 30_000_000;
    const SHOCK_Y: u64 = 2_500_000_000;
    /// `build`'s request: a third of the whole hard plan (30_015_000 X repaid for
    /// 293_684_657 Y seized, exactly the maximum premium), as in `liquidation.rs`.
    const REPAY_X: u64 = 10_005_000;
    const SEIZE_Y: u128 = 293_684_657 / 3;

    fn hard(repay_x: u64, seize_y: u128) -> LiquidationRequest {
        LiquidationRequest::Hard(HardLiquidationProposal { repay_x, seize_y, ..Default::default() })
    }

    /// The borrower's keypair, fixed so that `build` (a plain `fn`) can name its position;
    /// every test has its own bank.
    fn borrower_keypair() -> Keypair {
        Keypair::new_from_array([7; 32])
    }

    /// A (`user`) liquidates a third of the borrower's plan, paying at most u64::MAX.
    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        ix::liquidate(keys, user, borrower_keypair().pubkey(), hard(REPAY_X, SEIZE_Y), u64::MAX, u64::MAX)
    }

    struct Scene {
        /// A: the liquidator; B: the borrower.
        s: Setup,
        lender: User,
    }

    impl Scene {
        /// The scene before the shock (`shocked` false: B's position is healthy) or after it.
        /// The LP also keeps the oracle ticking.
        async fn new(flavor: Flavor, shocked: bool) -> Self {
            let mut f = Fixture::new(flavor).await;
            let keys = f.keys;
            let lp = user(&mut f).await;
            let lender = user(&mut f).await;
            let a = user(&mut f).await;
            let keypair = borrower_keypair();
            let tokens = onboard(&mut f.bank, &keys, &keypair, 10_000_000_000, USER_FUNDS, USER_FUNDS).await;
            let b = User { keypair, tokens };
            f.bank.send(&[ix::mint(&keys, &lp.tokens, 1_000_000_000, 4_000_000_000, 0)], &[&lp.keypair]).await.expect("liquidity");
            f.bank.send(&[ix::deposit(&keys, &lender.tokens, Asset::X, 500_000_000, 0)], &[&lender.keypair]).await.expect("X supply");
            f.bank.send(&[ix::deposit(&keys, &b.tokens, Asset::Y, DEPOSIT_Y, 0)], &[&b.keypair]).await.expect("collateral");
            f.fill_price_window(&lp).await;
            f.bank.send(&[ix::borrow(&keys, &b.tokens, Asset::X, BORROW_X)], &[&b.keypair]).await.expect("borrow");
            if shocked {
                let sell = ix::swap_exact_in(&keys, &lp.tokens, SwapDirection::YToX, SHOCK_Y, 0);
                f.bank.send(&[sell], &[&lp.keypair]).await.expect("shock");
                f.fill_price_window(&lp).await;
            }
            Self { s: Setup { f, a, b }, lender }
        }

        /// Sends `ix` (signed by `signers`), asserts the exact error and that the pair, the
        /// vaults, and the liquidator's, borrower's and lender's positions and tokens are
        /// unchanged.
        async fn refused(&mut self, ix: Instruction, signers: &[&Keypair], expected: Expected) {
            let Scene { s: Setup { f, a, b }, lender } = self;
            assert_refused(f, &[&*a, &*b, &*lender], ix, signers, expected).await;
        }

        /// A's liquidation of B with `request` (at most u64::MAX of each token).
        fn request_ix(&self, request: LiquidationRequest) -> Instruction {
            ix::liquidate(&self.s.f.keys, &self.s.a.tokens, self.s.b.pubkey(), request, u64::MAX, u64::MAX)
        }

        async fn request_refused(&mut self, request: LiquidationRequest, expected: Expected) {
            let ix = self.request_ix(request);
            let a = self.s.a.keypair.insecure_clone();
            self.refused(ix, &[&a], expected).await;
        }

        /// The SDK's quote of A's liquidation of B with `request` now.
        async fn quote(&mut self, request: LiquidationRequest) -> LiquidationOutcome {
            let Setup { f, a, b } = &mut self.s;
            let (pair, borrower, liquidator) = (f.pair().await, f.position(b).await, f.position(a).await);
            liquidation::quote(&pair, &borrower, &liquidator, f.bank.now(), request).expect("quote")
        }

        async fn report(&mut self) -> dlex::queries::PositionReport {
            let Setup { f, b, .. } = &mut self.s;
            let (pair, position) = (f.pair().await, f.position(b).await);
            health::position_report(&pair, &position, f.bank.now()).expect("report")
        }
    }

    /// The shared cases' scene: B's position hard-liquidatable.
    async fn liquidatable(flavor: Flavor) -> Setup {
        Scene::new(flavor, true).await.s
    }

    /// Control: `build`'s liquidation does what the SDK quotes: A pays the quoted X (no Y),
    /// B's X debt shares fall by the repaid shares, and the seized Y deposit shares move from
    /// B's position to A's.
    #[tokio::test]
    async fn unmodified_instruction_succeeds() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let report = l.report().await;
        assert!(report.hard_liquidatable && !report.leverage_liquidatable);
        assert_eq!(report.hard_max_premium_bips, 10_091);
        let quoted = l.quote(hard(REPAY_X, SEIZE_Y)).await;
        assert_eq!((quoted.seized[2], quoted.flows.y_in), (SEIZE_Y, 0));
        let Setup { f, a, b } = &mut l.s;
        let (start, borrower, liquidator) = (f.balances(a).await, f.position(b).await, f.position(a).await);
        f.bank.send(&[build(&f.keys, &a.tokens)], &[&a.keypair]).await.expect("the unmodified liquidation succeeds");
        assert_eq!(f.balances(a).await, (start.0 - quoted.flows.x_in, start.1));
        let (borrower_after, liquidator_after) = (f.position(b).await, f.position(a).await);
        let moved = quoted.seized_shares[2];
        assert_eq!(borrower_after.share_balance(TokenKind::BorrowX), borrower.share_balance(TokenKind::BorrowX) - quoted.repaid_shares[1]);
        assert_eq!(borrower_after.share_balance(TokenKind::DepositY), borrower.share_balance(TokenKind::DepositY) - moved);
        assert_eq!(liquidator_after.share_balance(TokenKind::DepositY), liquidator.share_balance(TokenKind::DepositY) + moved);
        f.assert_conservation().await;
    }

    pair_tokens_account_checks!(liquidatable);

    #[tokio::test]
    async fn liquidator_not_signing_is_refused() {
        cases::owner_not_signer(liquidatable(Flavor::SplToken).await, build).await;
    }

    #[tokio::test]
    async fn missing_liquidator_signature_is_refused_by_the_runtime() {
        cases::missing_signature(liquidatable(Flavor::SplToken).await, build).await;
    }

    /// A passes its own position of another pair as the liquidator position.
    #[tokio::test]
    async fn liquidator_position_of_another_pair_is_refused() {
        cases::position_of_another_pair(liquidatable(Flavor::SplToken).await, build).await;
    }

    #[tokio::test]
    async fn missing_liquidator_position_is_refused() {
        cases::missing_position(liquidatable(Flavor::SplToken).await, build).await;
    }

    /// The same position twice: A passes B's position as the liquidator position too (the
    /// positions are `AccountLoader`s, which Anchor's duplicate check leaves out).
    #[tokio::test]
    async fn borrower_position_as_the_liquidators_is_refused() {
        cases::someone_elses_position(liquidatable(Flavor::SplToken).await, build).await;
    }

    /// No one liquidates their own position: A passes its own position as the borrower's
    /// (the same position twice the other way), and B signs as its own liquidator with its own
    /// tokens and position.
    #[tokio::test]
    async fn self_liquidation_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let keys = l.s.f.keys;
        let (a, b) = (&l.s.a, &l.s.b);
        for (user, tokens) in [(a.keypair.insecure_clone(), a.tokens), (b.keypair.insecure_clone(), b.tokens)] {
            let ix = ix::liquidate(&keys, &tokens, user.pubkey(), hard(REPAY_X, SEIZE_Y), u64::MAX, u64::MAX);
            l.refused(ix, &[&user], Dlex(DlexError::SelfLiquidation)).await;
        }
    }

    /// A liquidates a third of B's plan: the borrower's allocation moves, and every wrong
    /// saturation account list is refused with its own error (liquidations are never refused
    /// for capacity, but they are for a malformed account list).
    #[tokio::test]
    async fn wrong_saturation_accounts_are_refused() {
        let Scene { s: Setup { mut f, a, b }, lender } = Scene::new(Flavor::SplToken, true).await;
        let ix = build(&f.keys, &a.tokens);
        saturation_account_cases(&mut f, &[&a, &b, &lender], ix, &[&a.keypair]).await;
    }

    /// A signs and passes the lender's position as the liquidator position.
    #[tokio::test]
    async fn someone_elses_position_as_the_liquidators_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let (keys, a) = (l.s.f.keys, l.s.a.keypair.insecure_clone());
        let ix = replace(build(&keys, &l.s.a.tokens), pda::position(keys.pair, a.pubkey()), pda::position(keys.pair, l.lender.pubkey()));
        l.refused(ix, &[&a], Dlex(DlexError::PositionOwnerMismatch)).await;
    }

    /// B's position of another pair (where it owes nothing) as the borrower position.
    #[tokio::test]
    async fn borrower_position_of_another_pair_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let other = l.s.other_pair().await;
        let (keys, a, b) = (l.s.f.keys, l.s.a.keypair.insecure_clone(), l.s.b.keypair.insecure_clone());
        l.s.f.bank.send(&[ix::open_position(b.pubkey(), other.keys.pair)], &[&b]).await.expect("B's position in the other pair");
        let ix = replace(build(&keys, &l.s.a.tokens), pda::position(keys.pair, b.pubkey()), pda::position(other.keys.pair, b.pubkey()));
        l.refused(ix, &[&a], Dlex(DlexError::PositionPairMismatch)).await;
    }

    #[tokio::test]
    async fn missing_borrower_position_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let (keys, a) = (l.s.f.keys, l.s.a.keypair.insecure_clone());
        let nobody = pda::position(keys.pair, Pubkey::new_unique());
        let ix = replace(build(&keys, &l.s.a.tokens), pda::position(keys.pair, l.s.b.pubkey()), nobody);
        l.refused(ix, &[&a], Anchor(AnchorError::AccountOwnedByWrongProgram)).await;
    }

    /// The lender signs as liquidator (with its own position) but pays from A's token
    /// accounts: nothing in `PairTokens` ties the user's token accounts to the signer; the
    /// token program refuses the lender's authority over A's account.
    #[tokio::test]
    async fn liquidator_paying_with_someone_elses_tokens_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let lender = l.lender.keypair.insecure_clone();
        let tokens = UserTokens { owner: lender.pubkey(), ..l.s.a.tokens };
        let ix = build(&l.s.f.keys, &tokens);
        l.refused(ix, &[&lender], Token(TokenError::OwnerMismatch)).await;
    }

    #[tokio::test]
    async fn empty_proposal_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        l.request_refused(hard(0, 0), Dlex(DlexError::EmptyLiquidation)).await;
    }

    /// Every Y deposit for nothing, every Y deposit for the whole debt, twice the Y of the
    /// request `build` sends: premiums above the maximum.
    #[tokio::test]
    async fn seizures_above_the_maximum_premium_are_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        for (repay_x, seize_y) in [(0, u128::MAX), (u64::MAX, u128::MAX), (REPAY_X, 2 * SEIZE_Y)] {
            l.request_refused(hard(repay_x, seize_y), Dlex(DlexError::LiquidationPremiumTooHigh)).await;
        }
    }

    /// B owes only X and deposits only Y: repaying L or Y debt, or seizing L or X deposits,
    /// is refused however much is asked.
    #[tokio::test]
    async fn legs_the_borrower_does_not_hold_are_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let proposal = HardLiquidationProposal { repay_x: REPAY_X, seize_y: SEIZE_Y, ..Default::default() };
        for leg in [HardLiquidationProposal { repay_l: u128::MAX, ..proposal }, HardLiquidationProposal { repay_y: u64::MAX, ..proposal }] {
            l.request_refused(LiquidationRequest::Hard(leg), Dlex(DlexError::NothingToRepay)).await;
        }
        for leg in [HardLiquidationProposal { seize_l: u128::MAX, ..proposal }, HardLiquidationProposal { seize_x: u128::MAX, ..proposal }] {
            l.request_refused(LiquidationRequest::Hard(leg), Dlex(DlexError::NothingToSeize)).await;
        }
    }

    /// One unit below the X the request pulls (and no allowance at all) is refused; the
    /// exact amount passes.
    #[tokio::test]
    async fn maxima_below_the_amount_paid_are_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let x = l.quote(hard(REPAY_X, SEIZE_Y)).await.flows.x_in;
        let (keys, a) = (l.s.f.keys, l.s.a.keypair.insecure_clone());
        let b = l.s.b.pubkey();
        for (max_x, max_y) in [(x - 1, u64::MAX), (0, u64::MAX), (0, 0)] {
            let ix = ix::liquidate(&keys, &l.s.a.tokens, b, hard(REPAY_X, SEIZE_Y), max_x, max_y);
            l.refused(ix, &[&a], Dlex(DlexError::SlippageAmountIn)).await;
        }
        let exact = ix::liquidate(&keys, &l.s.a.tokens, b, hard(REPAY_X, SEIZE_Y), x, 0);
        l.s.f.bank.send(&[exact], &[&a]).await.expect("the exact maxima pass");
    }

    /// A pays from an X account holding one unit less than the request pulls (or nothing);
    /// offering the whole debt (`u64::MAX`) needs even more.
    #[tokio::test]
    async fn repayment_above_the_liquidators_balance_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let x = l.quote(hard(REPAY_X, SEIZE_Y)).await.flows.x_in;
        let (keys, a, b) = (l.s.f.keys, l.s.a.keypair.insecure_clone(), l.s.b.pubkey());
        let program = l.s.f.flavor.program();
        for held in [x - 1, 0] {
            let poor_x = l.s.f.bank.create_token_account(keys.mint_x, a.pubkey(), program).await;
            if held > 0 {
                l.s.f.bank.mint_to(keys.mint_x, poor_x, held, program).await;
            }
            let tokens = UserTokens { token_x: poor_x, ..l.s.a.tokens };
            for request in [hard(REPAY_X, SEIZE_Y), hard(u64::MAX, SEIZE_Y)] {
                let ix = ix::liquidate(&keys, &tokens, b, request, u64::MAX, u64::MAX);
                l.refused(ix, &[&a], Dlex(DlexError::InsufficientUserBalance)).await;
                assert_eq!(l.s.f.bank.token_balance(poor_x).await, held);
            }
        }
    }

    /// Before the shock B's position is healthy: its maximum premium is 0, so no hard
    /// liquidation passes (not even one seizing nothing), and the leverage kind pays no
    /// premium.
    #[tokio::test]
    async fn healthy_position_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, false).await;
        assert!(!l.report().await.hard_liquidatable);
        for request in [hard(REPAY_X, SEIZE_Y), hard(u64::MAX, 0)] {
            l.request_refused(request, Dlex(DlexError::PositionNotLiquidatable)).await;
        }
        l.request_refused(LiquidationRequest::Leverage, Dlex(DlexError::LiquidationZeroPremium)).await;
    }

    /// After the shock the position is hard- but not leverage-liquidatable.
    #[tokio::test]
    async fn leverage_of_a_position_below_the_leverage_threshold_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        l.request_refused(LiquidationRequest::Leverage, Dlex(DlexError::LiquidationZeroPremium)).await;
    }

    /// The lender's position holds an X deposit and no debt.
    #[tokio::test]
    async fn position_without_debt_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let (keys, a) = (l.s.f.keys, l.s.a.keypair.insecure_clone());
        let ix = ix::liquidate(&keys, &l.s.a.tokens, l.lender.pubkey(), hard(REPAY_X, SEIZE_Y), u64::MAX, u64::MAX);
        l.refused(ix, &[&a], Dlex(DlexError::NothingToLiquidate)).await;
    }

    /// A borrows Y (against an X deposit): its position may not receive Y deposit shares.
    #[tokio::test]
    async fn seizing_an_asset_the_liquidator_borrows_is_refused() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let (keys, a) = (l.s.f.keys, l.s.a.keypair.insecure_clone());
        l.s.f.bank.send(&[ix::deposit(&keys, &l.s.a.tokens, Asset::X, 100_000_000, 0)], &[&a]).await.expect("A's X collateral");
        l.s.f.bank.send(&[ix::borrow(&keys, &l.s.a.tokens, Asset::Y, 1_000_000)], &[&a]).await.expect("A borrows Y");
        l.refused(build(&keys, &l.s.a.tokens), &[&a], Dlex(DlexError::CannotDepositBorrowedAsset)).await;
    }

    /// `u64::MAX` of X and nothing seized is a legitimate repayment of the whole debt by a
    /// third party (premium 0, within the maximum): A pays exactly the debt, B owes nothing
    /// and keeps its whole deposit, A's position is unchanged; B can then no longer be
    /// liquidated.
    #[tokio::test]
    async fn whole_debt_repaid_for_nothing_is_accepted() {
        let mut l = Scene::new(Flavor::SplToken, true).await;
        let Setup { f, a, b } = &mut l.s;
        let (pair, borrower, liquidator) = (f.pair().await, f.position(b).await, f.position(a).await);
        let debt = dlex_sdk::quote::repay_all(&pair, &borrower, f.bank.now(), Asset::X).expect("quote");
        let (start, b_tokens) = (f.balances(a).await, f.balances(b).await);
        let whole = ix::liquidate(&f.keys, &a.tokens, b.pubkey(), hard(u64::MAX, 0), u64::MAX, 0);
        f.bank.send(&[whole], &[&a.keypair]).await.expect("a whole repayment");
        assert_eq!(f.balances(a).await, (start.0 - debt, start.1));
        assert_eq!(f.balances(b).await, b_tokens);
        let borrower_after = f.position(b).await;
        assert_eq!(borrower_after.share_balance(TokenKind::BorrowX), 0);
        assert_eq!(borrower_after.share_balance(TokenKind::DepositY), borrower.share_balance(TokenKind::DepositY));
        assert_eq!(f.position(a).await.balances(), liquidator.balances());
        f.assert_conservation().await;
        l.request_refused(hard(REPAY_X, SEIZE_Y), Dlex(DlexError::NothingToLiquidate)).await;
    }
}

// =============================================================================================
// execute (its list-specific refusals are in execute.rs)
// =============================================================================================

mod execute {
    use super::*;
    use dlex::actions::Leg;

    /// A deposit of X and one of Y in one list, paying at most what they need.
    fn build(keys: &PairKeys, user: &UserTokens) -> Instruction {
        let legs = vec![Leg::Deposit { asset: Asset::X, amount: 1_000_000, min_shares: 0 }, Leg::Deposit { asset: Asset::Y, amount: 2_000_000, min_shares: 0 }];
        ix::execute(keys, user, legs, -1_000_000, -2_000_000)
    }

    position_account_checks!(with_control);

    /// A leg's own limit still applies inside the list: the deposit that mints fewer shares
    /// than asked fails the whole list.
    #[tokio::test]
    async fn a_legs_own_limit_is_enforced() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let legs = vec![Leg::Deposit { asset: Asset::Y, amount: 1_000, min_shares: 0 }, Leg::Deposit { asset: Asset::X, amount: 1_000, min_shares: u128::MAX }];
        let ix = ix::execute(&s.f.keys, &s.a.tokens, legs, i64::MIN, i64::MIN);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::SlippageSharesOut)).await;
    }

    /// Net amounts above the user's balance are refused by the same early check as a plain
    /// deposit's, after the list was judged.
    #[tokio::test]
    async fn net_amount_above_balance_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let (balance_x, _) = s.f.balances(&s.a).await;
        let legs = vec![Leg::Deposit { asset: Asset::X, amount: balance_x / 2 + 1, min_shares: 0 }, Leg::Deposit { asset: Asset::X, amount: balance_x / 2 + 1, min_shares: 0 }];
        let ix = ix::execute(&s.f.keys, &s.a.tokens, legs, i64::MIN, i64::MIN);
        let a = s.a.keypair.insecure_clone();
        s.refused(ix, &[&a], Dlex(DlexError::InsufficientUserBalance)).await;
    }
}

// =============================================================================================
// collect_protocol_fees
// =============================================================================================

mod collect_protocol_fees {
    use super::*;

    #[tokio::test]
    async fn signer_other_than_the_fee_recipient_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let ix = ix::collect_protocol_fees(s.b.pubkey(), s.f.keys.pair);
        let b = s.b.keypair.insecure_clone();
        s.refused(ix, &[&b], Dlex(DlexError::NotFeeRecipient)).await;
    }

    #[tokio::test]
    async fn someone_elses_position_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let recipient = s.f.bank.payer_pubkey();
        let pair = s.f.keys.pair;
        let ix = replace(ix::collect_protocol_fees(recipient, pair), pda::position(pair, recipient), pda::position(pair, s.b.pubkey()));
        s.refused(ix, &[], Dlex(DlexError::PositionOwnerMismatch)).await;
    }

    #[tokio::test]
    async fn position_of_another_pair_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let other = s.other_pair().await;
        let recipient = s.f.bank.payer_pubkey();
        s.f.bank.send(&[ix::open_position(recipient, other.keys.pair)], &[]).await.expect("recipient's position in the other pair");
        let pair = s.f.keys.pair;
        let ix =
            replace(ix::collect_protocol_fees(recipient, pair), pda::position(pair, recipient), pda::position(other.keys.pair, recipient));
        s.refused(ix, &[], Dlex(DlexError::PositionPairMismatch)).await;
    }

    #[tokio::test]
    async fn position_as_pair_is_refused() {
        let mut s = Setup::new(Flavor::SplToken).await;
        let recipient = s.f.bank.payer_pubkey();
        let pair = s.f.keys.pair;
        let mut ix = ix::collect_protocol_fees(recipient, pair);
        let pair_index = ix.accounts.iter().position(|m| m.pubkey == pair).expect("pair meta");
        ix.accounts[pair_index].pubkey = pda::position(pair, s.a.pubkey());
        s.refused(ix, &[], Anchor(AnchorError::AccountDiscriminatorMismatch)).await;
    }
}
