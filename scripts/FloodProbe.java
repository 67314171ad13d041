import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A hostile client for measuring what one connection can make a Tickwire server hold: it completes
 * the WebSocket handshake with a small receive buffer, then sends as fast as it can for a while and
 * never reads. JDK only, run as a single-file program:
 *
 * <pre>
 *   java scripts/FloodProbe.java ws://127.0.0.1:7070/ws ws-ping 10
 *   java scripts/FloodProbe.java ws://127.0.0.1:7070/ws pb-ping 10
 * </pre>
 *
 * Modes: {@code ws-ping} floods WebSocket ping frames (125-byte payload); {@code pb-ping} floods
 * protobuf {@code ClientMessage{ping}} frames (allowed before {@code Join}). Prints what it sent and
 * whether and when the server closed the connection. Loopback targets only; stops by itself.
 */
public final class FloodProbe
{
    public static void main(final String[] args) throws Exception
    {
        if (args.length != 3)
        {
            System.err.println("usage: java FloodProbe.java ws://host:port/path ws-ping|pb-ping SECONDS");
            System.exit(2);
        }
        final URI uri = URI.create(args[0]);
        if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost()))
        {
            System.err.println("FloodProbe targets loopback only: host=" + uri.getHost());
            System.exit(2);
        }
        final String mode = args[1];
        final long seconds = Long.parseLong(args[2]);
        final byte[] frame = switch (mode)
        {
            case "ws-ping" -> maskedFrame(0x9, new byte[125]);
            case "pb-ping" -> maskedFrame(0x2, new byte[] {0x22, 0x02, 0x08, 0x01});   // ClientMessage{ping{client_time=1}}
            default -> throw new IllegalArgumentException("mode: ws-ping or pb-ping, was " + mode);
        };
        final byte[] batch = new byte[frame.length * 64];
        for (int i = 0; i < 64; i++)
        {
            System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
        }
        try (Socket socket = new Socket())
        {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            handshake(socket, uri);
            final OutputStream out = socket.getOutputStream();
            final long startNs = System.nanoTime();
            final long[] sent = new long[1];
            final String[] ended = {null};
            final Thread writer = new Thread(() ->
            {
                try
                {
                    while (!Thread.currentThread().isInterrupted())
                    {
                        out.write(batch);
                        sent[0] += batch.length;
                    }
                }
                catch (final java.io.IOException ex)
                {
                    ended[0] = "server closed after " + (System.nanoTime() - startNs) / 1_000_000 + " ms (" +
                        ex.getMessage() + ")";
                }
            }, "flood-writer");
            writer.setDaemon(true);
            writer.start();
            long lastSent = 0;
            long stalledSinceMs = -1;
            for (long ms = 0; ms < seconds * 1000 && writer.isAlive(); ms += 250)
            {
                Thread.sleep(250);
                if (sent[0] == lastSent && stalledSinceMs < 0)
                {
                    stalledSinceMs = ms;
                }
                else if (sent[0] != lastSent)
                {
                    stalledSinceMs = -1;
                }
                lastSent = sent[0];
            }
            final boolean closedByServer = !writer.isAlive();
            socket.close();
            writer.join(2_000);
            final String outcome = closedByServer ? ended[0] :
                stalledSinceMs >= 0 ? "still open after " + seconds + " s; writes blocked since " + stalledSinceMs +
                    " ms (the server stopped reading)" :
                "still open after " + seconds + " s";
            System.out.printf("FloodProbe %s: sent %,d bytes (%,d frames); %s%n", mode, sent[0], sent[0] / frame.length,
                outcome);
        }
    }

    private static void handshake(final Socket socket, final URI uri) throws Exception
    {
        final byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        final String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " +
            Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        final InputStream in = socket.getInputStream();
        int tail = 0;
        final StringBuilder head = new StringBuilder();
        while (tail != 0x0D0A0D0A)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IllegalStateException("closed during handshake: " + head);
            }
            head.append((char)b);
            tail = tail << 8 | b;
        }
        if (!head.toString().startsWith("HTTP/1.1 101"))
        {
            throw new IllegalStateException("handshake refused: " + head);
        }
    }

    private static byte[] maskedFrame(final int opcode, final byte[] payload)
    {
        final byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.length);
        final byte[] mask = {0x12, 0x34, 0x56, 0x78};
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i & 3]);
        }
        return frame;
    }
}
