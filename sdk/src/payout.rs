//! The value model behind the payout chart and the heat map (spec recipes.md §3.2): a
//! position's six balances grown at constant, continuously compounded rates, valued at a price
//! the pool jumps to at day 0 and keeps, and its L-netted LTV at one price (§2.4). Floats: this
//! is an off-chain picture of carry and payoff, not an amount the program checks.

/// The three-tier borrow-rate curve of spec mechanisms §7.1, annual: `0.1·u` up to 80%, then
/// `0.08 + 2·(u − 0.8)` up to 92.5%, then `0.33 + 20·(u − 0.925)`.
pub fn borrow_rate(utilization: f64) -> f64 {
    if utilization <= 0.8 {
        0.1 * utilization
    } else if utilization <= 0.925 {
        0.08 + 2.0 * (utilization - 0.8)
    } else {
        0.33 + 20.0 * (utilization - 0.925)
    }
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
        let (r_x, r_y, r_l) = (borrow_rate(u_x), borrow_rate(u_y), 5.0 * borrow_rate(u_l));
        let (s_x, s_y) = (0.9 * r_x * u_x, 0.9 * r_y * u_y);
        let g_l = fee_yield + (1.0 - beta) * 0.5 * (s_x + s_y) + 0.9 * r_l * beta;
        Rates { r_x, r_y, r_l, s_x, s_y, g_l }
    }
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
}
