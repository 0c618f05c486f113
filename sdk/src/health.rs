//! A position's health and limits. The health report is the program's own query code
//! (`dlex::queries`), equal to what the `position_health` instruction returns. The limits
//! (largest borrow and withdrawal) are searches that run the program's own pipeline
//! (`actions::apply_and_judge`: the leg, then `risk::check`) on copies, so each limit is exactly
//! what the instruction would accept now; they run here, off-chain, because on chain they
//! would cost over a hundred risk checks each.

type AnchorResult<T> = Result<T, anchor_lang::error::Error>;
use dlex::actions::saturation::TrancheBook;
use dlex::actions::{self, Asset, SaturationContext};
use dlex::queries::{self, PositionReport};
use dlex::risk::Action;
use dlex::state::{Pair, Pool, Position};

/// The report for `position` in `pair` at unix time `now`.
pub fn position_report(pair: &Pair, position: &Position, now: i64) -> AnchorResult<PositionReport> {
    queries::position_report_of(pair, position, now as u32)
}

/// The largest amounts each instruction would accept from a position now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PositionLimits {
    /// Largest amounts `borrow` / `borrow_liquidity` would accept.
    pub max_borrow_x: u64,
    pub max_borrow_y: u64,
    pub max_borrow_l: u128,
    /// Largest DEPOSIT_X / DEPOSIT_Y shares `withdraw` would accept.
    pub max_withdraw_x_shares: u128,
    pub max_withdraw_y_shares: u128,
}

/// Largest `n` in `0..=limit` with `passes(n)`, for a `passes` that holds up to some amount
/// and fails beyond it (more debt or less collateral never makes a position healthier).
/// At most 129 probes.
pub fn largest_passing(limit: u128, passes: impl Fn(u128) -> bool) -> u128 {
    if limit == 0 || passes(limit) {
        return limit;
    }
    let (mut good, mut bad) = (0u128, limit);
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        if passes(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    good
}

/// The limits of `position` in `pair` at unix time `now` (`globally_paused`: the Config's
/// pause of new risk), judged as the instruction would judge them except for tranche capacity
/// and range edges, which need the pair's tranches: see [`position_limits_with_tranches`].
pub fn position_limits(pair: &Pair, position: &Position, now: i64, globally_paused: bool) -> AnchorResult<PositionLimits> {
    position_limits_with_tranches(pair, position, None, now, globally_paused)
}

/// [`position_limits`] with the pair's tranches (`crate::saturation::tranche_book`): each
/// probe also re-walks the position's saturation into a copy of them, so every limit is
/// exactly what the instruction would accept now, tranche rules included.
pub fn position_limits_with_tranches(
    pair: &Pair,
    position: &Position,
    tranches: Option<&TrancheBook>,
    now: i64,
    globally_paused: bool,
) -> AnchorResult<PositionLimits> {
    let now = now as u32;
    let mut pair = Box::new(*pair);
    let mut pool = pair.pool();
    actions::accrue(&mut pair, &mut pool, now)?;
    let balances = position.balances();
    let fragile = position.fragile_shares.get();
    let judge = |leg: &dyn Fn(&mut Pool, &mut [u128; 6]) -> AnchorResult<Action>| {
        let mut store = tranches.cloned();
        let mut saturation = store.as_mut().map(|store| SaturationContext {
            store,
            allocations: position.allocations(),
            ratio_mag2: position.saturation_ratio(),
        });
        actions::apply_and_judge(&pair, &pool, &balances, fragile, globally_paused, now, saturation.as_mut(), |p, b| {
            Ok((leg(p, b)?, ()))
        })
        .is_ok()
    };
    let max_withdraw = |asset: Asset| {
        largest_passing(balances[asset.deposit_kind() as usize], |shares| {
            judge(&|p, b| actions::withdraw(p, b, asset, shares).map(|_| Action::Withdraw { asset }).map_err(Into::into))
        })
    };
    let max_borrow = |asset: Asset| {
        let (reserve, missing) = match asset {
            Asset::X => (pool.reserve_x.0, pool.missing_x()),
            Asset::Y => (pool.reserve_y.0, pool.missing_y()),
        };
        let borrowable = reserve.saturating_sub(missing).min(u128::from(u64::MAX));
        largest_passing(borrowable, |amount| {
            judge(&|p, b| actions::borrow(p, b, asset, amount as u64).map(|_| Action::Borrow { asset }).map_err(Into::into))
        }) as u64
    };
    let max_borrow_l = largest_passing(pool.active_liquidity(), |liquidity| {
        judge(&|p, b| actions::borrow_liquidity(p, b, liquidity).map(|o| Action::BorrowLiquidity { debt: o.debt }).map_err(Into::into))
    });
    Ok(PositionLimits {
        max_borrow_x: max_borrow(Asset::X),
        max_borrow_y: max_borrow(Asset::Y),
        max_borrow_l,
        max_withdraw_x_shares: max_withdraw(Asset::X),
        max_withdraw_y_shares: max_withdraw(Asset::Y),
    })
}

/// The report and the limits together (what `dlex position` prints).
pub fn position_health(pair: &Pair, position: &Position, now: i64, globally_paused: bool) -> AnchorResult<(PositionReport, PositionLimits)> {
    Ok((position_report(pair, position, now)?, position_limits(pair, position, now, globally_paused)?))
}

/// LTV in percent with two decimals, for display.
pub fn format_ltv(report: &PositionReport) -> String {
    match report.ltv_bips {
        0 => "0.00%".into(),
        u64::MAX => "∞ (debt without collateral)".into(),
        bips => format!("{}.{:02}%", bips / 100, bips % 100),
    }
}

/// Turns a Q72 sqrt price into a price (X per Y) scaled by 1e6, for display; 0 stays 0.
pub fn price_e6_from_sqrt_q72(sqrt_price_q72: u128) -> u128 {
    let squared = dlex::math::U256::from(sqrt_price_q72) * dlex::math::U256::from(sqrt_price_q72);
    let scaled: dlex::math::U256 = (squared * dlex::math::U256::from(1_000_000u64)) >> 144usize;
    scaled.to::<u128>()
}

/// Decodes the return data of a simulated `position_health`. Solana drops trailing zero
/// bytes of return data, so the data is padded back to the report's size first.
pub fn decode_report(return_data: &[u8]) -> Result<PositionReport, std::io::Error> {
    use anchor_lang::{AnchorDeserialize, AnchorSerialize};
    let mut encoded = Vec::new();
    PositionReport::default().serialize(&mut encoded)?;
    let size = encoded.len();
    let mut padded = return_data.to_vec();
    if padded.len() < size {
        padded.resize(size, 0);
    }
    PositionReport::deserialize(&mut &padded[..])
}

/// A position read from `source`, with its report and limits at the source's current time.
pub struct PositionHealth {
    pub pair: Pair,
    pub position: Position,
    pub report: PositionReport,
    pub limits: PositionLimits,
}

/// Reads the pair and `owner`'s position from `source` and computes the report.
pub async fn fetch<S: crate::source::AccountSource>(
    source: &mut S,
    pair_address: anchor_lang::prelude::Pubkey,
    owner: anchor_lang::prelude::Pubkey,
) -> Result<PositionHealth, String> {
    let pair_data = source.account_data(pair_address).await?.ok_or(format!("no pair account at {pair_address}"))?;
    let pair = crate::decode::pair(&pair_data).map_err(|_| format!("{pair_address} is not a dlex pair"))?;
    let position_address = crate::pda::position(pair_address, owner);
    let position_data = source.account_data(position_address).await?.ok_or(format!("{owner} has no position in pair {pair_address}"))?;
    let position = crate::decode::position(&position_data).map_err(|_| format!("{position_address} is not a dlex position"))?;
    let globally_paused = match source.account_data(crate::pda::config()).await? {
        Some(data) => crate::decode::config(&data).map_err(|_| "the config account is not a dlex config".to_string())?.new_risk_paused,
        None => false,
    };
    let now = source.unix_timestamp().await?;
    let (report, limits) = position_health(&pair, &position, now, globally_paused).map_err(|e| format!("report: {e}"))?;
    Ok(PositionHealth { pair, position, report, limits })
}

/// A raw token amount with its decimals, e.g. `format_amount(1_500_000, 6) == "1.500000"`.
pub fn format_amount(raw: u128, decimals: u8) -> String {
    let unit = 10u128.pow(u32::from(decimals));
    if decimals == 0 {
        return raw.to_string();
    }
    format!("{}.{:0width$}", raw / unit, raw % unit, width = decimals as usize)
}

fn price_text(sqrt_price_q72: u128) -> String {
    let price = price_e6_from_sqrt_q72(sqrt_price_q72);
    format!("{}.{:06} X per Y", price / 1_000_000, price % 1_000_000)
}

/// Which of the pair's mints carry a freeze authority (recorded at `create_pair`): an issuer
/// that freezes a vault halts every instruction that moves that token, liquidations included.
pub fn describe_freeze_authorities(pair: &Pair) -> String {
    use dlex::state::{FREEZABLE_X, FREEZABLE_Y};
    let side = |bit: u8| if pair.freezable_mints & bit != 0 { "freezable (its issuer can freeze the vault)" } else { "no freeze authority" };
    format!("X {}; Y {}", side(FREEZABLE_X), side(FREEZABLE_Y))
}

/// The liquidation view of an indebted position: the range liquidations read, its LTV there,
/// and which liquidations a keeper could send now with what they would repay and seize.
fn describe_liquidation(report: &PositionReport, dx: u8, dy: u8) -> String {
    let ltv = match report.liquidation_ltv_bips {
        u128::MAX => "unbounded".to_string(),
        bips => format!("{}.{:02}%", bips / 100, bips % 100),
    };
    let mut out = format!(
        "liq. range   ticks [{}, {}] (mid-term TWAP and last tick); LTV there {ltv}\n",
        report.liquidation_min_tick, report.liquidation_max_tick
    );
    let amounts = |l: u128, x: u128, y: u128| format!("L {l}  X {}  Y {}", format_amount(x, dx), format_amount(y, dy));
    if report.hard_liquidatable {
        let plan = &report.hard_plan;
        out.push_str(&format!(
            "hard         possible, max premium {} bips: repays {}, seizes {}{}\n",
            report.hard_max_premium_bips,
            amounts(plan.repaid[0], plan.repaid[1], plan.repaid[2]),
            amounts(plan.seized[0], plan.seized[1], plan.seized[2]),
            if plan.bad_debt { "; the rest of the debt is bad debt" } else { "" }
        ));
    } else {
        out.push_str("hard         not possible (LTV at most 60% on the liquidation range)\n");
    }
    if report.leverage_liquidatable {
        let a = &report.leverage_amounts;
        out.push_str(&format!(
            "leverage     possible: repays {}, seizes {}{}\n",
            amounts(a[3], a[4], a[5]),
            amounts(a[0], a[1], a[2]),
            if report.leverage_bad_debt { "; the rest of the debt is bad debt" } else { "" }
        ));
    }
    out
}

/// The human-readable health and limits of a position (what `dlex position` prints).
pub fn describe(health: &PositionHealth) -> String {
    use dlex::state::TokenKind::*;
    let (report, limits, pair) = (&health.report, &health.limits, &health.pair);
    let (dx, dy) = (pair.decimals_x, pair.decimals_y);
    let a = report.assets;
    let mut out = String::new();
    out.push_str(&format!("mints        {}\n", describe_freeze_authorities(pair)));
    out.push_str(&format!("deposits     L {}   X {}   Y {}\n", a[DepositL as usize], format_amount(a[DepositX as usize], dx), format_amount(a[DepositY as usize], dy)));
    out.push_str(&format!("debts        L {}   X {}   Y {}\n", a[BorrowL as usize], format_amount(a[BorrowX as usize], dx), format_amount(a[BorrowY as usize], dy)));
    if !report.price_window_ready {
        out.push_str("price range  not ready: the pair's mid-term TWAP window is still filling (borrowing refused)\n");
    } else {
        out.push_str(&format!("price range  ticks [{}, {}] (long-term TWAP, current tick, extremes)\n", report.min_tick, report.max_tick));
        out.push_str(&format!(
            "netted       debt {} L, collateral {} L{}\n",
            report.debt_l,
            report.collateral_l,
            if report.debt_l > 0 { if report.net_debt_x { " (net debt in X)" } else { " (net debt in Y)" } } else { "" }
        ));
        out.push_str(&format!("LTV          {} after the slippage add-on (limit 75.00%)\n", format_ltv(report)));
    }
    out.push_str(&format!("solvent      {}\n", if report.solvent { "yes" } else { "NO" }));
    let liquidation = match (report.liquidation_sqrt_price_net_x_q72, report.liquidation_sqrt_price_net_y_q72) {
        (0, 0) => "none".to_string(),
        (x, 0) => format!("{} (if the price falls)", price_text(x)),
        (0, y) => format!("{} (if the price rises)", price_text(y)),
        (x, y) => format!("{} or {}", price_text(x), price_text(y)),
    };
    out.push_str(&format!("liquidation  {liquidation}\n"));
    if report.assets[3..].iter().any(|debt| *debt > 0) {
        out.push_str(&describe_liquidation(report, dx, dy));
    }
    out.push_str(&format!(
        "may borrow   X {}   Y {}   L {}\n",
        format_amount(limits.max_borrow_x.into(), dx),
        format_amount(limits.max_borrow_y.into(), dy),
        limits.max_borrow_l
    ));
    out.push_str(&format!("may withdraw DEPOSIT_X shares {}   DEPOSIT_Y shares {}\n", limits.max_withdraw_x_shares, limits.max_withdraw_y_shares));
    out
}
