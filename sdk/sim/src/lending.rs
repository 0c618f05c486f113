//! The lending layer of the dlex pools (spec §4.5): real positions that change the pool only
//! through the program's own pipeline (`actions::run_legs` with `actions::apply_legs`, i.e.
//! what the `execute` instruction runs: accrual, each leg with its pool rules, the saturation
//! re-walk into an in-memory `TrancheBook`, `risk::check`), and the per-step interest accrual
//! with `actions::accrue` (what every non-swap instruction runs first).
//!
//! Positions ([`Book`]):
//! * two single-sided lenders: DEPOSIT_X and DEPOSIT_Y, each worth `d·TVL/2`, passive;
//! * X borrowers (collateral DEPOSIT_Y) and Y borrowers (collateral DEPOSIT_X) at the target
//!   utilizations `u_X = BX/(DX + reserveX)`, `u_Y`;
//! * straddle borrowers (collateral DEPOSIT_X and DEPOSIT_Y, half each) at `BL = β·DL`;
//!
//! each borrower kind split over `lending.borrowers` equal positions.
//!
//! Borrowers size collateral at the config's LTV, valued at the pool price. Each re-target
//! (once at the start, to a fixed point, then daily) tops collateral up, borrows the missing
//! debt or repays the excess. Borrowed tokens leave the pool (they are not sold in it yet).
//! X and Y debt targets are fixed utilizations or elastic demand ([`target_utilization`]).
//!
//! The keeper ([`keep`]) judges every indebted position with the program's report
//! (`dlex::queries::PairSnapshot`, what `position_health` returns) and sends what a keeper
//! sends (`dlex::queries::request_for`), run by `actions::run_liquidation` with the book's
//! tranches; a liquidator position takes the seized shares and pays the repaid tokens.

use dlex::actions::saturation::TrancheBook;
use dlex::actions::{self, Asset, Leg, PositionBook, SaturationContext, SwapDirection};
use dlex::math;
use dlex::queries::{self, PairSnapshot};
use dlex::risk::LiquidationKind;
use dlex::state::{has_debt, Pair, Pool, Position, TokenKind};

use crate::config::{Demand, LendingConfig};
use crate::pool::{deposit_l, Recorded};

/// What one per-step accrual did to the pool (all from its state change).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accrual {
    /// Growth of BORROW_L, BORROW_X, BORROW_Y assets: the borrowers' gross interest.
    pub gross_l: u128,
    pub gross_x: u128,
    pub gross_y: u128,
    /// Growth of the reserves: the LPs' part of X and Y interest.
    pub lp_x: u128,
    pub lp_y: u128,
    /// The protocol's 10% (`math::protocol_fee_share` of each gross interest, minted as
    /// deposit shares by the accrual).
    pub protocol_l: u128,
    pub protocol_x: u128,
    pub protocol_y: u128,
    /// Growth of DEPOSIT_L assets over the accrual (LP interest in L + the protocol's L fee).
    pub deposit_l: u128,
}

/// What the lending layer did in one step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Step {
    pub accrual: Accrual,
    pub retarget: Retarget,
    pub liquidations: Liquidations,
}

/// What a re-target did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Retarget {
    /// Executes that passed / were refused.
    pub legs_run: u64,
    pub refused: u64,
    /// Change of DEPOSIT_L assets through the legs (borrow-L fees, repay rounding).
    pub deposit_l_change: i128,
    /// The swaps the X and Y borrowers send after their legs (spec §4.5: borrowed tokens are
    /// sold in the pool): a borrow of X sells that X for Y, a repayment of X first buys it
    /// back with Y worth as much at the pool price (and the same for Y). Exact-in, in order.
    pub sells: Vec<(SwapDirection, u64)>,
}

/// What a position of the book does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    LenderX,
    LenderY,
    BorrowerX,
    BorrowerY,
    Straddle,
}

/// The lending positions of one pool and its tranche accounts.
#[derive(Clone)]
pub struct Book {
    pub config: LendingConfig,
    /// Each lender's deposit, base units (X, Y), from the config and the first mint.
    pub lender_x: u64,
    pub lender_y: u64,
    /// The lenders, then `borrowers` positions of each borrower kind (X, Y, straddle), each
    /// carrying 1/`borrowers` of its kind's target: one position holding a third of the pool
    /// would fail `risk::check`'s slippage add-on (LTV ≤ 75% after `increaseForSlippage`).
    pub positions: Vec<(Role, PositionBook)>,
    /// Positions per borrower kind.
    pub borrowers: u32,
    pub tranches: TrancheBook,
    /// The day of the last successful re-target (`None` before the first).
    pub last_day: Option<u32>,
    /// When a refused re-target may try again.
    pub retry_at: Option<u32>,
    /// The keeper's position: it receives the seized deposit shares (the repaid tokens come
    /// from outside the pool).
    pub liquidator: PositionBook,
}

impl Book {
    /// A book for a pool whose first mint was `x0`, `y0` (worth the TVL).
    pub fn new(config: &LendingConfig, x0: u64, y0: u64) -> Self {
        let d = config.deposit_share / 2.0;
        Self {
            config: config.clone(),
            lender_x: (x0 as f64 * d).round() as u64,
            lender_y: (y0 as f64 * d).round() as u64,
            positions: [Role::LenderX, Role::LenderY]
                .into_iter()
                .chain(
                    [Role::BorrowerX, Role::BorrowerY, Role::Straddle]
                        .into_iter()
                        .flat_map(|r| std::iter::repeat_n(r, config.borrowers as usize)),
                )
                .map(|r| (r, PositionBook::default()))
                .collect(),
            borrowers: config.borrowers.max(1),
            tranches: TrancheBook::default(),
            last_day: None,
            retry_at: None,
            liquidator: PositionBook::default(),
        }
    }
}

/// Interest on the stored pair up to `now` with the program's `actions::accrue` (observation,
/// then interest for any elapsed time), and what it did.
pub fn accrue(pair: &mut Pair, now: u32) -> Result<Accrual, String> {
    let before = pair.pool();
    let mut pool = before;
    actions::accrue(pair, &mut pool, now).map_err(|e| format!("accrue: {e:?}"))?;
    pair.store_pool(&pool);
    let grown =
        |kind: TokenKind| pool.assets[kind as usize].saturating_sub(before.assets[kind as usize]);
    let (gross_l, gross_x, gross_y) = (
        grown(TokenKind::BorrowL),
        grown(TokenKind::BorrowX),
        grown(TokenKind::BorrowY),
    );
    Ok(Accrual {
        gross_l,
        gross_x,
        gross_y,
        lp_x: pool.reserve_x.0 - before.reserve_x.0,
        lp_y: pool.reserve_y.0 - before.reserve_y.0,
        protocol_l: math::protocol_fee_share(gross_l),
        protocol_x: math::protocol_fee_share(gross_x),
        protocol_y: math::protocol_fee_share(gross_y),
        deposit_l: deposit_l(&pool) - deposit_l(&before),
    })
}

/// The utilizations the next accrual charges at, `(u_L, u_X, u_Y)` as fractions, with the
/// lending tick taken at the current reserves (the program uses the TWAP since the last
/// checkpoint; at a constant price the two are the same).
pub fn utilizations(pair: &Pair) -> (f64, f64, f64) {
    let pool = pair.pool();
    let Ok(tick) = math::tick_at_reserves(pool.reserve_x.0, pool.reserve_y.0) else {
        return (0.0, 0.0, 0.0);
    };
    let input = actions::interest_accrual_input(pair, &pool, 0, tick);
    let wad = 1e18;
    math::utilizations(&input)
        .map(|u| (u.l as f64 / wad, u.x as f64 / wad, u.y as f64 / wad))
        .unwrap_or((0.0, 0.0, 0.0))
}

/// Annual borrow rates `(r_L, r_X, r_Y)` at utilizations (the program's curve, ×5 for L).
pub fn borrow_rates(u: (f64, f64, f64)) -> (f64, f64, f64) {
    let rate = |u: f64| math::annual_interest_rate_wad((u * 1e18) as u128) as f64 / 1e18;
    (
        math::interest::LIQUIDITY_INTEREST_RATE_MAGNIFICATION as f64 * rate(u.0),
        rate(u.1),
        rate(u.2),
    )
}

/// Runs `legs` for position `who` through `actions::run_legs` + `apply_legs` (the `execute`
/// pipeline) with the book's tranches, on copies; commits only on success.
fn execute(
    pair: &mut Box<Pair>,
    book: &mut Book,
    who: usize,
    legs: &[Leg],
    now: u32,
    record: &mut Option<Vec<Recorded>>,
) -> Result<(), String> {
    let result = try_execute(pair, book, who, legs, now);
    if let Some(ops) = record {
        ops.push(Recorded::Execute {
            position: who,
            legs: legs.to_vec(),
            now,
            ok: result.is_ok(),
        });
    }
    result
}

fn try_execute(
    pair: &mut Box<Pair>,
    book: &mut Book,
    who: usize,
    legs: &[Leg],
    now: u32,
) -> Result<(), String> {
    let mut trial = pair.clone();
    let mut tranches = book.tranches.clone();
    let mut position = book.positions[who].1;
    let mut saturation = SaturationContext {
        store: &mut tranches,
        allocations: position.allocations,
        ratio_mag2: position.ratio_mag2,
    };
    let (_, _, allocations) = actions::run_legs(
        &mut trial,
        &mut position.balances,
        &mut position.fragile,
        now,
        false,
        Some(&mut saturation),
        |pool, balances, depth| {
            actions::apply_legs(pool, balances, legs, depth, i64::MIN, i64::MIN)
        },
    )
    .map_err(|e| format!("{e:?}"))?;
    if let Some(allocations) = allocations {
        position.allocations = allocations;
    }
    *pair = trial;
    book.tranches = tranches;
    book.positions[who].1 = position;
    Ok(())
}

fn to_u64(v: f64) -> u64 {
    if v <= 0.0 {
        0
    } else if v >= u64::MAX as f64 {
        u64::MAX
    } else {
        v.round() as u64
    }
}

/// The utilization X (or Y) borrowers want: `fixed` with fixed demand; with elastic demand
/// the equilibrium of `u = ū·clip((r_max − R(u))/(r_max − r_min), 0, 1)` on the program's
/// rate curve `R` (`math::annual_interest_rate_wad`), where the debt the borrowers want at
/// the rate it makes them pay is what they hold. The right side falls as `u` grows, so the
/// equilibrium is unique; bisection finds it. Solving it each day instead of reacting to
/// yesterday's rate avoids a daily cobweb that the spec's "rebalanced daily" does not ask for.
pub fn target_utilization(config: &LendingConfig, fixed: f64) -> f64 {
    if config.demand == Demand::Fixed {
        return fixed;
    }
    let rate = |u: f64| math::annual_interest_rate_wad((u * 1e18) as u128) as f64 / 1e18;
    let demand = |u: f64| {
        config.elastic_max_utilization
            * ((config.rate_max - rate(u)) / (config.rate_max - config.rate_min)).clamp(0.0, 1.0)
    };
    let (mut lo, mut hi) = (0.0f64, config.elastic_max_utilization);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if demand(mid) > mid {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The legs that move position `who` toward its target on `pool`, or none.
fn legs_for(book: &Book, who: usize, pool: &Pool) -> Vec<Leg> {
    let c = &book.config;
    let (role, position) = &book.positions[who];
    let held = pool.user_assets(&position.balances).unwrap_or([0; 6]);
    let share = 1.0 / f64::from(book.borrowers);
    let (rx, ry) = (pool.reserve_x.0 as f64, pool.reserve_y.0 as f64);
    // Y base units per X base unit.
    let p = ry / rx;
    let off = |target: f64, now: f64| (target - now).abs() > c.retarget_tolerance * target.max(1.0);
    let top_up = |asset: Asset, want: f64, have: u128, legs: &mut Vec<Leg>| {
        let amount = to_u64(want - have as f64);
        if amount > 0 && want > have as f64 * (1.0 + c.retarget_tolerance) {
            legs.push(Leg::Deposit {
                asset,
                amount,
                min_shares: 0,
            });
        }
    };
    let mut legs = Vec::new();
    match role {
        Role::LenderX | Role::LenderY => {
            let (asset, amount, kind) = if *role == Role::LenderX {
                (Asset::X, book.lender_x, TokenKind::DepositX)
            } else {
                (Asset::Y, book.lender_y, TokenKind::DepositY)
            };
            if held[kind as usize] == 0 && amount > 0 {
                legs.push(Leg::Deposit {
                    asset,
                    amount,
                    min_shares: 0,
                });
            }
        }
        Role::BorrowerX | Role::BorrowerY => {
            let x_side = *role == Role::BorrowerX;
            let u = target_utilization(
                c,
                if x_side {
                    c.utilization_x
                } else {
                    c.utilization_y
                },
            );
            let (asset, collateral, deposits, reserve) = if x_side {
                (
                    Asset::X,
                    Asset::Y,
                    pool.assets[TokenKind::DepositX as usize] as f64,
                    rx,
                )
            } else {
                (
                    Asset::Y,
                    Asset::X,
                    pool.assets[TokenKind::DepositY as usize] as f64,
                    ry,
                )
            };
            let target = share * u * (deposits + reserve);
            let debt = held[asset.borrow_kind() as usize] as f64;
            if !off(target, debt) || target < 1.0 && debt == 0.0 {
                return legs;
            }
            if target > debt {
                // Collateral for the target debt at the LTV, valued at the pool price.
                let want = if x_side {
                    target * p / c.ltv
                } else {
                    target / p / c.ltv
                };
                top_up(
                    collateral,
                    want,
                    held[collateral.deposit_kind() as usize],
                    &mut legs,
                );
                legs.push(Leg::Borrow {
                    asset,
                    amount: to_u64(target - debt),
                });
            } else {
                legs.push(Leg::Repay {
                    asset,
                    amount: to_u64(debt - target),
                });
            }
        }
        Role::Straddle => {
            let target = share * c.beta * deposit_l(pool) as f64;
            let debt = held[TokenKind::BorrowL as usize] as f64;
            if !off(target, debt) || target < 1.0 && debt == 0.0 {
                return legs;
            }
            if target > debt {
                // L is worth 2·√p Y per unit; collateral half X, half Y.
                let value = target * 2.0 * p.sqrt() / c.ltv;
                top_up(
                    Asset::X,
                    value / 2.0 / p,
                    held[TokenKind::DepositX as usize],
                    &mut legs,
                );
                top_up(
                    Asset::Y,
                    value / 2.0,
                    held[TokenKind::DepositY as usize],
                    &mut legs,
                );
                legs.push(Leg::BorrowLiquidity {
                    liquidity: (target - debt).round() as u128,
                    min_amount_x: 0,
                    min_amount_y: 0,
                });
            } else {
                legs.push(Leg::RepayLiquidity {
                    liquidity: (debt - target).round() as u128,
                    max_amount_x: u64::MAX,
                    max_amount_y: u64::MAX,
                });
            }
        }
    }
    legs
}

/// The swap a borrower sends after `leg` on `pool` (see [`Retarget::sells`]); `None` for
/// legs that move no borrowed X or Y.
fn borrower_swap(leg: &Leg, pool: &Pool) -> Option<(SwapDirection, u64)> {
    let (rx, ry) = (pool.reserve_x.0, pool.reserve_y.0);
    let swap = match *leg {
        Leg::Borrow {
            asset: Asset::X,
            amount,
        } => (SwapDirection::XToY, amount),
        Leg::Borrow {
            asset: Asset::Y,
            amount,
        } => (SwapDirection::YToX, amount),
        // Buying `amount` back: its value in the other token at the pool price.
        Leg::Repay {
            asset: Asset::X,
            amount,
        } => (
            SwapDirection::YToX,
            u64::try_from(math::mul_div(u128::from(amount), ry, rx, true).ok()?).ok()?,
        ),
        Leg::Repay {
            asset: Asset::Y,
            amount,
        } => (
            SwapDirection::XToY,
            u64::try_from(math::mul_div(u128::from(amount), rx, ry, true).ok()?).ok()?,
        ),
        _ => return None,
    };
    (swap.1 > 0).then_some(swap)
}

/// One round: each position in turn moves toward its target (lenders first).
fn round(
    pair: &mut Box<Pair>,
    book: &mut Book,
    now: u32,
    outcome: &mut Retarget,
    record: &mut Option<Vec<Recorded>>,
) -> bool {
    let mut moved = false;
    for who in 0..book.positions.len() {
        let legs = legs_for(book, who, &pair.pool());
        if legs.is_empty() {
            continue;
        }
        let before = deposit_l(&pair.pool());
        match execute(pair, book, who, &legs, now, record) {
            Ok(()) => {
                outcome.legs_run += 1;
                moved = true;
                outcome.deposit_l_change += deposit_l(&pair.pool()) as i128 - before as i128;
                if book.config.sell_borrowed {
                    outcome.sells.extend(
                        legs.iter()
                            .filter_map(|leg| borrower_swap(leg, &pair.pool())),
                    );
                }
            }
            Err(e) => {
                if std::env::var_os("DLEX_SIM_DEBUG").is_some() {
                    eprintln!("refused {who}: {legs:?}: {e}");
                }
                outcome.refused += 1
            }
        }
    }
    moved
}

/// The day's re-target at `now` (call after [`accrue`] at the same `now`), once the mid-term
/// TWAP window is ready. The first one runs rounds until the positions stop moving
/// (collateral feeds the other side's target), at most 12; later ones run one round. Refused
/// executes are counted; the re-target then tries again an hour later. Every execute tried
/// is pushed to `record` when it is `Some`.
pub fn retarget(
    pair: &mut Box<Pair>,
    book: &mut Book,
    day: u32,
    now: u32,
    record: &mut Option<Vec<Recorded>>,
) -> Retarget {
    let mut outcome = Retarget::default();
    if book.last_day.is_some_and(|d| d >= day) {
        return outcome;
    }
    // Borrows wait for the mid-term window (`PriceWindowNotReady`), and the first setup for
    // the long-term one (until then the range for new risk is wide and values collateral
    // low); a refused re-target retries hourly within the day.
    if !pair.observations.is_long_term_ready() || book.retry_at.is_some_and(|t| now < t) {
        return outcome;
    }
    let rounds = if book.last_day.is_none() { 12 } else { 1 };
    for _ in 0..rounds {
        if !round(pair, book, now, &mut outcome, record) {
            break;
        }
    }
    if outcome.refused == 0 {
        book.last_day = Some(day);
        book.retry_at = None;
    } else {
        book.retry_at = Some(now.saturating_add(3_600));
    }
    outcome
}

/// The lending state at one time, for the day rows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub deposit_x: u128,
    pub deposit_y: u128,
    pub borrow_l: u128,
    pub borrow_x: u128,
    pub borrow_y: u128,
    /// `(u_L, u_X, u_Y)` and the annual borrow rates at them.
    pub utilization: (f64, f64, f64),
    pub rate: (f64, f64, f64),
}

/// The pair's lending state now.
pub fn snapshot(pair: &Pair) -> Snapshot {
    let pool = pair.pool();
    let utilization = utilizations(pair);
    Snapshot {
        deposit_x: pool.assets[TokenKind::DepositX as usize],
        deposit_y: pool.assets[TokenKind::DepositY as usize],
        borrow_l: pool.assets[TokenKind::BorrowL as usize],
        borrow_x: pool.assets[TokenKind::BorrowX as usize],
        borrow_y: pool.assets[TokenKind::BorrowY as usize],
        utilization,
        rate: borrow_rates(utilization),
    }
}

/// What the keeper did in one pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Liquidations {
    /// Liquidations run, by kind: hard, leverage, debt cap.
    pub hard: u64,
    pub leverage: u64,
    pub debt_cap: u64,
    /// Requests the program refused (the report said yes, the instruction said no).
    pub refused: u64,
    /// Liquidations that ended in a bad-debt burn (spec §11.4).
    pub bad_debt_events: u64,
    /// Bad debt written off, in L units at the pool's reserves: the L debt, plus the X and Y
    /// taken from the reserves (borne by the LPs); and the X and Y taken from single-sided
    /// deposits (borne by the lenders), in base units.
    pub bad_debt_l: u128,
    pub bad_debt_lenders_x: u128,
    pub bad_debt_lenders_y: u128,
    /// The liquidators' premium: seized value less repaid value, in L units at the pool's
    /// reserves (paid by the borrowers, not by the LPs). Signed: the program prices a
    /// liquidation on its TWAP range, so after a fast move the spot value can come out below.
    pub penalties_l: i128,
    /// Change of DEPOSIT_L assets across the liquidations (bad debt taken from the reserves
    /// shows here).
    pub deposit_l_change: i128,
}

impl Liquidations {
    pub fn count(&self) -> u64 {
        self.hard + self.leverage + self.debt_cap
    }
}

/// `[l, x, y]` in L units at the pool's reserves: an L unit is worth `2·reserve_y/L` of Y
/// (and `2·reserve_x/L` of X), with `L` the active liquidity.
fn in_l_units(pool: &Pool, [l, x, y]: [u128; 3]) -> u128 {
    let active = pool.active_liquidity();
    let side = |amount: u128, reserve: u128| {
        if reserve == 0 {
            0
        } else {
            math::mul_div(amount, active, reserve.saturating_mul(2), false).unwrap_or(u128::MAX)
        }
    };
    l.saturating_add(side(x, pool.reserve_x.0))
        .saturating_add(side(y, pool.reserve_y.0))
}

/// The keeper's pass at `now`: one report of the pair (accrued on a copy, as a keeper's
/// round does), each indebted position judged on it, and the request a keeper sends run as
/// the `liquidate` instruction runs it (`actions::run_liquidation`, with the book's tranches
/// and no token limits), on copies committed only on success.
pub fn keep(
    pair: &mut Box<Pair>,
    book: &mut Book,
    now: u32,
    record: &mut Option<Vec<Recorded>>,
) -> Liquidations {
    let mut done = Liquidations::default();
    if !book.positions.iter().any(|(_, p)| has_debt(&p.balances)) {
        return done;
    }
    let Ok(snapshot) = PairSnapshot::new(pair, now) else {
        return done;
    };
    let mut position: Box<Position> = Box::new(bytemuck::Zeroable::zeroed());
    for who in 0..book.positions.len() {
        let borrower = book.positions[who].1;
        if !has_debt(&borrower.balances) {
            continue;
        }
        borrower.store(&mut position);
        let chances = snapshot.liquidation_chances(&position).unwrap_or_default();
        if !chances.any() {
            continue;
        }
        let Some(request) = snapshot
            .report(&position)
            .ok()
            .as_ref()
            .and_then(queries::request_for)
        else {
            continue;
        };
        let mut trial = pair.clone();
        let mut tranches = book.tranches.clone();
        let (mut borrower_after, mut liquidator) = (borrower, book.liquidator);
        // Accrued first (the liquidation's own accrual at the same `now` is then a no-op), so
        // interest never lands in the liquidation's columns when per-step accrual is off.
        // A failing accrual fails the liquidation below, which counts and records it.
        let mut before = trial.pool();
        if actions::accrue(&mut trial, &mut before, now).is_ok() {
            trial.store_pool(&before);
        }
        let result = actions::run_liquidation(
            &mut trial,
            &mut borrower_after,
            &mut liquidator,
            Some(&mut tranches),
            now,
            request,
            u64::MAX,
            u64::MAX,
        );
        if let Some(ops) = record {
            ops.push(Recorded::Liquidate {
                position: who,
                request,
                now,
                ok: result.is_ok(),
            });
        }
        let Ok(outcome) = result else {
            done.refused += 1;
            continue;
        };
        let after = trial.pool();
        if std::env::var_os("DLEX_SIM_DEBUG").is_some() {
            eprintln!(
                "liquidated {who} at {now}: {:?} repaid {:?} seized {:?} bad debt {:?}",
                outcome.kind, outcome.repaid, outcome.seized, outcome.bad_debt
            );
        }
        match outcome.kind {
            LiquidationKind::Hard => done.hard += 1,
            LiquidationKind::Leverage => done.leverage += 1,
            LiquidationKind::DebtCap => done.debt_cap += 1,
        }
        let repaid = in_l_units(&before, outcome.repaid);
        let seized = in_l_units(&before, outcome.seized);
        done.penalties_l += seized as i128 - repaid as i128;
        if let Some(burn) = outcome.bad_debt {
            done.bad_debt_events += 1;
            done.bad_debt_l += in_l_units(
                &before,
                [
                    burn.debt_assets[0],
                    burn.from_reserves[0],
                    burn.from_reserves[1],
                ],
            );
            done.bad_debt_lenders_x += burn.from_deposits[0];
            done.bad_debt_lenders_y += burn.from_deposits[1];
        }
        done.deposit_l_change += deposit_l(&after) as i128 - deposit_l(&before) as i128;
        *pair = trial;
        book.tranches = tranches;
        book.positions[who].1 = borrower_after;
        book.liquidator = liquidator;
    }
    done
}

/// True when either side's `reserve − missing` is below 5% of its reserve (spec §4.4 "time
/// in depletion").
pub fn depleted(pool: &Pool) -> bool {
    let low =
        |reserve: u128, missing: u128| reserve.saturating_sub(missing).saturating_mul(20) < reserve;
    low(pool.reserve_x.0, pool.missing_x()) || low(pool.reserve_y.0, pool.missing_y())
}
