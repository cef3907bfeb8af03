package dev.lanyard.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.logging.LogbackMetrics;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The actuator's {@code logback.events} (the lines made, by level) with the meters Micrometer's {@link LogbackMetrics}
 * registers (name, {@code level} tag, description, unit; one set per registry, counting from its binding), counted by
 * {@link UnredactedAppenderWatch} instead of a second turbo filter: with two, Logback makes an iterator for each of the
 * framework's level checks, dozens a request, and Lanyard's requests cost 2% more CPU (decision 78). Being a
 * {@code LogbackMetrics} bean, it stands in for the one Spring Boot would make.
 */
@Component
public final class LogLinesCounted extends LogbackMetrics {
    private static final String METER = "logback.events";
    private static final String DESCRIPTION = "Number of log events that were enabled by the effective log level";

    private final LogLineCounts counts;
    private final Map<MeterRegistry, LongAdder[]> bound = new ConcurrentHashMap<>();

    public LogLinesCounted() {
        this((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    LogLinesCounted(LoggerContext context) {
        super(List.of(), context);
        this.counts = LogLineCounts.of(context);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        LongAdder[] counters = new LongAdder[LogLineCounts.LEVELS.length];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
            FunctionCounter.builder(METER, counters[i], LongAdder::sum)
                    .tags("level", LogLineCounts.LEVELS[i].toString().toLowerCase(Locale.ROOT))
                    .description(DESCRIPTION).baseUnit(BaseUnits.EVENTS).register(registry);
        }
        LongAdder[] before = bound.put(registry, counters);
        if (before != null) counts.remove(before);
        counts.add(counters);
    }

    /** Stops counting for the registries bound: the application context is closing. */
    @Override
    public void close() {
        bound.values().forEach(counts::remove);
        bound.clear();
    }
}
