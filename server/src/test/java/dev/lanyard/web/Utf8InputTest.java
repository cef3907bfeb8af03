package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient.Member;
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
 * A body that is not well-formed UTF-8 is refused before anything is done, overlong forms ({@code C0 AF} for "/"),
 * surrogates and code points past U+10FFFF as much as a byte that starts no character: JSON on every operation
 * ({@link Utf8Body}), forms by the container's strict decoder.
 */
@LanyardSpringTest
class Utf8InputTest {
    /** Overlong "/", "<", "[", "/" in three bytes and in four; a surrogate; past U+10FFFF; a character cut short; 0xFF. */
    private static final String[] NOT_UTF8 = {"\u00c0\u00af", "\u00c0\u00bc", "\u00c1\u009b", "\u00e0\u0080\u00af",
            "\u00f0\u0080\u0080\u00af", "\u00ed\u00a0\u0080", "\u00f4\u0090\u0080\u0080", "\u00e2\u0082", "\u00ff"};

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @LocalServerPort
    int port;

    /** The body's characters, each below U+0100, sent as one byte each: the test's way of writing bytes. */
    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Valid text as its UTF-8 bytes, written the way {@link #bytes} reads. */
    private static String utf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private MockHttpServletResponse send(MockHttpServletRequestBuilder request, String latin1Body) throws Exception {
        return mvc.perform(request.contentType(MediaType.APPLICATION_JSON).content(bytes(latin1Body))).andReturn().getResponse();
    }

    private JsonNode refusedAsNotUtf8(MockHttpServletResponse response) throws Exception {
        String text = response.getContentAsString();
        assertThat(response.getStatus()).as(text).isEqualTo(400);
        assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = json.readTree(text);
        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-json");
        assertThat(problem.path("detail").asString()).startsWith("The request body is not valid UTF-8 (at byte ");
        return problem;
    }

    @Test
    void aTeamSignOutWhoseReasonIsNotUtf8EndsNoSession() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        Member admin = api.logInForBearer(api.signUp("ada"));
        Member otherDevice = api.logIn(admin);

        for (String sequence : NOT_UTF8) {
            MockHttpServletResponse response = send(post("/api/v1/admin/sessions/sign-out").with(ApiClient.bearer(admin)),
                    "{\"reason\":\"a" + sequence + "b\"}");
            assertThat(refusedAsNotUtf8(response).path("detail").asString()).as(sequence).contains("(at byte 13)");
        }

        assertThat(mvc.perform(get("/api/v1/sessions/current").cookie(otherDevice.cookie())).andReturn().getResponse().getStatus())
                .as("the other session is still active").isEqualTo(200);
        MockHttpServletResponse valid = send(post("/api/v1/admin/sessions/sign-out").with(ApiClient.bearer(admin)),
                "{\"reason\":\"" + utf8("Lövelace – 🚀") + "\"}");
        assertThat(valid.getStatus()).as("well-formed UTF-8 is read: " + valid.getContentAsString()).isEqualTo(200);
    }

    @Test
    void anEmailWithAnOverlongAtSignDoesNotSignIn() throws Exception {
        Member bob = new ApiClient(mvc, json).signUp("bob");
        String overlongAt = bob.email().replace("@", "\u00c1\u0080");

        MockHttpServletResponse response = send(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress())),
                "{\"email\":\"" + overlongAt + "\",\"password\":\"" + TestAccounts.PASSWORD + "\"}");

        refusedAsNotUtf8(response);
        assertThat(ApiClient.sessionCookie(response)).isEmpty();
    }

    @Test
    void anAppNamedInOverlongFormsIsNotRegistered() throws Exception {
        Member admin = new ApiClient(mvc, json).signUp("apps");

        MockHttpServletResponse response = send(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from()),
                "{\"name\":\"\u00c0\u00bcscript\u00c0\u00be\",\"redirectUris\":[\"https://x.example/cb\"],\"scopes\":[\"openid\"]}");

        refusedAsNotUtf8(response);
        String apps = mvc.perform(get("/api/v1/admin/apps").cookie(admin.cookie())).andReturn().getResponse().getContentAsString();
        assertThat(apps).doesNotContain("script");
    }

    @Test
    void aFormThatIsNotUtf8IsRefusedBeforeItIsRead() throws Exception {
        for (String sequence : new String[] {"%C1%80", "%C0%AF", "%E0%80%AF", "%ED%A0%80", "%F4%90%80%80", "\u00c1\u0080"}) {
            String body = "email=bob" + sequence + "a.test&password=" + TestAccounts.PASSWORD;
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(60_000);
                String head = "POST /login HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\nAccept: text/html\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + bytes(body).length + "\r\n\r\n";
                socket.getOutputStream().write(bytes(head + body));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(response).as(sequence).startsWith("HTTP/1.1 400");
            }
        }
    }

    @Test
    void aJsonBodyThatIsNotUtf8IsRefusedOverHttpToo() throws Exception {
        String body = "{\"email\":\"bob\u00c1\u0080a.test\",\"password\":\"" + TestAccounts.PASSWORD + "\"}";
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            String head = "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes(body).length + "\r\n\r\n";
            socket.getOutputStream().write(bytes(head + body));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400").contains("not valid UTF-8 (at byte 14)");
        }
    }
}
