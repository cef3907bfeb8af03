package dev.lanyard.web;

import static dev.lanyard.web.RedactedText.redact;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What {@link RedactedLogs} does to a logged exception: a copy whose messages are redacted ({@link RedactedText}) and
 * which prints as the original otherwise.
 */
final class RedactedThrowables {
    private RedactedThrowables() {
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
}
