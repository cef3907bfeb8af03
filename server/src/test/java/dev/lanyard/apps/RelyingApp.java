package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;

/**
 * A relying app as a real one is written: the Nimbus OAuth 2.0 / OpenID Connect SDK discovers
 * Lanyard, builds the authorize request (PKCE S256, nonce), exchanges the code, validates the ID
 * token against the JWKS, calls userinfo, refreshes, introspects, revokes. The person's browser
 * is a plain HTTP client holding Lanyard's session cookie.
 */
final class RelyingApp {
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    final OIDCProviderMetadata provider;
    final ClientID clientId;
    final Optional<Secret> secret;
    final URI redirect;
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    RelyingApp(String issuer, String clientId, Optional<String> secret, String redirect) throws Exception {
        this.provider = OIDCProviderMetadata.resolve(new Issuer(issuer));
        this.clientId = new ClientID(clientId);
        this.secret = secret.map(Secret::new);
        this.redirect = URI.create(redirect);
    }

    /** One sign-in attempt: its PKCE verifier, state and nonce. */
    record Attempt(CodeVerifier verifier, State state, Nonce nonce, URI uri) {
    }

    Attempt authorizeRequest(String scopes) {
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        Nonce nonce = new Nonce();
        URI uri = new AuthenticationRequest.Builder(new ResponseType("code"), Scope.parse(scopes), clientId, redirect)
                .endpointURI(provider.getAuthorizationEndpointURI()).state(state).nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI();
        return new Attempt(verifier, state, nonce, uri);
    }

    /** What a browser gets for a GET: status, Location, body. */
    HttpResponse<String> browse(URI uri, String cookies) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/html");
        if (cookies != null) request.header("Cookie", cookies);
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The browser signed in to Lanyard with {@code sessionCookie} follows the authorize request,
     * allows on the consent page if asked, and lands on the app's redirect URI: returns that URI.
     */
    URI signIn(Attempt attempt, String sessionCookie) throws IOException, InterruptedException {
        HttpResponse<String> authorize = browse(attempt.uri(), sessionCookie);
        assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(302);
        URI next = location(authorize);
        if (next.getPath().equals("/oauth2/consent")) {
            HttpResponse<String> consent = browse(next, sessionCookie);
            assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
            Matcher csrf = CSRF_INPUT.matcher(consent.body());
            assertThat(csrf.find()).as(consent.body()).isTrue();
            String csrfCookie = consent.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("XSRF-TOKEN="))
                    .map(h -> h.split(";", 2)[0]).findFirst().orElse(null);
            Map<String, List<String>> query = query(next);
            String form = "client_id=" + enc(clientId.getValue()) + "&state=" + enc(query.get("state").get(0))
                    + "&_csrf=" + enc(csrf.group(1)) + Scope.parse(query.get("scope").get(0)).toStringList().stream()
                    .map(s -> "&scope=" + enc(s)).collect(Collectors.joining());
            HttpRequest.Builder allow = HttpRequest.newBuilder(attempt.uri().resolve("/oauth2/authorize"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", sessionCookie + (csrfCookie == null ? "" : "; " + csrfCookie))
                    .POST(HttpRequest.BodyPublishers.ofString(form));
            HttpResponse<String> allowed = browser.send(allow.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(302);
            next = location(allowed);
        }
        return next;
    }

    static URI location(HttpResponse<?> response) {
        return response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
    }

    static Map<String, List<String>> query(URI uri) {
        return java.util.Arrays.stream(Optional.ofNullable(uri.getRawQuery()).orElse("").split("&")).filter(p -> !p.isEmpty())
                .map(p -> p.split("=", 2))
                .collect(Collectors.groupingBy(p -> decode(p[0]), Collectors.mapping(p -> p.length > 1 ? decode(p[1]) : "", Collectors.toList())));
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * The code Lanyard sent back to the redirect URI, after checking the state and, as RFC 9207 has an app do with a
     * provider whose discovery says it sends one, the issuer.
     */
    AuthorizationCode code(Attempt attempt, URI landed) {
        assertThat(landed.toString()).startsWith(redirect.toString());
        Map<String, List<String>> query = query(landed);
        assertThat(query).as(landed.toString()).containsKey("code");
        assertThat(query.get("state")).containsExactly(attempt.state().getValue());
        if (provider.supportsAuthorizationResponseIssuerParam()) {
            assertThat(query.get("iss")).as(landed.toString()).containsExactly(provider.getIssuer().getValue());
        }
        return new AuthorizationCode(query.get("code").get(0));
    }

    ClientAuthentication auth() {
        return new ClientSecretBasic(clientId, secret.orElseThrow());
    }

    TokenResponse token(AuthorizationGrant grant) throws Exception {
        TokenRequest request = secret.isPresent()
                ? new TokenRequest(provider.getTokenEndpointURI(), auth(), grant, null)
                : new TokenRequest(provider.getTokenEndpointURI(), clientId, grant, null);
        return OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
    }

    /** Exchanges the code (with the verifier) and validates the ID token: signature (JWKS), issuer, audience, nonce. */
    OIDCTokenResponse exchange(Attempt attempt, AuthorizationCode code) throws Exception {
        TokenResponse response = token(new AuthorizationCodeGrant(code, redirect, attempt.verifier()));
        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().getErrorObject().toString()).isTrue();
        OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
        JWT idToken = tokens.getOIDCTokens().getIDToken();
        IDTokenClaimsSet claims = new IDTokenValidator(provider.getIssuer(), clientId, JWSAlgorithm.RS256,
                provider.getJWKSetURI().toURL()).validate(idToken, attempt.nonce());
        assertThat(claims.getSubject().getValue()).isNotBlank();
        return tokens;
    }

    TokenResponse refresh(RefreshToken refresh) throws Exception {
        return token(new RefreshTokenGrant(refresh));
    }

    UserInfoResponse userInfo(AccessToken access) throws Exception {
        return UserInfoResponse.parse(new UserInfoRequest(provider.getUserInfoEndpointURI(), (BearerAccessToken) access)
                .toHTTPRequest().send());
    }

    TokenIntrospectionResponse introspect(Token token) throws Exception {
        return TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(provider.getIntrospectionEndpointURI(), auth(), token)
                .toHTTPRequest().send());
    }

    boolean active(Token token) throws Exception {
        TokenIntrospectionResponse response = introspect(token);
        assertThat(response.indicatesSuccess()).isTrue();
        return response.toSuccessResponse().isActive();
    }

    int revoke(Token token) throws Exception {
        return new TokenRevocationRequest(provider.getRevocationEndpointURI(), auth(), token).toHTTPRequest().send().getStatusCode();
    }
}
