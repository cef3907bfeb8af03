package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a copied session cookie cannot do to a member's second factor: see or confirm an enrolment another
 * session or browser started, confirm a secret that changed since it was shown, or replace the recovery codes
 * without the password; and recovery codes kept either way (plain SHA-256 from before, bound to the account
 * now) each work once.
 */
@LanyardSpringTest
class TwoFactorEnrolmentTest {
    private static final Pattern ENROLMENT = Pattern.compile("name=\"enrolment\" value=\"([0-9a-f]{16})\"");

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;

    private ApiClient api;
    private TwoFactorClient factors;

    @BeforeEach
    void clients() {
        api = new ApiClient(mvc, json);
        factors = new TwoFactorClient(mvc, clock);
    }

    @Test
    void anotherSessionOfTheMemberIsNotShownThePendingSecretAndCannotConfirmIt() throws Exception {
        Member laptop = api.signUp("una");
        Member phone = api.logIn(laptop);
        byte[] seed = factors.start(laptop);
        String secret = Base32.grouped(Base32.encode(seed));

        for (Cookie[] other : List.of(new Cookie[] {phone.cookie()}, new Cookie[] {laptop.cookie()})) {
            // Another session of the member, and a copy of the starting session's cookie without the browser's key.
            String page = mvc.perform(get("/settings/security").with(laptop.from()).cookie(other)).andReturn().getResponse().getContentAsString();
            assertThat(page).doesNotContain(secret).doesNotContain("two-factor-secret").doesNotContain("otpauth")
                    .doesNotContain("data:image/svg+xml").contains("started on another device or browser")
                    .contains("Set up an authenticator app here");

            MvcResult refused = mvc.perform(post("/settings/security/two-factor/confirm").with(csrf()).with(laptop.from()).cookie(other)
                    .param("password", TestAccounts.PASSWORD).param("code", factors.code(seed))).andReturn();
            assertThat(refused.getResponse().getStatus()).isEqualTo(409);
            assertThat(refused.getResponse().getContentAsString()).contains("started on another device or browser")
                    .doesNotContain(secret);
            assertThat(TwoFactorClient.recoveryCodes(refused.getResponse().getContentAsString())).isEmpty();
        }
        assertThat(confirmed(laptop)).as("still waiting for its first code").isFalse();
        assertThat(api.logIn(laptop).token()).as("still one step").isNotEmpty();

        // The other session starts its own: the first one's secret stops working.
        byte[] phones = factors.start(phone);
        MvcResult stale = factors.confirm(laptop, factors.code(seed));
        assertThat(stale.getResponse().getStatus()).isEqualTo(409);
        assertThat(factors.page(laptop).getResponse().getContentAsString()).doesNotContain(Base32.grouped(Base32.encode(phones)));
        assertThat(factors.confirm(phone, factors.code(phones)).getResponse().getStatus()).isEqualTo(200);
    }

    /** An enrolment begun before enrolments had an owner is shown as nothing begun, not as an intruder's. */
    @Test
    void anEnrolmentBegunBeforeItHadAnOwnerIsNoAlarm() throws Exception {
        Member vic = api.signUp("vic");
        factors.start(vic);
        jdbc.sql("UPDATE totp_factors SET enrolling_session = NULL, enrolling_key_hash = NULL WHERE account_id = :a")
                .param("a", vic.accountId()).update();

        String page = factors.page(vic).getResponse().getContentAsString();

        assertThat(page).doesNotContain("started on another device or browser").contains("Set up an authenticator app");
        byte[] fresh = factors.start(vic);
        assertThat(factors.confirm(vic, factors.code(fresh)).getResponse().getStatus()).isEqualTo(200);
    }

    @Test
    void confirmingIsRefusedWhenThePendingSecretChangedSinceItWasShown() throws Exception {
        Member vic = api.signUp("vic");
        byte[] first = factors.start(vic);
        String shown = enrolmentId(factors.page(vic));
        byte[] second = factors.start(vic);
        String now = enrolmentId(factors.page(vic));
        assertThat(now).isNotEqualTo(shown);

        for (byte[] seed : List.of(first, second)) {
            MvcResult refused = confirm(vic, shown, factors.code(seed));
            assertThat(refused.getResponse().getStatus()).isEqualTo(409);
            assertThat(refused.getResponse().getContentAsString()).contains("The secret changed since this page showed it");
            assertThat(TwoFactorClient.recoveryCodes(refused.getResponse().getContentAsString())).isEmpty();
        }
        assertThat(confirmed(vic)).isFalse();

        MvcResult on = confirm(vic, now, factors.code(second));
        assertThat(on.getResponse().getStatus()).isEqualTo(200);
        assertThat(TwoFactorClient.recoveryCodes(on.getResponse().getContentAsString())).hasSize(10);
    }

    @Test
    void regeneratingRecoveryCodesWithoutOrWithAWrongPasswordIsRefusedAndChangesNothing() throws Exception {
        Member wes = api.signUp("wes");
        TwoFactorClient.Enrolled enrolled = factors.enrol(wes);
        List<String> kept = keptCodes(wes);

        for (String password : new String[] {"", "not-the-password"}) {
            clock.advance(Duration.ofSeconds(30));
            MvcResult refused = regenerate(wes, password, factors.code(enrolled.seed()));
            assertThat(refused.getResponse().getStatus()).as("password '" + password + "'").isEqualTo(400);
            // An empty one is asked for, not called wrong (outside QA), and not counted by the throttle.
            assertThat(refused.getResponse().getContentAsString()).contains(password.isEmpty() ? "Enter your password." : "That password is not right.");
            assertThat(TwoFactorClient.recoveryCodes(refused.getResponse().getContentAsString())).isEmpty();
        }
        assertThat(keptCodes(wes)).as("the same codes, none used").isEqualTo(kept);
        assertThat(mailsTo(wes)).doesNotContain(RecoveryCodesMail.SUBJECT);
        assertThat(audited(wes)).doesNotContain("account.recovery-codes-regenerated");
        assertThat(signInWith(wes, enrolled.recoveryCodes().get(0))).as("an old code still works").isEqualTo(302);
    }

    @Test
    void regeneratingRecoveryCodesTellsTheMemberByMailAndIsAudited() throws Exception {
        Member xia = api.signUp("xia");
        TwoFactorClient.Enrolled enrolled = factors.enrol(xia);
        clock.advance(Duration.ofSeconds(30));

        MvcResult fresh = factors.shown(xia, regenerate(xia, TestAccounts.PASSWORD, factors.code(enrolled.seed())));

        assertThat(fresh.getResponse().getStatus()).isEqualTo(200);
        assertThat(TwoFactorClient.recoveryCodes(fresh.getResponse().getContentAsString())).hasSize(10);
        assertThat(mailsTo(xia)).containsOnlyOnce(RecoveryCodesMail.SUBJECT);
        assertThat(jdbc.sql("SELECT body FROM outbox WHERE recipient = :to AND subject = :subject").param("to", xia.email())
                .param("subject", RecoveryCodesMail.SUBJECT).query(String.class).single())
                .contains("recovery codes of your Lanyard account " + xia.email() + " were replaced")
                .contains("Address: " + xia.address()).contains("/settings/security");
        assertThat(audited(xia)).containsOnlyOnce("account.recovery-codes-regenerated");
        assertThat(signInWith(xia, enrolled.recoveryCodes().get(0))).as("the old codes stopped working").isEqualTo(400);
    }

    @Test
    void regeneratingAnswersWithARedirectToCodesShownOnceAndAReloadMakesNoNewSet() throws Exception {
        Member noa = api.signUp("noa");
        TwoFactorClient.Enrolled enrolled = factors.enrol(noa);
        clock.advance(Duration.ofSeconds(30));

        MvcResult posted = regenerate(noa, TestAccounts.PASSWORD, factors.code(enrolled.seed()));
        assertThat(posted.getResponse().getStatus()).isEqualTo(302);
        assertThat(TwoFactorClient.recoveryCodes(posted.getResponse().getContentAsString())).as("not in the POST's answer").isEmpty();
        int rows = codeRows(noa);

        MvcResult shown = factors.shown(noa, posted);
        assertThat(shown.getResponse().getHeader("Cache-Control")).contains("no-store");
        List<String> codes = TwoFactorClient.recoveryCodes(shown.getResponse().getContentAsString());
        assertThat(codes).hasSize(10).doesNotContainAnyElementsOf(enrolled.recoveryCodes());
        assertThat(posted.getResponse().getRedirectedUrl()).as("no code in the URL").doesNotContain(codes.get(0));

        MvcResult reloaded = factors.shown(noa, posted);
        assertThat(reloaded.getResponse().getStatus()).isEqualTo(200);
        assertThat(reloaded.getResponse().getHeader("Cache-Control")).contains("no-store");
        assertThat(reloaded.getResponse().getContentAsString()).contains("id=\"recovery-codes-shown-already\"")
                .contains("Regenerate recovery codes");
        assertThat(TwoFactorClient.recoveryCodes(reloaded.getResponse().getContentAsString())).as("shown once").isEmpty();
        assertThat(codeRows(noa)).as("a reload makes no new set").isEqualTo(rows);
        assertThat(audited(noa)).containsOnlyOnce("account.recovery-codes-regenerated");
        assertThat(mailsTo(noa)).containsOnlyOnce(RecoveryCodesMail.SUBJECT);
        assertThat(signInWith(noa, codes.get(0))).as("the set shown still works").isEqualTo(302);
    }

    @Test
    void anotherSessionOfTheMemberCannotTakeTheNewRecoveryCodesEvenWithTheCookie() throws Exception {
        Member laptop = api.signUp("oda");
        Member phone = api.logIn(laptop);
        TwoFactorClient.Enrolled enrolled = factors.enrol(laptop);
        clock.advance(Duration.ofSeconds(30));
        MvcResult posted = regenerate(laptop, TestAccounts.PASSWORD, factors.code(enrolled.seed()));

        MvcResult elsewhere = factors.shown(laptop, posted, phone);
        assertThat(TwoFactorClient.recoveryCodes(elsewhere.getResponse().getContentAsString())).isEmpty();
        String url = posted.getResponse().getRedirectedUrl().split("#", 2)[0];
        MvcResult withoutCookie = mvc.perform(get(url).with(laptop.from()).cookie(laptop.cookie())).andReturn();
        assertThat(TwoFactorClient.recoveryCodes(withoutCookie.getResponse().getContentAsString())).as("the session without the cookie").isEmpty();

        MvcResult shown = factors.shown(laptop, posted);
        assertThat(TwoFactorClient.recoveryCodes(shown.getResponse().getContentAsString())).as("still the laptop's, once").hasSize(10);
        assertThat(audited(laptop)).containsOnlyOnce("account.recovery-codes-regenerated");
    }

    @Test
    void recoveryCodesKeptTheOldWayAndTheNewWayEachWorkOnce() throws Exception {
        Member yul = api.signUp("yul");
        TwoFactorClient.Enrolled enrolled = factors.enrol(yul);
        assertThat(keptCodes(yul)).hasSize(10).allSatisfy(hash -> assertThat(hash).startsWith("a1:")
                .isNotIn(enrolled.recoveryCodes().stream().map(c -> SecondFactors.hash(c.replace("-", ""))).toList()));
        String old = "abcd-efgh-jkmn";
        jdbc.sql("INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES (:a, :h, 0)")
                .param("a", yul.accountId()).param("h", SecondFactors.hash("abcdefghjkmn")).update();

        assertThat(signInWith(yul, old)).as("kept as plain SHA-256, from before").isEqualTo(302);
        assertThat(signInWith(yul, old)).as("once").isEqualTo(400);
        assertThat(signInWith(yul, enrolled.recoveryCodes().get(3))).as("bound to the account").isEqualTo(302);
        assertThat(signInWith(yul, enrolled.recoveryCodes().get(3))).as("once").isEqualTo(400);
    }

    @Test
    void aRecoveryCodeKeptForOneAccountIsNoCodeForAnother() throws Exception {
        Member zed = api.signUp("zed");
        Member amy = api.signUp("amy");
        TwoFactorClient.Enrolled zeds = factors.enrol(zed);
        factors.enrol(amy);
        // Amy's rows get a copy of what is kept for Zed's codes.
        for (String hash : keptCodes(zed)) {
            jdbc.sql("INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES (:a, :h, 0)")
                    .param("a", amy.accountId()).param("h", hash).update();
        }
        assertThat(signInWith(amy, zeds.recoveryCodes().get(0))).isEqualTo(400);
        assertThat(signInWith(zed, zeds.recoveryCodes().get(0))).isEqualTo(302);
    }

    private MvcResult confirm(Member who, String enrolment, String code) throws Exception {
        return mvc.perform(post("/settings/security/two-factor/confirm").with(csrf()).with(who.from()).cookie(factors.cookies(who))
                .param("enrolment", enrolment).param("password", TestAccounts.PASSWORD).param("code", code)).andReturn();
    }

    private MvcResult regenerate(Member who, String password, String code) throws Exception {
        return mvc.perform(post("/settings/security/two-factor/recovery-codes").with(csrf()).with(who.from()).cookie(who.cookie())
                .param("password", password).param("code", code)).andReturn();
    }

    /** The status of a sign-in's second step with {@code code}: 302 when it signs in, 400 when refused. */
    private int signInWith(Member who, String code) throws Exception {
        String address = ApiClient.newAddress();
        MvcResult password = mvc.perform(post("/login").with(csrf()).with(ApiClient.from(address)).param("email", who.email())
                .param("password", TestAccounts.PASSWORD)).andReturn();
        String challenge = TwoFactorClient.challengeCookie(password.getResponse()).orElseThrow();
        return mvc.perform(post("/login/verify").with(csrf()).with(ApiClient.from(address))
                .cookie(TwoFactorClient.challenge(challenge)).param("code", code)).andReturn().getResponse().getStatus();
    }

    private static String enrolmentId(MvcResult page) throws Exception {
        Matcher id = ENROLMENT.matcher(page.getResponse().getContentAsString());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    private boolean confirmed(Member who) {
        return jdbc.sql("SELECT COUNT(*) FROM totp_factors WHERE account_id = :a AND confirmed_at IS NOT NULL")
                .param("a", who.accountId()).query(Integer.class).single() == 1;
    }

    private List<String> keptCodes(Member who) {
        return jdbc.sql("SELECT code_hash FROM recovery_codes WHERE account_id = :a AND used_at IS NULL ORDER BY code_hash")
                .param("a", who.accountId()).query(String.class).list();
    }

    private int codeRows(Member who) {
        return jdbc.sql("SELECT COUNT(*) FROM recovery_codes WHERE account_id = :a").param("a", who.accountId()).query(Integer.class).single();
    }

    private List<String> mailsTo(Member who) {
        return jdbc.sql("SELECT subject FROM outbox WHERE recipient = :to").param("to", who.email()).query(String.class).list();
    }

    private List<String> audited(Member who) {
        return jdbc.sql("SELECT action FROM audit_entries WHERE subject_id = :a ORDER BY seq").param("a", who.accountId())
                .query(String.class).list();
    }
}
