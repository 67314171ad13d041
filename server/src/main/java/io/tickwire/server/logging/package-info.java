/**
 * Log hygiene shared by every layer: client-supplied values escaped and cut before they reach a log
 * line ({@link io.tickwire.server.logging.LogSafe}), and repeated per-address lines rate-limited
 * with counts ({@link io.tickwire.server.logging.LogThrottle}). Imports nothing from the server.
 */
package io.tickwire.server.logging;
