/**
 * The fleet's matchmaker, {@code java -jar tickwire-server.jar matchmaker}: an HTTP service that
 * places a player in a room of the Redis room directory (fullest room with a free seat first,
 * then the least loaded server; a new room on the least loaded server when none has a seat),
 * reserves the seat atomically in Redis and answers with the server's URL, the room id and a
 * room-bound join ticket. Stateless apart from Redis: run as many as you like.
 * <p>
 * Threads: Netty event loops ({@code tickwire-mm-io-*}) parse requests and write answers; Redis
 * replies complete on Lettuce's I/O thread; nothing blocks an event loop.
 */
package io.tickwire.server.fleet.matchmaker;
