package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.lanyard.factors.TestCodes;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * Two-factor authentication in a real browser: enrol an authenticator app on the security page (the QR
 * code is drawn, the secret is read off the page, the code computed here), then sign in on another device
 * with the password and a code, and land with a verified session. Same context as the sessions browser test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1"})
@ContextConfiguration(initializers = SqliteDatabase.class)
class TwoFactorBrowserTest extends BrowserTest {

    @Test
    void enrolAnAuthenticatorAppThenSignInElsewhereWithACode() {
        String email = "tess-" + System.nanoTime() + "@example.com";
        Page laptop = open(Chromium.MAC_MADRID);
        laptop.navigate("/signup");
        laptop.getByLabel("Your name").fill("Tess Two");
        laptop.getByLabel("Email").fill(email);
        laptop.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(PASSWORD);
        laptop.getByLabel("Team name").fill("Factors");
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertThat(laptop).hasURL(Pattern.compile("/settings/sessions\\?done=welcome$"));
        // Signed in with the password alone before the app is turned on: it stays unverified.
        Page tablet = open(Chromium.ANDROID_PARIS);
        logIn(tablet, email);

        laptop.navigate("/settings/security");
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set up an authenticator app")).click();
        var qr = laptop.getByAltText("QR code to add Lanyard to your authenticator app");
        assertThat(qr).isVisible();
        org.assertj.core.api.Assertions.assertThat((Integer) qr.evaluate("img => img.naturalWidth")).as("the page's CSP lets the drawn QR code load").isPositive();
        String secret = laptop.locator("#two-factor-secret").textContent();
        laptop.getByLabel("Your password", new Page.GetByLabelOptions().setExact(true)).fill(PASSWORD);
        laptop.getByLabel("Code from your authenticator app").fill(TestCodes.now(secret, Instant.now()));
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Turn on")).click();
        assertThat(laptop.locator("ul.recovery-codes li")).hasCount(10);
        assertThat(laptop.locator("#two-factor")).containsText("Two-factor authentication is on.");
        List<String> firstCodes = laptop.locator("ul.recovery-codes li").allTextContents();
        // The laptop passed the password and a code of the app: verified, with no second code asked for.
        org.assertj.core.api.Assertions.assertThat(laptop.request().get("/api/v1/sessions/current").text()).contains("\"verified\":true");

        Page phone = open(Chromium.IPHONE_LONDON);
        phone.navigate("/login");
        phone.getByLabel("Email").fill(email);
        phone.getByLabel("Password").fill(PASSWORD);
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(phone).hasURL(Pattern.compile("/login/verify$"));
        assertThat(phone.locator("h1")).hasText("Two-factor authentication");
        phone.getByLabel("Code").fill("000000".equals(TestCodes.next(secret, Instant.now())) ? "111111" : "000000");
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();
        assertThat(phone.locator("main .alert.error")).containsText("That code is not right.");

        // The next step's code: within the window, and never the one the enrolment just used.
        phone.getByLabel("Code").fill(TestCodes.next(secret, Instant.now()));
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();
        assertThat(phone).hasURL(Pattern.compile("/settings/sessions$"));
        String current = phone.request().get("/api/v1/sessions/current").text();
        org.assertj.core.api.Assertions.assertThat(current).contains("\"verified\":true");

        // Regenerating with a recovery code of the first set: the form answers with a redirect to the page that shows
        // the new set once; a reload of that page says so and makes none.
        laptop.navigate("/settings/security#two-factor");
        var regenerate = laptop.locator("form", new Page.LocatorOptions().setHas(laptop.getByRole(AriaRole.HEADING,
                new Page.GetByRoleOptions().setName("Regenerate recovery codes"))));
        regenerate.getByLabel("Password").fill(PASSWORD);
        regenerate.getByLabel("Code from your authenticator app, or a recovery code").fill(firstCodes.get(0));
        regenerate.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Regenerate recovery codes")).click();
        assertThat(laptop).hasURL(Pattern.compile("/settings/security/two-factor/recovery-codes/rc_[^/#]+#two-factor$"));
        assertThat(laptop.locator("#two-factor")).containsText("New recovery codes. The old ones no longer work.");
        assertThat(laptop.locator("ul.recovery-codes li")).hasCount(10);
        List<String> newCodes = laptop.locator("ul.recovery-codes li").allTextContents();
        org.assertj.core.api.Assertions.assertThat(newCodes).doesNotContainAnyElementsOf(firstCodes);
        laptop.reload();
        assertThat(laptop.locator("#recovery-codes-shown-already")).containsText("shown once already");
        assertThat(laptop.locator("ul.recovery-codes li")).hasCount(0);
        assertThat(laptop.locator("#two-factor")).containsText("10 recovery codes left.");

        // The tablet signed in with a password alone: its card offers to verify it in place, here with a recovery code.
        tablet.navigate("/settings/sessions");
        tablet.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Verify this session")).click();
        assertThat(tablet.locator("h1")).hasText("Verify this session");
        tablet.getByLabel("Code").fill(newCodes.get(0));
        tablet.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();
        assertThat(tablet).hasURL(Pattern.compile("/settings/security\\?done=verified-recovery-9$"));
        assertThat(tablet.getByText("This session is verified: you used a recovery code. 9 recovery codes remain.",
                new Page.GetByTextOptions().setExact(false))).isVisible();
        org.assertj.core.api.Assertions.assertThat(tablet.request().get("/api/v1/sessions/current").text()).contains("\"verified\":true");
    }
}
