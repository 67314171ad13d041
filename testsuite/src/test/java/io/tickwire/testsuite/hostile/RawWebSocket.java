package io.tickwire.testsuite.hostile;

import io.tickwire.protocol.v1.ServerMessage;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain {@link Socket}: it writes the HTTP upgrade by hand, then whatever
 * bytes a test gives it, and reads the server's frames one by one without any library in between,
 * so nothing is fixed up on the way out and nothing is hidden on the way in. Not thread-safe: one
 * test thread per instance.
 */
final class RawWebSocket implements AutoCloseable
{
    /** {@link Reply#closeCode()} when the TCP connection ended without a close frame. */
    static final int NO_CLOSE_FRAME = -1;
    /** {@link Reply#closeCode()} when nothing ended the connection within the deadline. */
    static final int STILL_OPEN = -2;
    /** {@link Reply#closeCode()} of a close frame without a status code (RFC 6455: 1005 is never sent). */
    static final int NO_STATUS = 1005;

    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_SERVER_FRAME = 1 << 20;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final List<ServerMessage> messages = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private boolean closeSent;

    private RawWebSocket(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connect and complete the opening handshake; fails unless the server answers 101 with the
     * right {@code Sec-WebSocket-Accept}.
     *
     * @param uri ws:// URI of the server.
     * @return the open connection.
     * @throws IOException when the connection or the handshake fails.
     */
    static RawWebSocket connect(final URI uri) throws IOException
    {
        return connect(uri, 0);
    }

    /**
     * Like {@link #connect(URI)}, with a small receive buffer for a client that stops reading: the
     * server's writes then back up after a few kilobytes instead of the kernel's autotuned megabytes.
     *
     * @param uri                ws:// URI of the server.
     * @param receiveBufferBytes SO_RCVBUF set before connecting, 0 for the OS default.
     * @return the open connection.
     * @throws IOException when the connection or the handshake fails.
     */
    static RawWebSocket connect(final URI uri, final int receiveBufferBytes) throws IOException
    {
        final Socket socket = new Socket();
        if (receiveBufferBytes > 0)
        {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        socket.setSoTimeout(5_000);
        final RawWebSocket ws = new RawWebSocket(socket);
        try
        {
            ws.handshake(uri);
        }
        catch (final IOException | RuntimeException ex)
        {
            ws.close();
            throw ex;
        }
        return ws;
    }

    private void handshake(final URI uri) throws IOException
    {
        final byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        final String key = Base64.getEncoder().encodeToString(nonce);
        final String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\n" +
            "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Key: " + key + "\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();

        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int tail = 0;
        while (tail != 0x0D0A0D0A)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new EOFException("connection closed during handshake: received=" + head);
            }
            head.write(b);
            tail = tail << 8 | b;
            if (head.size() > 16384)
            {
                throw new IOException("handshake response too long");
            }
        }
        final String response = head.toString(StandardCharsets.US_ASCII);
        if (!response.startsWith("HTTP/1.1 101"))
        {
            throw new IOException("handshake refused: " + response.lines().findFirst().orElse(response));
        }
        final String expectedAccept = accept(key);
        if (response.lines().noneMatch(line -> line.toLowerCase().startsWith("sec-websocket-accept:") &&
            line.substring(line.indexOf(':') + 1).trim().equals(expectedAccept)))
        {
            throw new IOException("handshake without the right Sec-WebSocket-Accept: " + response);
        }
    }

    private static String accept(final String key)
    {
        try
        {
            final MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(
                sha1.digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * RFC 6455 5.5.1: an endpoint that receives a close frame and has not sent one answers with one;
     * the server then closes TCP at once instead of after its close grace.
     */
    private void answerClose(final int code)
    {
        if (closeSent || socket.isClosed())
        {
            return;
        }
        closeSent = true;
        final byte[] payload = code >= 1000 && code != NO_STATUS ? Frames.closePayload(code, "") : new byte[0];
        try
        {
            out.write(Frames.frame(true, 0, Frames.OP_CLOSE, payload));
            out.flush();
        }
        catch (final IOException ex)
        {
            notes.add("close answer failed: " + ex);
        }
    }

    /**
     * @return what went wrong on the way (failed writes once the server closed, ...).
     */
    List<String> notes()
    {
        return notes;
    }

    /**
     * Reset the connection (RST, no FIN): what a client that vanishes mid-session looks like.
     */
    void reset()
    {
        try
        {
            socket.setSoLinger(true, 0);
            socket.close();
        }
        catch (final IOException ex)
        {
            notes.add("reset: " + ex);
        }
    }

    /**
     * Write raw bytes. A write that fails because the server already closed is recorded, not
     * thrown: what the server sent before closing is what the test checks.
     *
     * @param bytes what to send.
     */
    void send(final byte[] bytes)
    {
        if (bytes.length > 0 && (bytes[0] & 0x0F) == Frames.OP_CLOSE)
        {
            closeSent = true;
        }
        try
        {
            out.write(bytes);
            out.flush();
        }
        catch (final IOException ex)
        {
            notes.add("write failed: " + ex);
        }
    }

    /**
     * Read server frames until a binary frame holding {@code Welcome} (or an {@code Error}, or the
     * end of the connection).
     *
     * @param timeoutMs deadline.
     * @return the Welcome, or null when none came.
     * @throws IOException on a read error.
     */
    ServerMessage awaitWelcome(final long timeoutMs) throws IOException
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() - deadlineNs < 0)
        {
            final Frame frame = readFrame(deadlineNs);
            if (frame == null || frame.opcode == Frames.OP_CLOSE)
            {
                return null;
            }
            if (frame.opcode == Frames.OP_BINARY)
            {
                final ServerMessage message = ServerMessage.parseFrom(frame.payload);
                messages.add(message);
                if (message.hasWelcome())
                {
                    return message;
                }
                if (message.hasError())
                {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * Read every server frame until the server's close frame, then wait for the TCP connection to
     * end; or until the connection ends without a close frame; or until the deadline.
     *
     * @param timeoutMs deadline for the whole exchange.
     * @return what the server did.
     */
    Reply awaitClose(final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        int closeCode = STILL_OPEN;
        String reason = "";
        boolean tcpClosed = false;
        try
        {
            while (System.nanoTime() - deadlineNs < 0)
            {
                final Frame frame = readFrame(deadlineNs);
                if (frame == null)
                {
                    break;
                }
                if (frame.eof)
                {
                    closeCode = NO_CLOSE_FRAME;
                    tcpClosed = true;
                    break;
                }
                if (frame.opcode == Frames.OP_BINARY)
                {
                    messages.add(ServerMessage.parseFrom(frame.payload));
                }
                else if (frame.opcode == Frames.OP_CLOSE)
                {
                    closeCode = frame.payload.length >= 2 ? (frame.payload[0] & 0xFF) << 8 | frame.payload[1] & 0xFF :
                        NO_STATUS;
                    reason = frame.payload.length > 2 ?
                        new String(frame.payload, 2, frame.payload.length - 2, StandardCharsets.UTF_8) : "";
                    answerClose(closeCode);
                    tcpClosed = awaitEof(deadlineNs);
                    break;
                }
                else if (frame.opcode != Frames.OP_PING && frame.opcode != Frames.OP_PONG)
                {
                    notes.add("unexpected server frame: opcode=" + frame.opcode);
                }
            }
        }
        catch (final IOException ex)
        {
            notes.add("read failed: " + ex);
            if (closeCode == STILL_OPEN)
            {
                closeCode = NO_CLOSE_FRAME;
                tcpClosed = true;
            }
        }
        return new Reply(closeCode, reason, tcpClosed, List.copyOf(messages), List.copyOf(notes));
    }

    private boolean awaitEof(final long deadlineNs) throws IOException
    {
        final byte[] sink = new byte[4096];
        while (System.nanoTime() - deadlineNs < 0)
        {
            try
            {
                socket.setSoTimeout(remainingMs(deadlineNs));
                if (in.read(sink) < 0)
                {
                    return true;
                }
                notes.add("bytes after the close frame");
            }
            catch (final SocketTimeoutException ex)
            {
                return false;
            }
            catch (final SocketException ex)
            {
                notes.add("connection reset after the close frame: " + ex.getMessage());
                return true;
            }
        }
        return false;
    }

    private Frame readFrame(final long deadlineNs) throws IOException
    {
        try
        {
            socket.setSoTimeout(remainingMs(deadlineNs));
            final int b0 = in.read();
            if (b0 < 0)
            {
                return Frame.EOF;
            }
            final int b1 = readByte();
            if ((b1 & 0x80) != 0)
            {
                notes.add("server frame is masked (RFC 6455 5.1 forbids it)");
            }
            long length = b1 & 0x7F;
            if (length == 126)
            {
                length = (long)readByte() << 8 | readByte();
            }
            else if (length == 127)
            {
                length = 0;
                for (int i = 0; i < 8; i++)
                {
                    length = length << 8 | readByte();
                }
            }
            if (length < 0 || length > MAX_SERVER_FRAME)
            {
                throw new IOException("server frame too long: length=" + length);
            }
            final byte[] mask = new byte[4];
            if ((b1 & 0x80) != 0)
            {
                readFully(mask);
            }
            final byte[] payload = new byte[(int)length];
            readFully(payload);
            if ((b1 & 0x80) != 0)
            {
                for (int i = 0; i < payload.length; i++)
                {
                    payload[i] ^= mask[i & 3];
                }
            }
            if ((b0 & 0x70) != 0)
            {
                notes.add("server frame has RSV bits: " + Integer.toHexString(b0));
            }
            return new Frame(b0 & 0x0F, payload, false);
        }
        catch (final SocketTimeoutException ex)
        {
            return null;
        }
    }

    private int readByte() throws IOException
    {
        final int b = in.read();
        if (b < 0)
        {
            throw new EOFException("connection ended inside a frame");
        }
        return b;
    }

    private void readFully(final byte[] buffer) throws IOException
    {
        int offset = 0;
        while (offset < buffer.length)
        {
            final int n = in.read(buffer, offset, buffer.length - offset);
            if (n < 0)
            {
                throw new EOFException("connection ended inside a frame");
            }
            offset += n;
        }
    }

    private static int remainingMs(final long deadlineNs)
    {
        return (int)Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000L);
    }

    @Override
    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing a socket the server may already have reset
        }
    }

    /**
     * What the server did with a connection.
     *
     * @param closeCode the status code of its close frame, {@link #NO_STATUS} for an empty one,
     *                  {@link #NO_CLOSE_FRAME} or {@link #STILL_OPEN}.
     * @param reason    the close frame's reason.
     * @param tcpClosed whether the server ended the TCP connection too.
     * @param messages  every {@code ServerMessage} received before the close.
     * @param notes     anything odd seen on the way (failed writes, unexpected frames).
     */
    record Reply(int closeCode, String reason, boolean tcpClosed, List<ServerMessage> messages, List<String> notes)
    {
        /**
         * @return the code of the first {@code Error} message, or 0 when none was sent.
         */
        int errorCode()
        {
            return messages.stream().filter(ServerMessage::hasError).mapToInt(m -> m.getError().getCode())
                .findFirst().orElse(0);
        }

        @Override
        public String toString()
        {
            return "Reply{closeCode=" + closeCode + ", reason=\"" + reason + "\", tcpClosed=" + tcpClosed +
                ", errorCode=" + errorCode() + ", messages=" + messages.size() + ", notes=" + notes + '}';
        }
    }

    private record Frame(int opcode, byte[] payload, boolean eof)
    {
        static final Frame EOF = new Frame(-1, new byte[0], true);
    }
}
