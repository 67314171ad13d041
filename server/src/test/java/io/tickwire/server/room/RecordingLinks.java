package io.tickwire.server.room;

import io.tickwire.protocol.v1.ServerMessage;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;

/**
 * Client links for room-loop tests without sockets or Netty: each link's frames go through a real
 * {@link Outbox}, drained on the signalling thread (the test's), into a queue the test reads.
 * Thread: the test's.
 */
final class RecordingLinks implements ClientLinks
{
    private final Long2ObjectHashMap<RecordingLink> links = new Long2ObjectHashMap<>();
    private long nextConnectionId = 1;

    RecordingLink open()
    {
        final RecordingLink link = new RecordingLink(nextConnectionId++);
        links.put(link.connectionId(), link);
        return link;
    }

    @Override
    public ClientLink byConnectionId(final long connectionId)
    {
        return links.get(connectionId);
    }

    static final class RecordingLink implements ClientLink, Outbox.Reader
    {
        private final long connectionId;
        private final Outbox outbox = new Outbox(64 * 1024, Runnable::run, this);
        private final ArrayDeque<ServerMessage> received = new ArrayDeque<>();
        private int closeCode;

        RecordingLink(final long connectionId)
        {
            this.connectionId = connectionId;
        }

        /**
         * @return the oldest frame the room loop sent and the transport would have written, or null.
         */
        ServerMessage poll()
        {
            return received.poll();
        }

        int closeCode()
        {
            return closeCode;
        }

        @Override
        public long connectionId()
        {
            return connectionId;
        }

        @Override
        public String sessionId()
        {
            return "test-session-" + connectionId;
        }

        @Override
        public String resumeToken()
        {
            return "test-resume-" + connectionId;
        }

        @Override
        public String remoteAddress()
        {
            return "/192.0.2.1:" + (40_000 + connectionId);
        }

        @Override
        public String playerId()
        {
            return null;
        }

        @Override
        public boolean isOpen()
        {
            return closeCode == 0;
        }

        @Override
        public boolean isWritable()
        {
            return true;
        }

        @Override
        public Outbox outbox()
        {
            return outbox;
        }

        @Override
        public void close(final int code, final String reason)
        {
            closeCode = code;
        }

        @Override
        public void onFrame(final long id, final int kind, final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            try
            {
                received.add(ServerMessage.parseFrom(bytes));
            }
            catch (final com.google.protobuf.InvalidProtocolBufferException ex)
            {
                throw new AssertionError("the room loop wrote an unparseable frame", ex);
            }
        }

        @Override
        public void onClose(final long id, final int code, final String reason)
        {
            closeCode = code;
        }

        @Override
        public void onDrainEnd()
        {
        }
    }
}
