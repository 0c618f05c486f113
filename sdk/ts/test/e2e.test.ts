// The end-to-end scenario over JSON-RPC with the TypeScript client, against the `dlex` binary's
// `dlex localnet` (started by this test on free ports, stopped at the end): the same scenario,
// with the same numbers, that sdk/cli/tests/e2e.rs runs with the Rust SDK.
//
// Config; a pair of an SPL Token mint and a Token-2022 mint; liquidity; 50 swaps across TWAP
// intervals (`dlex_warpClock`); a lender's deposit; two borrowers' collateral and X borrows;
// a day of interest and one borrower's repayment of its whole debt; a sale of Y that moves the
// price and 50 more intervals; the other borrower's whole hard liquidation. Every step checks
// the decoded events against the token balances, the vaults and the accounts to the unit, and
// the values of every event equal test/e2e-golden.json, which the Rust scenario writes and
// checks: both clients' runs produce the same events.
//
// Saturation accounts: the borrows place a new allocation, whose bands need the program's
// accrual, price range and tranche walk; this client asks `dlex localnet` for them
// (`withSaturationAccounts`, the Rust SDK's `saturation::complete`). The repayment of the
// whole debt and the whole liquidation only release an allocation: their accounts are derived
// here from the position account (`withReleasedSaturationAccounts`), and checked equal to
// what localnet answers.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { generateKeyPairSigner, getBase64Encoder, type Address, type Instruction, type KeyPairSigner, type Rpc, type SolanaRpcApi } from '@solana/kit';

import {
  Asset,
  canonicalMints,
  createAccountInstruction,
  debtsOf,
  fetchConfig,
  fetchMaybeConfig,
  fetchPair,
  fetchTranche,
  findConfigPda,
  findPairPda,
  findTranchePda,
  findVaultPda,
  getBorrowInstructionAsync,
  getCreatePairInstructionAsync,
  getDepositInstructionAsync,
  getInitConfigInstructionAsync,
  getLiquidateInstructionAsync,
  getMintInstructionAsync,
  getPositionHealthInstruction,
  getPositionReportDecoder,
  getRepayInstructionAsync,
  getSwapExactInInstructionAsync,
  hardLiquidationProposal,
  initializeMint2Instruction,
  LiquidationKind,
  MINT_SIZE,
  occupiedTranches,
  sendAndConfirmInstructions,
  signInstructions,
  SwapDirection,
  TOKEN_2022_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
  warpClock,
  withReleasedSaturationAccounts,
  withSaturationAccounts,
  type PositionReport,
  type Swapped,
} from '../src';
import { endpoint, type Endpoint } from './support/localnet';
import { eventOf, newUser, pick, positionOf, tokenBalance, type PairInfo, type User } from './support/scenario';

// The scenario's numbers (sdk/cli/tests/e2e.rs uses the same ones).
const MID = 8;
const LONG = MID * 14;
/** The clock starts on a multiple of a week (of the day and of both TWAP intervals). */
const ALIGN = 604_800n;
const FUNDS = 100_000_000_000_000n;
const LP_X = 1_000_000_000n;
const LP_Y = 4_000_000_000n;
const LENDER_X = 500_000_000n;
const COLLATERAL_Y = 400_000_000n;
const TICK_SWAP = 10_000n;
const INTERVALS = 50;
const ALICE_BORROW_X = 5_000_000n;
const BOB_BORROW_X = 30_000_000n;
const DAY = 86_400;
const PRICE_MOVE_Y = 3_000_000_000n;
const LIQUIDATOR_X = 1_000_000_000n;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** The Rust scenario's events (sdk/cli/tests/e2e.rs writes the file with DLEX_WRITE_GOLDEN=1). */
const golden = JSON.parse(readFileSync(join(__dirname, '../../test/e2e-golden.json'), 'utf8')) as Record<string, unknown>;
const recorded: Record<string, unknown> = {};

let net: Endpoint;
before(async () => {
  net = await endpoint();
});
after(() => net?.stop());

/** The clock sysvar's unix time. */
async function now(rpc: Rpc<SolanaRpcApi>): Promise<bigint> {
  const { value } = await rpc.getAccountInfo('SysvarC1ock11111111111111111111111111111111' as Address, { encoding: 'base64' }).send();
  const data = getBase64Encoder().encode(value!.data[0]);
  return new DataView(data.buffer, data.byteOffset).getBigInt64(32, true);
}

test('the scenario over JSON-RPC with the TypeScript client', async (t) => {
  if (!net.dlexLocalnet) {
    t.skip('needs dlex localnet: dlex_warpClock (100 TWAP intervals, a day of interest) and dlex_saturationAccounts (the borrows)');
    return;
  }
  const { rpc, url, payer } = net;
  const send = (signer: KeyPairSigner, instructions: Instruction[]) => sendAndConfirmInstructions(rpc, signer, instructions);

  // Both clients' runs start at the same time of the week, so they see the same clock.
  const start = await now(rpc);
  assert.equal(await warpClock(url, (ALIGN - (start % ALIGN)) % ALIGN), start + ((ALIGN - (start % ALIGN)) % ALIGN));

  // Config: localnet's payer is dlex's upgrade authority. An endpoint used before (DLEX_RPC_URL)
  // may have one already, which must give pairs the scenario's TWAP intervals.
  const [config] = await findConfigPda();
  const existing = await fetchMaybeConfig(rpc, config);
  let signature;
  if (existing.exists) {
    assert.deepEqual([existing.data.defaultMidTermInterval, existing.data.defaultLongTermInterval], [MID, LONG]);
  } else {
    signature = await send(payer, [
      await getInitConfigInstructionAsync({ admin: payer, feeRecipient: payer.address, defaultMidTermInterval: MID, defaultLongTermInterval: LONG }),
    ]);
    const initialized = await eventOf(rpc, signature, 'ConfigInitialized');
    assert.deepEqual([initialized.admin, initialized.feeRecipient], [payer.address, payer.address]);
    assert.equal((await fetchConfig(rpc, config)).data.admin, payer.address);
  }

  // Two mints, SPL Token and Token-2022, then their pair in canonical order.
  const rent = await rpc.getMinimumBalanceForRentExemption(MINT_SIZE).send();
  const mints: { mint: Address; tokenProgram: Address }[] = [];
  for (const tokenProgram of [TOKEN_PROGRAM_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS]) {
    const mint = await generateKeyPairSigner();
    await send(payer, [
      createAccountInstruction({ funder: payer, newAccount: mint, lamports: rent, space: MINT_SIZE, owner: tokenProgram }),
      initializeMint2Instruction({ mint: mint.address, decimals: 6, mintAuthority: payer.address, tokenProgram }),
    ]);
    mints.push({ mint: mint.address, tokenProgram });
  }
  const { mintX, mintY } = canonicalMints(mints[0].mint, mints[1].mint);
  const programOf = (mint: Address) => mints.find((m) => m.mint === mint)!.tokenProgram;
  const [pair] = await findPairPda({ mintX, mintY });
  const info: PairInfo = {
    pair,
    mintX,
    mintY,
    vaultX: (await findVaultPda({ pair, mint: mintX }))[0],
    vaultY: (await findVaultPda({ pair, mint: mintY }))[0],
    tokenProgramX: programOf(mintX),
    tokenProgramY: programOf(mintY),
  };
  signature = await send(payer, [
    await getCreatePairInstructionAsync({ payer, mintX, mintY, tokenProgramX: info.tokenProgramX, tokenProgramY: info.tokenProgramY }),
  ]);
  const created = await eventOf(rpc, signature, 'PairCreated');
  assert.deepEqual(
    [created.pair, created.mintX, created.mintY, created.tokenProgramX, created.tokenProgramY],
    [pair, mintX, mintY, info.tokenProgramX, info.tokenProgramY],
  );
  assert.deepEqual([created.midTermInterval, created.longTermInterval, created.freezableX, created.freezableY], [MID, LONG, false, false]);
  const pairAccount = (await fetchPair(rpc, pair)).data;
  assert.deepEqual([pairAccount.vaultX, pairAccount.vaultY], [info.vaultX, info.vaultY]);

  const tokens = { mintX, mintY, tokenProgramX: info.tokenProgramX, tokenProgramY: info.tokenProgramY };
  const of = (user: User) => ({ userTokenX: user.tokenX, userTokenY: user.tokenY, ...tokens });
  const balances = async (user: User) => [await tokenBalance(rpc, user.tokenX), await tokenBalance(rpc, user.tokenY)];
  const vaults = async () => [await tokenBalance(rpc, info.vaultX), await tokenBalance(rpc, info.vaultY)];

  const lp = await newUser(rpc, payer, info, FUNDS, FUNDS);
  const trader = await newUser(rpc, payer, info, FUNDS, FUNDS);
  const lender = await newUser(rpc, payer, info, LENDER_X, 0n);
  const alice = await newUser(rpc, payer, info, ALICE_BORROW_X, COLLATERAL_Y);
  const bob = await newUser(rpc, payer, info, 0n, COLLATERAL_Y);

  // Liquidity: the first mint takes both amounts, L = sqrt(x·y), 1000 shares locked.
  signature = await send(lp.signer, [await getMintInstructionAsync({ owner: lp.signer, ...of(lp), maxAmountX: LP_X, maxAmountY: LP_Y, minShares: 0n })]);
  const added = await eventOf(rpc, signature, 'LiquidityAdded');
  assert.deepEqual([added.amountX, added.amountY, added.liquidity, added.shares], [LP_X, LP_Y, 2_000_000_000n, 2_000_000_000n - 1_000n]);
  assert.deepEqual([added.reserveX, added.reserveY], [LP_X, LP_Y]);
  assert.deepEqual(await balances(lp), [FUNDS - LP_X, FUNDS - LP_Y]);
  assert.deepEqual(await vaults(), [LP_X, LP_Y]);
  assert.equal((await positionOf(rpc, lp.position)).shares[0], added.shares);
  recorded.liquidityAdded = pick(added, ['amountX', 'amountY', 'liquidity', 'shares', 'reserveX', 'reserveY']);

  // A lender's deposit of X, both borrowers' collateral in Y (first deposits: a share per unit).
  signature = await send(lender.signer, [await getDepositInstructionAsync({ owner: lender.signer, ...of(lender), asset: Asset.X, amount: LENDER_X, minShares: 0n })]);
  const deposited = await eventOf(rpc, signature, 'Deposited');
  assert.deepEqual([deposited.owner, deposited.asset, deposited.amount, deposited.shares], [lender.signer.address, Asset.X, LENDER_X, LENDER_X]);
  assert.deepEqual(await balances(lender), [0n, 0n]);
  assert.equal((await positionOf(rpc, lender.position)).shares[1], LENDER_X);
  recorded.lenderDeposited = { asset: Asset[deposited.asset], ...pick(deposited, ['amount', 'shares']) };
  recorded.collateralDeposited = [];
  for (const borrower of [alice, bob]) {
    signature = await send(borrower.signer, [
      await getDepositInstructionAsync({ owner: borrower.signer, ...of(borrower), asset: Asset.Y, amount: COLLATERAL_Y, minShares: 0n }),
    ]);
    const collateral = await eventOf(rpc, signature, 'Deposited');
    assert.deepEqual([collateral.amount, collateral.shares], [COLLATERAL_Y, COLLATERAL_Y]);
    (recorded.collateralDeposited as unknown[]).push({ asset: Asset[collateral.asset], ...pick(collateral, ['amount', 'shares']) });
  }
  assert.deepEqual(await vaults(), [LP_X + LENDER_X, LP_Y + 2n * COLLATERAL_Y]);

  /** One swap: the event's amounts are what the trader's and the vaults' balances moved by. */
  const swap = async (direction: SwapDirection, amountIn: bigint): Promise<Swapped> => {
    const [before, vaultsBefore] = [await balances(trader), await vaults()];
    const sig = await send(trader.signer, [
      await getSwapExactInInstructionAsync({ trader: trader.signer, ...of(trader), direction, amountIn, minAmountOut: 0n }),
    ]);
    const swapped = await eventOf(rpc, sig, 'Swapped');
    assert.deepEqual([swapped.pair, swapped.trader, swapped.direction, swapped.amountIn], [pair, trader.signer.address, direction, amountIn]);
    const [xIn, yIn] = direction === SwapDirection.XToY ? [swapped.amountIn, -swapped.amountOut] : [-swapped.amountOut, swapped.amountIn];
    const [after, vaultsAfter] = [await balances(trader), await vaults()];
    assert.deepEqual([before[0] - after[0], before[1] - after[1]], [xIn, yIn]);
    assert.deepEqual([vaultsAfter[0] - vaultsBefore[0], vaultsAfter[1] - vaultsBefore[1]], [xIn, yIn]);
    const pool = (await fetchPair(rpc, pair)).data;
    assert.deepEqual([swapped.reserveX, swapped.reserveY], [pool.reserveX, pool.reserveY]);
    return swapped;
  };
  const swapRecord = (s: Swapped) => ({ direction: SwapDirection[s.direction], ...pick(s, ['amountIn', 'amountOut', 'feeBipsQ64', 'reserveX', 'reserveY']) });
  /** One interval of the clock, then a small swap (alternating) for an observation; `count` times. */
  const tick = async (count: number) => {
    const swaps = [];
    for (let i = 0; i < count; i++) {
      await warpClock(url, MID);
      swaps.push(swapRecord(await swap(i % 2 === 0 ? SwapDirection.XToY : SwapDirection.YToX, TICK_SWAP)));
    }
    return swaps;
  };
  recorded.ticksBefore = await tick(INTERVALS);

  // Two borrows of X against Y. Their new allocations' tranche accounts come from localnet.
  recorded.borrowed = [];
  for (const [borrower, amount] of [[alice, ALICE_BORROW_X], [bob, BOB_BORROW_X]] as const) {
    const [before, vaultsBefore] = [await balances(borrower), await vaults()];
    const borrow = await getBorrowInstructionAsync({ owner: borrower.signer, ...of(borrower), asset: Asset.X, amount });
    const [completed] = await withSaturationAccounts(url, [borrow]);
    assert.ok(completed.accounts!.length > borrow.accounts.length + 4, 'a borrow walks into tranches');
    signature = await send(borrower.signer, [completed]);
    const borrowed = await eventOf(rpc, signature, 'Borrowed');
    const fee = (amount + 1_999n) / 2_000n; // ceil(amount · 5 / 10_000)
    assert.deepEqual([borrowed.owner, borrowed.asset, borrowed.amount, borrowed.fee, borrowed.debt], [borrower.signer.address, Asset.X, amount, fee, amount + fee]);
    assert.deepEqual(await balances(borrower), [before[0] + amount, before[1]]);
    assert.deepEqual(await vaults(), [vaultsBefore[0] - amount, vaultsBefore[1]]);
    assert.equal((await positionOf(rpc, borrower.position)).shares[4], borrowed.shares);
    (recorded.borrowed as unknown[]).push({ asset: Asset[borrowed.asset], ...pick(borrowed, ['amount', 'debt', 'fee', 'shares']) });
  }
  const bobTranches = occupiedTranches(await positionOf(rpc, bob.position));
  assert.ok(bobTranches.length > 0 && bobTranches.every((t) => t.side === 0), 'net X debt: side 0 only');
  recorded.bobTranches = bobTranches;

  // A day of interest; Alice repays her whole debt (u64::MAX pulls exactly the debt). After it
  // she owes nothing, so the accounts are her allocation's, released.
  await warpClock(url, DAY);
  const alicePosition = await positionOf(rpc, alice.position);
  assert.deepEqual(debtsOf(alicePosition), ['X']);
  const repay = await getRepayInstructionAsync({ owner: alice.signer, ...of(alice), asset: Asset.X, amount: U64_MAX });
  const released = await withReleasedSaturationAccounts(repay, { pair, payer: alice.signer, position: alicePosition });
  const [fromLocalnet] = await withSaturationAccounts(url, [repay]);
  assert.deepEqual(released.accounts!.map((m) => [m.address, m.role]), fromLocalnet.accounts!.map((m) => [m.address, m.role]));
  const [aliceBefore, vaultsBeforeRepay] = [await balances(alice), await vaults()];
  signature = await send(alice.signer, [released]);
  const repaid = await eventOf(rpc, signature, 'Repaid');
  const aliceFee = (ALICE_BORROW_X + 1_999n) / 2_000n;
  assert.ok(repaid.amount > ALICE_BORROW_X + aliceFee, 'a day of interest');
  assert.deepEqual([repaid.owner, repaid.asset], [alice.signer.address, Asset.X]);
  assert.deepEqual(await balances(alice), [aliceBefore[0] - repaid.amount, aliceBefore[1]]);
  assert.deepEqual(await vaults(), [vaultsBeforeRepay[0] + repaid.amount, vaultsBeforeRepay[1]]);
  const aliceAfter = await positionOf(rpc, alice.position);
  assert.equal(aliceAfter.shares[4], 0n);
  assert.equal(repaid.shares, alicePosition.shares[4]);
  assert.deepEqual(aliceAfter.allocations.map((a) => a.count), [0, 0]);
  recorded.repaid = { asset: Asset[repaid.asset], ...pick(repaid, ['amount', 'shares']) };

  // The price move: a large sale of Y, then 50 intervals for the oracle to follow.
  const sale = await swap(SwapDirection.YToX, PRICE_MOVE_Y);
  assert.ok(sale.reserveY > sale.reserveX * 4n, 'Y is cheaper');
  recorded.priceMove = swapRecord(sale);
  recorded.ticksAfter = await tick(INTERVALS);

  // Bob's health, from the program: a simulated position_health, its return data decoded.
  const liquidator = await newUser(rpc, payer, info, LIQUIDATOR_X, 0n);
  const query = await signInstructions(rpc, liquidator.signer, [getPositionHealthInstruction({ pair, position: bob.position })]);
  const simulated = await rpc.simulateTransaction(query.wire, { encoding: 'base64' }).send();
  assert.equal(simulated.value.err, null);
  const returned = getBase64Encoder().encode(simulated.value.returnData!.data[0]);
  // Solana drops return data's trailing zero bytes: pad back to the report's size.
  const reportBytes = new Uint8Array(getPositionReportDecoder().fixedSize);
  reportBytes.set(returned);
  const report: PositionReport = getPositionReportDecoder().decode(reportBytes);
  assert.ok(report.hardLiquidatable && !report.hardPlan.badDebt, 'hard-liquidatable, no bad debt');

  // The whole hard liquidation. Bob owes nothing afterwards, so its accounts are his
  // allocation's bands, from his position account alone.
  const bobBefore = await positionOf(rpc, bob.position);
  const proposal = hardLiquidationProposal(report);
  assert.equal(proposal.repayX, U64_MAX, 'the whole X debt');
  const liquidate = await getLiquidateInstructionAsync({
    liquidator: liquidator.signer,
    ...of(liquidator),
    borrowerPosition: bob.position,
    request: { __kind: 'Hard', fields: [proposal] },
    maxAmountX: LIQUIDATOR_X,
    maxAmountY: 0n,
  });
  const withTranches = await withReleasedSaturationAccounts(liquidate, { pair, payer: liquidator.signer, position: bobBefore });
  const [liquidateFromLocalnet] = await withSaturationAccounts(url, [liquidate]);
  assert.deepEqual(withTranches.accounts!.map((m) => [m.address, m.role]), liquidateFromLocalnet.accounts!.map((m) => [m.address, m.role]));
  const trancheAddresses = await Promise.all(bobTranches.map(async (t) => (await findTranchePda({ pair, side: t.side, index: t.index }))[0]));
  assert.deepEqual(withTranches.accounts!.slice(liquidate.accounts.length + 4).map((m) => m.address), trancheAddresses);
  const vaultsBefore = await vaults();
  signature = await send(liquidator.signer, [withTranches]);
  const liquidated = await eventOf(rpc, signature, 'Liquidated');
  assert.deepEqual([liquidated.borrower, liquidated.liquidator, liquidated.kind, liquidated.badDebt], [bob.signer.address, liquidator.signer.address, LiquidationKind.Hard, false]);
  assert.deepEqual([liquidated.repaidL, liquidated.repaidY, liquidated.seizedL, liquidated.seizedX, liquidated.paidY], [0n, 0n, 0n, 0n, 0n]);
  assert.equal(liquidated.repaidX, BigInt(liquidated.paidX), 'the X debt, paid in X');
  assert.ok(liquidated.seizedY > 0n && liquidated.premiumBips <= liquidated.maxPremiumBips);
  assert.equal(liquidated.maxPremiumBips, report.hardMaxPremiumBips);
  assert.deepEqual(await balances(liquidator), [LIQUIDATOR_X - liquidated.paidX, 0n]);
  assert.deepEqual(await vaults(), [vaultsBefore[0] + liquidated.paidX, vaultsBefore[1]]);
  const [bobAfter, liquidatorAfter] = [await positionOf(rpc, bob.position), await positionOf(rpc, liquidator.position)];
  assert.equal(bobAfter.shares[4], 0n);
  assert.deepEqual(bobAfter.allocations.map((a) => a.count), [0, 0]);
  assert.ok(liquidatorAfter.shares[2] > 0n);
  assert.equal(bobAfter.shares[2], bobBefore.shares[2] - liquidatorAfter.shares[2], 'the seized Y shares moved to the liquidator');
  for (const tranche of trancheAddresses) {
    const totals = (await fetchTranche(rpc, tranche)).data;
    assert.deepEqual([totals.satInLAssets, totals.satRelativeToL], [0n, 0n], 'released');
  }
  recorded.liquidated = {
    kind: LiquidationKind[liquidated.kind],
    ...pick(liquidated, ['repaidL', 'repaidX', 'repaidY', 'seizedL', 'seizedX', 'seizedY', 'paidX', 'paidY', 'premiumBips', 'maxPremiumBips', 'badDebt']),
  };

  // Both clients' runs produced the same events.
  assert.deepEqual(JSON.parse(JSON.stringify(recorded)), golden);
});
