//! The fee-aware arbitrageur of spec §4.5: after every step it trades each pool toward the
//! external price with the exact-in amount that maximizes its profit, valued at the external
//! price, and trades only if that profit exceeds `min_profit`.
//!
//! The amount is found on the pool's own quotes ([`Quoter`]), so the same search serves the
//! fixed fee and the quadratic fee: the profit `out(a)·p − a` (or `out(a) − a·p`) is concave
//! in `a` for both, and the search bisects on its slope between a small probe and the
//! fee-free amount that would move the pool's price to `p` (an upper bound on the optimum),
//! with a central difference wide enough that the unit rounding of outputs cannot flip it.
//! The search is the agent's strategy, in floats; what the pool executes is the integer
//! swap. (a) and (b1) quote alike, so they receive identical trades.

use dlex::actions::SwapDirection;

use crate::pool::Quoter;

/// A trade the arbitrageur chose.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ArbTrade {
    pub direction: SwapDirection,
    pub amount_in: u64,
    /// Profit in Y base units at the external price.
    pub profit: f64,
}

/// Profit in Y base units of selling `amount_in` in `direction` on the pool and closing the
/// position at `price` (Y base units per X base unit); `None` if the pool refuses.
fn profit(quoter: &Quoter, direction: SwapDirection, amount_in: u64, price: f64) -> Option<f64> {
    let out = quoter.amount_out(direction, amount_in)? as f64;
    Some(match direction {
        SwapDirection::XToY => out - amount_in as f64 * price,
        SwapDirection::YToX => out * price - amount_in as f64,
    })
}

/// The fee-free input that moves reserves `(x, y)` to `price` in `direction`, or 0.
fn fee_free_amount(direction: SwapDirection, x: f64, y: f64, price: f64) -> f64 {
    match direction {
        SwapDirection::XToY => (x * y / price).sqrt() - x,
        SwapDirection::YToX => (x * y * price).sqrt() - y,
    }
    .max(0.0)
}

/// The most profitable exact-in trade toward `price` on a pool with `reserves` (base units),
/// if any earns more than `min_profit` (Y base units).
pub fn best_trade(
    quoter: &Quoter,
    reserves: (u128, u128),
    price: f64,
    min_profit: f64,
) -> Option<ArbTrade> {
    let (x, y) = (reserves.0 as f64, reserves.1 as f64);
    let direction = if y / x < price {
        SwapDirection::YToX
    } else {
        SwapDirection::XToY
    };
    let bound = fee_free_amount(direction, x, y, price).min(u64::MAX as f64 / 2.0) as u64;
    if bound == 0 {
        return None;
    }
    let f = |a: u64| profit(quoter, direction, a, price).unwrap_or(f64::NEG_INFINITY);
    let probe = (bound >> 16).max(1);
    if f(probe) <= 0.0 {
        return None;
    }
    let (mut lo, mut hi) = (probe, bound.max(probe));
    while hi - lo > (hi >> 24).max(2) {
        let mid = lo + (hi - lo) / 2;
        // A central difference over a step far above the unit rounding of `out`.
        let step = (mid >> 12).max(1);
        if f(mid + step) > f(mid.saturating_sub(step).max(1)) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let (amount_in, best) = [lo, hi]
        .into_iter()
        .map(|a| (a, f(a)))
        .fold((0, f64::NEG_INFINITY), |b, c| if c.1 > b.1 { c } else { b });
    (best > min_profit).then_some(ArbTrade {
        direction,
        amount_in,
        profit: best,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On V2 the search lands on the closed form `a* = (√(R_in·R_out·γ·P) − R_in)/γ`.
    #[test]
    fn v2_optimum_matches_the_closed_form() {
        let (x, y) = (2_500_000_000_000u128, 5_000_000_000_000u128);
        let quoter = Quoter::V2 {
            reserve_x: x,
            reserve_y: y,
            fee_bips: 30,
        };
        let gamma = 0.997f64;
        for price in [2.1f64, 1.9, 2.5, 1.0] {
            let trade = best_trade(&quoter, (x, y), price, 0.0).unwrap();
            let (r_in, r_out, p) = match trade.direction {
                SwapDirection::YToX => (y as f64, x as f64, price),
                SwapDirection::XToY => (x as f64, y as f64, 1.0 / price),
            };
            let closed = ((r_in * r_out * gamma * p).sqrt() - r_in) / gamma;
            assert!(
                (trade.amount_in as f64 / closed - 1.0).abs() < 1e-4,
                "{price}: {} vs {closed}",
                trade.amount_in
            );
        }
        // Inside the fee band nothing is worth trading.
        assert!(best_trade(&quoter, (x, y), 2.0 * 1.002, 0.0).is_none());
        assert!(best_trade(&quoter, (x, y), 2.0 / 1.002, 0.0).is_none());
    }
}
