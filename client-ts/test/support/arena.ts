import type { EntityState } from '../../src/index.js';

/** The arena demo's rules for one input, as server/.../game/arena/ArenaGame.java has them. */
export const PLAYER_SPEED = 6.0;
export const NPC_COUNT = 16;

export function arenaInput(axisX: number, axisY: number): Uint8Array {
  const toByte = (a: number): number => Math.round(Math.max(-1, Math.min(1, a)) * 127);
  return new Uint8Array([toByte(axisX) & 0xff, toByte(axisY) & 0xff]);
}

/** The step function: ArenaGame.onInput + stepPlayer for one tick. */
export function arenaStep(tickRateHz: number): (state: EntityState, input: Uint8Array) => void {
  const dt = 1 / tickRateHz;
  return (state, input) => {
    if (input.length < 2) {
      return;
    }
    const view = new Int8Array(input.buffer, input.byteOffset, 2);
    let ax = view[0] / 127.0;
    let ay = view[1] / 127.0;
    const len = Math.sqrt(ax * ax + ay * ay);
    if (len > 1.0) {
      ax /= len;
      ay /= len;
    }
    if (ax === 0 && ay === 0) {
      return;
    }
    state.setDouble('x', state.getDouble('x') + ax * PLAYER_SPEED * dt);
    state.setDouble('y', state.getDouble('y') + ay * PLAYER_SPEED * dt);
    state.setDouble('heading', Math.atan2(ay, ax));
  };
}
