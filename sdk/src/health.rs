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

/// A position read from `source`, with its report at the source's current time.
pub struct PositionHealth {
    pub pair: Pair,
    pub position: Position,
    pub report: PositionReport,
}

/// Reads the pair and `owner`'s position from `source` and computes the report.
pub async fn fetch<S: crate::source::AccountSource>(
    source: &mut S,
    pair_address: anchor_lang::prelude::Pubkey,
    owner: anchor_lang::prelude::Pubkey,
) -> Result<PositionHealth, String> {
    let pair_data = source.account_data(pair_address).await?.ok_or(format!("no pair account at {pair_address}"))?;
    let pair = crate::decode::pair(&pair_data).map_err(|_| format!("{pair_address} is not a dlex pair"))?;
    let position_address = crate::pda::position(pair_address, owner);
    let position_data = source.account_data(position_address).await?.ok_or(format!("{owner} has no position in pair {pair_address}"))?;
    let position = crate::decode::position(&position_data).map_err(|_| format!("{position_address} is not a dlex position"))?;
    let now = source.unix_timestamp().await?;
    let report = position_report(&pair, &position, now).map_err(|e| format!("report: {e}"))?;
    Ok(PositionHealth { pair, position, report })
}

/// A raw token amount with its decimals, e.g. `format_amount(1_500_000, 6) == "1.500000"`.
pub fn format_amount(raw: u128, decimals: u8) -> String {
    let unit = 10u128.pow(u32::from(decimals));
    if decimals == 0 {
        return raw.to_string();
    }
    format!("{}.{:0width$}", raw / unit, raw % unit, width = decimals as usize)
}

fn price_text(sqrt_price_q72: u128) -> String {
    let price = price_e6_from_sqrt_q72(sqrt_price_q72);
    format!("{}.{:06} X per Y", price / 1_000_000, price % 1_000_000)
}

/// The human-readable health and limits of a position (what `dlex position` prints).
pub fn describe(health: &PositionHealth) -> String {
    use dlex::state::TokenKind::*;
    let (report, pair) = (&health.report, &health.pair);
    let (dx, dy) = (pair.decimals_x, pair.decimals_y);
    let a = report.assets;
    let mut out = String::new();
    out.push_str(&format!("deposits     L {}   X {}   Y {}\n", a[DepositL as usize], format_amount(a[DepositX as usize], dx), format_amount(a[DepositY as usize], dy)));
    out.push_str(&format!("debts        L {}   X {}   Y {}\n", a[BorrowL as usize], format_amount(a[BorrowX as usize], dx), format_amount(a[BorrowY as usize], dy)));
    if !report.price_window_ready {
        out.push_str("price range  not ready: the pair's mid-term TWAP window is still filling (borrowing refused)\n");
    } else {
        out.push_str(&format!("price range  ticks [{}, {}] (long-term TWAP, current tick, extremes)\n", report.min_tick, report.max_tick));
        out.push_str(&format!(
            "netted       debt {} L, collateral {} L{}\n",
            report.debt_l,
            report.collateral_l,
            if report.debt_l > 0 { if report.net_debt_x { " (net debt in X)" } else { " (net debt in Y)" } } else { "" }
        ));
        out.push_str(&format!("LTV          {} after the slippage add-on (limit 75.00%)\n", format_ltv(report)));
    }
    out.push_str(&format!("solvent      {}\n", if report.solvent { "yes" } else { "NO" }));
    let liquidation = match (report.liquidation_sqrt_price_net_x_q72, report.liquidation_sqrt_price_net_y_q72) {
        (0, 0) => "none".to_string(),
        (x, 0) => format!("{} (if the price falls)", price_text(x)),
        (0, y) => format!("{} (if the price rises)", price_text(y)),
        (x, y) => format!("{} or {}", price_text(x), price_text(y)),
    };
    out.push_str(&format!("liquidation  {liquidation}\n"));
    out.push_str(&format!(
        "may borrow   X {}   Y {}   L {}\n",
        format_amount(report.max_borrow_x.into(), dx),
        format_amount(report.max_borrow_y.into(), dy),
        report.max_borrow_l
    ));
    out.push_str(&format!("may withdraw DEPOSIT_X shares {}   DEPOSIT_Y shares {}\n", report.max_withdraw_x_shares, report.max_withdraw_y_shares));
    out
}
