// The two methods `dlex localnet` adds to the standard Solana JSON-RPC (they exist nowhere
// else: a validator answers "method not found"):
// - `dlex_warpClock [seconds]`: moves the clock forward (TWAP intervals, interest) and answers
//   the new unix time;
// - `dlex_saturationAccounts [instructions]`: the instructions of one transaction with the
//   saturation (tranche) accounts each needs appended, computed by the Rust SDK
//   (`dlex_sdk::saturation::complete`) on the endpoint's current state.
//
// Why the second one: an instruction that places a position's saturation (a borrow, a partial
// repayment, a withdrawal with debt, ...) needs the exact tranche accounts of its new
// allocation, and that allocation follows from the program's interest accrual, oracle price
// range and tranche walk, which this client does not port. Instructions that only release an
// allocation (the whole debt repaid, a whole liquidation) need only what the position account
// records: src/tranches.ts derives those here, on any cluster. Elsewhere than `dlex localnet`,
// compute the others with the Rust SDK.

import { AccountRole, address, getBase64Decoder, type AccountMeta, type Address, type Instruction } from '@solana/kit';

let requestId = 0;

/** One JSON-RPC call to `url` (POST); the `result`, or an Error with the endpoint's message. */
export async function jsonRpcRequest<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++requestId, method, params }),
  });
  if (!response.ok) throw new Error(`${method}: HTTP ${response.status} from ${url}`);
  const answer = (await response.json()) as { result?: T; error?: { code: number; message: string } };
  if (answer.error) throw new Error(`${method}: ${answer.error.message} (code ${answer.error.code})`);
  return answer.result as T;
}

/** `dlex_warpClock`: moves the endpoint's clock `seconds` forward; the new unix time. */
export async function warpClock(url: string, seconds: number | bigint): Promise<bigint> {
  return BigInt(await jsonRpcRequest<number>(url, 'dlex_warpClock', [Number(seconds)]));
}

type JsonAccountMeta = { pubkey: string; isSigner: boolean; isWritable: boolean };
type JsonInstruction = { programId: string; accounts: JsonAccountMeta[]; data: string };

function roleOf(meta: JsonAccountMeta): AccountRole {
  if (meta.isSigner) return meta.isWritable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER;
  return meta.isWritable ? AccountRole.WRITABLE : AccountRole.READONLY;
}

function toJson(instruction: Instruction): JsonInstruction {
  const accounts = (instruction.accounts ?? []).map((meta) => ({
    pubkey: meta.address,
    isSigner: meta.role === AccountRole.READONLY_SIGNER || meta.role === AccountRole.WRITABLE_SIGNER,
    isWritable: meta.role === AccountRole.WRITABLE || meta.role === AccountRole.WRITABLE_SIGNER,
  }));
  return { programId: instruction.programAddress, accounts, data: getBase64Decoder().decode(instruction.data ?? new Uint8Array()) };
}

/**
 * `dlex_saturationAccounts` (dlex localnet only): `instructions` (one transaction's, in order)
 * with the saturation accounts each needs appended, as the Rust SDK computes them. The
 * instructions' own account metas are kept (with their signers); the appended ones reuse the
 * signer of an account the instruction already names (the payer is its signer).
 */
export async function withSaturationAccounts(url: string, instructions: readonly Instruction[]): Promise<Instruction[]> {
  const answer = await jsonRpcRequest<JsonInstruction[]>(url, 'dlex_saturationAccounts', [instructions.map(toJson)]);
  if (answer.length !== instructions.length) throw new Error('dlex_saturationAccounts answered another number of instructions');
  return instructions.map((instruction, i) => {
    const own = instruction.accounts ?? [];
    const completed = answer[i];
    const sameStart = own.every((meta, j) => completed.accounts[j]?.pubkey === meta.address && roleOf(completed.accounts[j]) === meta.role);
    if (completed.programId !== instruction.programAddress || !sameStart) {
      throw new Error(`dlex_saturationAccounts changed instruction ${i} instead of appending to it`);
    }
    const appended: AccountMeta[] = completed.accounts.slice(own.length).map((meta) => {
      const named = own.find((m) => m.address === meta.pubkey && 'signer' in m);
      return named && meta.isSigner ? { ...named, role: roleOf(meta) } : { address: address(meta.pubkey) as Address, role: roleOf(meta) };
    });
    return { ...instruction, accounts: [...own, ...appended] } as Instruction;
  });
}
