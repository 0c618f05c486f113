//! dlex-client: dlex's instructions, accounts, events and types generated from the IDL
//! (`app-idl/dlex.json`, linked as `idls/dlex.json`) with Anchor's `declare_program!`, for Rust
//! services that do not link the program crate. `tests/matches_program.rs` proves its
//! discriminators, instruction data and account layouts equal the program's.

use anchor_lang::prelude::*;

declare_program!(dlex);

/// The first 8 bytes of every `emit_cpi!` inner instruction's data (Anchor's event-CPI tag,
/// e445a52e51cb9a1d).
pub const EVENT_IX_TAG_LE: &[u8] = anchor_lang::event::EVENT_IX_TAG_LE;

/// Decodes event `E` (one of [`dlex::events`]) from the data of an `emit_cpi!` inner
/// instruction to dlex: the event-CPI tag, `E`'s discriminator, then its fields (borsh).
/// `None` if the data is not an event-CPI instruction or not an `E`. dlex emits every event
/// this way, so log-based listeners never see them: read the transaction's inner instructions
/// whose program is [`dlex::ID`].
pub fn decode_event_cpi<E: Discriminator + AnchorDeserialize>(data: &[u8]) -> Option<E> {
    let body = data.strip_prefix(EVENT_IX_TAG_LE)?.strip_prefix(E::DISCRIMINATOR)?;
    E::deserialize(&mut &body[..]).ok()
}
