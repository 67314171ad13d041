package io.tickwire.loadtest.spi;

import io.tickwire.client.SnapshotInfo;

/**
 * What one bot does in the room: the load test connects, joins, acks snapshots and pings; the behaviour
 * decides the inputs and game messages, through its {@link BotContext}.
 * <p>
 * Inputs come two ways, mix as needed: on the bot's input timer ({@code --input-rate}), every
 * {@link #inputsPerSlot} inputs' worth of time {@link #onInputSlot} is called; or from {@link #onSnapshot}
 * for a game that answers every snapshot. Every input and message goes through the context, which counts it
 * and measures input round trips.
 * <p>
 * Thread: every method runs on the bot's event loop thread; none may block it.
 */
public interface BotBehaviour
{
    /**
     * Inputs the behaviour sends per input slot: the input timer fires every
     * {@code inputsPerSlot / inputRateHz} seconds, so the mean rate stays the input rate. Asked once, at
     * join.
     *
     * @param inputRateHz the configured inputs per second per bot, above 0.
     * @return inputs per slot, 1 by default; 0 for no input timer at all.
     */
    default int inputsPerSlot(final double inputRateHz)
    {
        return 1;
    }

    /**
     * One input slot: send {@link #inputsPerSlot} inputs with {@link BotContext#sendInput}.
     */
    default void onInputSlot()
    {
    }

    /**
     * The bot joined: {@link BotContext#session()} is set from now on.
     */
    default void onJoined()
    {
    }

    /**
     * A snapshot was applied to the mirror ({@link BotContext#session()}{@code .mirror()}).
     *
     * @param info tick, server time and last processed input of the snapshot.
     */
    default void onSnapshot(final SnapshotInfo info)
    {
    }

    /**
     * A game message arrived.
     *
     * @param type    the game's message type.
     * @param payload its bytes, owned by the callee.
     * @param tick    the room tick it was sent at.
     */
    default void onMessage(final int type, final byte[] payload, final int tick)
    {
    }
}
