//! Liquidation liveness (design §8): every position the health query calls liquidatable is
//! liquidated by the SDK's builder.
//!
//! Over random pools (sizes 1e8..1e11 X, prices 1/16..16, with or without single-sided
//! lenders), one to four borrowers of every shape (Y deposited / X borrowed, X deposited / Y
//! borrowed, L borrowed against X, Y or both, and cross-margined positions that mint L,
//! deposit one asset and borrow the other and then L), each borrowing 50–100% of what the
//! borrow instruction accepts, then one to three moves: price shocks of random size (2% to
//! 300% of a reserve) and direction, each followed by one mid-term window of small swaps so the
//! liquidation range follows the price, and interest (time warps of a day to three years).
//! Then, for every borrower in turn, as long as `dlex::queries::position_report` (the code the
//! `position_health` instruction runs) says `hard_liquidatable` or `leverage_liquidatable` (at
//! most `MAX_ROUNDS` times):
//! - a solvent position's report has a maximum hard premium of at most 1e4 bips;
//! - `dlex_sdk::liquidation::request_for(&report)` gives a request exactly then;
//! - `liquidate` with it, by a fresh liquidator, succeeds, and equals the SDK's
//!   `liquidation::quote`; a hard premium stays within its maximum; the vaults still hold
//!   reserve + deposits − borrows;
//! - whichever kind the keeper sends (`request_for` picks the one that pays more), the other
//!   works too, on a copy: the report's hard plan (`liquidation::hard_proposal`) whenever the
//!   report says `hard_liquidatable`, the leverage kind whenever it says
//!   `leverage_liquidatable`.
//!
//! The random cases run on the program's pipeline without a bank ([`Sim`]: the handlers' own
//! `actions::run_leg` and `actions::run_liquidation` with every tranche in
//! memory, so tranche capacity and range edges are judged as on chain).
//! Five fixed scenarios (hard; hard into bad debt; leverage after two shocks; leverage of an L
//! borrower by interest alone; a cross-margined position next to a plain borrower after a
//! shock and a year of interest) run through real transactions on the in-process bank ([`Lockstep`]:
//! `dlex_tests::Fixture`, its tranche-aware `limits`, `ix::liquidate`) with the pipeline in
//! lockstep: both hold the same pool after every step, the bank's health report equals the
//! pipeline's, each `Liquidated` event equals the pipeline's outcome and the SDK quote, and the
//! liquidator's token balances move by exactly the event's paid amounts.
//!
//! Case count: 1,000 random scenarios by default; set `DLEX_PROPTEST_CASES` (or, when that is
//! unset, `PROPTEST_CASES`) to change it. The run prints how many liquidations of each kind it
//! made (`--nocapture`) and, at the default count or more, asserts that hard, hard-with-bad-debt
//! and leverage liquidations all occurred.
//!
//! Fixed findings, kept as regression tests at the end, on the pipeline without tranche rules
//! (their scenes predate tranches and hold positions larger than the bound now allows), and
//! their scenes replayed on the bank, where tranches refuse the oversized borrows:
//! - FINDING-1 (liveness): a seized whole DEPOSIT_L was counted after the repayments lifted
//!   it, refusing the keeper's request; now seizure comes first and the request is accepted.
//! - FINDING-2 (safety): fragile liquidity made a solvent position liquidatable at an unbounded
//!   premium; now it is not, and a solvent position's maximum premium is at most 1e4 bips.

use std::sync::atomic::{AtomicUsize, Ordering};

use dlex::actions::saturation::{SaturationStore, TrancheBook};
use dlex::actions::{self, Asset, HardLiquidationProposal, LiquidationOutcome, LiquidationRequest, PositionBook, SaturationContext, SwapAmount, SwapDirection, TokenFlows};
use dlex::errors::DlexError;
use dlex::events::Liquidated;
use dlex::queries::{self, PositionReport};
use dlex::risk::{self, Action, LiquidationKind, RiskContext};
use dlex::state::{Pair, Pool, Position};
use dlex_sdk::bank::decode_event;
use dlex_sdk::{ix, liquidation};
use dlex_sdk::health::largest_passing;
use dlex_tests::{assert_dlex_error, Fixture, Flavor, User, SOLVENT_MAX_PREMIUM_BIPS};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence, TestCaseError, TestRunner};

const DEFAULT_CASES: u32 = 1_000;
/// User indices: the LP, the single-sided lender, then the borrowers.
const LP: usize = 0;
const LENDER: usize = 1;
const FIRST_BORROWER: usize = 2;
const MAX_BORROWERS: usize = 4;
/// A partially liquidated position is liquidated again while the report says so, this often.
const MAX_ROUNDS: usize = 6;
/// Observation intervals per window (the mid-term window fills in 50) and the small swap
/// that ticks each one (as `Fixture::fill_price_window`).
const WINDOW_TICKS: u32 = 50;
const TICK_SWAP: u64 = 10_000;

// ---------------------------------------------------------------------------------------
// Scenarios

/// What a borrower deposits and borrows.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// Deposit Y, borrow X.
    YForX,
    /// Deposit X, borrow Y.
    XForY,
    /// Deposit X, Y or both (`None`), borrow L.
    LBorrower { collateral: Option<Asset> },
    /// Mint L and deposit `deposit`; borrow the other asset, then `l_per_mille` of the L it
    /// may still borrow.
    Cross { deposit: Asset, l_per_mille: u16 },
}

#[derive(Clone, Copy, Debug)]
struct Borrower {
    shape: Shape,
    /// Collateral as per-mille of the pool's initial reserves.
    size_per_mille: u16,
    /// Per-mille of the most the borrow instruction accepts.
    borrow_per_mille: u16,
}

#[derive(Clone, Copy, Debug)]
enum Move {
    /// Sell `per_mille` of the input side's reserve, then one window.
    Shock { direction: SwapDirection, per_mille: u16 },
    /// Let time pass (interest), then optionally one window.
    Interest { seconds: u32, window: bool },
}

#[derive(Clone, Debug)]
struct Scenario {
    pool_x: u64,
    pool_y: u64,
    /// Single-sided deposits of the lender, per-mille of the pool's reserves.
    lend_x_per_mille: u16,
    lend_y_per_mille: u16,
    borrowers: Vec<Borrower>,
    moves: Vec<Move>,
}

/// One step of a scenario, the same for the pipeline and the bank.
#[derive(Clone, Copy, Debug)]
enum Step {
    Mint { user: usize, x: u64, y: u64 },
    Deposit { user: usize, asset: Asset, amount: u64 },
    /// Borrow `per_mille` of the largest amount of X, Y or L (`None`) the instruction accepts.
    BorrowMax { user: usize, debt: Option<Asset>, per_mille: u16 },
    /// Borrow `amount` of X, Y or L (`None`).
    Borrow { user: usize, debt: Option<Asset>, amount: u128 },
    /// Sell `per_mille` of the input side's reserve.
    Shock { direction: SwapDirection, per_mille: u16 },
    /// A swap of exactly `amount` in (what a shock or a window tick resolves to).
    Swap { direction: SwapDirection, amount: u64 },
    /// `WINDOW_TICKS` observation intervals, each with a small swap (alternating directions).
    Window,
    Warp { seconds: u32 },
}

fn part(amount: u64, per_mille: u16) -> u64 {
    (u128::from(amount) * u128::from(per_mille) / 1000) as u64
}

impl Scenario {
    fn users(&self) -> usize {
        FIRST_BORROWER + self.borrowers.len()
    }

    fn borrower_users(&self) -> std::ops::Range<usize> {
        FIRST_BORROWER..self.users()
    }

    fn steps(&self) -> Vec<Step> {
        let mut steps = vec![Step::Mint { user: LP, x: self.pool_x, y: self.pool_y }, Step::Window];
        for (asset, per_mille, reserve) in [(Asset::X, self.lend_x_per_mille, self.pool_x), (Asset::Y, self.lend_y_per_mille, self.pool_y)] {
            if part(reserve, per_mille) > 0 {
                steps.push(Step::Deposit { user: LENDER, asset, amount: part(reserve, per_mille) });
            }
        }
        for (i, b) in self.borrowers.iter().enumerate() {
            let user = FIRST_BORROWER + i;
            let (x, y) = (part(self.pool_x, b.size_per_mille).max(1), part(self.pool_y, b.size_per_mille).max(1));
            let deposit = |asset: Asset| Step::Deposit { user, asset, amount: if asset == Asset::X { x } else { y } };
            let borrow = |debt: Option<Asset>, per_mille: u16| Step::BorrowMax { user, debt, per_mille };
            match b.shape {
                Shape::YForX => steps.extend([deposit(Asset::Y), borrow(Some(Asset::X), b.borrow_per_mille)]),
                Shape::XForY => steps.extend([deposit(Asset::X), borrow(Some(Asset::Y), b.borrow_per_mille)]),
                Shape::LBorrower { collateral } => {
                    match collateral {
                        Some(asset) => steps.push(deposit(asset)),
                        None => steps.extend([deposit(Asset::X), deposit(Asset::Y)]),
                    }
                    steps.push(borrow(None, b.borrow_per_mille));
                }
                Shape::Cross { deposit: asset, l_per_mille } => {
                    let other = if asset == Asset::X { Asset::Y } else { Asset::X };
                    steps.extend([Step::Mint { user, x: x / 2 + 1, y: y / 2 + 1 }, deposit(asset), borrow(Some(other), b.borrow_per_mille), borrow(None, l_per_mille)]);
                }
            }
        }
        for m in &self.moves {
            match *m {
                Move::Shock { direction, per_mille } => steps.extend([Step::Shock { direction, per_mille }, Step::Window]),
                Move::Interest { seconds, window } => {
                    steps.push(Step::Warp { seconds });
                    if window {
                        steps.push(Step::Window);
                    }
                }
            }
        }
        steps
    }
}

fn asset() -> impl Strategy<Value = Asset> {
    prop_oneof![Just(Asset::X), Just(Asset::Y)]
}

fn direction() -> impl Strategy<Value = SwapDirection> {
    prop_oneof![Just(SwapDirection::XToY), Just(SwapDirection::YToX)]
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::YForX),
        Just(Shape::XForY),
        prop_oneof![Just(None), asset().prop_map(Some)].prop_map(|collateral| Shape::LBorrower { collateral }),
        (asset(), 0u16..=1000).prop_map(|(deposit, l_per_mille)| Shape::Cross { deposit, l_per_mille }),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let borrower = (shape(), 10u16..=400, prop_oneof![500u16..=1000, Just(1000u16)])
        .prop_map(|(shape, size_per_mille, borrow_per_mille)| Borrower { shape, size_per_mille, borrow_per_mille });
    let moves = prop_oneof![
        3 => (direction(), prop_oneof![20u16..=500, 500u16..=3000]).prop_map(|(direction, per_mille)| Move::Shock { direction, per_mille }),
        1 => (86_400u32..=94_608_000, any::<bool>()).prop_map(|(seconds, window)| Move::Interest { seconds, window }),
    ];
    (
        100_000_000u64..=100_000_000_000,
        62u64..=16_000,
        prop_oneof![Just(0u16), 0u16..=1000],
        prop_oneof![Just(0u16), 0u16..=1000],
        prop::collection::vec(borrower, 1..=MAX_BORROWERS),
        prop::collection::vec(moves, 1..=3),
    )
        .prop_map(|(pool_x, price_per_mille, lend_x_per_mille, lend_y_per_mille, borrowers, moves)| Scenario {
            pool_x,
            pool_y: (u128::from(pool_x) * u128::from(price_per_mille) / 1000).max(1) as u64,
            lend_x_per_mille,
            lend_y_per_mille,
            borrowers,
            moves,
        })
}

// ---------------------------------------------------------------------------------------
// The pipeline without a bank


/// The most of X, Y or L (`None`) a position with `book` may borrow at `now`: the largest
/// amount `actions::apply_and_judge` (the borrow instruction's leg and `risk::check`) accepts.
fn max_borrow(pair: &Pair, book: &PositionBook, tranches: Option<&TrancheBook>, now: u32, debt: Option<Asset>) -> u128 {
    let mut pair = Box::new(*pair);
    let mut pool = pair.pool();
    if actions::accrue(&mut pair, &mut pool, now).is_err() {
        return 0;
    }
    let limit = match debt {
        Some(Asset::X) => pool.reserve_x.0,
        Some(Asset::Y) => pool.reserve_y.0,
        None => pool.active_liquidity(),
    }
    .min(u128::from(u64::MAX));
    largest_passing(limit, |amount| {
        let mut store = tranches.cloned();
        let mut saturation = store.as_mut().map(|store| SaturationContext { store, allocations: book.allocations, ratio_mag2: book.ratio_mag2 });
        actions::apply_and_judge(&pair, &pool, &book.balances, book.fragile, false, now, saturation.as_mut(), |p, b| match debt {
            Some(asset) => Ok((Action::Borrow { asset }, actions::borrow(p, b, asset, amount as u64)?.flows)),
            None => {
                let out = actions::borrow_liquidity(p, b, amount)?;
                Ok((Action::BorrowLiquidity { debt: out.debt }, out.flows))
            }
        })
        .is_ok()
    })
}

fn tick_direction(i: u32) -> SwapDirection {
    if i.is_multiple_of(2) { SwapDirection::XToY } else { SwapDirection::YToX }
}

/// The reserve a shock of `per_mille` sells into, as an amount.
fn shock_amount(pool: &Pool, direction: SwapDirection, per_mille: u16) -> u64 {
    let reserve = match direction {
        SwapDirection::XToY => pool.reserve_x.0,
        SwapDirection::YToX => pool.reserve_y.0,
    };
    u64::try_from(reserve * u128::from(per_mille) / 1000).unwrap_or(u64::MAX).max(1)
}

/// The handlers' pipeline on plain values: a pair, every user's position, the clock, and the
/// vaults as the sum of token flows.
#[derive(Clone)]
struct Sim {
    pair: Pair,
    books: Vec<PositionBook>,
    /// Every tranche and both indices, as the instructions' tranche accounts hold them;
    /// `None` replays a scene from before tranches existed (tranche rules not judged).
    tranches: Option<TrancheBook>,
    now: u32,
    vault: (u128, u128),
}

impl Sim {
    fn new(users: usize, now: u32) -> Self {
        let mut pair: Pair = bytemuck::Zeroable::zeroed();
        actions::configure_oracle(&mut pair, dlex_tests::MID, dlex_tests::LONG).unwrap();
        Self { pair, books: vec![PositionBook::default(); users], tranches: Some(TrancheBook::default()), now, vault: (0, 0) }
    }

    /// A sim that does not judge tranche capacity or range edges: for the findings' scenes,
    /// found before tranches were enforced, whose positions are larger than the tranche bound
    /// now lets one position be. The defects they pin lived in the liquidation code, which
    /// runs the same either way.
    fn without_tranches(users: usize, now: u32) -> Self {
        Self { tranches: None, ..Self::new(users, now) }
    }

    fn flows(&mut self, flows: TokenFlows) {
        self.vault.0 = self.vault.0 + u128::from(flows.x_in) - u128::from(flows.x_out);
        self.vault.1 = self.vault.1 + u128::from(flows.y_in) - u128::from(flows.y_out);
    }

    fn assert_conservation(&self) {
        let pool = self.pair.pool();
        assert_eq!(self.vault, (pool.expected_vault_x().unwrap(), pool.expected_vault_y().unwrap()), "vaults == reserve + deposits - borrows");
    }

    /// `actions::run_leg` on copies (the position handlers' pipeline, tranches
    /// included); a refused leg changes nothing.
    fn leg(&mut self, user: usize, leg: impl FnOnce(&mut Pool, &mut [u128; 6]) -> anchor_lang::Result<(Action, TokenFlows)>) -> bool {
        let mut pair = self.pair;
        let mut book = self.books[user];
        let mut tranches = self.tranches.clone();
        let mut saturation =
            tranches.as_mut().map(|store| SaturationContext { store, allocations: book.allocations, ratio_mag2: book.ratio_mag2 });
        let Ok((flows, _, allocations)) =
            actions::run_leg(&mut pair, &mut book.balances, &mut book.fragile, self.now, false, saturation.as_mut(), leg)
        else {
            return false;
        };
        if let Some(allocations) = allocations {
            book.allocations = allocations;
        }
        self.pair = pair;
        self.books[user] = book;
        self.tranches = tranches;
        self.flows(flows);
        true
    }

    /// The swap handler's steps.
    fn swap(&mut self, direction: SwapDirection, amount: u64) -> bool {
        let mut pair = self.pair;
        let mut pool = pair.pool();
        if actions::accrue_for_swap(&mut pair, &mut pool, self.now).is_err() {
            return false;
        }
        let before = pool;
        let Ok(flows) = actions::swap(&mut pool, direction, SwapAmount::ExactIn(amount)) else { return false };
        if risk::check(&Action::Swap { direction, flows }, &before, &pool, &[0; 6], &RiskContext::default()).is_err() {
            return false;
        }
        actions::record_price_extreme(&mut pair, &pool, self.now).unwrap();
        pair.store_pool(&pool);
        self.pair = pair;
        self.flows(flows);
        true
    }

    fn apply(&mut self, step: Step) -> bool {
        match step {
            Step::Mint { user, x, y } => self.leg(user, |pool, balances| Ok((Action::Mint, actions::mint_liquidity(pool, balances, x, y)?.flows))),
            Step::Deposit { user, asset, amount } => self.leg(user, |pool, balances| Ok((Action::Deposit { asset }, actions::deposit(pool, balances, asset, amount)?.1))),
            Step::BorrowMax { user, debt, per_mille } => {
                let amount = max_borrow(&self.pair, &self.books[user], self.tranches.as_ref(), self.now, debt) * u128::from(per_mille) / 1000;
                amount > 0 && self.apply(Step::Borrow { user, debt, amount })
            }
            Step::Borrow { user, debt, amount } => {
                self.leg(user, |pool, balances| match debt {
                        Some(asset) => Ok((Action::Borrow { asset }, actions::borrow(pool, balances, asset, amount as u64)?.flows)),
                        None => {
                            let out = actions::borrow_liquidity(pool, balances, amount)?;
                            Ok((Action::BorrowLiquidity { debt: out.debt }, out.flows))
                        }
                    })
            }
            Step::Shock { direction, per_mille } => {
                let amount = shock_amount(&self.pair.pool(), direction, per_mille);
                self.swap(direction, amount)
            }
            Step::Swap { direction, amount } => self.swap(direction, amount),
            Step::Window => {
                for i in 0..WINDOW_TICKS {
                    self.now += dlex_tests::MID;
                    self.swap(tick_direction(i), TICK_SWAP);
                }
                true
            }
            Step::Warp { seconds } => {
                self.now += seconds;
                true
            }
        }
    }

    fn report(&self, user: usize) -> PositionReport {
        queries::position_report_of(&self.pair, &position(&self.books[user]), self.now).expect("the health query answers for every position")
    }

    /// `actions::run_liquidation` of `borrower` by a fresh liquidator with `request`; applied
    /// when accepted.
    fn liquidate(&mut self, borrower: usize, request: LiquidationRequest) -> anchor_lang::Result<LiquidationOutcome> {
        let mut pair = self.pair;
        let mut book = self.books[borrower];
        let mut liquidator = PositionBook::default();
        let mut tranches = self.tranches.clone();
        let store = tranches.as_mut().map(|store| store as &mut dyn SaturationStore);
        let outcome = actions::run_liquidation(&mut pair, &mut book, &mut liquidator, store, self.now, request, u64::MAX, u64::MAX)?;
        self.tranches = tranches;
        for i in 0..3 {
            assert_eq!(liquidator.balances[i], outcome.seized_shares[i], "the liquidator receives exactly the seized shares");
        }
        assert_eq!((outcome.flows.x_out, outcome.flows.y_out), (0, 0));
        self.pair = pair;
        self.books[borrower] = book;
        self.flows(outcome.flows);
        Ok(outcome)
    }
}

fn position(book: &PositionBook) -> Position {
    let mut position: Position = bytemuck::Zeroable::zeroed();
    position.set_balances(&book.balances);
    position.fragile_shares.set(book.fragile);
    position.set_allocations(&book.allocations);
    position.saturation_ratio_mag2 = u8::try_from(book.ratio_mag2).unwrap();
    position
}

// ---------------------------------------------------------------------------------------
// Counting

#[derive(Clone, Copy, Debug)]
enum Stat {
    Hard,
    HardBadDebt,
    Leverage,
    LeverageBadDebt,
    OtherKind,
    /// The hard plan (`liquidation::hard_proposal`) run on a copy wherever the report says
    /// `hard_liquidatable`, and the leverage kind wherever it says `leverage_liquidatable`,
    /// whichever the keeper sends.
    PlanHard,
    PlanHardBadDebt,
    CopyLeverage,
    CopyLeverageBadDebt,
    /// Positions the report called liquidatable (each round counts).
    Liquidatable,
    /// Borrowers still liquidatable after `MAX_ROUNDS` successful liquidations.
    StillLiquidatable,
    /// Borrowers that ended healthy without any liquidation.
    NeverLiquidatable,
}

const STAT_NAMES: [&str; 12] = [
    "hard",
    "hard with bad debt",
    "leverage",
    "leverage with bad debt",
    "other kinds",
    "hard plan on a copy",
    "hard plan on a copy with bad debt",
    "leverage on a copy",
    "leverage on a copy with bad debt",
    "liquidatable reports",
    "still liquidatable after the rounds",
    "never liquidatable",
];

static STATS: [AtomicUsize; 12] = [const { AtomicUsize::new(0) }; 12];

fn count(stat: Stat) {
    STATS[stat as usize].fetch_add(1, Ordering::Relaxed);
}

fn stat(stat: Stat) -> usize {
    STATS[stat as usize].load(Ordering::Relaxed)
}

fn count_outcome(outcome: &LiquidationOutcome) {
    let bad_debt = outcome.bad_debt.is_some();
    count(if outcome.kind == LiquidationKind::Hard {
        if bad_debt { Stat::HardBadDebt } else { Stat::Hard }
    } else if outcome.kind == LiquidationKind::Leverage {
        if bad_debt { Stat::LeverageBadDebt } else { Stat::Leverage }
    } else {
        Stat::OtherKind
    });
}

fn cases() -> u32 {
    dlex_tests::proptest_cases(DEFAULT_CASES)
}

// ---------------------------------------------------------------------------------------
// The property on the pipeline

/// Builds `scenario` on a [`Sim`] and liquidates every borrower the report calls
/// liquidatable, as long as it does (at most `MAX_ROUNDS` times each); see [`liquidate_round`].
/// Returns the sim and every outcome, per borrower.
fn run_liveness(scenario: &Scenario) -> Result<(Sim, Vec<Vec<LiquidationOutcome>>), TestCaseError> {
    let mut sim = Sim::new(scenario.users(), 1_700_000_000);
    for step in scenario.steps() {
        sim.apply(step);
    }
    sim.assert_conservation();
    let mut all = Vec::new();
    for borrower in scenario.borrower_users() {
        let mut outcomes = Vec::new();
        for round in 0..=MAX_ROUNDS {
            match liquidate_round(&mut sim, borrower)? {
                Some(outcome) if round < MAX_ROUNDS => outcomes.push(outcome),
                Some(_) => count(Stat::StillLiquidatable),
                None => {
                    if round == 0 {
                        count(Stat::NeverLiquidatable);
                    }
                    break;
                }
            }
        }
        all.push(outcomes);
    }
    Ok((sim, all))
}

/// One round for `borrower`: the report; the builder's request exactly when the report says
/// liquidatable; the hard plan, on a copy, whenever the report says `hard_liquidatable`; then
/// the request by a fresh liquidator, which must succeed, equal the SDK quote, keep a hard
/// premium within its maximum and keep conservation. `None` when the report says healthy.
/// Every report of a solvent position has a maximum hard premium of at most 1e4 bips (no
/// profitable hard liquidation, never bad debt: FINDING-2).
fn liquidate_round(sim: &mut Sim, borrower: usize) -> Result<Option<LiquidationOutcome>, TestCaseError> {
    let report = sim.report(borrower);
    prop_assert!(
        !report.solvent || report.hard_max_premium_bips <= SOLVENT_MAX_PREMIUM_BIPS,
        "a solvent position has a maximum hard premium of {} bips: {:?}",
        report.hard_max_premium_bips,
        report
    );
    // The debt cap (saturation grown past its allocation) counts too: the keeper sends it
    // when neither hard nor leverage applies.
    let liquidatable = report.hard_liquidatable || report.leverage_liquidatable || report.debt_cap_liquidatable;
    let request = liquidation::request_for(&report);
    prop_assert_eq!(request.is_some(), liquidatable, "the builder and the report disagree: {:?}", report);
    let Some(request) = request else { return Ok(None) };
    count(Stat::Liquidatable);
    let book = sim.books[borrower];
    let failure = |what: &str, request: &LiquidationRequest, error: &anchor_lang::error::Error| {
        TestCaseError::fail(format!(
            "LIVENESS FINDING: the report calls borrower {borrower} liquidatable but {what} fails\n\
             request: {request:?}\nerror: {error:?}\nbalances: {:?}\nreport: {report:?}",
            book.balances
        ))
    };
    let plan = LiquidationRequest::Hard(liquidation::hard_proposal(&report));
    if report.hard_liquidatable {
        match sim.clone().liquidate(borrower, plan) {
            Ok(outcome) => count(if outcome.bad_debt.is_some() { Stat::PlanHardBadDebt } else { Stat::PlanHard }),
            Err(error) => return Err(failure("its hard plan", &plan, &error)),
        }
    }
    if report.leverage_liquidatable {
        let leverage = LiquidationRequest::Leverage;
        match sim.clone().liquidate(borrower, leverage) {
            Ok(outcome) => count(if outcome.bad_debt.is_some() { Stat::CopyLeverageBadDebt } else { Stat::CopyLeverage }),
            Err(error) => return Err(failure("the leverage kind", &leverage, &error)),
        }
    }
    let quoted = liquidation::quote(&sim.pair, &position(&book), &position(&PositionBook::default()), i64::from(sim.now), request);
    let outcome = match sim.liquidate(borrower, request) {
        Ok(outcome) => outcome,
        Err(error) => return Err(failure("the builder's request", &request, &error)),
    };
    prop_assert_eq!(quoted.as_ref().ok(), Some(&outcome), "the SDK quote differs from the liquidation");
    prop_assert_eq!(outcome.kind, request.kind());
    if outcome.kind == LiquidationKind::Hard {
        prop_assert!(outcome.verdict.premium_bips <= outcome.verdict.max_premium_bips);
    }
    sim.assert_conservation();
    count_outcome(&outcome);
    Ok(Some(outcome))
}

#[test]
fn every_liquidatable_position_is_liquidated_by_the_sdk_builder() {
    let cases = cases();
    let persistence = FileFailurePersistence::WithSource("proptest-regressions");
    let config = ProptestConfig { cases, source_file: Some(file!()), failure_persistence: Some(Box::new(persistence)), ..ProptestConfig::default() };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&scenario(), |scenario| run_liveness(&scenario).map(|_| ()));
    let counts: Vec<String> = STAT_NAMES.iter().zip(&STATS).map(|(name, n)| format!("{name}: {}", n.load(Ordering::Relaxed))).collect();
    println!("{cases} scenarios; {}", counts.join(", "));
    if let Err(error) = result {
        panic!("{error}\n{runner}");
    }
    if cases >= DEFAULT_CASES {
        let made = [
            ("hard", stat(Stat::Hard)),
            ("hard with bad debt", stat(Stat::HardBadDebt) + stat(Stat::PlanHardBadDebt)),
            ("leverage", stat(Stat::Leverage) + stat(Stat::LeverageBadDebt) + stat(Stat::CopyLeverage) + stat(Stat::CopyLeverageBadDebt)),
        ];
        for (kind, made) in made {
            assert!(made > 0, "no {kind} liquidation in {cases} scenarios: the property was vacuous for it");
        }
    }
}



// ---------------------------------------------------------------------------------------
// The same scenarios through real transactions

/// A scenario on the in-process bank, with a [`Sim`] in lockstep: every step goes to both, the
/// bank first; the pipeline (tranches included) must accept exactly what the bank accepts,
/// and after every step both hold the same pool.
struct Lockstep {
    f: Fixture,
    trader: User,
    users: Vec<User>,
    sim: Sim,
}

impl Lockstep {
    async fn new(users: usize, flavor: Flavor) -> Self {
        let mut f = Fixture::new(flavor).await;
        let trader = f.user().await;
        let mut list = Vec::new();
        for _ in 0..users {
            list.push(f.user().await);
        }
        let sim = Sim::new(users, u32::try_from(f.bank.now()).unwrap());
        Self { f, trader, users: list, sim }
    }

    async fn assert_same_pool(&mut self, after: &Step) {
        assert_eq!(self.f.pair().await.pool(), self.sim.pair.pool(), "the bank and the pipeline differ after {after:?}");
        assert_eq!(u32::try_from(self.f.bank.now()).unwrap(), self.sim.now);
    }

    /// Sends `step` (resolved to exact amounts) to the bank, then to the sim.
    async fn apply(&mut self, step: Step) -> bool {
        let keys = self.f.keys;
        let resolved = match step {
            Step::BorrowMax { user, debt, per_mille } => {
                let limits = self.f.limits(&self.users[user]).await;
                let max = match debt {
                    Some(Asset::X) => u128::from(limits.max_borrow_x),
                    Some(Asset::Y) => u128::from(limits.max_borrow_y),
                    None => limits.max_borrow_l,
                };
                let amount = max * u128::from(per_mille) / 1000;
                if amount == 0 {
                    return true;
                }
                Step::Borrow { user, debt, amount }
            }
            Step::Shock { direction, per_mille } => Step::Swap { direction, amount: shock_amount(&self.sim.pair.pool(), direction, per_mille) },
            Step::Window => {
                for i in 0..WINDOW_TICKS {
                    self.f.bank.warp_seconds(i64::from(dlex_tests::MID));
                    self.sim.now += dlex_tests::MID;
                    let _ = Box::pin(self.apply(Step::Swap { direction: tick_direction(i), amount: TICK_SWAP })).await;
                }
                return true;
            }
            Step::Warp { seconds } => {
                self.f.bank.warp_seconds(i64::from(seconds));
                self.sim.now += seconds;
                return true;
            }
            other => other,
        };
        let (instruction, signer) = match resolved {
            Step::Mint { user, x, y } => (ix::mint(&keys, &self.users[user].tokens, x, y, 0), user),
            Step::Deposit { user, asset, amount } => (ix::deposit(&keys, &self.users[user].tokens, asset, amount, 0), user),
            Step::Borrow { user, debt: Some(asset), amount } => (ix::borrow(&keys, &self.users[user].tokens, asset, amount as u64), user),
            Step::Borrow { user, debt: None, amount } => (ix::borrow_liquidity(&keys, &self.users[user].tokens, amount, 0, 0), user),
            Step::Swap { direction, amount } => (ix::swap_exact_in(&keys, &self.trader.tokens, direction, amount, 0), usize::MAX),
            _ => unreachable!(),
        };
        let keypair = if signer == usize::MAX { &self.trader.keypair } else { &self.users[signer].keypair };
        let accepted = self.f.bank.send(&[instruction], &[keypair]).await.is_ok();
        if accepted {
            assert!(self.sim.apply(resolved), "the pipeline refuses {resolved:?}, which the bank accepted");
        } else {
            assert!(!self.sim.clone().apply(resolved), "the pipeline accepts {resolved:?}, which the bank refused");
        }
        self.assert_same_pool(&resolved).await;
        accepted
    }

    /// The liveness rounds on the bank: while the health report says liquidatable, a fresh
    /// liquidator sends the builder's request; it must succeed, its `Liquidated` event must be
    /// the pipeline's outcome for the same request, and the liquidator's tokens must fall by
    /// exactly the event's paid amounts. Returns the events per borrower.
    async fn liquidate(&mut self, borrower: usize) -> Vec<Liquidated> {
        let mut events = Vec::new();
        for _ in 0..MAX_ROUNDS {
            let pair = self.f.pair().await;
            let position = self.f.position(&self.users[borrower]).await;
            let now = self.f.bank.now();
            let report = dlex_sdk::health::position_report(&pair, &position, now).unwrap();
            assert_eq!(report, self.sim.report(borrower), "the bank's and the pipeline's reports differ");
            assert!(!report.solvent || report.hard_max_premium_bips <= SOLVENT_MAX_PREMIUM_BIPS, "a solvent position's maximum premium: {report:?}");
            let Some(request) = liquidation::request_for(&report) else { break };
            let liquidator = self.f.user().await;
            let quoted = liquidation::quote(&pair, &position, &self.f.position(&liquidator).await, now, request);
            let tokens = self.f.balances(&liquidator).await;
            let instruction = ix::liquidate(&self.f.keys, &liquidator.tokens, self.users[borrower].pubkey(), request, u64::MAX, u64::MAX);
            let sent = self.f.bank.send_with_events(&[instruction], &[&liquidator.keypair]).await;
            let data = sent.unwrap_or_else(|e| panic!("LIVENESS FINDING on the bank: {request:?} fails: {e:?}\n(SDK quote: {quoted:?})\nreport: {report:?}"));
            let event: Liquidated = decode_event(&data[0]).expect("Liquidated event");
            let outcome = self.sim.liquidate(borrower, request).expect("the pipeline liquidates what the bank liquidated");
            assert_eq!(quoted.ok(), Some(outcome), "the SDK quote is the outcome");
            assert_eq!(
                (event.kind, [event.repaid_l, event.repaid_x, event.repaid_y], [event.seized_l, event.seized_x, event.seized_y]),
                (outcome.kind, outcome.repaid, outcome.seized)
            );
            assert_eq!((event.paid_x, event.paid_y), (outcome.flows.x_in, outcome.flows.y_in));
            assert_eq!((event.premium_bips, event.max_premium_bips, event.bad_debt), (outcome.verdict.premium_bips, outcome.verdict.max_premium_bips, outcome.bad_debt.is_some()));
            assert_eq!(self.f.balances(&liquidator).await, (tokens.0 - event.paid_x, tokens.1 - event.paid_y), "the liquidator paid exactly the event's amounts");
            let received = self.f.position(&liquidator).await.balances();
            assert_eq!(received[..3], outcome.seized_shares, "the liquidator received exactly the seized shares");
            assert_eq!(self.f.position(&self.users[borrower]).await.balances(), self.sim.books[borrower].balances);
            self.f.assert_conservation().await;
            self.assert_same_pool(&Step::Warp { seconds: 0 }).await;
            events.push(event);
        }
        events
    }
}

/// Runs `scenario` on the bank (with the pipeline in lockstep) and liquidates every borrower;
/// returns `(kind, bad debt)` of each liquidation, per borrower.
async fn run_on_bank(scenario: &Scenario, flavor: Flavor) -> Vec<Vec<(LiquidationKind, bool)>> {
    let mut run = Lockstep::new(scenario.users(), flavor).await;
    for step in scenario.steps() {
        run.apply(step).await;
    }
    let mut kinds = Vec::new();
    for borrower in scenario.borrower_users() {
        kinds.push(run.liquidate(borrower).await.iter().map(|e| (e.kind, e.bad_debt)).collect());
    }
    kinds
}

/// A pool of 1e9 X / 4e9 Y with 500e6 X and 2e9 Y lent, one borrower of `shape` with
/// collateral worth a tenth of the pool, borrowing all it may, then one shock.
fn one_borrower(shape: Shape, direction: SwapDirection, shock_per_mille: u16) -> Scenario {
    Scenario {
        pool_x: 1_000_000_000,
        pool_y: 4_000_000_000,
        lend_x_per_mille: 500,
        lend_y_per_mille: 500,
        borrowers: vec![Borrower { shape, size_per_mille: 100, borrow_per_mille: 1000 }],
        moves: vec![Move::Shock { direction, per_mille: shock_per_mille }],
    }
}

#[tokio::test]
async fn bank_hard_liquidation_of_y_collateral_x_debt() {
    let kinds = run_on_bank(&one_borrower(Shape::YForX, SwapDirection::YToX, 300), Flavor::SplToken).await;
    assert_eq!(kinds, [vec![(LiquidationKind::Hard, false)]]);
}

#[tokio::test]
async fn bank_hard_liquidation_into_bad_debt_of_x_collateral_y_debt() {
    let kinds = run_on_bank(&one_borrower(Shape::XForY, SwapDirection::XToY, 450), Flavor::Token2022).await;
    assert_eq!(kinds, [vec![(LiquidationKind::Hard, true)]]);
}

/// Two shocks (the price of X up 2.5× then more): the leverage kind pays more than the hard
/// plan, so the keeper sends it.
#[tokio::test]
async fn bank_leverage_liquidation_after_two_shocks() {
    let mut scenario = one_borrower(Shape::YForX, SwapDirection::YToX, 1500);
    scenario.moves.push(Move::Shock { direction: SwapDirection::YToX, per_mille: 2000 });
    let kinds = run_on_bank(&scenario, Flavor::SplToken).await;
    assert_eq!(kinds, [vec![(LiquidationKind::Leverage, true)]]);
}

/// Interest alone: an L borrower against X and Y, at 98.2% of its limit, left for five years
/// (two warps of ~2.5 years, each followed by a window).
#[tokio::test]
async fn bank_leverage_liquidation_of_an_l_borrower_by_interest() {
    let mut scenario = one_borrower(Shape::LBorrower { collateral: None }, SwapDirection::YToX, 0);
    scenario.borrowers[0] = Borrower { shape: Shape::LBorrower { collateral: None }, size_per_mille: 200, borrow_per_mille: 982 };
    scenario.moves = vec![Move::Interest { seconds: 80_000_000, window: true }, Move::Interest { seconds: 80_000_000, window: true }];
    let kinds = run_on_bank(&scenario, Flavor::Token2022).await;
    assert_eq!(kinds, [vec![(LiquidationKind::Leverage, true)]]);
}

/// A cross-margined position (L minted, Y deposited, X borrowed) and a smaller X borrower,
/// after a shock and a year of interest.
#[tokio::test]
async fn bank_cross_margined_position_after_shock_and_interest() {
    let mut scenario = one_borrower(Shape::Cross { deposit: Asset::Y, l_per_mille: 0 }, SwapDirection::YToX, 300);
    scenario.borrowers.push(Borrower { shape: Shape::YForX, size_per_mille: 50, borrow_per_mille: 800 });
    scenario.moves.push(Move::Interest { seconds: 31_536_000, window: true });
    let kinds = run_on_bank(&scenario, Flavor::SplToken).await;
    assert_eq!(kinds, [vec![(LiquidationKind::Hard, false)], vec![(LiquidationKind::Hard, false)]]);
}

// ---------------------------------------------------------------------------------------
// Regressions: the fixed findings

/// FINDING-1, the keeper's case (minimised by proptest): a pool of 343_381_836 X /
/// 3_082_538_741 Y with 20.8% of its X lent; a cross-margined borrower (L minted, Y deposited,
/// all the X it may borrow) and a Y-collateral X borrower; two shocks selling 2.2× then 2.5×
/// the Y reserve, and two months of interest.
fn finding_1_keeper_scenario() -> Scenario {
    Scenario {
        pool_x: 343_381_836,
        pool_y: 3_082_538_741,
        lend_x_per_mille: 208,
        lend_y_per_mille: 0,
        borrowers: vec![
            Borrower { shape: Shape::Cross { deposit: Asset::Y, l_per_mille: 0 }, size_per_mille: 318, borrow_per_mille: 1000 },
            Borrower { shape: Shape::YForX, size_per_mille: 321, borrow_per_mille: 1000 },
        ],
        moves: vec![
            Move::Shock { direction: SwapDirection::YToX, per_mille: 2184 },
            Move::Shock { direction: SwapDirection::YToX, per_mille: 2455 },
            Move::Interest { seconds: 5_274_527, window: false },
        ],
    }
}

/// FINDING-1, the leverage kind's case (minimised by hand): a price of 1, one cross-margined
/// borrower (L minted from 50e6 X + 50e6 Y, 100e6 Y deposited, 57.2% of its X limit
/// borrowed, then all the L it may borrow), and a shock selling 2e9 Y.
fn finding_1_leverage_scenario() -> Scenario {
    Scenario {
        pool_x: 1_000_000_000,
        pool_y: 1_000_000_000,
        lend_x_per_mille: 0,
        lend_y_per_mille: 0,
        borrowers: vec![Borrower { shape: Shape::Cross { deposit: Asset::Y, l_per_mille: 1000 }, size_per_mille: 100, borrow_per_mille: 572 }],
        moves: vec![Move::Shock { direction: SwapDirection::YToX, per_mille: 2000 }],
    }
}

/// The findings' scenes on the pipeline, without tranche rules (see [`Sim::without_tranches`]).
fn built(scenario: &Scenario) -> Sim {
    let mut sim = Sim::without_tranches(scenario.users(), 1_700_000_000);
    for step in scenario.steps() {
        sim.apply(step);
    }
    sim
}

/// `request` on `borrower` of `sim` by a fresh liquidator: it must be accepted and equal the
/// SDK's quote.
fn accepted(sim: &mut Sim, borrower: usize, request: LiquidationRequest) -> LiquidationOutcome {
    let book = sim.books[borrower];
    let quoted = liquidation::quote(&sim.pair, &position(&book), &position(&PositionBook::default()), i64::from(sim.now), request);
    let outcome = sim.liquidate(borrower, request).unwrap_or_else(|error| panic!("{request:?} is refused: {error:?}\nbalances {:?}", book.balances));
    assert_eq!(quoted.ok(), Some(outcome), "the SDK quote is the outcome");
    outcome
}

/// FINDING-1 (fixed; liveness): a liquidation seizing a whole DEPOSIT_L counted it at the
/// share value after its own repayments (X and Y, then L, rounded up for the pool) had lifted
/// it, a few units above the value the plan or the formula was computed from, so a request at
/// its limit was refused with `LiquidationPremiumTooHigh`. The seizure now happens first, and
/// both requests are accepted, seizing exactly what was planned:
/// - the keeper's case: `request_for` sends the hard plan (repay 17_186_068 X, seize all),
///   at exactly its maximum premium (283_504 bips), and it takes the whole L deposit (163_477_947
///   shares, 244_742_596 L) and the Y deposit, into bad debt;
/// - the leverage kind's case (both kinds apply; `request_for` prefers the hard plan, but a
///   keeper may send the leverage kind the report offers): the formula seizes the whole L
///   deposit, 58_138_135 L, counted at exactly that.
#[test]
fn regression_whole_l_deposit_seizure_after_repayments_is_accepted() {
    let mut sim = built(&finding_1_keeper_scenario());
    let book = sim.books[FIRST_BORROWER];
    let report = sim.report(FIRST_BORROWER);
    assert!(report.hard_liquidatable && book.balances[0] > 0, "{report:?}");
    assert_eq!((report.hard_plan.premium_bips, report.hard_max_premium_bips), (283_504, 283_504), "the plan is at its maximum premium");
    let request = liquidation::request_for(&report).expect("a keeper request");
    assert_eq!(request, LiquidationRequest::Hard(liquidation::hard_proposal(&report)), "the keeper sends the hard plan");
    let outcome = accepted(&mut sim, FIRST_BORROWER, request);
    assert_eq!(outcome.kind, LiquidationKind::Hard);
    assert_eq!(outcome.seized, report.hard_plan.seized, "the planned seizure");
    assert_eq!(outcome.seized_shares, [book.balances[0], 0, book.balances[2]], "the whole L and Y deposits");
    assert_eq!((outcome.seized, outcome.seized_shares), ([244_742_596, 0, 980_247_319], [163_477_947, 0, 980_247_319]));
    // The plan repays 17_186_068 X; the debt shares burned are worth one unit more (rounded
    // up for the pool).
    assert_eq!((outcome.repaid, outcome.repaid_shares, outcome.flows.x_in, outcome.flows.y_in), ([0, 17_186_069, 0], [0, 16_959_234, 0], 17_186_069, 0));
    assert_eq!((outcome.verdict.premium_bips, outcome.verdict.max_premium_bips, outcome.verdict.bad_debt), (283_504, 283_504, true));
    assert!(outcome.bad_debt.is_some() && sim.books[FIRST_BORROWER] == PositionBook::default());

    let mut sim = built(&finding_1_leverage_scenario());
    let book = sim.books[FIRST_BORROWER];
    let report = sim.report(FIRST_BORROWER);
    assert!(report.leverage_liquidatable && book.balances[0] > 0, "{report:?}");
    assert_eq!(report.leverage_amounts, [58_138_135, 0, 100_000_000, 23_598_416, 41_577_586, 0]);
    let outcome = accepted(&mut sim, FIRST_BORROWER, LiquidationRequest::Leverage);
    assert_eq!(outcome.kind, LiquidationKind::Leverage);
    assert_eq!(outcome.seized[..], report.leverage_amounts[..3], "exactly the formula's seizure");
    assert_eq!((outcome.seized, outcome.seized_shares), ([58_138_135, 0, 100_000_000], [49_999_990, 0, 100_000_000]), "the whole L and Y deposits");
    assert_eq!((outcome.repaid, outcome.flows.x_in, outcome.flows.y_in), ([23_598_417, 41_577_587, 0], 50_774_050, 60_554_295));
    assert_eq!((outcome.verdict.premium_bips, outcome.verdict.max_premium_bips, outcome.verdict.bad_debt), (12_157, 21_138, true));
}

/// FINDING-1's keeper scene through real transactions. Its borrowers are larger than the
/// tranche bound lets one position be now, so the bank refuses part of the scene
/// (`TooManyTranches`) and the pipeline in lockstep refuses exactly the same steps; what the
/// bank then calls liquidatable is liquidated by the keeper's request, each `Liquidated`
/// event equal to the pipeline's outcome and the SDK quote (the lockstep run's checks), and
/// afterwards no borrower is liquidatable. The exact FINDING-1 amounts are pinned on the
/// pipeline above.
#[tokio::test]
async fn finding_1_scene_on_the_bank_matches_the_pipeline() {
    let scenario = finding_1_keeper_scenario();
    let mut run = Lockstep::new(scenario.users(), Flavor::SplToken).await;
    let mut refused = Vec::new();
    for step in scenario.steps() {
        if !run.apply(step).await {
            refused.push(step);
        }
    }
    assert!(refused.iter().all(|step| matches!(step, Step::BorrowMax { .. } | Step::Borrow { .. })), "only borrows are refused: {refused:?}");
    for borrower in FIRST_BORROWER..scenario.users() {
        run.liquidate(borrower).await;
        let report = run.sim.report(borrower);
        assert!(!report.hard_liquidatable && !report.leverage_liquidatable, "{report:?}");
    }
}

/// FINDING-2 scene: LP 0 mints 1e9 X / 4e9 Y; LP 1 mints 4e9 X / 16e9 Y and, one window
/// later, borrows 10 X (10e6 units), which makes its whole L fragile; the victim (user 2)
/// deposits 4e9 X and borrows 5.2e9 Y: LTV 48.8% by the health report, solvent.
fn finding_2_steps() -> Vec<Step> {
    vec![
        Step::Mint { user: 0, x: 1_000_000_000, y: 4_000_000_000 },
        Step::Window,
        Step::Mint { user: 1, x: 4_000_000_000, y: 16_000_000_000 },
        Step::Window,
        Step::Borrow { user: 1, debt: Some(Asset::X), amount: 10_000_000 },
        Step::Deposit { user: 2, asset: Asset::X, amount: 4_000_000_000 },
        Step::Borrow { user: 2, debt: Some(Asset::Y), amount: 5_200_000_000 },
    ]
}

/// What FINDING-2's keeper plan sent: repay 6 Y, seize the victim's whole X deposit (the
/// program caps the seizure at the deposit).
const FINDING_2_PLAN: HardLiquidationProposal = HardLiquidationProposal { repay_l: 0, repay_x: 0, repay_y: 6, seize_l: 0, seize_x: u128::MAX, seize_y: 0 };

/// FINDING-2 (fixed; safety): the hard premium's slippage liquidity was active L less fragile
/// L (here ~95% of LP 1's L, fragile once LP 1 borrowed 10 X), the victim's debt exceeded what
/// was left, and its maximum premium was unbounded, so a solvent position (LTV 48.8%) was
/// hard-liquidatable: the keeper's plan repaid 6 Y, took the whole 4e9 X deposit and wrote the
/// 5.2e9 Y debt off. The liquidity is now never reduced by fragile L; the position is not
/// liquidatable: its maximum premium is the curve's value at its liquidation LTV (43.85%: 0),
/// no keeper request is built, and FINDING-2's plan is refused with `PositionNotLiquidatable`,
/// changing nothing.
#[test]
fn regression_fragile_liquidity_cannot_make_a_solvent_position_liquidatable() {
    let mut sim = Sim::without_tranches(3, 1_700_000_000);
    for step in finding_2_steps() {
        assert!(sim.apply(step), "{step:?}");
    }
    assert!(sim.books[1].fragile > 0, "LP 1's liquidity is fragile");
    let report = sim.report(2);
    assert!(report.solvent && report.ltv_bips < 6000, "the victim is healthy: {report:?}");
    assert_eq!(report.hard_max_premium_bips, dlex::math::ltv_to_premium_bips(report.liquidation_ltv_bips), "the curve's value: {report:?}");
    assert!(report.hard_max_premium_bips <= SOLVENT_MAX_PREMIUM_BIPS, "{report:?}");
    assert_eq!((report.ltv_bips, report.liquidation_ltv_bips, report.hard_max_premium_bips), (4877, 4385, 0));
    assert!(!report.hard_liquidatable && !report.leverage_liquidatable, "{report:?}");
    assert_eq!(liquidation::request_for(&report), None, "no keeper request");
    let (mut pair, mut victim, mut liquidator) = (sim.pair, sim.books[2], PositionBook::default());
    let result = actions::run_liquidation(&mut pair, &mut victim, &mut liquidator, None, sim.now, LiquidationRequest::Hard(FINDING_2_PLAN), u64::MAX, u64::MAX);
    assert_eq!(result.expect_err("FINDING-2's plan is refused"), DlexError::PositionNotLiquidatable.into());
    assert_eq!((pair.pool(), victim, liquidator), (sim.pair.pool(), sim.books[2], PositionBook::default()), "a refused liquidation changes nothing");
}

/// FINDING-2's scene through real transactions: LP 1 holds 80% of the pool, so its 10 X
/// borrow, which made its L fragile, is refused on chain now (`TooManyTranches`: its
/// liquidation would need more than the tranche bound of the pool's liquidity), and the pool
/// never holds the fragile liquidity the finding needed. The victim is not liquidatable
/// (no keeper request), and FINDING-2's plan is refused and changes no account.
#[tokio::test]
async fn finding_2_scene_cannot_arise_on_the_bank() {
    let mut run = Lockstep::new(3, Flavor::SplToken).await;
    let steps = finding_2_steps();
    let lp_borrow = steps.iter().position(|step| matches!(step, Step::Borrow { user: 1, .. })).unwrap();
    for (i, step) in steps.into_iter().enumerate() {
        if i == lp_borrow {
            let instruction = ix::borrow(&run.f.keys, &run.users[1].tokens, Asset::X, 10_000_000);
            assert_dlex_error(run.f.bank.send(&[instruction], &[&run.users[1].keypair]).await, DlexError::TooManyTranches);
        }
        run.apply(step).await;
    }
    assert_eq!(run.f.pair().await.fragile_liquidity_shares.get(), 0, "no fragile liquidity");
    assert!(run.liquidate(2).await.is_empty(), "the victim is not liquidatable");
    let liquidator = run.f.user().await;
    let victim = run.users[2].pubkey();
    let owes = dlex::state::has_debt(&run.sim.books[2].balances);
    let before = run.f.snapshot(&[&run.users[2], &liquidator]).await;
    let instruction = ix::liquidate(&run.f.keys, &liquidator.tokens, victim, LiquidationRequest::Hard(FINDING_2_PLAN), u64::MAX, u64::MAX);
    let expected = if owes { DlexError::PositionNotLiquidatable } else { DlexError::NothingToLiquidate };
    assert_dlex_error(run.f.bank.send(&[instruction], &[&liquidator.keypair]).await, expected);
    assert_eq!(run.f.snapshot(&[&run.users[2], &liquidator]).await, before, "a refused liquidation changes nothing");
}
