package io.tickwire.protocol.delta;

/**
 * A snapshot that cannot be applied to the baseline it names: an unknown baseline, ids that do
 * not match the baseline, columns of the wrong length, values out of range. The state it was
 * applied to is left as it was; the client recovers by asking for a full snapshot.
 */
public final class DeltaException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, with the values.
     */
    public DeltaException(final String message)
    {
        super(message);
    }
}
