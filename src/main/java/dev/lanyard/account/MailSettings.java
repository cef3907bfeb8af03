package dev.lanyard.account;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Mail settings ({@code lanyard.mail.*}); the SMTP server itself is Spring's {@code spring.mail.*}.
 *
 * @param from    the sender address
 * @param baseUrl the address people use to reach Lanyard, for links in mail
 */
@ConfigurationProperties("lanyard.mail")
record MailSettings(String from, String baseUrl) {
    MailSettings {
        if (from == null || from.isBlank()) from = "lanyard@localhost";
        if (baseUrl == null || baseUrl.isBlank()) baseUrl = "http://localhost:8080";
        if (baseUrl.endsWith("/")) baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
}
