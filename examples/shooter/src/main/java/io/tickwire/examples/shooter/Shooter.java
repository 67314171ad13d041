package io.tickwire.examples.shooter;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;

/**
 * What the shooter's server and clients agree on: the room type, its entity types and their fields, the message types, the
 * game's close codes and the room and join options. Depends on the protocol jar only, so the plugin and the
 * bot share it.
 */
public final class Shooter
{
    /** Room type name clients join by. */
    public static final String TYPE = "shooter";
    /** Ticks per second of a shooter room. */
    public static final int TICK_RATE_HZ = 20;
    /** Seats per room: two teams of up to four. */
    public static final int MAX_PLAYERS = 8;

    /** {@link #TEAM} value of team red. */
    public static final int TEAM_RED = 1;
    /** {@link #TEAM} value of team blue. */
    public static final int TEAM_BLUE = 2;
    /** Largest map side in units, the range of x and y. */
    public static final int MAX_MAP_SIZE = 100;
    /** Hit points of a fresh player. */
    public static final int MAX_HP = 100;
    /** Rounds in a full magazine. */
    public static final int MAGAZINE_ROUNDS = 12;
    /** Longest player name, in UTF-8 bytes (names are ASCII letters, digits, '-' and '_'). */
    public static final int MAX_NAME_LENGTH = 16;

    /** Entity type name of a player. */
    public static final String TYPE_PLAYER = "player";
    /** Entity type name of a projectile (a shot's tracer). */
    public static final String TYPE_PROJECTILE = "projectile";
    /** Entity type name of a pickup lying on the map. */
    public static final String TYPE_PICKUP = "pickup";
    /** Entity type name of the one scoreboard entity of a room. */
    public static final String TYPE_SCOREBOARD = "scoreboard";

    /**
     * A player: where it is and looks, its hit points, kills and team for everyone; its name as a string
     * (sent when it joins, then never again); its {@code ammo} for itself only (an OWNER field: every other
     * connection receives 0); its {@code target} for its own team only (an AUDIENCE field: the entity it is
     * shooting at, its team's focus-fire call, 0 for none; the player's entity is in its team's audience).
     */
    public static final EntitySchema PLAYER_SCHEMA = EntitySchema.builder()
        .fixed("x", 0, MAX_MAP_SIZE, 0.01)
        .fixed("y", 0, MAX_MAP_SIZE, 0.01)
        .angle("heading", 10)
        .intField("hp", 0, MAX_HP)
        .intField("score", 0, 1000)
        .intField("team", 0, 2)
        .string("name", MAX_NAME_LENGTH)
        .intField("ammo", 0, MAGAZINE_ROUNDS).ownerOnly()
        .intField("target", 0, (1 << 24) - 1).audienceOnly()
        .build();
    /**
     * A projectile, the visible tracer of a shot: where it flies and who fired it. Whether the shot hit is
     * decided when it is fired (lag-compensated, see {@code ShooterGame}); the tracer only shows it.
     */
    public static final EntitySchema PROJECTILE_SCHEMA = EntitySchema.builder()
        .fixed("x", 0, MAX_MAP_SIZE, 0.01)
        .fixed("y", 0, MAX_MAP_SIZE, 0.01)
        .angle("heading", 10)
        .intField("owner", 0, (1 << 24) - 1)
        .build();
    /** A pickup: where it lies and what it gives ({@link #PICKUP_HEALTH} or {@link #PICKUP_AMMO}). */
    public static final EntitySchema PICKUP_SCHEMA = EntitySchema.builder()
        .fixed("x", 0, MAX_MAP_SIZE, 0.01)
        .fixed("y", 0, MAX_MAP_SIZE, 0.01)
        .intField("kind", 0, 2)
        .build();
    /**
     * The match score: one entity per room. It has no position, so the interest grid treats it as global:
     * every connection has it in view wherever it is.
     */
    public static final EntitySchema SCOREBOARD_SCHEMA = EntitySchema.builder()
        .intField("red", 0, 1000)
        .intField("blue", 0, 1000)
        .intField("limit", 0, 1000)
        .build();

    /** The room type's entity types, in this order: player 0, projectile 1, pickup 2, scoreboard 3. */
    public static final EntityTypes ENTITY_TYPES = EntityTypes.builder()
        .type(TYPE_PLAYER, PLAYER_SCHEMA)
        .type(TYPE_PROJECTILE, PROJECTILE_SCHEMA)
        .type(TYPE_PICKUP, PICKUP_SCHEMA)
        .type(TYPE_SCOREBOARD, SCOREBOARD_SCHEMA)
        .build();

    /** A player's position x in units. */
    public static final SchemaField X = PLAYER_SCHEMA.field("x");
    /** A player's position y in units. */
    public static final SchemaField Y = PLAYER_SCHEMA.field("y");
    /** Where a player aims, radians. */
    public static final SchemaField HEADING = PLAYER_SCHEMA.field("heading");
    /** A player's hit points. */
    public static final SchemaField HP = PLAYER_SCHEMA.field("hp");
    /** A player's kills. */
    public static final SchemaField SCORE = PLAYER_SCHEMA.field("score");
    /** A player's team, {@link #TEAM_RED} or {@link #TEAM_BLUE}. */
    public static final SchemaField TEAM = PLAYER_SCHEMA.field("team");
    /** A player's name (STRING). */
    public static final SchemaField NAME = PLAYER_SCHEMA.field("name");
    /** A player's rounds left in the magazine, 0 while reloading (OWNER: only its player receives it). */
    public static final SchemaField AMMO = PLAYER_SCHEMA.field("ammo");
    /** The entity a player shoots at, 0 for none (AUDIENCE: only its team receives it). */
    public static final SchemaField TARGET = PLAYER_SCHEMA.field("target");

    /** A projectile's position x. */
    public static final SchemaField PROJECTILE_X = PROJECTILE_SCHEMA.field("x");
    /** A projectile's position y. */
    public static final SchemaField PROJECTILE_Y = PROJECTILE_SCHEMA.field("y");
    /** Where a projectile flies, radians. */
    public static final SchemaField PROJECTILE_HEADING = PROJECTILE_SCHEMA.field("heading");
    /** A projectile's shooter (its player entity id). */
    public static final SchemaField PROJECTILE_OWNER = PROJECTILE_SCHEMA.field("owner");

    /** A pickup's position x. */
    public static final SchemaField PICKUP_X = PICKUP_SCHEMA.field("x");
    /** A pickup's position y. */
    public static final SchemaField PICKUP_Y = PICKUP_SCHEMA.field("y");
    /** What a pickup gives. */
    public static final SchemaField PICKUP_KIND = PICKUP_SCHEMA.field("kind");
    /** {@link #PICKUP_KIND}: 50 hit points. */
    public static final int PICKUP_HEALTH = 1;
    /** {@link #PICKUP_KIND}: a full magazine at once (ends a reload). */
    public static final int PICKUP_AMMO = 2;

    /** Team red's kills. */
    public static final SchemaField SCORE_RED = SCOREBOARD_SCHEMA.field("red");
    /** Team blue's kills. */
    public static final SchemaField SCORE_BLUE = SCOREBOARD_SCHEMA.field("blue");
    /** Kills a team needs to win. */
    public static final SchemaField SCORE_LIMIT = SCOREBOARD_SCHEMA.field("limit");

    /** Room option: {@code tdm} (teams of four) or {@code duel} (one against one). */
    public static final String OPTION_MODE = "mode";
    /** Room option: side of the square map in units, 20 to {@link #MAX_MAP_SIZE}. */
    public static final String OPTION_MAP_SIZE = "map";
    /** Room option: kills a team needs to win, 1 to 50. */
    public static final String OPTION_KILL_LIMIT = "kills";
    /** Join option (open mode) or ticket claim: the player's name, 1 to 16 letters, digits, '-' or '_'. */
    public static final String PLAYER_NAME = "name";
    /** Join option or ticket claim: {@code red} or {@code blue}; without one the smaller team. */
    public static final String PLAYER_TEAM = "team";

    /** Refused: the team option is neither red nor blue. */
    public static final int CODE_BAD_TEAM = 4100;
    /** Refused: the chosen team has no free place in this mode. */
    public static final int CODE_TEAM_FULL = 4101;
    /** Refused: the name is empty, too long or has other characters. */
    public static final int CODE_BAD_NAME = 4102;
    /** Refused: the match is over. */
    public static final int CODE_MATCH_OVER = 4103;
    /** Kicked: a chat line over {@link ShooterMessages#MAX_CHAT_BYTES}. */
    public static final int CODE_CHAT_TOO_LONG = 4110;
    /** Kicked: a message type the game does not know. */
    public static final int CODE_UNKNOWN_MESSAGE = 4111;

    private Shooter()
    {
    }

    /**
     * @param team {@link #TEAM_RED} or {@link #TEAM_BLUE}.
     * @return its name.
     */
    public static String teamName(final int team)
    {
        return team == TEAM_RED ? "red" : team == TEAM_BLUE ? "blue" : "none";
    }
}
