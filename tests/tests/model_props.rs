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
//! At the end everyone exits and the pool has paid out no more than it took in.

use dlex::actions::{self, Asset, SwapAmount, SwapDirection, TokenFlows};
use dlex::math::MINIMUM_LIQUIDITY;
use dlex::risk::{self, Action, RiskContext};
use dlex::state::{Assets, Pair, TokenKind};
use proptest::prelude::*;

const USERS: usize = 3;

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
}

fn op() -> impl Strategy<Value = Op> {
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
}

impl Model {
    fn new() -> Self {
        let mut pair: Pair = bytemuck::Zeroable::zeroed();
        actions::configure_oracle(&mut pair, 8, 112).unwrap();
        Self { pair, balances: [[0; 6]; USERS], fragile: [0; USERS], vault_x: 0, vault_y: 0, paid_in: (0, 0), paid_out: (0, 0), now: 1_700_000_000 }
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
        let (flows, _) = actions::run_leg(pair, &mut balances, &mut fragile, self.now, false, leg).ok()?;
        self.balances[user] = balances;
        self.fragile[user] = fragile;
        Some(flows)
    }

    /// Repays `amount` of one debt kind with no other limit: it may be refused only for a
    /// reason the payer controls (nothing owed, less than one share, an amount of zero or
    /// beyond u64), never on arithmetic, and the debt falls by exactly what is pulled.
    fn repay_anything(&mut self, user: usize, kind: u8, amount: u128) -> bool {
        let before = self.clone();
        let mut pair = self.pair;
        let mut balances = self.balances[user];
        let mut fragile = self.fragile[user];
        let result = actions::run_leg(&mut pair, &mut balances, &mut fragile, self.now, false, |pool, balances| match kind {
            0 | 1 => {
                let asset = if kind == 0 { Asset::X } else { Asset::Y };
                let amount = u64::try_from(amount).unwrap_or(u64::MAX);
                Ok((Action::Repay { asset }, actions::repay(pool, balances, asset, amount)?.flows))
            }
            _ => Ok((Action::RepayLiquidity, actions::repay_liquidity(pool, balances, amount, u64::MAX, u64::MAX)?.flows)),
        });
        match result {
            Ok((flows, _)) => {
                let paid = u128::from(flows.x_in) + u128::from(flows.y_in);
                assert!(kind == 2 || paid <= amount, "repay pulled {paid}, more than offered {amount}");
                self.pair = pair;
                self.balances[user] = balances;
                self.fragile[user] = fragile;
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
        assert!(self.step(&Op::Mint { user: 0, x: 2_000_000_000, y: 8_000_000_000 }));
        for i in 0..50 {
            self.now += 8;
            let direction = if i % 2 == 0 { SwapDirection::XToY } else { SwapDirection::YToX };
            assert!(self.step(&Op::Swap { direction, amount: 1_000, exact_out: false }));
        }
        assert!(self.pair.observations.is_mid_term_ready());
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
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_conservation_and_never_pay_out_more_than_paid_in(ops in prop::collection::vec(op(), 1..40)) {
        let mut model = Model::new();
        model.warm_up();
        for op in &ops {
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
    }
}
