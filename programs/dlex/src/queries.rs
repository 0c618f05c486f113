//! Read-only answers about a position: its health (netted debt and collateral, LTV after the
//! slippage add-on, the price range used, liquidation prices) and how much it could still
//! borrow or withdraw. Computed from plain copies of the pair and position with the same
//! pipeline the instructions run (`actions::apply_and_judge`), so the `position_health`
//! instruction (run through simulation) and the SDK give the same numbers.

use anchor_lang::prelude::*;

use crate::actions::{self, Asset};
use crate::math;
use crate::risk::{self, Action};
use crate::state::{has_debt, Pair, Pool, TokenKind};

/// What `position_health` returns.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PositionReport {
    /// Assets behind the shares `[deposit L, X, Y, borrow L, X, Y]`; debts rounded up.
    pub assets: [u128; 6],
    /// Whether the pair's mid-term window has filled (borrowing is possible).
    pub price_window_ready: bool,
    /// The price range for new risk, in ticks (0, 0 while the window fills).
    pub min_tick: i32,
    pub max_tick: i32,
    /// Debt and collateral netted in L units at the range's worst prices (spec §9.2).
    pub debt_l: u128,
    pub collateral_l: u128,
    /// True when the net debt is in X (liquidation happens as the price falls).
    pub net_debt_x: bool,
    /// Debt with the slippage add-on (spec §9.3); `u128::MAX` if the pool could not absorb it.
    pub debt_with_slippage_l: u128,
    /// `debt_with_slippage / collateral` in bips: must stay ≤ 7500. 0 without debt,
    /// `u64::MAX` with debt and no collateral.
    pub ltv_bips: u64,
    /// Whether the position passes the solvency check now.
    pub solvent: bool,
    /// Sqrt prices (Q72) at which the netted LTV reaches 85% (spec §10.4); 0 = none.
    pub liquidation_sqrt_price_net_x_q72: u128,
    pub liquidation_sqrt_price_net_y_q72: u128,
    /// Largest amounts `borrow` / `borrow_liquidity` would accept now.
    pub max_borrow_x: u64,
    pub max_borrow_y: u64,
    pub max_borrow_l: u128,
    /// Largest DEPOSIT_X / DEPOSIT_Y shares `withdraw` would accept now.
    pub max_withdraw_x_shares: u128,
    pub max_withdraw_y_shares: u128,
}

/// Largest `n` in `0..=limit` with `passes(n)`, for a `passes` that holds up to some amount
/// and fails beyond it (more debt or less collateral never makes a position healthier).
/// At most 129 probes.
fn largest_passing(limit: u128, passes: impl Fn(u128) -> bool) -> u128 {
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

/// The report for a position with `balances` and `fragile` shares, at unix time `now`
/// (interest and the oracle accrued to `now` on a copy; nothing is written).
pub fn position_report(pair: &Pair, balances: &[u128; 6], fragile: u128, now: u32) -> Result<PositionReport> {
    let mut pair = Box::new(*pair);
    let mut pool = pair.pool();
    actions::accrue(&mut pair, &mut pool, now)?;
    let assets = pool.user_assets(balances)?;
    let (liquidation_x, liquidation_y) = math::liquidation_sqrt_prices_q72(assets);
    let mut report = PositionReport {
        assets,
        liquidation_sqrt_price_net_x_q72: liquidation_x,
        liquidation_sqrt_price_net_y_q72: liquidation_y,
        solvent: true,
        ..PositionReport::default()
    };
    // Whether a hypothetical leg passes, judged exactly as the instruction would judge it.
    let judge = |leg: &dyn Fn(&mut Pool, &mut [u128; 6]) -> Result<Action>| {
        actions::apply_and_judge(&pool, balances, fragile, |p, b| Ok((leg(p, b)?, ())), |after| actions::price_range_for_new_risk(&pair, after, now))
            .is_ok()
    };
    let max_withdraw = |asset: Asset| {
        largest_passing(balances[asset.deposit_kind() as usize], |shares| {
            judge(&|p, b| actions::withdraw(p, b, asset, shares).map(|_| Action::Withdraw { asset }).map_err(Into::into))
        })
    };
    report.max_withdraw_x_shares = max_withdraw(Asset::X);
    report.max_withdraw_y_shares = max_withdraw(Asset::Y);
    let Some(range) = actions::price_range_for_new_risk(&pair, &pool, now)? else {
        return Ok(report);
    };
    report.price_window_ready = true;
    report.min_tick = range.min_tick;
    report.max_tick = range.max_tick;
    let (sqrt_min, sqrt_max) = range.sqrt_price_bounds().map_err(crate::errors::DlexError::from)?;
    let params = math::check_ltv_params(assets, sqrt_min, sqrt_max).map_err(crate::errors::DlexError::from)?;
    let (debt_l, collateral_l, net_debt_x) = math::debt_and_collateral(&params);
    report.debt_l = debt_l;
    report.collateral_l = collateral_l;
    report.net_debt_x = net_debt_x;
    let own_liquidity = assets[TokenKind::DepositL as usize];
    let slippage_liquidity = pool.active_liquidity().saturating_sub(own_liquidity);
    report.debt_with_slippage_l = math::increase_for_slippage(debt_l, slippage_liquidity).unwrap_or(u128::MAX);
    report.ltv_bips = match (debt_l, collateral_l) {
        (0, _) => 0,
        (_, 0) => u64::MAX,
        (_, collateral) => u64::try_from(report.debt_with_slippage_l.saturating_mul(10_000) / collateral).unwrap_or(u64::MAX),
    };
    report.solvent = !has_debt(&assets) || risk::check_solvency(&pool, balances, &range).is_ok();

    let borrowable = |reserve: u128, missing: u128| reserve.saturating_sub(missing).min(u128::from(u64::MAX));
    report.max_borrow_x = largest_passing(borrowable(pool.reserve_x.0, pool.missing_x()), |amount| {
        judge(&|p, b| actions::borrow(p, b, Asset::X, amount as u64).map(|_| Action::Borrow { asset: Asset::X }).map_err(Into::into))
    }) as u64;
    report.max_borrow_y = largest_passing(borrowable(pool.reserve_y.0, pool.missing_y()), |amount| {
        judge(&|p, b| actions::borrow(p, b, Asset::Y, amount as u64).map(|_| Action::Borrow { asset: Asset::Y }).map_err(Into::into))
    }) as u64;
    report.max_borrow_l = largest_passing(pool.active_liquidity(), |liquidity| {
        judge(&|p, b| actions::borrow_liquidity(p, b, liquidity).map(|o| Action::BorrowLiquidity { debt: o.debt }).map_err(Into::into))
    });
    Ok(report)
}
