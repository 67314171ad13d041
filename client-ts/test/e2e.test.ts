import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { TickwireClient, TickwireError, CloseCodes, type RoomSession, type WebSocketLike } from '../src/index.js';
import { arenaInput, arenaStep, NPC_COUNT } from './support/arena.js';
import { rooms, serverSkipReason, startServer, waitFor, type RunningServer } from './support/server.js';

/**
 * The TS SDK against the real server (the jar from `mvn -pl server -am package`): join the arena,
 * mirror it, move the own player with predicted inputs, survive a dropped connection with every
 * input applied exactly once.
 */
const skip = serverSkipReason();
let server: RunningServer;

const wsFactory = (url: string): WebSocketLike => new WebSocket(url) as unknown as WebSocketLike;

before(async () => {
  if (!skip) {
    server = await startServer(['--tick-rate', '30', '--arena-npcs', String(NPC_COUNT), '--resume-grace-ms', '10000']);
  }
});

after(async () => {
  await server?.stop();
});

function client(): TickwireClient {
  return new TickwireClient({ url: server.wsUrl, webSocketFactory: wsFactory });
}

test('joins the arena and mirrors what the server reports', { skip, timeout: 30_000 }, async () => {
  const c = client();
  const session = await c.joinByType('arena');
  // The first snapshots can arrive in the same read as the Welcome, before this line runs: their
  // entities are in the mirror already and were reported to no listener.
  const mirroredAtJoin = session.mirror.entityIds();
  const added: number[] = [];
  let changed = 0;
  session.addListener({
    onEntityAdded: (_s, id) => added.push(id),
    onEntityChanged: () => changed++,
  });
  assert.equal(session.roomType, 'arena');
  assert.ok(session.playerEntityId > 0);
  assert.deepEqual(session.schema.fields.map((f) => f.name), ['x', 'y', 'heading', 'kind']);
  await waitFor('30 snapshots', () => session.stats.snapshotsReceived >= 30);
  await waitFor('a synchronized clock', () => session.clock.isSynchronized);

  const room = (await rooms(server.adminUrl)).find((r) => r.id === session.roomId);
  assert.ok(room, `room ${session.roomId} not in /rooms`);
  assert.equal(room.players, 1);
  assert.equal(session.mirror.count, NPC_COUNT + room.players);
  assert.equal(new Set(added).size, added.length, 'no entity reported added twice');
  assert.deepEqual([...new Set([...mirroredAtJoin, ...added])].sort((x, y) => x - y), session.mirror.entityIds(),
    'every entity reported added, or mirrored before the listener was attached');
  assert.ok(changed > 0, 'NPCs move');
  assert.ok(session.mirror.contains(session.playerEntityId));
  assert.equal(session.mirror.getInt(session.playerEntityId, 'kind'), 0);
  // Full snapshots until the server has the first ack (the ticks before it arrives), deltas after it.
  assert.ok(session.stats.fullSnapshots >= 1 && session.stats.fullSnapshots <= 5, `full: ${session.stats.fullSnapshots}`);
  assert.equal(session.stats.baselineMisses + session.stats.protocolErrors, 0);
  assert.ok(session.stats.deltaSnapshots >= 25, `deltas: ${session.stats.deltaSnapshots}`);
  assert.ok(session.clock.rttMs >= 0 && session.clock.rttMs < 1000);
  const serverTick = session.clock.estimatedServerTick(performance.now());
  assert.ok(Math.abs(serverTick - session.mirror.tick) < 30, `estimated tick ${serverTick} vs mirror ${session.mirror.tick}`);

  await session.leave();
});

test('moves the own player as the inputs say, predicted bit for bit', { skip, timeout: 30_000 }, async () => {
  const session = await client().joinByType('arena');
  const step = arenaStep(session.tickRateHz);
  const predictor = session.predictor(step);
  const id = session.playerEntityId;
  await waitFor('the own entity', () => session.mirror.contains(id));
  const x0 = session.mirror.getDouble(id, 'x');
  const y0 = session.mirror.getDouble(id, 'y');
  const inputs = 30;
  let sent = 0;
  while (sent < inputs) {
    // update() may send more than one input after a stall (a loaded machine): count them all.
    sent += predictor.update(performance.now(), arenaInput(1, 0));
    await new Promise((r) => setTimeout(r, 8));
  }
  await waitFor('every input applied', () => session.lastProcessedInputSeq >= sent);
  predictor.reconcile();
  const x = session.mirror.getDouble(id, 'x');
  assert.ok(Math.abs(x - x0 - sent * 6 / session.tickRateHz) < 0.02, `x moved ${x - x0} for ${sent} inputs`);
  assert.equal(session.mirror.getDouble(id, 'y'), y0);
  assert.equal(predictor.state.getDouble('x'), x, 'prediction equals the server');
  assert.equal(predictor.state.getDouble('heading'), session.mirror.getDouble(id, 'heading'));
  assert.equal(predictor.mispredictions, 0);
  assert.equal(predictor.pendingInputs, 0);
  await session.leave();
});

test('resumes after a dropped connection and applies every input exactly once', { skip, timeout: 40_000 }, async () => {
  const session = await client().joinByType('arena');
  const predictor = session.predictor(arenaStep(session.tickRateHz));
  const id = session.playerEntityId;
  const events: string[] = [];
  session.addListener({
    onDisconnected: (_s, code, _r, willReconnect) => events.push(`disconnected ${code} ${willReconnect}`),
    onReconnected: () => events.push('reconnected'),
    onClosed: (_s, code) => events.push(`closed ${code}`),
  });
  await waitFor('the own entity', () => session.mirror.contains(id));
  const x0 = session.mirror.getDouble(id, 'x');
  const token = session.resumeToken;
  let seq = 0;
  for (let i = 0; i < 40; i++) {
    if (i === 15) {
      session.dropConnectionForTest();
    }
    const s = predictor.sendInput(arenaInput(1, 0));
    assert.ok(s > 0, `input ${i} refused`);
    seq = s;
    await new Promise((r) => setTimeout(r, 33));
  }
  await waitFor('the resume', () => events.includes('reconnected'), 15_000);
  await waitFor('every input applied', () => session.lastProcessedInputSeq >= seq, 15_000);
  predictor.reconcile();
  assert.deepEqual(events.slice(0, 2), [`disconnected ${CloseCodes.ABNORMAL_CLOSURE} true`, 'reconnected']);
  assert.notEqual(session.resumeToken, token, 'a resume hands out a new token');
  assert.ok(session.stats.reconnects === 1 && session.stats.inputsResent >= 0);
  const x = session.mirror.getDouble(id, 'x');
  const expected = x0 + 40 * 6 / session.tickRateHz;
  assert.ok(Math.abs(x - expected) < 0.02, `x=${x}, expected ${expected}: each of 40 inputs must apply exactly once`);
  assert.equal(predictor.state.getDouble('x'), x);
  await session.leave();
});

test('a join of an unknown room fails with the server close code', { skip, timeout: 15_000 }, async () => {
  await assert.rejects(client().joinById('no-such-room'),
    (e: unknown) => e instanceof TickwireError && e.code === CloseCodes.ROOM_NOT_FOUND);
});

test('sessions of the same room see each other', { skip, timeout: 20_000 }, async () => {
  const a: RoomSession = await client().joinByType('arena');
  const b = await client().joinById(a.roomId);
  await waitFor('b in a mirror', () => a.mirror.contains(b.playerEntityId) && b.mirror.contains(a.playerEntityId));
  const room = (await rooms(server.adminUrl)).find((r) => r.id === a.roomId);
  assert.equal(room?.players, 2);
  await waitFor('same tick', () => a.mirror.tick === b.mirror.tick, 5000).catch(() => undefined);
  assert.equal(a.mirror.count, NPC_COUNT + 2);
  await b.leave();
  await waitFor('b gone from a', () => !a.mirror.contains(b.playerEntityId));
  await a.leave();
});
