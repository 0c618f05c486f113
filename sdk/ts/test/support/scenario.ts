// What the end-to-end scenario shares between its steps: sending, decoding events from
// `getTransaction`, token balances, funded users with token accounts and a position.

import assert from 'node:assert/strict';

import {
  generateKeyPairSigner,
  lamports,
  type Address,
  type Instruction,
  type KeyPairSigner,
  type Rpc,
  type Signature,
  type SolanaRpcApi,
} from '@solana/kit';

import {
  createAssociatedTokenAccountIdempotentInstruction,
  dlexEventsFromTransaction,
  fetchPosition,
  findAssociatedTokenAddress,
  findPositionPda,
  getOpenPositionInstructionAsync,
  mintToInstruction,
  sendAndConfirmInstructions,
  type DlexEvent,
  type RouteHop,
  type Position,
  type TransactionWithInnerInstructions,
} from '../../src';

/** A pair's addresses as the instruction builders take them (the client's `RouteHop`). */
export type PairInfo = RouteHop;

export type User = { signer: KeyPairSigner; tokenX: Address; tokenY: Address; position: Address };

/** Waits until `signature` is confirmed (airdrops). */
export async function confirm(rpc: Rpc<SolanaRpcApi>, signature: Signature): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { value } = await rpc.getSignatureStatuses([signature]).send();
    if (value[0]?.err) throw new Error(`${signature} failed`);
    if (value[0]?.confirmationStatus) return;
    if (Date.now() > deadline) throw new Error(`${signature} not confirmed`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every dlex event of the transaction, in order. */
export async function eventsOf(rpc: Rpc<SolanaRpcApi>, signature: Signature): Promise<DlexEvent[]> {
  const transaction = await rpc.getTransaction(signature, { encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
  assert.ok(transaction, `getTransaction ${signature}`);
  assert.equal(transaction.meta?.err, null);
  return dlexEventsFromTransaction(transaction as unknown as TransactionWithInnerInstructions);
}

/** The fields of the event named `N`. */
export type EventData<N extends DlexEvent['name']> = Extract<DlexEvent, { name: N }>['data'];

/** The one event named `name` of the transaction. */
export async function eventOf<N extends DlexEvent['name']>(rpc: Rpc<SolanaRpcApi>, signature: Signature, name: N): Promise<EventData<N>> {
  const found: unknown[] = (await eventsOf(rpc, signature)).filter((event) => event.name === name).map((event) => event.data);
  assert.equal(found.length, 1, `one ${name} event`);
  return found[0] as EventData<N>;
}

export async function tokenBalance(rpc: Rpc<SolanaRpcApi>, account: Address): Promise<bigint> {
  return BigInt((await rpc.getTokenAccountBalance(account).send()).value.amount);
}

export async function positionOf(rpc: Rpc<SolanaRpcApi>, position: Address): Promise<Position> {
  return (await fetchPosition(rpc, position)).data;
}

/**
 * A new funded keypair with associated token accounts for both mints (`x` and `y` minted by
 * `authority`) and an open position in the pair.
 */
export async function newUser(rpc: Rpc<SolanaRpcApi>, authority: KeyPairSigner, info: PairInfo, x: bigint, y: bigint): Promise<User> {
  const signer = await generateKeyPairSigner();
  await confirm(rpc, await rpc.requestAirdrop(signer.address, lamports(10_000_000_000n)).send());
  const tokenX = await findAssociatedTokenAddress(signer.address, info.mintX, info.tokenProgramX);
  const tokenY = await findAssociatedTokenAddress(signer.address, info.mintY, info.tokenProgramY);
  await sendAndConfirmInstructions(rpc, signer, [
    await createAssociatedTokenAccountIdempotentInstruction({ payer: signer, owner: signer.address, mint: info.mintX, tokenProgram: info.tokenProgramX }),
    await createAssociatedTokenAccountIdempotentInstruction({ payer: signer, owner: signer.address, mint: info.mintY, tokenProgram: info.tokenProgramY }),
    await getOpenPositionInstructionAsync({ owner: signer, pair: info.pair }),
  ]);
  const minting: Instruction[] = [];
  if (x > 0n) minting.push(mintToInstruction({ mint: info.mintX, destination: tokenX, authority, amount: x, tokenProgram: info.tokenProgramX }));
  if (y > 0n) minting.push(mintToInstruction({ mint: info.mintY, destination: tokenY, authority, amount: y, tokenProgram: info.tokenProgramY }));
  if (minting.length > 0) await sendAndConfirmInstructions(rpc, authority, minting);
  const [position] = await findPositionPda({ pair: info.pair, owner: signer.address });
  return { signer, tokenX, tokenY, position };
}

/** JSON-friendly copy of a decoded value: integers as decimal strings (the golden file's form). */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** The fields `keys` of `value`, as `plain` writes them. */
export function pick<T extends object>(value: T, keys: readonly (keyof T)[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, plain(value[key])]));
}
