// Sending a transaction and waiting for it over HTTP JSON-RPC alone: sign (every signer the
// instructions carry, and the fee payer), send (with preflight), then poll
// `getSignatureStatuses` until the transaction is confirmed or has failed. Polling needs no
// WebSocket endpoint, so it works with only the RPC URL `anchor migrate` hands a script, and
// the same on `dlex localnet`, a local validator and devnet.

import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Base64EncodedWireTransaction,
  type Instruction,
  type Rpc,
  type Signature,
  type SolanaRpcApi,
  type TransactionSigner,
} from '@solana/kit';

/** How long `sendAndConfirmInstructions` waits for a confirmation by default. */
export const DEFAULT_CONFIRM_TIMEOUT_MS = 60_000;

/** The signed wire transaction (base64) of `instructions`, paid by `feePayer`, on the latest blockhash. */
export async function signInstructions(
  rpc: Rpc<SolanaRpcApi>,
  feePayer: TransactionSigner,
  instructions: readonly Instruction[],
): Promise<{ signature: Signature; wire: Base64EncodedWireTransaction }> {
  const { value: latestBlockhash } = await rpc.getLatestBlockhash().send();
  const message = pipe(
    createTransactionMessage({ version: 'legacy' }),
    (m) => setTransactionMessageFeePayerSigner(feePayer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  const transaction = await signTransactionMessageWithSigners(message);
  return { signature: getSignatureFromTransaction(transaction), wire: getBase64EncodedWireTransaction(transaction) };
}

/** The program logs a failed preflight carries (kit's error context), to explain the failure. */
function preflightLogs(error: unknown): string[] {
  const context = (error as { context?: { logs?: unknown } } | null)?.context;
  const cause = (error as { cause?: { context?: { logs?: unknown } } } | null)?.cause?.context;
  const logs = context?.logs ?? cause?.logs;
  return Array.isArray(logs) ? logs.map(String) : [];
}

/**
 * Sends `instructions` in one transaction paid by `feePayer` and waits until it is confirmed.
 * Throws when preflight refuses it (with the program's logs), when it lands with an error, or
 * after `timeoutMs` without a confirmation.
 */
export async function sendAndConfirmInstructions(
  rpc: Rpc<SolanaRpcApi>,
  feePayer: TransactionSigner,
  instructions: readonly Instruction[],
  { timeoutMs = DEFAULT_CONFIRM_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<Signature> {
  const { signature, wire } = await signInstructions(rpc, feePayer, instructions);
  try {
    await rpc.sendTransaction(wire, { encoding: 'base64', preflightCommitment: 'confirmed' }).send();
  } catch (error) {
    const logs = preflightLogs(error);
    const detail = logs.length > 0 ? `\n${logs.join('\n')}` : '';
    throw new Error(`transaction ${signature} refused: ${(error as Error).message}${detail}`, { cause: error });
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { value } = await rpc.getSignatureStatuses([signature]).send();
    const status = value[0];
    if (status?.err) throw new Error(`transaction ${signature} failed: ${JSON.stringify(status.err, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    if (status && (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized')) return signature;
    if (Date.now() > deadline) throw new Error(`transaction ${signature} not confirmed after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
