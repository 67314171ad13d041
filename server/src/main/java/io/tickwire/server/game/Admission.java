package io.tickwire.server.game;

import io.tickwire.protocol.CloseCodes;

import java.util.Objects;

/**
 * The answer of {@link GameLogic#onJoinAttempt}: accept, or refuse with a game-defined close code and a
 * reason the client receives in its {@code Error} and close frame. Immutable.
 */
public final class Admission
{
    private static final Admission ACCEPT = new Admission(0, null);

    private final int code;
    private final String reason;

    private Admission(final int code, final String reason)
    {
        this.code = code;
        this.reason = reason;
    }

    /**
     * @return the acceptance.
     */
    public static Admission accept()
    {
        return ACCEPT;
    }

    /**
     * @param code   close code in the game range {@link CloseCodes#GAME_MIN}..{@link CloseCodes#GAME_MAX}.
     * @param reason why, shown to the client (at most 123 bytes reach the close frame).
     * @return the refusal.
     * @throws IllegalArgumentException when the code is outside the game range.
     */
    public static Admission refuse(final int code, final String reason)
    {
        if (!CloseCodes.isGameDefined(code))
        {
            throw new IllegalArgumentException("refusal code outside the game range: code=" + code + ", range=" +
                CloseCodes.GAME_MIN + ".." + CloseCodes.GAME_MAX);
        }
        return new Admission(code, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * @return true for an acceptance.
     */
    public boolean accepted()
    {
        return code == 0;
    }

    /**
     * @return the refusal's close code, 0 for an acceptance.
     */
    public int code()
    {
        return code;
    }

    /**
     * @return the refusal's reason, null for an acceptance.
     */
    public String reason()
    {
        return reason;
    }

    @Override
    public String toString()
    {
        return accepted() ? "Admission{accept}" : "Admission{refuse code=" + code + ", reason=" + reason + '}';
    }
}
