package dev.lanyard.account;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Mail settings ({@code lanyard.mail.*}); the SMTP server itself is Spring's {@code spring.mail.*}.
 *
 * @param from          the sender address
 * @param baseUrl       the address people use to reach Lanyard, for links in mail
 * @param retryInterval how often the outbox looks for mail due again (a mail is also tried right after its commit)
 * @param firstRetry    the wait after the first failed attempt; it doubles with each failure
 * @param maxRetryDelay the longest wait between two attempts
 * @param maxAttempts   attempts before a mail is given up (and its body erased)
 * @param invitationsPerDay invitation mails (invitations and resends) one team may send in any 24 hours
 *
 * <p>Unset, each has its default; a value that is set and out of range stops the start (Boot's "failed to bind"
 * report names it). The counts are boxed so that an unset one ({@code null}) differs from a 0 that was set.
 */
@ConfigurationProperties("lanyard.mail")
record MailSettings(String from, String baseUrl, Duration retryInterval, Duration firstRetry, Duration maxRetryDelay,
                    Integer maxAttempts, Integer invitationsPerDay) {
    MailSettings {
        if (from == null || from.isBlank()) from = "lanyard@localhost";
        if (baseUrl == null || baseUrl.isBlank()) baseUrl = MailBaseUrl.DEFAULT;
        if (baseUrl.endsWith("/")) baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        dev.lanyard.ops.InvalidSetting.requireWebAddress("lanyard.mail.base-url", baseUrl);
        if (!mailAddress(from))
            throw new IllegalArgumentException("lanyard.mail.from must be one mail address (like lanyard@example.com or "
                    + "\"Lanyard <lanyard@example.com>\"), not '" + from + "'");
        if (retryInterval == null) retryInterval = Duration.ofSeconds(30);
        if (firstRetry == null) firstRetry = Duration.ofSeconds(30);
        if (maxRetryDelay == null) maxRetryDelay = Duration.ofHours(1);
        if (maxAttempts == null) maxAttempts = 20;
        if (invitationsPerDay == null) invitationsPerDay = 100;
        // @Scheduled reads retry-interval too: 0 or negative, it would stop the start later, unexplained.
        requirePositive("retry-interval", retryInterval, "30s");
        requirePositive("first-retry", firstRetry, "30s");
        requirePositive("max-retry-delay", maxRetryDelay, "1h");
        if (maxAttempts <= 0) throw new IllegalArgumentException("lanyard.mail.max-attempts must be at least 1 (like 20), not " + maxAttempts);
        if (invitationsPerDay <= 0)
            throw new IllegalArgumentException("lanyard.mail.invitations-per-day must be at least 1 (like 100), not " + invitationsPerDay);
    }

    private static boolean mailAddress(String from) {
        try {
            jakarta.mail.internet.InternetAddress[] parsed = jakarta.mail.internet.InternetAddress.parse(from, true);
            if (parsed.length != 1) return false;
            parsed[0].validate();
            String address = parsed[0].getAddress();
            int at = address.lastIndexOf('@');
            return at > 0 && at < address.length() - 1;
        } catch (jakarta.mail.internet.AddressException e) {
            return false;
        }
    }

    private static void requirePositive(String name, Duration value, String example) {
        if (value.isZero() || value.isNegative())
            throw new IllegalArgumentException("lanyard.mail." + name + " must be longer than 0s (like " + example + ")");
    }

    /** How long to wait after {@code attempts} failed attempts: doubling from {@link #firstRetry}, at most {@link #maxRetryDelay}. */
    Duration retryDelay(int attempts) {
        Duration delay = firstRetry;
        for (int i = 1; i < attempts && delay.compareTo(maxRetryDelay) < 0; i++) delay = delay.multipliedBy(2);
        return delay.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : delay;
    }
}
