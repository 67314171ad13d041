package io.tickwire.examples.shooter;

import io.tickwire.client.JoinRequest;
import io.tickwire.client.RoomSession;
import io.tickwire.examples.shooter.bot.ShooterBot;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A match of bots against a real server, and the checks of its outcome that the in-process test and the
 * plugin IT share: hits land and lower hit points, kills follow the fatal hit, every bot sees every event once
 * and in order, chat carries the sender's name.
 */
public final class Match implements AutoCloseable
{
    final List<ShooterBot> bots = new ArrayList<>();
    final List<RoomSession> sessions = new ArrayList<>();
    final List<String> names = new ArrayList<>();

    /**
     * @param uri         server.
     * @param count       bots, alternately red and blue.
     * @param roomOptions room options.
     * @return the match, every bot joined.
     * @throws Exception when a join fails.
     */
    public static Match start(final URI uri, final int count, final Map<String, String> roomOptions) throws Exception
    {
        final Match match = new Match();
        for (int i = 0; i < count; i++)
        {
            final String name = "bot-" + (i + 1);
            final Map<String, String> options = new HashMap<>(roomOptions);
            options.put(Shooter.PLAYER_NAME, name);
            options.put(Shooter.PLAYER_TEAM, i % 2 == 0 ? "red" : "blue");
            final ShooterBot bot = new ShooterBot(i);
            match.bots.add(bot);
            match.names.add(name);
            match.sessions.add(bot.join(uri, JoinRequest.byType(Shooter.TYPE).options(options)).get(10, TimeUnit.SECONDS));
        }
        return match;
    }

    /**
     * @return the bots, in join order.
     */
    public List<ShooterBot> bots()
    {
        return bots;
    }

    /**
     * @return their sessions, in join order.
     */
    public List<RoomSession> sessions()
    {
        return sessions;
    }

    /**
     * @return the one room every bot joined.
     */
    public String sessionsRoomId()
    {
        final String roomId = sessions.get(0).roomId();
        for (final RoomSession s : sessions)
        {
            assertEquals(roomId, s.roomId(), "every bot in one room");
        }
        return roomId;
    }

    /**
     * @param timeoutMs how long.
     * @throws InterruptedException when interrupted.
     */
    public void awaitMatchOver(final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!bots.stream().allMatch(ShooterBot::sawMatchOver))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("no match over within " + timeoutMs + " ms: " + summary());
            }
            Thread.sleep(20);
        }
    }

    /**
     * @return hits, kills and chat lines per bot.
     */
    public String summary()
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < bots.size(); i++)
        {
            final ShooterBot bot = bots.get(i);
            out.append(names.get(i)).append(": hits=").append(bot.events(ShooterMessages.Hit.class).size())
                .append(" kills=").append(bot.events(ShooterMessages.Kill.class).size())
                .append(" chat=").append(bot.events(ShooterMessages.Chat.class).size())
                .append(" inputs=").append(bot.inputsSent())
                .append(" snapshotBytes=").append(Math.round(bot.averageSnapshotBytes())).append("avg/")
                .append(bot.largestSnapshotBytes()).append("max")
                .append(" over=").append(bot.events(ShooterMessages.MatchOver.class)).append("; ");
        }
        return out.toString();
    }

    /**
     * Check the outcome once every bot saw the match end.
     *
     * @param killLimit the room's kill limit.
     * @return the events every bot saw after the last join, in order.
     */
    public List<ShooterMessages.Event> assertOutcome(final int killLimit)
    {
        // The room closes at the end of the tick that decided the match: once every bot's connection closed, every
        // event of that tick (a last chat, the MatchOver) has reached every bot, and the lists can be compared.
        for (final ShooterBot bot : bots)
        {
            try
            {
                bot.awaitClose(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
        for (int i = 0; i < bots.size(); i++)
        {
            final List<Integer> seqs = bots.get(i).events().stream().map(ShooterMessages.Event::seq).filter(s -> s > 0)
                .toList();
            for (int k = 1; k < seqs.size(); k++)
            {
                assertEquals(seqs.get(k - 1) + 1, seqs.get(k), names.get(i) + " saw each event once and in order: " + seqs);
            }
        }
        final int lastJoinSeq = bots.get(0).events(ShooterMessages.Joined.class).stream()
            .mapToInt(ShooterMessages.Joined::seq).max().orElse(0);
        final List<ShooterMessages.Event> reference = afterSeq(bots.get(0), lastJoinSeq);
        for (int i = 1; i < bots.size(); i++)
        {
            assertEquals(reference, afterSeq(bots.get(i), lastJoinSeq), names.get(i) + " saw what " + names.get(0) + " saw");
        }

        final Map<Integer, Integer> hpByVictim = new HashMap<>();
        ShooterMessages.Event previous = null;
        int hits = 0;
        int kills = 0;
        // The first bot joined first, so it saw every hit, pickup and kill (shots land before the last join).
        for (final ShooterMessages.Event e : bots.get(0).events())
        {
            if (e instanceof ShooterMessages.Hit hit)
            {
                hits++;
                final int before = hpByVictim.getOrDefault(hit.victim(), Shooter.MAX_HP);
                assertEquals(Math.max(0, before - hit.damage()), hit.hpAfter(), "hp drops by the damage: " + hit);
                hpByVictim.put(hit.victim(), hit.hpAfter() == 0 ? Shooter.MAX_HP : hit.hpAfter());
            }
            if (e instanceof ShooterMessages.Picked picked)
            {
                hpByVictim.put(picked.entityId(), picked.hpAfter());
            }
            if (e instanceof ShooterMessages.Kill kill)
            {
                kills++;
                assertTrue(previous instanceof ShooterMessages.Hit h && h.victim() == kill.victim() && h.hpAfter() == 0,
                    "a kill follows its fatal hit: " + previous + " then " + kill);
                assertTrue(names.contains(kill.killerName()) && names.contains(kill.victimName()), kill.toString());
            }
            if (e instanceof ShooterMessages.Chat chat)
            {
                assertTrue(names.contains(chat.name()), "chat carries a player's name: " + chat);
            }
            previous = e;
        }
        for (int i = 0; i < bots.size(); i++)
        {
            assertEquals(1, bots.get(i).events(ShooterMessages.MatchOver.class).size(),
                names.get(i) + " saw the match end once: " + bots.get(i).events(ShooterMessages.MatchOver.class));
        }
        final ShooterMessages.MatchOver over = bots.get(0).events(ShooterMessages.MatchOver.class).get(0);
        assertEquals(killLimit, Math.max(over.redKills(), over.blueKills()), over.toString());
        assertTrue(hits >= kills * (Shooter.MAX_HP / 25), "every kill took four hits: hits=" + hits + ", kills=" + kills);
        assertTrue(kills >= killLimit, "kills=" + kills);
        return reference;
    }

    /**
     * Check what every bot saw in its mirror once the match was played: the four entity types, every player's
     * name from its STRING field, its own ammo (an owner-only field) going down and nobody else's ever above 0,
     * its teammates' targets (an audience field; with teammates, i.e. more than two bots) and never an enemy's.
     */
    public void assertViews()
    {
        final Map<Integer, String> nameById = new HashMap<>();
        for (int i = 0; i < bots.size(); i++)
        {
            final List<ShooterMessages.Hello> hello = bots.get(i).events(ShooterMessages.Hello.class);
            assertEquals(1, hello.size(), names.get(i) + " hello");
            nameById.put(hello.get(0).entityId(), names.get(i));
        }
        int teammateTargets = 0;
        for (int i = 0; i < bots.size(); i++)
        {
            final ShooterBot bot = bots.get(i);
            final String who = names.get(i);
            assertEquals(java.util.Set.of(Shooter.TYPE_PLAYER, Shooter.TYPE_PROJECTILE, Shooter.TYPE_PICKUP,
                Shooter.TYPE_SCOREBOARD), bot.typesSeen(), who + " saw every entity type");
            assertEquals(nameById, bot.namesSeen(), who + " read every player's name from the name field");
            assertTrue(bot.lowestOwnAmmo() < Shooter.MAGAZINE_ROUNDS,
                who + " saw its own ammo go down: lowest=" + bot.lowestOwnAmmo());
            assertEquals(0, bot.otherAmmoSeen(), who + " never received another player's ammo");
            assertEquals(0, bot.enemyTargetsSeen(), who + " never received an enemy's target");
            teammateTargets += bot.teammateTargetsSeen();
        }
        if (bots.size() > 2)
        {
            assertTrue(teammateTargets > 0, "teammates received each other's targets: " + summary());
        }
    }

    private static List<ShooterMessages.Event> afterSeq(final ShooterBot bot, final int seq)
    {
        return bot.events().stream().filter(e -> e.seq() > seq).toList();
    }

    @Override
    public void close()
    {
        bots.forEach(ShooterBot::close);
    }
}
