//! Swap math (spec §2.3, §5.1, §5.2): the quadratic swap fee, the depletion adjustment of
//! reserves, the balance after fees, the adjusted-K check, and exact-in / exact-out quoting.
//!
//! All intermediates are 256-bit. Amounts are `u128` (the caller caps them at 2^112−1); for
//! larger inputs the functions still never panic, they return `Overflow` where a product no
//! longer fits.

use ruint::aliases::U256;

use super::full_math::{ceil_div_u256, sqrt_u256, to_u128, u256};
use super::MathError;

/// 10_000 bips in Q64 (`BIPS_Q64`).
pub const BIPS_Q64: u128 = 10_000 << 64;
/// 0.1 bip in Q64, the floor of every non-zero swap fee (`MIN_FEE_Q64`).
pub const MIN_FEE_Q64: u128 = 0x1999999999999999;
/// Depletion threshold numerator: a reserve is depleted when `reserve·19 < missing·20`.
pub const BUFFER: u128 = 19;
/// Depletion threshold denominator and the scale of the depleted reserve.
pub const BUFFER_NUMERATOR: u128 = 20;
/// Observation (oracle tick) depletion threshold numerator (90%).
pub const BUFFER_OBS: u128 = 9;
/// Observation depletion threshold denominator.
pub const BUFFER_OBS_NUMERATOR: u128 = 10;

/// `N·100·2^64` (quadratic fee slope in Q64 bips per percent).
const N_TIMES_BIPS_Q64_PER_PERCENT: u128 = 20 * 100 * (1 << 64);
/// 40% expressed in bips: the fee where the quadratic branch hands over to the linear one.
const MAX_QUADRATIC_FEE_PERCENT_BIPS: u128 = 4000;
const TWO_Q64: u128 = 2 << 64;
const MAX_QUADRATIC_FEE_Q64: u128 = 40 << 64;
const N: u128 = 20;
const RESERVE_MULTIPLIER: u128 = 2;
const LINEAR_START_REFERENCE_SCALER: u128 = 4;

/// Quadratic branch: `floor(2000·2^64·w / r)`. `r > 0` is guaranteed by the callers' branch
/// conditions; a zero `r` saturates (unreachable).
fn quadratic_fee(weighted_delta: U256, reference: U256) -> U256 {
    (u256(N_TIMES_BIPS_Q64_PER_PERCENT) * weighted_delta)
        .checked_div(reference)
        .unwrap_or(U256::MAX)
}

/// Linear branch: `4000·(2^65 − floor(r·40·2^64 / (20·w)))`. Callers only use it with
/// `w > 2r`, so the inner term is below 2^64 and the result below 2^78.
fn linear_fee(weighted_delta: U256, reference: U256) -> U256 {
    let inner = (reference * u256(MAX_QUADRATIC_FEE_Q64))
        .checked_div(u256(N) * weighted_delta)
        .unwrap_or(U256::ZERO);
    u256(MAX_QUADRATIC_FEE_PERCENT_BIPS) * u256(TWO_Q64).saturating_sub(inner)
}

/// `QuadraticSwapFees.calculateSwapFeeBipsQ64(input, currentReserve, referenceReserve)`: the fee
/// rate in Q64 bips charged on `input`. `current_reserve` is the input asset's reserve before the
/// swap, `reference_reserve` its reference reserve. Every division rounds down (as the reference)
/// and the result is floored at `MIN_FEE_Q64` for any non-zero input.
///
/// Cannot fail: all branches are bounded by 80% (`4000·2^65` < 2^78), so the `u128` result is
/// exact for any `u128` inputs. `reference_reserve == 0` needs no guard: every input then lies in
/// the linear branch, whose divisor is `20·w > 0`, and the fee is the 80% maximum.
pub fn swap_fee_bips_q64(input: u128, current_reserve: u128, reference_reserve: u128) -> u128 {
    if input == 0 {
        return 0;
    }
    let i = u256(input);
    let c = u256(current_reserve);
    let r = u256(reference_reserve);
    let fee = if c >= r {
        let weighted_delta = i + u256(RESERVE_MULTIPLIER) * (c - r);
        if i + c + c > r * u256(LINEAR_START_REFERENCE_SCALER) {
            linear_fee(weighted_delta, r)
        } else {
            quadratic_fee(weighted_delta, r)
        }
    } else if i + c > r {
        // Moving back towards the reference is nearly free; only the part past it is charged,
        // weighted by its share of the input.
        let past_by = i + c - r;
        let f = if past_by > u256(RESERVE_MULTIPLIER) * r {
            linear_fee(past_by, r)
        } else {
            quadratic_fee(past_by, r)
        };
        // past_by < input here, so this only scales the fee down.
        f * past_by / i
    } else {
        U256::ZERO
    };
    let fee = to_u128(fee).unwrap_or(u128::MAX);
    fee.max(MIN_FEE_Q64)
}

/// Token amount the pool retains for a fee rate: `ceil(amount_in·fee/BIPS_Q64)`. Rounds up:
/// favors the pool (this is what `balanceAfterFees` implicitly deducts).
pub fn swap_fee_amount(amount_in: u128, fee_bips_q64: u128) -> u128 {
    // fee <= u128::MAX so the result is at most amount_in·2^128/2^77 and fits... only when fee is
    // a real fee (< BIPS_Q64); saturate for nonsense inputs instead of panicking.
    ceil_div_u256(u256(amount_in) * u256(fee_bips_q64), u256(BIPS_Q64))
        .ok()
        .and_then(|v| to_u128(v).ok())
        .unwrap_or(u128::MAX)
}

/// `calculateReserveAdjustmentsForMissingAssets(reserve, missing, buffer, numerator)`:
/// `reserve·buffer < missing·numerator ? (reserve − missing)·numerator : reserve`.
/// Errors: `Underflow` if the reserve is depleted and `missing > reserve` (the reference reverts),
/// `Overflow` if the result does not fit `u128` (only possible with `buffer ≠ numerator − 1`).
pub fn reserve_adjustment(
    reserve: u128,
    missing: u128,
    buffer: u128,
    numerator: u128,
) -> Result<u128, MathError> {
    if u256(reserve) * u256(buffer) < u256(missing) * u256(numerator) {
        let left = reserve.checked_sub(missing).ok_or(MathError::Underflow)?;
        left.checked_mul(numerator).ok_or(MathError::Overflow)
    } else {
        Ok(reserve)
    }
}

/// `adj(R, M)` with the 19/20 buffer (§2.3). Rounds nothing (exact). A depleted reserve is
/// replaced by `(R − M)·20`; the boundary `R·19 == M·20` is *not* depleted.
/// Never fails: with 19/20, `(R − M)·20 < R`, so it cannot overflow; `missing > reserve` (which
/// the state invariants exclude, and which the reference reverts on) returns 0, the most
/// conservative value.
pub fn reserve_adjusted_for_missing(reserve: u128, missing: u128) -> u128 {
    reserve_adjustment(reserve, missing, BUFFER, BUFFER_NUMERATOR).unwrap_or(0)
}

/// `adj(R, M, 9, 10)`: the 90% observation buffer used for the oracle tick (§7.5). Same
/// conventions as [`reserve_adjusted_for_missing`].
pub fn reserve_adjusted_for_missing_obs(reserve: u128, missing: u128) -> u128 {
    reserve_adjustment(reserve, missing, BUFFER_OBS, BUFFER_OBS_NUMERATOR).unwrap_or(0)
}

/// The physical reserve left at the depletion boundary: `R·19 < M·20 ? R − M : R` (the basis for
/// valuing swap fees in tokens). Exact; `missing > reserve` returns 0.
pub fn reserve_after_depletion(reserve: u128, missing: u128) -> u128 {
    if u256(reserve) * u256(BUFFER) < u256(missing) * u256(BUFFER_NUMERATOR) {
        reserve.saturating_sub(missing)
    } else {
        reserve
    }
}

/// Missing (lent-out) reserve: `max(borrow, deposit) − deposit`.
pub fn missing_assets(deposit: u128, borrow: u128) -> u128 {
    borrow.saturating_sub(deposit)
}

/// Depletion-adjusted active liquidity `sqrt(adj(rX, mX)·adj(rY, mY))` (§2.3). Rounds down
/// (floor sqrt): favors the pool. Never fails (the product of two u128 fits 256 bits and its
/// square root fits u128).
pub fn depletion_adjusted_active_liquidity(
    reserve_x: u128,
    reserve_y: u128,
    missing_x: u128,
    missing_y: u128,
) -> u128 {
    let ax = reserve_adjusted_for_missing(reserve_x, missing_x);
    let ay = reserve_adjusted_for_missing(reserve_y, missing_y);
    to_u128(sqrt_u256(u256(ax) * u256(ay))).unwrap_or(u128::MAX)
}

/// DEPOSIT_L assets = depletion-adjusted active liquidity + BORROW_L (§2.3,
/// `calculateDepositLiquidityAssets`). Rounds down (floor sqrt). Error: `Overflow`.
pub fn deposit_liquidity_assets(
    reserve_x: u128,
    reserve_y: u128,
    deposit_x: u128,
    deposit_y: u128,
    borrow_l: u128,
    borrow_x: u128,
    borrow_y: u128,
) -> Result<u128, MathError> {
    let active = depletion_adjusted_active_liquidity(
        reserve_x,
        reserve_y,
        missing_assets(deposit_x, borrow_x),
        missing_assets(deposit_y, borrow_y),
    );
    active.checked_add(borrow_l).ok_or(MathError::Overflow)
}

/// `calculateBalanceAfterFees(in, bal, r, ref, m)` (§5.2), where `balance` is the post-swap
/// virtual reserve and `reserve` the pre-swap one (the fee is taken against it):
/// depleted (`bal·19 < m·20`): `floor(((bal − m)·BIPS_Q64 − in·fee)·20 / BIPS_Q64)`,
/// otherwise `floor((bal·BIPS_Q64 − in·fee)/BIPS_Q64)`. Rounds down: favors the pool.
/// Errors: `Underflow` if the fee exceeds what is left (the reference reverts), `Overflow` if
/// the result does not fit `u128`.
pub fn balance_after_fees(
    amount_in: u128,
    balance: u128,
    reserve: u128,
    reference_reserve: u128,
    missing: u128,
) -> Result<u128, MathError> {
    let fee = swap_fee_bips_q64(amount_in, reserve, reference_reserve);
    let fee_part = u256(amount_in) * u256(fee);
    let bips = u256(BIPS_Q64);
    let out = if u256(balance) * u256(BUFFER) < u256(missing) * u256(BUFFER_NUMERATOR) {
        let left = balance.checked_sub(missing).ok_or(MathError::Underflow)?;
        let scaled = (u256(left) * bips)
            .checked_sub(fee_part)
            .ok_or(MathError::Underflow)?;
        scaled * u256(BUFFER_NUMERATOR) / bips
    } else {
        (u256(balance) * bips)
            .checked_sub(fee_part)
            .ok_or(MathError::Underflow)?
            / bips
    };
    to_u128(out)
}

/// Adjusted balance of a side that brings nothing in (fee 0): `bal` or `(bal − m)·20`.
fn adjusted_balance_no_fee(balance: u128, missing: u128) -> Result<u128, MathError> {
    balance_after_fees(0, balance, 0, 0, missing)
}

/// Smallest balance `b` with `adjusted_balance_no_fee(b, missing) >= target`. The adjusted
/// balance is increasing in `b` (it jumps up at the depletion boundary), so this is exact.
/// Rounds up: favors the pool.
fn min_balance_for_adjusted(target: U256, missing: u128) -> Result<U256, MathError> {
    let m = u256(missing);
    // Depleted region: (b − m)·20 >= target  <=>  b >= m + ceil(target/20).
    let b_dep = m + ceil_div_u256(target, u256(BUFFER_NUMERATOR))?;
    if b_dep * u256(BUFFER) < m * u256(BUFFER_NUMERATOR) {
        return Ok(b_dep);
    }
    // Not depleted: b >= target and b at or above the boundary ceil(m·20/19).
    let boundary = ceil_div_u256(m * u256(BUFFER_NUMERATOR), u256(BUFFER))?;
    Ok(target.max(boundary))
}

/// Adjusted-K check of a swap (§4.3 steps 1, 3, 5, 6 and §5.2), given the pre-swap reserves,
/// reference reserves and missing amounts, and the amounts in and out of both assets.
/// Checks, in the reference's order: some output > 0 (`InsufficientOutputAmount`); each output
/// `< reserve − missing` (`InsufficientLiquidity`); some input > 0 (`InsufficientInputAmount`);
/// `BAF_X·BAF_Y >= adj(rX, mX)·adj(rY, mY)` (`KInvariant`). BAF rounds down: favors the pool.
/// Other errors: `Underflow` when a fee exceeds the remaining balance (the reference reverts),
/// `Overflow` on products beyond 256 bits (not reachable with 112-bit amounts).
#[allow(clippy::too_many_arguments)]
pub fn check_k(
    reserve_x: u128,
    reserve_y: u128,
    reference_reserve_x: u128,
    reference_reserve_y: u128,
    missing_x: u128,
    missing_y: u128,
    amount_x_in: u128,
    amount_y_in: u128,
    amount_x_out: u128,
    amount_y_out: u128,
) -> Result<(), MathError> {
    if amount_x_out == 0 && amount_y_out == 0 {
        return Err(MathError::InsufficientOutputAmount);
    }
    if amount_x_out >= reserve_x.saturating_sub(missing_x)
        || amount_y_out >= reserve_y.saturating_sub(missing_y)
    {
        return Err(MathError::InsufficientLiquidity);
    }
    if amount_x_in == 0 && amount_y_in == 0 {
        return Err(MathError::InsufficientInputAmount);
    }
    // out < reserve so the subtraction is safe; the addition may exceed u128 only for
    // non-112-bit inputs.
    let bal_x = (reserve_x - amount_x_out)
        .checked_add(amount_x_in)
        .ok_or(MathError::Overflow)?;
    let bal_y = (reserve_y - amount_y_out)
        .checked_add(amount_y_in)
        .ok_or(MathError::Overflow)?;
    let baf_x = balance_after_fees(amount_x_in, bal_x, reserve_x, reference_reserve_x, missing_x)?;
    let baf_y = balance_after_fees(amount_y_in, bal_y, reserve_y, reference_reserve_y, missing_y)?;
    let lhs = u256(baf_x) * u256(baf_y);
    let rhs = u256(reserve_adjusted_for_missing(reserve_x, missing_x))
        * u256(reserve_adjusted_for_missing(reserve_y, missing_y));
    if lhs < rhs {
        return Err(MathError::KInvariant);
    }
    Ok(())
}

/// The K-check product the pool must keep, `adj(rIn, mIn)·adj(rOut, mOut)`.
fn k_target(reserve_in: u128, reserve_out: u128, missing_in: u128, missing_out: u128) -> U256 {
    u256(reserve_adjusted_for_missing(reserve_in, missing_in))
        * u256(reserve_adjusted_for_missing(reserve_out, missing_out))
}

/// Same check as [`check_k`] for a one-directional swap (in on one side, out on the other).
fn check_k_one_way(
    amount_in: u128,
    amount_out: u128,
    reserve_in: u128,
    reserve_out: u128,
    reference_reserve_in: u128,
    missing_in: u128,
    missing_out: u128,
) -> Result<(), MathError> {
    // The output side's reference reserve is irrelevant: its amount in is 0, so its fee is 0.
    check_k(
        reserve_in,
        reserve_out,
        reference_reserve_in,
        0,
        missing_in,
        missing_out,
        amount_in,
        0,
        0,
        amount_out,
    )
}

/// Exact-in quote: the largest `amount_out` of the other asset that passes [`check_k`] for
/// `amount_in` and stays strictly below `reserve_out − missing_out`. The fee uses the input
/// asset's pre-swap reserve and reference reserve; the output side pays no fee.
/// Computed with the §5.2 inverse formula (`newOut = min balance with adjusted balance >=
/// ceil(K/adjIn)`), rounded so the pool is favored, then verified against `check_k` (a bounded
/// correction loop that in practice does not iterate).
/// Errors: `InsufficientInputAmount` if `amount_in == 0`; `InsufficientOutputAmount` if no
/// positive output passes; `Underflow`/`Overflow` as in [`balance_after_fees`].
pub fn max_amount_out(
    amount_in: u128,
    reserve_in: u128,
    reserve_out: u128,
    reference_reserve_in: u128,
    missing_in: u128,
    missing_out: u128,
) -> Result<u128, MathError> {
    if amount_in == 0 {
        return Err(MathError::InsufficientInputAmount);
    }
    let cap = reserve_out.saturating_sub(missing_out);
    if cap <= 1 {
        // The only outputs below cap would be 0.
        return Err(MathError::InsufficientOutputAmount);
    }
    let bal_in = reserve_in.checked_add(amount_in).ok_or(MathError::Overflow)?;
    let adj_in = balance_after_fees(amount_in, bal_in, reserve_in, reference_reserve_in, missing_in)?;
    if adj_in == 0 {
        return Err(MathError::InsufficientOutputAmount);
    }
    let k = k_target(reserve_in, reserve_out, missing_in, missing_out);
    let target = ceil_div_u256(k, u256(adj_in))?;
    let min_bal = min_balance_for_adjusted(target, missing_out)?;
    if min_bal >= u256(reserve_out) {
        return Err(MathError::InsufficientOutputAmount);
    }
    let mut out = (reserve_out - to_u128(min_bal)?).min(cap - 1);
    // Verification: the inverse is exact, so this loop normally exits at once. It is bounded so
    // that a rounding surprise costs at most a few extra checks instead of a wrong quote.
    for _ in 0..4 {
        if out == 0 {
            break;
        }
        match check_k_one_way(
            amount_in,
            out,
            reserve_in,
            reserve_out,
            reference_reserve_in,
            missing_in,
            missing_out,
        ) {
            Ok(()) => return Ok(out),
            Err(MathError::KInvariant) => out -= 1,
            Err(e) => return Err(e),
        }
    }
    Err(MathError::InsufficientOutputAmount)
}

/// Whether `amount_in` makes the input side's adjusted balance large enough that
/// `adjIn·adj_out >= k` (the K check at the fixed output whose adjusted balance is `adj_out`).
fn input_suffices(
    amount_in: u128,
    reserve_in: u128,
    reference_reserve_in: u128,
    missing_in: u128,
    k: U256,
    adj_out: u128,
) -> Result<bool, MathError> {
    #[cfg(test)]
    tests::PROBES.with(|c| c.set(c.get() + 1));
    let bal_in = match reserve_in.checked_add(amount_in) {
        Some(b) => b,
        None => return Ok(false),
    };
    match balance_after_fees(amount_in, bal_in, reserve_in, reference_reserve_in, missing_in) {
        Ok(adj_in) => Ok(u256(adj_in) * u256(adj_out) >= k),
        // The fee exceeds the depleted remainder: this input cannot pay for anything.
        Err(MathError::Underflow) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Exact-out quote: the smallest `amount_in` whose [`max_amount_out`] is at least `amount_out`
/// (rounds up: favors the pool).
///
/// Method: the closed-form zero-fee input `n0` (inverse of §5.2) is a strict lower bound. Since
/// both balance-after-fee branches reduce to `in·(1 − fee(in)) ≥ n0`, fixed-point steps
/// `in ← ceil(n0·BIPS_Q64/(BIPS_Q64 − fee(in)))` accelerated with Aitken's Δ² land within
/// ~100 wei of the answer. A
/// galloping search from that estimate (down or up) brackets the answer and a binary search
/// finishes it, so the result satisfies both `max_amount_out(r) ≥ amount_out` and
/// `max_amount_out(r − 1) < amount_out` exactly.
/// Compute: each probe is one fee evaluation plus a few 256-bit mul/div. Typically ≤ 12
/// fee evaluations for the estimate + ≤ 20 probes; the hard bound is 16 + 130 + 130.
/// Errors: `InsufficientOutputAmount` if `amount_out == 0`; `InsufficientLiquidity` if
/// `amount_out >= reserve_out − missing_out` or `reserve_in <= missing_in` (as [`check_k`]);
/// `Overflow` if the input needed exceeds
/// `MAX_AMOUNT` (2^112 − 1).
pub fn min_amount_in(
    amount_out: u128,
    reserve_in: u128,
    reserve_out: u128,
    reference_reserve_in: u128,
    missing_in: u128,
    missing_out: u128,
) -> Result<u128, MathError> {
    if amount_out == 0 {
        return Err(MathError::InsufficientOutputAmount);
    }
    // As `check_k` (step 3 applies to both sides): a fully lent-out input reserve
    // (`reserve_in <= missing_in`) refuses every swap, so there is no input to quote.
    if amount_out >= reserve_out.saturating_sub(missing_out) || reserve_in <= missing_in {
        return Err(MathError::InsufficientLiquidity);
    }
    let max_in = super::MAX_AMOUNT;
    let adj_out = adjusted_balance_no_fee(reserve_out - amount_out, missing_out)?;
    if adj_out == 0 {
        return Err(MathError::InsufficientLiquidity);
    }
    let k = k_target(reserve_in, reserve_out, missing_in, missing_out);
    let needed_in_adj = ceil_div_u256(k, u256(adj_out))?;
    // With a zero fee the adjusted input balance is largest, so any input below this bound fails.
    let min_bal = min_balance_for_adjusted(needed_in_adj, missing_in)?;
    let lower = if min_bal > u256(reserve_in) {
        to_u128(min_bal - u256(reserve_in)).unwrap_or(u128::MAX)
    } else {
        1
    };
    if lower > max_in {
        return Err(MathError::Overflow);
    }
    let probe = |a: u128| input_suffices(a, reserve_in, reference_reserve_in, missing_in, k, adj_out);

    // Fixed-point estimate of the gross input for a net (after-fee) input of `lower`, sped up
    // with Aitken's delta-squared step (the map is increasing and contracting, so the iterates
    // rise monotonically towards the fixed point).
    let bips = u256(BIPS_Q64);
    let gross_up = |x: u128| -> Result<u128, MathError> {
        let fee = u256(swap_fee_bips_q64(x, reserve_in, reference_reserve_in));
        // fee <= 80% < 100%, so the denominator is positive.
        let g = ceil_div_u256(u256(lower) * bips, bips.saturating_sub(fee))?;
        Ok(to_u128(g).unwrap_or(u128::MAX).clamp(lower, max_in))
    };
    let mut est = lower;
    for _ in 0..8 {
        let x1 = gross_up(est)?;
        if x1 == est {
            break;
        }
        let x2 = gross_up(x1)?;
        if x2 == x1 {
            est = x1;
            break;
        }
        let rising = x1 > est;
        if (x2 > x1) != rising {
            // Not monotone (a branch change of the fee): plain iteration.
            est = x2;
            continue;
        }
        let d1 = u256(x1.abs_diff(est));
        let d2 = u256(x2.abs_diff(x1));
        if d2 >= d1 {
            est = x2;
            continue;
        }
        // Aitken: x* ≈ x0 ± d1²/(d1 − d2); the cap keeps a rounding-noise denominator from
        // throwing the estimate far away (it allows contraction ratios up to ~0.98).
        let jump = (d1 * d1 / (d1 - d2)).min(d1 * U256::from(64u8));
        let jump = to_u128(jump).unwrap_or(max_in);
        est = if rising {
            est.saturating_add(jump)
        } else {
            est.saturating_sub(jump)
        }
        .clamp(lower, max_in);
    }

    // Bracket: `lo` fails (lower − 1 always does; 0 is never a valid input), `hi` succeeds.
    let floor_fail = lower - 1;
    let (mut lo, mut hi);
    if probe(est)? {
        hi = est;
        lo = floor_fail;
        let mut step: u128 = 1;
        for _ in 0..130 {
            let cand = hi.saturating_sub(step);
            if cand <= floor_fail {
                break;
            }
            if !probe(cand)? {
                lo = cand;
                break;
            }
            hi = cand;
            step = step.saturating_mul(2);
        }
    } else {
        #[cfg(test)]
        tests::GALLOP_UP.with(|c| c.set(c.get() + 1));
        lo = est;
        let mut step: u128 = 1;
        let mut found = None;
        for _ in 0..130 {
            if lo == max_in {
                break;
            }
            let cand = lo.saturating_add(step).min(max_in);
            if probe(cand)? {
                found = Some(cand);
                break;
            }
            lo = cand;
            step = step.saturating_mul(2);
        }
        hi = found.ok_or(MathError::Overflow)?;
    }
    for _ in 0..130 {
        if hi - lo <= 1 {
            break;
        }
        let mid = lo + (hi - lo) / 2;
        if probe(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const E: u128 = 1_000_000_000_000_000_000;

    std::thread_local! {
        /// Number of K probes made by `min_amount_in` (compute-cost check).
        pub(super) static PROBES: core::cell::Cell<u32> = const { core::cell::Cell::new(0) };
        /// Number of times `min_amount_in` had to gallop up from its estimate.
        pub(super) static GALLOP_UP: core::cell::Cell<u32> = const { core::cell::Cell::new(0) };
    }

    /// The gallop-up branch of `min_amount_in` (estimate below the answer) is reachable: the
    /// fixed-point estimate can undershoot when the input crosses the fee reference (the fee
    /// switches from "back toward the reference" to the weighted quadratic/linear part), found
    /// by a random search over 64-bit reserves (never at ≤ 40-bit scales). The answer is exact
    /// (kills `lo == max_in` → `!=` at the top of that loop, which would return `Overflow`).
    #[test]
    fn min_in_gallops_up_from_an_undershooting_estimate() {
        let (out, ri, ro, refi) = (7401444859352625915u128, 10468273969423914946u128, 9939581953695494576u128, 14419325515789718605u128);
        GALLOP_UP.with(|c| c.set(0));
        let ai = min_amount_in(out, ri, ro, refi, 0, 0).unwrap();
        assert!(GALLOP_UP.with(|c| c.get()) > 0, "the estimate no longer undershoots here");
        assert_eq!(ai, 79150815533217283609);
        assert_eq!(check_k_one_way(ai, out, ri, ro, refi, 0, 0), Ok(()));
        assert_eq!(check_k_one_way(ai - 1, out, ri, ro, refi, 0, 0), Err(MathError::KInvariant));
    }

    /// Crossing the reference by `past_by` in (r, 2r] is the quadratic branch (kills `2·r` →
    /// `2+r` in the crossing arm). c = 900, r = 1000, input 1600: past_by = 1500, quad =
    /// floor(2000·2^64·1500/1000) = 3000·2^64 (30%), weighted by past_by/input = 1500/1600:
    /// 2812.5 bips = 5625·2^63 exactly. (The linear branch would give 46116860184273879041250.)
    #[test]
    fn fee_crossing_reference_between_r_and_2r() {
        assert_eq!(swap_fee_bips_q64(1600, 900, 1000), 5625 << 63);
        assert_eq!(5625u128 << 63, 51881467707308113920000);
        // past_by = 2r exactly is still quadratic: floor(floor(4000·2^64)·2000/2100).
        assert_eq!(swap_fee_bips_q64(2100, 900, 1000), 70273310756988768060952);
        // past_by = 2r + 1 is linear: 4000·(2^65 − floor(1000·40·2^64/(20·2001))), ·2001/2101.
        assert_eq!(swap_fee_bips_q64(2101, 900, 1000), 70310103066285620821759);
    }

    /// `balance_after_fees` exactly at the depletion boundary bal·19 == m·20 with a fee: not
    /// depleted (kills `<` → `<=`). m = 1900, pre-swap reserve 1900 (fully lent, ref 1900),
    /// 100 in → bal = 2000, 2000·19 == 1900·20. fee = floor(2000·2^64·100/1900) (105.26 bips),
    /// retained ceil(100·105.26/10000) = 2 → 1998. The depleted formula would give
    /// floor(20·(100 − 1.0526)) = 1978. One below the boundary (bal 1999) is depleted: 1958.
    #[test]
    fn balance_after_fees_at_the_depletion_boundary() {
        assert_eq!(swap_fee_bips_q64(100, 1900, 1900), 1941762534074689643789);
        assert_eq!(balance_after_fees(100, 2000, 1900, 1900, 1900), Ok(1998));
        assert_eq!(balance_after_fees(100, 1999, 1900, 1900, 1900), Ok(1958));
        // Without a fee both formulas agree at the boundary: (2000 − 1900)·20 == 2000.
        assert_eq!(balance_after_fees(0, 2000, 0, 0, 1900), Ok(2000));
    }

    /// `min_balance_for_adjusted` is the exact inverse of the no-fee adjusted balance, checked
    /// by brute force on small numbers. Includes the ceil(20m/19) window where the depleted
    /// candidate `m + ceil(T/20)` is not depleted but is below the boundary: m = 20, T = 21 →
    /// b_dep = 22 ≥ boundary 22 → 22 (21 is depleted: (21 − 20)·20 = 20 < 21). Kills `*` → `/`
    /// and `*` → `+` in the boundary `ceil(m·20/19)`.
    #[test]
    fn min_balance_for_adjusted_is_exact() {
        assert_eq!(min_balance_for_adjusted(U256::from(21u8), 20), Ok(U256::from(22u8)));
        assert_eq!(min_balance_for_adjusted(U256::from(20u8), 20), Ok(U256::from(21u8)));
        assert_eq!(min_balance_for_adjusted(U256::from(30u8), 20), Ok(U256::from(30u8)));
        // A balance below the missing amount is no balance at all (Underflow).
        let reaches = |b: u128, m: u128, target: u128| adjusted_balance_no_fee(b, m).is_ok_and(|a| a >= target);
        for m in 0u128..60 {
            // The adjusted balance is non-decreasing in b, so "b reaches, b − 1 does not" is minimal.
            for b in m..400 {
                assert!(adjusted_balance_no_fee(b + 1, m).unwrap() >= adjusted_balance_no_fee(b, m).unwrap());
            }
            for target in 0u128..200 {
                let b = to_u128(min_balance_for_adjusted(u256(target), m).unwrap()).unwrap();
                assert!(reaches(b, m, target), "m {m} target {target}: {b} too small");
                assert!(b == 0 || !reaches(b - 1, m, target), "m {m} target {target}: {b} not minimal");
            }
        }
    }

    #[test]
    fn min_in_probe_count_is_small() {
        let r = 1000 * E;
        let cases: [(u128, u128, u128, u128, u128); 9] = [
            (300 * E, r, r / 2, 0, 0),
            (50 * E, r, 2 * r, 0, 0),
            (600 * E, r, 11 * r / 10, 0, 0),
            (E, r, r, 0, 0),
            (100 * E, r, r, 0, 0),
            (500 * E, r, r, 0, 0),
            (10 * E, r, 9 * r / 10, 0, 0),
            (E / 5, r, r, 960 * E, 0),
            (12345, r, 2 * r, 0, 900 * E),
        ];
        let mut worst = 0;
        for (out, rout, refi, mi, mo) in cases {
            PROBES.with(|c| c.set(0));
            let ai = min_amount_in(out, r, rout, refi, mi, mo).unwrap();
            assert!(max_amount_out(ai, r, rout, refi, mi, mo).unwrap() >= out);
            assert!(max_amount_out(ai - 1, r, rout, refi, mi, mo).map_or(true, |o| o < out));
            let n = PROBES.with(|c| c.get());
            worst = worst.max(n);
        }
        assert!(worst <= 24, "probes {worst}");
    }

    #[test]
    fn a1_fee_vectors() {
        assert_eq!(swap_fee_bips_q64(0, 1000, 1000), 0);
        assert_eq!(swap_fee_bips_q64(100, 1000, 1000), 3689348814741910323200);
        assert_eq!(swap_fee_bips_q64(5000, 1000, 1000), 118059162071741130344000);
        assert_eq!(swap_fee_bips_q64(300, 900, 1000), 4919131752989213764266);
        assert_eq!(swap_fee_bips_q64(5000, 100, 1000), 91495850605599376018000);
        assert_eq!(swap_fee_bips_q64(10, 500, 1000), 1844674407370955161);
        assert_eq!(MIN_FEE_Q64, 1844674407370955161);
    }

    #[test]
    fn a2_golden_swap() {
        let amount_in = 938103027897437339665111u128;
        let reserve = 14507498325049657264772234u128;
        let reference = 14661423449927442350571665u128;
        let fee = swap_fee_bips_q64(amount_in, reserve, reference);
        assert_eq!(fee, 1649499711640283894283);
        assert_eq!((fee * 100_000_000) >> 64, 8941955854);
        assert_eq!(swap_fee_amount(amount_in, fee), 8388475862312569328398);
        assert_eq!(u256(amount_in) * u256(fee) / u256(BIPS_Q64), U256::from(8388475862312569328397u128));
        // balanceAfterFees keeps exactly the ceiling.
        let bal = reserve + amount_in;
        let baf = balance_after_fees(amount_in, bal, reserve, reference, 0).unwrap();
        assert_eq!(bal - baf, 8388475862312569328398);
    }

    #[test]
    fn a3_fee_at_reference() {
        assert_eq!(swap_fee_bips_q64(10 * E, 1000 * E, 1000 * E), 368934881474191032320);
        assert_eq!(368934881474191032320u128, 20 << 64);
    }

    #[test]
    fn fee_edges() {
        // Zero reference: linear branch, 80% maximum.
        assert_eq!(swap_fee_bips_q64(1, 0, 0), 4000 * (2 << 64));
        assert_eq!(swap_fee_bips_q64(u128::MAX, u128::MAX, 0), 4000 * (2 << 64));
        // Continuity at w = 2·ref (quadratic 40% == linear 40%).
        assert_eq!(swap_fee_bips_q64(2000, 1000, 1000), 4000 << 64);
        assert!(swap_fee_bips_q64(2001, 1000, 1000) >= 4000 << 64);
        // Toward the reference without crossing: only the minimum fee.
        assert_eq!(swap_fee_bips_q64(100, 500, 1000), MIN_FEE_Q64);
        assert_eq!(swap_fee_bips_q64(500, 500, 1000), MIN_FEE_Q64);
        // Quadratic branch with w == r (input + 2c = 3r <= 4r): 2000·2^64 (20%), no overflow.
        assert_eq!(swap_fee_bips_q64(u128::MAX, u128::MAX, u128::MAX), 2000 << 64);
    }

    #[test]
    fn c1_c4_adjustments() {
        assert_eq!(reserve_adjusted_for_missing(2000, 100), 2000);
        assert_eq!(reserve_adjusted_for_missing(100, 96), 80);
        assert_eq!(reserve_adjusted_for_missing(20, 19), 20);
        assert_eq!(reserve_adjusted_for_missing(0, 0), 0);
        assert_eq!(reserve_adjusted_for_missing(10, 11), 0);
        assert_eq!(reserve_adjusted_for_missing(u128::MAX, u128::MAX), 0);
        assert_eq!(reserve_adjustment(10, 11, 19, 20), Err(MathError::Underflow));
        assert_eq!(depletion_adjusted_active_liquidity(400, 900, 0, 0), 600);
        assert_eq!(depletion_adjusted_active_liquidity(100, 900, 96, 0), 268);
        assert_eq!(depletion_adjusted_active_liquidity(u128::MAX, u128::MAX, 0, 0), u128::MAX);
        assert_eq!(deposit_liquidity_assets(100, 100, 2, 100, 10, 99, 50), Ok(87));
        assert_eq!(deposit_liquidity_assets(1000, 1000, 100, 50, 5, 80, 90), Ok(1005));
        assert_eq!(deposit_liquidity_assets(100, 100, 7, 100, 10, 99, 50), Ok(110));
        assert_eq!(reserve_after_depletion(100, 95), 100);
        assert_eq!(reserve_after_depletion(100, 96), 4);
        assert_eq!(reserve_after_depletion(2000, 1900), 2000);
        assert_eq!(reserve_after_depletion(2000, 1901), 99);
        assert_eq!(reserve_adjusted_for_missing_obs(100, 91), 90);
        assert_eq!(reserve_adjusted_for_missing_obs(100, 90), 100);
        assert_eq!(missing_assets(5, 3), 0);
        assert_eq!(missing_assets(3, 5), 2);
    }

    #[test]
    fn b3_depleted_max_out() {
        let r = 1000 * E;
        let mx = 960 * E;
        let max = max_amount_out(10 * E, r, r, r, mx, 0).unwrap();
        assert_eq!(max, 199679871948779511804);
        assert_eq!(check_k(r, r, r, r, mx, 0, 10 * E, 0, 0, max), Ok(()));
        assert_eq!(
            check_k(r, r, r, r, mx, 0, 10 * E, 0, 0, max + 1),
            Err(MathError::KInvariant)
        );
        assert_eq!(min_amount_in(max, r, r, r, mx, 0).map(|i| i <= 10 * E), Ok(true));
    }

    #[test]
    fn check_k_order_of_errors() {
        let r = 1000u128;
        assert_eq!(check_k(r, r, r, r, 0, 0, 10, 0, 0, 0), Err(MathError::InsufficientOutputAmount));
        assert_eq!(check_k(r, r, r, r, 0, 0, 10, 0, 0, 1000), Err(MathError::InsufficientLiquidity));
        assert_eq!(check_k(r, r, r, r, 0, 500, 10, 0, 0, 500), Err(MathError::InsufficientLiquidity));
        assert_eq!(check_k(r, r, r, r, 0, 0, 0, 0, 0, 5), Err(MathError::InsufficientInputAmount));
        assert_eq!(check_k(r, r, r, r, 0, 0, 10, 0, 0, 9), Err(MathError::KInvariant));
        // 10 in at 20 bips fee on 1000/1000: 1009·(1000−out) >= 1e6 → out <= 8.
        assert_eq!(max_amount_out(10, r, r, r, 0, 0), Ok(8));
        assert_eq!(check_k(r, r, r, r, 0, 0, 10, 0, 0, 8), Ok(()));
        // u128 extremes do not panic.
        let m = u128::MAX;
        let _ = check_k(m, m, m, m, 0, 0, m, m, 1, 1);
        let _ = check_k(m, m, 0, 0, m - 1, 0, m, 0, 0, 1);
    }

    #[test]
    fn quotes_edges() {
        let r = 1000 * E;
        assert_eq!(max_amount_out(0, r, r, r, 0, 0), Err(MathError::InsufficientInputAmount));
        assert_eq!(max_amount_out(1, r, r, r, 0, 0), Err(MathError::InsufficientOutputAmount));
        assert_eq!(max_amount_out(1, r, 1, r, 0, 0), Err(MathError::InsufficientOutputAmount));
        assert_eq!(min_amount_in(0, r, r, r, 0, 0), Err(MathError::InsufficientOutputAmount));
        assert_eq!(min_amount_in(r, r, r, r, 0, 0), Err(MathError::InsufficientLiquidity));
        assert_eq!(min_amount_in(r - 1, r, r, r, 0, 0), Err(MathError::Overflow));
        // Either bound alone refuses: an output beyond reserve − missing (60 ≥ 100 − 50, which
        // would otherwise underflow the adjusted output balance), or a fully lent-out input.
        assert_eq!(min_amount_in(60, 1000, 100, 1000, 0, 50), Err(MathError::InsufficientLiquidity));
        assert_eq!(min_amount_in(1, 1000, 100, 1000, 1000, 0), Err(MathError::InsufficientLiquidity));
        assert_eq!(check_k_one_way(10_000, 1, 1000, 100, 1000, 1000, 0), Err(MathError::InsufficientLiquidity));
        assert_eq!(min_amount_in(1, 1000, 100, 1000, 999, 0).map(|a| a > 0), Ok(true));
        // A huge input still leaves the output below reserve − missing.
        let out = max_amount_out(super::super::MAX_AMOUNT, r, r, r, 0, 0).unwrap();
        assert!(out < r);
        let out = max_amount_out(10 * E, r, r, r, 0, 950 * E).unwrap();
        assert!(out < 50 * E);
    }

    fn check_exact_in(ai: u128, ri: u128, ro: u128, refi: u128, mi: u128, mo: u128) -> Result<(), TestCaseError> {
        match max_amount_out(ai, ri, ro, refi, mi, mo) {
            Ok(out) => {
                prop_assert!(out > 0);
                prop_assert_eq!(check_k_one_way(ai, out, ri, ro, refi, mi, mo), Ok(()));
                let next = check_k_one_way(ai, out + 1, ri, ro, refi, mi, mo);
                prop_assert!(next.is_err(), "out+1 passes: {} {:?}", out, next);
            }
            Err(_) => {
                // Nothing positive may pass either.
                prop_assert!(check_k_one_way(ai, 1, ri, ro, refi, mi, mo).is_err());
            }
        }
        Ok(())
    }

    use crate::math::proptest_config as config;

    proptest! {
        #![proptest_config(config(1000))]

        /// Exact-out on tiny numbers, where the answer is often `lower` or `lower + 1`: the
        /// returned input passes the K check and one less does not (kills the off-by-one
        /// `lower − 1` → `lower + 1` of the bracket).
        #[test]
        fn min_in_small_numbers_is_minimal(
            ri in 1u128..10_000, ro in 3u128..10_000, refi in 0u128..10_000,
            mi in 0u128..10_000, mo in 0u128..10_000, out in 1u128..100, depleted in any::<(bool, bool)>(),
        ) {
            // Missing amounts up to the whole input reserve and up to ro − 2 on the output side,
            // half the time deep in the depleted zone (within 5% of the reserve).
            let mi = if depleted.0 { ri - mi % (ri / 20 + 1) } else { mi % (ri + 1) };
            let mo = if depleted.1 { ro - 2 - mo % (ro / 20 + 1).min(ro - 2) } else { mo % (ro - 1) };
            // 1 <= out < ro − mo.
            let out = 1 + (out - 1) % (ro - mo - 1);
            let ai = min_amount_in(out, ri, ro, refi, mi, mo);
            if ri <= mi {
                // Nothing can be swapped in against a fully lent-out input reserve.
                prop_assert_eq!(ai, Err(MathError::InsufficientLiquidity));
                prop_assert_eq!(check_k_one_way(super::super::MAX_AMOUNT, out, ri, ro, refi, mi, mo), Err(MathError::InsufficientLiquidity));
                return Ok(());
            }
            prop_assert!(ai.is_ok(), "{:?}", ai);
            let ai = ai.unwrap();
            prop_assert_eq!(check_k_one_way(ai, out, ri, ro, refi, mi, mo), Ok(()));
            prop_assert!(check_k_one_way(ai - 1, out, ri, ro, refi, mi, mo).is_err(), "{} - 1 also passes", ai);
        }

        #[test]
        fn max_out_is_tight(
            ri in 1000u128..(1u128 << 112), ro in 1000u128..(1u128 << 112),
            refp in 50u128..200, ai_frac in 1u128..1_000_000, mi_pm in 0u128..1000, mo_pm in 0u128..1000,
        ) {
            let refi = ri / 100 * refp;
            let ai = (ri / 1_000_000).max(1) * ai_frac;
            let mi = ri / 1000 * mi_pm;
            let mo = ro / 1000 * mo_pm;
            check_exact_in(ai, ri, ro, refi, mi, mo)?;
        }

        #[test]
        fn max_out_small_numbers(ri in 1u128..5000, ro in 1u128..5000, refi in 0u128..5000, ai in 1u128..5000, mi in 0u128..5000, mo in 0u128..5000) {
            let mi = mi.min(ri);
            let mo = mo.min(ro);
            check_exact_in(ai, ri, ro, refi, mi, mo)?;
        }

        #[test]
        fn min_in_is_tight(
            ri in 1000u128..(1u128 << 100), ro in 1000u128..(1u128 << 100),
            refp in 50u128..200, out_pm in 1u128..999, mi_pm in 0u128..1000, mo_pm in 0u128..1000,
        ) {
            let refi = ri / 100 * refp;
            let mi = ri / 1000 * mi_pm;
            let mo = ro / 1000 * mo_pm;
            let cap = ro - mo;
            let out = (cap / 1000 * out_pm).max(1);
            match min_amount_in(out, ri, ro, refi, mi, mo) {
                Ok(ai) => {
                    prop_assert!(max_amount_out(ai, ri, ro, refi, mi, mo).unwrap() >= out);
                    if ai > 1 {
                        let below = max_amount_out(ai - 1, ri, ro, refi, mi, mo);
                        prop_assert!(below.map_or(true, |o| o < out));
                    }
                }
                Err(e) => prop_assert!(e == MathError::Overflow || e == MathError::InsufficientLiquidity, "{:?}", e),
            }
        }

        #[test]
        fn k_never_decreases(
            rx in 1000u128..(1u128 << 112), ry in 1000u128..(1u128 << 112),
            refp in 50u128..200, ai_frac in 1u128..1_000_000, out_frac in 1u128..1_000_000,
        ) {
            let refx = rx / 100 * refp;
            let ai = (rx / 1_000_000).max(1) * ai_frac;
            let out = (ry / 1_000_000).max(1) * out_frac;
            if check_k(rx, ry, refx, ry, 0, 0, ai, 0, 0, out).is_ok() {
                prop_assert!(u256(rx + ai) * u256(ry - out) >= u256(rx) * u256(ry));
            }
        }

        #[test]
        fn no_panics(a in any::<u128>(), b in any::<u128>(), c in any::<u128>(), d in any::<u128>(), e in any::<u128>(), f in any::<u128>()) {
            let _ = swap_fee_bips_q64(a, b, c);
            let _ = swap_fee_amount(a, b);
            let _ = reserve_adjusted_for_missing(a, b);
            let _ = reserve_adjustment(a, b, c, d);
            let _ = depletion_adjusted_active_liquidity(a, b, c, d);
            let _ = deposit_liquidity_assets(a, b, c, d, e, f, a);
            let _ = balance_after_fees(a, b, c, d, e);
            let _ = check_k(a, b, c, d, e, f, a, b, c, d);
            let _ = max_amount_out(a, b, c, d, e, f);
        }

        #[test]
        fn min_in_no_panics(a in any::<u128>(), b in any::<u128>(), c in any::<u128>(), d in any::<u128>(), e in any::<u128>(), f in any::<u128>()) {
            let _ = min_amount_in(a % (1 << 112), b, c, d, e, f);
        }
    }
}
