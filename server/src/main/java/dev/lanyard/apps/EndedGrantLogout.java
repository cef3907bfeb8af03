package dev.lanyard.apps;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.util.StringUtils;

/**
 * RP-initiated logout with an ID token whose grant has ended already at Lanyard (the member revoked the app or ended its
 * sign-in, an admin signed the team out, the grant was purged): Spring's provider finds no grant and refuses, and the
 * app's own "Log out" was a dead end, though what it asks for is already true (decision 65, addendum of 2026-12-06).
 * Such a link is taken as a live grant's is when the ID token is one Lanyard issued: signed with a key Lanyard publishes,
 * its {@code iss} one of Lanyard's ({@link Issuers#issued}), an ID token ({@code azp}, which access tokens, logout tokens
 * and SETs do not carry) of a registered app that its {@code aud} names and a {@code client_id} in the link is, expired
 * or not, and its grant ({@code sid}, {@code sub}) has ended or is gone. Any other token keeps Spring's refusal. The
 * return address and the member signed in here are checked as Spring checks them for a live grant; what ends is
 * {@link OidcEndpoints#loggedOut}'s to decide, with the browser session that authorized the grant where its stored grant
 * still tells ({@link Token#authorizedBy}).
 */
final class EndedGrantLogout implements AuthenticationProvider {
    private final AuthenticationProvider spring;
    private final IssuedIdTokens idTokens;
    private final RegisteredClientRepository clients;
    private final LanyardAuthorizations authorizations;
    private final Consumer<OidcLogoutAuthenticationContext> returnAddress;

    EndedGrantLogout(AuthenticationProvider spring, JWKSource<SecurityContext> keys, Issuers issuers, RegisteredClientRepository clients,
                     LanyardAuthorizations authorizations, Consumer<OidcLogoutAuthenticationContext> returnAddress) {
        this.spring = spring;
        this.clients = clients;
        this.authorizations = authorizations;
        this.returnAddress = returnAddress;
        // An expired ID token still names the sign-in to end (RP-Initiated Logout 1.0 §2).
        this.idTokens = new IssuedIdTokens(keys, issuers);
    }

    /** What loggedOut is given for an ended grant: the browser session that authorized it, if the stored grant still tells. */
    static final class Token extends OidcLogoutAuthenticationToken {
        private final String authorizedBy;

        Token(OidcIdToken idToken, OidcLogoutAuthenticationToken asked, Optional<String> authorizedBy) {
            super(idToken, (Authentication) asked.getPrincipal(), asked.getSessionId(), asked.getClientId(),
                    asked.getPostLogoutRedirectUri(), asked.getState());
            this.authorizedBy = authorizedBy.orElse(null);
        }

        Optional<String> authorizedBy() {
            return Optional.ofNullable(authorizedBy);
        }
    }

    /** What {@link LanyardAuthorizations#ended} knows of an ended grant. */
    record Ended(Optional<String> authorizedBy) {
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        try {
            return spring.authenticate(authentication);
        } catch (OAuth2AuthenticationException refused) {
            String description = refused.getError().getDescription();
            if (!OAuth2ErrorCodes.INVALID_TOKEN.equals(refused.getError().getErrorCode())
                    || !(LogoutRefusals.SPRINGS + LogoutRefusals.ID_TOKEN_HINT).equals(description)) throw refused;
            return ended((OidcLogoutAuthenticationToken) authentication).orElseThrow(() -> refused);
        }
    }

    private Optional<Authentication> ended(OidcLogoutAuthenticationToken asked) {
        if (asked.getIdTokenHint() == null) return Optional.empty();
        Optional<Jwt> issued = idTokens.read(asked.getIdTokenHint());
        if (issued.isEmpty()) return Optional.empty();
        Jwt jwt = issued.get();
        String clientId = jwt.getClaimAsString(IdTokenClaimNames.AZP);
        List<String> audience = jwt.getAudience();
        String sid = jwt.getClaimAsString("sid");
        String sub = jwt.getSubject();
        if (clientId == null || audience == null || !audience.contains(clientId) || sid == null || sub == null
                || StringUtils.hasText(asked.getClientId()) && !asked.getClientId().equals(clientId)) return Optional.empty();
        RegisteredClient client = clients.findByClientId(clientId);
        if (client == null) return Optional.empty();
        Optional<Ended> ended = authorizations.ended(sid, sub, client.getId());
        if (ended.isEmpty()) return Optional.empty();
        // As Spring checks a live grant's link: the return address is the app's, and whoever is signed in here is the member.
        returnAddress.accept(OidcLogoutAuthenticationContext.with(asked).registeredClient(client).build());
        if (asked.isPrincipalAuthenticated() && !((Authentication) asked.getPrincipal()).getName().equals(sub)) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, LogoutRefusals.SPRINGS + IdTokenClaimNames.SUB, null));
        }
        OidcIdToken idToken = new OidcIdToken(jwt.getTokenValue(), jwt.getIssuedAt(), jwt.getExpiresAt(), jwt.getClaims());
        return Optional.of(new Token(idToken, asked, ended.get().authorizedBy()));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return spring.supports(authentication);
    }
}
