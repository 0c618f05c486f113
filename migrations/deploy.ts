// Run by `anchor migrate` after `anchor deploy`: creates the protocol Config once.
// The deployer's wallet becomes the admin and the protocol-fee recipient; TWAP defaults are
// 8 s (mid-term) and 112 s (long-term), the minimums dlex accepts (design §6).
import * as anchor from "@anchor-lang/core";
import idl from "../app-idl/dlex.json";

module.exports = async function (provider: anchor.AnchorProvider) {
  anchor.setProvider(provider);
  const program = new anchor.Program(idl as anchor.Idl, provider);
  const admin = provider.wallet.publicKey;
  const signature = await program.methods
    .initConfig(admin, 8, 112)
    .accounts({ admin })
    .rpc();
  console.log(`dlex config initialized by ${admin.toBase58()}: ${signature}`);
};
