package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import dev.lanyard.web.ApiClient.Member;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request body is at most 1 MiB ({@code lanyard.web.max-body-size}), refused with 413 before it is read (outside QA:
 * one unauthenticated login with a 60 MB e-mail address ran the 256 MiB heap out of memory, a 500 with a stack trace).
 * Said up front by its Content-Length or counted as it arrives in chunks; JSON and forms alike.
 */
@LanyardSpringTest
class BodyLimitTest {
    private static final int MIB = 1024 * 1024;

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @LocalServerPort
    int port;

    private static String login(int emailLength) {
        return "{\"email\":\"" + "x".repeat(emailLength) + "\",\"password\":\"p\"}";
    }

    private JsonNode assertTooLarge(int status, String contentType, String body) throws Exception {
        assertThat(status).as(body.length() > 300 ? body.substring(0, 300) : body).isEqualTo(413);
        assertThat(contentType).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = json.readTree(body);
        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:content-too-large");
        assertThat(problem.path("detail").asString()).isEqualTo("The request body may be at most 1 MiB (1,048,576 bytes).");
        return problem;
    }

    /** Real HTTP, so that the body is sent as a client sends it: with its length, or in chunks without one. */
    private HttpResponse<String> send(String path, String contentType, String body, boolean chunked, String accept) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                : HttpRequest.BodyPublishers.ofByteArray(bytes);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .version(HttpClient.Version.HTTP_1_1).header("Content-Type", contentType).header("Accept", accept)
                .POST(publisher).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aJsonBodyPastTheLimitIsRefusedWithoutBeingRead() throws Exception {
        MockHttpServletResponse refused = mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress()))
                .contentType(MediaType.APPLICATION_JSON).content(login(MIB))).andReturn().getResponse();

        assertTooLarge(refused.getStatus(), refused.getContentType(), refused.getContentAsString());
    }

    @Test
    void aJsonBodyPastTheLimitIsRefusedOverHttpWithItsLengthOrInChunks() throws Exception {
        for (boolean chunked : new boolean[] {false, true}) {
            HttpResponse<String> refused = send("/api/v1/login", "application/json", login(3 * MIB), chunked, "*/*");
            assertTooLarge(refused.statusCode(), refused.headers().firstValue("Content-Type").orElse(""), refused.body());
        }
    }

    @Test
    void aBodyWithinTheLimitIsReadAsBefore() throws Exception {
        for (boolean chunked : new boolean[] {false, true}) {
            HttpResponse<String> read = send("/api/v1/login", "application/json", login(MIB - 100), chunked, "*/*");
            assertThat(read.statusCode()).as("read, and refused for what it says").isEqualTo(400);
            assertThat(json.readTree(read.body()).path("field").asString()).isEqualTo("email");
        }
    }

    @Test
    void aFormPastTheLimitGetsTheErrorPageWithItsLengthOrInChunks() throws Exception {
        String form = "email=" + "x".repeat(3 * MIB) + "&password=p";
        for (boolean chunked : new boolean[] {false, true}) {
            HttpResponse<String> refused = send("/login", "application/x-www-form-urlencoded", form, chunked, "text/html");
            assertThat(refused.statusCode()).as("chunked " + chunked).isEqualTo(413);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            assertThat(refused.body()).contains("What was sent is larger than Lanyard accepts. Nothing was changed.");
        }
    }

    @Test
    void aChunkedBodyPastTheLimitIsRefusedOnTheApiOfSignedInMembersToo() throws Exception {
        Member alice = new ApiClient(mvc, json).signUp("alice");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sessions/" + alice.sessionId()))
                .version(HttpClient.Version.HTTP_1_1).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + new ApiClient(mvc, json).logInForBearer(alice).token())
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        ("{\"name\":\"" + "x".repeat(2 * MIB) + "\"}").getBytes(StandardCharsets.UTF_8)))).build();
        HttpResponse<String> refused = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertTooLarge(refused.statusCode(), refused.headers().firstValue("Content-Type").orElse(""), refused.body());
    }

    /**
     * The parser's own limits, behind the body's: no nesting past 64, and no string or document past the body limit or
     * Jackson's own 20 MB, whichever is larger, so that stored JSON (grants, streams, passkeys) stays readable whatever
     * the body limit is (found by a review).
     */
    @Test
    void theJsonParserRefusesWhatNoRequestCouldHold() {
        assertThat(json.readTree("[".repeat(64) + "]".repeat(64)).isArray()).isTrue();
        assertThatThrownBy(() -> json.readTree("[".repeat(65) + "]".repeat(65))).isInstanceOf(JacksonException.class)
                .hasMessageContaining("nesting depth");
        assertThat(json.readTree("\"" + "x".repeat(2 * MIB) + "\"").asString()).as("stored JSON past the body limit").hasSize(2 * MIB);
        tools.jackson.core.StreamReadConstraints limits = json.tokenStreamFactory().streamReadConstraints();
        assertThat(limits.getMaxStringLength()).isEqualTo(tools.jackson.core.StreamReadConstraints.DEFAULT_MAX_STRING_LEN);
        assertThat(limits.getMaxDocumentLength()).isEqualTo(tools.jackson.core.StreamReadConstraints.DEFAULT_MAX_STRING_LEN);
        assertThat(StrictJson.ReadLimits.constraints(4 * 1024 * 1024).getMaxStringLength()).isEqualTo(4 * 1024 * 1024);
    }
}
