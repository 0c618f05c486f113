// Saturation (tranche) accounts for the instructions whose list follows from the position
// account alone, and the whole hard liquidation a position report proposes.
//
// Every instruction that changes an indebted position, and `liquidate` for the borrower,
// re-walks the position's saturation. After its named accounts it then takes
//   [saturation index net X (w), saturation index net Y (w), system program, payer (ws),
//    tranches (w)...]
// where the tranches are exactly those the program touches (it refuses a missing one with
// MissingTrancheAccount and an extra one with UnexpectedTrancheAccount). The program
// (actions::pipeline::update_saturation, actions::saturation::reallocate) touches:
// - nothing at all, when the position occupies no tranche and holds no debt afterwards;
// - otherwise both index accounts, then per side
//   - the release of the old allocation: slot i < count of `position.allocations[side]` that
//     holds saturation, i.e. tranche `lastTranche + i` (side 0, net X debt) or
//     `lastTranche - i` (side 1, net Y debt), and
//   - the walk of the new one, when the position still owes something: its bands follow from
//     the program's interest accrual, oracle price range and saturation math.
// The Rust SDK (`dlex_sdk::saturation::complete`) runs that math off-chain; this client does
// not port it. What is derived here is the case without a walk: an instruction after which
// the position owes nothing (its whole debt repaid, a whole or bad-debt hard liquidation,
// whose liquidator is never re-walked). For the rest, ask `dlex localnet`
// (`withSaturationAccounts` in src/localnet.ts) or use the Rust SDK.

import { AccountRole, type AccountMeta, type Address, type Instruction, type TransactionSigner } from '@solana/kit';

import type { Position } from './generated/accounts/position';
import { findSaturationNetXPda, findSaturationNetYPda, findTranchePda } from './generated/pdas';
import type { HardLiquidationProposalArgs, PositionReport } from './generated/types';

/** Most bands one side of a position occupies (`MAX_POSITION_TRANCHES`). */
export const MAX_POSITION_TRANCHES = 7;

/** A tranche: side 0 holds net-X-debt saturation, side 1 net-Y; index is the 25-tick band. */
export type TrancheKey = { side: 0 | 1; index: number };

const SYSTEM_PROGRAM = '11111111111111111111111111111111' as Address;
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const U128_MAX = (1n << 128n) - 1n;

/** Whether the position occupies any tranche (some side's allocation has slots). */
export function occupiesTranches(position: Position): boolean {
  return position.allocations.some((allocation) => allocation.count > 0);
}

/** The tranches the position's stored allocation holds saturation in, side 0 then side 1, by band. */
export function occupiedTranches(position: Position): TrancheKey[] {
  const keys: TrancheKey[] = [];
  position.allocations.forEach((allocation, side) => {
    const step = side === 0 ? 1 : -1;
    const count = Math.min(allocation.count, MAX_POSITION_TRANCHES);
    for (let i = 0; i < count; i++) {
      if (allocation.satInLAssets[i] === 0n && allocation.satRelativeToL[i] === 0n) continue;
      keys.push({ side: side as 0 | 1, index: allocation.lastTranche + step * i });
    }
  });
  return keys.sort((a, b) => a.side - b.side || a.index - b.index);
}

/** Whether the position owes anything (borrowed L, X or Y shares). */
export function hasDebt(position: Position): boolean {
  return position.shares.slice(3).some((shares) => shares > 0n);
}

/** The saturation accounts `[index X, index Y, system program, payer, tranches...]` as metas. */
export async function saturationAccountMetas(pair: Address, payer: TransactionSigner, tranches: readonly TrancheKey[]): Promise<AccountMeta[]> {
  const [[indexX], [indexY]] = await Promise.all([findSaturationNetXPda({ pair }), findSaturationNetYPda({ pair })]);
  const metas: AccountMeta[] = [
    { address: indexX, role: AccountRole.WRITABLE },
    { address: indexY, role: AccountRole.WRITABLE },
    { address: SYSTEM_PROGRAM, role: AccountRole.READONLY },
    { address: payer.address, role: AccountRole.WRITABLE_SIGNER, signer: payer } as AccountMeta,
  ];
  for (const key of tranches) {
    const [tranche] = await findTranchePda({ pair, side: key.side, index: key.index });
    metas.push({ address: tranche, role: AccountRole.WRITABLE });
  }
  return metas;
}

/**
 * `instruction` with the saturation accounts it needs when `position` owes nothing after it:
 * a repayment of its whole debt (its only debt asset, with `u64::MAX`: exactly the debt is
 * pulled; check with `debtsOf`), or a whole hard liquidation of it (`hardLiquidationProposal`;
 * the liquidator's position is never re-walked). Those only release the stored allocation,
 * which the position account records. `payer` is the instruction's signer. For an instruction
 * that leaves a debt, the list also holds the new allocation's bands: use
 * `withSaturationAccounts` (dlex localnet) or the Rust SDK instead.
 */
export async function withReleasedSaturationAccounts(
  instruction: Instruction,
  { pair, payer, position }: { pair: Address; payer: TransactionSigner; position: Position },
): Promise<Instruction> {
  if (!occupiesTranches(position)) return instruction;
  const extra = await saturationAccountMetas(pair, payer, occupiedTranches(position));
  return { ...instruction, accounts: [...(instruction.accounts ?? []), ...extra] } as Instruction;
}

/** The debt kinds a position owes: 'L', 'X', 'Y'. */
export function debtsOf(position: Position): ('L' | 'X' | 'Y')[] {
  return (['L', 'X', 'Y'] as const).filter((_, i) => position.shares[3 + i] > 0n);
}

/**
 * The whole hard liquidation of a `position_health` report's plan (`report.hardPlan`), as the
 * Rust SDK sends it (`dlex_sdk::liquidation::hard_proposal`): a leg that takes a whole debt or
 * deposit is sent as MAX (the program caps it), so interest accrued before the transaction
 * lands leaves no dust; partial legs are sent as planned. The plan repays every debt (or, when
 * it is bad debt, the rest is burned), so the borrower owes nothing afterwards.
 */
export function hardLiquidationProposal(report: PositionReport): HardLiquidationProposalArgs {
  if (!report.hardLiquidatable) throw new Error('the position is not hard-liquidatable');
  const { repaid, seized } = report.hardPlan;
  const assets = report.assets;
  const leg = (planned: bigint, held: bigint, whole: bigint) => (held > 0n && planned >= held ? whole : planned);
  const token = (planned: bigint, held: bigint) => {
    const value = leg(planned, held, U64_MAX);
    return value > U64_MAX ? U64_MAX : value;
  };
  return {
    repayL: leg(repaid[0], assets[3], U128_MAX),
    repayX: token(repaid[1], assets[4]),
    repayY: token(repaid[2], assets[5]),
    seizeL: leg(seized[0], assets[0], U128_MAX),
    seizeX: leg(seized[1], assets[1], U128_MAX),
    seizeY: leg(seized[2], assets[2], U128_MAX),
  };
}
