import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EntitySchema, PROTOCOL_VERSION, RoomSchema, TickwireClient, TickwireError, WireCodec, clientOptions, type RoomSession,
} from '../src/index.js';
import { tickwire } from '../src/proto/tickwire.js';
import { ScriptedSocket } from './support/scriptedSocket.js';
import { encodeSnapshot, snapshotFrame, type Frame } from './support/v2Encoder.js';

/**
 * A version 2 session against a scripted socket: the Welcome's entity types reach the mirror, entities
 * entering and leaving the view arrive as added and removed events, string changes as changed, and
 * every input carries `view_tick` from the interpolation clock.
 */

const player = EntitySchema.builder().fixed('x', 0, 100, 0.5).string('name', 8).intField('ammo', 0, 50, 'OWNER').build();
const rock = EntitySchema.builder().intField('kind', 0, 9).string('label', 12).build();
const room = RoomSchema.of(['player', player], ['rock', rock]);

function frame(entries: [number, number, number[], string[]][]): Frame {
  return new Map(entries.map(([id, type, values, strings]) => [id, { type, values, strings }]));
}

async function joined(version: number, now: () => number, asked?: number):
  Promise<{ session: RoomSession; socket: ScriptedSocket }> {
  let socket: ScriptedSocket | null = null;
  const client = new TickwireClient({ url: 'ws://test.invalid/ws', now, interpolationDelayTicks: 2,
    webSocketFactory: () => (socket = new ScriptedSocket()), protocolVersion: asked });
  const joining = client.joinByType('arena');
  await new Promise((r) => setTimeout(r, 5));
  const s = socket as unknown as ScriptedSocket;
  assert.equal(s.sent[0].join?.protocolVersion, asked ?? PROTOCOL_VERSION);
  s.deliverMessage({ welcome: {
    sessionId: 's1', resumeToken: 't1', roomId: 'r1', roomType: 'arena', entityId: 5, tickRateHz: 30, serverTick: 1,
    protocolVersion: version, schema: player.toProto(),
    entityTypes: [{ name: 'player', schema: player.toProto() }, { name: 'rock', schema: rock.toProto() }],
  } });
  return { session: await joining, socket: s };
}

test('a version 2 session: typed mirror, view entries and exits as added and removed, view_tick on every input', { timeout: 10_000 },
  async () => {
    let nowMs = 1000;
    const { session, socket } = await joined(2, () => nowMs);
    try {
      assert.equal(session.protocolVersion, 2);
      assert.deepEqual(session.room.types.map((t) => t.name), ['player', 'rock']);
      assert.equal(session.schema.field('name').kind, 'STRING');
      const events: string[] = [];
      session.addListener({
        onEntityAdded: (s, id) => events.push(`added ${id} ${s.mirror.typeNameOf(id)}`),
        onEntityRemoved: (_s, id) => events.push(`removed ${id}`),
        onEntityChanged: (_s, id) => events.push(`changed ${id}`),
      });

      // No interpolator yet: view_tick 0 (unknown).
      session.sendInput(Uint8Array.of(1));
      assert.equal(socket.sent.filter((m) => m.input).at(-1)?.input?.viewTick, 0);
      // Created before the snapshots arrive (it buffers the states it is given); nothing sampled yet: still 0.
      const interpolator = session.interpolator();
      session.sendInput(Uint8Array.of(1));
      assert.equal(socket.sent.filter((m) => m.input).at(-1)?.input?.viewTick, 0);

      const f10 = frame([[1, 0, [20, 0, 0], ['Ann']], [2, 1, [7, 0], ['granite']], [5, 0, [40, 0, 30], ['Bo']]]);
      socket.deliver(snapshotFrame(encodeSnapshot(room, null, 0, f10, 10, { serverTimeMs: 330 })));
      assert.deepEqual(events, ['added 1 player', 'added 2 rock', 'added 5 player']);
      assert.equal(session.mirror.getString(5, 'name'), 'Bo');
      assert.equal(session.mirror.getInt(5, 'ammo'), 30);
      assert.equal(session.mirror.getInt(1, 'ammo'), 0);

      // Tick 12 against 10: player 1 leaves the view, rock 9 enters it, rock 2's label changes.
      events.length = 0;
      nowMs = 1066;
      const f12 = frame([[2, 1, [7, 0], ['basalt']], [5, 0, [40, 0, 30], ['Bo']], [9, 1, [3, 0], ['far rock']]]);
      socket.deliver(snapshotFrame(encodeSnapshot(room, f10, 10, f12, 12, { serverTimeMs: 396 })));
      assert.deepEqual(events, ['removed 1', 'changed 2', 'added 9 rock']);
      assert.equal(session.mirror.contains(1), false, 'an entity that left the view is gone from the mirror');
      assert.equal(session.mirror.getString(2, 'label'), 'basalt');

      // Render at 1100: 1100 - 670 (fastest arrival offset) - 66.7 (2 ticks) = 363.3 ms of server time, a
      // bit past halfway from tick 10 (330 ms) to tick 12 (396 ms): tick 11, rounded down.
      const out = interpolator.newRenderState();
      nowMs = 1100;
      assert.ok(interpolator.sample(nowMs, out));
      assert.equal(out.viewTick, 11);
      assert.equal(out.getString(out.indexOf(2), 'label'), 'basalt');
      assert.equal(out.typeAt(out.indexOf(9)).name, 'rock');
      session.sendInput(Uint8Array.of(2));
      assert.equal(socket.sent.filter((m) => m.input).at(-1)?.input?.viewTick, 11);
      nowMs = 1140;
      interpolator.sample(nowMs, out);
      assert.equal(out.viewTick, 12);
      session.sendInput(Uint8Array.of(3));
      assert.equal(socket.sent.filter((m) => m.input).at(-1)?.input?.viewTick, 12);
    } finally {
      await session.leave();
    }
  });

test('Welcome.protocol_version outside 1 up to the version asked for fails the join', { timeout: 10_000 }, async () => {
  await assert.rejects(joined(4, () => 0), (e: unknown) => e instanceof TickwireError &&
    /unsupported protocol version: version=4, supported=1..3/.test(e.message));
  await assert.rejects(joined(0, () => 0), (e: unknown) => e instanceof TickwireError &&
    /unsupported protocol version: version=0, supported=1..3/.test(e.message));
  await assert.rejects(joined(3, () => 0, 2), (e: unknown) => e instanceof TickwireError &&
    /unsupported protocol version: version=3, supported=1..2/.test(e.message));
});

test('protocolVersion option: 3 by default, 2 for plain columns, nothing else', () => {
  assert.equal(PROTOCOL_VERSION, 3);
  assert.equal(clientOptions({ url: 'ws://x/ws' }).protocolVersion, 3);
  assert.equal(clientOptions({ url: 'ws://x/ws', protocolVersion: 2 }).protocolVersion, 2);
  for (const bad of [0, 4, 2.5, NaN]) {
    assert.throws(() => clientOptions({ url: 'ws://x/ws', protocolVersion: bad }),
      new RegExp(`protocolVersion unsupported: protocolVersion=${bad}, supported=1..3`));
  }
  assert.equal(tickwire.v1.ClientMessage.decode(WireCodec.join('r', '', '', '')).join?.protocolVersion, 3);
  assert.equal(tickwire.v1.ClientMessage.decode(WireCodec.join('r', '', '', '', {}, 2)).join?.protocolVersion, 2);
});

for (const asked of [3, 2]) {
  test(`a session that asked for version ${asked} applies snapshots in both forms (the decoder reads either)`,
    { timeout: 10_000 }, async () => {
      const { session, socket } = await joined(asked, () => 1000, asked);
      try {
        assert.equal(session.protocolVersion, asked);
        const changed: number[] = [];
        session.addListener({ onEntityChanged: (_s, id) => changed.push(id) });
        const f10 = frame([[1, 0, [20, 0, 0], ['Ann']], [2, 1, [7, 0], ['granite']], [5, 0, [40, 0, 30], ['Bo']]]);
        socket.deliver(snapshotFrame(encodeSnapshot(room, null, 0, f10, 10, { packed: asked === 3 })));
        const f11 = frame([[1, 0, [21, 0, 0], ['Ann']], [2, 1, [8, 0], ['slate']], [5, 0, [41, 0, 30], ['Bo']]]);
        const packed = encodeSnapshot(room, f10, 10, f11, 11, { packed: true });
        assert.ok((packed.changedBits?.length ?? 0) > 0 && (packed.changedIds?.length ?? 0) === 0);
        socket.deliver(snapshotFrame(packed));
        const f12 = frame([[1, 0, [22, 0, 0], ['Ann']], [2, 1, [8, 0], ['slate']], [5, 0, [39, 0, 30], ['Bob']]]);
        socket.deliver(snapshotFrame(encodeSnapshot(room, f11, 11, f12, 12, { packed: false })));
        assert.equal(session.stats.protocolErrors, 0);
        assert.equal(session.mirror.tick, 12);
        assert.deepEqual(changed, [1, 2, 5, 1, 5]);
        assert.equal(session.mirror.getDouble(1, 'x'), 11);
        assert.equal(session.mirror.getString(2, 'label'), 'slate');
        assert.equal(session.mirror.getDouble(5, 'x'), 19.5);
        assert.equal(session.mirror.getString(5, 'name'), 'Bob');
        assert.equal(session.mirror.getInt(5, 'ammo'), 30);
      } finally {
        await session.leave();
      }
    });
}

test('WireCodec writes view_tick into Input', () => {
  const input = tickwire.v1.ClientMessage.decode(WireCodec.input(4, Uint8Array.of(1), 9, 7)).input;
  assert.deepEqual([input?.seq, input?.ackTick, input?.viewTick], [4, 9, 7]);
});
