package dev.lanyard.apps;

import java.util.Objects;

import dev.lanyard.account.AccountId;
import dev.lanyard.factors.SecondFactorRequirement;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Introspection within a team (RFC 7662 section 4: the server decides whom it answers about which
 * token): a token is active to an app of the team whose app it was issued to, and
 * {@code {"active":false}} to every other, as an unknown token is. Without it, any confidential app
 * of any team learned who a member of another team is, with which app, and for how long (outside
 * review). Both teams come from the registered clients, which are cached: introspection still
 * costs no database query.
 */
final class TeamIntrospection implements AuthenticationProvider {
    private final OAuth2TokenIntrospectionAuthenticationProvider spring;
    private final RegisteredClientRepository clients;
    private final SecondFactorRequirement secondFactor;

    TeamIntrospection(OAuth2TokenIntrospectionAuthenticationProvider spring, RegisteredClientRepository clients,
                      SecondFactorRequirement secondFactor) {
        this.spring = spring;
        this.clients = clients;
        this.secondFactor = secondFactor;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        Authentication result = spring.authenticate(authentication);
        if (!(result instanceof OAuth2TokenIntrospectionAuthenticationToken introspected) || !introspected.getTokenClaims().isActive()) {
            return result;
        }
        RegisteredClient caller = introspected.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                ? client.getRegisteredClient() : null;
        String tokenClientId = introspected.getTokenClaims().getClientId();
        RegisteredClient issuedTo = tokenClientId == null ? null : clients.findByClientId(tokenClientId);
        // A member held by the team's second-factor rule (decision 22): their tokens are not active until they set one up.
        String member = introspected.getTokenClaims().getSubject();
        boolean held = member != null && !member.equals(tokenClientId) && secondFactor.holds(new AccountId(member));
        if (!held && caller != null && issuedTo != null && LanyardRegisteredClients.team(caller) != null
                && Objects.equals(LanyardRegisteredClients.team(caller), LanyardRegisteredClients.team(issuedTo))) return result;
        return new OAuth2TokenIntrospectionAuthenticationToken(introspected.getToken(), (Authentication) introspected.getPrincipal(),
                OAuth2TokenIntrospection.builder().build());
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return spring.supports(authentication);
    }
}
