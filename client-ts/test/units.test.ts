import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ApplyResult, EntitySchema, EntityState, InputJournal, Interpolator, Predictor, RenderState, SnapshotTracker, WireCodec,
  WorldState, clientOptions, rint,
} from '../src/index.js';
import { tickwire } from '../src/proto/tickwire.js';

const VECTORS = fileURLToPath(new URL('../../../protocol/src/test/resources/conformance/vectors.json', import.meta.url));
const arena = (JSON.parse(readFileSync(VECTORS, 'utf8')) as { cases: { name: string; schema: string; frames: { frame: string; baselineTick: number; tick: number; error?: string }[] }[] })
  .cases.find((c) => c.name === 'arena-110')!;
const arenaSchema = EntitySchema.fromProto(tickwire.v1.EntitySchema.decode(Buffer.from(arena.schema, 'base64')));
const snapshots = arena.frames.filter((f) => f.error === undefined)
  .map((f) => WireCodec.parse(Buffer.from(f.frame, 'base64')).snapshot!);

test('rint rounds half to even like Java', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 1e300].map(rint), [0, 2, 2, -0, -2, -2, 2, 1e300]);
});

test('tracker applies the recorded sequence, keeps only what can still be a baseline', () => {
  const tracker = new SnapshotTracker(arenaSchema, 8);
  for (const s of snapshots) {
    assert.equal(tracker.apply(s), ApplyResult.APPLIED, `tick ${s.tick}`);
    assert.ok(tracker.retainedCount <= 8);
  }
  assert.equal(tracker.apply(snapshots[3]), ApplyResult.STALE);
  assert.ok(tracker.allocatedCount <= 10, `allocated ${tracker.allocatedCount} states for ${snapshots.length} snapshots`);
});

test('tracker reports a missing baseline, and a full snapshot recovers', () => {
  const tracker = new SnapshotTracker(arenaSchema, 4);
  assert.equal(tracker.apply(snapshots[0]), ApplyResult.APPLIED);
  const delta = snapshots.find((s) => (s.baselineTick ?? 0) > 1)!;
  assert.equal(tracker.apply(delta), ApplyResult.BASELINE_MISSING);
  assert.match(tracker.lastError, /baseline not retained: tick=\d+, baselineTick=\d+, retained=1 states/);
  const full = snapshots.find((s) => s.baselineTick === 0 && (s.tick ?? 0) > (delta.tick ?? 0))!;
  assert.equal(tracker.apply(full), ApplyResult.APPLIED);
  assert.equal(tracker.newest?.tick, full.tick);
});

test('journal resends every unapplied input after a resume, in order, within the window', () => {
  const journal = new InputJournal(16);
  for (let i = 1; i <= 6; i++) {
    assert.equal(journal.reserve(Uint8Array.of(i), true), i);
  }
  const written: number[] = [];
  for (let n = journal.next(12); n !== null; n = journal.next(12)) {
    written.push(n.seq);
  }
  assert.deepEqual(written, [1, 2, 3, 4, 5, 6]);
  journal.onProcessed(2);
  // Lost: 3..6 were written on a connection that died; two more while down.
  assert.equal(journal.reserve(Uint8Array.of(7), false), 7);
  assert.equal(journal.reserve(Uint8Array.of(8), false), 8);
  journal.onResumed(4);
  const resent: number[] = [];
  for (let n = journal.next(3); n !== null; n = journal.next(3)) {
    resent.push(n.seq);
  }
  assert.deepEqual(resent, [5, 6, 7], 'window of 3 beyond last_input_seq=4');
  journal.onProcessed(6);
  for (let n = journal.next(3); n !== null; n = journal.next(3)) {
    resent.push(n.seq);
  }
  assert.deepEqual(resent, [5, 6, 7, 8]);
  assert.equal(journal.resent, 2);
});

test('journal never skips a sequence: refuses when full of unsent inputs', () => {
  const journal = new InputJournal(4);
  for (let i = 1; i <= 4; i++) {
    assert.equal(journal.reserve(Uint8Array.of(i), false), i);
  }
  assert.equal(journal.reserve(Uint8Array.of(5), false), 0);
  assert.equal(journal.refused, 1);
});

test('interpolator renders between snapshots on the server timeline, from the time passed in', () => {
  const schema = EntitySchema.builder().fixed('x', 0, 100, 0.5).angle('a', 8).intField('k', 0, 9).build();
  const interpolator = new Interpolator(schema, { tickRateHz: 10, interpolationDelayTicks: 1, maxInterpolationDelayMs: 500,
    maxExtrapolationMs: 50 });
  const s = new WorldState(schema, 1);
  // Tick t at server time 100 t ms, arriving 20 ms later: x 10 per tick, angle wraps from 250 to 4.
  const states = [[10, 250, 1], [20, 4, 2], [30, 14, 3]];
  states.forEach(([x, a, k], t) => {
    s.capture(t + 1, (t + 1) * 100, 1, [7], [x * 2, a, k]);
    interpolator.onState(s, (t + 1) * 100 + 20);
  });
  const out: RenderState = interpolator.newRenderState();
  // Render time = now - 20 (fastest path) - 100 (one tick of delay, no jitter).
  assert.ok(interpolator.sample(270, out));
  assert.equal(out.renderServerTimeMs, 150);
  assert.equal(out.count, 1);
  assert.equal(out.entityIdAt(0), 7);
  assert.equal(out.getDouble(0, 'x'), 15);
  const a = out.getDouble(0, 'a');
  const expected = ((250 + 5) % 256) * 2 * Math.PI / 256;
  assert.ok(Math.abs(a - expected) < 1e-9, `angle took the short way across 0: ${a} vs ${expected}`);
  assert.equal(out.getInt(0, 'k'), 1, 'ints hold the older value');
  // Far past the newest: extrapolation stops at maxExtrapolationMs.
  assert.ok(interpolator.sample(1000, out));
  assert.equal(out.extrapolationMs, 50);
  assert.equal(out.getDouble(0, 'x'), 35);
});

test('predictor replays unapplied inputs on the server state and counts mispredictions', () => {
  const schema = EntitySchema.builder().fixed('x', -50, 50, 0.01).build();
  let seq = 0;
  const predictor = new Predictor(schema, 1, (st: EntityState, input) => st.setDouble('x', st.getDouble('x') + input[0] / 10),
    { sendInput: () => ++seq }, 30, 0);
  const server = new WorldState(schema, 1);
  server.capture(1, 0, 1, [1], [5000]);
  predictor.onServerState(server, 0);
  for (let i = 0; i < 3; i++) {
    predictor.sendInput(Uint8Array.of(1));
  }
  assert.equal(predictor.state.slots[0], 5030);
  server.capture(2, 33, 1, [1], [5010]);
  predictor.onServerState(server, 1);
  assert.ok(predictor.reconcile());
  assert.equal(predictor.state.slots[0], 5030);
  assert.equal(predictor.mispredictions, 0);
  assert.equal(predictor.pendingInputs, 2);
  server.capture(3, 66, 1, [1], [5000]);
  predictor.onServerState(server, 2);
  predictor.reconcile();
  assert.equal(predictor.state.slots[0], 5010);
  assert.equal(predictor.mispredictions, 1);
});

test('predictor paces inputs to the tick rate and caps catch-up', () => {
  const schema = EntitySchema.builder().intField('n', 0, 1000).build();
  let sent = 0;
  const predictor = new Predictor(schema, 1, () => undefined, { sendInput: () => ++sent }, 10, 0);
  assert.equal(predictor.update(0, Uint8Array.of(0)), 1);
  assert.equal(predictor.update(50, Uint8Array.of(0)), 0);
  assert.equal(predictor.update(100, Uint8Array.of(0)), 1);
  assert.equal(predictor.update(1100, Uint8Array.of(0)), Predictor.MAX_CATCH_UP_INPUTS);
  assert.equal(predictor.inputsSkipped, 10 - Predictor.MAX_CATCH_UP_INPUTS);
});

test('options are validated once, naming the value', () => {
  assert.throws(() => clientOptions({ url: 'http://x/ws' }), /url scheme must be ws or wss: url=http:\/\/x\/ws/);
  assert.throws(() => clientOptions({ url: 'ws://x/ws', retainedStates: 1 }), /retainedStates too small: retainedStates=1, min=2/);
  assert.equal(clientOptions({ url: 'ws://x/ws' }).reconnect.resendWindowInputs, 12);
});
