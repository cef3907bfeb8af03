package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.logging.LogbackMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * The actuator's {@code logback.events}, counted by the appender watch so that it is the only turbo filter (decision 78):
 * the same meters and counts Micrometer's own filter gives, through a configuration read again, and none after close.
 */
@LanyardSpringTest
class LogLinesCountedTest {
    @Autowired
    ApplicationContext application;
    @Autowired
    MeterRegistry registry;

    @Test
    void linesAreCountedByLevelAsMicrometerCountsThemAndChecksAreNot() {
        LoggerContext context = redacted();
        SimpleMeterRegistry counted = new SimpleMeterRegistry();
        SimpleMeterRegistry micrometers = new SimpleMeterRegistry();
        LogLinesCounted lines = new LogLinesCounted(context);
        lines.bindTo(counted);

        assertThat(context.getTurboFilterList()).singleElement().isInstanceOf(UnredactedAppenderWatch.class);
        new LogbackMetrics(java.util.List.of(), context).bindTo(micrometers);
        Logger logger = context.getLogger("some.counted.logger");
        logger.setLevel(Level.INFO);
        logger.info("one");
        logger.info("two {}", 2);
        logger.warn("three");
        logger.error("four", new IllegalStateException("four"));
        logger.debug("below the level");
        logger.trace("below the level");
        assertThat(logger.isInfoEnabled()).isTrue();
        assertThat(logger.isDebugEnabled()).isFalse();

        for (String level : new String[] {"error", "warn", "info", "debug", "trace"}) {
            FunctionCounter ours = counted.get("logback.events").tag("level", level).functionCounter();
            FunctionCounter theirs = micrometers.get("logback.events").tag("level", level).functionCounter();
            assertThat(ours.count()).as(level).isEqualTo(theirs.count());
            assertThat(ours.getId().getDescription()).isEqualTo(theirs.getId().getDescription());
            assertThat(ours.getId().getBaseUnit()).isEqualTo(theirs.getId().getBaseUnit());
        }
        assertThat(counted.get("logback.events").tag("level", "info").functionCounter().count()).isEqualTo(2);
        assertThat(counted.get("logback.events").tag("level", "debug").functionCounter().count()).isZero();
        context.stop();
    }

    @Test
    void countingGoesOnThroughAConfigurationReadAgainAndStopsAtClose() throws Exception {
        LoggerContext context = redacted();
        SimpleMeterRegistry counted = new SimpleMeterRegistry();
        LogLinesCounted lines = new LogLinesCounted(context);
        lines.bindTo(counted);
        Logger logger = context.getLogger("some.counted.logger");
        logger.setLevel(Level.INFO);
        logger.info("before");

        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        configurator.doConfigure(new ByteArrayInputStream("""
                <configuration>
                  <logger name="some.counted.logger" level="WARN"/>
                </configuration>""".getBytes(StandardCharsets.UTF_8)));
        logger = context.getLogger("some.counted.logger");
        logger.info("below the new level");
        logger.warn("after");

        assertThat(context.getTurboFilterList()).singleElement().isInstanceOf(UnredactedAppenderWatch.class);
        FunctionCounter info = counted.get("logback.events").tag("level", "info").functionCounter();
        FunctionCounter warn = counted.get("logback.events").tag("level", "warn").functionCounter();
        assertThat(info.count()).isEqualTo(1);
        assertThat(warn.count()).isEqualTo(1);

        lines.close();
        logger.warn("after close");
        assertThat(warn.count()).isEqualTo(1);
        context.stop();
    }

    @Test
    void theRunningServerHasOneTurboFilterAndCountsItsLines() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getTurboFilterList()).singleElement().isInstanceOf(UnredactedAppenderWatch.class);
        assertThat(application.getBeansOfType(LogbackMetrics.class).values()).singleElement().isInstanceOf(LogLinesCounted.class);

        FunctionCounter warn = registry.get("logback.events").tag("level", "warn").functionCounter();
        double before = warn.count();
        LoggerFactory.getLogger(LogLinesCountedTest.class).warn("A line the actuator counts.");
        assertThat(warn.count()).isGreaterThanOrEqualTo(before + 1);
    }

    /** A fresh Logback context with the redaction and its watch, as Lanyard sets up the real one. */
    private static LoggerContext redacted() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        RedactedLogs.redactEverywhere(context);
        return context;
    }
}
