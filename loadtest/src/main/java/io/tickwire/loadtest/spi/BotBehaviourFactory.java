package io.tickwire.loadtest.spi;

/**
 * Makes the {@link BotBehaviour} of each bot. Found with {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/io.tickwire.loadtest.spi.BotBehaviourFactory} of the jar given
 * to {@code --bot-jar}. Needs a public no-argument constructor.
 * <p>
 * Thread: called on the load test's control thread, once per bot, before the bot connects.
 */
public interface BotBehaviourFactory
{
    /**
     * @return the name {@code --behaviour} selects it by, unique among the loaded factories (compared
     * case-insensitively), e.g. {@code shooter}.
     */
    String name();

    /**
     * @param ctx the bot this behaviour drives; keep it, it is the bot's way to send.
     * @return a new behaviour for that one bot.
     */
    BotBehaviour create(BotContext ctx);
}
