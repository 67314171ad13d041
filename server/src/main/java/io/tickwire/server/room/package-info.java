/**
 * Rooms: the thread-safe {@link io.tickwire.server.room.RoomDirectory} of room handles that event
 * loops use to reserve seats, and the loop-owned side of a room: its world, its snapshot history
 * and each connection's sync state (acked baseline, last processed input).
 * <p>
 * Threads: {@code RoomDirectory} and {@code RoomHandle} are safe on any thread (event loops
 * reserve seats, the room loop releases them, the admin side reads them). Everything else in this
 * package is owned by one room loop thread.
 */
package io.tickwire.server.room;
