// Run by `anchor migrate` after `anchor deploy`: creates the protocol Config once.
// Only the program's upgrade authority may (security review L-4): run it with the deployer's
// wallet, which becomes the admin and the protocol-fee recipient. TWAP defaults (the intervals
// every new pair gets, changeable with `set_pair_defaults`) are 8 s (mid-term) and 112 s
// (long-term), the minimums dlex accepts (design §6).
import * as anchor from "@anchor-lang/core";
import idl from "../app-idl/dlex.json";

module.exports = async function (provider: anchor.AnchorProvider) {
  anchor.setProvider(provider);
  const program = new anchor.Program(idl as anchor.Idl, provider);
  const admin = provider.wallet.publicKey;
  // The program's ProgramData account: the upgradeable loader's PDA of [program id].
  const [programData] = anchor.web3.PublicKey.findProgramAddressSync(
    [program.programId.toBuffer()],
    new anchor.web3.PublicKey("BPFLoaderUpgradeab1e11111111111111111111111"),
  );
  const signature = await program.methods
    .initConfig(admin, 8, 112)
    .accounts({ admin, programData })
    .rpc();
  console.log(`dlex config initialized by ${admin.toBase58()}: ${signature}`);
};
