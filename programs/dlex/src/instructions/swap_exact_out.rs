//! `swap_exact_out`: buy an exact amount of one token for at most `max_amount_in` of the
//! other (spec §4.3, §5). Same accounts and body as `swap_exact_in`.

use anchor_lang::prelude::*;

use super::swap_exact_in::{execute_swap, SwapTokens};
use crate::actions::{SwapAmount, SwapDirection};

pub fn handler(ctx: Context<SwapTokens>, direction: SwapDirection, amount_out: u64, max_amount_in: u64) -> Result<()> {
    execute_swap(ctx, direction, SwapAmount::ExactOut(amount_out), max_amount_in)
}
