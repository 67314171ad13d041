package io.tickwire.examples.shooter.server;

import io.tickwire.examples.shooter.Shooter;
import io.tickwire.examples.shooter.ShooterInput;
import io.tickwire.examples.shooter.ShooterMessages;
import io.tickwire.server.game.Admission;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.JoinRequest;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.Rewind;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.World;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * One shooter match: two teams move, aim and fire; the first team to the kill limit wins, and the room then
 * locks, says so and closes two seconds later.
 * <p>
 * The world holds four entity types ({@link Shooter#ENTITY_TYPES}): a {@code player} per fighter (its name a
 * STRING field, set once; its ammo an owner-only field; the entity it last hit an audience field its team
 * sees), a {@code projectile} per shot in flight (position, heading, shooter: nothing else), a {@code pickup}
 * per health or ammo pack lying on the map, and one global {@code scoreboard}.
 * <p>
 * Shots are hit-tested when fired, with lag compensation: a client aims at what it shows, which is the past
 * (its interpolation delay plus half its round trip), so {@link #shoot} tests the ray against the players
 * where the shooter's client showed them ({@link RoomContext#rewind(Player)}, at the view tick its input
 * carries), not where they are now. Each hit costs 25 hit points; a player at 0 is killed and respawns at once.
 * The projectile entity is the shot's tracer: it flies to where the shot stopped and disappears there.
 * <p>
 * Players join with a name and a team, from their ticket's claims (signed by the backend) or, in open mode,
 * from their join options; {@link #onJoinAttempt} refuses a bad team, a full team, a bad name or a finished
 * match with the game's own close codes. Hits, kills, pickups, chat, joins and leaves are broadcast as messages
 * numbered by one per-room sequence.
 * <p>
 * Thread: the room loop thread that owns the room. The tick allocates nothing but the payloads of the events
 * it broadcasts.
 */
final class ShooterGame implements GameLogic
{
    static final double PLAYER_SPEED = 6.0;
    static final double PLAYER_RADIUS = 0.5;
    /** How far a shot reaches, in units. */
    static final double SHOT_RANGE = 25.0;
    /** How fast a shot's tracer flies, in units per second. */
    static final double TRACER_SPEED = 60.0;
    /** A shot hits a player whose center is this close to its line. */
    static final double HIT_RADIUS = 1.0;
    static final int DAMAGE = 25;
    static final int FIRE_COOLDOWN_TICKS = 5;
    static final int RELOAD_TICKS = 30;
    static final int MAX_PROJECTILES = 64;
    /** How long a player's {@code target} (its team's focus-fire call) stays up after its last hit. */
    static final int TARGET_TICKS = 2 * Shooter.TICK_RATE_HZ;
    static final double PICKUP_RADIUS = 1.2;
    static final int PICKUP_HEAL = 50;
    /** How long a taken pickup takes to come back. */
    static final int PICKUP_RESPAWN_TICKS = 10 * Shooter.TICK_RATE_HZ;
    static final int CLOSE_AFTER_MATCH_TICKS = 2 * Shooter.TICK_RATE_HZ;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1," + Shooter.MAX_NAME_LENGTH + "}");

    private final ShooterRules rules;
    private final Random random;
    private final Tracer[] tracers = new Tracer[MAX_PROJECTILES];
    private final Pickup[] pickups;
    private int eventSeq;
    private int anonymous;
    private int redKills;
    private int blueKills;
    private int closeAtTick;
    private int scoreboardId;

    /** A player's game state, kept as the {@link Player#attachment()}. */
    private static final class Fighter
    {
        final String name;
        final int team;
        int entityId;
        double x;
        double y;
        double aimRad;
        double moveX;
        double moveY;
        int cooldownTicks;
        int ammo = Shooter.MAGAZINE_ROUNDS;
        int reloadTicks;
        int hp = Shooter.MAX_HP;
        int score;
        /** The first tick whose capture shows this fighter where it (re)spawned. */
        int spawnTick;
        int targetId;
        int targetTicks;

        Fighter(final String name, final int team)
        {
            this.name = name;
            this.team = team;
        }
    }

    /** A shot's tracer slot, reused. */
    private static final class Tracer
    {
        boolean active;
        int entityId;
        double x;
        double y;
        double vx;
        double vy;
        int ttlTicks;
    }

    /** A pickup spot: its pack lies there (an entity) or comes back at {@link #respawnAtTick}. */
    private static final class Pickup
    {
        final int kind;
        final double x;
        final double y;
        int entityId;
        int respawnAtTick;

        Pickup(final int kind, final double x, final double y)
        {
            this.kind = kind;
            this.x = x;
            this.y = y;
        }
    }

    ShooterGame(final ShooterRules rules, final long seed)
    {
        this.rules = rules;
        this.random = new Random(seed);
        for (int i = 0; i < tracers.length; i++)
        {
            tracers[i] = new Tracer();
        }
        final double mid = rules.mapSize() / 2.0;
        pickups = new Pickup[]{
            new Pickup(Shooter.PICKUP_HEALTH, mid, rules.mapSize() / 4.0),
            new Pickup(Shooter.PICKUP_HEALTH, mid, rules.mapSize() * 3 / 4.0),
            new Pickup(Shooter.PICKUP_AMMO, rules.mapSize() / 4.0, mid),
            new Pickup(Shooter.PICKUP_AMMO, rules.mapSize() * 3 / 4.0, mid)};
    }

    @Override
    public void onCreate(final RoomContext room, final Map<String, String> options)
    {
        room.setMetadata("mode", rules.mode());
        room.setMetadata("map", String.valueOf(rules.mapSize()));
        room.setMetadata("phase", "waiting");
        room.setMetadata("score", "0-0");
        final World world = room.world();
        scoreboardId = world.createEntity(Shooter.TYPE_SCOREBOARD);
        world.setInt(scoreboardId, Shooter.SCORE_LIMIT, rules.killLimit());
        for (final Pickup pickup : pickups)
        {
            spawn(world, pickup);
        }
    }

    private static void spawn(final World world, final Pickup pickup)
    {
        pickup.entityId = world.createEntity(Shooter.TYPE_PICKUP);
        world.setDouble(pickup.entityId, Shooter.PICKUP_X, pickup.x);
        world.setDouble(pickup.entityId, Shooter.PICKUP_Y, pickup.y);
        world.setInt(pickup.entityId, Shooter.PICKUP_KIND, pickup.kind);
    }

    @Override
    public Admission onJoinAttempt(final RoomContext room, final JoinRequest request)
    {
        if (closeAtTick != 0)
        {
            return Admission.refuse(Shooter.CODE_MATCH_OVER, "match over");
        }
        final Player player = request.player();
        // Claims are signed by the backend, so they win over what the client asks for.
        String name = player.claims().getOrDefault(Shooter.PLAYER_NAME, request.options().get(Shooter.PLAYER_NAME));
        if (name == null)
        {
            name = "player-" + (++anonymous);
        }
        if (!NAME.matcher(name).matches())
        {
            return Admission.refuse(Shooter.CODE_BAD_NAME, "name must be 1-16 letters, digits, - or _: name=" + name);
        }
        final String teamName = player.claims().getOrDefault(Shooter.PLAYER_TEAM,
            request.options().get(Shooter.PLAYER_TEAM));
        final int team;
        if (teamName == null)
        {
            team = teamSize(room, Shooter.TEAM_RED) <= teamSize(room, Shooter.TEAM_BLUE) ? Shooter.TEAM_RED :
                Shooter.TEAM_BLUE;
        }
        else if (teamName.equals("red") || teamName.equals("blue"))
        {
            team = teamName.equals("red") ? Shooter.TEAM_RED : Shooter.TEAM_BLUE;
        }
        else
        {
            return Admission.refuse(Shooter.CODE_BAD_TEAM, "team must be red or blue: team=" + teamName);
        }
        if (teamSize(room, team) >= rules.teamSize())
        {
            return Admission.refuse(Shooter.CODE_TEAM_FULL, "team " + Shooter.teamName(team) + " is full: players=" +
                rules.teamSize() + ", mode=" + rules.mode());
        }
        player.attachment(new Fighter(name, team));
        return Admission.accept();
    }

    private static int teamSize(final RoomContext room, final int team)
    {
        final List<Player> players = room.players();
        int count = 0;
        for (int i = 0; i < players.size(); i++)
        {
            if (fighter(players.get(i)).team == team)
            {
                count++;
            }
        }
        return count;
    }

    private static Fighter fighter(final Player player)
    {
        return (Fighter)player.attachment();
    }

    @Override
    public void onJoin(final RoomContext room, final Player player)
    {
        final Fighter f = fighter(player);
        final World world = room.world();
        f.entityId = world.createEntity(Shooter.TYPE_PLAYER);
        // The player owns its entity (so it alone receives the owner-only ammo), and the entity and the player
        // share the team's audience (so the team, and only the team, receives the audience-only target).
        player.entityId(f.entityId);
        player.audience(f.team);
        world.setAudience(f.entityId, f.team);
        world.setInt(f.entityId, Shooter.TEAM, f.team);
        world.setString(f.entityId, Shooter.NAME, f.name);
        world.setInt(f.entityId, Shooter.AMMO, f.ammo);
        respawn(room, f);
        sendHello(room, player, f);
        room.broadcastExcept(player, ShooterMessages.JOINED,
            ShooterMessages.encode(new ShooterMessages.Joined(++eventSeq, f.entityId, f.team, f.name)));
        if (teamSize(room, Shooter.TEAM_RED) > 0 && teamSize(room, Shooter.TEAM_BLUE) > 0)
        {
            room.setMetadata("phase", "playing");
        }
    }

    private void sendHello(final RoomContext room, final Player player, final Fighter f)
    {
        room.send(player, ShooterMessages.HELLO, ShooterMessages.encode(new ShooterMessages.Hello(
            f.entityId, f.team, f.name, rules.mode(), rules.mapSize(), rules.killLimit())));
    }

    private void respawn(final RoomContext room, final Fighter f)
    {
        final World world = room.world();
        final double margin = 2.0;
        final double band = Math.min(4.0, rules.mapSize() / 4.0);
        f.x = f.team == Shooter.TEAM_RED ? margin + random.nextDouble() * band :
            rules.mapSize() - margin - random.nextDouble() * band;
        f.y = margin + random.nextDouble() * (rules.mapSize() - 2 * margin);
        f.hp = Shooter.MAX_HP;
        // Inside a tick this tick's capture is the first to show the new place; outside one (a join), the next.
        f.spawnTick = room.tick();
        world.setDouble(f.entityId, Shooter.X, f.x);
        world.setDouble(f.entityId, Shooter.Y, f.y);
        world.setInt(f.entityId, Shooter.HP, f.hp);
    }

    /**
     * Movement and aim are kept for {@link #onTick} (which steps every player once a tick, as clients predict);
     * a shot is fired here, because here {@link RoomContext#rewind(Player)} is the tick this very input was
     * aimed at.
     */
    @Override
    public void onInput(final RoomContext room, final Player player, final int seq, final DirectBuffer payload,
        final int offset, final int length)
    {
        if (length < ShooterInput.LENGTH)
        {
            return;
        }
        final Fighter f = fighter(player);
        f.moveX = ShooterInput.moveX(payload.getByte(offset));
        f.moveY = ShooterInput.moveY(payload.getByte(offset + 1));
        f.aimRad = ShooterInput.aimRad(payload.getByte(offset + 2), payload.getByte(offset + 3));
        if (ShooterInput.fire(payload.getByte(offset + 4)) && f.cooldownTicks == 0 && f.reloadTicks == 0 &&
            closeAtTick == 0)
        {
            shoot(room, player, f);
        }
    }

    /**
     * Fire one round along the shooter's aim and resolve it at once, with lag compensation.
     * <p>
     * The shooter's client aimed at the other players as it drew them: interpolated between snapshots, so
     * some 100 ms in the past, plus half its round trip. {@link RoomContext#rewind(Player)} is the room at the
     * tick that client was showing when it sampled this input (the {@code view_tick} the SDK sends with it),
     * clamped to {@link ShooterFactory#MAX_REWIND_MS} back. The ray starts where the shooter is now (its own
     * position is predicted on its client, so it is current there too) and is tested against every enemy's
     * position at that rewound tick; the nearest enemy within {@link #HIT_RADIUS} of the ray and
     * {@link #SHOT_RANGE} of the shooter is hit. An enemy that respawned after the rewound tick is not there
     * any more: the shooter aimed at its previous life, so it cannot be hit by this shot.
     * <p>
     * The price is the victim's: it can be hit a few ticks after it reached cover on its own screen (within the
     * clamp). The damage, the hit message and the kill are applied now, on the server's present.
     */
    private void shoot(final RoomContext room, final Player player, final Fighter f)
    {
        final Rewind seen = room.rewind(player);
        final double dirX = Math.cos(f.aimRad);
        final double dirY = Math.sin(f.aimRad);
        final List<Player> players = room.players();
        Fighter victim = null;
        double nearest = SHOT_RANGE;
        for (int i = 0; i < players.size(); i++)
        {
            final Fighter other = fighter(players.get(i));
            if (other.team == f.team || other.spawnTick > seen.tick() || !seen.exists(other.entityId))
            {
                continue;
            }
            final double dx = seen.getDouble(other.entityId, Shooter.X) - f.x;
            final double dy = seen.getDouble(other.entityId, Shooter.Y) - f.y;
            final double along = dx * dirX + dy * dirY;
            final double across = dx * dirY - dy * dirX;
            if (along > 0 && along < nearest && Math.abs(across) < HIT_RADIUS)
            {
                nearest = along;
                victim = other;
            }
        }
        final World world = room.world();
        fireTracer(world, f, dirX, dirY, nearest);
        f.cooldownTicks = FIRE_COOLDOWN_TICKS;
        f.ammo--;
        if (f.ammo == 0)
        {
            f.reloadTicks = RELOAD_TICKS;
        }
        world.setInt(f.entityId, Shooter.AMMO, f.ammo);
        if (victim != null)
        {
            f.targetId = victim.entityId;
            f.targetTicks = TARGET_TICKS;
            world.setInt(f.entityId, Shooter.TARGET, f.targetId);
            hit(room, f, victim);
        }
    }

    /**
     * The shot's tracer: a projectile entity from the muzzle along the aim, living as many ticks as it takes to
     * reach {@code distance}. When all slots fly, the shot has no tracer (it still counts).
     */
    private void fireTracer(final World world, final Fighter f, final double dirX, final double dirY,
        final double distance)
    {
        for (final Tracer t : tracers)
        {
            if (!t.active)
            {
                final double step = TRACER_SPEED / Shooter.TICK_RATE_HZ;
                t.active = true;
                t.x = f.x + dirX * (PLAYER_RADIUS + 0.1);
                t.y = f.y + dirY * (PLAYER_RADIUS + 0.1);
                t.vx = dirX * TRACER_SPEED;
                t.vy = dirY * TRACER_SPEED;
                t.ttlTicks = Math.max(1, (int)Math.ceil(distance / step));
                t.entityId = world.createEntity(Shooter.TYPE_PROJECTILE);
                world.setDouble(t.entityId, Shooter.PROJECTILE_X, t.x);
                world.setDouble(t.entityId, Shooter.PROJECTILE_Y, t.y);
                world.setDouble(t.entityId, Shooter.PROJECTILE_HEADING, f.aimRad);
                world.setInt(t.entityId, Shooter.PROJECTILE_OWNER, f.entityId);
                return;
            }
        }
    }

    @Override
    public void onMessage(final RoomContext room, final Player player, final int type, final DirectBuffer payload,
        final int offset, final int length)
    {
        if (type != ShooterMessages.CHAT_SEND)
        {
            room.kick(player, Shooter.CODE_UNKNOWN_MESSAGE, "unknown message type: type=" + type);
            return;
        }
        if (length > ShooterMessages.MAX_CHAT_BYTES)
        {
            room.kick(player, Shooter.CODE_CHAT_TOO_LONG, "chat line too long: bytes=" + length + ", max=" +
                ShooterMessages.MAX_CHAT_BYTES);
            return;
        }
        final Fighter f = fighter(player);
        final String text = payload.getStringWithoutLengthUtf8(offset, length);
        room.broadcast(ShooterMessages.CHAT,
            ShooterMessages.encode(new ShooterMessages.Chat(++eventSeq, f.entityId, f.name, text)));
    }

    @Override
    public void onTick(final RoomContext room, final int tick)
    {
        if (closeAtTick != 0)
        {
            if (tick >= closeAtTick)
            {
                room.close("match over");
            }
            return;
        }
        final double dt = room.tickSeconds();
        final World world = room.world();
        final List<Player> players = room.players();
        for (int i = 0; i < players.size(); i++)
        {
            stepFighter(room, fighter(players.get(i)), dt);
        }
        for (final Tracer t : tracers)
        {
            if (t.active)
            {
                stepTracer(world, t, dt);
            }
        }
        for (final Pickup pickup : pickups)
        {
            if (pickup.entityId == 0 && tick >= pickup.respawnAtTick)
            {
                spawn(world, pickup);
            }
        }
    }

    private void stepFighter(final RoomContext room, final Fighter f, final double dt)
    {
        final World world = room.world();
        final double length = Math.hypot(f.moveX, f.moveY);
        final double scale = length > 1.0 ? PLAYER_SPEED / length : PLAYER_SPEED;
        f.x = clamp(f.x + f.moveX * scale * dt, PLAYER_RADIUS, rules.mapSize() - PLAYER_RADIUS);
        f.y = clamp(f.y + f.moveY * scale * dt, PLAYER_RADIUS, rules.mapSize() - PLAYER_RADIUS);
        world.setDouble(f.entityId, Shooter.X, f.x);
        world.setDouble(f.entityId, Shooter.Y, f.y);
        world.setDouble(f.entityId, Shooter.HEADING, f.aimRad);
        if (f.cooldownTicks > 0)
        {
            f.cooldownTicks--;
        }
        if (f.reloadTicks > 0 && --f.reloadTicks == 0)
        {
            reloaded(world, f);
        }
        if (f.targetTicks > 0 && --f.targetTicks == 0)
        {
            f.targetId = 0;
            world.setInt(f.entityId, Shooter.TARGET, 0);
        }
        for (final Pickup pickup : pickups)
        {
            if (pickup.entityId != 0 && Math.hypot(pickup.x - f.x, pickup.y - f.y) < PICKUP_RADIUS)
            {
                take(room, f, pickup);
            }
        }
    }

    private static void reloaded(final World world, final Fighter f)
    {
        f.ammo = Shooter.MAGAZINE_ROUNDS;
        f.reloadTicks = 0;
        world.setInt(f.entityId, Shooter.AMMO, f.ammo);
    }

    /** A pack is only taken by a player who needs it: health when hurt, ammo when the magazine is not full. */
    private void take(final RoomContext room, final Fighter f, final Pickup pickup)
    {
        final World world = room.world();
        if (pickup.kind == Shooter.PICKUP_HEALTH)
        {
            if (f.hp == Shooter.MAX_HP)
            {
                return;
            }
            f.hp = Math.min(Shooter.MAX_HP, f.hp + PICKUP_HEAL);
            world.setInt(f.entityId, Shooter.HP, f.hp);
        }
        else
        {
            if (f.ammo == Shooter.MAGAZINE_ROUNDS)
            {
                return;
            }
            reloaded(world, f);
        }
        world.destroyEntity(pickup.entityId);
        pickup.entityId = 0;
        pickup.respawnAtTick = room.tick() + PICKUP_RESPAWN_TICKS;
        room.broadcast(ShooterMessages.PICKED,
            ShooterMessages.encode(new ShooterMessages.Picked(++eventSeq, f.entityId, pickup.kind, f.hp)));
    }

    private static void stepTracer(final World world, final Tracer t, final double dt)
    {
        if (--t.ttlTicks <= 0)
        {
            world.destroyEntity(t.entityId);
            t.active = false;
            return;
        }
        t.x += t.vx * dt;
        t.y += t.vy * dt;
        world.setDouble(t.entityId, Shooter.PROJECTILE_X, t.x);
        world.setDouble(t.entityId, Shooter.PROJECTILE_Y, t.y);
    }

    private void hit(final RoomContext room, final Fighter shooter, final Fighter victim)
    {
        final World world = room.world();
        victim.hp = Math.max(0, victim.hp - DAMAGE);
        world.setInt(victim.entityId, Shooter.HP, victim.hp);
        room.broadcast(ShooterMessages.HIT, ShooterMessages.encode(
            new ShooterMessages.Hit(++eventSeq, shooter.entityId, victim.entityId, DAMAGE, victim.hp)));
        if (victim.hp > 0)
        {
            return;
        }
        shooter.score++;
        world.setInt(shooter.entityId, Shooter.SCORE, shooter.score);
        if (shooter.team == Shooter.TEAM_RED)
        {
            redKills++;
        }
        else
        {
            blueKills++;
        }
        world.setInt(scoreboardId, Shooter.SCORE_RED, redKills);
        world.setInt(scoreboardId, Shooter.SCORE_BLUE, blueKills);
        room.broadcast(ShooterMessages.KILL, ShooterMessages.encode(new ShooterMessages.Kill(++eventSeq,
            shooter.entityId, victim.entityId, shooter.name, victim.name, shooter.score, redKills, blueKills)));
        room.setMetadata("score", redKills + "-" + blueKills);
        clearTargetsOn(room, victim.entityId);
        respawn(room, victim);
        if (redKills >= rules.killLimit() || blueKills >= rules.killLimit())
        {
            room.broadcast(ShooterMessages.MATCH_OVER, ShooterMessages.encode(new ShooterMessages.MatchOver(
                ++eventSeq, shooter.team, redKills, blueKills)));
            room.lock();
            room.setMetadata("phase", "over");
            closeAtTick = room.tick() + CLOSE_AFTER_MATCH_TICKS;
        }
    }

    /** A dead (or departed) player is nobody's target any more. */
    private static void clearTargetsOn(final RoomContext room, final int entityId)
    {
        final List<Player> players = room.players();
        for (int i = 0; i < players.size(); i++)
        {
            final Fighter f = fighter(players.get(i));
            if (f.targetId == entityId && f.entityId != 0)
            {
                f.targetId = 0;
                f.targetTicks = 0;
                room.world().setInt(f.entityId, Shooter.TARGET, 0);
            }
        }
    }

    @Override
    public void onDetach(final RoomContext room, final Player player)
    {
        // Connection lost, resume grace running: the fighter stands still instead of running on its last input.
        final Fighter f = fighter(player);
        f.moveX = 0;
        f.moveY = 0;
    }

    @Override
    public void onResume(final RoomContext room, final Player player)
    {
        // Messages sent while detached are lost: tell the player again who it is (its ammo, being a field of its
        // entity, comes back with the snapshots).
        sendHello(room, player, fighter(player));
    }

    @Override
    public void onLeave(final RoomContext room, final Player player, final boolean consented)
    {
        final Fighter f = fighter(player);
        room.world().destroyEntity(f.entityId);
        clearTargetsOn(room, f.entityId);
        room.broadcastExcept(player, ShooterMessages.LEFT,
            ShooterMessages.encode(new ShooterMessages.Left(++eventSeq, f.entityId, f.name)));
    }

    private static double clamp(final double value, final double min, final double max)
    {
        return Math.max(min, Math.min(max, value));
    }
}
