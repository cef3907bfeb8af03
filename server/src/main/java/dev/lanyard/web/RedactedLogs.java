package dev.lanyard.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.ConfigurationEvent;
import ch.qos.logback.core.spi.ConfigurationEventListener;
import dev.lanyard.account.LinkTokens;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * code attached since ({@link UnredactedAppenderWatch}). A line without them goes through as it was.
 */
public final class RedactedLogs implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {
    /**
     * Names whose value is a credential or a token, as a parameter, a record's component, a header, a cookie list or a
     * JSON member: {@code code}, {@code challenge}, the hints, the CSRF token, any name ending in password, secret or
     * token ({@code newPassword}, {@code client_secret}, {@code X-XSRF-TOKEN}), and the headers that carry credentials.
     */
    private static final String SECRET_NAME = "code|code_verifier|challenge|id_token_hint|logout_hint|_csrf|[\\w-]*password"
            + "|[\\w-]*secret|[\\w-]*token|(?:proxy-)?authorization(?:_header)?|cookies?|set-cookie2?|x-api-key";
    /**
     * A secret name and its value where a structure says where the value ends: Spring's maps of headers and parameters
     * ({@code Authorization:[Bearer …]}, {@code {authorization=[…]}}, to the {@code ]} before the next entry or the
     * map's end), Spring's {@code HttpHeaders} ({@code Set-Cookie:"…"}) and JSON ({@code "password":"…"}).
     */
    private static final Pattern SECRET_IN_STRUCTURE = Pattern.compile("(?i)(?<![\\w-])(\"?)(" + SECRET_NAME + ")\\1(\\s*[:=]\\s*)"
            + "(\\[(?!redacted\\])(?:.*?)\\](?=,\\s|\\}|\\s*$)|\"(?!\\[redacted\\]\")(?:[^\"\\\\]|\\\\.)*\")");
    /** A query's or a record's {@code name=value}: the value runs to the next separator. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)(\\b(?:code|code_verifier|challenge|id_token_hint|logout_hint|_csrf|\\w*password|\\w*secret|\\w*token)=)(?!\\[redacted\\])[^&\\s\"',}\\]]+");
    /**
     * A header as HTTP writes it ({@code Authorization: Bearer …}), in a raw request Tomcat prints, a client's header
     * log or Tomcat's cookie parser's line ({@code Cookies: …}): the value runs to the end of the line.
     */
    private static final Pattern SECRET_HEADER_LINE = Pattern.compile("(?im)(^|[\\s\">])((?:proxy-)?authorization|cookies?|set-cookie2?"
            + "|x-api-key|[\\w-]*(?:token|secret|password))(:[ \\t]+)(?!\\[redacted\\])[^\\r\\n]+");
    /**
     * A bearer token wherever it stands, such as a value bound to SQL or a query string ({@code Bearer%20…},
     * {@code Bearer+…}, review AN); not the English words that follow "bearer" in prose, such as migration V30's name in
     * Flyway's upgrade line ("30 - bearer sessions", review AM), unless more of a token follows them.
     */
    private static final Pattern BEARER = Pattern.compile("(?i)(\\bbearer(?:\\s+|%20|\\+))(?!\\[redacted\\]"
            + "|(?:sessions?|tokens?|authentication|authorization)(?![A-Za-z0-9._~+/-]))[A-Za-z0-9._~+/-]{8,}=*");
    /** Words that one of the patterns above (or a mailed link) needs; a line without any is not scanned further. */
    private static final String[] CLUES = {"/invite/", "/not-me/", "/signup/confirm/", "/login/reset/", "code", "challenge", "_hint",
            "csrf", "password", "secret", "token", "authorization", "cookie", "x-api-key", "bearer"};
    private static final String CLUE_STARTS = "/c_pstabx";

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
     * {@code text} with mailed links' tokens, secret parameters' values and credential headers' values replaced; the
     * same instance when it has none. A line without any of the words those need is returned unscanned.
     */
    static String redact(String text) {
        if (text == null || !mayHoldSecrets(text)) {
            return text;
        }
        String redacted = LinkTokens.redact(text);
        redacted = SECRET_IN_STRUCTURE.matcher(redacted).replaceAll(found -> Matcher.quoteReplacement(found.group(1) + found.group(2)
                + found.group(1) + found.group(3) + (found.group(4).startsWith("[") ? "[redacted]" : "\"[redacted]\"")));
        redacted = SECRET_PARAMETER.matcher(redacted).replaceAll("$1[redacted]");
        redacted = SECRET_HEADER_LINE.matcher(redacted).replaceAll("$1$2$3[redacted]");
        redacted = BEARER.matcher(redacted).replaceAll("$1[redacted]");
        return redacted.equals(text) ? text : redacted;
    }

    /** Whether {@code text} holds one of the {@link #CLUES}, ignoring case: one pass, no regular expression. */
    private static boolean mayHoldSecrets(String text) {
        for (int i = 0, length = text.length(); i < length; i++) {
            char c = Character.toLowerCase(text.charAt(i));
            if (CLUE_STARTS.indexOf(c) < 0) {
                continue;
            }
            for (String clue : CLUES) {
                if (clue.charAt(0) == c && text.regionMatches(true, i, clue, 0, clue.length())) {
                    return true;
                }
            }
        }
        return false;
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
}
