import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, TickwireClient, type WebSocketLike } from '../src/index.js';
import { arenaInput } from './support/arena.js';
import { serverSkipReason, startServer, waitFor, type RunningServer } from './support/server.js';

/**
 * The TS SDK in a room with an interest policy, against the real server: the `bigworld` demo (2 km x
 * 2 km, 100 m cells, a view of 5 x 5 cells). The mirror holds the view, not the room; npcs wandering
 * across its edge arrive as added and leave as removed, and the mirror stays consistent with the
 * events and with every snapshot's entity_count, with no snapshot rejected.
 */
const skip = serverSkipReason();
let server: RunningServer;
const NPCS = 4000;

before(async () => {
  if (!skip) {
    server = await startServer(['--tick-rate', '30', '--bigworld-npcs', String(NPCS)]);
  }
});

after(async () => {
  await server?.stop();
});

test('bigworld: the mirror is the view; entities entering and leaving it are added and removed', { skip, timeout: 60_000 },
  async () => {
    // A generous silence timeout: creating the room (its npcs) on a loaded machine can hold the Welcome back.
    const c = new TickwireClient({ url: server.wsUrl, silenceTimeoutMs: 15_000, connectTimeoutMs: 15_000,
      webSocketFactory: (url) => new WebSocket(url) as unknown as WebSocketLike });
    const session = await c.joinByType('bigworld');
    try {
      assert.equal(session.protocolVersion, PROTOCOL_VERSION, 'a version 3 server answers 3');
      const present = new Set(session.mirror.entityIds());
      // Entries and exits after the first view this test saw (the first snapshot adds the whole view).
      const added: number[] = [];
      const removed: number[] = [];
      let seenView = present.size > 0;
      let mismatches = 0;
      let snapshots = 0;
      session.addListener({
        onEntityAdded: (s, id) => {
          if (seenView) {
            added.push(id);
          }
          if (present.has(id) || !s.mirror.contains(id)) {
            mismatches++;
          }
          present.add(id);
        },
        onEntityRemoved: (s, id) => {
          removed.push(id);
          if (!present.has(id) || s.mirror.contains(id)) {
            mismatches++;
          }
          present.delete(id);
        },
        onSnapshot: (s, info) => {
          snapshots++;
          seenView = true;
          if (s.mirror.count !== info.entityCount || s.mirror.count !== present.size) {
            mismatches++;
          }
        },
      });
      const interpolator = session.interpolator();
      const render = interpolator.newRenderState();
      const playing = setInterval(() => {
        interpolator.sample(performance.now(), render);
        session.sendInput(arenaInput(1, 0.3));
      }, 33);
      try {
        await waitFor('npcs crossing the view edge both ways', () => added.length >= 3 && removed.length >= 3, 40_000);
      } finally {
        clearInterval(playing);
      }
      console.log(`bigworld view: ${session.mirror.count} of ${NPCS + 1} entities mirrored; ${added.length} added, ` +
        `${removed.length} removed over ${snapshots} snapshots`);
      assert.ok(snapshots > 0);
      assert.equal(mismatches, 0, 'events, mirror and entity_count agree');
      assert.ok(session.mirror.count < NPCS / 4, `a view, not the room: ${session.mirror.count} of ${NPCS + 1} entities`);
      assert.ok(session.mirror.contains(session.playerEntityId), 'the own entity is always in view');
      assert.equal(session.stats.baselineMisses + session.stats.protocolErrors, 0);
      assert.ok(render.viewTick > 0, 'inputs carried a view tick');
    } finally {
      await session.leave();
    }
  });
