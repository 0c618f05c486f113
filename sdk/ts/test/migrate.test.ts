// migrations/deploy.js, run as `anchor migrate` runs it, twice against `dlex localnet` (or
// the endpoint of DLEX_RPC_URL): the first run creates the Config, two test mints and their
// pair; the second sends nothing, says "already exists" for every step, and every account is
// byte for byte what the first run left (and the wallet paid no fee). The same with the mints
// given in DLEX_PAIR_MINTS, as on devnet.
//
// anchor-cli 1.x's host (rust_template::deploy_js_script_host) builds an AnchorProvider from
// Anchor.toml (`new Connection(url)`, `Wallet.local()` from ANCHOR_WALLET) and calls
// `require("migrations/deploy.js")(provider)` without awaiting it. The host below does the
// same with the two provider fields the script reads (`connection.rpcEndpoint`,
// `wallet.payer.secretKey`), so the test needs no @anchor-lang/core.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { createAddressWithSeed, generateKeyPairSigner, type Address, type KeyPairSigner } from '@solana/kit';

import {
  canonicalMints,
  createAccountInstruction,
  findConfigPda,
  findPairPda,
  findSaturationNetXPda,
  findSaturationNetYPda,
  findVaultPda,
  initializeMint2Instruction,
  MINT_SIZE,
  sendAndConfirmInstructions,
  TEST_MINT_SEEDS,
  TOKEN_2022_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
} from '../src';
import { endpoint, REPO_ROOT, type Endpoint } from './support/localnet';

let net: Endpoint;
before(async () => {
  net = await endpoint();
});
after(() => net?.stop());

/** Runs migrations/deploy.js as anchor's host does; its exit code and output. */
function migrate(env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const host = `
    const fs = require('node:fs');
    const userScript = require(${JSON.stringify(join(REPO_ROOT, 'migrations', 'deploy.js'))});
    const secretKey = Uint8Array.from(JSON.parse(fs.readFileSync(process.env.ANCHOR_WALLET, 'utf8')));
    const provider = { connection: { rpcEndpoint: ${JSON.stringify(net.url)} }, wallet: { payer: { secretKey } } };
    userScript(provider);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', host], {
      cwd: tmpdir(),
      env: { ...process.env, ANCHOR_WALLET: net.payerKeypairPath, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

type Snapshot = Record<string, { lamports: string; owner: string; executable: boolean; data: string } | null>;

/** Every account the bootstrap creates, as the endpoint stores it. */
async function snapshot(accounts: Address[]): Promise<Snapshot> {
  const { value } = await net.rpc.getMultipleAccounts(accounts, { encoding: 'base64', commitment: 'confirmed' }).send();
  return Object.fromEntries(
    accounts.map((address, i) => {
      const account = value[i];
      return [address, account ? { lamports: String(account.lamports), owner: account.owner, executable: account.executable, data: account.data[0] } : null];
    }),
  );
}

/** The bootstrap's accounts for the pair of `mints`: config, mints, pair, vaults, saturation indices. */
async function bootstrapAccounts(mints: readonly [Address, Address]): Promise<Address[]> {
  const [config] = await findConfigPda();
  const { mintX, mintY } = canonicalMints(mints[0], mints[1]);
  const [pair] = await findPairPda({ mintX, mintY });
  const derived = await Promise.all([
    findVaultPda({ pair, mint: mintX }),
    findVaultPda({ pair, mint: mintY }),
    findSaturationNetXPda({ pair }),
    findSaturationNetYPda({ pair }),
  ]);
  return [config, mintX, mintY, pair, ...derived.map(([address]) => address)];
}

function lines(output: string, pattern: RegExp): string[] {
  return output.split('\n').filter((line) => pattern.test(line));
}

test('anchor migrate: the bootstrap runs twice and the second run changes nothing', async () => {
  const testMints = (await Promise.all(
    TEST_MINT_SEEDS.map(({ seed, tokenProgram }) => createAddressWithSeed({ baseAddress: net.payer.address, programAddress: tokenProgram, seed })),
  )) as [Address, Address];
  const accounts = await bootstrapAccounts(testMints);
  const fresh = (await snapshot(accounts))[accounts[3]] === null;

  const first = await migrate();
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const afterFirst = await snapshot(accounts);
  for (const [address, account] of Object.entries(afterFirst)) assert.ok(account, `${address} exists`);
  if (!net.external) {
    // A fresh endpoint: the first run created the config, both mints and the pair.
    assert.equal(lines(first.stdout, /^(config|mint|pair) \S+ .*created/).length, 4, first.stdout);
    assert.equal(lines(first.stdout, /already exists/).length, 0, first.stdout);
    assert.match(first.stdout, /config \S+ created \(admin /);
    assert.match(first.stdout, /pair \S+ of \S+ and \S+ created/);
  } else if (fresh) {
    assert.match(first.stdout, /pair \S+ of \S+ and \S+ created/);
  }
  // The test mints are an SPL Token and a Token-2022 mint.
  assert.equal(afterFirst[testMints[0]]!.owner, TOKEN_PROGRAM_ADDRESS);
  assert.equal(afterFirst[testMints[1]]!.owner, TOKEN_2022_PROGRAM_ADDRESS);

  const lamportsBefore = (await net.rpc.getBalance(net.payer.address, { commitment: 'confirmed' }).send()).value;
  const second = await migrate();
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.equal(lines(second.stdout, /already exists/).length, 4, second.stdout);
  assert.equal(lines(second.stdout, /^(config|mint|pair) \S+ .*created/).length, 0, second.stdout);
  assert.match(second.stdout, /\(0 accounts created\)/);
  assert.deepEqual(await snapshot(accounts), afterFirst, 'every account byte-identical');
  assert.equal((await net.rpc.getBalance(net.payer.address, { commitment: 'confirmed' }).send()).value, lamportsBefore, 'no transaction sent');
});

test('anchor migrate with DLEX_PAIR_MINTS (devnet: the tokens to list)', async () => {
  const mints: [Address, Address] = [await newMint(net.payer, TOKEN_PROGRAM_ADDRESS), await newMint(net.payer, TOKEN_2022_PROGRAM_ADDRESS)];
  const env = { DLEX_PAIR_MINTS: mints.join(',') };
  const accounts = await bootstrapAccounts(mints);
  const first = await migrate(env);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /config \S+ already exists/);
  assert.equal(lines(first.stdout, /given/).length, 2, first.stdout);
  assert.match(first.stdout, /pair \S+ of \S+ and \S+ created/);
  const afterFirst = await snapshot(accounts);
  const second = await migrate(env);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /pair \S+ already exists/);
  assert.deepEqual(await snapshot(accounts), afterFirst);

  // A mint that does not exist is named, and the run fails.
  const missing = (await generateKeyPairSigner()).address;
  const failed = await migrate({ DLEX_PAIR_MINTS: `${mints[0]},${missing}` });
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, new RegExp(`dlex bootstrap failed: mint ${missing} does not exist`));
});

async function newMint(payer: KeyPairSigner, tokenProgram: Address): Promise<Address> {
  const mint = await generateKeyPairSigner();
  const rent = await net.rpc.getMinimumBalanceForRentExemption(MINT_SIZE).send();
  await sendAndConfirmInstructions(net.rpc, payer, [
    createAccountInstruction({ funder: payer, newAccount: mint, lamports: rent, space: MINT_SIZE, owner: tokenProgram }),
    initializeMint2Instruction({ mint: mint.address, decimals: 6, mintAuthority: payer.address, tokenProgram }),
  ]);
  return mint.address;
}
