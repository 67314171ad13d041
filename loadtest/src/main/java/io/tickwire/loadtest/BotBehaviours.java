package io.tickwire.loadtest;

import io.tickwire.client.EntityMirror;
import io.tickwire.client.RoomSession;
import io.tickwire.loadtest.spi.BotBehaviour;
import io.tickwire.loadtest.spi.BotBehaviourFactory;
import io.tickwire.loadtest.spi.BotContext;
import io.tickwire.protocol.arena.ArenaInput;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The behaviours a run can pick with {@code --behaviour}: the built-in arena ones ({@code walk}, the default,
 * {@code idle}, {@code burst}, {@code wander}), every {@link BotBehaviourFactory} on the load test's class path, and those of
 * the {@code --bot-jar} jars, found with {@link ServiceLoader} through one class loader over the jars (child
 * of the load test's, so a jar sees the SPI, the SDK and the protocol the load test runs with).
 * <p>
 * Thread: the control thread, while the configuration is built.
 */
final class BotBehaviours
{
    /** Behaviour bots run when none is named. */
    static final String DEFAULT = "walk";
    /** Nominal gap between two bursts of {@code burst} in milliseconds; the exact gap keeps the mean rate. */
    static final long BURST_PERIOD_MS = 500;

    /** {@code wander}: a waypoint within this share of the map's smaller side counts as reached. */
    static final double WANDER_ARRIVAL_SHARE = 0.02;

    private static final double MAX_TURN_RATE_RAD_PER_S = 0.6;
    private static final double TURN_CHANGE_PER_INPUT = 0.05;

    private BotBehaviours()
    {
    }

    /**
     * @return the built-in arena behaviours, by name.
     */
    static List<BotBehaviourFactory> builtIn()
    {
        return List.of(
            new Named("walk", WalkBehaviour::new),
            new Named("idle", IdleBehaviour::new),
            new Named("burst", BurstBehaviour::new),
            new Named("wander", WanderBehaviour::new));
    }

    /**
     * @param name a built-in behaviour's name.
     * @return its factory.
     * @throws IllegalArgumentException naming the value when there is none of that name.
     */
    static BotBehaviourFactory builtIn(final String name)
    {
        return select(name, List.of());
    }

    /**
     * Find a behaviour among the built-in ones, the class path's and the jars'.
     *
     * @param name the {@code --behaviour} value, any case.
     * @param jars {@code --bot-jar} files.
     * @return its factory.
     * @throws IllegalArgumentException naming the value and the choices when there is none of that name, the
     *                                  jar when it is missing or broken, both jars when two define one name.
     */
    static BotBehaviourFactory select(final String name, final List<Path> jars)
    {
        final Map<String, BotBehaviourFactory> all = load(jars);
        final BotBehaviourFactory f = all.get(name.trim().toLowerCase(Locale.ROOT));
        if (f == null)
        {
            throw new IllegalArgumentException("invalid option: behaviour='" + name + "' (known: " +
                String.join(", ", all.keySet()) + (jars.isEmpty() ? "; a game's behaviour needs its --bot-jar" : "") +
                ")");
        }
        return f;
    }

    private static Map<String, BotBehaviourFactory> load(final List<Path> jars)
    {
        final Map<String, BotBehaviourFactory> byName = new TreeMap<>();
        for (final BotBehaviourFactory f : builtIn())
        {
            byName.put(f.name(), f);
        }
        final URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++)
        {
            final Path jar = jars.get(i);
            if (!Files.isRegularFile(jar))
            {
                throw new IllegalArgumentException("invalid option: bot-jar=" + jar + " (no such file)");
            }
            try
            {
                urls[i] = jar.toUri().toURL();
            }
            catch (final MalformedURLException ex)
            {
                throw new IllegalArgumentException("invalid option: bot-jar=" + jar + " (" + ex.getMessage() + ")", ex);
            }
        }
        // Never closed: the behaviours' classes are used until the JVM exits.
        final ClassLoader loader = urls.length == 0 ?
            BotBehaviours.class.getClassLoader() : new URLClassLoader(urls, BotBehaviours.class.getClassLoader());
        try
        {
            for (final BotBehaviourFactory f : ServiceLoader.load(BotBehaviourFactory.class, loader))
            {
                final String key = f.name().trim().toLowerCase(Locale.ROOT);
                final BotBehaviourFactory before = byName.putIfAbsent(key, f);
                if (before != null && before.getClass() != f.getClass())
                {
                    throw new IllegalArgumentException("two bot behaviours are named " + key + ": " +
                        before.getClass().getName() + " and " + f.getClass().getName());
                }
            }
        }
        catch (final ServiceConfigurationError ex)
        {
            throw new IllegalArgumentException("invalid option: bot-jar=" + jars + " (" + ex.getMessage() + ")", ex);
        }
        return byName;
    }

    /**
     * Inputs per burst of {@code burst} for a mean rate: what arrives in {@link #BURST_PERIOD_MS}, at least one.
     *
     * @param inputRateHz mean inputs per second.
     * @return inputs per burst.
     */
    static int burstSize(final double inputRateHz)
    {
        return (int)Math.max(1, Math.round(inputRateHz * BURST_PERIOD_MS / 1000.0));
    }

    private record Named(String name, java.util.function.Function<BotContext, BotBehaviour> maker)
        implements BotBehaviourFactory
    {
        @Override
        public BotBehaviour create(final BotContext ctx)
        {
            return maker.apply(ctx);
        }
    }

    /**
     * Arena: steer in a slowly turning direction, one input every {@code 1 / inputRate} seconds.
     */
    private static class WalkBehaviour implements BotBehaviour
    {
        final BotContext ctx;
        double heading;
        double turnRateRadPerS;

        WalkBehaviour(final BotContext ctx)
        {
            this.ctx = ctx;
            // Every built-in draws these two first, so one seed gives the same timer phases whatever the choice.
            this.heading = ctx.random().nextDouble() * 2 * Math.PI;
            this.turnRateRadPerS = (ctx.random().nextDouble() * 2 - 1) * MAX_TURN_RATE_RAD_PER_S;
        }

        @Override
        public void onInputSlot()
        {
            final double dtSeconds = 1.0 / ctx.inputRateHz();
            turnRateRadPerS += (ctx.random().nextDouble() * 2 - 1) * TURN_CHANGE_PER_INPUT;
            turnRateRadPerS = Math.max(-MAX_TURN_RATE_RAD_PER_S, Math.min(MAX_TURN_RATE_RAD_PER_S, turnRateRadPerS));
            heading += turnRateRadPerS * dtSeconds;
            sendHeading();
        }

        final void sendHeading()
        {
            ctx.sendInput(ArenaInput.encode(Math.cos(heading), Math.sin(heading)));
        }
    }

    /**
     * Arena: no inputs; the bot only receives snapshots, acks them and pings.
     */
    private static final class IdleBehaviour extends WalkBehaviour
    {
        IdleBehaviour(final BotContext ctx)
        {
            super(ctx);
        }

        @Override
        public int inputsPerSlot(final double inputRateHz)
        {
            return 0;
        }

        @Override
        public void onInputSlot()
        {
        }
    }

    /**
     * Arena: every {@link #BURST_PERIOD_MS} a burst of back-to-back inputs in a new random direction, same
     * mean rate as {@code walk}.
     */
    private static final class BurstBehaviour extends WalkBehaviour
    {
        BurstBehaviour(final BotContext ctx)
        {
            super(ctx);
        }

        @Override
        public int inputsPerSlot(final double inputRateHz)
        {
            return burstSize(inputRateHz);
        }

        @Override
        public void onInputSlot()
        {
            heading = ctx.random().nextDouble() * 2 * Math.PI;
            final int count = burstSize(ctx.inputRateHz());
            for (int i = 0; i < count; i++)
            {
                sendHeading();
            }
        }
    }

    /**
     * Any room whose entity schema has FIXED fields {@code x} and {@code y} and whose input is the arena's
     * (two axis bytes, {@link ArenaInput}): walk to a random waypoint anywhere inside the fields' range (the
     * map), read the bot's own position from the mirror, pick the next waypoint on arrival ({@link Wander}).
     * Over a run the swarm spreads over the whole map and keeps crossing it: the big-world scenario's bots.
     * Until the bot's entity is in the mirror, and in a room without such fields, it walks like {@code walk}.
     */
    private static final class WanderBehaviour extends WalkBehaviour
    {
        private final double[] axis = new double[2];
        private Wander wander;
        private SchemaField x;
        private SchemaField y;
        private boolean resolved;

        WanderBehaviour(final BotContext ctx)
        {
            super(ctx);
        }

        @Override
        public void onJoined()
        {
            final RoomSession session = ctx.session();
            final EntitySchema schema = session.schema();
            resolved = true;
            if (session.playerEntityId() == 0 || !isFixed(schema, "x") || !isFixed(schema, "y"))
            {
                return;
            }
            x = schema.field("x");
            y = schema.field("y");
            final double arrival = WANDER_ARRIVAL_SHARE *
                Math.min(x.floatMax() - x.floatMin(), y.floatMax() - y.floatMin());
            wander = new Wander(ctx.random(), x.floatMin(), x.floatMax(), y.floatMin(), y.floatMax(), arrival);
        }

        @Override
        public void onInputSlot()
        {
            final RoomSession session = ctx.session();
            if (!resolved || wander == null || session == null)
            {
                super.onInputSlot();
                return;
            }
            final EntityMirror mirror = session.mirror();
            final int self = session.playerEntityId();
            if (!mirror.contains(self))
            {
                super.onInputSlot();
                return;
            }
            wander.steer(mirror.getDouble(self, x), mirror.getDouble(self, y), axis);
            heading = Math.atan2(axis[1], axis[0]);
            ctx.sendInput(ArenaInput.encode(axis[0], axis[1]));
        }

        private static boolean isFixed(final EntitySchema schema, final String name)
        {
            return schema.hasField(name) && schema.field(name).kind() == FieldKind.FIXED;
        }
    }
}
