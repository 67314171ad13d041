package io.tickwire.loadtest;

import io.tickwire.loadtest.spi.BotBehaviour;
import io.tickwire.loadtest.spi.BotBehaviourFactory;
import io.tickwire.loadtest.spi.BotContext;

/**
 * A test bot behaviour for {@link CountingGame}, found only through the jar {@link BotPluginTest} writes
 * (public, as {@link java.util.ServiceLoader} needs): once joined it sends a message, and another after each
 * echo, {@link #MESSAGES_PER_BOT} in all; no inputs.
 */
public final class EchoBehaviourFactory implements BotBehaviourFactory
{
    static final String NAME = "echo";
    static final int MESSAGES_PER_BOT = 3;

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public BotBehaviour create(final BotContext ctx)
    {
        return new BotBehaviour()
        {
            private int sent;

            @Override
            public int inputsPerSlot(final double inputRateHz)
            {
                return 0;
            }

            @Override
            public void onJoined()
            {
                sendNext();
            }

            @Override
            public void onMessage(final int type, final byte[] payload, final int tick)
            {
                if (type == CountingGame.ECHO)
                {
                    sendNext();
                }
            }

            private void sendNext()
            {
                if (sent < MESSAGES_PER_BOT && ctx.send(7, new byte[] {(byte)ctx.botIndex(), (byte)sent}))
                {
                    sent++;
                }
            }
        };
    }
}
