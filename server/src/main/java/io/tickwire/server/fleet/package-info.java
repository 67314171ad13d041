/**
 * Running many room servers as one fleet: {@link io.tickwire.server.fleet.Fleet} joins a started
 * server to a Redis room directory ({@code fleet.redis}) and to an Agones SDK sidecar
 * ({@code fleet.agones}), and drains it; {@code fleet.matchmaker} is the HTTP matchmaker that
 * places players across the servers of the directory.
 * <p>
 * Threads: one {@code tickwire-fleet} scheduler thread per server runs heartbeats and Agones
 * calls; Lettuce's own I/O threads deliver Redis replies and room-create requests. Nothing here
 * runs on, or blocks, a room loop or a Netty event loop of the server: rooms are read through
 * {@link io.tickwire.server.room.RoomHandle} snapshots, as the admin side reads them.
 */
package io.tickwire.server.fleet;
