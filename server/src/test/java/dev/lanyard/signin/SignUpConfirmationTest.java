package dev.lanyard.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.LinkTokens;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.team.TestMail;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sign-up with the email confirmed first (decision 61), as a server with a mail server has it by default: a sign-up
 * creates nothing until its mailed link is used, and answers the same whether or not the email has an account.
 */
@LanyardSpringTest(database = TestMail.SqliteConfirmingSignUps.class)
class SignUpConfirmationTest {
    private static final Pattern LINK = Pattern.compile("/signup/confirm/([A-Za-z0-9_-]+)");

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;
    @Autowired
    dev.lanyard.account.Accounts accounts;

    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(mvc, json);
    }

    private MvcResult signUp(String email, String password, String address) throws Exception {
        return mvc.perform(post("/api/v1/signup").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", email, "password", password, "name", "Ada", "team", "Engines")))).andReturn();
    }

    private MvcResult confirm(String token) throws Exception {
        return confirm(token, TestAccounts.PASSWORD);
    }

    private MvcResult confirm(String token, String password) throws Exception {
        return mvc.perform(post("/api/v1/signup/confirm").with(ApiClient.from(TestAccounts.uniqueAddress()))
                .contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of("token", token, "password", password)))).andReturn();
    }

    private int logIn(String email, String password) throws Exception {
        return mvc.perform(post("/api/v1/login").with(ApiClient.from(TestAccounts.uniqueAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", email, "password", password)))).andReturn().getResponse().getStatus();
    }

    /** The token of the newest confirmation link mailed to {@code email}. */
    private static String linkTo(String email) {
        Matcher link = LINK.matcher(TestMail.lastMailTo(email).body());
        assertThat(link.find()).as("a confirmation link in the mail to " + email).isTrue();
        return link.group(1);
    }

    /** An account made the way this server makes them: signed up, then confirmed. */
    private String account(String who) throws Exception {
        String email = TestAccounts.uniqueEmail(who);
        assertThat(signUp(email, TestAccounts.PASSWORD, TestAccounts.uniqueAddress()).getResponse().getStatus()).isEqualTo(202);
        assertThat(confirm(linkTo(email)).getResponse().getStatus()).isEqualTo(201);
        return email;
    }

    @Test
    void aSignUpCreatesNothingUntilItsMailedLinkIsUsed() throws Exception {
        String email = TestAccounts.uniqueEmail("ada");
        clock.advance(Duration.ofNanos(123_456_789 - clock.instant().getNano() % 1_000_000_000 + 1_000_000_000L));
        MvcResult asked = signUp(email, TestAccounts.PASSWORD, TestAccounts.uniqueAddress());

        assertThat(asked.getResponse().getStatus()).isEqualTo(202);
        JsonNode body = api.read(asked);
        assertThat(body.path("status").asString()).isEqualTo("confirmation-sent");
        assertThat(body.path("expiresAt").asString()).as("milliseconds, as every instant the API writes (outside review AD)")
                .matches(".*T\\d\\d:\\d\\d:\\d\\d\\.123Z");
        assertThat(body.path("email").asString()).isEqualTo(email);
        assertThat(ApiClient.sessionCookie(asked.getResponse())).as("no session yet").isEmpty();
        assertThat(logIn(email, TestAccounts.PASSWORD)).as("no account yet").isEqualTo(401);

        TestMail.Mail mail = TestMail.lastMailTo(email);
        assertThat(mail.subject()).isEqualTo("Confirm your email to finish signing up for Lanyard");
        assertThat(mail.body()).doesNotContain("Ada").doesNotContain("Engines"); // nothing the sign-up typed
        String token = linkTo(email);

        MvcResult page = mvc.perform(get("/signup/confirm/" + token)).andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(200);
        assertThat(page.getResponse().getContentAsString()).contains(email).contains("Engines").contains("Create account and sign in");
        assertThat(logIn(email, TestAccounts.PASSWORD)).as("opening the link creates nothing (mail scanners open links)").isEqualTo(401);

        MvcResult confirmed = confirm(token);
        assertThat(confirmed.getResponse().getStatus()).isEqualTo(201);
        assertThat(api.read(confirmed).path("account").path("email").asString()).isEqualTo(email);
        assertThat(api.read(confirmed).path("account").path("role").asString()).isEqualTo("admin");
        assertThat(ApiClient.sessionCookie(confirmed.getResponse())).isPresent();
        assertThat(logIn(email, TestAccounts.PASSWORD)).isEqualTo(201);
        assertThat(accounts.emailVerified(new dev.lanyard.account.AccountId(api.read(confirmed).path("account").path("id").asString())))
                .as("a confirmed sign-up's address is verified").isTrue();

        MvcResult again = confirm(token);
        assertThat(again.getResponse().getStatus()).isEqualTo(410);
        assertThat(api.read(again).path("type").asString()).isEqualTo("urn:lanyard:problem:sign-up-link-unusable");
        assertThat(mvc.perform(get("/signup/confirm/" + token)).andReturn().getResponse().getStatus()).isEqualTo(410);
    }

    @Test
    void aTakenEmailGetsTheSameAnswerAndItsOwnerIsMailed() throws Exception {
        String taken = account("owner");
        String free = TestAccounts.uniqueEmail("newcomer");

        MvcResult forTaken = signUp(taken, "another password entirely", TestAccounts.uniqueAddress());
        MvcResult forFree = signUp(free, "another password entirely", TestAccounts.uniqueAddress());

        assertThat(forTaken.getResponse().getStatus()).isEqualTo(forFree.getResponse().getStatus()).isEqualTo(202);
        JsonNode takenBody = api.read(forTaken);
        JsonNode freeBody = api.read(forFree);
        assertThat(takenBody.propertyNames()).containsExactlyElementsOf(freeBody.propertyNames());
        assertThat(takenBody.path("status").asString()).isEqualTo(freeBody.path("status").asString());
        assertThat(takenBody.path("email").asString()).isEqualTo(taken);

        TestMail.Mail toOwner = TestMail.lastMailTo(taken);
        assertThat(toOwner.subject()).isEqualTo("Someone tried to sign up for Lanyard with your email");
        assertThat(toOwner.body()).contains("already has a Lanyard account").contains("/login").doesNotContain("/signup/confirm/");
        assertThat(logIn(taken, TestAccounts.PASSWORD)).as("the owner's password is unchanged").isEqualTo(201);
        assertThat(logIn(taken, "another password entirely")).isEqualTo(401);
    }

    @Test
    void thePagesSayToCheckTheMailAndTheLinkSignsIn() throws Exception {
        String email = TestAccounts.uniqueEmail("page");
        MvcResult sent = mvc.perform(post("/signup").with(csrf()).with(ApiClient.from(TestAccounts.uniqueAddress()))
                .param("name", "Grace").param("email", email).param("password", TestAccounts.PASSWORD).param("team", "Compilers"))
                .andReturn();
        assertThat(sent.getResponse().getStatus()).isEqualTo(200);
        assertThat(sent.getResponse().getContentAsString()).contains("Check your email").contains(email);
        assertThat(ApiClient.setCookie(sent.getResponse())).isEmpty();

        String token = linkTo(email);
        MvcResult wrong = mvc.perform(post("/signup/confirm/" + token).with(csrf()).with(ApiClient.from(TestAccounts.uniqueAddress()))
                .param("password", "not the password of this sign-up")).andReturn();
        assertThat(wrong.getResponse().getStatus()).isEqualTo(400);
        assertThat(wrong.getResponse().getContentAsString()).contains("That is not the password this sign-up was made with.")
                .contains("Create account and sign in");
        MvcResult confirmed = mvc.perform(post("/signup/confirm/" + token).with(csrf()).with(ApiClient.from(TestAccounts.uniqueAddress()))
                .param("password", TestAccounts.PASSWORD)).andReturn();
        assertThat(confirmed.getResponse().getStatus()).isEqualTo(302);
        assertThat(confirmed.getResponse().getRedirectedUrl()).isEqualTo("/settings/sessions?done=welcome");
        String cookie = ApiClient.sessionCookie(confirmed.getResponse()).orElseThrow();
        MvcResult sessions = mvc.perform(get("/settings/sessions").cookie(new Cookie(ApiClient.COOKIE, cookie))).andReturn();
        assertThat(sessions.getResponse().getStatus()).isEqualTo(200);

        MvcResult used = mvc.perform(post("/signup/confirm/" + token).with(csrf()).param("password", TestAccounts.PASSWORD)).andReturn();
        assertThat(used.getResponse().getStatus()).isEqualTo(410);
        assertThat(used.getResponse().getContentAsString()).contains("This link has expired or was already used.");
    }

    @Test
    void oneEmailIsSentAtMostThreeSignUpMailsAnHourWhetherOrNotItHasAnAccount() throws Exception {
        String taken = account("bombed");
        clock.advance(Duration.ofMinutes(61)); // its own sign-up's mail counts no more
        String free = TestAccounts.uniqueEmail("bombed-free");
        for (String email : List.of(taken, free)) {
            int before = TestMail.mailsTo(email).size();
            for (int i = 0; i < 3; i++) {
                assertThat(signUp(email, TestAccounts.PASSWORD, TestAccounts.uniqueAddress()).getResponse().getStatus()).isEqualTo(202);
            }
            MvcResult fourth = signUp(email, TestAccounts.PASSWORD, TestAccounts.uniqueAddress());
            assertThat(fourth.getResponse().getStatus()).isEqualTo(429);
            assertThat(fourth.getResponse().getHeader("Retry-After")).isNotEmpty();
            assertThat(api.read(fourth).path("detail").asString()).startsWith("We already sent 3 sign-up mails to this address in the last hour.");
            assertThat(TestMail.mailsTo(email)).hasSize(before + 3);
        }
        clock.advance(Duration.ofMinutes(61));
        assertThat(signUp(free, TestAccounts.PASSWORD, TestAccounts.uniqueAddress()).getResponse().getStatus()).isEqualTo(202);
    }

    /** A sign-up refused for the mails already sent costs no hash and still counts: else it could be asked without end. */
    @Test
    void signUpsRefusedForTheMailsAlreadySentCountUnderTheAddresssThrottle() throws Exception {
        String email = TestAccounts.uniqueEmail("capped");
        for (int i = 0; i < 3; i++) signUp(email, TestAccounts.PASSWORD, TestAccounts.uniqueAddress());
        String address = TestAccounts.uniqueAddress();
        for (int i = 0; i < 5; i++) {
            MvcResult refused = signUp(email, TestAccounts.PASSWORD, address);
            assertThat(refused.getResponse().getStatus()).isEqualTo(429);
            assertThat(api.read(refused).path("detail").asString()).startsWith("We already sent 3 sign-up mails");
        }
        assertThat(api.read(signUp(email, TestAccounts.PASSWORD, address)).path("detail").asString())
                .startsWith("Too many sign-ups, or attempts to finish one, from your network.");
    }

    @Test
    void eachSignUpCountsUnderItsAddresssThrottleSinceEachSendsAMail() throws Exception {
        String address = TestAccounts.uniqueAddress();
        for (int i = 0; i < 5; i++) {
            assertThat(signUp(TestAccounts.uniqueEmail("many"), TestAccounts.PASSWORD, address).getResponse().getStatus()).isEqualTo(202);
        }
        MvcResult sixth = signUp(TestAccounts.uniqueEmail("many"), TestAccounts.PASSWORD, address);
        assertThat(sixth.getResponse().getStatus()).isEqualTo(429);
        assertThat(api.read(sixth).path("detail").asString()).startsWith("Too many sign-ups, or attempts to finish one, from your network.");
        assertThat(signUp(TestAccounts.uniqueEmail("other"), TestAccounts.PASSWORD, TestAccounts.uniqueAddress()).getResponse().getStatus())
                .isEqualTo(202);
    }

    /**
     * Anyone may start a sign-up for someone else's address, with a password of their choosing. The link in the owner's
     * mailbox must not finish it with that password: it asks for the password the sign-up was made with.
     */
    @Test
    void aSignUpSomeoneElseStartedCannotBeFinishedByTheOwnersLinkWithTheStartersPassword() throws Exception {
        String victim = TestAccounts.uniqueEmail("victim");
        signUp(victim, "the attacker's chosen password", TestAccounts.uniqueAddress());
        String planted = linkTo(victim);

        MvcResult withOwnPassword = confirm(planted, TestAccounts.PASSWORD);
        assertThat(withOwnPassword.getResponse().getStatus()).isEqualTo(400);
        assertThat(api.read(withOwnPassword).path("type").asString()).isEqualTo("urn:lanyard:problem:sign-up-password-mismatch");
        assertThat(logIn(victim, "the attacker's chosen password")).as("no account was made").isEqualTo(401);

        signUp(victim, TestAccounts.PASSWORD, TestAccounts.uniqueAddress());
        assertThat(confirm(linkTo(victim), TestAccounts.PASSWORD).getResponse().getStatus()).as("the owner's own sign-up").isEqualTo(201);
        assertThat(logIn(victim, TestAccounts.PASSWORD)).isEqualTo(201);
        assertThat(confirm(planted, "the attacker's chosen password").getResponse().getStatus()).isEqualTo(409);
        assertThat(logIn(victim, "the attacker's chosen password")).isEqualTo(401);
    }

    private MvcResult confirmOwn(String token, String name, String team, String password) throws Exception {
        return mvc.perform(post("/api/v1/signup/confirm/own").with(ApiClient.from(TestAccounts.uniqueAddress()))
                .contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("token", token, "name", name, "team", team, "password", password)))).andReturn();
    }

    /**
     * Someone who keeps starting sign-ups for an address (three mails an hour) must not keep its owner out: each mailed link
     * lets the mailbox's holder create the account with their own name, team and password, and the starter's are dropped.
     */
    @Test
    void theOwnerFinishesASignUpSomeoneElseStartedWithTheirOwnPassword() throws Exception {
        String victim = TestAccounts.uniqueEmail("kept-out");
        for (int i = 0; i < 3; i++) signUp(victim, "the attacker's chosen password", TestAccounts.uniqueAddress());
        String planted = linkTo(victim);
        MvcResult fourth = signUp(victim, TestAccounts.PASSWORD, TestAccounts.uniqueAddress());
        assertThat(fourth.getResponse().getStatus()).isEqualTo(429);
        assertThat(api.read(fourth).path("detail").asString()).contains("Open the link in one of them")
                .contains("create the account with your own password");

        MvcResult own = confirmOwn(planted, "Katherine", "Trajectories", "the owner's own passphrase");
        assertThat(own.getResponse().getStatus()).isEqualTo(201);
        JsonNode account = api.read(own).path("account");
        assertThat(account.path("email").asString()).isEqualTo(victim);
        assertThat(account.path("name").asString()).isEqualTo("Katherine");
        assertThat(account.path("role").asString()).isEqualTo("admin");
        assertThat(ApiClient.sessionCookie(own.getResponse())).isPresent();
        assertThat(accounts.emailVerified(new dev.lanyard.account.AccountId(account.path("id").asString()))).isTrue();
        assertThat(logIn(victim, "the owner's own passphrase")).isEqualTo(201);
        assertThat(logIn(victim, "the attacker's chosen password")).as("the starter's password was dropped").isEqualTo(401);

        assertThat(confirmOwn(planted, "Katherine", "Trajectories", "the owner's own passphrase").getResponse().getStatus())
                .as("a link works once").isEqualTo(410);
        assertThat(confirm(planted, "the attacker's chosen password").getResponse().getStatus()).isEqualTo(410);
    }

    @Test
    void ownDetailsThatBreakTheRulesAreEachNamedAndLeaveTheLinkUsable() throws Exception {
        String email = TestAccounts.uniqueEmail("own-rules");
        signUp(email, TestAccounts.PASSWORD, TestAccounts.uniqueAddress());
        String token = linkTo(email);

        MvcResult refused = confirmOwn(token, " ", "", "short");
        assertThat(refused.getResponse().getStatus()).isEqualTo(400);
        JsonNode problem = api.read(refused);
        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-input");
        assertThat(problem.path("errors").valueStream().map(e -> e.path("field").asString()).toList()).containsExactly("name", "password", "team");
        assertThat(confirmOwn(token, "Ada", "Engines", "password1234").getResponse().getStatus())
                .as("a password guessers try early").isEqualTo(400);
        assertThat(confirmOwn("not-a-link-token-at-all", "Ada", "Engines", "a good long passphrase").getResponse().getStatus())
                .isEqualTo(410);

        assertThat(confirmOwn(token, "Ada", "Engines", "a good long passphrase").getResponse().getStatus()).isEqualTo(201);
        assertThat(logIn(email, "a good long passphrase")).isEqualTo(201);
        assertThat(logIn(email, TestAccounts.PASSWORD)).isEqualTo(401);
    }

    @Test
    void thePageOffersTheOwnersOwnDetailsAndSaysWhatIsWrongWithThem() throws Exception {
        String email = TestAccounts.uniqueEmail("own-page");
        signUp(email, "the attacker's chosen password", TestAccounts.uniqueAddress());
        String token = linkTo(email);
        assertThat(mvc.perform(get("/signup/confirm/" + token)).andReturn().getResponse().getContentAsString())
                .contains("Someone else started it, or you forgot its password?").contains("Create account with my own password");

        MvcResult mismatch = mvc.perform(post("/signup/confirm/" + token).with(csrf()).with(ApiClient.from(TestAccounts.uniqueAddress()))
                .param("password", "not the starter's password")).andReturn();
        assertThat(mismatch.getResponse().getContentAsString()).as("the message points to the own form, shown open (outside re-check AQ)")
                .contains("create the account with your own password instead").contains("<details class=\"own-sign-up\" open");
        MvcResult reopened = mvc.perform(get("/signup/confirm/" + token + "/own")).andReturn();
        assertThat(reopened.getResponse().getStatus()).as("the form's address opened again").isEqualTo(302);
        assertThat(reopened.getResponse().getRedirectedUrl()).isEqualTo("/signup/confirm/" + token);

        MvcResult wrong = mvc.perform(post("/signup/confirm/" + token + "/own").with(csrf()).with(ApiClient.from(TestAccounts.uniqueAddress()))
                .param("name", "Dorothy").param("team", "").param("password", "short")).andReturn();
        assertThat(wrong.getResponse().getStatus()).isEqualTo(400);
        String page = wrong.getResponse().getContentAsString();
        assertThat(page).contains("<details class=\"own-sign-up\" open").contains("id=\"own-team-error\"")
                .contains("id=\"own-password-error\"").contains("value=\"Dorothy\"").doesNotContain("id=\"own-name-error\"");

        MvcResult created = mvc.perform(post("/signup/confirm/" + token + "/own").with(csrf()).with(ApiClient.from(TestAccounts.uniqueAddress()))
                .param("name", "Dorothy").param("team", "Numerics").param("password", "the owner's own passphrase")).andReturn();
        assertThat(created.getResponse().getStatus()).isEqualTo(302);
        assertThat(created.getResponse().getRedirectedUrl()).isEqualTo("/settings/sessions?done=welcome");
        assertThat(logIn(email, "the owner's own passphrase")).isEqualTo(201);

        assertThat(mvc.perform(post("/signup/confirm/" + token + "/own").param("name", "Dorothy").param("team", "Numerics")
                .param("password", "the owner's own passphrase")).andReturn().getResponse().getStatus()).as("CSRF").isEqualTo(403);
    }

    /** Each password checked costs a hash: wrong ones count under the address's sign-up budget. */
    @Test
    void wrongPasswordsOnALinkAreThrottledPerAddress() throws Exception {
        String email = TestAccounts.uniqueEmail("typo");
        signUp(email, TestAccounts.PASSWORD, TestAccounts.uniqueAddress());
        String token = linkTo(email);
        String address = TestAccounts.uniqueAddress();
        java.util.function.Function<String, MvcResult> from = password -> {
            try {
                return mvc.perform(post("/api/v1/signup/confirm").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                        .content(api.write(Map.of("token", token, "password", password)))).andReturn();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        for (int i = 0; i < 5; i++) assertThat(from.apply("wrong password " + i).getResponse().getStatus()).isEqualTo(400);

        MvcResult throttled = from.apply(TestAccounts.PASSWORD);
        assertThat(throttled.getResponse().getStatus()).isEqualTo(429);
        assertThat(throttled.getResponse().getHeader("Retry-After")).isNotEmpty();
        assertThat(confirm(token).getResponse().getStatus()).as("from another address").isEqualTo(201);
    }

    @Test
    void aLinkWorksForADay() throws Exception {
        String email = TestAccounts.uniqueEmail("late");
        signUp(email, TestAccounts.PASSWORD, TestAccounts.uniqueAddress());
        String token = linkTo(email);
        clock.advance(Duration.ofHours(24).plusMinutes(1));

        assertThat(confirm(token).getResponse().getStatus()).isEqualTo(410);
        assertThat(logIn(email, TestAccounts.PASSWORD)).isEqualTo(401);
    }

    @Test
    void ofTwoLinksForOneEmailOnlyTheFirstUsedCreatesAnAccount() throws Exception {
        String email = TestAccounts.uniqueEmail("twice");
        signUp(email, TestAccounts.PASSWORD, TestAccounts.uniqueAddress());
        String first = linkTo(email);
        signUp(email, "a second password, longer", TestAccounts.uniqueAddress());
        String second = linkTo(email);
        assertThat(second).isNotEqualTo(first);

        assertThat(confirm(second, "a second password, longer").getResponse().getStatus()).isEqualTo(201);
        assertThat(mvc.perform(get("/signup/confirm/" + first)).andReturn().getResponse().getContentAsString())
                .as("the other link's page says at once that the email has an account now")
                .contains("An account with this email already exists.").doesNotContain("Create account and sign in");
        MvcResult late = confirm(first);
        assertThat(late.getResponse().getStatus()).isEqualTo(409);
        assertThat(api.read(late).path("type").asString()).isEqualTo("urn:lanyard:problem:email-taken");
        assertThat(logIn(email, "a second password, longer")).isEqualTo(201);
        assertThat(logIn(email, TestAccounts.PASSWORD)).isEqualTo(401);
    }

    @Test
    void anInvitationOfAnEmailWithAnAccountIsMadeAsAnyOtherAndOnlyItsOwnerLearnsWhy() throws Exception {
        String admin = TestAccounts.uniqueEmail("inviter");
        assertThat(signUp(admin, TestAccounts.PASSWORD, TestAccounts.uniqueAddress()).getResponse().getStatus()).isEqualTo(202);
        String cookie = ApiClient.sessionCookie(confirm(linkTo(admin)).getResponse()).orElseThrow();
        String taken = account("elsewhere");
        String free = TestAccounts.uniqueEmail("nobody-yet");

        MvcResult ofTaken = invite(cookie, taken);
        MvcResult ofFree = invite(cookie, free);

        assertThat(ofTaken.getResponse().getStatus()).isEqualTo(ofFree.getResponse().getStatus()).isEqualTo(201);
        assertThat(api.read(ofTaken).path("status").asString()).isEqualTo(api.read(ofFree).path("status").asString()).isEqualTo("pending");
        assertThat(api.read(ofTaken).propertyNames()).containsExactlyElementsOf(api.read(ofFree).propertyNames());
        TestMail.Mail toOwner = TestMail.lastMailTo(taken);
        assertThat(toOwner.subject()).isEqualTo(TestMail.lastMailTo(free).subject());
        assertThat(toOwner.body()).contains("already has a Lanyard account").doesNotContain("/invite/");
        assertThat(TestMail.lastMailTo(free).body()).contains("/invite/");
    }

    private MvcResult invite(String adminCookie, String email) throws Exception {
        return mvc.perform(post("/api/v1/admin/invitations").cookie(new Cookie(ApiClient.COOKIE, adminCookie))
                .with(ApiClient.from(TestAccounts.uniqueAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", email, "role", "member")))).andReturn();
    }

    @Test
    void aLinksTokenIsKeptOutOfLogs() {
        assertThat(LinkTokens.redact("POST /signup/confirm/AbC_d-9 refused")).isEqualTo("POST /signup/confirm/[redacted] refused");
    }
}
