// Generates the TypeScript client in src/generated from app-idl/dlex.json with Codama.
//
//   npm run generate              writes src/generated
//   npm run generate -- --check   renders into a temporary folder and fails (exit 1) when the
//                                 committed src/generated differs from it
//
// On top of Codama's Anchor import, the visitors below
// - read `PodU128` (a u128 stored as 16 little-endian bytes in zero-copy accounts) as `u128`;
// - give the PDAs one name and one set of seeds each (`pair(mintX, mintY)`, `vault(pair, mint)`,
//   `position(pair, owner)`, `tranche(pair, side, index)`, ...), which Codama's import would
//   otherwise name after each instruction account (`liquidatorPosition`, `vaultX`, ...);
// - render each event's fields as a defined type (Codama renders no event codecs), and write
//   src/generated/events.ts: every event's discriminator with its decoder, which
//   src/events.ts uses to read `emit_cpi!` events from inner instructions.

import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { rootNodeFromAnchor } from '@codama/nodes-from-anchor';
import { renderVisitor } from '@codama/renderers-js';
import * as prettier from 'prettier';
import {
  accountValueNode,
  definedTypeNode,
  assertIsNode,
  bottomUpTransformerVisitor,
  constantPdaSeedNodeFromString,
  createFromRoot,
  deleteNodesVisitor,
  numberTypeNode,
  pdaLinkNode,
  pdaNode,
  pdaSeedValueNode,
  pdaValueNode,
  programNode,
  publicKeyTypeNode,
  variablePdaSeedNode,
  instructionAccountNode,
  instructionNode,
  isNode,
} from 'codama';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '..');
const idlPath = resolve(packageRoot, '../../app-idl/dlex.json');
const generatedFolder = 'src/generated';

/** The PDAs a client derives, with the seeds the program uses (programs/dlex/src/constants.rs). */
const pdas = [
  pdaNode({ name: 'config', seeds: [constantPdaSeedNodeFromString('utf8', 'config')], docs: ['The singleton Config.'] }),
  pdaNode({
    name: 'pair',
    seeds: [
      constantPdaSeedNodeFromString('utf8', 'pair'),
      variablePdaSeedNode('mintX', publicKeyTypeNode(), ['The smaller mint (by bytes).']),
      variablePdaSeedNode('mintY', publicKeyTypeNode(), ['The larger mint.']),
    ],
    docs: ['The pair of two mints, in canonical order (mint_x < mint_y by bytes).'],
  }),
  pdaNode({
    name: 'vault',
    seeds: [
      constantPdaSeedNodeFromString('utf8', 'vault'),
      variablePdaSeedNode('pair', publicKeyTypeNode()),
      variablePdaSeedNode('mint', publicKeyTypeNode()),
    ],
    docs: ["The pair's vault of one of its mints."],
  }),
  pdaNode({
    name: 'position',
    seeds: [
      constantPdaSeedNodeFromString('utf8', 'position'),
      variablePdaSeedNode('pair', publicKeyTypeNode()),
      variablePdaSeedNode('owner', publicKeyTypeNode()),
    ],
    docs: ["An owner's position in a pair."],
  }),
  pdaNode({
    name: 'tranche',
    seeds: [
      constantPdaSeedNodeFromString('utf8', 'tranche'),
      variablePdaSeedNode('pair', publicKeyTypeNode()),
      variablePdaSeedNode('side', numberTypeNode('u8'), ['0: net-X debt, 1: net-Y debt.']),
      variablePdaSeedNode('index', numberTypeNode('i16'), ['The 25-tick band: tick / 25, within [-795, 794].']),
    ],
    docs: ["One 25-tick band of a pair's saturation on one side (passed after the named accounts)."],
  }),
  pdaNode({
    name: 'eventAuthority',
    seeds: [constantPdaSeedNodeFromString('utf8', '__event_authority')],
    docs: ["Anchor's event-CPI authority."],
  }),
];

/**
 * Which instruction accounts are which PDA, by account name, with the instruction account
 * (or the seed's own name) that provides each variable seed.
 */
function pdaDefaultFor(accountName) {
  const link = (name, values) =>
    pdaValueNode(
      pdaLinkNode(name),
      Object.entries(values).map(([seed, account]) => pdaSeedValueNode(seed, accountValueNode(account))),
    );
  switch (accountName) {
    case 'config':
      return link('config', {});
    case 'eventAuthority':
      return link('eventAuthority', {});
    case 'pair':
      return link('pair', { mintX: 'mintX', mintY: 'mintY' });
    case 'vaultX':
      return link('vault', { pair: 'pair', mint: 'mintX' });
    case 'vaultY':
      return link('vault', { pair: 'pair', mint: 'mintY' });
    case 'position':
    case 'liquidatorPosition':
      return undefined; // the owner seed depends on the instruction: see below
    default:
      return undefined;
  }
}

/** The signer whose position `position` (or `liquidatorPosition`) is, per instruction. */
function positionOwner(instruction) {
  const names = instruction.accounts.map((a) => a.name);
  for (const owner of ['owner', 'liquidator', 'feeRecipient']) {
    if (names.includes(owner)) return owner;
  }
  return undefined;
}

/** Replaces Codama's per-account PDAs with the shared ones above, keeping only PDAs the IDL gives. */
function sharedPdasVisitor() {
  return bottomUpTransformerVisitor([
    {
      select: '[programNode]',
      transform: (node) => {
        assertIsNode(node, 'programNode');
        const instructions = node.instructions.map((instruction) => {
          const owner = positionOwner(instruction);
          const accounts = instruction.accounts.map((account) => {
            // Only accounts the IDL says are PDAs (Codama gave them a PDA default).
            if (!account.defaultValue || !isNode(account.defaultValue, 'pdaValueNode')) return account;
            let defaultValue = pdaDefaultFor(account.name);
            if ((account.name === 'position' || account.name === 'liquidatorPosition') && owner) {
              defaultValue = pdaValueNode(pdaLinkNode('position'), [
                pdaSeedValueNode('pair', accountValueNode('pair')),
                pdaSeedValueNode('owner', accountValueNode(owner)),
              ]);
            }
            return defaultValue ? instructionAccountNode({ ...account, defaultValue }) : account;
          });
          return instructionNode({ ...instruction, accounts });
        });
        const used = new Set();
        for (const instruction of instructions) {
          for (const account of instruction.accounts) {
            const value = account.defaultValue;
            if (value && isNode(value, 'pdaValueNode') && isNode(value.pda, 'pdaLinkNode')) used.add(value.pda.name);
          }
        }
        const shared = new Set(pdas.map((pda) => pda.name));
        // Codama's own PDAs that are still linked (the saturation indices of create_pair).
        const kept = node.pdas.filter((pda) => !shared.has(pda.name) && used.has(pda.name));
        return programNode({ ...node, instructions, pdas: [...pdas, ...kept] });
      },
    },
  ]);
}

/** `PodU128` (16 little-endian bytes, alignment 1) reads and writes exactly as a `u128`. */
function podU128AsU128Visitor() {
  return bottomUpTransformerVisitor([
    { select: '[definedTypeLinkNode]podU128', transform: () => numberTypeNode('u128') },
  ]);
}

/** Each event's fields as a defined type of the same name, with the IDL type's docs. */
function eventTypesVisitor(idl) {
  const docsOf = (name) => idl.types.find((type) => type.name === name)?.docs ?? [];
  return bottomUpTransformerVisitor([
    {
      select: '[programNode]',
      transform: (node) => {
        assertIsNode(node, 'programNode');
        const definedTypes = node.events.map((event) => {
          assertIsNode(event.data, 'hiddenPrefixTypeNode');
          const name = idl.events.find((e) => e.name.toLowerCase() === event.name.toLowerCase()).name;
          return definedTypeNode({ name: event.name, docs: docsOf(name), type: event.data.type });
        });
        return programNode({ ...node, definedTypes: [...node.definedTypes, ...definedTypes] });
      },
    },
  ]);
}

const header = `/**
 * This code was AUTOGENERATED by sdk/ts/scripts/generate.mjs from app-idl/dlex.json.
 * Please DO NOT EDIT THIS FILE: change the program (or the script) and run \`npm run generate\`.
 */
`;

/** src/generated/events.ts: every event's name, discriminator and decoder. */
async function renderEventTable(idl, file) {
  const names = idl.events.map((event) => event.name);
  const lines = [
    header,
    `import type { ReadonlyUint8Array } from '@solana/kit';`,
    `import { ${names.map((n) => `get${n}Decoder, type ${n}`).join(', ')} } from './types';`,
    '',
    '/** A decoded dlex event: its name and its fields. */',
    `export type DlexEvent = ${names.map((n) => `{ name: '${n}'; data: ${n} }`).join(' | ')};`,
    '',
    '/** Every dlex event by name: its 8-byte discriminator and the decoder of its fields. */',
    'export const DLEX_EVENTS = {',
    ...idl.events.map(
      (event) => `  ${event.name}: { discriminator: new Uint8Array([${event.discriminator.join(', ')}]) as ReadonlyUint8Array, getDecoder: get${event.name}Decoder },`,
    ),
    '} as const;',
    '',
  ];
  const source = await prettier.format(lines.join('\n'), { parser: 'typescript' });
  writeFileSync(file, source);
}

async function render(packageFolder) {
  const idl = JSON.parse(readFileSync(idlPath, 'utf8'));
  // Codama's import names each position PDA after its owner account and warns that they
  // collide; sharedPdasVisitor replaces them with the one `position(pair, owner)`.
  const warn = console.warn;
  console.warn = (...args) => (String(args.join(' ')).includes('PDA name collision') ? undefined : warn(...args));
  let root;
  try {
    root = rootNodeFromAnchor(idl);
  } finally {
    console.warn = warn;
  }
  const codama = createFromRoot(root);
  codama.update(podU128AsU128Visitor());
  codama.update(deleteNodesVisitor(['[definedTypeNode]podU128']));
  codama.update(sharedPdasVisitor());
  codama.update(eventTypesVisitor(idl));
  await codama.accept(
    renderVisitor(packageFolder, {
      generatedFolder,
      deleteFolderBeforeRendering: true,
      formatCode: true,
      syncPackageJson: false,
    }),
  );
  await renderEventTable(idl, join(packageFolder, generatedFolder, 'events.ts'));
}

function listFiles(folder) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(folder, path));
    }
  };
  walk(folder);
  return out;
}

function sameTree(a, b) {
  const filesA = listFiles(a);
  const filesB = listFiles(b);
  const differing = [...new Set([...filesA, ...filesB])].filter((file) => {
    if (!filesA.includes(file) || !filesB.includes(file)) return true;
    return readFileSync(join(a, file), 'utf8') !== readFileSync(join(b, file), 'utf8');
  });
  return differing;
}

const check = process.argv.includes('--check');
if (check) {
  const scratch = mkdtempSync(join(tmpdir(), 'dlex-client-'));
  try {
    await render(scratch);
    let committed;
    try {
      committed = join(packageRoot, generatedFolder);
      statSync(committed);
    } catch {
      console.error(`${generatedFolder} is missing: run \`npm run generate\` in sdk/ts and commit the result`);
      process.exit(1);
    }
    const differing = sameTree(join(scratch, generatedFolder), committed);
    if (differing.length > 0) {
      console.error(`${generatedFolder} is stale (${differing.join(', ')}): run \`npm run generate\` in sdk/ts and commit the result`);
      process.exit(1);
    }
    console.log(`${generatedFolder} is up to date with app-idl/dlex.json`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  await render(packageRoot);
  console.log(`wrote ${join('sdk/ts', generatedFolder)}`);
}
