package dev.lanyard.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.ConfigurationEvent;
import ch.qos.logback.core.spi.ConfigurationEventListener;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Keeps the secrets that requests carry out of every logged line, whoever logs it. Lanyard's own lines already leave
 * them out, but Spring's DEBUG logging ({@code org.springframework.web}, {@code …security}) prints each request's path
 * and query string and each redirect's target: a mailed link's token, an {@code id_token_hint}, the authorization code
 * on its way to an app; and TRACE logging (Spring's request details, Tomcat's raw requests, the JDK's HTTP client)
 * prints headers and bodies: bearer tokens, session cookies, passwords. An operator who turns DEBUG on to chase a
 * problem must not thereby hand those to everyone who reads the log.
 *
 * <p>Runs right after Spring Boot has set up logging (which it does again for every application started in one JVM)
 * and puts each appender of each logger behind one that writes the line with those values replaced by
 * {@code [redacted]}, and again whenever Logback reads a configuration or a logging call would reach an appender that
 * code attached since ({@link UnredactedAppenderWatch}). A line without them goes through as it was. What is replaced
 * in a line's text is {@link RedactedText}'s to say, and in a logged exception {@link RedactedThrowables}'.
 */
public final class RedactedLogs implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {
    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            redactEverywhere(context);
        }
    }

    /**
     * Puts {@code context}'s appenders behind the redaction now, those code attaches later when a line would reach them,
     * and those of each configuration Logback reads from now on; repeating it changes nothing.
     */
    static void redactEverywhere(LoggerContext context) {
        redactAppenders(context);
        UnredactedAppenderWatch.watch(context);
        Reconfigured listener = new Reconfigured(context);
        context.removeConfigurationEventListener(listener);
        context.addConfigurationEventListener(listener);
    }

    /**
     * Puts every appender of every logger of {@code context} behind the redaction, once: one already behind it is left
     * as it is, and an appender several loggers share gets one stand-in, attached where the appender was. Each is
     * detached before its stand-in is attached, so no line is written twice (once unredacted); a line logged in between
     * on a logger without additivity is lost. One caller at a time: two threads that notice the same new appender
     * ({@link UnredactedAppenderWatch}) must not each attach a stand-in for it.
     */
    static synchronized void redactAppenders(LoggerContext context) {
        List<Logger> loggers = context.getLoggerList();
        Map<Appender<ILoggingEvent>, Redacting> standIns = new IdentityHashMap<>();
        for (Logger logger : loggers) {
            logger.iteratorForAppenders().forEachRemaining(appender -> {
                if (appender instanceof Redacting redacting) {
                    standIns.put(redacting.appender, redacting);
                }
            });
        }
        for (Logger logger : loggers) {
            List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
            logger.iteratorForAppenders().forEachRemaining(appenders::add);
            for (Appender<ILoggingEvent> appender : appenders) {
                if (appender instanceof Redacting) {
                    continue;
                }
                Redacting redacting = standIns.computeIfAbsent(appender, Redacting::of);
                if (logger.detachAppender(appender)) {
                    logger.addAppender(redacting);
                }
            }
        }
    }

    /**
     * Puts the appenders a Logback configuration attached behind the redaction when it has been read: an operator's
     * file read again on a change ({@code scan="true"}) or through JMX, which first detaches every appender and every
     * turbo filter, the {@link UnredactedAppenderWatch} that catches appenders attached by code included.
     */
    private record Reconfigured(LoggerContext context) implements ConfigurationEventListener {
        @Override
        public void listen(ConfigurationEvent event) {
            switch (event.getEventType()) {
                case CONFIGURATION_ENDED_SUCCESSFULLY, PARTIAL_CONFIGURATION_ENDED_SUCCESSFULLY, CONFIGURATION_ENDED_WITH_XML_PARSING_ERRORS -> {
                    redactAppenders(context);
                    UnredactedAppenderWatch.watch(context);
                }
                default -> {
                }
            }
        }
    }

    /** Hands each event to the appender it stands in front of, redacted when its message, exception or MDC needs it. */
    static final class Redacting extends UnsynchronizedAppenderBase<ILoggingEvent> {
        private final Appender<ILoggingEvent> appender;

        Redacting(Appender<ILoggingEvent> appender) {
            this.appender = appender;
        }

        /** A started stand-in for {@code appender}, under its name. */
        static Redacting of(Appender<ILoggingEvent> appender) {
            Redacting redacting = new Redacting(appender);
            redacting.setContext(appender.getContext());
            redacting.setName(appender.getName());
            redacting.start();
            return redacting;
        }

        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            String redacted = RedactedText.redact(message);
            IThrowableProxy thrown = RedactedThrowables.redactThrowable(event.getThrowableProxy());
            Map<String, String> mdc = RedactedText.redactMdc(event.getMDCPropertyMap());
            boolean same = redacted == message && thrown == event.getThrowableProxy() && mdc == event.getMDCPropertyMap();
            appender.doAppend(same ? event : new RedactedEvent(event, redacted, thrown, mdc));
        }

        @Override
        public void stop() {
            appender.stop();
            super.stop();
        }
    }
}
