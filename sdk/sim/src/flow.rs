//! Noise orders (spec §4.5 "Flow"): Poisson arrivals at `λ` per minute, each an exact-in
//! order whose value is log-normal (median `median_order_tvl·TVL`, log σ `sigma_ln`) on a fair
//! coin's side. The order's integer input amount is fixed at the external price when it
//! arrives, so in Mode A every pool receives the same order to the unit.

use dlex::actions::SwapDirection;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Poisson};

use crate::config::{FlowConfig, MarketConfig};

/// The RNG stream of the noise flow.
pub const FLOW_STREAM: u64 = 2;

/// One noise order: sell exactly `amount_in` base units in `direction`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Order {
    pub direction: SwapDirection,
    pub amount_in: u64,
    /// The order's value at the external price on arrival, whole Y (Mode B's venue cost).
    pub value_y: f64,
}

/// The seeded order generator.
pub struct NoiseFlow {
    rng: ChaCha8Rng,
    arrivals: Option<Poisson<f64>>,
    size: LogNormal<f64>,
    unit_x: f64,
    unit_y: f64,
}

impl NoiseFlow {
    pub fn new(flow: &FlowConfig, market: &MarketConfig, step_seconds: u32, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(FLOW_STREAM);
        let per_step = flow.lambda_per_min * f64::from(step_seconds) / 60.0;
        let median = flow.median_order_tvl * market.tvl;
        Self {
            rng,
            arrivals: (per_step > 0.0)
                .then(|| Poisson::new(per_step).expect("positive arrival rate")),
            size: LogNormal::new(median.ln(), flow.sigma_ln).expect("finite order size"),
            unit_x: 10f64.powi(i32::from(market.decimals_x)),
            unit_y: 10f64.powi(i32::from(market.decimals_y)),
        }
    }

    /// The orders of one step at external price `price` (Y per X), in arrival order.
    pub fn step(&mut self, price: f64) -> Vec<Order> {
        let Some(arrivals) = &self.arrivals else {
            return Vec::new();
        };
        let n = arrivals.sample(&mut self.rng) as usize;
        (0..n)
            .filter_map(|_| {
                let value_y = self.size.sample(&mut self.rng);
                let (direction, amount) = if self.rng.random_bool(0.5) {
                    (SwapDirection::XToY, value_y / price * self.unit_x)
                } else {
                    (SwapDirection::YToX, value_y * self.unit_y)
                };
                let amount_in = amount.round().min(u64::MAX as f64) as u64;
                (amount_in > 0).then_some(Order {
                    direction,
                    amount_in,
                    value_y,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_and_median_size_match_the_config() {
        let flow = FlowConfig {
            lambda_per_min: 2.0,
            ..FlowConfig::default()
        };
        let market = MarketConfig::default();
        let mut noise = NoiseFlow::new(&flow, &market, 60, 11);
        let mut sizes = Vec::new();
        let steps = 20_000;
        for _ in 0..steps {
            for order in noise.step(market.price0) {
                sizes.push(match order.direction {
                    SwapDirection::XToY => order.amount_in as f64 / 1e9 * market.price0,
                    SwapDirection::YToX => order.amount_in as f64 / 1e6,
                });
            }
        }
        let rate = sizes.len() as f64 / steps as f64;
        assert!((rate / 2.0 - 1.0).abs() < 0.03, "{rate}");
        sizes.sort_by(f64::total_cmp);
        let median = sizes[sizes.len() / 2];
        assert!((median / 2_000.0 - 1.0).abs() < 0.05, "{median}");
    }
}
