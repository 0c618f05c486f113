// The hops of `swapRouteExactIn` / `swapRouteExactOut`. The IDL names only the trader's
// accounts; the pairs a route goes through follow them as remaining accounts, seven per hop in
// route order (pair, mint X, mint Y, vault X, vault Y, token program X, token program Y), which
// the generated builders cannot know. Append them with `withRouteHops`.

import { AccountRole, type AccountMeta, type Address, type Instruction } from '@solana/kit';

/** One pair of a route, as its account (and the Rust SDK's `PairKeys`) stores it. */
export type RouteHop = {
  pair: Address;
  mintX: Address;
  mintY: Address;
  vaultX: Address;
  vaultY: Address;
  tokenProgramX: Address;
  tokenProgramY: Address;
};

/** The remaining accounts of a route through `hops`, in route order. */
export function routeHopAccounts(hops: readonly RouteHop[]): AccountMeta[] {
  return hops.flatMap((hop) => [
    { address: hop.pair, role: AccountRole.WRITABLE },
    { address: hop.mintX, role: AccountRole.READONLY },
    { address: hop.mintY, role: AccountRole.READONLY },
    { address: hop.vaultX, role: AccountRole.WRITABLE },
    { address: hop.vaultY, role: AccountRole.WRITABLE },
    { address: hop.tokenProgramX, role: AccountRole.READONLY },
    { address: hop.tokenProgramY, role: AccountRole.READONLY },
  ]);
}

/** A route instruction from the generated builder with its hops appended. */
export function withRouteHops<T extends Instruction>(instruction: T, hops: readonly RouteHop[]): T {
  return { ...instruction, accounts: [...(instruction.accounts ?? []), ...routeHopAccounts(hops)] };
}
