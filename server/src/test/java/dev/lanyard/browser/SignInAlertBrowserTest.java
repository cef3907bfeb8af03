package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.lanyard.team.TestMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * Sign-in alerts end to end (PRODUCT.md V3, V5): a member signs up on a laptop in Madrid; someone signs in
 * to the account on an iPhone in London, a device and a country the account never used; the alert reaches a
 * real SMTP server (GreenMail); a browser that is signed out follows its "This wasn't me" link, ends that
 * session, and the iPhone's very next request is refused. The member's own sessions list shows the flags.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1"})
@ContextConfiguration(initializers = TestMail.SqliteWithSmtp.class)
class SignInAlertBrowserTest extends BrowserTest {
    private static final Pattern NOT_ME = Pattern.compile("https?://\\S+?(/not-me/[A-Za-z0-9_-]{43})");

    @Test
    void aNewDeviceIsMailedAndTheLinkInTheMailEndsItsSessionAtOnce() {
        String email = "risk-" + System.nanoTime() + "@example.com";
        Page laptop = open(Chromium.MAC_MADRID);
        laptop.navigate("/signup");
        laptop.getByLabel("Your name").fill("Rita Risk");
        laptop.getByLabel("Email").fill(email);
        laptop.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(PASSWORD);
        laptop.getByLabel("Team name").fill("Risky");
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertThat(laptop).hasURL(Pattern.compile("/settings/sessions\\?done=welcome$"));
        org.assertj.core.api.Assertions.assertThat(TestMail.mailsTo(email)).as("the first sign-in sets what is known").isEmpty();

        // Someone with the password, on an iPhone in London.
        Page phone = open(Chromium.IPHONE_LONDON);
        phone.navigate("/login");
        phone.getByLabel("Email").fill(email);
        phone.getByLabel("Password").fill(PASSWORD);
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(phone).hasURL(Pattern.compile("/settings/sessions$"));

        // The laptop's list shows the phone's session flagged, with what to do.
        laptop.navigate("/settings/sessions");
        assertThat(laptop.locator("ul.cards article .alert.flagged")).containsText("First sign-in from United Kingdom");
        assertThat(laptop.locator("ul.cards article .alert.flagged")).containsText("Safari on iOS");
        // The team's view counts it in a badge that keeps to one line, as every badge does (it broke in two in a narrow column).
        laptop.navigate("/admin/sessions");
        assertThat(laptop.locator("td .badge.concern")).hasText("1 flagged");
        org.assertj.core.api.Assertions.assertThat(laptop.locator("td .badge.concern")
                .evaluate("b => getComputedStyle(b).whiteSpace + ' ' + b.getClientRects().length")).isEqualTo("nowrap 1");

        // The alert reached the mail server.
        TestMail.Mail mail = TestMail.lastMailTo(email);
        org.assertj.core.api.Assertions.assertThat(mail.subject()).isEqualTo("New sign-in to your Lanyard account");
        org.assertj.core.api.Assertions.assertThat(mail.body()).contains("Device:   Safari 17 on iPhone");
        org.assertj.core.api.Assertions.assertThat(mail.body()).contains("Location: London, England, United Kingdom");
        Matcher link = NOT_ME.matcher(mail.body());
        org.assertj.core.api.Assertions.assertThat(link.find()).as("a This wasn't me link in:\n" + mail.body()).isTrue();

        // A browser that is signed out follows it.
        Page inbox = open(Chromium.WINDOWS_STOCKHOLM);
        inbox.navigate(link.group(1));
        assertThat(inbox.locator("h1")).hasText("This wasn't me");
        assertThat(inbox.locator("main")).containsText("Safari 17 on iPhone");
        assertThat(inbox.locator("main")).containsText("London, England, United Kingdom");
        inbox.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out this session")).click();
        assertThat(inbox.locator("main .alert.success")).hasText("This session is signed out.");
        assertThat(inbox.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Change password")))
                .hasAttribute("href", "/settings/security#password");

        // The phone's very next request is refused; the laptop is still signed in.
        phone.navigate("/settings/sessions");
        assertThat(phone).hasURL(Pattern.compile("/login\\?ended=not-me$"));
        assertThat(phone.locator("main")).containsText("You were signed out from the \u201cThis wasn't me\u201d link in a sign-in alert.");
        laptop.navigate("/settings/sessions");
        assertThat(laptop).hasURL(Pattern.compile("/settings/sessions$"));

        // One click more ends every session, the laptop's too.
        inbox.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out all sessions")).click();
        assertThat(inbox.locator("main .alert.success")).containsText("Every session of your account is signed out");
        laptop.navigate("/settings/sessions");
        assertThat(laptop).hasURL(Pattern.compile("/login\\?ended=not-me$"));
    }
}
