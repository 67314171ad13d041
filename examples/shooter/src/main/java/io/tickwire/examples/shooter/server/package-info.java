/**
 * The shooter's server side, a game plugin for the stock Tickwire server: {@link
 * io.tickwire.examples.shooter.server.ShooterFactory} (the room type) and its game. Built only on the public
 * game API ({@code io.tickwire.server.game}).
 * <p>
 * Thread: every game callback runs on the room loop thread that owns the room; the factory's option checks run
 * on event loops and the admin thread and are stateless.
 */
package io.tickwire.examples.shooter.server;
