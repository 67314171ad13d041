/**
 * The demo game {@code arena}: players steer with an axis input inside a bounded square while
 * NPCs wander deterministically. Runs on the room loop thread like every {@code GameLogic}.
 */
package io.tickwire.server.game.arena;
