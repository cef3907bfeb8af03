package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.regex.Pattern;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * An API key's requests per hour (PRODUCT.md A1) in the browser's zone, naming it, as the audit log's days are: the
 * server draws UTC hours labelled in UTC, and the page shows each hour's start in the browser's zone. In a zone whose
 * offset is not whole hours (Asia/Kolkata, +5:30) the hours the server counted start at :30 there, and say so.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1"})
@ContextConfiguration(initializers = SqliteDatabase.class)
class UsageChartBrowserTest extends BrowserTest {

    @Test
    void theUsageChartsHoursAreTheBrowsersAndNameItsZone() {
        Page desk = open(Chromium.MAC_MADRID, "Asia/Kolkata");
        signUp(desk, "Priya Raman", "Charts");
        desk.navigate("/settings/api-keys");
        desk.locator("#key-name").fill("Nightly report");
        desk.locator("#key-password").fill(PASSWORD);
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();
        assertThat(desk.locator("h1")).hasText("API key created");
        desk.navigate("/settings/api-keys");
        desk.navigate(desk.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Nightly report")).getAttribute("href"));

        // Chromium names the zone by its older name, as the browser's own settings report it.
        String zone = "\\(Asia/Kolkata\\)";
        assertThat(desk.locator("#usage-heading")).hasText(Pattern.compile("^Requests per hour, last 24 hours " + zone + "$"));
        assertThat(desk.locator(".usage-table caption")).hasText(Pattern.compile("^Requests per hour " + zone + "$"));
        assertThat(desk.locator("#usage-title")).hasText(Pattern.compile("over the last 24 hours " + zone + ": 0 in all"));
        Locator firstRow = desk.locator(".usage-table td[data-hour]").first();
        String shown = kolkata(firstRow.getAttribute("data-hour"));
        org.assertj.core.api.Assertions.assertThat(shown).endsWith(":30");
        assertThat(firstRow).hasText(shown);
        assertThat(desk.locator("svg.usage-chart text[data-hour]").first()).hasText(shown);
        assertThat(desk.locator("svg.usage-chart rect title").first()).hasText(shown + ": 0 requests");
        assertThat(desk.locator(".usage-table td[data-hour]")).hasCount(24);
    }

    /** The hour's start, an ISO instant, as the page shows it in Asia/Kolkata ("19:30"). */
    private static String kolkata(String iso) {
        ZonedDateTime at = Instant.parse(iso).atZone(ZoneId.of("Asia/Kolkata"));
        return String.format("%02d:%02d", at.getHour(), at.getMinute());
    }
}
