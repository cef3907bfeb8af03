package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.lanyard.team.TestMail;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * Signing up where emails are confirmed (decision 61), as a person does it in Chromium: the form, "Check your email",
 * the mailed link, the button that creates the account, the sessions page. Both new pages are held to axe-core.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1"})
@ContextConfiguration(initializers = TestMail.SqliteConfirmingSignUps.class)
class SignUpConfirmationBrowserTest extends BrowserTest {
    private static final Pattern LINK = Pattern.compile("/signup/confirm/[A-Za-z0-9_-]+");

    @Test
    void aNewcomerConfirmsTheirEmailFromTheMailedLinkAndIsSignedIn() {
        Page page = open(Chromium.MAC_MADRID);
        String email = nextEmail("confirm");
        submitSignUp(page, "Grace Hopper", email, "Compilers");

        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Check your email"))).isVisible();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText(email);
        assertThat(axeViolations(page)).as("check-your-email page").isEmpty();

        Matcher link = LINK.matcher(TestMail.lastMailTo(email).body());
        assertThat(link.find()).isTrue();
        page.navigate(link.group());
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Finish creating your account"))).isVisible();
        assertThat(page.locator("main dl")).containsText("Compilers");
        assertThat(axeViolations(page)).as("confirmation page").isEmpty();

        page.getByLabel("The password you chose when you signed up").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account and sign in")).click();
        assertThat(page).hasURL(Pattern.compile("/settings/sessions\\?done=welcome$"));
        assertThat(page.locator("article.card.current")).containsText("This device");

        page.navigate(link.group());
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("This link has expired or was already used.");
    }

    /** The address's owner opens a link of a sign-up someone else started, and creates the account with their own details. */
    @Test
    void theOwnerOfAnAddressCreatesTheAccountWithTheirOwnPasswordFromALinkSomeoneElseStarted() {
        Page starter = open(Chromium.MAC_MADRID);
        String email = nextEmail("planted");
        submitSignUp(starter, "Mallory", email, "Not yours");
        Matcher link = LINK.matcher(TestMail.lastMailTo(email).body());
        assertThat(link.find()).isTrue();

        Page owner = open(Chromium.MAC_MADRID);
        owner.navigate(link.group());
        assertThat(owner.locator("main dl")).containsText("Not yours");
        owner.getByText("Someone else started it, or you forgot its password?").click();
        owner.getByLabel("Your name").fill("Dorothy Vaughan");
        owner.getByLabel("Team name").fill("Numerics");
        owner.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("password1234");
        owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account with my own password")).click();
        assertThat(owner.getByRole(AriaRole.ALERT)).containsText("guessers try early");
        assertThat(owner.getByLabel("Password", new Page.GetByLabelOptions().setExact(true))).hasAttribute("aria-invalid", "true");
        assertThat(axeViolations(owner)).as("confirmation page with the owner's own details refused").isEmpty();

        owner.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(PASSWORD);
        owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account with my own password")).click();
        assertThat(owner).hasURL(Pattern.compile("/settings/sessions\\?done=welcome$"));
        assertThat(owner.locator("article.card.current")).containsText("This device");
    }
}
