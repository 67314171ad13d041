package io.tickwire.client;

/**
 * A failure the SDK reports with a close code: a join the server refused ({@code Error} then a close
 * frame with the same code, see {@link io.tickwire.protocol.CloseCodes}), a connection that could
 * not be established or was lost, or a join that did not complete in time.
 * <p>
 * Immutable; safe to pass between threads.
 */
public class TickwireException extends RuntimeException
{
    /**
     * RFC 6455's "abnormal closure" (1006): never sent on the wire, reported locally when the
     * connection could not be established, the handshake failed or timed out, no {@code Welcome}
     * arrived in time, or the connection was lost without a close frame.
     */
    public static final int ABNORMAL_CLOSURE = 1006;

    private static final long serialVersionUID = 1L;

    private final int closeCode;

    /**
     * @param closeCode WebSocket close code (the server's, or {@link #ABNORMAL_CLOSURE}).
     * @param message   what happened, with the values.
     */
    public TickwireException(final int closeCode, final String message)
    {
        super(message);
        this.closeCode = closeCode;
    }

    /**
     * @param closeCode WebSocket close code (the server's, or {@link #ABNORMAL_CLOSURE}).
     * @param message   what happened, with the values.
     * @param cause     the underlying failure.
     */
    public TickwireException(final int closeCode, final String message, final Throwable cause)
    {
        super(message, cause);
        this.closeCode = closeCode;
    }

    /**
     * @return the WebSocket close code: the server's code for a refused join, {@link #ABNORMAL_CLOSURE}
     * for transport failures and timeouts, {@link io.tickwire.protocol.CloseCodes#NORMAL} when the
     * client itself was closed.
     */
    public int closeCode()
    {
        return closeCode;
    }
}
