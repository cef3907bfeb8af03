package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.passkeys.PasskeyFallback;
import dev.lanyard.passkeys.TestPasskeys;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import java.util.Map;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A passkey as the only kind of second factor (docs/decisions/0066): adding the first one gives recovery codes, so losing
 * the device does not lock the member out; the second sign-in step takes them, on the page and in the API; turning an app
 * off keeps them while passkeys remain; the member makes new ones (or their first) with their password.
 */
@LanyardSpringTest
class PasskeyRecoveryCodesTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;
    @Autowired
    ApplicationContext context;
    @Autowired
    PasskeyFallback fallback;

    private ApiClient api;
    private TwoFactorClient factors;

    @BeforeEach
    void clients() {
        api = new ApiClient(mvc, json);
        factors = new TwoFactorClient(mvc, clock);
    }

    /** What registering a passkey does once it is stored: add it, then ask for the member's fallback. */
    private List<String> addPasskey(Member member, String name) {
        AccountId owner = new AccountId(member.accountId());
        TestPasskeys.add(context, owner, name);
        return fallback.afterAdding(owner);
    }

    private MvcResult passwordStep(Member who, String address) throws Exception {
        return mvc.perform(post("/login").with(csrf()).with(ApiClient.from(address)).param("email", who.email())
                .param("password", TestAccounts.PASSWORD)).andReturn();
    }

    private int unusedCodes(Member member) {
        return jdbc.sql("SELECT COUNT(*) FROM recovery_codes WHERE account_id = :a AND used_at IS NULL")
                .param("a", member.accountId()).query(Integer.class).single();
    }

    @Test
    void theFirstPasskeyOfAMemberWithoutAnAppComesWithRecoveryCodesThatFinishTheSecondStep() throws Exception {
        Member pia = api.signUp("pia");
        List<String> codes = addPasskey(pia, "Phone");
        assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(c -> c.matches("[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}"));
        assertThat(addPasskey(pia, "Laptop")).as("a second passkey makes none: the first ones are unused").isEmpty();
        assertThat(unusedCodes(pia)).isEqualTo(10);
        assertThat(mvc.perform(get("/settings/security").cookie(pia.cookie())).andReturn().getResponse().getContentAsString())
                .contains("On with your passkeys").contains("or one of your recovery codes").contains("10 left")
                .contains("Signing in with your password also needs one of these");

        String address = ApiClient.newAddress();
        String challenge = TwoFactorClient.challengeCookie(passwordStep(pia, address).getResponse()).orElseThrow();
        String page = mvc.perform(get("/login/verify").cookie(TwoFactorClient.challenge(challenge))).andReturn().getResponse()
                .getContentAsString();
        assertThat(page).contains("Use a passkey").contains("or enter one of your recovery codes").contains("Recovery code");

        MvcResult used = mvc.perform(post("/login/verify").with(csrf()).with(ApiClient.from(address))
                .cookie(TwoFactorClient.challenge(challenge)).param("code", codes.get(0))).andReturn();
        assertThat(used.getResponse().getRedirectedUrl()).isEqualTo("/settings/security?done=recovery-used-9");
        String token = ApiClient.sessionCookie(used.getResponse()).orElseThrow();
        assertThat(api.read(mvc.perform(get("/api/v1/sessions/current").cookie(new Cookie(ApiClient.COOKIE, token))).andReturn())
                .path("verified").asBoolean()).isTrue();
    }

    @Test
    void aMemberWithAnAppGetsNoMoreCodesAndTurningTheAppOffKeepsThemWhilePasskeysRemain() throws Exception {
        Member quinn = api.signUp("quinn");
        TwoFactorClient.Enrolled enrolled = factors.enrol(quinn);
        assertThat(addPasskey(quinn, "Phone")).isEmpty();

        clock.advance(java.time.Duration.ofSeconds(60));
        MvcResult off = mvc.perform(post("/settings/security/two-factor/disable").with(csrf()).cookie(quinn.cookie())
                .param("password", TestAccounts.PASSWORD).param("code", factors.code(enrolled.seed()))).andReturn();
        assertThat(off.getResponse().getStatus()).as(off.getResponse().getContentAsString()).isEqualTo(302);
        assertThat(unusedCodes(quinn)).as("still the way back in if the passkey is lost").isEqualTo(10);

        String address = ApiClient.newAddress();
        String challenge = TwoFactorClient.challengeCookie(passwordStep(quinn, address).getResponse()).orElseThrow();
        MvcResult used = mvc.perform(post("/login/verify").with(csrf()).with(ApiClient.from(address))
                .cookie(TwoFactorClient.challenge(challenge)).param("code", enrolled.recoveryCodes().get(1))).andReturn();
        assertThat(used.getResponse().getStatus()).as(used.getResponse().getContentAsString()).isEqualTo(302);
    }

    /**
     * Outside review (AA): someone with the password adds a passkey and is shown its codes; the member removes that
     * passkey; the codes stayed, out of reach of the page, and their next own passkey brought them back into force.
     */
    @Test
    void removingTheLastSecondFactorTakesTheRecoveryCodesAndTheNextPasskeyComesWithNewOnes() throws Exception {
        Member sal = api.signUp("sal");
        String intruders = TestPasskeys.add(context, new AccountId(sal.accountId()), "Not mine");
        List<String> intrudersCodes = fallback.afterAdding(new AccountId(sal.accountId()));
        assertThat(intrudersCodes).hasSize(10);

        MvcResult removed = mvc.perform(post("/settings/security/passkeys/" + intruders + "/remove").with(csrf()).with(sal.from())
                .cookie(sal.cookie()).param("password", TestAccounts.PASSWORD)).andReturn();

        assertThat(removed.getResponse().getRedirectedUrl()).isEqualTo("/settings/security?done=passkey-removed");
        assertThat(unusedCodes(sal)).as("no second factor left, no codes past it").isZero();

        List<String> own = addPasskey(sal, "My phone");
        assertThat(own).as("the first passkey again comes with codes of its own").hasSize(10);
        assertThat(signInWith(sal, intrudersCodes.get(0))).isEqualTo(400);
        assertThat(signInWith(sal, own.get(0))).isEqualTo(302);
    }

    @Test
    void codesLeftFromAFactorRemovedBeforeAreReplacedByTheFirstPasskeysAndAnAdminCanResetThem() throws Exception {
        Member tia = api.signUp("tia");
        AccountId id = new AccountId(tia.accountId());
        List<String> stale = addPasskey(tia, "Old");
        // As a removal before this change left them: the passkey gone, its codes still there.
        jdbc.sql("DELETE FROM passkeys WHERE account_id = :a").param("a", tia.accountId()).update();
        assertThat(unusedCodes(tia)).isEqualTo(10);
        assertThat(context.getBean(SecondFactors.class).anyToReset(id)).as("an admin can clear them").isTrue();

        List<String> fresh = addPasskey(tia, "New");

        assertThat(fresh).hasSize(10);
        assertThat(signInWith(tia, stale.get(0))).isEqualTo(400);
        assertThat(signInWith(tia, fresh.get(0))).isEqualTo(302);
    }

    private MvcResult recoveryCodes(Member who, String password) throws Exception {
        return mvc.perform(post("/settings/security/two-factor/recovery-codes").with(csrf()).with(who.from()).cookie(who.cookie())
                .param("password", password)).andReturn();
    }

    private String securityPage(Member who) throws Exception {
        return mvc.perform(get("/settings/security").cookie(who.cookie())).andReturn().getResponse().getContentAsString();
    }

    /** The status of a page's second step with {@code code}: 302 when it signs in, 400 when refused. */
    private int signInWith(Member who, String code) throws Exception {
        String address = ApiClient.newAddress();
        String challenge = TwoFactorClient.challengeCookie(passwordStep(who, address).getResponse()).orElseThrow();
        return mvc.perform(post("/login/verify").with(csrf()).with(ApiClient.from(address))
                .cookie(TwoFactorClient.challenge(challenge)).param("code", code)).andReturn().getResponse().getStatus();
    }

    private List<Map<String, Object>> audited(Member member, String action) {
        return jdbc.sql("SELECT actor_session_id, ip, detail FROM audit_entries WHERE subject_id = :a AND action = :action ORDER BY seq")
                .param("a", member.accountId()).param("action", action).query().listOfRows();
    }

    @Test
    void aMemberWithPasskeysAloneRegeneratesTheirRecoveryCodesWithTheirPassword() throws Exception {
        Member rae = api.signUp("rae");
        List<String> first = addPasskey(rae, "Phone");
        assertThat(securityPage(rae)).contains("10 left").contains("action=\"/settings/security/two-factor/recovery-codes\"")
                .contains("Regenerate recovery codes").doesNotContain("id=\"regenerate-code\"");

        MvcResult wrong = recoveryCodes(rae, "not the password at all");
        assertThat(wrong.getResponse().getStatus()).isEqualTo(400);
        assertThat(wrong.getResponse().getContentAsString()).contains("That password is not right.");
        assertThat(TwoFactorClient.recoveryCodes(wrong.getResponse().getContentAsString())).as("no new codes").isEmpty();
        assertThat(audited(rae, "account.reauthentication-failed")).extracting(row -> row.get("detail"))
                .containsExactly("Wrong password given to regenerate the recovery codes");

        MvcResult posted = recoveryCodes(rae, TestAccounts.PASSWORD);
        MvcResult fresh = factors.shown(rae, posted);
        assertThat(fresh.getResponse().getStatus()).isEqualTo(200);
        assertThat(fresh.getResponse().getHeader("Cache-Control")).contains("no-store");
        assertThat(fresh.getResponse().getContentAsString()).contains("They replace any recovery codes you had before");
        List<String> codes = TwoFactorClient.recoveryCodes(fresh.getResponse().getContentAsString());
        assertThat(codes).hasSize(10).doesNotContainAnyElementsOf(first);
        assertThat(audited(rae, "account.recovery-codes-regenerated")).singleElement().satisfies(row -> {
            assertThat(row.get("actor_session_id")).isEqualTo(rae.sessionId());
            assertThat(row.get("ip")).isEqualTo(rae.address());
        });
        String mail = jdbc.sql("SELECT body FROM outbox WHERE recipient = :to AND subject = :subject").param("to", rae.email())
                .param("subject", RecoveryCodesMail.SUBJECT).query(String.class).single();
        assertThat(mail).contains("someone signed in as you knows your password:").doesNotContain("authenticator app");

        assertThat(signInWith(rae, first.get(0))).as("the old codes no longer work").isEqualTo(400);
        assertThat(signInWith(rae, codes.get(0))).isEqualTo(302);

        // A reload of the page that showed them: none shown, none made, no second entry or mail.
        int rows = jdbc.sql("SELECT COUNT(*) FROM recovery_codes WHERE account_id = :a").param("a", rae.accountId()).query(Integer.class).single();
        MvcResult again = factors.shown(rae, posted);
        assertThat(again.getResponse().getContentAsString()).contains("id=\"recovery-codes-shown-already\"");
        assertThat(TwoFactorClient.recoveryCodes(again.getResponse().getContentAsString())).isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM recovery_codes WHERE account_id = :a").param("a", rae.accountId()).query(Integer.class).single())
                .isEqualTo(rows);
        assertThat(audited(rae, "account.recovery-codes-regenerated")).hasSize(1);
        assertThat(signInWith(rae, codes.get(1))).as("the codes shown still work").isEqualTo(302);
    }

    @Test
    void aMemberWhosePasskeyCameBeforeRecoveryCodesCreatesThemWithTheirPassword() throws Exception {
        Member sam = api.signUp("sam");
        TestPasskeys.add(context, new AccountId(sam.accountId()), "Phone");
        assertThat(unusedCodes(sam)).isZero();
        assertThat(securityPage(sam)).contains("You have no unused recovery codes").contains("Create recovery codes")
                .doesNotContain("Regenerate recovery codes");

        MvcResult made = factors.shown(sam, recoveryCodes(sam, TestAccounts.PASSWORD));
        assertThat(made.getResponse().getStatus()).isEqualTo(200);
        assertThat(TwoFactorClient.recoveryCodes(made.getResponse().getContentAsString())).hasSize(10);
        assertThat(unusedCodes(sam)).isEqualTo(10);
        assertThat(audited(sam, "account.recovery-codes-regenerated")).hasSize(1);
        assertThat(securityPage(sam)).contains("10 left").contains("Regenerate recovery codes").doesNotContain("Create recovery codes");
    }

    @Test
    void aMemberWithPasskeysAloneSignsInThroughTheApiWithARecoveryCode() throws Exception {
        Member tia = api.signUp("tia");
        List<String> codes = addPasskey(tia, "Phone");
        String address = ApiClient.newAddress();

        MvcResult first = mvc.perform(post("/api/v1/login").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", tia.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer")))).andReturn();
        assertThat(first.getResponse().getStatus()).as(first.getResponse().getContentAsString()).isEqualTo(200);
        JsonNode needed = api.read(first);
        assertThat(needed.path("secondFactor").asString()).isEqualTo("recovery-code");
        assertThat(ApiClient.sessionCookie(first.getResponse())).isEmpty();
        String challenge = needed.path("challenge").asString();

        MvcResult sixDigits = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address))
                .contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of("challenge", challenge, "code", "123456")))).andReturn();
        assertThat(sixDigits.getResponse().getStatus()).as("no app, so no app's code").isEqualTo(400);
        assertThat(api.read(sixDigits).path("detail").asString()).as("and the answer speaks of no app")
                .isEqualTo("That code is not right. Enter one of your unused recovery codes.");

        MvcResult second = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address))
                .contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of("challenge", challenge, "code", codes.get(0))))).andReturn();
        assertThat(second.getResponse().getStatus()).as(second.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode signedIn = api.read(second);
        assertThat(signedIn.path("session").path("verified").asBoolean()).isTrue();
        assertThat(signedIn.path("token").asString()).as("bearer, as the first step asked").isNotEmpty();
        assertThat(unusedCodes(tia)).isEqualTo(9);
    }
}
