/**
 * The demo game {@code arena}'s input payload format ({@link io.tickwire.protocol.arena.ArenaInput}) and
 * its player movement ({@link io.tickwire.protocol.arena.ArenaStep}), in the one module that the server's
 * game and the client SDK's users (load-test bots, the arena viewer's prediction) all reach, so both
 * sides run the same code. Not part of the Tickwire protocol itself: to the server an input payload is
 * opaque bytes handed to the game. Stateless, safe on any thread.
 */
package io.tickwire.protocol.arena;
