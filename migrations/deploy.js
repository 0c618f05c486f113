// Run by `anchor migrate`: anchor-cli 1.x builds an AnchorProvider from Anchor.toml's
// [provider] (the cluster's URL, and the wallet ANCHOR_WALLET names) and calls this module
// with it. (With no tsconfig.json at the workspace root it runs this file with node; a
// migrations/deploy.ts would need a root tsconfig.json and ts-node.)
//
// It runs the TypeScript client's idempotent bootstrap (sdk/ts/src/bootstrap.ts): the
// protocol Config (the wallet must be dlex's upgrade authority: the deployer, or on `dlex
// localnet` the payer keypair it writes), then a first pair. Each step checks whether its
// account exists first, so running it again sends nothing and prints "already exists".
//
// The pair's mints: DLEX_PAIR_MINTS="<mint>,<mint>" (devnet: the tokens to list; they must
// exist), or by default two test mints (SPL Token and Token-2022, 6 decimals, the wallet as
// mint authority) at addresses derived from the wallet, created on the first run.
//
// Needs the client built once: (cd sdk/ts && npm ci && npm run build).
const path = require("node:path");
const { createRequire } = require("node:module");

const sdk = path.join(__dirname, "..", "sdk", "ts");
const sdkRequire = createRequire(path.join(sdk, "package.json"));

module.exports = async function (provider) {
  try {
    const kit = sdkRequire("@solana/kit");
    const client = sdkRequire("./build/src");
    const url = provider.connection.rpcEndpoint;
    const wallet = await kit.createKeyPairSignerFromBytes(Uint8Array.from(provider.wallet.payer.secretKey));
    const mints = process.env.DLEX_PAIR_MINTS
      ? process.env.DLEX_PAIR_MINTS.split(",").map((mint) => kit.address(mint.trim()))
      : undefined;
    if (mints && mints.length !== 2) throw new Error("DLEX_PAIR_MINTS takes two mints: <mint>,<mint>");
    console.log(`dlex bootstrap on ${url} with the wallet ${wallet.address}`);
    const result = await client.bootstrap({ rpc: kit.createSolanaRpc(url), wallet, mints });
    console.log(`dlex bootstrap done: config ${result.config}, pair ${result.pair} (${result.created.length} accounts created)`);
  } catch (error) {
    console.error(`dlex bootstrap failed: ${error && error.message ? error.message : error}`);
    // anchor's host does not await this function: fail the process ourselves.
    process.exitCode = 1;
    throw error;
  }
};
