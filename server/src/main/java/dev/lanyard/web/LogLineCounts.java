package dev.lanyard.web;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;

/**
 * The lines each level let through in one Logback context, for every meter registry that counts them
 * ({@link LogLinesCounted}), counted by the context's {@link UnredactedAppenderWatch} (decision 78). One per context,
 * kept while the context lives: the watch is replaced at each configuration Logback reads, the counts are not.
 */
final class LogLineCounts {
    /** The levels counted, in the order of each registry's counters: Logback's five, as Micrometer counts them. */
    static final Level[] LEVELS = {Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE};

    private static final Map<LoggerContext, LogLineCounts> OF_CONTEXT = Collections.synchronizedMap(new WeakHashMap<>());

    /** For each registry bound, one counter per level of {@link #LEVELS}; replaced whole, never changed in place. */
    private volatile LongAdder[][] registries = new LongAdder[0][];

    private LogLineCounts() {
    }

    static LogLineCounts of(LoggerContext context) {
        return OF_CONTEXT.computeIfAbsent(context, made -> new LogLineCounts());
    }

    /** One line made at {@code level}; a level outside the five is not counted, as Micrometer's filter does not. */
    void count(Level level) {
        LongAdder[][] all = registries;
        if (all.length == 0) return;
        int index = switch (level.levelInt) {
            case Level.ERROR_INT -> 0;
            case Level.WARN_INT -> 1;
            case Level.INFO_INT -> 2;
            case Level.DEBUG_INT -> 3;
            case Level.TRACE_INT -> 4;
            default -> -1;
        };
        if (index < 0) return;
        for (LongAdder[] registry : all) {
            registry[index].increment();
        }
    }

    synchronized void add(LongAdder[] counters) {
        LongAdder[][] more = Arrays.copyOf(registries, registries.length + 1);
        more[registries.length] = counters;
        registries = more;
    }

    synchronized void remove(LongAdder[] counters) {
        registries = Arrays.stream(registries).filter(kept -> kept != counters).toArray(LongAdder[][]::new);
    }
}
