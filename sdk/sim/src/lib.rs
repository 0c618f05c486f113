//! `dlex-sim`: the LP-yield simulator of spec recipes.md §4.5 (issue 11).
//!
//! Three pools see one seeded external price path and one order flow:
//! (a) a Uniswap V2 pool with a 0.3% fee to LPs ([`pool::V2Pool`]), (b1) dlex with a fixed
//! 0.3% fee ([`pool::DlexPool`] with [`pool::FeeModel::Fixed`]) and (b2) dlex as it is, with
//! the quadratic fee ([`pool::FeeModel::Program`]). The dlex pools are the program's own
//! in-memory `Pair`, changed only through the program's `actions` (accrual, legs,
//! `risk::check`, store); no dlex formula is written again here. A day loop ([`run`]) records
//! one row per pool and day with the subgraph's column names ([`report`]).
//!
//! Module map: [`config`] (TOML input and presets), [`price`] (seeded GBM with jumps, or a
//! recorded path), [`pool`] (the three pool kinds behind [`pool::Venue`]), [`flow`]
//! (Poisson noise orders), [`arb`] (fee-aware arbitrage to the external price), [`lending`]
//! (the dlex pools' lenders and borrowers through the program's `execute` pipeline, per-step
//! interest accrual, the keeper's liquidations), [`run`] (the step and day loop, Mode A and
//! the routed Mode B), [`report`] (CSV and the per-run summary), [`summary`] (tables across
//! seeds and flow modes), [`plot`] (PNG plots across seeds and flow modes). The verdict the
//! runs gave is in `docs/lp-yield.md`.

pub mod arb;
pub mod config;
pub mod flow;
pub mod lending;
pub mod plot;
pub mod pool;
pub mod price;
pub mod report;
pub mod run;
pub mod summary;
