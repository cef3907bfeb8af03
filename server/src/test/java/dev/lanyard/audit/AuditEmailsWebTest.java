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

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Mailer;
import dev.lanyard.account.Members;
import dev.lanyard.account.Role;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An email address inside the log's sentences: one whose local part holds right-to-left letters is isolated there, as a
 * device description is (FSI … PDI in the sentence, a {@code <bdi>} on the page), so that it does not take the words
 * after it along; the address fields of the API and the exports stay as they are.
 */
@LanyardSpringTest
class AuditEmailsWebTest {
    private static final char FSI = '\u2068';
    private static final char PDI = '\u2069';

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

    private ApiClient api;
    private AuditFixtures teams;
    private Member admin;
    private Member sara;

    @BeforeEach
    void teamWithARightToLeftAddress() throws Exception {
        api = new ApiClient(mvc, json);
        teams = new AuditFixtures(api, accounts, members, mailer, audit);
        admin = api.signUp("ada");
        sara = teams.memberOf(admin, "Sara", TestAccounts.uniqueEmail("سارة"));
    }

    @Test
    void aRightToLeftAddressIsIsolatedInTheLogsSentencesAndKeptAsItIsInItsFields() throws Exception {
        members.changeRole(teams.account(admin), new AccountId(sara.accountId()), Role.ADMIN);
        String ordinary = TestAccounts.uniqueEmail("bob");
        members.invite(teams.account(admin), ordinary, Role.MEMBER, admin.address());
        assertThat(mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(java.util.Map.of("email", sara.email(), "password", "not the password")))).andReturn()
                .getResponse().getStatus()).isEqualTo(401);
        String isolated = FSI + sara.email() + PDI;

        List<JsonNode> items = items(admin, "/api/v1/audit?limit=100");
        assertThat(detail(items, "team.member-invited")).contains("Invited " + isolated + " as member", "Invited " + ordinary + " as member");
        assertThat(detail(items, "team.role-changed")).containsExactly("Changed the role of " + isolated + " from member to admin");
        JsonNode failed = items.stream().filter(e -> e.path("action").asString().equals("account.sign-in-failed")).findFirst().orElseThrow();
        assertThat(failed.path("detail").asString()).isEqualTo("Failed sign-in as " + isolated + ": wrong password");
        assertThat(failed.path("actor").path("email").asString()).as("the address itself, as stored").isEqualTo(sara.email());

        String page = as(admin, "/admin/audit");
        assertThat(page).contains("Changed the role of <bdi>" + sara.email() + "</bdi> from member to admin",
                        "Failed sign-in as <bdi>" + sara.email() + "</bdi>: wrong password", "Invited " + ordinary + " as member",
                        // the By column's address, a line break allowed after its @ and each dot
                        "dir=\"auto\">" + sara.email().replace("@", "@<wbr>").replace(".", ".<wbr>") + "</span>")
                .doesNotContain(FSI + sara.email());

        String csv = download(admin, "/admin/audit/export?format=csv");
        String failedRow = csv.lines().filter(l -> l.contains("\"account.sign-in-failed\"")).findFirst().orElseThrow();
        assertThat(failedRow).as("actor_id is empty, actor_email the address as it is")
                .contains(",\"account.sign-in-failed\",,\"" + sara.email() + "\",");
        JsonNode exported = json.readTree(download(admin, "/admin/audit/export?format=json"));
        List<String> exportedEmails = new ArrayList<>();
        exported.forEach(e -> exportedEmails.add(e.path("actor").path("email").asString()));
        assertThat(exportedEmails).contains(sara.email()).noneMatch(e -> e.indexOf(FSI) >= 0 || e.indexOf(PDI) >= 0);
    }

    private static List<String> detail(List<JsonNode> items, String action) {
        return items.stream().filter(e -> e.path("action").asString().equals(action)).map(e -> e.path("detail").asString()).toList();
    }

    private List<JsonNode> items(Member member, String path) throws Exception {
        MockHttpServletResponse response = mvc.perform(get(URI.create(path)).cookie(member.cookie()).with(member.from())).andReturn().getResponse();
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        json.readTree(response.getContentAsString(StandardCharsets.UTF_8)).path("items").forEach(items::add);
        return items;
    }

    private String as(Member member, String path) throws Exception {
        MockHttpServletResponse response = mvc.perform(get(URI.create(path)).accept(MediaType.TEXT_HTML).cookie(member.cookie())
                .with(member.from())).andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(200);
        return response.getContentAsString(StandardCharsets.UTF_8);
    }

    private String download(Member member, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", ApiClient.COOKIE + "=" + member.token()).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
