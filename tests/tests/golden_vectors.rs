//! Golden vectors for the clients generated from the IDL (sdk/ts): every instruction built by
//! `dlex_sdk::ix` with edge-value arguments (u128 2^127+3, 10^30 and MAX, u64::MAX, zero,
//! every enum variant), as instruction data (hex) and account metas; the PDAs of
//! `dlex_sdk::pda`; and accounts and events encoded by the program's own types (zero-copy
//! bytes or Anchor's serializer after the discriminator, and `emit_cpi!`'s inner-instruction
//! data: the event-CPI tag, the event's discriminator, borsh).
//!
//! The vectors live in `sdk/ts/test/golden.json`, which the node tests read. This test fails
//! when the committed file differs from what it builds; `DLEX_WRITE_GOLDEN=1` rewrites it.
//!
//! Each instruction case also names the accounts a client user chooses (`inputs`): the signer,
//! mints, token accounts and programs, and the accounts the IDL cannot derive (a pair given
//! without its mints, another owner's position). The node test builds the instruction from
//! those alone and must find the same metas.

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AccountSerialize, Discriminator, Event};
use dlex::actions::{Asset, HardLiquidationProposal, Leg, LiquidationRequest, SwapDirection};
use dlex::risk::LiquidationKind;
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::{pda, PairKeys};
use serde_json::{json, Map, Value};
use solana_sdk::instruction::Instruction;

const GOLDEN_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk/ts/test/golden.json");

/// 2^127 + 3: a u128 whose high bit and low bits are both set.
const U128_HIGH: u128 = (1 << 127) + 3;
/// 10^30: a u128 beyond u64 with mixed bytes.
const U128_DECIMAL: u128 = 1_000_000_000_000_000_000_000_000_000_000;

fn key(n: u8) -> Pubkey {
    Pubkey::new_from_array([n; 32])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fixed keys of the vectors.
struct Keys {
    admin: Pubkey,
    fee_recipient: Pubkey,
    new_admin: Pubkey,
    owner: Pubkey,
    borrower: Pubkey,
    pair: PairKeys,
    user: UserTokens,
}

impl Keys {
    fn new() -> Self {
        // mint_x < mint_y by bytes, as the program requires; X is an SPL Token mint, Y a
        // Token-2022 mint.
        let (_, pair) = ix::create_pair(key(1), (key(4), anchor_spl::token_2022::ID), (key(3), anchor_spl::token::ID));
        let owner = key(10);
        Keys {
            admin: key(1),
            fee_recipient: key(2),
            new_admin: key(9),
            owner,
            borrower: key(11),
            pair,
            user: UserTokens { owner, token_x: key(7), token_y: key(8) },
        }
    }

    /// The accounts a user of a swap or position instruction chooses, under the signer's name.
    fn token_inputs(&self, signer: &str) -> Value {
        json!({
            signer: self.owner.to_string(),
            "mintX": self.pair.mint_x.to_string(),
            "mintY": self.pair.mint_y.to_string(),
            "userTokenX": self.user.token_x.to_string(),
            "userTokenY": self.user.token_y.to_string(),
            "tokenProgramX": self.pair.token_program_x.to_string(),
            "tokenProgramY": self.pair.token_program_y.to_string(),
        })
    }
}

fn big(value: impl ToString) -> Value {
    Value::String(value.to_string())
}

fn asset(asset: Asset) -> Value {
    json!({ "Asset": match asset { Asset::X => "X", Asset::Y => "Y" } })
}

fn direction(direction: SwapDirection) -> Value {
    json!({ "SwapDirection": match direction { SwapDirection::XToY => "XToY", SwapDirection::YToX => "YToX" } })
}

fn request(request: LiquidationRequest) -> Value {
    let variant = match request {
        LiquidationRequest::Hard(p) => json!({ "Hard": {
            "repayL": big(p.repay_l), "repayX": big(p.repay_x), "repayY": big(p.repay_y),
            "seizeL": big(p.seize_l), "seizeX": big(p.seize_x), "seizeY": big(p.seize_y),
        } }),
        LiquidationRequest::Leverage => json!("Leverage"),
        LiquidationRequest::DebtCap => json!("DebtCap"),
    };
    json!({ "LiquidationRequest": variant })
}

/// A leg as `{ Leg: { Variant: { field: value … } } }`.
fn leg(leg: Leg) -> Value {
    let (variant, fields) = match leg {
        Leg::Mint { max_amount_x, max_amount_y, min_shares } => {
            ("Mint", json!({ "maxAmountX": big(max_amount_x), "maxAmountY": big(max_amount_y), "minShares": big(min_shares) }))
        }
        Leg::Burn { shares, min_amount_x, min_amount_y } => {
            ("Burn", json!({ "shares": big(shares), "minAmountX": big(min_amount_x), "minAmountY": big(min_amount_y) }))
        }
        Leg::Deposit { asset: a, amount, min_shares } => ("Deposit", json!({ "asset": asset(a), "amount": big(amount), "minShares": big(min_shares) })),
        Leg::Withdraw { asset: a, shares, min_amount } => ("Withdraw", json!({ "asset": asset(a), "shares": big(shares), "minAmount": big(min_amount) })),
        Leg::Borrow { asset: a, amount } => ("Borrow", json!({ "asset": asset(a), "amount": big(amount) })),
        Leg::Repay { asset: a, amount } => ("Repay", json!({ "asset": asset(a), "amount": big(amount) })),
        Leg::BorrowLiquidity { liquidity, min_amount_x, min_amount_y } => {
            ("BorrowLiquidity", json!({ "liquidity": big(liquidity), "minAmountX": big(min_amount_x), "minAmountY": big(min_amount_y) }))
        }
        Leg::RepayLiquidity { liquidity, max_amount_x, max_amount_y } => {
            ("RepayLiquidity", json!({ "liquidity": big(liquidity), "maxAmountX": big(max_amount_x), "maxAmountY": big(max_amount_y) }))
        }
        Leg::SwapExactIn { direction: d, amount_in, min_amount_out } => {
            ("SwapExactIn", json!({ "direction": direction(d), "amountIn": big(amount_in), "minAmountOut": big(min_amount_out) }))
        }
        Leg::SwapExactOut { direction: d, amount_out, max_amount_in } => {
            ("SwapExactOut", json!({ "direction": direction(d), "amountOut": big(amount_out), "maxAmountIn": big(max_amount_in) }))
        }
    };
    json!({ "Leg": { variant: fields } })
}

/// One instruction vector: the client-side name, a label, the arguments (integers as decimal
/// strings, enums as `{ Type: variant }`), the accounts the user chooses, and what the SDK built.
fn case(instruction: &str, label: &str, args: Value, inputs: Value, built: Instruction) -> Value {
    assert_eq!(built.program_id, dlex::ID);
    let accounts: Vec<Value> = built
        .accounts
        .iter()
        .map(|m| json!({ "pubkey": m.pubkey.to_string(), "signer": m.is_signer, "writable": m.is_writable }))
        .collect();
    json!({ "instruction": instruction, "label": label, "args": args, "inputs": inputs, "data": hex(&built.data), "accounts": accounts })
}

fn instructions(k: &Keys) -> Vec<Value> {
    let keys = &k.pair;
    let user = &k.user;
    let pair = keys.pair;
    let mut cases = vec![
        case(
            "initConfig",
            "u32 bounds",
            json!({ "feeRecipient": k.fee_recipient.to_string(), "defaultMidTermInterval": big(0u32), "defaultLongTermInterval": big(u32::MAX) }),
            json!({ "admin": k.admin.to_string() }),
            ix::init_config(k.admin, k.fee_recipient, 0, u32::MAX),
        ),
        case(
            "createPair",
            "SPL Token X, Token-2022 Y",
            json!({}),
            json!({
                "payer": k.admin.to_string(),
                "mintX": keys.mint_x.to_string(),
                "mintY": keys.mint_y.to_string(),
                "tokenProgramX": keys.token_program_x.to_string(),
                "tokenProgramY": keys.token_program_y.to_string(),
            }),
            ix::create_pair(k.admin, (keys.mint_x, keys.token_program_x), (keys.mint_y, keys.token_program_y)).0,
        ),
        case(
            "setFeeRecipient",
            "",
            json!({ "newFeeRecipient": k.owner.to_string() }),
            json!({ "admin": k.admin.to_string() }),
            ix::set_fee_recipient(k.admin, k.owner),
        ),
        case(
            "setPairDefaults",
            "u32::MAX, 8",
            json!({ "midTermInterval": big(u32::MAX), "longTermInterval": big(8u32) }),
            json!({ "admin": k.admin.to_string() }),
            ix::set_pair_defaults(k.admin, u32::MAX, 8),
        ),
        case(
            "proposeAdmin",
            "",
            json!({ "newAdmin": k.new_admin.to_string() }),
            json!({ "admin": k.admin.to_string() }),
            ix::propose_admin(k.admin, k.new_admin),
        ),
        case("acceptAdmin", "", json!({}), json!({ "newAdmin": k.new_admin.to_string() }), ix::accept_admin(k.new_admin)),
    ];
    for paused in [true, false] {
        cases.push(case(
            "setNewRiskPaused",
            &paused.to_string(),
            json!({ "paused": paused }),
            json!({ "admin": k.admin.to_string() }),
            ix::set_new_risk_paused(k.admin, paused),
        ));
        cases.push(case(
            "setPairNewRiskPaused",
            &paused.to_string(),
            json!({ "paused": paused }),
            json!({ "admin": k.admin.to_string(), "pair": pair.to_string() }),
            ix::set_pair_new_risk_paused(k.admin, pair, paused),
        ));
    }
    let owner_and_pair = json!({ "owner": k.owner.to_string(), "pair": pair.to_string() });
    cases.push(case("openPosition", "", json!({}), owner_and_pair.clone(), ix::open_position(k.owner, pair)));
    for ratio in [1u8, u8::MAX] {
        cases.push(case(
            "setSaturationRatio",
            &ratio.to_string(),
            json!({ "ratioMag2": big(ratio) }),
            owner_and_pair.clone(),
            ix::set_saturation_ratio(k.owner, pair, ratio),
        ));
    }
    cases.push(case("closePosition", "", json!({}), owner_and_pair, ix::close_position(k.owner, pair)));

    let owner_tokens = k.token_inputs("owner");
    for (label, max_x, max_y, min_shares) in [("u64::MAX, 0, 2^127+3", u64::MAX, 0, U128_HIGH), ("1, 2, 10^30", 1, 2, U128_DECIMAL)] {
        cases.push(case(
            "mint",
            label,
            json!({ "maxAmountX": big(max_x), "maxAmountY": big(max_y), "minShares": big(min_shares) }),
            owner_tokens.clone(),
            ix::mint(keys, user, max_x, max_y, min_shares),
        ));
    }
    cases.push(case(
        "burn",
        "u128::MAX, u64::MAX, 1",
        json!({ "shares": big(u128::MAX), "minAmountX": big(u64::MAX), "minAmountY": big(1u64) }),
        owner_tokens.clone(),
        ix::burn(keys, user, u128::MAX, u64::MAX, 1),
    ));
    let trader_tokens = k.token_inputs("trader");
    for d in [SwapDirection::XToY, SwapDirection::YToX] {
        cases.push(case(
            "swapExactIn",
            "u64::MAX in, 0 out",
            json!({ "direction": direction(d), "amountIn": big(u64::MAX), "minAmountOut": big(0u64) }),
            trader_tokens.clone(),
            ix::swap_exact_in(keys, user, d, u64::MAX, 0),
        ));
        cases.push(case(
            "swapExactOut",
            "1 out, u64::MAX in",
            json!({ "direction": direction(d), "amountOut": big(1u64), "maxAmountIn": big(u64::MAX) }),
            trader_tokens.clone(),
            ix::swap_exact_out(keys, user, d, 1, u64::MAX),
        ));
    }
    // Routes: the named accounts come from the builder; the hops, seven accounts each, are
    // appended (in TypeScript with `withRouteHops`), so the vector lists them under "hops".
    let (_, second) = ix::create_pair(k.admin, (keys.mint_y, keys.token_program_y), (key(5), anchor_spl::token::ID));
    let hops = [*keys, second];
    let hop_json: Vec<Value> = hops
        .iter()
        .map(|h| {
            json!({
                "pair": h.pair.to_string(), "mintX": h.mint_x.to_string(), "mintY": h.mint_y.to_string(),
                "vaultX": h.vault_x.to_string(), "vaultY": h.vault_y.to_string(),
                "tokenProgramX": h.token_program_x.to_string(), "tokenProgramY": h.token_program_y.to_string(),
            })
        })
        .collect();
    let route_inputs = json!({ "trader": k.owner.to_string(), "userSource": k.user.token_x.to_string(), "userDestination": key(12).to_string() });
    let with_hops = |mut vector: Value| {
        vector["hops"] = Value::Array(hop_json.clone());
        vector
    };
    cases.push(with_hops(case(
        "swapRouteExactIn",
        "2 hops, u64::MAX in, 1 out",
        json!({ "amountIn": big(u64::MAX), "minAmountOut": big(1u64) }),
        route_inputs.clone(),
        ix::swap_route_exact_in(k.owner, k.user.token_x, key(12), &hops, u64::MAX, 1),
    )));
    cases.push(with_hops(case(
        "swapRouteExactOut",
        "2 hops, 1 out, u64::MAX in",
        json!({ "amountOut": big(1u64), "maxAmountIn": big(u64::MAX) }),
        route_inputs,
        ix::swap_route_exact_out(k.owner, k.user.token_x, key(12), &hops, 1, u64::MAX),
    )));
    for a in [Asset::X, Asset::Y] {
        cases.push(case(
            "deposit",
            "u64::MAX, 2^127+3",
            json!({ "asset": asset(a), "amount": big(u64::MAX), "minShares": big(U128_HIGH) }),
            owner_tokens.clone(),
            ix::deposit(keys, user, a, u64::MAX, U128_HIGH),
        ));
        cases.push(case(
            "withdraw",
            "10^30, u64::MAX",
            json!({ "asset": asset(a), "shares": big(U128_DECIMAL), "minAmount": big(u64::MAX) }),
            owner_tokens.clone(),
            ix::withdraw(keys, user, a, U128_DECIMAL, u64::MAX),
        ));
        cases.push(case(
            "borrow",
            "u64::MAX",
            json!({ "asset": asset(a), "amount": big(u64::MAX) }),
            owner_tokens.clone(),
            ix::borrow(keys, user, a, u64::MAX),
        ));
        cases.push(case(
            "repay",
            "u64::MAX",
            json!({ "asset": asset(a), "amount": big(u64::MAX) }),
            owner_tokens.clone(),
            ix::repay(keys, user, a, u64::MAX),
        ));
    }
    cases.push(case(
        "borrowLiquidity",
        "2^127+3, u64::MAX, 0",
        json!({ "liquidity": big(U128_HIGH), "minAmountX": big(u64::MAX), "minAmountY": big(0u64) }),
        owner_tokens.clone(),
        ix::borrow_liquidity(keys, user, U128_HIGH, u64::MAX, 0),
    ));
    cases.push(case(
        "repayLiquidity",
        "u128::MAX, 10^18, u64::MAX",
        json!({ "liquidity": big(u128::MAX), "maxAmountX": big(1_000_000_000_000_000_000u64), "maxAmountY": big(u64::MAX) }),
        owner_tokens.clone(),
        ix::repay_liquidity(keys, user, u128::MAX, 1_000_000_000_000_000_000, u64::MAX),
    ));
    // `execute`: every leg variant, over two lists of at most eight, with signed net limits.
    let lists: [(&str, Vec<Leg>, i64, i64); 2] = [
        (
            "borrows, a swap, deposits; i64::MIN, -1",
            vec![
                Leg::Borrow { asset: Asset::X, amount: u64::MAX },
                Leg::BorrowLiquidity { liquidity: U128_HIGH, min_amount_x: 0, min_amount_y: u64::MAX },
                Leg::SwapExactIn { direction: SwapDirection::XToY, amount_in: 1, min_amount_out: u64::MAX },
                Leg::Mint { max_amount_x: u64::MAX, max_amount_y: 7, min_shares: U128_DECIMAL },
                Leg::Deposit { asset: Asset::Y, amount: 3, min_shares: u128::MAX },
            ],
            i64::MIN,
            -1,
        ),
        (
            "the closing legs; i64::MAX, 0",
            vec![
                Leg::Burn { shares: u128::MAX, min_amount_x: 1, min_amount_y: 2 },
                Leg::Withdraw { asset: Asset::X, shares: U128_HIGH, min_amount: u64::MAX },
                Leg::SwapExactOut { direction: SwapDirection::YToX, amount_out: u64::MAX, max_amount_in: 0 },
                Leg::RepayLiquidity { liquidity: u128::MAX, max_amount_x: u64::MAX, max_amount_y: 5 },
                Leg::Repay { asset: Asset::Y, amount: u64::MAX },
            ],
            i64::MAX,
            0,
        ),
    ];
    for (label, legs, min_net_x, min_net_y) in lists {
        let args = json!({ "legs": legs.iter().map(|l| leg(*l)).collect::<Vec<_>>(), "minNetX": big(min_net_x), "minNetY": big(min_net_y) });
        cases.push(case("execute", label, args, owner_tokens.clone(), ix::execute(keys, user, legs, min_net_x, min_net_y)));
    }
    let proposal =
        HardLiquidationProposal { repay_l: U128_HIGH, repay_x: u64::MAX, repay_y: 0, seize_l: U128_DECIMAL, seize_x: u128::MAX, seize_y: 1 };
    let mut liquidator_inputs = k.token_inputs("liquidator");
    liquidator_inputs["borrowerPosition"] = json!(pda::position(pair, k.borrower).to_string());
    for (label, r, max_x, max_y) in [
        ("hard", LiquidationRequest::Hard(proposal), u64::MAX, 0),
        ("leverage", LiquidationRequest::Leverage, 0, u64::MAX),
        ("debt cap", LiquidationRequest::DebtCap, 1, 1),
    ] {
        cases.push(case(
            "liquidate",
            label,
            json!({ "request": request(r), "maxAmountX": big(max_x), "maxAmountY": big(max_y) }),
            liquidator_inputs.clone(),
            ix::liquidate(keys, user, k.borrower, r, max_x, max_y),
        ));
    }
    cases.push(case(
        "positionHealth",
        "",
        json!({}),
        json!({ "pair": pair.to_string(), "position": pda::position(pair, k.owner).to_string() }),
        ix::position_health(pair, k.owner),
    ));
    cases.push(case(
        "collectProtocolFees",
        "",
        json!({}),
        json!({ "feeRecipient": k.fee_recipient.to_string(), "pair": pair.to_string() }),
        ix::collect_protocol_fees(k.fee_recipient, pair),
    ));
    cases
}

fn pdas(k: &Keys) -> Value {
    let pair = k.pair.pair;
    let tranches: Vec<Value> = [(0u8, -795i16), (1, 794), (0, 0), (1, -1)]
        .iter()
        .map(|&(side, index)| json!({ "pair": pair.to_string(), "side": side, "index": index, "address": pda::tranche(pair, side, index).to_string() }))
        .collect();
    json!({
        "config": pda::config().to_string(),
        "eventAuthority": pda::event_authority().to_string(),
        "programData": pda::program_data().to_string(),
        // Either mint order gives the same pair.
        "pair": { "mintX": k.pair.mint_x.to_string(), "mintY": k.pair.mint_y.to_string(), "address": pda::pair(k.pair.mint_y, k.pair.mint_x).to_string() },
        "vaultX": { "pair": pair.to_string(), "mint": k.pair.mint_x.to_string(), "address": pda::vault(pair, k.pair.mint_x).to_string() },
        "vaultY": { "pair": pair.to_string(), "mint": k.pair.mint_y.to_string(), "address": pda::vault(pair, k.pair.mint_y).to_string() },
        "position": { "pair": pair.to_string(), "owner": k.owner.to_string(), "address": pda::position(pair, k.owner).to_string() },
        "saturationNetX": { "pair": pair.to_string(), "address": pda::saturation(pair, 0).to_string() },
        "saturationNetY": { "pair": pair.to_string(), "address": pda::saturation(pair, 1).to_string() },
        "tranches": tranches,
    })
}

/// A zero-copy account as the program stores it: discriminator, then the struct's bytes.
fn zero_copy<T: bytemuck::Pod + Discriminator>(value: &T) -> String {
    let mut data = T::DISCRIMINATOR.to_vec();
    data.extend_from_slice(bytemuck::bytes_of(value));
    hex(&data)
}

/// Accounts with edge values, encoded as the program writes them, and the fields a decoder
/// must read back (integers as decimal strings).
fn accounts(k: &Keys) -> Vec<Value> {
    let mut out = Vec::new();

    let config = dlex::state::Config {
        admin: k.admin,
        fee_recipient: k.fee_recipient,
        default_mid_term_interval: 8,
        default_long_term_interval: u32::MAX,
        new_risk_paused: true,
        bump: 254,
        pending_admin: Some(k.new_admin),
        reserved: [0; 64],
    };
    let mut data = Vec::new();
    config.try_serialize(&mut data).expect("config serializes");
    out.push(json!({
        "account": "Config",
        "data": hex(&data),
        "fields": {
            "admin": k.admin.to_string(), "feeRecipient": k.fee_recipient.to_string(),
            "defaultMidTermInterval": big(8u32), "defaultLongTermInterval": big(u32::MAX),
            "newRiskPaused": true, "bump": big(254u8), "pendingAdmin": k.new_admin.to_string(),
        },
    }));

    let mut pair: dlex::state::Pair = bytemuck::Zeroable::zeroed();
    pair.mint_x = k.pair.mint_x;
    pair.mint_y = k.pair.mint_y;
    pair.vault_x = k.pair.vault_x;
    pair.vault_y = k.pair.vault_y;
    pair.token_program_x = k.pair.token_program_x;
    pair.token_program_y = k.pair.token_program_y;
    pair.reserve_x.set(U128_HIGH);
    pair.reserve_y.set(U128_DECIMAL);
    pair.total_shares[5].set(u128::MAX);
    pair.protocol_fee_shares[2].set(U128_HIGH);
    pair.last_update_timestamp = u32::MAX;
    pair.created_at = i64::MIN;
    pair.mid_term_interval = 8;
    pair.bump = 255;
    pair.decimals_y = 9;
    out.push(json!({
        "account": "Pair",
        "data": zero_copy(&pair),
        "fields": {
            "mintX": k.pair.mint_x.to_string(), "mintY": k.pair.mint_y.to_string(),
            "vaultX": k.pair.vault_x.to_string(), "vaultY": k.pair.vault_y.to_string(),
            "tokenProgramX": k.pair.token_program_x.to_string(), "tokenProgramY": k.pair.token_program_y.to_string(),
            "reserveX": big(U128_HIGH), "reserveY": big(U128_DECIMAL),
            "totalShares": ["0", "0", "0", "0", "0", u128::MAX.to_string()],
            "protocolFeeShares": ["0", "0", U128_HIGH.to_string()],
            "lastUpdateTimestamp": big(u32::MAX), "createdAt": big(i64::MIN),
            "midTermInterval": big(8u32), "bump": big(255u8), "decimalsY": big(9u8),
        },
    }));

    let mut position: dlex::state::Position = bytemuck::Zeroable::zeroed();
    position.owner = k.owner;
    position.pair = k.pair.pair;
    position.shares[0].set(U128_DECIMAL);
    position.shares[4].set(U128_HIGH);
    position.fragile_shares.set(u128::MAX);
    position.allocations[1].last_tranche = -795;
    position.allocations[1].count = 7;
    position.allocations[1].sat_at_allocation.set(U128_HIGH);
    position.saturation_ratio_mag2 = 85;
    position.bump = 253;
    position.opened_at = i64::MAX;
    out.push(json!({
        "account": "Position",
        "data": zero_copy(&position),
        "fields": {
            "owner": k.owner.to_string(), "pair": k.pair.pair.to_string(),
            "shares": [big(U128_DECIMAL), "0", "0", "0", big(U128_HIGH), "0"],
            "fragileShares": big(u128::MAX),
            "allocations[1].lastTranche": big(-795i16), "allocations[1].count": big(7u8),
            "allocations[1].satAtAllocation": big(U128_HIGH),
            "saturationRatioMag2": big(85u8), "bump": big(253u8), "openedAt": big(i64::MAX),
        },
    }));

    let mut tranche: dlex::state::Tranche = bytemuck::Zeroable::zeroed();
    tranche.pair = k.pair.pair;
    tranche.sat_in_l_assets.set(U128_HIGH);
    tranche.sat_relative_to_l.set(u128::MAX);
    tranche.index = -795;
    tranche.side = 1;
    tranche.bump = 250;
    out.push(json!({
        "account": "Tranche",
        "data": zero_copy(&tranche),
        "fields": {
            "pair": k.pair.pair.to_string(), "satInLAssets": big(U128_HIGH), "satRelativeToL": big(u128::MAX),
            "index": big(-795i16), "side": big(1u8), "bump": big(250u8),
        },
    }));
    out
}

/// What `emit_cpi!` puts in its self-CPI's instruction data: the event-CPI tag, then the
/// event's discriminator and borsh body.
fn emitted<E: Event>(event: &E) -> String {
    let mut data = anchor_lang::event::EVENT_IX_TAG_LE.to_vec();
    data.extend_from_slice(&event.data());
    hex(&data)
}

fn events(k: &Keys) -> Vec<Value> {
    let pair = k.pair.pair;
    let mut out = vec![
        json!({
            "event": "Swapped",
            "data": emitted(&dlex::events::Swapped {
                pair, trader: k.owner, direction: SwapDirection::YToX, amount_in: u64::MAX, amount_out: 1,
                fee_bips_q64: U128_HIGH, reserve_x: U128_DECIMAL, reserve_y: u128::MAX,
            }),
            "fields": {
                "pair": pair.to_string(), "trader": k.owner.to_string(), "direction": direction(SwapDirection::YToX),
                "amountIn": big(u64::MAX), "amountOut": big(1u64), "feeBipsQ64": big(U128_HIGH),
                "reserveX": big(U128_DECIMAL), "reserveY": big(u128::MAX),
            },
        }),
        json!({
            "event": "PairCreated",
            "data": emitted(&dlex::events::PairCreated {
                pair, mint_x: k.pair.mint_x, mint_y: k.pair.mint_y, token_program_x: k.pair.token_program_x,
                token_program_y: k.pair.token_program_y, mid_term_interval: 8, long_term_interval: u32::MAX,
                freezable_x: true, freezable_y: false,
            }),
            "fields": {
                "pair": pair.to_string(), "mintX": k.pair.mint_x.to_string(), "mintY": k.pair.mint_y.to_string(),
                "tokenProgramX": k.pair.token_program_x.to_string(), "tokenProgramY": k.pair.token_program_y.to_string(),
                "midTermInterval": big(8u32), "longTermInterval": big(u32::MAX), "freezableX": true, "freezableY": false,
            },
        }),
        json!({
            "event": "BadDebtBurned",
            "data": emitted(&dlex::events::BadDebtBurned {
                pair, borrower: k.borrower, debt_l: U128_HIGH, debt_x: U128_DECIMAL, debt_y: u128::MAX,
                from_reserve_x: 1, from_reserve_y: 0, from_deposits_x: U128_HIGH, from_deposits_y: 2,
                forfeited_shares_l: 3, forfeited_shares_x: u128::MAX, forfeited_shares_y: 0,
            }),
            "fields": {
                "pair": pair.to_string(), "borrower": k.borrower.to_string(), "debtL": big(U128_HIGH),
                "debtX": big(U128_DECIMAL), "debtY": big(u128::MAX), "fromDepositsX": big(U128_HIGH),
                "forfeitedSharesX": big(u128::MAX),
            },
        }),
    ];
    for a in [Asset::X, Asset::Y] {
        out.push(json!({
            "event": "Borrowed",
            "data": emitted(&dlex::events::Borrowed {
                pair, owner: k.owner, asset: a, amount: u64::MAX, debt: U128_HIGH, fee: U128_DECIMAL, shares: u128::MAX,
            }),
            "fields": {
                "pair": pair.to_string(), "owner": k.owner.to_string(), "asset": asset(a), "amount": big(u64::MAX),
                "debt": big(U128_HIGH), "fee": big(U128_DECIMAL), "shares": big(u128::MAX),
            },
        }));
    }
    for (kind, name) in [(LiquidationKind::Hard, "Hard"), (LiquidationKind::Leverage, "Leverage"), (LiquidationKind::DebtCap, "DebtCap")] {
        out.push(json!({
            "event": "Liquidated",
            "data": emitted(&dlex::events::Liquidated {
                pair, borrower: k.borrower, liquidator: k.owner, kind,
                repaid_l: U128_HIGH, repaid_x: U128_DECIMAL, repaid_y: 0, seized_l: u128::MAX, seized_x: 1, seized_y: 2,
                paid_x: u64::MAX, paid_y: 3, premium_bips: 10_000, max_premium_bips: U128_HIGH, bad_debt: true,
            }),
            "fields": {
                "pair": pair.to_string(), "borrower": k.borrower.to_string(), "liquidator": k.owner.to_string(),
                "kind": { "LiquidationKind": name }, "repaidL": big(U128_HIGH), "repaidX": big(U128_DECIMAL),
                "seizedL": big(u128::MAX), "paidX": big(u64::MAX), "premiumBips": big(10_000u32),
                "maxPremiumBips": big(U128_HIGH), "badDebt": true,
            },
        }));
    }
    out
}

fn golden() -> String {
    let k = Keys::new();
    let mut root = Map::new();
    root.insert(
        "about".into(),
        json!("Written by tests/tests/golden_vectors.rs (DLEX_WRITE_GOLDEN=1 cargo test -p dlex-tests --test golden_vectors); read by sdk/ts/test."),
    );
    root.insert("programId".into(), json!(dlex::ID.to_string()));
    root.insert("eventIxTag".into(), json!(hex(anchor_lang::event::EVENT_IX_TAG_LE)));
    root.insert("instructions".into(), Value::Array(instructions(&k)));
    root.insert("pdas".into(), pdas(&k));
    root.insert("accounts".into(), Value::Array(accounts(&k)));
    root.insert("events".into(), Value::Array(events(&k)));
    let mut json = serde_json::to_string_pretty(&Value::Object(root)).expect("golden vectors serialize");
    json.push('\n');
    json
}

#[test]
fn golden_vectors_are_committed() {
    let json = golden();
    if std::env::var("DLEX_WRITE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::write(GOLDEN_PATH, &json).expect("write sdk/ts/test/golden.json");
        return;
    }
    let committed = std::fs::read_to_string(GOLDEN_PATH).unwrap_or_default();
    assert!(
        committed == json,
        "sdk/ts/test/golden.json is stale: run `DLEX_WRITE_GOLDEN=1 cargo test -p dlex-tests --test golden_vectors` and commit it"
    );
}

#[test]
fn every_instruction_has_a_vector() {
    let k = Keys::new();
    let idl: Value = serde_json::from_str(include_str!("../../app-idl/dlex.json")).expect("IDL parses");
    let covered: std::collections::BTreeSet<String> =
        instructions(&k).iter().map(|c| c["instruction"].as_str().expect("name").to_string()).collect();
    for instruction in idl["instructions"].as_array().expect("instructions") {
        let snake = instruction["name"].as_str().expect("name");
        let camel: String = snake
            .split('_')
            .enumerate()
            .map(|(i, part)| if i == 0 { part.to_string() } else { part[..1].to_uppercase() + &part[1..] })
            .collect();
        assert!(covered.contains(&camel), "no golden vector for `{snake}`");
    }
}
