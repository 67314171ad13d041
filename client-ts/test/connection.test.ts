import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TickwireClient } from '../src/index.js';
import { tickwire } from '../src/proto/tickwire.js';
import { ScriptedSocket } from './support/scriptedSocket.js';

/**
 * The session's connection logic against a scripted socket that plays recorded frames (the arena-110
 * conformance case): acks, baseline-loss recovery with Ack{request_full}, entity events.
 */
const VECTORS = fileURLToPath(new URL('../../../protocol/src/test/resources/conformance/vectors.json', import.meta.url));
const arena = (JSON.parse(readFileSync(VECTORS, 'utf8')) as { cases: { name: string; schema: string;
  frames: { frame: string; tick: number; baselineTick: number; note: string; error?: string; ids?: number[] }[] }[] })
  .cases.find((c) => c.name === 'arena-110')!;

const frames = arena.frames.filter((f) => f.error === undefined);
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

test('acks each applied snapshot, asks for a full one when a baseline is missing, and recovers', { timeout: 10_000 }, async () => {
  let socket: ScriptedSocket | null = null;
  const client = new TickwireClient({ url: 'ws://test.invalid/ws', webSocketFactory: () => (socket = new ScriptedSocket()) });
  const joining = client.joinByType('arena');
  await new Promise((r) => setTimeout(r, 5));
  const s = socket as unknown as ScriptedSocket;
  assert.equal(s.sent[0].join?.roomType, 'arena');
  assert.equal(s.sent[0].join?.protocolVersion, 3, 'the SDK asks for protocol 3');
  // Welcome.protocol_version 1 is accepted as well as 2 and 3 (the version the connection speaks).
  s.deliver(tickwire.v1.ServerMessage.encode({ welcome: {
    sessionId: 's1', resumeToken: 't1', roomId: 'r1', roomType: 'arena', entityId: 0, tickRateHz: 30, serverTick: 1,
    protocolVersion: 1, schema: tickwire.v1.EntitySchema.decode(bytes(arena.schema)),
  } }).finish());
  const session = await joining;
  const errors: string[] = [];
  const added: number[] = [];
  session.addListener({ onError: (_s, code, message) => errors.push(`${code} ${message}`), onEntityAdded: (_s, id) => added.push(id) });

  s.deliver(bytes(frames[0].frame));
  assert.equal(session.mirror.count, 110);
  assert.equal(added.length, 110);
  const acks = (): tickwire.v1.IAck[] => s.sent.filter((m) => m.ack).map((m) => m.ack as tickwire.v1.IAck);
  assert.equal(acks().at(-1)?.tick, frames[0].tick);

  // Skip frames so the next delta names a baseline this client never applied.
  const missing = frames.find((f) => f.baselineTick > frames[0].tick)!;
  s.deliver(bytes(missing.frame));
  assert.equal(session.mirror.tick, frames[0].tick, 'the delta was dropped');
  assert.equal(acks().at(-1)?.requestFull, true);
  assert.match(errors[0], /^0 baseline not retained: tick=\d+, baselineTick=\d+/);
  assert.equal(session.stats.baselineMisses, 1);

  const full = frames.find((f) => f.baselineTick === 0 && f.tick > missing.tick)!;
  s.deliver(bytes(full.frame));
  assert.equal(session.mirror.tick, full.tick);
  assert.deepEqual(session.mirror.entityIds(), full.ids);
  assert.equal(acks().at(-1)?.tick, full.tick);
  assert.equal(acks().at(-1)?.requestFull, false);
  const next = frames.find((f) => f.baselineTick === full.tick)!;
  s.deliver(bytes(next.frame));
  assert.equal(session.mirror.tick, next.tick, 'deltas apply again after the full snapshot');
  assert.equal(session.stats.fullSnapshots, 2);
  await session.leave();
  assert.equal(s.sent.at(-1)?.leave?.reason, 'leave');
});
