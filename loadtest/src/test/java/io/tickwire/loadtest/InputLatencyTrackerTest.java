package io.tickwire.loadtest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InputLatencyTrackerTest
{
    private final InputLatencyTracker tracker = new InputLatencyTracker();
    private final List<Long> roundTrips = new ArrayList<>();

    @Test
    void shouldMeasureEachInputToTheFirstSnapshotThatCoversIt()
    {
        tracker.onSent(1, 1_000);
        tracker.onSent(2, 2_000);
        tracker.onSent(3, 3_000);

        assertEquals(0, tracker.onProcessed(0, 4_000, roundTrips::add));
        assertEquals(2, tracker.onProcessed(2, 10_000, roundTrips::add));
        assertEquals(List.of(9_000L, 8_000L), roundTrips);

        assertEquals(0, tracker.onProcessed(2, 11_000, roundTrips::add), "a later snapshot does not re-measure");
        assertEquals(1, tracker.onProcessed(3, 12_000, roundTrips::add));
        assertEquals(List.of(9_000L, 8_000L, 9_000L), roundTrips);
        assertEquals(0, tracker.inFlight());
    }

    @Test
    void shouldIgnoreSequencesItDidNotSend()
    {
        tracker.onSent(1, 1_000);
        assertEquals(1, tracker.onProcessed(5, 2_000, roundTrips::add));
        assertEquals(List.of(1_000L), roundTrips);
        assertEquals(1, tracker.lastAnsweredSeq());
    }

    @Test
    void shouldCountInputsThatFellOutOfTheRingUnanswered()
    {
        final int sent = InputLatencyTracker.CAPACITY + 3;
        for (int seq = 1; seq <= sent; seq++)
        {
            tracker.onSent(seq, seq * 1_000L);
        }
        assertEquals(3, tracker.expired());
        assertEquals(InputLatencyTracker.CAPACITY, tracker.onProcessed(sent, 1_000_000, roundTrips::add));
        assertEquals(1_000_000 - 4_000L, roundTrips.get(0), "the oldest remembered input is seq 4");
    }
}
