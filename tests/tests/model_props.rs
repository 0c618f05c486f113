//! Property tests on the program's own pipeline without a bank: random sequences of every
//! pool instruction (mint, burn, swaps exact in and out, deposit, withdraw, borrow, repay,
//! borrow and repay liquidity) and time warps up to a year are applied exactly as the
//! handlers apply them (accrue → action → `risk::check` → store). After every accepted step:
//! - conservation: tracked vault balances (sum of token flows) equal reserve + deposits − borrows;
//! - share totals equal the positions' balances plus the locked MINIMUM_LIQUIDITY plus the
//!   protocol's pending fee shares;
//! - an accepted swap never lowers the depletion-adjusted K = adj(rX, mX) · adj(rY, mY);
//! - interest accrued across a warp never reduces any debt total;
//! - a repay of any amount (up to `u128::MAX` L or `u64::MAX` tokens) never fails on
//!   arithmetic, and pulls no more than the debt;
//! - liquidity minted and burned by another position around a borrow in the same step (one
//!   transaction) never lets through a borrow that the pool without it would refuse
//!   (security review H-1).
//!
//! Liquidations (spec §11) join the mix, with the ops that make them happen: `LeverUp` (a
//! deposit, then a borrow of X, Y or L close to the most the borrow instruction accepts) and
//! `Shock` (a swap of up to 3× a reserve, then one mid-term window of small swaps so the TWAP
//! and the liquidation range follow the price). `Liquidate` builds its request as a keeper does
//! (`dlex_sdk::liquidation::request_for` on `dlex::queries::position_report`), or takes the
//! report's hard plan or the leverage kind whatever the report says, or random fractions of the
//! plan's (or the position's) amounts, and runs `actions::run_liquidation` on copies of the
//! pair and the two positions. After every accepted liquidation:
//! - conservation and the share totals as above, and the positions' fragile shares add up to
//!   the pool's;
//! - the borrower's debt shares fell by exactly the repaid (and, on bad debt, burned) shares,
//!   so its debt fell, and its deposits by exactly the seized (and forfeited) ones; on bad
//!   debt nothing is left;
//! - the liquidator received exactly the seized deposit shares, paid only tokens in, and its
//!   debts did not change;
//! - a hard liquidation's premium is at most its maximum premium; a leverage liquidation
//!   seized no more and repaid no less than the report's formula amounts;
//! - the SDK's `liquidation::quote` predicted the outcome exactly.
//!
//! Whenever a liquidation is tried, the report of a solvent position has a maximum hard
//! premium of at most 1e4 bips (no profitable hard liquidation, never bad debt).
//!
//! A refused liquidation changes nothing (the model applies it to copies; `run_liquidation`'s
//! own contract, "only the oracle fields may have changed", is checked too). A request on a
//! position the report calls healthy (for that kind) is always refused, and the keeper's
//! request on a position the report calls liquidatable is refused only when the liquidator's
//! own position borrows a seized asset (`CannotDepositBorrowedAsset`).
//!
//! Fixed findings, kept as regression tests (no tolerance for them remains here):
//! - FINDING-1 (`liquidation_liveness.rs`): a keeper request seizing a whole DEPOSIT_L was
//!   refused (`LiquidationPremiumTooHigh`); now it is refused only as said above.
//! - FINDING-2 (`liquidation_liveness.rs`): solvent positions were wiped out at an unbounded
//!   premium; now a solvent position's maximum premium is at most 1e4 bips (asserted above).
//! - FINDING-3 (`regression_hard_liquidation_must_repay_something` below): a hard liquidation
//!   repaying nothing was accepted; now it is refused (`NotEnoughRepaidForLiquidation`) and
//!   every accepted liquidation lowers the debt.
//!
//! Every step runs with tranches (spec §10.4–§10.6) as the handlers do: each position's
//! allocation and every tranche are kept in memory, and after every accepted step the
//! tranche books balance: each tranche's totals are the sum of the positions' slots in it,
//! each side's index counts exactly the occupied tranches at their leaves, the pair's summary
//! names the highest occupied leaf, and a position that owes nothing occupies no tranche.
//!
//! At the end everyone exits and the pool has paid out no more than it took in.
//!
//! Case count: 1,000 random sequences by default; set `DLEX_PROPTEST_CASES` to change it
//! (e.g. `DLEX_PROPTEST_CASES=20000 cargo test -p dlex-tests --test model_props`).
//! `PROPTEST_CASES` is honoured when `DLEX_PROPTEST_CASES` is unset. The run prints how many
//! liquidations of each kind it made (`--nocapture`), and with the default count or more it
//! asserts that every kind occurred (hard, hard with bad debt, leverage); the deterministic
//! `shocks_produce_every_kind_of_liquidation` checks each kind on a fixed scene regardless.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use dlex::actions::saturation::{SideAllocation, TrancheBook, TrancheTotals};
use dlex::actions::{self, Asset, HardLiquidationProposal, LiquidationOutcome, LiquidationRequest, PositionBook, SaturationContext, SwapAmount, SwapDirection, TokenFlows};
use dlex::errors::DlexError;
use dlex::math::MINIMUM_LIQUIDITY;
use dlex::queries::{self, PositionReport};
use dlex::risk::{self, Action, LiquidationKind, RiskContext};
use dlex::state::{has_debt, Assets, Pair, Position, TokenKind};
use dlex_sdk::liquidation;
use dlex_tests::SOLVENT_MAX_PREMIUM_BIPS;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence, TestCaseError, TestRunner};

const USERS: usize = 3;
/// Every position keeps the default saturation ratio (spec §10.6: 85%).
const RATIO_MAG2: u128 = dlex::state::DEFAULT_SATURATION_RATIO_MAG2 as u128;
/// Random sequences per run unless `DLEX_PROPTEST_CASES` (or `PROPTEST_CASES`) says otherwise.
const DEFAULT_CASES: u32 = 1_000;
/// Observation intervals a shock lets pass (the mid-term window fills in 50).
const WINDOW_TICKS: u32 = 50;

/// How a [`Op::Liquidate`] builds its request.
#[derive(Clone, Copy, Debug)]
enum LiquidationChoice {
    /// What a keeper sends: `liquidation::request_for(&report)`.
    Keeper,
    /// The report's whole hard plan as a proposal, even when the leverage kind applies.
    HardPlan,
    /// The leverage kind, whatever the report says.
    Leverage,
    /// Per-mille fractions of the plan's repaid (L, X, Y) and seized (L, X, Y) amounts, or of
    /// the position's debts and deposits when there is no plan; above 1000 asks for more than
    /// there is (the program caps).
    Fractions { repay: [u16; 3], seize: [u16; 3] },
}

#[derive(Clone, Debug)]
enum Op {
    Mint { user: usize, x: u64, y: u64 },
    Burn { user: usize, per_mille: u16 },
    Swap { direction: SwapDirection, amount: u64, exact_out: bool },
    Deposit { user: usize, asset: Asset, amount: u64 },
    Withdraw { user: usize, asset: Asset, per_mille: u16 },
    Borrow { user: usize, asset: Asset, amount: u64 },
    Repay { user: usize, asset: Asset, amount: u64 },
    BorrowLiquidity { user: usize, liquidity: u64 },
    RepayLiquidity { user: usize, liquidity: u128, max_x: u64, max_y: u64 },
    /// Repay any amount of X (0), Y (1) or L (2) debt, with unlimited maxima.
    RepayAnything { user: usize, kind: u8, amount: u128 },
    /// One transaction: `lp` mints, `borrower` borrows X, Y (`asset`) or L (`None`), `lp`
    /// burns what it minted.
    JitBorrow { lp: usize, borrower: usize, x: u64, y: u64, asset: Option<Asset>, amount: u64 },
    Warp { seconds: u32 },
    /// `user` deposits `amount` of collateral (X, Y, or L minted from up to `amount` X and
    /// 8·`amount` Y when `collateral` is `None`), then borrows `per_mille` of the most it may
    /// borrow of X, Y or L (`debt` `None`) now.
    LeverUp { user: usize, collateral: Option<Asset>, amount: u64, debt: Option<Asset>, per_mille: u16 },
    /// Sells `per_mille` of the input side's reserve, then lets one mid-term window of
    /// observation intervals pass with small swaps.
    Shock { direction: SwapDirection, per_mille: u16 },
    /// `liquidator` = `(borrower + 1 + liquidator_offset) % USERS` liquidates `borrower`.
    Liquidate { borrower: usize, liquidator_offset: usize, choice: LiquidationChoice },
}

fn liquidation_choice() -> impl Strategy<Value = LiquidationChoice> {
    let fraction = || prop_oneof![Just(0u16), Just(1000u16), 0u16..=1100];
    prop_oneof![
        4 => Just(LiquidationChoice::Keeper),
        1 => Just(LiquidationChoice::HardPlan),
        3 => Just(LiquidationChoice::Leverage),
        3 => ([fraction(), fraction(), fraction()], [fraction(), fraction(), fraction()])
            .prop_map(|(repay, seize)| LiquidationChoice::Fractions { repay, seize }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let user = 0..USERS;
    let direction = prop_oneof![Just(SwapDirection::XToY), Just(SwapDirection::YToX)];
    let maybe_asset = || prop_oneof![Just(None), Just(Some(Asset::X)), Just(Some(Asset::Y))];
    let liquidations = prop_oneof![
        2 => (user.clone(), maybe_asset(), 1u64..3_000_000_000, maybe_asset(), 850u16..=1000).prop_map(
            |(user, collateral, amount, debt, per_mille)| Op::LeverUp { user, collateral, amount, debt, per_mille }
        ),
        1 => (direction, prop_oneof![50u16..500, 500u16..3000]).prop_map(|(direction, per_mille)| Op::Shock { direction, per_mille }),
        3 => (user.clone(), 0..USERS - 1, liquidation_choice())
            .prop_map(|(borrower, liquidator_offset, choice)| Op::Liquidate { borrower, liquidator_offset, choice }),
    ];
    prop_oneof![
        5 => liquidations,
        4 => pool_op(),
    ]
}

fn pool_op() -> impl Strategy<Value = Op> {
    let user = 0..USERS;
    let asset = prop_oneof![Just(Asset::X), Just(Asset::Y)];
    let direction = prop_oneof![Just(SwapDirection::XToY), Just(SwapDirection::YToX)];
    prop_oneof![
        (user.clone(), 1u64..5_000_000_000, 1u64..5_000_000_000).prop_map(|(user, x, y)| Op::Mint { user, x, y }),
        (user.clone(), 1u16..=1000).prop_map(|(user, per_mille)| Op::Burn { user, per_mille }),
        (direction, 1u64..2_000_000_000, any::<bool>()).prop_map(|(direction, amount, exact_out)| Op::Swap { direction, amount, exact_out }),
        (user.clone(), asset.clone(), 1u64..3_000_000_000).prop_map(|(user, asset, amount)| Op::Deposit { user, asset, amount }),
        (user.clone(), asset.clone(), 1u16..=1000).prop_map(|(user, asset, per_mille)| Op::Withdraw { user, asset, per_mille }),
        (user.clone(), asset.clone(), 1u64..500_000_000).prop_map(|(user, asset, amount)| Op::Borrow { user, asset, amount }),
        (user.clone(), asset, 1u64..600_000_000).prop_map(|(user, asset, amount)| Op::Repay { user, asset, amount }),
        (user.clone(), 1u64..300_000_000).prop_map(|(user, liquidity)| Op::BorrowLiquidity { user, liquidity }),
        (user.clone(), prop_oneof![1u128..400_000_000, any::<u128>()], any::<u64>(), any::<u64>())
            .prop_map(|(user, liquidity, max_x, max_y)| Op::RepayLiquidity { user, liquidity, max_x, max_y }),
        (user.clone(), 0u8..3, prop_oneof![0u128..1_000_000_000, any::<u128>()]).prop_map(|(user, kind, amount)| Op::RepayAnything { user, kind, amount }),
        (user.clone(), user, 1u64..50_000_000_000, 1u64..200_000_000_000, prop_oneof![Just(None), Just(Some(Asset::X)), Just(Some(Asset::Y))], 1u64..2_000_000_000)
            .prop_map(|(lp, borrower, x, y, asset, amount)| Op::JitBorrow { lp, borrower, x, y, asset, amount }),
        prop_oneof![1u32..40, 3_600u32..40_000_000].prop_map(|seconds| Op::Warp { seconds }),
    ]
}

/// `adj(rX, mX) · adj(rY, mY)` (spec §2.3): the invariant the K check protects. Raw `rX · rY`
/// can fall when a depleted asset is sold in, because the depleted invariant pays up to 20×
/// the constant-product amount for it (spec §5.2); the adjusted product cannot.
fn adjusted_k(pool: &dlex::state::Pool) -> u128 {
    let x = dlex::math::reserve_adjusted_for_missing(pool.reserve_x.0, pool.missing_x());
    let y = dlex::math::reserve_adjusted_for_missing(pool.reserve_y.0, pool.missing_y());
    x * y
}

#[derive(Clone)]
struct Model {
    pair: Pair,
    balances: [[u128; 6]; USERS],
    fragile: [u128; USERS],
    vault_x: u128,
    vault_y: u128,
    paid_in: (u128, u128),
    paid_out: (u128, u128),
    now: u32,
    /// Each position's tranche allocation and every tranche with both indices, as the
    /// instructions' accounts hold them (the handlers re-walk them on every step).
    allocations: [[SideAllocation; 2]; USERS],
    tranches: TrancheBook,
}

impl Model {
    fn new() -> Self {
        let mut pair: Pair = bytemuck::Zeroable::zeroed();
        actions::configure_oracle(&mut pair, 8, 112).unwrap();
        Self {
            pair,
            balances: [[0; 6]; USERS],
            fragile: [0; USERS],
            vault_x: 0,
            vault_y: 0,
            paid_in: (0, 0),
            paid_out: (0, 0),
            now: 1_700_000_000,
            allocations: [[SideAllocation::default(); 2]; USERS],
            tranches: TrancheBook::default(),
        }
    }

    fn apply_flows(&mut self, flows: TokenFlows) {
        self.vault_x = self.vault_x + u128::from(flows.x_in) - u128::from(flows.x_out);
        self.vault_y = self.vault_y + u128::from(flows.y_in) - u128::from(flows.y_out);
        self.paid_in.0 += u128::from(flows.x_in);
        self.paid_in.1 += u128::from(flows.y_in);
        self.paid_out.0 += u128::from(flows.x_out);
        self.paid_out.1 += u128::from(flows.y_out);
    }

    /// Runs one op through the handlers' own pipeline (`actions::run_leg`, or the swap
    /// handler's steps); returns whether it was accepted. A refused op leaves the model as it
    /// was, like a reverted transaction.
    fn step(&mut self, op: &Op) -> bool {
        let mut pair = self.pair;
        let flows = match *op {
            Op::Swap { direction, amount, exact_out } => {
                let amount = if exact_out { SwapAmount::ExactOut(amount / 4) } else { SwapAmount::ExactIn(amount) };
                let mut pool = pair.pool();
                if actions::accrue_for_swap(&mut pair, &mut pool, self.now).is_err() {
                    return false;
                }
                let before = pool;
                let Ok(flows) = actions::swap(&mut pool, direction, amount) else { return false };
                if risk::check(&Action::Swap { direction, flows }, &before, &pool, &[0; 6], &RiskContext::default()).is_err() {
                    return false;
                }
                assert!(adjusted_k(&pool) >= adjusted_k(&before), "an accepted swap lowered the depletion-adjusted K");
                actions::record_price_extreme(&mut pair, &pool, self.now).unwrap();
                pair.store_pool(&pool);
                flows
            }
            Op::Mint { user, x, y } => {
                let Some(flows) = self.run(&mut pair, user, |pool, balances| {
                    let out = actions::mint_liquidity(pool, balances, x, y)?;
                    Ok((Action::Mint, out.flows))
                }) else { return false };
                flows
            }
            Op::Burn { user, per_mille } => {
                let shares = self.balances[user][TokenKind::DepositL as usize] * u128::from(per_mille) / 1000;
                let Some(flows) = self.run(&mut pair, user, |pool, balances| {
                    let deposit_l_before = pool.deposit_l_assets()?;
                    let out = actions::burn_liquidity(pool, balances, shares)?;
                    Ok((Action::Burn { deposit_l_after: Assets(deposit_l_before.0 - out.liquidity.0) }, out.flows))
                }) else { return false };
                flows
            }
            Op::Deposit { user, asset, amount } => {
                let Some(flows) = self.run(&mut pair, user, |pool, balances| {
                    let (_, flows) = actions::deposit(pool, balances, asset, amount)?;
                    Ok((Action::Deposit { asset }, flows))
                }) else { return false };
                flows
            }
            Op::Withdraw { user, asset, per_mille } => {
                let shares = self.balances[user][asset.deposit_kind() as usize] * u128::from(per_mille) / 1000;
                let Some(flows) = self.run(&mut pair, user, |pool, balances| {
                    let (_, flows) = actions::withdraw(pool, balances, asset, shares)?;
                    Ok((Action::Withdraw { asset }, flows))
                }) else { return false };
                flows
            }
            Op::Borrow { user, asset, amount } => {
                let Some(flows) = self.run(&mut pair, user, |pool, balances| {
                    Ok((Action::Borrow { asset }, actions::borrow(pool, balances, asset, amount)?.flows))
                }) else { return false };
                flows
            }
            Op::Repay { user, asset, amount } => {
                let Some(flows) = self.run(&mut pair, user, |pool, balances| {
                    Ok((Action::Repay { asset }, actions::repay(pool, balances, asset, amount)?.flows))
                }) else { return false };
                flows
            }
            Op::BorrowLiquidity { user, liquidity } => {
                let Some(flows) = self.run(&mut pair, user, |pool, balances| {
                    let out = actions::borrow_liquidity(pool, balances, u128::from(liquidity))?;
                    Ok((Action::BorrowLiquidity { debt: out.debt }, out.flows))
                }) else { return false };
                flows
            }
            Op::RepayLiquidity { user, liquidity, max_x, max_y } => {
                let Some(flows) = self.run(&mut pair, user, |pool, balances| {
                    Ok((Action::RepayLiquidity, actions::repay_liquidity(pool, balances, liquidity, max_x, max_y)?.flows))
                }) else { return false };
                flows
            }
            Op::RepayAnything { user, kind, amount } => return self.repay_anything(user, kind, amount),
            Op::JitBorrow { lp, borrower, x, y, asset, amount } => return self.jit_borrow(lp, borrower, x, y, asset, amount),
            Op::LeverUp { user, collateral, amount, debt, per_mille } => return self.lever_up(user, collateral, amount, debt, per_mille),
            Op::Shock { direction, per_mille } => return self.shock(direction, per_mille),
            Op::Liquidate { borrower, liquidator_offset, choice } => {
                let liquidator = (borrower + 1 + liquidator_offset) % USERS;
                return self.liquidate(borrower, liquidator, choice).is_some();
            }
            Op::Warp { .. } => unreachable!("warps are handled by the caller"),
        };
        self.pair = pair;
        self.apply_flows(flows);
        true
    }

    fn run(
        &mut self,
        pair: &mut Pair,
        user: usize,
        leg: impl FnOnce(&mut dlex::state::Pool, &mut [u128; 6]) -> anchor_lang::Result<(Action, TokenFlows)>,
    ) -> Option<TokenFlows> {
        let mut balances = self.balances[user];
        let mut fragile = self.fragile[user];
        let mut tranches = self.tranches.clone();
        let (flows, allocations) = self.run_with_tranches(pair, user, &mut balances, &mut fragile, &mut tranches, leg).ok()?;
        self.balances[user] = balances;
        self.fragile[user] = fragile;
        self.allocations[user] = allocations;
        self.tranches = tranches;
        Some(flows)
    }

    /// `actions::run_leg` for `user` with `tranches` as the tranche accounts:
    /// the leg's flows and the position's new allocation.
    fn run_with_tranches(
        &self,
        pair: &mut Pair,
        user: usize,
        balances: &mut [u128; 6],
        fragile: &mut u128,
        tranches: &mut TrancheBook,
        leg: impl FnOnce(&mut dlex::state::Pool, &mut [u128; 6]) -> anchor_lang::Result<(Action, TokenFlows)>,
    ) -> anchor_lang::Result<(TokenFlows, [SideAllocation; 2])> {
        let old = self.allocations[user];
        let mut saturation = SaturationContext { store: tranches, allocations: old, ratio_mag2: RATIO_MAG2 };
        let (flows, _, allocations) = actions::run_leg(pair, balances, fragile, self.now, false, Some(&mut saturation), leg)?;
        Ok((flows, allocations.unwrap_or(old)))
    }

    /// Repays `amount` of one debt kind with no other limit: it may be refused only for a
    /// reason the payer controls (nothing owed, less than one share, an amount of zero or
    /// beyond u64), never on arithmetic, and the debt falls by exactly what is pulled.
    fn repay_anything(&mut self, user: usize, kind: u8, amount: u128) -> bool {
        let before = self.clone();
        let mut pair = self.pair;
        let mut balances = self.balances[user];
        let mut fragile = self.fragile[user];
        let mut tranches = self.tranches.clone();
        let result = self.run_with_tranches(&mut pair, user, &mut balances, &mut fragile, &mut tranches, |pool, balances| match kind {
            0 | 1 => {
                let asset = if kind == 0 { Asset::X } else { Asset::Y };
                let amount = u64::try_from(amount).unwrap_or(u64::MAX);
                Ok((Action::Repay { asset }, actions::repay(pool, balances, asset, amount)?.flows))
            }
            _ => Ok((Action::RepayLiquidity, actions::repay_liquidity(pool, balances, amount, u64::MAX, u64::MAX)?.flows)),
        });
        match result {
            Ok((flows, allocations)) => {
                let paid = u128::from(flows.x_in) + u128::from(flows.y_in);
                assert!(kind == 2 || paid <= amount, "repay pulled {paid}, more than offered {amount}");
                self.pair = pair;
                self.balances[user] = balances;
                self.fragile[user] = fragile;
                self.allocations[user] = allocations;
                self.tranches = tranches;
                self.apply_flows(flows);
                true
            }
            Err(error) => {
                let text = format!("{error:?}");
                assert!(!text.contains("MathOverflow") && !text.contains("DivisionByZero"), "repay failed on arithmetic: {text}");
                *self = before;
                false
            }
        }
    }

    /// The borrow leg of [`Op::JitBorrow`] on its own.
    fn borrow_op(borrower: usize, asset: Option<Asset>, amount: u64) -> Op {
        match asset {
            Some(asset) => Op::Borrow { user: borrower, asset, amount },
            None => Op::BorrowLiquidity { user: borrower, liquidity: amount },
        }
    }

    /// Mint by `lp`, borrow by `borrower`, burn of the minted shares by `lp`, all at one
    /// instant and all-or-nothing like one transaction. When the pool's depth is not below
    /// its snapshot (so the snapshot is what risk counts), an accepted JIT borrow must also
    /// pass without the JIT liquidity.
    fn jit_borrow(&mut self, lp: usize, borrower: usize, x: u64, y: u64, asset: Option<Asset>, amount: u64) -> bool {
        if lp == borrower {
            return false;
        }
        let without_jit = self.clone();
        let mut trial = self.clone();
        let shares_before = trial.balances[lp][TokenKind::DepositL as usize];
        if !trial.step(&Op::Mint { user: lp, x, y }) {
            return false;
        }
        let minted = trial.balances[lp][TokenKind::DepositL as usize] - shares_before;
        if !trial.step(&Self::borrow_op(borrower, asset, amount)) {
            return false;
        }
        let burn_minted = |m: &mut Model| {
            let mut pair = m.pair;
            let burn = m.run(&mut pair, lp, |pool, balances| {
                let deposit_l_before = pool.deposit_l_assets()?;
                let out = actions::burn_liquidity(pool, balances, minted)?;
                Ok((Action::Burn { deposit_l_after: Assets(deposit_l_before.0 - out.liquidity.0) }, out.flows))
            });
            burn.map(|flows| {
                m.pair = pair;
                m.apply_flows(flows);
            })
        };
        if burn_minted(&mut trial).is_none() {
            return false;
        }
        let snapshot = self.pair.depth();
        let now_depth = dlex::state::Depth::of(&self.pair.pool());
        let snapshot_binds = now_depth.active_liquidity >= snapshot.active_liquidity
            && now_depth.reserve_x >= snapshot.reserve_x
            && now_depth.reserve_y >= snapshot.reserve_y;
        if snapshot_binds {
            let mut plain = without_jit;
            assert!(plain.step(&Self::borrow_op(borrower, asset, amount)), "JIT liquidity let through a borrow the pool alone refuses");
        }
        *self = trial;
        true
    }

    /// A first mint by user 0 and 50 observation intervals, so borrowing is possible.
    fn warm_up(&mut self) {
        self.warm_up_with(2_000_000_000, 8_000_000_000);
    }

    fn warm_up_with(&mut self, x: u64, y: u64) {
        assert!(self.step(&Op::Mint { user: 0, x, y }));
        self.let_window_pass();
        assert!(self.pair.observations.is_mid_term_ready());
    }

    /// One mid-term window of observation intervals, each with a small swap (alternating
    /// directions; a swap the pool refuses only lets the time pass).
    fn let_window_pass(&mut self) {
        for i in 0..WINDOW_TICKS {
            self.now += 8;
            let direction = if i % 2 == 0 { SwapDirection::XToY } else { SwapDirection::YToX };
            self.step(&Op::Swap { direction, amount: 1_000, exact_out: false });
        }
    }

    /// [`Op::Shock`]: whether the big swap was accepted (the window passes either way).
    fn shock(&mut self, direction: SwapDirection, per_mille: u16) -> bool {
        let pool = self.pair.pool();
        let reserve_in = match direction {
            SwapDirection::XToY => pool.reserve_x.0,
            SwapDirection::YToX => pool.reserve_y.0,
        };
        let amount = u64::try_from(reserve_in * u128::from(per_mille) / 1000).unwrap_or(u64::MAX).max(1);
        let accepted = self.step(&Op::Swap { direction, amount, exact_out: false });
        self.let_window_pass();
        STATS.count(if accepted { Stat::Shock } else { Stat::ShockRefused });
        accepted
    }

    /// [`Op::LeverUp`]: the deposit may be refused (the borrow is tried anyway); the borrow
    /// takes `per_mille` of the largest amount `step` accepts, found by bisection on copies.
    fn lever_up(&mut self, user: usize, collateral: Option<Asset>, amount: u64, debt: Option<Asset>, per_mille: u16) -> bool {
        match collateral {
            Some(asset) => self.step(&Op::Deposit { user, asset, amount }),
            None => self.step(&Op::Mint { user, x: amount, y: amount.saturating_mul(8) }),
        };
        let pool = self.pair.pool();
        let limit = match debt {
            Some(Asset::X) => pool.reserve_x.0,
            Some(Asset::Y) => pool.reserve_y.0,
            None => pool.active_liquidity(),
        }
        .min(u128::from(u64::MAX));
        let passes = |amount: u128| amount > 0 && self.clone().step(&Self::borrow_op(user, debt, amount as u64));
        let (mut good, mut bad) = (0u128, limit + 1);
        while bad - good > 1 {
            let mid = good + (bad - good) / 2;
            if passes(mid) { good = mid } else { bad = mid }
        }
        let amount = good * u128::from(per_mille) / 1000;
        amount > 0 && self.step(&Self::borrow_op(user, debt, amount as u64))
    }

    /// The request `choice` makes for a position with `report`, or `None` when there is none
    /// to send (a keeper's request on a healthy position).
    fn request(report: &PositionReport, choice: LiquidationChoice) -> Option<LiquidationRequest> {
        match choice {
            LiquidationChoice::Keeper => liquidation::request_for(report),
            LiquidationChoice::HardPlan => Some(LiquidationRequest::Hard(liquidation::hard_proposal(report))),
            LiquidationChoice::Leverage => Some(LiquidationRequest::Leverage),
            LiquidationChoice::Fractions { repay, seize } => {
                let a = &report.assets;
                let (repaid, seized) = if report.hard_liquidatable {
                    (report.hard_plan.repaid, report.hard_plan.seized)
                } else {
                    ([a[3], a[4], a[5]], [a[0], a[1], a[2]])
                };
                let part = |amount: u128, per_mille: u16| amount.saturating_mul(u128::from(per_mille)) / 1000;
                let token = |amount: u128, per_mille: u16| u64::try_from(part(amount, per_mille)).unwrap_or(u64::MAX);
                Some(LiquidationRequest::Hard(HardLiquidationProposal {
                    repay_l: part(repaid[0], repay[0]),
                    repay_x: token(repaid[1], repay[1]),
                    repay_y: token(repaid[2], repay[2]),
                    seize_l: part(seized[0], seize[0]),
                    seize_x: part(seized[1], seize[1]),
                    seize_y: part(seized[2], seize[2]),
                }))
            }
        }
    }

    fn position(book: &PositionBook) -> Position {
        let mut position: Position = bytemuck::Zeroable::zeroed();
        position.set_balances(&book.balances);
        position.fragile_shares.set(book.fragile);
        position
    }

    /// [`Op::Liquidate`] through `actions::run_liquidation` on copies (the `liquidate`
    /// handler's whole pipeline but the token transfers, which the vault counters stand for).
    /// Returns the outcome when accepted; checks the properties listed in the module doc.
    fn liquidate(&mut self, borrower: usize, liquidator: usize, choice: LiquidationChoice) -> Option<LiquidationOutcome> {
        assert_ne!(borrower, liquidator, "the handler refuses self-liquidation before the pipeline");
        let report = queries::position_report(&self.pair, &self.balances[borrower], self.now).ok()?;
        assert!(
            !report.solvent || report.hard_max_premium_bips <= SOLVENT_MAX_PREMIUM_BIPS,
            "a solvent position has a maximum hard premium of {} bips: {report:?}",
            report.hard_max_premium_bips
        );
        let Some(request) = Self::request(&report, choice) else {
            assert!(!report.hard_liquidatable && !report.leverage_liquidatable, "a liquidatable position got no keeper request");
            return None;
        };
        let book = |user: usize| PositionBook { balances: self.balances[user], fragile: self.fragile[user], allocations: self.allocations[user], ..PositionBook::default() };
        let (borrower_before, liquidator_before) = (book(borrower), book(liquidator));
        let quoted = liquidation::quote(&self.pair, &Self::position(&borrower_before), &Self::position(&liquidator_before), i64::from(self.now), request);
        let mut pair = self.pair;
        let (mut b, mut l) = (borrower_before, liquidator_before);
        let mut tranches = self.tranches.clone();
        let result = actions::run_liquidation(&mut pair, &mut b, &mut l, Some(&mut tranches), self.now, request, u64::MAX, u64::MAX);
        let reported = if let LiquidationRequest::Hard(_) = request {
            report.hard_liquidatable
        } else if request == LiquidationRequest::Leverage {
            report.leverage_liquidatable
        } else {
            true // kinds that need tranches, which the model does not keep
        };
        let outcome = match result {
            Err(error) => {
                let text = format!("{error:?}");
                assert_eq!((b, l), (borrower_before, liquidator_before), "a refused liquidation changed a position: {text}");
                assert_eq!(pair.pool(), self.pair.pool(), "a refused liquidation changed the pool: {text}");
                assert!(quoted.is_err(), "the SDK quoted {quoted:?} for a liquidation the program refuses with {text}");
                // The keeper's request is refused only when the liquidator's own position
                // borrows a seized asset.
                let keeper = matches!(choice, LiquidationChoice::Keeper);
                let allowed = text.contains("CannotDepositBorrowedAsset");
                assert!(!keeper || allowed, "liveness: the keeper's request {request:?} for a liquidatable position was refused with {text}\nreport: {report:?}");
                STATS.count(if reported { Stat::RefusedLiquidatable } else { Stat::RefusedHealthy });
                return None;
            }
            Ok(outcome) => outcome,
        };
        assert!(reported, "a position the report calls healthy for {request:?} was liquidated: {outcome:?}\nreport: {report:?}");
        assert_eq!(quoted.as_ref().ok(), Some(&outcome), "the SDK quote differs from what the program did");
        assert_eq!(outcome.kind, request.kind());
        assert_eq!((outcome.flows.x_out, outcome.flows.y_out), (0, 0), "a liquidation pays the liquidator no tokens");
        // The liquidator: exactly the seized deposit shares, debts untouched.
        for i in 0..3 {
            assert_eq!(l.balances[i], liquidator_before.balances[i] + outcome.seized_shares[i], "the liquidator receives exactly the seized shares");
            assert_eq!(l.balances[3 + i], liquidator_before.balances[3 + i], "the liquidator's debts do not change");
        }
        // The borrower: debts down by the repaid (and burned) shares, deposits by the seized
        // (and forfeited) shares.
        let burn = outcome.bad_debt.unwrap_or_default();
        for i in 0..3 {
            assert_eq!(b.balances[i], borrower_before.balances[i] - outcome.seized_shares[i] - burn.forfeited_deposit_shares[i]);
            assert_eq!(b.balances[3 + i], borrower_before.balances[3 + i] - outcome.repaid_shares[i] - burn.debt_shares[i]);
        }
        let debt_shares = |book: &PositionBook| book.balances[3..].iter().sum::<u128>();
        assert!(debt_shares(&b) < debt_shares(&borrower_before), "a liquidation must lower the borrower's debt: {borrower_before:?} -> {b:?}, {outcome:?}\nreport: {report:?}");
        assert_eq!(outcome.bad_debt.is_some(), outcome.verdict.bad_debt);
        if outcome.bad_debt.is_some() {
            assert_eq!(b, PositionBook::default(), "bad debt leaves the borrower with nothing");
        }
        assert!(!has_debt(&b.balances) || !outcome.verdict.bad_debt);
        if outcome.kind == LiquidationKind::Hard {
            assert!(outcome.verdict.max_premium_bips > 0);
            assert!(outcome.verdict.premium_bips <= outcome.verdict.max_premium_bips, "hard premium above its maximum");
            assert_eq!(outcome.verdict.max_premium_bips, report.hard_max_premium_bips);
        } else if outcome.kind == LiquidationKind::Leverage {
            let formula = report.leverage_amounts;
            for i in 0..3 {
                assert!(outcome.seized[i] <= formula[i], "leverage seized more than the formula");
                assert!(outcome.repaid[i] >= formula[3 + i], "leverage repaid less than the formula");
            }
            assert_eq!(outcome.verdict.bad_debt, report.leverage_bad_debt);
        }
        self.pair = pair;
        self.balances[borrower] = b.balances;
        self.fragile[borrower] = b.fragile;
        self.balances[liquidator] = l.balances;
        self.fragile[liquidator] = l.fragile;
        self.allocations[borrower] = b.allocations;
        self.allocations[liquidator] = l.allocations;
        self.tranches = tranches;
        self.apply_flows(outcome.flows);
        let bad_debt = outcome.bad_debt.is_some();
        STATS.count(if outcome.kind == LiquidationKind::Hard {
            if bad_debt { Stat::HardBadDebt } else { Stat::Hard }
        } else if outcome.kind == LiquidationKind::Leverage {
            if bad_debt { Stat::LeverageBadDebt } else { Stat::Leverage }
        } else {
            Stat::OtherKind
        });
        if outcome.bad_debt.is_some() && outcome.verdict.max_premium_bips == u128::MAX {
            STATS.count(Stat::UnboundedPremiumBadDebt);
        }
        Some(outcome)
    }

    fn check_invariants(&self) {
        let pool = self.pair.pool();
        assert_eq!(self.vault_x, pool.expected_vault_x().unwrap(), "vault X == reserve + deposits - borrows");
        assert_eq!(self.vault_y, pool.expected_vault_y().unwrap(), "vault Y == reserve + deposits - borrows");
        for kind in dlex::state::TOKEN_KINDS {
            let held: u128 = self.balances.iter().map(|b| b[kind as usize]).sum();
            let locked = if kind == TokenKind::DepositL && pool.shares[0] > 0 { MINIMUM_LIQUIDITY } else { 0 };
            let protocol = if (kind as usize) < 3 { pool.protocol_fee_shares[kind as usize] } else { 0 };
            assert_eq!(held + locked + protocol, pool.shares[kind as usize], "share totals of {kind:?}");
        }
        assert_eq!(self.fragile.iter().sum::<u128>(), pool.fragile_liquidity_shares, "fragile shares add up");
        self.check_tranche_books();
    }

    /// Tranche bookkeeping: every tranche's totals are the sum of the positions' slots in it,
    /// each side's index counts exactly the non-empty tranches at their leaves, the pair's
    /// summary names each side's highest occupied leaf, and a position with no debt occupies
    /// no tranche.
    fn check_tranche_books(&self) {
        let mut expected: BTreeMap<(usize, i32), TrancheTotals> = BTreeMap::new();
        for (user, allocations) in self.allocations.iter().enumerate() {
            if !has_debt(&self.balances[user]) {
                assert!(allocations.iter().all(|a| a.count == 0), "user {user} owes nothing but occupies tranches: {allocations:?}");
            }
            for (side, allocation) in allocations.iter().enumerate() {
                for i in 0..usize::from(allocation.count) {
                    let totals = expected.entry((side, allocation.tranche_at(side, i))).or_default();
                    totals.sat_in_l_assets += allocation.sat_in_l_assets[i];
                    totals.sat_relative_to_l += allocation.sat_relative_to_l[i];
                }
            }
        }
        for (key, totals) in &self.tranches.tranches {
            assert_eq!(*totals, expected.get(key).copied().unwrap_or_default(), "tranche {key:?}: totals against the positions' slots");
        }
        if expected.values().any(|totals| *totals != TrancheTotals::default()) {
            STATS.count(Stat::TranchesOccupied);
        }
        for (key, totals) in &expected {
            assert_eq!(self.tranches.tranches.get(key).copied().unwrap_or_default(), *totals, "tranche {key:?} missing");
        }
        for side in 0..2 {
            let mut per_leaf = vec![0u16; self.tranches.indices[side].tranches_per_leaf.len()];
            for ((s, _), totals) in &self.tranches.tranches {
                if let (true, Some(leaf)) = (*s == side, totals.leaf()) {
                    per_leaf[leaf as usize] += 1;
                }
            }
            assert_eq!(&self.tranches.indices[side].tranches_per_leaf[..], &per_leaf[..], "side {side}: index against the tranches");
            let highest = self.tranches.indices[side].highest_occupied_leaf().map_or(0, |leaf| leaf as u16);
            assert_eq!(self.pair.highest_set_leaf[side], highest, "side {side}: the pair's highest occupied leaf");
        }
    }
}

/// What the random run did, across all its cases (shrinking included).
#[derive(Clone, Copy, Debug)]
enum Stat {
    Hard,
    HardBadDebt,
    Leverage,
    LeverageBadDebt,
    OtherKind,
    /// Bad debt on a position whose maximum premium was unbounded (`u128::MAX`: no net
    /// collateral).
    UnboundedPremiumBadDebt,
    RefusedHealthy,
    RefusedLiquidatable,
    Shock,
    ShockRefused,
    /// Steps after which some tranche was occupied (the bookkeeping check was not vacuous).
    TranchesOccupied,
}

const STAT_NAMES: [&str; 11] = [
    "hard",
    "hard with bad debt",
    "leverage",
    "leverage with bad debt",
    "other kinds",
    "bad debt at an unbounded max premium",
    "refused (healthy for the kind)",
    "refused (liquidatable)",
    "shocks",
    "shocks refused",
    "steps with occupied tranches",
];

struct Stats([AtomicUsize; 11]);

impl Stats {
    fn count(&self, stat: Stat) {
        self.0[stat as usize].fetch_add(1, Ordering::Relaxed);
    }

    fn get(&self, stat: Stat) -> usize {
        self.0[stat as usize].load(Ordering::Relaxed)
    }
}

static STATS: Stats = Stats([const { AtomicUsize::new(0) }; 11]);

fn cases() -> u32 {
    dlex_tests::proptest_cases(DEFAULT_CASES)
}

/// One random sequence: warm up, apply every op with the invariants after each step, then
/// everyone repays and exits.
fn run_sequence(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut model = Model::new();
    model.warm_up();
    for op in ops {
        if let Op::Warp { seconds } = op {
            // Interest never reduces a debt: accrue across the warp on a copy.
            let before = model.pair.pool();
            model.now += seconds;
            let mut pair = model.pair;
            let mut pool = pair.pool();
            if dlex::actions::accrue(&mut pair, &mut pool, model.now).is_ok() {
                for kind in [TokenKind::BorrowL, TokenKind::BorrowX, TokenKind::BorrowY] {
                    prop_assert!(pool.assets[kind as usize] >= before.assets[kind as usize], "interest reduced {kind:?} debt");
                }
            }
            continue;
        }
        model.step(op);
        model.check_invariants();
    }
    // Everyone repays and exits: repay all debt (offering everything), burn all L, withdraw X and Y.
    for user in 0..USERS {
        model.step(&Op::RepayLiquidity { user, liquidity: u128::MAX, max_x: u64::MAX, max_y: u64::MAX });
        model.step(&Op::Repay { user, asset: Asset::X, amount: u64::MAX });
        model.step(&Op::Repay { user, asset: Asset::Y, amount: u64::MAX });
    }
    for user in 0..USERS {
        model.step(&Op::Burn { user, per_mille: 1000 });
        model.step(&Op::Withdraw { user, asset: Asset::X, per_mille: 1000 });
        model.step(&Op::Withdraw { user, asset: Asset::Y, per_mille: 1000 });
        model.check_invariants();
    }
    prop_assert!(model.paid_out.0 <= model.paid_in.0 && model.paid_out.1 <= model.paid_in.1,
        "the pool paid out more than it took in: in {:?}, out {:?}", model.paid_in, model.paid_out);
    Ok(())
}

#[test]
fn random_sequences_keep_conservation_and_never_pay_out_more_than_paid_in() {
    let cases = cases();
    let persistence = FileFailurePersistence::WithSource("proptest-regressions");
    let config = ProptestConfig { cases, source_file: Some(file!()), failure_persistence: Some(Box::new(persistence)), ..ProptestConfig::default() };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&prop::collection::vec(op(), 1..60), |ops| run_sequence(&ops));
    let counts: Vec<String> = STAT_NAMES.iter().enumerate().map(|(i, name)| format!("{name}: {}", STATS.0[i].load(Ordering::Relaxed))).collect();
    println!("{cases} sequences; liquidations: {}", counts.join(", "));
    if let Err(error) = result {
        panic!("{error}\n{runner}");
    }
    if cases >= DEFAULT_CASES {
        let leverage = STATS.get(Stat::Leverage) + STATS.get(Stat::LeverageBadDebt);
        for (kind, made) in [("hard", STATS.get(Stat::Hard)), ("hard with bad debt", STATS.get(Stat::HardBadDebt)), ("leverage", leverage)] {
            assert!(made > 0, "no {kind} liquidation in {cases} sequences: the liquidation properties were vacuous for it");
        }
        assert!(STATS.get(Stat::TranchesOccupied) > 0, "no step occupied a tranche: the bookkeeping check was vacuous");
    }
}

/// The scene of `tests/liquidation.rs` on the model: a pool of 1e9 X / 4e9 Y, an X lender
/// (user 2), a borrower (user 1) with 400e6 Y deposited and 30e6 X borrowed, then a shock
/// selling `shock_y` Y and one window; user 2 liquidates with `choice`.
fn shocked_scene(shock_y: u64, choice: LiquidationChoice) -> (Model, PositionReport, LiquidationOutcome) {
    let mut model = Model::new();
    model.warm_up_with(1_000_000_000, 4_000_000_000);
    assert!(model.step(&Op::Deposit { user: 2, asset: Asset::X, amount: 500_000_000 }));
    assert!(model.step(&Op::Deposit { user: 1, asset: Asset::Y, amount: 400_000_000 }));
    assert!(model.step(&Op::Borrow { user: 1, asset: Asset::X, amount: 30_000_000 }));
    let healthy = queries::position_report(&model.pair, &model.balances[1], model.now).unwrap();
    assert!(!healthy.hard_liquidatable && !healthy.leverage_liquidatable);
    assert!(model.liquidate(1, 2, LiquidationChoice::Keeper).is_none(), "a healthy position has no keeper request");
    assert!(model.liquidate(1, 2, LiquidationChoice::Leverage).is_none());
    assert!(model.shock(SwapDirection::YToX, u16::try_from(u128::from(shock_y) * 1000 / model.pair.pool().reserve_y.0).unwrap()));
    let report = queries::position_report(&model.pair, &model.balances[1], model.now).unwrap();
    let outcome = model.liquidate(1, 2, choice).expect("the liquidation is accepted");
    model.check_invariants();
    (model, report, outcome)
}

/// Each kind of liquidation happens on the model after a shock, so the random run's
/// liquidation properties are not vacuous even with few cases.
#[test]
fn shocks_produce_every_kind_of_liquidation() {
    let (model, report, outcome) = shocked_scene(2_500_000_000, LiquidationChoice::Keeper);
    assert!(report.hard_liquidatable && !report.leverage_liquidatable && !report.hard_plan.bad_debt);
    assert_eq!((outcome.kind, outcome.bad_debt), (LiquidationKind::Hard, None));
    assert!(!has_debt(&model.balances[1]) && model.balances[1][TokenKind::DepositY as usize] > 0, "whole debt repaid, the rest kept");

    let (model, report, outcome) = shocked_scene(3_500_000_000, LiquidationChoice::Keeper);
    assert!(report.hard_liquidatable && !report.leverage_liquidatable && report.hard_plan.bad_debt);
    assert_eq!(outcome.kind, LiquidationKind::Hard);
    assert!(outcome.bad_debt.is_some() && model.balances[1] == [0; 6]);

    // Both kinds apply here; the keeper sends the one that pays more (the hard plan), so the
    // leverage kind is asked for explicitly.
    let (model, report, outcome) = shocked_scene(4_000_000_000, LiquidationChoice::Leverage);
    assert!(report.leverage_liquidatable && report.leverage_bad_debt);
    assert_eq!(outcome.kind, LiquidationKind::Leverage);
    assert!(outcome.bad_debt.is_some() && model.balances[1] == [0; 6]);
}

/// FINDING-3 (fixed; safety), minimised by proptest: user 1 mints L from up to 622_644_558 X
/// and borrows 91.8% of the L it may borrow against it; a year and two months later its L debt
/// (interest) has outgrown its L deposit, so its deposits net to no collateral and its maximum
/// hard premium is unbounded (`u128::MAX`). A hard proposal that repays nothing and seizes
/// 1_276_126 L (premium `u128::MAX`, not above that maximum) was accepted without bad debt: the
/// liquidator took deposits for free and the debt stayed. Now a hard proposal that nets to no
/// repayment may only clear bad debt: this one is refused with `NotEnoughRepaidForLiquidation`
/// and changes nothing, and the position stays liquidatable by the keeper's request.
#[test]
fn regression_hard_liquidation_must_repay_something() {
    let mut model = Model::new();
    model.warm_up();
    assert!(model.step(&Op::LeverUp { user: 1, collateral: None, amount: 622_644_558, debt: None, per_mille: 918 }));
    model.now += 36_832_269;
    let report = queries::position_report(&model.pair, &model.balances[1], model.now).unwrap();
    assert!(!report.solvent && report.hard_liquidatable && report.hard_max_premium_bips == u128::MAX, "no net collateral: {report:?}");
    let proposal = HardLiquidationProposal { seize_l: 1_276_126, ..Default::default() };
    let book = |user: usize| PositionBook { balances: model.balances[user], fragile: model.fragile[user], ..PositionBook::default() };
    let (mut pair, mut borrower, mut liquidator) = (model.pair, book(1), book(0));
    let result = actions::run_liquidation(&mut pair, &mut borrower, &mut liquidator, None, model.now, LiquidationRequest::Hard(proposal), u64::MAX, u64::MAX);
    assert_eq!(result.expect_err("a hard liquidation repaying nothing is refused"), DlexError::NotEnoughRepaidForLiquidation.into());
    assert_eq!((borrower, liquidator), (book(1), book(0)), "a refused liquidation changes no position");
    assert_eq!(pair.pool(), model.pair.pool(), "a refused liquidation changes nothing in the pool");
    let quoted = liquidation::quote(&model.pair, &Model::position(&book(1)), &Model::position(&book(0)), i64::from(model.now), LiquidationRequest::Hard(proposal));
    assert!(quoted.is_err(), "the SDK quotes {quoted:?}");
    // The keeper's request (the leverage kind) clears the position into bad debt instead.
    let outcome = model.liquidate(1, 0, LiquidationChoice::Keeper).expect("the keeper's request is accepted");
    assert_eq!((outcome.kind, outcome.bad_debt.is_some(), model.balances[1]), (LiquidationKind::Leverage, true, [0; 6]));
}
