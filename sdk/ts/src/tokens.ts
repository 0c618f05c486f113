// The few System, SPL Token / Token-2022 and Associated Token instructions that the bootstrap
// (src/bootstrap.ts) and the end-to-end tests need, written by hand from the programs' wire
// layouts so the client needs no second program library. Applications that do more with
// tokens should use the programs' own clients (@solana-program/token, @solana-program/system).
//
// Layouts (all integers little-endian):
// - System `CreateAccount`: u32 0, lamports u64, space u64, owner; accounts [funder (ws), new (ws)].
// - System `CreateAccountWithSeed`: u32 3, base, seed (u64 length, UTF-8), lamports u64,
//   space u64, owner; accounts [funder (ws), new (w), base (s)].
// - Token `InitializeMint2`: u8 20, decimals u8, mint authority, freeze authority option
//   (u8 0, or u8 1 then the key); accounts [mint (w)]. The same for SPL Token and Token-2022.
// - Token `MintTo`: u8 7, amount u64; accounts [mint (w), destination (w), authority (s)].
// - Associated Token `CreateIdempotent`: u8 1; accounts [payer (ws), associated account (w),
//   owner, mint, system program, token program]; the address is the Associated Token
//   program's PDA of [owner, token program, mint].

import {
  AccountRole,
  address,
  getAddressEncoder,
  getProgramDerivedAddress,
  getU32Encoder,
  getU64Encoder,
  getUtf8Encoder,
  type ReadonlyUint8Array,
  type AccountMeta,
  type AccountSignerMeta,
  type Address,
  type Instruction,
  type TransactionSigner,
} from '@solana/kit';

export const SYSTEM_PROGRAM_ADDRESS = address('11111111111111111111111111111111');
export const TOKEN_PROGRAM_ADDRESS = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
export const TOKEN_2022_PROGRAM_ADDRESS = address('TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb');
export const ASSOCIATED_TOKEN_PROGRAM_ADDRESS = address('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL');

/** The bytes of `parts`, one after the other. */
function concat(parts: readonly ReadonlyUint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Size of a mint without extensions (SPL Token's `Mint::LEN`, also Token-2022's base mint). */
export const MINT_SIZE = 82n;

function signer(s: TransactionSigner, role: AccountRole.WRITABLE_SIGNER | AccountRole.READONLY_SIGNER): AccountSignerMeta {
  return { address: s.address, role, signer: s };
}

function readonly(account: Address): AccountMeta {
  return { address: account, role: AccountRole.READONLY };
}

function writable(account: Address): AccountMeta {
  return { address: account, role: AccountRole.WRITABLE };
}

/** System `CreateAccount`: `newAccount` (a signer) gets `lamports` and `space` bytes owned by `owner`. */
export function createAccountInstruction(args: {
  funder: TransactionSigner;
  newAccount: TransactionSigner;
  lamports: bigint;
  space: bigint;
  owner: Address;
}): Instruction {
  const data = concat([
    getU32Encoder().encode(0),
    getU64Encoder().encode(args.lamports),
    getU64Encoder().encode(args.space),
    getAddressEncoder().encode(args.owner),
  ]);
  return {
    programAddress: SYSTEM_PROGRAM_ADDRESS,
    accounts: [signer(args.funder, AccountRole.WRITABLE_SIGNER), signer(args.newAccount, AccountRole.WRITABLE_SIGNER)],
    data,
  };
}

/**
 * System `CreateAccountWithSeed`: the account at `createAddressWithSeed({ baseAddress: base,
 * seed, programAddress: owner })`, which needs no keypair of its own, so a script can recreate
 * the same address every time it runs.
 */
export function createAccountWithSeedInstruction(args: {
  funder: TransactionSigner;
  newAccount: Address;
  base: TransactionSigner;
  seed: string;
  lamports: bigint;
  space: bigint;
  owner: Address;
}): Instruction {
  const seed = getUtf8Encoder().encode(args.seed);
  const data = concat([
    getU32Encoder().encode(3),
    getAddressEncoder().encode(args.base.address),
    getU64Encoder().encode(BigInt(seed.length)),
    seed,
    getU64Encoder().encode(args.lamports),
    getU64Encoder().encode(args.space),
    getAddressEncoder().encode(args.owner),
  ]);
  return {
    programAddress: SYSTEM_PROGRAM_ADDRESS,
    accounts: [
      signer(args.funder, AccountRole.WRITABLE_SIGNER),
      writable(args.newAccount),
      signer(args.base, AccountRole.READONLY_SIGNER),
    ],
    data,
  };
}

/** Token `InitializeMint2` (no freeze authority unless given) for either token program. */
export function initializeMint2Instruction(args: {
  mint: Address;
  decimals: number;
  mintAuthority: Address;
  freezeAuthority?: Address;
  tokenProgram: Address;
}): Instruction {
  const freeze = args.freezeAuthority
    ? concat([new Uint8Array([1]), getAddressEncoder().encode(args.freezeAuthority)])
    : new Uint8Array([0]);
  const data = concat([new Uint8Array([20, args.decimals]), getAddressEncoder().encode(args.mintAuthority), freeze]);
  return { programAddress: args.tokenProgram, accounts: [writable(args.mint)], data };
}

/** Token `MintTo` for either token program. */
export function mintToInstruction(args: {
  mint: Address;
  destination: Address;
  authority: TransactionSigner;
  amount: bigint;
  tokenProgram: Address;
}): Instruction {
  const data = concat([new Uint8Array([7]), getU64Encoder().encode(args.amount)]);
  return {
    programAddress: args.tokenProgram,
    accounts: [writable(args.mint), writable(args.destination), signer(args.authority, AccountRole.READONLY_SIGNER)],
    data,
  };
}

/** The associated token account of `owner` for `mint` (of `tokenProgram`). */
export async function findAssociatedTokenAddress(owner: Address, mint: Address, tokenProgram: Address): Promise<Address> {
  const encoder = getAddressEncoder();
  const [found] = await getProgramDerivedAddress({
    programAddress: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
    seeds: [encoder.encode(owner), encoder.encode(tokenProgram), encoder.encode(mint)],
  });
  return found;
}

/** Associated Token `CreateIdempotent`: creates `owner`'s account for `mint` unless it exists. */
export async function createAssociatedTokenAccountIdempotentInstruction(args: {
  payer: TransactionSigner;
  owner: Address;
  mint: Address;
  tokenProgram: Address;
}): Promise<Instruction> {
  const account = await findAssociatedTokenAddress(args.owner, args.mint, args.tokenProgram);
  return {
    programAddress: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
    accounts: [
      signer(args.payer, AccountRole.WRITABLE_SIGNER),
      writable(account),
      readonly(args.owner),
      readonly(args.mint),
      readonly(SYSTEM_PROGRAM_ADDRESS),
      readonly(args.tokenProgram),
    ],
    data: new Uint8Array([1]),
  };
}
