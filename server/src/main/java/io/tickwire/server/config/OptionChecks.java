package io.tickwire.server.config;

/**
 * The one way an option is refused: an {@link IllegalArgumentException} whose message names the
 * option and its value ({@code "invalid option: tickRateHz=0"}), which the launcher prints before
 * exiting with 2. Stateless.
 */
public final class OptionChecks
{
    private OptionChecks()
    {
    }

    /**
     * @param ok     the condition the option must meet.
     * @param option the option's name.
     * @param value  its value, or a description of it (never a secret).
     * @throws IllegalArgumentException when {@code ok} is false.
     */
    public static void require(final boolean ok, final String option, final Object value)
    {
        if (!ok)
        {
            throw new IllegalArgumentException("invalid option: " + option + "=" + value);
        }
    }
}
