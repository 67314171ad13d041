package io.tickwire.examples.shooter.server;

import io.tickwire.examples.shooter.Shooter;

import java.util.Map;

/**
 * A room's rules, read from its options: mode (and with it the team size), map size and kill limit.
 * Immutable.
 *
 * @param mode      {@code tdm} or {@code duel}.
 * @param teamSize  players per team: 4 in tdm, 1 in a duel.
 * @param mapSize   side of the square map in units.
 * @param killLimit kills a team needs to win.
 */
record ShooterRules(String mode, int teamSize, int mapSize, int killLimit)
{
    static final String DEFAULT_MODE = "tdm";
    static final int DEFAULT_MAP_SIZE = 40;
    static final int MIN_MAP_SIZE = 20;
    static final int DEFAULT_KILL_LIMIT = 10;
    static final int MAX_KILL_LIMIT = 50;

    /**
     * @param options room options.
     * @return null when valid, else what is wrong, naming the option and its value.
     */
    static String check(final Map<String, String> options)
    {
        for (final String key : options.keySet())
        {
            if (!key.equals(Shooter.OPTION_MODE) && !key.equals(Shooter.OPTION_MAP_SIZE) &&
                !key.equals(Shooter.OPTION_KILL_LIMIT))
            {
                return "unknown room option: " + key + " (known: mode, map, kills)";
            }
        }
        final String mode = options.getOrDefault(Shooter.OPTION_MODE, DEFAULT_MODE);
        if (!mode.equals("tdm") && !mode.equals("duel"))
        {
            return "mode must be tdm or duel: mode=" + mode;
        }
        final String map = options.get(Shooter.OPTION_MAP_SIZE);
        if (map != null && !inRange(map, MIN_MAP_SIZE, Shooter.MAX_MAP_SIZE))
        {
            return "map must be " + MIN_MAP_SIZE + ".." + Shooter.MAX_MAP_SIZE + ": map=" + map;
        }
        final String kills = options.get(Shooter.OPTION_KILL_LIMIT);
        if (kills != null && !inRange(kills, 1, MAX_KILL_LIMIT))
        {
            return "kills must be 1.." + MAX_KILL_LIMIT + ": kills=" + kills;
        }
        return null;
    }

    /**
     * @param options options that passed {@link #check}.
     * @return the rules.
     */
    static ShooterRules of(final Map<String, String> options)
    {
        final String mode = options.getOrDefault(Shooter.OPTION_MODE, DEFAULT_MODE);
        return new ShooterRules(mode, mode.equals("duel") ? 1 : Shooter.MAX_PLAYERS / 2,
            Integer.parseInt(options.getOrDefault(Shooter.OPTION_MAP_SIZE, String.valueOf(DEFAULT_MAP_SIZE))),
            Integer.parseInt(options.getOrDefault(Shooter.OPTION_KILL_LIMIT, String.valueOf(DEFAULT_KILL_LIMIT))));
    }

    private static boolean inRange(final String value, final int min, final int max)
    {
        try
        {
            final int n = Integer.parseInt(value);
            return n >= min && n <= max;
        }
        catch (final NumberFormatException ex)
        {
            return false;
        }
    }
}
