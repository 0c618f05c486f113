//! `swap_route_exact_in` / `swap_route_exact_out`: one swap through up to four dlex pairs
//! (issue 12), with one limit for the whole route. The named accounts are the trader and
//! their source and destination token accounts; the hops follow as remaining accounts, seven
//! per hop, in route order:
//!
//! `pair (w), mint_x, mint_y, vault_x (w), vault_y (w), token_program_x, token_program_y`
//!
//! Each hop is the pair's own swap (`actions::swap_on_pair`: quadratic fee, depletion-adjusted
//! K, TWAP observation, price extreme, `risk::check`). Intermediate amounts move vault to vault,
//! signed by the pair that pays out; the trader's tokens move only at the ends. The direction of
//! each hop follows from the mint it receives: the source account's mint for the first, the
//! previous hop's output after that.

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

use super::common::{now_u32, verify_conservation};
use super::swap_exact_in::swapped;
use crate::actions::{self, RouteAmount, SwapDirection, MAX_ROUTE_HOPS};
use crate::constants::PAIR_SEED;
use crate::errors::DlexError;
use crate::state::Pair;

/// Accounts per hop in `remaining_accounts`.
pub const ROUTE_ACCOUNTS_PER_HOP: usize = 7;

#[event_cpi]
#[derive(Accounts)]
pub struct RouteTokens<'info> {
    pub trader: Signer<'info>,
    /// The trader's account of the mint the route sells (the first hop's input).
    #[account(mut)]
    pub user_source: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The trader's account of the mint the route buys (the last hop's output).
    #[account(mut)]
    pub user_destination: Box<InterfaceAccount<'info, TokenAccount>>,
}

/// One hop's accounts, checked against its pair.
struct Hop<'info> {
    pair: AccountLoader<'info, Pair>,
    mint_x: Box<InterfaceAccount<'info, Mint>>,
    mint_y: Box<InterfaceAccount<'info, Mint>>,
    vault_x: Box<InterfaceAccount<'info, TokenAccount>>,
    vault_y: Box<InterfaceAccount<'info, TokenAccount>>,
    token_program_x: Interface<'info, TokenInterface>,
    token_program_y: Interface<'info, TokenInterface>,
    direction: SwapDirection,
}

impl<'info> Hop<'info> {
    /// The hop's accounts on the side it receives (`true`) or pays out (`false`).
    fn side(&self, receiving: bool) -> (&InterfaceAccount<'info, Mint>, &InterfaceAccount<'info, TokenAccount>, &Interface<'info, TokenInterface>) {
        let x_side = matches!(self.direction, SwapDirection::XToY) == receiving;
        if x_side {
            (&self.mint_x, &self.vault_x, &self.token_program_x)
        } else {
            (&self.mint_y, &self.vault_y, &self.token_program_y)
        }
    }

    /// The mint the hop pays out.
    fn output_mint(&self) -> Pubkey {
        self.side(false).0.key()
    }

    /// Reads and checks one hop: a writable dlex pair (`RouteAccountNotAPair`,
    /// `RouteAccountNotWritable`), its mints (`WrongMint`), its writable vaults (`WrongVault`),
    /// its token programs (`WrongTokenProgram`), and the mint it receives (`RouteMintsDoNotChain`),
    /// which sets its direction.
    fn read(accounts: &'info [AccountInfo<'info>], receives: Pubkey) -> Result<Self> {
        let [pair, mint_x, mint_y, vault_x, vault_y, token_program_x, token_program_y] = accounts else {
            return Err(DlexError::MalformedRoute.into());
        };
        require!(pair.is_writable && vault_x.is_writable && vault_y.is_writable, DlexError::RouteAccountNotWritable);
        let pair = AccountLoader::<Pair>::try_from(pair).map_err(|_| DlexError::RouteAccountNotAPair)?;
        // Read in place: a Pair is too large to copy onto an SBF stack frame.
        let direction = {
            let stored = pair.load()?;
            require!(mint_x.key() == stored.mint_x && mint_y.key() == stored.mint_y, DlexError::WrongMint);
            require!(vault_x.key() == stored.vault_x && vault_y.key() == stored.vault_y, DlexError::WrongVault);
            require!(token_program_x.key() == stored.token_program_x && token_program_y.key() == stored.token_program_y, DlexError::WrongTokenProgram);
            actions::hop_receiving(&stored, receives)?.0
        };
        Ok(Hop {
            pair,
            mint_x: Box::new(InterfaceAccount::try_from(mint_x)?),
            mint_y: Box::new(InterfaceAccount::try_from(mint_y)?),
            vault_x: Box::new(InterfaceAccount::try_from(vault_x)?),
            vault_y: Box::new(InterfaceAccount::try_from(vault_y)?),
            token_program_x: Interface::try_from(token_program_x)?,
            token_program_y: Interface::try_from(token_program_y)?,
            direction,
        })
    }
}

/// Moves `amount` from `from` to `to` (accounts of `mint`) under `token_program`, signed by
/// `authority` (with `seeds` when it is a pair).
fn transfer<'info>(
    from: AccountInfo<'info>,
    to: AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    token_program: &Interface<'info, TokenInterface>,
    authority: AccountInfo<'info>,
    seeds: Option<&[&[u8]]>,
    amount: u64,
) -> Result<()> {
    let accounts = TransferChecked { from, mint: mint.to_account_info(), to, authority };
    let signer: &[&[&[u8]]] = match seeds {
        Some(seeds) => &[seeds],
        None => &[],
    };
    token_interface::transfer_checked(CpiContext::new_with_signer(token_program.key(), accounts, signer), amount, mint.decimals)
}

/// 1. Read and check the hops (counts, pairs, mints, vaults, token programs, chaining, no pair
///    twice) and the trader's accounts (the source's and destination's mints are the route's
///    ends, neither is a hop's vault).
/// 2. Apply the route to the loaded pairs (`actions::swap_route`): every hop's swap and
///    `risk::check`, and the route's limit.
/// 3. Move tokens: the source to the first hop's vault, each hop's output to the next hop's
///    vault (signed by the paying pair), the last to the destination; verify each pair's
///    conservation; emit one `Swapped` per hop.
pub fn handler<'info>(ctx: Context<'info, RouteTokens<'info>>, amount: RouteAmount) -> Result<()> {
    let now = now_u32()?;
    let remaining = ctx.remaining_accounts;
    require!(!remaining.is_empty(), DlexError::EmptyRoute);
    require!(remaining.len().is_multiple_of(ROUTE_ACCOUNTS_PER_HOP), DlexError::MalformedRoute);
    require!(remaining.len() / ROUTE_ACCOUNTS_PER_HOP <= MAX_ROUTE_HOPS, DlexError::TooManyRouteHops);
    let mut hops: Vec<Hop<'info>> = Vec::with_capacity(remaining.len() / ROUTE_ACCOUNTS_PER_HOP);
    let mut receives = ctx.accounts.user_source.mint;
    for accounts in remaining.chunks(ROUTE_ACCOUNTS_PER_HOP) {
        let hop = Hop::read(accounts, receives)?;
        require!(hops.iter().all(|earlier| earlier.pair.key() != hop.pair.key()), DlexError::RepeatedRoutePair);
        receives = hop.output_mint();
        hops.push(hop);
    }
    require!(ctx.accounts.user_destination.mint == receives, DlexError::WrongTokenAccountMint);
    for user in [ctx.accounts.user_source.key(), ctx.accounts.user_destination.key()] {
        require!(hops.iter().all(|hop| user != hop.vault_x.key() && user != hop.vault_y.key()), DlexError::VaultAsUserAccount);
    }

    let applied = {
        let mut loaded = hops.iter().map(|hop| hop.pair.load_mut()).collect::<Result<Vec<_>>>()?;
        let mut pairs: Vec<&mut Pair> = loaded.iter_mut().map(|pair| &mut **pair).collect();
        let directions: Vec<SwapDirection> = hops.iter().map(|hop| hop.direction).collect();
        actions::swap_route(&mut pairs, &directions, amount, now)?
    };

    let (amount_in, _) = applied[0].amounts();
    require!(ctx.accounts.user_source.amount >= amount_in, DlexError::InsufficientUserBalance);
    let (first_mint, first_vault, first_program) = hops[0].side(true);
    transfer(
        ctx.accounts.user_source.to_account_info(),
        first_vault.to_account_info(),
        first_mint,
        first_program,
        ctx.accounts.trader.to_account_info(),
        None,
        amount_in,
    )?;
    for (index, (hop, swap)) in hops.iter().zip(&applied).enumerate() {
        let (mint, vault, program) = hop.side(false);
        let to = match hops.get(index + 1) {
            Some(next) => next.side(true).1.to_account_info(),
            None => ctx.accounts.user_destination.to_account_info(),
        };
        let (mint_x, mint_y) = (hop.mint_x.key(), hop.mint_y.key());
        let bump = [hop.pair.load()?.bump];
        let seeds: &[&[u8]] = &[PAIR_SEED, mint_x.as_ref(), mint_y.as_ref(), &bump];
        transfer(vault.to_account_info(), to, mint, program, hop.pair.to_account_info(), Some(seeds), swap.amounts().1)?;
    }
    for (hop, swap) in hops.iter_mut().zip(&applied) {
        verify_conservation(&hop.pair, &mut hop.vault_x, &mut hop.vault_y)?;
        emit_cpi!(swapped(hop.pair.key(), ctx.accounts.trader.key(), swap));
    }
    Ok(())
}
