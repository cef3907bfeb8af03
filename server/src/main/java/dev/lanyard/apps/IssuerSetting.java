package dev.lanyard.apps;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring's {@code spring.security.oauth2.authorizationserver.issuer}, checked when it is bound, so that a value
 * Spring Authorization Server would refuse stops the start with Boot's short "failed to bind" report naming it
 * instead of a long stack trace from deep in the security chain's set-up. {@link AuthorizationServerConfiguration}
 * takes it, so it is bound before that chain is built. Spring's own settings still come from Boot's properties.
 *
 * @param issuer the OpenID Connect issuer: an http or https URL without query or fragment; none (the default): from
 *               each request
 */
@ConfigurationProperties("spring.security.oauth2.authorizationserver")
record IssuerSetting(String issuer) {
    IssuerSetting {
        dev.lanyard.ops.InvalidSetting.requireWebAddress("spring.security.oauth2.authorizationserver.issuer", issuer);
    }
}
