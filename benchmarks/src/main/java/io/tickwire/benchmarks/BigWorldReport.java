package io.tickwire.benchmarks;

import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.delta.DeltaDecoder;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.World;
import io.tickwire.server.game.bigworld.BigWorldGame;
import io.tickwire.server.room.view.ConnectionView;
import io.tickwire.server.room.view.RoomViews;
import io.tickwire.server.room.view.ViewFrame;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The big-world scenario of issue #14 without sockets: one room of {@link BigWorldGame}'s map (2 km x 2 km,
 * 2,000 wandering npcs, 100 m cells, view radius 2) with 10 to 200 players walking to random waypoints, every
 * client acking with a 3-tick round trip. Per tick it runs exactly the server's snapshot path for views
 * ({@link RoomViews}: grid, shared frames, owned rows) and the {@link DeltaEncoder} bodies (one per distinct
 * baseline/target pair, as the server shares them), and, for comparison, the whole-room delta every client
 * would get without interest management. Every view frame is decoded by a client-side {@link DeltaDecoder} and
 * checked against the frame sent, so the figures are those of a working pipeline.
 * <p>
 * Run: {@code java -cp benchmarks/target/tickwire-benchmarks.jar io.tickwire.benchmarks.BigWorldReport [players...]}
 * (default 10 50 100 200); {@code -Dtickwire.budget=300} adds a per-connection snapshot budget; {@code -Dtickwire.protocol=2} encodes
 * version 2's varint columns instead of version 3's bit-packed changes. Prints
 * per-client bytes per second (views against whole room), server
 * milliseconds per tick for the view path (median and p99), encodes and distinct views per tick, and the view
 * frames alive. Single-threaded; timings are this machine's.
 */
public final class BigWorldReport
{
    private static final int TICK_RATE_HZ = 30;
    private static final int RTT_TICKS = 3;
    private static final int HISTORY = 64;
    private static final int WARMUP_TICKS = 300;
    private static final int MEASURED_TICKS = 600;

    private BigWorldReport()
    {
    }

    /**
     * @param args player counts to run, default 10 50 100 200.
     * @throws Exception when a decoded view differs from what was sent.
     */
    public static void main(final String[] args) throws Exception
    {
        Locale.setDefault(Locale.ROOT);
        final int budget = Integer.getInteger("tickwire.budget", 0);
        final boolean packed = Integer.getInteger("tickwire.protocol", ProtocolVersion.CURRENT) >=
            ProtocolVersion.PACKED_CHANGES;
        final int[] counts = args.length == 0 ? new int[]{10, 50, 100, 200} :
            java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        final PrintStream out = System.out;
        out.println("== big world: 2 km x 2 km, " + BigWorldGame.DEFAULT_NPC_COUNT + " npcs, cell " +
            (int)BigWorldGame.CELL_SIZE + " m, view radius " + BigWorldGame.VIEW_RADIUS_CELLS + " cells, " +
            TICK_RATE_HZ + " Hz, acks " + RTT_TICKS + " ticks late, snapshot budget " +
            (budget == 0 ? "none" : budget + " B") + ", protocol " + (packed ? "v3 (changed_bits)" : "v2 (varint columns)") +
            " ==");
        out.printf("%7s %9s %12s %12s %6s %10s %10s %11s %9s %8s %8s%n", "players", "entities", "view KB/s",
            "room KB/s", "ratio", "view ent", "ms/tick", "p99 ms/tick", "encodes", "views", "frames");
        for (final int players : counts)
        {
            run(out, players, budget, packed);
        }
    }

    private static void run(final PrintStream out, final int playerCount, final int budget, final boolean packed)
        throws Exception
    {
        final EntitySchema schema = BigWorldGame.SCHEMA;
        final EntityTypes types = EntityTypes.single(schema);
        final SchemaField x = schema.field("x");
        final SchemaField y = schema.field("y");
        final SchemaField heading = schema.field("heading");
        final SplittableRandom random = new SplittableRandom(42 + playerCount);
        final World world = new World(types, BigWorldGame.DEFAULT_NPC_COUNT + playerCount);
        final int npcs = BigWorldGame.DEFAULT_NPC_COUNT;
        final int[] ids = new int[npcs + playerCount];
        final double[] px = new double[ids.length];
        final double[] py = new double[ids.length];
        final double[] dir = new double[ids.length];
        final double[] wx = new double[ids.length];
        final double[] wy = new double[ids.length];
        final double half = BigWorldGame.HALF_SIZE;
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = world.createEntity();
            px[i] = (random.nextDouble() * 2 - 1) * half * 0.98;
            py[i] = (random.nextDouble() * 2 - 1) * half * 0.98;
            dir[i] = random.nextDouble() * 2 * Math.PI;
            wx[i] = (random.nextDouble() * 2 - 1) * half * 0.9;
            wy[i] = (random.nextDouble() * 2 - 1) * half * 0.9;
        }
        final RoomViews views = new RoomViews(types, io.tickwire.server.game.InterestPolicy.grid(
            BigWorldGame.CELL_SIZE, BigWorldGame.VIEW_RADIUS_CELLS), HISTORY);
        final Player[] players = new Player[playerCount];
        final ConnectionView[] conns = new ConnectionView[playerCount];
        final DeltaDecoder decoder = new DeltaDecoder(types);
        final Map<Integer, WorldState>[] clientStates = newMaps(playerCount);
        final int[] acked = new int[playerCount];
        for (int p = 0; p < playerCount; p++)
        {
            players[p] = new Player("s" + p, "127.0.0.1", null);
            players[p].entityId(ids[npcs + p]);
            conns[p] = views.register(players[p]);
        }
        final DeltaEncoder encoder = new DeltaEncoder(types);
        final DeltaEncoder roomEncoder = new DeltaEncoder(types);
        final WorldState[] history = new WorldState[HISTORY];
        for (int h = 0; h < HISTORY; h++)
        {
            history[h] = new WorldState(types, ids.length);
        }
        final Map<Long, Integer> bodies = new HashMap<>();
        long viewBytes = 0;
        long roomBytes = 0;
        long viewEntities = 0;
        long encodes = 0;
        long distinctViews = 0;
        final long[] tickNs = new long[MEASURED_TICKS];
        final double dt = 1.0 / TICK_RATE_HZ;
        for (int tick = 1; tick <= WARMUP_TICKS + MEASURED_TICKS; tick++)
        {
            for (int i = 0; i < ids.length; i++)
            {
                final boolean player = i >= npcs;
                final double speed = player ? BigWorldGame.PLAYER_SPEED : BigWorldGame.NPC_SPEED;
                if (player)
                {
                    if (Math.hypot(wx[i] - px[i], wy[i] - py[i]) < 5)
                    {
                        wx[i] = (random.nextDouble() * 2 - 1) * half * 0.9;
                        wy[i] = (random.nextDouble() * 2 - 1) * half * 0.9;
                    }
                    dir[i] = Math.atan2(wy[i] - py[i], wx[i] - px[i]);
                }
                else if (random.nextInt(90) == 0)
                {
                    dir[i] += (random.nextDouble() - 0.5) * Math.PI;
                }
                px[i] = Math.max(-half, Math.min(half, px[i] + Math.cos(dir[i]) * speed * dt));
                py[i] = Math.max(-half, Math.min(half, py[i] + Math.sin(dir[i]) * speed * dt));
                world.setDouble(ids[i], x, px[i]);
                world.setDouble(ids[i], y, py[i]);
                world.setDouble(ids[i], heading, dir[i]);
            }
            final WorldState state = history[tick % HISTORY];
            world.captureInto(state, tick, tick * 33L);
            final boolean measured = tick > WARMUP_TICKS;

            final long start = System.nanoTime();
            views.beginTick(state, world);
            bodies.clear();
            int tickEncodes = 0;
            for (int p = 0; p < playerCount; p++)
            {
                final ConnectionView view = conns[p];
                final ViewFrame baseline = views.baseline(view, acked[p]);
                final ViewFrame shared = views.target(view, players[p]);
                final ViewFrame target = budget > 0 ?
                    views.budgeted(view, players[p], baseline, shared, budget) : shared;
                final long key = ((long)(baseline == null ? 0 : baseline.serial()) << 32) |
                    (target.serial() & 0xFFFF_FFFFL);
                Integer size = bodies.get(key);
                if (size == null)
                {
                    size = encoder.prepare(baseline == null ? null : baseline.state(), target.state(), packed);
                    bodies.put(key, size);
                    tickEncodes++;
                }
                views.ownedRows(view, target);
                views.commit(view, target);
                if (measured)
                {
                    viewBytes += size + 4;
                    viewEntities += target.state().count();
                }
                views.discard(target);
                if (target != shared)
                {
                    views.discard(shared);
                }
            }
            final int built = views.framesBuiltThisTick();
            views.endTick();
            final long elapsed = System.nanoTime() - start;

            // Check a few clients end to end: decode what they were sent against what they hold.
            for (int p = 0; p < Math.min(playerCount, 4); p++)
            {
                final ViewFrame sent = views.baseline(conns[p], tick);
                final ViewFrame base = views.baseline(conns[p], acked[p]);
                final byte[] frame = new DeltaEncoder(types).encodeServerMessage(
                    base == null ? null : base.state(), sent.state(), 0, null, null, packed);
                final WorldState decoded = new WorldState(types, 64);
                decoder.apply(base == null ? null : clientStates[p].get(acked[p]),
                    ServerMessage.parseFrom(frame).getSnapshot(), decoded);
                final String diff = decoded.firstDifference(sent.state());
                if (diff != null)
                {
                    throw new IllegalStateException("decoded view differs: players=" + playerCount + ", tick=" +
                        tick + ": " + diff);
                }
                clientStates[p].put(tick, decoded);
                clientStates[p].remove(tick - HISTORY);
            }
            // Without views every client would get the whole room's delta from its ack.
            if (measured)
            {
                final int ackTick = tick - RTT_TICKS;
                final int roomBody = roomEncoder.prepare(ackTick > 0 ? history[ackTick % HISTORY] : null, state, packed);
                roomBytes += (long)(roomBody + 4) * playerCount;
                tickNs[tick - WARMUP_TICKS - 1] = elapsed;
                encodes += tickEncodes;
                distinctViews += built;
            }
            for (int p = 0; p < playerCount; p++)
            {
                acked[p] = Math.max(0, tick + 1 - RTT_TICKS);
            }
        }
        java.util.Arrays.sort(tickNs);
        final double seconds = MEASURED_TICKS / (double)TICK_RATE_HZ;
        final double viewKBs = viewBytes / (double)playerCount / seconds / 1000;
        final double roomKBs = roomBytes / (double)playerCount / seconds / 1000;
        out.printf("%7d %9d %12.1f %12.1f %5.1f%% %10.0f %10.3f %11.3f %9.1f %8.1f %8d%n", playerCount, ids.length,
            viewKBs, roomKBs, 100 * viewKBs / roomKBs, viewEntities / (double)playerCount / MEASURED_TICKS,
            tickNs[MEASURED_TICKS / 2] / 1e6, tickNs[(int)(MEASURED_TICKS * 0.99)] / 1e6,
            encodes / (double)MEASURED_TICKS, distinctViews / (double)MEASURED_TICKS, views.liveFrames());
    }

    @SuppressWarnings("unchecked")
    private static Map<Integer, WorldState>[] newMaps(final int n)
    {
        final Map<Integer, WorldState>[] maps = new Map[n];
        for (int i = 0; i < n; i++)
        {
            maps[i] = new HashMap<>();
        }
        return maps;
    }
}
