package io.tickwire.examples.shooter;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;

/**
 * What the shooter's server and clients agree on: the room type, the entity schema, the message types, the
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

    /** {@link #KIND} of a player's entity. */
    public static final int KIND_PLAYER = 1;
    /** {@link #KIND} of a projectile's entity. */
    public static final int KIND_PROJECTILE = 2;
    /** {@link #TEAM} value of team red. */
    public static final int TEAM_RED = 1;
    /** {@link #TEAM} value of team blue. */
    public static final int TEAM_BLUE = 2;
    /** Largest map side in units, the range of x and y. */
    public static final int MAX_MAP_SIZE = 100;
    /** Hit points of a fresh player. */
    public static final int MAX_HP = 100;

    /**
     * One schema for every entity: players and projectiles share the slots, and {@code kind} says which an
     * entity is. With entity types (the schema v2 issue) a projectile would be its own type with only
     * {@code x}, {@code y} and {@code owner}, and a player's {@code ammo} would be a private field only its
     * owner receives; until then ammo stays on the server and reaches its player in messages.
     */
    public static final EntitySchema SCHEMA = EntitySchema.builder()
        .intField("kind", 0, 3)
        .fixed("x", 0, MAX_MAP_SIZE, 0.01)
        .fixed("y", 0, MAX_MAP_SIZE, 0.01)
        .angle("aim", 10)
        .intField("team", 0, 2)
        .intField("hp", 0, MAX_HP)
        .intField("score", 0, 1000)
        .intField("owner", 0, 1 << 20)
        .build();
    /** Player or projectile. */
    public static final SchemaField KIND = SCHEMA.field("kind");
    /** Position x in units. */
    public static final SchemaField X = SCHEMA.field("x");
    /** Position y in units. */
    public static final SchemaField Y = SCHEMA.field("y");
    /** Where a player aims, radians. */
    public static final SchemaField AIM = SCHEMA.field("aim");
    /** A player's team (red or blue); a projectile's shooter's team. */
    public static final SchemaField TEAM = SCHEMA.field("team");
    /** A player's hit points. */
    public static final SchemaField HP = SCHEMA.field("hp");
    /** A player's kills. */
    public static final SchemaField SCORE = SCHEMA.field("score");
    /** A projectile's shooter (entity id). */
    public static final SchemaField OWNER = SCHEMA.field("owner");

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
