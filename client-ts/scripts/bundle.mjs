// Browser bundles of the SDK (esbuild):
// - dist/tickwire.js: the whole SDK as one script defining window.Tickwire, also copied into the server's
//   admin resources (untracked there) so the spectator page can load it from the admin server;
// - dist/minimal-client.js: an ES module with only what a minimal client imports, to measure the size
//   a game actually ships (printed, gzipped).
import { build } from 'esbuild';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const common = { bundle: true, minify: true, target: 'es2020', platform: 'browser', logLevel: 'warning', legalComments: 'none',
  // protobufjs looks for the long package in a try/catch; the SDK configures its own uint64 words instead.
  external: ['long'] };
await build({ ...common, entryPoints: ['src/index.ts'], format: 'iife', globalName: 'Tickwire', outfile: 'dist/tickwire.js' });
copyFileSync('dist/tickwire.js', '../server/src/main/resources/io/tickwire/server/admin/tickwire.js');

writeFileSync('dist/minimal-entry.ts',
  "export { TickwireClient } from '../src/tickwireClient.js';\n");
await build({ ...common, entryPoints: ['dist/minimal-entry.ts'], format: 'esm', outfile: 'dist/minimal-client.js' });

const sizes = {};
for (const file of ['dist/tickwire.js', 'dist/minimal-client.js']) {
  const bytes = readFileSync(file);
  sizes[file] = { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}
writeFileSync('dist/bundle-sizes.json', JSON.stringify(sizes, null, 2) + '\n');
for (const [file, s] of Object.entries(sizes)) {
  console.log(`${file}: ${s.bytes} B minified, ${s.gzipBytes} B gzipped`);
}
