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

/// A short, busy cell: 2 days of 1-minute steps, 2 orders a minute, σ = 120%, lending off.
fn short_config() -> Config {
    let mut config = Config::preset("smoke").unwrap();
    config.run.days = 2;
    config.run.warmup_days = 0;
    config.flow.lambda_per_min = 2.0;
    config.market.sigma = 1.2;
    config.lending.enabled = false;
    config.flow.mode = dlex_sim::config::FlowMode::A;
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
        assert!(
            v2.iter().all(|r| r.swap_count > 1_000 && r.arb_count > 100),
            "the cell is busy enough to test something"
        );
        for (a, b) in v2.iter().zip(&b1) {
            assert_eq!(
                b,
                &DayRow {
                    pool: PoolKind::DlexFixed,
                    ..a.clone()
                },
                "seed {seed} day {}",
                a.date
            );
        }
        let (s_v2, s_b1) = (&result.summaries[0], &result.summaries[1]);
        assert_eq!(
            (s_v2.ell_start, s_v2.ell_end),
            (s_b1.ell_start, s_b1.ell_end)
        );
        assert_eq!(s_b1.uplift, Some(0.0));
        // (b2) is a different pool on the same flow: the quadratic fee keeps less.
        let b2 = &result.summaries[2];
        assert_eq!(b2.pool, PoolKind::Dlex);
        assert!(
            b2.ell_end != s_v2.ell_end && b2.apy_l < s_v2.apy_l,
            "{b2:?}"
        );
    }
}

#[test]
fn daily_rows_add_up_to_the_final_state() {
    let config = short_config();
    let (x0, y0) = initial_amounts(&config);
    let result = run::run(&config, 3).unwrap();
    for kind in [PoolKind::V2, PoolKind::DlexFixed, PoolKind::Dlex] {
        let rows = rows_of(&result.rows, kind);
        let x = u128::from(x0) + rows.iter().map(|r| r.amount_x_in).sum::<u128>()
            - rows.iter().map(|r| r.amount_x_out).sum::<u128>();
        let y = u128::from(y0) + rows.iter().map(|r| r.amount_y_in).sum::<u128>()
            - rows.iter().map(|r| r.amount_y_out).sum::<u128>();
        let last = rows.last().unwrap();
        assert_eq!((x, y), (last.reserve_x, last.reserve_y), "{kind:?}");
        for (i, r) in rows.iter().enumerate() {
            assert!(
                r.swap_fees_token_l > 0 && r.swap_fees_token_x > 0 && r.swap_fees_token_y > 0,
                "{kind:?} day {i}"
            );
            assert_eq!(
                r.deposit_l_assets - r.deposit_l_assets_start,
                r.swap_fees_token_l,
                "{kind:?} day {i}"
            );
            assert_eq!(
                r.deposit_l_shares, r.deposit_l_shares_start,
                "{kind:?} day {i}"
            );
            if i > 0 {
                let prev = &rows[i - 1];
                assert_eq!(
                    (r.deposit_l_assets_start, r.deposit_l_shares_start),
                    (prev.deposit_l_assets, prev.deposit_l_shares)
                );
            }
            assert_eq!(r.swaps_refused, 0, "{kind:?} day {i}");
        }
        let summary = result.summaries.iter().find(|s| s.pool == kind).unwrap();
        let fees: u128 = rows.iter().map(|r| r.swap_fees_token_l).sum();
        assert_eq!(summary.ell_end.0 - summary.ell_start.0, fees);
    }
}

/// With lending on: each day's change of DEPOSIT_L assets is exactly swap fees + LP interest +
/// the protocol's L fee + the positions' legs (all in L); interest is charged every step; V2
/// is untouched by lending; (b1) and (b2) carry the same lending flows.
#[test]
fn lending_columns_add_up_to_the_pool_state() {
    let mut config = short_config();
    config.lending.enabled = true;
    let result = run::run(&config, 3).unwrap();
    for kind in [PoolKind::DlexFixed, PoolKind::Dlex] {
        let rows = rows_of(&result.rows, kind);
        for (i, r) in rows.iter().enumerate() {
            let change = r.deposit_l_assets as i128 - r.deposit_l_assets_start as i128;
            let booked = (r.swap_fees_token_l + r.lp_interest_token_l + r.protocol_fees_token_l)
                as i128
                + r.lending_legs_token_l
                + r.liquidations_token_l;
            assert_eq!(change, booked, "{kind:?} day {i}");
            assert!(
                r.gross_interest_token_x > 0
                    && r.gross_interest_token_y > 0
                    && r.gross_interest_token_l > 0,
                "{kind:?} day {i}: {r:?}"
            );
            assert!(
                r.lp_interest_token_x > 0 && r.lp_interest_token_y > 0 && r.lp_interest_token_l > 0
            );
            // The protocol keeps ceil(10%) of each gross interest (per accrual, so a little more).
            for (fee, gross) in [
                (r.protocol_fees_token_x, r.gross_interest_token_x),
                (r.protocol_fees_token_y, r.gross_interest_token_y),
                (r.protocol_fees_token_l, r.gross_interest_token_l),
            ] {
                assert!(
                    fee * 10 >= gross && fee * 10 <= gross + 10 * 1440 * 2,
                    "{kind:?} day {i}: fee {fee} of {gross}"
                );
            }
            // LP X interest is what the reserves gained: below the net interest.
            assert!(r.lp_interest_token_x <= r.gross_interest_token_x - r.protocol_fees_token_x);
            assert!(r.deposit_l_shares >= r.deposit_l_shares_start);
            assert!(
                r.lending.utilization.1 > 0.0 && r.lending.rate.1 > 0.0 && r.lending.borrow_l > 0
            );
        }
    }
    for r in rows_of(&result.rows, PoolKind::V2) {
        assert_eq!(
            (
                r.gross_interest_token_l,
                r.lp_interest_token_l,
                r.lending_legs
            ),
            (0, 0, 0)
        );
    }
    let (b1, b2) = (
        rows_of(&result.rows, PoolKind::DlexFixed),
        rows_of(&result.rows, PoolKind::Dlex),
    );
    assert_eq!(b1[0].lending.deposit_x > 0, b2[0].lending.deposit_x > 0);
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

/// Self-test 2 of §4.5: constant price (σ = 0, no jumps), no noise orders, no arbitrage, fixed
/// utilization. DEPOSIT_L assets per share grow at the analytic
/// `g_L = (1 − β)·½(s_X + s_Y) + 0.9·r_L·β` of spec §3.2 (φ = π = 0), `s = 0.9·R(u)·u`,
/// evaluated at every step on the pool's own utilizations (the targets are re-set daily, and
/// the program's saturation mutation of u_L is part of u_L) and integrated over the run.
///
/// Tolerance. The spec's §3.2 says the reserves grow at `s_X`; the program splits X interest
/// at the average reserve of the lending tick, `avgX = reservesAtTick(activeL, tick)`, so they
/// grow at `s_X·avgX/reserveX`: the tick grid (b ≈ 1.00195) makes that factor differ from 1 by
/// up to ~0.2%. The test applies that factor (the §7.4 split as written) and then allows only
/// integer rounding: per 60-s accrual at most 3 units of X and of Y (interest floor, fee ceil,
/// LP share floor) and 6 of L (5·floor, fee ceil), i.e. per year
/// `525_600·(1.5/rX + 1.5/rY + 6/DL)` ≈ 1.4e-6 at this cell, plus the per-second rate floor
/// and the Taylor truncation (< 1e-12 each). The error without the avg factor is reported too.
#[test]
fn constant_price_grows_ell_at_the_analytic_g_l() {
    use dlex_sim::lending;
    use dlex_sim::pool::{DlexPool, FeeModel, Venue};
    let mut config = Config::preset("smoke").unwrap();
    config.market.sigma = 0.0;
    config.market.jumps_per_year = 0.0;
    config.flow.lambda_per_min = 0.0;
    config.arb.enabled = false;
    config.lending.utilization_x = 0.3;
    config.lending.utilization_y = 0.3;
    config.lending.beta = 0.05;
    let days = 10u32;
    let (x0, y0) = initial_amounts(&config);
    let mut now = config.run.start_unix;
    let mut pool = DlexPool::new(&config, FeeModel::Fixed { fee_bips: 30 }, x0, y0, now).unwrap();
    let step = config.run.step_seconds;
    let ell = |p: &DlexPool| {
        let (a, s) = p.ell();
        a as f64 / s as f64
    };
    let spec_rate = |u: f64| {
        if u <= 0.8 {
            0.1 * u
        } else if u <= 0.925 {
            0.08 + 2.0 * (u - 0.8)
        } else {
            0.33 + 20.0 * (u - 0.925)
        }
    };
    // Day 0 sets the positions up; measure from day 1.
    let (mut ln_analytic, mut ln_plain, mut ell_start, mut seconds) =
        (0.0f64, 0.0f64, 0.0f64, 0u64);
    let (mut rounding_bound, mut u_seen) = (0.0f64, (0.0, 0.0, 0.0));
    for day in 0..=days {
        for i in 0..config.steps_per_day() {
            now += step;
            if day >= 1 {
                if day == 1 && i == 0 {
                    ell_start = ell(&pool);
                }
                // The analytic rate over the coming step, from the state it accrues on.
                let p = pool.pair.pool();
                let (u_l, u_x, u_y) = lending::utilizations(&pool.pair);
                u_seen = (u_l, u_x, u_y);
                let (s_x, s_y) = (0.9 * spec_rate(u_x) * u_x, 0.9 * spec_rate(u_y) * u_y);
                let r_l = 5.0 * spec_rate(u_l);
                let dl = p.deposit_l_assets().unwrap().0 as f64;
                let beta = p.assets[dlex::state::TokenKind::BorrowL as usize] as f64 / dl;
                let tick = dlex::math::tick_at_reserves(p.reserve_x.0, p.reserve_y.0).unwrap();
                let (avg_x, avg_y) =
                    dlex::math::reserves_at_tick(p.active_liquidity(), tick).unwrap();
                let (fx, fy) = (
                    avg_x as f64 / p.reserve_x.0 as f64,
                    avg_y as f64 / p.reserve_y.0 as f64,
                );
                let dt = f64::from(step) / 31_536_000.0;
                ln_plain += ((1.0 - beta) * 0.5 * (s_x + s_y) + 0.9 * r_l * beta) * dt;
                ln_analytic += ((1.0 - beta) * 0.5 * (s_x * fx + s_y * fy) + 0.9 * r_l * beta) * dt;
                rounding_bound +=
                    (1.5 / p.reserve_x.0 as f64 + 1.5 / p.reserve_y.0 as f64 + 6.0 / dl)
                        * (1.0 - beta);
                seconds += u64::from(step);
            }
            pool.lending_step(day, now, false).unwrap();
        }
    }
    let years = seconds as f64 / 31_536_000.0;
    let simulated = (ell(&pool) / ell_start).ln() / years;
    let (analytic, plain) = (ln_analytic / years, ln_plain / years);
    let tolerance = rounding_bound / years + 1e-9;
    println!(
        "u_L {:.4} u_X {:.4} u_Y {:.4}: g_L simulated {simulated:.9}/yr, analytic (avg-reserve split) {analytic:.9}/yr, §3.2 as written {plain:.9}/yr; \
         |sim − analytic| = {:.2e}, tolerance {tolerance:.2e}; |sim − §3.2| = {:.2e}",
        u_seen.0,
        u_seen.1,
        u_seen.2,
        (simulated - analytic).abs(),
        (simulated - plain).abs()
    );
    assert!(
        u_seen.1 > 0.05 && u_seen.2 > 0.05 && u_seen.0 > 0.04,
        "the borrowers are in place: {u_seen:?}"
    );
    assert!(simulated > 0.0);
    assert!(
        (simulated - analytic).abs() <= tolerance,
        "{simulated} vs {analytic} (tolerance {tolerance})"
    );
}

/// Self-test 4 of §4.5: the §4.2 table for (b1), β = 0. The table is
/// `U = ½(s_X + s_Y)/φ_V2` with `s = 0.9·R(u)·u` (equal swap fees in both pools, so lending
/// adds the supply rate on top). First the formula is checked against the table's printed
/// cells; then (a) and (b1) run on one flow with lending (β = 0, u targets 0.3), and the
/// uplift the simulation measures must be the formula's at the utilizations the program
/// actually charged (day-end snapshots) and the V2 fee yield of the same run, within the
/// spec's ±2 percentage points. The X/Y borrowers reach u ≈ 0.13, not 0.3 (NOTES.md,
/// "Targets are not reached"), so the table's own rows are reproduced by the formula and the
/// simulation checks the formula at the u it reaches.
#[test]
fn fixed_fee_uplift_reproduces_the_section_4_2_table() {
    use dlex_sim::lending::borrow_rates;
    let supply = |u: f64| 0.9 * borrow_rates((0.0, u, u)).1 * u;
    // The table: u → extra LP yield, U at φ = 5%, 10%, 20%, 30% (all in %).
    // The extra yield is printed to 2 decimals, the tier-2 row to 1.
    let table = [
        (0.30, 0.81, 0.005, [16.0, 8.0, 4.0, 3.0]),
        (0.50, 2.25, 0.005, [45.0, 22.0, 11.0, 8.0]),
        (0.70, 4.41, 0.005, [88.0, 44.0, 22.0, 15.0]),
        (0.80, 5.76, 0.005, [115.0, 58.0, 29.0, 19.0]),
        (0.85, 13.8, 0.05, [275.0, 138.0, 69.0, 46.0]),
    ];
    for (u, extra, half_digit, uplifts) in table {
        let s = supply(u) * 100.0;
        assert!(
            (s - extra).abs() <= half_digit + 1e-9,
            "u {u}: extra {s:.3}% vs table {extra}%"
        );
        for (phi, printed) in [5.0, 10.0, 20.0, 30.0].into_iter().zip(uplifts) {
            // The table prints whole percent.
            assert!(
                (s / phi * 100.0 - printed).abs() <= 0.5 + 1e-9,
                "u {u} φ {phi}%: U {:.2}% vs table {printed}%",
                s / phi * 100.0
            );
        }
    }

    let mut config = Config::preset("smoke").unwrap();
    config.pools = vec![PoolKind::V2, PoolKind::DlexFixed];
    config.flow.mode = dlex_sim::config::FlowMode::A;
    config.run.days = 7;
    config.lending.beta = 0.0;
    for seed in [1, 2] {
        let result = run::run(&config, seed).unwrap();
        let (v2, b1) = (&result.summaries[0], &result.summaries[1]);
        let b1_rows = rows_of(&result.rows, PoolKind::DlexFixed);
        // The days after the setup (day 0 fills the TWAP windows and places the borrowers).
        let charged: Vec<f64> = b1_rows[1..]
            .iter()
            .map(|r| 0.5 * (supply(r.lending.utilization.1) + supply(r.lending.utilization.2)))
            .collect();
        let extra = charged.iter().sum::<f64>() / charged.len() as f64;
        // §4.2 adds rates (U = extra/φ). APY_L compounds, so U = APY_b1/APY_a − 1 carries a
        // factor (1 + φ) at φ ≈ 50%; compare in continuous rates, where adding is exact:
        // g = ln(1 + APY_L), U = (g_b1 − g_a)/g_a against extra/g_a.
        let (g_a, g_b1) = ((1.0 + v2.apy_l).ln(), (1.0 + b1.apy_l).ln());
        let predicted = extra / g_a;
        let measured = (g_b1 - g_a) / g_a;
        println!(
            "seed {seed}: u_X {:.3} u_Y {:.3}, supply rate on reserves {:.3}%/yr, φ_V2 {:.2}%/yr continuous: U predicted {:+.3}%, measured {:+.3}% (APY ratio {:+.3}%)",
            b1.mean_utilization.1,
            b1.mean_utilization.2,
            extra * 100.0,
            g_a * 100.0,
            predicted * 100.0,
            measured * 100.0,
            b1.uplift.unwrap_or(f64::NAN) * 100.0
        );
        assert!(
            b1.mean_utilization.1 > 0.05 && b1.mean_utilization.2 > 0.05,
            "the borrowers are in place: {:?}",
            b1.mean_utilization
        );
        assert!(measured > 0.0, "lending adds yield to (b1)");
        assert!(
            (measured - predicted).abs() <= 0.02,
            "U measured {measured} vs the §4.2 formula {predicted}: the spec allows ±2 pp"
        );
        assert!(
            (measured - predicted).abs() <= 0.1 * predicted,
            "U measured {measured} vs the §4.2 formula {predicted}: more than 10% apart"
        );
    }
}

/// Mode B with a venue dearer than any fill is Mode A: every order the pool can fill is
/// routed to it, so the day rows are equal (the routing only quotes, never changes a pool).
#[test]
fn routed_flow_with_a_dear_venue_is_the_same_flow() {
    let mut config = short_config();
    config.run.days = 1;
    let mut routed = config.clone();
    routed.flow.mode = dlex_sim::config::FlowMode::B;
    routed.flow.external_fee_bips = 10_000.0;
    config.flow.mode = dlex_sim::config::FlowMode::A;
    let (a, b) = (run::run(&config, 3).unwrap(), run::run(&routed, 3).unwrap());
    assert_eq!(a.rows, b.rows);
    assert!(a.rows.iter().all(|r| r.orders_lost == 0));
}

/// Mode B with a free venue: a pool keeps only the orders it fills at no cost against the
/// external price (those arriving on the side its stale price favours); every other order is
/// lost, so the noise traders' total cost on each pool is at most zero.
#[test]
fn routed_flow_with_a_free_venue_keeps_only_free_fills() {
    let mut config = short_config();
    config.run.days = 1;
    config.flow.mode = dlex_sim::config::FlowMode::B;
    config.flow.external_fee_bips = 0.0;
    config.flow.external_impact_bips = 0.0;
    let result = run::run(&config, 4).unwrap();
    for row in &result.rows {
        let noise_fills = row.swap_count - row.arb_count;
        assert!(
            row.orders_lost > 2_000,
            "{:?} lost {}",
            row.pool,
            row.orders_lost
        );
        assert!(
            row.noise_cost_y <= 0.0,
            "{:?}: noise cost {} on {noise_fills} fills",
            row.pool,
            row.noise_cost_y
        );
    }
}

/// A violent cell (σ = 300%, a jump every day or so, borrowers at 60% LTV) makes the keeper
/// liquidate; the day rows still add up: the change of DEPOSIT_L assets is the swap fees, LP
/// interest, protocol L fee, legs and liquidations, to the unit.
#[test]
fn the_keeper_liquidates_and_the_rows_still_add_up() {
    let mut config = Config::preset("smoke").unwrap();
    config.pools = vec![PoolKind::Dlex];
    config.flow.mode = dlex_sim::config::FlowMode::A;
    config.market.sigma = 3.0;
    config.market.jumps_per_year = 300.0;
    config.market.jump_sigma = 0.15;
    config.lending.ltv = 0.6;
    config.lending.borrowers = 5;
    let result = run::run(&config, 1).unwrap();
    let liquidations: u64 = result.rows.iter().map(|r| r.liquidations).sum();
    assert!(liquidations > 0, "the keeper liquidated nothing");
    for r in &result.rows {
        let booked = (r.swap_fees_token_l + r.lp_interest_token_l + r.protocol_fees_token_l)
            as i128
            + r.lending_legs_token_l
            + r.liquidations_token_l;
        assert_eq!(
            r.deposit_l_assets as i128 - r.deposit_l_assets_start as i128,
            booked,
            "day {}",
            r.date
        );
    }
}
