/**
 * Per-connection views of a big room: {@link io.tickwire.server.room.view.InterestGrid}, the uniform
 * spatial hash rebuilt each tick that tells which entities are in the cells around a viewpoint, and
 * {@link io.tickwire.server.room.view.PriorityAccumulator}, which chooses what one connection gets
 * under a per-tick byte budget so every deferred entity still arrives, the nearest first. Both are
 * plain algorithms with no I/O; the snapshot path calls them.
 * <p>
 * Thread: everything here is owned by one room loop thread.
 */
package io.tickwire.server.room.view;
