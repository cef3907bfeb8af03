package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import dev.lanyard.session.AppType;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lanyard as an OpenID Connect provider, driven over HTTP by a real client library
 * ({@link RelyingApp}): sign-in with PKCE and consent, userinfo, refresh, introspection, and
 * every way the grant must end or be refused.
 */
@LanyardSpringTest
class OAuthFlowTest {
    static final String REDIRECT = "http://127.0.0.1:9/callback";
    /** Scopes of a sign-in that keeps the app connected: with a refresh token. */
    static final String OFFLINE = "openid profile email offline_access";

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    private ApiClient api;
    private Member admin;

    @BeforeEach
    void team() throws Exception {
        api = new ApiClient(mvc, json);
        admin = api.signUp("admin");
    }

    private String issuer() {
        return "http://127.0.0.1:" + port;
    }

    private String cookie(Member member) {
        return ApiClient.COOKIE + "=" + member.token();
    }

    /** Registers a confidential app through the admin API; returns its JSON (with the secret). */
    JsonNode register(Member by, String name, String type) throws Exception {
        MvcResult result = mvc.perform(post("/api/v1/admin/apps").cookie(by.cookie()).with(by.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", name, "description", name + " of the team",
                        "redirectUris", List.of(REDIRECT), "type", type,
                        "scopes", List.of("openid", "profile", "email", "offline_access"))))).andReturn();
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        return api.read(result);
    }

    RelyingApp app(JsonNode registered) throws Exception {
        return new RelyingApp(issuer(), registered.path("app").path("clientId").asString(),
                Optional.ofNullable(registered.path("clientSecret").asString(null)), REDIRECT);
    }

    /** Signs {@code member} in to the app through consent; returns the validated tokens (no refresh token). */
    OIDCTokenResponse signIn(RelyingApp app, Member member) throws Exception {
        return signIn(app, member, "openid profile email");
    }

    /** Signs {@code member} in to the app through consent, allowing {@code scopes}; returns the validated tokens. */
    OIDCTokenResponse signIn(RelyingApp app, Member member, String scopes) throws Exception {
        RelyingApp.Attempt attempt = app.authorizeRequest(scopes);
        URI landed = app.signIn(attempt, cookie(member));
        return app.exchange(attempt, app.code(attempt, landed));
    }

    @Test
    void discoveryDocumentNamesLanyardsEndpointsAndAlgorithms() throws Exception {
        RelyingApp app = app(register(admin, "Discovery", "confidential"));
        var provider = app.provider;
        assertThat(provider.getIssuer().getValue()).isEqualTo(issuer());
        assertThat(provider.getAuthorizationEndpointURI()).hasToString(issuer() + "/oauth2/authorize");
        assertThat(provider.getTokenEndpointURI()).hasToString(issuer() + "/oauth2/token");
        assertThat(provider.getJWKSetURI()).hasToString(issuer() + "/oauth2/jwks");
        assertThat(provider.getUserInfoEndpointURI()).hasToString(issuer() + "/userinfo");
        assertThat(provider.getIntrospectionEndpointURI()).hasToString(issuer() + "/oauth2/introspect");
        assertThat(provider.getRevocationEndpointURI()).hasToString(issuer() + "/oauth2/revoke");
        assertThat(provider.getEndSessionEndpointURI()).hasToString(issuer() + "/connect/logout");
        assertThat(provider.getIDTokenJWSAlgs()).contains(JWSAlgorithm.RS256);
        assertThat(provider.getCodeChallengeMethods()).extracting(Object::toString).contains("S256");
        assertThat(provider.getResponseTypes()).containsExactly(ResponseType.CODE);
        assertThat(provider.getTokenEndpointAuthMethods()).contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
        assertThat(provider.supportsAuthorizationResponseIssuerParam()).isTrue();
    }

    /**
     * RFC 9207: the code and a refusal sent back to the app name the issuer, exactly as discovery does, encoded as a query
     * value; an app signing in through several providers at one address can tell which one answered (a mix-up attack).
     */
    @Test
    void theCodeAndARefusalSentBackToTheAppNameTheIssuer() throws Exception {
        RelyingApp app = app(register(admin, "Mixed", "confidential"));
        String encoded = "iss=" + java.net.URLEncoder.encode(issuer(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(encoded).isEqualTo("iss=http%3A%2F%2F127.0.0.1%3A" + port);

        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        URI landed = app.signIn(attempt, cookie(admin));
        assertThat(landed.getRawQuery().split("&")).contains(encoded);
        assertThat(RelyingApp.query(landed).get("iss")).containsExactly(app.provider.getIssuer().getValue());
        assertThat(app.exchange(attempt, app.code(attempt, landed)).getOIDCTokens().getIDToken().getJWTClaimsSet().getIssuer())
                .isEqualTo(issuer());

        RelyingApp.Attempt refused = app.authorizeRequest("openid made-up");
        URI back = RelyingApp.location(app.browse(refused.uri(), cookie(admin)));
        assertThat(RelyingApp.query(back).get("error")).containsExactly("invalid_scope");
        assertThat(back.getRawQuery().split("&")).contains(encoded);
        assertThat(RelyingApp.query(back).get("iss")).containsExactly(issuer());
    }

    @Test
    void memberSignsInThroughTheAppConsentsAndTheAppReadsUserinfo() throws Exception {
        RelyingApp app = app(register(admin, "Wiki", "confidential"));
        OIDCTokenResponse tokens = signIn(app, admin);
        AccessToken access = tokens.getOIDCTokens().getAccessToken();

        UserInfoResponse info = app.userInfo(access);
        assertThat(info.indicatesSuccess()).isTrue();
        assertThat(info.toSuccessResponse().getUserInfo().getSubject().getValue()).isEqualTo(admin.accountId());
        assertThat(info.toSuccessResponse().getUserInfo().getEmailAddress()).isEqualTo(admin.email());
        assertThat(info.toSuccessResponse().getUserInfo().getEmailVerified())
                .as("signed up without a mail server: nothing showed the address reads its mail").isFalse();

        var claims = SignedJWT.parse(access.getValue()).getJWTClaimsSet();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isLessThanOrEqualTo(5 * 60 * 1000);
        String sid = claims.getStringClaim("sid");
        assertThat(sid).isNotBlank();
        assertThat(app.active(access)).isTrue();

        // The grant is a session of app type OAuth in the member's list, named after the app.
        JsonNode sessions = api.read(mvc.perform(get("/api/v1/sessions").cookie(admin.cookie()).with(admin.from())).andReturn());
        JsonNode grant = null;
        for (JsonNode s : sessions.path("items")) if (s.path("id").asString().equals(sid)) grant = s;
        assertThat(grant).as(sessions.toString()).isNotNull();
        assertThat(grant.path("appType").asString()).isEqualToIgnoringCase(AppType.OAUTH.name());
        assertThat(grant.path("name").asString()).isEqualTo("Wiki");

        // A second sign-in does not ask again: the consent is remembered.
        RelyingApp.Attempt again = app.authorizeRequest("openid profile email");
        HttpResponse<String> authorize = app.browse(again.uri(), cookie(admin));
        assertThat(RelyingApp.location(authorize).toString()).startsWith(REDIRECT);
    }

    /**
     * RFC 9068 §2.2: an access token names the app it was issued to ({@code client_id}, required) and its scopes as one
     * space-separated string (RFC 8693 §4.2); Lanyard's carried no client_id and a JSON array (outside review). Userinfo,
     * introspection and the token response read the scopes as before. No {@code typ} of {@code at+jwt}: Spring Security 7's
     * default validator refuses it.
     */
    @Test
    void anAccessTokenNamesItsAppAndItsScopesAsOneString() throws Exception {
        RelyingApp app = app(register(admin, "Wiki", "confidential"));
        OIDCTokenResponse tokens = signIn(app, admin);
        AccessToken access = tokens.getOIDCTokens().getAccessToken();
        SignedJWT jwt = SignedJWT.parse(access.getValue());
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getClaim("client_id")).isEqualTo(app.clientId.getValue());
        assertThat(claims.getClaim("scope")).isEqualTo("email openid profile");
        assertThat(jwt.getHeader().getType() == null ? null : jwt.getHeader().getType().getType()).isNotEqualTo("at+jwt");
        assertThat(access.getScope().toStringList()).containsExactlyInAnyOrder("openid", "profile", "email");

        assertThat(app.userInfo(access).toSuccessResponse().getUserInfo().getEmailAddress()).isEqualTo(admin.email());
        var introspected = app.introspect(access).toSuccessResponse();
        assertThat(introspected.getScope().toStringList()).containsExactlyInAnyOrder("openid", "profile", "email");
        assertThat(introspected.getClientID().getValue()).isEqualTo(app.clientId.getValue());
    }

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private double statements() {
        return meters.get("lanyard.sql.statements").functionCounters().stream()
                .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
    }

    @Test
    void introspectionAndUserinfoOfAnActiveTokenRunNoSqlStatement() throws Exception {
        RelyingApp app = app(register(admin, "Dashboard", "confidential"));
        AccessToken access = signIn(app, admin).getOIDCTokens().getAccessToken();
        assertThat(app.active(access)).isTrue();
        assertThat(app.userInfo(access).indicatesSuccess()).isTrue();
        assertThat(statements()).as("the counter counts").isPositive();
        // The counter is the whole context's: a background job of another test (a flush, an outbox) may land in one
        // window. SQL on the request path would be in every window, so the quietest of three must have none.
        double fewest = Double.MAX_VALUE;
        for (int window = 0; window < 3 && fewest > 0; window++) {
            double before = statements();
            for (int i = 0; i < 5; i++) {
                assertThat(app.active(access)).isTrue();
                assertThat(app.userInfo(access).indicatesSuccess()).isTrue();
            }
            fewest = Math.min(fewest, statements() - before);
        }
        assertThat(fewest).isZero();
    }

    /** A confidential app the admin signed in to: its client credentials and the access token to introspect. */
    private record Introspecting(String id, String secret, AccessToken access) {
    }

    private Introspecting introspecting(String name) throws Exception {
        JsonNode registered = register(admin, name, "confidential");
        AccessToken access = signIn(app(registered), admin).getOIDCTokens().getAccessToken();
        return new Introspecting(registered.path("app").path("clientId").asString(), registered.path("clientSecret").asString(), access);
    }

    /** {@code POST /oauth2/introspect} of the client's access token, sent as {@code request} says (its client authentication). */
    private MvcResult introspect(org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request, Introspecting client)
            throws Exception {
        return mvc.perform(request.contentType(MediaType.APPLICATION_FORM_URLENCODED).param("token", client.access().getValue())).andReturn();
    }

    /** Client secret basic is read by Lanyard's own converter (ClientSecretBasic); its refusals are Spring's. */
    @Test
    void introspectionRefusesAWrongOrMalformedClientSecret() throws Exception {
        Introspecting client = introspecting("Metrics");
        java.util.function.Function<String, String> basic = credentials ->
                "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        var right = introspect(post("/oauth2/introspect").header("Authorization", basic.apply(client.id() + ":" + client.secret())), client);
        assertThat(right.getResponse().getStatus()).isEqualTo(200);
        assertThat(right.getResponse().getContentAsString()).contains("\"active\":true");
        var wrong = introspect(post("/oauth2/introspect").header("Authorization", basic.apply(client.id() + ":" + client.secret() + "x")), client);
        assertThat(wrong.getResponse().getStatus()).isEqualTo(401);
        assertThat(wrong.getResponse().getContentAsString()).contains("invalid_client");
        var malformed = introspect(post("/oauth2/introspect").header("Authorization", "Basic not*base64"), client);
        assertThat(malformed.getResponse().getStatus()).isEqualTo(400);
        assertThat(malformed.getResponse().getContentAsString()).contains("invalid_request")
                .as("said what is wrong (outside re-check AF)").contains("The Basic credentials are malformed");
    }

    /**
     * Introspection runs through its own chain (the authorization server's filters less those for
     * other endpoints, {@link IntrospectionChainTest}): every way of calling it answers as the whole
     * chain answered, with the same headers.
     */
    @Test
    void introspectionAnswersEveryWayOfCallingItAsTheWholeAuthorizationServerChainDid() throws Exception {
        Introspecting client = introspecting("Gateway");

        var secretPost = introspect(post("/oauth2/introspect").param("client_id", client.id()).param("client_secret", client.secret()), client);
        assertThat(secretPost.getResponse().getStatus()).isEqualTo(200);
        assertThat(secretPost.getResponse().getContentAsString()).contains("\"active\":true", "\"client_id\":\"" + client.id() + "\"");
        assertThat(secretPost.getResponse().getHeader("Cache-Control")).contains("no-store");
        assertThat(secretPost.getResponse().getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(secretPost.getResponse().getHeader("X-Content-Type-Options")).isEqualTo("nosniff");

        var anonymous = introspect(post("/oauth2/introspect"), client);
        assertThat(anonymous.getResponse().getStatus()).isEqualTo(401);
        assertThat(anonymous.getResponse().getContentAsString()).as("RFC 6749 §5.2's body (outside review AD)").contains("\"error\":\"invalid_client\"");
        var idOnly = introspect(post("/oauth2/introspect").param("client_id", client.id()), client);
        assertThat(idOnly.getResponse().getStatus()).isEqualTo(401);

        var memberCookie = introspect(post("/oauth2/introspect").cookie(admin.cookie()), client);
        assertThat(memberCookie.getResponse().getStatus()).as("a member is not a client").isEqualTo(400);
        assertThat(memberCookie.getResponse().getContentAsString()).contains("invalid_client");

        // A bearer token is read at userinfo only (decision 52): here it is no client authentication, answered as none.
        var notAJwt = introspect(post("/oauth2/introspect").header("Authorization", "Bearer abc.def.ghi"), client);
        assertThat(notAJwt.getResponse().getStatus()).isEqualTo(401);
        assertThat(notAJwt.getResponse().getContentAsString()).isEqualTo(anonymous.getResponse().getContentAsString());
        assertThat(notAJwt.getResponse().getHeader("WWW-Authenticate")).isEqualTo(anonymous.getResponse().getHeader("WWW-Authenticate"));

        var assertion = introspect(post("/oauth2/introspect").param("client_id", client.id())
                .param("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer").param("client_assertion", "a.b.c"), client);
        assertThat(assertion.getResponse().getStatus()).isEqualTo(401);
        assertThat(assertion.getResponse().getContentAsString()).contains("invalid_client");
    }

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("introspectionChain")
    org.springframework.security.web.SecurityFilterChain introspectionChain;

    private static String basic(String id, String secret) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The request as it reaches the introspection chain's filters: a form post of {@code parameters}. */
    private static org.springframework.mock.web.MockHttpServletRequest formPost(String authorization, String query, String... parameters) {
        var request = new org.springframework.mock.web.MockHttpServletRequest("POST", "/oauth2/introspect");
        request.setServletPath("/oauth2/introspect");
        request.setContentType(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
        if (authorization != null) request.addHeader("Authorization", authorization);
        request.setQueryString(query);
        for (int i = 0; i < parameters.length; i += 2) request.addParameter(parameters[i], parameters[i + 1]);
        return request;
    }

    /**
     * The common introspection (client secret basic, the token alone) is answered by the shortcut with
     * the chain's own providers (decision 44), byte for byte what Spring's endpoint answers to the same
     * client and token sent with client secret post, which the shortcut leaves to the chain; and with the
     * same security headers.
     */
    @Test
    void theCommonIntrospectionIsAnsweredByTheShortcutAsTheEndpointAnswersIt() throws Exception {
        Introspecting client = introspecting("Search");
        String header = basic(client.id(), client.secret());
        String token = client.access().getValue();

        var shortcut = new org.springframework.mock.web.MockHttpServletResponse();
        var next = new org.springframework.mock.web.MockFilterChain();
        shortcut().doFilter(formPost(header, null, "token", token), shortcut, next);
        assertThat(next.getRequest()).as("answered without the rest of the chain").isNull();
        assertThat(shortcut.getStatus()).isEqualTo(200);

        var common = introspect(post("/oauth2/introspect").header("Authorization", header), client).getResponse();
        var spring = introspect(post("/oauth2/introspect").param("client_id", client.id()).param("client_secret", client.secret()), client)
                .getResponse();
        assertThat(common.getContentAsString()).contains("\"active\":true", "\"client_id\":\"" + client.id() + "\"")
                .isEqualTo(spring.getContentAsString()).isEqualTo(shortcut.getContentAsString());
        assertThat(common.getContentType()).isEqualTo(spring.getContentType()).isEqualTo("application/json");
        for (String name : spring.getHeaderNames()) {
            assertThat(common.getHeaders(name)).as(name).isEqualTo(spring.getHeaders(name));
        }
        assertThat(common.getHeaderNames()).containsExactlyInAnyOrderElementsOf(spring.getHeaderNames());

        var hinted = new org.springframework.mock.web.MockHttpServletResponse();
        shortcut().doFilter(formPost(header, null, "token", token, "token_type_hint", "refresh_token"), hinted,
                new org.springframework.mock.web.MockFilterChain());
        assertThat(hinted.getContentAsString()).as("the hint is only a hint, as Spring's provider reads it").isEqualTo(spring.getContentAsString());

        var unknown = new org.springframework.mock.web.MockHttpServletResponse();
        next = new org.springframework.mock.web.MockFilterChain();
        shortcut().doFilter(formPost(header, null, "token", "no-such-token"), unknown, next);
        assertThat(next.getRequest()).isNull();
        assertThat(unknown.getContentAsString()).isEqualTo("{\"active\":false}")
                .isEqualTo(introspect(post("/oauth2/introspect").param("client_id", client.id()).param("client_secret", client.secret()),
                        new Introspecting(client.id(), client.secret(), new com.nimbusds.oauth2.sdk.token.BearerAccessToken("no-such-token")))
                        .getResponse().getContentAsString());
    }

    /** Every refusal, and every request of another shape, goes on to the rest of the chain untouched: its answers stay Spring's. */
    @Test
    void theIntrospectionShortcutPassesOnEveryOtherRequestUntouched() throws Exception {
        Introspecting client = introspecting("Billing");
        String right = basic(client.id(), client.secret());
        String token = client.access().getValue();
        var others = new java.util.LinkedHashMap<String, org.springframework.mock.web.MockHttpServletRequest>();
        others.put("wrong secret", formPost(basic(client.id(), client.secret() + "x"), null, "token", token));
        others.put("unknown client", formPost(basic("nobody", client.secret()), null, "token", token));
        others.put("control character in the client id", formPost(basic(client.id() + "\u0001", client.secret()), null, "token", token));
        others.put("not base64", formPost("Basic not*base64", null, "token", token));
        others.put("two spaces", formPost("Basic  " + right.substring(6), null, "token", token));
        others.put("no client authentication", formPost(null, null, "token", token));
        others.put("client secret post", formPost(null, null, "token", token, "client_id", client.id(), "client_secret", client.secret()));
        others.put("basic and post", formPost(right, null, "token", token, "client_id", client.id(), "client_secret", client.secret()));
        others.put("a bearer token", formPost("Bearer " + token, null, "token", token));
        others.put("a query string", formPost(right, "token=" + token, "token", token));
        others.put("another parameter", formPost(right, null, "token", token, "resource", "x"));
        others.put("no token", formPost(right, null));
        others.put("a blank token", formPost(right, null, "token", " "));
        others.put("two tokens", formPost(right, null, "token", token, "token", token));
        others.put("two hints", formPost(right, null, "token", token, "token_type_hint", "access_token", "token_type_hint", "access_token"));
        var revocation = formPost(right, null, "token", token);
        revocation.setRequestURI("/oauth2/revoke");
        revocation.setServletPath("/oauth2/revoke");
        others.put("another endpoint", revocation);
        for (var other : others.entrySet()) {
            var response = new org.springframework.mock.web.MockHttpServletResponse();
            var next = new org.springframework.mock.web.MockFilterChain();
            shortcut().doFilter(other.getValue(), response, next);
            assertThat(next.getRequest()).as(other.getKey()).isSameAs(other.getValue());
            assertThat(response.getStatus()).as(other.getKey()).isEqualTo(200);
            assertThat(response.getHeaderNames()).as(other.getKey()).isEmpty();
            assertThat(response.isCommitted()).as(other.getKey()).isFalse();
            assertThat(response.getContentAsByteArray()).as(other.getKey()).isEmpty();
        }
    }

    private jakarta.servlet.Filter shortcut() {
        return introspectionChain.getFilters().stream().filter(IntrospectionShortcut.class::isInstance).findFirst().orElseThrow();
    }

    @Test
    void revokingTheAppInLanyardEndsUserinfoRefreshAndIntrospectionAtOnce() throws Exception {
        JsonNode registered = register(admin, "Chat", "confidential");
        RelyingApp app = app(registered);
        OIDCTokenResponse tokens = signIn(app, admin, OFFLINE);
        AccessToken access = tokens.getOIDCTokens().getAccessToken();
        RefreshToken refresh = tokens.getOIDCTokens().getRefreshToken();
        assertThat(refresh).isNotNull();

        var revoked = mvc.perform(delete("/api/v1/apps/" + registered.path("app").path("id").asString())
                .cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(revoked.getResponse().getStatus()).isEqualTo(204);

        assertThat(app.active(access)).isFalse();
        assertThat(app.userInfo(access).indicatesSuccess()).isFalse();
        TokenResponse refreshed = app.refresh(refresh);
        assertThat(refreshed.indicatesSuccess()).isFalse();
        assertThat(refreshed.toErrorResponse().getErrorObject().getCode()).isEqualTo(OAuth2Error.INVALID_GRANT.getCode());
        String log = mvc.perform(get("/api/v1/audit").param("limit", "30").cookie(admin.cookie()).with(admin.from()))
                .andReturn().getResponse().getContentAsString();
        assertThat(log).contains("app.consent-given").contains("app.consent-revoked").contains("Chat");
        // The consent is forgotten: signing in again asks again.
        HttpResponse<String> authorize = app.browse(app.authorizeRequest("openid").uri(), cookie(admin));
        assertThat(RelyingApp.location(authorize).getPath()).isEqualTo("/oauth2/consent");
    }

    @Test
    void refreshRotatesAndAReplayedRefreshTokenEndsTheGrant() throws Exception {
        RelyingApp app = app(register(admin, "Calendar", "confidential"));
        OIDCTokenResponse tokens = signIn(app, admin, OFFLINE);
        RefreshToken first = tokens.getOIDCTokens().getRefreshToken();

        TokenResponse rotated = app.refresh(first);
        assertThat(rotated.indicatesSuccess()).isTrue();
        RefreshToken second = rotated.toSuccessResponse().getTokens().getRefreshToken();
        AccessToken newAccess = rotated.toSuccessResponse().getTokens().getAccessToken();
        assertThat(second.getValue()).isNotEqualTo(first.getValue());
        assertThat(app.active(newAccess)).isTrue();

        TokenResponse replay = app.refresh(first);
        assertThat(replay.indicatesSuccess()).isFalse();
        // The replay ended the grant: the legitimate holder's tokens stop working too.
        assertThat(app.refresh(second).indicatesSuccess()).isFalse();
        assertThat(app.active(newAccess)).isFalse();
        assertThat(app.userInfo(newAccess).indicatesSuccess()).isFalse();
    }

    @Autowired
    org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService authorizations;

    /** As {@link #ofTwoRefreshesWithOneTokenAtOnceTheSecondIsRefusedAndTheGrantEnds}, for one code exchanged twice at once. */
    @Test
    void ofTwoExchangesOfOneCodeAtOnceTheSecondIsRefusedAndTheGrantEnds() throws Exception {
        RelyingApp app = app(register(admin, "Twice", "confidential"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        AuthorizationCode code = app.code(attempt, app.signIn(attempt, cookie(admin)));
        var type = new org.springframework.security.oauth2.server.authorization.OAuth2TokenType("code");
        var readByFirst = authorizations.findByToken(code.getValue(), type);
        var readBySecond = authorizations.findByToken(code.getValue(), type);
        java.time.Instant now = java.time.Instant.now();
        java.util.function.Function<org.springframework.security.oauth2.server.authorization.OAuth2Authorization,
                org.springframework.security.oauth2.server.authorization.OAuth2Authorization> exchanged = read ->
                org.springframework.security.oauth2.server.authorization.OAuth2Authorization.from(read)
                        .accessToken(new org.springframework.security.oauth2.core.OAuth2AccessToken(
                                org.springframework.security.oauth2.core.OAuth2AccessToken.TokenType.BEARER,
                                "exchanged-" + java.util.UUID.randomUUID(), now, now.plus(java.time.Duration.ofMinutes(5))))
                        .token(read.getToken(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode.class).getToken(),
                                metadata -> metadata.put(org.springframework.security.oauth2.server.authorization.OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true))
                        .build();
        var first = exchanged.apply(readByFirst);
        authorizations.save(first);

        assertThatThrownBy(() -> authorizations.save(exchanged.apply(readBySecond)))
                .isInstanceOfSatisfying(org.springframework.security.oauth2.core.OAuth2AuthenticationException.class,
                        refused -> assertThat(refused.getError().getErrorCode()).isEqualTo("invalid_grant"));
        assertThat(app.active(new com.nimbusds.oauth2.sdk.token.BearerAccessToken(first.getAccessToken().getToken().getTokenValue())))
                .as("the grant ended: the first exchange's token is inactive too").isFalse();
    }

    /**
     * A used code or refresh token ends its grant only when the grant's own client presents it to be exchanged again:
     * shown to introspection, revocation, or another team's client (codes sit in redirect URLs and logs), it is only unknown.
     */
    @Test
    void aUsedCodeOrRefreshTokenShownToAnyoneButItsClientsExchangeEndsNothing() throws Exception {
        RelyingApp app = app(register(admin, "Owner", "confidential"));
        RelyingApp.Attempt attempt = app.authorizeRequest(OFFLINE);
        AuthorizationCode code = app.code(attempt, app.signIn(attempt, cookie(admin)));
        OIDCTokenResponse tokens = app.exchange(attempt, code);
        RefreshToken used = tokens.getOIDCTokens().getRefreshToken();
        TokenResponse rotated = app.refresh(used);
        assertThat(rotated.indicatesSuccess()).isTrue();
        RefreshToken current = rotated.toSuccessResponse().getTokens().getRefreshToken();
        AccessToken access = rotated.toSuccessResponse().getTokens().getAccessToken();
        RelyingApp stranger = app(register(api.signUp("stranger"), "Stranger", "confidential"));

        assertThat(stranger.active(new com.nimbusds.oauth2.sdk.token.TypelessAccessToken(code.getValue()))).isFalse();
        assertThat(stranger.active(used)).isFalse();
        assertThat(app.active(used)).as("its own client's introspection").isFalse();
        assertThat(stranger.refresh(used).indicatesSuccess()).isFalse();
        assertThat(stranger.refresh(new RefreshToken(code.getValue())).indicatesSuccess()).isFalse();
        assertThat(app.refresh(new RefreshToken(code.getValue())).indicatesSuccess()).as("a code is no refresh token").isFalse();
        stranger.revoke(used);
        stranger.revoke(new com.nimbusds.oauth2.sdk.token.TypelessAccessToken(code.getValue()));

        assertThat(app.active(access)).as("the grant lives").isTrue();
        assertThat(app.refresh(current).indicatesSuccess()).isTrue();
    }

    /** RFC 7662 introspects access and refresh tokens: an ID token or a code is no token a resource server may accept. */
    @Test
    void anIdTokenOrACodeIsNeverIntrospectedAsActive() throws Exception {
        JsonNode registered = register(admin, "Resource", "confidential");
        RelyingApp app = app(registered);
        String clientId = registered.path("app").path("clientId").asString();
        String secret = registered.path("clientSecret").asString();
        OIDCTokenResponse tokens = signIn(app, admin);
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        AuthorizationCode unexchanged = app.code(attempt, app.signIn(attempt, cookie(admin)));
        java.util.function.BiFunction<String, String, String> introspected = (token, hint) -> {
            try {
                var request = post("/oauth2/introspect").header("Authorization", basic(clientId, secret))
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("token", token);
                if (hint != null) request.param("token_type_hint", hint);
                return mvc.perform(request).andReturn().getResponse().getContentAsString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        assertThat(introspected.apply(tokens.getOIDCTokens().getAccessToken().getValue(), null)).contains("\"active\":true");
        for (String hint : java.util.Arrays.asList(null, "id_token", "access_token", "refresh_token", "code")) {
            assertThat(introspected.apply(tokens.getOIDCTokens().getIDTokenString(), hint)).as("ID token, hint " + hint)
                    .isEqualTo("{\"active\":false}");
            assertThat(introspected.apply(unexchanged.getValue(), hint)).as("code, hint " + hint).isEqualTo("{\"active\":false}");
        }
    }

    /**
     * Two refreshes with one refresh token at once (on one node or two): both read the grant before either saved it.
     * The second to save is a replay: refused, and the grant ends. Played here at the authorization service, where the
     * token endpoint reads and saves the grant, so the interleaving is the racing one every time.
     */
    @Test
    void ofTwoRefreshesWithOneTokenAtOnceTheSecondIsRefusedAndTheGrantEnds() throws Exception {
        RelyingApp app = app(register(admin, "Racer", "confidential"));
        OIDCTokenResponse tokens = signIn(app, admin, OFFLINE);
        RefreshToken presented = tokens.getOIDCTokens().getRefreshToken();
        var type = org.springframework.security.oauth2.server.authorization.OAuth2TokenType.REFRESH_TOKEN;
        var readByFirst = authorizations.findByToken(presented.getValue(), type);
        var readBySecond = authorizations.findByToken(presented.getValue(), type);
        java.time.Instant now = java.time.Instant.now();
        java.util.function.Function<org.springframework.security.oauth2.server.authorization.OAuth2Authorization,
                org.springframework.security.oauth2.server.authorization.OAuth2Authorization> rotated = read ->
                org.springframework.security.oauth2.server.authorization.OAuth2Authorization.from(read)
                        .refreshToken(new org.springframework.security.oauth2.core.OAuth2RefreshToken(
                                "rotated-" + java.util.UUID.randomUUID(), now, now.plus(java.time.Duration.ofDays(1))))
                        .build();
        var first = rotated.apply(readByFirst);
        authorizations.save(first);

        assertThatThrownBy(() -> authorizations.save(rotated.apply(readBySecond)))
                .isInstanceOfSatisfying(org.springframework.security.oauth2.core.OAuth2AuthenticationException.class,
                        refused -> assertThat(refused.getError().getErrorCode()).isEqualTo("invalid_grant"));
        assertThat(app.refresh(new RefreshToken(first.getRefreshToken().getToken().getTokenValue())).indicatesSuccess())
                .as("the grant ended: the first refresh's new token is refused too").isFalse();
        assertThat(app.active(tokens.getOIDCTokens().getAccessToken())).isFalse();
    }

    @Test
    void endingTheGrantsSessionEndsTheGrant() throws Exception {
        RelyingApp app = app(register(admin, "Notes", "confidential"));
        OIDCTokenResponse tokens = signIn(app, admin, OFFLINE);
        AccessToken access = tokens.getOIDCTokens().getAccessToken();
        String sid = SignedJWT.parse(access.getValue()).getJWTClaimsSet().getStringClaim("sid");

        var ended = mvc.perform(delete("/api/v1/sessions/" + sid).cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(ended.getResponse().getStatus()).as(ended.getResponse().getContentAsString()).isIn(200, 204);

        assertThat(app.active(access)).isFalse();
        assertThat(app.userInfo(access).indicatesSuccess()).isFalse();
        assertThat(app.refresh(tokens.getOIDCTokens().getRefreshToken()).indicatesSuccess()).isFalse();
    }

    @Test
    void rpInitiatedLogoutEndsTheGrantAndTheBrowsersLanyardSession() throws Exception {
        RelyingApp app = app(register(admin, "Forum", "confidential"));
        Member browser = api.logIn(admin);
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        OIDCTokenResponse tokens = app.exchange(attempt, app.code(attempt, app.signIn(attempt, cookie(browser))));
        URI logout = new com.nimbusds.openid.connect.sdk.LogoutRequest(app.provider.getEndSessionEndpointURI(),
                tokens.getOIDCTokens().getIDToken(), URI.create(REDIRECT), new com.nimbusds.oauth2.sdk.id.State("bye")).toURI();
        HttpResponse<String> answer = app.browse(logout, cookie(browser));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        assertThat(RelyingApp.location(answer)).hasToString(REDIRECT + "?state=bye");
        assertThat(app.active(tokens.getOIDCTokens().getAccessToken())).isFalse();
        var current = mvc.perform(get("/api/v1/sessions/current").cookie(browser.cookie()).with(browser.from())).andReturn();
        assertThat(current.getResponse().getStatus()).isEqualTo(401);
    }

    /**
     * RP-Initiated Logout 1.0: the OP should accept ID tokens it issued earlier. The sign-in's ID token, after a
     * refresh issued another, still ends the grant and the browser's Lanyard session that authorized it.
     */
    @Test
    void rpInitiatedLogoutTakesTheSignInsIdTokenAfterARefresh() throws Exception {
        RelyingApp app = app(register(admin, "Wiki", "confidential"));
        Member browser = api.logIn(admin);
        RelyingApp.Attempt attempt = app.authorizeRequest(OFFLINE);
        OIDCTokenResponse tokens = app.exchange(attempt, app.code(attempt, app.signIn(attempt, cookie(browser))));
        TokenResponse refreshed = app.refresh(tokens.getOIDCTokens().getRefreshToken());
        assertThat(refreshed.indicatesSuccess()).isTrue();
        OIDCTokenResponse second = (OIDCTokenResponse) refreshed.toSuccessResponse();
        assertThat(second.getOIDCTokens().getIDTokenString()).as("the refresh issued another ID token")
                .isNotEqualTo(tokens.getOIDCTokens().getIDTokenString());

        URI logout = new com.nimbusds.openid.connect.sdk.LogoutRequest(app.provider.getEndSessionEndpointURI(),
                tokens.getOIDCTokens().getIDToken(), URI.create(REDIRECT), new com.nimbusds.oauth2.sdk.id.State("bye")).toURI();
        HttpResponse<String> answer = app.browse(logout, cookie(browser));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        assertThat(RelyingApp.location(answer)).hasToString(REDIRECT + "?state=bye");
        assertThat(app.refresh(second.getOIDCTokens().getRefreshToken()).indicatesSuccess()).as("the grant ended").isFalse();
        assertThat(app.active(second.getOIDCTokens().getAccessToken())).isFalse();
        var current = mvc.perform(get("/api/v1/sessions/current").cookie(browser.cookie()).with(browser.from())).andReturn();
        assertThat(current.getResponse().getStatus()).as("the browser session that authorized it ended too").isEqualTo(401);
    }

    /** An ID token from a grant that another session authorized ends that grant only: a link must not sign the member out. */
    @Test
    void rpInitiatedLogoutInAnotherBrowserSessionEndsOnlyTheGrant() throws Exception {
        RelyingApp app = app(register(admin, "Board", "confidential"));
        Member laptop = api.logIn(admin);
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        OIDCTokenResponse tokens = app.exchange(attempt, app.code(attempt, app.signIn(attempt, cookie(laptop))));
        Member phone = api.logIn(admin);
        URI logout = new com.nimbusds.openid.connect.sdk.LogoutRequest(app.provider.getEndSessionEndpointURI(),
                tokens.getOIDCTokens().getIDToken(), URI.create(REDIRECT), new com.nimbusds.oauth2.sdk.id.State("bye")).toURI();

        HttpResponse<String> answer = app.browse(logout, cookie(phone));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        assertThat(RelyingApp.location(answer)).hasToString(REDIRECT + "?state=bye");
        assertThat(app.active(tokens.getOIDCTokens().getAccessToken())).as("the grant ended").isFalse();
        for (Member browser : List.of(phone, laptop)) {
            var current = mvc.perform(get("/api/v1/sessions/current").cookie(browser.cookie()).with(browser.from())).andReturn();
            assertThat(current.getResponse().getStatus()).as("Lanyard sessions stay").isEqualTo(200);
        }
    }

    /** A native app listens on a new port each time (RFC 8252 7.3): its loopback address after logout is taken on any port. */
    @Test
    void rpInitiatedLogoutTakesTheAppsLoopbackAddressOnAnyPort() throws Exception {
        RelyingApp app = app(register(admin, "Desktop", "confidential"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        OIDCTokenResponse tokens = app.exchange(attempt, app.code(attempt, app.signIn(attempt, cookie(admin))));
        String otherPath = "http://127.0.0.1:54321/elsewhere";
        URI refused = new com.nimbusds.openid.connect.sdk.LogoutRequest(app.provider.getEndSessionEndpointURI(),
                tokens.getOIDCTokens().getIDToken(), URI.create(otherPath), null).toURI();
        assertThat(app.browse(refused, cookie(admin)).statusCode()).as("another path is no registered address").isEqualTo(400);

        String otherPort = "http://127.0.0.1:54321/callback";
        URI logout = new com.nimbusds.openid.connect.sdk.LogoutRequest(app.provider.getEndSessionEndpointURI(),
                tokens.getOIDCTokens().getIDToken(), URI.create(otherPort), new com.nimbusds.oauth2.sdk.id.State("bye")).toURI();
        HttpResponse<String> answer = app.browse(logout, cookie(admin));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        assertThat(RelyingApp.location(answer)).hasToString(otherPort + "?state=bye");
    }

    /** Anyone can register an app and hold an ID token: a logout link sends back to the app only the member it names. */
    @Test
    void rpInitiatedLogoutSendsNobodyElseToTheAppsAddress() throws Exception {
        RelyingApp app = app(register(admin, "Lure", "confidential"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        OIDCTokenResponse tokens = app.exchange(attempt, app.code(attempt, app.signIn(attempt, cookie(admin))));
        Member visitor = api.signUp("visitor");
        URI logout = new com.nimbusds.openid.connect.sdk.LogoutRequest(app.provider.getEndSessionEndpointURI(),
                tokens.getOIDCTokens().getIDToken(), URI.create(REDIRECT), new com.nimbusds.oauth2.sdk.id.State("bye")).toURI();

        HttpResponse<String> signedOut = app.browse(logout, null);
        assertThat(signedOut.statusCode()).as(signedOut.body()).isEqualTo(302);
        assertThat(RelyingApp.location(signedOut).toString()).endsWith("/login?out").doesNotStartWith(REDIRECT);

        HttpResponse<String> someoneElse = app.browse(logout, cookie(visitor));
        assertThat(someoneElse.headers().firstValue("Location")).as(someoneElse.body()).isEmpty();
        var current = mvc.perform(get("/api/v1/sessions/current").cookie(visitor.cookie()).with(visitor.from())).andReturn();
        assertThat(current.getResponse().getStatus()).as("the visitor stays signed in").isEqualTo(200);
    }

    @Autowired
    GrantStore grants;
    @Autowired
    org.springframework.security.oauth2.jwt.JwtEncoder encoder;

    /** The app's sign-out link with {@code idToken}, back to its redirect URI with {@code state=bye}. */
    private static URI signOutLink(RelyingApp app, String idToken, String returnTo) {
        return URI.create(app.provider.getEndSessionEndpointURI() + "?id_token_hint=" + idToken + "&post_logout_redirect_uri="
                + java.net.URLEncoder.encode(returnTo, java.nio.charset.StandardCharsets.UTF_8) + "&state=bye");
    }

    private int current(Member browser) throws Exception {
        return mvc.perform(get("/api/v1/sessions/current").cookie(browser.cookie()).with(browser.from())).andReturn().getResponse().getStatus();
    }

    /** {@code browser} signs in to {@code app}: the grant's ID token. */
    private String idToken(RelyingApp app, Member browser) throws Exception {
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        return app.exchange(attempt, app.code(attempt, app.signIn(attempt, cookie(browser)))).getOIDCTokens().getIDTokenString();
    }

    /** Why the admin's ended session {@code sid} ended, from their history. */
    private String endReason(String sid) throws Exception {
        JsonNode history = api.read(mvc.perform(get("/api/v1/sessions/history").cookie(admin.cookie()).with(admin.from())).andReturn());
        return history.path("items").valueStream().filter(s -> s.path("id").asString().equals(sid)).findFirst().orElseThrow()
                .path("endReason").asString();
    }

    private static String sid(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getJWTClaimsSet().getStringClaim("sid");
    }

    /**
     * The usual order when a member revokes an app at Lanyard and then presses the app's own "Log out": the link with the
     * ended grant's ID token is answered as a live grant's (decision 65, addendum of 2026-12-06), where it was Lanyard's
     * 400 page with no way back to the app. The browser session that authorized the grant ends, as it would have.
     */
    @Test
    void rpInitiatedLogoutAfterTheAppWasRevokedInLanyardSignsOutAndGoesBackToTheApp() throws Exception {
        JsonNode registered = register(admin, "Forum", "confidential");
        RelyingApp app = app(registered);
        Member browser = api.logIn(admin);
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        OIDCTokenResponse tokens = app.exchange(attempt, app.code(attempt, app.signIn(attempt, cookie(browser))));
        RelyingApp other = app(register(admin, "Almanac", "confidential"));
        AccessToken othersToken = signIn(other, admin).getOIDCTokens().getAccessToken();
        var revoked = mvc.perform(delete("/api/v1/apps/" + registered.path("app").path("id").asString())
                .cookie(browser.cookie()).with(browser.from())).andReturn();
        assertThat(revoked.getResponse().getStatus()).isEqualTo(204);

        HttpResponse<String> answer = app.browse(signOutLink(app, tokens.getOIDCTokens().getIDTokenString(), REDIRECT), cookie(browser));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        assertThat(RelyingApp.location(answer)).hasToString(REDIRECT + "?state=bye");
        assertThat(current(browser)).as("the browser session that authorized the grant").isEqualTo(401);
        assertThat(current(admin)).as("another Lanyard session of the member").isEqualTo(200);
        assertThat(other.active(othersToken)).as("another app's grant").isTrue();
        assertThat(endReason(sid(tokens.getOIDCTokens().getIDTokenString()))).as("the grant keeps the reason it ended for")
                .isEqualTo("revoked");
    }

    /**
     * The third way a grant ends at Lanyard, a team sign-out by an admin: the app's own "Log out" with the grant's ID token
     * still goes back to the app (decision 65, addendum of 2026-12-06), and ends nothing the sign-out left, the admin's
     * own session among them.
     */
    @Test
    void rpInitiatedLogoutAfterATeamSignOutGoesBackToTheApp() throws Exception {
        RelyingApp app = app(register(admin, "Atlas", "confidential"));
        Member laptop = api.logIn(admin);
        String idToken = idToken(app, laptop);
        var signedOut = mvc.perform(post("/api/v1/admin/sessions/sign-out").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of("reason", "Rotating every session")))).andReturn();
        assertThat(signedOut.getResponse().getStatus()).as(signedOut.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(current(laptop)).as("the session that authorized the grant").isEqualTo(401);

        HttpResponse<String> answer = app.browse(signOutLink(app, idToken, REDIRECT), cookie(admin));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        assertThat(RelyingApp.location(answer)).hasToString(REDIRECT + "?state=bye");
        assertThat(current(admin)).as("the admin's own session, which the team sign-out left").isEqualTo(200);
        assertThat(endReason(sid(idToken))).as("the grant keeps the reason it ended for").isEqualTo("admin-revoked");
    }

    /**
     * A grant whose session was ended at Lanyard, then its app's link in another browser: back to the app, and nothing
     * else ends; once the grant is purged, the same, the browser that authorized it left alone (nothing stored says so
     * any more). As for a live grant: nobody signed in goes to the sign-in page, someone else signed in is refused, and
     * so is an address that is not the app's.
     */
    @Test
    void rpInitiatedLogoutOfAGrantEndedOrPurgedEndsNothingElse() throws Exception {
        RelyingApp app = app(register(admin, "Board", "confidential"));
        Member laptop = api.logIn(admin);
        String idToken = idToken(app, laptop);
        String sid = sid(idToken);
        var ended = mvc.perform(delete("/api/v1/sessions/" + sid).cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(ended.getResponse().getStatus()).isIn(200, 204);
        Member phone = api.logIn(admin);
        Member visitor = api.signUp("visitor");
        URI link = signOutLink(app, idToken, REDIRECT);

        assertThat(RelyingApp.location(app.browse(link, null)).toString()).as("nobody signed in").endsWith("/login?out");
        HttpResponse<String> someoneElse = app.browse(link, cookie(visitor));
        assertThat(someoneElse.statusCode()).isEqualTo(400);
        assertThat(org.springframework.web.util.HtmlUtils.htmlUnescape(someoneElse.body())).contains("someone other than the person");
        HttpResponse<String> elsewhere = app.browse(signOutLink(app, idToken, "https://evil.example/"), cookie(phone));
        assertThat(elsewhere.statusCode()).isEqualTo(400);
        assertThat(org.springframework.web.util.HtmlUtils.htmlUnescape(elsewhere.body())).contains("is not one of the app's");

        HttpResponse<String> answer = app.browse(link, cookie(phone));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        assertThat(RelyingApp.location(answer)).hasToString(REDIRECT + "?state=bye");
        for (Member browser : List.of(phone, laptop, visitor)) assertThat(current(browser)).as("Lanyard sessions stay").isEqualTo(200);

        grants.delete(grants.bySession(sid).orElseThrow().id());
        HttpResponse<String> purged = app.browse(link, cookie(laptop));
        assertThat(purged.statusCode()).as(purged.body()).isEqualTo(302);
        assertThat(RelyingApp.location(purged)).hasToString(REDIRECT + "?state=bye");
        assertThat(current(laptop)).as("no stored grant says this browser authorized it").isEqualTo(200);
    }

    /**
     * Only an ID token Lanyard signed, of the app the link names, stands for an ended grant: a token signed with another
     * key, the grant's access token and another app's {@code client_id} keep the refusal. An expired one is taken.
     */
    @Test
    void rpInitiatedLogoutOfAnEndedGrantTakesOnlyAnIdTokenLanyardSigned() throws Exception {
        RelyingApp app = app(register(admin, "Desk", "confidential"));
        RelyingApp other = app(register(admin, "Ledger", "confidential"));
        OIDCTokenResponse tokens = signIn(app, admin);
        String idToken = tokens.getOIDCTokens().getIDTokenString();
        var ended = mvc.perform(delete("/api/v1/sessions/" + sid(idToken)).cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(ended.getResponse().getStatus()).isIn(200, 204);
        SignedJWT issued = SignedJWT.parse(idToken);
        SignedJWT forged = new SignedJWT(issued.getHeader(), issued.getJWTClaimsSet());
        forged.sign(new com.nimbusds.jose.crypto.RSASSASigner(new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048)
                .keyID(issued.getHeader().getKeyID()).generate()));

        for (URI refused : List.of(signOutLink(app, forged.serialize(), REDIRECT),
                signOutLink(app, tokens.getOIDCTokens().getAccessToken().getValue(), REDIRECT),
                URI.create(signOutLink(app, idToken, REDIRECT) + "&client_id=" + other.clientId.getValue()))) {
            HttpResponse<String> answer = app.browse(refused, cookie(admin));
            assertThat(answer.statusCode()).as(refused.toString()).isEqualTo(400);
            assertThat(org.springframework.web.util.HtmlUtils.htmlUnescape(answer.body())).as(refused.toString())
                    .contains("is not one Lanyard issued to an app it still has");
        }

        var claims = issued.getJWTClaimsSet();
        java.time.Instant now = java.time.Instant.now();
        var expired = org.springframework.security.oauth2.jwt.JwtClaimsSet.builder().issuer(claims.getIssuer()).subject(claims.getSubject())
                .audience(claims.getAudience()).claim("azp", claims.getStringClaim("azp")).claim("sid", claims.getStringClaim("sid"))
                .issuedAt(now.minus(java.time.Duration.ofHours(2))).expiresAt(now.minus(java.time.Duration.ofHours(1))).build();
        String expiredToken = encoder.encode(org.springframework.security.oauth2.jwt.JwtEncoderParameters.from(
                org.springframework.security.oauth2.jwt.JwsHeader.with(org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS256).build(),
                expired)).getTokenValue();
        HttpResponse<String> answer = app.browse(signOutLink(app, expiredToken, REDIRECT), cookie(admin));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        assertThat(RelyingApp.location(answer)).hasToString(REDIRECT + "?state=bye");
    }

    @Test
    void removingTheMemberEndsTheirGrants() throws Exception {
        RelyingApp app = app(register(admin, "Tracker", "confidential"));
        Member member = teammate();
        OIDCTokenResponse tokens = signIn(app, member, OFFLINE);
        assertThat(app.active(tokens.getOIDCTokens().getAccessToken())).isTrue();
        var removed = mvc.perform(delete("/api/v1/admin/members/" + member.accountId()).cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(removed.getResponse().getStatus()).as(removed.getResponse().getContentAsString()).isEqualTo(204);
        assertThat(app.active(tokens.getOIDCTokens().getAccessToken())).isFalse();
        assertThat(app.refresh(tokens.getOIDCTokens().getRefreshToken()).indicatesSuccess()).isFalse();
    }

    /** A member held by the team's second-factor rule (decision 22) signs in to no app, and their grants stop until they set one up. */
    @Test
    void aMemberHeldByTheTeamsSecondFactorRuleGetsNoAppSignInAndTheirGrantsStop() throws Exception {
        RelyingApp app = app(register(admin, "Vault", "confidential"));
        Member member = teammate();
        OIDCTokenResponse tokens = signIn(app, member, OFFLINE);
        RelyingApp.Attempt pending = app.authorizeRequest("openid");
        String code = app.code(pending, app.signIn(pending, cookie(member))).getValue();
        var policy = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put("/api/v1/team/policy")
                .cookie(admin.cookie()).with(admin.from()).contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .content("{\"idleTimeout\":\"7d\",\"allowRememberMe\":true,\"rememberedDays\":30,\"lifetimeDays\":7,"
                        + "\"requireSecondFactor\":true}")).andReturn();
        assertThat(policy.getResponse().getStatus()).as(policy.getResponse().getContentAsString()).isEqualTo(200);

        assertThat(app.active(tokens.getOIDCTokens().getAccessToken())).isFalse();
        assertThat(app.userInfo(tokens.getOIDCTokens().getAccessToken()).indicatesSuccess()).isFalse();
        assertThat(app.refresh(tokens.getOIDCTokens().getRefreshToken()).indicatesSuccess()).isFalse();
        assertThat(app.token(new com.nimbusds.oauth2.sdk.AuthorizationCodeGrant(new com.nimbusds.oauth2.sdk.AuthorizationCode(code),
                URI.create(REDIRECT), pending.verifier())).indicatesSuccess()).as("a code given before the rule").isFalse();
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        URI landed = RelyingApp.location(app.browse(attempt.uri(), cookie(member)));
        assertThat(RelyingApp.query(landed).get("error")).containsExactly("access_denied");
        assertThat(RelyingApp.query(landed).get("error_description").get(0)).contains("two-factor authentication");
        // Held, the grant is still found to end: the app's logout works.
        URI logout = new com.nimbusds.openid.connect.sdk.LogoutRequest(app.provider.getEndSessionEndpointURI(),
                tokens.getOIDCTokens().getIDToken(), URI.create(REDIRECT), new com.nimbusds.oauth2.sdk.id.State("bye")).toURI();
        HttpResponse<String> out = app.browse(logout, cookie(member));
        assertThat(out.statusCode()).as(out.body()).isEqualTo(302);
        assertThat(RelyingApp.location(out)).hasToString(REDIRECT + "?state=bye");
    }

    /** An app's grant is remembered only when the member allowed "Stay connected" or signed in with "Remember me" (L3). */
    @Test
    void aGrantLastsAsRememberedOnlyWithStayConnectedOrARememberedSignIn() throws Exception {
        RelyingApp short_ = app(register(admin, "Short", "confidential"));
        RelyingApp stays = app(register(admin, "Stays", "confidential"));
        Member member = teammate(); // signed in without "Remember me"
        signIn(short_, member, "openid");
        signIn(stays, member, OFFLINE);
        var list = mvc.perform(get("/api/v1/sessions").cookie(member.cookie()).with(member.from())).andReturn();
        java.util.Map<String, java.time.Duration> lifetimes = new java.util.HashMap<>();
        for (var s : api.read(list).path("items")) {
            if (!s.path("appType").asString().equals("oauth")) continue;
            lifetimes.put(s.path("name").asString(), java.time.Duration.between(java.time.Instant.parse(s.path("createdAt").asString()),
                    java.time.Instant.parse(s.path("expiresAt").asString())));
        }
        assertThat(lifetimes).containsEntry("Short", java.time.Duration.ofDays(7)).containsEntry("Stays", java.time.Duration.ofDays(30));
    }

    @Autowired
    javax.sql.DataSource dataSource;
    @Autowired
    dev.lanyard.session.Sessions sessions;
    @Autowired
    dev.lanyard.account.Accounts accounts;

    /** A member of the admin's team, signed in with a session started directly. */
    private Member teammate() {
        var account = dev.lanyard.account.TestAccounts.insertTeammate(dataSource,
                accounts.find(new dev.lanyard.account.AccountId(admin.accountId())).orElseThrow(),
                dev.lanyard.account.TestAccounts.uniqueEmail("member"));
        var started = sessions.start(new dev.lanyard.session.NewSession(account.id(), new dev.lanyard.session.ClientOrigin(
                dev.lanyard.device.Device.unknown(), "", "203.0.113.7", dev.lanyard.geo.GeoLocation.unknown()), AppType.WEB, false));
        return new Member(account.email(), started.token(), started.session().id().value(), account.id().value(), "203.0.113.7");
    }

    @Autowired
    dev.lanyard.testsupport.MutableClock clock;

    /**
     * A grant ends with its session, which the team's policy may end before a refresh token's 30 days: a refresh token
     * then expires with the session, in the token response and in introspection (RFC 7662 {@code exp} must not overstate
     * a token's life), and so does an access token when the session has less than its 5 minutes left (outside review:
     * introspection said 30 days for a grant whose session had 14).
     */
    @Test
    void noTokenOutlivesItsGrantsSession() throws Exception {
        MvcResult policy = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put("/api/v1/team/policy")
                .cookie(admin.cookie()).with(admin.from()).contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of(
                        "idleTimeout", "never", "allowRememberMe", true, "rememberedDays", 14, "lifetimeDays", 7)))).andReturn();
        assertThat(policy.getResponse().getStatus()).as(policy.getResponse().getContentAsString()).isEqualTo(200);
        RelyingApp app = app(register(admin, "Fortnight", "confidential"));
        OIDCTokenResponse tokens = signIn(app, admin, OFFLINE);
        String sid = SignedJWT.parse(tokens.getOIDCTokens().getAccessToken().getValue()).getJWTClaimsSet().getStringClaim("sid");
        java.time.Duration left = java.time.Duration.between(clock.instant(),
                sessions.get(new dev.lanyard.session.SessionId(sid), new dev.lanyard.account.AccountId(admin.accountId())).expiresAt());
        assertThat(left).as("a remembered grant of a team that remembers for 14 days").isEqualTo(java.time.Duration.ofDays(14));

        var refresh = app.introspect(tokens.getOIDCTokens().getRefreshToken()).toSuccessResponse();
        assertThat(refresh.isActive()).isTrue();
        java.time.Duration lives = java.time.Duration.between(refresh.getIssueTime().toInstant(), refresh.getExpirationTime().toInstant());
        assertThat(lives).as("the refresh token's exp is the session's, not 30 days out").isBetween(left.minusSeconds(2), left.plusSeconds(1));

        TokenResponse rotated = app.refresh(tokens.getOIDCTokens().getRefreshToken());
        assertThat(rotated.indicatesSuccess()).isTrue();
        var again = app.introspect(rotated.toSuccessResponse().getTokens().getRefreshToken()).toSuccessResponse();
        assertThat(java.time.Duration.between(again.getIssueTime().toInstant(), again.getExpirationTime().toInstant()))
                .as("a rotated refresh token likewise").isLessThanOrEqualTo(left.plusSeconds(1));

        // The team shortens the grant's session (as a policy change does) to 90 seconds: what the app holds, read again,
        // and what a refresh now issues end with it.
        var jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(dataSource);
        jdbc.sql("UPDATE sessions SET expires_at = :at WHERE id = :id").param("at", clock.instant().plusSeconds(90).toEpochMilli())
                .param("id", sid).update();
        var held = app.introspect(rotated.toSuccessResponse().getTokens().getRefreshToken()).toSuccessResponse();
        assertThat(held.getExpirationTime().toInstant()).as("read as the session now is")
                .isBefore(java.time.Instant.now().plusSeconds(92));
        TokenResponse shortened = app.refresh(rotated.toSuccessResponse().getTokens().getRefreshToken());
        assertThat(shortened.indicatesSuccess()).as(() -> shortened.toErrorResponse().getErrorObject().toString()).isTrue();
        AccessToken access = shortened.toSuccessResponse().getTokens().getAccessToken();
        assertThat(access.getLifetime()).as("expires_in").isBetween(88L, 90L);
        var claims = SignedJWT.parse(access.getValue()).getJWTClaimsSet();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).as("the JWT's exp").isEqualTo(90_000);
        var introspected = app.introspect(access).toSuccessResponse();
        assertThat(introspected.isActive()).isTrue();
        assertThat(introspected.getExpirationTime()).isEqualTo(claims.getExpirationTime());
        var newRefresh = app.introspect(shortened.toSuccessResponse().getTokens().getRefreshToken()).toSuccessResponse();
        assertThat(java.time.Duration.between(newRefresh.getIssueTime().toInstant(), newRefresh.getExpirationTime().toInstant()))
                .isEqualTo(java.time.Duration.ofSeconds(90));
    }

    /**
     * A code the token endpoint does not know (made up, used before, expired) is refused as such: Spring said "Client
     * authentication failed: code" to an app whose secret was right (outside review). A used code still ends its grant.
     */
    @Test
    void anUnknownOrUsedCodeIsDescribedAsSuch() throws Exception {
        RelyingApp app = app(register(admin, "Exchange", "confidential"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        AuthorizationCode code = app.code(attempt, app.signIn(attempt, cookie(admin)));
        AccessToken access = app.exchange(attempt, code).getOIDCTokens().getAccessToken();
        for (AuthorizationCode presented : List.of(new AuthorizationCode("made-up"), code)) {
            TokenResponse refused = app.token(new AuthorizationCodeGrant(presented, URI.create(REDIRECT), attempt.verifier()));
            assertThat(refused.indicatesSuccess()).isFalse();
            assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
            // Made up, it is not found while the verifier is checked; used, after the client is authenticated, where a wrong
            // redirect_uri is refused alike.
            assertThat(refused.toErrorResponse().getErrorObject().getDescription()).as(presented.getValue())
                    .startsWith("The authorization code is unknown, expired or already used");
        }
        assertThat(app.active(access)).as("the used code presented again ended its grant, as before").isFalse();

        JsonNode registered = register(admin, "Public", "public");
        RelyingApp mobile = app(registered);
        TokenResponse unknown = mobile.token(new AuthorizationCodeGrant(new AuthorizationCode("made-up"), URI.create(REDIRECT), new CodeVerifier()));
        assertThat(unknown.toErrorResponse().getErrorObject().getDescription()).as("a public app's")
                .isEqualTo("The authorization code is unknown, expired or already used.");
        TokenResponse refreshed = app.refresh(new RefreshToken("made-up"));
        assertThat(refreshed.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(refreshed.toErrorResponse().getErrorObject().getDescription()).startsWith("The refresh token is unknown, expired or no longer valid");
    }

    @Test
    void revokingARefreshTokenEndsTheGrant() throws Exception {
        RelyingApp app = app(register(admin, "Docs", "confidential"));
        OIDCTokenResponse tokens = signIn(app, admin, OFFLINE);
        assertThat(app.revoke(tokens.getOIDCTokens().getRefreshToken())).isEqualTo(200);
        assertThat(app.active(tokens.getOIDCTokens().getAccessToken())).isFalse();
        assertThat(app.refresh(tokens.getOIDCTokens().getRefreshToken()).indicatesSuccess()).isFalse();
    }

    @Test
    void anAuthorizeRequestWithoutPkceOrWithPlainPkceIsRefused() throws Exception {
        RelyingApp app = app(register(admin, "Legacy", "confidential"));
        String base = issuer() + "/oauth2/authorize?response_type=code&client_id=" + app.clientId.getValue()
                + "&redirect_uri=" + REDIRECT + "&scope=openid&state=s1";
        for (String request : List.of(base, base + "&code_challenge=" + new CodeVerifier().getValue() + "&code_challenge_method=plain")) {
            URI landed = RelyingApp.location(app.browse(URI.create(request), cookie(admin)));
            assertThat(landed.toString()).startsWith(REDIRECT);
            assertThat(RelyingApp.query(landed)).containsKey("error").doesNotContainKey("code");
            assertThat(RelyingApp.query(landed).get("error")).containsExactly("invalid_request");
        }
    }

    @Test
    void aWrongRedirectUriIsRefusedWithoutRedirecting() throws Exception {
        RelyingApp app = app(register(admin, "Phish", "confidential"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        URI tampered = URI.create(attempt.uri().toString().replace("callback", "callback2"));
        HttpResponse<String> answer = app.browse(tampered, cookie(admin));
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Location")).isEmpty();
    }

    /**
     * A loopback redirect URI is taken on any port (RFC 8252 7.3), but otherwise exactly as registered, and the port must
     * be 1-65535 in digits: Spring's comparison collapsed the path's slashes ({@code :5555//callback} had its code sent to
     * {@code :5555/callback}) and took ports 0, 99999 and an empty one (outside review). Anything else is refused as an
     * address not registered: on Lanyard's page, not sent anywhere; the same after RP-initiated logout.
     */
    @Test
    void aLoopbackRedirectUriIsTakenOnAnyPortButOtherwiseExactly() throws Exception {
        RelyingApp app = app(register(admin, "Desktop", "confidential"));
        OIDCTokenResponse tokens = signIn(app, admin, "openid");
        for (String taken : List.of("http://127.0.0.1:5555/callback", "http://127.0.0.1/callback", "http://127.0.0.1:65535/callback")) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid");
            HttpResponse<String> answer = app.browse(redirectedTo(attempt.uri(), taken), cookie(admin));
            assertThat(answer.statusCode()).as(taken + ": " + answer.body()).isEqualTo(302);
            assertThat(RelyingApp.location(answer).toString()).as(taken).startsWith(taken + "?code=");
        }
        for (String refused : List.of("http://127.0.0.1:5555//callback", "http://127.0.0.1//callback", "http://127.0.0.1:5555///callback",
                "http://127.0.0.1:99999/callback", "http://127.0.0.1:0/callback", "http://127.0.0.1:/callback", "http://127.0.0.1:5555/callback/",
                "http://127.0.0.1:5555/./callback", "http://127.0.0.1:5555/Callback")) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid");
            for (URI asked : List.of(redirectedTo(attempt.uri(), refused),
                    URI.create(redirectedTo(attempt.uri(), refused).toString().replace("response_type=code", "response_type=token")))) {
                HttpResponse<String> answer = app.browse(asked, cookie(admin));
                assertThat(answer.statusCode()).as(asked.toString()).isEqualTo(400);
                assertThat(answer.headers().firstValue("Location")).as(asked.toString()).isEmpty();
            }
            URI logout = new com.nimbusds.openid.connect.sdk.LogoutRequest(app.provider.getEndSessionEndpointURI(),
                    tokens.getOIDCTokens().getIDToken(), URI.create(refused), null).toURI();
            HttpResponse<String> loggedOut = app.browse(logout, cookie(admin));
            assertThat(loggedOut.statusCode()).as("logout to " + refused).isEqualTo(400);
            assertThat(loggedOut.headers().firstValue("Location")).as("logout to " + refused).isEmpty();
        }
    }

    /** {@code authorize} with its redirect_uri replaced by {@code redirect}. */
    private static URI redirectedTo(URI authorize, String redirect) {
        return URI.create(authorize.toString().replaceFirst("redirect_uri=[^&]*",
                "redirect_uri=" + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void anotherClientsCodeAndAWrongVerifierAreRefused() throws Exception {
        RelyingApp wiki = app(register(admin, "Wiki two", "confidential"));
        RelyingApp other = app(register(admin, "Other", "confidential"));
        RelyingApp.Attempt attempt = wiki.authorizeRequest("openid");
        AuthorizationCode code = wiki.code(attempt, wiki.signIn(attempt, cookie(admin)));

        TokenResponse stolen = other.token(new AuthorizationCodeGrant(code, URI.create(REDIRECT), attempt.verifier()));
        assertThat(stolen.indicatesSuccess()).isFalse();
        assertThat(stolen.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");

        TokenResponse wrongVerifier = wiki.token(new AuthorizationCodeGrant(code, URI.create(REDIRECT), new CodeVerifier()));
        assertThat(wrongVerifier.indicatesSuccess()).isFalse();
        // Neither spoiled the code for its own app (outside review S: another client's presentation invalidated it).
        assertThat(wiki.exchange(attempt, code).getOIDCTokens().getAccessToken()).isNotNull();
    }

    @Test
    void someoneNotSignedInIsSentToLanyardsSignInPageToComeBack() throws Exception {
        RelyingApp app = app(register(admin, "Board", "confidential"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        HttpResponse<String> answer = app.browse(attempt.uri(), null);
        assertThat(answer.statusCode()).isEqualTo(302);
        URI login = RelyingApp.location(answer);
        assertThat(login.getPath()).isEqualTo("/login");
        String next = RelyingApp.query(login).get("next").get(0);
        assertThat(next).startsWith("/oauth2/authorize?");
        HttpResponse<String> page = app.browse(login, null);
        assertThat(page.body()).contains("name=\"next\"");
    }

    @Test
    void theConsentFormWithoutLanyardsCsrfTokenIsRefused() throws Exception {
        RelyingApp app = app(register(admin, "Sneaky", "confidential"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid email");
        URI consent = RelyingApp.location(app.browse(attempt.uri(), cookie(admin)));
        assertThat(consent.getPath()).isEqualTo("/oauth2/consent");
        String state = RelyingApp.query(consent).get("state").get(0);
        var forged = java.net.http.HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie(admin))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("client_id=" + app.clientId.getValue() + "&state="
                        + java.net.URLEncoder.encode(state, java.nio.charset.StandardCharsets.UTF_8) + "&scope=openid&scope=email")).build();
        HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(forged, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void aMemberOfAnotherTeamCannotSignInToTheApp() throws Exception {
        RelyingApp app = app(register(admin, "Private", "confidential"));
        Member stranger = api.signUp("stranger");
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        HttpResponse<String> refused = app.browse(attempt.uri(), cookie(stranger));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Location")).as("not sent on to another team's address").isEmpty();
        assertThat(refused.body()).contains("access_denied", "This app belongs to another team.");
    }

    /**
     * A refused request goes back to the app only for a member of its team signed in here: anyone can register an
     * app with any https address, so an error must not make Lanyard's address a redirector (RFC 9700 §4.11.2).
     */
    @Test
    void aRefusedRequestIsSentBackToTheAppOnlyForAMemberOfItsTeam() throws Exception {
        RelyingApp app = app(register(admin, "Redirector", "confidential"));
        Member stranger = api.signUp("stranger");
        for (String cookie : new String[] {null, cookie(stranger)}) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid made-up");
            HttpResponse<String> refused = app.browse(attempt.uri(), cookie);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Location")).isEmpty();
            assertThat(refused.body()).contains("The app&#39;s sign-in request was refused (invalid_scope): the app asked for access it may not ask for.");
        }
        RelyingApp.Attempt attempt = app.authorizeRequest("openid made-up");
        URI landed = RelyingApp.location(app.browse(attempt.uri(), cookie(admin)));
        assertThat(landed.toString()).startsWith(REDIRECT);
        assertThat(RelyingApp.query(landed).get("error")).containsExactly("invalid_scope");
        assertThat(RelyingApp.query(landed).get("state")).containsExactly(attempt.state().getValue());
    }

    @Test
    void publicAppsUsePkceWithoutASecret() throws Exception {
        JsonNode registered = register(admin, "Mobile", "public");
        assertThat(registered.path("clientSecret").isNull() || registered.path("clientSecret").isMissingNode()).isTrue();
        RelyingApp app = app(registered);
        RelyingApp.Attempt attempt = app.authorizeRequest("openid email");
        AuthorizationCode code = app.code(attempt, app.signIn(attempt, cookie(admin)));
        TokenResponse response = app.token(new AuthorizationCodeGrant(code, URI.create(REDIRECT), attempt.verifier()));
        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().getErrorObject().toString()).isTrue();
        assertThat(GrantType.AUTHORIZATION_CODE).isNotNull();
    }
}
