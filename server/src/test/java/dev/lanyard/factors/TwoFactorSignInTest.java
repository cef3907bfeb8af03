package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;
import java.time.Duration;
import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Enrolling an authenticator app on the settings page and signing in with it, in the browser's pages and the API. */
@LanyardSpringTest
class TwoFactorSignInTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    dev.lanyard.account.Accounts accounts;

    private ApiClient api;
    private TwoFactorClient factors;

    @BeforeEach
    void clients() {
        api = new ApiClient(mvc, json);
        factors = new TwoFactorClient(mvc, clock);
    }

    private MvcResult passwordStep(Member who, String address, String next, boolean rememberMe) throws Exception {
        var request = post("/login").with(csrf()).with(ApiClient.from(address)).param("email", who.email())
                .param("password", TestAccounts.PASSWORD);
        if (next != null) request.param("next", next);
        if (rememberMe) request.param("rememberMe", "true");
        return mvc.perform(request).andReturn();
    }

    private MvcResult codeStep(String challenge, String code, String address) throws Exception {
        return mvc.perform(post("/login/verify").with(csrf()).with(ApiClient.from(address))
                .cookie(TwoFactorClient.challenge(challenge)).param("code", code)).andReturn();
    }

    private JsonNode current(String token) throws Exception {
        return api.read(mvc.perform(get("/api/v1/sessions/current").cookie(new jakarta.servlet.http.Cookie(ApiClient.COOKIE, token))).andReturn());
    }

    @Test
    void enrolSignOutAndSignInWithACodeGivesAVerifiedSession() throws Exception {
        Member alice = api.signUp("alice");
        TwoFactorClient.Enrolled enrolled = factors.enrol(alice);
        assertThat(enrolled.recoveryCodes()).hasSize(10).doesNotHaveDuplicates();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM recovery_codes WHERE code_hash = :c")
                .param("c", enrolled.recoveryCodes().get(0)).query(Integer.class).single()).as("only hashes are kept").isZero();
        mvc.perform(post("/logout").with(csrf()).cookie(alice.cookie()));

        String address = ApiClient.newAddress();
        MvcResult password = passwordStep(alice, address, null, false);
        assertThat(password.getResponse().getStatus()).isEqualTo(302);
        assertThat(password.getResponse().getRedirectedUrl()).isEqualTo("/login/verify");
        assertThat(ApiClient.sessionCookie(password.getResponse())).as("no session before the code").isEmpty();
        String challenge = TwoFactorClient.challengeCookie(password.getResponse()).orElseThrow();
        assertThat(mvc.perform(get("/login/verify").cookie(TwoFactorClient.challenge(challenge))).andReturn().getResponse().getContentAsString())
                .contains("6-digit code");

        clock.advance(Duration.ofSeconds(30));
        MvcResult verified = codeStep(challenge, factors.code(enrolled.seed()), address);

        assertThat(verified.getResponse().getStatus()).isEqualTo(302);
        assertThat(verified.getResponse().getRedirectedUrl()).isEqualTo("/settings/sessions");
        String token = ApiClient.sessionCookie(verified.getResponse()).orElseThrow();
        assertThat(current(token).path("verified").asBoolean()).isTrue();
        assertThat(codeStep(challenge, factors.code(enrolled.seed()), address).getResponse().getStatus())
                .as("the challenge is used up").isEqualTo(401);
    }

    /** A challenge begun with a password that was changed before its code came starts no session. */
    @Test
    void aChallengeBegunBeforeAPasswordChangeStartsNoSession() throws Exception {
        Member ann = api.signUp("ann");
        TwoFactorClient.Enrolled enrolled = factors.enrol(ann);
        String address = ApiClient.newAddress();
        String challenge = TwoFactorClient.challengeCookie(passwordStep(ann, address, null, false).getResponse()).orElseThrow();

        accounts.changePassword(new dev.lanyard.account.AccountId(ann.accountId()), new dev.lanyard.account.PasswordChange(
                TestAccounts.PASSWORD, "a new and much longer passphrase", true,
                new dev.lanyard.account.PasswordChange.Origin("ses_elsewhere", "Firefox on Linux", "", address)));
        clock.advance(Duration.ofSeconds(30));
        MvcResult late = codeStep(challenge, factors.code(enrolled.seed()), address);

        assertThat(late.getResponse().getStatus()).isEqualTo(401);
        assertThat(ApiClient.sessionCookie(late.getResponse())).as("no session").isEmpty();
        assertThat(late.getResponse().getContentAsString()).contains("The password was changed since you typed it.");

        // Outside review: the code was checked and its time step remembered as used before the session was refused.
        MvcResult again = mvc.perform(post("/login").with(csrf()).with(ApiClient.from(address)).param("email", ann.email())
                .param("password", "a new and much longer passphrase")).andReturn();
        String fresh = TwoFactorClient.challengeCookie(again.getResponse()).orElseThrow();
        assertThat(codeStep(fresh, factors.code(enrolled.seed()), address).getResponse().getStatus())
                .as("the same code, within its 30 seconds, still signs in: it was not used up").isEqualTo(302);
    }

    /**
     * Outside review: in the API, a recovery code sent after the password changed was used up, and the answer was "The email
     * or password is incorrect." It is now refused before the code is checked, with what the page says.
     */
    @Test
    void theApiSecondStepAfterAPasswordChangeSaysSoAndKeepsTheRecoveryCode() throws Exception {
        Member pia = api.signUp("pia");
        TwoFactorClient.Enrolled enrolled = factors.enrol(pia);
        String recovery = enrolled.recoveryCodes().get(0);
        String address = ApiClient.newAddress();
        MvcResult first = mvc.perform(post("/api/v1/login").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", pia.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer")))).andReturn();
        String challenge = api.read(first).path("challenge").asString();

        accounts.changePassword(new dev.lanyard.account.AccountId(pia.accountId()), new dev.lanyard.account.PasswordChange(
                TestAccounts.PASSWORD, "a new and much longer passphrase", true,
                new dev.lanyard.account.PasswordChange.Origin("ses_elsewhere", "Firefox on Linux", "", address)));
        MvcResult late = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("challenge", challenge, "code", recovery)))).andReturn();

        assertThat(late.getResponse().getStatus()).isEqualTo(401);
        JsonNode problem = api.read(late);
        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:password-changed");
        assertThat(problem.path("detail").asString()).isEqualTo("The password was changed since you typed it. Sign in again with the new one.");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM recovery_codes WHERE account_id = :a AND used_at IS NULL")
                .param("a", pia.accountId()).query(Integer.class).single()).as("no recovery code used up").isEqualTo(10);

        MvcResult again = mvc.perform(post("/api/v1/login").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", pia.email(), "password", "a new and much longer passphrase", "tokenType", "bearer")))).andReturn();
        MvcResult signedIn = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("challenge", api.read(again).path("challenge").asString(), "code", recovery)))).andReturn();
        assertThat(signedIn.getResponse().getStatus()).as(signedIn.getResponse().getContentAsString()).isEqualTo(201);
    }

    @Test
    void overHttpsTheChallengeCookieIsHostPrefixedSecureHttpOnlyAndShortLived() throws Exception {
        Member lee = api.signUp("lee");
        factors.enrol(lee);

        MvcResult password = mvc.perform(post("https://localhost/login").with(csrf()).with(ApiClient.from(ApiClient.newAddress()))
                .param("email", lee.email()).param("password", TestAccounts.PASSWORD)).andReturn();

        String header = password.getResponse().getHeaders(org.springframework.http.HttpHeaders.SET_COOKIE).stream()
                .filter(h -> h.startsWith("__Host-" + ChallengeCookie.NAME + "=")).findFirst().orElseThrow();
        assertThat(header).contains("Secure").contains("HttpOnly").contains("SameSite=Lax").contains("Path=/")
                .containsPattern("Max-Age=(299|300)");
    }

    @Test
    void aCodeIsRefusedTheSecondTime() throws Exception {
        Member bob = api.signUp("bob");
        TwoFactorClient.Enrolled enrolled = factors.enrol(bob);
        clock.advance(Duration.ofSeconds(30));
        String code = factors.code(enrolled.seed());
        String address = ApiClient.newAddress();
        String first = TwoFactorClient.challengeCookie(passwordStep(bob, address, null, false).getResponse()).orElseThrow();
        assertThat(codeStep(first, code, address).getResponse().getStatus()).isEqualTo(302);

        String second = TwoFactorClient.challengeCookie(passwordStep(bob, address, null, false).getResponse()).orElseThrow();
        MvcResult replay = codeStep(second, code, address);

        assertThat(replay.getResponse().getStatus()).isEqualTo(400);
        assertThat(replay.getResponse().getContentAsString()).contains("That code was already used. Wait for the next one in your app.")
                .doesNotContain("That code is not right.");
        assertThat(ApiClient.sessionCookie(replay.getResponse())).isEmpty();
        assertThat(jdbc.sql("SELECT action FROM audit_entries WHERE subject_id = :a ORDER BY seq").param("a", bob.accountId())
                .query(String.class).list()).contains("account.two-factor-enabled", "account.second-factor-failed");
    }

    @Test
    void aRecoveryCodeSignsInOnceAndThePageSaysHowManyRemain() throws Exception {
        Member carol = api.signUp("carol");
        TwoFactorClient.Enrolled enrolled = factors.enrol(carol);
        String recovery = enrolled.recoveryCodes().get(3);
        String address = ApiClient.newAddress();

        String challenge = TwoFactorClient.challengeCookie(passwordStep(carol, address, null, false).getResponse()).orElseThrow();
        MvcResult used = codeStep(challenge, recovery.toUpperCase(java.util.Locale.ROOT), address);
        assertThat(used.getResponse().getRedirectedUrl()).isEqualTo("/settings/security?done=recovery-used-9");
        String token = ApiClient.sessionCookie(used.getResponse()).orElseThrow();
        assertThat(mvc.perform(get("/settings/security?done=recovery-used-9").cookie(new jakarta.servlet.http.Cookie(ApiClient.COOKIE, token)))
                .andReturn().getResponse().getContentAsString()).contains("9 recovery codes remain");

        String again = TwoFactorClient.challengeCookie(passwordStep(carol, address, null, false).getResponse()).orElseThrow();
        MvcResult reused = codeStep(again, recovery, address);
        assertThat(reused.getResponse().getStatus()).isEqualTo(400);
        assertThat(reused.getResponse().getContentAsString()).contains("That recovery code was already used. Each works once.")
                .doesNotContain("That code is not right.");
        MvcResult unknown = codeStep(again, "abcd-efgh-jkmn", address);
        assertThat(unknown.getResponse().getContentAsString()).as("a code that never was one is only wrong")
                .contains("That code is not right.").doesNotContain("already used");
    }

    /**
     * The code just typed to turn two-factor authentication on, typed again within its 30 seconds, is refused as used (not
     * as wrong), in the API's problem too; and it still costs the throttle's budget like a wrong code.
     */
    @Test
    void aCodeAlreadyUsedIsSaidToBeUsedAndStillCountsAsAFailedAttempt() throws Exception {
        Member nat = api.signUp("nat");
        TwoFactorClient.Enrolled enrolled = factors.enrol(nat);
        String used = factors.code(enrolled.seed()); // the clock has not moved: the code that turned it on
        String address = ApiClient.newAddress();

        MvcResult refused = null;
        int usedCodes = 0;
        for (int round = 0; round < 10 && refused == null; round++) {
            MvcResult password = mvc.perform(post("/api/v1/login").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                    .content(api.write(Map.of("email", nat.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer")))).andReturn();
            if (password.getResponse().getStatus() == 429) {
                refused = password;
                break;
            }
            MvcResult code = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                    .content(api.write(Map.of("challenge", api.read(password).path("challenge").asString(), "code", used)))).andReturn();
            if (code.getResponse().getStatus() == 429) refused = code;
            else {
                assertThat(code.getResponse().getStatus()).isEqualTo(400);
                JsonNode problem = api.read(code);
                assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:wrong-code");
                assertThat(problem.path("detail").asString()).isEqualTo("That code was already used. Wait for the next one in your app.");
                usedCodes++;
            }
        }

        assertThat(refused).as("a used code is a failed attempt for the throttle").isNotNull();
        assertThat(usedCodes).as("the free failures of one email and address").isEqualTo(5);
    }

    @Test
    void rememberMeAndTheReturnPathSurviveTheSecondStep() throws Exception {
        Member dan = api.signUp("dan");
        TwoFactorClient.Enrolled enrolled = factors.enrol(dan);
        clock.advance(Duration.ofSeconds(30));
        String address = ApiClient.newAddress();
        String challenge = TwoFactorClient.challengeCookie(passwordStep(dan, address, "/oauth2/authorize?client_id=x", true)
                .getResponse()).orElseThrow();

        MvcResult verified = codeStep(challenge, factors.code(enrolled.seed()), address);

        assertThat(verified.getResponse().getStatus()).isEqualTo(200);
        assertThat(verified.getResponse().getContentAsString()).contains("url=/oauth2/authorize?client_id=x");
        assertThat(ApiClient.setCookie(verified.getResponse()).orElseThrow()).contains("Max-Age=");
    }

    @Test
    void afterFiveWrongCodesTheChallengeIsDead() throws Exception {
        Member erin = api.signUp("erin");
        TwoFactorClient.Enrolled enrolled = factors.enrol(erin);
        clock.advance(Duration.ofSeconds(30));
        String address = ApiClient.newAddress();
        String challenge = TwoFactorClient.challengeCookie(passwordStep(erin, address, null, false).getResponse()).orElseThrow();
        String wrong = factors.code(enrolled.seed()).equals("000000") ? "111111" : "000000";

        List<MvcResult> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) answers.add(codeStep(challenge, wrong, address));
        clock.advance(Duration.ofMinutes(1)); // past the throttle's wait, which would answer first

        // Outside review: the 5th wrong code said "This sign-in has expired or was already used", with no warning before it.
        assertThat(answers.get(2).getResponse().getStatus()).isEqualTo(400);
        assertThat(answers.get(2).getResponse().getContentAsString()).contains("That code is not right.").doesNotContain("one try left");
        assertThat(answers.get(3).getResponse().getStatus()).isEqualTo(400);
        assertThat(answers.get(3).getResponse().getContentAsString()).contains("That code is not right.")
                .contains("You have one try left before this sign-in ends and you sign in again.");
        MvcResult last = answers.get(4);
        assertThat(last.getResponse().getStatus()).isEqualTo(401);
        assertThat(last.getResponse().getContentAsString()).contains("Too many failed attempts: this sign-in has ended. Sign in again.")
                .doesNotContain("has expired");
        MvcResult after = codeStep(challenge, factors.code(enrolled.seed()), address);
        assertThat(after.getResponse().getStatus()).isEqualTo(401);
        assertThat(after.getResponse().getContentAsString()).contains("Too many failed attempts");
    }

    @Test
    void inTheApiTheLastWrongCodeSaysTheChallengeEndedForTooManyFailedAttempts() throws Exception {
        Member gil = api.signUp("gil");
        TwoFactorClient.Enrolled enrolled = factors.enrol(gil);
        clock.advance(Duration.ofSeconds(30));
        String address = ApiClient.newAddress();
        MvcResult first = mvc.perform(post("/api/v1/login").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", gil.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer")))).andReturn();
        String challenge = api.read(first).path("challenge").asString();
        String wrong = factors.code(enrolled.seed()).equals("000000") ? "111111" : "000000";

        List<MvcResult> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            if (i == 5) clock.advance(Duration.ofMinutes(1)); // past the throttle's wait, which would answer first
            answers.add(mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                    .content(api.write(Map.of("challenge", challenge, "code", i == 5 ? factors.code(enrolled.seed()) : wrong)))).andReturn());
        }

        assertThat(answers.get(3).getResponse().getStatus()).isEqualTo(400);
        assertThat(api.read(answers.get(3)).path("type").asString()).isEqualTo("urn:lanyard:problem:wrong-code");
        for (MvcResult ended : List.of(answers.get(4), answers.get(5))) {
            assertThat(ended.getResponse().getStatus()).isEqualTo(401);
            JsonNode problem = api.read(ended);
            assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:challenge-unusable");
            assertThat(problem.path("detail").asString()).isEqualTo("Too many failed attempts: this sign-in has ended. Sign in again.");
        }
    }

    @Test
    void aRightPasswordDoesNotWipeTheWrongCodesSoGuessingCodesIsThrottled() throws Exception {
        Member ida = api.signUp("ida");
        TwoFactorClient.Enrolled enrolled = factors.enrol(ida);
        clock.advance(Duration.ofSeconds(30));
        String address = ApiClient.newAddress();
        String wrong = factors.code(enrolled.seed()).equals("000000") ? "111111" : "000000";

        // Someone with the password: a fresh challenge for each wrong code, as many times as they are let.
        MvcResult refused = null;
        int wrongCodes = 0;
        for (int round = 0; round < 10 && refused == null; round++) {
            MvcResult password = mvc.perform(post("/api/v1/login").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                    .content(api.write(Map.of("email", ida.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer")))).andReturn();
            if (password.getResponse().getStatus() == 429) {
                refused = password;
                break;
            }
            assertThat(password.getResponse().getStatus()).as(password.getResponse().getContentAsString()).isEqualTo(200);
            MvcResult code = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                    .content(api.write(Map.of("challenge", api.read(password).path("challenge").asString(), "code", wrong)))).andReturn();
            if (code.getResponse().getStatus() == 429) refused = code;
            else {
                assertThat(code.getResponse().getStatus()).isEqualTo(400);
                wrongCodes++;
            }
        }

        assertThat(refused).as("throttled within ten rounds of right password and wrong code").isNotNull();
        assertThat(wrongCodes).as("the free failures of one email and address").isEqualTo(5);
        assertThat(refused.getResponse().getHeader("Retry-After")).isNotEmpty();
        assertThat(api.read(refused).path("type").asString()).isEqualTo("urn:lanyard:problem:too-many-attempts");
        MvcResult page = passwordStep(ida, address, null, false);
        assertThat(page.getResponse().getStatus()).isEqualTo(429);
        assertThat(page.getResponse().getContentAsString()).contains("Too many sign-in attempts.");

        // The owner, from their own address, is not held up; their completed sign-in forgives their own slips.
        String own = ApiClient.newAddress();
        String challenge = TwoFactorClient.challengeCookie(passwordStep(ida, own, null, false).getResponse()).orElseThrow();
        assertThat(codeStep(challenge, factors.code(enrolled.seed()), own).getResponse().getStatus()).isEqualTo(302);
    }

    @Test
    void aChallengeExpiresAfterFiveMinutes() throws Exception {
        Member fay = api.signUp("fay");
        TwoFactorClient.Enrolled enrolled = factors.enrol(fay);
        String address = ApiClient.newAddress();
        String challenge = TwoFactorClient.challengeCookie(passwordStep(fay, address, null, false).getResponse()).orElseThrow();

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));

        MvcResult late = codeStep(challenge, factors.code(enrolled.seed()), address);
        assertThat(late.getResponse().getStatus()).isEqualTo(401);
        assertThat(late.getResponse().getContentAsString()).contains("This sign-in has expired");
    }

    @Test
    void theApiSignsInInTwoStepsWithAVerifiedSession() throws Exception {
        Member gus = api.signUp("gus");
        TwoFactorClient.Enrolled enrolled = factors.enrol(gus);
        clock.advance(Duration.ofSeconds(30));
        String address = ApiClient.newAddress();

        MvcResult first = mvc.perform(post("/api/v1/login").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", gus.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer")))).andReturn();
        assertThat(first.getResponse().getStatus()).isEqualTo(200);
        JsonNode needed = api.read(first);
        assertThat(needed.path("secondFactor").asString()).isEqualTo("totp");
        assertThat(needed.path("expiresAt").asString()).isNotEmpty();
        assertThat(ApiClient.sessionCookie(first.getResponse())).isEmpty();
        String challenge = needed.path("challenge").asString();

        MvcResult wrong = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("challenge", challenge, "code", "12345x")))).andReturn();
        assertThat(wrong.getResponse().getStatus()).isEqualTo(400);
        assertThat(api.read(wrong).path("type").asString()).isEqualTo("urn:lanyard:problem:wrong-code");

        MvcResult second = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("challenge", challenge, "code", factors.code(enrolled.seed()))))).andReturn();
        assertThat(second.getResponse().getStatus()).isEqualTo(201);
        JsonNode signedIn = api.read(second);
        assertThat(signedIn.path("session").path("verified").asBoolean()).isTrue();
        assertThat(signedIn.path("token").asString()).as("bearer, as the first step asked").isNotEmpty();
        assertThat(jdbc.sql("SELECT bearer FROM sessions WHERE id = :id").param("id", signedIn.path("session").path("id").asString())
                .query(Boolean.class).single()).as("a program's session, never a browser's (decision 65)").isTrue();

        MvcResult again = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("challenge", challenge, "code", factors.code(enrolled.seed()))))).andReturn();
        assertThat(again.getResponse().getStatus()).isEqualTo(401);
        assertThat(api.read(again).path("type").asString()).isEqualTo("urn:lanyard:problem:challenge-unusable");
    }

    @Test
    void aMemberWithoutAFactorSignsInInOneStepAndUnverified() throws Exception {
        Member hal = api.signUp("hal");
        Member again = api.logIn(hal);
        assertThat(current(again.token()).path("verified").asBoolean()).isFalse();
    }

    @Test
    void disablingNeedsThePasswordAndACode() throws Exception {
        Member ivy = api.signUp("ivy");
        TwoFactorClient.Enrolled enrolled = factors.enrol(ivy);
        clock.advance(Duration.ofSeconds(30));

        MvcResult wrongPassword = mvc.perform(post("/settings/security/two-factor/disable").with(csrf()).with(ivy.from()).cookie(ivy.cookie())
                .param("password", "not the password at all").param("code", factors.code(enrolled.seed()))).andReturn();
        assertThat(wrongPassword.getResponse().getStatus()).isEqualTo(400);
        assertThat(wrongPassword.getResponse().getContentAsString()).contains("That password is not right.");

        MvcResult off = mvc.perform(post("/settings/security/two-factor/disable").with(csrf()).with(ivy.from()).cookie(ivy.cookie())
                .param("password", TestAccounts.PASSWORD).param("code", factors.code(enrolled.seed()))).andReturn();
        assertThat(off.getResponse().getRedirectedUrl()).isEqualTo("/settings/security?done=two-factor-off");
        Member later = api.logIn(ivy);
        assertThat(later.token()).as("one step again").isNotEmpty();
    }

    @Test
    void regeneratingRecoveryCodesNeedsACodeAndRetiresTheOldOnes() throws Exception {
        Member jo = api.signUp("jo");
        TwoFactorClient.Enrolled enrolled = factors.enrol(jo);
        clock.advance(Duration.ofSeconds(30));

        MvcResult refused = mvc.perform(post("/settings/security/two-factor/recovery-codes").with(csrf()).with(jo.from()).cookie(jo.cookie())
                .param("password", TestAccounts.PASSWORD).param("code", "")).andReturn();
        assertThat(refused.getResponse().getStatus()).isEqualTo(400);
        MvcResult fresh = mvc.perform(post("/settings/security/two-factor/recovery-codes").with(csrf()).with(jo.from()).cookie(jo.cookie())
                .param("password", TestAccounts.PASSWORD).param("code", factors.code(enrolled.seed()))).andReturn();
        MvcResult shown = factors.shown(jo, fresh);
        assertThat(shown.getResponse().getHeader("Cache-Control")).contains("no-store");
        var codes = TwoFactorClient.recoveryCodes(shown.getResponse().getContentAsString());
        assertThat(codes).hasSize(10).doesNotContainAnyElementsOf(enrolled.recoveryCodes());
        MvcResult reused = mvc.perform(post("/settings/security/two-factor/recovery-codes").with(csrf()).with(jo.from()).cookie(jo.cookie())
                .param("password", TestAccounts.PASSWORD).param("code", factors.code(enrolled.seed()))).andReturn();
        assertThat(reused.getResponse().getStatus()).isEqualTo(400);
        assertThat(reused.getResponse().getContentAsString()).contains("That code was already used. Wait for the next one in your app.");
        assertThat(TwoFactorClient.recoveryCodes(reused.getResponse().getContentAsString())).as("no new codes").isEmpty();

        String address = ApiClient.newAddress();
        String challenge = TwoFactorClient.challengeCookie(passwordStep(jo, address, null, false).getResponse()).orElseThrow();
        assertThat(codeStep(challenge, enrolled.recoveryCodes().get(0), address).getResponse().getStatus()).isEqualTo(400);
        assertThat(codeStep(challenge, codes.get(0), address).getResponse().getStatus()).isEqualTo(302);
    }

    @Test
    void aWrongCodeAtEnrolmentLeavesItOffAndShowsTheQrCodeAgain() throws Exception {
        Member kim = api.signUp("kim");
        byte[] seed = factors.start(kim);
        String wrong = factors.code(seed).equals("000000") ? "111111" : "000000";

        MvcResult refused = factors.confirm(kim, wrong);

        assertThat(refused.getResponse().getStatus()).isEqualTo(400);
        String page = refused.getResponse().getContentAsString();
        assertThat(page).contains("That code is not right.").contains("data:image/svg+xml;base64,");
        assertThat(TwoFactorClient.recoveryCodes(page)).isEmpty();
        assertThat(api.logIn(kim).token()).as("still one step").isNotEmpty();
    }

    /** Whoever turns two-factor authentication on holds the only codes: a copied session cookie is not enough. */
    @Test
    void turningItOnNeedsThePasswordBesideTheCode() throws Exception {
        Member kim = api.signUp("kim");
        byte[] seed = factors.start(kim);

        for (String password : new String[] {"", "not-the-password"}) {
            MvcResult refused = mvc.perform(post("/settings/security/two-factor/confirm").with(csrf()).with(kim.from()).cookie(factors.cookies(kim))
                    .param("password", password).param("code", factors.code(seed))).andReturn();
            assertThat(refused.getResponse().getStatus()).as("password '" + password + "'").isEqualTo(400);
            assertThat(refused.getResponse().getContentAsString()).contains(password.isEmpty() ? "Enter your password." : "That password is not right.");
            assertThat(TwoFactorClient.recoveryCodes(refused.getResponse().getContentAsString())).isEmpty();
        }
        assertThat(api.logIn(kim).token()).as("still off: one step").isNotEmpty();
        assertThat(mailsTo(kim)).as("nothing added, nothing told").doesNotContain(SignInMethodMail.SUBJECT);
        assertThat(factors.confirm(kim, factors.code(seed)).getResponse().getStatus()).isEqualTo(200);
        assertThat(mailsTo(kim)).as("the owner is told").containsOnlyOnce(SignInMethodMail.SUBJECT);
        assertThat(jdbc.sql("SELECT body FROM outbox WHERE recipient = :to AND subject = :subject").param("to", kim.email())
                .param("subject", SignInMethodMail.SUBJECT).query(String.class).single()).contains("An authenticator app now gives the codes");
    }

    private List<String> mailsTo(Member who) {
        return jdbc.sql("SELECT subject FROM outbox WHERE recipient = :to").param("to", who.email()).query(String.class).list();
    }
}
