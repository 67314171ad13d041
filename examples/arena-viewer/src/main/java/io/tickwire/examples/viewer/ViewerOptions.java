package io.tickwire.examples.viewer;

import java.net.URI;
import java.nio.file.Path;

/**
 * What the command line asked for; validated by {@link Main}. Immutable.
 *
 * @param url                 the server's WebSocket URI.
 * @param roomType            room type to join or create, used when {@code roomId} is null.
 * @param roomId              room to join, or null.
 * @param width               window (and screenshot) width in pixels.
 * @param height              window (and screenshot) height in pixels.
 * @param screenshot          PNG to write, or null.
 * @param screenshotAfterMs   when to take it, after the first frame.
 * @param exitAfterScreenshot exit once it is written.
 * @param exitAfterMs         exit this long after the first frame, 0 for never.
 * @param autopilot           steer in circles instead of reading the keyboard.
 */
record ViewerOptions(
    URI url,
    String roomType,
    String roomId,
    int width,
    int height,
    Path screenshot,
    long screenshotAfterMs,
    boolean exitAfterScreenshot,
    long exitAfterMs,
    boolean autopilot)
{
}
