package io.tickwire.server.room;

import java.util.function.Supplier;

/**
 * Every join takes its seat through the server's gate, so that whoever keeps a copy of the seat
 * counts elsewhere (the fleet's Redis directory) can see each seat together with the player who took
 * it: never a seat whose player it does not know yet. Without a fleet the gate only takes the seat.
 * <p>
 * Threads: {@link #takeSeat} runs on the event loop that admits the join; an implementation must be
 * quick (no I/O) because every join on every event loop passes through it.
 */
@FunctionalInterface
public interface SeatGate
{
    /** Takes the seat and nothing else. */
    SeatGate DIRECT = (playerId, take) -> take.get();

    /**
     * Take a seat for a player.
     *
     * @param playerId the player id its join ticket named, or null without a ticket.
     * @param take     reserves the seat in the {@link RoomDirectory} (called exactly once).
     * @return what {@code take} returned.
     */
    JoinResult takeSeat(String playerId, Supplier<JoinResult> take);
}
