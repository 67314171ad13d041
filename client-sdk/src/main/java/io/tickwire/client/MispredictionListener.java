package io.tickwire.client;

/**
 * Told when the server's state of the player's entity, for the last input it processed, differs from
 * what the {@link Predictor} had predicted for that input by more than
 * {@link ClientOptions#mispredictionToleranceSlots()} in some slot.
 * <p>
 * Thread: the thread calling the predictor ({@link Predictor#update}, {@link Predictor#sendInput},
 * {@link Predictor#reconcile()}), during reconciliation, before the pending inputs are replayed.
 */
@FunctionalInterface
public interface MispredictionListener
{
    /**
     * @param inputSeq  the last input the server processed ({@code Snapshot.last_input_seq}).
     * @param tick      the snapshot's tick.
     * @param predicted what the predictor had for that input; valid during the call only.
     * @param server    the server's state; valid during the call only.
     */
    void onMisprediction(int inputSeq, int tick, EntityState predicted, EntityState server);
}
