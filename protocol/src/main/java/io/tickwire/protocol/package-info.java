/**
 * The Tickwire wire contract shared by server and client: protocol constants and close codes.
 * <p>
 * Generated protobuf messages live in {@code io.tickwire.protocol.v1}; the entity schema and its
 * quantizers in {@link io.tickwire.protocol.schema}; the snapshot delta codec in
 * {@link io.tickwire.protocol.delta}. Nothing here owns a thread: every class is either immutable
 * or confined to the thread of its caller, as its Javadoc says.
 */
package io.tickwire.protocol;
