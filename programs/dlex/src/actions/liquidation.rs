//! Liquidations (spec §11) applied to copies: the debts the liquidator repays, the deposits
//! that move from the borrower's balances to the liquidator's, and the bad-debt burn of
//! §11.4. Whether a liquidation is allowed, and whether it is bad debt, is decided by
//! `risk::judge_liquidation` inside `risk::check`; this module only does the bookkeeping.

use anchor_lang::prelude::{AnchorDeserialize, AnchorSerialize, Result};

use super::liquidity::{credit, debit, pay_liquidity_debt};
use super::saturation::{SaturationStore, SideAllocation};
use super::{accrue, add, sub, to_token_amount, update_saturation, SaturationContext, TokenFlows};
use crate::errors::DlexError;
use crate::math;
use crate::oracle::{self, PriceRange};
use crate::risk::{self, Action, LiquidationFacts, LiquidationKind, LiquidationVerdict, RiskContext};
use crate::state::{has_debt, Assets, Pair, Pool, Reserve, Rounding, Shares, TokenKind};

/// A hard liquidation's proposal (spec §11.1). Repaid amounts are capped at the debt and
/// seized amounts at the deposit, so `u64::MAX` / `u128::MAX` mean "all of it".
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HardLiquidationProposal {
    /// L debt to repay (assets), paid with the proportional X and Y at the reserve price.
    pub repay_l: u128,
    /// X debt to repay, in tokens.
    pub repay_x: u64,
    /// Y debt to repay, in tokens.
    pub repay_y: u64,
    /// Deposit-L assets to seize.
    pub seize_l: u128,
    /// Deposit-X assets to seize.
    pub seize_x: u128,
    /// Deposit-Y assets to seize.
    pub seize_y: u128,
}

/// What a `liquidate` instruction asks for.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiquidationRequest {
    /// Hard liquidation with the liquidator's proposal.
    Hard(HardLiquidationProposal),
    /// Leverage liquidation: the amounts follow from the formula (§11.3).
    Leverage,
    /// Debt-cap liquidation (§11.2): seizes `floor(deposit·premium/1e4)` of each deposit,
    /// repays nothing, and re-allocates the position at today's saturation.
    DebtCap,
}

impl LiquidationRequest {
    pub fn kind(&self) -> LiquidationKind {
        match self {
            LiquidationRequest::Hard(_) => LiquidationKind::Hard,
            LiquidationRequest::Leverage => LiquidationKind::Leverage,
            LiquidationRequest::DebtCap => LiquidationKind::DebtCap,
        }
    }
}

/// The parts of a position a liquidation changes: its share balances, its fragile shares,
/// and (the borrower's) tranche allocation and saturation ratio. The default is a fresh
/// position (nothing held, the default ratio), as `open_position` creates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PositionBook {
    pub balances: [u128; 6],
    pub fragile: u128,
    pub allocations: [SideAllocation; 2],
    pub ratio_mag2: u128,
}

impl Default for PositionBook {
    fn default() -> Self {
        Self {
            balances: [0; 6],
            fragile: 0,
            allocations: [SideAllocation::default(); 2],
            ratio_mag2: u128::from(crate::state::DEFAULT_SATURATION_RATIO_MAG2),
        }
    }
}

impl PositionBook {
    /// The book of a stored position.
    pub fn of(position: &crate::state::Position) -> Self {
        Self {
            balances: position.balances(),
            fragile: position.fragile_shares.get(),
            allocations: position.allocations(),
            ratio_mag2: position.saturation_ratio(),
        }
    }

    /// Writes the book back into `position`.
    pub fn store(&self, position: &mut crate::state::Position) {
        position.set_balances(&self.balances);
        position.fragile_shares.set(self.fragile);
        position.set_allocations(&self.allocations);
    }
}

/// The bad debt written off against the pool (spec §11.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BadDebtBurn {
    /// Debt written off (assets, rounded down) and the debt shares burned: L, X, Y.
    pub debt_assets: [u128; 3],
    pub debt_shares: [u128; 3],
    /// Of the X and Y written off, the part taken from the reserves (borne by L holders) …
    pub from_reserves: [u128; 2],
    /// … and the part taken from single-sided deposits (borne by lenders).
    pub from_deposits: [u128; 2],
    /// Deposit shares (L, X, Y) the borrower still held, burned into their classes.
    pub forfeited_deposit_shares: [u128; 3],
}

/// What a liquidation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiquidationOutcome {
    pub kind: LiquidationKind,
    /// Tokens the liquidator pays in (nothing goes out: the seized deposits are shares).
    pub flows: TokenFlows,
    /// Debt repaid (assets) and debt shares burned: L, X, Y.
    pub repaid: [u128; 3],
    pub repaid_shares: [u128; 3],
    /// Deposits seized (assets, as counted by the premium) and the shares moved: L, X, Y.
    pub seized: [u128; 3],
    pub seized_shares: [u128; 3],
    pub verdict: LiquidationVerdict,
    pub bad_debt: Option<BadDebtBurn>,
}

/// A liquidation applied to copies and accepted by `risk::check`, not yet written.
pub struct JudgedLiquidation {
    pub outcome: LiquidationOutcome,
    pub pool: Pool,
    pub borrower: PositionBook,
    pub liquidator: PositionBook,
    /// The pair's saturation summary after the borrower's re-allocation, if it was re-walked.
    pub summary: Option<crate::actions::saturation::SaturationSummary>,
}

/// The range liquidations are priced on: spec §8.5 without the long-term TWAP, so neither the
/// current tick nor a same-transaction price move can raise a payout (spec §11 step 3). It
/// needs no filled window: a liquidatable position is never refused for the warm-up.
pub fn liquidation_price_range(pair: &Pair, pool: &Pool, now: u32) -> core::result::Result<PriceRange, DlexError> {
    let current_tick = if pool.reserve_x.0 > 0 && pool.reserve_y.0 > 0 {
        math::tick_at_reserves(pool.reserve_x.0, pool.reserve_y.0)?
    } else {
        0
    };
    Ok(oracle::price_range(&pair.observations, &pair.price_extremes, current_tick, false, now))
}

/// Runs a liquidation of `borrower` by `liquidator` on `pair` at time `now`:
/// 1. accrue (TWAP observation, interest);
/// 2. [`apply_and_judge_liquidation`]: the legs on copies, judged by `risk::check`;
/// 3. refuse more than `max_amount_x` / `max_amount_y` tokens from the liquidator
///    (`SlippageAmountIn`);
/// 4. write the pool and both positions.
///
/// On error nothing but the pair's oracle fields has changed (and the transaction reverts
/// those).
#[allow(clippy::too_many_arguments)]
pub fn run_liquidation(
    pair: &mut Pair,
    borrower: &mut PositionBook,
    liquidator: &mut PositionBook,
    store: Option<&mut dyn SaturationStore>,
    now: u32,
    request: LiquidationRequest,
    max_amount_x: u64,
    max_amount_y: u64,
) -> Result<LiquidationOutcome> {
    let mut before = pair.pool();
    accrue(pair, &mut before, now)?;
    let judged = apply_and_judge_liquidation(pair, &before, borrower, liquidator, store, now, request)?;
    let flows = judged.outcome.flows;
    if flows.x_in > max_amount_x || flows.y_in > max_amount_y {
        return Err(DlexError::SlippageAmountIn.into());
    }
    pair.store_pool(&judged.pool);
    if let Some(summary) = judged.summary {
        pair.store_saturation_summary(&summary);
    }
    *borrower = judged.borrower;
    *liquidator = judged.liquidator;
    Ok(judged.outcome)
}

/// Applies `request` to copies of the accrued pool `before` and the two positions and
/// judges it with `risk::check` (`Action::Liquidate`):
/// 1. the borrower must owe something (`NothingToLiquidate`);
/// 2. price on the range without the long-term TWAP; the leverage kind computes its amounts
///    from the borrower's assets (§11.3), the hard kind takes the proposal;
/// 3. move the seized deposit shares to the liquidator (before any repayment, at the share
///    prices the plan was computed at);
/// 4. repay X and Y, then L at the reserve price (§11.1 step 1), each capped at the debt;
/// 5. judge (`risk::judge_liquidation`); on bad debt, burn the borrower's remaining debt
///    and deposits (§11.4);
/// 6. re-derive both positions' fragile liquidity; re-walk the borrower's saturation into its
///    tranches when `store` is given (never refused: a liquidation only releases capacity);
///    run `risk::check`.
///
/// The liquidator's allocation is not re-walked: it only gained collateral, so its recorded
/// saturation can only overstate its risk until its next instruction re-walks it.
pub fn apply_and_judge_liquidation(
    pair: &Pair,
    before: &Pool,
    borrower: &PositionBook,
    liquidator: &PositionBook,
    store: Option<&mut dyn SaturationStore>,
    now: u32,
    request: LiquidationRequest,
) -> Result<JudgedLiquidation> {
    if !has_debt(&borrower.balances) {
        return Err(DlexError::NothingToLiquidate.into());
    }
    let range = liquidation_price_range(pair, before, now)?;
    let (sqrt_min, sqrt_max) = range.sqrt_price_bounds().map_err(DlexError::from)?;
    let borrower_before = before.user_assets(&borrower.balances)?;
    let mut debt_cap_premium_bips = 0;
    let planned: [u128; 6] = match request {
        LiquidationRequest::Hard(p) => [p.seize_l, p.seize_x, p.seize_y, p.repay_l, u128::from(p.repay_x), u128::from(p.repay_y)],
        LiquidationRequest::Leverage => risk::leverage_liquidation(borrower_before, sqrt_min, sqrt_max)?.amounts,
        LiquidationRequest::DebtCap => {
            debt_cap_premium_bips = debt_cap_premium(before, borrower)?;
            let share = |deposit: u128| math::mul_div(deposit, debt_cap_premium_bips, math::BIPS, false).map_err(DlexError::from);
            [share(borrower_before[0])?, share(borrower_before[1])?, share(borrower_before[2])?, 0, 0, 0]
        }
    };
    let mut pool = *before;
    let (mut borrower, mut liquidator) = (*borrower, *liquidator);
    // Seize first, at the share prices the plan and the formula were computed at: repaying L
    // first would raise the value of a deposit-L share and count a whole deposit above them.
    let (mut seized, mut seized_shares) = ([0u128; 3], [0u128; 3]);
    for (slot, kind) in DEPOSIT_KINDS.into_iter().enumerate() {
        if planned[slot] == 0 {
            continue;
        }
        let (assets, shares) = seized_deposit(&pool, &borrower.balances, kind, planned[slot])?;
        if slot > 0 && liquidator.balances[DEBT_KINDS[slot] as usize] > 0 {
            // The liquidator's position would hold a deposit of an asset it borrows.
            return Err(DlexError::CannotDepositBorrowedAsset.into());
        }
        debit(&mut borrower.balances, kind, shares.0)?;
        credit(&mut liquidator.balances, kind, shares.0)?;
        (seized[slot], seized_shares[slot]) = (assets.0, shares.0);
    }
    let mut flows = TokenFlows::default();
    let (mut repaid, mut repaid_shares) = ([0u128; 3], [0u128; 3]);
    for slot in [1, 2, 0] {
        let offered = planned[3 + slot];
        if offered == 0 {
            continue;
        }
        let kind = DEBT_KINDS[slot];
        let (assets, shares) = liquidation_repaid_debt(&pool, &borrower.balances, kind, Assets(offered))?;
        let paid = if kind == TokenKind::BorrowL {
            pay_liquidity_debt(&mut pool, &mut borrower.balances, assets, shares, u64::MAX, u64::MAX)?
        } else {
            pool.remove_shares(kind, assets, shares)?;
            debit(&mut borrower.balances, kind, shares.0)?;
            let tokens = to_token_amount(assets.0)?;
            if kind == TokenKind::BorrowX {
                TokenFlows { x_in: tokens, ..Default::default() }
            } else {
                TokenFlows { y_in: tokens, ..Default::default() }
            }
        };
        flows.x_in = flows.x_in.checked_add(paid.x_in).ok_or(DlexError::AmountTooLarge)?;
        flows.y_in = flows.y_in.checked_add(paid.y_in).ok_or(DlexError::AmountTooLarge)?;
        (repaid[slot], repaid_shares[slot]) = (assets.0, shares.0);
    }
    let mut facts = LiquidationFacts {
        kind: request.kind(),
        borrower_before,
        borrower_after: pool.user_assets(&borrower.balances)?,
        amounts: [seized[0], seized[1], seized[2], repaid[0], repaid[1], repaid[2]],
        bad_debt: false,
        debt_cap_premium_bips,
    };
    let liquidity = risk::liquidation_liquidity(before, &pair.depth(), &borrower_before);
    let verdict = risk::judge_liquidation(&facts, liquidity, sqrt_min, sqrt_max)?;
    facts.bad_debt = verdict.bad_debt;
    let bad_debt = if verdict.bad_debt { Some(burn_bad_debt(&mut pool, &mut borrower.balances)?) } else { None };
    pool.update_fragile(&borrower.balances, &mut borrower.fragile)?;
    pool.update_fragile(&liquidator.balances, &mut liquidator.fragile)?;
    let mut summary = None;
    if let Some(store) = store {
        let mut saturation = SaturationContext { store, allocations: borrower.allocations, ratio_mag2: borrower.ratio_mag2 };
        let (allocations, new_summary, _) = update_saturation(pair, before, &pool, &borrower.balances, &mut saturation, None)?;
        borrower.allocations = allocations;
        summary = new_summary;
    }
    let context = RiskContext { price_range: Some(&range), depth_snapshot: pair.depth(), liquidation: Some(&facts), ..RiskContext::default() };
    risk::check(&Action::Liquidate, before, &pool, &borrower.balances, &context)?;
    Ok(JudgedLiquidation {
        outcome: LiquidationOutcome { kind: request.kind(), flows, repaid, repaid_shares, seized, seized_shares, verdict, bad_debt },
        pool,
        borrower,
        liquidator,
        summary,
    })
}

/// The debt-cap premium of `borrower` on the accrued pool `before` (spec §11.2): its
/// allocation against today's saturation in L assets.
pub fn debt_cap_premium(before: &Pool, borrower: &PositionBook) -> core::result::Result<u128, DlexError> {
    let assets = before.user_assets(&borrower.balances)?;
    super::saturation::debt_cap_premium_bips(&borrower.allocations, assets)
}

const DEPOSIT_KINDS: [TokenKind; 3] = [TokenKind::DepositL, TokenKind::DepositX, TokenKind::DepositY];
const DEBT_KINDS: [TokenKind; 3] = [TokenKind::BorrowL, TokenKind::BorrowX, TokenKind::BorrowY];

/// The debt an offer of `offered` assets repays in a liquidation: every share for the debt
/// `ceil(balance·A/S)` when the offer covers it, else `ceil(offered·S/A)` shares for
/// `ceil(shares·A/S)` assets (at least the offer, at most the debt). Unlike a voluntary
/// repay, a small offer never fails for rounding to zero shares: the liquidator pays for a
/// whole share instead, so the leverage formula's amounts can always be repaid; rounding
/// stays with the pool. Errors: `NothingToRepay` when the borrower owes none of `kind`.
fn liquidation_repaid_debt(pool: &Pool, balances: &[u128; 6], kind: TokenKind, offered: Assets) -> core::result::Result<(Assets, Shares), DlexError> {
    let (held, debt) = super::lending::owed(pool, balances, kind)?;
    if offered >= debt {
        return Ok((debt, held));
    }
    let shares = pool.to_shares(kind, offered, Rounding::Up)?.0.min(held.0);
    if shares == held.0 {
        return Ok((debt, held));
    }
    Ok((pool.to_assets(kind, Shares(shares), Rounding::Up)?, Shares(shares)))
}

/// The deposit shares that seizing `asked` assets of `kind` takes: every share when `asked`
/// reaches the deposit's `floor` assets (counted at those assets), else
/// `ceil(asked·S/A)` shares (spec §11.1 step 4, capped at the balance) counted at `asked`.
/// Errors: `NothingToSeize` when the borrower holds none of `kind`.
fn seized_deposit(pool: &Pool, balances: &[u128; 6], kind: TokenKind, asked: u128) -> core::result::Result<(Assets, Shares), DlexError> {
    let held = balances[kind as usize];
    if held == 0 {
        return Err(DlexError::NothingToSeize);
    }
    let deposit = pool.to_assets(kind, Shares(held), Rounding::Down)?;
    if asked >= deposit.0 {
        return Ok((deposit, Shares(held)));
    }
    let shares = pool.to_shares(kind, Assets(asked), Rounding::Up)?.0;
    if shares >= held {
        return Ok((deposit, Shares(held)));
    }
    Ok((Assets(asked), Shares(shares)))
}

/// Burns the borrower's remaining debt against the pool (spec §11.4) and its remaining
/// deposit shares into their classes:
/// - L debt: the shares at `floor` assets leave BORROW_L, so DEPOSIT_L (active L + borrowed
///   L) falls by the same amount: L holders absorb it;
/// - X or Y debt `bad` (assets, `floor`): `burnReserves = floor(bad·reserve/(deposits +
///   reserve))` comes out of the reserve (L holders) and the rest out of the single-sided
///   deposits (lenders); the fee anchors are rescaled with the reserves.
///
/// The vault's required balance `reserve + deposits − borrows` is unchanged by each step.
pub fn burn_bad_debt(pool: &mut Pool, balances: &mut [u128; 6]) -> core::result::Result<BadDebtBurn, DlexError> {
    let mut burn = BadDebtBurn::default();
    for (slot, kind) in DEBT_KINDS.into_iter().enumerate() {
        let shares = Shares(balances[kind as usize]);
        if shares.0 == 0 {
            continue;
        }
        let bad = pool.to_assets(kind, shares, Rounding::Down)?;
        pool.remove_shares(kind, bad, shares)?;
        debit(balances, kind, shares.0)?;
        (burn.debt_assets[slot], burn.debt_shares[slot]) = (bad.0, shares.0);
        if kind == TokenKind::BorrowL {
            continue;
        }
        let deposit_kind = DEPOSIT_KINDS[slot];
        let deposits = pool.assets[deposit_kind as usize];
        let reserve = if kind == TokenKind::BorrowX { pool.reserve_x.0 } else { pool.reserve_y.0 };
        let from_reserve = match add(deposits, reserve)? {
            0 => 0,
            total => math::mul_div(bad.0, reserve, total, false)?,
        };
        // bad ≤ borrows ≤ deposits + reserve (the vault never goes negative), so the part
        // left for the deposits fits them; `min` keeps a broken invariant from panicking.
        let from_deposits = sub(bad.0, from_reserve)?.min(deposits);
        let from_reserve = sub(bad.0, from_deposits)?.min(reserve);
        pool.assets[deposit_kind as usize] = sub(deposits, from_deposits)?;
        let new_reserve = Reserve(sub(reserve, from_reserve)?);
        if kind == TokenKind::BorrowX {
            pool.update_reserves_and_reference(new_reserve, pool.reserve_y)?;
        } else {
            pool.update_reserves_and_reference(pool.reserve_x, new_reserve)?;
        }
        burn.from_reserves[slot - 1] = from_reserve;
        burn.from_deposits[slot - 1] = from_deposits;
    }
    for (slot, kind) in DEPOSIT_KINDS.into_iter().enumerate() {
        let shares = balances[kind as usize];
        if shares == 0 {
            continue;
        }
        // The claim goes, the assets stay for the class's other holders.
        pool.remove_shares(kind, Assets(0), Shares(shares))?;
        debit(balances, kind, shares)?;
        burn.forfeited_deposit_shares[slot] = shares;
    }
    Ok(burn)
}
