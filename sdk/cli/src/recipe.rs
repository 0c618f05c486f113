//! `dlex recipe <name>`: plans one strategy of the recipe menu (`dlex_sdk::recipes`) on a pool
//! of an in-process bank, prints its `execute` legs and its preview (the program's own
//! pipeline on copies), and with `--execute` sends it and prints the position it opened.

use dlex::actions::{Asset, SwapDirection};
use dlex::events::Swapped;
use dlex_sdk::bank::{decode_event, Bank, TOKEN_PROGRAM};
use dlex_sdk::ix;
use dlex_sdk::recipes::{self, Recipe, ONE};
use dlex_sdk::{health, payout, pda, PairKeys};
use solana_sdk::signer::Signer;

use crate::demo::{fmt_score, new_account, Account};

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
pub(crate) fn parse_bips(value: &str) -> Result<i128, String> {
    let number: f64 = value.parse().map_err(|_| format!("`{value}` is not a number (e.g. 2.5)"))?;
    if !(0.0..=1_000.0).contains(&number) {
        return Err("the parameter must be between 0 and 1000".into());
    }
    Ok((number * ONE as f64).round() as i128)
}

impl RecipeArgs {
    fn recipe(&self) -> Recipe {
        self.name.with_param(self.param)
    }
}

impl RecipeName {
    /// The recipe with its parameter (`None`: the default shown in `--param`'s help).
    pub(crate) fn with_param(self, param: Option<i128>) -> Recipe {
        let p = |default: i128| param.unwrap_or(default);
        match self {
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
/// deposited for lending, a borrower with 2,000,000 Y of collateral owing 10% of the L and
/// 100,000 X (so the rates are the curve's at those utilizations), and both TWAP windows filled
/// by swaps of 40 X / 160 Y every 8 s (whose events it returns, with the seconds they span, for
/// the fee yield: about 20% a year on deposited L).
async fn scene(bank: &mut Bank) -> Result<(PairKeys, Vec<Swapped>, f64), String> {
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
    let borrower = new_account(bank, &keys, "borrower", 100_000_000 * UNIT, 100_000_000 * UNIT).await?;
    bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 2_000_000 * UNIT, 0)], &[&borrower.keypair]).await.map_err(|e| format!("collateral: {e}"))?;
    let (mut swaps, started) = (Vec::new(), bank.now());
    for i in 0..150u32 {
        bank.warp_seconds(i64::from(MID_TERM_INTERVAL));
        if i == 120 {
            // The mid-term window has filled: borrowing is open.
            let borrows = [ix::borrow_liquidity(&keys, &borrower.tokens, 100_000 * u128::from(UNIT), 0, 0), ix::borrow(&keys, &borrower.tokens, Asset::X, 40_000 * UNIT)];
            bank.send(&borrows, &[&borrower.keypair]).await.map_err(|e| format!("the scene's borrower: {e}"))?;
        }
        let (direction, amount) = if i % 2 == 0 { (SwapDirection::XToY, 40 * UNIT) } else { (SwapDirection::YToX, 160 * UNIT) };
        let events = bank.send_with_events(&[ix::swap_exact_in(&keys, &lp.tokens, direction, amount, 0)], &[&lp.keypair]).await.map_err(|e| format!("oracle tick: {e}"))?;
        swaps.extend(events.iter().filter_map(|data| decode_event::<Swapped>(data)));
    }
    Ok((keys, swaps, (bank.now() - started) as f64))
}

/// A recipe planned on the scene's pool for a fresh user, with its preview and the fee yield
/// of the scene's swaps.
pub(crate) struct Planned {
    pub(crate) bank: Bank,
    pub(crate) keys: PairKeys,
    pub(crate) user: Account,
    pub(crate) plan: recipes::Plan,
    pub(crate) preview: Result<recipes::Preview, String>,
    pub(crate) fee_yield: f64,
    pub(crate) fee_window_seconds: f64,
    /// How many swaps the fee yield was measured on.
    pub(crate) swaps: usize,
}

/// Builds the scene and plans `recipe` with `equity` whole X for a user who holds twice that
/// in X and Y and pays in X.
pub(crate) async fn plan_on_scene(recipe: Recipe, equity: u64) -> Result<Planned, String> {
    let mut bank = Bank::start().await;
    let (keys, swaps, window) = scene(&mut bank).await?;
    let user = new_account(&mut bank, &keys, "user", 2 * equity * UNIT, 2 * equity * UNIT).await?;
    let (pair, position) = (bank.pair(keys.pair).await, bank.position(pda::position(keys.pair, user.keypair.pubkey())).await.ok_or("position")?);
    let target = recipe.composition(i128::from(equity) * i128::from(UNIT));
    let plan = recipes::open(&pair, &position, bank.now(), &target, (2 * equity * UNIT, 0))?;
    let preview = recipes::preview(&pair, &position, bank.now(), &plan).map_err(|e| format!("the plan would be refused: {e}"));
    let fee_yield = payout::fee_yield(&swaps, window, &pair.pool());
    Ok(Planned { bank, keys, user, plan, preview, fee_yield, fee_window_seconds: window, swaps: swaps.len() })
}

pub async fn run(args: RecipeArgs) -> Result<(), String> {
    let recipe = args.recipe();
    let Planned { mut bank, keys, user, plan, preview, fee_yield, .. } = plan_on_scene(recipe, args.equity).await?;
    let (description, risk) = recipe.description();
    let target = recipe.composition(i128::from(args.equity) * i128::from(UNIT));
    let (delta, gamma) = target.scores();
    println!("{}: {description} ({risk})", recipe.name());
    println!("pool: 1,000,000 X / 4,000,000 Y on an in-process bank; equity {} X, paid in X", args.equity);
    println!("target balances by value in X: {target:?}; δ̂ {} γ̂ {}", fmt_score(delta), fmt_score(gamma));
    println!("execute, {} legs (the wallet pays at most {} X):", plan.legs.len(), 2 * args.equity);
    for leg in &plan.legs {
        println!("  {leg:?}");
    }
    let preview = preview?;
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
    let outlook = payout::Outlook::of(&preview.pair_after, &preview.after.assets, bank.now(), Some(preview.paid_value_x()), fee_yield, payout::Numeraire::X)?;
    print!("{}", outlook.describe(6, 6));
    if !args.execute {
        println!("(add --execute to send it; `dlex chart both --recipe {}` draws its payout)", recipe.name());
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
