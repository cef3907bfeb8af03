package dev.lanyard.account;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sign-up settings ({@code lanyard.sign-up.*}, decision 61).
 *
 * @param confirmEmail whether a sign-up mails a link and creates the account only when it is used, so that sign-up
 *                     never says whether an email has an account. Unset: on when a mail server is configured
 *                     ({@code spring.mail.host}), off otherwise (development, where mail is only kept in the outbox
 *                     page); {@code true} without a mail server stops the start.
 */
@ConfigurationProperties("lanyard.sign-up")
record SignUpSettings(Boolean confirmEmail) {
}
