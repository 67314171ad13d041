package io.tickwire.testsuite.fuzz;

import io.tickwire.protocol.delta.DeltaDecoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.ServerMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The seed files the fuzz tests replay in every build still mean what their names say: a seed that
 * stopped parsing after a protocol change would silently turn into one more garbage input. When
 * this fails, regenerate them with {@link Seeds#main} from the testsuite directory.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SeedCorpusTest
{
    private static final String CLIENT_SEEDS = "ClientMessageFuzzTestInputs/shouldParseOrRejectEveryFrame/";
    private static final String SERVER_SEEDS = "SnapshotDecodingFuzzTestInputs/shouldApplyOrRejectEverySnapshot/";

    @Test
    void shouldKeepClientSeedsValidMessagesOfTheirKind() throws IOException
    {
        assertEquals(ClientMessage.BodyCase.JOIN,
            ClientMessage.parseFrom(seed(CLIENT_SEEDS + "join-by-type")).getBodyCase());
        assertEquals(ClientMessage.BodyCase.JOIN,
            ClientMessage.parseFrom(seed(CLIENT_SEEDS + "join-by-id-resume")).getBodyCase());
        assertEquals(ClientMessage.BodyCase.INPUT, ClientMessage.parseFrom(seed(CLIENT_SEEDS + "input")).getBodyCase());
        assertEquals(ClientMessage.BodyCase.ACK, ClientMessage.parseFrom(seed(CLIENT_SEEDS + "ack")).getBodyCase());
        assertEquals(ClientMessage.BodyCase.PING, ClientMessage.parseFrom(seed(CLIENT_SEEDS + "ping")).getBodyCase());
        assertEquals(ClientMessage.BodyCase.LEAVE, ClientMessage.parseFrom(seed(CLIENT_SEEDS + "leave")).getBodyCase());
    }

    @Test
    void shouldKeepSnapshotSeedsApplicable() throws Exception
    {
        final DeltaDecoder decoder = new DeltaDecoder(Seeds.SCHEMA);
        final WorldState full = new WorldState(Seeds.SCHEMA, 4);
        decoder.apply(null, ServerMessage.parseFrom(seed(SERVER_SEEDS + "full-snapshot")).getSnapshot(), full);
        assertNull(Seeds.current().firstDifference(full), "full snapshot gives the current state");

        final WorldState delta = new WorldState(Seeds.SCHEMA, 4);
        final ServerMessage deltaMessage = ServerMessage.parseFrom(seed(SERVER_SEEDS + "delta-snapshot"));
        assertEquals(Seeds.BASELINE_TICK, deltaMessage.getSnapshot().getBaselineTick());
        decoder.apply(Seeds.baseline(), deltaMessage.getSnapshot(), delta);
        assertNull(Seeds.current().firstDifference(delta), "delta against the baseline gives the current state");

        final WorldState idle = new WorldState(Seeds.SCHEMA, 4);
        decoder.apply(Seeds.baseline(), ServerMessage.parseFrom(seed(SERVER_SEEDS + "idle-delta-snapshot"))
            .getSnapshot(), idle);
        assertNull(Seeds.baseline().firstDifference(idle), "idle delta changes nothing");

        assertEquals(Seeds.SCHEMA.toProto(),
            ServerMessage.parseFrom(seed(SERVER_SEEDS + "welcome")).getWelcome().getSchema());
    }

    private static byte[] seed(final String path) throws IOException
    {
        try (InputStream in = SeedCorpusTest.class.getResourceAsStream(path))
        {
            assertNotNull(in, "seed on the classpath: " + path);
            return in.readAllBytes();
        }
    }
}
