package io.tickwire.examples.viewer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.GraphicsEnvironment;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code java -jar examples/arena-viewer/target/tickwire-arena-viewer.jar [options]}: watch and play an
 * arena room. Thread: the main thread parses, then waits for the viewer (see {@link ArenaViewer}).
 */
@Command(
    name = "tickwire-arena-viewer",
    mixinStandardHelpOptions = true,
    description = "Join an arena room and draw it: every entity interpolated, your player predicted " +
        "and steered with WASD or the arrow keys.")
public final class Main implements Callable<Integer>
{
    @Option(names = "--url", defaultValue = "ws://127.0.0.1:7070/ws", description = "Server WebSocket URI (default: ${DEFAULT-VALUE}).")
    private URI url;

    @Option(names = "--room-type", defaultValue = "arena", description = "Room type to join or create (default: ${DEFAULT-VALUE}).")
    private String roomType;

    @Option(names = "--room-id", description = "Join this room instead of one of --room-type.")
    private String roomId;

    @Option(names = "--width", defaultValue = "800", description = "Window width in pixels (default: ${DEFAULT-VALUE}).")
    private int width;

    @Option(names = "--height", defaultValue = "800", description = "Window height in pixels (default: ${DEFAULT-VALUE}).")
    private int height;

    @Option(names = "--screenshot", description = "Write a PNG of the view to this file.")
    private Path screenshot;

    @Option(names = "--screenshot-after-ms", defaultValue = "2500", description = "Take the screenshot this long after the first frame (the window is up) (default: ${DEFAULT-VALUE}).")
    private long screenshotAfterMs;

    @Option(names = "--exit-after-screenshot", description = "Exit once the screenshot is written.")
    private boolean exitAfterScreenshot;

    @Option(names = "--exit-after-ms", defaultValue = "0", description = "Exit this long after the first frame; 0 = run until the window closes (default).")
    private long exitAfterMs;

    @Option(names = "--autopilot", description = "Steer the player in circles instead of reading the keyboard.")
    private boolean autopilot;

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException
    {
        if (width < 100 || height < 100)
        {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "window too small: width=" + width + ", height=" + height + ", min=100");
        }
        if (exitAfterScreenshot && screenshot == null)
        {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--exit-after-screenshot needs --screenshot");
        }
        if (GraphicsEnvironment.isHeadless())
        {
            System.err.println("tickwire-arena-viewer: no display (headless); run it under a desktop or xvfb-run -a");
            return 2;
        }
        return new ArenaViewer(new ViewerOptions(url, roomType, roomId, width, height, screenshot, screenshotAfterMs,
            exitAfterScreenshot, exitAfterMs, autopilot), System.out).run();
    }
}
