//! Shared fixture of the integration tests: a bank with a pair of two fresh mints (SPL Token
//! or Token-2022), funded users with token accounts and positions, and the checks every test
//! repeats (conservation, exact error codes, "nothing changed").

use anchor_lang::prelude::Pubkey;
use dlex::actions::{Asset, SwapDirection};
use dlex::state::{Pair, Position};
use dlex_sdk::bank::{Bank, TOKEN_2022_PROGRAM, TOKEN_PROGRAM};
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::{pda, PairKeys};
use solana_program_test::BanksClientError;
use solana_sdk::instruction::InstructionError;
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;
use solana_sdk::transaction::TransactionError;

pub use dlex::errors::DlexError;

/// Mid-term TWAP interval of test pairs (seconds) and the long-term one (14×).
pub const MID: u32 = 8;
pub const LONG: u32 = 8 * 14;
/// Tokens every user starts with, of each mint.
pub const USER_FUNDS: u64 = 1_000_000_000_000_000;

/// Which token program the fixture's mints use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    SplToken,
    Token2022,
}

impl Flavor {
    pub fn program(self) -> Pubkey {
        match self {
            Flavor::SplToken => TOKEN_PROGRAM,
            Flavor::Token2022 => TOKEN_2022_PROGRAM,
        }
    }
}

pub struct User {
    pub keypair: Keypair,
    pub tokens: UserTokens,
}

impl User {
    pub fn pubkey(&self) -> Pubkey {
        self.keypair.pubkey()
    }

    /// A copy (the keypair too), for tests that hand a user to a keeper or a helper while
    /// the scene keeps it.
    pub fn insecure_clone(&self) -> User {
        User { keypair: self.keypair.insecure_clone(), tokens: self.tokens }
    }
}

pub struct Fixture {
    pub bank: Bank,
    pub keys: PairKeys,
    pub flavor: Flavor,
}

impl Fixture {
    /// Config + a pair of two new mints (6 decimals) under `flavor`'s token program.
    pub async fn new(flavor: Flavor) -> Self {
        Self::on(Bank::start().await, flavor).await
    }

    /// [`Fixture::new`] on a bank the caller started (`dlex-cu` starts one from `dlex.so`).
    pub async fn on(mut bank: Bank, flavor: Flavor) -> Self {
        let admin = bank.payer_pubkey();
        bank.send(&[ix::init_config(admin, admin, MID, LONG)], &[]).await.expect("init_config");
        let program = flavor.program();
        let mint_a = bank.create_mint(program, 6, None).await.expect("mint a");
        let mint_b = bank.create_mint(program, 6, None).await.expect("mint b");
        let (create, keys) = ix::create_pair(admin, (mint_a, program), (mint_b, program));
        bank.send(&[create], &[]).await.expect("create_pair");
        Self { bank, keys, flavor }
    }

    /// A fixture whose pair holds 1e9 X / 4e9 Y from one LP, with a trader to keep the oracle
    /// ticking: `(fixture, lp, trader)`.
    pub async fn with_pool(flavor: Flavor) -> (Self, User, User) {
        Self::with_pool_on(Bank::start().await, flavor).await
    }

    /// [`Fixture::with_pool`] on a bank the caller started.
    pub async fn with_pool_on(bank: Bank, flavor: Flavor) -> (Self, User, User) {
        let mut f = Self::on(bank, flavor).await;
        let lp = f.user().await;
        let trader = f.user().await;
        f.bank.send(&[ix::mint(&f.keys, &lp.tokens, 1_000_000_000, 4_000_000_000, 0)], &[&lp.keypair]).await.expect("first mint");
        (f, lp, trader)
    }

    /// A fixture whose pair holds 10e9 X / 40e9 Y (price 0.25 X per Y) with a lender supplying
    /// 2e9 X and `supply_y` Y, after three price windows, so that the long-term TWAP buffer has
    /// filled too and the range for new risk has lost its warm-up widening (spec §8.5):
    /// `(fixture, trader)`. Leveraged positions (`execute`, the recipes) open on it.
    pub async fn with_lent_deep_pool(flavor: Flavor, supply_y: u64) -> (Self, User) {
        let (mut f, lp, trader) = Self::with_pool(flavor).await;
        let keys = f.keys;
        f.bank.send(&[ix::mint(&keys, &lp.tokens, 9_000_000_000, 36_000_000_000, 0)], &[&lp.keypair]).await.expect("deeper liquidity");
        let lender = f.user().await;
        let mut supply = vec![ix::deposit(&keys, &lender.tokens, Asset::X, 2_000_000_000, 0)];
        if supply_y > 0 {
            supply.push(ix::deposit(&keys, &lender.tokens, Asset::Y, supply_y, 0));
        }
        f.bank.send(&supply, &[&lender.keypair]).await.expect("supply");
        for _ in 0..3 {
            f.fill_price_window(&trader).await;
        }
        (f, trader)
    }

    /// A funded user with X and Y token accounts holding [`USER_FUNDS`] each, and an open position.
    pub async fn user(&mut self) -> User {
        let (keypair, tokens) = self.bank.new_user(&self.keys, USER_FUNDS, USER_FUNDS).await.expect("open_position");
        User { keypair, tokens }
    }

    /// 50 observation intervals, each with a small swap by `trader` (alternating directions):
    /// the pair's mid-term TWAP window fills and borrowing becomes possible.
    pub async fn fill_price_window(&mut self, trader: &User) {
        for i in 0..50 {
            self.bank.warp_seconds(i64::from(MID));
            let direction = if i % 2 == 0 { SwapDirection::XToY } else { SwapDirection::YToX };
            let swap = ix::swap_exact_in(&self.keys, &trader.tokens, direction, 10_000, 0);
            self.bank.send(&[swap], &[&trader.keypair]).await.expect("oracle tick");
        }
        assert!(self.pair().await.observations.is_mid_term_ready());
    }

    pub async fn pair(&mut self) -> Pair {
        self.bank.pair(self.keys.pair).await
    }

    pub async fn position(&mut self, user: &User) -> Position {
        self.bank.position(pda::position(self.keys.pair, user.pubkey())).await.expect("position exists")
    }

    /// The user's limits as the instructions judge them now, tranche rules included
    /// (`health::position_limits_with_tranches` on every tranche of the pair).
    pub async fn limits(&mut self, user: &User) -> dlex_sdk::health::PositionLimits {
        let pair = self.pair().await;
        let position = self.position(user).await;
        let tranches = dlex_sdk::saturation::tranche_book(&mut self.bank, self.keys.pair).await.expect("tranches");
        dlex_sdk::health::position_limits_with_tranches(&pair, &position, Some(&tranches), self.bank.now(), false).expect("limits")
    }

    /// (X, Y) held by the user's token accounts.
    pub async fn balances(&mut self, user: &User) -> (u64, u64) {
        (self.bank.token_balance(user.tokens.token_x).await, self.bank.token_balance(user.tokens.token_y).await)
    }

    /// (X, Y) held by the vaults.
    pub async fn vaults(&mut self) -> (u64, u64) {
        (self.bank.token_balance(self.keys.vault_x).await, self.bank.token_balance(self.keys.vault_y).await)
    }

    /// Design §7: each vault holds exactly reserve + deposits − borrows (nobody donated).
    pub async fn assert_conservation(&mut self) {
        let pool = self.pair().await.pool();
        let (vault_x, vault_y) = self.vaults().await;
        assert_eq!(u128::from(vault_x), pool.expected_vault_x().unwrap(), "vault X == reserve + deposits - borrows");
        assert_eq!(u128::from(vault_y), pool.expected_vault_y().unwrap(), "vault Y == reserve + deposits - borrows");
    }

    /// Every byte of the pair, the users' positions and token balances, and the vaults.
    pub async fn snapshot(&mut self, users: &[&User]) -> Snapshot {
        let pair = self.bank.account(self.keys.pair).await.unwrap().data;
        let vaults = self.vaults().await;
        let mut positions = Vec::new();
        let mut tokens = Vec::new();
        for user in users {
            positions.push(self.bank.account(pda::position(self.keys.pair, user.pubkey())).await.map(|a| a.data));
            tokens.push(self.balances(user).await);
        }
        Snapshot { pair, vaults, positions, tokens }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub pair: Vec<u8>,
    pub vaults: (u64, u64),
    pub positions: Vec<Option<Vec<u8>>>,
    pub tokens: Vec<(u64, u64)>,
}

/// The custom error code a failed transaction returned.
pub fn error_code(result: Result<(), BanksClientError>) -> u32 {
    match result {
        Err(BanksClientError::TransactionError(TransactionError::InstructionError(_, InstructionError::Custom(code)))) => code,
        Err(BanksClientError::SimulationError { err: TransactionError::InstructionError(_, InstructionError::Custom(code)), .. }) => code,
        other => panic!("expected a custom program error, got {other:?}"),
    }
}

/// The code Anchor assigns to a `DlexError` variant.
pub fn dlex_code(error: DlexError) -> u32 {
    anchor_lang::error::ERROR_CODE_OFFSET + error as u32
}

/// The code of one of Anchor's own errors (account checks).
pub fn anchor_code(error: anchor_lang::error::ErrorCode) -> u32 {
    error as u32
}

/// Asserts the transaction failed with `error`.
pub fn assert_dlex_error(result: Result<(), BanksClientError>, error: DlexError) {
    assert_eq!(error_code(result), dlex_code(error), "expected {error:?}");
}

/// Random cases per property run: `DLEX_PROPTEST_CASES`, else proptest's own
/// `PROPTEST_CASES`, else `default` (the suites use 1,000 so CI runs at least that many).
pub fn proptest_cases(default: u32) -> u32 {
    ["DLEX_PROPTEST_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|name| std::env::var(name).ok())
        .map(|value| value.trim().parse().unwrap_or_else(|_| panic!("the case count {value:?} is not a number")))
        .unwrap_or(default)
}

/// The most a solvent position's maximum hard-liquidation premium may be: a position that
/// solvency accepts is never profitably liquidatable, let alone into bad debt
/// (`MAX_PREMIUM_IN_BIPS` is 11_111).
pub const SOLVENT_MAX_PREMIUM_BIPS: u128 = 10_000;

/// Several mints and pairs on one bank, for routes: `mints[i]` is a mint under `flavors[i]`'s
/// token program, `pairs[j]` a pair of two of them with liquidity from one LP, and the
/// trader holds [`USER_FUNDS`] of every mint.
pub struct Network {
    pub bank: Bank,
    pub mints: Vec<(Pubkey, Pubkey)>,
    pub pairs: Vec<PairKeys>,
    pub trader: Keypair,
    /// The trader's token account of each mint, by mint index.
    pub trader_accounts: Vec<Pubkey>,
}

impl Network {
    /// Mints under `flavors`, and for each `(a, b, amount_a, amount_b)` a pair of mints `a` and
    /// `b` holding those amounts; then 10 observation intervals with a small swap on every
    /// pair, so the oracles have ticked.
    pub async fn new(flavors: &[Flavor], pairs: &[(usize, usize, u64, u64)]) -> Network {
        let mut bank = Bank::start().await;
        let admin = bank.payer_pubkey();
        bank.send(&[ix::init_config(admin, admin, MID, LONG)], &[]).await.expect("init_config");
        let mut mints = Vec::new();
        for flavor in flavors {
            mints.push((bank.create_mint(flavor.program(), 6, None).await.expect("mint"), flavor.program()));
        }
        let trader = bank.new_funded_keypair(10_000_000_000).await;
        let lp = bank.new_funded_keypair(10_000_000_000).await;
        let mut trader_accounts = Vec::new();
        let mut lp_accounts = Vec::new();
        for &(mint, program) in &mints {
            for (owner, accounts) in [(trader.pubkey(), &mut trader_accounts), (lp.pubkey(), &mut lp_accounts)] {
                let account = bank.create_token_account(mint, owner, program).await;
                bank.mint_to(mint, account, USER_FUNDS, program).await;
                accounts.push(account);
            }
        }
        let mut network = Network { bank, mints, pairs: Vec::new(), trader, trader_accounts };
        for &(a, b, amount_a, amount_b) in pairs {
            let (create, keys) = ix::create_pair(admin, network.mints[a], network.mints[b]);
            network.bank.send(&[create, ix::open_position(lp.pubkey(), keys.pair)], &[&lp]).await.expect("create_pair");
            let lp_tokens = network.tokens_of(&lp_accounts, lp.pubkey(), &keys);
            let (max_x, max_y) = if keys.mint_x == network.mints[a].0 { (amount_a, amount_b) } else { (amount_b, amount_a) };
            network.bank.send(&[ix::mint(&keys, &lp_tokens, max_x, max_y, 0)], &[&lp]).await.expect("liquidity");
            network.pairs.push(keys);
        }
        for i in 0..10u32 {
            network.bank.warp_seconds(i64::from(MID));
            let direction = if i % 2 == 0 { SwapDirection::XToY } else { SwapDirection::YToX };
            for keys in network.pairs.clone() {
                let tokens = network.trader_tokens(&keys);
                network.bank.send(&[ix::swap_exact_in(&keys, &tokens, direction, 10_000, 0)], &[&network.trader]).await.expect("oracle tick");
            }
        }
        network
    }

    /// `owner`'s accounts (by mint index in `accounts`) as the pair's X and Y accounts.
    fn tokens_of(&self, accounts: &[Pubkey], owner: Pubkey, keys: &PairKeys) -> UserTokens {
        let account = |mint: Pubkey| accounts[self.mints.iter().position(|(m, _)| *m == mint).expect("a network mint")];
        UserTokens { owner, token_x: account(keys.mint_x), token_y: account(keys.mint_y) }
    }

    /// The trader's token accounts for one pair.
    pub fn trader_tokens(&self, keys: &PairKeys) -> UserTokens {
        self.tokens_of(&self.trader_accounts, self.trader.pubkey(), keys)
    }

    /// Every pair as it stands, with its address.
    pub async fn pairs_now(&mut self) -> Vec<(Pubkey, Pair)> {
        let mut pairs = Vec::new();
        for keys in self.pairs.clone() {
            pairs.push((keys.pair, self.bank.pair(keys.pair).await));
        }
        pairs
    }

    /// The trader's balance of every mint, then every vault's balance.
    pub async fn balances(&mut self) -> (Vec<u64>, Vec<(u64, u64)>) {
        let mut trader = Vec::new();
        for account in self.trader_accounts.clone() {
            trader.push(self.bank.token_balance(account).await);
        }
        let mut vaults = Vec::new();
        for keys in self.pairs.clone() {
            vaults.push((self.bank.token_balance(keys.vault_x).await, self.bank.token_balance(keys.vault_y).await));
        }
        (trader, vaults)
    }

    /// Design §7 on every pair: each vault holds exactly reserve + deposits − borrows.
    pub async fn assert_conservation(&mut self) {
        for keys in self.pairs.clone() {
            let pool = self.bank.pair(keys.pair).await.pool();
            assert_eq!(u128::from(self.bank.token_balance(keys.vault_x).await), pool.expected_vault_x().unwrap(), "vault X of {}", keys.pair);
            assert_eq!(u128::from(self.bank.token_balance(keys.vault_y).await), pool.expected_vault_y().unwrap(), "vault Y of {}", keys.pair);
        }
    }

    /// Every byte of every pair, and the balances: what "nothing changed" compares.
    pub async fn snapshot(&mut self) -> (Vec<Vec<u8>>, Vec<u64>, Vec<(u64, u64)>) {
        let mut pairs = Vec::new();
        for keys in self.pairs.clone() {
            pairs.push(self.bank.account(keys.pair).await.expect("pair").data);
        }
        let (trader, vaults) = self.balances().await;
        (pairs, trader, vaults)
    }
}

/// A seeded xorshift64 generator: the deterministic randomness of the seeded tests and benches.
pub fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
