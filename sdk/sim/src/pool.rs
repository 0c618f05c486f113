//! The three pool kinds of spec §4.5 behind one trait, [`Venue`]:
//! * (a) [`V2Pool`]: Uniswap V2's constant product with a fixed fee to LPs. This is the
//!   reference dlex is compared against, so its one formula ([`v2_amount_out`]) is written
//!   here, once.
//! * (b2) [`DlexPool`] with [`FeeModel::Program`]: the program's in-memory `Pair`, swapped
//!   with `actions::swap_on_pair` (accrual for a swap, the swap leg, `risk::check`, the price
//!   extreme, store), exactly as `swap_exact_in` runs it; liquidity enters with
//!   `actions::run_leg` and `mint_liquidity`.
//! * (b1) [`DlexPool`] with [`FeeModel::Fixed`]: the same `Pair` and the same pipeline steps
//!   (`accrue_for_swap`, `record_price_extreme`, `store_pool`), with one step swapped by the
//!   simulator's fee hook: the output is V2's ([`v2_amount_out`] on the pool's virtual
//!   reserves) instead of `math::max_amount_out` with the quadratic fee. The pool rules a swap
//!   must keep are still judged by the program's own `math::check_k` (output below
//!   `reserve − missing`, depletion-adjusted K never falls) and `Pool::check_bounds`, with
//!   the fee anchor set where the program charges only its 0.1-bip floor, so the check judges
//!   the pool rules and not the quadratic fee. Nothing in the program changes. Without
//!   lending (`missing = 0`) the virtual reserves are V2's reserves, so (b1) equals (a) to the
//!   unit by construction (see `tests/identity.rs` for what that test still checks).

use anchor_lang::prelude::Pubkey;
use dlex::actions::{self, PositionBook, SwapAmount, SwapDirection};
use dlex::math::{self, U256};
use dlex::risk::Action;
use dlex::state::{Pair, Pool, Reserve, TokenKind};

use crate::config::{Config, PoolKind};
use crate::lending;

/// One executed exact-in swap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fill {
    pub amount_in: u64,
    pub amount_out: u64,
    /// Fee kept by the pool in input tokens: `ceil(in·fee)` at the fee rate charged (V2's
    /// nominal rate; dlex's quadratic rate as its `Swapped` event reports it).
    pub fee_tokens: u64,
    /// What the swap added to the LPs' L assets (growth of `√(x·y)` for V2, of DEPOSIT_L
    /// assets for dlex), in L units: the swap fee measured the way ℓ sees it.
    pub fee_l: u128,
}

/// One operation the simulator applied to a dlex pool's pair, in order (self-test 3 replays
/// them as transactions on the bank). Recorded only when asked ([`Venue::start_recording`]);
/// the first mint (of [`crate::run::initial_amounts`] at `run.start_unix`, by the LP) is
/// not in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// The per-step interest accrual (`actions::accrue`) at `now`.
    Accrue { now: u32 },
    /// An exact-in swap at `now`, no limit, and what it returned (`None`: refused).
    Swap {
        direction: SwapDirection,
        amount_in: u64,
        now: u32,
        amount_out: Option<u64>,
    },
    /// An execute of `legs` by lending position `position` (index into
    /// `lending::Book::positions`) at `now`, limits `i64::MIN`, and whether it passed.
    Execute {
        position: usize,
        legs: Vec<actions::Leg>,
        now: u32,
        ok: bool,
    },
    /// The keeper's liquidation of lending position `position` at `now` (no token limits),
    /// and whether it passed.
    Liquidate {
        position: usize,
        request: actions::LiquidationRequest,
        now: u32,
        ok: bool,
    },
}

/// What a recorded run left: the operations and the final state they led to.
#[derive(Clone)]
pub struct Recording {
    pub ops: Vec<Recorded>,
    pub pair: Box<Pair>,
    /// The LP's position, then the lending book's positions in order.
    pub positions: Vec<PositionBook>,
    /// The keeper's position (the seized shares), empty without lending.
    pub liquidator: PositionBook,
}

/// `(DEPOSIT_L assets, DEPOSIT_L shares)`: ℓ = assets / shares (spec §4.4). For V2,
/// `(⌊√(x·y)⌋, totalSupply)`.
pub type Ell = (u128, u128);

/// A pool the simulator trades on.
pub trait Venue: Send {
    fn kind(&self) -> PoolKind;
    /// The reserves the next swap prices on (dlex: virtual reserves), base units.
    fn reserves(&self) -> (u128, u128);
    /// The LPs' L assets and shares.
    fn ell(&self) -> Ell;
    /// What exact-in swaps at `now` would return, without changing the pool.
    fn quoter(&self, now: u32) -> Quoter;
    /// Executes an exact-in swap at `now` (no limit: the caller quoted it). A refused swap
    /// changes nothing.
    fn swap_exact_in(
        &mut self,
        direction: SwapDirection,
        amount_in: u64,
        now: u32,
    ) -> Result<Fill, String>;
    /// The lending layer's step at `now` on day `day`: interest accrued to `now`, the
    /// keeper's pass when `keeper` is set, then the day's re-target if it is still due.
    /// `None` for a pool without lending.
    fn lending_step(
        &mut self,
        _day: u32,
        _now: u32,
        _keeper: bool,
    ) -> Result<Option<lending::Step>, String> {
        Ok(None)
    }
    /// Whether a side's `reserve − missing` is below 5% of its reserve.
    fn depleted(&self) -> bool {
        false
    }
    /// The lending state now, `None` for a pool without lending.
    fn lending_snapshot(&self) -> Option<lending::Snapshot> {
        None
    }
    /// From now on, record every operation applied to the pool (dlex pools only).
    fn start_recording(&mut self) {}
    /// The operations recorded so far and the state now; `None` when not recording.
    fn take_recording(&mut self) -> Option<Recording> {
        None
    }
}

/// Uniswap V2's output for an exact input with a fee of `fee_bips`:
/// `⌊in·(10⁴ − f)·R_out / (R_in·10⁴ + in·(10⁴ − f))⌋` (V2's `getAmountOut`, scaled to bips;
/// with 30 bips it is V2's 997/1000 to the unit). 256-bit intermediates; `None` when the
/// pool is empty or the output does not fit `u64`.
pub fn v2_amount_out(
    amount_in: u64,
    reserve_in: u128,
    reserve_out: u128,
    fee_bips: u32,
) -> Option<u64> {
    if reserve_in == 0 || reserve_out == 0 {
        return None;
    }
    let in_with_fee = U256::from(amount_in) * U256::from(10_000 - fee_bips);
    let numerator = in_with_fee * U256::from(reserve_out);
    let denominator = U256::from(reserve_in) * U256::from(10_000u32) + in_with_fee;
    u64::try_from(numerator / denominator).ok()
}

/// The fee V2 keeps in input tokens, `⌈in·f/10⁴⌉`.
pub fn v2_fee_tokens(amount_in: u64, fee_bips: u32) -> u64 {
    (u128::from(amount_in) * u128::from(fee_bips)).div_ceil(10_000) as u64
}

/// `⌊√(x·y)⌋`, V2's liquidity (the program's 256-bit square root).
pub fn sqrt_k(x: u128, y: u128) -> u128 {
    u128::try_from(math::sqrt_u256(U256::from(x) * U256::from(y))).unwrap_or(u128::MAX)
}

/// Quotes of one pool at one time (the arbitrageur asks many of them per step).
#[derive(Clone, Copy, Debug)]
pub enum Quoter {
    /// (a): V2 on `(reserve_x, reserve_y)`.
    V2 {
        reserve_x: u128,
        reserve_y: u128,
        fee_bips: u32,
    },
    /// (b1): the fee hook on the accrued dlex pool.
    DlexFixed { pool: Pool, fee_bips: u32 },
    /// (b2): `actions::quote_swap` on the accrued dlex pool.
    Dlex { pool: Pool },
}

impl Quoter {
    /// Output of an exact-in swap, `None` when the pool refuses it.
    pub fn amount_out(&self, direction: SwapDirection, amount_in: u64) -> Option<u64> {
        match *self {
            Quoter::V2 {
                reserve_x,
                reserve_y,
                fee_bips,
            } => {
                let (r_in, r_out) = oriented(direction, reserve_x, reserve_y);
                v2_amount_out(amount_in, r_in, r_out, fee_bips)
                    .filter(|&out| out > 0 && u128::from(out) < r_out)
            }
            Quoter::DlexFixed { pool, fee_bips } => {
                fixed_fee_swap(&pool, direction, amount_in, fee_bips)
                    .ok()
                    .map(|(_, out)| out)
            }
            Quoter::Dlex { pool } => {
                actions::quote_swap(&pool, direction, SwapAmount::ExactIn(amount_in))
                    .ok()
                    .map(|q| q.amount_out)
            }
        }
    }
}

fn oriented(direction: SwapDirection, x: u128, y: u128) -> (u128, u128) {
    match direction {
        SwapDirection::XToY => (x, y),
        SwapDirection::YToX => (y, x),
    }
}

/// (a) Uniswap V2.
#[derive(Clone, Debug)]
pub struct V2Pool {
    pub reserve_x: u128,
    pub reserve_y: u128,
    pub total_supply: u128,
    pub fee_bips: u32,
}

impl V2Pool {
    /// A pool after its first mint of `x`, `y` (V2 locks `MINIMUM_LIQUIDITY` of `√(x·y)`).
    pub fn new(x: u64, y: u64, fee_bips: u32) -> Self {
        let (x, y) = (u128::from(x), u128::from(y));
        Self {
            reserve_x: x,
            reserve_y: y,
            total_supply: sqrt_k(x, y),
            fee_bips,
        }
    }
}

impl Venue for V2Pool {
    fn kind(&self) -> PoolKind {
        PoolKind::V2
    }

    fn reserves(&self) -> (u128, u128) {
        (self.reserve_x, self.reserve_y)
    }

    fn ell(&self) -> Ell {
        (sqrt_k(self.reserve_x, self.reserve_y), self.total_supply)
    }

    fn quoter(&self, _now: u32) -> Quoter {
        Quoter::V2 {
            reserve_x: self.reserve_x,
            reserve_y: self.reserve_y,
            fee_bips: self.fee_bips,
        }
    }

    fn swap_exact_in(
        &mut self,
        direction: SwapDirection,
        amount_in: u64,
        now: u32,
    ) -> Result<Fill, String> {
        let amount_out = self
            .quoter(now)
            .amount_out(direction, amount_in)
            .ok_or("V2: no output")?;
        let l_before = sqrt_k(self.reserve_x, self.reserve_y);
        let (amount_in_128, amount_out_128) = (u128::from(amount_in), u128::from(amount_out));
        match direction {
            SwapDirection::XToY => {
                self.reserve_x += amount_in_128;
                self.reserve_y -= amount_out_128;
            }
            SwapDirection::YToX => {
                self.reserve_y += amount_in_128;
                self.reserve_x -= amount_out_128;
            }
        }
        let fee_l = sqrt_k(self.reserve_x, self.reserve_y) - l_before;
        Ok(Fill {
            amount_in,
            amount_out,
            fee_tokens: v2_fee_tokens(amount_in, self.fee_bips),
            fee_l,
        })
    }
}

/// How a dlex pool charges swaps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeeModel {
    /// (b2): the program's quadratic fee.
    Program,
    /// (b1): a fixed fee in bips through the simulator's fee hook.
    Fixed { fee_bips: u32 },
}

/// (b1)'s swap step on an accrued pool: V2's output on the virtual reserves, judged by the
/// program's `math::check_k` with the input's fee anchor at `u128::MAX` (where
/// `swap_fee_bips_q64` charges only its 0.1-bip floor) and by `Pool::check_bounds`.
/// Returns the pool after the swap and the output.
pub fn fixed_fee_swap(
    pool: &Pool,
    direction: SwapDirection,
    amount_in: u64,
    fee_bips: u32,
) -> Result<(Pool, u64), String> {
    let (reserve_in, reserve_out) = oriented(direction, pool.reserve_x.0, pool.reserve_y.0);
    let amount_out = v2_amount_out(amount_in, reserve_in, reserve_out, fee_bips)
        .filter(|&out| out > 0)
        .ok_or("fixed fee: no output")?;
    let (a_in, a_out) = (u128::from(amount_in), u128::from(amount_out));
    let (in_x, in_y, out_x, out_y, ref_x, ref_y) = match direction {
        SwapDirection::XToY => (a_in, 0, 0, a_out, u128::MAX, 0),
        SwapDirection::YToX => (0, a_in, a_out, 0, 0, u128::MAX),
    };
    math::check_k(
        pool.reserve_x.0,
        pool.reserve_y.0,
        ref_x,
        ref_y,
        pool.missing_x(),
        pool.missing_y(),
        in_x,
        in_y,
        out_x,
        out_y,
    )
    .map_err(|e| format!("fixed fee: {e:?}"))?;
    let mut after = *pool;
    after.reserve_x = Reserve(pool.reserve_x.0 + in_x - out_x);
    after.reserve_y = Reserve(pool.reserve_y.0 + in_y - out_y);
    after
        .check_bounds()
        .map_err(|e| format!("fixed fee: {e:?}"))?;
    Ok((after, amount_out))
}

/// (b1) and (b2): the program's `Pair` in memory and the LP's position.
pub struct DlexPool {
    pub pair: Box<Pair>,
    /// The passive LP (the only position until the lending layer arrives).
    pub lp: PositionBook,
    pub fee: FeeModel,
    /// The lending layer's positions, when the config enables it.
    pub lending: Option<lending::Book>,
    /// The operations applied since [`Venue::start_recording`] (`None`: not recording).
    pub recording: Option<Vec<Recorded>>,
}

impl DlexPool {
    /// A pair created with the config's TWAP intervals, and a first mint of `x`, `y` at
    /// `now` through `actions::run_leg` (which starts the oracle).
    pub fn new(config: &Config, fee: FeeModel, x: u64, y: u64, now: u32) -> Result<Self, String> {
        let mut pair: Box<Pair> = Box::new(bytemuck::Zeroable::zeroed());
        pair.mint_x = Pubkey::new_from_array([1; 32]);
        pair.mint_y = Pubkey::new_from_array([2; 32]);
        pair.decimals_x = config.market.decimals_x;
        pair.decimals_y = config.market.decimals_y;
        pair.created_at = i64::from(now);
        actions::configure_oracle(
            &mut pair,
            config.dlex.mid_term_interval,
            config.dlex.long_term_interval,
        )
        .map_err(|e| format!("{e:?}"))?;
        let mut lp = PositionBook::default();
        actions::run_leg(
            &mut pair,
            &mut lp.balances,
            &mut lp.fragile,
            now,
            false,
            None,
            |pool, balances| {
                let outcome = actions::mint_liquidity(pool, balances, x, y)?;
                Ok((Action::Mint, outcome))
            },
        )
        .map_err(|e| format!("first mint: {e:?}"))?;
        let lending = config
            .lending
            .enabled
            .then(|| lending::Book::new(&config.lending, x, y));
        Ok(Self {
            pair,
            lp,
            fee,
            lending,
            recording: None,
        })
    }

    /// The pool after the accrual a swap at `now` runs first, on a copy.
    fn accrued(&self, now: u32) -> Result<(Box<Pair>, Pool), String> {
        let mut pair = self.pair.clone();
        let mut pool = pair.pool();
        actions::accrue_for_swap(&mut pair, &mut pool, now)
            .map_err(|e| format!("accrue: {e:?}"))?;
        pair.store_pool(&pool);
        Ok((pair, pool))
    }
}

/// DEPOSIT_L assets of `pool` (0 when it cannot be read), the numerator of ℓ.
pub(crate) fn deposit_l(pool: &Pool) -> u128 {
    pool.deposit_l_assets().map(|a| a.0).unwrap_or(0)
}

impl Venue for DlexPool {
    fn kind(&self) -> PoolKind {
        match self.fee {
            FeeModel::Program => PoolKind::Dlex,
            FeeModel::Fixed { .. } => PoolKind::DlexFixed,
        }
    }

    fn reserves(&self) -> (u128, u128) {
        (self.pair.reserve_x.get(), self.pair.reserve_y.get())
    }

    fn ell(&self) -> Ell {
        let pool = self.pair.pool();
        (deposit_l(&pool), pool.total_shares(TokenKind::DepositL).0)
    }

    fn quoter(&self, now: u32) -> Quoter {
        // An accrual that fails would fail the swap too; quote on the stored pool then, and
        // let the swap report the refusal.
        let pool = self
            .accrued(now)
            .map(|(_, pool)| pool)
            .unwrap_or_else(|_| self.pair.pool());
        match self.fee {
            FeeModel::Program => Quoter::Dlex { pool },
            FeeModel::Fixed { fee_bips } => Quoter::DlexFixed { pool, fee_bips },
        }
    }

    fn swap_exact_in(
        &mut self,
        direction: SwapDirection,
        amount_in: u64,
        now: u32,
    ) -> Result<Fill, String> {
        let result = self.try_swap_exact_in(direction, amount_in, now);
        if let Some(ops) = self.recording.as_mut() {
            ops.push(Recorded::Swap {
                direction,
                amount_in,
                now,
                amount_out: result.as_ref().ok().map(|f| f.amount_out),
            });
        }
        result
    }

    fn lending_step(
        &mut self,
        day: u32,
        now: u32,
        keeper: bool,
    ) -> Result<Option<lending::Step>, String> {
        let Some(book) = self.lending.as_mut() else {
            return Ok(None);
        };
        let accrual = if book.config.accrue_every_step {
            if let Some(ops) = self.recording.as_mut() {
                ops.push(Recorded::Accrue { now });
            }
            lending::accrue(&mut self.pair, now)?
        } else {
            lending::Accrual::default()
        };
        let liquidations = if keeper {
            lending::keep(&mut self.pair, book, now, &mut self.recording)
        } else {
            lending::Liquidations::default()
        };
        let retarget = lending::retarget(&mut self.pair, book, day, now, &mut self.recording);
        Ok(Some(lending::Step {
            accrual,
            retarget,
            liquidations,
        }))
    }

    fn depleted(&self) -> bool {
        self.lending.is_some() && lending::depleted(&self.pair.pool())
    }

    fn lending_snapshot(&self) -> Option<lending::Snapshot> {
        self.lending.as_ref().map(|_| lending::snapshot(&self.pair))
    }

    fn start_recording(&mut self) {
        self.recording = Some(Vec::new());
    }

    fn take_recording(&mut self) -> Option<Recording> {
        let ops = self.recording.take()?;
        let positions = std::iter::once(self.lp)
            .chain(
                self.lending
                    .iter()
                    .flat_map(|b| b.positions.iter().map(|(_, p)| *p)),
            )
            .collect();
        let liquidator = self
            .lending
            .as_ref()
            .map(|b| b.liquidator)
            .unwrap_or_default();
        Some(Recording {
            ops,
            pair: self.pair.clone(),
            positions,
            liquidator,
        })
    }
}

impl DlexPool {
    fn try_swap_exact_in(
        &mut self,
        direction: SwapDirection,
        amount_in: u64,
        now: u32,
    ) -> Result<Fill, String> {
        // Accrue first on a copy, so the swap's own L growth is measured apart from interest
        // (the pipeline's second accrual at the same `now` changes nothing).
        let (mut pair, before) = self.accrued(now)?;
        let (amount_out, fee_bips_q64, after) = match self.fee {
            FeeModel::Program => {
                let swap = actions::swap_on_pair(
                    &mut pair,
                    direction,
                    SwapAmount::ExactIn(amount_in),
                    0,
                    now,
                )
                .map_err(|e| format!("{e:?}"))?;
                (swap.amounts().1, swap.fee_bips_q64, swap.pool)
            }
            FeeModel::Fixed { fee_bips } => {
                let (after, out) = fixed_fee_swap(&before, direction, amount_in, fee_bips)?;
                actions::record_price_extreme(&mut pair, &after, now)
                    .map_err(|e| format!("{e:?}"))?;
                pair.store_pool(&after);
                (out, u128::from(fee_bips) << 64, after)
            }
        };
        let fee_tokens = u64::try_from(math::swap_fee_amount(u128::from(amount_in), fee_bips_q64))
            .unwrap_or(u64::MAX)
            .min(amount_in);
        let fee_l = deposit_l(&after).saturating_sub(deposit_l(&before));
        self.pair = pair;
        Ok(Fill {
            amount_in,
            amount_out,
            fee_tokens,
            fee_l,
        })
    }
}

/// The pools a config names, each after the same first mint of `x`, `y` at `now`.
pub fn build(config: &Config, x: u64, y: u64, now: u32) -> Result<Vec<Box<dyn Venue>>, String> {
    let fee_bips = config.dlex.fixed_fee_bips;
    config
        .pools
        .iter()
        .map(|kind| -> Result<Box<dyn Venue>, String> {
            Ok(match kind {
                PoolKind::V2 => Box::new(V2Pool::new(x, y, fee_bips)),
                PoolKind::DlexFixed => Box::new(DlexPool::new(
                    config,
                    FeeModel::Fixed { fee_bips },
                    x,
                    y,
                    now,
                )?),
                PoolKind::Dlex => Box::new(DlexPool::new(config, FeeModel::Program, x, y, now)?),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_formula_is_v2s_997_over_1000() {
        // getAmountOut(1000, 10^6, 4·10^6) = 997000·4·10^6 / (10^9 + 997000) = 3_984_031.
        assert_eq!(v2_amount_out(1_000, 1_000_000, 4_000_000, 30), Some(3_984));
        let (a, r_in, r_out) = (123_456_789u64, 987_654_321_000u128, 5_555_555_555_555u128);
        let v2 = (u128::from(a) * 997 * r_out) / (r_in * 1000 + u128::from(a) * 997);
        assert_eq!(v2_amount_out(a, r_in, r_out, 30), Some(v2 as u64));
        assert_eq!(v2_fee_tokens(1_000, 30), 3);
        assert_eq!(v2_fee_tokens(1_001, 30), 4);
    }

    /// (b2) quotes equal what `swap_on_pair` executes, and the first mint matches V2's.
    #[test]
    fn dlex_quote_is_the_swap_and_first_mint_is_v2s() {
        let config = Config::preset("smoke").unwrap();
        let now = config.run.start_unix;
        let (x, y) = (2_500_000_000_000u64, 5_000_000_000_000u64);
        let v2 = V2Pool::new(x, y, 30);
        for fee in [FeeModel::Program, FeeModel::Fixed { fee_bips: 30 }] {
            let mut pool = DlexPool::new(&config, fee, x, y, now).unwrap();
            assert_eq!(pool.ell(), v2.ell());
            assert_eq!(
                pool.lp.balances[TokenKind::DepositL as usize],
                v2.total_supply - math::MINIMUM_LIQUIDITY
            );
            for (i, direction) in [
                SwapDirection::XToY,
                SwapDirection::YToX,
                SwapDirection::XToY,
            ]
            .into_iter()
            .enumerate()
            {
                let t = now + 61 * (i as u32 + 1);
                let amount = 10_000_000_000 * (i as u64 + 1);
                let quoted = pool.quoter(t).amount_out(direction, amount).unwrap();
                let fill = pool.swap_exact_in(direction, amount, t).unwrap();
                assert_eq!(fill.amount_out, quoted);
                assert!(fill.fee_l > 0 && fill.fee_tokens > 0);
            }
        }
    }

    /// The fee hook refuses what the program's pool rules refuse: an output at or above
    /// `reserve − missing`.
    #[test]
    fn fixed_fee_swap_keeps_the_pool_rules() {
        let mut pool = Pool::default();
        actions::mint_liquidity(&mut pool, &mut [0; 6], 1_000_000, 4_000_000).unwrap();
        // Lend out most of Y: missing Y = 3_900_000.
        pool.assets[TokenKind::BorrowY as usize] = 3_900_000;
        assert!(fixed_fee_swap(&pool, SwapDirection::XToY, 100_000, 30).is_err());
        assert!(fixed_fee_swap(&pool, SwapDirection::YToX, 100_000, 30).is_ok());
    }
}
