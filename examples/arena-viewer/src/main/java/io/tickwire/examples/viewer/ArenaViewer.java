package io.tickwire.examples.viewer;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.DeliveryMode;
import io.tickwire.client.Interpolator;
import io.tickwire.client.Predictor;
import io.tickwire.client.RenderState;
import io.tickwire.client.RoomSession;
import io.tickwire.client.ServerClock;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.client.TickwireException;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.arena.ArenaInput;
import io.tickwire.protocol.arena.ArenaStep;

import javax.imageio.ImageIO;
import javax.swing.JFrame;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.WindowConstants;
import java.awt.Graphics2D;
import java.awt.KeyEventDispatcher;
import java.awt.KeyboardFocusManager;
import java.awt.event.KeyEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The viewer's game loop. {@link #run()} joins on the calling thread, then everything happens on the
 * Swing event dispatch thread: a {@link Timer} fires every {@link #FRAME_MS} ms and runs one frame (poll
 * the session, send the input through the predictor, sample the interpolator, repaint), the window and
 * the keyboard deliver their events there too.
 */
final class ArenaViewer implements SessionListener
{
    /** Frame period of the Swing timer: about 60 frames per second. */
    static final int FRAME_MS = 16;
    private static final long JOIN_TIMEOUT_S = 10;

    private final ViewerOptions options;
    private final PrintStream out;
    private final CountDownLatch done = new CountDownLatch(1);
    private final boolean[] keys = new boolean[4];
    private volatile int exitCode;

    // Event dispatch thread from here on.
    private TickwireClient client;
    private RoomSession session;
    private Interpolator interpolator;
    private Predictor predictor;
    private RenderState renderState;
    private ArenaView view;
    private JFrame frame;
    private Timer timer;
    private KeyEventDispatcher keyDispatcher;
    private long startedNs;
    private long frames;
    private long snapshots;
    private long snapshotBytes;
    private long windowStartNs;
    private long windowFrames;
    private long windowSnapshots;
    private long windowBytes;
    private double fps;
    private double snapshotsPerSecond;
    private double bytesPerSecond;
    private boolean screenshotTaken;
    private boolean finished;
    private String closeReason;

    ArenaViewer(final ViewerOptions options, final PrintStream out)
    {
        this.options = options;
        this.out = out;
    }

    /**
     * Join, open the window, run until it is closed, the connection closes, or a configured exit.
     * Thread: the main thread; it blocks until the viewer finished.
     *
     * @return the process exit code: 0 on a normal end, 1 when the join or the connection failed.
     */
    int run() throws InterruptedException
    {
        client = new TickwireClient(ClientOptions.builder()
            .uri(options.url())
            .deliveryMode(DeliveryMode.POLL)
            .build());
        client.addListener(this);
        try
        {
            session = (options.roomId() == null ? client.joinByType(options.roomType()) :
                client.joinById(options.roomId())).get(JOIN_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            final Throwable cause = ex instanceof ExecutionException ? ex.getCause() : ex;
            final String code = cause instanceof TickwireException ?
                " (close code " + ((TickwireException)cause).closeCode() + ")" : "";
            out.println("tickwire-arena-viewer: join failed" + code + ": " + cause.getMessage());
            client.close();
            return 1;
        }
        SwingUtilities.invokeLater(this::onStart);
        done.await();
        return exitCode;
    }

    private void onStart()
    {
        interpolator = session.interpolator();
        renderState = interpolator.newRenderState();
        predictor = session.predictor(new ArenaStep(session.schema(), session.tickRateHz()));
        view = new ArenaView(session.schema(), renderState, options.width(), options.height());

        frame = new JFrame("Tickwire arena viewer - room " + session.roomId() + ", player " + session.playerEntityId());
        frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        frame.addWindowListener(new WindowAdapter()
        {
            @Override
            public void windowClosed(final WindowEvent e)
            {
                finish(0, "window closed");
            }
        });
        frame.getContentPane().add(view);
        frame.pack();
        frame.setLocationRelativeTo(null);
        frame.setVisible(true);
        view.requestFocusInWindow();

        keyDispatcher = this::onKey;
        KeyboardFocusManager.getCurrentKeyboardFocusManager().addKeyEventDispatcher(keyDispatcher);
        timer = new Timer(FRAME_MS, e -> onFrame());
        timer.setCoalesce(true);
        timer.start();
    }

    private boolean onKey(final KeyEvent e)
    {
        if (e.getID() != KeyEvent.KEY_PRESSED && e.getID() != KeyEvent.KEY_RELEASED)
        {
            return false;
        }
        final boolean down = e.getID() == KeyEvent.KEY_PRESSED;
        switch (e.getKeyCode())
        {
            case KeyEvent.VK_W:
            case KeyEvent.VK_UP:
                keys[0] = down;
                break;
            case KeyEvent.VK_S:
            case KeyEvent.VK_DOWN:
                keys[1] = down;
                break;
            case KeyEvent.VK_A:
            case KeyEvent.VK_LEFT:
                keys[2] = down;
                break;
            case KeyEvent.VK_D:
            case KeyEvent.VK_RIGHT:
                keys[3] = down;
                break;
            default:
                return false;
        }
        return false;
    }

    private byte[] input(final long nowNs)
    {
        if (options.autopilot())
        {
            // A slow circle of radius 7.5 units: stays inside the arena from any spawn point.
            final double t = (nowNs - startedNs) / 1e9;
            return ArenaInput.encode(Math.cos(t * 0.8), Math.sin(t * 0.8));
        }
        final double ax = (keys[3] ? 1 : 0) - (keys[2] ? 1 : 0);
        final double ay = (keys[0] ? 1 : 0) - (keys[1] ? 1 : 0);
        return ArenaInput.encode(ax, ay);
    }

    private void onFrame()
    {
        if (finished)
        {
            return;
        }
        final long now = System.nanoTime();
        if (frames == 0)
        {
            // The clock of --screenshot-after-ms and --exit-after-ms starts with the first frame: opening a
            // window (fonts, the X connection) can take seconds on a cold machine.
            startedNs = now;
            windowStartNs = now;
        }
        session.poll();
        if (finished)
        {
            return;
        }
        predictor.update(now, input(now));
        interpolator.sample(now, renderState);
        frames++;
        windowFrames++;
        if (now - windowStartNs >= 500_000_000L)
        {
            final double seconds = (now - windowStartNs) / 1e9;
            fps = windowFrames / seconds;
            snapshotsPerSecond = windowSnapshots / seconds;
            bytesPerSecond = windowBytes / seconds;
            windowFrames = 0;
            windowSnapshots = 0;
            windowBytes = 0;
            windowStartNs = now;
        }
        view.frame(session.playerEntityId(), predictor.hasState() ? predictor.state() : null, overlay(now));
        view.repaint();

        if (options.screenshot() != null && !screenshotTaken &&
            now - startedNs >= TimeUnit.MILLISECONDS.toNanos(options.screenshotAfterMs()))
        {
            screenshotTaken = true;
            if (!saveScreenshot(options.screenshot()))
            {
                finish(1, "screenshot failed");
                return;
            }
            if (options.exitAfterScreenshot())
            {
                finish(0, "screenshot taken");
                return;
            }
        }
        if (options.exitAfterMs() > 0 && now - startedNs >= TimeUnit.MILLISECONDS.toNanos(options.exitAfterMs()))
        {
            finish(0, "time is up");
        }
    }

    private List<String> overlay(final long now)
    {
        final ServerClock clock = session.clock();
        final List<String> lines = new ArrayList<>(7);
        lines.add(String.format(Locale.ROOT, "room %s  player %d  entities %d", session.roomId(),
            session.playerEntityId(), renderState.count()));
        lines.add(String.format(Locale.ROOT, "RTT %.1f ms  jitter %.1f ms  %s", clock.rttNanos() / 1e6,
            clock.jitterNanos() / 1e6, clock.isSynchronized() ? "synced" : "syncing"));
        lines.add(String.format(Locale.ROOT, "tick %d  server tick ~%.1f  render tick %d..%d", session.mirror().tick(),
            clock.estimatedServerTick(now), renderState.fromTick(), renderState.toTick()));
        lines.add(String.format(Locale.ROOT, "snapshots %.1f/s  %.0f B/s", snapshotsPerSecond, bytesPerSecond));
        lines.add(String.format(Locale.ROOT, "interp delay %.0f ms (target %.0f)  extrap %.0f ms",
            renderState.delayMs(), interpolator.targetDelayNanos() / 1e6, renderState.extrapolationMs()));
        lines.add(String.format(Locale.ROOT, "inputs %d  pending %d  mispredictions %d", predictor.inputsSent(),
            predictor.pendingInputs(), predictor.mispredictions()));
        lines.add(String.format(Locale.ROOT, "fps %.0f  %s", fps, options.autopilot() ? "autopilot" : "WASD / arrows"));
        return lines;
    }

    private boolean saveScreenshot(final Path file)
    {
        final BufferedImage image = new BufferedImage(options.width(), options.height(), BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try
        {
            view.render(g, options.width(), options.height());
        }
        finally
        {
            g.dispose();
        }
        try
        {
            final Path parent = file.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            ImageIO.write(image, "png", file.toFile());
            out.println("tickwire-arena-viewer: screenshot " + file + " " + options.width() + "x" + options.height());
            return true;
        }
        catch (final IOException ex)
        {
            out.println("tickwire-arena-viewer: screenshot failed: file=" + file + ", reason=" + ex.getMessage());
            return false;
        }
    }

    private void finish(final int code, final String reason)
    {
        if (finished)
        {
            return;
        }
        finished = true;
        exitCode = code;
        if (timer != null)
        {
            timer.stop();
        }
        if (keyDispatcher != null)
        {
            KeyboardFocusManager.getCurrentKeyboardFocusManager().removeKeyEventDispatcher(keyDispatcher);
        }
        final long inputs = predictor == null ? 0 : predictor.inputsSent();
        final long mispredictions = predictor == null ? 0 : predictor.mispredictions();
        final long reconciliations = predictor == null ? 0 : predictor.reconciliations();
        client.close();
        if (frame != null)
        {
            frame.dispose();
        }
        out.println(String.format(Locale.ROOT,
            "tickwire-arena-viewer: end reason=\"%s\" frames=%d snapshots=%d snapshotBytes=%d inputs=%d " +
            "reconciliations=%d mispredictions=%d rttMs=%.2f",
            closeReason != null ? closeReason : reason, frames, snapshots, snapshotBytes, inputs, reconciliations,
            mispredictions, session.clock().rttNanos() / 1e6));
        out.flush();
        done.countDown();
    }

    @Override
    public void onSnapshot(final RoomSession s, final SnapshotInfo info)
    {
        snapshots++;
        windowSnapshots++;
        snapshotBytes += info.sizeBytes();
        windowBytes += info.sizeBytes();
    }

    @Override
    public void onClosed(final RoomSession s, final int closeCode, final String reason)
    {
        if (!finished)
        {
            closeReason = "connection closed: code=" + closeCode + ", reason=" + reason;
            finish(closeCode == CloseCodes.NORMAL ? 0 : 1, closeReason);
        }
    }
}
