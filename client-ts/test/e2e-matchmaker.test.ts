import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import {
  CloseCodes, Matchmaker, MatchmakerError, reconnectsOn, TickwireClient, TickwireError, type ClientOptionsInit,
  type RoomSession, type WebSocketLike,
} from '../src/index.js';
import { tickwire } from '../src/proto/tickwire.js';
import { ScriptedSocket } from './support/scriptedSocket.js';
import { rooms, SERVER_JAR, serverSkipReason, startServer, waitFor, type RunningServer } from './support/server.js';

/**
 * `Matchmaker` against a fake matchmaker (a Node HTTP server on loopback speaking the real one's API:
 * server/.../fleet/matchmaker/MatchmakerServer.java) that places players on a real Tickwire server
 * running with a ticket secret: the room it names exists there and the ticket it hands out is minted
 * by `tickwire-server ticket`, so a join only succeeds when the SDK dials the named URL with the ticket.
 */
const skip = serverSkipReason();
const SECRET = 'matchmaker-test-secret-0123456789abcdef';
const API_TOKEN = 'mm-api-token';
const ADMIN_TOKEN = 'mm-test-admin-token';
const ROOM_ID = 'mm-arena-1';
let server: RunningServer;
let matchmakerUrl: string;
let fake: Server;
/** How the fake answers the next placement requests. */
let mode: 'place' | 'unavailable' | 'silent' = 'place';
const requests: { path: string; authorization: string | undefined; body: Record<string, string> }[] = [];
const silent: ServerResponse[] = [];
let players = 0;

const wsFactory = (url: string): WebSocketLike => new WebSocket(url) as unknown as WebSocketLike;
const withWs = (url: string): ClientOptionsInit => ({ url, webSocketFactory: wsFactory });

async function mintTicket(playerId: string, roomId: string): Promise<string> {
  const { stdout } = await promisify(execFile)('java', ['-jar', SERVER_JAR, 'ticket', '--secret', SECRET,
    '--player', playerId, '--room-id', roomId, '--ttl-seconds', '60']);
  return stdout.trim();
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
  }
  const body = JSON.parse(text) as Record<string, string>;
  requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
  if (mode === 'silent') {
    silent.push(res);
    return;
  }
  if (mode === 'unavailable') {
    reply(res, 503, { error: 'room directory unavailable (redis): connection refused' });
    return;
  }
  if (req.headers.authorization !== `Bearer ${API_TOKEN}`) {
    reply(res, 401, { error: "missing or wrong API token: send 'Authorization: Bearer <token>'" });
    return;
  }
  const roomId = req.url === '/v1/join-or-create' ? ROOM_ID : body.roomId;
  if (req.url === '/v1/join-or-create' && !(await rooms(server.adminUrl)).some((r) => r.id === ROOM_ID)) {
    const created = await fetch(`${server.adminUrl}/rooms?type=${body.roomType}&id=${roomId}`, { method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(created.status, 201, await created.text());
  }
  const playerId = body.playerId ?? `player-${++players}`;
  reply(res, 200, { url: server.wsUrl, roomId, ticket: await mintTicket(playerId, roomId), playerId,
    serverId: 'fake-1', createdRoom: false, expiresAtEpochSeconds: Math.floor(Date.now() / 1000) + 60 });
}

before(async () => {
  fake = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => reply(res, 500, { error: `fake matchmaker failed: ${String(e)}` }));
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  matchmakerUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  if (!skip) {
    server = await startServer(['--tick-rate', '30', '--arena-npcs', '4', '--ticket-secret', SECRET, '--admin-token', ADMIN_TOKEN]);
  }
});

after(async () => {
  for (const res of silent) {
    res.destroy();
  }
  fake.closeAllConnections();
  await new Promise((resolve) => fake.close(resolve));
  await server?.stop();
});

test('joinOrCreate asks the matchmaker with the token, dials the server it names and joins with the ticket', { skip, timeout: 40_000 }, async () => {
  mode = 'place';
  const matchmaker = new Matchmaker(matchmakerUrl, { apiToken: API_TOKEN });
  const { client, session, placement } = await matchmaker.joinOrCreate('arena', withWs);
  assert.deepEqual(requests.at(-1), { path: '/v1/join-or-create', authorization: `Bearer ${API_TOKEN}`, body: { roomType: 'arena' } });
  assert.equal(placement.url, server.wsUrl);
  assert.equal(client.options.url, server.wsUrl);
  assert.equal(session.roomId, ROOM_ID);
  assert.equal(session.playerId, placement.playerId, 'the server admitted the player the ticket names');
  await waitFor('10 snapshots', () => session.stats.snapshotsReceived >= 10);

  const second = await matchmaker.joinById(ROOM_ID, withWs, 'player-by-id');
  assert.deepEqual(requests.at(-1)?.body, { roomId: ROOM_ID, playerId: 'player-by-id' });
  assert.equal(second.session.playerId, 'player-by-id');
  await waitFor('each in the other mirror', () => session.mirror.contains(second.session.playerEntityId) &&
    second.session.mirror.contains(session.playerEntityId));
  assert.equal((await rooms(server.adminUrl)).find((r) => r.id === ROOM_ID)?.players, 2);

  await assert.rejects(new TickwireClient(withWs(server.wsUrl)).joinById(ROOM_ID),
    (e: unknown) => e instanceof TickwireError && e.code === CloseCodes.TICKET_REJECTED,
    'without the ticket the server refuses: the placement ticket is what admitted the players');
  await second.client.close();
  await client.close();
  assert.equal(session.isOpen, false);
});

test('a refusal rejects with the matchmaker status and reason: 503 unavailable, 401 without the token', { timeout: 15_000 }, async () => {
  mode = 'unavailable';
  await assert.rejects(new Matchmaker(matchmakerUrl, { apiToken: API_TOKEN }).joinOrCreate('arena', withWs), (e: unknown) =>
    e instanceof MatchmakerError && e instanceof TickwireError && e.status === 503 &&
    e.reason === 'room directory unavailable (redis): connection refused' &&
    e.message === 'matchmaker refused: status=503, reason=room directory unavailable (redis): connection refused');
  mode = 'place';
  await assert.rejects(new Matchmaker(matchmakerUrl).requestJoinById(ROOM_ID), (e: unknown) =>
    e instanceof MatchmakerError && e.status === 401 && e.reason.startsWith('missing or wrong API token'));
  assert.equal(requests.at(-1)?.authorization, undefined, 'no token configured, no Authorization header');
});

test('a matchmaker that does not answer fails after timeoutMs instead of hanging', { timeout: 15_000 }, async () => {
  mode = 'silent';
  const before = requests.length;
  await assert.rejects(new Matchmaker(matchmakerUrl, { timeoutMs: 300 }).joinOrCreate('arena', withWs), (e: unknown) =>
    e instanceof MatchmakerError && e.status === 0 && e.reason === 'no answer within timeoutMs=300');
  assert.equal(requests.length, before + 1, 'the request reached the matchmaker');
  mode = 'place';
});

test('4016 server draining ends the session without a resume: the caller rejoins through the matchmaker', { timeout: 10_000 }, async () => {
  assert.equal(reconnectsOn(CloseCodes.SERVER_DRAINING), false);
  let socket: ScriptedSocket | null = null;
  const client = new TickwireClient({ url: 'ws://test.invalid/ws', webSocketFactory: () => (socket = new ScriptedSocket()) });
  const joining = client.joinById('r1', 'ticket-1');
  await new Promise((r) => setTimeout(r, 5));
  const s = socket as unknown as ScriptedSocket;
  s.deliverMessage({ welcome: {
    sessionId: 's1', resumeToken: 't1', roomId: 'r1', roomType: 'arena', entityId: 0, tickRateHz: 30, serverTick: 1,
    protocolVersion: 1, schema: { fields: [] },
  } });
  const session: RoomSession = await joining;
  const events: string[] = [];
  session.addListener({
    onDisconnected: (_s, code, _r, willReconnect) => events.push(`disconnected ${code} ${willReconnect}`),
    onClosed: (_s, code, reason) => events.push(`closed ${code} ${reason}`),
  });
  s.serverClose(CloseCodes.SERVER_DRAINING, 'server draining: rejoin through the matchmaker');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(events, ['disconnected 4016 false', 'closed 4016 server draining: rejoin through the matchmaker']);
  assert.equal(session.isReconnecting, false);
  assert.equal(session.stats.reconnectAttempts, 0);
});
