//! The external price: geometric Brownian motion with Merton jumps, seeded (spec §4.5
//! "External price"). Per step of `dt` years the log price moves by
//! `(μ − σ²/2)·dt + σ·√dt·Z` plus `N ~ Poisson(λ_J·dt)` jumps of log size `~ N(−s²/2, s)`,
//! so each jump has mean factor 1 and the path is a martingale when μ = 0. The price is the
//! agents' (arbitrageur, noise traders) view, a float by nature; pools only ever see the
//! integer amounts those agents trade.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Poisson, StandardNormal};

use crate::config::MarketConfig;

/// The RNG stream of the price path (each consumer of randomness has its own stream, so
/// adding a consumer never changes another's draws).
pub const PRICE_STREAM: u64 = 1;

/// Seconds in the simulator's year.
pub const YEAR_SECONDS: f64 = 365.0 * 86_400.0;

/// A seeded price path, advanced one step at a time.
pub struct PricePath {
    rng: ChaCha8Rng,
    log_price: f64,
    drift: f64,
    diffusion: f64,
    jumps: Option<(Poisson<f64>, Normal<f64>)>,
    /// Jumps drawn so far.
    pub jump_count: u64,
}

impl PricePath {
    /// A path starting at `market.price0` with steps of `step_seconds`.
    pub fn new(market: &MarketConfig, step_seconds: u32, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(PRICE_STREAM);
        let dt = f64::from(step_seconds) / YEAR_SECONDS;
        let jump_rate = market.jumps_per_year * dt;
        let jumps = if jump_rate > 0.0 && market.jump_sigma > 0.0 {
            let s = market.jump_sigma;
            Some((
                Poisson::new(jump_rate).expect("positive jump rate"),
                Normal::new(-s * s / 2.0, s).expect("finite jump sigma"),
            ))
        } else {
            None
        };
        Self {
            rng,
            log_price: market.price0.ln(),
            drift: (market.mu - market.sigma * market.sigma / 2.0) * dt,
            diffusion: market.sigma * dt.sqrt(),
            jumps,
            jump_count: 0,
        }
    }

    /// The current price, Y per X.
    pub fn price(&self) -> f64 {
        self.log_price.exp()
    }

    /// Advances one step and returns the new price.
    pub fn step(&mut self) -> f64 {
        let z: f64 = StandardNormal.sample(&mut self.rng);
        self.log_price += self.drift + self.diffusion * z;
        if let Some((count, size)) = &self.jumps {
            let n = count.sample(&mut self.rng) as u64;
            for _ in 0..n {
                self.log_price += size.sample(&mut self.rng);
            }
            self.jump_count += n;
        }
        self.price()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_one_path() {
        let market = MarketConfig::default();
        let path = |seed| {
            let mut p = PricePath::new(&market, 60, seed);
            (0..1_000).map(|_| p.step()).collect::<Vec<_>>()
        };
        assert_eq!(path(7), path(7));
        assert_ne!(path(7), path(8));
    }

    /// Over many steps the log returns have the configured variance (diffusion plus jumps).
    #[test]
    fn log_return_variance_matches_sigma_and_jumps() {
        let market = MarketConfig {
            sigma: 0.8,
            jumps_per_year: 24.0,
            jump_sigma: 0.05,
            ..MarketConfig::default()
        };
        let mut p = PricePath::new(&market, 3_600, 3);
        let steps = 200_000;
        let mut last = p.price().ln();
        let (mut sum, mut sum2) = (0.0, 0.0);
        for _ in 0..steps {
            let next = p.step().ln();
            let r = next - last;
            last = next;
            sum += r;
            sum2 += r * r;
        }
        let n = steps as f64;
        let variance_per_year = (sum2 / n - (sum / n).powi(2)) * YEAR_SECONDS / 3_600.0;
        let expected = 0.8f64.powi(2) + 24.0 * 0.05f64.powi(2);
        assert!(
            (variance_per_year / expected - 1.0).abs() < 0.02,
            "{variance_per_year} vs {expected}"
        );
    }
}
