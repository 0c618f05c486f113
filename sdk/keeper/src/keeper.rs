//! The keeper's round: refresh the book, judge every position, plan the liquidatable ones,
//! rank them by expected profit and execute the best first (fresh re-read, simulate, send,
//! confirm), with per-position exponential back-off after a failure.
//!
//! Outcomes are sorted so an operator can act on them: `sent`; `would_send` (dry run);
//! `taken` (the position is no longer liquidatable when re-read or simulated: another
//! liquidator was first; no back-off); `stale` (the tranche accounts moved since the
//! instruction was built; rebuilt next round, no back-off); `unprofitable` (below the minimum
//! profit); `failed` (anything else: the position is left alone for 2, 4, 8 … rounds, at most
//! `max_backoff_rounds`); `backing_off` (still waiting after a failure).

use std::collections::BTreeMap;

use anchor_lang::prelude::Pubkey;
use anchor_spl::associated_token::spl_associated_token_account;
use dlex::actions::Asset;
use dlex::errors::DlexError;
use dlex::state::{Position, TokenKind};
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::{pda, PairKeys};
use serde::Serialize;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;

use crate::book::Book;
use crate::chain::{Chain, TxFailure};
use crate::evaluate::{self, Candidate, Plan};

/// What the operator sets.
#[derive(Clone, Debug)]
pub struct Config {
    /// The pairs to watch; empty: every dlex pair.
    pub pairs: Vec<Pubkey>,
    /// Evaluate and report, send nothing.
    pub dry_run: bool,
    /// Liquidations expected to earn less (in raw X units at the pool price) are not sent.
    pub min_profit_x: i128,
    /// A compute unit limit and a priority fee (micro-lamports per unit) for every transaction.
    pub compute_unit_limit: Option<u32>,
    pub priority_fee_micro_lamports: Option<u64>,
    /// A full rescan every this many rounds even while the change feed works (1: every round).
    pub rescan_every: u64,
    /// Withdraw and burn the deposits the keeper seized, after each round that seized some.
    pub withdraw_seized: bool,
    /// The longest back-off after repeated failures, in rounds.
    pub max_backoff_rounds: u64,
    /// Extra allowed on the quoted token amounts, bips (interest accrues between the quote and
    /// the slot the transaction lands in).
    pub max_slippage_bips: u64,
    /// Token accounts to repay from, per pair, instead of the keeper's associated token
    /// accounts (which it creates when missing).
    pub token_accounts: BTreeMap<Pubkey, UserTokens>,
    /// Send the leverage kind wherever a position qualifies for it, instead of the request
    /// that pays the keeper most: its amounts are fixed by formula and its premium is lower,
    /// so the borrower keeps more (a keeper run by the protocol may prefer that).
    pub prefer_leverage: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            pairs: Vec::new(),
            dry_run: false,
            min_profit_x: 0,
            compute_unit_limit: None,
            priority_fee_micro_lamports: None,
            rescan_every: 30,
            withdraw_seized: false,
            max_backoff_rounds: 64,
            max_slippage_bips: 50,
            token_accounts: BTreeMap::new(),
            prefer_leverage: false,
        }
    }
}

/// How one liquidatable position ended in a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Sent,
    WouldSend,
    Taken,
    Stale,
    Unprofitable,
    Failed,
    BackingOff,
}

/// One liquidatable position's line in the log.
#[derive(Clone, Debug, Serialize)]
pub struct Attempt {
    pub round: u64,
    pub pair: String,
    pub position: String,
    pub owner: String,
    /// `hard`, `leverage` or `debt_cap` (empty when not planned).
    pub kind: String,
    pub status: Status,
    /// Expected profit in raw X units at the pool price (as a string: it is an i128).
    pub profit_x: String,
    /// Every kind the position allows, with its expected profit (the sent kind is `kind`).
    pub options: BTreeMap<String, String>,
    pub premium_bips: String,
    /// Debt repaid and deposits seized (assets: L, X, Y), and the tokens paid (X, Y).
    pub repaid: [String; 3],
    pub seized: [String; 3],
    pub paid: [String; 2],
    pub signature: Option<String>,
    /// dlex's events of the sent transaction (`Liquidated`, `BadDebtBurned`), when the chain
    /// reports them (the in-process bank).
    #[serde(skip)]
    pub events: Vec<Vec<u8>>,
    pub error: Option<String>,
    /// Rounds until the position is tried again (after a failure).
    pub retry_in_rounds: Option<u64>,
}

/// One round, as the log's summary line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RoundReport {
    pub round: u64,
    /// All positions were read again (else only the changed ones).
    pub full_scan: bool,
    pub positions_scanned: usize,
    pub liquidatable: usize,
    pub sent: usize,
    pub failed: usize,
    pub taken: usize,
    pub backing_off: usize,
    /// Expected profit of what was sent, raw X units.
    pub profit_x: String,
    /// Pairs or positions the risk code could not judge, and withdrawals that failed.
    pub errors: Vec<String>,
    /// Seized deposits withdrawn this round (`--withdraw-seized`), as "pair: what".
    pub withdrawn: Vec<String>,
    #[serde(skip)]
    pub attempts: Vec<Attempt>,
}

struct Backoff {
    failures: u32,
    retry_round: u64,
}

/// The liquidation bot's state between rounds.
pub struct Keeper {
    pub config: Config,
    signer: Keypair,
    pub book: Book,
    backoff: BTreeMap<Pubkey, Backoff>,
    round: u64,
    last_full_scan: Option<u64>,
    /// Told `(positions judged, positions known)` during evaluation (a progress line).
    pub progress: Option<Box<dyn FnMut(usize, usize)>>,
}

/// Errors that mean another liquidator (or the borrower) got there first.
const TAKEN: [DlexError; 5] = [
    DlexError::PositionNotLiquidatable,
    DlexError::NothingToLiquidate,
    DlexError::LiquidationZeroPremium,
    DlexError::NothingToSeize,
    DlexError::EmptyLiquidation,
];
/// Errors that mean the saturation accounts were computed on state that has moved.
const STALE: [DlexError; 2] = [DlexError::MissingTrancheAccount, DlexError::UnexpectedTrancheAccount];

fn dlex_code(error: DlexError) -> u32 {
    anchor_lang::error::ERROR_CODE_OFFSET + error as u32
}

fn classify(failure: &TxFailure) -> Status {
    match failure.custom_code {
        Some(code) if TAKEN.iter().any(|e| dlex_code(*e) == code) => Status::Taken,
        Some(code) if STALE.iter().any(|e| dlex_code(*e) == code) => Status::Stale,
        _ => Status::Failed,
    }
}

impl Keeper {
    pub fn new(signer: Keypair, config: Config) -> Self {
        let book = Book::new(config.pairs.clone());
        Self { config, signer, book, backoff: BTreeMap::new(), round: 0, last_full_scan: None, progress: None }
    }

    pub fn signer(&self) -> Pubkey {
        self.signer.pubkey()
    }

    /// Rounds run so far.
    pub fn rounds(&self) -> u64 {
        self.round
    }

    /// The keeper's token accounts for a pair: the configured ones, else its associated token
    /// accounts.
    pub fn tokens_for(&self, keys: &PairKeys) -> UserTokens {
        self.config.token_accounts.get(&keys.pair).copied().unwrap_or_else(|| UserTokens::associated(self.signer.pubkey(), keys))
    }

    /// Brings the book up to date: a full scan on the first round and every `rescan_every`
    /// rounds; in between, the changed accounts when the chain reports them (the bank, a
    /// cluster with a `programSubscribe` WebSocket), else the pairs only. Without a change
    /// feed, a position its owner changed is therefore seen at the next rescan; prices and
    /// interest, which are what make unchanged positions liquidatable, are read every round.
    /// Returns whether it scanned everything.
    pub async fn refresh<C: Chain>(&mut self, chain: &mut C) -> Result<bool, String> {
        let due = self.last_full_scan.is_none_or(|last| self.round.saturating_sub(last) >= self.config.rescan_every.max(1));
        if !due {
            if !self.book.apply_changes(chain).await? {
                self.book.refresh_pairs(chain).await?;
            }
            return Ok(false);
        }
        self.book.full_scan(chain).await?;
        self.last_full_scan = Some(self.round);
        Ok(true)
    }

    /// Judges every position in the book now (no reads, no sends).
    pub fn evaluate(&mut self, now: i64) -> evaluate::Evaluation {
        let total = self.book.position_count();
        let mut progress = self.progress.take();
        let evaluation = evaluate::evaluate(&self.book, now, Some(self.signer.pubkey()), |done| {
            if let Some(report) = progress.as_mut() {
                report(done, total)
            }
        });
        self.progress = progress;
        evaluation
    }

    /// One round: refresh, evaluate, plan, rank, execute.
    pub async fn round<C: Chain>(&mut self, chain: &mut C) -> Result<RoundReport, String> {
        self.round += 1;
        let full_scan = self.refresh(chain).await?;
        let now = chain.unix_timestamp().await?;
        let evaluation = self.evaluate(now);
        let mut report = RoundReport {
            round: self.round,
            full_scan,
            positions_scanned: evaluation.scanned,
            liquidatable: evaluation.candidates.len(),
            errors: evaluation.errors.iter().map(|(address, error)| format!("{address}: {error}")).collect(),
            ..RoundReport::default()
        };
        self.execute(chain, evaluation.candidates, now, &mut report).await;
        if self.config.withdraw_seized && !self.config.dry_run && report.sent > 0 {
            self.withdraw_seized(chain, &mut report).await;
        }
        let profit: i128 = report.attempts.iter().filter(|a| a.status == Status::Sent).map(|a| a.profit_x.parse::<i128>().unwrap_or(0)).sum();
        report.profit_x = profit.to_string();
        Ok(report)
    }

    /// Plans every candidate, ranks the plans by profit and executes them in that order.
    pub async fn execute<C: Chain>(&mut self, chain: &mut C, candidates: Vec<Candidate>, now: i64, report: &mut RoundReport) {
        let mut planned: Vec<(Candidate, Plan)> = Vec::new();
        for candidate in candidates {
            if let Some(backoff) = self.backoff.get(&candidate.position) {
                if backoff.retry_round > self.round {
                    let retry = backoff.retry_round - self.round;
                    self.log(report, &candidate, None, Status::BackingOff, None, None, Some(retry));
                    continue;
                }
            }
            let Some(pair_book) = self.book.pairs.get(&candidate.pair) else { continue };
            let Some(borrower) = pair_book.position(&candidate.position).copied() else { continue };
            let liquidator = self.own_position(&candidate.pair);
            match evaluate::plan(&pair_book.pair, &borrower, &liquidator, now, self.config.prefer_leverage) {
                Ok(plan) => planned.push((candidate, plan)),
                Err(error) => self.fail(report, &candidate, None, error),
            }
        }
        planned.sort_by_key(|candidate| std::cmp::Reverse(candidate.1.profit_x));
        for (candidate, plan) in planned {
            if plan.profit_x < self.config.min_profit_x {
                self.log(report, &candidate, Some(&plan), Status::Unprofitable, None, None, None);
                continue;
            }
            self.liquidate(chain, &candidate, report).await;
        }
    }

    /// Re-reads the borrower and its pair, plans again on the fresh state, and sends the
    /// liquidation (simulated first).
    async fn liquidate<C: Chain>(&mut self, chain: &mut C, candidate: &Candidate, report: &mut RoundReport) {
        let fresh = async {
            let now = chain.unix_timestamp().await?;
            let pair_data = chain.account_data(candidate.pair).await?.ok_or("the pair is gone")?;
            let pair = crate::book::decode_pair(&pair_data).ok_or("not a pair")?;
            let borrower = self.book.refresh_position(chain, candidate.pair, candidate.position).await?;
            let own = self.book.refresh_position(chain, candidate.pair, pda::position(candidate.pair, self.signer.pubkey())).await?;
            Ok::<_, String>((now, pair, borrower, own))
        };
        let (now, pair, borrower, own) = match fresh.await {
            Ok(state) => state,
            Err(error) => return self.fail(report, candidate, None, error),
        };
        let Some(borrower) = borrower else {
            return self.log(report, candidate, None, Status::Taken, None, Some("the position was closed".into()), None);
        };
        let liquidator = own.unwrap_or_else(|| self.blank_position(&candidate.pair));
        let plan = match evaluate::plan(&pair, &borrower, &liquidator, now, self.config.prefer_leverage) {
            Ok(plan) => plan,
            Err(error) => return self.log(report, candidate, None, Status::Taken, None, Some(error), None),
        };
        if self.config.dry_run {
            return self.log(report, candidate, Some(&plan), Status::WouldSend, None, None, None);
        }
        let keys = PairKeys::from_pair(candidate.pair, &pair);
        let instructions = match self.instructions(chain, &keys, own.is_none(), candidate.owner, &plan).await {
            Ok(instructions) => instructions,
            Err(error) => return self.fail(report, candidate, Some(&plan), error),
        };
        let result = match chain.simulate(&instructions, &self.signer).await {
            Ok(()) => chain.send(&instructions, &self.signer).await,
            Err(failure) => Err(failure),
        };
        match result {
            Ok(sent) => {
                self.backoff.remove(&candidate.position);
                let _ = self.book.refresh_position(chain, candidate.pair, candidate.position).await;
                let _ = self.book.refresh_position(chain, candidate.pair, pda::position(candidate.pair, self.signer.pubkey())).await;
                self.log(report, candidate, Some(&plan), Status::Sent, Some(sent.signature), None, None);
                if let Some(attempt) = report.attempts.last_mut() {
                    attempt.events = sent.events;
                }
            }
            Err(failure) => match classify(&failure) {
                Status::Failed => self.fail(report, candidate, Some(&plan), failure.message),
                status => self.log(report, candidate, Some(&plan), status, None, Some(failure.message), None),
            },
        }
    }

    /// The transaction for `plan`: compute budget, the keeper's position and token accounts
    /// when missing, then `liquidate` with its saturation accounts.
    async fn instructions<C: Chain>(&self, chain: &mut C, keys: &PairKeys, open_position: bool, borrower: Pubkey, plan: &Plan) -> Result<Vec<Instruction>, String> {
        let owner = self.signer.pubkey();
        let tokens = self.tokens_for(keys);
        let mut instructions = Vec::new();
        if let Some(units) = self.config.compute_unit_limit {
            instructions.push(ComputeBudgetInstruction::set_compute_unit_limit(units));
        }
        if let Some(price) = self.config.priority_fee_micro_lamports {
            instructions.push(ComputeBudgetInstruction::set_compute_unit_price(price));
        }
        if !self.config.token_accounts.contains_key(&keys.pair) {
            for (account, mint, program) in [(tokens.token_x, keys.mint_x, keys.token_program_x), (tokens.token_y, keys.mint_y, keys.token_program_y)] {
                if chain.account_data(account).await?.is_none() {
                    instructions.push(spl_associated_token_account::instruction::create_associated_token_account_idempotent(&owner, &owner, &mint, &program));
                }
            }
        }
        if open_position {
            instructions.push(ix::open_position(owner, keys.pair));
        }
        let with_slippage = |amount: u64| {
            let extra = u128::from(amount) * u128::from(self.config.max_slippage_bips) / 10_000;
            u64::try_from(u128::from(amount) + extra).unwrap_or(u64::MAX)
        };
        let flows = plan.outcome.flows;
        instructions.push(ix::liquidate(keys, &tokens, borrower, plan.request, with_slippage(flows.x_in), with_slippage(flows.y_in)));
        dlex_sdk::saturation::complete(chain, &instructions).await
    }

    /// Burns the L and withdraws the X and Y deposits the keeper's positions hold, in every
    /// pair where they owe nothing.
    async fn withdraw_seized<C: Chain>(&mut self, chain: &mut C, report: &mut RoundReport) {
        let owner = self.signer.pubkey();
        let pairs: Vec<(Pubkey, PairKeys)> = self.book.pairs.iter().map(|(address, book)| (*address, book.keys)).collect();
        for (pair, keys) in pairs {
            let Ok(Some(position)) = self.book.refresh_position(chain, pair, pda::position(pair, owner)).await else { continue };
            if [TokenKind::BorrowL, TokenKind::BorrowX, TokenKind::BorrowY].iter().any(|&kind| position.share_balance(kind) > 0) {
                continue;
            }
            let tokens = self.tokens_for(&keys);
            let mut instructions = Vec::new();
            let mut what = Vec::new();
            let l = position.share_balance(TokenKind::DepositL);
            if l > 0 {
                instructions.push(ix::burn(&keys, &tokens, l, 0, 0));
                what.push(format!("{l} L shares burned"));
            }
            for (asset, kind, name) in [(Asset::X, TokenKind::DepositX, "X"), (Asset::Y, TokenKind::DepositY, "Y")] {
                let shares = position.share_balance(kind);
                if shares > 0 {
                    instructions.push(ix::withdraw(&keys, &tokens, asset, shares, 0));
                    what.push(format!("{shares} {name} deposit shares withdrawn"));
                }
            }
            if instructions.is_empty() {
                continue;
            }
            match chain.send(&instructions, &self.signer).await {
                Ok(_) => report.withdrawn.push(format!("{pair}: {}", what.join(", "))),
                Err(failure) => report.errors.push(format!("{pair}: withdrawing the seized deposits failed: {failure}")),
            }
            let _ = self.book.refresh_position(chain, pair, pda::position(pair, owner)).await;
        }
    }

    /// The keeper's own position in `pair` as the book has it, or a blank one (it is opened
    /// in the liquidation's transaction).
    fn own_position(&self, pair: &Pubkey) -> Position {
        let address = pda::position(*pair, self.signer.pubkey());
        self.book.pairs.get(pair).and_then(|book| book.position(&address)).copied().unwrap_or_else(|| self.blank_position(pair))
    }

    fn blank_position(&self, pair: &Pubkey) -> Position {
        Position::opened(self.signer.pubkey(), *pair, 0, 0)
    }

    /// Logs a failure and backs the position off: 2, 4, 8 … rounds, at most
    /// `max_backoff_rounds`.
    fn fail(&mut self, report: &mut RoundReport, candidate: &Candidate, plan: Option<&Plan>, error: String) {
        let backoff = self.backoff.entry(candidate.position).or_insert(Backoff { failures: 0, retry_round: 0 });
        backoff.failures = backoff.failures.saturating_add(1);
        let delay = 1u64.checked_shl(backoff.failures).unwrap_or(u64::MAX).min(self.config.max_backoff_rounds.max(1));
        backoff.retry_round = self.round + delay;
        self.log(report, candidate, plan, Status::Failed, None, Some(error), Some(delay));
    }

    #[allow(clippy::too_many_arguments)]
    fn log(
        &self,
        report: &mut RoundReport,
        candidate: &Candidate,
        plan: Option<&Plan>,
        status: Status,
        signature: Option<String>,
        error: Option<String>,
        retry_in_rounds: Option<u64>,
    ) {
        match status {
            Status::Sent => report.sent += 1,
            Status::Failed => report.failed += 1,
            Status::Taken => report.taken += 1,
            Status::BackingOff => report.backing_off += 1,
            _ => {}
        }
        let legs = |amounts: [u128; 3]| amounts.map(|amount| amount.to_string());
        report.attempts.push(Attempt {
            round: self.round,
            pair: candidate.pair.to_string(),
            position: candidate.position.to_string(),
            owner: candidate.owner.to_string(),
            kind: plan.map_or(String::new(), |p| evaluate::kind_name(&p.request).into()),
            options: plan.map_or(BTreeMap::new(), |p| p.options.iter().map(|(kind, profit)| (kind.to_string(), profit.to_string())).collect()),
            status,
            profit_x: plan.map_or(String::new(), |p| p.profit_x.to_string()),
            premium_bips: plan.map_or(String::new(), |p| p.outcome.verdict.premium_bips.to_string()),
            repaid: legs(plan.map_or([0; 3], |p| p.outcome.repaid)),
            seized: legs(plan.map_or([0; 3], |p| p.outcome.seized)),
            paid: plan.map_or([0, 0], |p| [p.outcome.flows.x_in, p.outcome.flows.y_in]).map(|amount| amount.to_string()),
            signature,
            events: Vec::new(),
            error,
            retry_in_rounds,
        });
    }
}
