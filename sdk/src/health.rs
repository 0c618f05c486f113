//! A position's health and limits, computed off-chain by the program's own query code
//! (`dlex::queries`), equal to what the `position_health` instruction returns.

use dlex::queries::{self, PositionReport};
use dlex::state::{Pair, Position};

/// The report for `position` in `pair` at unix time `now`.
pub fn position_report(pair: &Pair, position: &Position, now: i64) -> Result<PositionReport, anchor_lang::error::Error> {
    queries::position_report(pair, &position.balances(), position.fragile_shares.get(), now as u32)
}

/// LTV in percent with two decimals, for display.
pub fn format_ltv(report: &PositionReport) -> String {
    match report.ltv_bips {
        0 => "0.00%".into(),
        u64::MAX => "∞ (debt without collateral)".into(),
        bips => format!("{}.{:02}%", bips / 100, bips % 100),
    }
}

/// Turns a Q72 sqrt price into a price (X per Y) scaled by 1e6, for display; 0 stays 0.
pub fn price_e6_from_sqrt_q72(sqrt_price_q72: u128) -> u128 {
    let squared = dlex::math::U256::from(sqrt_price_q72) * dlex::math::U256::from(sqrt_price_q72);
    let scaled: dlex::math::U256 = (squared * dlex::math::U256::from(1_000_000u64)) >> 144usize;
    scaled.to::<u128>()
}

/// Decodes the return data of a simulated `position_health`. Solana drops trailing zero
/// bytes of return data, so the data is padded back to the report's size first.
pub fn decode_report(return_data: &[u8]) -> Result<PositionReport, std::io::Error> {
    use anchor_lang::{AnchorDeserialize, AnchorSerialize};
    let mut encoded = Vec::new();
    PositionReport::default().serialize(&mut encoded)?;
    let size = encoded.len();
    let mut padded = return_data.to_vec();
    if padded.len() < size {
        padded.resize(size, 0);
    }
    PositionReport::deserialize(&mut &padded[..])
}
