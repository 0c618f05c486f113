// The endpoint the node tests run against. By default each test file that needs one starts its
// own `dlex localnet` and stops it, even when a test fails. With DLEX_RPC_URL set (what
// scripts/anchor-test passes from `anchor test`), the tests use that endpoint instead, with
// the keypair file DLEX_WALLET as payer (default ~/.config/solana/id.json).
//
// The binary: $DLEX_BIN if set; otherwise the one `cargo test --workspace` builds, found by
// asking cargo (`cargo test --locked --workspace --no-run --message-format=json`), so
// $CARGO_TARGET_DIR is honoured and a stale binary is rebuilt. After scripts/test's `cargo
// test --workspace` that has nothing to do (under a second). It is the workspace's feature
// set on purpose: `cargo build -p dlex-cli` would build the Solana stack a second time with
// other features. It runs with `--port 0` (the system picks free ports, so parallel runs never
// collide; the URLs are read from its first lines of output) and `--stop-on-stdin-close`
// with a pipe on stdin: it stops when this process ends, however it ends, so none is left
// running. `stop()` also kills it at once (SIGKILL), and an `exit` handler does for the
// runs that never reached `stop()`.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { createKeyPairSignerFromBytes, createSolanaRpc, type KeyPairSigner, type Rpc, type SolanaRpcApi } from '@solana/kit';

import { warpClock } from '../../src';

/** The repository root (this file runs from sdk/ts/build/test/support). */
export const REPO_ROOT = resolve(__dirname, '../../../../..');

export type Localnet = {
  url: string;
  wsUrl: string;
  rpc: Rpc<SolanaRpcApi>;
  /** The funded payer `dlex localnet` wrote: dlex's upgrade authority. */
  payer: KeyPairSigner;
  payerKeypairPath: string;
  stop: () => void;
};

export type Endpoint = Localnet & {
  /** Given by DLEX_RPC_URL rather than started here: other runs may have used it before. */
  external: boolean;
  /** It is `dlex localnet` (it answers `dlex_warpClock`), not a validator. */
  dlexLocalnet: boolean;
};

async function readKeypair(path: string): Promise<KeyPairSigner> {
  return createKeyPairSignerFromBytes(Uint8Array.from(JSON.parse(readFileSync(path, 'utf8')) as number[]));
}

/** Whether the endpoint at `url` is `dlex localnet` (a zero-second `dlex_warpClock` answers). */
export async function isDlexLocalnet(url: string): Promise<boolean> {
  try {
    await warpClock(url, 0);
    return true;
  } catch {
    return false;
  }
}

/** The endpoint of DLEX_RPC_URL, or a `dlex localnet` started for this test file. */
export async function endpoint(): Promise<Endpoint> {
  const url = process.env.DLEX_RPC_URL;
  if (!url) return { ...(await startLocalnet()), external: false, dlexLocalnet: true };
  const payerKeypairPath = process.env.DLEX_WALLET ?? join(homedir(), '.config', 'solana', 'id.json');
  const rpc = createSolanaRpc(url);
  await waitForHealth(rpc);
  const payer = await readKeypair(payerKeypairPath);
  return { url, wsUrl: '', rpc, payer, payerKeypairPath, stop: () => {}, external: true, dlexLocalnet: await isDlexLocalnet(url) };
}

let builtBinary: string | undefined;

/** The `dlex` binary (see the module doc). */
export function dlexBinary(): string {
  if (process.env.DLEX_BIN) return process.env.DLEX_BIN;
  if (builtBinary) return builtBinary;
  const build = spawnSync('cargo', ['test', '--locked', '--workspace', '--no-run', '--message-format=json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (build.status !== 0) {
    throw new Error(`cargo test --workspace --no-run failed (status ${build.status}); set DLEX_BIN to a built dlex binary\n${build.stderr.slice(-4000)}`);
  }
  for (const line of build.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line) as {
      reason?: string;
      target?: { name?: string; kind?: string[] };
      profile?: { test?: boolean };
      executable?: string | null;
    };
    // The binary itself, not its unit-test harness (same target, built with `test: true`).
    const isDlexBinary = message.target?.name === 'dlex' && message.target.kind?.includes('bin') && message.profile?.test === false;
    if (message.reason === 'compiler-artifact' && isDlexBinary && message.executable) builtBinary = message.executable;
  }
  if (!builtBinary || !existsSync(builtBinary)) throw new Error('cargo did not report the dlex binary');
  return builtBinary;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `dlex localnet` on free ports and waits until it answers `getHealth`. */
export async function startLocalnet(): Promise<Localnet> {
  const dir = mkdtempSync(join(tmpdir(), 'dlex-ts-localnet-'));
  const payerKeypairPath = join(dir, 'payer.json');
  const child = spawn(dlexBinary(), ['localnet', '--port', '0', '--stop-on-stdin-close', '--payer-keypair', payerKeypairPath], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  running.add(child);
  const stop = () => {
    if (running.delete(child)) {
      child.stdin?.end();
      child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { url, wsUrl } = await readUrls(child);
    const rpc = createSolanaRpc(url);
    await waitForHealth(rpc);
    const payer = await readKeypair(payerKeypairPath);
    return { url, wsUrl, rpc, payer, payerKeypairPath, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/** The HTTP and WebSocket URLs from the first lines `dlex localnet` prints. */
function readUrls(child: ChildProcess): Promise<{ url: string; wsUrl: string }> {
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let url: string | undefined;
    const timer = setTimeout(() => reject(new Error('dlex localnet printed no URL within 60 s')), 60_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(why));
    };
    child.once('error', (error) => fail(`cannot start dlex localnet: ${error.message}`));
    child.once('exit', (code) => fail(`dlex localnet exited (code ${code}) before serving`));
    lines.on('line', (line) => {
      const http = /JSON-RPC at (http:\/\/\S+)/.exec(line);
      const ws = /PubSub\) at (ws:\/\/\S+)/.exec(line);
      if (http) url = http[1];
      if (ws && url) {
        clearTimeout(timer);
        // Keep reading (and discarding) its output so it never blocks on a full pipe.
        lines.removeAllListeners('line');
        lines.on('line', () => {});
        resolvePromise({ url, wsUrl: ws[1] });
      }
    });
  });
}

async function waitForHealth(rpc: Rpc<SolanaRpcApi>): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await rpc.getHealth().send()) === 'ok') return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`dlex localnet does not answer getHealth: ${(error as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
