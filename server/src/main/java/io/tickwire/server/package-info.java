/**
 * The room server: {@link io.tickwire.server.TickwireServer} wires the Netty transport to the
 * Agrona room loops; {@link io.tickwire.server.ServerOptions} configures it (one settings record per
 * concern, in {@code io.tickwire.server.config}, plus the room types); {@link io.tickwire.server.Main} is
 * the command line and registers the demo game {@code arena}.
 * <p>
 * Threads: Netty event loops (transport), one agent thread per room loop (rooms, game logic,
 * snapshots), and the caller's thread for start and close.
 */
package io.tickwire.server;
