//! The demo scenario: two mints, one pair, three LPs, a lender, and a stream of swaps in both
//! directions across many TWAP intervals; then three borrowers (X against Y, Y against X, L
//! against Y, each taking 90% of what its collateral allows) and thirty days of daily trading
//! so interest accrues. A liquidator running the keeper's library (`dlex_keeper`) then resets
//! the borrower whose saturation the month of interest grew past its tranche allocation (a
//! debt-cap liquidation). It ends with a price shock: two more borrowers take X against Y, a
//! seller halves the price of Y, and the keeper liquidates every borrower the shock made
//! liquidatable (hard liquidations in the premium zone and into bad debt, and a leverage
//! liquidation). The report shows reserves, prices, TWAP ticks, utilization, borrow and
//! supply rates (the LPs' = swap fees + interest), every account's balances, every
//! borrower's health, and the liquidations with the bad debt they socialized.

use anchor_lang::prelude::Pubkey;
use dlex::actions::{Asset, SwapAmount, SwapDirection};
use dlex::events::{BadDebtBurned, Liquidated, Swapped};
use dlex::risk::LiquidationKind;
use dlex::math;
use dlex::state::{Pair, TokenKind};
use dlex_sdk::bank::{decode_event, Bank, TOKEN_2022_PROGRAM, TOKEN_PROGRAM};
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::recipes::{self, Recipe};
use dlex_sdk::router::{Router, Trade};
use dlex_sdk::{payout, pda, quote, PairKeys};
use std::path::PathBuf;

use crate::chart::{write_charts, ChartKind, Decimals, DrawArgs, FeeSource};
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;

type DemoResult<T> = Result<T, String>;

const DECIMALS: u8 = 6;
const UNIT: u64 = 1_000_000;
/// The Config's default TWAP intervals, which every pair created afterwards gets.
const MID_TERM_INTERVAL: u32 = 8;
const LONG_TERM_INTERVAL: u32 = 8 * 14;

/// A named wallet with X and Y token accounts and an open position.
pub(crate) struct Account {
    pub(crate) name: &'static str,
    pub(crate) keypair: Keypair,
    pub(crate) tokens: UserTokens,
}

fn fmt_tokens(raw: u128) -> String {
    dlex_sdk::health::format_amount(raw, DECIMALS)
}

fn fmt_signed_tokens(delta: i128) -> String {
    let sign = if delta < 0 { "-" } else { "+" };
    format!("{sign}{}", fmt_tokens(delta.unsigned_abs()))
}

/// Price of Y in X (reserve_x / reserve_y) with 6 decimals, from the raw reserves.
fn fmt_price(reserve_x: u128, reserve_y: u128) -> String {
    if reserve_y == 0 {
        return "-".into();
    }
    let scaled = reserve_x.saturating_mul(1_000_000) / reserve_y;
    format!("{}.{:06}", scaled / 1_000_000, scaled % 1_000_000)
}

pub(crate) async fn new_account(bank: &mut Bank, keys: &PairKeys, name: &'static str, x: u64, y: u64) -> DemoResult<Account> {
    let (keypair, tokens) = bank.new_user(keys, x, y).await.map_err(|e| format!("{name}: open_position: {e}"))?;
    Ok(Account { name, keypair, tokens })
}

async fn send(bank: &mut Bank, what: &str, instruction: anchor_lang::solana_program::instruction::Instruction, signer: &Keypair) -> DemoResult<()> {
    bank.send(&[instruction], &[signer]).await.map_err(|e| format!("{what}: {e}"))
}

#[derive(clap::Args)]
pub struct DemoArgs {
    /// How the strategies' charts are drawn
    #[command(flatten)]
    draw: DrawArgs,
    /// Directory the strategies' charts are written to (created if missing)
    #[arg(long, value_name = "DIR", default_value = "demo-charts")]
    out: PathBuf,
}

pub async fn run(args: DemoArgs) -> DemoResult<()> {
    let started = std::time::Instant::now();
    let mut bank = Bank::start().await;
    let admin = bank.payer_pubkey();
    println!("dlex demo — an in-process Solana bank running the dlex program natively\n");

    bank.send(&[ix::init_config(admin, admin, MID_TERM_INTERVAL, LONG_TERM_INTERVAL)], &[]).await.map_err(|e| format!("init_config: {e}"))?;
    // One SPL Token mint and one Token-2022 mint: dlex accepts both in one pair.
    let mint_a = bank.create_mint(TOKEN_PROGRAM, DECIMALS, None).await.map_err(|e| format!("mint: {e}"))?;
    let mint_b = bank.create_mint(TOKEN_2022_PROGRAM, DECIMALS, None).await.map_err(|e| format!("mint: {e}"))?;
    let (create, keys) = ix::create_pair(admin, (mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_2022_PROGRAM));
    bank.send(&[create], &[]).await.map_err(|e| format!("create_pair: {e}"))?;
    println!("pair      {}", keys.pair);
    println!("mint X    {} ({})", keys.mint_x, program_name(keys.token_program_x));
    println!("mint Y    {} ({})", keys.mint_y, program_name(keys.token_program_y));
    println!("TWAP      mid-term every {MID_TERM_INTERVAL} s (51 slots), long-term every {LONG_TERM_INTERVAL} s (9 slots): the Config's defaults\n");

    let funds = 10_000_000 * UNIT;
    let mut accounts = Vec::new();
    for (name, x, y) in [
        ("alice (LP)", funds, funds),
        ("bob (LP)", funds, funds),
        ("carol (LP)", funds, funds),
        ("dave (lender)", funds, funds),
        ("erin (trader)", funds, funds),
        ("frank (trader)", funds, funds),
        ("grace (X borrower)", funds, funds),
        ("heidi (Y borrower)", funds, funds),
        ("ivan (L borrower)", funds, funds),
        ("judy (X borrower)", funds, funds),
        ("kevin (X borrower)", funds, funds),
        ("leo (liquidator)", funds, funds),
        ("mia (seller)", funds, funds),
        ("nora (DN market maker)", funds, funds),
        ("oscar (leveraged MM)", funds, funds),
        ("paul (straddle)", funds, funds),
        ("quinn (3x long)", funds, funds),
    ] {
        accounts.push(new_account(&mut bank, &keys, name, x, y).await?);
    }
    let starting: Vec<(u64, u64)> = vec![(funds, funds); accounts.len()];

    println!("== liquidity ==");
    let deposits = [(0usize, 100_000 * UNIT, 200_000 * UNIT), (1, 50_000 * UNIT, 100_000 * UNIT), (2, 25_000 * UNIT, 60_000 * UNIT)];
    for (index, max_x, max_y) in deposits {
        let pair = bank.pair(keys.pair).await;
        let expected = quote::mint(&pair, bank.now(), max_x, max_y).map_err(|e| format!("quote mint: {e}"))?;
        let account = &accounts[index];
        send(&mut bank, "mint", ix::mint(&keys, &account.tokens, max_x, max_y, expected.shares.0), &account.keypair).await?;
        println!(
            "{:<15} adds {:>14} X + {:>14} Y  -> {:>16} L shares{}",
            account.name,
            fmt_tokens(expected.flows.x_in.into()),
            fmt_tokens(expected.flows.y_in.into()),
            expected.shares.0,
            if expected.first_mint { "  (first mint: 1000 shares locked forever)" } else { "" }
        );
        bank.warp_seconds(3);
    }

    println!("\n== lending supply ==");
    let lender = &accounts[3];
    send(&mut bank, "deposit", ix::deposit(&keys, &lender.tokens, Asset::X, 40_000 * UNIT, 0), &lender.keypair).await?;
    send(&mut bank, "deposit", ix::deposit(&keys, &lender.tokens, Asset::Y, 30_000 * UNIT, 0), &lender.keypair).await?;
    println!("{:<15} deposits 40000.000000 X and 30000.000000 Y for lending", lender.name);

    let pair_start = bank.pair(keys.pair).await;
    let l_per_share_start = share_values(&pair_start).deposit_l;

    println!("\n== trading: 120 swaps over {} observation intervals ==", 120 * 5 / MID_TERM_INTERVAL as i64);
    let mut volume_x: u128 = 0;
    let mut volume_y: u128 = 0;
    let mut swaps = 0u32;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for step in 0..120u64 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // A drift up for a while, then down, then noise: prices move and come back.
        let direction = match step {
            0..=39 => if seed.is_multiple_of(4) { SwapDirection::YToX } else { SwapDirection::XToY },
            40..=79 => if seed.is_multiple_of(4) { SwapDirection::XToY } else { SwapDirection::YToX },
            _ => if seed.is_multiple_of(2) { SwapDirection::XToY } else { SwapDirection::YToX },
        };
        let size = 200 + seed % 1_800;
        let trader = &accounts[4 + (step % 2) as usize];
        let amount_in = match direction {
            SwapDirection::XToY => size * UNIT,
            SwapDirection::YToX => size * 2 * UNIT,
        };
        let pair = bank.pair(keys.pair).await;
        let quoted = quote::swap(&pair, bank.now(), direction, SwapAmount::ExactIn(amount_in)).map_err(|e| format!("quote swap: {e}"))?;
        // Every fourth trade buys an exact output instead.
        if step % 4 == 3 {
            let out = quoted.amount_out / 2;
            let exact = quote::swap(&pair, bank.now(), direction, SwapAmount::ExactOut(out)).map_err(|e| format!("quote swap: {e}"))?;
            send(&mut bank, "swap_exact_out", ix::swap_exact_out(&keys, &trader.tokens, direction, out, exact.amount_in), &trader.keypair).await?;
            add_volume(direction, exact.amount_in, &mut volume_x, &mut volume_y);
        } else {
            send(&mut bank, "swap_exact_in", ix::swap_exact_in(&keys, &trader.tokens, direction, amount_in, quoted.amount_out), &trader.keypair).await?;
            add_volume(direction, amount_in, &mut volume_x, &mut volume_y);
        }
        swaps += 1;
        bank.warp_seconds(5);
        if step % 30 == 29 {
            let pair = bank.pair(keys.pair).await;
            print_price_line(&pair, step + 1)?;
        }
    }
    println!("{swaps} swaps; volume in: {} X, {} Y", fmt_tokens(volume_x), fmt_tokens(volume_y));
    route_through_a_third_mint(&mut bank, &keys, &accounts).await?;

    println!("\n== the lender withdraws half ==");
    let lender_position = bank.position(pda::position(keys.pair, lender.keypair.pubkey())).await.ok_or("lender position")?;
    let half_x = lender_position.share_balance(TokenKind::DepositX) / 2;
    send(&mut bank, "withdraw", ix::withdraw(&keys, &lender.tokens, Asset::X, half_x, 0), &lender.keypair).await?;
    println!("{:<15} redeems {} DEPOSIT_X shares", lender.name, half_x);

    let fee = lend_and_wait(&mut bank, &keys, &accounts).await?;
    let charts = open_recipes(&mut bank, &keys, &accounts, &fee, &args.draw, &args.out).await?;
    let liquidations = shock_and_liquidate(&mut bank, &keys, &accounts).await?;

    let pair = bank.pair(keys.pair).await;
    report(&mut bank, &keys, &pair, &accounts, &starting, l_per_share_start, &liquidations).await?;
    println!("\ncharts of the four strategies ({} files) are in {}", charts.len(), args.out.display());
    println!("\nfinished in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// A third mint Z (SPL Token) and a pair Y/Z that carol seeds; erin sells X for Z along the
/// route the router finds (`dlex_sdk::router`: X → Y → Z through both pairs), sent as one
/// `swap_route_exact_in` and printed hop by hop.
async fn route_through_a_third_mint(bank: &mut Bank, keys: &PairKeys, accounts: &[Account]) -> DemoResult<()> {
    println!("\n== routing: a third mint ==");
    let (carol, erin) = (&accounts[2], &accounts[4]);
    let mint_z = bank.create_mint(TOKEN_PROGRAM, DECIMALS, None).await.map_err(|e| format!("mint: {e}"))?;
    let (carol_z, erin_z) = (bank.create_token_account(mint_z, carol.tokens.owner, TOKEN_PROGRAM).await, bank.create_token_account(mint_z, erin.tokens.owner, TOKEN_PROGRAM).await);
    bank.mint_to(mint_z, carol_z, 1_000_000 * UNIT, TOKEN_PROGRAM).await;
    let admin = bank.payer_pubkey();
    let (create, yz) = ix::create_pair(admin, (keys.mint_y, keys.token_program_y), (mint_z, TOKEN_PROGRAM));
    let carol_yz = if yz.mint_x == mint_z { UserTokens { owner: carol.tokens.owner, token_x: carol_z, token_y: carol.tokens.token_y } } else { UserTokens { owner: carol.tokens.owner, token_x: carol.tokens.token_y, token_y: carol_z } };
    let (max_x, max_y) = if yz.mint_x == mint_z { (100_000 * UNIT, 200_000 * UNIT) } else { (200_000 * UNIT, 100_000 * UNIT) };
    let seed = [create, ix::open_position(carol.tokens.owner, yz.pair), ix::mint(&yz, &carol_yz, max_x, max_y, 0)];
    bank.send(&seed, &[&carol.keypair]).await.map_err(|e| format!("the Y/Z pair: {e}"))?;
    println!("mint Z    {mint_z} (SPL Token); {} seeds pair Y/Z {} with 200,000 Y and 100,000 Z", carol.name, yz.pair);
    let router = Router::from_pairs([(keys.pair, bank.pair(keys.pair).await), (yz.pair, bank.pair(yz.pair).await)]);
    let amount = 5_000 * UNIT;
    let quote = router.best(keys.mint_x, mint_z, Trade::ExactIn(amount), 3, bank.now()).map_err(|e| e.to_string())?;
    println!("{} sells 5000 X for Z; the router's best route:", erin.name);
    let name = |mint: Pubkey| if mint == keys.mint_x { "X".to_string() } else if mint == keys.mint_y { "Y".to_string() } else { "Z".to_string() };
    crate::swap::print_quote(&router, &quote, &name, &|_| DECIMALS);
    let route = ix::swap_route_exact_in(erin.tokens.owner, erin.tokens.token_x, erin_z, &quote.hops, amount, quote.amount_out);
    send(bank, "swap_route_exact_in", route, &erin.keypair).await?;
    let received = bank.token_balance(erin_z).await;
    println!("{} receives {} Z, exactly the quote ({} hops, one transaction)", erin.name, fmt_tokens(received.into()), quote.hops.len());
    if received != quote.amount_out {
        return Err(format!("the route paid {received}, the quote said {}", quote.amount_out));
    }
    Ok(())
}

/// Per-share values whose growth over a period is the realized rate of each side.
struct ShareValues {
    deposit_l: u128,
    deposit_x: u128,
    deposit_y: u128,
    borrow_l: u128,
    borrow_x: u128,
    borrow_y: u128,
}

const RATE_SCALE: u128 = 1_000_000_000_000_000_000;

fn share_values(pair: &Pair) -> ShareValues {
    let pool = pair.pool();
    let per_share = |kind: TokenKind| {
        let assets = pool.total_assets(kind).map(|a| a.0).unwrap_or(0);
        let shares = pool.total_shares(kind).0;
        assets.saturating_mul(RATE_SCALE).checked_div(shares).unwrap_or(0)
    };
    ShareValues {
        deposit_l: per_share(TokenKind::DepositL),
        deposit_x: per_share(TokenKind::DepositX),
        deposit_y: per_share(TokenKind::DepositY),
        borrow_l: per_share(TokenKind::BorrowL),
        borrow_x: per_share(TokenKind::BorrowX),
        borrow_y: per_share(TokenKind::BorrowY),
    }
}

const DAYS: i64 = 30;

/// The three borrowers' collateral, sized for the tranche rules (spec §10.5–§10.6,
/// `actions::saturation`), which the instructions will enforce: a position's liquidation,
/// valued in L at its liquidation price, must fit six 25-tick bands of the pool's active
/// liquidity. Every X borrower here (grace, ivan, judy, kevin) is liquidated in the same few
/// bands just below the range for new risk, so they share that room; heidi has the other
/// side to herself. With this collateral each limit is set by the LTV rule, not the bands.
const GRACE_COLLATERAL_Y: u64 = 30_000 * UNIT;
const HEIDI_COLLATERAL_X: u64 = 40_000 * UNIT;
const IVAN_COLLATERAL_Y: u64 = 30_000 * UNIT;

/// Annualized growth of a per-share value over `DAYS`, as a percentage with two decimals.
fn annualized(before: u128, after: u128) -> String {
    if before == 0 {
        return "-".into();
    }
    let growth = after.saturating_sub(before).saturating_mul(100_000 * 365) / before / DAYS as u128;
    format!("{}.{:03}%", growth / 1000, growth % 1000)
}

fn percent_wad(value: u128) -> String {
    let thousandths = value / 10_000_000_000_000;
    format!("{}.{:03}%", thousandths / 1000, thousandths % 1000)
}

async fn health(bank: &mut Bank, keys: &PairKeys, owner: Pubkey) -> DemoResult<dlex::queries::PositionReport> {
    let pair = bank.pair(keys.pair).await;
    let position = bank.position(pda::position(keys.pair, owner)).await.ok_or("position")?;
    dlex_sdk::health::position_report(&pair, &position, bank.now()).map_err(|e| format!("report: {e}"))
}

async fn limits(bank: &mut Bank, keys: &PairKeys, owner: Pubkey) -> DemoResult<dlex_sdk::health::PositionLimits> {
    Ok(dlex_sdk::health::fetch(bank, keys.pair, owner).await?.limits)
}

/// Three borrowers take 90% of what their collateral allows, then thirty days pass with a
/// day of trading each, so interest and fees accrue; prints the realized rates.
/// Borrowing, then `DAYS` days of daily trading; returns the fee yield those trades paid
/// (`payout::fee_yield` of their `Swapped` events), which the strategies' charts assume.
async fn lend_and_wait(bank: &mut Bank, keys: &PairKeys, accounts: &[Account]) -> DemoResult<FeeSource> {
    println!("\n== borrowing (the mid-term price window has filled) ==");
    let (grace, heidi, ivan) = (&accounts[6], &accounts[7], &accounts[8]);
    send(bank, "deposit", ix::deposit(keys, &grace.tokens, Asset::Y, GRACE_COLLATERAL_Y, 0), &grace.keypair).await?;
    send(bank, "deposit", ix::deposit(keys, &heidi.tokens, Asset::X, HEIDI_COLLATERAL_X, 0), &heidi.keypair).await?;
    send(bank, "deposit", ix::deposit(keys, &ivan.tokens, Asset::Y, IVAN_COLLATERAL_Y, 0), &ivan.keypair).await?;
    let grace_max = limits(bank, keys, grace.keypair.pubkey()).await?.max_borrow_x;
    send(bank, "borrow", ix::borrow(keys, &grace.tokens, Asset::X, grace_max / 10 * 9), &grace.keypair).await?;
    println!("{:<19} deposits {} Y, may borrow up to {} X, borrows 90% of it", grace.name, GRACE_COLLATERAL_Y / UNIT, fmt_tokens(grace_max.into()));
    let heidi_max = limits(bank, keys, heidi.keypair.pubkey()).await?.max_borrow_y;
    send(bank, "borrow", ix::borrow(keys, &heidi.tokens, Asset::Y, heidi_max / 10 * 9), &heidi.keypair).await?;
    println!("{:<19} deposits {} X, may borrow up to {} Y, borrows 90% of it", heidi.name, HEIDI_COLLATERAL_X / UNIT, fmt_tokens(heidi_max.into()));
    let ivan_max = limits(bank, keys, ivan.keypair.pubkey()).await?.max_borrow_l;
    send(bank, "borrow_liquidity", ix::borrow_liquidity(keys, &ivan.tokens, ivan_max / 10 * 9, 0, 0), &ivan.keypair).await?;
    println!("{:<19} deposits {} Y, may borrow up to {} L, borrows 90% of it (receives X and Y)", ivan.name, IVAN_COLLATERAL_Y / UNIT, ivan_max);

    let start = share_values(&bank.pair(keys.pair).await);
    println!("\n== {DAYS} days pass, with trading every day ==");
    let (erin, frank) = (&accounts[4], &accounts[5]);
    let (mut swaps, trading_started) = (Vec::new(), bank.now());
    for day in 0..DAYS {
        bank.warp_seconds(86_400);
        for (trader, direction, amount) in [(erin, SwapDirection::XToY, 3_000 * UNIT), (frank, SwapDirection::YToX, 6_000 * UNIT)] {
            let events = bank.send_with_events(&[ix::swap_exact_in(keys, &trader.tokens, direction, amount, 0)], &[&trader.keypair]).await.map_err(|e| format!("swap: {e}"))?;
            swaps.extend(events.iter().filter_map(|data| decode_event::<Swapped>(data)));
            bank.warp_seconds(60);
        }
        // Any instruction accrues interest; a 1-unit deposit makes the daily checkpoint explicit.
        let dave = &accounts[3];
        if day % 10 == 9 {
            send(bank, "deposit", ix::deposit(keys, &dave.tokens, Asset::Y, UNIT, 0), &dave.keypair).await?;
        }
    }
    let pair = bank.pair(keys.pair).await;
    let end = share_values(&pair);
    let pool = pair.pool();
    let u_x = dlex::math::utilization_wad(pool.assets[TokenKind::BorrowX as usize], pool.assets[TokenKind::DepositX as usize] + pool.reserve_x.0);
    let u_y = dlex::math::utilization_wad(pool.assets[TokenKind::BorrowY as usize], pool.assets[TokenKind::DepositY as usize] + pool.reserve_y.0);
    let u_l = dlex::math::utilization_wad(pool.assets[TokenKind::BorrowL as usize], pool.deposit_l_assets().map(|a| a.0).unwrap_or(0));
    println!("{:<6} {:>12} {:>22} {:>22} {:>26}", "", "utilization", "borrow rate (curve now)", "borrow APY (realized)", "supply APY (realized)");
    println!("{:<6} {:>12} {:>22} {:>22} {:>26}", "X", percent_wad(u_x), percent_wad(dlex::math::annual_interest_rate_wad(u_x)), annualized(start.borrow_x, end.borrow_x), annualized(start.deposit_x, end.deposit_x));
    println!("{:<6} {:>12} {:>22} {:>22} {:>26}", "Y", percent_wad(u_y), percent_wad(dlex::math::annual_interest_rate_wad(u_y)), annualized(start.borrow_y, end.borrow_y), annualized(start.deposit_y, end.deposit_y));
    println!(
        "{:<6} {:>12} {:>22} {:>22} {:>26}",
        "L",
        percent_wad(u_l),
        percent_wad(dlex::math::annual_interest_rate_wad(u_l).saturating_mul(5)),
        annualized(start.borrow_l, end.borrow_l),
        format!("{} (fees + interest)", annualized(start.deposit_l, end.deposit_l))
    );
    let window = (bank.now() - trading_started) as f64;
    let fee = FeeSource::measured(payout::fee_yield(&swaps, window, &pool), window, swaps.len(), None);
    println!("swap-fee yield on deposited L over these {DAYS} days: {:.2}% a year ({} swaps)", fee.fee_yield * 100.0, swaps.len());
    Ok(fee)
}

/// The recipe each of the last four accounts opens with one `execute`, and its equity in X.
const RECIPES: [(usize, Recipe); 4] = [
    (13, Recipe::DeltaNeutralMarketMaking { m: recipes::ONE }),
    (14, Recipe::LeveragedMarketMaking { leverage: 3 * recipes::ONE }),
    (15, Recipe::LongStraddle { n: recipes::ONE }),
    (16, Recipe::Long { leverage: 3 * recipes::ONE }),
];
const RECIPE_EQUITY_X: i128 = 2_000 * UNIT as i128;

/// Four strategies of the recipe menu, each opened with one `execute` from a wallet paying in
/// X (`recipes::open`), after its preview (`recipes::preview`, the program's own pipeline on
/// copies) is printed; then its outlook (liquidation prices, time to liquidation, carry) is
/// printed and its payout chart and heat map written into `out`.
async fn open_recipes(bank: &mut Bank, keys: &PairKeys, accounts: &[Account], fee: &FeeSource, charts: &DrawArgs, out: &std::path::Path) -> DemoResult<Vec<PathBuf>> {
    let mut written = Vec::new();
    println!("\n== strategies, each opened with one execute ==");
    for (index, recipe) in RECIPES {
        let account = &accounts[index];
        let (pair, position) = (bank.pair(keys.pair).await, bank.position(pda::position(keys.pair, account.keypair.pubkey())).await.ok_or("position")?);
        let target = recipe.composition(RECIPE_EQUITY_X);
        // The wallet pays in X; the plan's limit allows up to twice the equity, so a leveraged
        // recipe's swap can pay its price impact (the preview shows what it actually pays).
        let wallet = (u64::try_from(RECIPE_EQUITY_X * 2).map_err(|e| e.to_string())?, 0);
        let plan = match recipes::open(&pair, &position, bank.now(), &target, wallet) {
            Ok(plan) => plan,
            Err(error) => {
                println!("{:<24} {}: no plan: {error}", account.name, recipe.name());
                continue;
            }
        };
        let (want_delta, want_gamma) = target.scores();
        let (description, risk) = recipe.description();
        println!("{:<24} {} ({}; {risk})", account.name, recipe.name(), description);
        println!("{:<24} target δ̂ {} γ̂ {}; {} legs: {}", "", fmt_score(want_delta), fmt_score(want_gamma), plan.legs.len(), describe_legs(&plan.legs));
        let (plan, preview, opened) = match recipes::preview(&pair, &position, bank.now(), &plan) {
            Ok(preview) => (plan, preview, recipe),
            Err(error) => {
                // Refused as asked: find the largest leverage of the same recipe that opens
                // (spec §2.4) and name the rule that binds above it.
                println!("{:<24} refused before sending: {}", "", short_error(&error));
                let Recipe::Long { .. } = recipe else { continue };
                let search = recipes::max_parameter(&pair, &position, bank.now(), RECIPE_EQUITY_X, wallet, |leverage| Recipe::Long { leverage }, (recipes::ONE, 3 * recipes::ONE, 100));
                let Ok((leverage, _)) = search else { continue };
                let plan = recipes::open(&pair, &position, bank.now(), &Recipe::Long { leverage }.composition(RECIPE_EQUITY_X), wallet)?;
                let preview = recipes::preview(&pair, &position, bank.now(), &plan)?;
                println!("{:<24} the largest long that opens now is {}x; {} legs: {}", "", fmt_score(leverage), plan.legs.len(), describe_legs(&plan.legs));
                (plan, preview, Recipe::Long { leverage })
            }
        };
        println!(
            "{:<24} preview: pays {} X, LTV {} -> {}, δ̂ {} γ̂ {}, origination {} , swap fee {}",
            "",
            fmt_tokens(u128::from(preview.net.x_in)),
            dlex_sdk::health::format_ltv(&preview.before),
            dlex_sdk::health::format_ltv(&preview.after),
            fmt_score(preview.scores.0),
            fmt_score(preview.scores.1),
            fmt_legs(preview.origination_fees),
            preview.swap_fees.iter().map(|(x, fee)| format!("{} {}", fmt_tokens(*fee), if *x { "X" } else { "Y" })).collect::<Vec<_>>().join(" + "),
        );
        send(bank, "execute", ix::execute(keys, &account.tokens, plan.legs.clone(), plan.min_net_x, plan.min_net_y), &account.keypair).await?;
        let report = health(bank, keys, account.keypair.pubkey()).await?;
        println!("{:<24} opened: LTV {}, solvent {}", "", dlex_sdk::health::format_ltv(&report), if report.solvent { "yes" } else { "NO" });
        let pair = bank.pair(keys.pair).await;
        let outlook = payout::Outlook::of(&pair, &report.assets, bank.now(), Some(preview.paid_value_x()), fee.fee_yield, charts.numeraire())?;
        for line in outlook.describe(DECIMALS, DECIMALS).lines() {
            println!("{:<24} {line}", "");
        }
        let title = format!("{}, {}", opened.title(), account.name);
        written.extend(write_charts(&outlook, &title, recipe.name(), ChartKind::Both, charts, fee, Decimals { x: DECIMALS, y: DECIMALS }, out)?);
    }
    Ok(written)
}

/// An Anchor error's name and message, without the source location.
fn short_error(error: &str) -> String {
    let field = |name: &str| error.split(&format!("{name}: \"")).nth(1).and_then(|rest| rest.split('"').next());
    match (field("error_name"), field("error_msg")) {
        (Some(name), Some(message)) => format!("{name} ({message})"),
        _ => error.to_string(),
    }
}

/// A score in bips as a decimal with four places (`-0.5000`).
pub(crate) fn fmt_score(bips: i128) -> String {
    let sign = if bips < 0 { "-" } else { "" };
    format!("{sign}{}.{:04}", bips.unsigned_abs() / 10_000, bips.unsigned_abs() % 10_000)
}

/// The legs in a few words each.
fn describe_legs(legs: &[dlex::actions::Leg]) -> String {
    use dlex::actions::Leg;
    let asset = |a: Asset| if a == Asset::X { "X" } else { "Y" };
    legs.iter()
        .map(|leg| match *leg {
            Leg::Mint { .. } => "mint".to_string(),
            Leg::Burn { .. } => "burn".to_string(),
            Leg::Deposit { asset: a, amount, .. } => format!("deposit {} {}", fmt_tokens(amount.into()), asset(a)),
            Leg::Withdraw { asset: a, .. } => format!("withdraw {}", asset(a)),
            Leg::Borrow { asset: a, amount } => format!("borrow {} {}", fmt_tokens(amount.into()), asset(a)),
            Leg::Repay { asset: a, .. } => format!("repay {}", asset(a)),
            Leg::BorrowLiquidity { liquidity, .. } => format!("borrow {liquidity} L"),
            Leg::RepayLiquidity { .. } => "repay L".to_string(),
            Leg::SwapExactIn { direction, amount_in, .. } => format!("sell {} {}", fmt_tokens(amount_in.into()), if direction == SwapDirection::XToY { "X" } else { "Y" }),
            Leg::SwapExactOut { direction, amount_out, .. } => format!("buy {} {}", fmt_tokens(amount_out.into()), if direction == SwapDirection::XToY { "Y" } else { "X" }),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Indices in `run`'s account list: every borrower, the two who borrow just before the
/// shock, the liquidator, the seller of the shock.
const BORROWERS: std::ops::Range<usize> = 6..11;
const LATE_BORROWERS: std::ops::Range<usize> = 9..11;
const LIQUIDATOR: usize = 11;
const SELLER: usize = 12;

/// The shock: Y sold into the pool, halving the price of Y (about 0.48 to 0.24 X per Y).
const SHOCK_Y: u64 = 150_000 * UNIT;
/// Two late borrowers put up this much Y and borrow X just before the shock: judy enough to
/// be bad debt after it, kevin enough to be over-leveraged (debt above 99% of collateral).
const LATE_COLLATERAL_Y: u64 = 20_000 * UNIT;
const LATE_BORROWS_X: [u64; 2] = [4_600 * UNIT, 5_000 * UNIT];

/// One liquidation, as the program's events reported it.
struct LiquidationRecord {
    borrower: &'static str,
    event: Liquidated,
    burned: Option<BadDebtBurned>,
}

/// The liquidations are sent by leo running the keeper (`dlex_keeper::Keeper`, the library of
/// `dlex-keeper`): first a round on the month-old loans, where interest has grown some
/// borrowers' saturation past what their tranches were allocated with, which the debt-cap kind
/// answers (ivan's L debt, at five times the X/Y rate, grew enough). Then two late borrowers
/// take X against Y; a seller dumps Y into the pool, and small swaps keep the oracle ticking
/// until the liquidation range (mid-term TWAP and last tick, without the long-term TWAP) has
/// reached the new price; a second round liquidates what the shock made liquidatable. Leo's
/// keeper prefers the leverage kind where a position qualifies (`prefer_leverage`), so the
/// demo shows that kind too, and withdraws what it seized after each round.
async fn shock_and_liquidate(bank: &mut Bank, keys: &PairKeys, accounts: &[Account]) -> DemoResult<Vec<LiquidationRecord>> {
    let leo = &accounts[LIQUIDATOR];
    let config = dlex_keeper::Config {
        token_accounts: std::collections::BTreeMap::from([(keys.pair, leo.tokens)]),
        prefer_leverage: true,
        withdraw_seized: true,
        ..dlex_keeper::Config::default()
    };
    let mut keeper = dlex_keeper::Keeper::new(leo.keypair.insecure_clone(), config);

    println!("\n== a month of interest: saturation outgrows its tranche allocation ==");
    let mut records = keeper_round(bank, accounts, &mut keeper).await?;

    println!("\n== a price shock, and the liquidations it allows ==");
    for (account, borrow_x) in accounts[LATE_BORROWERS].iter().zip(LATE_BORROWS_X) {
        send(bank, "deposit", ix::deposit(keys, &account.tokens, Asset::Y, LATE_COLLATERAL_Y, 0), &account.keypair).await?;
        send(bank, "borrow", ix::borrow(keys, &account.tokens, Asset::X, borrow_x), &account.keypair).await?;
        let report = health(bank, keys, account.keypair.pubkey()).await?;
        println!(
            "{:<19} deposits {} Y, borrows {} X (LTV {})",
            account.name,
            LATE_COLLATERAL_Y / UNIT,
            borrow_x / UNIT,
            dlex_sdk::health::format_ltv(&report)
        );
    }

    let seller = &accounts[SELLER];
    let before = bank.pair(keys.pair).await;
    send(bank, "swap", ix::swap_exact_in(keys, &seller.tokens, SwapDirection::YToX, SHOCK_Y, 0), &seller.keypair).await?;
    let after = bank.pair(keys.pair).await;
    let shocked_tick = math::tick_at_reserves(after.reserve_x.get(), after.reserve_y.get()).map_err(|e| format!("{e:?}"))?;
    println!(
        "{:<19} sells {} Y: price {} -> {} X per Y (tick {} -> {})",
        seller.name,
        SHOCK_Y / UNIT,
        fmt_price(before.reserve_x.get(), before.reserve_y.get()),
        fmt_price(after.reserve_x.get(), after.reserve_y.get()),
        math::tick_at_reserves(before.reserve_x.get(), before.reserve_y.get()).map_err(|e| format!("{e:?}"))?,
        shocked_tick
    );
    // One tiny swap per observation interval, both ways, until the mid-term TWAP has seen
    // only the new price (the last observed tick moves at most 10 ticks per observation).
    let mut ticks = 0u32;
    loop {
        let pair = bank.pair(keys.pair).await;
        let observations = &pair.observations;
        if observations.last_tick == shocked_tick && observations.mid_term_tick() == shocked_tick {
            break;
        }
        if ticks == 200 {
            return Err("the oracle did not reach the shocked price".into());
        }
        bank.warp_seconds(i64::from(MID_TERM_INTERVAL));
        let (direction, amount) = if ticks.is_multiple_of(2) { (SwapDirection::XToY, UNIT) } else { (SwapDirection::YToX, 2 * UNIT) };
        send(bank, "swap", ix::swap_exact_in(keys, &seller.tokens, direction, amount, 0), &seller.keypair).await?;
        ticks += 1;
    }
    println!("{:<19} then {ticks} tiny swaps, one per observation ({} s), until the oracle's mid-term TWAP", "", ticks * MID_TERM_INTERVAL);
    println!("{:<19} and last tick, which price liquidations, have both reached tick {shocked_tick}", "");
    records.extend(keeper_round(bank, accounts, &mut keeper).await?);
    Ok(records)
}

/// One round of leo's keeper, printed: every liquidation it sent (from the program's
/// `Liquidated` and `BadDebtBurned` events), what else it found, and the borrowers it left.
async fn keeper_round(bank: &mut Bank, accounts: &[Account], keeper: &mut dlex_keeper::Keeper) -> DemoResult<Vec<LiquidationRecord>> {
    let leo = &accounts[LIQUIDATOR];
    let report = keeper.round(bank).await.map_err(|e| format!("keeper round: {e}"))?;
    println!(
        "{:<19} keeper round {}: {} positions judged, {} liquidatable, {} sent, {} failed",
        leo.name, report.round, report.positions_scanned, report.liquidatable, report.sent, report.failed
    );
    let name_of = |owner: &str| accounts.iter().find(|a| a.keypair.pubkey().to_string() == owner).map_or("someone", |a| a.name);
    let mut records = Vec::new();
    for attempt in &report.attempts {
        let borrower = name_of(&attempt.owner);
        match attempt.status {
            dlex_keeper::Status::Sent => {}
            dlex_keeper::Status::Unprofitable => {
                let profit = fmt_signed_tokens(attempt.profit_x.parse::<i128>().unwrap_or(0));
                println!("{borrower:<19} liquidatable ({}), but unprofitable at the pool price ({profit} X): left alone", attempt.kind.replace('_', " "));
                continue;
            }
            status => {
                println!("{borrower:<19} {status:?}: {}", attempt.error.as_deref().unwrap_or("-"));
                continue;
            }
        }
        let event = attempt.events.iter().find_map(|data| decode_event::<Liquidated>(data)).ok_or("no Liquidated event")?;
        let burned = attempt.events.iter().find_map(|data| decode_event::<BadDebtBurned>(data));
        println!(
            "{:<19} {} liquidation: repays {}, seizes {}, premium {}{} (expected profit {} X)",
            borrower,
            kind_name(event.kind),
            fmt_nonzero([event.repaid_l, event.repaid_x, event.repaid_y]),
            fmt_nonzero([event.seized_l, event.seized_x, event.seized_y]),
            fmt_premium(event.premium_bips, event.max_premium_bips),
            match &burned {
                Some(b) => format!(", bad debt {}", fmt_nonzero([b.debt_l, b.debt_x, b.debt_y])),
                None => String::new(),
            },
            fmt_signed_tokens(attempt.profit_x.parse::<i128>().unwrap_or(0)),
        );
        let chosen = attempt.profit_x.parse::<i128>().unwrap_or(0);
        for (kind, profit) in &attempt.options {
            let profit = profit.parse::<i128>().unwrap_or(0);
            if profit > chosen {
                println!("{:<19} (leo prefers the leverage kind; the {kind} kind would have earned {} X)", "", fmt_signed_tokens(profit));
            }
        }
        records.push(LiquidationRecord { borrower, event, burned });
    }
    for account in &accounts[BORROWERS] {
        if report.attempts.iter().any(|a| a.owner == account.keypair.pubkey().to_string()) {
            continue;
        }
        let position = bank.position(pda::position(keeper.book.pairs.keys().next().copied().unwrap_or_default(), account.keypair.pubkey())).await;
        let owes = position.is_some_and(|p| [TokenKind::BorrowL, TokenKind::BorrowX, TokenKind::BorrowY].iter().any(|&k| p.share_balance(k) > 0));
        println!("{:<19} {}", account.name, if owes { "not liquidatable" } else { "owes nothing" });
    }
    for withdrawn in &report.withdrawn {
        println!("{:<19} withdraws the seized deposits ({})", leo.name, withdrawn.split_once(": ").map_or(withdrawn.as_str(), |(_, what)| what));
    }
    for error in &report.errors {
        println!("{:<19} {error}", leo.name);
    }
    Ok(records)
}

/// The kind's name in lower case, words apart ("hard", "leverage", …).
fn kind_name(kind: LiquidationKind) -> String {
    let mut name = String::new();
    for (i, c) in format!("{kind:?}").chars().enumerate() {
        if i > 0 && c.is_uppercase() {
            name.push(' ');
        }
        name.extend(c.to_lowercase());
    }
    name
}

/// L (raw units, like the L shares elsewhere), X and Y amounts: all three.
fn fmt_legs([l, x, y]: [u128; 3]) -> String {
    let token = |amount: u128| if amount == 0 { "0".to_string() } else { fmt_tokens(amount) };
    format!("{l} / {} / {}", token(x), token(y))
}

/// The non-zero ones among L, X and Y amounts, with their units ("0" if all are zero).
fn fmt_nonzero([l, x, y]: [u128; 3]) -> String {
    let mut parts = Vec::new();
    if l > 0 {
        parts.push(format!("{l} L"));
    }
    if x > 0 {
        parts.push(format!("{} X", fmt_tokens(x)));
    }
    if y > 0 {
        parts.push(format!("{} Y", fmt_tokens(y)));
    }
    if parts.is_empty() { "0".into() } else { parts.join(" + ") }
}

fn fmt_bips(bips: u128) -> String {
    if bips == u128::MAX { "unbounded".into() } else { bips.to_string() }
}

fn fmt_premium(premium: u128, max: u128) -> String {
    format!("{} bips (max {})", fmt_bips(premium), fmt_bips(max))
}

/// Who bore a bad-debt write-off: L debt shrinks the L holders' claim; X and Y debt is taken
/// from the reserve (the LPs) and from single-sided deposits (the lenders).
fn fmt_socialized(b: &BadDebtBurned) -> String {
    let from_reserve = fmt_nonzero([b.debt_l, b.from_reserve_x, b.from_reserve_y]);
    let from_deposits = fmt_nonzero([0, b.from_deposits_x, b.from_deposits_y]);
    format!("{from_reserve} from the reserve (LPs), {from_deposits} from the lenders' deposits")
}

fn add_volume(direction: SwapDirection, amount_in: u64, volume_x: &mut u128, volume_y: &mut u128) {
    match direction {
        SwapDirection::XToY => *volume_x += u128::from(amount_in),
        SwapDirection::YToX => *volume_y += u128::from(amount_in),
    }
}

fn program_name(program: Pubkey) -> &'static str {
    if program == TOKEN_PROGRAM {
        "SPL Token"
    } else {
        "Token-2022"
    }
}

fn print_price_line(pair: &Pair, after_swaps: u64) -> DemoResult<()> {
    let (rx, ry) = (pair.reserve_x.get(), pair.reserve_y.get());
    let tick = math::tick_at_reserves(rx, ry).map_err(|e| format!("{e:?}"))?;
    println!(
        "after {:>3} swaps: price {} X per Y, tick {:>5}, mid-term TWAP tick {:>5}, last observed tick {:>5}",
        after_swaps,
        fmt_price(rx, ry),
        tick,
        pair.observations.mid_term_tick(),
        pair.observations.last_tick
    );
    Ok(())
}

async fn report(
    bank: &mut Bank,
    keys: &PairKeys,
    pair: &Pair,
    accounts: &[Account],
    starting: &[(u64, u64)],
    l_per_share_start: u128,
    liquidations: &[LiquidationRecord],
) -> DemoResult<()> {
    let pool = pair.pool();
    let (rx, ry) = (pool.reserve_x.0, pool.reserve_y.0);
    let current_tick = math::tick_at_reserves(rx, ry).map_err(|e| format!("{e:?}"))?;
    let observations = &pair.observations;
    println!("\n== report ==");
    println!("mints             {}", dlex_sdk::health::describe_freeze_authorities(pair));
    println!("reserves          {} X / {} Y", fmt_tokens(rx), fmt_tokens(ry));
    println!("fee anchors       {} X / {} Y (reference reserves of this interval)", fmt_tokens(pool.reference_x.0), fmt_tokens(pool.reference_y.0));
    println!("price             {} X per Y (tick {current_tick})", fmt_price(rx, ry));
    println!(
        "TWAP              mid-term tick {}, long-term tick {}, last observed {}; mid-term window {}",
        observations.mid_term_tick(),
        observations.long_term_tick(),
        observations.last_tick,
        if observations.is_mid_term_ready() { "filled (lending may start)" } else { "still filling (pair is swap-only)" }
    );
    // Per-share values are scaled by 1e18; twelve decimals are shown.
    let l_per_share_end = share_values(pair).deposit_l;
    let growth_ppm = l_per_share_end.saturating_sub(l_per_share_start).saturating_mul(1_000_000) / l_per_share_start.max(1);
    let (start, end) = (l_per_share_start / 1_000_000, l_per_share_end / 1_000_000);
    println!(
        "LP earnings       L per share {}.{:012} -> {}.{:012}  (+{}.{:04}%: swap fees and L interest)",
        start / 1_000_000_000_000,
        start % 1_000_000_000_000,
        end / 1_000_000_000_000,
        end % 1_000_000_000_000,
        growth_ppm / 10_000,
        growth_ppm % 10_000
    );
    println!(
        "lending supply    {} X and {} Y deposited",
        fmt_tokens(pool.assets[TokenKind::DepositX as usize]),
        fmt_tokens(pool.assets[TokenKind::DepositY as usize])
    );
    let vault_x = bank.token_balance(keys.vault_x).await;
    let vault_y = bank.token_balance(keys.vault_y).await;
    println!(
        "conservation      vault X {} = reserve + deposits - borrows {}: {}",
        fmt_tokens(vault_x.into()),
        fmt_tokens(pool.expected_vault_x().unwrap_or(0)),
        if Some(u128::from(vault_x)) == pool.expected_vault_x() && Some(u128::from(vault_y)) == pool.expected_vault_y() { "holds" } else { "BROKEN" }
    );

    println!("\n{:<19} {:>16} {:>16} {:>18} {:>28}", "account", "X change", "Y change", "L shares", "LP position now (X / Y)");
    for (account, (start_x, start_y)) in accounts.iter().zip(starting) {
        let x = bank.token_balance(account.tokens.token_x).await;
        let y = bank.token_balance(account.tokens.token_y).await;
        let position = bank.position(pda::position(keys.pair, account.keypair.pubkey())).await.ok_or("position")?;
        let shares = position.share_balance(TokenKind::DepositL);
        let redeemable = if shares > 0 {
            let out = quote::burn(pair, bank.now(), shares).map_err(|e| format!("quote burn: {e}"))?;
            format!("{} / {}", fmt_tokens(out.flows.x_out.into()), fmt_tokens(out.flows.y_out.into()))
        } else {
            "-".into()
        };
        println!(
            "{:<19} {:>16} {:>16} {:>18} {:>28}",
            account.name,
            fmt_signed_tokens(i128::from(x) - i128::from(*start_x)),
            fmt_signed_tokens(i128::from(y) - i128::from(*start_y)),
            shares,
            redeemable
        );
        let deposit_x = position.share_balance(TokenKind::DepositX);
        let deposit_y = position.share_balance(TokenKind::DepositY);
        if deposit_x > 0 || deposit_y > 0 {
            println!("{:<19} lending shares: {} DEPOSIT_X, {} DEPOSIT_Y", "", deposit_x, deposit_y);
        }
    }

    println!("\n{:<19} {:>14} {:>14} {:>14} {:>9} {:>8} {:>22}", "borrower", "debt X", "debt Y", "debt L", "LTV", "solvent", "liquidation price");
    for account in &accounts[BORROWERS] {
        let report = health(bank, keys, account.keypair.pubkey()).await?;
        let liquidation = match (report.liquidation_sqrt_price_net_x_q72, report.liquidation_sqrt_price_net_y_q72) {
            (0, 0) => "-".to_string(),
            (x, 0) => format!("{} X/Y (falling)", fmt_price(dlex_sdk::health::price_e6_from_sqrt_q72(x), 1_000_000)),
            (_, y) => format!("{} X/Y (rising)", fmt_price(dlex_sdk::health::price_e6_from_sqrt_q72(y), 1_000_000)),
        };
        println!(
            "{:<19} {:>14} {:>14} {:>14} {:>9} {:>8} {:>22}",
            account.name,
            fmt_tokens(report.assets[TokenKind::BorrowX as usize]),
            fmt_tokens(report.assets[TokenKind::BorrowY as usize]),
            report.assets[TokenKind::BorrowL as usize],
            dlex_sdk::health::format_ltv(&report),
            if report.solvent { "yes" } else { "NO" },
            liquidation
        );
    }

    if !liquidations.is_empty() {
        println!("\n{:<19} {:<9} {:>28} {:>28} {:>24}  bad debt", "liquidated", "kind", "repaid (L / X / Y)", "seized (L / X / Y)", "premium");
        for record in liquidations {
            let e = &record.event;
            println!(
                "{:<19} {:<9} {:>28} {:>28} {:>24}  {}",
                record.borrower,
                kind_name(e.kind),
                fmt_legs([e.repaid_l, e.repaid_x, e.repaid_y]),
                fmt_legs([e.seized_l, e.seized_x, e.seized_y]),
                fmt_premium(e.premium_bips, e.max_premium_bips),
                match &record.burned {
                    Some(b) => format!("{} written off", fmt_nonzero([b.debt_l, b.debt_x, b.debt_y])),
                    None => "none".into(),
                }
            );
            if let Some(burned) = &record.burned {
                println!("{:<19} socialized: {}", "", fmt_socialized(burned));
            }
        }
    }
    Ok(())
}
