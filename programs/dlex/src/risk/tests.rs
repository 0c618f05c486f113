//! Unit tests of [`check`] on plain pools: each rule's refusal with its exact error, the
//! boundary where it starts, and which actions the pause of new risk blocks. Pools are built
//! with the program's own actions (`actions::mint_liquidity`, `deposit`, `borrow` …) on a
//! 1e12 / 1e12 pool (price 1, tick 0), and the ranges are given by hand. The mutation report
//! (shared/security/mutation-2026-12.md) found no unit test under `risk/`; each test names the
//! mutants it kills.

use super::*;
use crate::actions::{self, Asset, SwapAmount, SwapDirection, TokenFlows};
use crate::math::MAX_AMOUNT;
use crate::state::{Depth, Pool, Reserve, ReferenceReserve, TokenKind};

/// Each side of the test pool.
const POOL: u64 = 1_000_000_000_000;
/// A range of ±100 ticks around the pool price (about ±22% in sqrt price).
const RANGE: PriceRange = PriceRange { min_tick: -100, max_tick: 100 };
/// A range of ±1 tick: the position is valued almost at the pool price.
const NARROW: PriceRange = PriceRange { min_tick: -1, max_tick: 1 };

/// `DlexError` has no `PartialEq` (Anchor's `#[error_code]`); verdicts compare by name.
type Verdict = Result<(), String>;

fn verdict<T>(result: Result<T, DlexError>) -> Verdict {
    result.map(|_| ()).map_err(|e| format!("{e:?}"))
}

fn refused(error: DlexError) -> Verdict {
    Err(format!("{error:?}"))
}

type LegFn<'a> = &'a dyn Fn(&mut Pool, &mut [u128; 6]) -> Result<Action, DlexError>;

/// A pool and its positions (balances and fragile shares); position 0 minted the pool.
#[derive(Clone)]
struct Market {
    pool: Pool,
    positions: Vec<([u128; 6], u128)>,
}

impl Market {
    fn new() -> Self {
        let mut market = Market { pool: Pool::default(), positions: vec![([0; 6], 0)] };
        market.force(0, &|p, b| actions::mint_liquidity(p, b, POOL, POOL).map(|_| Action::Mint));
        assert_eq!(market.pool.active_liquidity(), u128::from(POOL));
        market
    }

    fn open(&mut self) -> usize {
        self.positions.push(([0; 6], 0));
        self.positions.len() - 1
    }

    fn balances(&self, who: usize) -> [u128; 6] {
        self.positions[who].0
    }

    /// Applies `leg` to copies (as `actions::apply_and_judge` does: then re-derives the
    /// position's fragile shares) and returns the action with the pools and balances.
    fn apply(&self, who: usize, leg: LegFn) -> (Action, Pool, Pool, [u128; 6], u128) {
        let before = self.pool;
        let mut after = before;
        let (mut balances, mut fragile) = self.positions[who];
        let action = leg(&mut after, &mut balances).expect("the leg itself applies");
        after.update_fragile(&balances, &mut fragile).unwrap();
        (action, before, after, balances, fragile)
    }

    /// `check` of `leg` with an explicit context.
    fn judge_with(&self, who: usize, leg: LegFn, range: Option<&PriceRange>, snapshot: Option<Depth>, paused: bool) -> Verdict {
        let (action, before, after, balances, _) = self.apply(who, leg);
        let depth_snapshot = snapshot.unwrap_or_else(|| Depth::of(&before));
        verdict(check(&action, &before, &after, &balances, &RiskContext { price_range: range, depth_snapshot, new_risk_paused: paused, liquidation: None, saturation: None }))
    }

    /// `check` of `leg` with [`RANGE`], the pool's own depth as snapshot, not paused.
    fn judge(&self, who: usize, leg: LegFn) -> Verdict {
        self.judge_with(who, leg, Some(&RANGE), None, false)
    }

    /// Applies `leg` and keeps the result without judging it.
    fn force(&mut self, who: usize, leg: LegFn) {
        let (_, _, after, balances, fragile) = self.apply(who, leg);
        self.pool = after;
        self.positions[who] = (balances, fragile);
    }

    /// Applies `leg` after checking that `check` (with `range`) accepts it.
    fn run(&mut self, who: usize, range: &PriceRange, leg: LegFn) {
        assert_eq!(self.judge_with(who, leg, Some(range), None, false), Ok(()), "setup leg must pass");
        self.force(who, leg);
    }
}

fn deposit(asset: Asset, amount: u64) -> impl Fn(&mut Pool, &mut [u128; 6]) -> Result<Action, DlexError> {
    move |p, b| actions::deposit(p, b, asset, amount).map(|_| Action::Deposit { asset })
}

fn withdraw(asset: Asset, shares: u128) -> impl Fn(&mut Pool, &mut [u128; 6]) -> Result<Action, DlexError> {
    move |p, b| actions::withdraw(p, b, asset, shares).map(|_| Action::Withdraw { asset })
}

fn borrow(asset: Asset, amount: u64) -> impl Fn(&mut Pool, &mut [u128; 6]) -> Result<Action, DlexError> {
    move |p, b| actions::borrow(p, b, asset, amount).map(|_| Action::Borrow { asset })
}

fn repay(asset: Asset, amount: u64) -> impl Fn(&mut Pool, &mut [u128; 6]) -> Result<Action, DlexError> {
    move |p, b| actions::repay(p, b, asset, amount).map(|_| Action::Repay { asset })
}

fn borrow_l(liquidity: u128) -> impl Fn(&mut Pool, &mut [u128; 6]) -> Result<Action, DlexError> {
    move |p, b| actions::borrow_liquidity(p, b, liquidity).map(|o| Action::BorrowLiquidity { debt: o.debt })
}

fn repay_l(liquidity: u128) -> impl Fn(&mut Pool, &mut [u128; 6]) -> Result<Action, DlexError> {
    move |p, b| actions::repay_liquidity(p, b, liquidity, u64::MAX, u64::MAX).map(|_| Action::RepayLiquidity)
}

fn mint(x: u64, y: u64) -> impl Fn(&mut Pool, &mut [u128; 6]) -> Result<Action, DlexError> {
    move |p, b| actions::mint_liquidity(p, b, x, y).map(|_| Action::Mint)
}

/// A burn leg with DEPOSIT_L after the burn, as the burn handler computes it.
fn burn(shares: u128) -> impl Fn(&mut Pool, &mut [u128; 6]) -> Result<Action, DlexError> {
    move |p, b| {
        let deposit_l_before = p.deposit_l_assets()?;
        let outcome = actions::burn_liquidity(p, b, shares)?;
        Ok(Action::Burn { deposit_l_after: Assets(deposit_l_before.0 - outcome.liquidity.0) })
    }
}

fn swap(direction: SwapDirection, amount_in: u64) -> impl Fn(&mut Pool, &mut [u128; 6]) -> Result<Action, DlexError> {
    move |p, _| actions::swap(p, direction, SwapAmount::ExactIn(amount_in)).map(|flows| Action::Swap { direction, flows })
}

/// The largest principal whose debt (principal + the 5-bip fee) is at most `debt`.
fn largest_principal_within(debt: u128) -> u64 {
    let mut a = debt * 10_000 / 10_005;
    while a + 1 + math::lending_fee(a + 1) <= debt {
        a += 1;
    }
    while a + math::lending_fee(a) > debt {
        a -= 1;
    }
    u64::try_from(a).unwrap()
}

// --- (1) swaps ---------------------------------------------------------------------------

/// Kills risk/mod.rs `check_swap → Ok(())` (flows one unit past the quote pass the K re-check
/// otherwise) and the `&&` → `||` of its direction-consistency test (an extra unit of input on
/// the output side passes K, so only the consistency test refuses it).
#[test]
fn swap_flows_that_break_k_or_the_direction_are_refused() {
    let market = Market::new();
    let before = market.pool;
    for (direction, other) in [(SwapDirection::XToY, SwapDirection::YToX), (SwapDirection::YToX, SwapDirection::XToY)] {
        let quote = actions::quote_swap(&before, direction, SwapAmount::ExactIn(1_000_000_000)).unwrap();
        let mut after = before;
        let honest = actions::swap(&mut after, direction, SwapAmount::ExactIn(1_000_000_000)).unwrap();
        let expected = match direction {
            SwapDirection::XToY => TokenFlows { x_in: 1_000_000_000, y_out: quote.amount_out, ..Default::default() },
            SwapDirection::YToX => TokenFlows { y_in: 1_000_000_000, x_out: quote.amount_out, ..Default::default() },
        };
        assert_eq!(honest, expected);
        // Roughly 1e9 out of a 1e12 pool, less the quadratic fee (0.2% at 1% of the reference).
        assert!(quote.amount_out > 990_000_000 && quote.amount_out < 999_000_999, "{}", quote.amount_out);
        let ctx = RiskContext { price_range: Some(&RANGE), depth_snapshot: Depth::of(&before), new_risk_paused: false, liquidation: None, saturation: None };
        let judge = |direction, flows| verdict(check(&Action::Swap { direction, flows }, &before, &after, &[0; 6], &ctx));
        let k_alone = |f: TokenFlows| {
            math::check_k(
                before.reserve_x.0,
                before.reserve_y.0,
                before.reference_x.0,
                before.reference_y.0,
                0,
                0,
                f.x_in.into(),
                f.y_in.into(),
                f.x_out.into(),
                f.y_out.into(),
            )
        };

        assert_eq!(judge(direction, honest), Ok(()));
        // One unit more out than the largest output the quote allows breaks K.
        let greedy = match direction {
            SwapDirection::XToY => TokenFlows { y_out: honest.y_out + 1, ..honest },
            SwapDirection::YToX => TokenFlows { x_out: honest.x_out + 1, ..honest },
        };
        assert_eq!(k_alone(greedy), Err(math::MathError::KInvariant));
        assert_eq!(judge(direction, greedy), refused(DlexError::KInvariant));
        // Half the input for the same output breaks K too.
        let cheap = match direction {
            SwapDirection::XToY => TokenFlows { x_in: honest.x_in / 2, ..honest },
            SwapDirection::YToX => TokenFlows { y_in: honest.y_in / 2, ..honest },
        };
        assert_eq!(judge(direction, cheap), refused(DlexError::KInvariant));
        // Input on the output side: K alone would accept it (more input), the direction not.
        let extra_in = match direction {
            SwapDirection::XToY => TokenFlows { y_in: 1, ..honest },
            SwapDirection::YToX => TokenFlows { x_in: 1, ..honest },
        };
        assert_eq!(k_alone(extra_in), Ok(()));
        assert_eq!(judge(direction, extra_in), refused(DlexError::KInvariant));
        // Output on the input side.
        let extra_out = match direction {
            SwapDirection::XToY => TokenFlows { x_out: 1, ..honest },
            SwapDirection::YToX => TokenFlows { y_out: 1, ..honest },
        };
        assert_eq!(judge(direction, extra_out), refused(DlexError::KInvariant));
        // Honest flows judged as the other direction.
        assert_eq!(judge(other, honest), refused(DlexError::KInvariant));
    }
}

/// Swaps are judged on the pool before them (the K re-check), never on a position: they pass
/// with no price range and while new risk is paused.
#[test]
fn swaps_need_no_range_and_are_not_paused() {
    let market = Market::new();
    for direction in [SwapDirection::XToY, SwapDirection::YToX] {
        assert_eq!(market.judge_with(0, &swap(direction, 5_000_000), None, None, true), Ok(()));
    }
}

// --- (2) each action's refusal -----------------------------------------------------------

/// A borrow needs the price window: `PriceWindowNotReady` without a range, the same borrow
/// passes with one. Kills a `price_range.ok_or(..)` removal and `needs_price_range → false`
/// at the risk level.
#[test]
fn borrow_without_a_price_range_is_refused() {
    let mut m = Market::new();
    let b = m.open();
    m.run(b, &RANGE, &deposit(Asset::Y, 10_000_000_000));
    for leg in [&borrow(Asset::X, 1_000_000_000) as LegFn, &borrow_l(100_000_000)] {
        assert_eq!(m.judge_with(b, leg, None, None, false), refused(DlexError::PriceWindowNotReady));
        assert_eq!(m.judge(b, leg), Ok(()));
    }
    assert!(needs_price_range(&Action::Borrow { asset: Asset::X }, &[0; 6]));
    assert!(needs_price_range(&Action::BorrowLiquidity { debt: Assets(1) }, &[0; 6]));
}

/// The 90% lending limit (spec §6) at its exact boundary: with no X deposits, the debt
/// (principal + fee) may reach `floor(0.9·reserveX) = 9e11`, not one unit more. Kills
/// `check_lending_limit → Ok(())` and off-by-one mutants of `verify_max_borrow` at the risk level.
#[test]
fn borrow_beyond_the_lending_limit_is_refused() {
    let mut m = Market::new();
    let b = m.open();
    m.run(b, &NARROW, &deposit(Asset::Y, 20_000_000_000_000));
    let max = largest_principal_within(900_000_000_000);
    assert_eq!(max, 899_550_224_887);
    assert_eq!(u128::from(max) + math::lending_fee(max.into()), 900_000_000_000);
    assert_eq!(m.judge_with(b, &borrow(Asset::X, max), Some(&NARROW), None, false), Ok(()));
    assert_eq!(m.judge_with(b, &borrow(Asset::X, max + 1), Some(&NARROW), None, false), refused(DlexError::MaxBorrowReached));
}

/// The L-borrow limit of both assets (spec §6): with no X/Y borrowed, the L debt may reach
/// 90% of the active liquidity (`ceil(debt·r/active) ≤ 0.9·r`), not one unit more. The
/// borrower's X and Y deposits cover the debt on both sides, so solvency does not bind.
/// Kills `check_max_borrow_for_liquidity → Ok(())` for borrow_liquidity.
#[test]
fn liquidity_borrow_beyond_the_l_borrow_limit_is_refused() {
    let mut m = Market::new();
    let b = m.open();
    m.run(b, &RANGE, &deposit(Asset::X, 20_000_000_000_000));
    m.run(b, &RANGE, &deposit(Asset::Y, 20_000_000_000_000));
    let max = u128::from(largest_principal_within(900_000_000_000));
    assert_eq!(m.judge(b, &borrow_l(max)), Ok(()));
    assert_eq!(m.judge(b, &borrow_l(max + 1)), refused(DlexError::MaxBorrowReached));
}

/// A pool where LP 0 holds all unlocked L, position `b` deposits 2e13 X and 2e13 Y and borrowed
/// `borrowed_l` L, so `fragile / active` is set by `borrowed_l`.
fn fragile_market(borrowed_l: u128) -> (Market, usize) {
    let mut m = Market::new();
    let b = m.open();
    m.run(b, &RANGE, &deposit(Asset::X, 20_000_000_000_000));
    m.run(b, &RANGE, &deposit(Asset::Y, 20_000_000_000_000));
    m.run(b, &RANGE, &borrow_l(borrowed_l));
    (m, b)
}

/// Spec §4.12 from the LP's side: LP 0 holds ~all of DEPOSIT_L (1e12 + the fee), 3e11 L are
/// borrowed (active 7e11), so once LP 0 borrows X its L counts as fragile: 95% of ~1e12 >
/// 7e11 → `FragileLiquidityExceeded`, checked before its own solvency. With no L borrowed the
/// same X borrow passes. Kills `check_fragile_liquidity → Ok(())` (the solvency check would
/// then refuse with `InsufficientLiquidity` instead).
#[test]
fn lp_borrowing_x_while_much_l_is_borrowed_exceeds_fragile_liquidity() {
    let (m, _) = fragile_market(300_000_000_000);
    assert_eq!(m.pool.active_liquidity(), 700_000_000_000);
    assert_eq!(m.pool.fragile_liquidity_assets().unwrap(), 0);
    let (_, _, after, _, fragile) = m.apply(0, &borrow(Asset::X, 1_000_000_000));
    assert_eq!(fragile, m.balances(0)[TokenKind::DepositL as usize]);
    // DL = 7e11 + 300_150_000_000 (the fee is in BORROW_L). The fee's DEPOSIT_L shares were
    // minted before the debt, against DL − fee = 1e12 − 1.5e8: ceil(1.5e8·1e12/(1e12 − 1.5e8))
    // = 150_022_504. The LP's 1e12 − 1000 shares are worth ceil(…) = 999_999_976_500 L, of
    // which 95% count: 949_999_977_675 > 7e11.
    assert_eq!(after.deposit_l_assets().unwrap(), Assets(1_000_150_000_000));
    assert_eq!(after.shares[TokenKind::DepositL as usize], 1_000_150_022_504);
    assert_eq!(after.fragile_liquidity_assets().unwrap(), 949_999_977_675);
    assert_eq!(m.judge(0, &borrow(Asset::X, 1_000_000_000)), refused(DlexError::FragileLiquidityExceeded));
    // The fragile rule is the one that refuses: the LP's own solvency would fail later.
    assert_eq!(
        verdict(check_solvency(&after, &Depth::of(&m.pool), &m.apply(0, &borrow(Asset::X, 1_000_000_000)).3, &RANGE)),
        refused(DlexError::InsufficientLiquidity)
    );
    // Without borrowed L, 95% of the LP's L stays under the active liquidity.
    let fresh = Market::new();
    assert_eq!(fresh.judge(0, &borrow(Asset::X, 1_000_000_000)), Ok(()));
}

/// Spec §4.12 at its exact boundary: fragile liquidity equal to the active liquidity passes,
/// one unit above is refused. The pool after `b`'s L borrow gets its fragile shares set by
/// hand (another position's L, as if it also borrowed X). Kills `>` → `>=` in
/// `check_fragile_liquidity` and `check_fragile_liquidity → Ok(())` for borrow_liquidity.
#[test]
fn fragile_liquidity_equal_to_active_passes_one_more_is_refused() {
    let (m, b) = fragile_market(10_000_000_000);
    let mut found = false;
    for n in 100_000_000_000u128..100_000_000_050 {
        let (action, before, after, balances, _) = m.apply(b, &borrow_l(n));
        let active = after.active_liquidity();
        let with_fragile = |shares: u128| {
            let mut pool = after;
            pool.fragile_liquidity_shares = shares;
            pool
        };
        // Smallest fragile share count whose 95% assets reach the active liquidity.
        let (mut lo, mut hi) = (0u128, after.shares[TokenKind::DepositL as usize]);
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if with_fragile(mid).fragile_liquidity_assets().unwrap() >= active {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        let at = with_fragile(hi);
        if at.fragile_liquidity_assets().unwrap() != active {
            continue; // floor(·95/100) skipped this value; try the next borrow size
        }
        found = true;
        let ctx = RiskContext { price_range: Some(&RANGE), depth_snapshot: Depth::of(&before), new_risk_paused: false, liquidation: None, saturation: None };
        assert_eq!(verdict(check(&action, &before, &at, &balances, &ctx)), Ok(()), "fragile == active passes");
        let mut over = hi + 1;
        while with_fragile(over).fragile_liquidity_assets().unwrap() == active {
            over += 1;
        }
        assert!(with_fragile(over).fragile_liquidity_assets().unwrap() > active);
        assert_eq!(verdict(check(&action, &before, &with_fragile(over), &balances, &ctx)), refused(DlexError::FragileLiquidityExceeded));
        // The same fragile shares judged against the snapshot: a shallower snapshot refuses.
        let shallow = Depth { active_liquidity: active - 1, ..Depth::of(&before) };
        let ctx = RiskContext { depth_snapshot: shallow, ..ctx };
        assert_eq!(verdict(check(&action, &before, &at, &balances, &ctx)), refused(DlexError::FragileLiquidityExceeded));
        break;
    }
    assert!(found, "no borrow size in the window gave fragile == active exactly");
}

/// Solvency (spec §9.5) refuses with its own error for each way to fail: LTV above 75% after
/// slippage, debt without collateral, debt at or above the pool's liquidity (slippage
/// undefined), and borrowing against a deposit of the same asset.
#[test]
fn insolvent_borrows_are_refused_with_the_exact_error() {
    let mut m = Market::new();
    let b = m.open();
    m.run(b, &RANGE, &deposit(Asset::Y, 10_000_000_000));
    // 9e9 X at sMin (−100 ticks, ×1.22) is ~1.1e10 L of debt against ~8.2e9 L of collateral.
    assert_eq!(m.judge(b, &borrow(Asset::X, 9_000_000_000)), refused(DlexError::LtvTooHigh));
    assert_eq!(m.judge(b, &borrow(Asset::X, 4_000_000_000)), Ok(()));
    let naked = m.open();
    assert_eq!(m.judge(naked, &borrow(Asset::X, 1_000_000)), refused(DlexError::DebtWithoutCollateral));
    let rich = m.open();
    m.run(rich, &RANGE, &deposit(Asset::Y, 10_000_000_000_000));
    // 8.5e11 X is within the lending limit, but at sMin it is ~1.03e12 L of debt: the
    // slippage add-on is undefined once the debt reaches the pool's 1e12 L.
    assert_eq!(m.judge(rich, &borrow(Asset::X, 850_000_000_000)), refused(DlexError::MaxSlippage));
    // Borrowing the asset it deposits is refused by the action with the same-asset error.
    let mut pool = m.pool;
    let mut balances = m.balances(b);
    assert_eq!(verdict(actions::borrow(&mut pool, &mut balances, Asset::Y, 1)), refused(DlexError::CannotBorrowAgainstSameCollateral));
}

/// The 90% lending limit on withdrawals (spec §4.5): a lender's X withdrawal may leave
/// `floor(0.9·rX) + DEPOSIT_X ≥ BORROW_X`, not one share more. Kills `check_lending_limit`
/// removal on the withdraw path.
#[test]
fn withdraw_past_the_lending_limit_is_refused() {
    let mut m = Market::new();
    let lender = m.open();
    let b = m.open();
    m.run(lender, &NARROW, &deposit(Asset::X, 100_000_000_000));
    m.run(b, &NARROW, &deposit(Asset::Y, 40_000_000_000_000));
    m.run(b, &NARROW, &borrow(Asset::X, 940_000_000_000));
    // Debt 940e9 + 470e6 fee; the fee joined DEPOSIT_X as protocol shares (1:1 so far).
    assert_eq!(m.pool.assets[TokenKind::BorrowX as usize], 940_470_000_000);
    assert_eq!(m.pool.assets[TokenKind::DepositX as usize], 100_470_000_000);
    // Needs DEPOSIT_X after ≥ 940_470_000_000 − 900_000_000_000 = 40_470_000_000.
    assert_eq!(m.judge_with(lender, &withdraw(Asset::X, 60_000_000_000), None, None, false), Ok(()));
    assert_eq!(m.judge_with(lender, &withdraw(Asset::X, 60_000_000_001), None, None, false), refused(DlexError::MaxBorrowReached));
}

/// A burn by an indebted position needs the price window (its solvency is checked):
/// `PriceWindowNotReady` without a range; with a range it passes, and a debt-free LP burns
/// without one.
#[test]
fn burn_with_debt_and_no_range_is_refused() {
    let mut m = Market::new();
    let lp2 = m.open();
    m.run(lp2, &RANGE, &mint(100_000_000_000, 100_000_000_000));
    m.run(lp2, &RANGE, &borrow(Asset::X, 1_000_000_000));
    let leg = burn(10_000_000_000);
    assert_eq!(m.judge_with(lp2, &leg, None, None, false), refused(DlexError::PriceWindowNotReady));
    assert_eq!(m.judge(lp2, &leg), Ok(()));
    assert_eq!(m.judge_with(0, &burn(10_000_000_000), None, None, false), Ok(()));
}

/// While new risk is paused, exactly the risk-adding actions are refused with
/// `NewRiskPaused`: borrows, and withdrawals and burns of an indebted position. Mint, deposit,
/// repay, repay_liquidity, swap and a debt-free withdrawal or burn still pass.
#[test]
fn paused_new_risk_refuses_only_risk_adding_actions() {
    let mut m = Market::new();
    let b = m.open();
    let lp2 = m.open();
    let lender = m.open();
    m.run(lender, &RANGE, &deposit(Asset::X, 10_000_000_000));
    m.run(b, &RANGE, &deposit(Asset::Y, 10_000_000_000));
    m.run(b, &RANGE, &deposit(Asset::X, 10_000_000_000));
    m.run(b, &RANGE, &borrow_l(1_000_000_000));
    m.run(lp2, &RANGE, &mint(100_000_000_000, 100_000_000_000));
    m.run(lp2, &RANGE, &borrow(Asset::Y, 1_000_000_000));
    let paused = |m: &Market, who, leg: LegFn| m.judge_with(who, leg, Some(&RANGE), None, true);
    let blocked: [(usize, LegFn); 5] = [
        (b, &borrow_l(1_000_000)),
        (lender, &borrow(Asset::Y, 1_000_000)),
        (b, &withdraw(Asset::Y, 1_000_000)),
        (lp2, &burn(1_000_000_000)),
        (lp2, &borrow(Asset::X, 1_000_000)),
    ];
    for (who, leg) in blocked {
        assert_eq!(m.judge(who, leg), Ok(()), "passes unpaused");
        assert_eq!(paused(&m, who, leg), refused(DlexError::NewRiskPaused));
    }
    let allowed: [(usize, LegFn); 8] = [
        (lender, &mint(1_000_000, 1_000_000)),
        (lender, &deposit(Asset::X, 1_000_000)),
        (lp2, &repay(Asset::Y, 1_000_000)),
        (b, &repay_l(1_000_000)),
        (b, &swap(SwapDirection::XToY, 1_000_000)),
        (lender, &withdraw(Asset::X, 1_000_000)),
        (0, &burn(1_000_000_000)),
        (b, &deposit(Asset::Y, 1_000_000)),
    ];
    for (who, leg) in allowed {
        assert_eq!(paused(&m, who, leg), Ok(()));
    }
    assert!(!adds_risk(&Action::Withdraw { asset: Asset::X }, &m.balances(lender)));
    assert!(adds_risk(&Action::Withdraw { asset: Asset::Y }, &m.balances(b)));
}

/// Every stored amount must stay within 2^112 − 1 (spec §1): one unit above in any reserve,
/// reference, asset total or share total is `AmountTooLarge` for any action, checked before
/// the pause; exactly 2^112 − 1 passes.
#[test]
fn amounts_above_2_pow_112_are_refused() {
    let m = Market::new();
    let before = m.pool;
    let ctx = RiskContext { price_range: Some(&RANGE), depth_snapshot: Depth::of(&before), new_risk_paused: false, liquidation: None, saturation: None };
    let setters: [fn(&mut Pool, u128); 6] = [
        |p, v| p.reserve_x = Reserve(v),
        |p, v| p.reserve_y = Reserve(v),
        |p, v| p.reference_x = ReferenceReserve(v),
        |p, v| p.reference_y = ReferenceReserve(v),
        |p, v| p.assets[TokenKind::DepositY as usize] = v,
        |p, v| p.shares[TokenKind::BorrowX as usize] = v,
    ];
    for set in setters {
        let mut at_max = before;
        set(&mut at_max, MAX_AMOUNT);
        assert_eq!(verdict(check(&Action::Mint, &before, &at_max, &[0; 6], &ctx)), Ok(()));
        let mut over = before;
        set(&mut over, MAX_AMOUNT + 1);
        assert_eq!(verdict(check(&Action::Mint, &before, &over, &[0; 6], &ctx)), refused(DlexError::AmountTooLarge));
        let paused = RiskContext { new_risk_paused: true, ..ctx };
        assert_eq!(verdict(check(&Action::Borrow { asset: Asset::X }, &before, &over, &[0; 6], &paused)), refused(DlexError::AmountTooLarge));
    }
}

// --- (3) the depth snapshot ----------------------------------------------------------------

/// Depth-based limits count min(now, snapshot) (security review H-1): a borrow that passes
/// with the snapshot equal to the pool's depth is refused by the lending limit when the
/// snapshot's reserve is much shallower, and by the slippage add-on when its active liquidity
/// is; a deeper snapshot never lets a refused borrow through. Kills `Depth::floor` returning
/// the pool's own depth, `min` → `max`, and a check that ignores `depth_snapshot`.
#[test]
fn borrow_limits_use_the_shallower_of_now_and_the_snapshot() {
    let mut m = Market::new();
    let b = m.open();
    m.run(b, &RANGE, &deposit(Asset::Y, 20_000_000_000_000));
    let now = Depth::of(&m.pool);
    let leg = borrow(Asset::X, 1_000_000_000);
    assert_eq!(m.judge_with(b, &leg, Some(&RANGE), Some(now), false), Ok(()));
    // Reserve X 1e9 at the snapshot: 90% of it is below the 1.0005e9 debt.
    let shallow_reserve = Depth { reserve_x: 1_000_000_000, ..now };
    assert_eq!(m.judge_with(b, &leg, Some(&RANGE), Some(shallow_reserve), false), refused(DlexError::MaxBorrowReached));
    // Reserve X of exactly the lending limit's need: ceil(1.0005e9 / 0.9) passes, one less not.
    let need = (1_000_500_000u128 * 100).div_ceil(90);
    assert_eq!(m.judge_with(b, &leg, Some(&RANGE), Some(Depth { reserve_x: need, ..now }), false), Ok(()));
    assert_eq!(m.judge_with(b, &leg, Some(&RANGE), Some(Depth { reserve_x: need - 1, ..now }), false), refused(DlexError::MaxBorrowReached));
    // Active liquidity 1e9 at the snapshot: ~1.2e9 L of debt at sMin leaves no slippage room.
    let shallow_active = Depth { active_liquidity: 1_000_000_000, ..now };
    assert_eq!(m.judge_with(b, &leg, Some(&RANGE), Some(shallow_active), false), refused(DlexError::MaxSlippage));
    // Much deeper snapshots do not raise the limits of the pool as it is.
    let deep = Depth { active_liquidity: now.active_liquidity * 10, reserve_x: now.reserve_x * 10, reserve_y: now.reserve_y * 10 };
    let over_limit = borrow(Asset::X, 900_000_000_000);
    assert_eq!(m.judge_with(b, &over_limit, Some(&RANGE), Some(now), false), refused(DlexError::MaxBorrowReached));
    assert_eq!(m.judge_with(b, &over_limit, Some(&RANGE), Some(deep), false), refused(DlexError::MaxBorrowReached));
    // 1.8e12 Y (~1.48e12 L at sMin) against 5e11 X (~6.08e11 L at sMin): the slippage add-on
    // with the pool's 1e12 L breaks 75%; with 1e13 L it would not.
    let c = m.open();
    m.run(c, &RANGE, &deposit(Asset::Y, 1_800_000_000_000));
    let over_ltv = borrow(Asset::X, 500_000_000_000);
    assert_eq!(m.judge_with(c, &over_ltv, Some(&RANGE), Some(now), false), refused(DlexError::LtvTooHigh));
    assert_eq!(m.judge_with(c, &over_ltv, Some(&RANGE), Some(deep), false), refused(DlexError::LtvTooHigh));
    let (_, _, after, balances, _) = m.apply(c, &over_ltv);
    let (s_min, s_max) = RANGE.sqrt_price_bounds().unwrap();
    let user = after.user_assets(&balances).unwrap();
    assert_eq!(math::validate_solvency(user, s_min, s_max, now.active_liquidity), Err(math::MathError::LtvExceeded));
    assert_eq!(math::validate_solvency(user, s_min, s_max, deep.active_liquidity), Ok(()));
    // The L-borrow limit also counts the shallower depth.
    let lb = m.open();
    m.run(lb, &RANGE, &deposit(Asset::X, 20_000_000_000_000));
    m.run(lb, &RANGE, &deposit(Asset::Y, 20_000_000_000_000));
    let l_leg = borrow_l(100_000_000_000);
    assert_eq!(m.judge_with(lb, &l_leg, Some(&RANGE), Some(now), false), Ok(()));
    let shallow = Depth { active_liquidity: 100_000_000_000, reserve_x: 100_000_000_000, reserve_y: 100_000_000_000 };
    assert_eq!(m.judge_with(lb, &l_leg, Some(&RANGE), Some(shallow), false), refused(DlexError::MaxBorrowReached));
}
