//! `Amm::quote`: the request checked (mints, amount), the time taken from the aggregator's
//! clock, and the program's own quote and fee (`dlex_sdk::quote::swap_with_fee`) mapped onto
//! the interface's `Quote`.

use std::sync::atomic::Ordering;

use anchor_lang::prelude::Pubkey;
use dlex::actions::{SwapAmount, SwapDirection};
use dlex::state::Pair;
use dlex_sdk::PairKeys;
use jupiter_amm_interface::{ClockRef, Quote, QuoteParams, SwapMode};
use rust_decimal::Decimal;

use crate::error::DlexAmmError;

/// Decimal places of `Quote::fee_pct`.
const FEE_FRACTION_SCALE: u32 = 18;

/// The direction of a swap from `input_mint` to `output_mint` on the pair of `keys`.
pub fn direction_of(keys: &PairKeys, input_mint: Pubkey, output_mint: Pubkey) -> Result<SwapDirection, DlexAmmError> {
    for mint in [input_mint, output_mint] {
        if mint != keys.mint_x && mint != keys.mint_y {
            return Err(DlexAmmError::MintNotInPair { pair: keys.pair, mint });
        }
    }
    if input_mint == output_mint {
        return Err(DlexAmmError::SameInputAndOutputMint { mint: input_mint });
    }
    Ok(if input_mint == keys.mint_x { SwapDirection::XToY } else { SwapDirection::YToX })
}

/// The unix time to quote at: the aggregator's clock, raised to the pair's last write when it
/// lags behind it (a swap cannot land before the state it reads was written). The pair keeps
/// its timestamps mod 2^32, as the program reads `now as u32`.
pub fn quote_time(clock: &ClockRef, pair: &Pair) -> Result<i64, DlexAmmError> {
    let clock_now = clock.unix_timestamp.load(Ordering::Relaxed);
    if clock_now <= 0 {
        return Err(DlexAmmError::ClockNotSet);
    }
    let lag = [pair.last_update_timestamp, pair.last_lending_timestamp]
        .into_iter()
        // 0: never written (a pair without liquidity yet).
        .filter(|&written| written != 0)
        .map(|written| i64::from(written.wrapping_sub(clock_now as u32) as i32).max(0))
        .max()
        .unwrap_or(0);
    Ok(clock_now + lag)
}

/// `fee_bips_q64` (the fee rate in Q64 bips) as a fraction of the input, rounded down to
/// [`FEE_FRACTION_SCALE`] decimals: `fee_bips_q64 / (10_000·2^64)`.
pub fn fee_fraction(fee_bips_q64: u128) -> Decimal {
    let scaled = dlex::math::mul_div(fee_bips_q64, 10u128.pow(FEE_FRACTION_SCALE), dlex::math::BIPS_Q64, false).unwrap_or(0);
    // Fee rates are below 2^78 (80 %), so `scaled` is below 10^18 and fits the 96-bit mantissa.
    Decimal::try_from_i128_with_scale(i128::try_from(scaled).unwrap_or(0), FEE_FRACTION_SCALE).unwrap_or(Decimal::ZERO)
}

/// `Amm::quote` for the pair `key` in state `pair`.
pub fn quote(key: Pubkey, keys: &PairKeys, pair: &Pair, clock: &ClockRef, params: &QuoteParams) -> Result<Quote, DlexAmmError> {
    let direction = direction_of(keys, params.input_mint, params.output_mint)?;
    if params.amount == 0 {
        return Err(DlexAmmError::ZeroAmount);
    }
    let amount = match params.swap_mode {
        SwapMode::ExactIn => SwapAmount::ExactIn(params.amount),
        SwapMode::ExactOut => SwapAmount::ExactOut(params.amount),
    };
    let now = quote_time(clock, pair)?;
    let quoted = dlex_sdk::quote::swap_with_fee(pair, now, direction, amount).map_err(|reason| DlexAmmError::CannotFill { pair: key, amount, reason })?;
    Ok(Quote {
        in_amount: quoted.amounts.amount_in,
        out_amount: quoted.amounts.amount_out,
        fee_amount: quoted.fee_amount,
        fee_mint: params.input_mint,
        fee_pct: fee_fraction(quoted.fee_bips_q64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_fraction_reads_q64_bips() {
        // 30 bips = 0.3 % = 0.003; the 0.1-bip floor is 0.00001 (rounded down).
        assert_eq!(fee_fraction(30u128 << 64), Decimal::new(3, 3));
        assert_eq!(fee_fraction(dlex::math::MIN_FEE_Q64), Decimal::new(9_999_999_999_999, 18));
        // The 80 % maximum.
        assert_eq!(fee_fraction(8_000u128 << 64), Decimal::new(8, 1));
        assert_eq!(fee_fraction(0), Decimal::ZERO);
    }

    #[test]
    fn quote_time_never_precedes_the_pairs_last_write() {
        let mut pair: Pair = bytemuck::Zeroable::zeroed();
        pair.last_update_timestamp = 1_700_000_100;
        pair.last_lending_timestamp = 1_700_000_050;
        let clock = ClockRef::default();
        assert!(matches!(quote_time(&clock, &pair), Err(DlexAmmError::ClockNotSet)));
        clock.unix_timestamp.store(1_700_000_000, Ordering::Relaxed);
        assert_eq!(quote_time(&clock, &pair).unwrap(), 1_700_000_100);
        clock.unix_timestamp.store(1_700_000_500, Ordering::Relaxed);
        assert_eq!(quote_time(&clock, &pair).unwrap(), 1_700_000_500);
        // Past 2^32 seconds the pair's timestamps wrap; the comparison follows.
        let wrapped = (1i64 << 32) + 10;
        pair.last_update_timestamp = 20;
        pair.last_lending_timestamp = 0;
        clock.unix_timestamp.store(wrapped, Ordering::Relaxed);
        assert_eq!(quote_time(&clock, &pair).unwrap(), wrapped + 10);
        // Timestamps never written (no liquidity yet) raise nothing.
        pair.last_update_timestamp = 0;
        assert_eq!(quote_time(&clock, &pair).unwrap(), wrapped);
    }
}
