/**
 * The admin side: an HTTP server on its own port and its own single event-loop thread
 * ({@code tickwire-admin}) serving health, readiness, Prometheus metrics, the room list and room
 * create/close, and the static monitor page. It never runs on a game event loop or a room loop;
 * it reads rooms through thread-safe {@code RoomHandle}s and hands room changes to room loops as
 * ring records.
 */
package io.tickwire.server.admin;
