import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ClientConnection, clientOptions, CloseCodes, isGameDefined, reconnectsOn, TickwireClient, TickwireError, WireCodec,
  type ClientOptionsInit, type RoomSession,
} from '../src/index.js';
import { tickwire } from '../src/proto/tickwire.js';
import { ScriptedSocket } from './support/scriptedSocket.js';

/**
 * Game messages, join options, poll mode and the game API's close codes against a scripted socket
 * (protocol/README.md "Game messages", "Close codes"), with recorded arena-110 snapshots.
 */
const VECTORS = fileURLToPath(new URL('../../../protocol/src/test/resources/conformance/vectors.json', import.meta.url));
const arena = (JSON.parse(readFileSync(VECTORS, 'utf8')) as { cases: { name: string; schema: string;
  frames: { frame: string; tick: number; baselineTick: number; error?: string }[] }[] })
  .cases.find((c) => c.name === 'arena-110')!;
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const full = arena.frames[0];
const delta = arena.frames.find((f) => f.baselineTick === full.tick && f.error === undefined)!;

interface Scripted {
  client: TickwireClient;
  socket: () => ScriptedSocket;
  joining: Promise<RoomSession>;
}

function scripted(init: Partial<ClientOptionsInit> = {}, options?: Record<string, string>): Scripted {
  const sockets: ScriptedSocket[] = [];
  const client = new TickwireClient({ url: 'ws://test.invalid/ws', ...init,
    webSocketFactory: () => { const s = new ScriptedSocket(); sockets.push(s); return s; } });
  const joining = client.joinByType('arena', undefined, options);
  return { client, socket: () => sockets[sockets.length - 1], joining };
}

async function opened(s: Scripted): Promise<ScriptedSocket> {
  await new Promise((r) => setTimeout(r, 5));
  return s.socket();
}

async function welcomed(s: Scripted): Promise<RoomSession> {
  const socket = await opened(s);
  socket.deliverMessage({ welcome: {
    sessionId: 's1', resumeToken: 't1', roomId: 'r1', roomType: 'arena', entityId: 0, tickRateHz: 30, serverTick: 1,
    protocolVersion: 1, schema: tickwire.v1.EntitySchema.decode(bytes(arena.schema)),
  } });
  return s.joining;
}

function message(type: number, payload: number[], tick: number): tickwire.v1.IServerMessage {
  return { message: { type, payload: new Uint8Array(payload), tick } };
}

/** Records every event as one line, the mirror's tick at message time included. */
function recorder(session: RoomSession): string[] {
  const events: string[] = [];
  session.addListener({
    onSnapshot: (_s, info) => events.push(`snapshot ${info.tick}`),
    onMessage: (s, type, payload, tick) =>
      events.push(`message ${type} [${Array.from(payload).join(',')}] tick=${tick} mirror=${s.mirror.tick}`),
    onPong: () => events.push('pong'),
    onError: (_s, code) => events.push(`error ${code}`),
    onDisconnected: (_s, code, _r, willReconnect) => events.push(`disconnected ${code} ${willReconnect}`),
    onClosed: (_s, code, reason) => events.push(`closed ${code} ${reason}`),
  });
  return events;
}

test('delivers game messages once each, in order, in line with the snapshots', { timeout: 10_000 }, async () => {
  const s = scripted();
  const session = await welcomed(s);
  const events = recorder(session);
  const socket = s.socket();
  socket.deliverMessage(message(1, [7], 1));
  socket.deliverMessage(message(2, [], 1));
  socket.deliver(bytes(full.frame));
  socket.deliverMessage(message(300, [1, 2, 3], delta.tick));
  socket.deliver(bytes(delta.frame));
  assert.deepEqual(events, [
    'message 1 [7] tick=1 mirror=0',
    'message 2 [] tick=1 mirror=0',
    `snapshot ${full.tick}`,
    `message 300 [1,2,3] tick=${delta.tick} mirror=${full.tick}`,
    `snapshot ${delta.tick}`,
  ]);
  assert.equal(session.stats.messagesReceived, 3);
  await session.leave();
});

test('a message before Welcome is a protocol error that fails the join', { timeout: 10_000 }, async () => {
  const s = scripted();
  const socket = await opened(s);
  socket.deliverMessage(message(1, [1], 0));
  await assert.rejects(s.joining, (e: TickwireError) => e.code === CloseCodes.PROTOCOL_ERROR &&
    /message before Welcome: type=1/.test(e.message));
});

test('send writes a GameMessage while joined and returns false before the join, while reconnecting and after leaving', { timeout: 10_000 }, async () => {
  let socket: ScriptedSocket | null = null;
  const connection = new ClientConnection<null>(clientOptions({ url: 'ws://test.invalid/ws' }), { roomType: 'arena' }, () => null);
  const joining = connection.join(() => (socket = new ScriptedSocket()));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(connection.sendMessage(1, new Uint8Array([1])), false, 'connected, not joined');
  assert.deepEqual((socket as unknown as ScriptedSocket).sent.map((m) => m.body), ['join']);
  (socket as unknown as ScriptedSocket).deliverMessage({ error: { code: 4015, message: 'no' } });
  (socket as unknown as ScriptedSocket).serverClose(4015, 'no');
  await assert.rejects(joining);

  const s = scripted({ reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000, jitter: 'none', giveUpAfterMs: 60_000 } });
  const session = await welcomed(s);
  const first = s.socket();
  const payload = new Uint8Array([9, 8, 7]);
  assert.equal(session.send(7, payload), true);
  payload[0] = 0;
  assert.equal(session.send(0xffffffff, new Uint8Array(0)), true);
  const messages = first.sent.filter((m) => m.message).map((m) => m.message as tickwire.v1.IGameMessage);
  assert.deepEqual(messages.map((m) => [m.type, Array.from(m.payload ?? [])]), [[7, [9, 8, 7]], [0xffffffff, []]]);
  assert.ok(messages.every((m) => !m.tick), 'a client sends no tick');
  assert.equal(session.stats.messagesSent, 2);
  for (const bad of [0, -1, 1.5, 2 ** 32, Number.NaN]) {
    assert.throws(() => session.send(bad, new Uint8Array(1)), RangeError, `type=${bad}`);
  }

  session.dropConnectionForTest();
  assert.equal(session.isReconnecting, true);
  assert.equal(session.send(7, new Uint8Array([1])), false, 'reconnecting: not sent, not kept');
  await session.leave();
  assert.equal(session.send(7, new Uint8Array([1])), false, 'closed');
  assert.equal(session.stats.messagesSent, 2);
  assert.equal(first.sent.filter((m) => m.message).length, 2);
});

test('GameMessage frames are byte for byte those of protocol/README.md', () => {
  const payload = new Uint8Array(16).map((_, i) => i + 1);
  assert.deepEqual(Array.from(WireCodec.message(1, payload)), [0x32, 0x14, 0x08, 0x01, 0x12, 0x10, ...payload]);
  const server = new Uint8Array([0x2a, 0x16, 0x08, 0x01, 0x12, 0x10, ...payload, 0x18, 0x3c]);
  const parsed = WireCodec.parse(server);
  assert.equal(parsed.body, 'message');
  assert.equal(parsed.message?.type, 1);
  assert.deepEqual(Array.from(parsed.message?.payload ?? []), Array.from(payload));
  assert.equal(parsed.message?.tick, 60);
});

test('join options travel in Join.options, joins without options send none', { timeout: 10_000 }, async () => {
  const s = scripted({}, { mode: 'ctf', size: '64' });
  const socket = await opened(s);
  assert.deepEqual({ ...socket.sent[0].join?.options }, { mode: 'ctf', size: '64' });
  assert.equal(socket.sent[0].join?.roomType, 'arena');
  const plain = scripted();
  assert.deepEqual({ ...(await opened(plain)).sent[0].join?.options }, {});
  let socketById: ScriptedSocket | null = null;
  const byId = new TickwireClient({ url: 'ws://test.invalid/ws', webSocketFactory: () => (socketById = new ScriptedSocket()) });
  const joiningById = byId.joinById('r9', 'ticket-1', { team: 'red' });
  await new Promise((r) => setTimeout(r, 5));
  const join = (socketById as unknown as ScriptedSocket).sent[0].join;
  assert.deepEqual([join?.roomId, join?.roomType, join?.ticket, { ...join?.options }], ['r9', '', 'ticket-1', { team: 'red' }]);
  (socketById as unknown as ScriptedSocket).serverClose(4001, 'no such room');
  await assert.rejects(joiningById);
  plain.socket().serverClose(1000, '');
  s.socket().serverClose(1000, '');
  await assert.rejects(plain.joining);
  await assert.rejects(s.joining);
});

test('a refused join rejects with the server code: 4015 options, 4100-4199 the game', { timeout: 10_000 }, async () => {
  for (const code of [CloseCodes.INVALID_ROOM_OPTIONS, 4100, 4142, CloseCodes.GAME_MAX, CloseCodes.JOIN_TIMEOUT]) {
    const s = scripted({}, { mode: 'nope' });
    const socket = await opened(s);
    socket.deliverMessage({ error: { code, message: `refused ${code}` } });
    socket.serverClose(code, `refused ${code}`);
    await assert.rejects(s.joining, (e: TickwireError) => e instanceof TickwireError && e.code === code &&
      e.message.includes(`refused ${code}`));
  }
});

test('the game API close codes are final: a kick ends the session without a reconnect', { timeout: 10_000 }, async () => {
  for (const code of [4014, 4015, 4100, 4150, 4199]) {
    assert.equal(reconnectsOn(code), false, `code=${code}`);
  }
  for (const code of [CloseCodes.ABNORMAL_CLOSURE, CloseCodes.ACK_TIMEOUT, CloseCodes.IDLE_TIMEOUT]) {
    assert.equal(reconnectsOn(code), true, `code=${code}`);
  }
  assert.deepEqual([4099, 4100, 4199, 4200].map(isGameDefined), [false, true, true, false]);

  const s = scripted();
  const session = await welcomed(s);
  const events = recorder(session);
  s.socket().serverClose(4101, 'kicked: afk');
  assert.deepEqual(events, ['disconnected 4101 false', 'closed 4101 kicked: afk']);
  assert.equal(session.isReconnecting, false);
  assert.equal(session.stats.reconnectAttempts, 0);
});

test('poll mode holds every event for poll(), which delivers them in order with the mirror at the delivered snapshot', { timeout: 10_000 }, async () => {
  const s = scripted({ deliveryMode: 'poll' });
  const session = await welcomed(s);
  const events = recorder(session);
  const socket = s.socket();
  socket.deliverMessage(message(1, [1], 1));
  socket.deliver(bytes(full.frame));
  socket.deliverMessage(message(2, [2], delta.tick));
  socket.deliver(bytes(delta.frame));
  socket.deliverMessage(message(3, [3], delta.tick));
  assert.deepEqual(events, [], 'nothing runs before poll()');
  assert.equal(session.mirror.tick, 0, 'the mirror follows the polled snapshots');
  assert.equal(session.queuedEvents, 5);
  assert.equal(socket.sent.filter((m) => m.ack).at(-1)?.ack?.tick, delta.tick, 'acks do not wait for poll()');

  assert.equal(session.poll(), 5);
  assert.deepEqual(events, [
    'message 1 [1] tick=1 mirror=0',
    `snapshot ${full.tick}`,
    `message 2 [2] tick=${delta.tick} mirror=${full.tick}`,
    `snapshot ${delta.tick}`,
    `message 3 [3] tick=${delta.tick} mirror=${delta.tick}`,
  ]);
  assert.equal(session.mirror.tick, delta.tick);
  assert.equal(session.poll(), 0);

  socket.serverClose(4100, 'kicked');
  assert.equal(events.length, 5, 'the close waits for poll() too');
  assert.equal(s.client.poll(), 2, 'the client polls a closed session until its close is delivered');
  assert.deepEqual(events.slice(5), ['disconnected 4100 false', 'closed 4100 kicked']);
  assert.equal(s.client.poll(), 0);
});

test('poll mode never drops messages; pongs and errors past 1024 queued events are dropped and counted', { timeout: 10_000 }, async () => {
  const s = scripted({ deliveryMode: 'poll' });
  const session = await welcomed(s);
  let messages = 0;
  let errors = 0;
  let inOrder = true;
  session.addListener({
    onMessage: (_s, type) => {
      inOrder &&= type === messages + 1;
      messages++;
    },
    onError: () => errors++,
  });
  const socket = s.socket();
  for (let i = 1; i <= 2000; i++) {
    socket.deliverMessage(message(i, [], 0));
    socket.deliverMessage({ error: { code: 4999, message: 'x' } });
  }
  session.poll();
  assert.equal(messages, 2000);
  assert.ok(inOrder);
  // As in Java, every queued non-snapshot event counts toward the cap: 512 errors fit beside 512 messages.
  assert.equal(errors, 512);
  assert.equal(session.stats.pollDropped, 2000 - 512);
  await session.leave();
});

test('poll() needs poll mode and refuses a nested call', { timeout: 10_000 }, async () => {
  const s = scripted();
  const session = await welcomed(s);
  assert.throws(() => session.poll(), /poll\(\) needs deliveryMode 'poll': deliveryMode=callbacks/);
  assert.throws(() => s.client.poll(), /deliveryMode=callbacks/);
  await session.leave();

  const p = scripted({ deliveryMode: 'poll' });
  const polled = await welcomed(p);
  let nested: unknown = null;
  polled.addListener({ onMessage: (sess) => {
    try {
      sess.poll();
    } catch (e) {
      nested = e;
    }
  } });
  p.socket().deliverMessage(message(1, [], 0));
  polled.poll();
  assert.match(String(nested), /poll\(\) called from inside a polled callback/);
  await polled.leave();
  assert.throws(() => clientOptions({ url: 'ws://x/ws', deliveryMode: 'later' as 'poll' }), /deliveryMode must be/);
});
