//! The value model behind the payout chart and the heat map (spec recipes.md §3.2): a
//! position's six balances grown at constant, continuously compounded rates, valued at a price
//! the pool jumps to at day 0 and keeps; its L-netted LTV at one price (§2.4), the prices and
//! the time at which that LTV reaches a threshold, and the grid a chart draws. The rates start
//! from the pool's state through the program's own utilization and rate code; the swap-fee
//! yield from recent swaps. Floats: this is an off-chain picture of carry and payoff, not an
//! amount the program checks.

use dlex::actions::SwapDirection;
use dlex::events::Swapped;
use dlex::math;
use dlex::queries::PairSnapshot;
use dlex::state::{Pool, TokenKind};

const WAD: f64 = 1e18;
const SECONDS_PER_YEAR: f64 = math::interest::SECONDS_IN_YEAR as f64;

/// The program's annual borrow rate (spec mechanisms §7.1, `math::annual_interest_rate_wad`)
/// at a utilization given as a fraction.
pub fn borrow_rate(utilization: f64) -> f64 {
    let utilization_wad = (utilization.max(0.0) * WAD).min(u128::MAX as f64) as u128;
    math::annual_interest_rate_wad(utilization_wad) as f64 / WAD
}

/// Annual rates of §3.2.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rates {
    /// Borrow rates of X, Y and L (L at five times the curve).
    pub r_x: f64,
    pub r_y: f64,
    pub r_l: f64,
    /// Supply rates of DEPOSIT_X / DEPOSIT_Y (and of the reserves): `0.9·r·u`.
    pub s_x: f64,
    pub s_y: f64,
    /// Growth of DEPOSIT_L assets per share: `φ + (1 − β)·½(s_X + s_Y) + 0.9·r_L·β`.
    pub g_l: f64,
}

impl Rates {
    /// From the utilizations of X, Y and L, the share of L borrowed `beta` (`BL/DL`) and the
    /// swap-fee yield on DL `fee_yield` (φ).
    pub fn from_utilization(u_x: f64, u_y: f64, u_l: f64, beta: f64, fee_yield: f64) -> Rates {
        let magnification = math::interest::LIQUIDITY_INTEREST_RATE_MAGNIFICATION as f64;
        let (r_x, r_y, r_l) = (borrow_rate(u_x), borrow_rate(u_y), magnification * borrow_rate(u_l));
        let supply_share = 1.0 - math::interest::LENDING_FEE_RATE as f64 / 100.0;
        let (s_x, s_y) = (supply_share * r_x * u_x, supply_share * r_y * u_y);
        let g_l = fee_yield + (1.0 - beta) * 0.5 * (s_x + s_y) + supply_share * r_l * beta;
        Rates { r_x, r_y, r_l, s_x, s_y, g_l }
    }

    /// The rates of the pool as it stands in `snapshot` (accrued to its time): the
    /// utilizations its next accrual charges at (`PairSnapshot::utilizations`), β from its
    /// totals, and the fee yield `fee_yield` (see [`fee_yield`]).
    pub fn of_pool(snapshot: &PairSnapshot, fee_yield: f64) -> Result<Rates, String> {
        let utilizations = snapshot.utilizations().map_err(|e| format!("the pool's utilizations: {e}"))?;
        let fraction = |wad: u128| wad as f64 / WAD;
        let beta = borrowed_share_of_l(snapshot.pool());
        Ok(Rates::from_utilization(fraction(utilizations.x), fraction(utilizations.y), fraction(utilizations.l), beta, fee_yield))
    }

    /// The net annual growth of `balances` valued at `price` (X per Y), as a fraction of
    /// `equity`: deposits at their supply rates less debts at their borrow rates (the slope of
    /// `V(p0, t)/E0` at t = 0).
    pub fn carry(&self, balances: &Balances, price: f64, equity: f64) -> f64 {
        self.legs(balances, price).iter().map(|leg| leg.value * leg.rate).sum::<f64>() / equity
    }

    /// Each non-zero balance of `balances` with its value in X at `price` (debts negative) and
    /// its annual rate.
    pub fn legs(&self, balances: &Balances, price: f64) -> Vec<CarryLeg> {
        let l_value = 2.0 * price.sqrt();
        [
            ("DEPOSIT_L", balances.dl * l_value, self.g_l),
            ("DEPOSIT_X", balances.dx, self.s_x),
            ("DEPOSIT_Y", balances.dy * price, self.s_y),
            ("BORROW_L", -balances.bl * l_value, self.r_l),
            ("BORROW_X", -balances.bx, self.r_x),
            ("BORROW_Y", -balances.by * price, self.r_y),
        ]
        .into_iter()
        .filter(|(_, value, _)| *value != 0.0)
        .map(|(name, value, rate)| CarryLeg { name, value, rate })
        .collect()
    }
}

/// DL of a pool: active L + BL.
fn deposited_l(pool: &Pool) -> f64 {
    pool.active_liquidity() as f64 + pool.assets[TokenKind::BorrowL as usize] as f64
}

/// `BL/DL` of a pool (0 for an empty pool).
fn borrowed_share_of_l(pool: &Pool) -> f64 {
    let deposited = deposited_l(pool);
    if deposited > 0.0 { pool.assets[TokenKind::BorrowL as usize] as f64 / deposited } else { 0.0 }
}

/// One balance of a position in the carry breakdown: its value in X (debts negative) and the
/// annual rate it grows at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CarryLeg {
    pub name: &'static str,
    pub value: f64,
    pub rate: f64,
}

/// The swap-fee yield on DEPOSIT_L (φ of §3.2), annual: the fees of `swaps` (each the rate
/// `fee_bips_q64` on its input, valued in X at the pool's price and converted to L at `2√p`
/// per L) over `window_seconds`, per unit of DL (active L + BL) of `pool`. The fees stay in
/// the reserves, so they accrue to DL as a whole.
pub fn fee_yield(swaps: &[Swapped], window_seconds: f64, pool: &Pool) -> f64 {
    let (price, deposited_l) = (crate::quote::spot_price(pool), deposited_l(pool));
    if swaps.is_empty() || window_seconds <= 0.0 || deposited_l <= 0.0 || price <= 0.0 {
        return 0.0;
    }
    let fees_in_x: f64 = swaps
        .iter()
        .map(|swap| {
            let fee = swap.amount_in as f64 * swap.fee_bips_q64 as f64 / (10_000.0 * 2f64.powi(64));
            match swap.direction {
                SwapDirection::XToY => fee,
                SwapDirection::YToX => fee * price,
            }
        })
        .sum();
    fees_in_x / (2.0 * price.sqrt()) / deposited_l * (SECONDS_PER_YEAR / window_seconds)
}

/// A position's balances in token units: L, X, Y deposited and borrowed (debts including the
/// 5-bip origination fee).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Balances {
    pub dl: f64,
    pub bl: f64,
    pub dx: f64,
    pub bx: f64,
    pub dy: f64,
    pub by: f64,
}

impl Balances {
    /// The balances after `years` at `rates`.
    pub fn grown(&self, rates: &Rates, years: f64) -> Balances {
        let grow = |amount: f64, rate: f64| amount * (rate * years).exp();
        Balances {
            dl: grow(self.dl, rates.g_l),
            bl: grow(self.bl, rates.r_l),
            dx: grow(self.dx, rates.s_x),
            bx: grow(self.bx, rates.r_x),
            dy: grow(self.dy, rates.s_y),
            by: grow(self.by, rates.r_y),
        }
    }

    /// `V(p) = 2√p·(DL − BL) + (DX − BX) + p·(DY − BY)`, in X, at price `p` (X per Y).
    pub fn value(&self, price: f64) -> f64 {
        2.0 * price.sqrt() * (self.dl - self.bl) + (self.dx - self.bx) + price * (self.dy - self.by)
    }

    /// The L-netted LTV at one price (§2.4): with `s = √p`, the X side `ℓs + ΔX` and the Y side
    /// `ℓs + ΔY·s²`; the side that is negative is the debt, the other the collateral. 0 when
    /// neither side is negative; infinite when both are.
    pub fn ltv(&self, price: f64) -> f64 {
        let s = price.sqrt();
        let l = self.dl - self.bl;
        let x_side = l * s + self.dx - self.bx;
        let y_side = l * s + (self.dy - self.by) * price;
        match (x_side < 0.0, y_side < 0.0) {
            (false, false) => 0.0,
            (true, true) => f64::INFINITY,
            (true, false) => -x_side / y_side,
            (false, true) => -y_side / x_side,
        }
    }

    /// The heat map's cell (§3.2): `V(p, t)/E0 − 1` after `days`.
    pub fn change(&self, rates: &Rates, price: f64, days: f64, equity: f64) -> f64 {
        self.grown(rates, days / 365.0).value(price) / equity - 1.0
    }
}

impl Balances {
    /// A position's assets `[DL, DX, DY, BL, BX, BY]` (`Pool::user_assets`) in raw units.
    pub fn of_assets(assets: &[u128; 6]) -> Balances {
        let f = |kind: TokenKind| assets[kind as usize] as f64;
        Balances {
            dl: f(TokenKind::DepositL),
            dx: f(TokenKind::DepositX),
            dy: f(TokenKind::DepositY),
            bl: f(TokenKind::BorrowL),
            bx: f(TokenKind::BorrowX),
            by: f(TokenKind::BorrowY),
        }
    }

    /// The nearest prices below and above `price` at which [`Balances::ltv`] reaches `theta`
    /// (§2.4's liquidation prices, at the one price `p` the chart moves, so "approximate": the
    /// program judges at its TWAP range with slippage). Found on the LTV itself: a scan of
    /// `ln p` in steps of 1% out to a factor of 10^4 each way, then bisection to 1e-12
    /// relative. `None` on a side where the LTV stays below `theta`.
    pub fn liquidation_prices(&self, price: f64, theta: f64) -> (Option<f64>, Option<f64>) {
        let reached = |ln_p: f64| self.ltv(ln_p.exp()) >= theta;
        let search = |step: f64| -> Option<f64> {
            let start = price.ln();
            if reached(start) {
                return Some(price);
            }
            let mut inside = start;
            for _ in 0..(4.0 * 10f64.ln() / 0.01) as usize {
                let outside = inside + step;
                if reached(outside) {
                    return Some(bisect(inside, outside, reached).exp());
                }
                inside = outside;
            }
            None
        };
        (search(-0.01), search(0.01))
    }

    /// Years until the LTV at `price`, with the balances growing at `rates`, reaches `theta`
    /// (the GammaSwap "time to liquidation" of §2.4): 0 when it already has, `None` when it does
    /// not within `max_years`. Scans in steps of 1% of `max_years`, then bisects.
    pub fn time_to_liquidation(&self, rates: &Rates, price: f64, theta: f64, max_years: f64) -> Option<f64> {
        let reached = |years: f64| self.grown(rates, years).ltv(price) >= theta;
        if reached(0.0) {
            return Some(0.0);
        }
        let step = max_years / 100.0;
        let mut before = 0.0;
        for i in 1..=100 {
            let after = step * f64::from(i);
            if reached(after) {
                return Some(bisect(before, after, reached));
            }
            before = after;
        }
        None
    }
}

/// The point between `outside_false` (where `reached` is false) and `inside_true` (where it is
/// true) at which it turns, to 1e-12 relative.
fn bisect(mut outside_false: f64, mut inside_true: f64, reached: impl Fn(f64) -> bool) -> f64 {
    for _ in 0..200 {
        let middle = 0.5 * (outside_false + inside_true);
        if reached(middle) {
            inside_true = middle;
        } else {
            outside_false = middle;
        }
        if (inside_true - outside_false).abs() <= 1e-12 * inside_true.abs().max(1e-12) {
            break;
        }
    }
    inside_true
}

/// What values are counted in. The cell `V/E0 − 1` is the same in X and in USD at a fixed
/// X/USD rate; in Y both V and E0 are divided by their own price, so a position that holds Y
/// reads as flat when valued in Y.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Numeraire {
    X,
    Y,
    /// US dollars per one whole X (a fixed rate).
    Usd(f64),
}

/// A position under the model: its balances, the constant rates, the entry price (X per Y, raw
/// units) and the equity E0 in X it is measured against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scenario {
    pub balances: Balances,
    pub rates: Rates,
    pub entry_price: f64,
    pub equity: f64,
    pub numeraire: Numeraire,
}

/// The grid a heat map draws: one row per price change (ascending), one column per day, the
/// cell `V(p, t)/E0 − 1` and the LTV of the grown balances at that price.
#[derive(Clone, Debug, PartialEq)]
pub struct Surface {
    pub price_changes: Vec<f64>,
    pub days: Vec<f64>,
    pub change: Vec<Vec<f64>>,
    pub ltv: Vec<Vec<f64>>,
}

impl Scenario {
    /// `V(p, t)/E0 − 1` in the numeraire, with the price moved by `price_change` (−0.2 is
    /// 20% down) at day 0.
    pub fn change(&self, price_change: f64, days: f64) -> f64 {
        let price = self.entry_price * (1.0 + price_change);
        let value = self.balances.grown(&self.rates, days / 365.0).value(price);
        match self.numeraire {
            Numeraire::X | Numeraire::Usd(_) => value / self.equity - 1.0,
            Numeraire::Y => (value / price) / (self.equity / self.entry_price) - 1.0,
        }
    }

    /// The heat map's grid (§3.3): `rows` price changes over [−50%, +50%] (linear, or evenly
    /// spaced in `ln p` over [ln 0.5, ln 1.5] with `log_spaced`), days 0 to `horizon_days`.
    pub fn surface(&self, rows: usize, horizon_days: u32, log_spaced: bool) -> Surface {
        let rows = rows.max(2);
        let at = |i: usize| i as f64 / (rows - 1) as f64;
        let price_changes: Vec<f64> = (0..rows)
            .map(|i| if log_spaced { (0.5f64.ln() + at(i) * (1.5f64.ln() - 0.5f64.ln())).exp() - 1.0 } else { -0.5 + at(i) })
            .collect();
        let days: Vec<f64> = (0..=horizon_days).map(f64::from).collect();
        let change = price_changes.iter().map(|&r| days.iter().map(|&d| self.change(r, d)).collect()).collect();
        let ltv = price_changes
            .iter()
            .map(|&r| days.iter().map(|&d| self.balances.grown(&self.rates, d / 365.0).ltv(self.entry_price * (1.0 + r))).collect())
            .collect();
        Surface { price_changes, days, change, ltv }
    }
}

/// Liquidation thresholds the charts and previews show (§2.4): liquidators start to profit at
/// 75% LTV; 85% is where the model expects the liquidation.
pub const LIQUIDATION_THRESHOLDS: [f64; 2] = [0.75, 0.85];
/// How far ahead [`Outlook`] looks for a rate-driven liquidation.
pub const TIME_TO_LIQUIDATION_HORIZON_YEARS: f64 = 100.0;

/// What a position looks like under the model at the pool's state: the scenario the charts
/// draw, its liquidation prices and times at each of [`LIQUIDATION_THRESHOLDS`], and its carry.
#[derive(Clone, Debug, PartialEq)]
pub struct Outlook {
    pub scenario: Scenario,
    /// Per threshold: the nearest price below and above the entry price (X per Y, raw units).
    pub liquidation_prices: [(Option<f64>, Option<f64>); 2],
    /// Per threshold: years at the entry price until it is reached (`None`: not within
    /// [`TIME_TO_LIQUIDATION_HORIZON_YEARS`]).
    pub time_to_liquidation: [Option<f64>; 2],
    /// Each balance's value in X and rate, and the net annual carry on equity.
    pub carry_legs: Vec<CarryLeg>,
    pub carry: f64,
}

impl Outlook {
    /// The outlook of a position with user assets `assets` in `pair` at unix time `now`
    /// (the pair is accrued to `now` on a copy), measured against `equity` in raw X (`None`:
    /// its value now), with the fee yield `fee_yield`.
    pub fn of(pair: &dlex::state::Pair, assets: &[u128; 6], now: i64, equity: Option<f64>, fee_yield: f64, numeraire: Numeraire) -> Result<Outlook, String> {
        let now = u32::try_from(now).map_err(|_| format!("unix time {now} is outside the program's clock range"))?;
        let snapshot = PairSnapshot::new(pair, now).map_err(|e| format!("accrue the pair: {e}"))?;
        let pool = snapshot.pool();
        let entry_price = crate::quote::spot_price(pool);
        if entry_price <= 0.0 {
            return Err("the pool is empty: no price to value the position at".into());
        }
        let rates = Rates::of_pool(&snapshot, fee_yield)?;
        let balances = Balances::of_assets(assets);
        let equity = equity.unwrap_or_else(|| balances.value(entry_price));
        if equity <= 0.0 {
            return Err("the position has no equity to measure a payout against".into());
        }
        let scenario = Scenario { balances, rates, entry_price, equity, numeraire };
        let liquidation_prices = LIQUIDATION_THRESHOLDS.map(|theta| balances.liquidation_prices(entry_price, theta));
        let time_to_liquidation = LIQUIDATION_THRESHOLDS.map(|theta| balances.time_to_liquidation(&rates, entry_price, theta, TIME_TO_LIQUIDATION_HORIZON_YEARS));
        Ok(Outlook { scenario, liquidation_prices, time_to_liquidation, carry_legs: rates.legs(&balances, entry_price), carry: rates.carry(&balances, entry_price, equity) })
    }

    /// The outlook in words: liquidation prices (marked approximate), time to liquidation and
    /// carry. Prices in whole tokens (X per Y) for mints with `decimals_x` and `decimals_y`.
    pub fn describe(&self, decimals_x: u8, decimals_y: u8) -> String {
        let whole_price = |raw: f64| raw * 10f64.powi(i32::from(decimals_y) - i32::from(decimals_x));
        let whole_x = |raw: f64| raw / 10f64.powi(i32::from(decimals_x));
        let p0 = self.scenario.entry_price;
        let price = |p: Option<f64>| match p {
            Some(p) => format!("{:.4} ({:+.1}%)", whole_price(p), (p / p0 - 1.0) * 100.0),
            None => "none".to_string(),
        };
        let mut out = format!("entry price {:.4} X per Y\n", whole_price(p0));
        out.push_str("liquidation prices (approximate: at one pool price; the program judges at its TWAP range, with slippage):\n");
        for (theta, (below, above)) in LIQUIDATION_THRESHOLDS.iter().zip(self.liquidation_prices) {
            out.push_str(&format!("  LTV {:.0}%: below {}, above {}\n", theta * 100.0, price(below), price(above)));
        }
        let years = |t: Option<f64>| match t {
            Some(0.0) => "already".to_string(),
            Some(t) if t < 1.0 => format!("{:.0} days", t * 365.0),
            Some(t) => format!("{t:.1} years"),
            None => format!("not within {TIME_TO_LIQUIDATION_HORIZON_YEARS:.0} years"),
        };
        out.push_str(&format!(
            "time to liquidation at the entry price (constant rates): LTV 75% {}, LTV 85% {}\n",
            years(self.time_to_liquidation[0]),
            years(self.time_to_liquidation[1])
        ));
        let legs: Vec<String> = self.carry_legs.iter().map(|leg| format!("{} {:.2} X at {:+.2}%", leg.name, whole_x(leg.value), leg.rate * 100.0)).collect();
        out.push_str(&format!(
            "carry: {}; net {:+.2}%/yr on equity {:.2} X\n",
            if legs.is_empty() { "nothing".to_string() } else { legs.join(", ") },
            self.carry * 100.0,
            whole_x(self.scenario.equity)
        ));
        out
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    /// Spec §3.4: E = 10,000 X, p0 = 2,000; u_X = u_Y = 0.5, β = u_L = 0.1, φ = 18%.
    #[test]
    fn the_worked_example_rates() {
        let rates = Rates::from_utilization(0.5, 0.5, 0.1, 0.1, 0.18);
        for (got, want) in [(rates.r_x, 0.05), (rates.r_y, 0.05), (rates.r_l, 0.05), (rates.s_x, 0.0225), (rates.s_y, 0.0225), (rates.g_l, 0.20475)] {
            assert!((got - want).abs() < 1e-12, "{got} != {want}");
        }
    }

    /// Every cell of the worked example's table (spec §3.4): z = V/E − 1 to the printed 0.01%,
    /// and the LTV to the printed 0.001 where it is shown (small where it is not).
    #[test]
    fn the_worked_example_table() {
        let rates = Rates::from_utilization(0.5, 0.5, 0.1, 0.1, 0.18);
        let b = |dl: f64, bl: f64, dx: f64, bx: f64, dy: f64, by: f64| Balances { dl, bl, dx, bx, dy, by };
        // (recipe, balances, [(price, days, z %, LTV or None)])
        type Cell = (f64, f64, f64, Option<f64>);
        let rows: [(&str, Balances, [Cell; 6]); 6] = [
            ("MM", b(111.8034, 0.0, 0.0, 0.0, 0.0, 0.0), [
                (1400.0, 0.0, -16.33, None), (1400.0, 90.0, -12.00, None), (2000.0, 0.0, 0.0, None),
                (2000.0, 90.0, 5.18, None), (2600.0, 0.0, 14.02, None), (2600.0, 90.0, 19.92, None),
            ]),
            ("DNMM", b(223.6068, 0.0, 0.0, 0.0, 0.0, 5.0025), [
                (1400.0, 0.0, -2.70, None), (1400.0, 90.0, 5.09, None), (2000.0, 0.0, -0.05, None),
                (2000.0, 90.0, 9.07, None), (2600.0, 0.0, -2.03, Some(0.141)), (2600.0, 90.0, 8.16, Some(0.098)),
            ]),
            ("LMM 10x", b(1118.034, 0.0, 0.0, 45022.5, 0.0, 22.51125), [
                (1400.0, 0.0, -28.72, Some(0.309)), (1400.0, 90.0, 5.11, Some(0.131)), (2000.0, 0.0, -0.45, None),
                (2000.0, 90.0, 40.16, None), (2600.0, 0.0, 4.66, Some(0.127)), (2600.0, 90.0, 50.85, None),
            ]),
            ("Straddle 5x", b(0.0, 559.2965, 35000.0, 0.0, 12.5, 0.0), [
                (1400.0, 0.0, 6.46, Some(0.244)), (1400.0, 90.0, 4.19, Some(0.256)), (2000.0, 0.0, -0.25, None),
                (2000.0, 90.0, -3.12, None), (2600.0, 0.0, 4.63, None), (2600.0, 90.0, 1.31, None),
            ]),
            ("Long 3x", b(0.0, 0.0, 0.0, 20010.0, 15.0, 0.0), [
                (1400.0, 0.0, -90.10, Some(0.953)), (1400.0, 90.0, -91.41, Some(0.959)), (2000.0, 0.0, -0.10, Some(0.667)),
                (2000.0, 90.0, -0.91, Some(0.672)), (2600.0, 0.0, 89.90, Some(0.513)), (2600.0, 90.0, 89.59, Some(0.517)),
            ]),
            ("Call 4E", b(0.0, 447.4372, 10000.0, 0.0, 20.0, 0.0), [
                (1400.0, 0.0, -54.83, Some(0.599)), (1400.0, 90.0, -56.87, Some(0.615)), (2000.0, 0.0, -0.20, Some(0.501)),
                (2000.0, 90.0, -2.38, Some(0.511)), (2600.0, 0.0, 63.70, Some(0.439)), (2600.0, 90.0, 61.49, Some(0.447)),
            ]),
        ];
        for (name, balances, cells) in rows {
            for (price, days, z, ltv) in cells {
                let got = balances.change(&rates, price, days, 10_000.0) * 100.0;
                assert!((got - z).abs() <= 0.005 + 1e-9, "{name} p={price} d={days}: z {got:.4}% printed {z}%");
                let got_ltv = balances.grown(&rates, days / 365.0).ltv(price);
                match ltv {
                    Some(want) => assert!((got_ltv - want).abs() <= 0.0005 + 1e-9, "{name} p={price} d={days}: LTV {got_ltv:.4} printed {want}"),
                    // The table leaves small LTVs out (the straddle at p0 after 90 days is 0.019).
                    None => assert!(got_ltv < 0.05, "{name} p={price} d={days}: LTV {got_ltv:.4} where none is printed"),
                }
            }
        }
    }

    /// Spec §2.4's time-to-liquidation table: straddles held at p0 with s_X = s_Y = 2.25% and
    /// the L borrow rate given, to the printed precision (0.1 y above one year, 0.01 y below).
    #[test]
    fn time_to_liquidation_matches_the_straddle_table() {
        let (equity, p0) = (10_000.0, 2_000.0);
        for (n, r_l, t75, t85) in [(1.0, 0.10, 8.0, 8.4), (1.0, 0.25, 2.7, 2.9), (5.0, 0.10, 2.0, 2.2), (5.0, 0.25, 0.69, 0.74)] {
            let straddle = Balances { bl: 1.0005 * n * equity / (2.0 * f64::sqrt(p0)), dx: (1.0 + n / 2.0) * equity, dy: n / 2.0 * equity / p0, ..Balances::default() };
            let rates = Rates { r_x: 0.0, r_y: 0.0, r_l, s_x: 0.0225, s_y: 0.0225, g_l: 0.0 };
            let precision = if t75 >= 1.0 { 0.05 } else { 0.005 };
            for (theta, want) in [(0.75, t75), (0.85, t85)] {
                let got = straddle.time_to_liquidation(&rates, p0, theta, 100.0).expect("a straddle's carry liquidates it in time");
                assert!((got - want).abs() <= precision + 1e-9, "n={n} r_L={r_l} θ={theta}: {got:.4} y, printed {want}");
                let grown = straddle.grown(&rates, got);
                assert!((grown.ltv(p0) - theta).abs() < 1e-9, "the LTV is θ at that time");
            }
        }
        // Without debt growth faster than the deposits it never comes.
        let no_debt = Balances { dl: 100.0, ..Balances::default() };
        assert_eq!(no_debt.time_to_liquidation(&Rates::from_utilization(0.5, 0.5, 0.1, 0.1, 0.0), 2_000.0, 0.75, 100.0), None);
    }

    /// At θ = 0.85 the liquidation prices are the program's (spec §10.4,
    /// `math::liquidation_sqrt_prices_q72`: the net-X root below p0, the net-Y root above), to
    /// the Q72 rounding; at 0.75 they lie nearer to p0.
    #[test]
    fn liquidation_prices_agree_with_the_program_at_85_percent() {
        let p0 = 2_000.0;
        let q72 = 2f64.powi(72);
        let cases: [([u128; 6], bool); 4] = [
            // [DL, DX, DY, BL, BX, BY]: long 3x, short 2x, LMM 10x, call 4E (raw units, E = 10,000e6 X).
            ([0, 0, 15_000_000, 0, 20_010_000_000, 0], true),
            ([0, 30_000_000_000, 0, 0, 0, 10_005_000], false),
            ([1_118_034_000, 0, 0, 0, 45_022_500_000, 22_511_250], true),
            ([0, 10_000_000_000, 20_000_000, 447_437_200, 0, 0], true),
        ];
        for (assets, below) in cases {
            let balances = Balances::of_assets(&assets);
            let (net_x, net_y) = math::liquidation_sqrt_prices_q72(assets);
            let program = |sqrt_q72: u128| (sqrt_q72 as f64 / q72).powi(2);
            let (low, high) = balances.liquidation_prices(p0, 0.85);
            let (low_75, high_75) = balances.liquidation_prices(p0, 0.75);
            if below {
                let (got, want) = (low.expect("a price below"), program(net_x));
                assert!((got / want - 1.0).abs() < 1e-9, "{assets:?}: {got} vs the program's {want}");
                assert!(low_75.unwrap() > got && low_75.unwrap() < p0);
            } else {
                let (got, want) = (high.expect("a price above"), program(net_y));
                assert!((got / want - 1.0).abs() < 1e-9, "{assets:?}: {got} vs the program's {want}");
                assert!(high_75.unwrap() < got && high_75.unwrap() > p0);
            }
        }
        // Plain liquidity has none.
        assert_eq!(Balances { dl: 100.0, ..Balances::default() }.liquidation_prices(p0, 0.75), (None, None));
    }

    /// φ from swaps: 1,000 X of input at 0.3% over one day on a pool of 1,000,000 X /
    /// 4,000,000 Y' (p = 0.25, L = 2,000,000, 2√p = 1): 3 X of fees a day, 3 L, per 2,000,000
    /// DL, times 365.
    #[test]
    fn fee_yield_annualizes_the_swap_fees_per_deposited_l() {
        let pool = Pool { reserve_x: dlex::state::Reserve(1_000_000), reserve_y: dlex::state::Reserve(4_000_000), ..Pool::default() };
        let swap = |direction, amount_in| Swapped {
            pair: Default::default(),
            trader: Default::default(),
            direction,
            amount_in,
            amount_out: 0,
            fee_bips_q64: 30u128 << 64,
            reserve_x: 0,
            reserve_y: 0,
        };
        let swaps = [swap(SwapDirection::XToY, 600), swap(SwapDirection::YToX, 1_600)];
        let got = fee_yield(&swaps, 86_400.0, &pool);
        let want = 3.0 / 2_000_000.0 * 365.0;
        assert!((got / want - 1.0).abs() < 1e-12, "{got} vs {want}");
        assert_eq!(fee_yield(&[], 86_400.0, &pool), 0.0);
        assert_eq!(fee_yield(&swaps, 0.0, &pool), 0.0);
    }

    /// The surface's cells are `Scenario::change` and the grown LTV; the Y numeraire reads a
    /// position holding only Y as flat.
    #[test]
    fn the_surface_is_the_model_on_a_grid() {
        let rates = Rates::from_utilization(0.5, 0.5, 0.1, 0.1, 0.18);
        let long = Balances { bx: 20_010.0, dy: 15.0, ..Balances::default() };
        let scenario = Scenario { balances: long, rates, entry_price: 2_000.0, equity: 10_000.0, numeraire: Numeraire::X };
        let surface = scenario.surface(101, 90, false);
        assert_eq!((surface.price_changes.len(), surface.days.len()), (101, 91));
        assert!((surface.price_changes[20] + 0.3).abs() < 1e-12);
        // Row r = −30% (p = 1,400), day 90: the worked example's −91.41% (LTV .959).
        assert!((surface.change[20][90] * 100.0 + 91.41).abs() <= 0.005);
        assert!((surface.ltv[20][90] - 0.959).abs() <= 0.0005);
        let log = scenario.surface(11, 0, true);
        assert!((log.price_changes[0] + 0.5).abs() < 1e-12 && (log.price_changes[10] - 0.5).abs() < 1e-12);
        assert!((log.price_changes[5] - (0.75f64.sqrt() - 1.0)).abs() < 1e-12, "the middle row is the geometric mean");
        let only_y = Scenario { balances: Balances { dy: 5.0, ..Balances::default() }, rates: Rates { s_y: 0.0, ..rates }, entry_price: 2_000.0, equity: 10_000.0, numeraire: Numeraire::Y };
        assert!(only_y.change(0.4, 30.0).abs() < 1e-12);
        assert!((Scenario { numeraire: Numeraire::X, ..only_y }.change(0.4, 30.0) - 0.4).abs() < 1e-12);
    }
}
