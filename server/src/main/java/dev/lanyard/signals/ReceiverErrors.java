package dev.lanyard.signals;

import tools.jackson.databind.json.JsonMapper;

/**
 * What a receiver's refusal, or a failed exchange, means for a signal: whether it is worth trying again, and what is
 * kept of it (a short error code, a failure's first line), never a token nor the receiver's body as a whole.
 */
final class ReceiverErrors {
    private ReceiverErrors() {
    }

    /**
     * Whether a refusal may pass: the server's trouble (5xx, 408, 429), an answer that is no answer (another
     * 2xx, a redirect), a receiver being deployed (404) or whose credentials or keys are being rotated (401,
     * 403, and RFC 8935's {@code authentication_failed} and {@code invalid_key}, which name a key "expired,
     * revoked" or one the receiver could not fetch). A SET the receiver finds malformed, or not meant for it
     * ({@code invalid_request}, {@code invalid_issuer}, {@code invalid_audience}, {@code access_denied}, or a
     * 400 without a code), will be refused again: it is given up at once.
     */
    static boolean worthRetrying(int status, String err) {
        if (status >= 500 || status == 408 || status == 429 || status < 400) return true;
        if (status == 401 || status == 403 || status == 404) return true;
        return passes(err);
    }

    /**
     * Whether a receiver's error code (RFC 8935, also a poll's {@code setErrs}, RFC 8936) names a trouble that
     * passes: a key "expired, revoked" or one it could not fetch, which it has once its rotation is done.
     */
    static boolean passes(String err) {
        return err.equals("authentication_failed") || err.equals("invalid_key");
    }

    /** The receiver's own error code (RFC 8935 section 2.3), shortened, or ""; never the body as a whole. */
    static String receiverError(JsonMapper json, String body) {
        try {
            var node = json.readTree(body == null ? "" : body);
            return errorCode(node.path("err").asString(""));
        } catch (RuntimeException notJson) {
            return ""; // nothing of it is kept
        }
    }

    /** A receiver's error code as Lanyard keeps and shows it: shortened, letters, digits, '_' and '-' only. */
    static String errorCode(String err) {
        if (err == null) return "";
        return (err.length() > 40 ? err.substring(0, 40) : err).replaceAll("[^A-Za-z0-9_-]", "");
    }

    /** The failure's class and first line: a URI or a host at most, never a token (they go in bodies and headers only). */
    static String describe(Throwable e) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse(""));
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
