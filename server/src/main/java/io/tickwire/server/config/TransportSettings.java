package io.tickwire.server.config;

import java.nio.file.Path;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * How clients reach the server: bind address, WebSocket endpoint, TLS files, socket and channel
 * buffers. Validated on construction; whether the TLS files are readable is checked at start-up,
 * not here.
 *
 * @param host                     bind address.
 * @param port                     WebSocket port; 0 picks an ephemeral port.
 * @param webSocketPath            WebSocket path, starting with '/'.
 * @param preferEpoll              use epoll when the native transport loads.
 * @param webSocketCompression     offer permessage-deflate (inflation bounded by the frame limit).
 * @param tlsCertificate           PEM certificate chain for wss, or null for plain ws.
 * @param tlsPrivateKey            PEM PKCS#8 private key for wss, or null for plain ws.
 * @param socketSendBufferBytes    SO_SNDBUF per client socket, 0 for the OS default and autotuning.
 * @param writeBufferLowWaterMark  outbound bytes at which a channel turns writable again.
 * @param writeBufferHighWaterMark outbound bytes at which a channel turns unwritable and snapshots are skipped.
 * @param ioThreads                Netty event loops that own client channels, 1..1024.
 */
public record TransportSettings(
    String host,
    int port,
    String webSocketPath,
    boolean preferEpoll,
    boolean webSocketCompression,
    Path tlsCertificate,
    Path tlsPrivateKey,
    int socketSendBufferBytes,
    int writeBufferLowWaterMark,
    int writeBufferHighWaterMark,
    int ioThreads)
{
    /** Bind address. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** WebSocket port. */
    public static final int DEFAULT_PORT = 7070;
    /** WebSocket path. */
    public static final String DEFAULT_WEBSOCKET_PATH = "/ws";
    /** Epoll when it loads. */
    public static final boolean DEFAULT_PREFER_EPOLL = true;
    /** permessage-deflate: off unless configured (then inflation is bounded by the frame limit). */
    public static final boolean DEFAULT_WEBSOCKET_COMPRESSION = false;
    /** Kernel send buffer per client socket (SO_SNDBUF); 0 leaves the OS default and autotuning. */
    public static final int DEFAULT_SOCKET_SEND_BUFFER_BYTES = 0;
    /** Outbound bytes at which a channel turns writable again. */
    public static final int DEFAULT_WRITE_BUFFER_LOW_WATER_MARK = 32 * 1024;
    /** Outbound bytes at which a channel turns unwritable and snapshots are skipped. */
    public static final int DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK = 64 * 1024;
    /**
     * Event loops for client channels: one per core. Netty's own default, two per core, measured
     * worse on a 2-core machine (more threads waking for the same frames, more context switches).
     */
    public static final int DEFAULT_IO_THREADS = Runtime.getRuntime().availableProcessors();

    /**
     * @throws IllegalArgumentException naming the first invalid option and its value.
     */
    public TransportSettings
    {
        require(host != null && !host.isBlank(), "host", host);
        require(port >= 0 && port <= 65535, "port", port);
        require(webSocketPath != null && webSocketPath.startsWith("/"), "webSocketPath", webSocketPath);
        require(writeBufferHighWaterMark >= 1024, "writeBufferHighWaterMark", writeBufferHighWaterMark);
        require(writeBufferLowWaterMark >= 0 && writeBufferLowWaterMark <= writeBufferHighWaterMark,
            "writeBufferLowWaterMark", writeBufferLowWaterMark);
        require(socketSendBufferBytes >= 0, "socketSendBufferBytes", socketSendBufferBytes);
        require(ioThreads >= 1 && ioThreads <= 1024, "ioThreads", ioThreads);
        require((tlsCertificate == null) == (tlsPrivateKey == null), "tls",
            "certificate=" + tlsCertificate + ", privateKey=" + tlsPrivateKey + " (give both or neither)");
    }

    /**
     * @return true when the WebSocket endpoint speaks TLS (wss).
     */
    public boolean tlsEnabled()
    {
        return tlsCertificate != null;
    }
}
