// The one pair helper the IDL cannot express: the canonical order of a pair's mints.

import { getAddressEncoder, type Address } from '@solana/kit';

import { findPairPda } from './generated/pdas';

/**
 * The two mints in the order the program requires (`mint_x < mint_y` by their bytes), as the
 * generated instruction builders expect them in `mintX` / `mintY`.
 */
export function canonicalMints(a: Address, b: Address): { mintX: Address; mintY: Address } {
  const encoder = getAddressEncoder();
  const [bytesA, bytesB] = [encoder.encode(a), encoder.encode(b)];
  for (let i = 0; i < 32; i++) {
    if (bytesA[i] !== bytesB[i]) return bytesA[i] < bytesB[i] ? { mintX: a, mintY: b } : { mintX: b, mintY: a };
  }
  return { mintX: a, mintY: b };
}

/** The pair of two mints given in either order. */
export async function findPairPdaForMints(a: Address, b: Address): Promise<readonly [Address, number]> {
  return findPairPda(canonicalMints(a, b));
}
