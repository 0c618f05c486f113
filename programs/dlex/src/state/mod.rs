//! Account data (Config, Pair, Position, Tranche) and the in-memory pool view the actions use.
//!
//! Zero-copy accounts store 128-bit values as little-endian byte arrays ([`PodU128`]):
//! `u128` has alignment 16 on x86_64 but 8 on SBF, and native-mode account data is only
//! 8-aligned, so a real `u128` field would panic in tests depending on account order.

pub mod config;
pub mod pair;
pub mod pod;
pub mod pool;
pub mod position;
pub mod saturation_index;
pub mod tranche;

pub use config::*;
pub use pair::*;
pub use pod::*;
pub use pool::*;
pub use position::*;
pub use saturation_index::*;
pub use tranche::*;
