//! dlex-client: dlex's instructions, accounts, events and types generated from the IDL
//! (`app-idl/dlex.json`, linked as `idls/dlex.json`) with Anchor's `declare_program!`, for Rust
//! services that do not link the program crate. `tests/matches_program.rs` proves its
//! discriminators, instruction data and account layouts equal the program's.

use anchor_lang::prelude::*;

declare_program!(dlex);
