package io.tickwire.protocol.schema;

/**
 * Who receives a field (protocol version 2). Public fields go to every connection that sees the entity;
 * the others carry 0 (or "") for connections outside their audience, so a client can never read them.
 */
public enum Visibility
{
    /** Every connection that sees the entity. */
    PUBLIC,
    /** Only the entity's owner, in the snapshot's per-connection owner section. */
    OWNER,
    /** Connections whose audience (a game-defined group, such as a team) equals the entity's. */
    AUDIENCE
}
