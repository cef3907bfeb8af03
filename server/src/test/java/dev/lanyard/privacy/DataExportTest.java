package dev.lanyard.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Mailer;
import dev.lanyard.account.Members;
import dev.lanyard.account.Role;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.audit.AuditEntry;
import dev.lanyard.audit.AuditLog;
import dev.lanyard.audit.AuditQuery;
import dev.lanyard.device.Device;
import dev.lanyard.factors.SecondFactors;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.Downloads;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Sessions;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import dev.lanyard.web.OpenApiContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A member's copy of their data (PRODUCT.md D6): {@code GET /api/v1/account/export} and the download on
 * {@code /settings/security} hold the member's account, sessions, history, keys and activity, no secret and
 * nothing of another member's beyond what their own activity shows, are refused to API keys and recorded in
 * the audit log. Downloads go over real HTTP (they are streamed) and are checked against the OpenAPI document.
 */
@LanyardSpringTest
class DataExportTest {
    private static final String API = "/api/v1/account/export";
    private static final String PAGE_DOWNLOAD = "/settings/data-export";
    private static final Pattern INVITE_LINK = Pattern.compile("/invite/([A-Za-z0-9_-]+)");

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
    @Autowired
    SecondFactors factors;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;
    @Autowired
    Sessions sessions;
    @Autowired
    OpenApiContract contract;
    @Autowired
    Downloads downloads;
    @LocalServerPort
    int port;

    private ApiClient api;
    private Member admin;
    private Member bob;

    @BeforeEach
    void team() throws Exception {
        api = new ApiClient(mvc, json);
        admin = api.signUp("ada");
        bob = memberOf(admin, "bob");
    }

    /** A new member of the admin's team, invited by mail and signed in with a cookie from an address of their own. */
    private Member memberOf(Member inviter, String who) throws Exception {
        Account by = account(inviter);
        String email = TestAccounts.uniqueEmail(who);
        members.invite(by, email, Role.MEMBER, inviter.address());
        String body = mailer.outbox(by.team(), 20).stream().filter(m -> m.recipient().equals(email)).findFirst().orElseThrow().body();
        Matcher link = INVITE_LINK.matcher(body);
        assertThat(link.find()).as(body).isTrue();
        Account joined = members.accept(link.group(1), who, TestAccounts.PASSWORD);
        return api.logIn(new Member(email, "", "", joined.id().value(), ""));
    }

    private Account account(Member member) {
        return accounts.find(new AccountId(member.accountId())).orElseThrow();
    }

    private MockHttpServletResponse as(Member member, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(member.cookie()).with(member.from())).andReturn().getResponse();
    }

    /** Downloads over real HTTP with the member's cookie; an API exchange is held to the OpenAPI document. */
    private HttpResponse<String> download(Member member, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", ApiClient.COOKIE + "=" + member.token()).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        contract.check(request, null, response);
        return response;
    }

    private JsonNode export(Member member) throws Exception {
        HttpResponse<String> response = download(member, API);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private String createKey(Member member, String name) throws Exception {
        MockHttpServletResponse created = as(member, post("/api/v1/api-keys").contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("name", name, "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD))));
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        return json.readTree(created.getContentAsString()).path("secret").asString();
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static Optional<JsonNode> sessionWithId(JsonNode sessions, String id) {
        return list(sessions).stream().filter(s -> s.path("session").path("id").asString().equals(id)).findFirst();
    }

    /** Outside review: the export named where each session is used now, never where it signed in. */
    @Test
    void theExportSaysWhereEachSessionSignedIn() throws Exception {
        Member phone = api.logIn(bob);

        JsonNode doc = export(bob);

        JsonNode downloading = sessionWithId(doc.path("sessions"), bob.sessionId()).orElseThrow().path("session");
        assertThat(downloading.path("ip").asString()).as("the download came from elsewhere").isEqualTo("127.0.0.1");
        assertThat(downloading.path("signIn").path("ip").asString()).isEqualTo(dev.lanyard.geo.ClientAddresses.network(bob.address()));
        assertThat(downloading.path("signIn").path("location").path("label").asString()).isNotEmpty();
        JsonNode unmoved = sessionWithId(doc.path("sessions"), phone.sessionId()).orElseThrow().path("session");
        assertThat(unmoved.path("signIn").path("ip").asString()).as("in full, as its owner sees it").isEqualTo(phone.address());
    }

    @Test
    void theApiExportHoldsTheMembersAccountSessionsHistoryKeysAndActivity() throws Exception {
        Member phone = api.logIn(bob);
        Member tablet = api.logIn(bob);
        assertThat(as(bob, patch("/api/v1/sessions/" + phone.sessionId()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"Work phone\"}")).getStatus()).isEqualTo(200);
        assertThat(as(bob, delete("/api/v1/sessions/" + tablet.sessionId())).getStatus()).isEqualTo(204);
        createKey(bob, "Nightly backup");
        accounts.noteTimeZone(new dev.lanyard.account.AccountId(bob.accountId()), "Europe/Paris", phone.sessionId());
        accounts.noteTimeZone(new dev.lanyard.account.AccountId(bob.accountId()), "Europe/Lisbon");

        HttpResponse<String> response = download(bob, API);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.headers().firstValue("Content-Disposition")).hasValue(
                "attachment; filename=\"lanyard-data-" + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) + ".json\"");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode doc = json.readTree(response.body());

        JsonNode account = doc.path("account");
        assertThat(account.path("id").asString()).isEqualTo(bob.accountId());
        assertThat(account.path("email").asString()).isEqualTo(bob.email());
        assertThat(account.path("name").asString()).isEqualTo("bob");
        assertThat(account.path("role").asString()).isEqualTo("member");
        assertThat(account.path("teamName").asString()).isEqualTo(accounts.team(account(admin).team()).orElseThrow().name());
        assertThat(account.path("createdAt").asString()).isNotEmpty();
        assertThat(account.path("timeZone").asString()).as("the zone their mails give times in").isEqualTo("Europe/Lisbon");
        JsonNode notes = account.path("timeZoneNotes");
        assertThat(notes).as("each sign-in's reported zone, newest first (outside review)").hasSize(2);
        assertThat(notes.get(0).path("zone").asString()).isEqualTo("Europe/Lisbon");
        assertThat(notes.get(0).path("sessionId").isNull()).as("a password reset's").isTrue();
        assertThat(notes.get(1).path("zone").asString()).isEqualTo("Europe/Paris");
        assertThat(notes.get(1).path("sessionId").asString()).isEqualTo(phone.sessionId());
        assertThat(notes.get(1).path("disowned").asBoolean()).isFalse();

        JsonNode current = sessionWithId(doc.path("sessions"), bob.sessionId()).orElseThrow();
        assertThat(current.path("session").path("current").asBoolean()).isTrue();
        assertThat(current.path("session").path("ip").asString()).as("the full address the download came from").isEqualTo("127.0.0.1");
        assertThat(list(current.path("timeline"))).extracting(l -> l.path("text").asString()).contains("Signed in with a password");
        JsonNode renamed = sessionWithId(doc.path("sessions"), phone.sessionId()).orElseThrow();
        assertThat(renamed.path("session").path("name").asString()).isEqualTo("Work phone");
        assertThat(renamed.path("session").path("ip").asString()).as("the full address, as its owner sees it").isEqualTo(phone.address());
        assertThat(list(renamed.path("timeline"))).extracting(l -> l.path("text").asString()).contains("Renamed to “Work phone”");
        assertThat(sessionWithId(doc.path("sessions"), tablet.sessionId())).as("ended, so in history").isEmpty();

        JsonNode ended = sessionWithId(doc.path("history"), tablet.sessionId()).orElseThrow();
        assertThat(ended.path("session").path("endReason").asString()).isEqualTo("revoked");
        assertThat(ended.path("session").path("endedAt").asString()).isNotEmpty();
        assertThat(list(ended.path("timeline"))).last().satisfies(l -> assertThat(l.path("text").asString()).startsWith("Ended: "));

        assertThat(list(doc.path("apiKeys"))).singleElement().satisfies(k -> {
            assertThat(k.path("name").asString()).isEqualTo("Nightly backup");
            assertThat(list(k.path("scopes"))).extracting(JsonNode::asString).containsExactly("sessions:read");
            assertThat(k.path("createdAt").asString()).isNotEmpty();
            assertThat(k.path("lastUsedAt").isNull()).isTrue();
        });
        assertThat(list(doc.path("apps"))).isEmpty();
        assertThat(list(doc.path("passkeys"))).isEmpty();
        assertThat(doc.path("twoFactor").path("enabled").asBoolean()).isFalse();
        assertThat(doc.path("signInAlerts").path("newDeviceEmails").asBoolean()).isTrue();

        List<JsonNode> activity = list(doc.path("activity"));
        assertThat(activity).extracting(e -> e.path("action").asString())
                .contains("team.member-joined", "session.signed-in", "session.renamed", "session.revoked", "key.created");
        assertThat(activity).allSatisfy(e -> assertThat(bob.accountId()).as(e.toString())
                .isIn(e.path("subject").asString(""), e.path("actor").path("id").asString("")));
        for (int i = 1; i < activity.size(); i++) {
            assertThat(activity.get(i).path("seq").asLong()).as("oldest first").isGreaterThan(activity.get(i - 1).path("seq").asLong());
        }
    }

    /** Left out before: each session's User-Agent and coordinates, what the sign-in checks remember, the mails sent. */
    @Test
    void theExportHoldsEachSessionsUserAgentAndPlaceWhatTheSignInChecksRememberAndTheMailsSent() throws Exception {
        String firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        GeoLocation madrid = new GeoLocation("Madrid", "Madrid", "Spain", "ES", "Telefonica", Optional.of(40.4168), Optional.of(-3.7038), false);
        String laptop = sessions.start(new NewSession(account(bob).id(), new ClientOrigin(
                new Device("Firefox", "133", "Windows", "", dev.lanyard.device.DeviceType.DESKTOP, ""), firefox, "83.45.123.9", madrid),
                AppType.WEB, false)).session().id().value();

        JsonNode doc = export(bob);

        JsonNode session = sessionWithId(doc.path("sessions"), laptop).orElseThrow();
        assertThat(session.path("userAgent").asString()).isEqualTo(firefox);
        assertThat(session.path("latitude").asDouble()).isEqualTo(40.4168);
        assertThat(session.path("longitude").asDouble()).isEqualTo(-3.7038);
        assertThat(sessionWithId(doc.path("sessions"), bob.sessionId()).orElseThrow().path("latitude").isNull())
                .as("a place unknown has no coordinates").isTrue();
        assertThat(list(doc.path("riskMemory"))).extracting(r -> r.path("kind").asString() + " " + r.path("value").asString())
                .contains("device firefox|windows|DESKTOP", "country ES", "address 83.45.123.9", "place 40.42,-3.70,ES");
        assertThat(list(doc.path("riskMemory"))).allSatisfy(r -> assertThat(r.path("lastSeenAt").asString()).isNotEmpty());
        assertThat(list(doc.path("mails"))).extracting(m -> m.path("subject").asString())
                .contains("Invitation to join a team on Lanyard", "New sign-in to your Lanyard account");
        assertThat(list(doc.path("mails"))).allSatisfy(m -> {
            assertThat(m.path("status").asString()).isEqualTo("kept");
            assertThat(m.has("body")).isFalse();
        });
        assertThat(list(export(admin).path("mails"))).as("the invitation was the admin's doing, not to them").isEmpty();
    }

    /**
     * A session past its lifetime that the sweep has not moved to the history yet is exported as it reads everywhere,
     * ended when it expired: it was among the active sessions as active, with no end, for up to a sweep interval.
     */
    @Test
    void aSessionThatExpiredBeforeTheSweepEndedItIsExportedAsEndedWhenItExpired() throws Exception {
        String phone = sessions.start(new NewSession(account(bob).id(), new ClientOrigin(Device.unknown(), "", ApiClient.newAddress(),
                GeoLocation.unknown()), AppType.WEB, false)).session().id().value();
        java.time.Instant lifetimeEnded = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minusSeconds(60);
        jdbc.sql("UPDATE sessions SET last_active_at = :last, expires_at = :at WHERE id = :id")
                .param("last", lifetimeEnded.minusSeconds(3 * 3600).toEpochMilli()).param("at", lifetimeEnded.toEpochMilli())
                .param("id", phone).update();

        JsonNode doc = export(bob);

        JsonNode expired = sessionWithId(doc.path("sessions"), phone).orElseThrow().path("session");
        assertThat(expired.path("endReason").asString()).isEqualTo("lifetime-expired");
        assertThat(java.time.Instant.parse(expired.path("endedAt").asString())).as("its lifetime's end").isEqualTo(lifetimeEnded);
        assertThat(expired.path("activeNow").asBoolean()).isFalse();
        assertThat(list(sessionWithId(doc.path("sessions"), phone).orElseThrow().path("timeline"))).last()
                .satisfies(l -> assertThat(l.path("text").asString()).startsWith("Ended: "));
        assertThat(sessionWithId(doc.path("history"), phone)).as("the sweep has not moved it there yet").isEmpty();
        assertThat(sessionWithId(doc.path("sessions"), bob.sessionId()).orElseThrow().path("session").path("endedAt").isNull())
                .as("the session the export was taken with is active").isTrue();
    }

    @Test
    void everySessionIsExportedWithItsWholeTimelinePastOnePageAndPastTheTimelinesHundredLines() throws Exception {
        Account bobs = account(bob);
        List<String> started = new ArrayList<>();
        for (int i = 0; i < Sessions.MAX_PAGE + 5; i++) {
            started.add(sessions.start(new NewSession(bobs.id(), new ClientOrigin(Device.unknown(), "", ApiClient.newAddress(),
                    GeoLocation.unknown()), AppType.WEB, false)).session().id().value());
        }
        Member roaming = api.logIn(bob);
        long at = clock.instant().toEpochMilli();
        for (int i = 1; i <= 150; i++) {
            jdbc.sql("INSERT INTO session_events (session_id, at, kind, detail) VALUES (?, ?, 'address-changed', ?)")
                    .params(roaming.sessionId(), at + i, "10.1.0." + i).update();
        }

        JsonNode doc = export(bob);

        List<JsonNode> everySession = new ArrayList<>(list(doc.path("sessions")));
        everySession.addAll(list(doc.path("history")));
        assertThat(everySession).extracting(s -> s.path("session").path("id").asString()).containsAll(started)
                .contains(roaming.sessionId()).doesNotHaveDuplicates();
        assertThat(everySession).allSatisfy(s -> assertThat(list(s.path("timeline"))).first()
                .satisfies(l -> assertThat(l.path("text").asString()).isEqualTo("Signed in with a password")));
        List<String> lines = list(sessionWithId(doc.path("sessions"), roaming.sessionId()).orElseThrow().path("timeline")).stream()
                .map(l -> l.path("text").asString()).toList();
        assertThat(lines).as("the oldest lines too").hasSize(151).startsWith("Signed in with a password", "Used from a new IP address: 10.1.0.1")
                .endsWith("Used from a new IP address: 10.1.0.150");
    }

    @Test
    void theExportHoldsNoTokenHashKeySecretPasswordHashSeedOrRecoveryCode() throws Exception {
        Member phone = api.logIn(bob);
        String key = createKey(bob, "CI");
        SecondFactors.Enroller enroller = factors.startEnrolment(account(bob), new dev.lanyard.session.SessionId(bob.sessionId()));
        SecondFactors.Enrolment enrolment = factors.status(account(bob), enroller).pending().orElseThrow();
        List<String> recoveryCodes = factors.confirm(account(bob),
                new SecondFactors.Confirmation(enroller, enrolment.id(), TestAccounts.PASSWORD, totp(enrolment.secret())), bob.address());
        assertThat(recoveryCodes).isNotEmpty();

        JsonNode doc = export(bob);
        String text = doc.toString();

        assertThat(doc.path("twoFactor").path("enabled").asBoolean()).isTrue();
        assertThat(doc.path("twoFactor").path("recoveryCodesLeft").asInt()).isEqualTo(recoveryCodes.size());
        assertThat(doc.path("twoFactor").path("enabledAt").asString()).isNotEmpty();
        List<String> secrets = new ArrayList<>(List.of(bob.token(), phone.token(), key, enrolment.secret(),
                enrolment.secret().replace(" ", ""), enrolment.uri()));
        secrets.addAll(recoveryCodes);
        secrets.addAll(jdbc.sql("SELECT token_hash FROM sessions WHERE account_id = ?").param(bob.accountId()).query(String.class).list());
        secrets.add(jdbc.sql("SELECT password_hash FROM accounts WHERE id = ?").param(bob.accountId()).query(String.class).single());
        secrets.add(jdbc.sql("SELECT seed FROM totp_factors WHERE account_id = ?").param(bob.accountId()).query(String.class).single());
        secrets.addAll(jdbc.sql("SELECT code_hash FROM recovery_codes WHERE account_id = ?").param(bob.accountId()).query(String.class).list());
        assertThat(secrets).hasSizeGreaterThan(10).allSatisfy(secret -> assertThat(text).doesNotContain(secret));
        assertThat(text).doesNotContain("passwordHash").doesNotContain("tokenHash").doesNotContain("\"secret\"").doesNotContain("\"seed\"");
    }

    @Test
    void anotherMembersDataNeverAppearsAndTheirAddressStaysMasked() throws Exception {
        Member adminPhone = api.logIn(admin);
        createKey(admin, "Admin key");
        // The admin signs out every session of the member: the member's activity names the admin, from the admin's address.
        assertThat(as(admin, post("/api/v1/admin/members/" + bob.accountId() + "/sign-out").contentType(MediaType.APPLICATION_JSON)
                .content("{\"reason\":\"Lost laptop\"}")).getStatus()).isEqualTo(200);
        Member bobAgain = api.logIn(bob);

        JsonNode doc = export(bobAgain);
        String text = doc.toString();

        List<JsonNode> everySession = new ArrayList<>(list(doc.path("sessions")));
        everySession.addAll(list(doc.path("history")));
        assertThat(everySession).extracting(s -> s.path("session").path("id").asString())
                .contains(bob.sessionId(), bobAgain.sessionId()).doesNotContain(admin.sessionId(), adminPhone.sessionId());
        assertThat(sessionWithId(doc.path("history"), bob.sessionId()).orElseThrow().path("session").path("endNote").asString())
                .isEqualTo("Lost laptop");
        List<JsonNode> byAdmin = list(doc.path("activity")).stream()
                .filter(e -> e.path("actor").path("id").asString("").equals(admin.accountId())).toList();
        assertThat(byAdmin).extracting(e -> e.path("action").asString()).contains("admin.forced-sign-out", "session.revoked-by-admin");
        String masked = ClientAddresses.mask(java.net.InetAddress.getByName(admin.address()));
        assertThat(byAdmin).allSatisfy(e -> {
            assertThat(e.path("ip").asString("")).isIn("", masked);
            assertThat(e.path("actor").path("session").isNull()).as("the admin's session id is left out").isTrue();
        });
        assertThat(doc.path("apiKeys").toString()).doesNotContain("Admin key");
        assertThat(text).doesNotContain(admin.address()).doesNotContain(adminPhone.address())
                .doesNotContain(admin.sessionId()).doesNotContain(adminPhone.sessionId()).doesNotContain(admin.token());
    }

    @Test
    void anApiKeyIsRefusedAndNobodySignedOutGetsAnything() throws Exception {
        String key = createKey(bob, "Reader");

        MockHttpServletResponse withKey = mvc.perform(get(API).header("Authorization", "Bearer " + key)).andReturn().getResponse();
        MockHttpServletResponse anonymous = mvc.perform(get(API).with(ApiClient.from(ApiClient.newAddress()))).andReturn().getResponse();

        assertThat(withKey.getStatus()).as(withKey.getContentAsString()).isEqualTo(403);
        assertThat(withKey.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(json.readTree(withKey.getContentAsString()).path("type").asString()).isEqualTo("urn:lanyard:problem:forbidden");
        assertThat(anonymous.getStatus()).isEqualTo(401);
        assertThat(anonymous.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(ownActions(bob)).doesNotContain("account.data-exported");
    }

    /** Taking an export is recorded: a download another site starts (a link there) is refused, from the pages and the API. */
    @Test
    void aDownloadStartedByAnotherSiteIsRefusedAndNotRecorded() throws Exception {
        for (String path : List.of(API, PAGE_DOWNLOAD)) {
            for (String site : List.of("cross-site", "same-site")) {
                MockHttpServletResponse refused = as(bob, get(path).header("Sec-Fetch-Site", site));
                assertThat(refused.getStatus()).as(path + " " + site).isEqualTo(403);
                assertThat(refused.getContentAsString()).contains("A copy of your data is only given from Lanyard");
            }
        }
        assertThat(ownActions(bob)).doesNotContain("account.data-exported");

        assertThat(as(bob, get(API).header("Sec-Fetch-Site", "same-origin")).getStatus()).isEqualTo(200);
        assertThat(as(bob, get(PAGE_DOWNLOAD).header("Sec-Fetch-Site", "none")).getStatus()).as("typed or bookmarked").isEqualTo(200);
    }

    /**
     * Another origin is told as every state-changing request's is (decision 3): by Origin first, then Sec-Fetch-Site.
     * Outside review: a foreign Origin without Sec-Fetch-Site was served and recorded.
     */
    @Test
    void aDownloadFromAForeignOriginIsRefusedWithoutSecFetchSiteAndOneFromLanyardsOwnIsGiven() throws Exception {
        for (String path : List.of(API, PAGE_DOWNLOAD)) {
            for (String origin : List.of("http://evil.example", "http://localhost:8081", "null")) {
                MockHttpServletResponse refused = as(bob, get(path).header("Origin", origin));
                assertThat(refused.getStatus()).as(path + " " + origin).isEqualTo(403);
                assertThat(refused.getContentAsString()).contains("A copy of your data is only given from Lanyard");
            }
        }
        assertThat(ownActions(bob)).doesNotContain("account.data-exported");

        assertThat(as(bob, get(API).header("Origin", "http://localhost")).getStatus()).as("Lanyard's own").isEqualTo(200);
        assertThat(as(bob, get(PAGE_DOWNLOAD).header("Origin", "http://localhost").header("Sec-Fetch-Site", "same-origin"))
                .getStatus()).isEqualTo(200);
    }

    /**
     * HEAD is safe: it neither builds an export nor records one (outside QA: HEAD of the API's export wrote the whole
     * document and an account.data-exported entry). A download has no honest HEAD short of writing it, so it is 405.
     */
    @Test
    void headOfADownloadIsRefusedBeforeAnyExportIsMadeOrRecorded() throws Exception {
        for (String path : List.of(API, PAGE_DOWNLOAD, "/api/v1/audit/export?scope=own", "/api/v1/audit/export?scope=own&format=json",
                "/settings/activity/export")) {
            HttpResponse<String> head = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("Cookie", ApiClient.COOKIE + "=" + bob.token())
                            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).as(path).isEqualTo(405);
            assertThat(head.headers().firstValue("Allow")).as(path).hasValue("GET");
            assertThat(head.headers().firstValue("Content-Disposition")).as(path).isEmpty();
        }
        assertThat(ownActions(bob)).doesNotContain("account.data-exported");

        assertThat(download(bob, API).statusCode()).isEqualTo(200);
        assertThat(ownActions(bob)).contains("account.data-exported");
    }

    /**
     * An export whose file cannot be written is not recorded as taken (outside QA: with the downloads' directory gone,
     * every export failed and the member's activity still said "Data exported"). Its entry is recorded once it is written.
     */
    @Test
    void anExportThatCannotBeWrittenIsNotRecorded() throws Exception {
        Object directory = org.springframework.test.util.ReflectionTestUtils.getField(downloads, "directory");
        org.springframework.test.util.ReflectionTestUtils.setField(downloads, "directory",
                java.nio.file.Path.of("/nonexistent-lanyard-downloads", "gone"));
        try {
            for (String path : List.of(API, PAGE_DOWNLOAD)) {
                HttpResponse<String> failed = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Cookie", ApiClient.COOKIE + "=" + bob.token()).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(failed.statusCode()).as(path).isEqualTo(500);
            }
        } finally {
            org.springframework.test.util.ReflectionTestUtils.setField(downloads, "directory", directory);
        }
        assertThat(ownActions(bob)).doesNotContain("account.data-exported");

        assertThat(download(bob, API).statusCode()).isEqualTo(200);
        assertThat(ownActions(bob)).containsOnlyOnce("account.data-exported");
    }

    @Test
    void theSecurityPageOffersTheDownloadWhichWorksWithTheCookie() throws Exception {
        String page = as(bob, get("/settings/security").accept(MediaType.TEXT_HTML)).getContentAsString();

        assertThat(page).contains("<h2 id=\"your-data-heading\">Your data</h2>")
                .contains("href=\"" + PAGE_DOWNLOAD + "\"").contains("Download your data (JSON)");
        HttpResponse<String> response = download(bob, PAGE_DOWNLOAD);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(d -> assertThat(d).startsWith("attachment").contains("lanyard-data-").endsWith(".json\""));
        assertThat(json.readTree(response.body()).path("account").path("email").asString()).isEqualTo(bob.email());
        HttpResponse<String> signedOut = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + PAGE_DOWNLOAD)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signedOut.statusCode()).as("sent to the sign-in page").isEqualTo(302);
    }

    @Test
    void eachExportIsRecordedInTheMembersActivityFromTheSessionThatTookIt() throws Exception {
        export(bob);
        download(bob, PAGE_DOWNLOAD);

        List<AuditEntry> exports = audit.page(AuditQuery.ownedBy(account(bob).team(), account(bob).id()), 100, Optional.empty())
                .items().stream().filter(e -> e.action().equals("account.data-exported")).toList();
        assertThat(exports).hasSize(2).allSatisfy(e -> {
            assertThat(e.actor().id()).contains(new AccountId(bob.accountId()));
            assertThat(e.subject()).contains(new AccountId(bob.accountId()));
            assertThat(e.actor().session().map(s -> s.value())).contains(bob.sessionId());
            assertThat(e.ip()).as("the address the download came from, in full for its actor").contains("127.0.0.1");
            assertThat(e.detail()).isEqualTo("Downloaded a copy of their data (JSON)");
        });
        assertThat(as(bob, get("/settings/activity").accept(MediaType.TEXT_HTML)).getContentAsString()).contains("Data exported");
        JsonNode again = export(bob);
        // An export is recorded once it is written, so its own entry shows in the next one.
        assertThat(list(again.path("activity"))).extracting(e -> e.path("action").asString())
                .filteredOn("account.data-exported"::equals).hasSize(2);
    }

    @Test
    void aMemberWhoseTeamRequiresASecondFactorGetsNoExportBeforeSettingOneUp() throws Exception {
        Member held = api.signUp("held");
        assertThat(as(held, put("/api/v1/team/policy").contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of(
                "idleTimeout", "7d", "allowRememberMe", true, "rememberedDays", 30, "lifetimeDays", 7,
                "requireSecondFactor", true)))).getStatus()).isEqualTo(200);

        MockHttpServletResponse viaApi = as(held, get(API));
        MockHttpServletResponse viaPage = as(held, get(PAGE_DOWNLOAD).accept(MediaType.TEXT_HTML));

        assertThat(viaApi.getStatus()).isEqualTo(403);
        assertThat(json.readTree(viaApi.getContentAsString()).path("type").asString())
                .isEqualTo("urn:lanyard:problem:second-factor-required");
        assertThat(viaPage.getStatus()).isEqualTo(302);
        assertThat(viaPage.getRedirectedUrl()).isEqualTo("/settings/security");
        assertThat(ownActions(held)).doesNotContain("account.data-exported");
        // The Security page, where they are sent, says why instead of offering a link that leads back to it.
        String page = as(held, get("/settings/security").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(page).contains("Your team requires two-factor authentication: set it up above")
                .doesNotContain("href=\"" + PAGE_DOWNLOAD + "\"");
    }

    @Test
    void theOpenApiDocumentDescribesTheDocumentWithTheActivityAsAuditEntries() {
        JsonNode doc = json.readTree(contract.document());
        JsonNode ok = doc.path("paths").path(API).path("get").path("responses").path("200").path("content").path("application/json");
        assertThat(ok.path("schema").path("$ref").asString()).isEqualTo("#/components/schemas/DataExport");
        JsonNode schema = doc.path("components").path("schemas").path("DataExport");
        assertThat(list(schema.path("required"))).extracting(JsonNode::asString).contains("account", "sessions", "history",
                "apiKeys", "apps", "passkeys", "twoFactor", "signInAlerts", "activity");
        assertThat(schema.path("properties").path("activity").path("type").asString()).isEqualTo("array");
        assertThat(schema.path("properties").path("activity").path("items").path("$ref").asString())
                .isEqualTo("#/components/schemas/AuditJson");
    }

    private List<String> ownActions(Member member) {
        return audit.page(AuditQuery.ownedBy(account(member).team(), account(member).id()), 100, Optional.empty())
                .items().stream().map(AuditEntry::action).toList();
    }

    /** The current code of an authenticator app with this base32 secret (RFC 6238: SHA-1, 6 digits, 30 s). */
    private String totp(String base32) throws Exception {
        String clean = base32.replace(" ", "").replace("=", "");
        ByteBuffer seed = ByteBuffer.allocate(clean.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : clean.toCharArray()) {
            buffer = (buffer << 5) | "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(c);
            bits += 5;
            if (bits >= 8) {
                seed.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(seed.array(), "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(clock.instant().getEpochSecond() / 30).array());
        int offset = hash[hash.length - 1] & 0xf;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }
}
