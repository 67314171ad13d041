// tsc does not copy the generated protobufjs module; put it next to the compiled sources that import it.
import { copyFileSync, mkdirSync } from 'node:fs';
mkdirSync('dist/src/proto', { recursive: true });
copyFileSync('src/proto/tickwire.js', 'dist/src/proto/tickwire.js');
copyFileSync('src/proto/tickwire.d.ts', 'dist/src/proto/tickwire.d.ts');
