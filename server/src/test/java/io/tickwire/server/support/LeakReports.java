package io.tickwire.server.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Logback appender wired to Netty's {@code ResourceLeakDetector} logger in logback-test.xml: every
 * leak report Netty prints is also kept here so that {@link FailOnLeaks} can fail the test class.
 */
public final class LeakReports extends AppenderBase<ILoggingEvent>
{
    static final List<String> REPORTS = new CopyOnWriteArrayList<>();

    @Override
    protected void append(final ILoggingEvent event)
    {
        if (event.getFormattedMessage().contains("LEAK"))
        {
            REPORTS.add(event.getFormattedMessage());
        }
    }
}
