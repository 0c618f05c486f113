// The idempotent bootstrap `anchor migrate` runs (migrations/deploy.js): the protocol Config,
// then a first pair. Every step first reads whether its account exists and only sends what is
// missing, so running it again sends nothing, changes nothing, and says "already exists" for
// each step; a run that stopped half-way finishes on the next one.
//
// 1. Config (`init_config`): the wallet must be dlex's upgrade authority (the deployer; on
//    `dlex localnet`, the payer keypair it writes). It becomes the admin and the protocol-fee
//    recipient; the TWAP intervals new pairs get default to 8 s (mid-term) and 112 s
//    (long-term), the least dlex accepts (design §6).
// 2. The pair's mints: the two given, which must exist (devnet: the tokens to list); or, when
//    none are given, two test mints the script creates at addresses derived from the wallet
//    (`createAccountWithSeed`, seeds `dlex-mint-a` for SPL Token and `dlex-mint-b` for
//    Token-2022), so a second run finds them: 6 decimals, the wallet as mint authority, no
//    freeze authority.
// 3. The pair (`create_pair`, permissionless) of the two mints, in canonical order.
// Reads use the `confirmed` commitment, the one transactions are waited for with, so a run
// right after another sees what it created.

import {
  createAddressWithSeed,
  getBase64Encoder,
  type Address,
  type Rpc,
  type SolanaRpcApi,
  type TransactionSigner,
} from '@solana/kit';

import { getConfigDecoder } from './generated/accounts/config';
import { getInitConfigInstructionAsync } from './generated/instructions/initConfig';
import { getCreatePairInstructionAsync } from './generated/instructions/createPair';
import { findConfigPda, findPairPda } from './generated/pdas';
import { DLEX_PROGRAM_ADDRESS } from './generated/programs';
import { canonicalMints } from './mints';
import { sendAndConfirmInstructions } from './send';
import {
  createAccountWithSeedInstruction,
  initializeMint2Instruction,
  MINT_SIZE,
  TOKEN_2022_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
} from './tokens';

/** The TWAP intervals of new pairs the bootstrap sets (the minimums, design §6). */
export const BOOTSTRAP_MID_TERM_INTERVAL = 8;
export const BOOTSTRAP_LONG_TERM_INTERVAL = 112;
/** Seeds of the test mints created when no mints are given (SPL Token, Token-2022). */
export const TEST_MINT_SEEDS = [
  { seed: 'dlex-mint-a', tokenProgram: TOKEN_PROGRAM_ADDRESS },
  { seed: 'dlex-mint-b', tokenProgram: TOKEN_2022_PROGRAM_ADDRESS },
] as const;

export type BootstrapOptions = {
  rpc: Rpc<SolanaRpcApi>;
  /** dlex's upgrade authority: signs and pays for everything. */
  wallet: TransactionSigner;
  /** The first pair's mints, any order; default: the two test mints (created if missing). */
  mints?: readonly [Address, Address];
  midTermInterval?: number;
  longTermInterval?: number;
  /** Where progress lines go (default: console.log). */
  log?: (line: string) => void;
};

export type BootstrapResult = {
  config: Address;
  mintX: Address;
  mintY: Address;
  tokenProgramX: Address;
  tokenProgramY: Address;
  pair: Address;
  /** The accounts this run created (empty on a second run). */
  created: Address[];
};

async function ownerOf(rpc: Rpc<SolanaRpcApi>, account: Address): Promise<Address | null> {
  const { value } = await rpc.getAccountInfo(account, { encoding: 'base64', commitment: 'confirmed' }).send();
  return value ? value.owner : null;
}

/** Runs the bootstrap (see the module doc); throws on the first step that fails. */
export async function bootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const { rpc, wallet } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const mid = options.midTermInterval ?? BOOTSTRAP_MID_TERM_INTERVAL;
  const long = options.longTermInterval ?? BOOTSTRAP_LONG_TERM_INTERVAL;
  const created: Address[] = [];

  // 1. Config.
  const [config] = await findConfigPda();
  const { value: configAccount } = await rpc.getAccountInfo(config, { encoding: 'base64', commitment: 'confirmed' }).send();
  if (configAccount) {
    if (configAccount.owner !== DLEX_PROGRAM_ADDRESS) throw new Error(`the config address ${config} holds an account dlex does not own`);
    const decoded = getConfigDecoder().decode(getBase64Encoder().encode(configAccount.data[0]));
    log(`config ${config} already exists (admin ${decoded.admin})`);
  } else {
    const init = await getInitConfigInstructionAsync({
      admin: wallet,
      feeRecipient: wallet.address,
      defaultMidTermInterval: mid,
      defaultLongTermInterval: long,
    });
    const signature = await sendAndConfirmInstructions(rpc, wallet, [init]);
    created.push(config);
    log(`config ${config} created (admin ${wallet.address}; pairs get ${mid} s / ${long} s TWAP intervals): ${signature}`);
  }

  // 2. Mints.
  const mints: { mint: Address; tokenProgram: Address }[] = [];
  if (options.mints) {
    for (const mint of options.mints) {
      const owner = await ownerOf(rpc, mint);
      if (owner !== TOKEN_PROGRAM_ADDRESS && owner !== TOKEN_2022_PROGRAM_ADDRESS) {
        throw new Error(`mint ${mint} ${owner ? `is owned by ${owner}, not a token program` : 'does not exist'}`);
      }
      mints.push({ mint, tokenProgram: owner });
      log(`mint ${mint} (${owner === TOKEN_PROGRAM_ADDRESS ? 'SPL Token' : 'Token-2022'}) given`);
    }
  } else {
    const rent = await rpc.getMinimumBalanceForRentExemption(MINT_SIZE).send();
    for (const { seed, tokenProgram } of TEST_MINT_SEEDS) {
      const mint = await createAddressWithSeed({ baseAddress: wallet.address, programAddress: tokenProgram, seed });
      const owner = await ownerOf(rpc, mint);
      if (owner === tokenProgram) {
        log(`mint ${mint} (seed ${seed}) already exists`);
      } else if (owner) {
        throw new Error(`the test mint address ${mint} holds an account of ${owner}`);
      } else {
        const signature = await sendAndConfirmInstructions(rpc, wallet, [
          createAccountWithSeedInstruction({ funder: wallet, newAccount: mint, base: wallet, seed, lamports: rent, space: MINT_SIZE, owner: tokenProgram }),
          initializeMint2Instruction({ mint, decimals: 6, mintAuthority: wallet.address, tokenProgram }),
        ]);
        created.push(mint);
        log(`mint ${mint} (seed ${seed}, ${tokenProgram === TOKEN_PROGRAM_ADDRESS ? 'SPL Token' : 'Token-2022'}) created: ${signature}`);
      }
      mints.push({ mint, tokenProgram });
    }
  }

  // 3. The pair.
  const { mintX, mintY } = canonicalMints(mints[0].mint, mints[1].mint);
  const programOf = (mint: Address) => mints.find((m) => m.mint === mint)!.tokenProgram;
  const [tokenProgramX, tokenProgramY] = [programOf(mintX), programOf(mintY)];
  const [pair] = await findPairPda({ mintX, mintY });
  if (await ownerOf(rpc, pair)) {
    log(`pair ${pair} already exists`);
  } else {
    const create = await getCreatePairInstructionAsync({ payer: wallet, mintX, mintY, tokenProgramX, tokenProgramY });
    const signature = await sendAndConfirmInstructions(rpc, wallet, [create]);
    created.push(pair);
    log(`pair ${pair} of ${mintX} and ${mintY} created: ${signature}`);
  }
  return { config, mintX, mintY, tokenProgramX, tokenProgramY, pair, created };
}
