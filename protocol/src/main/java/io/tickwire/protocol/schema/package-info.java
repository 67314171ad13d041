/**
 * Entity schema: the typed fields every entity of a room carries, and the quantizers that turn
 * field values into the non-negative ints that snapshots hold.
 * <p>
 * Server and client quantize with this same code, so a client's mirror is bit-exact with the
 * server's snapshot. Schemas and fields are immutable and safe on any thread.
 */
package io.tickwire.protocol.schema;
