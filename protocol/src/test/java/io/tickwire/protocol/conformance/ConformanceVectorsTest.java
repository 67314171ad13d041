package io.tickwire.protocol.conformance;

import io.tickwire.protocol.delta.DeltaDecoder;
import io.tickwire.protocol.delta.DeltaException;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.v1.Snapshot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The checked-in conformance vectors ({@code src/test/resources/conformance/vectors.json}, decoded by
 * client-ts's tests too) are exactly what the Java codec produces today, and the Java decoder
 * reproduces every expected state and rejects every corrupted frame. After an intended codec change,
 * regenerate the file with {@code -Dtickwire.conformance.write=true} and review its diff.
 */
class ConformanceVectorsTest
{
    private static final Path FILE = Path.of(ConformanceVectors.RESOURCE_PATH);

    @Test
    void shouldMatchTheCheckedInVectorsFile() throws IOException
    {
        final String rendered = ConformanceVectors.render(ConformanceVectors.cases());
        if (Boolean.getBoolean("tickwire.conformance.write"))
        {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, rendered, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(FILE), "vectors file missing: " + FILE.toAbsolutePath() +
            "; generate it with -Dtickwire.conformance.write=true");
        final String checkedIn = Files.readString(FILE, StandardCharsets.UTF_8);
        if (!checkedIn.equals(rendered))
        {
            fail("the codec no longer produces " + FILE + " (first difference at char " + firstDifference(checkedIn,
                rendered) + "): if the change is intended, rerun with -Dtickwire.conformance.write=true, review the " +
                "diff and update client-ts if it fails");
        }
    }

    @Test
    void shouldDecodeEveryFrameToItsExpectedStateOrRejectIt()
    {
        int applied = 0;
        int rejected = 0;
        for (final ConformanceVectors.Case c : ConformanceVectors.cases())
        {
            final DeltaDecoder decoder = new DeltaDecoder(c.types);
            final Map<Integer, WorldState> decoded = new HashMap<>();
            for (final ConformanceVectors.Frame frame : c.frames)
            {
                final Snapshot snapshot = ConformanceVectors.parse(frame.bytes);
                final WorldState baseline = snapshot.getBaselineTick() == 0 ? null : decoded.get(snapshot.getBaselineTick());
                final WorldState out = new WorldState(c.types, 4);
                final String where = c.name + " tick " + snapshot.getTick() + " (" + frame.note + ")";
                if (frame.expected == null)
                {
                    final DeltaException ex = assertThrows(DeltaException.class,
                        () -> decoder.apply(baseline, snapshot, out), where);
                    assertTrue(ex.getMessage().startsWith(frame.error), where + ": " + ex.getMessage());
                    rejected++;
                    continue;
                }
                assertNotNull(snapshot.getBaselineTick() == 0 ? new Object() : baseline, where + ": baseline missing");
                try
                {
                    decoder.apply(baseline, snapshot, out);
                }
                catch (final DeltaException ex)
                {
                    fail(where + ": " + ex.getMessage());
                }
                assertNull(out.firstDifference(frame.expected), where);
                assertEquals(frame.expected.serverTimeMs(), out.serverTimeMs(), where);
                decoded.put(snapshot.getTick(), out);
                applied++;
            }
        }
        assertTrue(applied >= 50 && rejected >= 20, "applied=" + applied + ", rejected=" + rejected);
    }

    @Test
    void shouldCoverMasksPast32And53Slots()
    {
        boolean past32 = false;
        boolean past53 = false;
        boolean allBits = false;
        for (final ConformanceVectors.Case c : ConformanceVectors.cases())
        {
            for (final ConformanceVectors.Frame frame : c.frames)
            {
                final List<Long> masks = ConformanceVectors.parse(frame.bytes).getChangedMasksList();
                for (final long mask : masks)
                {
                    past32 |= (mask >>> 32) != 0;
                    past53 |= (mask >>> 53) != 0;
                    allBits |= mask == -1L;
                }
            }
        }
        assertTrue(past32 && past53 && allBits, "past32=" + past32 + ", past53=" + past53 + ", allBits=" + allBits);
    }

    @Test
    void shouldCoverEveryVersion2Column()
    {
        int types = 0;
        int createdStrings = 0;
        int changedStrings = 0;
        int ownerIds = 0;
        int ownerStrings = 0;
        int ownerValues = 0;
        for (final ConformanceVectors.Case c : ConformanceVectors.cases())
        {
            for (final ConformanceVectors.Frame frame : c.frames)
            {
                if (frame.expected == null)
                {
                    continue;
                }
                final Snapshot s = ConformanceVectors.parse(frame.bytes);
                types += s.getCreatedTypesCount();
                createdStrings += s.getCreatedStringsCount();
                changedStrings += s.getChangedStringsCount();
                ownerIds += s.getOwnerIdsCount();
                ownerStrings += s.getOwnerStringsCount();
                ownerValues += s.getOwnerValuesCount();
            }
        }
        assertTrue(types > 0 && createdStrings > 0 && changedStrings > 0 && ownerIds > 0 && ownerStrings > 0 &&
            ownerValues > 0, "types=" + types + ", createdStrings=" + createdStrings + ", changedStrings=" +
            changedStrings + ", ownerIds=" + ownerIds + ", ownerStrings=" + ownerStrings + ", ownerValues=" + ownerValues);
    }

    private static int firstDifference(final String a, final String b)
    {
        final int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++)
        {
            if (a.charAt(i) != b.charAt(i))
            {
                return i;
            }
        }
        return n;
    }
}
