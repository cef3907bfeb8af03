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
}
