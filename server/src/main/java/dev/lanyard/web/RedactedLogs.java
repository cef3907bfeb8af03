package dev.lanyard.web;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.lanyard.account.LinkTokens;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * The exception's messages, its causes' and suppressed ones' included, redacted: a library's exception may carry a
     * request's URL in its message, and its stack trace is logged at ERROR, whatever the levels. The same proxy when
     * none has anything to redact; otherwise one made from a copy of the exception whose every throwable prints as
     * the original (class name, redacted message, stack trace), so that pattern layouts and structured formats, which
     * may print the throwable itself, write the same lines but for the secrets.
     */
    static IThrowableProxy redactThrowable(IThrowableProxy proxy) {
        if (!(proxy instanceof ThrowableProxy logged) || logged.getThrowable() == null) {
            return proxy;
        }
        Throwable thrown = logged.getThrowable();
        if (!carriesSecrets(thrown, Collections.newSetFromMap(new IdentityHashMap<>()))) {
            return proxy;
        }
        return new RedactedProxy(thrown.getClass().getName(), RedactedThrowable.of(thrown, new IdentityHashMap<>()));
    }

    private static boolean carriesSecrets(Throwable thrown, Set<Throwable> seen) {
        if (thrown == null || !seen.add(thrown)) {
            return false;
        }
        String text = thrown.toString();
        if (redact(text) != text || carriesSecrets(thrown.getCause(), seen)) {
            return true;
        }
        for (Throwable suppressed : thrown.getSuppressed()) {
            if (carriesSecrets(suppressed, seen)) {
                return true;
            }
        }
        return false;
    }

    /** MDC values redacted; the same map when none needs it. */
    static Map<String, String> redactMdc(Map<String, String> mdc) {
        if (mdc == null || mdc.isEmpty() || mdc.values().stream().allMatch(v -> redact(v) == v)) {
            return mdc;
        }
        Map<String, String> redacted = new LinkedHashMap<>();
        mdc.forEach((key, value) -> redacted.put(key, redact(value)));
        return Collections.unmodifiableMap(redacted);
    }

    /** A logged exception's stand-in: prints as the original did, with its secrets redacted. */
    private static final class RedactedThrowable extends Throwable {
        private final String shown;
        private final String message;

        private RedactedThrowable(String shown, String message) {
            super(message);
            this.shown = shown;
            this.message = message;
        }

        /** {@code thrown} and every throwable it holds, copied once each (a cycle stays a cycle). */
        static RedactedThrowable of(Throwable thrown, Map<Throwable, RedactedThrowable> copied) {
            RedactedThrowable done = copied.get(thrown);
            if (done != null) {
                return done;
            }
            RedactedThrowable copy = new RedactedThrowable(redact(thrown.toString()), redact(thrown.getMessage()));
            copied.put(thrown, copy);
            copy.setStackTrace(thrown.getStackTrace());
            if (thrown.getCause() != null) {
                copy.initCause(of(thrown.getCause(), copied));
            }
            for (Throwable suppressed : thrown.getSuppressed()) {
                copy.addSuppressed(of(suppressed, copied));
            }
            return copy;
        }

        @Override
        public String getMessage() {
            return message;
        }

        @Override
        public String toString() {
            return shown;
        }
    }

    /** The proxy of a {@link RedactedThrowable}, named after the exception it stands for. */
    private static final class RedactedProxy extends ThrowableProxy {
        private final String className;

        RedactedProxy(String className, RedactedThrowable copy) {
            super(copy);
            this.className = className;
        }

        @Override
        public String getClassName() {
            return className;
        }
    }

    /** Hands each event to the appender it stands in front of, redacted when its message, exception or MDC needs it. */
    static final class Redacting extends UnsynchronizedAppenderBase<ILoggingEvent> {
        private final Appender<ILoggingEvent> appender;

        Redacting(Appender<ILoggingEvent> appender) {
            this.appender = appender;
        }

        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            String redacted = redact(message);
            IThrowableProxy thrown = redactThrowable(event.getThrowableProxy());
            Map<String, String> mdc = redactMdc(event.getMDCPropertyMap());
            boolean same = redacted == message && thrown == event.getThrowableProxy() && mdc == event.getMDCPropertyMap();
            appender.doAppend(same ? event : new RedactedEvent(event, redacted, thrown, mdc));
        }

        @Override
        public void stop() {
            appender.stop();
            super.stop();
        }
    }

    /**
     * An event as it was, but for its message, which is the redacted one and has no arguments left to fill in, and its
     * exception and MDC, redacted.
     */
    private record RedactedEvent(ILoggingEvent event, String message, IThrowableProxy thrown, Map<String, String> mdc)
            implements ILoggingEvent {
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
            return thrown;
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
            return mdc;
        }

        @Override
        @SuppressWarnings("deprecation")
        public Map<String, String> getMdc() {
            return mdc;
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
