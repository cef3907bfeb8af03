package dev.lanyard.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
import nl.basjes.parse.useragent.config.TestCase;
import org.junit.jupiter.api.Test;

/**
 * Yauaa's analyzer made compact (its rule index packed, its prefix lookups shared; decisions 45
 * and 77) parses every one of Yauaa's own test cases (a few thousand user agents and client hints
 * of browsers, phones, apps and crawlers) exactly as the analyzer did as built, for every field
 * Lanyard reads.
 */
class RuleIndexTest {
    private static final String[] FIELDS = {UserAgent.AGENT_NAME, UserAgent.AGENT_VERSION_MAJOR, UserAgent.OPERATING_SYSTEM_NAME,
            UserAgent.OPERATING_SYSTEM_VERSION_MAJOR, UserAgent.DEVICE_CLASS, UserAgent.DEVICE_NAME, UserAgent.DEVICE_BRAND,
            UserAgent.WEBVIEW_APP_NAME, UserAgent.WEBVIEW_APP_VERSION_MAJOR};

    @Test
    void theCompactAnalyzerParsesYauaasOwnTestCasesAsTheAnalyzerAsBuilt() {
        UserAgentAnalyzer analyzer = UserAgentParser.builder().keepTests().build();
        List<TestCase> cases = analyzer.getConfig().getTestCases();
        assertThat(cases).hasSizeGreaterThan(1_000);
        List<Map<String, String>> asBuilt = parseAll(analyzer, cases);

        int replaced = RuleIndex.compact(analyzer);
        assertThat(replaced).as("the index is where Yauaa " + nl.basjes.parse.useragent.utils.YauaaVersion.getVersion() + " keeps it")
                .isGreaterThan(100_000);
        assertThat(RuleIndex.compact(analyzer)).as("a second pass has nothing left to replace").isZero();
        assertThat(RuleIndex.shareLookups(analyzer)).as("steps that look up by prefix in the same table").isGreaterThan(50);
        assertThat(RuleIndex.shareLookups(analyzer)).as("a second pass has nothing left to share").isZero();
        analyzer.clearCache();

        assertThat(parseAll(analyzer, cases)).isEqualTo(asBuilt);
    }

    private static List<Map<String, String>> parseAll(UserAgentAnalyzer analyzer, List<TestCase> cases) {
        List<Map<String, String>> results = new ArrayList<>();
        for (TestCase testCase : cases) {
            UserAgent parsed = analyzer.parse(testCase.getHeaders());
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("input", testCase.getHeaders().toString());
            for (String field : FIELDS) fields.put(field, parsed.getValue(field));
            results.add(fields);
        }
        return results;
    }
}
