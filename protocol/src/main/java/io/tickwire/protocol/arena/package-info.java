/**
 * The demo game {@code arena}'s input payload format, in the one module that the server's game, the
 * client SDK's users (load-test bots, the arena viewer's prediction) all reach. Not part of the
 * Tickwire protocol itself: to the server an input payload is opaque bytes handed to the game.
 * Stateless, safe on any thread.
 */
package io.tickwire.protocol.arena;
