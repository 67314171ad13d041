package io.tickwire.examples.shooter;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The shooter's game messages (reliable, ordered, separate from the per-tick inputs and snapshots) and their
 * byte layout: big-endian ints, strings as a 16-bit length and UTF-8. Every broadcast event carries the
 * room's event sequence number {@code seq} (1, 2, 3... per room), so a client can tell it saw each one once
 * and in order. Stateless, any thread.
 */
public final class ShooterMessages
{
    /** Client to server: a chat line, UTF-8. */
    public static final int CHAT_SEND = 1;
    /** Server to the joiner: who and where it is ({@link Hello}). */
    public static final int HELLO = 10;
    /** Server to all: a player joined ({@link Joined}). */
    public static final int JOINED = 11;
    /** Server to all: a player left ({@link Left}). */
    public static final int LEFT = 12;
    /** Server to all: a projectile hit a player ({@link Hit}). */
    public static final int HIT = 13;
    /** Server to all: a player was killed ({@link Kill}). */
    public static final int KILL = 14;
    /** Server to all: a chat line with its sender's name ({@link Chat}). */
    public static final int CHAT = 15;
    /** Server to all: a team reached the kill limit ({@link MatchOver}). */
    public static final int MATCH_OVER = 16;
    /*
     * 17 was AMMO (a player's rounds, to that player only) before entity types: ammo is now the player entity's
     * owner-only field, so the number stays unused.
     */
    /** Server to all: a player took a pickup ({@link Picked}). */
    public static final int PICKED = 18;

    /** Longest chat line a client may send, in bytes. */
    public static final int MAX_CHAT_BYTES = 120;

    private ShooterMessages()
    {
    }

    /** A decoded server message. */
    public sealed interface Event permits Hello, Joined, Left, Hit, Kill, Chat, MatchOver, Picked
    {
        /**
         * @return the room's event sequence number, 0 for messages to one player.
         */
        int seq();
    }

    /**
     * @param entityId  the joiner's entity.
     * @param team      its team.
     * @param name      its name.
     * @param mode      the room's mode.
     * @param mapSize   the map's side in units.
     * @param killLimit kills a team needs.
     */
    public record Hello(int entityId, int team, String name, String mode, int mapSize, int killLimit) implements Event
    {
        @Override
        public int seq()
        {
            return 0;
        }
    }

    /**
     * @param seq      event sequence number.
     * @param entityId the player's entity.
     * @param team     its team.
     * @param name     its name.
     */
    public record Joined(int seq, int entityId, int team, String name) implements Event
    {
    }

    /**
     * @param seq      event sequence number.
     * @param entityId the player's entity.
     * @param name     its name.
     */
    public record Left(int seq, int entityId, String name) implements Event
    {
    }

    /**
     * @param seq     event sequence number.
     * @param shooter the shooter's entity.
     * @param victim  the victim's entity.
     * @param damage  hit points taken.
     * @param hpAfter the victim's hit points after the hit (0: killed, a {@link Kill} follows).
     */
    public record Hit(int seq, int shooter, int victim, int damage, int hpAfter) implements Event
    {
    }

    /**
     * @param seq         event sequence number.
     * @param killer      the killer's entity.
     * @param victim      the victim's entity (it respawns at once).
     * @param killerName  the killer's name.
     * @param victimName  the victim's name.
     * @param killerScore the killer's kills.
     * @param redKills    team red's kills.
     * @param blueKills   team blue's kills.
     */
    public record Kill(int seq, int killer, int victim, String killerName, String victimName, int killerScore,
        int redKills, int blueKills) implements Event
    {
    }

    /**
     * @param seq      event sequence number.
     * @param entityId the sender's entity.
     * @param name     the sender's name.
     * @param text     the line.
     */
    public record Chat(int seq, int entityId, String name, String text) implements Event
    {
    }

    /**
     * @param seq       event sequence number.
     * @param winner    the winning team.
     * @param redKills  team red's kills.
     * @param blueKills team blue's kills.
     */
    public record MatchOver(int seq, int winner, int redKills, int blueKills) implements Event
    {
    }

    /**
     * @param seq      event sequence number.
     * @param entityId the player who took it.
     * @param kind     {@code Shooter.PICKUP_HEALTH} or {@code Shooter.PICKUP_AMMO}.
     * @param hpAfter  the player's hit points after it.
     */
    public record Picked(int seq, int entityId, int kind, int hpAfter) implements Event
    {
    }

    /**
     * @param hello the message.
     * @return its payload.
     */
    public static byte[] encode(final Hello hello)
    {
        return new Writer().i(hello.entityId()).i(hello.team()).s(hello.name()).s(hello.mode()).i(hello.mapSize())
            .i(hello.killLimit()).bytes();
    }

    /**
     * @param joined the message.
     * @return its payload.
     */
    public static byte[] encode(final Joined joined)
    {
        return new Writer().i(joined.seq()).i(joined.entityId()).i(joined.team()).s(joined.name()).bytes();
    }

    /**
     * @param left the message.
     * @return its payload.
     */
    public static byte[] encode(final Left left)
    {
        return new Writer().i(left.seq()).i(left.entityId()).s(left.name()).bytes();
    }

    /**
     * @param hit the message.
     * @return its payload.
     */
    public static byte[] encode(final Hit hit)
    {
        return new Writer().i(hit.seq()).i(hit.shooter()).i(hit.victim()).i(hit.damage()).i(hit.hpAfter()).bytes();
    }

    /**
     * @param kill the message.
     * @return its payload.
     */
    public static byte[] encode(final Kill kill)
    {
        return new Writer().i(kill.seq()).i(kill.killer()).i(kill.victim()).s(kill.killerName()).s(kill.victimName())
            .i(kill.killerScore()).i(kill.redKills()).i(kill.blueKills()).bytes();
    }

    /**
     * @param chat the message.
     * @return its payload.
     */
    public static byte[] encode(final Chat chat)
    {
        return new Writer().i(chat.seq()).i(chat.entityId()).s(chat.name()).s(chat.text()).bytes();
    }

    /**
     * @param over the message.
     * @return its payload.
     */
    public static byte[] encode(final MatchOver over)
    {
        return new Writer().i(over.seq()).i(over.winner()).i(over.redKills()).i(over.blueKills()).bytes();
    }

    /**
     * @param picked the message.
     * @return its payload.
     */
    public static byte[] encode(final Picked picked)
    {
        return new Writer().i(picked.seq()).i(picked.entityId()).i(picked.kind()).i(picked.hpAfter()).bytes();
    }

    /**
     * @param type    a server message type.
     * @param payload its bytes.
     * @return the event.
     * @throws IllegalArgumentException for an unknown type or a payload that does not fit it.
     */
    public static Event decode(final int type, final byte[] payload)
    {
        final ByteBuffer in = ByteBuffer.wrap(payload);
        try
        {
            final Event event = switch (type)
            {
                case HELLO -> new Hello(in.getInt(), in.getInt(), s(in), s(in), in.getInt(), in.getInt());
                case JOINED -> new Joined(in.getInt(), in.getInt(), in.getInt(), s(in));
                case LEFT -> new Left(in.getInt(), in.getInt(), s(in));
                case HIT -> new Hit(in.getInt(), in.getInt(), in.getInt(), in.getInt(), in.getInt());
                case KILL -> new Kill(in.getInt(), in.getInt(), in.getInt(), s(in), s(in), in.getInt(), in.getInt(),
                    in.getInt());
                case CHAT -> new Chat(in.getInt(), in.getInt(), s(in), s(in));
                case MATCH_OVER -> new MatchOver(in.getInt(), in.getInt(), in.getInt(), in.getInt());
                case PICKED -> new Picked(in.getInt(), in.getInt(), in.getInt(), in.getInt());
                default -> throw new IllegalArgumentException("unknown shooter message: type=" + type);
            };
            if (in.hasRemaining())
            {
                throw new IllegalArgumentException("shooter message longer than its type: type=" + type +
                    ", length=" + payload.length + ", extra=" + in.remaining());
            }
            return event;
        }
        catch (final BufferUnderflowException ex)
        {
            throw new IllegalArgumentException("shooter message too short: type=" + type + ", length=" +
                payload.length);
        }
    }

    private static String s(final ByteBuffer in)
    {
        final int length = in.getShort() & 0xFFFF;
        final byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** Grows as needed; messages are small and sent on events, not every tick. */
    private static final class Writer
    {
        private ByteBuffer out = ByteBuffer.allocate(64);

        Writer i(final int value)
        {
            ensure(4);
            out.putInt(value);
            return this;
        }

        Writer s(final String value)
        {
            final byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            ensure(2 + utf8.length);
            out.putShort((short)utf8.length).put(utf8);
            return this;
        }

        private void ensure(final int bytes)
        {
            if (out.remaining() < bytes)
            {
                final ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + bytes));
                out.flip();
                out = bigger.put(out);
            }
        }

        byte[] bytes()
        {
            final byte[] bytes = new byte[out.position()];
            out.flip().get(bytes);
            return bytes;
        }
    }
}
