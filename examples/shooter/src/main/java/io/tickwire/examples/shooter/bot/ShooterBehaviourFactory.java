package io.tickwire.examples.shooter.bot;

import io.tickwire.client.RoomSession;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.loadtest.spi.BotBehaviour;
import io.tickwire.loadtest.spi.BotBehaviourFactory;
import io.tickwire.loadtest.spi.BotContext;

/**
 * The shooter's {@link ShooterBot} as a load-test behaviour, {@code --behaviour shooter} with
 * {@code --bot-jar tickwire-shooter-bot.jar}: every bot plays as the headless bot does (one input per snapshot,
 * chat now and then and after its kills), its inputs and chat counted and timed by the load test. It ignores
 * {@code --input-rate}: the shooter answers every snapshot. Listed in
 * {@code META-INF/services/io.tickwire.loadtest.spi.BotBehaviourFactory}.
 * <p>
 * Thread: {@link #create} on the load test's control thread; the behaviour on its bot's event loop.
 */
public final class ShooterBehaviourFactory implements BotBehaviourFactory
{
    /** The {@code --behaviour} name. */
    public static final String NAME = "shooter";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public BotBehaviour create(final BotContext ctx)
    {
        final ShooterBot bot = new ShooterBot(ctx.random().nextLong(), new ShooterBot.Outlet()
        {
            @Override
            public void input(final RoomSession session, final byte[] payload)
            {
                ctx.sendInput(payload);
            }

            @Override
            public boolean send(final RoomSession session, final int type, final byte[] payload)
            {
                return ctx.send(type, payload);
            }
        }, false);
        return new BotBehaviour()
        {
            @Override
            public int inputsPerSlot(final double inputRateHz)
            {
                return 0;
            }

            @Override
            public void onSnapshot(final SnapshotInfo info)
            {
                bot.onSnapshot(ctx.session(), info);
            }

            @Override
            public void onMessage(final int type, final byte[] payload, final int tick)
            {
                if (ctx.session() != null)
                {
                    bot.onMessage(ctx.session(), type, payload, tick);
                }
            }
        };
    }
}
