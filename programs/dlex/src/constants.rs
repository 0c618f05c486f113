//! Seeds, protocol parameters and bounds that are not part of the pure math.
//!
//! The mechanism's own constants (fee curve, tick base, 19/20 buffer …) live in `math`;
//! this file holds what is Solana-specific (PDA seeds, interval bounds, account limits).

/// Seed of the singleton [`crate::state::Config`] PDA.
pub const CONFIG_SEED: &[u8] = b"config";
/// Seed prefix of a [`crate::state::Pair`] PDA: `["pair", mint_x, mint_y]`, mint_x < mint_y.
pub const PAIR_SEED: &[u8] = b"pair";
/// Seed prefix of a vault token account: `["vault", pair, mint]`.
pub const VAULT_SEED: &[u8] = b"vault";
/// Seed prefix of a [`crate::state::Position`] PDA: `["position", pair, owner]`.
pub const POSITION_SEED: &[u8] = b"position";
/// Seed prefix of a [`crate::state::Tranche`] PDA: `["tranche", pair, side, index]`.
pub const TRANCHE_SEED: &[u8] = b"tranche";
/// Seed prefix of a [`crate::state::SaturationTree`] PDA: `["saturation", pair, side]`.
pub const SATURATION_SEED: &[u8] = b"saturation";
/// Side seed of the net-X-debt [`crate::state::SaturationTree`] (`["saturation", pair, [0]]`).
pub const SIDE_NET_X: &[u8] = &[0];
/// Side seed of the net-Y-debt [`crate::state::SaturationTree`] (`["saturation", pair, [1]]`).
pub const SIDE_NET_Y: &[u8] = &[1];
/// Seed of Anchor's event-CPI authority (fixed by `#[event_cpi]`).
pub const EVENT_AUTHORITY_SEED: &[u8] = b"__event_authority";

/// Shortest mid-term TWAP interval a pair may use (design §6 / §8 risk assumption), seconds.
pub const MIN_MID_TERM_INTERVAL_SECONDS: u32 = 8;
/// The long-term interval must be at least this multiple of the mid-term one (spec §8.1).
pub const MIN_LONG_TERM_INTERVAL_FACTOR: u32 = 14;
/// Upper bound on the mid-term interval: one day. Longer windows would leave the price range
/// stale for days and make the swap-only warm-up (51 intervals) absurdly long.
pub const MAX_MID_TERM_INTERVAL_SECONDS: u32 = 86_400;
/// Upper bound on the long-term interval: 60 days (8 intervals = over a year of history).
pub const MAX_LONG_TERM_INTERVAL_SECONDS: u32 = 60 * 86_400;

/// Pair status: every instruction allowed.
pub const PAIR_STATUS_ACTIVE: u8 = 0;
