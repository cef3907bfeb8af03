package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

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
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** How the endpoints an app calls answer requests the specifications rule on (outside review S). */
@LanyardSpringTest
class OAuthRequestRulesTest {
    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    private Member admin;
    private TeamApps apps;

    @BeforeEach
    void team() throws Exception {
        admin = new ApiClient(mvc, json).signUp("admin");
        apps = new TeamApps(mvc, json, port);
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private MvcResult form(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.contentType(MediaType.APPLICATION_FORM_URLENCODED)).andReturn();
    }

    @Test
    void aRepeatedParameterIsAnInvalidRequestAtEveryEndpointBeforeTheClientIsAuthenticated() throws Exception {
        JsonNode registered = apps.register(admin, "Wiki");
        String id = registered.path("app").path("clientId").asString();
        String secret = registered.path("clientSecret").asString();
        for (java.util.function.Supplier<MockHttpServletRequestBuilder> request : java.util.List.<java.util.function.Supplier<MockHttpServletRequestBuilder>>of(
                () -> post("/oauth2/token").param("grant_type", "authorization_code").param("code", "a").param("code", "b")
                        .param("redirect_uri", OAuthFlowTest.REDIRECT).param("code_verifier", "v".repeat(43)),
                () -> post("/oauth2/token").param("grant_type", "authorization_code").param("code", "a")
                        .param("redirect_uri", OAuthFlowTest.REDIRECT).param("code_verifier", "v".repeat(43)).param("code_verifier", "w".repeat(43)),
                () -> post("/oauth2/introspect").param("token", "a").param("token", "b"),
                () -> post("/oauth2/revoke").param("token", "a").param("token", "b"))) {
            for (String authorization : java.util.List.of(basic(id, secret), basic(id, "wrong"))) {
                MvcResult answer = form(request.get().header("Authorization", authorization));
                assertThat(answer.getResponse().getStatus()).as(answer.getResponse().getContentAsString()).isEqualTo(400);
                assertThat(answer.getResponse().getContentAsString()).contains("\"error\":\"invalid_request\"");
                assertThat(answer.getResponse().getHeader("Cache-Control")).isEqualTo("no-store");
            }
        }
    }

    /**
     * RFC 6749 §5.2 allows printable ASCII but {@code "} and {@code \} in an error description: a parameter name outside
     * it, or a long one, is not repeated back.
     */
    @Test
    void aRepeatedParameterWhoseNameAnErrorDescriptionCannotHoldIsNotNamed() throws Exception {
        for (String name : java.util.List.of("to\"ken", "tök", "back\\slash", "x".repeat(41))) {
            MvcResult answer = form(post("/oauth2/introspect").param("token", "a").param(name, "1").param(name, "2"));
            assertThat(answer.getResponse().getStatus()).isEqualTo(400);
            assertThat(json.readTree(answer.getResponse().getContentAsString()).path("error_description").asString())
                    .as(name).isEqualTo("A parameter is included more than once.");
        }
        MvcResult named = form(post("/oauth2/introspect").param("token", "a").param("scope", "1").param("scope", "2"));
        assertThat(json.readTree(named.getResponse().getContentAsString()).path("error_description").asString())
                .isEqualTo("The parameter scope is included more than once.");
    }

    /**
     * A control character in a field of the token, introspection or revocation endpoint is refused before anything reads
     * it (no client or token is looked up with it), in OAuth's error form: it was Lanyard's problem+json, which an OAuth
     * client does not read (outside review). So is one at userinfo, with its Bearer challenge. Every other path keeps its
     * own form.
     */
    @Test
    void aControlCharacterAtTheTokenIntrospectionOrRevocationEndpointIsAnOAuthInvalidRequest() throws Exception {
        JsonNode registered = apps.register(admin, "Ledger");
        String id = registered.path("app").path("clientId").asString();
        String secret = registered.path("clientSecret").asString();
        var http = java.net.http.HttpClient.newHttpClient();
        String[][] calls = {{"/oauth2/token", "grant_type=client_credentials&client_id=a%00b&client_secret=x", null, "client_id"},
                {"/oauth2/introspect", "token=a%01b", basic(id, secret), "token"},
                {"/oauth2/revoke", "token=%01", basic(id, "wrong"), "token"},
                {"/oauth2/token?scope=ssf%00", "grant_type=client_credentials", basic(id, secret), "scope"}};
        for (String[] call : calls) {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + call[0]))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(java.net.http.HttpRequest.BodyPublishers.ofString(call[1]));
            if (call[2] != null) request.header("Authorization", call[2]);
            var answer = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(call[0] + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).as(call[0]).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(answer.headers().firstValue("Cache-Control")).as(call[0]).hasValueSatisfying(cache -> assertThat(cache).contains("no-store"));
            JsonNode error = json.readTree(answer.body());
            assertThat(error.path("error").asString()).as(call[0]).isEqualTo("invalid_request");
            assertThat(error.path("error_description").asString()).as(call[0]).isEqualTo("'" + call[3] + "' cannot contain control characters.");
        }
        var oddName = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/introspect"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", basic(id, secret))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=x&a%22%5C%C3%A9=%01")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(oddName.statusCode()).isEqualTo(400);
        assertThat(json.readTree(oddName.body()).path("error_description").asString())
                .as("a field whose name is not plain is not named").isEqualTo("A field of the request cannot contain control characters.");
        var userInfo = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/userinfo"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Bearer abc")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("scope=a%01b")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(userInfo.statusCode()).as(userInfo.body()).isEqualTo(400);
        assertThat(json.readTree(userInfo.body()).path("error_description").asString()).as("userinfo, in OAuth's form too (outside review)")
                .isEqualTo("'scope' cannot contain control characters.");
        assertThat(userInfo.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_request\", "
                + "error_description=\"'scope' cannot contain control characters.\"");
        var api = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/sessions?cursor=%00"))
                .header("Authorization", "Bearer " + admin.token()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(400);
        assertThat(api.headers().firstValue("Content-Type")).as("the API keeps its problem").hasValueSatisfying(type -> assertThat(type)
                .startsWith("application/problem+json"));
        var authorize = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/authorize?client_id=a%00b"))
                .header("Accept", "text/html").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(authorize.statusCode()).isEqualTo(400);
        assertThat(authorize.body()).as("a browser's page keeps its page").contains("The field \u201cclient_id\u201d cannot contain control characters");
    }

    /**
     * RP-initiated logout said "The request was not valid." to every refusal (outside review): each now says what in the
     * app's sign-out link is at fault, on Lanyard's 400 page, echoing none of it, and nothing is signed out.
     */
    @Test
    void eachRefusedSignOutLinkSaysWhatIsAtFault() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Gazette"));
        RelyingApp other = apps.app(apps.register(admin, "Almanac"));
        var tokens = TeamApps.signIn(app, admin, "openid");
        String idToken = tokens.getOIDCTokens().getIDTokenString();
        String back = java.net.URLEncoder.encode(OAuthFlowTest.REDIRECT, StandardCharsets.UTF_8);
        Member visitor = new ApiClient(mvc, json).signUp("visitor");
        java.util.Map<String, String> said = new java.util.LinkedHashMap<>();
        said.put("id_token_hint=&client_id=" + app.clientId.getValue(), "the app (client_id) alone is not enough");
        said.put("id_token_hint=" + idToken + "&id_token_hint=" + idToken, "names more than one ID token (id_token_hint)");
        said.put("id_token_hint=%3Cscript%3Enot-a-token", "is malformed: an ID token is a signed JWT");
        said.put("id_token_hint=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln", "is not one Lanyard issued to an app it still has");
        said.put("id_token_hint=" + idToken + "&client_id=" + other.clientId.getValue(), "was issued to another app than the one it names (client_id)");
        said.put("id_token_hint=" + idToken + "&client_id=a&client_id=b", "names more than one app (client_id)");
        said.put("id_token_hint=" + idToken + "&post_logout_redirect_uri=" + java.net.URLEncoder.encode("https://evil.example/<script>", StandardCharsets.UTF_8),
                "the address to return to (post_logout_redirect_uri) is not one of the app's");
        said.put("id_token_hint=" + idToken + "&post_logout_redirect_uri=" + back + "&post_logout_redirect_uri=" + back,
                "names more than one address to return to (post_logout_redirect_uri)");
        said.put("id_token_hint=" + idToken + "&state=a&state=b", "names more than one state");
        java.util.Set<String> sentences = new java.util.HashSet<>();
        for (var link : said.entrySet()) {
            var page = app.browse(java.net.URI.create("http://127.0.0.1:" + port + "/connect/logout?" + link.getKey()), TeamApps.cookie(admin));
            String body = org.springframework.web.util.HtmlUtils.htmlUnescape(page.body());
            assertThat(page.statusCode()).as(link.getKey()).isEqualTo(400);
            assertThat(page.headers().firstValue("Content-Type")).as(link.getKey()).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(body).as(link.getKey()).contains("The app's sign-out request was refused, and nothing was signed out: ")
                    .contains(link.getValue()).doesNotContain("<script>").doesNotContain("evil.example").doesNotContain("The request was not valid.");
            java.util.regex.Matcher sentence = java.util.regex.Pattern.compile("nothing was signed out: ([^<]+)<").matcher(body);
            assertThat(sentence.find()).as(link.getKey()).isTrue();
            sentences.add(sentence.group(1));
        }
        assertThat(sentences).as("one sentence per refusal").hasSize(said.size());

        var someoneElse = app.browse(java.net.URI.create("http://127.0.0.1:" + port + "/connect/logout?id_token_hint=" + idToken), TeamApps.cookie(visitor));
        assertThat(someoneElse.statusCode()).isEqualTo(400);
        assertThat(org.springframework.web.util.HtmlUtils.htmlUnescape(someoneElse.body()))
                .contains("you are signed in to Lanyard as someone other than the person this sign-out link is for");
        assertThat(app.active(tokens.getOIDCTokens().getAccessToken())).as("nothing was signed out").isTrue();
    }

    /**
     * RP-Initiated Logout 1.0 §2: without {@code id_token_hint} the provider must ask the member whether to sign out of it.
     * Such a link was refused (outside review); it now leads to a page that asks, and ends nothing by itself.
     */
    @Test
    void aSignOutLinkWithoutAnIdTokenAsksWhetherToLogOutAndEndsNothing() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Courier"));
        var tokens = TeamApps.signIn(app, admin, "openid");
        String back = java.net.URLEncoder.encode(OAuthFlowTest.REDIRECT, StandardCharsets.UTF_8);
        for (String link : java.util.List.of("", "state=x", "client_id=" + app.clientId.getValue(), "post_logout_redirect_uri=" + back,
                "client_id=" + app.clientId.getValue() + "&post_logout_redirect_uri=" + back)) {
            var answer = app.browse(java.net.URI.create("http://127.0.0.1:" + port + "/connect/logout?" + link), TeamApps.cookie(admin));
            assertThat(answer.statusCode()).as(link).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location")).as(link).hasValue("/logout/ask");
        }
        var ask = app.browse(java.net.URI.create("http://127.0.0.1:" + port + "/logout/ask"), TeamApps.cookie(admin));
        assertThat(ask.statusCode()).isEqualTo(200);
        assertThat(org.springframework.web.util.HtmlUtils.htmlUnescape(ask.body())).contains("Log out of Lanyard?")
                .contains("ends your Lanyard session in this browser only").containsPattern("<form method=\"post\" action=\"/logout\"")
                .contains("name=\"_csrf\"");
        var signedOut = app.browse(java.net.URI.create("http://127.0.0.1:" + port + "/logout/ask"), null);
        assertThat(signedOut.statusCode()).isEqualTo(200);
        assertThat(signedOut.body()).contains("You are not signed in").doesNotContain("action=\"/logout\"");
        assertThat(app.active(tokens.getOIDCTokens().getAccessToken())).as("nothing was signed out").isTrue();
        assertThat(mvc.perform(get("/api/v1/sessions/current")
                .cookie(admin.cookie())).andReturn().getResponse().getStatus()).as("the browser's session goes on").isEqualTo(200);
    }

    /**
     * RFC 6749 §3.2: a parameter sent without a value is taken as left out. An empty code was {@code invalid_grant} ("The
     * code parameter is required…"), an empty grant_type {@code unsupported_grant_type} and a public app's empty
     * code_verifier a 401 asking for a secret, where each left out was answered otherwise (outside review).
     */
    @Test
    void anEmptyParameterAtTheTokenEndpointIsAnsweredAsALeftOutOne() throws Exception {
        JsonNode registered = apps.register(admin, "Wiki");
        String confidential = basic(registered.path("app").path("clientId").asString(), registered.path("clientSecret").asString());
        String phone = publicApp("Phone").path("app").path("clientId").asString();
        java.util.Map<String, String> code = new java.util.LinkedHashMap<>(java.util.Map.of("grant_type", "authorization_code",
                "code", "x", "redirect_uri", OAuthFlowTest.REDIRECT, "code_verifier", "v".repeat(43)));
        java.util.Map<String, String> refresh = java.util.Map.of("grant_type", "refresh_token", "refresh_token", "x");
        java.util.Map<String, String> publicCode = new java.util.LinkedHashMap<>(code);
        publicCode.put("client_id", phone);
        Object[][] cases = {{confidential, code, "code"}, {confidential, code, "grant_type"}, {confidential, code, "redirect_uri"},
                {confidential, code, "code_verifier"}, {confidential, refresh, "refresh_token"}, {confidential, refresh, "grant_type"},
                {null, publicCode, "code"}, {null, publicCode, "code_verifier"}, {null, publicCode, "grant_type"}};
        java.util.Map<String, JsonNode> emptyAnswers = new java.util.HashMap<>();
        for (Object[] each : cases) {
            @SuppressWarnings("unchecked") java.util.Map<String, String> fields = (java.util.Map<String, String>) each[1];
            String name = (String) each[2];
            String which = (each[0] == null ? "public app, " : "") + fields.get("grant_type") + ", empty " + name;
            MockHttpServletRequestBuilder empty = post("/oauth2/token");
            MockHttpServletRequestBuilder leftOut = post("/oauth2/token");
            for (var field : fields.entrySet()) {
                empty.param(field.getKey(), field.getKey().equals(name) ? "" : field.getValue());
                if (!field.getKey().equals(name)) leftOut.param(field.getKey(), field.getValue());
            }
            if (each[0] != null) {
                empty.header("Authorization", each[0]);
                leftOut.header("Authorization", each[0]);
            }
            MvcResult emptyAnswer = form(empty);
            MvcResult leftOutAnswer = form(leftOut);
            assertThat(emptyAnswer.getResponse().getStatus()).as(which).isEqualTo(leftOutAnswer.getResponse().getStatus());
            assertThat(emptyAnswer.getResponse().getContentAsString()).as(which).isEqualTo(leftOutAnswer.getResponse().getContentAsString());
            emptyAnswers.put(which, json.readTree(emptyAnswer.getResponse().getContentAsString()));
        }
        for (String which : java.util.List.of("authorization_code, empty code", "public app, authorization_code, empty code")) {
            assertThat(emptyAnswers.get(which).path("error").asString()).as(which).isEqualTo("invalid_request");
            assertThat(emptyAnswers.get(which).path("error_description").asString()).as(which).startsWith("The code parameter is required");
        }
        assertThat(emptyAnswers.get("authorization_code, empty grant_type").path("error").asString()).isEqualTo("invalid_request");
        assertThat(emptyAnswers.get("authorization_code, empty grant_type").path("error_description").asString()).startsWith("The grant_type is required");
        assertThat(emptyAnswers.get("refresh_token, empty refresh_token").path("error").asString()).isEqualTo("invalid_request");
        assertThat(emptyAnswers.get("public app, authorization_code, empty code_verifier").path("error_description").asString())
                .startsWith("The code_verifier is missing");
    }

    /** A public app's exchange (PKCE alone) with its code sent twice: a 500 from the code verifier before (outside review S). */
    @Test
    void aPublicAppsCodeSentTwiceIsAnInvalidRequest() throws Exception {
        JsonNode registered = publicApp("Phone");
        RelyingApp app = apps.app(registered);
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        String code = app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin))).getValue();
        for (String[] twice : java.util.List.of(new String[] {"code", code}, new String[] {"code_verifier", attempt.verifier().getValue()})) {
            MockHttpServletRequestBuilder request = post("/oauth2/token").param("grant_type", "authorization_code").param("client_id", app.clientId.getValue())
                    .param("code", code).param("redirect_uri", OAuthFlowTest.REDIRECT).param("code_verifier", attempt.verifier().getValue())
                    .param(twice[0], twice[1]);
            MvcResult answer = form(request);
            assertThat(answer.getResponse().getStatus()).as(answer.getResponse().getContentAsString()).isEqualTo(400);
            assertThat(answer.getResponse().getContentAsString()).contains("\"error\":\"invalid_request\"");
        }
        // Refused before anything else read it, the code still works once.
        assertThat(app.exchange(attempt, new com.nimbusds.oauth2.sdk.AuthorizationCode(code)).indicatesSuccess()).isTrue();
    }

    /** RFC 7009 §2.1: a public app names itself; it could not revoke at all before (outside review AE). */
    @Test
    void aPublicAppRevokesItsOwnTokenWithItsClientIdAlone() throws Exception {
        RelyingApp app = apps.app(publicApp("Phone"));
        RelyingApp other = apps.app(publicApp("Tablet"));
        JsonNode confidential = apps.register(admin, "Backend");
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        var access = app.exchange(attempt, app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin)))).getOIDCTokens().getAccessToken();
        assertThat(app.userInfo(access).indicatesSuccess()).isTrue();

        MvcResult byOther = form(post("/oauth2/revoke").param("token", access.getValue()).param("client_id", other.clientId.getValue()));
        assertThat(byOther.getResponse().getStatus()).as("another app's token: 200, nothing revoked").isEqualTo(200);
        assertThat(app.userInfo(access).indicatesSuccess()).isTrue();
        MvcResult unauthenticated = form(post("/oauth2/revoke").param("token", access.getValue())
                .param("client_id", confidential.path("app").path("clientId").asString()));
        assertThat(unauthenticated.getResponse().getStatus()).as("an app with a secret must send it").isEqualTo(401);
        assertThat(unauthenticated.getResponse().getContentAsString()).contains("invalid_client", "Client authentication is required");
        assertThat(unauthenticated.getResponse().getHeader("WWW-Authenticate")).as("as at the token endpoint (outside re-check AF)")
                .isEqualTo("Basic realm=\"Lanyard\"");
        assertThat(app.userInfo(access).indicatesSuccess()).isTrue();

        // Lanyard served at a path (server.servlet.context-path, decision 81): the revocation endpoint is its path after it.
        MvcResult revoked = form(post(java.net.URI.create("/lanyard/oauth2/revoke")).contextPath("/lanyard")
                .param("token", access.getValue()).param("client_id", app.clientId.getValue()));
        assertThat(revoked.getResponse().getStatus()).isEqualTo(200);
        assertThat(app.userInfo(access).indicatesSuccess()).as("its grant ended").isFalse();
        MvcResult introspecting = form(post("/oauth2/introspect").param("token", access.getValue()).param("client_id", app.clientId.getValue()));
        assertThat(introspecting.getResponse().getStatus()).as("introspection still takes a secret").isEqualTo(401);
    }

    /** A public app's exchange without its verifier was told it needed a secret (outside re-check AF). */
    @Test
    void aPublicAppsCodeWithoutAVerifierIsToldOfTheVerifier() throws Exception {
        RelyingApp app = apps.app(publicApp("Phone"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        String code = app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin))).getValue();
        MvcResult answer = form(post("/oauth2/token").param("grant_type", "authorization_code").param("code", code)
                .param("redirect_uri", OAuthFlowTest.REDIRECT).param("client_id", app.clientId.getValue()));
        assertThat(answer.getResponse().getStatus()).isEqualTo(400);
        JsonNode error = json.readTree(answer.getResponse().getContentAsString());
        assertThat(error.path("error").asString()).isEqualTo("invalid_grant");
        assertThat(error.path("error_description").asString())
                .isEqualTo("The code_verifier is missing or does not match the code_challenge of the authorization request.");
        assertThat(answer.getResponse().getHeader("WWW-Authenticate")).isNull();
    }

    private JsonNode publicApp(String name) throws Exception {
        return publicApp(name, java.util.List.of("openid"));
    }

    /** Registers a public app (PKCE, no secret) with these scopes; the API's answer. */
    private JsonNode publicApp(String name, java.util.List<String> scopes) throws Exception {
        MvcResult registered = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(java.util.Map.of("name", name,
                        "redirectUris", java.util.List.of(OAuthFlowTest.REDIRECT), "type", "public", "scopes", scopes))))
                .andReturn();
        return json.readTree(registered.getResponse().getContentAsString());
    }

    /**
     * RFC 9728: the challenge of userinfo names userinfo's own metadata, whose {@code resource} is the URL the client called
     * (§3.3); it named the issuer's root document, which a client checking that refuses (outside review). Each document
     * names Lanyard as the authorization server whose tokens it takes (§2), which neither did.
     */
    @Test
    void theProtectedResourceDocumentTheBearerChallengeNamesIsUserinfosOwn() throws Exception {
        MvcResult unauthorized = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/userinfo")).andReturn();
        assertThat(unauthorized.getResponse().getStatus()).isEqualTo(401);
        String challenge = unauthorized.getResponse().getHeader("WWW-Authenticate");
        assertThat(challenge).as("no token, no error code (RFC 6750 §3.1)")
                .isEqualTo("Bearer resource_metadata=\"http://localhost/.well-known/oauth-protected-resource/userinfo\"");
        java.util.regex.Matcher metadata = java.util.regex.Pattern.compile("resource_metadata=\"([^\"]+)\"").matcher(challenge);
        assertThat(metadata.find()).as(challenge).isTrue();
        java.net.URI document = java.net.URI.create(metadata.group(1));
        MvcResult served = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get(document.getPath())).andReturn();
        assertThat(served.getResponse().getStatus()).as(served.getResponse().getRedirectedUrl()).isEqualTo(200);
        JsonNode body = json.readTree(served.getResponse().getContentAsString());
        assertThat(body.path("resource").asString()).isEqualTo("http://localhost/userinfo");
        assertThat(body.path("authorization_servers").toString()).isEqualTo("[\"http://localhost\"]");
        assertThat(body.has("tls_client_certificate_bound_access_tokens")).as("Lanyard issues no certificate-bound tokens (outside review AD)")
                .isFalse();
        assertThat(body.path("scopes_supported").toString()).isEqualTo("[\"openid\"]");

        JsonNode root = json.readTree(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .get("/.well-known/oauth-protected-resource")).andReturn().getResponse().getContentAsString());
        assertThat(root.path("authorization_servers").toString()).isEqualTo("[\"http://localhost\"]");
        // No other path is described as a protected resource: the token endpoint is none.
        MvcResult token = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .get("/.well-known/oauth-protected-resource/oauth2/token")).andReturn();
        assertThat(token.getResponse().getContentAsString()).doesNotContain("\"resource\"");
    }

    /**
     * A bearer token userinfo cannot read is {@code invalid_token} in Lanyard's words: the challenge echoed the JWT
     * library's message ("An error occurred while attempting to decode the Jwt: Malformed token") and an {@code error_uri}
     * on an outside site (outside review).
     */
    @Test
    void aMalformedBearerTokenAtUserinfoIsAnInvalidTokenInLanyardsWords() throws Exception {
        for (String token : java.util.List.of("abc", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")) {
            MvcResult answer = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/userinfo")
                    .header("Authorization", "Bearer " + token)).andReturn();
            assertThat(answer.getResponse().getStatus()).as(token).isEqualTo(401);
            assertThat(answer.getResponse().getHeader("WWW-Authenticate")).as(token).isEqualTo("Bearer error=\"invalid_token\", "
                    + "error_description=\"The access token is malformed, expired or not one Lanyard issued.\", "
                    + "resource_metadata=\"http://localhost/.well-known/oauth-protected-resource/userinfo\"");
            JsonNode error = json.readTree(answer.getResponse().getContentAsString());
            assertThat(error.path("error").asString()).as(token).isEqualTo("invalid_token");
            assertThat(error.path("error_description").asString()).as(token).isEqualTo("The access token is malformed, expired or not one Lanyard issued.");
            assertThat(error.has("error_uri")).as(token).isFalse();
        }
    }

    /**
     * Spring's default answered an empty 401 (outside review AD): RFC 6749 §5.2's body, as a wrong secret gets. A code
     * exchange with a verifier and no client named at all was a bare {@code 400 invalid_request} (outside review).
     */
    @Test
    void aCallWithNoClientAuthenticationIsInvalidClientWithItsBody() throws Exception {
        JsonNode registered = publicApp("Phone");
        String publicId = registered.path("app").path("clientId").asString();
        for (MockHttpServletRequestBuilder request : java.util.List.of(post("/oauth2/introspect").param("token", "abc"),
                post("/oauth2/revoke").param("token", "abc"), post("/oauth2/token").param("grant_type", "client_credentials"),
                post("/oauth2/introspect").param("token", "abc").param("client_id", publicId),
                post("/oauth2/token").param("grant_type", "client_credentials").param("client_id", publicId),
                post("/oauth2/token").param("grant_type", "authorization_code").param("code", "a-code")
                        .param("code_verifier", "a-verifier-of-at-least-forty-three-characters-long")
                        .param("redirect_uri", OAuthFlowTest.REDIRECT))) {
            MvcResult answer = form(request);
            String what = answer.getRequest().getRequestURI() + " " + answer.getRequest().getParameterMap().keySet();
            assertThat(answer.getResponse().getStatus()).as(what).isEqualTo(401);
            assertThat(json.readTree(answer.getResponse().getContentAsString()).path("error").asString()).as(what).isEqualTo("invalid_client");
            assertThat(json.readTree(answer.getResponse().getContentAsString()).path("error_description").asString()).as(what)
                    .isEqualTo("Client authentication is required: the app's client_id and client_secret (HTTP Basic or the form), or a public app's client_id.");
            assertThat(answer.getResponse().getContentType()).as(what).startsWith("application/json");
            assertThat(answer.getResponse().getHeader("WWW-Authenticate")).as(what).isEqualTo("Basic realm=\"Lanyard\"");
        }
    }

    /** A method an endpoint does not take: a redirect to the sign-in page, a 403 or a 400 before (outside review AD). */
    @Test
    void aMethodAnEndpointDoesNotTakeIs405WithItsAllow() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        for (String[] call : new String[][] {{"GET", "/oauth2/token", "POST"}, {"HEAD", "/oauth2/token", "POST"},
                {"POST", "/.well-known/openid-configuration", "GET"}, {"DELETE", "/oauth2/authorize", "GET, POST"},
                {"PUT", "/userinfo", "GET, POST"}, {"GET", "/oauth2/revoke", "POST"}, {"GET", "/oauth2/introspect", "POST"},
                {"POST", "/.well-known/oauth-protected-resource", "GET"}, {"POST", "/.well-known/oauth-protected-resource/userinfo", "GET"}}) {
            var answer = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + call[1]))
                    .method(call[0], java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(call[0] + " " + call[1]).isEqualTo(405);
            assertThat(answer.headers().firstValue("Allow")).as(call[0] + " " + call[1]).hasValue(call[2]);
            if (!call[0].equals("HEAD")) assertThat(answer.body()).contains("urn:lanyard:problem:method-not-allowed");
        }
        var taken = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/jwks"))
                .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(taken.statusCode()).as("the method it takes").isEqualTo(200);
        for (String document : java.util.List.of("/oauth2/jwks", "/.well-known/openid-configuration", "/.well-known/oauth-protected-resource",
                "/.well-known/oauth-protected-resource/userinfo")) {
            var head = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + document))
                    .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).as("HEAD where GET is served (RFC 9110 §9.1, outside re-check AF): " + document).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Type")).as(document).hasValueSatisfying(t -> assertThat(t).contains("json"));
            assertThat(head.body()).as(document).isEmpty();
        }
        var wrong = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.body()).contains("\"instance\":\"/oauth2/token\"");
    }

    /**
     * Dynamic client registration, OpenID Connect's ({@code /connect/register}) or OAuth's (RFC 7591,
     * {@code /oauth2/register}), is no endpoint of Lanyard's, nor in discovery: {@code 404} in the endpoints' form, naming
     * its path. A POST was the pages' CSRF refusal, {@code 403} with {@code "instance":"/error"}, and a GET of
     * {@code /oauth2/register} a redirect to the sign-in page (outside reviews).
     */
    @Test
    void dynamicClientRegistrationIsNotFoundInTheEndpointsForm() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        for (String path : java.util.List.of("/connect/register", "/oauth2/register")) {
            for (String method : java.util.List.of("POST", "GET", "PUT")) {
                String what = method + " " + path;
                var answer = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .method(method, method.equals("GET") ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                : java.net.http.HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"https://x.example/cb\"]}")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(what).isEqualTo(404);
                assertThat(answer.headers().firstValue("Content-Type")).as(what).hasValue("application/problem+json;charset=UTF-8");
                JsonNode problem = json.readTree(answer.body());
                assertThat(problem.path("type").asString()).as(what).isEqualTo("urn:lanyard:problem:not-found");
                assertThat(problem.path("instance").asString()).as(what).isEqualTo(path);
                assertThat(problem.path("detail").asString()).as(what).contains("dynamic client registration");
            }
        }
        JsonNode discovery = json.readTree(client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                + "/.well-known/openid-configuration")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        assertThat(discovery.has("registration_endpoint")).isFalse();
    }

    /**
     * Pushed authorization requests and the device authorization grant are no endpoints of Lanyard's, nor in discovery:
     * {@code 404} in the endpoints' form, naming the path, as dynamic client registration. The first two were Spring's
     * {@code 401} with a {@code WWW-Authenticate: Bearer} challenge, as if a token would open them; the grant's
     * verification page the pages' {@code 403} for a POST and a redirect to the sign-in page for a GET (outside reviews).
     */
    @Test
    void pushedAuthorizationRequestsAndTheDeviceGrantAreNotFoundInTheEndpointsForm() throws Exception {
        JsonNode registered = apps.register(admin, "Wiki");
        String client = basic(registered.path("app").path("clientId").asString(), registered.path("clientSecret").asString());
        for (String path : java.util.List.of("/oauth2/par", "/oauth2/device_authorization", "/oauth2/device_verification")) {
            for (String method : java.util.List.of("POST", "GET", "PUT", "DELETE")) {
                for (String authorization : java.util.Arrays.asList(null, client, "Bearer not-a-token")) {
                    MockHttpServletRequestBuilder request = org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                            .request(org.springframework.http.HttpMethod.valueOf(method), path)
                            .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("client_id", "x").param("response_type", "code")
                            .param("scope", "openid");
                    if (authorization != null) request.header("Authorization", authorization);
                    MvcResult answer = mvc.perform(request).andReturn();
                    String what = method + " " + path + (authorization == null ? "" : " with " + authorization.split(" ")[0]);
                    assertThat(answer.getResponse().getStatus()).as(what).isEqualTo(404);
                    assertThat(answer.getResponse().getHeader("WWW-Authenticate")).as(what).isNull();
                    assertThat(answer.getResponse().getContentType()).as(what).isEqualTo("application/problem+json;charset=UTF-8");
                    JsonNode problem = json.readTree(answer.getResponse().getContentAsString());
                    assertThat(problem.path("type").asString()).as(what).isEqualTo("urn:lanyard:problem:not-found");
                    assertThat(problem.path("instance").asString()).as(what).isEqualTo(path);
                    assertThat(problem.path("detail").asString()).as(what)
                            .contains(path.equals("/oauth2/par") ? "pushed authorization requests" : "device authorization grant");
                }
            }
        }
        JsonNode discovery = json.readTree(mvc.perform(get("/.well-known/openid-configuration")).andReturn().getResponse().getContentAsString());
        assertThat(discovery.has("pushed_authorization_request_endpoint")).isFalse();
        assertThat(discovery.has("device_authorization_endpoint")).isFalse();
        assertThat(mvc.perform(get("/oauth2/jwks")).andReturn().getResponse().getStatus()).as("an endpoint Lanyard offers").isEqualTo(200);
        assertThat(form(post("/oauth2/token").header("Authorization", client).param("grant_type", "client_credentials")
                .param("scope", "openid")).getResponse().getStatus()).as("answered as before: invalid_scope").isEqualTo(400);
    }

    /**
     * The JWKS was {@code application/json;charset=ISO-8859-1} (Tomcat's default for a writer), which names an encoding
     * JSON never has (outside review); it is {@code application/json}, as the discovery documents are.
     */
    @Test
    void theJwksAndTheDocumentsAreJsonWithNoOtherCharset() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        for (String document : java.util.List.of("/oauth2/jwks", "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server",
                "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/userinfo")) {
            var answer = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + document)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(document).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).as(document).hasValue("application/json");
        }
        var jwks = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/jwks")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(com.nimbusds.jose.jwk.JWKSet.parse(jwks.body()).getKeys()).isNotEmpty();
        assertThat(jwks.headers().firstValue("Content-Length").map(Integer::parseInt)).hasValue(jwks.body().getBytes(StandardCharsets.UTF_8).length);
    }

    /**
     * RFC 6750's spelling, {@code Bearer}, in the token response and in introspection alike (an outside review read
     * {@code bearer} through a client library that lowers it; the server's answer was already this).
     */
    @Test
    void theTokenResponseAndIntrospectionSayBearer() throws Exception {
        JsonNode registered = apps.register(admin, "Wiki");
        RelyingApp app = apps.app(registered);
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        String code = app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin))).getValue();
        String basic = basic(registered.path("app").path("clientId").asString(), registered.path("clientSecret").asString());
        MvcResult tokens = form(post("/oauth2/token").header("Authorization", basic).param("grant_type", "authorization_code")
                .param("code", code).param("redirect_uri", OAuthFlowTest.REDIRECT).param("code_verifier", attempt.verifier().getValue()));
        assertThat(tokens.getResponse().getStatus()).as(tokens.getResponse().getContentAsString()).isEqualTo(200);
        JsonNode issued = json.readTree(tokens.getResponse().getContentAsString());
        assertThat(issued.path("token_type").asString()).isEqualTo("Bearer");
        MvcResult introspected = form(post("/oauth2/introspect").header("Authorization", basic)
                .param("token", issued.path("access_token").asString()));
        assertThat(json.readTree(introspected.getResponse().getContentAsString()).path("token_type").asString()).isEqualTo("Bearer");
    }

    /** A plain OPTIONS is told what the endpoint takes, as the API's paths are, never sent to the sign-in page (outside review). */
    @Test
    void optionsIsAnsweredWithTheMethodsAnEndpointTakes() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        for (String[] call : new String[][] {{"/oauth2/token", "OPTIONS, POST"}, {"/oauth2/introspect", "OPTIONS, POST"},
                {"/oauth2/revoke", "OPTIONS, POST"}, {"/userinfo", "GET, HEAD, OPTIONS, POST"}, {"/oauth2/authorize", "GET, HEAD, OPTIONS, POST"},
                {"/.well-known/openid-configuration", "GET, HEAD, OPTIONS"}}) {
            var answer = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + call[0]))
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(call[0]).isEqualTo(200);
            assertThat(answer.headers().firstValue("Allow")).as(call[0]).hasValue(call[1]);
            assertThat(answer.headers().firstValue("Location")).as(call[0]).isEmpty();
        }
    }

    /** RFC 6749 §2.3: one authentication method a request; Basic with a client_secret in the form issued tokens (outside review AD). */
    @Test
    void aClientThatAuthenticatesTwiceIsRefused() throws Exception {
        JsonNode registered = apps.register(admin, "Wiki");
        String id = registered.path("app").path("clientId").asString();
        String secret = registered.path("clientSecret").asString();
        MvcResult answer = form(post("/oauth2/token").header("Authorization", basic(id, secret)).param("client_id", id)
                .param("client_secret", secret).param("grant_type", "client_credentials"));
        assertThat(answer.getResponse().getStatus()).isEqualTo(400);
        assertThat(answer.getResponse().getContentAsString()).contains("\"error\":\"invalid_request\"", "not both");
        MvcResult emptySecret = form(post("/oauth2/token").header("Authorization", basic(id, secret)).param("client_secret", "")
                .param("grant_type", "client_credentials"));
        assertThat(emptySecret.getResponse().getContentAsString()).as("an empty client_secret is none (RFC 6749 §3.2)").doesNotContain("not both");
    }

    /** RFC 7636 §4.2: a challenge no verifier can match was taken and its code issued (outside review AD). */
    @Test
    void aChallengeThatIsNoS256HashIsAnInvalidRequestSentBackToTheApp() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        String good = RelyingApp.query(attempt.uri()).get("code_challenge").get(0);
        for (String challenge : java.util.List.of("abc", good + "A", good.substring(1) + "=", good.substring(1) + "+")) {
            java.net.URI bad = java.net.URI.create(attempt.uri().toString().replace("code_challenge=" + good,
                    "code_challenge=" + java.net.URLEncoder.encode(challenge, StandardCharsets.UTF_8)));
            java.net.URI back = RelyingApp.location(app.browse(bad, TeamApps.cookie(admin)));
            assertThat(RelyingApp.query(back).get("error")).as(challenge).containsExactly("invalid_request");
            assertThat(RelyingApp.query(back)).as(challenge).doesNotContainKey("code");
        }
        assertThat(app.exchange(attempt, app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin)))).getOIDCTokens().getIDToken())
                .as("the right challenge").isNotNull();
    }

    /** Spring said "Client authentication failed: code_verifier" to an app whose secret was right (outside review AD). */
    @Test
    void aWrongVerifierIsDescribedAsSuch() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        var code = app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin)));
        var answer = app.token(new com.nimbusds.oauth2.sdk.AuthorizationCodeGrant(code, java.net.URI.create(OAuthFlowTest.REDIRECT),
                new com.nimbusds.oauth2.sdk.pkce.CodeVerifier()));
        assertThat(answer.indicatesSuccess()).isFalse();
        var error = answer.toErrorResponse().getErrorObject();
        assertThat(error.getCode()).isEqualTo("invalid_grant");
        assertThat(error.getDescription()).isEqualTo("The code_verifier is missing or does not match the code_challenge of the authorization request.");
    }

    /** Spring's "OAuth 2.0 Parameter: …" and "Client authentication failed: …" at the token, introspection and revocation endpoints are sentences (outside re-check AQ). */
    @Test
    void theTokenIntrospectionAndRevocationEndpointsDescribeRefusalsInWords() throws Exception {
        JsonNode registered = apps.register(admin, "Wiki");
        String id = registered.path("app").path("clientId").asString();
        String secret = registered.path("clientSecret").asString();
        java.util.Map<String, MvcResult> answers = new java.util.LinkedHashMap<>();
        answers.put("password grant", form(post("/oauth2/token").header("Authorization", basic(id, secret)).param("grant_type", "password")));
        answers.put("no code", form(post("/oauth2/token").header("Authorization", basic(id, secret)).param("grant_type", "authorization_code")));
        answers.put("no refresh token", form(post("/oauth2/token").header("Authorization", basic(id, secret)).param("grant_type", "refresh_token")));
        answers.put("introspection without a token", form(post("/oauth2/introspect").header("Authorization", basic(id, secret))));
        answers.put("revocation without a token", form(post("/oauth2/revoke").header("Authorization", basic(id, secret))));
        answers.put("wrong secret", form(post("/oauth2/token").header("Authorization", basic(id, "wrong")).param("grant_type", "refresh_token")
                .param("refresh_token", "x")));
        answers.put("unknown client", form(post("/oauth2/token").param("client_id", "nope").param("client_secret", "x")
                .param("grant_type", "refresh_token").param("refresh_token", "x")));
        for (var answer : answers.entrySet()) {
            String description = json.readTree(answer.getValue().getResponse().getContentAsString()).path("error_description").asString();
            assertThat(description).as(answer.getKey()).isNotBlank().doesNotContain("OAuth 2.0").doesNotStartWith("Client authentication failed: c")
                    .endsWith(".");
        }
        assertThat(json.readTree(answers.get("password grant").getResponse().getContentAsString()).path("error_description").asString())
                .contains("authorization_code, refresh_token or client_credentials");
        assertThat(json.readTree(answers.get("wrong secret").getResponse().getContentAsString()).path("error_description").asString())
                .isEqualTo(json.readTree(answers.get("unknown client").getResponse().getContentAsString()).path("error_description").asString());
    }

    @Test
    void aRefusedClientThatUsedBasicIsChallengedWithBasic() throws Exception {
        JsonNode registered = apps.register(admin, "Wiki");
        String id = registered.path("app").path("clientId").asString();
        for (String endpoint : java.util.List.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke")) {
            MvcResult answer = form(post(endpoint).header("Authorization", basic(id, "wrong")).param("token", "x")
                    .param("grant_type", "refresh_token").param("refresh_token", "x"));
            assertThat(answer.getResponse().getStatus()).as(endpoint).isEqualTo(401);
            assertThat(answer.getResponse().getContentAsString()).contains("invalid_client");
            assertThat(answer.getResponse().getHeader("WWW-Authenticate")).as(endpoint).isEqualTo("Basic realm=\"Lanyard\"");
        }
        MvcResult posted = form(post("/oauth2/token").param("client_id", id).param("client_secret", "wrong")
                .param("grant_type", "refresh_token").param("refresh_token", "x"));
        assertThat(posted.getResponse().getStatus()).isEqualTo(401);
        assertThat(posted.getResponse().getHeader("WWW-Authenticate")).isNull();
    }

    @Test
    void userinfoRefusingAScopeChallengesWithBearerInsufficientScope() throws Exception {
        var response = new org.springframework.mock.web.MockHttpServletResponse();
        UserInfoErrors.refused("/userinfo").onAuthenticationFailure(new org.springframework.mock.web.MockHttpServletRequest("GET", "/userinfo"), response,
                new org.springframework.security.oauth2.core.OAuth2AuthenticationException("insufficient_scope"));
        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer error=\"insufficient_scope\"");
        assertThat(response.getContentAsString()).contains("insufficient_scope");
    }

    @Test
    void revokingAnotherAppsTokenAnswers200AndRevokesNothing() throws Exception {
        RelyingApp mine = apps.app(apps.register(admin, "Mine"));
        RelyingApp other = apps.app(apps.register(admin, "Other"));
        var tokens = TeamApps.signIn(mine, admin, OAuthFlowTest.OFFLINE);
        assertThat(other.revoke(tokens.getOIDCTokens().getRefreshToken())).isEqualTo(200);
        assertThat(other.revoke(tokens.getOIDCTokens().getAccessToken())).isEqualTo(200);
        assertThat(mine.active(tokens.getOIDCTokens().getAccessToken())).isTrue();
        assertThat(mine.refresh(tokens.getOIDCTokens().getRefreshToken()).indicatesSuccess()).isTrue();
    }

    @Test
    void denyingOnTheConsentPageTellsTheAppTheMemberDenied() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid email");
        java.net.URI back = deny(app, attempt.uri());
        assertThat(back.toString()).startsWith(OAuthFlowTest.REDIRECT);
        assertThat(RelyingApp.query(back).get("error")).containsExactly("access_denied");
        assertThat(RelyingApp.query(back).get("error_description")).containsExactly("The member denied access.");
        assertThat(RelyingApp.query(back).get("state")).containsExactly(attempt.state().getValue());
        assertThat(RelyingApp.query(back).get("iss")).as("RFC 9207").containsExactly(apps.issuer());
    }

    /** Spring added the scopes of an earlier consent to an empty consent post, so Deny signed the member in (outside re-check W). */
    @Test
    void denyingWhenAskedAgainIsARefusalThoughTheMemberConsentedBefore() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        TeamApps.signIn(app, admin, "openid email");
        RelyingApp.Attempt again = app.authorizeRequest("openid email");
        java.net.URI back = deny(app, java.net.URI.create(again.uri() + "&prompt=consent"));
        assertThat(RelyingApp.query(back).get("error")).containsExactly("access_denied");
        assertThat(RelyingApp.query(back)).doesNotContainKey("code");

        RelyingApp.Attempt wider = app.authorizeRequest("openid email profile");
        java.net.URI backFromWider = deny(app, wider.uri());
        assertThat(RelyingApp.query(backFromWider).get("error")).as("a new scope asked, Deny pressed").containsExactly("access_denied");
        assertThat(RelyingApp.query(backFromWider)).doesNotContainKey("code");
    }

    /** Follows the authorization request to the consent page and presses Deny; returns where the browser is sent. */
    private java.net.URI deny(RelyingApp app, java.net.URI authorize) throws Exception {
        java.net.URI consent = RelyingApp.location(app.browse(authorize, TeamApps.cookie(admin)));
        assertThat(consent.getPath()).isEqualTo("/oauth2/consent");
        var page = app.browse(consent, TeamApps.cookie(admin));
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).isTrue();
        String xsrf = page.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("XSRF-TOKEN="))
                .map(h -> h.split(";", 2)[0]).findFirst().orElseThrow();
        var denied = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(apps.issuer() + "/oauth2/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", TeamApps.cookie(admin) + "; " + xsrf)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("client_id=" + app.clientId.getValue() + "&state="
                        + java.net.URLEncoder.encode(RelyingApp.query(consent).get("state").get(0), StandardCharsets.UTF_8)
                        + "&_csrf=" + java.net.URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return RelyingApp.location(denied);
    }

    @Test
    void aPublicAppIsNotOfferedToStayConnectedNorKeptAsRemembered() throws Exception {
        JsonNode registered = publicApp("Phone app", TeamApps.ALL_SCOPES);
        RelyingApp app = apps.app(registered);
        RelyingApp.Attempt attempt = app.authorizeRequest(OAuthFlowTest.OFFLINE);
        java.net.URI consent = RelyingApp.location(app.browse(attempt.uri(), TeamApps.cookie(admin)));
        assertThat(app.browse(consent, TeamApps.cookie(admin)).body()).doesNotContain("Stay connected").contains("See your email address");
        var tokens = app.exchange(attempt, app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin))));
        assertThat(tokens.getOIDCTokens().getRefreshToken()).isNull();
        String sid = com.nimbusds.jwt.SignedJWT.parse(tokens.getOIDCTokens().getIDTokenString()).getJWTClaimsSet().getStringClaim("sid");
        JsonNode list = json.readTree(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/api/v1/sessions")
                .cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getContentAsString());
        JsonNode grant = null;
        for (JsonNode s : list.path("items")) if (s.path("id").asString().equals(sid)) grant = s;
        assertThat(grant).as(list.toString()).isNotNull();
        assertThat(grant.path("rememberMe").asBoolean()).as(grant.toString()).isFalse();
    }

    /**
     * offline_access gives a public app nothing (no refresh token), so it is never granted to one: not in the token response,
     * the stored consent, the connected apps (page and API) or introspection; asked for again, it needs no new consent.
     */
    @Test
    void aPublicAppAskingForOfflineAccessIsNeverGrantedIt() throws Exception {
        JsonNode registered = publicApp("Pocket app", TeamApps.ALL_SCOPES);
        RelyingApp app = apps.app(registered);
        RelyingApp resource = apps.app(apps.register(admin, "Pocket API"));

        var tokens = TeamApps.signIn(app, admin, OAuthFlowTest.OFFLINE);

        assertThat(tokens.getOIDCTokens().getRefreshToken()).isNull();
        assertThat(tokens.getOIDCTokens().getAccessToken().getScope().toStringList())
                .containsExactlyInAnyOrder("openid", "profile", "email");
        var introspected = resource.introspect(tokens.getOIDCTokens().getAccessToken());
        assertThat(introspected.toSuccessResponse().isActive()).isTrue();
        assertThat(introspected.toSuccessResponse().getScope().toStringList()).doesNotContain("offline_access").contains("email");
        JsonNode connected = json.readTree(mvc.perform(get("/api/v1/apps")
                .cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getContentAsString());
        assertThat(connected.toString()).contains("Pocket app");
        for (JsonNode c : connected) {
            if (c.path("app").path("name").asString().equals("Pocket app")) {
                assertThat(c.path("scopes").toString()).doesNotContain("offline_access").contains("email");
            }
        }
        String page = mvc.perform(get("/settings/apps")
                .cookie(admin.cookie()).with(admin.from()).accept(MediaType.TEXT_HTML)).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(page).contains("Pocket app").doesNotContain("Stay connected");

        RelyingApp.Attempt again = app.authorizeRequest(OAuthFlowTest.OFFLINE);
        java.net.URI landed = RelyingApp.location(app.browse(again.uri(), TeamApps.cookie(admin)));
        assertThat(landed.toString()).as("the consent covers what the app can be granted: no consent page").startsWith(OAuthFlowTest.REDIRECT);
        var second = app.exchange(again, app.code(again, landed));
        assertThat(second.getOIDCTokens().getAccessToken().getScope().toStringList()).doesNotContain("offline_access");
    }

    /**
     * A field of the form is read whatever the address's query string holds: Spring took it for a query parameter, and
     * left it out, when its name appeared anywhere in the query string ({@code ?note=my_code_verifier_here} lost the
     * verifier, an {@code invalid_grant}; outside review). A field also given in the query is given twice.
     */
    @Test
    void aFormFieldIsReadWhateverTheQueryStringHolds() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        String code = app.code(attempt, app.signIn(attempt, TeamApps.cookie(admin))).getValue();
        String exchange = "grant_type=authorization_code&code=" + java.net.URLEncoder.encode(code, StandardCharsets.UTF_8)
                + "&redirect_uri=" + java.net.URLEncoder.encode(OAuthFlowTest.REDIRECT, StandardCharsets.UTF_8)
                + "&code_verifier=" + attempt.verifier().getValue();
        var twice = postedWithQuery("?code_verifier=" + attempt.verifier().getValue(), "/oauth2/token", exchange, app);
        assertThat(twice.statusCode()).as(twice.body()).isEqualTo(400);
        assertThat(json.readTree(twice.body()).path("error_description").asString()).isEqualTo("The parameter code_verifier is included more than once.");

        var exchanged = postedWithQuery("?note=my_code_verifier_here&grant_typo=redirect_uri", "/oauth2/token", exchange, app);
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        String access = json.readTree(exchanged.body()).path("access_token").asString();
        var introspected = postedWithQuery("?my_token_here=1", "/oauth2/introspect", "token=" + access, app);
        assertThat(introspected.statusCode()).as(introspected.body()).isEqualTo(200);
        assertThat(json.readTree(introspected.body()).path("active").asBoolean()).isTrue();
    }

    /** A form POST of {@code body} to {@code path} with {@code query} in its address, authenticated as {@code app} (HTTP Basic). */
    private java.net.http.HttpResponse<String> postedWithQuery(String query, String path, String body, RelyingApp app) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path + query))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", basic(app.clientId.getValue(), app.secret.orElseThrow().getValue()))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /**
     * {@code prompt=none} when the member never allowed the app is {@code consent_required}, described as such: every
     * refusal of Spring's about {@code prompt} read "prompt may be given once, and prompt=none cannot be combined with
     * login, consent or select_account." (outside review).
     */
    @Test
    void promptNoneForAnAppTheMemberNeverAllowedIsConsentRequiredInItsOwnWords() throws Exception {
        for (JsonNode registered : java.util.List.of(publicApp("Phone"), apps.register(admin, "Backend"))) {
            RelyingApp app = apps.app(registered);
            RelyingApp.Attempt attempt = app.authorizeRequest("openid");
            java.net.URI back = RelyingApp.location(app.browse(java.net.URI.create(attempt.uri() + "&prompt=none"), TeamApps.cookie(admin)));
            assertThat(back.toString()).startsWith(OAuthFlowTest.REDIRECT + "?");
            var query = RelyingApp.query(back);
            assertThat(query.get("error")).containsExactly("consent_required");
            assertThat(query.get("error_description")).containsExactly(
                    "The member has not allowed the app what it asks for, and the app asked (prompt=none) that no consent page be shown.");
            assertThat(query.get("state")).containsExactly(attempt.state().getValue());
        }
        var spring = new org.springframework.security.oauth2.core.OAuth2Error("login_required", AuthorizeRefusals.SPRINGS + "prompt", null);
        assertThat(AuthorizeRefusals.described(spring, java.util.Set.of(), null).getDescription())
                .isEqualTo("Nobody is signed in to Lanyard in this browser, and the app asked (prompt=none) that no sign-in page be shown.");
    }

    /**
     * A grant type discovery does not name is {@code unsupported_grant_type} with the sentence saying which are: the
     * device code grant was {@code invalid_grant} and token exchange {@code unauthorized_client}, with no word (Spring's
     * own grants, which no Lanyard app may use; outside review).
     */
    @Test
    void everyGrantTypeDiscoveryDoesNotNameIsAnUnsupportedGrantType() throws Exception {
        JsonNode registered = apps.register(admin, "Wiki");
        String id = registered.path("app").path("clientId").asString();
        String secret = registered.path("clientSecret").asString();
        MvcResult bogus = form(post("/oauth2/token").header("Authorization", basic(id, secret)).param("grant_type", "bogus"));
        assertThat(bogus.getResponse().getStatus()).isEqualTo(400);
        JsonNode said = json.readTree(bogus.getResponse().getContentAsString());
        assertThat(said.path("error").asString()).isEqualTo("unsupported_grant_type");
        assertThat(said.path("error_description").asString()).contains("authorization_code, refresh_token or client_credentials");
        for (String grant : java.util.List.of("urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange",
                "urn:ietf:params:oauth:grant-type:jwt-bearer", "password", "implicit")) {
            MvcResult answer = form(post("/oauth2/token").header("Authorization", basic(id, secret)).param("grant_type", grant)
                    .param("device_code", "abc").param("subject_token", "abc")
                    .param("subject_token_type", "urn:ietf:params:oauth:token-type:access_token").param("assertion", "abc"));
            assertThat(answer.getResponse().getStatus()).as(grant).isEqualTo(400);
            assertThat(answer.getResponse().getContentAsString()).as(grant).isEqualTo(bogus.getResponse().getContentAsString());
        }
    }

    /**
     * A form sent to the authorization server is read as it was sent, as the API reads its bodies: a Content-Encoding other
     * than identity, or a charset Java does not know, is a 415 with OAuth's invalid_request at every endpoint that reads a
     * form, before the client is authenticated or a field read. A plain form labelled gzip was read as if it were not
     * (introspection answered it), and the charset was ignored (outside review).
     */
    @Test
    void aCompressedFormOrAnUnknownCharsetIsRefusedAtEveryEndpointThatReadsOne() throws Exception {
        JsonNode registered = apps.register(admin, "Zipped");
        String id = registered.path("app").path("clientId").asString();
        String secret = registered.path("clientSecret").asString();
        String form = "application/x-www-form-urlencoded";
        String[][] endpoints = {{"/oauth2/token", "grant_type=client_credentials&scope=ssf", basic(id, secret)},
                {"/oauth2/token", "grant_type=client_credentials&scope=ssf", basic(id, "wrong")},
                {"/oauth2/introspect", "token=abc", basic(id, secret)}, {"/oauth2/revoke", "token=abc", basic(id, secret)},
                {"/oauth2/authorize", "response_type=code&scope=openid&client_id=" + id + "&redirect_uri="
                        + java.net.URLEncoder.encode(OAuthFlowTest.REDIRECT, StandardCharsets.UTF_8), null},
                {"/userinfo", "scope=openid", "Bearer abc"}, {"/connect/logout", "client_id=" + id, null}};
        String[][] refused = {{"gzip", form, "Lanyard does not accept a compressed request body (Content-Encoding: gzip): send it "
                        + "uncompressed, without Content-Encoding."},
                {"identity, br", form, "Lanyard does not accept a compressed request body (Content-Encoding: br): send it uncompressed, "
                        + "without Content-Encoding."},
                {null, form + "; charset=bogus", "The charset bogus is not supported: send the form as UTF-8 (Content-Type: "
                        + "application/x-www-form-urlencoded, or with charset=UTF-8)."},
                {null, form + "; charset=\"x\u00e9\"", "The charset of the Content-Type is not supported: send the form as UTF-8 "
                        + "(Content-Type: application/x-www-form-urlencoded, or with charset=UTF-8)."}};
        var http = java.net.http.HttpClient.newHttpClient();
        for (String[] endpoint : endpoints) {
            for (String[] sent : refused) {
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + endpoint[0]))
                        .header("Content-Type", sent[1]).POST(java.net.http.HttpRequest.BodyPublishers.ofString(endpoint[1]));
                if (endpoint[2] != null) request.header("Authorization", endpoint[2]);
                if (sent[0] != null) request.header("Content-Encoding", sent[0]);
                var answer = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                String what = endpoint[0] + " " + sent[0] + " " + sent[1];
                assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(415);
                assertThat(answer.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
                assertThat(answer.headers().firstValue("Cache-Control")).as(what).hasValueSatisfying(cache -> assertThat(cache).contains("no-store"));
                assertThat(answer.headers().firstValue("WWW-Authenticate")).as(what + ": no client was looked at").isEmpty();
                if (sent[0] != null) assertThat(answer.headers().firstValue("Accept-Encoding")).as(what).hasValue("identity");
                JsonNode error = json.readTree(answer.body());
                assertThat(error.path("error").asString()).as(what).isEqualTo("invalid_request");
                assertThat(error.path("error_description").asString()).as(what).isEqualTo(sent[2]);
            }
        }
        // Compressed for real: refused the same way, not read as a form of bytes that are not UTF-8.
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write("token=abc".getBytes(StandardCharsets.UTF_8));
        }
        var compressed = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/introspect"))
                .header("Content-Type", form).header("Content-Encoding", "gzip").header("Authorization", basic(id, secret))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(compressed.statusCode()).as(compressed.body()).isEqualTo(415);
        for (String[] read : new String[][] {{"identity", form}, {null, form + "; charset=UTF-8"}, {null, form + "; charset=utf-8"}}) {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/introspect"))
                    .header("Content-Type", read[1]).header("Authorization", basic(id, secret))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=abc"));
            if (read[0] != null) request.header("Content-Encoding", read[0]);
            var answer = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(read[0] + " " + read[1] + ": " + answer.body()).isEqualTo(200);
            assertThat(json.readTree(answer.body()).path("active").asBoolean()).isFalse();
        }
    }
}
