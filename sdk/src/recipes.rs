//! The strategy menu (spec recipes.md §1–§2): each recipe as a composition of the six balances,
//! its delta and gamma scores, the inverse map from (E, δ̂, γ̂), and the `execute` leg lists
//! that open and close it.
//!
//! Values are in X at the entry price p0 (`reserve_x / reserve_y`), in raw X units; scores and
//! recipe parameters are in bips (10_000 = 1). A [`Composition`] holds what the position holds
//! and owes, by value: `dl − bl` is the net L value `a`, `dx − bx` the net X `b`, `dy − by` the
//! net Y value `c`; `δ̂ = (a/2 + c)/E` and `γ̂ = −a/(4E)` (§1). The opening list borrows, makes
//! the one net swap the wallet needs (exact output of the short token), mints and deposits
//! (§2.3); the closing list burns and withdraws everything, buys the debt it cannot cover, and
//! repays exact amounts (overpayment is never pulled: `repay` and `repay_liquidity` take at
//! most the debt). Run a list with `crate::plan::simulate` before sending it.

use dlex::actions::{self, Asset, Leg, SwapDirection};
use dlex::math;
use dlex::state::{Pair, Pool, Position, TokenKind};

/// Bips in one.
pub const ONE: i128 = 10_000;

/// One of the menu's strategies (spec §2.1), with its parameter in bips.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipe {
    /// Plain liquidity: `dl = 1`.
    MarketMaking,
    /// Long Y at `leverage` (×1e4): `dy = λ, bx = λ − 1`.
    Long { leverage: i128 },
    /// Short Y, `k` (×1e4) times the equity: `dx = 1 + k, by = k`.
    Short { k: i128 },
    /// Leveraged market making at `leverage` (×1e4): `dl = λ, bx = by = (λ − 1)/2`.
    LeveragedMarketMaking { leverage: i128 },
    /// Delta-neutral market making, `m` (×1e4): `dl = 2m, by = m, bx = m − 1` (when m > 1).
    DeltaNeutralMarketMaking { m: i128 },
    /// Long market making: `dl = 3, bx = 2`.
    LongMarketMaking,
    /// Short market making: `dl = 3, by = 2`.
    ShortMarketMaking,
    /// Long straddle, `n` (×1e4): `bl = n, dx = 1 + n/2, dy = n/2`.
    LongStraddle { n: i128 },
    /// Call on Y with notional `n` (×1e4), margin in X: `bl = N, dy = N, dx = 1`.
    Call { notional: i128 },
    /// Put on Y with notional `n` (×1e4), margin in X: `bl = N, dx = 1 + N`.
    Put { notional: i128 },
    /// Any exposure: the balances the inverse map (§1, [`Composition::from_scores`]) gives
    /// for `δ̂` and `γ̂` (×1e4), the SDK's "delta and gamma sliders".
    Scores { delta: i128, gamma: i128 },
}

impl Recipe {
    /// Every recipe with the parameter the spec's table shows.
    pub const MENU: [Recipe; 10] = [
        Recipe::MarketMaking,
        Recipe::Long { leverage: 3 * ONE },
        Recipe::Short { k: 2 * ONE },
        Recipe::LeveragedMarketMaking { leverage: 10 * ONE },
        Recipe::DeltaNeutralMarketMaking { m: ONE },
        Recipe::LongMarketMaking,
        Recipe::ShortMarketMaking,
        Recipe::LongStraddle { n: ONE },
        Recipe::Call { notional: 4 * ONE },
        Recipe::Put { notional: 4 * ONE },
    ];

    /// Its name on the command line and in charts.
    pub fn name(&self) -> &'static str {
        match self {
            Recipe::MarketMaking => "market-making",
            Recipe::Long { .. } => "long",
            Recipe::Short { .. } => "short",
            Recipe::LeveragedMarketMaking { .. } => "leveraged-market-making",
            Recipe::DeltaNeutralMarketMaking { .. } => "delta-neutral-market-making",
            Recipe::LongMarketMaking => "long-market-making",
            Recipe::ShortMarketMaking => "short-market-making",
            Recipe::LongStraddle { .. } => "long-straddle",
            Recipe::Call { .. } => "call",
            Recipe::Put { .. } => "put",
            Recipe::Scores { .. } => "scores",
        }
    }

    /// Its name with its parameter, for chart titles: "Long 3x", "Long straddle n = 1".
    pub fn title(&self) -> String {
        let number = |bips: i128| {
            let text = format!("{:.2}", bips as f64 / ONE as f64);
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        match *self {
            Recipe::MarketMaking => "Market making".into(),
            Recipe::Long { leverage } => format!("Long {}x", number(leverage)),
            Recipe::Short { k } => format!("Short k = {}", number(k)),
            Recipe::LeveragedMarketMaking { leverage } => format!("Leveraged market making {}x", number(leverage)),
            Recipe::DeltaNeutralMarketMaking { m } => format!("Delta-neutral market making m = {}", number(m)),
            Recipe::LongMarketMaking => "Long market making".into(),
            Recipe::ShortMarketMaking => "Short market making".into(),
            Recipe::LongStraddle { n } => format!("Long straddle n = {}", number(n)),
            Recipe::Call { notional } => format!("Call, notional {}E", number(notional)),
            Recipe::Put { notional } => format!("Put, notional {}E", number(notional)),
            Recipe::Scores { delta, gamma } => format!("δ̂ {} γ̂ {}", number(delta), number(gamma)),
        }
    }

    /// One line on what it is, and its risk label.
    pub fn description(&self) -> (&'static str, &'static str) {
        match self {
            Recipe::MarketMaking => ("two-sided liquidity: swap fees and lending interest, short gamma", "no liquidation"),
            Recipe::Long { .. } => ("borrow X to hold more Y: leveraged long Y (a perpetual long; funding is the interest carry)", "liquidated on a fall"),
            Recipe::Short { .. } => ("borrow Y and sell it: short Y (a perpetual short)", "liquidated on a rise"),
            Recipe::LeveragedMarketMaking { .. } => ("liquidity funded by borrowing both sides: a concentrated range, more fees, more gamma", "liquidated outside the range"),
            Recipe::DeltaNeutralMarketMaking { .. } => ("liquidity with the Y half borrowed: fees without price exposure", "liquidated on a large rise"),
            Recipe::LongMarketMaking => ("liquidity with borrowed X: market making with a long Y tilt", "liquidated on a large fall"),
            Recipe::ShortMarketMaking => ("liquidity with borrowed Y: market making with a short Y tilt", "liquidated on a large rise"),
            Recipe::LongStraddle { .. } => ("borrowed L held as X and Y: gains on large moves either way, pays L interest", "time-based only"),
            Recipe::Call { .. } => ("borrowed L turned into Y, margin in X: convex upside on Y", "liquidated on a large fall"),
            Recipe::Put { .. } => ("borrowed L turned into X, margin in X: convex downside on Y", "liquidated on a large rise"),
            Recipe::Scores { .. } => ("the balances with this delta and gamma (the inverse map): any mix of L, X and Y", "depends on the scores; see the preview"),
        }
    }

    /// Its balances for equity `equity` (raw X at p0), by value.
    pub fn composition(&self, equity: i128) -> Composition {
        let e = |bips: i128| equity * bips / ONE;
        let mut c = Composition::default();
        match *self {
            Recipe::MarketMaking => c.dl = equity,
            Recipe::Long { leverage } => {
                c.dy = e(leverage);
                c.bx = e(leverage - ONE);
            }
            Recipe::Short { k } => {
                c.dx = e(ONE + k);
                c.by = e(k);
            }
            Recipe::LeveragedMarketMaking { leverage } => {
                c.dl = e(leverage);
                c.bx = e((leverage - ONE) / 2);
                c.by = e((leverage - ONE) / 2);
            }
            Recipe::DeltaNeutralMarketMaking { m } => {
                c.dl = e(2 * m);
                c.by = e(m);
                c.bx = e((m - ONE).max(0));
                // m < 1 leaves X over: it is held as an X deposit.
                c.dx = e((ONE - m).max(0));
            }
            Recipe::LongMarketMaking => {
                c.dl = e(3 * ONE);
                c.bx = e(2 * ONE);
            }
            Recipe::ShortMarketMaking => {
                c.dl = e(3 * ONE);
                c.by = e(2 * ONE);
            }
            Recipe::LongStraddle { n } => {
                c.bl = e(n);
                c.dx = e(ONE + n / 2);
                c.dy = e(n / 2);
            }
            Recipe::Call { notional } => {
                c.bl = e(notional);
                c.dy = e(notional);
                c.dx = equity;
            }
            Recipe::Put { notional } => {
                c.bl = e(notional);
                c.dx = e(ONE + notional);
            }
            Recipe::Scores { delta, gamma } => c = Composition::from_scores(equity, delta, gamma),
        }
        c
    }
}

/// A position's six balances by value at p0, in raw X units (L and Y valued at p0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Composition {
    pub dl: i128,
    pub bl: i128,
    pub dx: i128,
    pub bx: i128,
    pub dy: i128,
    pub by: i128,
}

impl Composition {
    /// Equity: deposits less debts.
    pub fn equity(&self) -> i128 {
        self.dl - self.bl + self.dx - self.bx + self.dy - self.by
    }

    /// `(δ̂, γ̂)` in bips (§1): `δ̂ = (a/2 + c)/E`, `γ̂ = −a/(4E)`, rounded toward zero.
    pub fn scores(&self) -> (i128, i128) {
        let (a, c, e) = (self.dl - self.bl, self.dy - self.by, self.equity());
        if e == 0 {
            return (0, 0);
        }
        ((a * ONE / 2 + c * ONE) / e, -(a * ONE) / (4 * e))
    }

    /// The netted composition with equity `equity` and scores `delta`, `gamma` (bips): the
    /// inverse map of §1, `a = −4γ̂E`, `c = (δ̂ + 2γ̂)E`, `b = E − a − c`, each side deposited
    /// when positive and borrowed when negative.
    pub fn from_scores(equity: i128, delta: i128, gamma: i128) -> Composition {
        let a = -4 * gamma * equity / ONE;
        let c = (delta + 2 * gamma) * equity / ONE;
        let b = equity - a - c;
        let split = |v: i128| if v >= 0 { (v, 0) } else { (0, -v) };
        let ((dl, bl), (dx, bx), (dy, by)) = (split(a), split(b), split(c));
        Composition { dl, bl, dx, bx, dy, by }
    }

    /// The same exposure netted per asset (a deposit and a debt of one asset cancel).
    pub fn netted(&self) -> Composition {
        let split = |v: i128| if v >= 0 { (v, 0) } else { (0, -v) };
        let ((dl, bl), (dx, bx), (dy, by)) = (split(self.dl - self.bl), split(self.dx - self.bx), split(self.dy - self.by));
        Composition { dl, bl, dx, bx, dy, by }
    }

    /// Value of the wallet tokens the position absorbs, X and Y at p0 (§1: `n_X = a/2 + b`,
    /// `n_Y = a/2 + c`).
    pub fn tokens_in_value(&self) -> (i128, i128) {
        let (a, b, c) = (self.dl - self.bl, self.dx - self.bx, self.dy - self.by);
        (a / 2 + b, a / 2 + c)
    }
}

/// The balances as token amounts on `pool`: L in L assets (`value·activeL/(2·reserve_x)`), Y
/// in Y (`value·reserve_y/reserve_x`), X as is; rounded down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amounts {
    pub dl: u128,
    pub bl: u128,
    pub dx: u64,
    pub bx: u64,
    pub dy: u64,
    pub by: u64,
}

impl Amounts {
    pub fn on(pool: &Pool, composition: &Composition) -> Result<Amounts, String> {
        let (rx, ry, l) = (pool.reserve_x.0, pool.reserve_y.0, pool.active_liquidity());
        if rx == 0 || ry == 0 || l == 0 {
            return Err("the pool has no liquidity".into());
        }
        let value = |v: i128| u128::try_from(v.max(0)).unwrap_or(0);
        let as_l = |v: i128| math::mul_div(value(v), l, 2 * rx, false).map_err(|e| format!("{e:?}"));
        let as_y = |v: i128| math::mul_div(value(v), ry, rx, false).map_err(|e| format!("{e:?}")).and_then(token);
        let as_x = |v: i128| token(value(v));
        Ok(Amounts {
            dl: as_l(composition.dl)?,
            bl: as_l(composition.bl)?,
            dx: as_x(composition.dx)?,
            bx: as_x(composition.bx)?,
            dy: as_y(composition.dy)?,
            by: as_y(composition.by)?,
        })
    }
}

fn token(amount: u128) -> Result<u64, String> {
    u64::try_from(amount).map_err(|_| format!("{amount} exceeds a token amount"))
}

/// The tokens a list of legs leaves the user short of or over, starting from the wallet:
/// (X, Y), positive = available.
fn budget_after(pool: &Pool, balances: &[u128; 6], legs: &[Leg], wallet: (u64, u64)) -> Result<(Pool, [u128; 6], i128, i128), String> {
    let (mut pool, mut balances) = (*pool, *balances);
    let (mut x, mut y) = (i128::from(wallet.0), i128::from(wallet.1));
    for leg in legs {
        let (_, outcome) = actions::apply_leg(&mut pool, &mut balances, leg).map_err(|e| e.to_string())?;
        let flows = outcome.flows();
        x += i128::from(flows.x_out) - i128::from(flows.x_in);
        y += i128::from(flows.y_out) - i128::from(flows.y_in);
    }
    Ok((pool, balances, x, y))
}

/// The swap that turns a shortfall of one token into a purchase with the other: exact output
/// of what is missing, paying at most what is over.
fn covering_swap(short_x: i128, short_y: i128, over_x: i128, over_y: i128) -> Option<Leg> {
    let amount = |v: i128| u64::try_from(v.max(0)).unwrap_or(u64::MAX);
    if short_y > 0 {
        Some(Leg::SwapExactOut { direction: SwapDirection::XToY, amount_out: amount(short_y), max_amount_in: amount(over_x) })
    } else if short_x > 0 {
        Some(Leg::SwapExactOut { direction: SwapDirection::YToX, amount_out: amount(short_x), max_amount_in: amount(over_y) })
    } else {
        None
    }
}

/// An `execute` plan: its legs and the net limits (the most the wallet pays of each token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub legs: Vec<Leg>,
    pub min_net_x: i64,
    pub min_net_y: i64,
}

/// The list that opens `composition` for a position at unix time `now`, paid from a wallet
/// holding `wallet` (X, Y): borrow X, Y and L; the one net swap of §1 (`S = n_Y − w_Y`: buy
/// `S` of Y with an exact-output swap, or sell `−S` with an exact-input one); mint the L (with
/// the whole remaining budget as its maxima: the mint takes what the pool ratio allows);
/// deposit X and Y. The net limits are the wallet itself.
pub fn open(pair: &Pair, position: &Position, now: i64, composition: &Composition, wallet: (u64, u64)) -> Result<Plan, String> {
    let (_, pool) = crate::quote::pool_at(pair, now).map_err(|e| format!("{e:?}"))?;
    let amounts = Amounts::on(&pool, composition)?;
    let mut legs = Vec::new();
    if amounts.bx > 0 {
        legs.push(Leg::Borrow { asset: Asset::X, amount: amounts.bx });
    }
    if amounts.by > 0 {
        legs.push(Leg::Borrow { asset: Asset::Y, amount: amounts.by });
    }
    if amounts.bl > 0 {
        legs.push(Leg::BorrowLiquidity { liquidity: amounts.bl, min_amount_x: 0, min_amount_y: 0 });
    }
    // The one net swap of §1: the position absorbs `n_Y = a/2 + c` of value as Y; the wallet
    // brings `w_Y`; buy the difference (exact output) or sell it (exact input).
    let (_, need_y_value) = composition.tokens_in_value();
    let wallet_y = u128::from(wallet.1);
    let need_y = u128::try_from(need_y_value.max(0)).unwrap_or(0);
    let need_y_tokens = math::mul_div(need_y, pool.reserve_y.0, pool.reserve_x.0, true).map_err(|e| format!("{e:?}"))?;
    let sell_y_value = u128::try_from((-need_y_value).max(0)).unwrap_or(0);
    let sell_y_tokens = math::mul_div(sell_y_value, pool.reserve_y.0, pool.reserve_x.0, false).map_err(|e| format!("{e:?}"))? + wallet_y.saturating_sub(need_y_tokens).min(wallet_y);
    let (_, _, x, _) = budget_after(&pool, &position.balances(), &legs, wallet)?;
    if need_y_tokens > wallet_y {
        let amount_out = token(need_y_tokens - wallet_y)?;
        legs.push(Leg::SwapExactOut { direction: SwapDirection::XToY, amount_out, max_amount_in: u64::try_from(x.max(0)).unwrap_or(u64::MAX) });
    } else if sell_y_tokens > 0 {
        legs.push(Leg::SwapExactIn { direction: SwapDirection::YToX, amount_in: token(sell_y_tokens)?, min_amount_out: 0 });
    }
    // Deposits take their amounts, at most what the budget holds (the borrowed L's halves
    // arrive rounded down); the mint takes the rest, in the pool's ratio.
    let (_, _, x, y) = budget_after(&pool, &position.balances(), &legs, wallet)?;
    let available = |budget: i128| u64::try_from(budget.max(0)).unwrap_or(u64::MAX);
    let (deposit_x, deposit_y) = (amounts.dx.min(available(x)), amounts.dy.min(available(y)));
    if amounts.dl > 0 {
        legs.push(Leg::Mint { max_amount_x: available(x) - deposit_x, max_amount_y: available(y) - deposit_y, min_shares: 0 });
    }
    if deposit_x > 0 {
        legs.push(Leg::Deposit { asset: Asset::X, amount: deposit_x, min_shares: 0 });
    }
    if deposit_y > 0 {
        legs.push(Leg::Deposit { asset: Asset::Y, amount: deposit_y, min_shares: 0 });
    }
    Ok(Plan { legs, min_net_x: -i64::try_from(wallet.0).unwrap_or(i64::MAX), min_net_y: -i64::try_from(wallet.1).unwrap_or(i64::MAX) })
}

/// The list that unwinds `position` at unix time `now` into the wallet: burn every L share,
/// withdraw every X and Y share, buy the debt token the proceeds do not cover (exact output,
/// with 0.1% more for interest accrued until the transaction lands), and repay every debt
/// (`repay` with `u64::MAX` and `repay_liquidity` with `u128::MAX` take exactly the debt). The
/// wallet pays nothing (`min_net` 0): an underwater position needs a top-up the caller adds.
pub fn close(pair: &Pair, position: &Position, now: i64) -> Result<Plan, String> {
    let (_, pool) = crate::quote::pool_at(pair, now).map_err(|e| format!("{e:?}"))?;
    let share = |kind: TokenKind| position.share_balance(kind);
    let mut legs = Vec::new();
    if share(TokenKind::DepositL) > 0 {
        legs.push(Leg::Burn { shares: share(TokenKind::DepositL), min_amount_x: 0, min_amount_y: 0 });
    }
    for (asset, kind) in [(Asset::X, TokenKind::DepositX), (Asset::Y, TokenKind::DepositY)] {
        if share(kind) > 0 {
            legs.push(Leg::Withdraw { asset, shares: share(kind), min_amount: 0 });
        }
    }
    let (after, _, x, y) = budget_after(&pool, &position.balances(), &legs, (0, 0))?;
    let assets = after.user_assets(&position.balances()).map_err(|e| format!("{e:?}"))?;
    let (debt_l, debt_x, debt_y) = (assets[TokenKind::BorrowL as usize], assets[TokenKind::BorrowX as usize], assets[TokenKind::BorrowY as usize]);
    let with_margin = |v: u128| i128::try_from(v + v / 1_000 + 1).unwrap_or(i128::MAX);
    let l = after.active_liquidity().max(1);
    let l_x = math::mul_div(debt_l, after.reserve_x.0, l, true).map_err(|e| format!("{e:?}"))?;
    let l_y = math::mul_div(debt_l, after.reserve_y.0, l, true).map_err(|e| format!("{e:?}"))?;
    let need_x = if debt_x + l_x > 0 { with_margin(debt_x + l_x) } else { 0 };
    let need_y = if debt_y + l_y > 0 { with_margin(debt_y + l_y) } else { 0 };
    if let Some(swap) = covering_swap(need_x - x, need_y - y, x - need_x, y - need_y) {
        legs.push(swap);
    }
    if debt_l > 0 {
        legs.push(Leg::RepayLiquidity { liquidity: u128::MAX, max_amount_x: u64::MAX, max_amount_y: u64::MAX });
    }
    if debt_x > 0 {
        legs.push(Leg::Repay { asset: Asset::X, amount: u64::MAX });
    }
    if debt_y > 0 {
        legs.push(Leg::Repay { asset: Asset::Y, amount: u64::MAX });
    }
    Ok(Plan { legs, min_net_x: 0, min_net_y: 0 })
}

/// What a plan will do, computed by running it through the program's own pipeline on copies
/// (`crate::plan::simulate`) and reading the position's report before and after. The tranche
/// part of `after` is not computed (the simulation holds no tranche accounts): its `tranches`
/// and its debt-cap verdict, which compares saturation with the allocation, are those of the
/// allocation before the plan.
#[derive(Clone, Debug)]
pub struct Preview {
    pub before: dlex::queries::PositionReport,
    pub after: dlex::queries::PositionReport,
    /// `(δ̂, γ̂)` after, in bips, valued at the price the plan's own swap leaves.
    pub scores: (i128, i128),
    /// Net tokens: paid in and received.
    pub net: actions::TokenFlows,
    /// The 5-bip origination fees of the borrow legs: L, X, Y (assets).
    pub origination_fees: [u128; 3],
    /// The swap legs' fees (what the pool keeps of the input, `math::swap_fee_amount`), in
    /// their input token, and which token that is (true: X).
    pub swap_fees: Vec<(bool, u128)>,
    /// How far the plan's swaps move the pool price (X per Y): `after/before − 1`.
    pub price_impact: f64,
    /// What the position could still borrow or withdraw after the plan
    /// (`health::position_limits`, without the tranche rules).
    pub limits_after: crate::health::PositionLimits,
    /// The pair as the plan leaves it (interest accrued to `now`): what the payout model of the
    /// opened position starts from (`payout::Outlook::of`).
    pub pair_after: Box<Pair>,
}

impl Preview {
    /// What the wallet pays for the plan, net, in raw X at the price the plan leaves: the
    /// equity E0 a payout chart measures the opened position against.
    pub fn paid_value_x(&self) -> f64 {
        let net = |paid: u64, received: u64| paid as f64 - received as f64;
        net(self.net.x_in, self.net.x_out) + net(self.net.y_in, self.net.y_out) * crate::quote::spot_price(&self.pair_after.pool())
    }
}

/// Runs `plan` on copies and describes it (see [`Preview`]); `Err` with the program's error
/// when the plan would be refused.
pub fn preview(pair: &Pair, position: &Position, now: i64, plan: &Plan) -> Result<Preview, String> {
    let before = dlex::queries::position_report_of(pair, position, now as u32).map_err(|e| e.to_string())?;
    let simulated = crate::plan::simulate(pair, position, now, false, &plan.legs, plan.min_net_x, plan.min_net_y).map_err(|e| e.to_string())?;
    let after = dlex::queries::position_report_of(&simulated.pair, &simulated.position, now as u32).map_err(|e| e.to_string())?;
    let pool = simulated.pair.pool();
    let scores = composition_of(&pool, &simulated.position)?.scores();
    let mut origination_fees = [0u128; 3];
    let mut swap_fees = Vec::new();
    for (leg, _, _) in &simulated.outcome.legs {
        match leg {
            actions::LegOutcome::BorrowLiquidity { outcome, .. } => origination_fees[0] += outcome.fee.0,
            actions::LegOutcome::Borrow { asset: Asset::X, outcome, .. } => origination_fees[1] += outcome.fee.0,
            actions::LegOutcome::Borrow { asset: Asset::Y, outcome, .. } => origination_fees[2] += outcome.fee.0,
            actions::LegOutcome::Swap { direction, flows, fee_bips_q64 } => {
                let (x_in, amount_in) = match direction {
                    SwapDirection::XToY => (true, flows.x_in),
                    SwapDirection::YToX => (false, flows.y_in),
                };
                swap_fees.push((x_in, math::swap_fee_amount(u128::from(amount_in), *fee_bips_q64)));
            }
            _ => {}
        }
    }
    let (_, pool_before) = crate::quote::pool_at(pair, now).map_err(|e| format!("{e:?}"))?;
    let price_impact = crate::quote::price_move(&pool_before, &pool);
    let limits_after = crate::health::position_limits(&simulated.pair, &simulated.position, now, false).map_err(|e| e.to_string())?;
    Ok(Preview { before, after, scores, net: simulated.outcome.net, origination_fees, swap_fees, price_impact, limits_after, pair_after: simulated.pair })
}

/// The largest parameter (bips, between `low` and `high`, to `step`) for which `recipe(p)`
/// opens from `wallet`, found by bisection on the plan's simulation (what [`preview`]
/// refuses; spec §2.4, the max-leverage calculator), with the error that binds just above it
/// (`None` when `high` itself opens).
/// `Err` when even `low` is refused (with that refusal).
pub fn max_parameter(
    pair: &Pair,
    position: &Position,
    now: i64,
    equity: i128,
    wallet: (u64, u64),
    recipe: impl Fn(i128) -> Recipe,
    (low, high, step): (i128, i128, i128),
) -> Result<(i128, Option<String>), String> {
    let attempt = |parameter: i128| -> Result<(), String> {
        let plan = open(pair, position, now, &recipe(parameter).composition(equity), wallet)?;
        crate::plan::simulate(pair, position, now, false, &plan.legs, plan.min_net_x, plan.min_net_y).map(|_| ()).map_err(|e| e.to_string())
    };
    attempt(low)?;
    if attempt(high).is_ok() {
        return Ok((high, None));
    }
    let (mut good, mut bad) = (low, high);
    while bad - good > step.max(1) {
        let middle = (good + bad) / 2;
        match attempt(middle) {
            Ok(()) => good = middle,
            Err(_) => bad = middle,
        }
    }
    Ok((good, attempt(bad).err()))
}

/// The composition a position holds now, by value at the pool's price
/// (`quote::value_in_x`; assets: deposits rounded down, debts up), in raw X units.
pub fn composition_of(pool: &Pool, position: &Position) -> Result<Composition, String> {
    let assets = pool.user_assets(&position.balances()).map_err(|e| format!("{e:?}"))?;
    let value = |legs: [u128; 3]| i128::try_from(crate::quote::value_in_x(pool, legs)).unwrap_or(i128::MAX);
    Ok(Composition {
        dl: value([assets[0], 0, 0]),
        dx: value([0, assets[1], 0]),
        dy: value([0, 0, assets[2]]),
        bl: value([assets[3], 0, 0]),
        bx: value([0, assets[4], 0]),
        by: value([0, 0, assets[5]]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const E: i128 = 1_000_000;

    fn c(dl: i128, bl: i128, dx: i128, bx: i128, dy: i128, by: i128) -> Composition {
        Composition { dl: dl * E / ONE, bl: bl * E / ONE, dx: dx * E / ONE, bx: bx * E / ONE, dy: dy * E / ONE, by: by * E / ONE }
    }

    /// Spec §2.1: each recipe's composition per unit of equity and its (δ̂, γ̂), in bips.
    #[test]
    fn compositions_and_scores_match_the_menu_table() {
        let table = [
            (Recipe::MarketMaking, c(10_000, 0, 0, 0, 0, 0), (5_000, -2_500)),
            (Recipe::Long { leverage: 30_000 }, c(0, 0, 0, 20_000, 30_000, 0), (30_000, 0)),
            (Recipe::Short { k: 20_000 }, c(0, 0, 30_000, 0, 0, 20_000), (-20_000, 0)),
            (Recipe::LeveragedMarketMaking { leverage: 100_000 }, c(100_000, 0, 0, 45_000, 0, 45_000), (5_000, -25_000)),
            (Recipe::DeltaNeutralMarketMaking { m: 10_000 }, c(20_000, 0, 0, 0, 0, 10_000), (0, -5_000)),
            (Recipe::LongMarketMaking, c(30_000, 0, 0, 20_000, 0, 0), (15_000, -7_500)),
            (Recipe::ShortMarketMaking, c(30_000, 0, 0, 0, 0, 20_000), (-5_000, -7_500)),
            (Recipe::LongStraddle { n: 10_000 }, c(0, 10_000, 15_000, 0, 5_000, 0), (0, 2_500)),
            (Recipe::LongStraddle { n: 50_000 }, c(0, 50_000, 35_000, 0, 25_000, 0), (0, 12_500)),
            (Recipe::Call { notional: 40_000 }, c(0, 40_000, 10_000, 0, 40_000, 0), (20_000, 10_000)),
            (Recipe::Put { notional: 40_000 }, c(0, 40_000, 50_000, 0, 0, 0), (-20_000, 10_000)),
        ];
        for (recipe, composition, scores) in table {
            let got = recipe.composition(E);
            assert_eq!(got, composition, "{recipe:?}");
            assert_eq!(got.equity(), E, "{recipe:?} has equity E");
            assert_eq!(got.scores(), scores, "{recipe:?}");
        }
    }

    /// The inverse map gives back each recipe's netted composition from its scores (§1), and
    /// the wallet needs `(1 − δ̂)·E` of X and `δ̂·E` of Y whatever γ̂ is.
    #[test]
    fn the_inverse_map_rebuilds_every_recipe() {
        for recipe in Recipe::MENU {
            let composition = recipe.composition(E);
            let (delta, gamma) = composition.scores();
            let rebuilt = Composition::from_scores(E, delta, gamma);
            assert_eq!(rebuilt, composition.netted(), "{recipe:?}");
            assert_eq!(rebuilt.tokens_in_value(), ((ONE - delta) * E / ONE, delta * E / ONE), "{recipe:?}");
        }
        // Plain LP: δ̂ = ½, γ̂ = −¼ is all L.
        assert_eq!(Composition::from_scores(E, 5_000, -2_500), Composition { dl: E, ..Composition::default() });
    }
}
