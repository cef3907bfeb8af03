package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import com.google.gson.JsonObject;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * Passkeys in a real Chromium with the DevTools protocol's virtual authenticator (a platform authenticator
 * with resident keys and user verification that always passes): register one (which verifies the session that did),
 * rename it, verify another session with it in place, sign out, sign in with it and find the session verified, remove
 * it, and see it no longer sign anyone in.
 *
 * <p>WebAuthn runs only in a secure context; {@code http://localhost} is one, so the browser goes to
 * localhost (the relying party id defaults to the host the browser used).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@ContextConfiguration(initializers = SqliteDatabase.class)
class PasskeysBrowserTest extends BrowserTest {

    private static boolean verified(Page page) {
        APIResponse current = page.request().get("/api/v1/sessions/current");
        assertThat(current.status()).isEqualTo(200);
        String body = current.text();
        assertThat(body).containsPattern("\"verified\":(true|false)");
        return body.contains("\"verified\":true");
    }

    /** No serious or critical axe-core violation, with the rules AccessibilityBrowserTest holds pages to. */
    private static void accessible(Page page, String name) {
        assertThat(axeViolations(page)).as("serious or critical accessibility violations on " + name).isEmpty();
    }

    /**
     * Without a mail server nothing stood between the sign-in page's "Log in" and "Sign in with a passkey": the two buttons
     * touched (outside review). They keep the gap a primary button keeps above it, on a desk and on a phone.
     */
    @Test
    void theSignInPagesTwoButtonsDoNotTouchOnADeskOrAPhone() {
        for (int width : new int[] {1280, 390}) {
            Page page = open(Chromium.MAC_MADRID, width, 800);
            page.navigate("/login");
            Locator passkey = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in with a passkey"));
            assertThat(passkey).isVisible();
            BoundingBox logIn = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions()
                    .setName("Log in").setExact(true)).boundingBox();
            double gap = passkey.boundingBox().y - (logIn.y + logIn.height);
            assertThat(gap).as("px between the buttons at " + width + " px").isGreaterThanOrEqualTo(16);
        }
    }

    @Test
    void registerAPasskeySignOutSignInWithItVerifiedThenRemoveIt() {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setBaseURL("http://localhost:" + port).setViewportSize(1200, 900).setLocale("en-GB"))) {
            // Generous: the server loads its geolocation data in the background while the test starts.
            context.setDefaultTimeout(30_000);
            context.setDefaultNavigationTimeout(90_000);
            Page page = context.newPage();
            CDPSession devtools = context.newCDPSession(page);
            devtools.send("WebAuthn.enable");
            JsonObject authenticator = new JsonObject();
            authenticator.addProperty("protocol", "ctap2");
            authenticator.addProperty("transport", "internal");
            authenticator.addProperty("hasResidentKey", true);
            authenticator.addProperty("hasUserVerification", true);
            authenticator.addProperty("isUserVerified", true);
            authenticator.addProperty("automaticPresenceSimulation", true);
            JsonObject add = new JsonObject();
            add.add("options", authenticator);
            String authenticatorId = devtools.send("WebAuthn.addVirtualAuthenticator", add).get("authenticatorId").getAsString();

            String email = "passkey-" + System.nanoTime() + "@example.com";
            signUp(page, "Grace Hopper", email, "Compilers");
            assertThat(verified(page)).as("a password alone does not verify a session").isFalse();
            // The sign-up's session stays aside, unverified; a second sign-in with the password adds the passkey.
            java.util.List<com.microsoft.playwright.options.Cookie> signedUp = context.cookies();
            context.clearCookies();
            logIn(page, email);

            page.navigate("/settings/security");
            assertThat(page.getByText("You have no passkeys.")).isVisible();
            page.getByLabel("Name of the new passkey").fill("Test laptop");
            page.getByLabel("Your password (to add a passkey)").fill("not-my-password");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add a passkey")).click();
            assertThat(page.getByText("That password is not right.")).isVisible();
            // The field at fault is marked and described by the message (outside review, WCAG 3.3.1); the name is not.
            assertThat(page.getByLabel("Your password (to add a passkey)")).hasAttribute("aria-invalid", "true");
            assertThat(page.getByLabel("Your password (to add a passkey)")).hasAccessibleDescription("That password is not right.");
            assertThat(page.getByLabel("Name of the new passkey")).not().hasAttribute("aria-invalid", "true");
            page.getByLabel("Your password (to add a passkey)").fill(PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add a passkey")).click();
            // The first second factor: recovery codes, shown once in the answer to the form (decision 0066), not a redirect.
            assertThat(page).hasURL(Pattern.compile("/settings/security/passkeys$"));
            assertThat(page.locator("#passkey-recovery-codes")).containsText("Signing in with your password now also needs one of");
            assertThat(page.locator("#passkeys ul.recovery-codes li")).hasCount(10);
            assertThat(page.getByLabel("Name of the passkey Test laptop")).hasValue("Test laptop");
            JsonObject which = new JsonObject();
            which.addProperty("authenticatorId", authenticatorId);
            assertThat(devtools.send("WebAuthn.getCredentials", which).getAsJsonArray("credentials").size())
                    .as("the authenticator holds one resident passkey").isEqualTo(1);

            page.getByLabel("Name of the passkey Test laptop").fill("Grace's laptop");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Rename")).click();
            assertThat(page).hasURL(Pattern.compile("/settings/security\\?done=passkey-renamed$"));
            assertThat(page.getByLabel("Name of the passkey Grace's laptop")).hasValue("Grace's laptop");
            assertThat(page.locator("tr[data-passkey]")).containsText("Never used");
            accessible(page, "security settings with a passkey");

            // The password and the new passkey with user verification: the session that added it is verified by it
            // (decision 0025, addendum of 2026-12-06), with nothing left to offer.
            assertThat(verified(page)).as("adding a passkey verifies the session that added it").isTrue();
            page.navigate("/settings/sessions");
            assertThat(page.locator(".card.current .badge.verified")).isVisible();
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Verify this session"))).hasCount(0);

            // The sign-up's session, signed in before the passkey, is still unverified (PRODUCT.md V2): its card offers to
            // verify it, in place.
            context.clearCookies();
            context.addCookies(signedUp);
            page.navigate("/settings/sessions");
            assertThat(verified(page)).as("adding a passkey elsewhere does not verify this session").isFalse();
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Verify this session")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Verify this session"))).isVisible();
            accessible(page, "verify this session");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Use a passkey")).click();
            assertThat(page).hasURL(Pattern.compile("/settings/sessions\\?done=verified$"));
            assertThat(page.getByText("This session is verified.")).isVisible();
            assertThat(page.locator(".verify-prompt")).hasCount(0);
            assertThat(verified(page)).as("verified in place by a passkey").isTrue();

            page.navigate("/settings/security");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();
            assertThat(page).hasURL(Pattern.compile("/login\\?out$"));
            assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in with a passkey"))).isVisible();
            accessible(page, "login with passkeys");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in with a passkey")).click();
            assertThat(page).hasURL(Pattern.compile("/settings/sessions$"));
            assertThat(verified(page)).as("a passkey sign-in is verified").isTrue();

            page.navigate("/settings/security");
            assertThat(page.locator("tr[data-passkey]")).not().containsText("Never used");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Remove the passkey \u2068Grace's laptop\u2069")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Remove the passkey “Grace's laptop”?")))
                    .isVisible();
            accessible(page, "remove passkey confirmation");
            page.getByLabel("Your password", new Page.GetByLabelOptions().setExact(true)).fill(PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove passkey")).click();
            assertThat(page).hasURL(Pattern.compile("/settings/security\\?done=passkey-removed$"));
            assertThat(page.getByText("You have no passkeys.")).isVisible();

            page.navigate("/admin/audit");
            assertThat(page.getByText("Added the passkey “Test laptop”", new Page.GetByTextOptions().setExact(false)).first()).isVisible();
            assertThat(page.getByText("Removed the passkey “Grace's laptop”", new Page.GetByTextOptions().setExact(false)).first()).isVisible();

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in with a passkey")).click();
            assertThat(page.getByText("That passkey could not sign you in. Use another one or your password.")).isVisible();
            assertThat(page.request().get("/api/v1/sessions/current").status()).as("still signed out").isEqualTo(401);
        }
    }

    private static void addPasskey(Page page, String name) {
        page.navigate("/settings/security");
        page.getByLabel("Name of the new passkey").fill(name);
        page.getByLabel("Your password (to add a passkey)").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add a passkey")).click();
        // Each member's first passkey here: it comes with recovery codes, shown on the page that answers the form.
        assertThat(page).hasURL(Pattern.compile("/settings/security/passkeys$"));
        assertThat(page.locator("#passkeys ul.recovery-codes li")).hasCount(10);
    }

    private static void logOut(Page page) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();
        assertThat(page).hasURL(Pattern.compile("/login\\?out$"));
    }

    private static com.google.gson.JsonArray credentials(CDPSession devtools, String authenticatorId) {
        JsonObject which = new JsonObject();
        which.addProperty("authenticatorId", authenticatorId);
        return devtools.send("WebAuthn.getCredentials", which).getAsJsonArray("credentials");
    }

    @Test
    void aPasswordSignInOfAMemberWithAPasskeyEndsVerifiedWithThePasskeyAndRefusesAnotherAccountsPasskey() {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setBaseURL("http://localhost:" + port).setViewportSize(1200, 900).setLocale("en-GB"))) {
            context.setDefaultTimeout(30_000);
            context.setDefaultNavigationTimeout(90_000);
            Page page = context.newPage();
            CDPSession devtools = context.newCDPSession(page);
            devtools.send("WebAuthn.enable");
            JsonObject authenticator = new JsonObject();
            authenticator.addProperty("protocol", "ctap2");
            authenticator.addProperty("transport", "internal");
            authenticator.addProperty("hasResidentKey", true);
            authenticator.addProperty("hasUserVerification", true);
            authenticator.addProperty("isUserVerified", true);
            authenticator.addProperty("automaticPresenceSimulation", true);
            JsonObject add = new JsonObject();
            add.add("options", authenticator);
            String authenticatorId = devtools.send("WebAuthn.addVirtualAuthenticator", add).get("authenticatorId").getAsString();

            // Mel's passkey and then Grace's on the same authenticator.
            signUp(page, "Mel Lee", "mel-" + System.nanoTime() + "@example.com", "Other team");
            addPasskey(page, "Mel's key");
            logOut(page);
            String grace = signUp(page, "Grace Hopper", "grace-" + System.nanoTime() + "@example.com", "Compilers");
            addPasskey(page, "Grace's key");
            assertThat(page.getByText("On with your passkeys")).isVisible();
            logOut(page);
            com.google.gson.JsonArray held = credentials(devtools, authenticatorId);
            assertThat(held.size()).isEqualTo(2);
            JsonObject graces = held.get(1).getAsJsonObject();
            String melsId = held.get(0).getAsJsonObject().get("credentialId").getAsString();
            assertThat(graces.get("credentialId").getAsString()).isNotEqualTo(melsId);

            // The password is right: no session yet, the passkey is asked for.
            page.navigate("/login?next=/settings/security");
            page.getByLabel("Email").fill(grace);
            page.getByLabel("Password").fill(PASSWORD);
            page.getByLabel("Remember me").check();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
            assertThat(page).hasURL(Pattern.compile("/login/verify$"));
            assertThat(page.getByText("Use one of your passkeys to finish signing in, or enter one of your recovery codes.")).isVisible();
            assertThat(page.request().get("/api/v1/sessions/current").status()).as("no session before the passkey").isEqualTo(401);
            accessible(page, "second step with a passkey");

            // Grace's own passkey completes the sign-in: verified, remembered, and back where it was asked for. (A step that
            // swapped the virtual authenticator's credentials to show another account's passkey refused was unreliable on a
            // loaded machine; PasskeyPagesTest checks that the ceremony is bound to the account and offers only its passkeys.)
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Use a passkey")).click();
            assertThat(page).hasURL(Pattern.compile("/settings/security$"));
            assertThat(verified(page)).as("password and passkey: a verified session").isTrue();
            assertThat(context.cookies().stream().filter(c -> c.name.equals("lanyard_session")).findFirst().orElseThrow().expires)
                    .as("remember me was kept across the second step").isGreaterThan(0);
        }
    }
}
