import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The server jar `mvn -pl server -am package` builds; `TICKWIRE_SERVER_JAR` overrides it. */
export const SERVER_JAR = process.env.TICKWIRE_SERVER_JAR ??
  fileURLToPath(new URL('../../../../server/target/tickwire-server.jar', import.meta.url));

/** CI sets this: tests that need the server or the browser must run there, not skip. */
export const REQUIRED = process.env.TICKWIRE_REQUIRE_BROWSER === '1';

/**
 * Why a test that needs the server jar cannot run, or undefined when it can. With
 * TICKWIRE_REQUIRE_BROWSER=1 a missing jar is a failure instead of a skip.
 */
export function serverSkipReason(): string | undefined {
  if (existsSync(SERVER_JAR)) {
    return undefined;
  }
  const reason = `server jar missing: ${SERVER_JAR} (mvn -B -pl server -am package -DskipTests, or set TICKWIRE_SERVER_JAR)`;
  if (REQUIRED) {
    throw new Error(`TICKWIRE_REQUIRE_BROWSER=1 but ${reason}`);
  }
  return reason;
}

export interface RunningServer {
  wsUrl: string;
  adminUrl: string;
  stop(): Promise<void>;
}

/** Start the real server on ephemeral loopback ports; resolves once it printed both URLs. */
export function startServer(args: string[] = [], timeoutMs = 30_000): Promise<RunningServer> {
  const child: ChildProcess = spawn('java', ['--add-exports', 'java.base/jdk.internal.misc=ALL-UNNAMED', '-jar', SERVER_JAR,
    '--host', '127.0.0.1', '--port', '0', '--admin-port', '0', '--log-level', 'WARN', ...args],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const ws = /WebSocket (ws:\/\/\S+)/.exec(output);
      const admin = /admin (http:\/\/\S+?)\/? /.exec(output);
      if (ws && admin) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({
          wsUrl: ws[1],
          adminUrl: admin[1].replace(/\/$/, ''),
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) {
              done();
              return;
            }
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it started; output:\n${output}`));
    });
  });
}

export interface RoomInfo {
  id: string;
  type: string;
  players: number;
  tick: number;
  /** Room options it was created with (`Join.options` or `POST /rooms`). */
  options: Record<string, string>;
}

export async function rooms(adminUrl: string): Promise<RoomInfo[]> {
  const response = await fetch(`${adminUrl}/rooms`);
  return ((await response.json()) as { rooms: RoomInfo[] }).rooms;
}

/** Sum of one Prometheus counter over its labels, from the admin `/metrics`. */
export async function counter(adminUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^(\S+?)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m !== null && m[1] === name) {
      sum += Number(m[3]);
    }
  }
  return sum;
}

/** Poll `condition` every 10 ms until true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
