//! Program-derived addresses of dlex accounts (design §3).

use anchor_lang::prelude::Pubkey;
use dlex::constants::{CONFIG_SEED, EVENT_AUTHORITY_SEED, PAIR_SEED, POSITION_SEED, VAULT_SEED};

pub fn config() -> Pubkey {
    Pubkey::find_program_address(&[CONFIG_SEED], &dlex::ID).0
}

/// Orders two mints the way the program requires (mint_x < mint_y by bytes).
pub fn canonical_mints(a: Pubkey, b: Pubkey) -> (Pubkey, Pubkey) {
    if a.to_bytes() < b.to_bytes() {
        (a, b)
    } else {
        (b, a)
    }
}

/// The pair of two mints, in either order.
pub fn pair(mint_a: Pubkey, mint_b: Pubkey) -> Pubkey {
    let (x, y) = canonical_mints(mint_a, mint_b);
    Pubkey::find_program_address(&[PAIR_SEED, x.as_ref(), y.as_ref()], &dlex::ID).0
}

pub fn vault(pair: Pubkey, mint: Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[VAULT_SEED, pair.as_ref(), mint.as_ref()], &dlex::ID).0
}

pub fn position(pair: Pubkey, owner: Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[POSITION_SEED, pair.as_ref(), owner.as_ref()], &dlex::ID).0
}

/// The saturation index of `pair`'s `side` (0 = net-X debt, 1 = net-Y debt).
pub fn saturation(pair: Pubkey, side: u8) -> Pubkey {
    Pubkey::find_program_address(&[dlex::constants::SATURATION_SEED, pair.as_ref(), &[side]], &dlex::ID).0
}

/// The tranche account of `pair`'s `side` at tranche `index` (a 25-tick band).
pub fn tranche(pair: Pubkey, side: u8, index: i16) -> Pubkey {
    Pubkey::find_program_address(&[dlex::constants::TRANCHE_SEED, pair.as_ref(), &[side], &index.to_le_bytes()], &dlex::ID).0
}

/// The program's ProgramData account under the upgradeable loader (its upgrade authority is
/// the only key that may call `init_config`).
pub fn program_data() -> Pubkey {
    anchor_lang::solana_program::bpf_loader_upgradeable::get_program_data_address(&dlex::ID)
}

/// Anchor's event-CPI authority, an account of every dlex instruction.
pub fn event_authority() -> Pubkey {
    Pubkey::find_program_address(&[EVENT_AUTHORITY_SEED], &dlex::ID).0
}
