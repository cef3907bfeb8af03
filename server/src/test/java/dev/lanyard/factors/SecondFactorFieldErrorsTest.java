package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * A refused second-factor form marks the field at fault and says why under it, as sign-up and the API key form do
 * (outside review, WCAG 3.3.1: "That code is not right" was said above the form, and {@code #confirm-code} was not
 * marked): the code or the password, of the form that was sent only, on the security page's two-factor section, a
 * sign-in's second step and "Verify this session". No JavaScript is needed.
 */
@LanyardSpringTest
class SecondFactorFieldErrorsTest {
    private static final String WRONG_CODE = "That code is not right. Enter the current 6-digit code from your authenticator app, "
            + "or an unused recovery code.";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;

    private ApiClient api;
    private TwoFactorClient factors;

    @BeforeEach
    void clients() {
        api = new ApiClient(mvc, json);
        factors = new TwoFactorClient(mvc, clock);
    }

    @Test
    void turningTheAppOnWithAWrongCodeOrPasswordMarksThatFieldAndSaysWhyUnderIt() throws Exception {
        Member una = api.signUp("una");
        byte[] seed = factors.start(una);

        String wrongCode = sent(una, "confirm", TestAccounts.PASSWORD, wrong(factors.code(seed)));

        assertThat(wrongCode).containsPattern("id=\"confirm-code\"[^>]*aria-invalid=\"true\" aria-describedby=\"confirm-code-error\"")
                .contains("<p id=\"confirm-code-error\" class=\"field-error\">" + WRONG_CODE + "</p>")
                .containsPattern("id=\"confirm-password\"[^>]*aria-invalid=\"false\"").doesNotContain("confirm-password-error");

        String wrongPassword = sent(una, "confirm", "not my password at all", factors.code(seed));

        assertThat(wrongPassword)
                .containsPattern("id=\"confirm-password\"[^>]*aria-invalid=\"true\" aria-describedby=\"confirm-password-error\"")
                .contains("<p id=\"confirm-password-error\" class=\"field-error\">That password is not right.</p>")
                .containsPattern("id=\"confirm-code\"[^>]*aria-invalid=\"false\"").doesNotContain("not my password at all");
    }

    /** Regenerating the recovery codes and turning the app off are two forms of one section, with fields of one name each. */
    @Test
    void aRefusedTurnOffOrRegenerationMarksItsOwnFormsFieldNotTheOthers() throws Exception {
        Member vic = api.signUp("vic");
        TwoFactorClient.Enrolled enrolled = factors.enrol(vic);

        String turnOff = sent(vic, "disable", TestAccounts.PASSWORD, wrong(factors.code(enrolled.seed())));

        assertThat(turnOff).containsPattern("id=\"disable-code\"[^>]*aria-invalid=\"true\" aria-describedby=\"disable-code-error\"")
                .contains("<p id=\"disable-code-error\" class=\"field-error\">" + WRONG_CODE + "</p>")
                .containsPattern("id=\"regenerate-code\"[^>]*aria-invalid=\"false\"").doesNotContain("regenerate-code-error");

        String regenerate = sent(vic, "recovery-codes", "", factors.code(enrolled.seed()));

        assertThat(regenerate)
                .containsPattern("id=\"regenerate-password\"[^>]*aria-invalid=\"true\" aria-describedby=\"regenerate-password-error\"")
                .contains("<p id=\"regenerate-password-error\" class=\"field-error\">Enter your password.</p>")
                .containsPattern("id=\"disable-password\"[^>]*aria-invalid=\"false\"").doesNotContain("disable-password-error");
    }

    @Test
    void aWrongCodeOnASignInsSecondStepOrWhenVerifyingThisSessionMarksTheCodeField() throws Exception {
        Member wes = api.signUp("wes");
        Member unverified = api.logIn(wes);
        TwoFactorClient.Enrolled enrolled = factors.enrol(wes);
        String address = ApiClient.newAddress();
        MockHttpServletResponse password = mvc.perform(post("/login").with(csrf()).with(ApiClient.from(address))
                .param("email", wes.email()).param("password", TestAccounts.PASSWORD)).andReturn().getResponse();
        String challenge = TwoFactorClient.challengeCookie(password).orElseThrow();

        String signIn = mvc.perform(post("/login/verify").with(csrf()).with(ApiClient.from(address))
                .cookie(TwoFactorClient.challenge(challenge)).param("code", wrong(factors.code(enrolled.seed()))))
                .andReturn().getResponse().getContentAsString();
        String inPlace = mvc.perform(post("/settings/sessions/verify").with(csrf()).with(unverified.from()).cookie(unverified.cookie())
                .param("code", wrong(factors.code(enrolled.seed())))).andReturn().getResponse().getContentAsString();

        for (String page : new String[] {signIn, inPlace}) {
            assertThat(page).containsPattern("id=\"code\"[^>]*aria-invalid=\"true\" aria-describedby=\"code-error code-help\"")
                    .contains("<p id=\"code-error\" class=\"field-error\">" + WRONG_CODE + "</p>");
        }
    }

    /** The security page after {@code form} (confirm, disable, recovery-codes) was sent with these. */
    private String sent(Member who, String form, String password, String code) throws Exception {
        MockHttpServletResponse response = mvc.perform(post("/settings/security/two-factor/" + form).with(csrf()).with(who.from())
                .cookie(factors.cookies(who)).param("password", password).param("code", code))
                .andReturn().getResponse();
        assertThat(response.getStatus()).as(form).isEqualTo(400);
        return response.getContentAsString();
    }

    /** A code of six digits that is not {@code right}. */
    private static String wrong(String right) {
        return right.equals("000000") ? "111111" : "000000";
    }
}
