//! An in-process Solana bank with dlex loaded natively and the real SPL Token, Token-2022 and
//! ATA programs, for tests and `dlex demo`. No validator, no SBF toolchain.
//!
//! [`Bank::start_from_so`] loads dlex from a compiled SBF program (`target/deploy/dlex.so`)
//! instead, and [`Bank::record_costs`] keeps the compute units of every transaction: together
//! they are how `dlex-cu` measures the program where the SBF toolchain exists.
//!
//! Time is fully controlled: every transaction runs in a fresh slot (so identical transactions
//! never collide) with the Clock sysvar set to [`Bank::now`], which only [`Bank::warp_seconds`]
//! moves.
// solana-program-test 3.x marks its whole API "unstable" (agave-unstable-api); it is the
// supported way to run a bank in-process, so the notices are silenced in this module only.
#![allow(deprecated)]

use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program_pack::Pack;
use anchor_lang::{AnchorDeserialize, Discriminator};
use anchor_spl::token_2022::spl_token_2022;
use anchor_spl::token_2022::spl_token_2022::extension::ExtensionType;
use solana_program_test::{processor, BanksClientError, ProgramTest, ProgramTestContext};
use solana_sdk::account::{Account, AccountSharedData};
use solana_sdk::clock::Clock;
use solana_sdk::message::Message;
use solana_sdk::rent::Rent;
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;
use solana_sdk::transaction::Transaction;

use dlex::state::{Pair, Position};

/// SPL Token program id.
pub const TOKEN_PROGRAM: Pubkey = anchor_spl::token::ID;
/// Size of a system-program nonce account (`solana_nonce::state::State::size()`).
const NONCE_ACCOUNT_LEN: usize = 80;
/// Token-2022 program id.
pub const TOKEN_2022_PROGRAM: Pubkey = anchor_spl::token_2022::ID;
/// The most compute units a transaction may request (Solana's `MAX_COMPUTE_UNIT_LIMIT`).
pub const MAX_TRANSACTION_COMPUTE_UNITS: u64 = 1_400_000;

/// Anchor 1.x `entry` ties every argument to one lifetime; `processor!` wants a plain fn.
/// Widening the slice's lifetime for the duration of the call is sound: the slice outlives it.
fn dlex_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { std::mem::transmute(accounts) };
    dlex::entry(program_id, accounts, data)
}

/// A Token-2022 mint extension to create a test mint with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MintExtension {
    TransferFee,
    TransferHook,
    PermanentDelegate,
    NonTransferable,
    DefaultFrozen,
    MintCloseAuthority,
    /// Changes only the displayed amount: accepted by dlex.
    InterestBearing,
}

pub struct Bank {
    pub ctx: ProgramTestContext,
    now: i64,
    /// Every address a transaction sent through the bank named, with the number of the last
    /// transaction that named it writable (0: never). The bank cannot scan its accounts, so
    /// this index is how `getProgramAccounts` (localnet) and keepers find them.
    addresses: std::collections::BTreeMap<Pubkey, u64>,
    /// Transactions recorded so far.
    transactions: u64,
    /// What each transaction that landed cost, while [`Bank::record_costs`] is on.
    costs: Option<Vec<TransactionCost>>,
}

/// What one transaction that landed cost (see [`Bank::record_costs`]).
#[derive(Clone, Debug)]
pub struct TransactionCost {
    /// The transaction's message: its instructions and every account it names.
    pub message: Message,
    /// Compute units it consumed: all its instructions, their CPIs included.
    pub compute_units: u64,
}

impl Bank {
    /// Starts a bank with dlex (native) and the bundled SPL programs, and dlex's ProgramData
    /// account with the bank's payer as upgrade authority (so the payer may `init_config`).
    pub async fn start() -> Self {
        Self::start_with_payer_as_upgrade_authority(None).await
    }

    /// [`Bank::start`] with dlex loaded from the SBF program at `so_path` (what `anchor build`
    /// writes to `target/deploy/dlex.so`) instead of natively, so it runs, and is metered, as
    /// on a cluster. Every transaction may use [`MAX_TRANSACTION_COMPUTE_UNITS`], so an
    /// instruction over a budget is measured rather than aborted (a cluster gives a
    /// transaction without a compute-budget instruction 200,000 per instruction).
    pub async fn start_from_so(so_path: &std::path::Path) -> std::io::Result<Self> {
        let elf = std::fs::read(so_path)?;
        Ok(Self::start_with_payer_as_upgrade_authority(Some(elf)).await)
    }

    /// dlex native, or from `sbf_elf` when given, with the payer as its upgrade authority.
    async fn start_with_payer_as_upgrade_authority(sbf_elf: Option<Vec<u8>>) -> Self {
        let mut bank = Self::start_without_program_data(sbf_elf).await;
        let payer = bank.payer_pubkey();
        bank.put_program_data(crate::pda::program_data(), Some(payer));
        bank
    }

    /// [`Bank::start`] with another upgrade authority in dlex's ProgramData account (`None`: an
    /// immutable program, which nobody may `init_config`).
    pub async fn start_with_upgrade_authority(authority: Option<Pubkey>) -> Self {
        let mut bank = Self::start_without_program_data(None).await;
        bank.put_program_data(crate::pda::program_data(), authority);
        bank
    }

    /// Writes an upgradeable-loader ProgramData account (no program bytes) with `authority` as
    /// upgrade authority at `address`. Natively loaded programs have none; `init_config` reads
    /// dlex's at `pda::program_data()`. Tests also place one at another address.
    pub fn put_program_data(&mut self, address: Pubkey, authority: Option<Pubkey>) {
        let data = program_data_bytes(authority);
        let account = Account {
            lamports: 1_000_000_000,
            data,
            owner: anchor_lang::solana_program::bpf_loader_upgradeable::ID,
            executable: false,
            rent_epoch: 0,
        };
        self.put_account(address, account);
    }

    /// Creates or overwrites the account at `address`, bypassing the runtime (test setups).
    pub fn put_account(&mut self, address: Pubkey, account: Account) {
        self.ctx.set_account(&address, &AccountSharedData::from(account));
    }

    /// A bank with dlex native, or from `sbf_elf` (a compiled program) when given.
    async fn start_without_program_data(sbf_elf: Option<Vec<u8>>) -> Self {
        // program-test logs every instruction at debug level unless RUST_LOG says otherwise.
        if std::env::var_os("RUST_LOG").is_none() {
            std::env::set_var("RUST_LOG", "error");
        }
        let program_test = match sbf_elf {
            None => {
                let mut program_test = ProgramTest::new("dlex", dlex::ID, processor!(dlex_entry));
                program_test.prefer_bpf(false);
                program_test
            }
            Some(elf) => {
                // As `ProgramTest::add_program` loads a `.so` it finds: an executable account
                // of the BPF loader holding the ELF.
                let mut program_test = ProgramTest::default();
                let lamports = Rent::default().minimum_balance(elf.len()).max(1);
                let owner = solana_sdk::bpf_loader::ID;
                program_test.add_account(dlex::ID, Account { lamports, data: elf, owner, executable: true, rent_epoch: 0 });
                program_test.set_compute_max_units(MAX_TRANSACTION_COMPUTE_UNITS);
                program_test
            }
        };
        let mut ctx = program_test.start_with_context().await;
        let clock: Clock = ctx.banks_client.get_sysvar().await.expect("clock sysvar");
        let now = clock.unix_timestamp.max(1_700_000_000);
        ctx.warp_to_slot(clock.slot + 2).expect("warp");
        Self { ctx, now, addresses: std::collections::BTreeMap::new(), transactions: 0, costs: None }
    }

    /// From now on, keeps the [`TransactionCost`] of every transaction sent through the bank
    /// that lands ([`Bank::take_costs`] hands them over).
    pub fn record_costs(&mut self) {
        self.costs.get_or_insert_with(Vec::new);
    }

    /// The costs recorded since [`Bank::record_costs`] or the last call, in order; recording
    /// goes on.
    pub fn take_costs(&mut self) -> Vec<TransactionCost> {
        self.costs.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Processes `tx` and waits for it; while costs are recorded, through the call that
    /// returns its metadata, whose compute units are kept.
    async fn process(&mut self, tx: Transaction) -> Result<(), BanksClientError> {
        let Some(costs) = self.costs.as_mut() else {
            return self.ctx.banks_client.process_transaction(tx).await;
        };
        let message = tx.message.clone();
        let processed = self.ctx.banks_client.process_transaction_with_metadata(tx).await?;
        processed.result?;
        let compute_units = processed.metadata.map_or(0, |metadata| metadata.compute_units_consumed);
        costs.push(TransactionCost { message, compute_units });
        Ok(())
    }

    pub fn payer(&self) -> &Keypair {
        &self.ctx.payer
    }

    pub fn payer_pubkey(&self) -> Pubkey {
        self.ctx.payer.pubkey()
    }

    /// Adds the addresses `transaction` names to the index ([`Bank::known_addresses`]); the
    /// writable ones are marked written by this transaction.
    pub fn record(&mut self, transaction: &Transaction) {
        let message = &transaction.message;
        self.record_addresses(message.account_keys.iter().enumerate().map(|(i, key)| (*key, message.is_maybe_writable(i, None))));
    }

    /// [`Bank::record`] for a transaction given as its `(address, writable)` list.
    pub fn record_addresses(&mut self, addresses: impl IntoIterator<Item = (Pubkey, bool)>) {
        self.transactions += 1;
        for (key, writable) in addresses {
            let written = self.addresses.entry(key).or_insert(0);
            if writable {
                *written = self.transactions;
            }
        }
    }

    /// Every address a transaction sent through the bank has named, in order.
    pub fn known_addresses(&self) -> impl Iterator<Item = Pubkey> + '_ {
        self.addresses.keys().copied()
    }

    /// How many transactions the index has recorded: a mark for [`Bank::written_since`].
    pub fn transaction_count(&self) -> u64 {
        self.transactions
    }

    /// The addresses named writable by a transaction recorded after `mark` (a
    /// [`Bank::transaction_count`]).
    pub fn written_since(&self, mark: u64) -> Vec<Pubkey> {
        self.addresses.iter().filter(|(_, &written)| written > mark).map(|(key, _)| *key).collect()
    }

    /// Current unix time of the bank (what `Clock::unix_timestamp` returns to programs).
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Moves the clock forward; the next transaction sees the new time.
    pub fn warp_seconds(&mut self, seconds: i64) {
        self.now += seconds;
    }

    /// Moves the bank to a fresh slot with the Clock sysvar at [`Bank::now`] (done before every
    /// transaction; `localnet` also calls it when it processes a client's transaction).
    pub async fn next_slot(&mut self) -> Result<(), BanksClientError> {
        let clock: Clock = self.ctx.banks_client.get_sysvar().await?;
        let slot = clock.slot + 1;
        self.ctx.warp_to_slot(slot).map_err(|_| BanksClientError::ClientError("warp failed"))?;
        let clock = Clock { slot, unix_timestamp: self.now, ..clock };
        self.ctx.set_sysvar(&clock);
        Ok(())
    }

    fn transaction(&self, instructions: &[Instruction], signers: &[&Keypair]) -> Transaction {
        let mut all: Vec<&Keypair> = vec![&self.ctx.payer];
        all.extend(signers.iter().copied().filter(|s| s.pubkey() != self.ctx.payer.pubkey()));
        Transaction::new_signed_with_payer(instructions, Some(&self.ctx.payer.pubkey()), &all, self.ctx.last_blockhash)
    }

    /// A new keypair with 10 SOL, token accounts of the pair's two mints (under their token
    /// programs) holding `amount_x` and `amount_y`, and an open position in the pair.
    pub async fn new_user(&mut self, keys: &crate::PairKeys, amount_x: u64, amount_y: u64) -> Result<(Keypair, crate::ix::UserTokens), BanksClientError> {
        let keypair = self.new_funded_keypair(10_000_000_000).await;
        let owner = keypair.pubkey();
        let token_x = self.create_token_account(keys.mint_x, owner, keys.token_program_x).await;
        let token_y = self.create_token_account(keys.mint_y, owner, keys.token_program_y).await;
        self.mint_to(keys.mint_x, token_x, amount_x, keys.token_program_x).await;
        self.mint_to(keys.mint_y, token_y, amount_y, keys.token_program_y).await;
        self.send(&[crate::ix::open_position(owner, keys.pair)], &[&keypair]).await?;
        Ok((keypair, crate::ix::UserTokens { owner, token_x, token_y }))
    }

    /// Sends one transaction (the bank's payer pays fees) and waits for it, after appending
    /// the saturation accounts each dlex instruction needs ([`crate::saturation::complete`]).
    pub async fn send(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> Result<(), BanksClientError> {
        let instructions = self.with_saturation_accounts(instructions).await;
        self.send_exact(&instructions, signers).await
    }

    /// [`Bank::send`] without completing the instructions: they are sent exactly as given
    /// (tests of what the program does with missing or wrong saturation accounts).
    pub async fn send_exact(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> Result<(), BanksClientError> {
        self.next_slot().await?;
        let tx = self.transaction(instructions, signers);
        self.record(&tx);
        self.process(tx).await
    }

    /// Simulates, then sends, one transaction, and returns the data of every inner
    /// instruction dlex emitted as an event (`emit_cpi!`), in order.
    pub async fn send_with_events(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> Result<Vec<Vec<u8>>, BanksClientError> {
        let instructions = self.with_saturation_accounts(instructions).await;
        self.send_exact_with_events(&instructions, signers).await
    }

    /// [`Bank::send_with_events`] without completing the instructions (callers that appended
    /// the saturation accounts themselves, such as the keeper).
    pub async fn send_exact_with_events(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> Result<Vec<Vec<u8>>, BanksClientError> {
        self.next_slot().await?;
        let tx = self.transaction(instructions, signers);
        let simulation = self.ctx.banks_client.simulate_transaction(tx.clone()).await?;
        let mut events = Vec::new();
        if let Some(details) = simulation.simulation_details {
            for inner in details.inner_instructions.unwrap_or_default().into_iter().flatten() {
                let program = tx.message.account_keys.get(inner.instruction.program_id_index as usize);
                let data = inner.instruction.data;
                if program == Some(&dlex::ID) && data.starts_with(anchor_lang::event::EVENT_IX_TAG_LE) {
                    events.push(data[8..].to_vec());
                }
            }
        }
        self.record(&tx);
        self.process(tx).await?;
        Ok(events)
    }

    /// `instructions` with their saturation accounts appended. When the accounts cannot be
    /// read the instructions go as given, and the program names what is missing.
    async fn with_saturation_accounts(&mut self, instructions: &[Instruction]) -> Vec<Instruction> {
        match crate::saturation::complete(self, instructions).await {
            Ok(completed) => completed,
            Err(_) => instructions.to_vec(),
        }
    }

    /// Simulates one transaction and returns the program's return data (for read-only
    /// queries such as `position_health`).
    pub async fn simulate_return_data(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> Result<Vec<u8>, BanksClientError> {
        self.next_slot().await?;
        let tx = self.transaction(instructions, signers);
        let simulation = self.ctx.banks_client.simulate_transaction(tx).await?;
        if let Err(err) = simulation.result.unwrap_or(Ok(())) {
            return Err(BanksClientError::SimulationError { err, logs: vec![], units_consumed: 0, return_data: None });
        }
        Ok(simulation.simulation_details.and_then(|d| d.return_data).map(|r| r.data).unwrap_or_default())
    }

    pub async fn account(&mut self, address: Pubkey) -> Option<Account> {
        self.ctx.banks_client.get_account(address).await.expect("banks client")
    }

    pub async fn pair(&mut self, address: Pubkey) -> Pair {
        let account = self.account(address).await.expect("pair account exists");
        crate::decode::pair(&account.data).expect("pair decodes")
    }

    pub async fn position(&mut self, address: Pubkey) -> Option<Position> {
        let account = self.account(address).await?;
        crate::decode::position(&account.data).ok()
    }

    /// Lamports to a fresh keypair, so it can sign and pay rent.
    pub async fn new_funded_keypair(&mut self, lamports: u64) -> Keypair {
        let keypair = Keypair::new();
        let ix = solana_system_interface::instruction::transfer(&self.payer_pubkey(), &keypair.pubkey(), lamports);
        self.send(&[ix], &[]).await.expect("fund keypair");
        keypair
    }

    /// A new mint (authority: the bank's payer) under `token_program`, optionally with one
    /// Token-2022 extension.
    pub async fn create_mint(&mut self, token_program: Pubkey, decimals: u8, extension: Option<MintExtension>) -> Result<Pubkey, BanksClientError> {
        let mint = Keypair::new();
        let payer = self.payer_pubkey();
        let extension_types: Vec<ExtensionType> = extension.map(extension_type).into_iter().collect();
        let space = if token_program == TOKEN_PROGRAM {
            anchor_spl::token::spl_token::state::Mint::LEN
        } else {
            ExtensionType::try_calculate_account_len::<spl_token_2022::state::Mint>(&extension_types)
                .map_err(|_| BanksClientError::ClientError("mint size"))?
        };
        let rent = self.ctx.banks_client.get_rent().await?.minimum_balance(space);
        let mut ixs = vec![solana_system_interface::instruction::create_account(&payer, &mint.pubkey(), rent, space as u64, &token_program)];
        if let Some(extension) = extension {
            ixs.push(extension_init_instruction(extension, &mint.pubkey(), &payer)?);
        }
        ixs.push(
            spl_token_2022::instruction::initialize_mint2(&token_program, &mint.pubkey(), &payer, Some(&payer), decimals)
                .map_err(|_| BanksClientError::ClientError("initialize mint"))?,
        );
        self.send(&ixs, &[&mint]).await?;
        Ok(mint.pubkey())
    }

    /// A new token account of `owner` for `mint` (a plain keypair account, not an ATA).
    pub async fn create_token_account(&mut self, mint: Pubkey, owner: Pubkey, token_program: Pubkey) -> Pubkey {
        let account = Keypair::new();
        let payer = self.payer_pubkey();
        let mint_data = self.account(mint).await.expect("mint exists");
        let space = if token_program == TOKEN_PROGRAM {
            anchor_spl::token::spl_token::state::Account::LEN
        } else {
            let mint_state = spl_token_2022::extension::StateWithExtensions::<spl_token_2022::state::Mint>::unpack(&mint_data.data).expect("mint");
            use spl_token_2022::extension::BaseStateWithExtensions;
            let mint_extensions = mint_state.get_extension_types().expect("extensions");
            let account_extensions = ExtensionType::get_required_init_account_extensions(&mint_extensions);
            ExtensionType::try_calculate_account_len::<spl_token_2022::state::Account>(&account_extensions).expect("size")
        };
        let rent = self.ctx.banks_client.get_rent().await.expect("rent").minimum_balance(space);
        let ixs = [
            solana_system_interface::instruction::create_account(&payer, &account.pubkey(), rent, space as u64, &token_program),
            spl_token_2022::instruction::initialize_account3(&token_program, &account.pubkey(), &mint, &owner).expect("init account"),
        ];
        self.send(&ixs, &[&account]).await.expect("create token account");
        account.pubkey()
    }

    /// Mints `amount` to `account` (the bank's payer is every test mint's authority).
    pub async fn mint_to(&mut self, mint: Pubkey, account: Pubkey, amount: u64, token_program: Pubkey) {
        let payer = self.payer_pubkey();
        let ix = spl_token_2022::instruction::mint_to(&token_program, &mint, &account, &payer, &[], amount).expect("mint_to");
        self.send(&[ix], &[]).await.expect("mint_to");
    }

    /// A new durable-nonce account whose authority is `authority` (for tests of the admin
    /// instructions' refusal of durable-nonce transactions).
    pub async fn create_nonce_account(&mut self, authority: Pubkey) -> Result<Pubkey, BanksClientError> {
        let nonce = Keypair::new();
        let payer = self.payer_pubkey();
        let rent = self.ctx.banks_client.get_rent().await?.minimum_balance(NONCE_ACCOUNT_LEN);
        let ixs = solana_system_interface::instruction::create_nonce_account(&payer, &nonce.pubkey(), &authority, rent);
        self.send(&ixs, &[&nonce]).await?;
        Ok(nonce.pubkey())
    }

    /// Raw token amount held by a token account (SPL Token or Token-2022).
    pub async fn token_balance(&mut self, account: Pubkey) -> u64 {
        let data = self.account(account).await.expect("token account exists").data;
        spl_token_2022::extension::StateWithExtensions::<spl_token_2022::state::Account>::unpack(&data)
            .expect("token account")
            .base
            .amount
    }
}

/// The upgradeable loader's `UpgradeableLoaderState::ProgramData { slot: 0, authority }` in
/// its bincode layout (u32 variant 3, u64 slot, `Option<Pubkey>`), padded to the 45-byte
/// metadata size the loader always allocates.
fn program_data_bytes(authority: Option<Pubkey>) -> Vec<u8> {
    use anchor_lang::solana_program::bpf_loader_upgradeable::UpgradeableLoaderState;
    let mut data = 3u32.to_le_bytes().to_vec();
    data.extend_from_slice(&0u64.to_le_bytes());
    match authority {
        Some(key) => {
            data.push(1);
            data.extend_from_slice(key.as_ref());
        }
        None => data.push(0),
    }
    data.resize(UpgradeableLoaderState::size_of_programdata_metadata(), 0);
    debug_assert!(matches!(
        <UpgradeableLoaderState as anchor_lang::AccountDeserialize>::try_deserialize_unchecked(&mut &data[..]),
        Ok(UpgradeableLoaderState::ProgramData { upgrade_authority_address, .. }) if upgrade_authority_address == authority
    ));
    data
}

/// The system program's AdvanceNonceAccount: the first instruction of every durable-nonce
/// transaction.
pub fn advance_nonce_instruction(nonce: Pubkey, authority: Pubkey) -> Instruction {
    solana_system_interface::instruction::advance_nonce_account(&nonce, &authority)
}

/// Decodes one `emit_cpi!` payload (discriminator + borsh) as event `E`, if it is one.
pub fn decode_event<E: AnchorDeserialize + Discriminator>(data: &[u8]) -> Option<E> {
    let rest = data.strip_prefix(E::DISCRIMINATOR)?;
    E::deserialize(&mut &rest[..]).ok()
}

fn extension_type(extension: MintExtension) -> ExtensionType {
    match extension {
        MintExtension::TransferFee => ExtensionType::TransferFeeConfig,
        MintExtension::TransferHook => ExtensionType::TransferHook,
        MintExtension::PermanentDelegate => ExtensionType::PermanentDelegate,
        MintExtension::NonTransferable => ExtensionType::NonTransferable,
        MintExtension::DefaultFrozen => ExtensionType::DefaultAccountState,
        MintExtension::MintCloseAuthority => ExtensionType::MintCloseAuthority,
        MintExtension::InterestBearing => ExtensionType::InterestBearingConfig,
    }
}

fn extension_init_instruction(extension: MintExtension, mint: &Pubkey, authority: &Pubkey) -> Result<Instruction, BanksClientError> {
    use spl_token_2022::extension as ext;
    let program = &TOKEN_2022_PROGRAM;
    let result = match extension {
        MintExtension::TransferFee => {
            ext::transfer_fee::instruction::initialize_transfer_fee_config(program, mint, Some(authority), Some(authority), 100, 1_000_000)
        }
        MintExtension::TransferHook => ext::transfer_hook::instruction::initialize(program, mint, Some(*authority), Some(Pubkey::new_unique())),
        MintExtension::PermanentDelegate => spl_token_2022::instruction::initialize_permanent_delegate(program, mint, authority),
        MintExtension::NonTransferable => spl_token_2022::instruction::initialize_non_transferable_mint(program, mint),
        MintExtension::DefaultFrozen => ext::default_account_state::instruction::initialize_default_account_state(
            program,
            mint,
            &spl_token_2022::state::AccountState::Frozen,
        ),
        MintExtension::MintCloseAuthority => spl_token_2022::instruction::initialize_mint_close_authority(program, mint, Some(authority)),
        MintExtension::InterestBearing => ext::interest_bearing_mint::instruction::initialize(program, mint, Some(*authority), 500),
    };
    result.map_err(|_| BanksClientError::ClientError("extension instruction"))
}
