//! The IDL-generated client equals the program crate byte for byte: program id, instruction
//! discriminators and data, account metas, account discriminators and layouts, events.

use anchor_lang::{Discriminator, InstructionData, ToAccountMetas};
use dlex_client::dlex as client;

fn key(n: u8) -> anchor_lang::prelude::Pubkey {
    anchor_lang::prelude::Pubkey::new_from_array([n; 32])
}

#[test]
fn program_id_matches() {
    assert_eq!(client::ID, dlex::ID);
}

#[test]
fn instruction_data_matches() {
    let ours = client::client::args::Borrow { asset: client::types::Asset::Y, amount: 123_456 }.data();
    let program = dlex::instruction::Borrow { asset: dlex::actions::Asset::Y, amount: 123_456 }.data();
    assert_eq!(ours, program);
    let ours = client::client::args::RepayLiquidity { liquidity: u128::MAX - 7, max_amount_x: 1, max_amount_y: u64::MAX }.data();
    let program = dlex::instruction::RepayLiquidity { liquidity: u128::MAX - 7, max_amount_x: 1, max_amount_y: u64::MAX }.data();
    assert_eq!(ours, program);
    let ours = client::client::args::SwapExactIn { direction: client::types::SwapDirection::YToX, amount_in: 9, min_amount_out: 8 }.data();
    let program = dlex::instruction::SwapExactIn { direction: dlex::actions::SwapDirection::YToX, amount_in: 9, min_amount_out: 8 }.data();
    assert_eq!(ours, program);
    // The liquidation request, an enum with a struct payload.
    let proposal = client::types::HardLiquidationProposal { repay_l: 1, repay_x: 2, repay_y: 3, seize_l: 4, seize_x: 5, seize_y: u128::MAX };
    let ours = client::client::args::Liquidate { request: client::types::LiquidationRequest::Hard(proposal), max_amount_x: 6, max_amount_y: 7 }.data();
    let program_proposal = dlex::actions::HardLiquidationProposal { repay_l: 1, repay_x: 2, repay_y: 3, seize_l: 4, seize_x: 5, seize_y: u128::MAX };
    let program = dlex::instruction::Liquidate { request: dlex::actions::LiquidationRequest::Hard(program_proposal), max_amount_x: 6, max_amount_y: 7 }.data();
    assert_eq!(ours, program);
    let ours = client::client::args::Liquidate { request: client::types::LiquidationRequest::Leverage, max_amount_x: 0, max_amount_y: 0 }.data();
    let program = dlex::instruction::Liquidate { request: dlex::actions::LiquidationRequest::Leverage, max_amount_x: 0, max_amount_y: 0 }.data();
    assert_eq!(ours, program);
}

#[test]
fn account_metas_match() {
    let ours = client::client::accounts::Liquidate {
        liquidator: key(1),
        pair: key(2),
        mint_x: key(3),
        mint_y: key(4),
        vault_x: key(5),
        vault_y: key(6),
        user_token_x: key(7),
        user_token_y: key(8),
        token_program_x: key(9),
        token_program_y: key(10),
        borrower_position: key(11),
        liquidator_position: key(12),
        event_authority: key(13),
        program: dlex::ID,
    }
    .to_account_metas(None);
    let program = dlex::accounts::Liquidate {
        liquidator: key(1),
        pair: key(2),
        mint_x: key(3),
        mint_y: key(4),
        vault_x: key(5),
        vault_y: key(6),
        user_token_x: key(7),
        user_token_y: key(8),
        token_program_x: key(9),
        token_program_y: key(10),
        borrower_position: key(11),
        liquidator_position: key(12),
        event_authority: key(13),
        program: dlex::ID,
    }
    .to_account_metas(None);
    assert_eq!(ours, program);
}

#[test]
fn accounts_and_events_match() {
    assert_eq!(client::accounts::Pair::DISCRIMINATOR, dlex::state::Pair::DISCRIMINATOR);
    assert_eq!(client::accounts::Position::DISCRIMINATOR, dlex::state::Position::DISCRIMINATOR);
    assert_eq!(client::accounts::Config::DISCRIMINATOR, dlex::state::Config::DISCRIMINATOR);
    assert_eq!(core::mem::size_of::<client::accounts::Pair>(), core::mem::size_of::<dlex::state::Pair>());
    assert_eq!(core::mem::size_of::<client::accounts::Position>(), core::mem::size_of::<dlex::state::Position>());
    // The accounts passed after the named ones, which idl-gen adds to the IDL.
    assert_eq!(client::accounts::Tranche::DISCRIMINATOR, dlex::state::Tranche::DISCRIMINATOR);
    assert_eq!(client::accounts::SaturationTree::DISCRIMINATOR, dlex::state::SaturationTree::DISCRIMINATOR);
    assert_eq!(core::mem::size_of::<client::accounts::Tranche>(), core::mem::size_of::<dlex::state::Tranche>());
    assert_eq!(core::mem::size_of::<client::accounts::SaturationTree>(), core::mem::size_of::<dlex::state::SaturationTree>());
    // A position as the program lays it out reads back field by field through the client.
    let mut position: dlex::state::Position = bytemuck::Zeroable::zeroed();
    position.owner = key(21);
    position.pair = key(22);
    position.shares[4].set(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10);
    position.opened_at = 1_700_000_000;
    let decoded: client::accounts::Position = bytemuck::pod_read_unaligned(bytemuck::bytes_of(&position));
    assert_eq!((decoded.owner, decoded.pair, decoded.opened_at), (key(21), key(22), 1_700_000_000));
    assert_eq!(bytemuck::bytes_of(&decoded.shares[4]), bytemuck::bytes_of(&position.shares[4]));
    assert_eq!(client::events::Liquidated::DISCRIMINATOR, dlex::events::Liquidated::DISCRIMINATOR);
    assert_eq!(client::events::BadDebtBurned::DISCRIMINATOR, dlex::events::BadDebtBurned::DISCRIMINATOR);
}

#[test]
fn emit_cpi_events_decode() {
    use anchor_lang::Event;
    let swapped = dlex::events::Swapped {
        pair: key(1),
        trader: key(2),
        direction: dlex::actions::SwapDirection::YToX,
        amount_in: u64::MAX,
        amount_out: 1,
        fee_bips_q64: (1 << 127) + 3,
        reserve_x: 1_000_000_000_000_000_000_000_000_000_000,
        reserve_y: u128::MAX,
    };
    // What emit_cpi! puts in its self-CPI's instruction data.
    let data = [anchor_lang::event::EVENT_IX_TAG_LE, &swapped.data()].concat();
    let decoded: client::events::Swapped = dlex_client::decode_event_cpi(&data).expect("a Swapped event");
    assert_eq!((decoded.pair, decoded.trader), (key(1), key(2)));
    assert!(matches!(decoded.direction, client::types::SwapDirection::YToX));
    assert_eq!((decoded.amount_in, decoded.amount_out), (u64::MAX, 1));
    assert_eq!((decoded.fee_bips_q64, decoded.reserve_x, decoded.reserve_y), (swapped.fee_bips_q64, swapped.reserve_x, u128::MAX));
    // Without the tag, or as another event, it is not decoded.
    assert!(dlex_client::decode_event_cpi::<client::events::Swapped>(&swapped.data()).is_none());
    assert!(dlex_client::decode_event_cpi::<client::events::Borrowed>(&data).is_none());
}
