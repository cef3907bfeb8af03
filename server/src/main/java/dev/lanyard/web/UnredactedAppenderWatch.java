package dev.lanyard.web;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.classic.util.LoggerNameUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.FilterReply;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Marker;

/**
 * Notices an appender that code attached after the last Logback configuration ({@code logger.addAppender(...)} by a
 * library, an agent, an operator's code), which Logback tells no one of, and puts it behind the redaction before the
 * line that would reach it is made. Logback consults its turbo filters on every logging call, on every logger, before
 * the event exists; this one always answers {@code NEUTRAL} and so changes no decision. It only looks at the appenders
 * a line would reach (the logger's and its ancestors' up to the first without additivity): a look at a few list
 * entries, no string work, when all are behind the redaction already; one comparison for a call below the logger's
 * level, unless another turbo filter could still let that line through. It also counts the lines made, by level, for
 * the actuator's {@code logback.events} ({@link LogLinesCounted}), so that it is the only turbo filter Logback asks
 * (decision 78).
 */
final class UnredactedAppenderWatch extends TurboFilter {
    /** Micrometer's turbo filter (not public), which counts the lines logged and answers {@code NEUTRAL} to every call. */
    private static final String ALWAYS_NEUTRAL = "io.micrometer.core.instrument.binder.logging.MetricsTurboFilter";

    private final LoggerContext context;
    /** The lines made, by level, for the actuator's {@code logback.events} ({@link LogLinesCounted}). */
    private final LogLineCounts counts;
    /** Each logger's ancestors, itself first and the root last; Logback never removes a logger from its context. */
    private final Map<Logger, Logger[]> lineages = new ConcurrentHashMap<>();

    private UnredactedAppenderWatch(LoggerContext context) {
        this.context = context;
        this.counts = LogLineCounts.of(context);
        setContext(context);
        setName("lanyard-unredacted-appender-watch");
    }

    /**
     * Puts a watch first in {@code context}'s turbo filters (a filter before it that answers {@code ACCEPT} or
     * {@code DENY} would end the chain without it), replacing one already there: Logback's reset empties the list.
     */
    static void watch(LoggerContext context) {
        UnredactedAppenderWatch watch = new UnredactedAppenderWatch(context);
        watch.start();
        context.getTurboFilterList().removeIf(UnredactedAppenderWatch.class::isInstance);
        context.getTurboFilterList().add(0, watch);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        boolean belowLevel = level != null && level.levelInt < logger.getEffectiveLevel().levelInt;
        if (belowLevel) {
            if (noOtherCanAccept()) return FilterReply.NEUTRAL;
        } else if (format != null && level != null) {
            // A logging call at its logger's level or above, not a check such as isDebugEnabled(): Micrometer's count.
            counts.count(level);
        }
        for (Logger reached : lineages.computeIfAbsent(logger, this::lineage)) {
            for (Iterator<Appender<ILoggingEvent>> appenders = reached.iteratorForAppenders(); appenders.hasNext(); ) {
                if (!(appenders.next() instanceof RedactedLogs.Redacting)) {
                    RedactedLogs.redactAppenders(context);
                    return FilterReply.NEUTRAL;
                }
            }
            if (!reached.isAdditive()) {
                break;
            }
        }
        return FilterReply.NEUTRAL;
    }

    /**
     * Whether every other turbo filter is one that only ever answers {@code NEUTRAL}, so that a call below its logger's
     * level makes no line: Micrometer's, which counts the lines logged (the actuator's {@code logback.events}). Without
     * this, each of the framework's many {@code isTraceEnabled()} checks on a request looked through the appenders
     * (bench/RESULTS.md, 2026-12-06). A list being changed meanwhile is read again at the next call.
     */
    private boolean noOtherCanAccept() {
        List<TurboFilter> filters = context.getTurboFilterList();
        for (int i = 0, size = filters.size(); i < size; i++) {
            TurboFilter filter;
            try {
                filter = filters.get(i);
            } catch (IndexOutOfBoundsException shrunk) {
                return false;
            }
            if (filter != this && !ALWAYS_NEUTRAL.equals(filter.getClass().getName())) return false;
        }
        return true;
    }

    /** {@code logger}, then each logger its name lies under ({@code a.b$C}: {@code a.b}, {@code a}), then the root. */
    private Logger[] lineage(Logger logger) {
        List<Logger> lineage = new ArrayList<>();
        lineage.add(logger);
        String name = logger.getName();
        if (!Logger.ROOT_LOGGER_NAME.equals(name)) {
            List<Integer> ends = new ArrayList<>();
            for (int end = LoggerNameUtil.getSeparatorIndexOf(name, 0); end > 0; end = LoggerNameUtil.getSeparatorIndexOf(name, end + 1)) {
                ends.add(end);
            }
            for (int i = ends.size() - 1; i >= 0; i--) {
                lineage.add(context.getLogger(name.substring(0, ends.get(i))));
            }
            lineage.add(context.getLogger(Logger.ROOT_LOGGER_NAME));
        }
        return lineage.toArray(Logger[]::new);
    }
}
