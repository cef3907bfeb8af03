package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.Sessions;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who the authorize endpoint takes for the member, and how recent a sign-in it asks for: only the
 * browser's Lanyard session signs in (never a bearer JWT), {@code prompt=login} and {@code max_age}
 * send the member to sign in again, and ID tokens say when they signed in ({@code auth_time}).
 */
@LanyardSpringTest
class AuthorizeRequestTest {
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    ConsentStore consents;
    @Autowired
    Sessions sessions;
    @Autowired
    MutableClock clock;
    @Autowired
    JwtEncoder encoder;

    private ApiClient api;
    private TeamApps apps;
    private Member admin;
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void team() throws Exception {
        api = new ApiClient(mvc, json);
        apps = new TeamApps(mvc, json, port);
        admin = api.signUp("admin");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long signedIn(Member member) {
        return sessions.get(new SessionId(member.sessionId()), new AccountId(member.accountId())).createdAt().getEpochSecond();
    }

    @Test
    void aJwtSentAsBearerIsNoSignInAtTheAuthorizeEndpoint() throws Exception {
        OIDCTokenResponse tokens = TeamApps.signIn(apps.app(apps.register(admin, "Wiki")), admin, "openid email");
        RelyingApp target = apps.app(apps.register(admin, "Target"));
        for (String jwt : List.of(tokens.getOIDCTokens().getIDTokenString(), tokens.getOIDCTokens().getAccessToken().getValue())) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(target.authorizeRequest("openid email").uri())
                    .header("Accept", "text/html").header("Authorization", "Bearer " + jwt));
            assertThat(answer.statusCode()).as(answer.body()).isIn(302, 401);
            if (answer.statusCode() == 302) assertThat(RelyingApp.location(answer).getPath()).isEqualTo("/login");
        }
        // Userinfo is what a bearer token is for.
        assertThat(target.userInfo(tokens.getOIDCTokens().getAccessToken()).indicatesSuccess()).isTrue();
    }

    @Test
    void aSessionSignedInForABearerTokenCannotAuthorizeOrConsent() throws Exception {
        Member program = api.logInForBearer(admin);
        JsonNode registered = apps.register(admin, "Target");
        RelyingApp target = apps.app(registered);
        HttpResponse<String> answer = send(HttpRequest.newBuilder(target.authorizeRequest("openid email").uri())
                .header("Accept", "text/html").header("Authorization", "Bearer " + program.token()));
        assertThat(answer.headers().firstValue("Location").orElse("")).doesNotContain("/oauth2/consent").doesNotContain("code=");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains("access_denied");

        // The consent form posted with the bearer session (and a CSRF pair of a browser's page) saves nothing either.
        URI consent = RelyingApp.location(target.browse(target.authorizeRequest("openid email").uri(), TeamApps.cookie(admin)));
        HttpResponse<String> page = target.browse(consent, TeamApps.cookie(admin));
        Matcher csrf = CSRF_INPUT.matcher(page.body());
        assertThat(csrf.find()).isTrue();
        String xsrf = page.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("XSRF-TOKEN="))
                .map(h -> h.split(";", 2)[0]).findFirst().orElseThrow();
        HttpResponse<String> posted = send(HttpRequest.newBuilder(URI.create(apps.issuer() + "/oauth2/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Bearer " + program.token())
                .header("Cookie", xsrf)
                .POST(HttpRequest.BodyPublishers.ofString("client_id=" + target.clientId.getValue() + "&state="
                        + URLEncoder.encode(RelyingApp.query(consent).get("state").get(0), StandardCharsets.UTF_8)
                        + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&scope=openid&scope=email")));
        assertThat(posted.headers().firstValue("Location").orElse("")).doesNotContain("code=");
        assertThat(consents.find(registered.path("app").path("id").asString(), admin.accountId())).isEmpty();
    }

    @Test
    void aSessionSignedInForABearerTokenCannotAuthorizeOrConsentWithItsTokenAsTheCookie() throws Exception {
        Member program = api.logInForBearer(admin);
        JsonNode registered = apps.register(admin, "Target");
        RelyingApp target = apps.app(registered);
        // The bearer token sent as the session cookie, as a browser sends its own: still a program's session (outside security review).
        HttpResponse<String> answer = target.browse(target.authorizeRequest("openid email").uri(), TeamApps.cookie(program));
        assertThat(answer.headers().firstValue("Location").orElse("")).doesNotContain("/oauth2/consent").doesNotContain("code=");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains("access_denied");

        // The consent form posted with it, with the state and CSRF pair of the member's own page, saves nothing and gives no code.
        ConsentForm form = consentFormOf(target);
        HttpResponse<String> posted = send(form.post(apps.issuer(), target).header("Cookie", form.xsrf() + "; " + TeamApps.cookie(program)));
        assertThat(posted.headers().firstValue("Location").orElse("")).doesNotContain("code=");
        assertThat(consents.find(registered.path("app").path("id").asString(), admin.accountId())).isEmpty();

        // The member's browser sign-in still authorizes and consents.
        assertThat(TeamApps.signIn(target, admin, "openid email").getOIDCTokens().getIDTokenString()).isNotEmpty();
        assertThat(consents.find(registered.path("app").path("id").asString(), admin.accountId())).isPresent();
    }

    @Test
    void aConsentPostedWithABearerJwtAndACsrfPairPlantsNoConsent() throws Exception {
        String idToken = TeamApps.signIn(apps.app(apps.register(admin, "Wiki")), admin, "openid").getOIDCTokens().getIDTokenString();
        JsonNode registered = apps.register(admin, "Target");
        RelyingApp target = apps.app(registered);
        // A consent page's state and a CSRF pair, as anyone gets them from a page of their own.
        ConsentForm form = consentFormOf(target);

        HttpResponse<String> posted = send(form.post(apps.issuer(), target).header("Authorization", "Bearer " + idToken)
                .header("Cookie", form.xsrf()));

        assertThat(posted.headers().firstValue("Location").orElse("")).doesNotContain("code=");
        assertThat(consents.find(registered.path("app").path("id").asString(), admin.accountId())).isEmpty();
    }

    /** The admin's own consent page for {@code target}: its state and its CSRF pair (the form's token, the cookie). */
    private record ConsentForm(String state, String csrf, String xsrf) {
        /** The consent form's POST with this page's state and token, for openid and email; the caller adds who sends it. */
        HttpRequest.Builder post(String issuer, RelyingApp target) {
            return HttpRequest.newBuilder(URI.create(issuer + "/oauth2/authorize"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("client_id=" + target.clientId.getValue() + "&state="
                            + URLEncoder.encode(state, StandardCharsets.UTF_8) + "&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8)
                            + "&scope=openid&scope=email"));
        }
    }

    private ConsentForm consentFormOf(RelyingApp target) throws Exception {
        URI consent = RelyingApp.location(target.browse(target.authorizeRequest("openid email").uri(), TeamApps.cookie(admin)));
        assertThat(consent.getPath()).isEqualTo("/oauth2/consent");
        HttpResponse<String> page = target.browse(consent, TeamApps.cookie(admin));
        Matcher csrf = CSRF_INPUT.matcher(page.body());
        assertThat(csrf.find()).isTrue();
        String xsrf = page.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("XSRF-TOKEN="))
                .map(h -> h.split(";", 2)[0]).findFirst().orElseThrow();
        return new ConsentForm(RelyingApp.query(consent).get("state").get(0), csrf.group(1), xsrf);
    }

    @Test
    void theIdTokenSaysWhenTheBrowserSessionSignedInAlsoAfterARefresh() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        OIDCTokenResponse tokens = TeamApps.signIn(app, admin, "openid offline_access");
        long authTime = SignedJWT.parse(tokens.getOIDCTokens().getIDTokenString()).getJWTClaimsSet().getLongClaim("auth_time");
        assertThat(authTime).isEqualTo(signedIn(admin));

        var refreshed = app.refresh(tokens.getOIDCTokens().getRefreshToken());
        assertThat(refreshed.indicatesSuccess()).isTrue();
        var again = ((OIDCTokenResponse) refreshed.toSuccessResponse()).getOIDCTokens().getIDTokenString();
        assertThat(SignedJWT.parse(again).getJWTClaimsSet().getLongClaim("auth_time")).isEqualTo(authTime);
    }

    /** Where the authorize request sent the browser: the sign-in page asked to sign in again, and the request to come back to. */
    private String signInAgainThenBack(URI authorize, Member member) throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(authorize).header("Accept", "text/html").header("Cookie", TeamApps.cookie(member)));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        URI login = RelyingApp.location(answer);
        assertThat(login.getPath()).isEqualTo("/login");
        assertThat(RelyingApp.query(login)).containsKey("again");
        return RelyingApp.query(login).get("next").get(0);
    }

    @Test
    void maxAgeShorterThanTheSessionsAgeSendsTheMemberToSignInAgainAndBack() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        TeamApps.signIn(app, admin, "openid");
        clock.advance(Duration.ofSeconds(5));

        RelyingApp.Attempt within = app.authorizeRequest("openid");
        HttpResponse<String> young = app.browse(URI.create(within.uri() + "&max_age=3600"), TeamApps.cookie(admin));
        assertThat(RelyingApp.location(young).toString()).startsWith(OAuthFlowTest.REDIRECT).contains("code=");

        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        String next = signInAgainThenBack(URI.create(attempt.uri() + "&max_age=0"), admin);
        assertThat(next).startsWith("/oauth2/authorize?").doesNotContain("max_age").contains("state=" + attempt.state().getValue());

        // The sign-in page shows its form to the signed-in browser, and signing in replaces its session.
        URI login = URI.create(apps.issuer() + "/login?again&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        HttpResponse<String> page = app.browse(login, TeamApps.cookie(admin));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"password\"", "Sign in again to continue.");
        Matcher csrf = CSRF_INPUT.matcher(page.body());
        assertThat(csrf.find()).isTrue();
        String xsrf = page.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("XSRF-TOKEN="))
                .map(h -> h.split(";", 2)[0]).findFirst().orElseThrow();
        HttpResponse<String> signedIn = send(HttpRequest.newBuilder(URI.create(apps.issuer() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", TeamApps.cookie(admin) + "; " + xsrf)
                .POST(HttpRequest.BodyPublishers.ofString("email=" + URLEncoder.encode(admin.email(), StandardCharsets.UTF_8)
                        + "&password=" + URLEncoder.encode(TestAccounts.PASSWORD, StandardCharsets.UTF_8)
                        + "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8) + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        String fresh = signedIn.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith(ApiClient.COOKIE + "="))
                .map(h -> h.split(";", 2)[0]).findFirst().orElseThrow();

        URI landed = RelyingApp.location(app.browse(URI.create(apps.issuer() + next), fresh));
        OIDCTokenResponse tokens = app.exchange(attempt, app.code(attempt, landed));
        long authTime = SignedJWT.parse(tokens.getOIDCTokens().getIDTokenString()).getJWTClaimsSet().getLongClaim("auth_time");
        assertThat(authTime).isEqualTo(clock.instant().getEpochSecond()).isGreaterThan(signedIn(admin));
    }

    /** The authorization request {@code attempt} as a form POST (OpenID Connect Core 3.1.2.1), with {@code extra} parameters. */
    private HttpResponse<String> posted(RelyingApp.Attempt attempt, String extra, String cookie) throws Exception {
        return posted("", attempt, extra, cookie);
    }

    /** {@link #posted(RelyingApp.Attempt, String, String)} to the endpoint with {@code query} in its address ("?x=1", or ""). */
    private HttpResponse<String> posted(String query, RelyingApp.Attempt attempt, String extra, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apps.issuer() + "/oauth2/authorize" + query))
                .header("Accept", "text/html").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(attempt.uri().getRawQuery() + extra));
        if (cookie != null) request.header("Cookie", cookie);
        return send(request);
    }

    @Test
    void anAuthorizationRequestPostedAsAFormIsAnsweredAsItsGet() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        RelyingApp.Attempt first = app.authorizeRequest("openid email");
        HttpResponse<String> asked = posted(first, "", TeamApps.cookie(admin));
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(302);
        assertThat(RelyingApp.location(asked).getPath()).isEqualTo("/oauth2/consent");

        TeamApps.signIn(app, admin, "openid email");
        RelyingApp.Attempt attempt = app.authorizeRequest("openid email");
        HttpResponse<String> remembered = posted(attempt, "", TeamApps.cookie(admin));
        assertThat(app.exchange(attempt, app.code(attempt, RelyingApp.location(remembered))).getOIDCTokens().getIDToken()).isNotNull();

        // prompt=login posted goes to sign in again, and comes back as the GET of the same request, less the prompt.
        RelyingApp.Attempt again = app.authorizeRequest("openid");
        HttpResponse<String> login = posted(again, "&prompt=login", TeamApps.cookie(admin));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        URI to = RelyingApp.location(login);
        assertThat(to.getPath()).isEqualTo("/login");
        assertThat(RelyingApp.query(to)).containsKey("again");
        String next = RelyingApp.query(to).get("next").get(0);
        assertThat(next).startsWith("/oauth2/authorize?").doesNotContain("prompt").contains("state=" + again.state().getValue());

        // Someone not signed in is sent to the request's GET, and from there to sign in, to come back to the request.
        HttpResponse<String> nobody = posted(app.authorizeRequest("openid"), "", null);
        assertThat(nobody.statusCode()).isEqualTo(303);
        HttpResponse<String> get = app.browse(RelyingApp.location(nobody), null);
        assertThat(RelyingApp.location(get).getPath()).isEqualTo("/login");
        assertThat(RelyingApp.query(RelyingApp.location(get)).get("next").get(0)).startsWith("/oauth2/authorize?").contains("client_id=");
    }

    /**
     * An app on another site posts its request with {@code prompt=none} for a member signed in to Lanyard: the browser
     * sends no session cookie (SameSite=Lax) with a POST from another site, and the member got Lanyard's
     * {@code login_required} page (outside review). A posted request that comes without a session is answered {@code 303}
     * to the same request as a GET, which the browser sends with its cookie: nothing of the request lost or added.
     */
    @Test
    void aPostedRequestThatCameWithoutTheSessionCookieIsDecidedAsItsGet() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        TeamApps.signIn(app, admin, "openid email");
        RelyingApp.Attempt attempt = app.authorizeRequest("openid email");
        HttpResponse<String> posted = posted("?ignored=1", attempt, "&prompt=none&login_hint=" + URLEncoder.encode("a b&c", StandardCharsets.UTF_8), null);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(303);
        URI get = RelyingApp.location(posted);
        assertThat(get.getPath()).isEqualTo("/oauth2/authorize");
        Map<String, List<String>> asked = new java.util.HashMap<>(RelyingApp.query(attempt.uri()));
        asked.put("prompt", List.of("none"));
        asked.put("login_hint", List.of("a b&c"));
        assertThat(RelyingApp.query(get)).as("the form's fields, all and only").isEqualTo(asked);

        // The browser's GET carries its cookie: the code for the member signed in.
        URI landed = RelyingApp.location(app.browse(get, TeamApps.cookie(admin)));
        assertThat(app.exchange(attempt, app.code(attempt, landed)).getOIDCTokens().getIDToken().getJWTClaimsSet().getSubject())
                .isEqualTo(admin.accountId());
        // A browser not signed in is answered at the GET as before: login_required on Lanyard's page.
        HttpResponse<String> signedOut = app.browse(get, null);
        assertThat(signedOut.statusCode()).isEqualTo(400);
        assertThat(signedOut.body()).contains("login_required");
        // A posted request that comes with the cookie is decided at once, as before.
        RelyingApp.Attempt again = app.authorizeRequest("openid email");
        assertThat(RelyingApp.query(RelyingApp.location(posted(again, "&prompt=none", TeamApps.cookie(admin))))).containsKey("code");
    }

    @Test
    void promptConsentAsksAgainAndWhatLanyardDoesNotDoIsRefusedNotIgnored() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        TeamApps.signIn(app, admin, "openid email");
        RelyingApp.Attempt again = app.authorizeRequest("openid email");
        URI consent = RelyingApp.location(app.browse(URI.create(again.uri() + "&prompt=consent"), TeamApps.cookie(admin)));
        assertThat(consent.getPath()).isEqualTo("/oauth2/consent");

        for (Map.Entry<String, String> asked : Map.of("&response_mode=fragment", "unsupported_response_mode",
                "&response_mode=form_post", "unsupported_response_mode", "&request=e30.e30.", "request_not_supported")
                .entrySet()) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid");
            URI back = RelyingApp.location(app.browse(URI.create(attempt.uri() + asked.getKey()), TeamApps.cookie(admin)));
            assertThat(back.toString()).as(asked.getKey()).startsWith(OAuthFlowTest.REDIRECT);
            assertThat(RelyingApp.query(back).get("error")).as(asked.getKey()).containsExactly(asked.getValue());
        }
        RelyingApp.Attempt query = app.authorizeRequest("openid");
        assertThat(RelyingApp.location(app.browse(URI.create(query.uri() + "&response_mode=query"), TeamApps.cookie(admin))).toString())
                .contains("code=");
    }

    @Test
    void promptLoginSendsTheMemberToSignInAgainAndBackWithoutIt() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        TeamApps.signIn(app, admin, "openid");
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        String next = signInAgainThenBack(URI.create(attempt.uri() + "&prompt=login"), admin);
        assertThat(next).startsWith("/oauth2/authorize?").doesNotContain("prompt");
        // Coming back does not ask again.
        assertThat(RelyingApp.location(app.browse(URI.create(apps.issuer() + next), TeamApps.cookie(admin))).toString())
                .startsWith(OAuthFlowTest.REDIRECT).contains("code=");
    }

    @Test
    void someoneNotSignedInSignsInOnceWhateverPromptAndMaxAgeSay() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        URI login = RelyingApp.location(app.browse(URI.create(attempt.uri() + "&prompt=login&max_age=0"), null));
        assertThat(login.getPath()).isEqualTo("/login");
        assertThat(RelyingApp.query(login)).doesNotContainKey("again");
        assertThat(RelyingApp.query(login).get("next").get(0)).startsWith("/oauth2/authorize?")
                .doesNotContain("prompt").doesNotContain("max_age").contains("state=" + attempt.state().getValue());
    }

    @Test
    void promptNoneAnswersLoginRequiredToAMemberSignedInTooLongAgoAndSomeoneNotSignedInOnLanyardsPage() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        TeamApps.signIn(app, admin, "openid");
        clock.advance(Duration.ofSeconds(5));
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        URI landed = RelyingApp.location(app.browse(URI.create(attempt.uri() + "&prompt=none&max_age=1"), TeamApps.cookie(admin)));
        assertThat(landed.toString()).startsWith(OAuthFlowTest.REDIRECT);
        Map<String, List<String>> query = RelyingApp.query(landed);
        assertThat(query.get("error")).as(landed.toString()).containsExactly("login_required");
        assertThat(query.get("state")).containsExactly(attempt.state().getValue());
        // Someone not signed in is told on Lanyard's page, not sent to an address anyone may have registered (decision 52).
        HttpResponse<String> signedOut = app.browse(URI.create(app.authorizeRequest("openid").uri() + "&prompt=none"), null);
        assertThat(signedOut.statusCode()).isEqualTo(400);
        assertThat(signedOut.headers().firstValue("Location")).isEmpty();
        assertThat(signedOut.body()).contains("login_required");
        RelyingApp.Attempt recent = app.authorizeRequest("openid");
        URI signedIn = RelyingApp.location(app.browse(URI.create(recent.uri() + "&prompt=none&max_age=3600"), TeamApps.cookie(admin)));
        assertThat(RelyingApp.query(signedIn)).containsKey("code");
    }

    /** {@code attempt} with {@code id_token_hint} (and {@code extra} parameters), as the browser {@code cookie} sends it. */
    private HttpResponse<String> hinted(RelyingApp app, RelyingApp.Attempt attempt, String hint, String extra, String cookie) throws Exception {
        return app.browse(URI.create(attempt.uri() + "&id_token_hint=" + URLEncoder.encode(hint, StandardCharsets.UTF_8) + extra), cookie);
    }

    /**
     * OpenID Connect Core 3.1.2.1: an id_token_hint names the member the app expects. Bob's ID token as the hint, from a
     * browser signed in as the admin, returned a code for the admin, and any text was taken as a hint (outside review).
     * Another account's is {@code login_required}, a hint that is no ID token Lanyard issued is {@code invalid_request}, both
     * sent back as every refusal is; the signed-in member's own, expired or not, is taken.
     */
    @Test
    void anIdTokenHintNamingAnotherAccountIsLoginRequiredAndOneLanyardDidNotIssueIsAnInvalidRequest() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        String own = TeamApps.signIn(app, admin, "openid").getOIDCTokens().getIDTokenString();
        Member bob = api.signUp("bob");
        OIDCTokenResponse bobs = TeamApps.signIn(apps.app(apps.register(bob, "Bob's wiki")), bob, "openid");

        for (String prompt : List.of("&prompt=none", "")) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid");
            URI back = RelyingApp.location(hinted(app, attempt, bobs.getOIDCTokens().getIDTokenString(), prompt, TeamApps.cookie(admin)));
            assertThat(back.toString()).as(prompt).startsWith(OAuthFlowTest.REDIRECT + "?");
            Map<String, List<String>> query = RelyingApp.query(back);
            assertThat(query).as(prompt).doesNotContainKey("code");
            assertThat(query.get("error")).as(prompt).containsExactly("login_required");
            assertThat(query.get("error_description")).as(prompt)
                    .containsExactly("The account the id_token_hint names is not the one signed in to Lanyard in this browser.");
            assertThat(query.get("state")).as(prompt).containsExactly(attempt.state().getValue());
        }

        SignedJWT issued = SignedJWT.parse(own);
        SignedJWT forged = new SignedJWT(issued.getHeader(), issued.getJWTClaimsSet());
        forged.sign(new com.nimbusds.jose.crypto.RSASSASigner(new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048)
                .keyID(issued.getHeader().getKeyID()).generate()));
        String access = TeamApps.signIn(app, admin, "openid").getOIDCTokens().getAccessToken().getValue();
        for (String hint : List.of("garbage", forged.serialize(), access)) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid");
            URI back = RelyingApp.location(hinted(app, attempt, hint, "&prompt=none", TeamApps.cookie(admin)));
            assertThat(back.toString()).as(hint).startsWith(OAuthFlowTest.REDIRECT + "?");
            Map<String, List<String>> query = RelyingApp.query(back);
            assertThat(query).as(hint).doesNotContainKey("code");
            assertThat(query.get("error")).as(hint).containsExactly("invalid_request");
            assertThat(query.get("error_description")).as(hint).containsExactly("id_token_hint is not an ID token this server issued.");
        }
        // Someone not signed in sees the refusal on Lanyard's page; with a good hint, they sign in first.
        HttpResponse<String> signedOut = hinted(app, app.authorizeRequest("openid"), "garbage", "", null);
        assertThat(signedOut.statusCode()).isEqualTo(400);
        assertThat(signedOut.headers().firstValue("Location")).isEmpty();
        assertThat(signedOut.body()).contains("invalid_request");
        assertThat(RelyingApp.location(hinted(app, app.authorizeRequest("openid"), own, "", null)).getPath()).isEqualTo("/login");

        // The member's own ID token, and one long expired, are hints the request goes on with.
        var claims = issued.getJWTClaimsSet();
        Instant now = Instant.now();
        String expired = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(),
                JwtClaimsSet.builder().issuer(claims.getIssuer()).subject(claims.getSubject()).audience(claims.getAudience())
                        .claim("azp", claims.getStringClaim("azp")).claim("sid", claims.getStringClaim("sid"))
                        .issuedAt(now.minus(Duration.ofHours(2))).expiresAt(now.minus(Duration.ofHours(1))).build())).getTokenValue();
        for (String hint : List.of(own, expired)) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid");
            URI landed = RelyingApp.location(hinted(app, attempt, hint, "&prompt=none", TeamApps.cookie(admin)));
            assertThat(app.exchange(attempt, app.code(attempt, landed)).getOIDCTokens().getIDToken().getJWTClaimsSet().getSubject())
                    .isEqualTo(admin.accountId());
        }
    }

    /**
     * {@code prompt=select_account} is answered as {@code prompt=login}: the sign-in page, where the member can sign in as
     * another account, then back without it. Spring ignored it and returned a code for the account signed in (outside review).
     */
    @Test
    void promptSelectAccountSendsTheMemberToSignInAgainAndBackWithoutIt() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        TeamApps.signIn(app, admin, "openid");
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        String next = signInAgainThenBack(URI.create(attempt.uri() + "&prompt=select_account"), admin);
        assertThat(next).startsWith("/oauth2/authorize?").doesNotContain("prompt").contains("state=" + attempt.state().getValue());
        assertThat(RelyingApp.location(app.browse(URI.create(apps.issuer() + next), TeamApps.cookie(admin))).toString())
                .startsWith(OAuthFlowTest.REDIRECT).contains("code=");
        // With consent asked too, only the sign-in's part of the prompt is left out.
        String consent = signInAgainThenBack(URI.create(app.authorizeRequest("openid").uri() + "&prompt=select_account%20consent"), admin);
        assertThat(RelyingApp.query(URI.create(apps.issuer() + consent)).get("prompt")).containsExactly("consent");
        // Someone not signed in signs in once.
        URI login = RelyingApp.location(app.browse(URI.create(app.authorizeRequest("openid").uri() + "&prompt=select_account"), null));
        assertThat(login.getPath()).isEqualTo("/login");
        assertThat(RelyingApp.query(login)).doesNotContainKey("again");
        assertThat(RelyingApp.query(login).get("next").get(0)).doesNotContain("prompt");
    }

    /** OpenID Connect Core: max_age=0 is prompt=login, also in the first second after a sign-in (the clock here stands still). */
    @Test
    void maxAgeZeroAsksForASignInEvenRightAfterOne() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Ledger"));
        TeamApps.signIn(app, admin, "openid");
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        URI landed = RelyingApp.location(app.browse(URI.create(attempt.uri() + "&prompt=none&max_age=0"), TeamApps.cookie(admin)));
        assertThat(RelyingApp.query(landed).get("error")).as(landed.toString()).containsExactly("login_required");
        URI again = RelyingApp.location(app.browse(URI.create(app.authorizeRequest("openid").uri() + "&max_age=0"), TeamApps.cookie(admin)));
        assertThat(again.getPath()).isEqualTo("/login");
        assertThat(RelyingApp.query(again)).containsKey("again");
    }

    @Test
    void aMalformedMaxAgeIsAnInvalidRequest() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Almanac"));
        TeamApps.signIn(app, admin, "openid");
        for (String maxAge : List.of("-1", "abc", "1.5", "")) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid");
            URI landed = RelyingApp.location(app.browse(URI.create(attempt.uri() + "&max_age=" + maxAge), TeamApps.cookie(admin)));
            assertThat(landed.toString()).as(maxAge).startsWith(OAuthFlowTest.REDIRECT);
            assertThat(RelyingApp.query(landed).get("error")).as(maxAge).containsExactly("invalid_request");
        }
    }

    /** Discovery names only what a Lanyard app can use (both documents). */
    @Test
    void discoveryNamesOnlyWhatAnAppCanUse() throws Exception {
        for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            var document = json.readTree(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))).body());
            assertThat(document.path("token_endpoint_auth_methods_supported").valueStream().map(n -> n.asString()).toList()).as(path)
                    .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post", "none");
            assertThat(document.path("introspection_endpoint_auth_methods_supported").valueStream().map(n -> n.asString()).toList()).as(path)
                    .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post");
            assertThat(document.path("revocation_endpoint_auth_methods_supported").valueStream().map(n -> n.asString()).toList()).as(path)
                    .as("a public app revokes its own token with its client_id").containsExactlyInAnyOrder("client_secret_basic", "client_secret_post", "none");
            assertThat(document.path("grant_types_supported").valueStream().map(n -> n.asString()).toList()).as(path)
                    .containsExactlyInAnyOrder("authorization_code", "refresh_token", "client_credentials");
            assertThat(document.has("tls_client_certificate_bound_access_tokens")).as(path).isFalse();
            assertThat(document.has("dpop_signing_alg_values_supported")).as(path).isFalse();
            assertThat(document.path("authorization_response_iss_parameter_supported").isBoolean()).as(path).isTrue();
            assertThat(document.path("authorization_response_iss_parameter_supported").asBoolean()).as(path).isTrue();
            // The default is ["query","fragment"] (OpenID Connect Discovery 1.0 §3, RFC 8414 §2); Lanyard refuses fragment.
            assertThat(document.path("response_modes_supported").valueStream().map(n -> n.asString()).toList()).as(path)
                    .containsExactly("query");
        }
    }

    /**
     * OpenID Connect's discovery names the claims an ID token or userinfo gives ({@code claims_supported}), and each of
     * them is one it names.
     */
    @Test
    void discoveryNamesTheClaimsThatIdTokensAndUserinfoGive() throws Exception {
        var document = json.readTree(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/.well-known/openid-configuration"))).body());
        List<String> claims = document.path("claims_supported").valueStream().map(n -> n.asString()).toList();
        RelyingApp app = apps.app(apps.register(admin, "Claims"));
        OIDCTokenResponse tokens = TeamApps.signIn(app, admin, "openid profile email");
        assertThat(claims).containsAll(tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getClaims().keySet());
        var userInfo = app.userInfo(tokens.getOIDCTokens().getAccessToken()).toSuccessResponse().getUserInfo().toJSONObject().keySet();
        assertThat(userInfo).contains("name", "email", "email_verified");
        assertThat(claims).containsAll(userInfo);
    }

    /**
     * A request Spring's converter refuses before it reads the client (a response type other than {@code code}, none, a
     * repeated state) goes back to the app's registered redirect URI as every other refusal does (RFC 6749 §4.1.2.1), with
     * the issuer (RFC 9207) and the state, and a description that says what is expected; it showed Lanyard's own page
     * (outside review). Only for a member of the app's team, and never to an address not registered for it.
     */
    @Test
    void anUnsupportedResponseTypeGoesBackToTheAppSayingWhatIsExpected() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Types"));
        TeamApps.signIn(app, admin, "openid");
        String issuer = "http://127.0.0.1:" + port;
        for (String responseType : List.of("token", "code%20id_token", "id_token")) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid");
            URI asked = URI.create(attempt.uri().toString().replace("response_type=code", "response_type=" + responseType)
                    .replace("scope=openid", responseType.equals("id_token") ? "scope=openid%20openid" : "scope=openid"));
            HttpResponse<String> answer = app.browse(asked, TeamApps.cookie(admin));
            assertThat(answer.statusCode()).as(responseType + ": " + answer.body()).isEqualTo(302);
            URI back = RelyingApp.location(answer);
            assertThat(back.toString()).as(responseType).startsWith(OAuthFlowTest.REDIRECT + "?");
            Map<String, List<String>> query = RelyingApp.query(back);
            assertThat(query.get("error")).as(responseType).containsExactly("unsupported_response_type");
            assertThat(query.get("error_description")).containsExactly("Only response_type=code is supported: the authorization code flow with PKCE (S256).");
            assertThat(query.get("state")).containsExactly(attempt.state().getValue());
            assertThat(query.get("iss")).containsExactly(issuer);
            assertThat(query).doesNotContainKey("code");
        }
        RelyingApp.Attempt none = app.authorizeRequest("openid");
        URI without = RelyingApp.location(app.browse(without(none.uri(), "response_type"), TeamApps.cookie(admin)));
        assertThat(RelyingApp.query(without).get("error")).containsExactly("invalid_request");
        assertThat(RelyingApp.query(without).get("error_description")).containsExactly("response_type is required, once: Lanyard supports response_type=code.");
        RelyingApp.Attempt twice = app.authorizeRequest("openid");
        URI repeated = RelyingApp.location(app.browse(URI.create(twice.uri() + "&state=again"), TeamApps.cookie(admin)));
        assertThat(RelyingApp.query(repeated).get("error_description")).containsExactly("state may be given once.");
        assertThat(RelyingApp.query(repeated)).as("which state is the app's is not known").doesNotContainKey("state");

        // Never to an address not registered for the app, nor for someone who is no member of its team.
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        String token = attempt.uri().toString().replace("response_type=code", "response_type=token");
        for (URI wrong : List.of(URI.create(token.replace("callback", "callback2")), URI.create(token.replace("client_id=", "client_id=x")),
                URI.create(token + "&redirect_uri=" + URLEncoder.encode(OAuthFlowTest.REDIRECT, StandardCharsets.UTF_8)))) {
            HttpResponse<String> answer = app.browse(wrong, TeamApps.cookie(admin));
            assertThat(answer.statusCode()).as(wrong.toString()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Location")).isEmpty();
        }
        Member stranger = api.signUp("stranger");
        for (String cookie : new String[] {null, TeamApps.cookie(stranger)}) {
            HttpResponse<String> answer = app.browse(URI.create(token), cookie);
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Location")).isEmpty();
            assertThat(answer.body()).contains("unsupported_response_type").contains("Only response_type=code is supported");
        }
    }

    /** {@code uri} less the query parameter {@code name}. */
    private static URI without(URI uri, String name) {
        String query = java.util.Arrays.stream(uri.getRawQuery().split("&")).filter(p -> !p.startsWith(name + "="))
                .collect(java.util.stream.Collectors.joining("&"));
        return URI.create(uri.toString().substring(0, uri.toString().indexOf('?') + 1) + query);
    }

    /** Spring's descriptions named the parameter only ("OAuth 2.0 Parameter: code_challenge"): each now says what is expected. */
    @Test
    void aRefusalSentBackSaysWhatIsWrongAndWhatIsExpected() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Words"));
        TeamApps.signIn(app, admin, "openid");
        Map<String, String> expected = Map.of(
                "code_challenge", "A code_challenge is required, given once: PKCE (RFC 7636) with code_challenge_method=S256, the base64url SHA-256 of the app's code_verifier.",
                "code_challenge_method", "code_challenge_method must be S256, the one PKCE method Lanyard supports, given once.",
                "prompt", "prompt may be given once, and prompt=none cannot be combined with login, consent or select_account.",
                "scope", "The app is not allowed the scope made-up. Ask only for scopes an admin of its team allowed it, among email, offline_access, openid, profile.");
        for (Map.Entry<String, String> refused : expected.entrySet()) {
            RelyingApp.Attempt attempt = app.authorizeRequest(refused.getKey().equals("scope") ? "openid made-up" : "openid");
            String uri = attempt.uri().toString();
            uri = switch (refused.getKey()) {
                case "code_challenge" -> without(attempt.uri(), "code_challenge").toString();
                case "code_challenge_method" -> uri.replace("code_challenge_method=S256", "code_challenge_method=plain");
                case "prompt" -> uri + "&prompt=none%20login";
                default -> uri;
            };
            URI back = RelyingApp.location(app.browse(URI.create(uri), TeamApps.cookie(admin)));
            assertThat(back.toString()).as(refused.getKey()).startsWith(OAuthFlowTest.REDIRECT);
            assertThat(RelyingApp.query(back).get("error_description")).as(refused.getKey()).containsExactly(refused.getValue());
        }
    }

    /** Outside review: a scope refused was said to be among all of Lanyard's, even those the app is not allowed. */
    @Test
    void aScopeRefusedIsToldAmongTheScopesTheAppIsAllowed() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Names", List.of("openid", "profile")));
        TeamApps.signIn(app, admin, "openid");

        URI back = RelyingApp.location(app.browse(app.authorizeRequest("openid email").uri(), TeamApps.cookie(admin)));

        assertThat(back.toString()).startsWith(OAuthFlowTest.REDIRECT);
        assertThat(RelyingApp.query(back).get("error")).containsExactly("invalid_scope");
        assertThat(RelyingApp.query(back).get("error_description")).containsExactly(
                "The app is not allowed the scope email. Ask only for scopes an admin of its team allowed it, among openid, profile.");
    }

    /**
     * A posted authorization request is read from its form, whatever its address's query string holds: Spring took a field
     * for a query parameter, and left it out, when its name appeared anywhere in the query string, so {@code ?x=mystatex}
     * lost the state and {@code ?x=nonce} the ID token's nonce (outside review). A field also given in the query is given
     * twice, and refused as any repeated parameter: back to the app, without a state when the state is the one repeated.
     */
    @Test
    void aPostedRequestIsReadFromItsFormWhateverItsQueryStringHolds() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        TeamApps.signIn(app, admin, "openid email");
        for (String query : List.of("?x=mystatex", "?x=nonce", "?scope_note=1&redirect_uri_seen=code_challenge_method", "?xclient_idx")) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid email");
            HttpResponse<String> answer = posted(query, attempt, "", TeamApps.cookie(admin));
            assertThat(answer.statusCode()).as(query + ": " + answer.body()).isEqualTo(302);
            // The state comes back, and the ID token carries the nonce (the relying app checks both).
            OIDCTokenResponse tokens = app.exchange(attempt, app.code(attempt, RelyingApp.location(answer)));
            assertThat(tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getStringClaim("nonce")).as(query).isEqualTo(attempt.nonce().getValue());
            assertThat(tokens.getOIDCTokens().getAccessToken().getScope().toStringList()).as(query).contains("email");
        }
        Map<String, String> twice = Map.of("state", "state may be given once.",
                "scope", "scope may be given once, its values separated by spaces.", "nonce", "nonce may be given once.");
        for (Map.Entry<String, String> name : twice.entrySet()) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid email");
            String value = RelyingApp.query(attempt.uri()).get(name.getKey()).get(0);
            HttpResponse<String> answer = posted("?" + name.getKey() + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8), attempt, "",
                    TeamApps.cookie(admin));
            assertThat(answer.statusCode()).as(name.getKey() + ": " + answer.body()).isEqualTo(302);
            URI back = RelyingApp.location(answer);
            assertThat(back.toString()).as(name.getKey()).startsWith(OAuthFlowTest.REDIRECT + "?");
            Map<String, List<String>> query = RelyingApp.query(back);
            assertThat(query).as(name.getKey()).doesNotContainKey("code");
            assertThat(query.get("error")).as(name.getKey()).containsExactly("invalid_request");
            assertThat(query.get("error_description")).as(name.getKey()).containsExactly(name.getValue());
            if (name.getKey().equals("state")) assertThat(query).doesNotContainKey("state");
            else assertThat(query.get("state")).as(name.getKey()).containsExactly(attempt.state().getValue());
        }
    }

    /**
     * The consent form follows the rule of every other form (decision 3): sent from another site (a foreign Origin, or
     * without one a Sec-Fetch-Site other than same-origin or none), it gets the 403 page even with a valid token, and
     * nothing is consented (outside review: the consent was granted).
     */
    @Test
    void aConsentPostedFromAnotherSiteIsRefusedEvenWithAValidToken() throws Exception {
        JsonNode registered = apps.register(admin, "Target");
        RelyingApp target = apps.app(registered);
        for (String[] from : new String[][] {{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "same-site"}}) {
            ConsentForm form = consentFormOf(target);
            HttpResponse<String> posted = send(form.post(apps.issuer(), target).header("Cookie", form.xsrf() + "; " + TeamApps.cookie(admin))
                    .header("Accept", "text/html").header(from[0], from[1]));
            assertThat(posted.statusCode()).as(from[1]).isEqualTo(403);
            assertThat(posted.headers().firstValue("Location")).as(from[1]).isEmpty();
            assertThat(posted.body()).as(from[1]).contains("This form was sent from another site, so it was not accepted.");
            assertThat(consents.find(registered.path("app").path("id").asString(), admin.accountId())).as(from[1]).isEmpty();
        }
        // Sent from Lanyard's own page, the same form consents.
        ConsentForm form = consentFormOf(target);
        HttpResponse<String> allowed = send(form.post(apps.issuer(), target).header("Cookie", form.xsrf() + "; " + TeamApps.cookie(admin))
                .header("Origin", apps.issuer()).header("Sec-Fetch-Site", "same-origin"));
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(302);
        assertThat(RelyingApp.query(RelyingApp.location(allowed))).containsKey("code");
        assertThat(consents.find(registered.path("app").path("id").asString(), admin.accountId())).isPresent();
    }

    /**
     * RFC 6749 §3.1: a parameter must not be given twice. A repeated OpenID Connect parameter was taken silently (its
     * first value, or none); it is refused as a repeated state is: back to the app when its client and redirect URI are
     * known, otherwise on Lanyard's page (outside review).
     */
    @Test
    void aRepeatedParameterOfTheRequestIsRefusedAsARepeatedStateIs() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Wiki"));
        TeamApps.signIn(app, admin, "openid");
        for (String name : List.of("nonce", "max_age", "response_mode", "login_hint", "ui_locales", "claims_locales", "claims", "acr_values",
                "id_token_hint", "display")) {
            RelyingApp.Attempt attempt = app.authorizeRequest("openid");
            // max_age=0 alone would send the member to sign in again first.
            String twice = name.equals("max_age") ? "&max_age=3600&max_age=0" : "&" + name + "=x&" + name + "=y";
            HttpResponse<String> answer = app.browse(URI.create(attempt.uri() + twice), TeamApps.cookie(admin));
            assertThat(answer.statusCode()).as(name + ": " + answer.body()).isEqualTo(302);
            URI back = RelyingApp.location(answer);
            assertThat(back.toString()).as(name).startsWith(OAuthFlowTest.REDIRECT + "?");
            Map<String, List<String>> query = RelyingApp.query(back);
            assertThat(query).as(name).doesNotContainKey("code");
            assertThat(query.get("error")).as(name).containsExactly("invalid_request");
            assertThat(query.get("error_description")).as(name).containsExactly(name + " may be given once.");
            assertThat(query.get("state")).as(name).containsExactly(attempt.state().getValue());
        }
        // Someone not signed in, or a request whose client is not known, sees Lanyard's page.
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        for (String[] asked : new String[][] {{attempt.uri() + "&nonce=y", null},
                {attempt.uri() + "&nonce=y&client_id=" + app.clientId.getValue(), TeamApps.cookie(admin)}}) {
            HttpResponse<String> answer = app.browse(URI.create(asked[0]), asked[1]);
            assertThat(answer.statusCode()).as(asked[0]).isEqualTo(400);
            assertThat(answer.headers().firstValue("Location")).as(asked[0]).isEmpty();
            assertThat(answer.body()).as(asked[0]).contains("invalid_request");
        }
    }

    /**
     * OpenID Connect Core 6.2: a request_uri Lanyard does not support is {@code request_uri_not_supported}, sent back to
     * the app as {@code request_not_supported} is; it was Lanyard's 400 page. Discovery says so: its default is true.
     */
    @Test
    void aRequestUriIsNotSupportedAndDiscoverySaysSo() throws Exception {
        RelyingApp app = apps.app(apps.register(admin, "Pushed"));
        TeamApps.signIn(app, admin, "openid");
        String requestUri = "&request_uri=" + URLEncoder.encode("urn:ietf:params:oauth:request_uri:abc", StandardCharsets.UTF_8);
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        // With the request's parameters, and with the client alone (as a pushed request's link is).
        for (URI asked : List.of(URI.create(attempt.uri() + requestUri),
                URI.create(apps.issuer() + "/oauth2/authorize?client_id=" + app.clientId.getValue() + requestUri))) {
            HttpResponse<String> answer = app.browse(asked, TeamApps.cookie(admin));
            assertThat(answer.statusCode()).as(asked + ": " + answer.body()).isEqualTo(302);
            URI back = RelyingApp.location(answer);
            assertThat(back.toString()).as(asked.toString()).startsWith(OAuthFlowTest.REDIRECT + "?");
            assertThat(RelyingApp.query(back).get("error")).as(asked.toString()).containsExactly("request_uri_not_supported");
            assertThat(RelyingApp.query(back).get("error_description")).as(asked.toString()).hasSize(1);
        }
        assertThat(RelyingApp.query(RelyingApp.location(app.browse(URI.create(attempt.uri() + requestUri), TeamApps.cookie(admin))))
                .get("state")).containsExactly(attempt.state().getValue());
        HttpResponse<String> signedOut = app.browse(URI.create(attempt.uri() + requestUri), null);
        assertThat(signedOut.statusCode()).isEqualTo(400);
        assertThat(signedOut.headers().firstValue("Location")).isEmpty();
        assertThat(signedOut.body()).contains("request_uri_not_supported");

        for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            var document = json.readTree(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))).body());
            assertThat(document.path("request_uri_parameter_supported").isBoolean()).as(path).isTrue();
            assertThat(document.path("request_uri_parameter_supported").asBoolean()).as(path).isFalse();
        }
    }
}
