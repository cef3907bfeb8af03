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
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * A passkey as the only kind of second factor (docs/decisions/0066): adding the first one gives recovery codes, so losing
 * the device does not lock the member out; the second sign-in step takes them; turning an app off keeps them while
 * passkeys remain.
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
}
