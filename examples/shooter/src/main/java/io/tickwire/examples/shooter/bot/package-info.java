/**
 * The shooter's headless client, on the Java SDK: {@link io.tickwire.examples.shooter.bot.ShooterBot} plays,
 * {@link io.tickwire.examples.shooter.bot.BotMain} runs a few of them against a server.
 * <p>
 * Thread: each bot's callbacks run on its client's event loop; {@code BotMain} waits on the main thread.
 */
package io.tickwire.examples.shooter.bot;
