package dev.lanyard.apps;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring's {@code spring.security.oauth2.authorizationserver.issuer}, checked when it is bound, so that a value
 * Spring Authorization Server would refuse stops the start with Boot's short "failed to bind" report naming it
 * instead of a long stack trace from deep in the security chain's set-up. {@link AuthorizationServerConfiguration}
 * takes it, so it is bound before that chain is built. Spring's own settings still come from Boot's properties.
 *
 * @param issuer the OpenID Connect issuer: an http or https URL without query or fragment; none (the default): from
 *               each request. Set but empty is refused.
 */
@ConfigurationProperties("spring.security.oauth2.authorizationserver")
record IssuerSetting(String issuer) {
    IssuerSetting {
        // Set but empty, Spring Authorization Server refused it after the migration, in a 120-line trace (outside review AJ).
        if (issuer != null && issuer.isBlank())
            throw new IllegalArgumentException("spring.security.oauth2.authorizationserver.issuer is set but empty: give an http or https"
                    + " URL (like https://lanyard.example.com) or leave it unset (lanyard.web.public-url, else each request's own)");
        dev.lanyard.ops.InvalidSetting.requireWebAddress("spring.security.oauth2.authorizationserver.issuer", issuer);
    }
}
