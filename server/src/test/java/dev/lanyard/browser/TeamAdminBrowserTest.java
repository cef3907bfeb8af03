package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PageAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.lanyard.session.EndReason;
import dev.lanyard.team.TestMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * A team admin's day in a real browser (PRODUCT.md T1–T3): invite someone by email, who follows
 * the link from the mail that reached a real SMTP server (GreenMail) and joins, signs in on a phone
 * too, shows up with two sessions on the team page, and is forced out with a reason: their open
 * page learns it at once, and after signing in again their history shows the reason.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1"})
@ContextConfiguration(initializers = TestMail.SqliteWithSmtp.class)
class TeamAdminBrowserTest extends BrowserTest {
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    @Test
    void adminInvitesByMailTheMemberJoinsOnTwoDevicesAndIsForcedOutWithAReason() {
        // The admin signs up: a new team with them as its admin.
        Page admin = open(Chromium.MAC_MADRID);
        admin.navigate("/signup");
        admin.getByLabel("Your name").fill("Ada Admin");
        admin.getByLabel("Email").fill(nextEmail("ada"));
        admin.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(PASSWORD);
        admin.getByLabel("Team name").fill("Acme");
        admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertThat(admin).hasURL(Pattern.compile("/settings/sessions\\?done=welcome$"));

        // Invite by email from the Members page.
        admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Members").setExact(true)).click();
        assertThat(admin.locator("h1")).hasText("Members");
        String email = nextEmail("mel");
        admin.locator("#invite-email").fill(email);
        admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send invitation")).click();
        assertThat(admin.locator("main .alert.success")).hasText("Invitation sent. The link works once and expires in 7 days.");
        assertThat(admin.locator("tr").filter(new Locator.FilterOptions().setHasText(email))).containsText("Pending");

        // The mail reached the SMTP server; the invitee follows its link on their laptop.
        TestMail.Mail mail = TestMail.lastMailTo(email);
        org.assertj.core.api.Assertions.assertThat(mail.subject()).isEqualTo("Invitation to join a team on Lanyard");
        org.assertj.core.api.Assertions.assertThat(mail.body()).contains("Invited by: \u201cAda Admin\u201d", "Team:       \u201cAcme\u201d");
        Page laptop = open(Chromium.WINDOWS_STOCKHOLM);
        laptop.navigate(mail.path());
        assertThat(laptop.locator("h1")).hasText("Join your team on Lanyard");
        assertThat(laptop.locator("main")).containsText("You are joining as " + email + ".");
        laptop.getByLabel("Your name").fill("Mel Member");
        laptop.getByLabel("Choose a password").fill(PASSWORD);
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join and sign in")).click();
        assertThat(laptop).hasURL(Pattern.compile("/settings/sessions\\?done=joined$"));
        assertThat(laptop.locator("main .alert.success")).containsText("Welcome to your team on Lanyard.");
        assertThat(laptop.locator("article.card.current")).containsText("Stockholm, Sweden");
        assertThat(laptop.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Team sessions"))).hasCount(0);

        // The same member on their iPhone: a second device, which keeps its sessions page open.
        Page phone = open(Chromium.IPHONE_LONDON);
        phone.navigate("/login");
        phone.getByLabel("Email").fill(email);
        phone.getByLabel("Password").fill(PASSWORD);
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(phone).hasURL(Pattern.compile("/settings/sessions$"));
        assertThat(phone.locator("article.card.current")).containsText("London, England, United Kingdom");

        // The admin sees two sessions for the member, and both devices on the member's page.
        admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Team sessions")).click();
        assertThat(admin.locator("h1")).hasText("Team sessions");
        Locator row = admin.locator("tbody tr").filter(new Locator.FilterOptions().setHasText(email));
        assertThat(row.locator("td").nth(0)).containsText("Mel Member");
        assertThat(row.locator("td").nth(1)).hasText("Member");
        assertThat(row.locator("td").nth(2)).hasText("2");
        assertThat(admin.locator("p.lead strong")).hasText("3");
        row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Sessions of " + email)).click();
        assertThat(admin.locator("h1")).hasText("Mel Member");
        assertThat(admin.locator("main p.lead")).containsText("2 active sessions");
        Locator cards = admin.locator("ul.cards article");
        assertThat(cards).hasCount(2);
        assertThat(cards.filter(new Locator.FilterOptions().setHasText("London, England, United Kingdom"))).containsText("Safari 17 on iPhone");
        assertThat(cards.filter(new Locator.FilterOptions().setHasText("Stockholm, Sweden"))).containsText("Firefox 133 on Windows");

        // Force sign-out with a reason.
        String reason = "Phone reported lost on " + ACCOUNTS.get();
        admin.getByLabel("Reason (required)").fill(reason);
        admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Force sign-out")).click();
        assertThat(admin).hasURL(Pattern.compile("/admin/sessions\\?done=member-signed-out&signedOut=[^&]+$"));
        assertThat(admin.locator("main .alert.success"))
                .hasText("Mel Member was signed out everywhere. They will see your reason in their session history.");
        assertThat(admin.locator("tbody tr").filter(new Locator.FilterOptions().setHasText(email)).locator("td").nth(2)).hasText("0");
        assertThat(admin.locator("p.lead strong")).hasText("1");

        // The member's open pages learn it at once, without the test touching them.
        assertThat(phone.locator("#signed-out-notice")).isVisible();
        assertThat(phone.locator("#signed-out-notice")).containsText(EndReason.ADMIN_REVOKED.notice());
        // (the laptop's notice may already have given way to the sign-in page, which says the same)
        assertThat(laptop.locator("#signed-out-notice").or(laptop.locator("main.auth .alert.warning")))
                .containsText(EndReason.ADMIN_REVOKED.notice());
        // Then the page moves to the sign-in page by itself, saying why.
        assertThat(phone).hasURL(Pattern.compile("/login\\?ended=admin-revoked$"),
                new PageAssertions.HasURLOptions().setTimeout(15_000));
        assertThat(phone.locator("main.auth .alert.warning")).hasText(EndReason.ADMIN_REVOKED.notice());

        // Signed in again, the member reads the admin's reason in their history, once per ended session.
        phone.getByLabel("Email").fill(email);
        phone.getByLabel("Password").fill(PASSWORD);
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(phone).hasURL(Pattern.compile("/settings/sessions$"));
        phone.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("History").setExact(true)).click();
        assertThat(phone.locator("h1")).hasText("Session history");
        Locator ended = phone.locator("tbody tr");
        assertThat(ended).hasCount(2);
        assertThat(ended.filter(new Locator.FilterOptions().setHasText("Signed out by an admin: " + reason))).hasCount(2);
        assertThat(ended.filter(new Locator.FilterOptions().setHasText("London, England, United Kingdom"))).hasCount(1);
        assertThat(ended.filter(new Locator.FilterOptions().setHasText("Stockholm, Sweden"))).hasCount(1);
    }
}
