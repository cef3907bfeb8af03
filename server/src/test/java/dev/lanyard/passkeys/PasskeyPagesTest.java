package dev.lanyard.passkeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.team.TeamClient;
import dev.lanyard.team.TestMail;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.webauthn.api.AuthenticatorTransport;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.ImmutableCredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCose;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The passkeys section of /settings/security and the passkey sign-in, up to what needs an authenticator
 * (the browser test has a virtual one): the options each ceremony starts with, renaming and removing with
 * their audit entries, another member's passkey reading as none, and answers that do not verify.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class PasskeyPagesTest {
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PasskeyStore store;
    @Autowired
    Passkeys passkeys;
    @LocalServerPort
    int port;
    @Autowired
    java.time.Clock clock;

    /** A passkey of {@code member} as a registration would have stored it: its id. */
    private String passkeyOf(Member member, String name) {
        return passkeyOf(store, new AccountId(member.accountId()), name);
    }

    /** A passkey of {@code owner} as a registration would have stored it, in {@code store}: its id. */
    static String passkeyOf(PasskeyStore store, AccountId owner, String name) {
        String handle = store.ensureUserHandle(owner, Bytes.random().toBase64UrlString());
        Bytes id = Bytes.random();
        store.insert(owner, ImmutableCredentialRecord.builder().credentialType(PublicKeyCredentialType.PUBLIC_KEY)
                .credentialId(id).userEntityUserId(Bytes.fromBase64(handle)).publicKey(new ImmutablePublicKeyCose(new byte[] {1}))
                .signatureCount(0).uvInitialized(true).backupEligible(false).backupState(false)
                .transports(Set.of(AuthenticatorTransport.INTERNAL)).attestationObject(new Bytes(new byte[] {1}))
                .attestationClientDataJSON(new Bytes(new byte[] {1})).label(name).build(), Instant.parse("2026-01-02T10:00:00Z"));
        return id.toBase64UrlString();
    }

    private String auditOf(Member member) {
        return String.join("\n", jdbc.sql("""
                        SELECT action || ' ' || detail FROM audit_entries
                        WHERE subject_id = :account AND action LIKE 'passkey.%' ORDER BY seq""")
                .param("account", member.accountId()).query(String.class).list());
    }

    @Test
    void theSectionListsTheMembersPasskeysWithTheirTimesAndOffersToAddOne() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        passkeyOf(ada, "Ada's <laptop>");
        String page = team.perform(team.page(get("/settings/security"), ada)).getResponse().getContentAsString();
        assertThat(page).contains("Passkeys").contains("Ada&#39;s &lt;laptop&gt;").doesNotContain("<laptop>")
                .contains("2 Jan 2026, 10:00 UTC").contains("Never used").contains("Add a passkey")
                .contains("/js/passkeys.js");
    }

    @Test
    void registrationOptionsRequireADiscoverableUserVerifiedKeyAndExcludeTheMembersOwn() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String existing = passkeyOf(ada, "Laptop");
        MockHttpServletResponse response = team.perform(team.form(post("/settings/security/passkeys/options"), ada).param("password", TestAccounts.PASSWORD)
                .accept(MediaType.APPLICATION_JSON)).getResponse();
        assertThat(response.getStatus()).isEqualTo(200);
        JsonNode options = json.readTree(response.getContentAsString());
        assertThat(options.path("ceremony").asString()).hasSizeGreaterThan(40);
        JsonNode publicKey = options.path("publicKey");
        assertThat(publicKey.path("rp").path("id").asString()).isEqualTo("localhost");
        assertThat(publicKey.path("user").path("name").asString()).isEqualTo(ada.email());
        assertThat(publicKey.path("user").path("id").asString()).isNotEqualTo(ada.accountId());
        assertThat(publicKey.path("authenticatorSelection").path("userVerification").asString()).isEqualTo("required");
        assertThat(publicKey.path("authenticatorSelection").path("residentKey").asString()).isEqualTo("required");
        assertThat(publicKey.path("excludeCredentials").get(0).path("id").asString()).isEqualTo(existing);
        assertThat(publicKey.path("challenge").asString()).hasSizeGreaterThan(40);
    }

    @Test
    void anAnswerThatDoesNotVerifyAddsNothingAndSaysSo() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String ceremony = json.readTree(team.perform(team.form(post("/settings/security/passkeys/options"), ada).param("password", TestAccounts.PASSWORD)
                .accept(MediaType.APPLICATION_JSON)).getResponse().getContentAsString()).path("ceremony").asString();
        MockHttpServletResponse refused = team.perform(team.form(post("/settings/security/passkeys"), ada)
                .param("ceremony", ceremony).param("name", "Forged")
                .param("credential", "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":"
                        + "{\"clientDataJSON\":\"e30\",\"attestationObject\":\"oA\",\"transports\":[]},\"clientExtensionResults\":{}}"))
                .getResponse();
        assertThat(refused.getStatus()).isEqualTo(401);
        assertThat(refused.getContentAsString()).contains("The passkey could not be added");
        MockHttpServletResponse garbage = team.perform(team.form(post("/settings/security/passkeys"), ada)
                .param("ceremony", "nonsense").param("credential", "{not json")).getResponse();
        assertThat(garbage.getStatus()).isEqualTo(401);
        assertThat(store.list(new AccountId(ada.accountId()))).isEmpty();
        assertThat(auditOf(ada)).isEmpty();
    }

    /** A passkey signs in without a password and makes a verified session: adding or removing one needs the password. */
    @Test
    void addingOrRemovingAPasskeyNeedsThePassword() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String id = passkeyOf(ada, "Laptop");

        for (String password : new String[] {"", "not-the-password"}) {
            MockHttpServletResponse options = team.perform(team.form(post("/settings/security/passkeys/options"), ada)
                    .param("password", password).accept(MediaType.APPLICATION_JSON)).getResponse();
            assertThat(options.getStatus()).as("options, password '" + password + "'").isEqualTo(400);
            assertThat(json.readTree(options.getContentAsString()).path("error").asString()).isEqualTo("That password is not right.");
            assertThat(json.readTree(options.getContentAsString()).path("field").asString()).as("for passkeys.js to mark").isEqualTo("password");
            assertThat(options.getContentAsString()).doesNotContain("ceremony");

            MockHttpServletResponse remove = team.perform(team.form(post("/settings/security/passkeys/" + id + "/remove"), ada)
                    .param("password", password)).getResponse();
            assertThat(remove.getStatus()).as("remove, password '" + password + "'").isEqualTo(400);
            assertThat(remove.getContentAsString()).contains("That password is not right.").contains("Remove the passkey “<bdi>Laptop</bdi>”?")
                    .containsPattern("id=\"remove-password\"[^>]*aria-invalid=\"true\" aria-describedby=\"remove-password-error\"")
                    .contains("<p id=\"remove-password-error\" class=\"field-error\">That password is not right.</p>");
        }
        assertThat(store.list(new AccountId(ada.accountId()))).extracting(Passkey::name).containsExactly("Laptop");
        assertThat(auditOf(ada)).isEmpty();
        assertThat(team.perform(team.page(get("/settings/security/passkeys/" + id + "/remove"), ada)).getResponse().getContentAsString())
                .contains("autocomplete=\"current-password\"");
    }

    /** A passkey's name is counted in characters, as a session's and a key's are: 100 emoji are 100, not 200 (outside review). */
    @Test
    void aPasskeysNameOfAsManyEmojiAsTheLimitIsKeptWholeAndOneMoreIsRefusedNamingTheLimit() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String id = passkeyOf(ada, "Laptop");

        MockHttpServletResponse emoji = team.perform(team.form(post("/settings/security/passkeys/" + id + "/name"), ada)
                .param("name", "😀".repeat(100))).getResponse();
        assertThat(emoji.getRedirectedUrl()).isEqualTo("/settings/security?done=passkey-renamed");
        assertThat(store.list(new AccountId(ada.accountId()))).extracting(Passkey::name).containsExactly("😀".repeat(100));

        MockHttpServletResponse tooLong = team.perform(team.form(post("/settings/security/passkeys/" + id + "/name"), ada)
                .param("name", "😀".repeat(101))).getResponse();
        assertThat(tooLong.getStatus()).isEqualTo(400);
        assertThat(tooLong.getContentAsString()).contains("Use a name of at most 100 characters.")
                // Its row's field is marked and says why under it (outside review, WCAG 3.3.1); the new passkey's is not.
                .containsPattern("id=\"passkey-name-0\"[^>]*aria-invalid=\"true\" aria-describedby=\"passkey-name-0-error\"")
                .contains("<p id=\"passkey-name-0-error\" class=\"field-error\">Use a name of at most 100 characters.</p>")
                .containsPattern("id=\"passkey-name\"[^>]*aria-invalid=\"false\"");
        assertThat(store.list(new AccountId(ada.accountId()))).extracting(Passkey::name).containsExactly("😀".repeat(100));

        MockHttpServletResponse newOne = team.perform(team.form(post("/settings/security/passkeys"), ada)
                .param("ceremony", "nonsense").param("name", "😀".repeat(101)).param("credential", "{}")).getResponse();
        assertThat(newOne.getStatus()).isEqualTo(400);
        assertThat(newOne.getContentAsString())
                .containsPattern("id=\"passkey-name\"[^>]*aria-invalid=\"true\" aria-describedby=\"passkey-name-error\"")
                .contains("<p id=\"passkey-name-error\" class=\"field-error\">Use a name of at most 100 characters.</p>")
                .containsPattern("id=\"passkey-name-0\"[^>]*aria-invalid=\"false\"");
    }

    @Test
    void renamingAndRemovingAPasskeyIsConfirmedAndAudited() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String id = passkeyOf(ada, "Laptop");

        MockHttpServletResponse renamed = team.perform(team.form(post("/settings/security/passkeys/" + id + "/name"), ada)
                .param("name", "  Work laptop ")).getResponse();
        assertThat(renamed.getRedirectedUrl()).isEqualTo("/settings/security?done=passkey-renamed");
        assertThat(team.perform(team.page(get("/settings/security?done=passkey-renamed"), ada)).getResponse().getContentAsString())
                .contains("Passkey renamed.").contains("value=\"Work laptop\"");
        MockHttpServletResponse tooLong = team.perform(team.form(post("/settings/security/passkeys/" + id + "/name"), ada)
                .param("name", "x".repeat(101))).getResponse();
        assertThat(tooLong.getStatus()).isEqualTo(400);
        assertThat(tooLong.getContentAsString()).contains("Use a name of at most 100 characters.");

        String confirm = team.perform(team.page(get("/settings/security/passkeys/" + id + "/remove"), ada)).getResponse().getContentAsString();
        assertThat(confirm).contains("Remove the passkey “<bdi>Work laptop</bdi>”?").contains("Remove passkey");
        MockHttpServletResponse removed = team.perform(team.form(post("/settings/security/passkeys/" + id + "/remove"), ada).param("password", TestAccounts.PASSWORD)).getResponse();
        assertThat(removed.getRedirectedUrl()).isEqualTo("/settings/security?done=passkey-removed");
        assertThat(store.list(new AccountId(ada.accountId()))).isEmpty();
        assertThat(team.perform(team.form(post("/settings/security/passkeys/" + id + "/remove"), ada).param("password", TestAccounts.PASSWORD)).getResponse().getStatus())
                .as("removing again").isEqualTo(404);

        String short8 = id.substring(0, 8);
        assertThat(auditOf(ada)).isEqualTo("passkey.renamed Renamed the passkey “Laptop” (" + short8 + "…) to “Work laptop”\n"
                + "passkey.removed Removed the passkey “Work laptop” (" + short8 + "…)");
    }

    @Test
    void anotherMemberCanNeitherSeeRenameNorRemoveYourPasskey() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        String id = passkeyOf(mel, "Mel's phone");

        assertThat(team.perform(team.page(get("/settings/security"), ada)).getResponse().getContentAsString())
                .doesNotContain("Mel&#39;s phone");
        assertThat(team.perform(team.page(get("/settings/security/passkeys/" + id + "/remove"), ada)).getResponse().getStatus())
                .isEqualTo(404);
        assertThat(team.perform(team.form(post("/settings/security/passkeys/" + id + "/name"), ada).param("name", "mine"))
                .getResponse().getStatus()).isEqualTo(404);
        assertThat(team.perform(team.form(post("/settings/security/passkeys/" + id + "/remove"), ada).param("password", TestAccounts.PASSWORD)).getResponse().getStatus())
                .isEqualTo(404);
        assertThat(store.list(new AccountId(mel.accountId()))).extracting(Passkey::name).containsExactly("Mel's phone");
        assertThat(auditOf(mel)).isEmpty();
    }

    /** A sign-in form post from {@code address} with the login page's CSRF token, as a browser sends it. */
    private MockHttpServletRequestBuilder loginForm(String path, String address) throws Exception {
        MockHttpServletResponse login = mvc.perform(get("/login").with(ApiClient.from(address)).accept(MediaType.TEXT_HTML))
                .andReturn().getResponse();
        Matcher token = CSRF_INPUT.matcher(login.getContentAsString());
        assertThat(token.find()).isTrue();
        Cookie xsrf = login.getCookie("XSRF-TOKEN");
        return post(path).cookie(xsrf).with(ApiClient.from(address)).accept(MediaType.TEXT_HTML)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("_csrf", token.group(1));
    }

    @Test
    void theLoginPageOffersPasskeysWhoseOptionsLetAnyPasskeyOfThisSiteAnswer() throws Exception {
        String address = ApiClient.newAddress();
        assertThat(mvc.perform(get("/login").accept(MediaType.TEXT_HTML)).andReturn().getResponse().getContentAsString())
                .contains("Sign in with a passkey").contains("/login/passkey/options");
        MockHttpServletResponse response = mvc.perform(loginForm("/login/passkey/options", address)
                .accept(MediaType.APPLICATION_JSON)).andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(200);
        JsonNode publicKey = json.readTree(response.getContentAsString()).path("publicKey");
        assertThat(publicKey.path("rpId").asString()).isEqualTo("localhost");
        assertThat(publicKey.path("userVerification").asString()).isEqualTo("required");
        assertThat(publicKey.path("allowCredentials").size()).isZero();
    }

    @Test
    void failedPasskeySignInsAreRefusedAndCountTowardsTheSignInThrottle() throws Exception {
        String address = ApiClient.newAddress();
        int status = 0;
        for (int i = 0; i < 8 && status != 429; i++) {
            MockHttpServletResponse refused = mvc.perform(loginForm("/login/passkey", address)
                    .param("ceremony", "gone").param("credential", "{}")).andReturn().getResponse();
            status = refused.getStatus();
            assertThat(refused.getHeaders("Set-Cookie")).as("no session").noneMatch(c -> c.startsWith("lanyard_session="));
            if (status == 401) assertThat(refused.getContentAsString()).contains("That passkey could not sign you in");
        }
        assertThat(status).as("after the free failures the address must wait").isEqualTo(429);
    }

    /**
     * Each start of a passkey sign-in keeps a ceremony row, and needs only the login page's CSRF token: one address wrote
     * 11,175 rows in 10 seconds (outside review). An address starts at most 30 a minute; the next is 429 with Retry-After
     * and a message for the button's script, and keeps nothing. Another address is not held up, an IPv6 address counts
     * as its /64, and the next minute starts afresh.
     */
    @Test
    void anAddressStartsAtMostThirtyPasskeySignInsAMinute() throws Exception {
        String address = ApiClient.newAddress();
        for (int i = 0; i < CeremonyStarts.PER_MINUTE; i++) {
            assertThat(mvc.perform(loginForm("/login/passkey/options", address).accept(MediaType.APPLICATION_JSON))
                    .andReturn().getResponse().getStatus()).as("start " + (i + 1)).isEqualTo(200);
        }
        long rows = jdbc.sql("SELECT COUNT(*) FROM passkey_ceremonies").query(Long.class).single();

        MockHttpServletResponse refused = mvc.perform(loginForm("/login/passkey/options", address).accept(MediaType.APPLICATION_JSON))
                .andReturn().getResponse();

        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 60L);
        assertThat(json.readTree(refused.getContentAsString()).path("error").asString())
                .startsWith("Too many passkey sign-ins were started from your network. Try again in ");
        assertThat(refused.getContentAsString()).doesNotContain("ceremony");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM passkey_ceremonies").query(Long.class).single()).isEqualTo(rows);
        assertThat(mvc.perform(loginForm("/login/passkey/options", ApiClient.newAddress()).accept(MediaType.APPLICATION_JSON))
                .andReturn().getResponse().getStatus()).as("another address").isEqualTo(200);

        for (int i = 0; i < CeremonyStarts.PER_MINUTE; i++) {
            mvc.perform(loginForm("/login/passkey/options", "2001:db8:5a:1::" + Integer.toHexString(i + 1)).accept(MediaType.APPLICATION_JSON));
        }
        assertThat(mvc.perform(loginForm("/login/passkey/options", "2001:db8:5a:1:ffff::9").accept(MediaType.APPLICATION_JSON))
                .andReturn().getResponse().getStatus()).as("the same /64").isEqualTo(429);

        ((dev.lanyard.testsupport.MutableClock) clock).advance(java.time.Duration.ofMinutes(1));
        assertThat(mvc.perform(loginForm("/login/passkey/options", address).accept(MediaType.APPLICATION_JSON))
                .andReturn().getResponse().getStatus()).as("a minute later").isEqualTo(200);
    }

    @Test
    void withoutASessionNoCeremonyStartsAndNothingChanges() throws Exception {
        String address = ApiClient.newAddress();
        MockHttpServletResponse options = mvc.perform(loginForm("/settings/security/passkeys/options", address)
                .accept(MediaType.APPLICATION_JSON)).andReturn().getResponse();
        assertThat(options.getStatus()).isIn(302, 401, 403);
        assertThat(options.getContentAsString()).doesNotContain("ceremony");
        MockHttpServletResponse remove = mvc.perform(loginForm("/settings/security/passkeys/x/remove", address)).andReturn().getResponse();
        assertThat(remove.getStatus()).isIn(302, 401, 403);
    }

    @Test
    void aSecondFactorCheckOffersOnlyTheAccountsOwnPasskeysAndItsCeremonyServesOnlyThatAccountOnce() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        String adas = passkeyOf(ada, "Ada's key");
        passkeyOf(mel, "Mel's key");
        RelyingParty rp = new RelyingParty("localhost", List.of("http://localhost"), "Lanyard");
        AccountId adaId = new AccountId(ada.accountId());

        Passkeys.Options options = passkeys.startVerification(adaId, rp);
        JsonNode publicKey = json.readTree(options.publicKey());
        assertThat(publicKey.path("allowCredentials").size()).isEqualTo(1);
        assertThat(publicKey.path("allowCredentials").get(0).path("id").asString()).isEqualTo(adas);
        assertThat(publicKey.path("userVerification").asString()).isEqualTo("required");

        assertThatThrownBy(() -> passkeys.verify(new AccountId(mel.accountId()), options.ceremony(), "{}"))
                .isInstanceOf(PasskeyProblem.Rejected.class);
        assertThatThrownBy(() -> passkeys.verify(adaId, options.ceremony(), "{}"))
                .as("the ceremony was taken by the first answer").isInstanceOf(PasskeyProblem.Rejected.class);
        Passkeys.Options again = passkeys.startVerification(adaId, rp);
        assertThatThrownBy(() -> passkeys.verify(adaId, again.ceremony(), "{\"id\":\"x\"}"))
                .as("an answer that is no assertion").isInstanceOf(PasskeyProblem.Rejected.class);
    }

    @Test
    void anAccountWithoutPasskeysHasNoPasskeySecondFactor() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        assertThatThrownBy(() -> passkeys.startVerification(new AccountId(ada.accountId()),
                new RelyingParty("localhost", List.of("http://localhost"), "Lanyard"))).isInstanceOf(PasskeyProblem.NotFound.class);
    }

    @Test
    void aFailedPasskeySignInKeepsTheReturnPathAndRememberMe() throws Exception {
        MockHttpServletResponse refused = mvc.perform(loginForm("/login/passkey", ApiClient.newAddress())
                .param("ceremony", "gone").param("credential", "{}").param("rememberMe", "true")
                .param("next", "/oauth2/authorize?client_id=chat")).andReturn().getResponse();
        assertThat(refused.getStatus()).isEqualTo(401);
        assertThat(refused.getContentAsString()).contains("name=\"next\" value=\"/oauth2/authorize?client_id=chat\"")
                .contains("checked");
    }

    // The second step of a password sign-in with a passkey (the browser test signs in with a real one).

    private static final String CHALLENGE = "lanyard_challenge";

    /** The password step from the login page: the challenge cookie it set, or none. */
    private java.util.Optional<String> passwordStep(Member who, String address) throws Exception {
        MockHttpServletResponse response = mvc.perform(loginForm("/login", address).param("email", who.email())
                .param("password", TestAccounts.PASSWORD)).andReturn().getResponse();
        assertThat(ApiClient.sessionCookie(response)).as("no session before the second factor").isEmpty();
        return response.getHeaders("Set-Cookie").stream().filter(h -> h.startsWith(CHALLENGE + "="))
                .map(h -> h.substring(CHALLENGE.length() + 1).split(";", 2)[0]).filter(v -> !v.isEmpty()).findFirst();
    }

    private MockHttpServletResponse verifyOptions(String challenge, String address) throws Exception {
        return mvc.perform(loginForm("/login/verify/passkey/options", address).cookie(new Cookie(CHALLENGE, challenge))
                .accept(MediaType.APPLICATION_JSON)).andReturn().getResponse();
    }

    @Test
    void aPasswordSignInOfAMemberWithAPasskeyAsksForItAndOffersOnlyTheirOwnPasskeys() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        String adas = passkeyOf(ada, "Ada's key");
        passkeyOf(mel, "Mel's key");
        String address = ApiClient.newAddress();

        String challenge = passwordStep(ada, address).orElseThrow();
        String page = mvc.perform(get("/login/verify").cookie(new Cookie(CHALLENGE, challenge)).accept(MediaType.TEXT_HTML))
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("Use one of your passkeys to finish signing in.").contains("Use a passkey")
                .contains("/login/verify/passkey/options").contains("/js/passkeys.js").contains("name=\"_csrf\"")
                .as("no authenticator app: no code field").doesNotContain("name=\"code\"");

        MockHttpServletResponse options = verifyOptions(challenge, address);
        assertThat(options.getStatus()).isEqualTo(200);
        JsonNode publicKey = json.readTree(options.getContentAsString()).path("publicKey");
        assertThat(publicKey.path("allowCredentials").size()).as("only Ada's passkeys may answer").isEqualTo(1);
        assertThat(publicKey.path("allowCredentials").get(0).path("id").asString()).isEqualTo(adas);
        assertThat(publicKey.path("userVerification").asString()).isEqualTo("required");

        MockHttpServletResponse noChallenge = mvc.perform(loginForm("/login/verify/passkey/options", address)
                .accept(MediaType.APPLICATION_JSON)).andReturn().getResponse();
        assertThat(noChallenge.getStatus()).isEqualTo(401);
        assertThat(noChallenge.getContentAsString()).contains("Sign in again").doesNotContain("publicKey");
    }

    @Test
    void aPasswordSignInOfAMemberWithoutSecondFactorsStillStartsASessionAtOnce() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        MockHttpServletResponse response = mvc.perform(loginForm("/login", ApiClient.newAddress()).param("email", ada.email())
                .param("password", TestAccounts.PASSWORD)).andReturn().getResponse();
        assertThat(response.getRedirectedUrl()).isEqualTo("/settings/sessions");
        assertThat(ApiClient.sessionCookie(response)).isPresent();
    }

    @Test
    void passkeyAnswersThatDoNotVerifyCountTowardsTheChallengeUntilItDies() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        passkeyOf(ada, "Ada's key");
        String address = ApiClient.newAddress();
        String challenge = passwordStep(ada, address).orElseThrow();

        for (int attempt = 1; attempt <= 5; attempt++) {
            String ceremony = json.readTree(verifyOptions(challenge, address).getContentAsString()).path("ceremony").asString();
            MockHttpServletResponse refused = mvc.perform(loginForm("/login/verify/passkey", address)
                    .cookie(new Cookie(CHALLENGE, challenge)).param("ceremony", ceremony)
                    .param("credential", "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":"
                            + "{\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AA\",\"signature\":\"AA\"},\"clientExtensionResults\":{}}"))
                    .andReturn().getResponse();
            assertThat(ApiClient.sessionCookie(refused)).as("no session after answer " + attempt).isEmpty();
            if (attempt < 5) {
                assertThat(refused.getStatus()).as("answer " + attempt).isEqualTo(400);
                assertThat(refused.getContentAsString()).contains("That passkey could not be verified").contains("Use a passkey");
                if (attempt == 4) assertThat(refused.getContentAsString()).as("warned before the last try")
                        .contains("You have one try left before this sign-in ends and you sign in again.");
                else assertThat(refused.getContentAsString()).doesNotContain("one try left");
            } else {
                assertThat(refused.getStatus()).as("the fifth failure ends the challenge").isEqualTo(401);
                assertThat(refused.getContentAsString()).contains("Too many failed attempts: this sign-in has ended. Sign in again.");
            }
        }
        assertThat(verifyOptions(challenge, address).getStatus()).as("a dead challenge starts no ceremony").isEqualTo(401);
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE subject_id = :a AND action = 'account.second-factor-failed'")
                .param("a", ada.accountId()).query(String.class).list()).hasSize(5)
                .allMatch(detail -> detail.endsWith("right password, a passkey that could not be verified"));
    }

    @Test
    void anApiSignInOfAMemberWhoseOnlySecondFactorIsAPasskeyIsRefusedWithoutASession() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        passkeyOf(ada, "Ada's key");
        MockHttpServletResponse refused = mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress()))
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(java.util.Map.of("email", ada.email(), "password", TestAccounts.PASSWORD,
                        "tokenType", "bearer")))).andReturn().getResponse();
        assertThat(refused.getStatus()).isEqualTo(403);
        assertThat(refused.getContentType()).startsWith("application/problem+json");
        JsonNode problem = json.readTree(refused.getContentAsString());
        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:second-factor-needs-browser");
        assertThat(problem.path("detail").asString()).contains("needs a browser");
        assertThat(refused.getContentAsString()).doesNotContain("token").doesNotContain("challenge");
        assertThat(ApiClient.sessionCookie(refused)).isEmpty();
    }

    private long ceremoniesOf(Member member) {
        return jdbc.sql("SELECT COUNT(*) FROM passkey_ceremonies WHERE account_id = :a").param("a", member.accountId())
                .query(Long.class).single();
    }

    private void advanceAMinute() {
        ((dev.lanyard.testsupport.MutableClock) clock).advance(java.time.Duration.ofMinutes(1));
    }

    /**
     * The second step's passkey options keep a ceremony row each, and a browser holding a right password's challenge could
     * ask for them in a loop. A member starts at most 30 passkey checks a minute, however many sign-ins they begin; the
     * next is 429 with Retry-After and a message for the button's script, keeps nothing, and counts no failure (neither
     * against the challenge nor the sign-in throttle). Another member is not held up; the next minute starts afresh.
     */
    @Test
    void aMemberStartsAtMostThirtyPasskeyChecksAMinuteAtTheSecondStep() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        passkeyOf(ada, "Ada's key");
        passkeyOf(mel, "Mel's key");
        String address = ApiClient.newAddress();
        String challenge = passwordStep(ada, address).orElseThrow();
        for (int i = 0; i < CeremonyStarts.PER_MINUTE; i++) {
            assertThat(verifyOptions(challenge, address).getStatus()).as("start " + (i + 1)).isEqualTo(200);
        }
        long rows = ceremoniesOf(ada);

        MockHttpServletResponse refused = verifyOptions(challenge, address);

        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getContentType()).startsWith(MediaType.APPLICATION_JSON_VALUE);
        assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 60L);
        assertThat(json.readTree(refused.getContentAsString()).path("error").asString())
                .startsWith("A passkey was asked for too many times in the last minute. Try again in ");
        assertThat(refused.getContentAsString()).doesNotContain("ceremony").doesNotContain("publicKey");
        assertThat(ceremoniesOf(ada)).isEqualTo(rows);
        String another = passwordStep(ada, address).orElseThrow();
        assertThat(verifyOptions(another, address).getStatus()).as("another sign-in of the same member").isEqualTo(429);
        String mels = ApiClient.newAddress();
        assertThat(verifyOptions(passwordStep(mel, mels).orElseThrow(), mels).getStatus()).as("another member").isEqualTo(200);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE subject_id = :a AND action LIKE 'account.%failed'")
                .param("a", ada.accountId()).query(Long.class).single()).as("no failure counted").isZero();
        assertThat(mvc.perform(get("/login/verify").cookie(new Cookie(CHALLENGE, challenge)).accept(MediaType.TEXT_HTML))
                .andReturn().getResponse().getContentAsString()).as("the sign-in goes on").contains("Use a passkey");

        advanceAMinute();
        assertThat(verifyOptions(challenge, address).getStatus()).as("a minute later").isEqualTo(200);
    }

    /**
     * "Verify this session" with a passkey needs only a session, which can ask for options in a loop: they are counted
     * with the second step's, at most 30 a minute for the member. A start also deletes the ceremonies that expired, so
     * none is kept past its five minutes and one more start.
     */
    @Test
    void aSessionAsksForAtMostThirtyPasskeyChecksAMinuteCountedWithTheSecondStepsAndExpiredOnesAreDeleted() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        passkeyOf(ada, "Ada's key");
        MockHttpServletRequestBuilder options = team.form(post("/settings/sessions/verify/passkey/options"), ada)
                .accept(MediaType.APPLICATION_JSON);
        for (int i = 0; i < CeremonyStarts.PER_MINUTE; i++) {
            assertThat(team.perform(options).getResponse().getStatus()).as("start " + (i + 1)).isEqualTo(200);
        }
        assertThat(ceremoniesOf(ada)).isEqualTo(CeremonyStarts.PER_MINUTE);

        MockHttpServletResponse refused = team.perform(options).getResponse();

        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 60L);
        assertThat(json.readTree(refused.getContentAsString()).path("error").asString())
                .startsWith("A passkey was asked for too many times in the last minute. Try again in ");
        assertThat(ceremoniesOf(ada)).isEqualTo(CeremonyStarts.PER_MINUTE);
        String address = ApiClient.newAddress();
        assertThat(verifyOptions(passwordStep(ada, address).orElseThrow(), address).getStatus())
                .as("the second step of a sign-in of the same member").isEqualTo(429);

        ((dev.lanyard.testsupport.MutableClock) clock).advance(Ceremonies.CEREMONY);
        assertThat(team.perform(options).getResponse().getStatus()).as("five minutes later").isEqualTo(200);
        assertThat(ceremoniesOf(ada)).as("the expired ones deleted, the new one kept").isEqualTo(1);
    }

    /**
     * Adding a passkey needs the password, and a signed-in member who has it could ask for options in a loop: at most 30
     * starts a minute per member. The limit is counted before the password is checked, so a start past it checks no
     * password (nor hashes one) and counts no failure: the member's budget of wrong passwords is untouched.
     */
    @Test
    void aMemberStartsAddingAPasskeyAtMostThirtyTimesAMinuteWithoutSpendingTheirWrongPasswords() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String id = passkeyOf(ada, "Laptop");
        MockHttpServletRequestBuilder options = team.form(post("/settings/security/passkeys/options"), ada)
                .param("password", TestAccounts.PASSWORD).accept(MediaType.APPLICATION_JSON);
        for (int i = 0; i < CeremonyStarts.PER_MINUTE; i++) {
            assertThat(team.perform(options).getResponse().getStatus()).as("start " + (i + 1)).isEqualTo(200);
        }
        long rows = ceremoniesOf(ada);

        MockHttpServletResponse refused = team.perform(options).getResponse();
        MockHttpServletResponse wrongPassword = team.perform(team.form(post("/settings/security/passkeys/options"), ada)
                .param("password", "not-the-password").accept(MediaType.APPLICATION_JSON)).getResponse();

        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 60L);
        assertThat(json.readTree(refused.getContentAsString()).path("error").asString())
                .startsWith("Adding a passkey was started too many times in the last minute. Try again in ");
        assertThat(refused.getContentAsString()).doesNotContain("ceremony");
        assertThat(wrongPassword.getStatus()).as("past the limit no password is checked").isEqualTo(429);
        assertThat(ceremoniesOf(ada)).isEqualTo(rows);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE subject_id = :a AND action = 'account.reauthentication-failed'")
                .param("a", ada.accountId()).query(Long.class).single()).as("no wrong password counted").isZero();
        for (int i = 0; i < 5; i++) {
            MockHttpServletResponse remove = team.perform(team.form(post("/settings/security/passkeys/" + id + "/remove"), ada)
                    .param("password", "not-the-password")).getResponse();
            assertThat(remove.getStatus()).as("wrong password " + (i + 1) + ": the free failures are all there").isEqualTo(400);
        }

        advanceAMinute();
        assertThat(team.perform(team.form(post("/settings/security/passkeys/options"), ada).param("password", TestAccounts.PASSWORD)
                .accept(MediaType.APPLICATION_JSON)).getResponse().getStatus()).as("a minute later").isEqualTo(200);
    }

    private void requireSecondFactor(Member admin) throws Exception {
        MockHttpServletResponse set = mvc.perform(put("/api/v1/team/policy").cookie(admin.cookie()).contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(java.util.Map.of("idleTimeout", "7d", "allowRememberMe", true, "rememberedDays", 30,
                        "lifetimeDays", 7, "requireSecondFactor", true)))).andReturn().getResponse();
        assertThat(set.getStatus()).isEqualTo(200);
    }

    @Test
    void aTeamRequiringASecondFactorCountsAPasskeyAndHoldsTheMemberAgainWhenTheirLastIsRemoved() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        String id = passkeyOf(ada, "Ada's key");
        requireSecondFactor(ada);

        assertThat(team.perform(team.page(get("/settings/sessions"), ada)).getResponse().getStatus())
                .as("a passkey is a second factor").isEqualTo(200);
        assertThat(team.perform(team.page(get("/settings/sessions"), mel)).getResponse().getRedirectedUrl())
                .as("a member without one is held").isEqualTo("/settings/security");
        String security = team.perform(team.page(get("/settings/security"), ada)).getResponse().getContentAsString();
        assertThat(security).contains("On with your passkeys").doesNotContain("Your team requires two-factor authentication");
        assertThat(team.perform(team.page(get("/settings/security"), mel)).getResponse().getContentAsString())
                .contains("Set up an authenticator app here or add a passkey to continue");

        assertThat(team.perform(team.form(post("/settings/security/passkeys/" + id + "/remove"), ada).param("password", TestAccounts.PASSWORD)).getResponse()
                .getRedirectedUrl()).isEqualTo("/settings/security?done=passkey-removed");

        assertThat(team.perform(team.page(get("/settings/sessions"), ada)).getResponse().getRedirectedUrl())
                .as("without a passkey or an app Ada is held again").isEqualTo("/settings/security");
        assertThat(team.perform(team.page(get("/settings/security"), ada)).getResponse().getContentAsString())
                .contains("Your team requires two-factor authentication");
    }

    @Test
    void aMemberWithAPasskeyAndAnAuthenticatorAppMayUseEitherAndTheApiAsksForTheCode() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        passkeyOf(ada, "Ada's key");
        // The secret is shown to, and confirmed by, the browser that started enrolment: it carries the cookie it was given.
        Cookie enrolment = team.perform(team.form(post("/settings/security/two-factor/start"), ada)).getResponse()
                .getCookie("lanyard_enrolment");
        assertThat(enrolment).isNotNull();
        Matcher secret = Pattern.compile("id=\"two-factor-secret\">([A-Z2-7 ]+)<").matcher(
                team.perform(team.page(get("/settings/security"), ada).cookie(enrolment)).getResponse().getContentAsString());
        assertThat(secret.find()).isTrue();
        assertThat(team.perform(team.form(post("/settings/security/two-factor/confirm"), ada).cookie(enrolment).param("password", TestAccounts.PASSWORD)
                .param("code", dev.lanyard.factors.TestCodes.now(secret.group(1), clock.instant()))).getResponse().getStatus()).isEqualTo(200);
        assertThat(team.perform(team.page(get("/settings/security"), ada)).getResponse().getContentAsString())
                .contains("asks for a code from your authenticator app or one of your passkeys");

        String address = ApiClient.newAddress();
        String challenge = passwordStep(ada, address).orElseThrow();
        assertThat(mvc.perform(get("/login/verify").cookie(new Cookie(CHALLENGE, challenge)).accept(MediaType.TEXT_HTML))
                .andReturn().getResponse().getContentAsString())
                .contains("Use one of your passkeys, or enter the 6-digit code from your authenticator app.")
                .contains("Use a passkey").contains("name=\"code\"").contains("recovery codes");

        MockHttpServletResponse api = mvc.perform(post("/api/v1/login").with(ApiClient.from(address))
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(java.util.Map.of("email", ada.email(), "password", TestAccounts.PASSWORD))))
                .andReturn().getResponse();
        assertThat(api.getStatus()).isEqualTo(200);
        JsonNode needed = json.readTree(api.getContentAsString());
        assertThat(needed.path("secondFactor").asString()).as("an API client sends a code").isEqualTo("totp");
        assertThat(needed.path("challenge").asString()).startsWith("chl_");
        assertThat(ApiClient.sessionCookie(api)).isEmpty();
    }
}
