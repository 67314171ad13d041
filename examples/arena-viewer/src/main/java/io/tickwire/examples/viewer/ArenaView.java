package io.tickwire.examples.viewer;

import io.tickwire.client.EntityState;
import io.tickwire.client.RenderState;
import io.tickwire.protocol.arena.ArenaStep;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;

import javax.swing.JComponent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.util.List;

/**
 * Draws one frame of the arena: the floor, every interpolated entity (NPCs and other players), the own
 * player at its predicted position with the server's interpolated view of it as an outline, and an
 * overlay of numbers. {@link #render(Graphics2D, int, int)} draws at any size, so screenshots do not
 * depend on the window.
 * <p>
 * Thread: the Swing event dispatch thread, which also owns the {@link RenderState} and the predicted
 * state it reads.
 */
final class ArenaView extends JComponent
{
    private static final long serialVersionUID = 1L;
    /** Entity kind of an NPC (the server's {@code ArenaGame.KIND_NPC}). */
    private static final int KIND_NPC = 1;

    static final Color BACKGROUND = new Color(18, 20, 26);
    static final Color FLOOR = new Color(30, 34, 44);
    static final Color GRID = new Color(42, 47, 60);
    static final Color NPC = new Color(255, 153, 0);
    static final Color PLAYER = new Color(64, 196, 255);
    static final Color OWN = new Color(120, 230, 90);
    static final Color GHOST = new Color(235, 235, 235);
    static final Color HEADING = new Color(20, 20, 20);
    static final Color TEXT = new Color(240, 240, 240);
    static final Color OVERLAY = new Color(0, 0, 0, 170);
    static final double ENTITY_RADIUS = 1.2;
    private static final int MARGIN = 12;

    private final transient RenderState render;
    private final transient SchemaField x;
    private final transient SchemaField y;
    private final transient SchemaField heading;
    private final transient SchemaField kind;
    private transient EntityState own;
    private int ownEntityId;
    private transient List<String> overlay = List.of();
    private final Ellipse2D.Double circle = new Ellipse2D.Double();
    private final Line2D.Double line = new Line2D.Double();

    ArenaView(final EntitySchema schema, final RenderState render, final int width, final int height)
    {
        this.render = render;
        this.x = schema.field("x");
        this.y = schema.field("y");
        this.heading = schema.field("heading");
        this.kind = schema.field("kind");
        setPreferredSize(new Dimension(width, height));
        setFocusable(true);
        setDoubleBuffered(true);
    }

    /**
     * @param ownEntityId the player's entity.
     * @param predicted   its predicted state, or null to show it interpolated like the others.
     * @param lines       overlay text.
     */
    void frame(final int ownEntityId, final EntityState predicted, final List<String> lines)
    {
        this.ownEntityId = ownEntityId;
        this.own = predicted;
        this.overlay = lines;
    }

    @Override
    protected void paintComponent(final Graphics g)
    {
        render((Graphics2D)g, getWidth(), getHeight());
    }

    void render(final Graphics2D g, final int width, final int height)
    {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);

        final double side = Math.max(10, Math.min(width, height) - 2 * MARGIN);
        final double scale = side / (2 * ArenaStep.HALF_SIZE);
        final double left = (width - side) / 2;
        final double top = (height - side) / 2;
        g.setColor(FLOOR);
        g.fillRect((int)left, (int)top, (int)side, (int)side);
        g.setColor(GRID);
        g.setStroke(new BasicStroke(1f));
        for (int i = 0; i <= 10; i++)
        {
            final double p = i * side / 10;
            line.setLine(left + p, top, left + p, top + side);
            g.draw(line);
            line.setLine(left, top + p, left + side, top + p);
            g.draw(line);
        }

        final double r = ENTITY_RADIUS * scale;
        for (int i = 0; i < render.count(); i++)
        {
            final int id = render.entityIdAt(i);
            final double px = left + (render.getDouble(i, x) + ArenaStep.HALF_SIZE) * scale;
            final double py = top + (ArenaStep.HALF_SIZE - render.getDouble(i, y)) * scale;
            final double h = render.getDouble(i, heading);
            if (id == ownEntityId && own != null)
            {
                g.setColor(GHOST);
                g.setStroke(new BasicStroke(1.5f));
                circle.setFrame(px - r, py - r, 2 * r, 2 * r);
                g.draw(circle);
                continue;
            }
            final boolean npc = render.getInt(i, kind) == KIND_NPC;
            drawEntity(g, px, py, h, r, npc ? NPC : (id == ownEntityId ? OWN : PLAYER));
        }

        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
        final int lineHeight = g.getFontMetrics().getHeight();
        int textWidth = 0;
        for (final String s : overlay)
        {
            textWidth = Math.max(textWidth, g.getFontMetrics().stringWidth(s));
        }
        if (!overlay.isEmpty())
        {
            g.setColor(OVERLAY);
            g.fillRect(MARGIN + 4, MARGIN + 4, textWidth + 12, lineHeight * overlay.size() + 8);
            g.setColor(TEXT);
            int ty = MARGIN + 8 + g.getFontMetrics().getAscent();
            for (final String s : overlay)
            {
                g.drawString(s, MARGIN + 10, ty);
                ty += lineHeight;
            }
        }
        // The player you steer is drawn last, over the overlay: never hidden under the HUD.
        if (own != null)
        {
            final double px = left + (own.getDouble(x) + ArenaStep.HALF_SIZE) * scale;
            final double py = top + (ArenaStep.HALF_SIZE - own.getDouble(y)) * scale;
            drawEntity(g, px, py, own.getDouble(heading), r * 1.15, OWN);
        }
    }

    private void drawEntity(
        final Graphics2D g, final double px, final double py, final double heading, final double r, final Color colour)
    {
        g.setColor(colour);
        circle.setFrame(px - r, py - r, 2 * r, 2 * r);
        g.fill(circle);
        g.setColor(HEADING);
        g.setStroke(new BasicStroke(2f));
        line.setLine(px, py, px + Math.cos(heading) * r, py - Math.sin(heading) * r);
        g.draw(line);
    }
}
