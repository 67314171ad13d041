/**
 * The game-logic SPI: what a game developer implements ({@link io.tickwire.server.game.GameLogic},
 * {@link io.tickwire.server.game.GameLogicFactory}) and the {@link io.tickwire.server.game.World}
 * it mutates.
 * <p>
 * Thread: every method of a {@code GameLogic} and every {@code World} call runs on the room loop
 * thread that owns the room (an Agrona agent thread). Game code must not block and must not touch
 * a room's world from another thread.
 */
package io.tickwire.server.game;
