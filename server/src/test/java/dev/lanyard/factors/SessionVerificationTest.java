package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.audit.AuditEntry;
import dev.lanyard.audit.AuditLog;
import dev.lanyard.audit.AuditQuery;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * "Verify this session" (PRODUCT.md V2: the current session, if unverified, shows a prompt to verify it): a second factor
 * passed in the session in use verifies it, on the page and through {@code POST /api/v1/sessions/current/verify}, with the
 * same throttle, audit and one-use rules as at sign-in; turning the app on verifies the session that did it. Passkeys are
 * checked in Chromium (PasskeysBrowserTest).
 */
@LanyardSpringTest
class SessionVerificationTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Accounts accounts;
    @Autowired
    AuditLog audit;

    private ApiClient api;
    private TwoFactorClient factors;
    /** Alice's session that turned the app on. */
    private Member laptop;
    /** Another session of Alice's, signed in with the password alone before the app was turned on. */
    private Member alice;
    private TwoFactorClient.Enrolled enrolled;

    @BeforeEach
    void aMemberWhoTurnedOnAnAuthenticatorAppWhileAnotherSessionWasSignedInWithAPassword() throws Exception {
        api = new ApiClient(mvc, json);
        factors = new TwoFactorClient(mvc, clock);
        laptop = api.signUp("alice");
        alice = api.logIn(laptop);
        enrolled = factors.enrol(laptop);
    }

    /** A code of the next time step: accepted, and newer than the one that turned the app on. */
    private String nextCode() {
        return Totp.code(enrolled.seed(), Totp.step(clock.instant()) + 1);
    }

    private MockHttpServletResponse as(Member member, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(member.cookie()).with(member.from())).andReturn().getResponse();
    }

    private boolean verified(Member member) throws Exception {
        return json.readTree(as(member, get("/api/v1/sessions/current")).getContentAsString()).path("verified").asBoolean();
    }

    private MockHttpServletResponse verifyOnThePage(Member member, String code) throws Exception {
        return as(member, post("/settings/sessions/verify").with(csrf()).param("code", code));
    }

    private MockHttpServletResponse verifyThroughTheApi(Member member, String code) throws Exception {
        return as(member, post("/api/v1/sessions/current/verify").contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(java.util.Map.of("code", code))));
    }

    private List<AuditEntry> auditOf(Member member) {
        var account = accounts.find(new AccountId(member.accountId())).orElseThrow();
        return audit.page(AuditQuery.all(account.team()), 100, Optional.empty()).items();
    }

    /**
     * Outside review: the session that confirmed the app with the password and a code of it stayed unverified and was
     * offered "Verify this session", which took yet another code (the next one: a code works once).
     */
    @Test
    void turningTheAppOnVerifiesTheSessionThatDidItAsACodeWouldAndNoOther() throws Exception {
        assertThat(verified(laptop)).as("it passed the password and a code of the app").isTrue();
        assertThat(verified(alice)).as("a session signed in before proved nothing new").isFalse();
        String list = as(laptop, get("/settings/sessions").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(list).as("its card, the only verified one").contains("<span class=\"badge verified\">Verified</span>")
                .doesNotContain("This session is not verified.");
        assertThat(as(laptop, get("/settings/sessions/verify").accept(MediaType.TEXT_HTML)).getRedirectedUrl())
                .as("nothing left to verify").isEqualTo("/settings/sessions?done=verified");
        assertThat(as(laptop, get("/settings/sessions/" + laptop.sessionId()).accept(MediaType.TEXT_HTML)).getContentAsString())
                .as("its timeline").contains("Verified with a code from an authenticator app");
        assertThat(auditOf(laptop)).filteredOn(e -> e.action().equals("session.verified")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("with a code from an authenticator app")
                        .contains(laptop.sessionId().substring(0, 8)));
        assertThat(auditOf(laptop)).filteredOn(e -> e.action().equals("account.second-factor-failed")).isEmpty();
    }

    @Test
    void theCardOffersItAndACodeVerifiesTheSessionInUseWhichStaysSignedIn() throws Exception {
        assertThat(verified(alice)).as("turning the app on in another session does not verify this one").isFalse();
        String list = as(alice, get("/settings/sessions").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(list).contains("This session is not verified.").contains("href=\"/settings/sessions/verify\"");
        String page = as(alice, get("/settings/sessions/verify").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(page).contains("<h1>Verify this session</h1>").contains("action=\"/settings/sessions/verify\"")
                .contains("Enter the 6-digit code from your authenticator app.").doesNotContain("/login/verify");

        MockHttpServletResponse done = verifyOnThePage(alice, nextCode());
        assertThat(done.getStatus()).as(done.getContentAsString()).isEqualTo(302);
        assertThat(done.getRedirectedUrl()).isEqualTo("/settings/sessions?done=verified");
        assertThat(verified(alice)).as("the same cookie, now verified").isTrue();
        list = as(alice, get("/settings/sessions?done=verified").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(list).contains("This session is verified.").doesNotContain("This session is not verified.");
        assertThat(as(alice, get("/settings/sessions/" + alice.sessionId()).accept(MediaType.TEXT_HTML)).getContentAsString())
                .as("its timeline").contains("Verified with a code from an authenticator app");
        assertThat(auditOf(alice)).filteredOn(e -> e.action().equals("session.verified")
                        && e.detail().contains(alice.sessionId().substring(0, 8))).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("with a code from an authenticator app"));
        assertThat(as(alice, get("/settings/sessions/verify").accept(MediaType.TEXT_HTML)).getRedirectedUrl())
                .as("nothing left to verify").isEqualTo("/settings/sessions?done=verified");
    }

    @Test
    void aWrongCodeIsSaidOnThePageCountsAsAFailedSecondFactorAndVerifiesNothing() throws Exception {
        MockHttpServletResponse wrong = verifyOnThePage(alice, "000000".equals(nextCode()) ? "111111" : "000000");
        assertThat(wrong.getStatus()).isEqualTo(400);
        assertThat(wrong.getContentAsString()).contains("<h1>Verify this session</h1>").contains("role=\"alert\"");
        assertThat(verified(alice)).isFalse();
        assertThat(auditOf(alice)).filteredOn(e -> e.action().equals("account.second-factor-failed")).singleElement()
                .satisfies(e -> assertThat(e.detail()).as("no sign-in failed: the member was signed in")
                        .isEqualTo("Failed to verify a session already signed in: wrong two-factor code"));
        assertThat(auditOf(alice)).filteredOn(e -> e.action().equals("session.verified")).as("only the laptop's").hasSize(1);
    }

    @Test
    void aCodeVerifiesOnceAndARecoveryCodeIsUsedUpSayingHowManyAreLeft() throws Exception {
        Member carol = api.signUp("carol");
        // Signed in before the app was turned on (a password was enough), which verified only the session that did it.
        Member phone = api.logIn(carol);
        Member tablet = api.logIn(carol);
        TwoFactorClient.Enrolled hers = factors.enrol(carol);
        String code = Totp.code(hers.seed(), Totp.step(clock.instant()) + 1);
        assertThat(verifyOnThePage(tablet, code).getRedirectedUrl()).isEqualTo("/settings/sessions?done=verified");
        MockHttpServletResponse again = verifyThroughTheApi(phone, code);
        assertThat(again.getStatus()).as("a code works once").isEqualTo(400);
        assertThat(again.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(verified(phone)).isFalse();

        MockHttpServletResponse recovery = verifyOnThePage(phone, hers.recoveryCodes().get(0));
        assertThat(recovery.getRedirectedUrl()).isEqualTo("/settings/security?done=verified-recovery-9");
        assertThat(as(phone, get(recovery.getRedirectedUrl()).accept(MediaType.TEXT_HTML)).getContentAsString())
                .contains("This session is verified: you used a recovery code. 9 recovery codes remain.");
        assertThat(verified(phone)).isTrue();
        assertThat(auditOf(carol)).filteredOn(e -> e.action().equals("account.recovery-code-used")).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("Used a recovery code to verify a session already signed in; 9 are left"));
        assertThat(auditOf(carol)).filteredOn(e -> e.action().equals("session.verified")).as("the enrolling session, the tablet, the phone")
                .hasSize(3);
    }

    @Test
    void theApiVerifiesTheSessionItIsCalledWithAndRefusesKeysAndEmptyCodes() throws Exception {
        assertThat(verifyThroughTheApi(alice, "").getStatus()).isEqualTo(400);
        assertThat(verified(alice)).isFalse();
        assertThat(verifyThroughTheApi(alice, nextCode()).getStatus()).isEqualTo(204);
        assertThat(verified(alice)).isTrue();
        assertThat(verifyThroughTheApi(alice, "123456").getStatus()).as("verified already: no code checked").isEqualTo(204);
        assertThat(auditOf(alice)).filteredOn(e -> e.action().equals("account.second-factor-failed")).isEmpty();

        MockHttpServletResponse created = as(alice, post("/api/v1/api-keys").contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"ci\",\"scopes\":[\"sessions:write\"],\"password\":\"" + TestAccounts.PASSWORD + "\"}"));
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        String secret = json.readTree(created.getContentAsString()).path("secret").asString();
        MockHttpServletResponse byKey = mvc.perform(post("/api/v1/sessions/current/verify").with(alice.from())
                .header("Authorization", "Bearer " + secret).contentType(MediaType.APPLICATION_JSON)
                .content("{\"code\":\"" + nextCode() + "\"}")).andReturn().getResponse();
        assertThat(byKey.getStatus()).as(byKey.getContentAsString()).isEqualTo(409);
        assertThat(byKey.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    }

    /**
     * A member without a second factor has no verified session to approve from: the page told them to approve from one
     * (outside review). It says what they can do, set one up, which verifies the session that does it.
     */
    @Test
    void aMemberWithoutASecondFactorIsToldHowToGetOne() throws Exception {
        Member bob = api.signUp("bob");
        api.logIn(bob);
        String page = as(bob, get("/settings/sessions/verify").accept(MediaType.TEXT_HTML)).getContentAsString().replaceAll("\\s+", " ");
        assertThat(page).contains("You have no second factor yet. Set up an authenticator app or a passkey on the "
                + "<a href=\"/settings/security\">Security</a> page: setting one up in this session verifies it.")
                .doesNotContain("Approve this sign-in").doesNotContain("name=\"code\"");
        MockHttpServletResponse refused = verifyThroughTheApi(bob, "123456");
        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(verified(bob)).isFalse();
    }

    /** A session verified while the member had a factor can still approve this one after the factor is gone: said then. */
    @Test
    void aMemberWhoseFactorIsGoneButWhoHasAVerifiedSessionIsOfferedItsApproval() throws Exception {
        clock.advance(java.time.Duration.ofSeconds(30));
        assertThat(as(laptop, post("/settings/security/two-factor/disable").with(csrf()).param("password", TestAccounts.PASSWORD)
                .param("code", Totp.code(enrolled.seed(), Totp.step(clock.instant())))).getStatus()).isEqualTo(302);
        assertThat(verified(laptop)).isTrue();

        String page = as(alice, get("/settings/sessions/verify").accept(MediaType.TEXT_HTML)).getContentAsString().replaceAll("\\s+", " ");

        assertThat(page).contains("You have no second factor yet.")
                .contains("Or approve this session from one of your verified sessions: it asks &ldquo;Approve this sign-in?&rdquo;");
    }
}
