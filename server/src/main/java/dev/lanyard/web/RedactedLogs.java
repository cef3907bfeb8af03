package dev.lanyard.web;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.lanyard.account.LinkTokens;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Keeps the secrets that requests carry out of every logged line, whoever logs it. Lanyard's own lines already leave
 * them out, but Spring's DEBUG logging ({@code org.springframework.web}, {@code …security}) prints each request's path
 * and query string and each redirect's target: a mailed link's token, an {@code id_token_hint}, the authorization code
 * on its way to an app. An operator who turns DEBUG on to chase a problem must not thereby hand those to everyone who
 * reads the log.
 *
 * <p>Runs right after Spring Boot has set up logging (which it does again for every application started in one JVM)
 * and puts each of the root logger's appenders behind one that writes the line with those values replaced by
 * {@code [redacted]}. A line without them goes through as it was.
 */
public final class RedactedLogs implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {
    /**
     * Parameters (and a record's components, as {@code toString} writes them) whose value is a credential or a token:
     * {@code code}, {@code challenge}, the hints, and any name ending in password, secret or token ({@code newPassword},
     * {@code client_secret}, {@code refresh_token}). The value runs to the next separator of a query or a record.
     */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)(\\b(?:code|code_verifier|challenge|id_token_hint|logout_hint|\\w*password|\\w*secret|\\w*token)=)[^&\\s\"',}\\]]+");

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            redactAppenders(context.getLogger(Logger.ROOT_LOGGER_NAME));
        }
    }

    /** {@code text} with mailed links' tokens and secret parameters' values replaced; the same instance when it has none. */
    static String redact(String text) {
        if (text == null) {
            return null;
        }
        String links = LinkTokens.redact(text);
        String redacted = SECRET_PARAMETER.matcher(links).replaceAll("$1[redacted]");
        return redacted.equals(text) ? text : redacted;
    }

    static void redactAppenders(Logger root) {
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(appenders::add);
        for (Appender<ILoggingEvent> appender : appenders) {
            if (appender instanceof Redacting) {
                continue;
            }
            Redacting redacting = new Redacting(appender);
            redacting.setContext(appender.getContext());
            redacting.setName(appender.getName());
            redacting.start();
            root.addAppender(redacting);
            root.detachAppender(appender);
        }
    }

    /** Hands each event to the appender it stands in front of, redacted when its message needs it. */
    static final class Redacting extends UnsynchronizedAppenderBase<ILoggingEvent> {
        private final Appender<ILoggingEvent> appender;

        Redacting(Appender<ILoggingEvent> appender) {
            this.appender = appender;
        }

        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            String redacted = redact(message);
            appender.doAppend(redacted == message ? event : new RedactedEvent(event, redacted));
        }

        @Override
        public void stop() {
            appender.stop();
            super.stop();
        }
    }

    /** An event as it was, but for its message, which is the redacted one and has no arguments left to fill in. */
    private record RedactedEvent(ILoggingEvent event, String message) implements ILoggingEvent {
        @Override
        public String getMessage() {
            return message;
        }

        @Override
        public Object[] getArgumentArray() {
            return null;
        }

        @Override
        public String getFormattedMessage() {
            return message;
        }

        @Override
        public String getThreadName() {
            return event.getThreadName();
        }

        @Override
        public Level getLevel() {
            return event.getLevel();
        }

        @Override
        public String getLoggerName() {
            return event.getLoggerName();
        }

        @Override
        public LoggerContextVO getLoggerContextVO() {
            return event.getLoggerContextVO();
        }

        @Override
        public IThrowableProxy getThrowableProxy() {
            return event.getThrowableProxy();
        }

        @Override
        public StackTraceElement[] getCallerData() {
            return event.getCallerData();
        }

        @Override
        public boolean hasCallerData() {
            return event.hasCallerData();
        }

        @Override
        public List<Marker> getMarkerList() {
            return event.getMarkerList();
        }

        @Override
        public Map<String, String> getMDCPropertyMap() {
            return event.getMDCPropertyMap();
        }

        @Override
        @SuppressWarnings("deprecation")
        public Map<String, String> getMdc() {
            return event.getMdc();
        }

        @Override
        public long getTimeStamp() {
            return event.getTimeStamp();
        }

        @Override
        public Instant getInstant() {
            return event.getInstant();
        }

        @Override
        public int getNanoseconds() {
            return event.getNanoseconds();
        }

        @Override
        public long getSequenceNumber() {
            return event.getSequenceNumber();
        }

        @Override
        public List<KeyValuePair> getKeyValuePairs() {
            return event.getKeyValuePairs();
        }

        @Override
        public void prepareForDeferredProcessing() {
            event.prepareForDeferredProcessing();
        }
    }
}
