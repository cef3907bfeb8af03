package dev.lanyard.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpSession;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The team settings page {@code /admin/settings} (PRODUCT.md L2, L3), over MockMvc. Forms are sent
 * with the CSRF token a page of the app handed out, as a browser does, not with spring-security-test's
 * {@code csrf()}: that one swaps the CSRF repository of the shared context's filter chain for good, and
 * later tests over real HTTP then get no {@code XSRF-TOKEN} cookie.
 */
@LanyardSpringTest
class TeamSettingsPagesTest {
    private static final String SETTINGS = "/admin/settings";
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
    private static final String SAVED = "Session policy saved. It applies to every session of the team from its next request.";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    Accounts accounts;
    @Autowired
    JdbcClient jdbc;

    private ApiClient api;
    private Member admin;

    @BeforeEach
    void signUpAnAdmin() throws Exception {
        api = new ApiClient(mvc, json);
        admin = api.signUp("alice");
    }

    private Member memberOf(Member admin) throws Exception {
        Member bob = api.signUp("bob");
        String team = accounts.find(new AccountId(admin.accountId())).orElseThrow().team().value();
        jdbc.sql("UPDATE accounts SET role = 'MEMBER', team_id = :team WHERE id = :id")
                .param("team", team).param("id", bob.accountId()).update();
        return api.logIn(bob);
    }

    private TeamPolicy policy() {
        return accounts.policy(accounts.find(new AccountId(admin.accountId())).orElseThrow().team());
    }

    private MockHttpServletResponse page(Member member, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(member.cookie()).with(member.from()).accept(MediaType.TEXT_HTML)).andReturn().getResponse();
    }

    /** Adds the CSRF token of a page the member has open (its hidden field, and the cookie or session it came with). */
    private MockHttpServletRequestBuilder withFormToken(Member member, MockHttpServletRequestBuilder form) throws Exception {
        MvcResult page = mvc.perform(get("/settings/sessions").cookie(member.cookie()).with(member.from()).accept(MediaType.TEXT_HTML))
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

    private static MockHttpServletRequestBuilder save(String idle, boolean allowRememberMe, String rememberedDays, String lifetimeDays) {
        MockHttpServletRequestBuilder form = post(SETTINGS).contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .param("idleTimeout", idle).param("rememberedDays", rememberedDays).param("lifetimeDays", lifetimeDays);
        return allowRememberMe ? form.param("allowRememberMe", "true") : form;
    }

    @Test
    void adminSeesTheTeamsPolicyInTheForm() throws Exception {
        MockHttpServletResponse response = page(admin, get(SETTINGS));

        assertThat(response.getStatus()).isEqualTo(200);
        String html = response.getContentAsString();
        assertThat(html).contains("Team session policy").contains("Never <span class=\"warn\">(not recommended)</span>");
        assertThat(html).containsPattern("value=\"7d\"\\s+checked");
        assertThat(html).doesNotContainPattern("value=\"(1d|30d|never)\"\\s+checked");
        assertThat(html).containsPattern("name=\"allowRememberMe\" value=\"true\"\\s+checked");
        assertThat(html).containsPattern("id=\"rememberedDays\"[^>]*value=\"30\"").containsPattern("id=\"lifetimeDays\"[^>]*value=\"7\"");
        assertThat(html).containsPattern("name=\"_csrf\"\\s+value=\"[^\"]+\"");
        assertThat(html).doesNotContain(SAVED);
    }

    @Test
    void aSaveFromAPageAnotherAdminsChangeMadeStaleIsRefusedAndChangesNothing() throws Exception {
        String html = page(admin, get(SETTINGS)).getContentAsString();
        Matcher version = Pattern.compile("name=\"version\" value=\"([0-9a-f]+)\"").matcher(html);
        assertThat(version.find()).as("the form carries the policy's version").isTrue();
        // Another admin tightens the policy meanwhile.
        TeamPolicy theirs = new TeamPolicy(Duration.ofDays(7), false, 1, 1).withSessionLimit(2, true);
        accounts.changePolicy(accounts.find(new AccountId(admin.accountId())).orElseThrow(), theirs);

        MockHttpServletResponse stale = page(admin, withFormToken(admin, save("30d", true, "30", "7").param("version", version.group(1))));

        assertThat(stale.getStatus()).isEqualTo(409);
        assertThat(stale.getContentAsString()).contains("The session policy changed since you opened it")
                .containsPattern("value=\"7d\"\\s+checked").containsPattern("id=\"lifetimeDays\"[^>]*value=\"1\"");
        assertThat(policy()).as("nothing of the stale page is saved").isEqualTo(theirs);
        Matcher fresh = Pattern.compile("name=\"version\" value=\"([0-9a-f]+)\"").matcher(stale.getContentAsString());
        assertThat(fresh.find()).isTrue();
        assertThat(fresh.group(1)).isEqualTo(theirs.version());
        assertThat(page(admin, withFormToken(admin, save("30d", true, "30", "7").param("version", fresh.group(1)))).getStatus())
                .as("saved on the page that shows their change").isEqualTo(302);
        assertThat(policy().idleTimeout()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void memberGetsAForbiddenPage() throws Exception {
        Member bob = memberOf(admin);

        MockHttpServletResponse response = page(bob, get(SETTINGS));

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContentType()).startsWith("text/html");
        assertThat(response.getContentAsString()).contains("Only an admin of your team can do this.")
                .doesNotContain("Team session policy");
    }

    @Test
    void signedOutVisitorIsSentToSignIn() throws Exception {
        MockHttpServletResponse response = mvc.perform(get(SETTINGS).accept(MediaType.TEXT_HTML)).andReturn().getResponse();

        assertThat(response.getStatus()).isEqualTo(302);
        assertThat(response.getRedirectedUrl()).as("back to the page asked for after signing in (outside review AO)")
                .isEqualTo("/login?next=%2Fadmin%2Fsettings");
        MockHttpServletResponse sessions = mvc.perform(get("/settings/sessions").accept(MediaType.TEXT_HTML)).andReturn().getResponse();
        assertThat(sessions.getRedirectedUrl()).as("where sign-in leads anyway").isEqualTo("/login");
        assertThat(mvc.perform(get(java.net.URI.create(response.getRedirectedUrl())).accept(MediaType.TEXT_HTML)).andReturn().getResponse().getContentAsString())
                .as("the sign-in form carries it").contains("name=\"next\" value=\"/admin/settings\"");
    }

    @Test
    void savingThePolicyRedirectsWithAConfirmation() throws Exception {
        MockHttpServletResponse response = page(admin, withFormToken(admin, save("1d", false, "14", "2")));

        assertThat(response.getStatus()).isEqualTo(302);
        assertThat(response.getRedirectedUrl()).isEqualTo("/admin/settings?done=saved");
        assertThat(policy()).isEqualTo(new TeamPolicy(Duration.ofDays(1), false, 14, 2));
        String html = page(admin, get(response.getRedirectedUrl())).getContentAsString();
        assertThat(html).contains(SAVED);
        assertThat(html).containsPattern("value=\"1d\"\\s+checked").doesNotContainPattern("value=\"7d\"\\s+checked");
        assertThat(html).doesNotContainPattern("name=\"allowRememberMe\" value=\"true\"\\s+checked");
        assertThat(html).containsPattern("id=\"rememberedDays\"[^>]*value=\"14\"").containsPattern("id=\"lifetimeDays\"[^>]*value=\"2\"");
    }

    @Test
    void savingNeverAsTheIdleTimeoutIsAllowed() throws Exception {
        MockHttpServletResponse response = page(admin, withFormToken(admin, save("never", true, "60", "7")));

        assertThat(response.getStatus()).isEqualTo(302);
        assertThat(policy()).isEqualTo(new TeamPolicy(Duration.ZERO, true, 60, 7));
        assertThat(page(admin, get(SETTINGS)).getContentAsString()).containsPattern("value=\"never\"\\s+checked");
    }

    @Test
    void savingWithoutTheFormsCsrfTokenIsForbiddenAndChangesNothing() throws Exception {
        MockHttpServletResponse response = page(admin, save("1d", false, "14", "2"));

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(policy()).isEqualTo(TeamPolicy.DEFAULT);
    }

    @Test
    void memberCannotSaveThePolicy() throws Exception {
        Member bob = memberOf(admin);

        MockHttpServletResponse response = page(bob, withFormToken(bob, save("never", true, "365", "365")));

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(policy()).isEqualTo(TeamPolicy.DEFAULT);
    }

    @Test
    void invalidInputShowsTheFormAgainWithTheProblem() throws Exception {
        MockHttpServletResponse notANumber = page(admin, withFormToken(admin, save("7d", true, "thirty", "7")));
        MockHttpServletResponse tooLong = page(admin, withFormToken(admin, save("7d", true, "30", "366")));
        MockHttpServletResponse unknownIdle = page(admin, withFormToken(admin, save("2d", true, "30", "7")));
        MockHttpServletResponse missing = page(admin, withFormToken(admin, post(SETTINGS).contentType(MediaType.APPLICATION_FORM_URLENCODED)));

        assertThat(notANumber.getStatus()).isEqualTo(400);
        assertThat(notANumber.getContentAsString()).contains(": enter a whole number of days, in digits.").contains("Team session policy");
        assertThat(tooLong.getStatus()).isEqualTo(400);
        assertThat(tooLong.getContentAsString()).contains("Sessions that are not remembered last between 1 and 7 days.");
        assertThat(unknownIdle.getStatus()).isEqualTo(400);
        assertThat(unknownIdle.getContentAsString()).contains("Choose 1 day, 7 days, 30 days or never.");
        assertThat(missing.getStatus()).isEqualTo(400);
        assertThat(policy()).isEqualTo(TeamPolicy.DEFAULT);
    }

    /**
     * The page said one field's error at a time. Now each is said in the summary and next to its field, which is marked
     * invalid and described by it without JavaScript; what was typed stays.
     */
    @Test
    void aRefusedFormSaysEveryFieldAtFaultNextToIt() throws Exception {
        MockHttpServletResponse refused = page(admin, withFormToken(admin, save("2d", true, "thirty", "9")
                .param("sessionLimit", "500").param("atSessionLimit", "refuse")));

        assertThat(refused.getStatus()).isEqualTo(400);
        String html = refused.getContentAsString();
        assertThat(html).contains("<li>Choose 1 day, 7 days, 30 days or never.</li>",
                "<li>Remembered sessions last: enter a whole number of days, in digits.</li>",
                "<li>Sessions that are not remembered last between 1 and 7 days.</li>",
                "<li>The session limit is between 1 and 100, or 0 for none.</li>");
        assertThat(html).containsPattern("name=\"idleTimeout\" value=\"1d\" aria-invalid=\"true\" aria-describedby=\"idleTimeout-error\"")
                .contains("<p id=\"idleTimeout-error\" class=\"field-error\">Choose 1 day, 7 days, 30 days or never.</p>")
                .containsPattern("name=\"rememberedDays\"[^>]*value=\"thirty\"[^>]*aria-invalid=\"true\" aria-describedby=\"rememberedDays-error\"")
                .contains("<p id=\"rememberedDays-error\" class=\"field-error\">Remembered sessions last: enter a whole number of days, in digits.</p>")
                .containsPattern("name=\"lifetimeDays\"[^>]*value=\"9\"[^>]*aria-invalid=\"true\" aria-describedby=\"lifetimeDays-error\"")
                .contains("<p id=\"lifetimeDays-error\" class=\"field-error\">Sessions that are not remembered last between 1 and 7 days.</p>")
                .containsPattern("name=\"sessionLimit\"[^>]*value=\"500\"[^>]*aria-invalid=\"true\" aria-describedby=\"sessionLimit-error sessionLimitHint\"")
                .contains("<p id=\"sessionLimit-error\" class=\"field-error\">The session limit is between 1 and 100, or 0 for none.</p>")
                .containsPattern("value=\"refuse\"[^>]*checked").doesNotContain("atSessionLimit-error");
        assertThat(policy()).as("nothing saved").isEqualTo(TeamPolicy.DEFAULT);
    }

    @Test
    void aRefusedFormKeepsWhatWasTypedAndMarksTheFieldToCorrect() throws Exception {
        MockHttpServletResponse refused = page(admin, withFormToken(admin, save("1d", false, "45", "3")
                .param("sessionLimit", "500").param("atSessionLimit", "refuse").param("requireSecondFactor", "true")));

        assertThat(refused.getStatus()).isEqualTo(400);
        String html = refused.getContentAsString();
        assertThat(html).contains("The session limit is between 1 and 100, or 0 for none.");
        assertThat(html).containsPattern("value=\"1d\"[^>]*checked").containsPattern("value=\"refuse\"[^>]*checked")
                .containsPattern("name=\"rememberedDays\"[^>]*value=\"45\"").containsPattern("name=\"lifetimeDays\"[^>]*value=\"3\"")
                .containsPattern("name=\"requireSecondFactor\"[^>]*checked")
                .containsPattern("name=\"sessionLimit\"[^>]*value=\"500\"[^>]*aria-invalid=\"true\"")
                .doesNotContainPattern("name=\"allowRememberMe\"[^>]*checked");
        assertThat(policy()).as("nothing saved").isEqualTo(TeamPolicy.DEFAULT);
    }

    /**
     * The policy's number fields take decimal digits, as the API's query numbers do: {@code Integer.parseInt} took
     * {@code +5}, a number between spaces and digits of other scripts (outside review). Anything else is refused on the
     * page, named next to its field and kept as typed; nothing is saved. A number too large for the field gets its
     * range, where it was "not a whole number".
     */
    @Test
    void aNumberFieldTakesDecimalDigitsOnlyAndNamesTheFieldOtherwise() throws Exception {
        for (String typed : new String[] {"+30", " 30", "30 ", "\u0663\u0660", "0x1e", "30.0", "3e1", "30,0", "-+3"}) {
            MockHttpServletResponse refused = page(admin, withFormToken(admin, save("7d", true, typed, "7")));
            assertThat(refused.getStatus()).as(typed).isEqualTo(400);
            String html = refused.getContentAsString();
            assertThat(html).as(typed).contains("Team session policy")
                    .contains("<p id=\"rememberedDays-error\" class=\"field-error\">Remembered sessions last: enter a whole number of "
                            + "days, in digits.</p>")
                    .containsPattern("name=\"rememberedDays\"[^>]*aria-invalid=\"true\"");
        }
        for (String typed : new String[] {"+3", "\u0663", " 3"}) {
            MockHttpServletResponse refused = page(admin, withFormToken(admin, save("7d", true, "30", typed)));
            assertThat(refused.getStatus()).as(typed).isEqualTo(400);
            assertThat(refused.getContentAsString()).as(typed).contains("<p id=\"lifetimeDays-error\" class=\"field-error\">Other "
                    + "sessions expire after: enter a whole number of days, in digits.</p>");
        }
        for (String typed : new String[] {"+5", " 5", " ", "\u0665", "5.0"}) {
            MockHttpServletResponse refused = page(admin, withFormToken(admin, save("7d", true, "30", "7").param("sessionLimit", typed)));
            assertThat(refused.getStatus()).as("'" + typed + "'").isEqualTo(400);
            assertThat(refused.getContentAsString()).as(typed).contains("<p id=\"sessionLimit-error\" class=\"field-error\">Enter a "
                    + "whole number of sessions, in digits, or leave it empty for no limit.</p>");
        }
        MockHttpServletResponse huge = page(admin, withFormToken(admin, save("7d", true, "99999999999", "7")));
        assertThat(huge.getContentAsString()).contains("<p id=\"rememberedDays-error\" class=\"field-error\">Remembered sessions "
                + "last between 1 and 365 days.</p>");
        MockHttpServletResponse negative = page(admin, withFormToken(admin, save("7d", true, "30", "7").param("sessionLimit", "-2")));
        assertThat(negative.getContentAsString()).contains("<p id=\"sessionLimit-error\" class=\"field-error\">The session limit is "
                + "between 1 and 100, or 0 for none.</p>");
        assertThat(policy()).as("nothing saved").isEqualTo(TeamPolicy.DEFAULT);

        MockHttpServletResponse digits = page(admin, withFormToken(admin, save("7d", true, "030", "07").param("sessionLimit", "")));
        assertThat(digits.getStatus()).as("digits, a leading zero among them: " + digits.getContentAsString()).isEqualTo(302);
        assertThat(policy().rememberedDays()).isEqualTo(30);
        assertThat(policy().lifetimeDays()).isEqualTo(7);
        assertThat(policy().sessionLimit()).as("left empty: no limit").isZero();
    }
}
