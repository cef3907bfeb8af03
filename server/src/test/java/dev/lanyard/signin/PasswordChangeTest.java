package dev.lanyard.signin;

import static dev.lanyard.web.ApiClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.audit.AuditEntry;
import dev.lanyard.audit.AuditLog;
import dev.lanyard.audit.AuditQuery;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Sessions;
import dev.lanyard.team.TestMail;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Changing one's password (PRODUCT.md V4) on {@code /settings/security} and through {@code POST /api/v1/password}:
 * the rules of sign-up, the current password checked and throttled, the other sign-ins signed out with history
 * "Password changed" (API keys kept), an audit entry, and the notification email received by a real SMTP server.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class PasswordChangeTest {
    private static final String API = "/api/v1/password";
    private static final String NEW_PASSWORD = "a much longer new passphrase";
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    Accounts accounts;
    @Autowired
    AuditLog audit;
    @Autowired
    Sessions sessions;

    private ApiClient api;
    private Member laptop;

    @BeforeEach
    void signUp() throws Exception {
        api = new ApiClient(mvc, json);
        laptop = api.signUp("pat");
    }

    private MockHttpServletResponse change(Member from, Map<String, Object> body) throws Exception {
        return mvc.perform(post(API).cookie(from.cookie()).with(from.from()).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(body))).andReturn().getResponse();
    }

    private MockHttpServletResponse as(Member member, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(member.cookie()).with(member.from())).andReturn().getResponse();
    }

    private JsonNode problem(MockHttpServletResponse response, int status, String code) throws Exception {
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(status);
        assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = json.readTree(response.getContentAsString());
        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:" + code);
        return problem;
    }

    private int status(Member member) throws Exception {
        return as(member, get("/api/v1/sessions/current")).getStatus();
    }

    private List<AuditEntry> auditOf(Member member) {
        var account = accounts.find(new AccountId(member.accountId())).orElseThrow();
        return audit.page(AuditQuery.all(account.team()), 100, Optional.empty()).items();
    }

    private MockHttpServletRequestBuilder withFormToken(Member member, MockHttpServletRequestBuilder form) throws Exception {
        MvcResult page = mvc.perform(get("/settings/security").cookie(member.cookie()).with(member.from()).accept(MediaType.TEXT_HTML))
                .andReturn();
        Matcher token = CSRF_INPUT.matcher(page.getResponse().getContentAsString());
        assertThat(token.find()).as("the page carries a CSRF token").isTrue();
        form.param("_csrf", token.group(1));
        Cookie xsrf = page.getResponse().getCookie("XSRF-TOKEN");
        if (xsrf != null) form.cookie(xsrf);
        HttpSession session = page.getRequest().getSession(false);
        if (session != null) form.session((MockHttpSession) session);
        return form;
    }

    @Test
    void changingThePasswordSignsOutOtherSessionsWithHistoryPasswordChangedAndKeepsApiKeys() throws Exception {
        Member phone = api.logIn(laptop);
        Member tablet = api.logIn(laptop);
        MockHttpServletResponse created = mvc.perform(post("/api/v1/api-keys").cookie(laptop.cookie()).with(laptop.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("name", "CI", "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD)))).andReturn().getResponse();
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        String key = json.readTree(created.getContentAsString()).path("secret").asString();

        MockHttpServletResponse response = change(laptop, Map.of("currentPassword", TestAccounts.PASSWORD, "newPassword", NEW_PASSWORD));

        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(204);
        assertThat(status(laptop)).as("this device stays signed in").isEqualTo(200);
        assertThat(status(phone)).isEqualTo(401);
        assertThat(status(tablet)).isEqualTo(401);
        assertThat(mvc.perform(get("/api/v1/sessions/current").header("Authorization", "Bearer " + key)).andReturn()
                .getResponse().getStatus()).as("the API key keeps working").isEqualTo(200);
        JsonNode history = json.readTree(as(laptop, get("/api/v1/sessions/history")).getContentAsString());
        String reason = "";
        for (JsonNode s : history.path("items")) if (s.path("id").asString().equals(phone.sessionId())) reason = s.path("endReason").asString();
        assertThat(reason).isEqualTo("password-changed");
        String historyPage = as(laptop, get("/settings/sessions/history").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(historyPage).contains("Password changed");

        assertThat(mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", laptop.email(), "password", TestAccounts.PASSWORD)))).andReturn().getResponse()
                .getStatus()).as("the old password no longer signs in").isEqualTo(401);
        assertThat(mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", laptop.email(), "password", NEW_PASSWORD)))).andReturn().getResponse()
                .getStatus()).as("the new one does").isEqualTo(201);

        List<AuditEntry> entries = auditOf(laptop);
        assertThat(entries).filteredOn(e -> e.action().equals("password.changed")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("signed out every other session"));
        assertThat(entries).filteredOn(e -> e.action().equals("session.password-changed")).hasSize(2);

        // The sign-in with the new password may send its own alert, before or after this mail is delivered.
        List<TestMail.Mail> changed = TestMail.mailsTo(laptop.email()).stream()
                .filter(m -> m.subject().equals("Your Lanyard password was changed")).toList();
        assertThat(changed).hasSize(1);
        TestMail.Mail mail = changed.get(0);
        assertThat(mail.body()).contains("When:").contains("UTC").contains("Device:").contains("Location:")
                .contains("If it wasn't you").contains("/settings/security")
                .doesNotContain(NEW_PASSWORD).doesNotContain(TestAccounts.PASSWORD);
    }

    /**
     * A sign-in whose password was checked before a change and whose session starts after it (an attacker racing the
     * member who changes a leaked password) gets no session: the password it proved is no longer the member's.
     */
    @Test
    void aSignInUnderWayWhenThePasswordChangesGetsNoSession() throws Exception {
        Accounts.PasswordChecked before = accounts.authenticateForSignIn(laptop.email(), TestAccounts.PASSWORD, "203.0.113.9");
        assertThat(change(laptop, Map.of("currentPassword", TestAccounts.PASSWORD, "newPassword", NEW_PASSWORD,
                "signOutOthers", true)).getStatus()).isEqualTo(204);
        NewSession late = new NewSession(before.account().id(), new ClientOrigin(new Device("curl", "8", "", "", DeviceType.BOT, ""), "curl/8", "203.0.113.9", GeoLocation.unknown()), AppType.API, false);

        assertThatThrownBy(() -> sessions.signIn(late.withPassword(before.stamp()), Optional.empty()))
                .isInstanceOf(AccountProblem.PasswordChanged.class);

        Accounts.PasswordChecked after = accounts.authenticateForSignIn(laptop.email(), NEW_PASSWORD, "203.0.113.9");
        assertThat(sessions.signIn(late.withPassword(after.stamp()), Optional.empty()).session().active()).isTrue();
    }

    @Test
    void withoutSignOutOthersTheOtherSessionsStay() throws Exception {
        Member phone = api.logIn(laptop);

        MockHttpServletResponse response = change(laptop, Map.of("currentPassword", TestAccounts.PASSWORD,
                "newPassword", NEW_PASSWORD, "signOutOthers", false));

        assertThat(response.getStatus()).isEqualTo(204);
        assertThat(status(phone)).isEqualTo(200);
        assertThat(auditOf(laptop)).filteredOn(e -> e.action().equals("password.changed")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("other sessions stayed signed in"));
        assertThat(TestMail.mailsTo(laptop.email())).filteredOn(m -> m.subject().equals("Your Lanyard password was changed"))
                .singleElement().satisfies(m -> assertThat(m.body()).contains("Your other sessions stayed signed in."));
    }

    @Test
    void aWrongCurrentPasswordChangesNothingAndCountsTowardsTheSignInThrottle() throws Exception {
        Member phone = api.logIn(laptop);

        JsonNode wrong = problem(change(laptop, Map.of("currentPassword", "not my password at all", "newPassword", NEW_PASSWORD)),
                400, "wrong-password");

        assertThat(wrong.path("field").asString()).isEqualTo("currentPassword");
        assertThat(status(phone)).isEqualTo(200);
        assertThat(auditOf(laptop)).noneMatch(e -> e.action().equals("password.changed"));
        int throttledAfter = 0;
        for (int attempt = 2; attempt <= 12 && throttledAfter == 0; attempt++) {
            MockHttpServletResponse response = change(laptop, Map.of("currentPassword", "still not my password", "newPassword", NEW_PASSWORD));
            if (response.getStatus() == 429) throttledAfter = attempt - 1;
            else problem(response, 400, "wrong-password");
        }
        assertThat(throttledAfter).as("wrong current passwords are throttled like failed sign-ins").isBetween(5, 11);
        assertThat(mvc.perform(post("/api/v1/login").with(laptop.from()).contentType(MediaType.APPLICATION_JSON)
                        .content(api.write(Map.of("email", laptop.email(), "password", TestAccounts.PASSWORD)))).andReturn()
                .getResponse().getStatus()).as("a sign-in from the same address waits too").isEqualTo(429);
    }

    @Test
    void aNewPasswordThatBreaksTheSignUpRulesIsRefused() throws Exception {
        problem(change(laptop, Map.of("currentPassword", TestAccounts.PASSWORD, "newPassword", "short")), 400, "invalid-input");
        JsonNode same = problem(change(laptop, Map.of("currentPassword", TestAccounts.PASSWORD, "newPassword", TestAccounts.PASSWORD)),
                400, "invalid-input");
        assertThat(same.path("field").asString()).isEqualTo("newPassword");
        JsonNode missing = problem(change(laptop, Map.of("newPassword", NEW_PASSWORD)), 400, "invalid-input");
        assertThat(missing.path("field").asString()).isEqualTo("currentPassword");
        assertThat(auditOf(laptop)).noneMatch(e -> e.action().equals("password.changed"));
    }

    /** A missing new password was answered "Use a password of at least 12 characters." (outside review): it is said to be missing. */
    @Test
    void aMissingNewPasswordIsSaidToBeMissing() throws Exception {
        JsonNode missing = problem(change(laptop, Map.of("currentPassword", TestAccounts.PASSWORD)), 400, "invalid-input");
        assertThat(missing.path("field").asString()).isEqualTo("newPassword");
        assertThat(missing.path("detail").asString()).isEqualTo("Enter your new password.");

        JsonNode neither = problem(change(laptop, Map.of()), 400, "invalid-input");
        assertThat(errors(neither)).containsExactly("currentPassword: Enter your current password.", "newPassword: Enter your new password.");
        api.logIn(laptop); // with the password unchanged
    }

    /** Decision 68: the member's own address, and a keyboard walk, are refused with why, in the API and on the page. */
    @Test
    void aNewPasswordThatIsTheMembersOwnEmailOrAKeyboardWalkIsRefusedSayingWhy() throws Exception {
        JsonNode own = problem(change(laptop, Map.of("currentPassword", TestAccounts.PASSWORD, "newPassword", laptop.email() + "!")),
                400, "invalid-input");
        assertThat(own.path("field").asString()).isEqualTo("newPassword");
        assertThat(own.path("detail").asString()).isEqualTo("This password is your email address or your name (or part of it), "
                + "which guessers who know whose account it is try first. Choose another: a few unrelated words make a strong one.");
        JsonNode walk = problem(change(laptop, Map.of("currentPassword", TestAccounts.PASSWORD, "newPassword", "1qaz2wsx3edc4rfv")),
                400, "invalid-input");
        assertThat(walk.path("detail").asString()).contains("a walk along the keyboard");

        MockHttpServletResponse page = as(laptop, withFormToken(laptop, post("/settings/security/password")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("currentPassword", TestAccounts.PASSWORD)
                .param("newPassword", laptop.email().substring(0, laptop.email().indexOf('@')) + "!!!!")));
        assertThat(page.getStatus()).isEqualTo(400);
        assertThat(page.getContentAsString()).contains("This password is your email address or your name (or part of it)");
        api.logIn(laptop); // with the password unchanged
        assertThat(auditOf(laptop)).noneMatch(e -> e.action().equals("password.changed"));
    }

    private static List<String> errors(JsonNode problem) {
        return problem.path("errors").valueStream().map(e -> e.path("field").asString() + ": " + e.path("detail").asString()).toList();
    }

    /**
     * A new password that broke the rules was said alone, before the current one was checked; a missing current one hid
     * the new one's. Now both are said at once: a wrong current password with the new one's broken rules (and it still
     * counts towards the throttle), a missing one with them too.
     */
    @Test
    void aWrongOrMissingCurrentPasswordIsSaidWithTheNewOnesBrokenRulesAndStillCounts() throws Exception {
        JsonNode both = problem(change(laptop, Map.of("currentPassword", "not my password at all", "newPassword", "short")),
                400, "wrong-password");
        assertThat(both.path("field").asString()).isEqualTo("currentPassword");
        assertThat(errors(both)).containsExactly("currentPassword: Your current password is incorrect.",
                "newPassword: Use a password of at least 12 characters.");
        assertThat(both.path("detail").asString()).isEqualTo("Your current password is incorrect. Use a password of at least 12 characters.");

        JsonNode missing = problem(change(laptop, Map.of("currentPassword", "", "newPassword", "short")), 400, "invalid-input");
        assertThat(errors(missing)).containsExactly("currentPassword: Enter your current password.",
                "newPassword: Use a password of at least 12 characters.");

        int throttledAfter = 0;
        for (int attempt = 2; attempt <= 12 && throttledAfter == 0; attempt++) {
            MockHttpServletResponse response = change(laptop, Map.of("currentPassword", "still not my password", "newPassword", "short"));
            if (response.getStatus() == 429) throttledAfter = attempt - 1;
            else problem(response, 400, "wrong-password");
        }
        assertThat(throttledAfter).as("a wrong current password counts, whatever else is wrong").isBetween(5, 11);
        assertThat(auditOf(laptop)).noneMatch(e -> e.action().equals("password.changed"));
    }

    /** Whether the new password differs from the current one is said only once the current one is known to be right. */
    @Test
    void nothingThatDependsOnTheCurrentPasswordIsSaidWhenItIsWrong() throws Exception {
        JsonNode wrong = problem(change(laptop, Map.of("currentPassword", NEW_PASSWORD, "newPassword", NEW_PASSWORD)), 400, "wrong-password");
        assertThat(wrong.path("detail").asString()).isEqualTo("Your current password is incorrect.");
        assertThat(wrong.has("errors")).isFalse();

        JsonNode same = problem(change(laptop, Map.of("currentPassword", TestAccounts.PASSWORD, "newPassword", TestAccounts.PASSWORD)),
                400, "invalid-input");
        assertThat(same.path("detail").asString()).isEqualTo("Choose a new password that differs from the current one.");
    }

    /** The page says each field's error next to it, marks it and points at it (no JavaScript needed); no password comes back. */
    @Test
    void theFormSaysEveryFieldAtFaultNextToIt() throws Exception {
        MockHttpServletResponse response = as(laptop, withFormToken(laptop, post("/settings/security/password")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("currentPassword", "not my password at all")
                .param("newPassword", "tooshort")));

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentAsString())
                .contains("<li>Your current password is incorrect.</li>", "<li>Use a password of at least 12 characters.</li>")
                .containsPattern("id=\"current-password\"[^>]*aria-invalid=\"true\" aria-describedby=\"current-password-error\"")
                .contains("<p id=\"current-password-error\" class=\"field-error\">Your current password is incorrect.</p>")
                .containsPattern("id=\"new-password\"[^>]*aria-invalid=\"true\" aria-describedby=\"new-password-error new-password-hint\"")
                .contains("<p id=\"new-password-error\" class=\"field-error\">Use a password of at least 12 characters.</p>")
                .doesNotContain("not my password at all").doesNotContain("tooshort");
    }

    @Test
    void anApiKeyCanNeverChangeThePassword() throws Exception {
        MockHttpServletResponse created = mvc.perform(post("/api/v1/api-keys").cookie(laptop.cookie()).with(laptop.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("name", "All powers", "scopes", List.of("sessions:read", "sessions:write"), "password", TestAccounts.PASSWORD)))).andReturn().getResponse();
        String key = json.readTree(created.getContentAsString()).path("secret").asString();

        MockHttpServletResponse response = mvc.perform(post(API).header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("currentPassword", TestAccounts.PASSWORD, "newPassword", NEW_PASSWORD)))).andReturn().getResponse();

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(auditOf(laptop)).noneMatch(e -> e.action().equals("password.changed"));
    }

    @Test
    void aBearerSessionMayChangeThePassword() throws Exception {
        Member cli = api.logInForBearer(laptop);

        MockHttpServletResponse response = mvc.perform(post(API).with(bearer(cli)).with(cli.from()).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("currentPassword", TestAccounts.PASSWORD, "newPassword", NEW_PASSWORD)))).andReturn().getResponse();

        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(204);
        assertThat(status(laptop)).isEqualTo(401);
    }

    @Test
    void theSecurityPageHasThePasswordFormWithSignOutOthersTicked() throws Exception {
        String html = as(laptop, get("/settings/security").accept(MediaType.TEXT_HTML)).getContentAsString();

        assertThat(html).contains("Current password").contains("New password").contains("Change password");
        assertThat(html).containsPattern("name=\"signOutOthers\" value=\"true\"\\s+checked");
        assertThat(html).contains("API keys are not affected");
        assertThat(html).contains("autocomplete=\"current-password\"").contains("autocomplete=\"new-password\"");
    }

    @Test
    void theFormChangesThePasswordAndSaysSo() throws Exception {
        Member phone = api.logIn(laptop);

        MockHttpServletResponse response = as(laptop, withFormToken(laptop, post("/settings/security/password")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("currentPassword", TestAccounts.PASSWORD)
                .param("newPassword", NEW_PASSWORD).param("signOutOthers", "true")));

        assertThat(response.getStatus()).isEqualTo(302);
        assertThat(response.getRedirectedUrl()).isEqualTo("/settings/security?done=password-changed");
        assertThat(status(phone)).isEqualTo(401);
        String after = as(laptop, get(response.getRedirectedUrl()).accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(after).contains("Your password was changed. Every other session was signed out")
                .as("a mail server is configured here").contains("We sent you an email about the change.");
    }

    @Test
    void theFormShowsAWrongCurrentPasswordAndKeepsTheChoice() throws Exception {
        MockHttpServletResponse response = as(laptop, withFormToken(laptop, post("/settings/security/password")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("currentPassword", "not my password at all")
                .param("newPassword", NEW_PASSWORD)));

        assertThat(response.getStatus()).isEqualTo(400);
        String html = response.getContentAsString();
        assertThat(html).contains("Your current password is incorrect.");
        assertThat(html).containsPattern("id=\"current-password\"[^>]*aria-invalid=\"true\"");
        assertThat(html).doesNotContainPattern("name=\"signOutOthers\" value=\"true\"\\s+checked");
        assertThat(html).doesNotContain("not my password at all");
    }

    @Test
    void theFormIsRefusedWithoutItsCsrfToken() throws Exception {
        MockHttpServletResponse response = as(laptop, post("/settings/security/password")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("currentPassword", TestAccounts.PASSWORD)
                .param("newPassword", NEW_PASSWORD));

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(status(laptop)).isEqualTo(200);
    }
}
