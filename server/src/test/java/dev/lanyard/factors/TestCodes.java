package dev.lanyard.factors;

import java.time.Instant;

/** Authenticator codes for tests outside this package (browser tests, benchmarks), from the secret a page shows. */
public final class TestCodes {
    private TestCodes() {
    }

    /** The code of the time step {@code at} falls in. */
    public static String now(String shownSecret, Instant at) {
        return Totp.code(Base32.decode(shownSecret.strip()).orElseThrow(), Totp.step(at));
    }

    /** The code of the step after {@code at}'s: accepted (±1 step) and newer than any code used so far. */
    public static String next(String shownSecret, Instant at) {
        return Totp.code(Base32.decode(shownSecret.strip()).orElseThrow(), Totp.step(at) + 1);
    }
}
