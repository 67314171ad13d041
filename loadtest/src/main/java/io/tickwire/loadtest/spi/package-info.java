/**
 * The load test's plug-in point for other games: a {@link io.tickwire.loadtest.spi.BotBehaviourFactory}
 * listed in a jar's {@code META-INF/services/io.tickwire.loadtest.spi.BotBehaviourFactory}, passed with
 * {@code --bot-jar} and picked with {@code --behaviour NAME}, makes each bot of the swarm play that game:
 * encode its inputs, send its game messages, react to what the room sends.
 * <p>
 * Threads: the factory is called on the control thread while the swarm is built; every
 * {@link io.tickwire.loadtest.spi.BotBehaviour} callback runs on its bot's event loop thread, one thread per
 * bot at a time, and must not block it.
 */
package io.tickwire.loadtest.spi;
