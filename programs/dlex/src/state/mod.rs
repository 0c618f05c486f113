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

/// The IDL lists only the accounts that instructions name. Tranche and saturation-index
/// accounts travel after the named ones, so `tools/idl-gen` adds them from what this test
/// prints under `--features idl-build` (their discriminators and type definitions, as Anchor
/// derives them).
#[cfg(all(test, feature = "idl-build"))]
mod idl_extra_accounts {
    use anchor_lang::idl::types::{IdlAccount, IdlTypeDef};
    use anchor_lang::idl::{serde_json, IdlBuild};
    use anchor_lang::Discriminator;
    use std::collections::BTreeMap;

    fn add<T: IdlBuild + Discriminator>(name: &str, accounts: &mut Vec<IdlAccount>, types: &mut BTreeMap<String, IdlTypeDef>) {
        accounts.push(IdlAccount { name: name.into(), discriminator: T::DISCRIMINATOR.into() });
        if let Some(ty) = T::create_type() {
            types.insert(T::get_full_path(), ty);
        }
        T::insert_types(types);
    }

    #[test]
    fn dlex_idl_extra_accounts() {
        let (mut accounts, mut types) = (Vec::new(), BTreeMap::new());
        add::<super::Tranche>("Tranche", &mut accounts, &mut types);
        add::<super::SaturationTree>("SaturationTree", &mut accounts, &mut types);
        let json = serde_json::json!({ "accounts": accounts, "types": types.into_values().collect::<Vec<_>>() });
        println!("--- dlex idl extra accounts begin ---");
        println!("{json}");
        println!("--- dlex idl extra accounts end ---");
    }
}
