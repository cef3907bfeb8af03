package dev.lanyard.starter;

import java.time.Clock;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.servlet.OAuth2ClientWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The starter, switched on by {@code lanyard.url}: sign-in through Lanyard, local access-token
 * validation, the set of ended sessions and what feeds it (Shared Signals push or poll,
 * back-channel logout), and the filter that refuses ended logins.
 */
@AutoConfiguration(before = {OAuth2ClientAutoConfiguration.class, OAuth2ClientWebSecurityAutoConfiguration.class,
        OAuth2ResourceServerAutoConfiguration.class, OAuth2ResourceServerWebSecurityAutoConfiguration.class,
        ServletWebSecurityAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "lanyard", name = "url")
@EnableConfigurationProperties(LanyardProperties.class)
public class LanyardAutoConfiguration {

    private static Clock clock(ObjectProvider<Clock> clock) {
        return clock.getIfUnique(Clock::systemUTC);
    }

    @Bean
    LanyardEndpoints lanyardEndpoints(LanyardProperties properties) {
        return new LanyardEndpoints(properties);
    }

    @Bean
    UnreachableLanyard.Probe lanyardProbe(LanyardProperties properties) {
        return new UnreachableLanyard.Probe(properties, UnreachableLanyard.Probe.KEEP);
    }

    @Bean
    LanyardKeys lanyardKeys(LanyardEndpoints endpoints) {
        return new LanyardKeys(endpoints);
    }

    @Bean
    EndedSessions lanyardEndedSessions(LanyardProperties properties, ObjectProvider<Clock> clock) {
        return new EndedSessions(clock(clock), properties.signals().endedRetention(), properties.signals().endedCapacity());
    }

    @Bean
    ClientCredentials lanyardClientCredentials(LanyardEndpoints endpoints, LanyardProperties properties, ObjectProvider<Clock> clock) {
        return new ClientCredentials(endpoints, properties, clock(clock));
    }

    @Bean
    SsfStreams lanyardStreams(LanyardEndpoints endpoints, ClientCredentials credentials, LanyardProperties properties) {
        return new SsfStreams(endpoints, credentials, properties);
    }

    @Bean
    SecurityEventTokens lanyardSecurityEventTokens(LanyardKeys keys, LanyardProperties properties, SsfStreams streams, ObjectProvider<Clock> clock) {
        return new SecurityEventTokens(keys, properties, streams::audiences, clock(clock));
    }

    @Bean
    SessionSignals lanyardSessionSignals(EndedSessions ended, LanyardProperties properties) {
        return new SessionSignals(ended, properties.issuer());
    }

    @Bean
    LogoutTokens lanyardLogoutTokens(LanyardKeys keys, LanyardProperties properties, ObjectProvider<Clock> clock) {
        return new LogoutTokens(keys, properties, clock(clock));
    }

    @Bean
    SsfPoller lanyardPoller(LanyardEndpoints endpoints, ClientCredentials credentials, SecurityEventTokens tokens,
                            SessionSignals signals, LanyardProperties properties) {
        return new SsfPoller(endpoints, credentials, tokens, signals, properties.signals().maxEvents());
    }

    @Bean
    SignalsLifecycle lanyardSignalsLifecycle(LanyardProperties properties, SsfStreams streams, SsfPoller poller, EndedSessions ended,
                                             ObjectProvider<Clock> clock) {
        return new SignalsLifecycle(properties, streams, poller, ended, clock(clock));
    }

    @Bean
    @ConditionalOnExpression("'${lanyard.signals.delivery:push}'.equalsIgnoreCase('push')")
    SignalEndpoints.Push lanyardPushEndpoint(SecurityEventTokens tokens, SessionSignals signals, LanyardProperties properties) {
        return new SignalEndpoints.Push(tokens, signals, SsfStreams.pushAuthorization(properties));
    }

    @Bean
    SignalEndpoints.BackChannelLogout lanyardBackChannelLogoutEndpoint(LogoutTokens tokens, EndedSessions ended) {
        return new SignalEndpoints.BackChannelLogout(tokens, ended);
    }

    @Bean
    @ConditionalOnMissingBean
    LanyardClientRegistrations lanyardClientRegistrations(LanyardEndpoints endpoints, LanyardProperties properties) {
        return new LanyardClientRegistrations(endpoints, properties);
    }

    /** Access tokens sent to the app's API: Lanyard's signature (cached JWKS), issuer, audience, lifetime, and an access token's shape. */
    @Bean
    @ConditionalOnMissingBean
    JwtDecoder lanyardJwtDecoder(LanyardKeys keys, LanyardProperties properties, ObjectProvider<Clock> clock) {
        return accessTokens(keys, properties, clock(clock));
    }

    /**
     * Lanyard's ID tokens, logout tokens and SETs are signed by the same keys and may name the app as their audience:
     * only an access token is taken as one. It carries the scopes it grants, and none of an ID token's {@code nonce} or
     * {@code azp}, nor a logout token's or SET's {@code events}; its {@code typ}, if any, is {@code JWT} or
     * {@code at+jwt} (RFC 9068).
     */
    static JwtDecoder accessTokens(JWKSource<SecurityContext> keys, LanyardProperties properties, Clock clock) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys)
                .jwsAlgorithms(algorithms -> SecurityEventTokens.ALGORITHMS.stream()
                        .map(a -> org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.from(a.getName()))
                        .filter(java.util.Objects::nonNull).forEach(algorithms::add))
                .build();
        JwtTimestampValidator lifetime = new JwtTimestampValidator(properties.clockSkew());
        lifetime.setClock(clock);
        List<String> audiences = properties.audiences();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(lifetime, new JwtIssuerValidator(properties.issuer()),
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.stream().anyMatch(audiences::contains)),
                jwt -> accessToken(jwt, properties.clientId()), jwt -> ofAPerson(jwt, properties.clientId())));
        return decoder;
    }

    /**
     * A bearer token on the app's API stands for a person's login: it names their Lanyard session ({@code sid}), which
     * is what ends it. An app's own client-credentials token (its subject the client, no {@code sid}) is no login, and
     * with no {@code sid} the {@link EndedSessionFilter} could never refuse it.
     */
    private static OAuth2TokenValidatorResult ofAPerson(Jwt jwt, String clientId) {
        String sid = jwt.getClaimAsString("sid");
        boolean person = sid != null && !sid.isBlank() && jwt.getSubject() != null && !jwt.getSubject().equals(clientId);
        return person ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
                        "Not a person's access token: it names no Lanyard session (sid), as an app's own client credentials token does", null));
    }

    /**
     * An access token of Lanyard's: typed as one (or untyped), with {@code scope}, and none of an ID token's, logout
     * token's or SET's claims. The app's own client-credentials token without a scope (its subject the client, which no
     * person's ID token has, and no {@code sid}) is told apart too, so that it is refused for naming no session.
     */
    private static OAuth2TokenValidatorResult accessToken(Jwt jwt, String clientId) {
        Object type = jwt.getHeaders().get("typ");
        boolean typed = type == null || "JWT".equalsIgnoreCase(type.toString()) || "at+jwt".equalsIgnoreCase(type.toString())
                || "application/at+jwt".equalsIgnoreCase(type.toString());
        boolean appsOwn = clientId.equals(jwt.getSubject()) && !jwt.hasClaim("sid");
        boolean access = typed && (jwt.hasClaim("scope") || appsOwn) && !jwt.hasClaim("nonce") && !jwt.hasClaim("azp")
                && !jwt.hasClaim("events");
        return access ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
                        "Not an access token of Lanyard's (an ID token, logout token or SET is no bearer token)", null));
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 50)
    LanyardSignalsChain lanyardSignalsChain(HttpSecurity http, LanyardProperties properties) throws Exception {
        http.securityMatcher(properties.signals().pushPath(), properties.signals().backchannelLogoutPath())
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return new LanyardSignalsChain(http.build());
    }

    /** For an app without a security filter chain of its own: every page needs a Lanyard sign-in. */
    @Bean
    @ConditionalOnMissingBean(value = SecurityFilterChain.class, ignored = LanyardSignalsChain.class)
    SecurityFilterChain lanyardAppChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/error").permitAll().anyRequest().authenticated())
                .with(LanyardConfigurer.lanyard(), Customizer.withDefaults());
        return http.build();
    }
}
