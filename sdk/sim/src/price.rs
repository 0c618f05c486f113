//! The external price: geometric Brownian motion with Merton jumps, seeded (spec §4.5
//! "External price"), or a recorded path read from a CSV file ([`read_csv`]). Per step of `dt` years the log price moves by
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
    /// A recorded path and the index of the current price in it (replaces the GBM).
    recorded: Option<(std::sync::Arc<Vec<f64>>, usize)>,
}

/// Reads a price path: one positive price per line, or `time,price` lines (the last field is
/// read); a first line that is not a number is a header. At least two prices.
pub fn read_csv(path: &std::path::Path) -> Result<Vec<f64>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut prices = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let field = line.rsplit(',').next().unwrap_or(line).trim();
        match field.parse::<f64>() {
            Ok(price) if price.is_finite() && price > 0.0 => prices.push(price),
            Ok(price) => {
                return Err(format!(
                    "{} line {}: price {price} is not positive",
                    path.display(),
                    i + 1
                ))
            }
            Err(_) if prices.is_empty() && i == 0 => {} // header
            Err(_) => {
                return Err(format!(
                    "{} line {}: {field:?} is not a price",
                    path.display(),
                    i + 1
                ))
            }
        }
    }
    if prices.len() < 2 {
        return Err(format!(
            "{}: a price path needs at least two prices",
            path.display()
        ));
    }
    Ok(prices)
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
            recorded: market.recorded_prices.clone().map(|prices| (prices, 0)),
        }
    }

    /// The current price, Y per X.
    pub fn price(&self) -> f64 {
        match &self.recorded {
            Some((prices, i)) => prices[*i],
            None => self.log_price.exp(),
        }
    }

    /// Advances one step and returns the new price. A recorded path stays at its last price
    /// past its end (`Config::validate` checks the length first).
    pub fn step(&mut self) -> f64 {
        if let Some((prices, i)) = &mut self.recorded {
            *i = (*i + 1).min(prices.len() - 1);
            return prices[*i];
        }
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
    fn a_recorded_path_is_read_and_replayed() {
        let path = std::env::temp_dir().join(format!("dlex-sim-prices-{}.csv", std::process::id()));
        std::fs::write(&path, "time,price\n0,2000\n60,2010.5\n\n120,1990\n").unwrap();
        let prices = read_csv(&path).unwrap();
        assert_eq!(prices, vec![2000.0, 2010.5, 1990.0]);
        let market = MarketConfig {
            recorded_prices: Some(std::sync::Arc::new(prices)),
            ..MarketConfig::default()
        };
        let mut p = PricePath::new(&market, 60, 9);
        assert_eq!(
            (p.price(), p.step(), p.step(), p.step()),
            (2000.0, 2010.5, 1990.0, 1990.0)
        );
        std::fs::write(&path, "2000\n-1\n").unwrap();
        assert!(read_csv(&path).unwrap_err().contains("line 2"));
        std::fs::write(&path, "2000\nabc\n").unwrap();
        assert!(read_csv(&path).unwrap_err().contains("not a price"));
        std::fs::remove_file(&path).unwrap();
    }

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
