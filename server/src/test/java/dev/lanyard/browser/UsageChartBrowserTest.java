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
        assertThat(desk.locator(".usage-hours [data-hour]").first()).hasText(shown);
        assertThat(desk.locator("svg.usage-chart rect title").first()).hasText(shown + ": 0 requests");
        assertThat(desk.locator(".usage-table td[data-hour]")).hasCount(24);
    }

    /**
     * On a phone the hours under the chart stay legible, at least 10 px tall, side by side under the bars they name,
     * and the chart keeps its height (outside review: the labels, text in the SVG, shrank with it to 5 px at 390 px,
     * in a chart 62 px tall).
     */
    @Test
    void theUsageChartsHoursStayLegibleOnAPhone() {
        Page phone = open(Chromium.MAC_MADRID, 390, 800);
        signUp(phone, "Priya Raman", "Charts");
        phone.navigate("/settings/api-keys");
        phone.locator("#key-name").fill("Nightly report");
        phone.locator("#key-password").fill(PASSWORD);
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();
        assertThat(phone.locator("h1")).hasText("API key created");
        phone.navigate("/settings/api-keys");
        phone.navigate(phone.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Nightly report")).getAttribute("href"));

        var chart = phone.locator("svg.usage-chart").boundingBox();
        org.assertj.core.api.Assertions.assertThat(chart.height).as("the chart's height").isGreaterThanOrEqualTo(100);
        Locator labels = phone.locator(".usage-hours [data-hour]");
        assertThat(labels).hasCount(4);
        double rightOfLast = chart.x;
        for (int i = 0; i < 4; i++) {
            Locator label = labels.nth(i);
            double size = Double.parseDouble(((String) label.evaluate("e => getComputedStyle(e).fontSize")).replace("px", ""));
            var box = label.boundingBox();
            org.assertj.core.api.Assertions.assertThat(size).as("label " + i + "'s font size").isGreaterThanOrEqualTo(10);
            org.assertj.core.api.Assertions.assertThat(box.height).as("label " + i + "'s height").isGreaterThanOrEqualTo(10);
            org.assertj.core.api.Assertions.assertThat(box.x).as("label " + i + " under its bar, after the one before")
                    .isCloseTo(chart.x + chart.width * i / 4, org.assertj.core.api.Assertions.within(3.0))
                    .isGreaterThanOrEqualTo(rightOfLast);
            rightOfLast = box.x + box.width;
        }
        org.assertj.core.api.Assertions.assertThat(rightOfLast).as("the last label within the chart's width")
                .isLessThanOrEqualTo(chart.x + chart.width);
    }

    /** The hour's start, an ISO instant, as the page shows it in Asia/Kolkata ("19:30"). */
    private static String kolkata(String iso) {
        ZonedDateTime at = Instant.parse(iso).atZone(ZoneId.of("Asia/Kolkata"));
        return String.format("%02d:%02d", at.getHour(), at.getMinute());
    }
}
