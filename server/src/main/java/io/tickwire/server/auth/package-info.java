/**
 * Who gets in: join-ticket verification with replay protection. Runs on event loops;
 * thread-safe.
 */
package io.tickwire.server.auth;
