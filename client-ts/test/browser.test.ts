import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { NPC_COUNT } from './support/arena.js';
import { REQUIRED, rooms, serverSkipReason, startServer, waitFor, type RunningServer } from './support/server.js';

/**
 * The spectator page (served by the admin server, running the SDK bundle) in headless Chromium
 * against the real server: what it draws must be the room's entities, and the own player must move
 * as the keys say. Also measures decode + apply of a recorded 110-entity delta inside the page.
 */
const CHROMIUM = process.env.TICKWIRE_CHROMIUM ?? '/usr/bin/chromium';
const VECTORS = fileURLToPath(new URL('../../../protocol/src/test/resources/conformance/vectors.json', import.meta.url));

function skipReason(): string | undefined {
  const server = serverSkipReason();
  if (server !== undefined) {
    return server;
  }
  if (!existsSync(CHROMIUM)) {
    if (REQUIRED) {
      throw new Error(`TICKWIRE_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM} (apt-get install chromium, or set TICKWIRE_CHROMIUM)`);
    }
    return `no Chromium at ${CHROMIUM}`;
  }
  return undefined;
}

const skip = skipReason();
let server: RunningServer;
let browser: Browser;

before(async () => {
  if (skip) {
    return;
  }
  server = await startServer(['--tick-rate', '30', '--arena-npcs', String(NPC_COUNT)]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--enable-precise-memory-info',
      '--js-flags=--expose-gc --min-semi-space-size=64 --max-semi-space-size=64'],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openSpectator(): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${server.adminUrl}/spectate.html?ws=${encodeURIComponent(server.wsUrl)}`);
  const bundle = await page.evaluate(() => typeof (window as unknown as { Tickwire?: unknown }).Tickwire);
  assert.equal(bundle, 'object', 'the admin server serves the SDK bundle (npm run build before packaging the server)');
  return page;
}

interface Drawn { id: number; x: number; y: number; kind: number; sx: number; sy: number; color: string }
interface View { status: string; frames: number; drawn: Drawn[]; own: Drawn | null; roomId?: string; playerEntityId?: number;
  mirrorCount?: number; tick?: number }

const view = (page: Page): Promise<View> => page.evaluate(() => {
  const v = (window as unknown as { tickwireSpectator: View }).tickwireSpectator;
  return JSON.parse(JSON.stringify({ ...v, session: undefined })) as View;
});

async function pixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(([px, py]) => {
    const canvas = document.getElementById('canvas') as HTMLCanvasElement;
    return Array.from(canvas.getContext('2d')!.getImageData(Math.round(px), Math.round(py), 1, 1).data);
  }, [x, y]);
}

function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** Software canvas rendering may be one or two off per channel. */
function sameColor(px: number[], hex: string): boolean {
  return rgb(hex).every((c, i) => Math.abs(c - px[i]) <= 3);
}

test('spectator page draws the room the server reports, interpolated', { skip, timeout: 60_000 }, async () => {
  const page = await openSpectator();
  await page.click('#watch');
  await waitForView(page, 'frames drawn', (v) => v.frames > 30 && v.drawn.length > 0);
  const v = await view(page);
  const room = (await rooms(server.adminUrl)).find((r) => r.id === v.roomId);
  assert.ok(room, `room ${v.roomId} not in /rooms`);
  assert.equal(v.drawn.length, NPC_COUNT + room.players, 'one drawn entity per entity of the room');
  assert.equal(v.mirrorCount, NPC_COUNT + room.players);
  assert.equal(v.drawn.filter((d) => d.kind === 1).length, NPC_COUNT);
  for (const d of v.drawn) {
    assert.ok(Math.abs(d.x) <= 50 && Math.abs(d.y) <= 50, `entity ${d.id} inside the arena: ${d.x}, ${d.y}`);
  }
  // What is on the canvas: the centre pixel of an NPC drawn in the same frame has the NPC colour.
  const frame = await page.evaluate(() => {
    const w = window as unknown as { tickwireSpectator: View };
    const canvas = document.getElementById('canvas') as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const npcs = w.tickwireSpectator.drawn.filter((d) => d.kind === 1);
    return npcs.map((d) => ({ id: d.id, color: d.color, px: Array.from(ctx.getImageData(Math.round(d.sx), Math.round(d.sy), 1, 1).data) }));
  });
  const matching = frame.filter((f) => sameColor(f.px, f.color));
  assert.ok(matching.length >= NPC_COUNT - 2, `NPC pixels drawn in NPC colour: ${matching.length} of ${frame.length}: ${JSON.stringify(frame)}`);
  // NPCs move: positions a second later differ.
  const before = new Map(v.drawn.map((d) => [d.id, d.x]));
  await new Promise((r) => setTimeout(r, 1000));
  const later = await view(page);
  assert.ok(later.drawn.some((d) => d.kind === 1 && before.get(d.id) !== d.x), 'the drawing follows the room');
  const errors = await page.evaluate(() => (window as unknown as { tickwireErrors: string[] }).tickwireErrors);
  assert.deepEqual(errors, []);
  await page.close();
});

test('playing on the page moves the own player as the keys say, predicted', { skip, timeout: 60_000 }, async () => {
  const page = await openSpectator();
  await page.click('#play');
  await waitForView(page, 'the own player predicted', (v) => v.own !== null);
  const start = (await view(page)).own!;
  await page.keyboard.down('ArrowRight');
  await new Promise((r) => setTimeout(r, 1000));
  await page.keyboard.up('ArrowRight');
  await new Promise((r) => setTimeout(r, 500));
  const end = await view(page);
  const own = end.own!;
  assert.ok(own.x - start.x > 3, `moved right about 6 units in 1 s: ${start.x} -> ${own.x}`);
  assert.equal(own.y, start.y);
  // The server agrees with the prediction once the inputs are applied.
  const server = await page.evaluate(() => {
    const s = (window as unknown as { tickwireSpectator: { session: { mirror: { getDouble(id: number, f: string): number }; playerEntityId: number } } })
      .tickwireSpectator.session;
    return s.mirror.getDouble(s.playerEntityId, 'x');
  });
  assert.equal(server, own.x);
  const px = await pixel(page, own.sx, own.sy);
  assert.ok(sameColor(px, own.color), `the own player is drawn where it is predicted: ${px} vs ${own.color}`);
  await page.close();
});

test('decode + apply of a ~110-entity delta in Chromium (reported, not asserted)', { skip, timeout: 60_000 }, async () => {
  const page = await openSpectator();
  const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as { cases: { name: string; schema: string; frames: { note: string; frame: string; tick: number; baselineTick: number }[] }[] };
  const arena = vectors.cases.find((c) => c.name === 'arena-110')!;
  const target = arena.frames.find((f) => f.note === 'every entity changed')!;
  const chain = arena.frames.filter((f) => f.tick <= target.baselineTick && !('error' in f));
  const result = await page.evaluate(({ schema, chain, target }) => {
    type T = typeof import('../src/index.js');
    const T = (window as unknown as { Tickwire: T }).Tickwire;
    const bytes = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const tracker = new T.SnapshotTracker(T.EntitySchema.fromProto(T.WireCodec.parseSchema(bytes(schema))), 64);
    for (const f of chain) {
      tracker.apply(T.WireCodec.parse(bytes(f.frame)).snapshot!);
    }
    const baseline = tracker.find(target.baselineTick)!;
    const frame = bytes(target.frame);
    const decoder = new T.DeltaDecoder(baseline.schema);
    const out = new T.WorldState(baseline.schema, 128);
    const gc = (window as unknown as { gc: () => void }).gc;
    const mem = (): number => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
    const run = (n: number, parse: boolean, parsed: ReturnType<typeof T.WireCodec.parse>['snapshot']): number => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        decoder.apply(baseline, parse ? T.WireCodec.parse(frame).snapshot! : parsed!, out);
      }
      return (performance.now() - t0) * 1000 / n;
    };
    const parsed = T.WireCodec.parse(frame).snapshot!;
    run(20000, true, parsed);
    run(20000, false, parsed);
    const fullUs = Math.min(run(10000, true, parsed), run(10000, true, parsed), run(10000, true, parsed));
    const applyUs = Math.min(run(10000, false, parsed), run(10000, false, parsed), run(10000, false, parsed));
    gc();
    let h0 = mem();
    run(1000, true, parsed);
    const fullBytes = (mem() - h0) / 1000;
    gc();
    h0 = mem();
    run(1000, false, parsed);
    const applyBytes = (mem() - h0) / 1000;
    return { entities: out.count, changed: parsed.changedIds!.length, frameBytes: frame.length, fullUs, applyUs, fullBytes, applyBytes };
  }, { schema: arena.schema, chain, target });
  console.log(`# chromium decode+apply: ${JSON.stringify(result)}`);
  assert.ok(result.entities > 100 && result.changed > 100, `a delta of about 110 entities: ${JSON.stringify(result)}`);
  await page.close();
});

async function waitForView(page: Page, what: string, condition: (v: View) => boolean): Promise<void> {
  let last: View | null = null;
  const deadline = Date.now() + 20_000;
  for (;;) {
    last = await view(page);
    if (condition(last)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last).slice(0, 500)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

void waitFor;
