//! Best-path routing over dlex pairs (issue 12): the pairs a router knows ([`Venue`]s,
//! discovered on the bank or over JSON-RPC and refreshed before quoting), every simple path
//! between two mints up to a hop limit, each quoted with the program's own route code
//! (`actions::swap_route` on copies of the pairs, accrual included, so a quote equals what
//! `swap_route_exact_in`/`_out` then does), the best of them, and optionally the best split
//! of an exact input over two paths, sent as two route instructions in one transaction.

use std::collections::BTreeMap;

use anchor_lang::prelude::Pubkey;
use dlex::actions::{self, PairSwap, RouteAmount, SwapDirection, MAX_ROUTE_HOPS};
use dlex::errors::DlexError;
use dlex::state::Pair;

use crate::PairKeys;

/// A pair the router may route through, as last read.
#[derive(Clone)]
pub struct Venue {
    pub keys: PairKeys,
    pub pair: Box<Pair>,
}

/// What the trader fixes: the input (exact in) or the output (exact out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trade {
    ExactIn(u64),
    ExactOut(u64),
}

/// One quoted path: its hops (venue indices and keys, in order), each hop's applied swap
/// (direction, token flows, fee rate, the pool after it), and the route's two ends.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    pub path: Vec<usize>,
    pub hops: Vec<PairKeys>,
    pub swaps: Vec<PairSwap>,
    pub amount_in: u64,
    pub amount_out: u64,
}

/// Why no route was quoted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteError {
    /// No path of at most the hop limit joins the two mints.
    NoPath { from: Pubkey, to: Pubkey, max_hops: usize },
    /// Paths exist, but every one failed to quote; the first path's error.
    NoQuote(String),
    /// The two mints are the same.
    SameMint,
}

impl std::fmt::Display for RouteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteError::NoPath { from, to, max_hops } => write!(f, "no route of at most {max_hops} dlex pairs joins {from} and {to}"),
            RouteError::NoQuote(error) => write!(f, "every route failed to quote; the first: {error}"),
            RouteError::SameMint => write!(f, "the input and output mints are the same"),
        }
    }
}

impl std::error::Error for RouteError {}

/// An exact input split over two paths: `first` runs, then `second` on the pools `first`
/// left (their instructions go in this order in one transaction).
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub first: Quote,
    pub second: Option<Quote>,
}

impl Split {
    pub fn amount_out(&self) -> u64 {
        self.first.amount_out + self.second.as_ref().map_or(0, |q| q.amount_out)
    }
}

/// The pairs a router knows, indexed by mint.
#[derive(Clone, Default)]
pub struct Router {
    venues: Vec<Venue>,
    by_mint: BTreeMap<Pubkey, Vec<usize>>,
}

impl Router {
    pub fn new(venues: Vec<Venue>) -> Router {
        let mut by_mint: BTreeMap<Pubkey, Vec<usize>> = BTreeMap::new();
        for (index, venue) in venues.iter().enumerate() {
            by_mint.entry(venue.pair.mint_x).or_default().push(index);
            by_mint.entry(venue.pair.mint_y).or_default().push(index);
        }
        Router { venues, by_mint }
    }

    /// From `(address, pair)` as read from a cluster or the bank.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Pubkey, Pair)>) -> Router {
        Router::new(pairs.into_iter().map(|(address, pair)| Venue { keys: PairKeys::from_pair(address, &pair), pair: Box::new(pair) }).collect())
    }

    pub fn venues(&self) -> &[Venue] {
        &self.venues
    }

    /// Replaces a venue's pair with a fresh read (the cache is refreshed before each quote).
    pub fn update(&mut self, address: Pubkey, pair: Pair) {
        if let Some(venue) = self.venues.iter_mut().find(|venue| venue.keys.pair == address) {
            *venue.pair = pair;
        }
    }

    /// Every path from `from` to `to` through at most `max_hops` pairs (capped at the
    /// program's [`MAX_ROUTE_HOPS`]) that uses no pair twice, as venue indices in order. Found
    /// depth first with an explicit stack.
    pub fn paths(&self, from: Pubkey, to: Pubkey, max_hops: usize) -> Vec<Vec<usize>> {
        let max_hops = max_hops.min(MAX_ROUTE_HOPS);
        let mut found = Vec::new();
        // (path so far, the mint it delivers)
        let mut stack: Vec<(Vec<usize>, Pubkey)> = vec![(Vec::new(), from)];
        while let Some((path, mint)) = stack.pop() {
            if path.len() == max_hops {
                continue;
            }
            for &index in self.by_mint.get(&mint).map(Vec::as_slice).unwrap_or(&[]) {
                if path.contains(&index) {
                    continue;
                }
                let Ok((_, next)) = actions::hop_receiving(&self.venues[index].pair, mint) else { continue };
                let mut longer = path.clone();
                longer.push(index);
                if next == to {
                    found.push(longer);
                } else if next != from {
                    stack.push((longer, next));
                }
            }
        }
        found
    }

    /// Quotes `trade` along `path` from `from` at unix time `now`, on copies of the pairs.
    pub fn quote_path(&self, path: &[usize], from: Pubkey, trade: Trade, now: i64) -> anchor_lang::Result<Quote> {
        let mut pairs: Vec<Pair> = path.iter().map(|&index| *self.venues[index].pair).collect();
        let swaps = apply_route(&mut pairs, from, trade, now)?;
        Ok(self.quote_from_swaps(path, swaps))
    }

    /// The best path for `trade` from `from` to `to`: the most output for an exact input, the
    /// least input for an exact output; on a tie, fewer hops.
    pub fn best(&self, from: Pubkey, to: Pubkey, trade: Trade, max_hops: usize, now: i64) -> Result<Quote, RouteError> {
        let quotes = self.ranked(from, to, trade, max_hops, now)?;
        Ok(quotes.into_iter().next().expect("ranked returns at least one quote"))
    }

    /// Every quotable path, best first (see [`Router::best`]).
    pub fn ranked(&self, from: Pubkey, to: Pubkey, trade: Trade, max_hops: usize, now: i64) -> Result<Vec<Quote>, RouteError> {
        if from == to {
            return Err(RouteError::SameMint);
        }
        let paths = self.paths(from, to, max_hops);
        if paths.is_empty() {
            return Err(RouteError::NoPath { from, to, max_hops: max_hops.min(MAX_ROUTE_HOPS) });
        }
        let mut first_error = None;
        let mut quotes: Vec<Quote> = Vec::with_capacity(paths.len());
        for path in &paths {
            match self.quote_path(path, from, trade, now) {
                Ok(quote) => quotes.push(quote),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        if quotes.is_empty() {
            return Err(RouteError::NoQuote(first_error.map(|e: anchor_lang::error::Error| e.to_string()).unwrap_or_default()));
        }
        quotes.sort_by(|a, b| {
            let better = match trade {
                Trade::ExactIn(_) => b.amount_out.cmp(&a.amount_out),
                Trade::ExactOut(_) => a.amount_in.cmp(&b.amount_in),
            };
            better.then(a.path.len().cmp(&b.path.len()))
        });
        Ok(quotes)
    }

    /// The best exact input of `amount_in` over one path or split over the two best paths in
    /// tenths (the second quoted on the pools the first leaves, as they run in one
    /// transaction). A split is chosen only when it gives strictly more.
    pub fn best_split(&self, from: Pubkey, to: Pubkey, amount_in: u64, max_hops: usize, now: i64) -> Result<Split, RouteError> {
        let ranked = self.ranked(from, to, Trade::ExactIn(amount_in), max_hops, now)?;
        let mut best = Split { first: ranked[0].clone(), second: None };
        let Some(runner_up) = ranked.get(1) else { return Ok(best) };
        for tenths in 1..10u64 {
            let first_in = amount_in / 10 * tenths;
            let second_in = amount_in - first_in;
            let Ok(split) = self.quote_split(&ranked[0].path, &runner_up.path, from, first_in, second_in, now) else { continue };
            if split.amount_out() > best.amount_out() {
                best = split;
            }
        }
        Ok(best)
    }

    /// `first_in` along `first`, then `second_in` along `second` on the pools `first` left.
    fn quote_split(&self, first: &[usize], second: &[usize], from: Pubkey, first_in: u64, second_in: u64, now: i64) -> anchor_lang::Result<Split> {
        let mut after = self.clone();
        let mut first_pairs: Vec<Pair> = first.iter().map(|&index| *self.venues[index].pair).collect();
        let swaps = apply_route(&mut first_pairs, from, Trade::ExactIn(first_in), now)?;
        for (&index, pair) in first.iter().zip(first_pairs) {
            *after.venues[index].pair = pair;
        }
        let first_quote = self.quote_from_swaps(first, swaps);
        let second_quote = after.quote_path(second, from, Trade::ExactIn(second_in), now)?;
        Ok(Split { first: first_quote, second: Some(second_quote) })
    }

    fn quote_from_swaps(&self, path: &[usize], swaps: Vec<PairSwap>) -> Quote {
        let (amount_in, amount_out) = (swaps[0].amounts().0, swaps[swaps.len() - 1].amounts().1);
        Quote { path: path.to_vec(), hops: path.iter().map(|&index| self.venues[index].keys).collect(), swaps, amount_in, amount_out }
    }
}

/// The program's route code on `pairs` (copies, in route order; they are left as the route
/// leaves them) for `trade` entering with mint `from` at unix time `now`: each hop's swap
/// exactly as `swap_route_exact_in` / `swap_route_exact_out` will apply it. No limit is applied
/// (the caller sets its own).
pub fn apply_route(pairs: &mut [Pair], from: Pubkey, trade: Trade, now: i64) -> anchor_lang::Result<Vec<PairSwap>> {
    let mut directions = Vec::with_capacity(pairs.len());
    let mut receives = from;
    for pair in pairs.iter() {
        let (direction, pays) = actions::hop_receiving(pair, receives)?;
        directions.push(direction);
        receives = pays;
    }
    let mut refs: Vec<&mut Pair> = pairs.iter_mut().collect();
    let amount = match trade {
        Trade::ExactIn(amount_in) => RouteAmount::ExactIn { amount_in, min_amount_out: 0 },
        Trade::ExactOut(amount_out) => RouteAmount::ExactOut { amount_out, max_amount_in: u64::MAX },
    };
    let now = u32::try_from(now).map_err(|_| DlexError::MathOverflow)?;
    actions::swap_route(&mut refs, &directions, amount, now)
}

/// How far the hop's swap moved its pool's price (X per Y): `after/before − 1`.
pub fn price_impact(before: &Pair, swap: &PairSwap) -> f64 {
    crate::quote::price_move(&before.pool(), &swap.pool)
}

/// The hop's direction as words, for printing.
pub fn describe_direction(direction: SwapDirection) -> &'static str {
    match direction {
        SwapDirection::XToY => "X→Y",
        SwapDirection::YToX => "Y→X",
    }
}
