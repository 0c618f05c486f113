//! dlex-keeper: the liquidation bot that ships with dlex, as a library (the `dlex-keeper`
//! binary, the tests and `dlex demo` use it) and a binary.
//!
//! - [`chain`]: where it reads and sends (the in-process bank or a cluster over JSON-RPC);
//! - [`book`]: the pairs and positions it watches, found with `getProgramAccounts` and kept
//!   current with the changed accounts only;
//! - [`evaluate`]: every position judged with the program's own `queries::PairSnapshot`
//!   (accrual, liquidation range, risk functions), and the liquidatable ones planned with the
//!   SDK's request and exact quote, and valued in X;
//! - [`keeper`]: the round (refresh, evaluate, rank by profit, simulate, send, back-off) and
//!   its log records.

pub mod book;
pub mod chain;
pub mod evaluate;
pub mod keeper;

pub use chain::{Chain, RpcChain};
pub use keeper::{Attempt, Config, Keeper, RoundReport, Status};
