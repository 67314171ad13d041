/**
 * Netty WebSocket transport: the pipeline, the handler that decodes and validates each client
 * frame into a compact ring record for the owning room loop, and the {@link
 * io.tickwire.server.transport.Session} each connection is known by.
 * <p>
 * Threads: handlers run on the channel's Netty event loop. {@code Session} methods that say so
 * are safe from the room loop thread (they hop onto the event loop). No {@code ByteBuf} leaves
 * the event loop that received it: bytes are copied into the ring and released in {@code finally}.
 */
package io.tickwire.server.transport;
