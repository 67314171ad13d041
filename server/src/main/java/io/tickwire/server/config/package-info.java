/**
 * The server's settings, one immutable record per concern ({@link io.tickwire.server.config.TransportSettings},
 * {@link io.tickwire.server.config.LoopSettings}, {@link io.tickwire.server.config.LimitSettings},
 * {@link io.tickwire.server.config.AdminSettings}, {@link io.tickwire.server.config.AuthSettings},
 * {@link io.tickwire.server.config.LifecycleSettings}), each owning its {@code DEFAULT_*} constants
 * and validating itself on construction. No file or network I/O here.
 * <p>
 * Threads: built on the caller's thread before start; immutable, so read from any thread.
 */
package io.tickwire.server.config;
