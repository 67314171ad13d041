package io.tickwire.loadtest.spi;

import io.tickwire.client.RoomSession;

import java.util.SplittableRandom;

/**
 * One bot as its {@link BotBehaviour} sees it.
 * <p>
 * Thread: {@link #botIndex()}, {@link #random()} and {@link #inputRateHz()} may be used in
 * {@link BotBehaviourFactory#create}; everything else only from the behaviour's callbacks, on the bot's event
 * loop thread.
 */
public interface BotContext
{
    /**
     * @return the bot's number in the swarm, from 0.
     */
    int botIndex();

    /**
     * @return the bot's random source, seeded from {@code --seed} and the bot index, so a run repeats; also
     * used by the load test for the bot's timer phases.
     */
    SplittableRandom random();

    /**
     * @return inputs per second per bot ({@code --input-rate}).
     */
    double inputRateHz();

    /**
     * @return the joined session (mirror, own entity id, schema), null before {@link BotBehaviour#onJoined}.
     */
    RoomSession session();

    /**
     * Send one input, counted and timed until a snapshot reports it processed. Ignored before the join and
     * after the close.
     *
     * @param payload the game's input encoding.
     * @return the input's sequence number, or -1 when not sent.
     */
    int sendInput(byte[] payload);

    /**
     * Send one game message, counted per bot in the report. Ignored before the join and after the close.
     *
     * @param type    the game's message type.
     * @param payload its bytes.
     * @return true when handed to the connection, false when not sent (not joined, closed, refused).
     */
    boolean send(int type, byte[] payload);
}
