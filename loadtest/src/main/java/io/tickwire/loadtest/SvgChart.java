package io.tickwire.loadtest;

import java.util.List;
import java.util.Locale;

/**
 * Renders a line chart as inline SVG (no external resources, no script): a frame, grid and tick labels,
 * one polyline per series (gaps where a value is NaN) and a legend. Used by {@link HtmlReport}.
 * Stateless.
 */
final class SvgChart
{
    /** How the x axis maps values. */
    enum XAxis
    {
        /** Seconds since the run started, linear. */
        SECONDS,
        /** Percentiles 0..100 on a log-ish axis: x = log10(1 / (1 - p / 100)), so 90, 99, 99.9 are evenly spaced. */
        PERCENTILE
    }

    /**
     * One line. Immutable.
     *
     * @param name   legend text.
     * @param color  CSS colour.
     * @param xs     x values (seconds, or percentiles 0..100).
     * @param ys     y values; NaN leaves a gap.
     * @param dashed true for a dashed reference line.
     */
    record Series(String name, String color, double[] xs, double[] ys, boolean dashed)
    {
    }

    static final int WIDTH = 760;
    static final int HEIGHT = 280;
    private static final int LEFT = 64;
    private static final int RIGHT = 36;
    private static final int TOP = 34;
    private static final int BOTTOM = 44;
    private static final int MAX_NINES = 6;
    private static final int MIN_NINES = 2;

    private SvgChart()
    {
    }

    /**
     * @param label  accessible title of the chart.
     * @param yLabel y axis label, with unit.
     * @param xAxis  how x values map.
     * @param series the lines.
     * @return an {@code <svg>} element.
     */
    static String render(final String label, final String yLabel, final XAxis xAxis, final List<Series> series)
    {
        return render(label, yLabel, xAxis, series, Double.NaN, Double.NaN);
    }

    /**
     * @param label    accessible title of the chart.
     * @param yLabel   y axis label, with unit.
     * @param xAxis    how x values map.
     * @param series   the lines.
     * @param bandFrom start of a shaded x range (the measured window), NaN for none.
     * @param bandTo   its end.
     * @return an {@code <svg>} element.
     */
    static String render(
        final String label,
        final String yLabel,
        final XAxis xAxis,
        final List<Series> series,
        final double bandFrom,
        final double bandTo)
    {
        final StringBuilder sb = new StringBuilder(8192);
        sb.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
            .append("\" role=\"img\" aria-label=\"").append(HtmlReport.escape(label)).append("\">");
        sb.append("<title>").append(HtmlReport.escape(label)).append("</title>");

        double xMax = 0;
        double yMax = 0;
        boolean any = false;
        for (final Series s : series)
        {
            for (int i = 0; i < s.xs().length; i++)
            {
                if (Double.isFinite(s.ys()[i]))
                {
                    any = true;
                    yMax = Math.max(yMax, s.ys()[i]);
                    if (xAxis == XAxis.SECONDS || s.xs()[i] < 100)
                    {
                        xMax = Math.max(xMax, toX(xAxis, s.xs()[i], MAX_NINES));
                    }
                }
            }
        }
        final double xRange;
        final double xStep;
        if (xAxis == XAxis.PERCENTILE)
        {
            xRange = Math.min(MAX_NINES, Math.max(MIN_NINES, Math.ceil(xMax)));
            xStep = 1;
        }
        else
        {
            xStep = niceStep(Math.max(1, xMax), 8);
            xRange = Math.max(xStep, Math.ceil(xMax / xStep) * xStep);
        }
        final double yStep = niceStep(yMax <= 0 ? 1 : yMax * 1.05, 5);
        final double yRange = Math.max(yStep, Math.ceil((yMax <= 0 ? 1 : yMax * 1.05) / yStep) * yStep);

        final double plotW = WIDTH - LEFT - RIGHT;
        final double plotH = HEIGHT - TOP - BOTTOM;
        sb.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(fmt(plotW))
            .append("\" height=\"").append(fmt(plotH)).append("\" fill=\"#fff\" stroke=\"#ccc\"/>");
        if (Double.isFinite(bandFrom) && Double.isFinite(bandTo) && bandTo > bandFrom)
        {
            final double x0 = LEFT + Math.min(xRange, Math.max(0, bandFrom)) / xRange * plotW;
            final double x1 = LEFT + Math.min(xRange, Math.max(0, bandTo)) / xRange * plotW;
            sb.append("<rect x=\"").append(fmt(x0)).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(fmt(x1 - x0)).append("\" height=\"").append(fmt(plotH))
                .append("\" fill=\"#eef4fb\"><title>measured window</title></rect>");
            sb.append("<text x=\"").append(fmt(x1 - 4)).append("\" y=\"").append(TOP + 14)
                .append("\" text-anchor=\"end\" class=\"tick\">measured</text>");
        }

        for (double y = 0; y <= yRange + yStep / 2; y += yStep)
        {
            final double py = TOP + plotH - y / yRange * plotH;
            sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(fmt(LEFT + plotW)).append("\" y1=\"")
                .append(fmt(py)).append("\" y2=\"").append(fmt(py)).append("\" stroke=\"#eee\"/>");
            sb.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(py + 4))
                .append("\" text-anchor=\"end\" class=\"tick\">").append(tickLabel(y, yStep)).append("</text>");
        }
        for (double x = 0; x <= xRange + xStep / 2; x += xStep)
        {
            final double px = LEFT + x / xRange * plotW;
            sb.append("<line x1=\"").append(fmt(px)).append("\" x2=\"").append(fmt(px)).append("\" y1=\"").append(TOP)
                .append("\" y2=\"").append(fmt(TOP + plotH)).append("\" stroke=\"#eee\"/>");
            final String text = xAxis == XAxis.PERCENTILE ? percentileLabel((int)Math.round(x)) : tickLabel(x, xStep);
            sb.append("<text x=\"").append(fmt(px)).append("\" y=\"").append(fmt(TOP + plotH + 16))
                .append("\" text-anchor=\"middle\" class=\"tick\">").append(text).append("</text>");
        }
        sb.append("<text x=\"").append(fmt(LEFT + plotW / 2)).append("\" y=\"").append(HEIGHT - 8)
            .append("\" text-anchor=\"middle\" class=\"axis\">")
            .append(xAxis == XAxis.PERCENTILE ? "percentile" : "seconds since start").append("</text>");
        sb.append("<text transform=\"translate(14,").append(fmt(TOP + plotH / 2))
            .append(") rotate(-90)\" text-anchor=\"middle\" class=\"axis\">").append(HtmlReport.escape(yLabel))
            .append("</text>");

        if (!any)
        {
            sb.append("<text x=\"").append(fmt(LEFT + plotW / 2)).append("\" y=\"").append(fmt(TOP + plotH / 2))
                .append("\" text-anchor=\"middle\" class=\"empty\">no data</text>");
        }
        for (final Series s : series)
        {
            final StringBuilder d = new StringBuilder();
            boolean penDown = false;
            for (int i = 0; i < s.xs().length; i++)
            {
                final double y = s.ys()[i];
                if (!Double.isFinite(y))
                {
                    penDown = false;
                    continue;
                }
                final double x = Math.min(xRange, toX(xAxis, s.xs()[i], xRange));
                final double px = LEFT + x / xRange * plotW;
                final double py = TOP + plotH - Math.min(y, yRange) / yRange * plotH;
                d.append(penDown ? 'L' : 'M').append(fmt(px)).append(',').append(fmt(py));
                penDown = true;
            }
            if (d.length() > 0)
            {
                sb.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(s.color())
                    .append("\" stroke-width=\"2\" stroke-linejoin=\"round\"")
                    .append(s.dashed() ? " stroke-dasharray=\"6 4\"" : "").append("><title>")
                    .append(HtmlReport.escape(s.name())).append("</title></path>");
            }
        }

        double lx = LEFT;
        for (final Series s : series)
        {
            sb.append("<line x1=\"").append(fmt(lx)).append("\" x2=\"").append(fmt(lx + 18)).append("\" y1=\"14\" y2=\"14\"")
                .append(" stroke=\"").append(s.color()).append("\" stroke-width=\"3\"")
                .append(s.dashed() ? " stroke-dasharray=\"6 4\"" : "").append("/>");
            sb.append("<text x=\"").append(fmt(lx + 24)).append("\" y=\"18\" class=\"legend\">")
                .append(HtmlReport.escape(s.name())).append("</text>");
            lx += 34 + 7 * s.name().length();
        }
        sb.append("</svg>");
        return sb.toString();
    }

    /**
     * @param xAxis the axis.
     * @param x     seconds, or a percentile 0..100.
     * @param cap   the position 100 % maps to on a percentile axis.
     * @return the position on the axis.
     */
    static double toX(final XAxis xAxis, final double x, final double cap)
    {
        if (xAxis == XAxis.SECONDS)
        {
            return x;
        }
        if (x >= 100)
        {
            return cap;
        }
        return Math.min(cap, Math.log10(1.0 / (1.0 - x / 100.0)));
    }

    static String percentileLabel(final int nines)
    {
        switch (nines)
        {
            case 0:
                return "0%";
            case 1:
                return "90%";
            case 2:
                return "99%";
            default:
                return "99." + "9".repeat(nines - 2) + "%";
        }
    }

    static double niceStep(final double range, final int targetTicks)
    {
        final double raw = range / targetTicks;
        final double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        final double f = raw / magnitude;
        final double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    private static String tickLabel(final double value, final double step)
    {
        if (step >= 1)
        {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        final int decimals = (int)Math.min(6, Math.ceil(-Math.log10(step)) + (step * Math.pow(10,
            Math.ceil(-Math.log10(step))) % 1 == 0 ? 0 : 1));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String fmt(final double v)
    {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
