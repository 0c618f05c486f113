//! Admin instructions (design §4, §8), one file each, as Raydium cp-swap lays them out.
//!
//! `init_config` is signed by the program's upgrade authority; every other one by the Config's
//! admin (`accept_admin`: by the proposed admin). All of them refuse durable-nonce
//! transactions. None moves funds or loosens a live pair's risk: the admin can redirect future
//! protocol fees, set the TWAP intervals of pairs created later, pause new risk (globally or
//! per pair) and hand the role over in two steps.
#![allow(ambiguous_glob_reexports)]

pub mod accept_admin;
pub mod config_admin;
pub mod init_config;
pub mod propose_admin;
pub mod set_fee_recipient;
pub mod set_new_risk_paused;
pub mod set_pair_defaults;
pub mod set_pair_new_risk_paused;

pub use accept_admin::*;
pub use config_admin::*;
pub use init_config::*;
pub use set_pair_new_risk_paused::*;
