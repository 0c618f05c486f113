//! `DlexAmm` used the way an aggregator uses it, on the in-process bank: load the pair from its
//! account data (`from_keyed_account`), `update` it with the accounts it asks for and the
//! bank's Clock in the `AmmContext`, `quote`, build the swap from `get_swap_and_account_metas`,
//! execute it, and compare the token balances with the quote to the unit.
//!
//! The states are random (a seeded generator, so every failure names a reproducible seed and
//! case): pools from 10^7 to 10^13 units deep at prices from 1/1000 to 1000, with a lender and
//! a borrower (so interest accrues), then before each quote random liquidity changes, swaps
//! by another trader and clock warps (within an observation interval, across many, and across
//! days), so the TWAP, the fee anchor and the lending state move. Amounts run from one unit to
//! twice the reserves and beyond, exact in and exact out, both directions, for an SPL Token
//! and a Token-2022 pair. `DLEX_PROPTEST_CASES` sets the number of cases per token program
//! (default 64), `DLEX_JUPITER_SEED` another seed (a number) for a fresh sample.

use std::sync::atomic::Ordering;

use anchor_lang::prelude::Pubkey;
use dlex::actions::{Asset, SwapDirection};
use dlex::events::Swapped;
use dlex::state::TokenKind;
use dlex_jupiter::{DlexAmm, DlexAmmError};
use dlex_sdk::bank::decode_event;
use dlex_sdk::ix;
use dlex_tests::{Fixture, Flavor, User};
use jupiter_amm_interface::{AccountMap, Amm, AmmContext, FeeMode, KeyedAccount, Quote, QuoteParams, SwapMode, SwapParams};
use solana_sdk::clock::Clock;

/// Scenes (fresh pools) per token program; the cases are spread over them.
const SCENES: u64 = 4;

/// splitmix64: a small deterministic generator, so a failing case is replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// Uniform in log scale over `lo..=hi` (`lo ≥ 1`), so every magnitude is as likely.
    fn log_uniform(&mut self, lo: u64, hi: u64) -> u64 {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let (lo_ln, hi_ln) = ((lo as f64).ln(), (hi as f64).ln());
        ((lo_ln + unit * (hi_ln - lo_ln)).exp() as u64).clamp(lo, hi)
    }

    /// `value · fraction`, with the fraction log-uniform in `[10^-lo_exp, 10^-hi_exp]`-ish.
    fn fraction_of(&mut self, value: u128, parts_per_billion_lo: u64, parts_per_billion_hi: u64) -> u128 {
        value * u128::from(self.log_uniform(parts_per_billion_lo, parts_per_billion_hi)) / 1_000_000_000
    }
}

/// One pool with its users and the aggregator's view of it.
struct Scene {
    f: Fixture,
    lp: User,
    market: User,
    taker: User,
    context: AmmContext,
    amm: DlexAmm,
}

/// What the cases did, to print and to check that every path ran.
#[derive(Debug, Default)]
struct Tally {
    exact_in_filled: u32,
    exact_out_filled: u32,
    refused: u32,
    x_to_y: u32,
    y_to_x: u32,
}

/// Reads the accounts `amm` asks for from the bank and sets the context's clock from the
/// bank's Clock sysvar, as an aggregator's account cache and clock feed do; then `update`.
#[allow(deprecated)] // solana-program-test marks `banks_client` unstable (see sdk bank.rs)
async fn refresh(scene: &mut Scene) {
    scene.f.bank.next_slot().await.expect("slot");
    let clock: Clock = scene.f.bank.ctx.banks_client.get_sysvar().await.expect("clock sysvar");
    assert_eq!(clock.unix_timestamp, scene.f.bank.now());
    scene.context.clock_ref.update(clock);
    let mut accounts = AccountMap::default();
    for key in scene.amm.get_accounts_to_update() {
        let account = scene.f.bank.account(key).await.expect("account to update exists");
        accounts.insert(key, account);
    }
    scene.amm.update(&accounts).expect("update");
}

/// A pool of random depth and price with a lender and a borrower, its TWAP window filled, and
/// the AMM loaded from the pair's account data.
async fn scene(flavor: Flavor, rng: &mut Rng) -> Scene {
    let mut f = Fixture::new(flavor).await;
    let lp = f.user().await;
    let market = f.user().await;
    let taker = f.user().await;
    let lender = f.user().await;
    let borrower = f.user().await;
    let keys = f.keys;
    let reserve_x = rng.log_uniform(10_000_000, 10_000_000_000_000);
    let price = rng.log_uniform(1, 1_000_000) as f64 / 1_000.0;
    let reserve_y = ((reserve_x as f64 * price) as u64).clamp(10_000_000, 10_000_000_000_000);
    f.bank.send(&[ix::mint(&keys, &lp.tokens, reserve_x, reserve_y, 0)], &[&lp.keypair]).await.expect("first mint");
    f.fill_price_window(&market).await;
    let lending = [
        ix::deposit(&keys, &lender.tokens, Asset::X, reserve_x / 5, 0),
        ix::deposit(&keys, &lender.tokens, Asset::Y, reserve_y / 5, 0),
    ];
    f.bank.send(&lending, &[&lender.keypair]).await.expect("lender supplies X and Y");
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, reserve_y / 50, 0)], &[&borrower.keypair]).await.expect("collateral");
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, reserve_x / 500)], &[&borrower.keypair]).await.expect("borrow X");

    let pair_account = f.bank.account(keys.pair).await.expect("pair account");
    let keyed = KeyedAccount { key: keys.pair, account: pair_account, params: None };
    let context = AmmContext::default();
    let amm = DlexAmm::from_keyed_account(&keyed, &context).expect("the pair loads");
    assert_eq!(amm.get_reserve_mints(), vec![keys.mint_x, keys.mint_y]);
    assert_eq!(amm.key(), keys.pair);
    Scene { f, lp, market, taker, context, amm }
}

/// Random activity before a quote: liquidity added or removed, swaps by another trader, and a
/// clock warp. An action the program refuses in that state is simply skipped.
async fn move_the_pool(scene: &mut Scene, rng: &mut Rng) {
    let keys = scene.f.keys;
    if rng.chance(25) {
        let pair = scene.f.pair().await;
        let (x, y) = (rng.fraction_of(pair.reserve_x.get(), 10_000_000, 1_000_000_000), rng.fraction_of(pair.reserve_y.get(), 10_000_000, 1_000_000_000));
        let mint = ix::mint(&keys, &scene.lp.tokens, x as u64, y as u64, 0);
        let _ = scene.f.bank.send(&[mint], &[&scene.lp.keypair]).await;
    }
    if rng.chance(20) {
        let shares = scene.f.position(&scene.lp).await.share_balance(TokenKind::DepositL);
        let burn = ix::burn(&keys, &scene.lp.tokens, rng.fraction_of(shares, 1_000_000, 500_000_000), 0, 0);
        let _ = scene.f.bank.send(&[burn], &[&scene.lp.keypair]).await;
    }
    for _ in 0..rng.between(0, 3) {
        let pair = scene.f.pair().await;
        let (direction, reserve_in) =
            if rng.chance(50) { (SwapDirection::XToY, pair.reserve_x.get()) } else { (SwapDirection::YToX, pair.reserve_y.get()) };
        let amount = rng.fraction_of(reserve_in, 1_000, 300_000_000).max(1) as u64;
        let swap = ix::swap_exact_in(&keys, &scene.market.tokens, direction, amount, 0);
        let _ = scene.f.bank.send(&[swap], &[&scene.market.keypair]).await;
    }
    let mid = i64::from(dlex_tests::MID);
    let warp = match rng.between(0, 9) {
        0..=2 => 0,
        3..=4 => rng.between(1, mid as u64 - 1) as i64,
        5..=7 => mid * rng.between(1, 60) as i64,
        _ => 86_400 * rng.between(1, 3) as i64 + rng.between(0, 86_399) as i64,
    };
    scene.f.bank.warp_seconds(warp);
}

/// A random request against the pair's current state: mode, direction and an amount from one
/// unit to well past the reserves.
fn request(scene: &Scene, rng: &mut Rng) -> QuoteParams {
    let keys = scene.f.keys;
    let pair = scene.amm.pair();
    let (input_mint, output_mint, reserve_in, reserve_out) = if rng.chance(50) {
        (keys.mint_x, keys.mint_y, pair.reserve_x.get(), pair.reserve_y.get())
    } else {
        (keys.mint_y, keys.mint_x, pair.reserve_y.get(), pair.reserve_x.get())
    };
    let swap_mode = if rng.chance(70) { SwapMode::ExactIn } else { SwapMode::ExactOut };
    let reserve = if swap_mode == SwapMode::ExactIn { reserve_in } else { reserve_out };
    let amount = match rng.between(0, 9) {
        0 => rng.between(1, 1_000),
        1..=7 => rng.fraction_of(reserve, 1_000, 1_000_000_000).max(1) as u64,
        8 => rng.fraction_of(reserve, 1_000_000_000, 2_000_000_000) as u64,
        // Far past the reserves; the taker is given what the quote asks (see `fill`).
        _ => u64::MAX >> rng.between(8, 20),
    };
    QuoteParams { amount, input_mint, output_mint, swap_mode, fee_mode: FeeMode::Normal }
}

/// The interface's swap parameters for the taker filling `quote`.
fn swap_params<'a>(scene: &Scene, request: &QuoteParams, in_amount: u64, out_amount: u64, router: &'a Pubkey) -> SwapParams<'a, 'a> {
    let taker = &scene.taker.tokens;
    let account_of = |mint: Pubkey| if mint == scene.f.keys.mint_x { taker.token_x } else { taker.token_y };
    SwapParams {
        swap_mode: request.swap_mode,
        in_amount,
        out_amount,
        source_mint: request.input_mint,
        destination_mint: request.output_mint,
        source_token_account: account_of(request.input_mint),
        destination_token_account: account_of(request.output_mint),
        token_transfer_authority: taker.owner,
        user: taker.owner,
        payer: taker.owner,
        quote_mint_to_referrer: None,
        jupiter_program_id: router,
        missing_dynamic_accounts_as_default: false,
    }
}

/// Executes `quote` through the AMM's accounts and checks balances, event and fee to the unit.
async fn fill(scene: &mut Scene, request: &QuoteParams, quote: &Quote, label: &str) {
    let router = Pubkey::new_unique();
    let keys = scene.f.keys;
    let params = swap_params(scene, request, quote.in_amount, quote.out_amount, &router);
    let direction = if request.input_mint == keys.mint_x { SwapDirection::XToY } else { SwapDirection::YToX };

    let metas = scene.amm.get_swap_and_account_metas(&params).expect("metas");
    let sdk_swap = ix::swap_exact_in(&keys, &scene.taker.tokens, direction, quote.in_amount, quote.out_amount);
    assert_eq!(metas.account_metas, sdk_swap.accounts, "{label}: the metas are swap_exact_in's");
    assert_eq!(metas.account_metas.len(), scene.amm.get_accounts_len(), "{label}");
    let instruction = scene.amm.swap_instruction(&params).expect("instruction");
    assert_eq!(instruction.accounts, metas.account_metas, "{label}");
    if request.swap_mode == SwapMode::ExactIn {
        assert_eq!(instruction, sdk_swap, "{label}: the exact-in instruction is the SDK's");
    }

    let (in_account, out_account) = (params.source_token_account, params.destination_token_account);
    let held = scene.f.bank.token_balance(in_account).await;
    if held < quote.in_amount {
        // A trade larger than the taker's funds: give it the difference (the mint authority
        // is the bank's payer).
        scene.f.bank.mint_to(request.input_mint, in_account, quote.in_amount - held, scene.f.flavor.program()).await;
    }
    let (in_before, out_before) = (scene.f.bank.token_balance(in_account).await, scene.f.bank.token_balance(out_account).await);
    let events = scene
        .f
        .bank
        .send_with_events(&[instruction], &[&scene.taker.keypair])
        .await
        .unwrap_or_else(|e| panic!("{label}: the quoted swap {quote:?} failed: {e:?}"));
    let (in_after, out_after) = (scene.f.bank.token_balance(in_account).await, scene.f.bank.token_balance(out_account).await);
    assert_eq!(in_before - in_after, quote.in_amount, "{label}: input paid");
    assert_eq!(out_after - out_before, quote.out_amount, "{label}: output received");

    let swapped: Swapped = events.iter().find_map(|event| decode_event(event)).expect("Swapped event");
    assert_eq!((swapped.amount_in, swapped.amount_out), (quote.in_amount, quote.out_amount), "{label}");
    assert_eq!(quote.fee_pct, dlex_jupiter::fee_fraction(swapped.fee_bips_q64), "{label}: fee rate");
    let fee = dlex::math::swap_fee_amount(u128::from(swapped.amount_in), swapped.fee_bips_q64);
    assert_eq!(u128::from(quote.fee_amount), fee, "{label}: fee amount");
    assert_eq!(quote.fee_mint, request.input_mint, "{label}");
    scene.f.assert_conservation().await;
}

/// A quote the AMM refuses must be one the program refuses too, for the same reason: the same
/// request sent with no limit fails with the error the AMM named, and changes nothing.
async fn refuse(scene: &mut Scene, request: &QuoteParams, error: &anyhow::Error, label: &str) {
    let refusal = error.downcast_ref::<DlexAmmError>().unwrap_or_else(|| panic!("{label}: {error} is not a DlexAmmError"));
    let DlexAmmError::CannotFill { reason, .. } = refusal else { panic!("{label}: unexpected refusal {refusal}") };
    let router = Pubkey::new_unique();
    let (in_amount, out_amount) = match request.swap_mode {
        SwapMode::ExactIn => (request.amount, 0),
        SwapMode::ExactOut => (u64::MAX, request.amount),
    };
    let params = swap_params(scene, request, in_amount, out_amount, &router);
    let instruction = scene.amm.swap_instruction(&params).expect("instruction");
    let before = scene.f.snapshot(&[&scene.taker]).await;
    let sent = scene.f.bank.send(&[instruction], &[&scene.taker.keypair]).await;
    assert!(sent.is_err(), "{label}: the AMM refused {request:?} ({refusal}) but the program filled it");
    assert_eq!(dlex_tests::error_code(sent), dlex_tests::dlex_code(*reason), "{label}: the program refuses for the AMM's reason");
    assert_eq!(scene.f.snapshot(&[&scene.taker]).await, before, "{label}");
}

async fn random_states(flavor: Flavor, seed: u64) {
    let seed = match std::env::var("DLEX_JUPITER_SEED") {
        Ok(value) => seed ^ value.trim().parse::<u64>().unwrap_or_else(|_| panic!("DLEX_JUPITER_SEED {value:?} is not a number")),
        Err(_) => seed,
    };
    let cases = u64::from(dlex_tests::proptest_cases(64));
    let mut tally = Tally::default();
    for scene_index in 0..SCENES {
        let scene_seed = seed ^ (scene_index << 32);
        let mut rng = Rng(scene_seed);
        let mut scene = scene(flavor, &mut rng).await;
        let scene_cases = cases / SCENES + u64::from(scene_index < cases % SCENES);
        for case in 0..scene_cases {
            let label = format!("{flavor:?} seed {scene_seed:#x} case {case}");
            move_the_pool(&mut scene, &mut rng).await;
            refresh(&mut scene).await;
            // Aggregators quote on clones of the loaded AMM too; the clone shares the clock.
            let quoting: Box<dyn Amm + Send + Sync> = if rng.chance(30) { scene.amm.clone_amm() } else { Box::new(scene.amm.clone()) };
            let request = request(&scene, &mut rng);
            match quoting.quote(&request) {
                Ok(quote) => {
                    match request.swap_mode {
                        SwapMode::ExactIn => {
                            assert_eq!(quote.in_amount, request.amount, "{label}");
                            tally.exact_in_filled += 1;
                        }
                        SwapMode::ExactOut => {
                            assert_eq!(quote.out_amount, request.amount, "{label}");
                            tally.exact_out_filled += 1;
                        }
                    }
                    if request.input_mint == scene.f.keys.mint_x {
                        tally.x_to_y += 1;
                    } else {
                        tally.y_to_x += 1;
                    }
                    fill(&mut scene, &request, &quote, &label).await;
                }
                Err(error) => {
                    tally.refused += 1;
                    refuse(&mut scene, &request, &error, &label).await;
                }
            }
        }
    }
    println!("{flavor:?}: {cases} cases: {tally:?}");
    assert_eq!(u64::from(tally.exact_in_filled + tally.exact_out_filled + tally.refused), cases);
    if cases >= 64 {
        assert!(tally.exact_in_filled > 0 && tally.exact_out_filled > 0 && tally.x_to_y > 0 && tally.y_to_x > 0, "{tally:?}");
    }
}

#[tokio::test]
async fn quotes_equal_executed_swaps_spl_token() {
    random_states(Flavor::SplToken, 0xD1E7_0001).await;
}

#[tokio::test]
async fn quotes_equal_executed_swaps_token_2022() {
    random_states(Flavor::Token2022, 0xD1E7_2022).await;
}

/// The trait's fixed answers, and a clear error (never a panic) for each bad input.
#[tokio::test]
async fn bad_accounts_and_requests_are_refused_with_clear_errors() {
    let mut rng = Rng(7);
    let mut scene = scene(Flavor::SplToken, &mut rng).await;
    let keys = scene.f.keys;
    let amm = &scene.amm;
    assert_eq!(amm.label(), "dlex");
    assert_eq!(amm.program_id(), dlex::ID);
    assert_eq!(amm.get_accounts_to_update(), vec![keys.pair]);
    assert_eq!(amm.get_accounts_len(), 12);
    assert!(amm.supports_exact_out() && !amm.has_dynamic_accounts() && !amm.unidirectional() && amm.is_active());
    assert_eq!(amm.program_dependencies(), vec![(dlex_sdk::bank::TOKEN_PROGRAM, "spl_token".to_string())]);

    let error_of = |result: anyhow::Result<DlexAmm>| -> DlexAmmError {
        let error = result.err().expect("refused");
        error.downcast_ref::<DlexAmmError>().expect("a DlexAmmError").clone()
    };
    let context = AmmContext::default();
    // A mint: owned by the token program.
    let mint_account = scene.f.bank.account(keys.mint_x).await.unwrap();
    let keyed = KeyedAccount { key: keys.mint_x, account: mint_account, params: None };
    assert!(matches!(error_of(DlexAmm::from_keyed_account(&keyed, &context)), DlexAmmError::NotOwnedByDlex { .. }));
    // dlex's Config: the program's, but not a Pair.
    let config = dlex_sdk::pda::config();
    let keyed = KeyedAccount { key: config, account: scene.f.bank.account(config).await.unwrap(), params: None };
    assert!(matches!(error_of(DlexAmm::from_keyed_account(&keyed, &context)), DlexAmmError::NotAPair { .. }));
    // A Pair's data cut short.
    let mut pair_account = scene.f.bank.account(keys.pair).await.unwrap();
    let mut short = pair_account.clone();
    short.data.truncate(100);
    let keyed = KeyedAccount { key: keys.pair, account: short, params: None };
    assert!(matches!(error_of(DlexAmm::from_keyed_account(&keyed, &context)), DlexAmmError::NotAPair { .. }));
    // A Pair's data at another address.
    let elsewhere = Pubkey::new_unique();
    let keyed = KeyedAccount { key: elsewhere, account: pair_account.clone(), params: None };
    let error = error_of(DlexAmm::from_keyed_account(&keyed, &context));
    assert!(matches!(error, DlexAmmError::NotThePairOfItsMints { account, expected } if account == elsewhere && expected == keys.pair));
    println!("{error}");

    // `update` without the pair, or with another account in its place.
    let mut amm = scene.amm.clone();
    let missing = amm.update(&AccountMap::default()).unwrap_err();
    assert!(matches!(missing.downcast_ref::<DlexAmmError>(), Some(DlexAmmError::PairAccountMissing { .. })), "{missing}");
    pair_account.data[0] ^= 1;
    let mut accounts = AccountMap::default();
    accounts.insert(keys.pair, pair_account);
    let corrupt = amm.update(&accounts).unwrap_err();
    assert!(matches!(corrupt.downcast_ref::<DlexAmmError>(), Some(DlexAmmError::NotAPair { .. })), "{corrupt}");

    // Quotes: the clock unset, a foreign mint, the same mint twice, a zero amount, an output
    // the reserves cannot pay, an input too small to buy one unit.
    let quote_error = |amm: &DlexAmm, params: QuoteParams| -> DlexAmmError {
        let error = amm.quote(&params).expect_err("refused");
        println!("{error}");
        error.downcast_ref::<DlexAmmError>().expect("a DlexAmmError").clone()
    };
    let sell_x = |amount: u64, swap_mode: SwapMode| QuoteParams { amount, input_mint: keys.mint_x, output_mint: keys.mint_y, swap_mode, fee_mode: FeeMode::Normal };
    assert!(matches!(quote_error(&scene.amm, sell_x(1_000_000, SwapMode::ExactIn)), DlexAmmError::ClockNotSet));
    refresh(&mut scene).await;
    assert!(scene.context.clock_ref.unix_timestamp.load(Ordering::Relaxed) > 0);
    let amm = &scene.amm;
    let foreign = Pubkey::new_unique();
    let foreign_mint = QuoteParams { input_mint: foreign, ..sell_x(1_000_000, SwapMode::ExactIn) };
    assert!(matches!(quote_error(amm, foreign_mint), DlexAmmError::MintNotInPair { mint, .. } if mint == foreign));
    let same = QuoteParams { output_mint: keys.mint_x, ..sell_x(1_000_000, SwapMode::ExactIn) };
    assert!(matches!(quote_error(amm, same), DlexAmmError::SameInputAndOutputMint { .. }));
    assert!(matches!(quote_error(amm, sell_x(0, SwapMode::ExactIn)), DlexAmmError::ZeroAmount));
    assert!(matches!(quote_error(amm, sell_x(0, SwapMode::ExactOut)), DlexAmmError::ZeroAmount));
    let reserve_y = amm.pair().reserve_y.get() as u64;
    assert!(matches!(quote_error(amm, sell_x(reserve_y, SwapMode::ExactOut)), DlexAmmError::CannotFill { .. }));
    assert!(matches!(quote_error(amm, sell_x(u64::MAX, SwapMode::ExactOut)), DlexAmmError::CannotFill { .. }));
    assert!(matches!(quote_error(amm, sell_x(1, SwapMode::ExactIn)), DlexAmmError::CannotFill { .. }));
    // Whatever u64::MAX in does, it neither panics nor quotes more than the reserve.
    if let Ok(quote) = amm.quote(&sell_x(u64::MAX, SwapMode::ExactIn)) {
        assert!(u128::from(quote.out_amount) < amm.pair().reserve_y.get());
    }
    // Swap metas for a mint not in the pair.
    let router = Pubkey::new_unique();
    let request = sell_x(1_000_000, SwapMode::ExactIn);
    let params = SwapParams { destination_mint: foreign, ..swap_params(&scene, &request, 1_000_000, 0, &router) };
    let error = scene.amm.get_swap_and_account_metas(&params).err().expect("refused");
    assert!(matches!(error.downcast_ref::<DlexAmmError>(), Some(DlexAmmError::MintNotInPair { .. })), "{error}");
}
