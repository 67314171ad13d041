import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { CloseCodes, TickwireClient, type RoomSession, type WebSocketLike } from '../src/index.js';
import { counter, rooms, serverSkipReason, startServer, waitFor, type RunningServer } from './support/server.js';

/**
 * Game messages and join options against the real server's demo game. The arena ignores messages
 * (GameLogic.onMessage's default), so what is checked end to end is what the server shows from outside:
 * the count handed to the game's onMessage (`tickwire_messages_delivered_total` on /metrics), the room
 * options on /rooms, and the close codes of its message limits. Order, payloads and server-to-client
 * messages need a game that echoes; the scripted-socket tests (messages.test.ts) cover those.
 */
const skip = serverSkipReason();
let server: RunningServer;
const MAX_MESSAGE_BYTES = 64;
/** Burst: a quarter second's worth, 50. */
const MAX_MESSAGES_PER_SECOND = 200;

const wsFactory = (url: string): WebSocketLike => new WebSocket(url) as unknown as WebSocketLike;

before(async () => {
  if (!skip) {
    server = await startServer(['--tick-rate', '30', '--max-message-bytes', String(MAX_MESSAGE_BYTES),
      '--max-messages-per-second', String(MAX_MESSAGES_PER_SECOND)]);
  }
});

after(async () => {
  await server?.stop();
});

function client(): TickwireClient {
  return new TickwireClient({ url: server.wsUrl, webSocketFactory: wsFactory });
}

async function delivered(): Promise<number> {
  return counter(server.adminUrl, 'tickwire_messages_delivered_total');
}

function closedWith(session: RoomSession): Promise<{ code: number; reason: string; willReconnect: boolean }> {
  return new Promise((resolve) => {
    let willReconnect = true;
    session.addListener({
      onDisconnected: (_s, _code, _reason, again) => {
        willReconnect = again;
      },
      onClosed: (_s, code, reason) => resolve({ code, reason, willReconnect }),
    });
  });
}

test('join options choose the room: equal options share one, other options get their own, /rooms lists them', { skip, timeout: 30_000 }, async () => {
  const c = client();
  const ctf1 = await c.joinByType('arena', undefined, { mode: 'ctf' });
  const ctf2 = await c.joinByType('arena', undefined, { mode: 'ctf' });
  const dm = await c.joinByType('arena', undefined, { mode: 'dm' });
  const plain = await c.joinByType('arena');
  assert.equal(ctf2.roomId, ctf1.roomId, 'equal options join the same room');
  assert.equal(new Set([ctf1.roomId, dm.roomId, plain.roomId]).size, 3, 'other options open other rooms');

  const byId = await c.joinById(dm.roomId, undefined, { team: 'red' });
  assert.equal(byId.roomId, dm.roomId);

  const listed = new Map((await rooms(server.adminUrl)).map((r) => [r.id, r]));
  assert.deepEqual(listed.get(ctf1.roomId)?.options, { mode: 'ctf' });
  assert.equal(listed.get(ctf1.roomId)?.players, 2);
  assert.deepEqual(listed.get(dm.roomId)?.options, { mode: 'dm' }, 'a join by id does not change the room options');
  assert.deepEqual(listed.get(plain.roomId)?.options, {});
  await c.close();
});

test('every message sent reaches the game once: the server counts exactly as many handed to onMessage', { skip, timeout: 30_000 }, async () => {
  const session = await client().joinByType('arena', undefined, { test: 'delivered-count' });
  await waitFor('a few snapshots', () => session.stats.snapshotsReceived >= 3);
  const before = await delivered();
  const sent = 40;
  for (let i = 1; i <= sent; i++) {
    const payload = new Uint8Array(i === sent ? MAX_MESSAGE_BYTES : i).fill(i);
    assert.equal(session.send(i, payload), true, `send ${i}`);
  }
  assert.equal(session.stats.messagesSent, sent);
  const deadline = Date.now() + 10_000;
  let count = 0;
  while ((count = (await delivered()) - before) < sent && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(count, sent, 'messages handed to the game');
  const snapshots = session.stats.snapshotsReceived;
  await waitFor('ten more snapshots', () => session.stats.snapshotsReceived >= snapshots + 10);
  assert.equal((await delivered()) - before, sent, 'none handed over twice');
  assert.equal(session.isOpen, true, 'a payload of exactly --max-message-bytes is accepted');
  await session.leave();
});

test('a payload over --max-message-bytes ends the session with 1009, without a reconnect', { skip, timeout: 30_000 }, async () => {
  const session = await client().joinByType('arena');
  const closed = closedWith(session);
  assert.equal(session.send(1, new Uint8Array(MAX_MESSAGE_BYTES + 1)), true);
  const end = await closed;
  assert.equal(end.code, CloseCodes.MESSAGE_TOO_BIG, `closed: ${JSON.stringify(end)}`);
  assert.equal(end.willReconnect, false);
  assert.equal(session.stats.reconnectAttempts, 0);
  assert.equal(session.send(1, new Uint8Array(1)), false, 'closed: nothing sent');
});

test('more messages than --max-messages-per-second allows end the session with 1008, without a reconnect', { skip, timeout: 30_000 }, async () => {
  const session = await client().joinByType('arena');
  const closed = closedWith(session);
  for (let i = 0; i < MAX_MESSAGES_PER_SECOND; i++) {
    session.send(1, new Uint8Array([i & 0xff]));
  }
  const end = await closed;
  assert.equal(end.code, CloseCodes.POLICY_VIOLATION, `closed: ${JSON.stringify(end)}`);
  assert.equal(end.willReconnect, false);
});
