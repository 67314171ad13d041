package io.tickwire.examples.shooter.server;

import io.tickwire.examples.shooter.Shooter;
import io.tickwire.examples.shooter.ShooterInput;
import io.tickwire.examples.shooter.ShooterMessages;
import io.tickwire.server.game.Admission;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.JoinRequest;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.World;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * One shooter match: two teams move, aim and fire; projectiles are entities that fly until they hit a player
 * of the other team, leave the map or run out of range; each hit costs 25 hit points, and a player at 0 is
 * killed and respawns at once. The first team to the kill limit wins; the room then locks, says so and closes
 * two seconds later.
 * <p>
 * Players join with a name and a team, from their ticket's claims (signed by the backend) or, in open mode,
 * from their join options; {@link #onJoinAttempt} refuses a bad team, a full team, a bad name or a finished
 * match with the game's own close codes. Hits, kills, chat, joins and leaves are broadcast as messages
 * numbered by one per-room sequence.
 * <p>
 * Thread: the room loop thread that owns the room. The tick allocates nothing but the payloads of the events
 * it broadcasts.
 */
final class ShooterGame implements GameLogic
{
    static final double PLAYER_SPEED = 6.0;
    static final double PLAYER_RADIUS = 0.5;
    static final double PROJECTILE_SPEED = 30.0;
    static final double HIT_RADIUS = 1.0;
    static final int DAMAGE = 25;
    static final int FIRE_COOLDOWN_TICKS = 5;
    static final int MAGAZINE_ROUNDS = 12;
    static final int RELOAD_TICKS = 30;
    static final int PROJECTILE_TTL_TICKS = 25;
    static final int MAX_PROJECTILES = 64;
    static final int CLOSE_AFTER_MATCH_TICKS = 2 * Shooter.TICK_RATE_HZ;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,16}");

    private final ShooterRules rules;
    private final Random random;
    private final Projectile[] projectiles = new Projectile[MAX_PROJECTILES];
    private int eventSeq;
    private int anonymous;
    private int redKills;
    private int blueKills;
    private int closeAtTick;

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
        boolean fire;
        int cooldownTicks;
        int ammo = MAGAZINE_ROUNDS;
        int reloadTicks;
        int hp = Shooter.MAX_HP;
        int score;

        Fighter(final String name, final int team)
        {
            this.name = name;
            this.team = team;
        }
    }

    /** A projectile slot, reused. */
    private static final class Projectile
    {
        boolean active;
        int entityId;
        Fighter owner;
        double x;
        double y;
        double vx;
        double vy;
        int ttlTicks;
    }

    ShooterGame(final ShooterRules rules, final long seed)
    {
        this.rules = rules;
        this.random = new Random(seed);
        for (int i = 0; i < projectiles.length; i++)
        {
            projectiles[i] = new Projectile();
        }
    }

    @Override
    public void onCreate(final RoomContext room, final Map<String, String> options)
    {
        room.setMetadata("mode", rules.mode());
        room.setMetadata("map", String.valueOf(rules.mapSize()));
        room.setMetadata("phase", "waiting");
        room.setMetadata("score", "0-0");
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
        f.entityId = world.createEntity();
        player.entityId(f.entityId);
        world.setInt(f.entityId, Shooter.KIND, Shooter.KIND_PLAYER);
        world.setInt(f.entityId, Shooter.TEAM, f.team);
        respawn(world, f);
        sendState(room, player, f);
        room.broadcastExcept(player, ShooterMessages.JOINED,
            ShooterMessages.encode(new ShooterMessages.Joined(++eventSeq, f.entityId, f.team, f.name)));
        if (teamSize(room, Shooter.TEAM_RED) > 0 && teamSize(room, Shooter.TEAM_BLUE) > 0)
        {
            room.setMetadata("phase", "playing");
        }
    }

    private void sendState(final RoomContext room, final Player player, final Fighter f)
    {
        room.send(player, ShooterMessages.HELLO, ShooterMessages.encode(new ShooterMessages.Hello(
            f.entityId, f.team, f.name, rules.mode(), rules.mapSize(), rules.killLimit())));
        room.send(player, ShooterMessages.AMMO, ShooterMessages.encode(new ShooterMessages.Ammo(f.ammo)));
    }

    private void respawn(final World world, final Fighter f)
    {
        final double margin = 2.0;
        final double band = Math.min(4.0, rules.mapSize() / 4.0);
        f.x = f.team == Shooter.TEAM_RED ? margin + random.nextDouble() * band :
            rules.mapSize() - margin - random.nextDouble() * band;
        f.y = margin + random.nextDouble() * (rules.mapSize() - 2 * margin);
        f.hp = Shooter.MAX_HP;
        world.setDouble(f.entityId, Shooter.X, f.x);
        world.setDouble(f.entityId, Shooter.Y, f.y);
        world.setInt(f.entityId, Shooter.HP, f.hp);
    }

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
        f.fire = ShooterInput.fire(payload.getByte(offset + 4));
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
        final List<Player> players = room.players();
        for (int i = 0; i < players.size(); i++)
        {
            stepFighter(room, players.get(i), dt);
        }
        for (final Projectile p : projectiles)
        {
            // A hit can end the match: the projectiles still in flight then stay where they are.
            if (p.active && closeAtTick == 0)
            {
                stepProjectile(room, p, dt);
            }
        }
    }

    private void stepFighter(final RoomContext room, final Player player, final double dt)
    {
        final Fighter f = fighter(player);
        final World world = room.world();
        final double length = Math.hypot(f.moveX, f.moveY);
        final double scale = length > 1.0 ? PLAYER_SPEED / length : PLAYER_SPEED;
        f.x = clamp(f.x + f.moveX * scale * dt, PLAYER_RADIUS, rules.mapSize() - PLAYER_RADIUS);
        f.y = clamp(f.y + f.moveY * scale * dt, PLAYER_RADIUS, rules.mapSize() - PLAYER_RADIUS);
        world.setDouble(f.entityId, Shooter.X, f.x);
        world.setDouble(f.entityId, Shooter.Y, f.y);
        world.setDouble(f.entityId, Shooter.AIM, f.aimRad);
        if (f.cooldownTicks > 0)
        {
            f.cooldownTicks--;
        }
        if (f.reloadTicks > 0 && --f.reloadTicks == 0)
        {
            f.ammo = MAGAZINE_ROUNDS;
            room.send(player, ShooterMessages.AMMO, ShooterMessages.encode(new ShooterMessages.Ammo(f.ammo)));
        }
        if (f.fire && f.cooldownTicks == 0 && f.reloadTicks == 0 && fire(world, f))
        {
            f.cooldownTicks = FIRE_COOLDOWN_TICKS;
            if (--f.ammo == 0)
            {
                f.reloadTicks = RELOAD_TICKS;
                room.send(player, ShooterMessages.AMMO, ShooterMessages.encode(new ShooterMessages.Ammo(0)));
            }
        }
    }

    private boolean fire(final World world, final Fighter f)
    {
        for (final Projectile p : projectiles)
        {
            if (!p.active)
            {
                p.active = true;
                p.owner = f;
                p.vx = Math.cos(f.aimRad) * PROJECTILE_SPEED;
                p.vy = Math.sin(f.aimRad) * PROJECTILE_SPEED;
                p.x = f.x + Math.cos(f.aimRad) * (PLAYER_RADIUS + 0.1);
                p.y = f.y + Math.sin(f.aimRad) * (PLAYER_RADIUS + 0.1);
                p.ttlTicks = PROJECTILE_TTL_TICKS;
                p.entityId = world.createEntity();
                world.setInt(p.entityId, Shooter.KIND, Shooter.KIND_PROJECTILE);
                world.setInt(p.entityId, Shooter.TEAM, f.team);
                world.setInt(p.entityId, Shooter.OWNER, f.entityId);
                world.setDouble(p.entityId, Shooter.X, p.x);
                world.setDouble(p.entityId, Shooter.Y, p.y);
                return true;
            }
        }
        return false;
    }

    private void stepProjectile(final RoomContext room, final Projectile p, final double dt)
    {
        p.x += p.vx * dt;
        p.y += p.vy * dt;
        if (--p.ttlTicks <= 0 || p.x < 0 || p.y < 0 || p.x > rules.mapSize() || p.y > rules.mapSize())
        {
            remove(room.world(), p);
            return;
        }
        final List<Player> players = room.players();
        for (int i = 0; i < players.size(); i++)
        {
            final Fighter victim = fighter(players.get(i));
            final double dx = victim.x - p.x;
            final double dy = victim.y - p.y;
            if (victim.team != p.owner.team && dx * dx + dy * dy < HIT_RADIUS * HIT_RADIUS)
            {
                final Fighter shooter = p.owner;
                remove(room.world(), p);
                hit(room, shooter, victim);
                return;
            }
        }
        room.world().setDouble(p.entityId, Shooter.X, p.x);
        room.world().setDouble(p.entityId, Shooter.Y, p.y);
    }

    private static void remove(final World world, final Projectile p)
    {
        world.destroyEntity(p.entityId);
        p.active = false;
        p.owner = null;
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
        if (world.exists(shooter.entityId))
        {
            world.setInt(shooter.entityId, Shooter.SCORE, shooter.score);
        }
        if (shooter.team == Shooter.TEAM_RED)
        {
            redKills++;
        }
        else
        {
            blueKills++;
        }
        room.broadcast(ShooterMessages.KILL, ShooterMessages.encode(new ShooterMessages.Kill(++eventSeq,
            shooter.entityId, victim.entityId, shooter.name, victim.name, shooter.score, redKills, blueKills)));
        room.setMetadata("score", redKills + "-" + blueKills);
        respawn(world, victim);
        if (redKills >= rules.killLimit() || blueKills >= rules.killLimit())
        {
            room.broadcast(ShooterMessages.MATCH_OVER, ShooterMessages.encode(new ShooterMessages.MatchOver(
                ++eventSeq, shooter.team, redKills, blueKills)));
            room.lock();
            room.setMetadata("phase", "over");
            closeAtTick = room.tick() + CLOSE_AFTER_MATCH_TICKS;
        }
    }

    @Override
    public void onDetach(final RoomContext room, final Player player)
    {
        // Connection lost, resume grace running: the fighter stands still instead of running on its last input.
        final Fighter f = fighter(player);
        f.moveX = 0;
        f.moveY = 0;
        f.fire = false;
    }

    @Override
    public void onResume(final RoomContext room, final Player player)
    {
        // Messages sent while detached are lost: tell the player again who it is and what it holds.
        sendState(room, player, fighter(player));
    }

    @Override
    public void onLeave(final RoomContext room, final Player player, final boolean consented)
    {
        final Fighter f = fighter(player);
        room.world().destroyEntity(f.entityId);
        room.broadcastExcept(player, ShooterMessages.LEFT,
            ShooterMessages.encode(new ShooterMessages.Left(++eventSeq, f.entityId, f.name)));
    }

    private static double clamp(final double value, final double min, final double max)
    {
        return Math.max(min, Math.min(max, value));
    }
}
