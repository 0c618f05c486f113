//! The demo scenario: two mints, one pair, three LPs, a lender, and a stream of swaps in both
//! directions across many TWAP intervals, then a report of reserves, prices, TWAP ticks, fees
//! earned by LPs and every account's balances.

use anchor_lang::prelude::Pubkey;
use dlex::actions::{Asset, SwapAmount, SwapDirection};
use dlex::math;
use dlex::state::{Pair, TokenKind};
use dlex_sdk::bank::{Bank, TOKEN_2022_PROGRAM, TOKEN_PROGRAM};
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::{pda, quote, PairKeys};
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;

type DemoResult<T> = Result<T, String>;

const DECIMALS: u8 = 6;
const UNIT: u64 = 1_000_000;
const MID_TERM_INTERVAL: u32 = 8;
const LONG_TERM_INTERVAL: u32 = 8 * 14;

struct Account {
    name: &'static str,
    keypair: Keypair,
    tokens: UserTokens,
}

fn fmt_tokens(raw: u128) -> String {
    let unit = u128::from(UNIT);
    format!("{}.{:06}", raw / unit, raw % unit)
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

async fn new_account(bank: &mut Bank, keys: &PairKeys, name: &'static str, x: u64, y: u64) -> DemoResult<Account> {
    let keypair = bank.new_funded_keypair(5_000_000_000).await;
    let owner = keypair.pubkey();
    let token_x = bank.create_token_account(keys.mint_x, owner, keys.token_program_x).await;
    let token_y = bank.create_token_account(keys.mint_y, owner, keys.token_program_y).await;
    bank.mint_to(keys.mint_x, token_x, x, keys.token_program_x).await;
    bank.mint_to(keys.mint_y, token_y, y, keys.token_program_y).await;
    bank.send(&[ix::open_position(owner, keys.pair)], &[&keypair]).await.map_err(|e| format!("open_position: {e}"))?;
    Ok(Account { name, keypair, tokens: UserTokens { owner, token_x, token_y } })
}

async fn send(bank: &mut Bank, what: &str, instruction: anchor_lang::solana_program::instruction::Instruction, signer: &Keypair) -> DemoResult<()> {
    bank.send(&[instruction], &[signer]).await.map_err(|e| format!("{what}: {e}"))
}

/// DEPOSIT_L assets per share, scaled by 1e12: grows only through swap fees here.
fn l_per_share_e12(pair: &Pair) -> u128 {
    let pool = pair.pool();
    let assets = pool.deposit_l_assets().map(|a| a.0).unwrap_or(0);
    let shares = pool.total_shares(TokenKind::DepositL).0;
    if shares == 0 {
        0
    } else {
        assets.saturating_mul(1_000_000_000_000) / shares
    }
}

pub async fn run() -> DemoResult<()> {
    let started = std::time::Instant::now();
    let mut bank = Bank::start().await;
    let admin = bank.payer_pubkey();
    println!("dlex demo — an in-process Solana bank running the dlex program natively\n");

    bank.send(&[ix::init_config(admin, admin, MID_TERM_INTERVAL, LONG_TERM_INTERVAL)], &[]).await.map_err(|e| format!("init_config: {e}"))?;
    // One SPL Token mint and one Token-2022 mint: dlex accepts both in one pair.
    let mint_a = bank.create_mint(TOKEN_PROGRAM, DECIMALS, None).await.map_err(|e| format!("mint: {e}"))?;
    let mint_b = bank.create_mint(TOKEN_2022_PROGRAM, DECIMALS, None).await.map_err(|e| format!("mint: {e}"))?;
    let (create, keys) = ix::create_pair(admin, (mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_2022_PROGRAM), MID_TERM_INTERVAL, LONG_TERM_INTERVAL);
    bank.send(&[create], &[]).await.map_err(|e| format!("create_pair: {e}"))?;
    println!("pair      {}", keys.pair);
    println!("mint X    {} ({})", keys.mint_x, program_name(keys.token_program_x));
    println!("mint Y    {} ({})", keys.mint_y, program_name(keys.token_program_y));
    println!("TWAP      mid-term every {MID_TERM_INTERVAL} s (51 slots), long-term every {LONG_TERM_INTERVAL} s (9 slots)\n");

    let funds = 10_000_000 * UNIT;
    let mut accounts = Vec::new();
    for (name, x, y) in [("alice (LP)", funds, funds), ("bob (LP)", funds, funds), ("carol (LP)", funds, funds), ("dave (lender)", funds, funds), ("erin (trader)", funds, funds), ("frank (trader)", funds, funds)] {
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
    let l_per_share_start = l_per_share_e12(&pair_start);

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
            0..=39 => if seed % 4 == 0 { SwapDirection::YToX } else { SwapDirection::XToY },
            40..=79 => if seed % 4 == 0 { SwapDirection::XToY } else { SwapDirection::YToX },
            _ => if seed % 2 == 0 { SwapDirection::XToY } else { SwapDirection::YToX },
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

    println!("\n== the lender withdraws half ==");
    let lender_position = bank.position(pda::position(keys.pair, lender.keypair.pubkey())).await.ok_or("lender position")?;
    let half_x = lender_position.share_balance(TokenKind::DepositX) / 2;
    send(&mut bank, "withdraw", ix::withdraw(&keys, &lender.tokens, Asset::X, half_x, 0), &lender.keypair).await?;
    println!("{:<15} redeems {} DEPOSIT_X shares", lender.name, half_x);

    let pair = bank.pair(keys.pair).await;
    report(&mut bank, &keys, &pair, &accounts, &starting, l_per_share_start).await?;
    println!("\nfinished in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
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

async fn report(bank: &mut Bank, keys: &PairKeys, pair: &Pair, accounts: &[Account], starting: &[(u64, u64)], l_per_share_start: u128) -> DemoResult<()> {
    let pool = pair.pool();
    let (rx, ry) = (pool.reserve_x.0, pool.reserve_y.0);
    let current_tick = math::tick_at_reserves(rx, ry).map_err(|e| format!("{e:?}"))?;
    let observations = &pair.observations;
    println!("\n== report ==");
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
    let l_per_share_end = l_per_share_e12(pair);
    let growth_ppm = (l_per_share_end.saturating_sub(l_per_share_start)).saturating_mul(1_000_000) / l_per_share_start.max(1);
    println!(
        "LP fees           L per share {}.{:012} -> {}.{:012}  (+{}.{:04}% from swap fees)",
        l_per_share_start / 1_000_000_000_000,
        l_per_share_start % 1_000_000_000_000,
        l_per_share_end / 1_000_000_000_000,
        l_per_share_end % 1_000_000_000_000,
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

    println!("\n{:<15} {:>16} {:>16} {:>18} {:>22}", "account", "X change", "Y change", "L shares", "LP position now (X / Y)");
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
            "{:<15} {:>16} {:>16} {:>18} {:>22}",
            account.name,
            fmt_signed_tokens(i128::from(x) - i128::from(*start_x)),
            fmt_signed_tokens(i128::from(y) - i128::from(*start_y)),
            shares,
            redeemable
        );
        let deposit_x = position.share_balance(TokenKind::DepositX);
        let deposit_y = position.share_balance(TokenKind::DepositY);
        if deposit_x > 0 || deposit_y > 0 {
            println!("{:<15} lending shares: {} DEPOSIT_X, {} DEPOSIT_Y", "", deposit_x, deposit_y);
        }
    }
    Ok(())
}
