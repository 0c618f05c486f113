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

use crate::chart::Decimals;
use crate::demo::{fmt_score, new_account, Account};
use anchor_lang::prelude::Pubkey;
use dlex_sdk::ix::UserTokens;
use dlex_sdk::source::AccountSource;
use solana_compute_budget_interface::ComputeBudgetInstruction;

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
    /// Any (δ̂, γ̂): --delta and --gamma
    Scores,
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
    #[command(flatten)]
    scores: ScoreArgs,
    /// Send the plan (otherwise only plan and preview are printed)
    #[arg(long)]
    execute: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
}

/// Plan on a cluster's pair instead of the in-process pool.
#[derive(clap::Args)]
pub struct ClusterArgs {
    /// JSON-RPC URL of the cluster (with --pair and --keypair)
    #[arg(long, value_name = "RPC_URL", value_parser = crate::parse_url, requires_all = ["pair", "keypair"])]
    url: Option<String>,
    /// The pair on that cluster (base58)
    #[arg(long, value_parser = crate::parse_pubkey, requires = "url")]
    pair: Option<Pubkey>,
    /// The wallet's keypair file (Solana CLI JSON): it signs, pays in X from its associated
    /// token account, and owns the position
    #[arg(long, value_name = "PATH", requires = "url")]
    keypair: Option<String>,
}

/// The exposure of the `scores` recipe (spec recipes §1): value change per relative price move,
/// and curvature, per unit of equity.
#[derive(clap::Args, Clone, Copy, Debug)]
pub struct ScoreArgs {
    /// δ̂ for `scores` (plain liquidity is 0.5; a 3x long is 3)
    #[arg(long, value_name = "DELTA", allow_hyphen_values = true, value_parser = parse_score)]
    pub delta: Option<i128>,
    /// γ̂ for `scores` (plain liquidity is -0.25; a straddle is positive)
    #[arg(long, value_name = "GAMMA", allow_hyphen_values = true, value_parser = parse_score)]
    pub gamma: Option<i128>,
}

/// A signed decimal like `-0.25` in bips, within ±100.
fn parse_score(value: &str) -> Result<i128, String> {
    let number: f64 = value.parse().map_err(|_| format!("`{value}` is not a number (e.g. -0.25)"))?;
    if !number.is_finite() || !(-100.0..=100.0).contains(&number) {
        return Err("a score must be between -100 and 100".into());
    }
    Ok((number * ONE as f64).round() as i128)
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
    fn recipe(&self) -> Result<Recipe, String> {
        self.name.with_param(self.param, self.scores)
    }
}

impl RecipeName {
    /// The recipe with its parameter (`None`: the default shown in `--param`'s help), or for
    /// `scores` its δ̂ and γ̂ (both needed).
    pub(crate) fn with_param(self, param: Option<i128>, scores: ScoreArgs) -> Result<Recipe, String> {
        let p = |default: i128| param.unwrap_or(default);
        if !matches!(self, RecipeName::Scores) && (scores.delta.is_some() || scores.gamma.is_some()) {
            return Err("--delta and --gamma go with the `scores` recipe; the named recipes have their own scores".into());
        }
        Ok(match self {
            RecipeName::Scores => match (scores.delta, scores.gamma) {
                (Some(delta), Some(gamma)) => Recipe::Scores { delta, gamma },
                _ => return Err("the `scores` recipe needs --delta and --gamma (e.g. --delta 0 --gamma -0.5)".into()),
            },
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
        })
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
    let recipe = args.recipe()?;
    if let (Some(url), Some(pair), Some(keypair)) = (&args.cluster.url, args.cluster.pair, &args.cluster.keypair) {
        return run_on_cluster(recipe, &args, url, pair, keypair).await;
    }
    let Planned { mut bank, keys, user, plan, preview, fee_yield, .. } = plan_on_scene(recipe, args.equity).await?;
    println!("pool: 1,000,000 X / 4,000,000 Y on an in-process bank; equity {} X, paid in X", args.equity);
    let decimals = Decimals { x: 6, y: 6 };
    print_plan(recipe, args.equity, &plan, decimals);
    print_preview(&preview?, bank.now(), fee_yield, decimals)?;
    if !args.execute {
        println!("(add --execute to send it; `dlex chart both --recipe {}` draws its payout)", recipe.name());
        return Ok(());
    }
    bank.send(&[ix::execute(&keys, &user.tokens, plan.legs, plan.min_net_x, plan.min_net_y)], &[&user.keypair]).await.map_err(|e| format!("execute: {e}"))?;
    let health = health::fetch(&mut bank, keys.pair, user.keypair.pubkey()).await?;
    println!("opened:\n{}", health::describe(&health));
    Ok(())
}

/// Compute units asked for the `execute` transaction on a cluster: up to eight legs with a
/// risk check and the saturation walk.
const EXECUTE_COMPUTE_UNITS: u32 = 1_000_000;

/// `dlex recipe --url --pair --keypair`: the same plan and preview on a cluster's pair, for the
/// keypair's wallet (paying in X from its associated token account), sent with `--execute`
/// (opening the position in the same transaction when it has none).
async fn run_on_cluster(recipe: Recipe, args: &RecipeArgs, url: &str, pair: Pubkey, keypair: &str) -> Result<(), String> {
    let signer = dlex_sdk::rpc::read_keypair_file(keypair)?;
    let owner = signer.pubkey();
    let mut read = crate::read_pair(url, pair).await?;
    let keys = PairKeys::from_pair(pair, &read.pair);
    let position_address = pda::position(pair, owner);
    let existing = match read.source.account_data(position_address).await? {
        Some(data) => Some(dlex_sdk::decode::position(&data).map_err(|_| format!("{position_address}, {owner}'s position address in {pair}, holds an account that is not a dlex position"))?),
        None => None,
    };
    let position = existing.unwrap_or_else(|| dlex::state::Position::opened(owner, pair, 0, read.now));
    let tokens = UserTokens::associated(owner, &keys);
    let held_x = token_amount(&mut read.source, tokens.token_x).await?;
    let equity = u64::try_from(u128::from(args.equity) * 10u128.pow(u32::from(read.decimals.x))).map_err(|_| "--equity is too large for the mint's decimals")?;
    if held_x < equity {
        return Err(format!(
            "{owner} holds {} X in {} (its associated token account for {}); the recipe's equity is {} X",
            health::format_amount(u128::from(held_x), read.decimals.x),
            tokens.token_x,
            keys.mint_x,
            args.equity
        ));
    }
    println!("pair {pair} on {url}; wallet {owner}; equity {} X, paid in X", args.equity);
    let target = recipe.composition(i128::from(equity));
    let plan = recipes::open(&read.pair, &position, read.now, &target, (held_x.min(equity.saturating_mul(2)), 0))?;
    print_plan(recipe, args.equity, &plan, read.decimals);
    let preview = recipes::preview(&read.pair, &position, read.now, &plan).map_err(|e| format!("the plan would be refused: {e}"))?;
    let fee = crate::measure_fee_yield(&read, None).await;
    print_preview(&preview, read.now, fee.fee_yield, read.decimals)?;
    if !args.execute {
        println!("(add --execute to send it)");
        return Ok(());
    }
    let mut instructions = vec![ComputeBudgetInstruction::set_compute_unit_limit(EXECUTE_COMPUTE_UNITS)];
    if existing.is_none() {
        instructions.push(ix::open_position(owner, pair));
    }
    instructions.push(ix::execute(&keys, &tokens, plan.legs, plan.min_net_x, plan.min_net_y));
    let instructions = dlex_sdk::saturation::complete(&mut read.source, &instructions).await?;
    let client = solana_rpc_client::nonblocking::rpc_client::RpcClient::new(url.to_string());
    let signature = dlex_sdk::rpc::send_and_confirm(&client, &instructions, &signer, &[]).await?;
    println!("sent: {signature}");
    let health = health::fetch(&mut dlex_sdk::source::Cluster::new(url), pair, owner).await?;
    println!("opened:\n{}", health::describe(&health));
    Ok(())
}

/// The amount in a token account (SPL Token and Token-2022 keep it at bytes 64..72); 0 when
/// the account does not exist.
async fn token_amount(source: &mut impl AccountSource, account: Pubkey) -> Result<u64, String> {
    let Some(data) = source.account_data(account).await? else { return Ok(0) };
    let bytes = data.get(64..72).ok_or_else(|| format!("{account} is not a token account"))?;
    Ok(u64::from_le_bytes(bytes.try_into().map_err(|_| "token account too short")?))
}

fn print_plan(recipe: Recipe, equity: u64, plan: &recipes::Plan, decimals: Decimals) {
    let (description, risk) = recipe.description();
    let target = recipe.composition(i128::from(equity) * 10i128.pow(u32::from(decimals.x)));
    let (delta, gamma) = target.scores();
    println!("{}: {description} ({risk})", recipe.title());
    println!("target balances by value in raw X: {target:?}; δ̂ {} γ̂ {}", fmt_score(delta), fmt_score(gamma));
    println!("execute, {} legs (the wallet pays at most {} X):", plan.legs.len(), health::format_amount(u128::try_from(-i128::from(plan.min_net_x)).unwrap_or(0), decimals.x));
    for leg in &plan.legs {
        println!("  {leg:?}");
    }
}

/// The preview, and the opened position's outlook under the payout model.
fn print_preview(preview: &recipes::Preview, now: i64, fee_yield: f64, decimals: Decimals) -> Result<(), String> {
    let amount = |raw: u64, d: u8| health::format_amount(u128::from(raw), d);
    println!(
        "preview: pays {} X and {} Y; LTV {} -> {}; δ̂ {} γ̂ {} after; price moves {:+.3}%; origination fees (L, X, Y) {:?}; swap fees {:?}",
        amount(preview.net.x_in, decimals.x),
        amount(preview.net.y_in, decimals.y),
        health::format_ltv(&preview.before),
        health::format_ltv(&preview.after),
        fmt_score(preview.scores.0),
        fmt_score(preview.scores.1),
        preview.price_impact * 100.0,
        preview.origination_fees,
        preview.swap_fees
    );
    let limits = &preview.limits_after;
    println!(
        "after it, the position could still borrow {} X, {} Y or {} L (before tranche limits)",
        amount(limits.max_borrow_x, decimals.x),
        amount(limits.max_borrow_y, decimals.y),
        limits.max_borrow_l
    );
    let outlook = payout::Outlook::of(&preview.pair_after, &preview.after.assets, now, Some(preview.paid_value_x()), fee_yield, payout::Numeraire::X)?;
    print!("{}", outlook.describe(decimals.x, decimals.y));
    Ok(())
}
