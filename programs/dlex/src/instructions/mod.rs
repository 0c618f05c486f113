//! One file per instruction: its accounts struct and its handler (design §1). Handlers follow
//! the flow of design §5: load, accrue, apply the action in memory, `risk::check`, then
//! transfer, write back and emit.
#![allow(ambiguous_glob_reexports)]

pub mod admin;
pub mod borrow;
pub mod borrow_liquidity;
pub mod burn;
pub mod close_position;
pub mod collect_protocol_fees;
pub mod common;
pub mod create_accounts;
pub mod create_pair;
pub mod deposit;
pub mod execute;
pub mod liquidate;
pub mod mint;
pub mod open_position;
pub mod repay;
pub mod repay_liquidity;
pub mod saturation_accounts;
pub mod set_saturation_ratio;
pub mod pair_tokens;
pub mod position_health;
pub mod position_legs;
pub mod position_tokens;
pub mod swap_exact_in;
pub mod swap_exact_out;
pub mod swap_route;
pub mod withdraw;

// The #[program] macro needs each accounts struct (and its generated client modules) at the
// crate root; the handlers stay behind their module names.
pub use admin::*;
pub use close_position::*;
pub use collect_protocol_fees::*;
pub use create_pair::*;
pub use liquidate::*;
pub use open_position::*;
pub use pair_tokens::*;
pub use position_health::*;
pub use position_tokens::*;
pub use set_saturation_ratio::*;
pub use swap_exact_in::*;
pub use swap_route::*;
