package dev.lanyard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.lanyard.account.Accounts;
import dev.lanyard.account.Mailer;
import dev.lanyard.account.Members;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an admin or a client typed inside the log's sentences: a forced sign-out's reason and an API key's or app's name
 * that hold right-to-left letters are isolated there, as device descriptions and addresses are (FSI … PDI in the stored
 * sentence, so in the API and the exports; a {@code <bdi>} on the page), so that they do not take the words after them
 * along; ordinary text reads as before.
 */
@LanyardSpringTest
class AuditTypedTextWebTest {
    private static final char FSI = '\u2068';
    private static final char PDI = '\u2069';
    private static final String REASON = "الحاسوب مسروق";
    private static final String KEY = "مفتاح النشر";
    private static final String APP = "ويكي الفريق";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    Accounts accounts;
    @Autowired
    Members members;
    @Autowired
    Mailer mailer;
    @Autowired
    AuditLog audit;
    @LocalServerPort
    int port;

    private Member admin;
    private Member bob;
    private Member carol;

    @BeforeEach
    void team() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        AuditFixtures teams = new AuditFixtures(api, accounts, members, mailer, audit);
        admin = api.signUp("ada");
        bob = teams.memberOf(admin, "bob");
        carol = teams.memberOf(admin, "carol");
    }

    @Test
    void aRightToLeftReasonOrNameIsIsolatedInTheLogsSentencesAndOrdinaryTextReadsAsBefore() throws Exception {
        send(post("/api/v1/admin/members/" + bob.accountId() + "/sign-out"), Map.of("reason", REASON), 200);
        send(post("/api/v1/admin/members/" + carol.accountId() + "/sign-out"), Map.of("reason", "Lost laptop"), 200);
        for (String name : List.of(KEY, "CI deploy")) {
            send(post("/api/v1/api-keys"), Map.of("name", name, "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD), 201);
        }
        for (String name : List.of(APP, "Wiki")) {
            send(post("/api/v1/admin/apps"), Map.of("name", name, "redirectUris", List.of("https://wiki.example.com/cb"),
                    "scopes", List.of("openid")), 201);
        }

        List<JsonNode> items = items("/api/v1/audit?limit=100");
        assertThat(detail(items, "admin.forced-sign-out"))
                .anyMatch(d -> d.startsWith("Force sign-out of " + bob.email() + ": " + FSI + REASON + PDI + " — "))
                .anyMatch(d -> d.startsWith("Force sign-out of " + carol.email() + ": Lost laptop — "));
        assertThat(detail(items, "session.revoked-by-admin")).as("each session's entry gives the reason too")
                .anyMatch(d -> d.startsWith("Signed out " + bob.email() + " on ") && d.endsWith(": " + FSI + REASON + PDI))
                .anyMatch(d -> d.startsWith("Signed out " + carol.email() + " on ") && d.endsWith(": Lost laptop"));
        assertThat(detail(items, "key.created"))
                .anyMatch(d -> d.startsWith("Created API key “" + FSI + KEY + PDI + "” (lyk_"))
                .anyMatch(d -> d.startsWith("Created API key “CI deploy” (lyk_"));
        assertThat(detail(items, "app.registered"))
                .anyMatch(d -> d.startsWith("Registered the app “" + FSI + APP + PDI + "” ("))
                .anyMatch(d -> d.startsWith("Registered the app “Wiki” ("));

        String page = page("/admin/audit");
        assertThat(page).contains("Force sign-out of " + bob.email() + ": <bdi>" + REASON + "</bdi> — ",
                        "Force sign-out of " + carol.email() + ": Lost laptop — ",
                        "Created API key “<bdi>" + KEY + "</bdi>” (lyk_", "Created API key “<bdi>CI deploy</bdi>” (lyk_",
                        "Registered the app “<bdi>" + APP + "</bdi>” (")
                .doesNotContain(FSI + REASON).doesNotContain(FSI + KEY).doesNotContain(FSI + APP).doesNotContain("<bdi>Lost laptop");

        String csv = download("/admin/audit/export?format=csv");
        assertThat(csv).as("the stored sentence, marks and all")
                .contains(": " + FSI + REASON + PDI + " — ", "“" + FSI + KEY + PDI + "”", ": Lost laptop — ", "“CI deploy”");
    }

    @Test
    void aReasonOfSeveralLinesIsIsolatedOnEachLineThatHoldsRightToLeftText() throws Exception {
        String hebrew = "\u05d4\u05de\u05d7\u05e9\u05d1 \u05e0\u05d2\u05e0\u05d1";
        send(post("/api/v1/admin/members/" + bob.accountId() + "/sign-out"),
                Map.of("reason", REASON + "\nReported by Dana\n" + hebrew), 200);

        String isolated = FSI + REASON + PDI + "\nReported by Dana\n" + FSI + hebrew + PDI;
        assertThat(detail(items("/api/v1/audit?limit=100"), "admin.forced-sign-out"))
                .anyMatch(d -> d.startsWith("Force sign-out of " + bob.email() + ": " + isolated + " — "));
        assertThat(page("/admin/audit")).contains(": <bdi>" + REASON + "</bdi>\nReported by Dana\n<bdi>" + hebrew + "</bdi> — ");
    }

    private void send(MockHttpServletRequestBuilder request, Object body, int status) throws Exception {
        MockHttpServletResponse response = mvc.perform(request.cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(body))).andReturn().getResponse();
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(status);
    }

    private static List<String> detail(List<JsonNode> items, String action) {
        return items.stream().filter(e -> e.path("action").asString().equals(action)).map(e -> e.path("detail").asString()).toList();
    }

    private List<JsonNode> items(String path) throws Exception {
        MockHttpServletResponse response = mvc.perform(get(URI.create(path)).cookie(admin.cookie()).with(admin.from()))
                .andReturn().getResponse();
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        json.readTree(response.getContentAsString(StandardCharsets.UTF_8)).path("items").forEach(items::add);
        return items;
    }

    private String page(String path) throws Exception {
        MockHttpServletResponse response = mvc.perform(get(URI.create(path)).accept(MediaType.TEXT_HTML).cookie(admin.cookie())
                .with(admin.from())).andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(200);
        return response.getContentAsString(StandardCharsets.UTF_8);
    }

    private String download(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", ApiClient.COOKIE + "=" + admin.token()).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
