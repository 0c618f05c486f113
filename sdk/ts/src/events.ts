// Decoders for the events dlex emits with `emit_cpi!`.
//
// dlex emits every event through a self-CPI (Anchor's `emit_cpi!`): the event travels as the
// data of an inner instruction to dlex itself, not as a log line, so log-based listeners never
// see it. That data is the 8-byte event-CPI tag (e445a52e51cb9a1d), the event's 8-byte
// discriminator, then its fields (borsh). The decoders of the fields are generated from the
// IDL (src/generated/types); the table of discriminators is src/generated/events.ts.

import { getBase58Encoder, type Address, type ReadonlyUint8Array } from '@solana/kit';

import { DLEX_EVENTS, type DlexEvent } from './generated/events';
import { DLEX_PROGRAM_ADDRESS } from './generated/programs';

export { DLEX_EVENTS, type DlexEvent } from './generated/events';

/** Anchor's event-CPI instruction tag (`anchor_lang::event::EVENT_IX_TAG`, little-endian). */
export const EVENT_IX_TAG: ReadonlyUint8Array = new Uint8Array([0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d]);

function startsWith(data: ReadonlyUint8Array, prefix: ReadonlyUint8Array): boolean {
  return data.length >= prefix.length && prefix.every((byte, i) => data[i] === byte);
}

const EVENT_NAMES = Object.keys(DLEX_EVENTS) as (keyof typeof DLEX_EVENTS)[];

/** Decodes an event from its discriminator and fields; `null` if no dlex event has that discriminator. */
export function decodeDlexEvent(data: ReadonlyUint8Array): DlexEvent | null {
  for (const name of EVENT_NAMES) {
    const { discriminator, getDecoder } = DLEX_EVENTS[name];
    if (startsWith(data, discriminator)) {
      const fields = getDecoder().decode(data.subarray(discriminator.length));
      return { name, data: fields } as DlexEvent;
    }
  }
  return null;
}

/**
 * Decodes the data of an `emit_cpi!` inner instruction (tag, discriminator, fields);
 * `null` if it is not an event-CPI instruction or not a dlex event.
 */
export function decodeDlexEventCpi(instructionData: ReadonlyUint8Array): DlexEvent | null {
  if (!startsWith(instructionData, EVENT_IX_TAG)) return null;
  return decodeDlexEvent(instructionData.subarray(EVENT_IX_TAG.length));
}

/** The parts of a `getTransaction` answer (encoding `json`) that carry inner instructions. */
export type TransactionWithInnerInstructions = {
  meta: {
    innerInstructions?: readonly {
      index: number;
      instructions: readonly { programIdIndex: number; data: string }[];
    }[] | null;
    loadedAddresses?: { writable: readonly string[]; readonly: readonly string[] } | null;
  } | null;
  transaction: { message: { accountKeys: readonly string[] } };
};

/**
 * Every dlex event of a transaction, in the order the program emitted them: the inner
 * instructions to dlex (`programAddress`) that carry the event-CPI tag, decoded.
 */
export function dlexEventsFromTransaction(
  transaction: TransactionWithInnerInstructions,
  programAddress: Address = DLEX_PROGRAM_ADDRESS,
): DlexEvent[] {
  const meta = transaction.meta;
  if (!meta) return [];
  const keys = [
    ...transaction.transaction.message.accountKeys,
    ...(meta.loadedAddresses?.writable ?? []),
    ...(meta.loadedAddresses?.readonly ?? []),
  ];
  const base58 = getBase58Encoder();
  const events: DlexEvent[] = [];
  const groups = [...(meta.innerInstructions ?? [])].sort((a, b) => a.index - b.index);
  for (const group of groups) {
    for (const instruction of group.instructions) {
      if (keys[instruction.programIdIndex] !== programAddress) continue;
      const event = decodeDlexEventCpi(base58.encode(instruction.data));
      if (event) events.push(event);
    }
  }
  return events;
}
