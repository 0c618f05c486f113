//! `dlex recipe <name>`: plans one strategy of the recipe menu (`dlex_sdk::recipes`) on a pool
//! of an in-process bank, prints its `execute` legs and its preview (the program's own
//! pipeline on copies), and with `--execute` sends it and prints the position it opened.

use dlex::actions::{Asset, SwapDirection};
use dlex_sdk::bank::{Bank, TOKEN_PROGRAM};
use dlex_sdk::ix;
use dlex_sdk::recipes::{self, Recipe, ONE};
use dlex_sdk::{health, pda, PairKeys};
use solana_sdk::signer::Signer;

use crate::demo::{fmt_score, new_account};

const UNIT: u64 = 1_000_000;
const MID_TERM_INTERVAL: u32 = 8;

/// The menu's names, as the command line takes them.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum RecipeName {
    MarketMaking,
    Long,
    Short,
    LeveragedMarketMaking,
    DeltaNeutralMarketMaking,
    LongMarketMaking,
    ShortMarketMaking,
    LongStraddle,
    Call,
    Put,
}

#[derive(clap::Args)]
pub struct RecipeArgs {
    /// The strategy
    #[arg(value_enum)]
    name: RecipeName,
    /// Equity, in X (whole tokens; the wallet pays in X)
    #[arg(long, default_value_t = 1_000)]
    equity: u64,
    /// The recipe's parameter: leverage (long, leveraged market making), k (short), m
    /// (delta-neutral), n (straddle) or the notional per unit of equity (call, put); decimal
    #[arg(long, value_name = "VALUE", value_parser = parse_bips)]
    param: Option<i128>,
    /// Send the plan (otherwise only plan and preview are printed)
    #[arg(long)]
    execute: bool,
}

/// A decimal like `2.5` in bips.
fn parse_bips(value: &str) -> Result<i128, String> {
    let number: f64 = value.parse().map_err(|_| format!("`{value}` is not a number (e.g. 2.5)"))?;
    if !(0.0..=1_000.0).contains(&number) {
        return Err("the parameter must be between 0 and 1000".into());
    }
    Ok((number * ONE as f64).round() as i128)
}

impl RecipeArgs {
    fn recipe(&self) -> Recipe {
        let p = |default: i128| self.param.unwrap_or(default);
        match self.name {
            RecipeName::MarketMaking => Recipe::MarketMaking,
            RecipeName::Long => Recipe::Long { leverage: p(2 * ONE) },
            RecipeName::Short => Recipe::Short { k: p(ONE) },
            RecipeName::LeveragedMarketMaking => Recipe::LeveragedMarketMaking { leverage: p(3 * ONE) },
            RecipeName::DeltaNeutralMarketMaking => Recipe::DeltaNeutralMarketMaking { m: p(ONE) },
            RecipeName::LongMarketMaking => Recipe::LongMarketMaking,
            RecipeName::ShortMarketMaking => Recipe::ShortMarketMaking,
            RecipeName::LongStraddle => Recipe::LongStraddle { n: p(ONE) },
            RecipeName::Call => Recipe::Call { notional: p(2 * ONE) },
            RecipeName::Put => Recipe::Put { notional: p(2 * ONE) },
        }
    }
}

/// The pool the plan runs on: 1,000,000 X / 4,000,000 Y of liquidity, 200,000 X and 800,000 Y
/// lent, and both TWAP windows filled by small swaps.
async fn scene(bank: &mut Bank) -> Result<PairKeys, String> {
    let admin = bank.payer_pubkey();
    bank.send(&[ix::init_config(admin, admin, MID_TERM_INTERVAL, MID_TERM_INTERVAL * 14)], &[]).await.map_err(|e| format!("init_config: {e}"))?;
    let mint_a = bank.create_mint(TOKEN_PROGRAM, 6, None).await.map_err(|e| format!("mint: {e}"))?;
    let mint_b = bank.create_mint(TOKEN_PROGRAM, 6, None).await.map_err(|e| format!("mint: {e}"))?;
    let (create, keys) = ix::create_pair(admin, (mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_PROGRAM));
    bank.send(&[create], &[]).await.map_err(|e| format!("create_pair: {e}"))?;
    let lp = new_account(bank, &keys, "lp", 100_000_000 * UNIT, 100_000_000 * UNIT).await?;
    let seed = [
        ix::mint(&keys, &lp.tokens, 1_000_000 * UNIT, 4_000_000 * UNIT, 0),
        ix::deposit(&keys, &lp.tokens, Asset::X, 200_000 * UNIT, 0),
        ix::deposit(&keys, &lp.tokens, Asset::Y, 800_000 * UNIT, 0),
    ];
    bank.send(&seed, &[&lp.keypair]).await.map_err(|e| format!("seed the pool: {e}"))?;
    for i in 0..150u32 {
        bank.warp_seconds(i64::from(MID_TERM_INTERVAL));
        let direction = if i % 2 == 0 { SwapDirection::XToY } else { SwapDirection::YToX };
        bank.send(&[ix::swap_exact_in(&keys, &lp.tokens, direction, UNIT, 0)], &[&lp.keypair]).await.map_err(|e| format!("oracle tick: {e}"))?;
    }
    Ok(keys)
}

pub async fn run(args: RecipeArgs) -> Result<(), String> {
    let recipe = args.recipe();
    let equity = i128::from(args.equity) * i128::from(UNIT);
    let mut bank = Bank::start().await;
    let keys = scene(&mut bank).await?;
    let user = new_account(&mut bank, &keys, "user", 2 * args.equity * UNIT, 2 * args.equity * UNIT).await?;
    let (pair, position) = (bank.pair(keys.pair).await, bank.position(pda::position(keys.pair, user.keypair.pubkey())).await.ok_or("position")?);
    let (description, risk) = recipe.description();
    let target = recipe.composition(equity);
    let (delta, gamma) = target.scores();
    println!("{}: {description} ({risk})", recipe.name());
    println!("pool: 1,000,000 X / 4,000,000 Y on an in-process bank; equity {} X, paid in X", args.equity);
    println!("target balances by value in X: {target:?}; δ̂ {} γ̂ {}", fmt_score(delta), fmt_score(gamma));
    let wallet = (2 * args.equity * UNIT, 0);
    let plan = recipes::open(&pair, &position, bank.now(), &target, wallet)?;
    println!("execute, {} legs (the wallet pays at most {} X):", plan.legs.len(), 2 * args.equity);
    for leg in &plan.legs {
        println!("  {leg:?}");
    }
    let preview = recipes::preview(&pair, &position, bank.now(), &plan).map_err(|e| format!("the plan would be refused: {e}"))?;
    println!(
        "preview: pays {} X and {} Y; LTV {} -> {}; δ̂ {} γ̂ {} after; origination fees (L, X, Y) {:?}; swap fees {:?}",
        fmt_amount(preview.net.x_in),
        fmt_amount(preview.net.y_in),
        health::format_ltv(&preview.before),
        health::format_ltv(&preview.after),
        fmt_score(preview.scores.0),
        fmt_score(preview.scores.1),
        preview.origination_fees,
        preview.swap_fees
    );
    if !args.execute {
        println!("(add --execute to send it)");
        return Ok(());
    }
    bank.send(&[ix::execute(&keys, &user.tokens, plan.legs, plan.min_net_x, plan.min_net_y)], &[&user.keypair]).await.map_err(|e| format!("execute: {e}"))?;
    let health = health::fetch(&mut bank, keys.pair, user.keypair.pubkey()).await?;
    println!("opened:\n{}", health::describe(&health));
    Ok(())
}

fn fmt_amount(raw: u64) -> String {
    health::format_amount(u128::from(raw), 6)
}
