//! Self-tests of the simulator (spec recipes.md §4.5), run before any figure is reported.
//!
//! 1. (b1) with no lending gives ℓ paths identical to (a) to the last unit. With the fee hook
//!    of `pool::DlexPool` this holds by construction for the swap amounts (both use
//!    `v2_amount_out` on the same reserves); what the test still catches is everything
//!    around them: the program's first mint against V2's, the program's accrual, TWAP and
//!    fee-anchor steps leaving the reserves and DEPOSIT_L alone, `check_k` refusing nothing
//!    V2 accepts, and the arbitrageur choosing identical trades from the two quoters.
//! 2. The daily rows add up to the pools' final state (which can fail): every token the rows
//!    book in and out is in the final reserves, each day's swap fees in L are exactly its
//!    change of DEPOSIT_L assets (without lending nothing else may move ℓ), shares never
//!    change, and each day starts where the previous one ended.
//!
//! Self-tests 2-4 of §4.5 (analytic g_L, the per-instruction replay, the §4.2 table) need
//! the lending layer; see NOTES.md.

use dlex_sim::config::{Config, PoolKind};
use dlex_sim::report::DayRow;
use dlex_sim::run::{self, initial_amounts};

/// A short, busy cell: 2 days of 1-minute steps, 2 orders a minute, σ = 120%.
fn short_config() -> Config {
    let mut config = Config::preset("smoke").unwrap();
    config.run.days = 2;
    config.flow.lambda_per_min = 2.0;
    config.market.sigma = 1.2;
    config
}

fn rows_of(rows: &[DayRow], pool: PoolKind) -> Vec<DayRow> {
    rows.iter().filter(|r| r.pool == pool).cloned().collect()
}

#[test]
fn fixed_fee_dlex_without_lending_equals_v2_to_the_unit() {
    let config = short_config();
    for seed in [1, 2] {
        let result = run::run(&config, seed).unwrap();
        let v2 = rows_of(&result.rows, PoolKind::V2);
        let b1 = rows_of(&result.rows, PoolKind::DlexFixed);
        assert_eq!(v2.len(), 2);
        assert!(v2.iter().all(|r| r.swap_count > 1_000 && r.arb_count > 100), "the cell is busy enough to test something");
        for (a, b) in v2.iter().zip(&b1) {
            assert_eq!(b, &DayRow { pool: PoolKind::DlexFixed, ..a.clone() }, "seed {seed} day {}", a.date);
        }
        let (s_v2, s_b1) = (&result.summaries[0], &result.summaries[1]);
        assert_eq!((s_v2.ell_start, s_v2.ell_end), (s_b1.ell_start, s_b1.ell_end));
        assert_eq!(s_b1.uplift, Some(0.0));
        // (b2) is a different pool on the same flow: the quadratic fee keeps less.
        let b2 = &result.summaries[2];
        assert_eq!(b2.pool, PoolKind::Dlex);
        assert!(b2.ell_end != s_v2.ell_end && b2.apy_l < s_v2.apy_l, "{b2:?}");
    }
}

#[test]
fn daily_rows_add_up_to_the_final_state() {
    let config = short_config();
    let (x0, y0) = initial_amounts(&config);
    let result = run::run(&config, 3).unwrap();
    for kind in [PoolKind::V2, PoolKind::DlexFixed, PoolKind::Dlex] {
        let rows = rows_of(&result.rows, kind);
        let x = u128::from(x0) + rows.iter().map(|r| r.amount_x_in).sum::<u128>() - rows.iter().map(|r| r.amount_x_out).sum::<u128>();
        let y = u128::from(y0) + rows.iter().map(|r| r.amount_y_in).sum::<u128>() - rows.iter().map(|r| r.amount_y_out).sum::<u128>();
        let last = rows.last().unwrap();
        assert_eq!((x, y), (last.reserve_x, last.reserve_y), "{kind:?}");
        for (i, r) in rows.iter().enumerate() {
            assert!(r.swap_fees_token_l > 0 && r.swap_fees_token_x > 0 && r.swap_fees_token_y > 0, "{kind:?} day {i}");
            assert_eq!(r.deposit_l_assets - r.deposit_l_assets_start, r.swap_fees_token_l, "{kind:?} day {i}");
            assert_eq!(r.deposit_l_shares, r.deposit_l_shares_start, "{kind:?} day {i}");
            if i > 0 {
                let prev = &rows[i - 1];
                assert_eq!((r.deposit_l_assets_start, r.deposit_l_shares_start), (prev.deposit_l_assets, prev.deposit_l_shares));
            }
            assert_eq!(r.swaps_refused, 0, "{kind:?} day {i}");
        }
        let summary = result.summaries.iter().find(|s| s.pool == kind).unwrap();
        let fees: u128 = rows.iter().map(|r| r.swap_fees_token_l).sum();
        assert_eq!(summary.ell_end.0 - summary.ell_start.0, fees);
    }
}

#[test]
fn a_seed_is_one_run_whatever_the_threads() {
    let mut config = short_config();
    config.run.days = 1;
    let one = run::run_seeds(&config, &[4, 5, 6], Some(1), &|_| {}).unwrap();
    let many = run::run_seeds(&config, &[4, 5, 6], Some(3), &|_| {}).unwrap();
    for (a, b) in one.iter().zip(&many) {
        assert_eq!(a.seed, b.seed);
        assert_eq!(a.rows, b.rows);
    }
    assert_ne!(one[0].rows, one[1].rows);
}
