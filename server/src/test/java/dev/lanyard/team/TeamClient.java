package dev.lanyard.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import jakarta.servlet.http.Cookie;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds teams the way people do: an admin signs up and invites by email through the API (MockMvc,
 * whole security chain), and the invitee follows the link from the mail that reached
 * {@link TestMail}'s SMTP server over real HTTP, posting the join form with the CSRF token of the
 * page it got (MockMvc would swap Lanyard's cookie CSRF repository for a session-based one).
 * Also the small requests the team tests make over and over.
 */
public final class TeamClient {
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    private final MockMvc mvc;
    private final ApiClient api;
    private final JdbcClient jdbc;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** @param port the test server's port, for the invitation links people follow over real HTTP */
    public TeamClient(MockMvc mvc, JsonMapper json, JdbcClient jdbc, int port) {
        this.mvc = mvc;
        this.api = new ApiClient(mvc, json);
        this.jdbc = jdbc;
        this.base = "http://127.0.0.1:" + port;
    }

    public ApiClient api() {
        return api;
    }

    /** Someone signs up: a new team with them as its admin. */
    public Member admin(String who) throws Exception {
        return api.signUp(who);
    }

    /** The admin invites {@code email} with {@code role} ("member" or "admin") through the API; returns the invitation's id. */
    public String invite(Member admin, String email, String role) throws Exception {
        MvcResult result = mvc.perform(json(post("/api/v1/admin/invitations"), admin,
                Map.of("email", email, "role", role))).andReturn();
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        return api.read(result).path("id").asString();
    }

    /** A page as a browser got it over HTTP. */
    public record Page(int status, String contentType, String body, HttpHeaders headers) {
        /** The value of a cookie the response sets ({@code Optional.empty()} when it sets none or clears it). */
        public Optional<String> cookie(String name) {
            return headers.allValues("Set-Cookie").stream().filter(h -> h.startsWith(name + "="))
                    .map(h -> h.substring(name.length() + 1).split(";", 2)[0]).filter(v -> !v.isEmpty()).findFirst();
        }

        public Optional<String> location() {
            return headers.firstValue("Location");
        }
    }

    /** The join page of an invitation link, as a person's browser gets it over a real HTTP connection. */
    public Page openLink(String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/invite/" + token)).header("Accept", "text/html").GET());
    }

    /**
     * Opens the link over HTTP, then posts the join form with that page's CSRF token (the hidden
     * field and the {@code XSRF-TOKEN} cookie, as a browser does), like someone following the mail.
     * When the link's page has no form any more (the link is gone), the form is posted with the
     * token of a page opened before, as from a join form left open in a tab.
     */
    public Page accept(String token, String name, String password) throws Exception {
        Page page = openLink(token);
        if (!CSRF_INPUT.matcher(page.body()).find()) page = send(HttpRequest.newBuilder(URI.create(base + "/login")).GET());
        Matcher csrf = CSRF_INPUT.matcher(page.body());
        assertThat(csrf.find()).as("a form with a CSRF token").isTrue();
        String cookie = page.cookie("XSRF-TOKEN").orElseThrow(() -> new AssertionError("no XSRF-TOKEN cookie"));
        return send(HttpRequest.newBuilder(URI.create(base + "/invite/" + token))
                .header("Accept", "text/html").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "XSRF-TOKEN=" + cookie)
                .POST(HttpRequest.BodyPublishers.ofString("name=" + encode(name) + "&password=" + encode(password)
                        + "&_csrf=" + encode(csrf.group(1)))));
    }

    /** Posts the join form without any CSRF token, as a forged cross-site form would. */
    public Page acceptWithoutCsrf(String token, String name, String password) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/invite/" + token))
                .header("Accept", "text/html").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=" + encode(name) + "&password=" + encode(password))));
    }

    private Page send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Page(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body(),
                response.headers());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The invitee accepted: who they are now, signed in with the session cookie the join form set. */
    public Member signedIn(String email, Page accepted) throws Exception {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(302);
        assertThat(accepted.location()).hasValueSatisfying(l -> assertThat(l).endsWith("/settings/sessions?done=joined"));
        String token = accepted.cookie(ApiClient.COOKIE).orElseThrow(() -> new AssertionError("no session cookie"));
        String address = ApiClient.newAddress();
        MvcResult current = mvc.perform(get("/api/v1/sessions/current").cookie(new Cookie(ApiClient.COOKIE, token))
                .with(ApiClient.from(address))).andReturn();
        assertThat(current.getResponse().getStatus()).as(current.getResponse().getContentAsString()).isEqualTo(200);
        return new Member(email, token, api.read(current).path("id").asString(), accountId(email).orElseThrow(), address);
    }

    /** Someone called {@code who} ("mel": Mel) is invited by {@code admin} as a member, follows the mailed link and joins. */
    public Member join(Member admin, String who) throws Exception {
        return join(admin, who, "member");
    }

    public Member join(Member admin, String who, String role) throws Exception {
        String email = TestAccounts.uniqueEmail(who);
        invite(admin, email, role);
        String name = who.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + who.substring(1);
        return signedIn(email, accept(TestMail.lastMailTo(email).token(), name, TestAccounts.PASSWORD));
    }

    /** The same person signs in again (cookie), from a new address: another device. */
    public Member anotherDevice(Member member) throws Exception {
        return api.logIn(member);
    }

    /** The same person signs in for a bearer token, from a new address. */
    public Member bearerDevice(Member member) throws Exception {
        return api.logInForBearer(member);
    }

    /** The id of the active (not removed) account with this email. */
    public Optional<String> accountId(String email) {
        return jdbc.sql("SELECT id FROM accounts WHERE email = :email AND removed_at IS NULL")
                .param("email", email).query(String.class).optional();
    }

    /** A cookie-authenticated JSON API request of {@code member} with {@code body} (JSON-encoded). */
    public MockHttpServletRequestBuilder json(MockHttpServletRequestBuilder request, Member member, Object body) {
        return request.cookie(member.cookie()).with(member.from())
                .contentType(MediaType.APPLICATION_JSON).content(body instanceof String s ? s : api.write(body));
    }

    /** A cookie-authenticated API request without a body. */
    public MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder request, Member member) {
        return request.cookie(member.cookie()).with(member.from());
    }

    /**
     * A form post of {@code member}, as their browser sends it: with the CSRF token of a page they
     * have open (its hidden field and the cookie it came with). Not spring-security-test's
     * {@code csrf()}: that one swaps the CSRF repository of the shared context's filter chain for
     * good, and the join forms posted over real HTTP would then be refused.
     */
    public MockHttpServletRequestBuilder form(MockHttpServletRequestBuilder request, Member member) throws Exception {
        MvcResult page = mvc.perform(get("/settings/sessions").cookie(member.cookie()).with(member.from())
                .accept(MediaType.TEXT_HTML)).andReturn();
        Matcher token = CSRF_INPUT.matcher(page.getResponse().getContentAsString());
        assertThat(token.find()).as("the page carries a CSRF token").isTrue();
        Cookie xsrf = page.getResponse().getCookie("XSRF-TOKEN");
        assertThat(xsrf).as("the page sets the XSRF-TOKEN cookie").isNotNull();
        return request.cookie(member.cookie(), xsrf).with(member.from()).accept(MediaType.TEXT_HTML)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("_csrf", token.group(1));
    }

    /** A page request of {@code member}. */
    public MockHttpServletRequestBuilder page(MockHttpServletRequestBuilder request, Member member) {
        return request.cookie(member.cookie()).with(member.from()).accept(MediaType.TEXT_HTML);
    }

    public MvcResult perform(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn();
    }

    /** Status and body of {@code member}'s {@code GET /api/v1/sessions/current}: 200 while the session lives. */
    public MvcResult current(Member member) throws Exception {
        return mvc.perform(as(get("/api/v1/sessions/current"), member)).andReturn();
    }

    /** Same for a bearer-token member. */
    public MvcResult currentWithBearer(Member member) throws Exception {
        return mvc.perform(get("/api/v1/sessions/current").with(ApiClient.bearer(member)).with(member.from())).andReturn();
    }

    public JsonNode read(MvcResult result) throws Exception {
        return api.read(result);
    }

    /** Where the page's link of this text goes, as a browser reads its {@code href}; fails when the page has none. */
    public static String link(String page, String text) {
        Matcher link = Pattern.compile("<a href=\"([^\"]*)\">" + Pattern.quote(text) + "</a>").matcher(page);
        assertThat(link.find()).as("a link \"" + text + "\"").isTrue();
        return HtmlUtils.htmlUnescape(link.group(1));
    }

    /** The address of the next page an API list names in its {@code Link} header ({@code rel="next"}); empty on its last page. */
    public static Optional<String> nextPage(MvcResult result) {
        String link = result.getResponse().getHeader("Link");
        if (link == null) return Optional.empty();
        assertThat(link).matches("<[^>]+>; rel=\"next\"");
        return Optional.of(link.substring(1, link.indexOf('>')));
    }
}
