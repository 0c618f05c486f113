// dlex's TypeScript client: the Codama-generated instructions, accounts, PDAs, types and errors
// (src/generated, from app-idl/dlex.json; regenerate with `npm run generate`), and, written by
// hand: the event decoders (src/events.ts), the hops of a route (src/route.ts), the canonical
// order of a pair's mints (src/mints.ts), the saturation accounts of instructions that release an allocation and the
// whole hard liquidation of a report (src/tranches.ts), `dlex localnet`'s own methods
// (src/localnet.ts), sending over HTTP (src/send.ts), the token instructions the bootstrap and
// tests need (src/tokens.ts), and the idempotent bootstrap `anchor migrate` runs
// (src/bootstrap.ts).

export * from './generated';
export * from './events';
export * from './route';
export * from './mints';
export * from './tokens';
export * from './send';
export * from './localnet';
export * from './tranches';
export * from './bootstrap';
