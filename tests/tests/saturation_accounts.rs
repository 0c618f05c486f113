//! The SDK's saturation-account completion (`dlex_sdk::saturation::complete`), the groundwork
//! of the tranche accounts (issue 7): an instruction on an indebted position gets the pair's
//! two saturation indices, the system program, its signer as rent payer and exactly the
//! tranche accounts the program's own walk (`actions::saturation`) reaches; instructions that
//! touch no debt are left as they are.

use dlex::actions::Asset;
use dlex::actions::saturation::tranche_step;
use dlex_sdk::{ix, pda, saturation};
use dlex_tests::*;

#[tokio::test]
async fn an_indebted_positions_instruction_gets_its_tranche_accounts() {
    let (mut f, lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let borrower = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 400_000_000, 0)], &[&borrower.keypair]).await.unwrap();

    // No debt before or after: nothing to add.
    let deposit = ix::deposit(&keys, &borrower.tokens, Asset::Y, 1_000, 0);
    let completed = saturation::complete(&mut f.bank, std::slice::from_ref(&deposit)).await.unwrap();
    assert_eq!(completed, vec![deposit]);
    let mint = ix::mint(&keys, &lp.tokens, 1_000, 4_000, 0);
    assert_eq!(saturation::complete(&mut f.bank, std::slice::from_ref(&mint)).await.unwrap(), vec![mint]);

    f.fill_price_window(&trader).await;
    let borrow = ix::borrow(&keys, &borrower.tokens, Asset::X, 30_000_000);
    let completed = saturation::complete(&mut f.bank, std::slice::from_ref(&borrow)).await.unwrap();
    let extra = &completed[0].accounts[borrow.accounts.len()..];
    assert_eq!(extra[0].pubkey, pda::saturation(keys.pair, 0));
    assert_eq!(extra[1].pubkey, pda::saturation(keys.pair, 1));
    assert_eq!(extra[2].pubkey, anchor_lang::system_program::ID);
    assert_eq!((extra[3].pubkey, extra[3].is_signer, extra[3].is_writable), (borrower.pubkey(), true, true));
    assert!(extra[..2].iter().all(|meta| meta.is_writable));

    // The tranches are the consecutive bands from the one the liquidation ends in, walking
    // up (net X debt), as the program's walk computes them on the accrued pool.
    let pair = f.pair().await;
    let (_, pool) = dlex_sdk::quote::pool_at(&pair, f.bank.now()).unwrap();
    let mut balances = f.position(&borrower).await.balances();
    let mut after = pool;
    dlex::actions::borrow(&mut after, &mut balances, Asset::X, 30_000_000).unwrap();
    let active = pair.depth().floor(&after).active_liquidity;
    let sat = dlex::math::position_saturation(after.user_assets(&balances).unwrap(), active, 85, true).unwrap().expect("net X debt");
    let walk = dlex::math::allocate_saturation::<{ dlex::actions::saturation::MAX_POSITION_TRANCHES }>(&sat, active, 85, &[], None).unwrap();
    let tranches: Vec<_> = extra[4..].iter().map(|meta| meta.pubkey).collect();
    let expected: Vec<_> = (0..walk.count).map(|i| pda::tranche(keys.pair, 0, (walk.last_tranche + tranche_step(0) * i as i32) as i16)).collect();
    let mut sorted_expected = expected.clone();
    sorted_expected.sort();
    let mut sorted = tranches.clone();
    sorted.sort();
    assert_eq!(sorted, sorted_expected, "exactly the bands the walk places saturation in");
    assert!(walk.count >= 1);
}
