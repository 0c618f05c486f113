// The hand-written parts of src/tranches.ts on made-up positions and reports: which bands a
// stored allocation releases, the account list appended after an instruction's own accounts,
// and the whole hard liquidation of a report (the Rust SDK's `liquidation::hard_proposal`).
// The end-to-end test checks the same functions against the program and `dlex localnet`.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { AccountRole, address, generateKeyPairSigner, type Instruction } from '@solana/kit';

import {
  findSaturationNetXPda,
  findSaturationNetYPda,
  findTranchePda,
  getPositionDecoder,
  getPositionReportDecoder,
  getPositionSize,
  hardLiquidationProposal,
  occupiedTranches,
  withReleasedSaturationAccounts,
  type Position,
  type PositionReport,
} from '../src';

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const U128_MAX = (1n << 128n) - 1n;
const PAIR = address('DLexQ4MZXhrJ1qxkB6Jd7oWQ7ujpXmAvt6MPNVRTqSBw');

function position(allocations: { lastTranche: number; slots: [bigint, bigint][] }[]): Position {
  const empty = getPositionDecoder().decode(new Uint8Array(getPositionSize()));
  return {
    ...empty,
    allocations: empty.allocations.map((stored, side) => {
      const wanted = allocations[side];
      if (!wanted) return stored;
      const pad = (values: bigint[]) => [...values, ...Array(7 - values.length).fill(0n)];
      return {
        ...stored,
        lastTranche: wanted.lastTranche,
        count: wanted.slots.length,
        satInLAssets: pad(wanted.slots.map(([abs]) => abs)),
        satRelativeToL: pad(wanted.slots.map(([, rel]) => rel)),
      };
    }),
  };
}

describe('saturation accounts of an instruction that releases an allocation', () => {
  test('the bands that hold saturation: up from the last band for net X, down for net Y', () => {
    const held = position([
      { lastTranche: -26, slots: [[5n, 7n], [0n, 0n], [1n, 0n]] },
      { lastTranche: 40, slots: [[0n, 3n], [2n, 2n]] },
    ]);
    assert.deepEqual(occupiedTranches(held), [
      { side: 0, index: -26 },
      { side: 0, index: -24 },
      { side: 1, index: 39 },
      { side: 1, index: 40 },
    ]);
    assert.deepEqual(occupiedTranches(position([])), []);
  });

  test('appended after the named accounts: indices, system program, payer, bands', async () => {
    const payer = await generateKeyPairSigner();
    const instruction: Instruction = { programAddress: PAIR, accounts: [{ address: payer.address, role: AccountRole.WRITABLE_SIGNER }], data: new Uint8Array([1]) };
    // Nothing occupied: nothing to add.
    assert.equal(await withReleasedSaturationAccounts(instruction, { pair: PAIR, payer, position: position([]) }), instruction);
    const held = position([{ lastTranche: 3, slots: [[1n, 1n], [1n, 1n]] }]);
    const completed = await withReleasedSaturationAccounts(instruction, { pair: PAIR, payer, position: held });
    const expected = [
      [payer.address, AccountRole.WRITABLE_SIGNER],
      [(await findSaturationNetXPda({ pair: PAIR }))[0], AccountRole.WRITABLE],
      [(await findSaturationNetYPda({ pair: PAIR }))[0], AccountRole.WRITABLE],
      ['11111111111111111111111111111111', AccountRole.READONLY],
      [payer.address, AccountRole.WRITABLE_SIGNER],
      [(await findTranchePda({ pair: PAIR, side: 0, index: 3 }))[0], AccountRole.WRITABLE],
      [(await findTranchePda({ pair: PAIR, side: 0, index: 4 }))[0], AccountRole.WRITABLE],
    ];
    assert.deepEqual(completed.accounts!.map((m) => [m.address, m.role]), expected);
    assert.equal((completed.accounts![4] as { signer?: unknown }).signer, payer, 'the payer signs');
    // A position with saturation recorded but no slot holding any: the indices only.
    const emptySlots = position([{ lastTranche: 3, slots: [[0n, 0n]] }]);
    assert.equal((await withReleasedSaturationAccounts(instruction, { pair: PAIR, payer, position: emptySlots })).accounts!.length, 5);
  });
});

describe('the whole hard liquidation of a report', () => {
  const report = (assets: bigint[], repaid: bigint[], seized: bigint[], liquidatable = true): PositionReport => {
    const empty = getPositionReportDecoder().decode(new Uint8Array(getPositionReportDecoder().fixedSize));
    return { ...empty, assets, hardLiquidatable: liquidatable, hardPlan: { ...empty.hardPlan, repaid, seized } };
  };

  test('whole legs are MAX, partial ones as planned, absent ones zero', () => {
    // Deposits L 0, X 0, Y 1000; debts L 50, X 300, Y 0. The plan repays all X, part of L,
    // and seizes all of Y.
    const proposal = hardLiquidationProposal(report([0n, 0n, 1000n, 50n, 300n, 0n], [20n, 300n, 0n], [0n, 0n, 1000n]));
    assert.deepEqual(proposal, { repayL: 20n, repayX: U64_MAX, repayY: 0n, seizeL: 0n, seizeX: 0n, seizeY: U128_MAX });
    // A plan above what is held (interest rounded up) is still the whole leg.
    const above = hardLiquidationProposal(report([7n, 0n, 0n, 0n, 0n, 9n], [0n, 0n, 10n], [8n, 0n, 0n]));
    assert.deepEqual(above, { repayL: 0n, repayX: 0n, repayY: U64_MAX, seizeL: U128_MAX, seizeX: 0n, seizeY: 0n });
    // A partial token leg beyond u64 (not possible on chain) is capped at u64::MAX.
    const huge = hardLiquidationProposal(report([0n, 0n, 1n, 0n, 1n << 70n, 0n], [0n, 1n << 65n, 0n], [0n, 0n, 0n]));
    assert.equal(huge.repayX, U64_MAX);
  });

  test('a position that is not hard-liquidatable has no proposal', () => {
    assert.throws(() => hardLiquidationProposal(report([0n, 0n, 1n, 0n, 1n, 0n], [0n, 0n, 0n], [0n, 0n, 0n], false)), /not hard-liquidatable/);
  });
});
