package io.tickwire.loadtest;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pieces the reports are made of: JSON escaping, HTML escaping, the SVG percentile axis.
 */
class ReportFormatTest
{
    @Test
    void shouldWriteJsonThatParsesBackWithAwkwardStringsAndMissingNumbers()
    {
        final String awkward = "quote \" backslash \\ newline \n tab \t nul \u0000 line-sep \u2028 emoji \uD83D\uDE00 " +
            "lone \uD800 end";
        final StringWriter w = new StringWriter();
        new JsonWriter(w).beginObject()
            .field("s", awkward)
            .field("nan", Double.NaN)
            .field("inf", Double.POSITIVE_INFINITY)
            .field("d", 12.5)
            .field("n", 42L)
            .name("a").beginArray().value(1L).beginObject().endObject().beginArray().endArray().endArray()
            .endObject();
        @SuppressWarnings("unchecked")
        final Map<String, Object> json = (Map<String, Object>)MiniJson.parse(w.toString());
        assertEquals(awkward.replace('\uD800', '\uD800'), json.get("s"));
        assertNull(json.get("nan"));
        assertNull(json.get("inf"));
        assertEquals(12.5, json.get("d"));
        assertEquals(42.0, json.get("n"));
        assertEquals(List.of(1.0, Map.of(), List.of()), json.get("a"));
    }

    @Test
    void shouldEscapeHtmlAndNeverLeaveAWebLink()
    {
        final String escaped = HtmlReport.escape("<b>&\"' see http://example.org and https://x.y/z");
        assertFalse(escaped.contains("<b>"));
        assertFalse(escaped.contains("http://"));
        assertFalse(escaped.contains("https://"));
        assertTrue(escaped.contains("&lt;b&gt;&amp;&quot;&#39;"));
        assertTrue(escaped.contains("https:&#47;&#47;x.y/z"), escaped);
    }

    @Test
    void shouldSpreadPercentileNinesEvenlyOnTheChartAxis()
    {
        assertEquals(0.0, SvgChart.toX(SvgChart.XAxis.PERCENTILE, 0, 6), 1e-9);
        assertEquals(1.0, SvgChart.toX(SvgChart.XAxis.PERCENTILE, 90, 6), 1e-9);
        assertEquals(2.0, SvgChart.toX(SvgChart.XAxis.PERCENTILE, 99, 6), 1e-9);
        assertEquals(3.0, SvgChart.toX(SvgChart.XAxis.PERCENTILE, 99.9, 6), 1e-9);
        assertEquals(4.0, SvgChart.toX(SvgChart.XAxis.PERCENTILE, 100, 4), 1e-9);
        assertEquals("99.99%", SvgChart.percentileLabel(4));

        final String svg = SvgChart.render("t", "ms", SvgChart.XAxis.PERCENTILE, List.of(new SvgChart.Series(
            "input", "#000", new double[]{ 0, 50, 90, 99, 100 }, new double[]{ 1, 2, 3, 4, 5 }, false)));
        assertTrue(svg.startsWith("<svg") && svg.endsWith("</svg>"));
        assertTrue(svg.contains("<path d=\"M"), svg);
        assertFalse(svg.contains("NaN"), svg);
    }
}
