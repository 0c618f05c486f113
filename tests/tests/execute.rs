//! `execute` through real transactions (design §4): a leveraged long that no sequence of plain
//! instructions can build opens in one `execute` with only the margin leaving the wallet, and
//! closes in another to the wallet with nothing owing; the bank's balances, shares and events
//! equal the off-chain plan (`dlex_sdk::plan::simulate`, the program's own pipeline); and
//! every bad list is refused with its own error and changes nothing.
//!
//! The pool is `Fixture::with_lent_deep_pool` (10e9 X / 40e9 Y, price 0.25 X per Y; a lender
//! supplies 2e9 X; both TWAP windows filled).

use dlex::actions::{Asset, Leg, SwapDirection};
use dlex::events::{Borrowed, Deposited, LiquidityRepaid, Repaid, Swapped, Withdrawn};
use dlex::state::TokenKind;
use dlex_sdk::bank::decode_event;
use dlex_sdk::{ix, plan};
use dlex_tests::*;
use solana_sdk::instruction::Instruction;

const MARGIN_Y: u64 = 400_000_000;
/// The margin's value in X: a 2× long of Y.
const BORROW_X: u64 = 100_000_000;

/// The long's legs: margin in, borrow X, sell it for Y, deposit that Y. The last deposit is the
/// swap's exact output, read from a simulation of the first three legs.
async fn long_legs(f: &mut Fixture, user: &User) -> Vec<Leg> {
    let head = vec![
        Leg::Deposit { asset: Asset::Y, amount: MARGIN_Y, min_shares: 0 },
        Leg::Borrow { asset: Asset::X, amount: BORROW_X },
        Leg::SwapExactIn { direction: SwapDirection::XToY, amount_in: BORROW_X, min_amount_out: 0 },
    ];
    let (pair, position) = (f.pair().await, f.position(user).await);
    // The first three alone are insolvent, so they are simulated as a plan without the check:
    // only the swap's output is read, from the pool they leave.
    let mut pool = dlex_sdk::quote::pool_at(&pair, f.bank.now()).unwrap().1;
    let mut balances = position.balances();
    let (_, outcome) = dlex::actions::apply_legs(&mut pool, &mut balances, &head, &pair.depth(), i64::MIN, i64::MIN).unwrap();
    let bought = outcome.legs[2].0.flows().y_out;
    let mut legs = head;
    legs.push(Leg::Deposit { asset: Asset::Y, amount: bought, min_shares: 0 });
    legs
}

async fn execute_refused(f: &mut Fixture, user: &User, instruction: Instruction, error: DlexError) {
    let before = f.snapshot(&[user]).await;
    assert_dlex_error(f.bank.send(&[instruction], &[&user.keypair]).await, error);
    assert_eq!(f.snapshot(&[user]).await, before, "a refused execute changes nothing");
}

/// A 2× long of Y opens in one `execute`: only the margin leaves the wallet (the borrowed X
/// is sold inside the pool and the Y bought stays in the vault as a deposit), the position and
/// balances equal the plan, and each leg has its event in order. The same borrow as a plain
/// instruction is refused: before the bought Y is deposited the position is insolvent.
async fn a_leveraged_long_opens_and_closes_in_one_execute_each(flavor: Flavor) {
    let (mut f, _trader) = Fixture::with_lent_deep_pool(flavor, 0).await;
    let keys = f.keys;
    let user = f.user().await;

    // Plain instructions cannot build it: the margin alone does not carry the borrow.
    f.bank.send(&[ix::deposit(&keys, &user.tokens, Asset::Y, MARGIN_Y, 0)], &[&user.keypair]).await.unwrap();
    assert_dlex_error(f.bank.send(&[ix::borrow(&keys, &user.tokens, Asset::X, BORROW_X)], &[&user.keypair]).await, DlexError::LtvTooHigh);
    let shares = f.position(&user).await.share_balance(TokenKind::DepositY);
    f.bank.send(&[ix::withdraw(&keys, &user.tokens, Asset::Y, shares, 0)], &[&user.keypair]).await.unwrap();

    let legs = long_legs(&mut f, &user).await;
    let (pair, position) = (f.pair().await, f.position(&user).await);
    let planned = plan::simulate(&pair, &position, f.bank.now(), false, &legs, 0, -(MARGIN_Y as i64)).expect("the plan passes");
    assert_eq!((planned.outcome.net.x_in, planned.outcome.net.x_out, planned.outcome.net.y_in, planned.outcome.net.y_out), (0, 0, MARGIN_Y, 0));
    let wallet = f.balances(&user).await;
    let events = f.bank.send_with_events(&[ix::execute(&keys, &user.tokens, legs.clone(), 0, -(MARGIN_Y as i64))], &[&user.keypair]).await.unwrap();
    assert_eq!(f.balances(&user).await, (wallet.0, wallet.1 - MARGIN_Y), "only the margin moved");
    let opened = f.position(&user).await;
    assert_eq!(opened.balances(), planned.position.balances(), "the position is the plan's");
    assert!(opened.share_balance(TokenKind::BorrowX) > 0 && opened.share_balance(TokenKind::DepositY) > 0);
    let deposited: Vec<Deposited> = events.iter().filter_map(|e| decode_event(e)).collect();
    let borrowed: Vec<Borrowed> = events.iter().filter_map(|e| decode_event(e)).collect();
    let swapped: Vec<Swapped> = events.iter().filter_map(|e| decode_event(e)).collect();
    assert_eq!(events.len(), 4, "one event per leg");
    assert_eq!(deposited.iter().map(|d| d.amount).collect::<Vec<_>>(), vec![MARGIN_Y, planned.outcome.legs[2].0.flows().y_out]);
    assert_eq!((borrowed[0].asset, borrowed[0].amount), (Asset::X, BORROW_X));
    assert_eq!((swapped[0].amount_in, swapped[0].amount_out), (BORROW_X, planned.outcome.legs[2].0.flows().y_out));
    f.assert_conservation().await;

    // Closing: withdraw every Y share, buy back the whole X debt (exact out), repay it all.
    // Between the withdrawal and the repayment the position owes X with no collateral; the
    // final state owes nothing, so the list passes. The rest of the Y goes to the wallet.
    let (pair, position) = (f.pair().await, f.position(&user).await);
    let report = dlex_sdk::health::position_report(&pair, &position, f.bank.now()).unwrap();
    let debt_x = u64::try_from(report.assets[TokenKind::BorrowX as usize]).unwrap();
    let close = vec![
        Leg::Withdraw { asset: Asset::Y, shares: position.share_balance(TokenKind::DepositY), min_amount: 0 },
        Leg::SwapExactOut { direction: SwapDirection::YToX, amount_out: debt_x, max_amount_in: u64::MAX },
        Leg::Repay { asset: Asset::X, amount: u64::MAX },
    ];
    let planned = plan::simulate(&pair, &position, f.bank.now(), false, &close, 0, 0).expect("the close passes");
    let wallet = f.balances(&user).await;
    let events = f.bank.send_with_events(&[ix::execute(&keys, &user.tokens, close, 0, 0)], &[&user.keypair]).await.unwrap();
    let closed = f.position(&user).await;
    assert_eq!(closed.balances(), [0; 6], "nothing left owing or deposited");
    assert_eq!(f.balances(&user).await, (wallet.0 + planned.outcome.net.x_out, wallet.1 + planned.outcome.net.y_out));
    assert_eq!(planned.outcome.net.x_out, 0, "the exact-out swap bought exactly the debt");
    let repaid: Vec<Repaid> = events.iter().filter_map(|e| decode_event(e)).collect();
    let withdrawn: Vec<Withdrawn> = events.iter().filter_map(|e| decode_event(e)).collect();
    assert_eq!(repaid[0].amount, debt_x);
    assert_eq!(withdrawn.len(), 1);
    assert!(events.iter().all(|e| decode_event::<LiquidityRepaid>(e).is_none()));
    f.assert_conservation().await;
}

#[tokio::test]
async fn a_leveraged_long_opens_and_closes_in_one_execute_each_spl() {
    a_leveraged_long_opens_and_closes_in_one_execute_each(Flavor::SplToken).await;
}

#[tokio::test]
async fn a_leveraged_long_opens_and_closes_in_one_execute_each_token_2022() {
    a_leveraged_long_opens_and_closes_in_one_execute_each(Flavor::Token2022).await;
}

/// Every bad list is refused with its own error and changes nothing: an insolvent plan (the
/// final state judged), an empty list, nine legs, a net payment above the limit, a leg that
/// fails midway after good ones, and a net receipt below the limit.
#[tokio::test]
async fn bad_lists_are_refused_and_change_nothing() {
    let (mut f, _trader) = Fixture::with_lent_deep_pool(Flavor::SplToken, 0).await;
    let keys = f.keys;
    let user = f.user().await;
    let legs = long_legs(&mut f, &user).await;
    let run = |legs: Vec<Leg>, min_net_x: i64, min_net_y: i64| ix::execute(&keys, &user.tokens, legs, min_net_x, min_net_y);

    let mut too_big = legs.clone();
    too_big[1] = Leg::Borrow { asset: Asset::X, amount: 4 * BORROW_X };
    too_big[2] = Leg::SwapExactIn { direction: SwapDirection::XToY, amount_in: 4 * BORROW_X, min_amount_out: 0 };
    too_big[3] = Leg::Deposit { asset: Asset::Y, amount: MARGIN_Y, min_shares: 0 };
    execute_refused(&mut f, &user, run(too_big, i64::MIN, i64::MIN), DlexError::LtvTooHigh).await;
    execute_refused(&mut f, &user, run(vec![], 0, 0), DlexError::EmptyExecute).await;
    let nine = vec![Leg::Deposit { asset: Asset::Y, amount: 1_000, min_shares: 0 }; 9];
    execute_refused(&mut f, &user, run(nine, i64::MIN, i64::MIN), DlexError::TooManyLegs).await;
    execute_refused(&mut f, &user, run(legs.clone(), 0, -(MARGIN_Y as i64) + 1), DlexError::NetTokenLimit).await;
    let midway = vec![Leg::Deposit { asset: Asset::Y, amount: MARGIN_Y, min_shares: 0 }, Leg::Withdraw { asset: Asset::X, shares: 1, min_amount: 0 }];
    execute_refused(&mut f, &user, run(midway, i64::MIN, i64::MIN), DlexError::InsufficientShares).await;
    let greedy = vec![Leg::SwapExactIn { direction: SwapDirection::XToY, amount_in: 1_000_000, min_amount_out: 0 }];
    execute_refused(&mut f, &user, run(greedy, 0, 10_000_000), DlexError::NetTokenLimit).await;

    // Control: the good list with the exact margin as its limit passes.
    f.bank.send(&[run(legs, 0, -(MARGIN_Y as i64))], &[&user.keypair]).await.expect("the good list");
    f.assert_conservation().await;
}

