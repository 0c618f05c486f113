//! The liquidation rules of `risk::check` (spec §11, design §8): which liquidations are
//! allowed, their premiums, and when they are bad debt ([`judge_liquidation`]), plus the
//! leverage liquidation's amounts with the program's error type. The arithmetic lives in
//! `math::liquidation` (Anchor-free); handlers, the SDK and the keeper all go through here.

use anchor_lang::prelude::{AnchorDeserialize, AnchorSerialize};

use crate::errors::DlexError;
use crate::math;
use crate::state::{has_debt, Depth, Pool};
pub use crate::math::LeverageLiquidation;

/// Leverage liquidation of `user_assets` (`[DL, DX, DY, BL, BX, BY]` in assets) on the range
/// `[sqrt_price_min_q72, sqrt_price_max_q72]`, spec §11.3 exactly: netted at the mid price
/// `floor_sqrt(sMin·sMax)`, premium `floor((100·B − 99·D)/1000)` capped at `D`, seized deposits
/// rounded down and repaid debts rounded up (see [`math::leverage_liquidation_amounts`]).
/// `amounts` are the seized DL, DX, DY then the repaid BL, BX, BY.
/// Errors: `LiquidationZeroPremium` unless `100·B > 99·D + 1000`; `DivisionByZero` for a zero
/// sqrt price; `MathOverflow` for a netted amount above u128.
pub fn leverage_liquidation(
    user_assets: [u128; 6],
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> Result<LeverageLiquidation, DlexError> {
    Ok(math::leverage_liquidation_amounts(user_assets, sqrt_price_min_q72, sqrt_price_max_q72)?)
}

/// Which liquidation a `liquidate` instruction runs. Spec §11 numbers them HARD = 0,
/// SATURATION = 1 (here `DebtCap`), LEVERAGE = 2; the encoded order is the variants' order
/// below. The debt-cap premium is `actions::saturation::debt_cap_premium_bips` on the
/// borrower's tranche allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, AnchorSerialize, AnchorDeserialize)]
pub enum LiquidationKind {
    /// LTV-based, with the premium curve (§11.1); partial liquidations allowed.
    Hard,
    /// Over-leveraged positions, exact amounts from the formula (§11.3).
    Leverage,
    /// Debt cap (the saturation-reset liquidation of §11.2): the position's saturation today
    /// exceeds what it was allocated with; a share of each deposit is seized, nothing repaid,
    /// and the position is re-allocated at today's saturation.
    DebtCap,
}

/// What a liquidation did, as `risk::check` judges it. Amounts are assets; positions are
/// `[DL, DX, DY, BL, BX, BY]` user assets (deposits rounded down, debts up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiquidationFacts {
    pub kind: LiquidationKind,
    /// The borrower's assets before the liquidation (after accrual).
    pub borrower_before: [u128; 6],
    /// The borrower's assets after the repaid and seized legs, before any bad-debt burn.
    pub borrower_after: [u128; 6],
    /// Seized DL, DX, DY, then repaid BL, BX, BY.
    pub amounts: [u128; 6],
    /// Whether the action burned the borrower's remaining debt (§11.4).
    pub bad_debt: bool,
    /// The debt-cap premium (§11.2, `actions::saturation::debt_cap_premium_bips` on the
    /// borrower's allocation before), bips; read only by the debt-cap kind.
    pub debt_cap_premium_bips: u128,
}

/// The verdict on a liquidation: its premiums and whether it is bad debt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiquidationVerdict {
    /// The hard liquidation's maximum premium for the borrower before (§11.1 step 2c), bips.
    pub max_premium_bips: u128,
    /// The premium the liquidation took, `ceil(netSeizedL·1e4/netRepaidL)`, bips.
    pub premium_bips: u128,
    /// The borrower's remaining debt is to be burned against the pool (§11.4).
    pub bad_debt: bool,
}

/// L the slippage add-on of the hard liquidation's maximum premium counts on for a position
/// holding `user_assets`: the pool's active liquidity, the larger of now and the depth
/// snapshot (liquidity burned in the same transaction cannot raise the premium; liquidity
/// added only lowers it), less the position's own deposit L, as solvency counts it (spec
/// §9.5). It is never reduced by fragile liquidity: an LP could otherwise raise other
/// positions' premiums by borrowing dust. With it, a position solvency accepts has a
/// liquidation LTV no higher than its solvency LTV (narrower range, prices in its favour,
/// more liquidity), so its maximum premium is at most 1e4: never a profitable liquidation.
pub fn liquidation_liquidity(pool: &Pool, snapshot: &Depth, user_assets: &[u128; 6]) -> u128 {
    pool.active_liquidity().max(snapshot.active_liquidity).saturating_sub(user_assets[0])
}

/// The rules of each liquidation kind (spec §11; design §8), on the range without the
/// long-term TWAP (`sqrt_price_min_q72`, `sqrt_price_max_q72`) and the L of
/// [`liquidation_liquidity`] for the borrower before:
/// - hard: the borrower must have a positive maximum premium ([`math::hard_max_premium_bips`],
///   else `PositionNotLiquidatable`); the proposal's premium
///   ([`math::hard_proposal_premium_bips`]) must not exceed it (`LiquidationPremiumTooHigh`);
///   it is bad debt when the maximum premium exceeds `MAX_PREMIUM_IN_BIPS` and no deposit is
///   left; otherwise the borrower's LTV must not rise ([`math::liquidation_keeps_ltv`],
///   `NotEnoughRepaidForLiquidation`).
/// - debt cap: see `judge_debt_cap` (the premium comes from the borrower's allocation).
/// - leverage: the formula ([`leverage_liquidation`], `LiquidationZeroPremium` below its
///   threshold) fixes the amounts: nothing may be seized beyond them
///   (`LiquidationPremiumTooHigh`) and every debt must be repaid at least as required
///   (`NotEnoughRepaidForLiquidation`); bad debt as the formula says.
///
/// Nothing here checks capacity, range edges, the price-window warm-up or the pause flags: a
/// liquidatable position is never refused for them.
pub fn judge_liquidation(
    facts: &LiquidationFacts,
    liquidity: u128,
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> Result<LiquidationVerdict, DlexError> {
    if facts.kind == LiquidationKind::DebtCap {
        return judge_debt_cap(facts);
    }
    let empty = facts.amounts.iter().all(|amount| *amount == 0);
    if empty && facts.kind == LiquidationKind::Hard {
        return Err(DlexError::EmptyLiquidation);
    }
    let max_premium_bips = math::hard_max_premium_bips(facts.borrower_before, liquidity, sqrt_price_min_q72, sqrt_price_max_q72);
    let premium_bips = math::hard_proposal_premium_bips(facts.amounts, sqrt_price_min_q72, sqrt_price_max_q72);
    let bad_debt = match facts.kind {
        LiquidationKind::Hard => {
            if max_premium_bips == 0 {
                return Err(DlexError::PositionNotLiquidatable);
            }
            if premium_bips > max_premium_bips {
                return Err(DlexError::LiquidationPremiumTooHigh);
            }
            let deposits_left = facts.borrower_after[..3].iter().any(|amount| *amount > 0);
            let bad_debt = max_premium_bips > math::MAX_PREMIUM_IN_BIPS && !deposits_left;
            // A proposal that nets to no repayment (premium "unbounded") may only clear a
            // bad-debt position; anything else must repay something.
            if !bad_debt && premium_bips == u128::MAX {
                return Err(DlexError::NotEnoughRepaidForLiquidation);
            }
            if !bad_debt
                && !math::liquidation_keeps_ltv(facts.borrower_before, facts.borrower_after, sqrt_price_min_q72, sqrt_price_max_q72)
            {
                return Err(DlexError::NotEnoughRepaidForLiquidation);
            }
            bad_debt
        }
        LiquidationKind::DebtCap => return Err(DlexError::LiquidationMutation),
        LiquidationKind::Leverage => {
            let required = leverage_liquidation(facts.borrower_before, sqrt_price_min_q72, sqrt_price_max_q72)?;
            if (0..3).any(|i| facts.amounts[i] > required.amounts[i]) {
                return Err(DlexError::LiquidationPremiumTooHigh);
            }
            if (3..6).any(|i| facts.amounts[i] < required.amounts[i]) {
                return Err(DlexError::NotEnoughRepaidForLiquidation);
            }
            // A position with nothing left to seize gets all-zero amounts from the formula:
            // then the leverage kind only writes its bad debt off.
            if empty && !required.bad_debt {
                return Err(DlexError::EmptyLiquidation);
            }
            required.bad_debt
        }
    };
    Ok(LiquidationVerdict { max_premium_bips, premium_bips, bad_debt })
}

/// The debt-cap kind (§11.2): a positive premium (`LiquidationZeroPremium` otherwise), at
/// most `floor(deposit·premium/1e4)` seized of each deposit (`LiquidationPremiumTooHigh`),
/// something seized (`EmptyLiquidation`), nothing repaid, never bad debt.
fn judge_debt_cap(facts: &LiquidationFacts) -> Result<LiquidationVerdict, DlexError> {
    let premium = facts.debt_cap_premium_bips;
    if premium == 0 {
        return Err(DlexError::LiquidationZeroPremium);
    }
    if facts.amounts[3..].iter().any(|repaid| *repaid > 0) {
        return Err(DlexError::LiquidationMutation);
    }
    for i in 0..3 {
        let allowed = math::mul_div(facts.borrower_before[i], premium, math::BIPS, false)?;
        if facts.amounts[i] > allowed {
            return Err(DlexError::LiquidationPremiumTooHigh);
        }
    }
    if facts.amounts[..3].iter().all(|seized| *seized == 0) {
        return Err(DlexError::EmptyLiquidation);
    }
    Ok(LiquidationVerdict { max_premium_bips: premium, premium_bips: premium, bad_debt: false })
}

/// A whole hard liquidation of a position, in assets: what a keeper proposes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, AnchorSerialize, AnchorDeserialize)]
pub struct HardLiquidationPlan {
    /// Debt repaid: L, X, Y.
    pub repaid: [u128; 3],
    /// Deposits seized: L, X, Y.
    pub seized: [u128; 3],
    /// The plan's premium (`math::hard_proposal_premium_bips`), at most the maximum premium.
    pub premium_bips: u128,
    /// The plan takes every deposit of a position whose maximum premium exceeds
    /// `MAX_PREMIUM_IN_BIPS`: the unrepaid rest of the debt is burned against the pool.
    pub bad_debt: bool,
}

/// Resolution of the plan searches: scales are in billionths.
const PLAN_SCALE: u128 = 1_000_000_000;

/// The largest hard liquidation of `user_assets` that [`judge_liquidation`] accepts, given its
/// maximum premium `max_premium_bips` (0: none). It repays every debt and seizes the largest
/// fraction of every deposit whose premium stays within the maximum. If that fraction is all
/// of them and the maximum exceeds `MAX_PREMIUM_IN_BIPS`, the position is bad debt: the plan
/// then seizes everything and repays the smallest fraction of every debt the maximum premium
/// allows (the rest is burned). Fractions are found by bisection at 1e-9 resolution over the
/// premium (monotone in each scale); seized amounts round down and repaid ones up, so the
/// program's own rounding (`liquidation_repaid_debt`, `seized_deposit`) only lowers the
/// premium it sees. Interest that accrues before the plan executes raises the debt; send it
/// promptly (the SDK simulates first).
pub fn plan_hard_liquidation(
    user_assets: [u128; 6],
    max_premium_bips: u128,
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> Option<HardLiquidationPlan> {
    if max_premium_bips == 0 || !has_debt(&user_assets) {
        return None;
    }
    let scaled = |amount: u128, scale: u128, round_up: bool| math::mul_div(amount, scale, PLAN_SCALE, round_up).unwrap_or(amount);
    let proposal = |seize_scale: u128, repay_scale: u128| {
        let mut amounts = [0u128; 6];
        for i in 0..3 {
            amounts[i] = scaled(user_assets[i], seize_scale, false);
            amounts[3 + i] = scaled(user_assets[3 + i], repay_scale, true);
        }
        amounts
    };
    let premium = |amounts: [u128; 6]| math::hard_proposal_premium_bips(amounts, sqrt_price_min_q72, sqrt_price_max_q72);
    let within = |amounts: [u128; 6]| premium(amounts) <= max_premium_bips;
    // Largest seize scale within the premium (scale 0 seizes nothing: premium 0).
    let (mut low, mut high) = (0u128, PLAN_SCALE);
    if !within(proposal(high, PLAN_SCALE)) {
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if within(proposal(mid, PLAN_SCALE)) { low = mid } else { high = mid }
        }
        high = low;
    }
    let seize_scale = high;
    let bad_debt = seize_scale == PLAN_SCALE && max_premium_bips > math::MAX_PREMIUM_IN_BIPS;
    let mut repay_scale = PLAN_SCALE;
    if bad_debt {
        // Smallest repay scale within the premium; the full scale is known to pass.
        let (mut low, mut high) = (0u128, PLAN_SCALE);
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if within(proposal(PLAN_SCALE, mid)) { high = mid } else { low = mid }
        }
        repay_scale = high;
    }
    let amounts = proposal(seize_scale, repay_scale);
    Some(HardLiquidationPlan {
        repaid: [amounts[3], amounts[4], amounts[5]],
        seized: [amounts[0], amounts[1], amounts[2]],
        premium_bips: premium(amounts),
        bad_debt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::Q72;

    #[test]
    fn maps_the_math_result() {
        // `DlexError` has no `PartialEq` (Anchor's `#[error_code]`): match on the variant.
        assert!(matches!(
            leverage_liquidation([0, 0, 2000, 0, 2000, 0], Q72, Q72),
            Err(DlexError::LiquidationZeroPremium)
        ));
        assert!(matches!(leverage_liquidation([0, 0, 0, 0, 100, 0], 0, Q72), Err(DlexError::DivisionByZero)));
        assert!(matches!(leverage_liquidation([0, 0, 0, 0, u128::MAX, 0], 1, 1), Err(DlexError::MathOverflow)));
        // Price 1, D = 1000, B = 1001: premium 1, repay 999, bad debt (see the math tests).
        let r = leverage_liquidation([0, 0, 2000, 0, 2002, 0], Q72, Q72).unwrap();
        assert_eq!((r.premium_l, r.repay_l, r.amounts, r.bad_debt), (1, 999, [0, 0, 2000, 0, 1998, 0], true));
    }

    /// Price 1 on both ends: X, Y and L count one for one.
    const ONE: u128 = Q72;
    const DEEP: u128 = 1_000_000_000_000_000_000_000_000_000_000;

    fn hard(before: [u128; 6], after: [u128; 6], amounts: [u128; 6]) -> LiquidationFacts {
        LiquidationFacts {
            kind: LiquidationKind::Hard,
            borrower_before: before,
            borrower_after: after,
            amounts,
            bad_debt: false,
            debt_cap_premium_bips: 0,
        }
    }

    fn judged(facts: &LiquidationFacts) -> Result<LiquidationVerdict, String> {
        judge_liquidation(facts, DEEP, ONE, ONE).map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn proposal_premium_nets_with_the_prices_swapped() {
        // Price 1: ceil(1100·1e4/1000) = 11_000.
        assert_eq!(math::hard_proposal_premium_bips([0, 0, 1100, 0, 1000, 0], ONE, ONE), 11_000);
        // sMin = 1, sMax = 2: seized Y counts at the high price (1000·2 = 2000 L), repaid X at
        // the high price too (1000/2 = 500 L): ceil(2000·1e4/500) = 40_000.
        assert_eq!(math::hard_proposal_premium_bips([0, 0, 1000, 0, 1000, 0], ONE, 2 * ONE), 40_000);
        assert_eq!(math::hard_proposal_premium_bips([0, 0, 1000, 0, 0, 0], ONE, ONE), u128::MAX);
        assert_eq!(math::hard_proposal_premium_bips([0, 0, 1000, 0, 1000, 0], 0, ONE), u128::MAX);
    }

    #[test]
    fn liquidation_ltv_is_what_the_premium_reads() {
        // Slippage on deep L turns 800 into 801: 801·1e4/1000.
        assert_eq!(math::hard_liquidation_ltv_bips([0, 0, 1000, 0, 800, 0], DEEP, ONE, ONE), 8010);
        assert_eq!(math::hard_liquidation_ltv_bips([0, 0, 1000, 0, 0, 0], DEEP, ONE, ONE), 0);
        assert_eq!(math::hard_liquidation_ltv_bips([0, 0, 0, 0, 100, 0], DEEP, ONE, ONE), u128::MAX);
        // Debt at the pool's depth: the add-on is undefined, the premium unbounded.
        assert_eq!(math::hard_liquidation_ltv_bips([0, 0, 1000, 0, 800, 0], 800, ONE, ONE), u128::MAX);
        assert_eq!(math::hard_max_premium_bips([0, 0, 1000, 0, 800, 0], DEEP, ONE, ONE), math::ltv_to_premium_bips(8010));
    }

    #[test]
    fn ltv_rule_compares_debt_over_collateral() {
        let before = [0, 0, 1000, 0, 900, 0];
        // 800/900 ≤ 900/1000; 800/880 > 900/1000.
        assert!(math::liquidation_keeps_ltv(before, [0, 0, 900, 0, 800, 0], ONE, ONE));
        assert!(!math::liquidation_keeps_ltv(before, [0, 0, 880, 0, 800, 0], ONE, ONE));
        // Equal LTV passes; no debt left passes; debt without collateral fails.
        assert!(math::liquidation_keeps_ltv(before, [0, 0, 500, 0, 450, 0], ONE, ONE));
        assert!(math::liquidation_keeps_ltv(before, [0, 0, 0, 0, 0, 0], ONE, ONE));
        assert!(!math::liquidation_keeps_ltv(before, [0, 0, 0, 0, 100, 0], ONE, ONE));
    }

    #[test]
    fn a_proposal_repaying_nothing_only_clears_bad_debt() {
        // LTV 80%: seizing without repaying is refused even though premium and max were both
        // "unbounded" for a collateral-less position (FINDING-3): here it is simply too high.
        let before = [0, 0, 1000, 0, 800, 0];
        assert_eq!(judged(&hard(before, [0, 0, 990, 0, 800, 0], [0, 0, 10, 0, 0, 0])).unwrap_err(), "LiquidationPremiumTooHigh");
        // No net collateral (an L deposit netted away by L debt): max premium unbounded; taking
        // part of the deposit without repaying is refused, taking all of it is bad debt.
        let l_only = [1000, 0, 0, 2000, 0, 0];
        assert_eq!(judged(&hard(l_only, [900, 0, 0, 2000, 0, 0], [100, 0, 0, 0, 0, 0])).unwrap_err(), "NotEnoughRepaidForLiquidation");
        assert!(judged(&hard(l_only, [0, 0, 0, 2000, 0, 0], [1000, 0, 0, 0, 0, 0])).unwrap().bad_debt);
    }

    #[test]
    fn hard_liquidation_rules() {
        // LTV 80% (slippage on deep L: 801/1000): max premium floor(7408·8010/1e4) + 4444 = 10_377.
        let before = [0, 0, 1000, 0, 800, 0];
        let ok = judged(&hard(before, [0, 0, 170, 0, 0, 0], [0, 0, 830, 0, 800, 0])).unwrap();
        assert_eq!(ok, LiquidationVerdict { max_premium_bips: 10_377, premium_bips: 10_375, bad_debt: false });
        assert_eq!(judged(&hard(before, [0, 0, 169, 0, 0, 0], [0, 0, 831, 0, 800, 0])).unwrap_err(), "LiquidationPremiumTooHigh");
        assert_eq!(judged(&hard(before, before, [0; 6])).unwrap_err(), "EmptyLiquidation");
        // Seizing everything below the bad-debt threshold leaves debt without collateral.
        assert_eq!(judged(&hard(before, [0, 0, 0, 0, 100, 0], [0, 0, 1000, 0, 700, 0])).unwrap_err(), "LiquidationPremiumTooHigh");
        // A healthy position: LTV 50% has no premium.
        let healthy = [0, 0, 1000, 0, 500, 0];
        assert_eq!(judged(&hard(healthy, healthy, [0, 0, 10, 0, 10, 0])).unwrap_err(), "PositionNotLiquidatable");
    }

    #[test]
    fn a_partial_liquidation_may_not_raise_the_ltv() {
        // LTV 95%: max premium floor(7408·9510/1e4) + 4444 = 11_489 (slippage 951 on 950).
        // Repaying 100 for 110 is within it (11_000) but leaves 850/890 > 950/1000.
        let before = [0, 0, 1000, 0, 950, 0];
        assert_eq!(judged(&hard(before, [0, 0, 890, 0, 850, 0], [0, 0, 110, 0, 100, 0])).unwrap_err(), "NotEnoughRepaidForLiquidation");
        // 100 for 105 leaves 850/895 ≤ 950/1000.
        assert!(!judged(&hard(before, [0, 0, 895, 0, 850, 0], [0, 0, 105, 0, 100, 0])).unwrap().bad_debt);
        // Taking every deposit above 11_111 is bad debt, whatever the LTV left.
        let verdict = judged(&hard(before, [0, 0, 0, 0, 79, 0], [0, 0, 1000, 0, 871, 0])).unwrap();
        assert_eq!(verdict, LiquidationVerdict { max_premium_bips: 11_489, premium_bips: 11_482, bad_debt: true });
        assert_eq!(judged(&hard(before, [0, 0, 0, 0, 80, 0], [0, 0, 1000, 0, 870, 0])).unwrap_err(), "LiquidationPremiumTooHigh");
    }

    #[test]
    fn debt_cap_seizes_at_most_the_premium_share_and_repays_nothing() {
        // 250 bips of a 1e6 L and 4e6 Y deposit: at most 25_000 L and 100_000 Y.
        let before = [1_000_000, 0, 4_000_000, 0, 2_000_000, 0];
        let facts = |amounts: [u128; 6], premium: u128| LiquidationFacts {
            kind: LiquidationKind::DebtCap,
            borrower_before: before,
            borrower_after: before,
            amounts,
            bad_debt: false,
            debt_cap_premium_bips: premium,
        };
        let exact = judged(&facts([25_000, 0, 100_000, 0, 0, 0], 250)).unwrap();
        assert_eq!(exact, LiquidationVerdict { max_premium_bips: 250, premium_bips: 250, bad_debt: false });
        assert_eq!(judged(&facts([25_001, 0, 100_000, 0, 0, 0], 250)), Err("LiquidationPremiumTooHigh".into()));
        assert_eq!(judged(&facts([25_000, 0, 100_001, 0, 0, 0], 250)), Err("LiquidationPremiumTooHigh".into()));
        assert_eq!(judged(&facts([25_000, 0, 100_000, 0, 0, 0], 0)), Err("LiquidationZeroPremium".into()));
        assert_eq!(judged(&facts([0; 6], 250)), Err("EmptyLiquidation".into()));
        assert_eq!(judged(&facts([25_000, 0, 0, 0, 1, 0], 250)), Err("LiquidationMutation".into()));
    }

    #[test]
    fn leverage_amounts_are_the_formulas() {
        // Price 1, D = 1000, B = 1001: premium 1, repay 999 … (see `maps_the_math_result`).
        let before = [0, 0, 2000, 0, 2002, 0];
        let exact = LiquidationFacts {
            kind: LiquidationKind::Leverage,
            borrower_before: before,
            borrower_after: [0; 6],
            amounts: [0, 0, 2000, 0, 1998, 0],
            bad_debt: true,
            debt_cap_premium_bips: 0,
        };
        assert!(judged(&exact).unwrap().bad_debt);
        let short = LiquidationFacts { amounts: [0, 0, 2000, 0, 1997, 0], ..exact };
        assert_eq!(judged(&short).unwrap_err(), "NotEnoughRepaidForLiquidation");
        let greedy = LiquidationFacts { amounts: [0, 0, 2001, 0, 1998, 0], ..exact };
        assert_eq!(judged(&greedy).unwrap_err(), "LiquidationPremiumTooHigh");
        let healthy = LiquidationFacts { borrower_before: [0, 0, 2000, 0, 1000, 0], ..exact };
        assert_eq!(judged(&healthy).unwrap_err(), "LiquidationZeroPremium");
    }

    #[test]
    fn plans_take_the_most_the_premium_allows() {
        // LTV 80%, max 10_377: repay all 800, seize s with ceil(s·1e4/800) ≤ 10_377: s = 830.
        let plan = plan_hard_liquidation([0, 0, 1000, 0, 800, 0], 10_377, ONE, ONE).unwrap();
        assert_eq!(plan, HardLiquidationPlan { repaid: [0, 800, 0], seized: [0, 0, 830], premium_bips: 10_375, bad_debt: false });
        // LTV 95%, max 11_489: every deposit, and the least repayment r with
        // ceil(1000·1e4/r) ≤ 11_489: r = 871 (870 gives 11_495).
        let plan = plan_hard_liquidation([0, 0, 1000, 0, 950, 0], 11_489, ONE, ONE).unwrap();
        assert_eq!(plan, HardLiquidationPlan { repaid: [0, 871, 0], seized: [0, 0, 1000], premium_bips: 11_482, bad_debt: true });
        assert_eq!(plan_hard_liquidation([0, 0, 1000, 0, 500, 0], 0, ONE, ONE), None);
        assert_eq!(plan_hard_liquidation([0, 0, 1000, 0, 0, 0], 10_000, ONE, ONE), None);
    }
}
