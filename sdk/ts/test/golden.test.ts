// The generated client against the golden vectors the Rust SDK and the program wrote
// (test/golden.json, from tests/tests/golden_vectors.rs):
// - every instruction, built from only the accounts a user chooses (signer, mints, token
//   accounts and programs, and what the IDL cannot derive), has the SDK's data and metas;
// - the PDA helpers derive the SDK's addresses;
// - the account and event decoders read what the program's types encoded.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import {
  address,
  createNoopSigner,
  getBase16Decoder,
  getBase16Encoder,
  getBase58Decoder,
  isSignerRole,
  isWritableRole,
  type Address,
  type Instruction,
} from '@solana/kit';

import * as client from '../src';

type Json = null | boolean | string | Json[] | { [key: string]: Json };
type InstructionCase = {
  instruction: string;
  label: string;
  args: { [key: string]: Json };
  inputs: { [key: string]: string };
  data: string;
  accounts: { pubkey: string; signer: boolean; writable: boolean }[];
  /** Routes only: the pairs whose accounts follow the named ones (`withRouteHops`). */
  hops?: { [key: string]: string }[];
};
type Golden = {
  programId: string;
  eventIxTag: string;
  instructions: InstructionCase[];
  pdas: { [key: string]: Json };
  accounts: { account: string; data: string; fields: { [key: string]: Json } }[];
  events: { event: string; data: string; fields: { [key: string]: Json } }[];
};

// The compiled test runs from build/test; the vectors stay in test/.
const golden: Golden = JSON.parse(readFileSync(join(__dirname, '../../test/golden.json'), 'utf8'));
const hex = (bytes: ArrayLike<number>) => getBase16Decoder().decode(Uint8Array.from(bytes));
const bytes = (hexString: string) => getBase16Encoder().encode(hexString);
const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);
const lookup = (name: string): any => (client as Record<string, unknown>)[name];

/** Golden argument → the generated builder's input: decimal strings are integers, other strings addresses. */
function argument(value: Json): unknown {
  if (typeof value === 'string') return /^-?\d+$/.test(value) ? BigInt(value) : address(value);
  if (value === null || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(argument);
  const [typeName, variant] = Object.entries(value)[0];
  if (typeName === 'LiquidationRequest') {
    // A data enum: `{ __kind, fields }` (Codama's shape); a unit variant is just its name.
    if (typeof variant === 'string') return { __kind: variant };
    const [kind, payload] = Object.entries(variant as { [key: string]: Json })[0];
    return { __kind: kind, fields: [argument(payload)] };
  }
  if (typeName === 'Leg') {
    // A data enum with struct variants: `{ __kind, ...fields }` (Codama's shape).
    const [kind, fields] = Object.entries(variant as { [key: string]: Json })[0];
    return { __kind: kind, ...(argument(fields) as object) };
  }
  if (typeof variant === 'string' && lookup(typeName)) return lookup(typeName)[variant];
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, argument(v)]));
}

/** Builds a golden case with the generated builder from the user's inputs and the arguments alone. */
async function build(c: InstructionCase): Promise<Instruction> {
  const signers = new Set(c.accounts.filter((m) => m.signer).map((m) => m.pubkey));
  const input: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(c.inputs)) {
    input[name] = signers.has(key) ? createNoopSigner(address(key)) : address(key);
  }
  for (const [name, value] of Object.entries(c.args)) input[name] = argument(value);
  const asyncBuilder = lookup(`get${pascal(c.instruction)}InstructionAsync`);
  const builder = asyncBuilder ?? lookup(`get${pascal(c.instruction)}Instruction`);
  assert.ok(builder, `no builder for ${c.instruction}`);
  const instruction: Instruction = await builder(input);
  if (!c.hops) return instruction;
  const hops = c.hops.map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, address(v)])) as unknown as client.RouteHop);
  return client.withRouteHops(instruction, hops);
}

describe('instructions equal the Rust SDK', () => {
  for (const c of golden.instructions) {
    test(`${c.instruction} ${c.label}`.trim(), async () => {
      const instruction = await build(c);
      assert.equal(instruction.programAddress, golden.programId);
      assert.equal(hex(instruction.data!), c.data, 'instruction data');
      const metas = (instruction.accounts ?? []).map((m) => ({
        pubkey: m.address,
        signer: isSignerRole(m.role),
        writable: isWritableRole(m.role),
      }));
      assert.deepEqual(metas, c.accounts, 'account metas');
    });
  }

  test('every instruction of the client has a vector', () => {
    const covered = new Set(golden.instructions.map((c) => c.instruction));
    const builders = Object.keys(client)
      .map((name) => /^get(\w+)Instruction$/.exec(name)?.[1])
      .filter((name): name is string => name !== undefined && name !== 'Dlex');
    for (const name of builders) {
      assert.ok(covered.has(name[0].toLowerCase() + name.slice(1)), `no golden vector for ${name}`);
    }
  });
});

describe('PDAs equal the Rust SDK', () => {
  const p = golden.pdas as any;
  const a = (s: string): Address => address(s);
  test('config, event authority', async () => {
    assert.equal((await client.findConfigPda())[0], p.config);
    assert.equal((await client.findEventAuthorityPda())[0], p.eventAuthority);
  });
  test('pair, in either mint order', async () => {
    assert.equal((await client.findPairPda({ mintX: a(p.pair.mintX), mintY: a(p.pair.mintY) }))[0], p.pair.address);
    assert.equal((await client.findPairPdaForMints(a(p.pair.mintY), a(p.pair.mintX)))[0], p.pair.address);
    assert.deepEqual(client.canonicalMints(a(p.pair.mintY), a(p.pair.mintX)), { mintX: p.pair.mintX, mintY: p.pair.mintY });
  });
  test('vaults, position, saturation indices, tranches', async () => {
    for (const v of [p.vaultX, p.vaultY]) {
      assert.equal((await client.findVaultPda({ pair: a(v.pair), mint: a(v.mint) }))[0], v.address);
    }
    assert.equal((await client.findPositionPda({ pair: a(p.position.pair), owner: a(p.position.owner) }))[0], p.position.address);
    assert.equal((await client.findSaturationNetXPda({ pair: a(p.saturationNetX.pair) }))[0], p.saturationNetX.address);
    assert.equal((await client.findSaturationNetYPda({ pair: a(p.saturationNetY.pair) }))[0], p.saturationNetY.address);
    for (const t of p.tranches) {
      assert.equal((await client.findTranchePda({ pair: a(t.pair), side: t.side, index: t.index }))[0], t.address, `tranche ${t.side}/${t.index}`);
    }
  });
});

/** Reads `path` (`a.b`, `a[1].b`) from a decoded value. */
function at(value: any, path: string): unknown {
  for (const part of path.split('.')) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(part)!;
    value = value[m[1]];
    if (m[2] !== undefined) value = value[Number(m[2])];
  }
  return value;
}

/** Compares a decoded value with a golden one: integers as decimal strings, enums as `{ Type: variant }`. */
function assertField(actual: unknown, expected: Json, path: string) {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is an array`);
    assert.equal(actual.length, expected.length, `${path} length`);
    expected.forEach((e, i) => assertField(actual[i], e, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    const [typeName, variant] = Object.entries(expected)[0];
    assert.equal(actual, lookup(typeName)[variant as string], `${path} is ${typeName}.${variant}`);
  } else if (typeof actual === 'bigint' || typeof actual === 'number') {
    assert.equal(String(actual), expected, path);
  } else if (actual !== null && typeof actual === 'object' && '__option' in actual) {
    assert.deepEqual(actual, { __option: 'Some', value: expected }, path);
  } else {
    assert.equal(actual, expected, path);
  }
}

describe('accounts the program encodes decode', () => {
  for (const account of golden.accounts) {
    test(account.account, () => {
      const data = bytes(account.data);
      const decoded = lookup(`get${account.account}Decoder`)().decode(data);
      assert.equal(hex(decoded.discriminator), account.data.slice(0, 16), 'discriminator');
      for (const [path, expected] of Object.entries(account.fields)) assertField(at(decoded, path), expected, path);
      // And the size the program allocates (zero-copy accounts are fixed-size).
      const size = lookup(`get${account.account}Size`);
      if (size) assert.equal(size(), data.length, 'size');
    });
  }
});

describe('emit_cpi! events decode from inner-instruction data', () => {
  test('the event-CPI tag', () => {
    assert.equal(hex(client.EVENT_IX_TAG as Uint8Array), golden.eventIxTag);
  });
  for (const event of golden.events) {
    test(event.event, () => {
      const decoded = client.decodeDlexEventCpi(bytes(event.data));
      assert.ok(decoded, 'decodes');
      assert.equal(decoded.name, event.event);
      for (const [path, expected] of Object.entries(event.fields)) assertField(at(decoded.data, path), expected, path);
      // Without the tag it is no event-CPI instruction.
      assert.equal(client.decodeDlexEventCpi(bytes(event.data).subarray(8)), null);
    });
  }
  test('events of a transaction, from its inner instructions', () => {
    const base58 = (hexString: string) => getBase58Decoder().decode(bytes(hexString));
    const swapped = golden.events.find((e) => e.event === 'Swapped')!;
    const created = golden.events.find((e) => e.event === 'PairCreated')!;
    const transaction = {
      meta: {
        innerInstructions: [
          {
            index: 0,
            instructions: [
              { programIdIndex: 2, data: base58(created.data) },
              // Another program's instruction with the same bytes is no dlex event.
              { programIdIndex: 1, data: base58(swapped.data) },
              { programIdIndex: 2, data: base58(swapped.data) },
            ],
          },
        ],
        loadedAddresses: { writable: [], readonly: [] },
      },
      transaction: { message: { accountKeys: ['11111111111111111111111111111111', 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', golden.programId] } },
    };
    assert.deepEqual(
      client.dlexEventsFromTransaction(transaction).map((e) => e.name),
      ['PairCreated', 'Swapped'],
    );
  });
});
