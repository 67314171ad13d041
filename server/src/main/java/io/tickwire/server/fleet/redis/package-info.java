/**
 * The room directory on Redis: {@link io.tickwire.server.fleet.redis.RedisRoomRegistry} keeps a
 * server's entry and its rooms' entries fresh with TTL-guarded keys and creates the rooms a
 * matchmaker asks for; {@link io.tickwire.server.fleet.redis.FleetScripts} holds the Lua scripts
 * that read and change the directory atomically; {@link io.tickwire.server.fleet.redis.FleetKeys}
 * names the keys. Lettuce I/O threads and the fleet scheduler thread run this code.
 */
package io.tickwire.server.fleet.redis;
