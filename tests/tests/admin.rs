//! The admin surface (design §4, §8) and the regressions of security review findings M-1 and
//! L-4, on the in-process bank:
//! - `init_config` only by the program's upgrade authority, with its ProgramData account (L-4);
//! - `create_pair` takes the Config's intervals, so a squatter cannot choose them (M-1, F1);
//! - `set_fee_recipient`, `set_pair_defaults`, `propose_admin` / `accept_admin`,
//!   `set_new_risk_paused`, `set_pair_new_risk_paused`: success with event and stored effect,
//!   wrong signer, bounds, stale proposals, durable-nonce refusal;
//! - the pause of new risk: what it refuses and what it never blocks.
//!
//! Every refusal asserts the exact error and that the accounts it could touch are unchanged.

use anchor_lang::error::ErrorCode as AnchorError;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use dlex::actions::{Asset, SwapDirection};
use dlex::events::{
    AdminAccepted, AdminProposed, ConfigInitialized, FeeRecipientSet, NewRiskPausedSet, PairCreated, PairDefaultsSet, PairNewRiskPausedSet,
};
use dlex::state::{Config, TokenKind};
use dlex_sdk::bank::{advance_nonce_instruction, decode_event, Bank, TOKEN_PROGRAM};
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::{pda, PairKeys};
use dlex_tests::*;
use solana_sdk::account::Account;
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;

// =============================================================================================
// Helpers
// =============================================================================================

async fn config_bytes(bank: &mut Bank) -> Option<Vec<u8>> {
    bank.account(pda::config()).await.map(|a| a.data)
}

async fn config(bank: &mut Bank) -> Config {
    dlex_sdk::decode::config(&config_bytes(bank).await.expect("config exists")).expect("config decodes")
}

/// A bank with the Config (the payer is admin and fee recipient; intervals MID / LONG).
async fn configured_bank() -> Bank {
    let mut bank = Bank::start().await;
    let admin = bank.payer_pubkey();
    bank.send(&[ix::init_config(admin, admin, MID, LONG)], &[]).await.expect("init_config");
    bank
}

/// Sends `ixs`, asserts the exact dlex error and that the Config is byte-for-byte unchanged
/// (or still absent).
async fn assert_config_refused(bank: &mut Bank, ixs: &[Instruction], signers: &[&Keypair], error: DlexError) {
    let before = config_bytes(bank).await;
    assert_dlex_error(bank.send(ixs, signers).await, error);
    assert_eq!(config_bytes(bank).await, before, "a refused instruction changes nothing");
}

/// `ix` with every account meta at `old` pointed at `new` (at least one must be).
fn replace(mut ix: Instruction, old: Pubkey, new: Pubkey) -> Instruction {
    let metas: Vec<_> = ix.accounts.iter_mut().filter(|m| m.pubkey == old).collect();
    assert!(!metas.is_empty(), "no account meta {old} to replace");
    for meta in metas {
        meta.pubkey = new;
    }
    ix
}

/// A system-program transfer (built by hand: the tests crate links no system interface).
fn transfer(from: Pubkey, to: Pubkey, lamports: u64) -> Instruction {
    let mut data = 2u32.to_le_bytes().to_vec(); // SystemInstruction::Transfer
    data.extend_from_slice(&lamports.to_le_bytes());
    let accounts = vec![AccountMeta::new(from, true), AccountMeta::new(to, false)];
    Instruction { program_id: anchor_lang::system_program::ID, accounts, data }
}

/// Sends `ixs` and returns the one event of type `E` they emitted.
async fn send_for_event<E: anchor_lang::AnchorDeserialize + anchor_lang::Discriminator>(
    bank: &mut Bank,
    ixs: &[Instruction],
    signers: &[&Keypair],
) -> E {
    let events = bank.send_with_events(ixs, signers).await.expect("instruction succeeds");
    let mut decoded: Vec<E> = events.iter().filter_map(|e| decode_event::<E>(e)).collect();
    assert_eq!(decoded.len(), 1, "exactly one event of the expected type");
    decoded.remove(0)
}

/// A durable-nonce account of the bank's payer, and the AdvanceNonceAccount instruction that
/// starts every durable-nonce transaction.
async fn advance_nonce(bank: &mut Bank) -> Instruction {
    let payer = bank.payer_pubkey();
    let nonce = bank.create_nonce_account(payer).await.expect("nonce account");
    advance_nonce_instruction(nonce, payer)
}

// =============================================================================================
// L-4: init_config only by the upgrade authority
// =============================================================================================

mod init_config {
    use super::*;

    #[tokio::test]
    async fn upgrade_authority_initializes_the_config() {
        let mut bank = Bank::start().await;
        let authority = bank.payer_pubkey();
        let fee_recipient = Pubkey::new_unique();
        let event: ConfigInitialized = send_for_event(&mut bank, &[ix::init_config(authority, fee_recipient, MID, LONG)], &[]).await;
        assert_eq!((event.admin, event.fee_recipient), (authority, fee_recipient));
        let config = config(&mut bank).await;
        assert_eq!((config.admin, config.fee_recipient), (authority, fee_recipient));
        assert_eq!((config.default_mid_term_interval, config.default_long_term_interval), (MID, LONG));
        assert_eq!((config.new_risk_paused, config.pending_admin), (false, None));
    }

    /// The front-run of L-4: a stranger signs first and would become admin.
    #[tokio::test]
    async fn another_signer_is_refused() {
        let mut bank = Bank::start().await;
        let stranger = bank.new_funded_keypair(1_000_000_000).await;
        let ix = ix::init_config(stranger.pubkey(), stranger.pubkey(), MID, LONG);
        assert_config_refused(&mut bank, &[ix], &[&stranger], DlexError::NotUpgradeAuthority).await;
        assert_eq!(config_bytes(&mut bank).await, None);
    }

    /// Another upgrade authority than the payer: the payer is refused, the authority succeeds.
    #[tokio::test]
    async fn only_the_recorded_upgrade_authority_succeeds() {
        let authority = Keypair::new();
        let mut bank = Bank::start_with_upgrade_authority(Some(authority.pubkey())).await;
        let payer = bank.payer_pubkey();
        assert_config_refused(&mut bank, &[ix::init_config(payer, payer, MID, LONG)], &[], DlexError::NotUpgradeAuthority).await;
        let fund = transfer(payer, authority.pubkey(), 1_000_000_000);
        bank.send(&[fund], &[]).await.expect("fund the authority");
        bank.send(&[ix::init_config(authority.pubkey(), payer, MID, LONG)], &[&authority]).await.expect("the upgrade authority initializes");
        assert_eq!(config(&mut bank).await.admin, authority.pubkey());
    }

    /// An immutable program (no upgrade authority) can never be initialized by anyone.
    #[tokio::test]
    async fn immutable_program_is_refused() {
        let mut bank = Bank::start_with_upgrade_authority(None).await;
        let payer = bank.payer_pubkey();
        assert_config_refused(&mut bank, &[ix::init_config(payer, payer, MID, LONG)], &[], DlexError::NotUpgradeAuthority).await;
        assert_eq!(config_bytes(&mut bank).await, None);
    }

    /// A ProgramData account the attacker controls (loader-owned state, attacker as upgrade
    /// authority) at another address than the program's is refused.
    #[tokio::test]
    async fn program_data_of_another_address_is_refused() {
        let mut bank = Bank::start().await;
        let attacker = bank.new_funded_keypair(1_000_000_000).await;
        let fake = Pubkey::new_unique();
        bank.put_program_data(fake, Some(attacker.pubkey()));
        let ix = replace(ix::init_config(attacker.pubkey(), attacker.pubkey(), MID, LONG), pda::program_data(), fake);
        assert_config_refused(&mut bank, &[ix], &[&attacker], DlexError::InvalidProgramData).await;
        assert_eq!(config_bytes(&mut bank).await, None);
    }

    /// At the right address but not owned by the upgradeable loader.
    #[tokio::test]
    async fn program_data_not_owned_by_the_loader_is_refused() {
        let mut bank = Bank::start().await;
        let payer = bank.payer_pubkey();
        let mut data = 3u32.to_le_bytes().to_vec();
        data.extend_from_slice(&0u64.to_le_bytes());
        data.push(1);
        data.extend_from_slice(payer.as_ref());
        let account = Account { lamports: 1_000_000_000, data, owner: anchor_lang::system_program::ID, executable: false, rent_epoch: 0 };
        bank.put_account(pda::program_data(), account);
        assert_config_refused(&mut bank, &[ix::init_config(payer, payer, MID, LONG)], &[], DlexError::InvalidProgramData).await;
    }

    /// At the right address, loader-owned, but a Buffer (with the payer as authority), not
    /// ProgramData.
    #[tokio::test]
    async fn loader_account_that_is_not_program_data_is_refused() {
        let mut bank = Bank::start().await;
        let payer = bank.payer_pubkey();
        let mut data = 1u32.to_le_bytes().to_vec(); // UpgradeableLoaderState::Buffer
        data.push(1);
        data.extend_from_slice(payer.as_ref());
        data.resize(45, 0);
        let owner = anchor_lang::solana_program::bpf_loader_upgradeable::ID;
        let account = Account { lamports: 1_000_000_000, data, owner, executable: false, rent_epoch: 0 };
        bank.put_account(pda::program_data(), account);
        assert_config_refused(&mut bank, &[ix::init_config(payer, payer, MID, LONG)], &[], DlexError::InvalidProgramData).await;
    }

    #[tokio::test]
    async fn durable_nonce_transaction_is_refused() {
        let mut bank = Bank::start().await;
        let payer = bank.payer_pubkey();
        let advance = advance_nonce(&mut bank).await;
        let ixs = [advance, ix::init_config(payer, payer, MID, LONG)];
        assert_config_refused(&mut bank, &ixs, &[], DlexError::DurableNonceNotAllowed).await;
        assert_eq!(config_bytes(&mut bank).await, None);
    }
}

// =============================================================================================
// M-1: create_pair takes the Config's intervals
// =============================================================================================

mod create_pair {
    use super::*;

    /// F1 reversed: a squatter creates the pair first, but cannot choose its intervals; the
    /// pair gets the Config's (8 s / 112 s), and borrowing opens after 51 mid-term intervals
    /// (the first mint's observation and 50 more), about 7 minutes, not 50 days.
    #[tokio::test]
    async fn squatter_gets_the_config_intervals_and_borrowing_opens_after_the_mid_term_window() {
        let mut bank = configured_bank().await;
        let mint_a = bank.create_mint(TOKEN_PROGRAM, 6, None).await.unwrap();
        let mint_b = bank.create_mint(TOKEN_PROGRAM, 6, None).await.unwrap();
        let squatter = bank.new_funded_keypair(1_000_000_000).await;
        let (squat, keys) = ix::create_pair(squatter.pubkey(), (mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_PROGRAM));
        let created: PairCreated = send_for_event(&mut bank, &[squat], &[&squatter]).await;
        assert_eq!((created.pair, created.mid_term_interval, created.long_term_interval), (keys.pair, MID, LONG));
        let pair = bank.pair(keys.pair).await;
        assert_eq!((pair.mid_term_interval, pair.long_term_interval), (MID, LONG));

        let mut f = Fixture { bank, keys, flavor: Flavor::SplToken };
        let lp = f.user().await;
        let trader = f.user().await;
        let borrower = f.user().await;
        f.bank.send(&[ix::mint(&keys, &lp.tokens, 1_000_000_000, 4_000_000_000, 0)], &[&lp.keypair]).await.unwrap();
        f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 400_000_000, 0)], &[&borrower.keypair]).await.unwrap();
        let early = f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 1_000_000)], &[&borrower.keypair]).await;
        assert_dlex_error(early, DlexError::PriceWindowNotReady);
        let start = f.bank.now();
        f.fill_price_window(&trader).await;
        assert!(f.bank.now() - start <= 50 * i64::from(MID), "the window fills in 50 mid-term intervals");
        f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 1_000_000)], &[&borrower.keypair]).await.expect("borrowing is open");
        assert!(f.position(&borrower).await.share_balance(TokenKind::BorrowX) > 0);
        f.assert_conservation().await;
    }

    /// New defaults apply to pairs created afterwards; an existing pair keeps its intervals
    /// (and every other byte).
    #[tokio::test]
    async fn new_defaults_apply_only_to_pairs_created_later() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let admin = f.bank.payer_pubkey();
        let old_pair = f.bank.account(f.keys.pair).await.unwrap().data;
        f.bank.send(&[ix::set_pair_defaults(admin, 16, 16 * 20)], &[]).await.expect("set_pair_defaults");
        assert_eq!(f.bank.account(f.keys.pair).await.unwrap().data, old_pair, "a live pair keeps its intervals");
        let mint_a = f.bank.create_mint(TOKEN_PROGRAM, 6, None).await.unwrap();
        let mint_b = f.bank.create_mint(TOKEN_PROGRAM, 6, None).await.unwrap();
        let (create, keys) = ix::create_pair(admin, (mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_PROGRAM));
        let created: PairCreated = send_for_event(&mut f.bank, &[create], &[]).await;
        assert_eq!((created.mid_term_interval, created.long_term_interval), (16, 320));
        let pair = f.bank.pair(keys.pair).await;
        assert_eq!((pair.mid_term_interval, pair.long_term_interval), (16, 320));
    }
}

// =============================================================================================
// set_fee_recipient
// =============================================================================================

mod set_fee_recipient {
    use super::*;

    #[tokio::test]
    async fn admin_sets_the_fee_recipient() {
        let mut bank = configured_bank().await;
        let admin = bank.payer_pubkey();
        let recipient = Pubkey::new_unique();
        let event: FeeRecipientSet = send_for_event(&mut bank, &[ix::set_fee_recipient(admin, recipient)], &[]).await;
        assert_eq!((event.admin, event.old_fee_recipient, event.new_fee_recipient), (admin, admin, recipient));
        let config = config(&mut bank).await;
        assert_eq!((config.fee_recipient, config.admin), (recipient, admin));
    }

    /// The new recipient collects: fee shares minted before the change go to it.
    #[tokio::test]
    async fn new_recipient_collects_and_the_old_one_cannot() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let admin = f.bank.payer_pubkey();
        let recipient = f.user().await;
        let old = f.bank.payer_pubkey();
        f.bank.send(&[ix::set_fee_recipient(admin, recipient.pubkey())], &[]).await.expect("set_fee_recipient");
        f.bank.send(&[ix::open_position(old, f.keys.pair)], &[]).await.expect("old recipient's position");
        let pair_before = f.bank.account(f.keys.pair).await.unwrap().data;
        let refused = f.bank.send(&[ix::collect_protocol_fees(old, f.keys.pair)], &[]).await;
        assert_dlex_error(refused, DlexError::NotFeeRecipient);
        assert_eq!(f.bank.account(f.keys.pair).await.unwrap().data, pair_before);
        f.bank.send(&[ix::collect_protocol_fees(recipient.pubkey(), f.keys.pair)], &[&recipient.keypair]).await.expect("new recipient collects");
    }

    #[tokio::test]
    async fn wrong_signer_is_refused() {
        let mut bank = configured_bank().await;
        let intruder = bank.new_funded_keypair(1_000_000_000).await;
        let ix = ix::set_fee_recipient(intruder.pubkey(), intruder.pubkey());
        assert_config_refused(&mut bank, &[ix], &[&intruder], DlexError::NotAdmin).await;
    }

    #[tokio::test]
    async fn durable_nonce_transaction_is_refused() {
        let mut bank = configured_bank().await;
        let admin = bank.payer_pubkey();
        let advance = advance_nonce(&mut bank).await;
        let ixs = [advance, ix::set_fee_recipient(admin, Pubkey::new_unique())];
        assert_config_refused(&mut bank, &ixs, &[], DlexError::DurableNonceNotAllowed).await;
    }
}

// =============================================================================================
// set_pair_defaults
// =============================================================================================

mod set_pair_defaults {
    use super::*;

    #[tokio::test]
    async fn admin_sets_the_defaults() {
        let mut bank = configured_bank().await;
        let admin = bank.payer_pubkey();
        let event: PairDefaultsSet = send_for_event(&mut bank, &[ix::set_pair_defaults(admin, 60, 60 * 14)], &[]).await;
        assert_eq!((event.admin, event.mid_term_interval, event.long_term_interval), (admin, 60, 840));
        let config = config(&mut bank).await;
        assert_eq!((config.default_mid_term_interval, config.default_long_term_interval), (60, 840));
    }

    #[tokio::test]
    async fn bounds_are_inclusive() {
        let mut bank = configured_bank().await;
        let admin = bank.payer_pubkey();
        for (mid, long) in [(8, 112), (86_400, 60 * 86_400)] {
            bank.send(&[ix::set_pair_defaults(admin, mid, long)], &[]).await.expect("interval at a bound");
            let config = config(&mut bank).await;
            assert_eq!((config.default_mid_term_interval, config.default_long_term_interval), (mid, long));
        }
    }

    #[tokio::test]
    async fn wrong_signer_is_refused() {
        let mut bank = configured_bank().await;
        let intruder = bank.new_funded_keypair(1_000_000_000).await;
        let ix = ix::set_pair_defaults(intruder.pubkey(), 86_400, 60 * 86_400);
        assert_config_refused(&mut bank, &[ix], &[&intruder], DlexError::NotAdmin).await;
    }

    #[tokio::test]
    async fn out_of_bounds_intervals_are_refused() {
        let mut bank = configured_bank().await;
        let admin = bank.payer_pubkey();
        let cases = [
            (7, 7 * 14),                 // mid-term below 8 s
            (MID, MID * 14 - 1),         // long-term below 14 × mid-term
            (86_401, 86_401 * 14),       // mid-term above one day
            (MID, 60 * 86_400 + 1),      // long-term above 60 days
            (0, 0),                      // zero
            (u32::MAX, u32::MAX),        // 14 × mid-term overflows
        ];
        for (mid, long) in cases {
            assert_config_refused(&mut bank, &[ix::set_pair_defaults(admin, mid, long)], &[], DlexError::InvalidIntervalConfig).await;
        }
    }
}

// =============================================================================================
// propose_admin / accept_admin
// =============================================================================================

mod admin_transfer {
    use super::*;

    #[tokio::test]
    async fn proposed_admin_accepts_and_takes_over() {
        let mut bank = configured_bank().await;
        let old = bank.payer_pubkey();
        let successor = bank.new_funded_keypair(1_000_000_000).await;
        let proposed: AdminProposed = send_for_event(&mut bank, &[ix::propose_admin(old, successor.pubkey())], &[]).await;
        assert_eq!((proposed.admin, proposed.pending_admin), (old, successor.pubkey()));
        let config_after_proposal = config(&mut bank).await;
        assert_eq!((config_after_proposal.admin, config_after_proposal.pending_admin), (old, Some(successor.pubkey())));

        let accepted: AdminAccepted = send_for_event(&mut bank, &[ix::accept_admin(successor.pubkey())], &[&successor]).await;
        assert_eq!((accepted.old_admin, accepted.new_admin), (old, successor.pubkey()));
        let config_after = config(&mut bank).await;
        assert_eq!((config_after.admin, config_after.pending_admin), (successor.pubkey(), None));
        assert_eq!(config_after.fee_recipient, old, "nothing else changes");

        // The old admin is now refused, the new one acts.
        assert_config_refused(&mut bank, &[ix::set_new_risk_paused(old, true)], &[], DlexError::NotAdmin).await;
        bank.send(&[ix::set_new_risk_paused(successor.pubkey(), true)], &[&successor]).await.expect("new admin acts");
        // The proposal was consumed: accepting again is refused.
        assert_config_refused(&mut bank, &[ix::accept_admin(successor.pubkey())], &[&successor], DlexError::NotPendingAdmin).await;
    }

    #[tokio::test]
    async fn propose_by_a_non_admin_is_refused() {
        let mut bank = configured_bank().await;
        let intruder = bank.new_funded_keypair(1_000_000_000).await;
        let ix = ix::propose_admin(intruder.pubkey(), intruder.pubkey());
        assert_config_refused(&mut bank, &[ix], &[&intruder], DlexError::NotAdmin).await;
    }

    #[tokio::test]
    async fn accept_with_no_proposal_is_refused() {
        let mut bank = configured_bank().await;
        let someone = bank.new_funded_keypair(1_000_000_000).await;
        assert_config_refused(&mut bank, &[ix::accept_admin(someone.pubkey())], &[&someone], DlexError::NotPendingAdmin).await;
        // Not even the admin itself accepts a proposal that does not exist.
        let admin = bank.payer_pubkey();
        assert_config_refused(&mut bank, &[ix::accept_admin(admin)], &[], DlexError::NotPendingAdmin).await;
    }

    #[tokio::test]
    async fn accept_by_a_key_that_is_not_pending_is_refused() {
        let mut bank = configured_bank().await;
        let admin = bank.payer_pubkey();
        let successor = bank.new_funded_keypair(1_000_000_000).await;
        let intruder = bank.new_funded_keypair(1_000_000_000).await;
        bank.send(&[ix::propose_admin(admin, successor.pubkey())], &[]).await.expect("propose");
        assert_config_refused(&mut bank, &[ix::accept_admin(intruder.pubkey())], &[&intruder], DlexError::NotPendingAdmin).await;
        assert_config_refused(&mut bank, &[ix::accept_admin(admin)], &[], DlexError::NotPendingAdmin).await;
    }

    /// A new proposal replaces the old one: the first candidate can no longer accept.
    #[tokio::test]
    async fn replaced_proposal_cannot_be_accepted() {
        let mut bank = configured_bank().await;
        let admin = bank.payer_pubkey();
        let first = bank.new_funded_keypair(1_000_000_000).await;
        let second = bank.new_funded_keypair(1_000_000_000).await;
        bank.send(&[ix::propose_admin(admin, first.pubkey())], &[]).await.expect("first proposal");
        bank.send(&[ix::propose_admin(admin, second.pubkey())], &[]).await.expect("second proposal");
        assert_eq!(config(&mut bank).await.pending_admin, Some(second.pubkey()));
        assert_config_refused(&mut bank, &[ix::accept_admin(first.pubkey())], &[&first], DlexError::NotPendingAdmin).await;
        bank.send(&[ix::accept_admin(second.pubkey())], &[&second]).await.expect("the current proposal is accepted");
        assert_eq!(config(&mut bank).await.admin, second.pubkey());
    }

    #[tokio::test]
    async fn durable_nonce_transactions_are_refused() {
        let mut bank = configured_bank().await;
        let admin = bank.payer_pubkey();
        let advance = advance_nonce(&mut bank).await;
        let ixs = [advance.clone(), ix::propose_admin(admin, admin)];
        assert_config_refused(&mut bank, &ixs, &[], DlexError::DurableNonceNotAllowed).await;
        bank.send(&[ix::propose_admin(admin, admin)], &[]).await.expect("propose outside a nonce transaction");
        let ixs = [advance, ix::accept_admin(admin)];
        assert_config_refused(&mut bank, &ixs, &[], DlexError::DurableNonceNotAllowed).await;
    }
}

// =============================================================================================
// set_new_risk_paused / set_pair_new_risk_paused: the instructions themselves
// =============================================================================================

mod pause_instructions {
    use super::*;

    #[tokio::test]
    async fn admin_pauses_and_resumes_globally() {
        let mut bank = configured_bank().await;
        let admin = bank.payer_pubkey();
        for paused in [true, false] {
            let event: NewRiskPausedSet = send_for_event(&mut bank, &[ix::set_new_risk_paused(admin, paused)], &[]).await;
            assert_eq!((event.admin, event.paused), (admin, paused));
            assert_eq!(config(&mut bank).await.new_risk_paused, paused);
        }
    }

    #[tokio::test]
    async fn global_pause_by_a_non_admin_is_refused() {
        let mut bank = configured_bank().await;
        let intruder = bank.new_funded_keypair(1_000_000_000).await;
        let ix = ix::set_new_risk_paused(intruder.pubkey(), true);
        assert_config_refused(&mut bank, &[ix], &[&intruder], DlexError::NotAdmin).await;
    }

    /// The pair's flag is the only byte that changes.
    #[tokio::test]
    async fn admin_pauses_and_resumes_one_pair() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let admin = f.bank.payer_pubkey();
        let pair = f.keys.pair;
        let before = f.bank.account(pair).await.unwrap().data;
        let event: PairNewRiskPausedSet = send_for_event(&mut f.bank, &[ix::set_pair_new_risk_paused(admin, pair, true)], &[]).await;
        assert_eq!((event.admin, event.pair, event.paused), (admin, pair, true));
        assert_eq!(f.pair().await.new_risk_paused, 1);
        let paused = f.bank.account(pair).await.unwrap().data;
        let changed: Vec<usize> = (0..before.len()).filter(|&i| before[i] != paused[i]).collect();
        assert_eq!(changed.len(), 1, "only the pause flag changes");
        let config_before = config_bytes(&mut f.bank).await;
        let event: PairNewRiskPausedSet = send_for_event(&mut f.bank, &[ix::set_pair_new_risk_paused(admin, pair, false)], &[]).await;
        assert!(!event.paused);
        assert_eq!(f.bank.account(pair).await.unwrap().data, before);
        assert_eq!(config_bytes(&mut f.bank).await, config_before, "the global flag is untouched");
    }

    #[tokio::test]
    async fn pair_pause_by_a_non_admin_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let intruder = f.bank.new_funded_keypair(1_000_000_000).await;
        let before = f.bank.account(f.keys.pair).await.unwrap().data;
        let result = f.bank.send(&[ix::set_pair_new_risk_paused(intruder.pubkey(), f.keys.pair, true)], &[&intruder]).await;
        assert_dlex_error(result, DlexError::NotAdmin);
        assert_eq!(f.bank.account(f.keys.pair).await.unwrap().data, before);
    }

    #[tokio::test]
    async fn pair_pause_in_a_durable_nonce_transaction_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let admin = f.bank.payer_pubkey();
        let advance = advance_nonce(&mut f.bank).await;
        let before = f.bank.account(f.keys.pair).await.unwrap().data;
        let result = f.bank.send(&[advance, ix::set_pair_new_risk_paused(admin, f.keys.pair, true)], &[]).await;
        assert_dlex_error(result, DlexError::DurableNonceNotAllowed);
        assert_eq!(f.bank.account(f.keys.pair).await.unwrap().data, before);
    }

    /// A position instruction cannot dodge the global pause by passing another account as
    /// the Config.
    #[tokio::test]
    async fn position_instruction_with_another_account_as_config_is_refused() {
        let mut f = Fixture::new(Flavor::SplToken).await;
        let user = f.user().await;
        let deposit = ix::deposit(&f.keys, &user.tokens, Asset::X, 1_000, 0);
        let ix = replace(deposit, pda::config(), f.keys.pair);
        let before = f.snapshot(&[&user]).await;
        let result = f.bank.send(&[ix], &[&user.keypair]).await;
        assert_eq!(error_code(result), anchor_code(AnchorError::AccountDiscriminatorMismatch));
        assert_eq!(f.snapshot(&[&user]).await, before);
    }
}

// =============================================================================================
// The pause of new risk: what it refuses, what it never blocks
// =============================================================================================

mod paused {
    use super::*;

    #[derive(Clone, Copy, Debug)]
    enum Scope {
        Pair,
        Global,
    }

    /// A pair with filled price window and:
    /// - `borrower`: Y collateral, some liquidity, and X debt;
    /// - `l_borrower`: Y collateral and L debt;
    /// - `saver`: liquidity and an X deposit, no debt;
    /// - `trader`.
    struct Market {
        f: Fixture,
        borrower: User,
        l_borrower: User,
        saver: User,
        trader: User,
    }

    impl Market {
        async fn new() -> Self {
            let mut f = Fixture::new(Flavor::SplToken).await;
            let keys = f.keys;
            let lp = f.user().await;
            let trader = f.user().await;
            let borrower = f.user().await;
            let l_borrower = f.user().await;
            let saver = f.user().await;
            f.bank.send(&[ix::mint(&keys, &lp.tokens, 1_000_000_000, 4_000_000_000, 0)], &[&lp.keypair]).await.unwrap();
            let seed = [ix::deposit(&keys, &borrower.tokens, Asset::Y, 400_000_000, 0), ix::mint(&keys, &borrower.tokens, 10_000_000, 40_000_000, 0)];
            f.bank.send(&seed, &[&borrower.keypair]).await.unwrap();
            f.bank.send(&[ix::deposit(&keys, &l_borrower.tokens, Asset::Y, 2_000_000_000, 0)], &[&l_borrower.keypair]).await.unwrap();
            let seed = [ix::mint(&keys, &saver.tokens, 10_000_000, 40_000_000, 0), ix::deposit(&keys, &saver.tokens, Asset::X, 50_000_000, 0)];
            f.bank.send(&seed, &[&saver.keypair]).await.unwrap();
            f.fill_price_window(&trader).await;
            f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 20_000_000)], &[&borrower.keypair]).await.expect("borrow X");
            f.bank.send(&[ix::borrow_liquidity(&keys, &l_borrower.tokens, 100_000_000, 0, 0)], &[&l_borrower.keypair]).await.expect("borrow L");
            Self { f, borrower, l_borrower, saver, trader }
        }

        fn keys(&self) -> PairKeys {
            self.f.keys
        }

        async fn pause(&mut self, scope: Scope, paused: bool) {
            let admin = self.f.bank.payer_pubkey();
            let ix = match scope {
                Scope::Pair => ix::set_pair_new_risk_paused(admin, self.f.keys.pair, paused),
                Scope::Global => ix::set_new_risk_paused(admin, paused),
            };
            self.f.bank.send(&[ix], &[]).await.expect("pause");
        }

        /// `ix` by `user` fails with `NewRiskPaused` and nothing changes.
        async fn refused(&mut self, ix: Instruction, user: Who) {
            let Market { f, borrower, l_borrower, saver, trader } = self;
            let signer = match user {
                Who::Borrower => &borrower.keypair,
                Who::LBorrower => &l_borrower.keypair,
                Who::Saver => &saver.keypair,
            };
            let users = [&*borrower, &*l_borrower, &*saver, &*trader];
            let before = f.snapshot(&users).await;
            let result = f.bank.send(&[ix], &[signer]).await;
            assert_dlex_error(result, DlexError::NewRiskPaused);
            assert_eq!(f.snapshot(&users).await, before, "a refused instruction changes nothing");
        }

        async fn allowed(&mut self, ix: Instruction, signer: Who, what: &str) {
            let keypair = match signer {
                Who::Borrower => &self.borrower.keypair,
                Who::LBorrower => &self.l_borrower.keypair,
                Who::Saver => &self.saver.keypair,
            };
            let result = self.f.bank.send(&[ix], &[keypair]).await;
            assert!(result.is_ok(), "{what} is never paused: {result:?}");
            self.f.assert_conservation().await;
        }
    }

    #[derive(Clone, Copy)]
    enum Who {
        Borrower,
        LBorrower,
        Saver,
    }

    fn tokens(m: &Market, who: Who) -> UserTokens {
        match who {
            Who::Borrower => m.borrower.tokens,
            Who::LBorrower => m.l_borrower.tokens,
            Who::Saver => m.saver.tokens,
        }
    }

    async fn pause_refuses_new_risk_only(scope: Scope) {
        let mut m = Market::new().await;
        let keys = m.keys();
        let (b, s) = (tokens(&m, Who::Borrower), tokens(&m, Who::Saver));
        // Control: before the pause, the borrower can borrow more.
        m.allowed(ix::borrow(&keys, &b, Asset::X, 1_000_000), Who::Borrower, "borrow before the pause").await;
        m.pause(scope, true).await;

        // Refused: everything that adds risk.
        m.refused(ix::borrow(&keys, &b, Asset::X, 1_000_000), Who::Borrower).await;
        m.refused(ix::borrow_liquidity(&keys, &b, 1_000_000, 0, 0), Who::Borrower).await;
        m.refused(ix::borrow_liquidity(&keys, &s, 1_000_000, 0, 0), Who::Saver).await;
        let position = m.f.position(&m.borrower).await;
        let (collateral, liquidity) = (position.share_balance(TokenKind::DepositY), position.share_balance(TokenKind::DepositL));
        m.refused(ix::withdraw(&keys, &b, Asset::Y, collateral / 10, 0), Who::Borrower).await;
        m.refused(ix::burn(&keys, &b, liquidity / 2, 0, 0), Who::Borrower).await;

        // Never paused: repaying, adding collateral or liquidity, swapping, and withdrawing or
        // burning from a position without debt.
        m.allowed(ix::repay(&keys, &b, Asset::X, 1_000_000), Who::Borrower, "repay").await;
        let l = tokens(&m, Who::LBorrower);
        m.allowed(ix::repay_liquidity(&keys, &l, 10_000_000, u64::MAX, u64::MAX), Who::LBorrower, "repay_liquidity").await;
        m.allowed(ix::deposit(&keys, &b, Asset::Y, 1_000_000, 0), Who::Borrower, "deposit of collateral").await;
        m.allowed(ix::deposit(&keys, &s, Asset::X, 1_000_000, 0), Who::Saver, "deposit").await;
        m.allowed(ix::mint(&keys, &s, 1_000_000, 4_000_000, 0), Who::Saver, "mint").await;
        m.allowed(ix::mint(&keys, &b, 1_000_000, 4_000_000, 0), Who::Borrower, "mint by an indebted position").await;
        let trader = m.trader.tokens;
        let swap = ix::swap_exact_in(&keys, &trader, SwapDirection::XToY, 100_000, 0);
        m.f.bank.send(&[swap], &[&m.trader.keypair]).await.expect("swap is never paused");
        let saver = m.f.position(&m.saver).await;
        let (deposit_x, deposit_l) = (saver.share_balance(TokenKind::DepositX), saver.share_balance(TokenKind::DepositL));
        m.allowed(ix::withdraw(&keys, &s, Asset::X, deposit_x / 2, 0), Who::Saver, "withdraw without debt").await;
        m.allowed(ix::burn(&keys, &s, deposit_l / 2, 0, 0), Who::Saver, "burn without debt").await;

        // Unpausing restores borrowing.
        m.pause(scope, false).await;
        let debt_before = m.f.position(&m.borrower).await.share_balance(TokenKind::BorrowX);
        m.allowed(ix::borrow(&keys, &b, Asset::X, 1_000_000), Who::Borrower, "borrow after the pause").await;
        assert!(m.f.position(&m.borrower).await.share_balance(TokenKind::BorrowX) > debt_before);
        m.allowed(ix::borrow_liquidity(&keys, &s, 1_000_000, 0, 0), Who::Saver, "borrow_liquidity after the pause").await;
    }

    #[tokio::test]
    async fn pair_pause_refuses_new_risk_only() {
        pause_refuses_new_risk_only(Scope::Pair).await;
    }

    #[tokio::test]
    async fn global_pause_refuses_new_risk_only() {
        pause_refuses_new_risk_only(Scope::Global).await;
    }

    /// A pair's pause does not reach other pairs.
    #[tokio::test]
    async fn pair_pause_is_per_pair() {
        let mut m = Market::new().await;
        let admin = m.f.bank.payer_pubkey();
        let mint_a = m.f.bank.create_mint(TOKEN_PROGRAM, 6, None).await.unwrap();
        let mint_b = m.f.bank.create_mint(TOKEN_PROGRAM, 6, None).await.unwrap();
        let (create, other) = ix::create_pair(admin, (mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_PROGRAM));
        m.f.bank.send(&[create, ix::set_pair_new_risk_paused(admin, other.pair, true)], &[]).await.expect("other pair, paused");
        assert_eq!(m.f.bank.pair(other.pair).await.new_risk_paused, 1);
        let b = tokens(&m, Who::Borrower);
        m.allowed(ix::borrow(&m.keys(), &b, Asset::X, 1_000_000), Who::Borrower, "borrow on an unpaused pair").await;
    }
}
