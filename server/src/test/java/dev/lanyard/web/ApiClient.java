package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lanyard.account.TestAccounts;
import jakarta.servlet.http.Cookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signs people up and in through the JSON API over MockMvc, and reads what comes back. Each
 * client address it hands out is new, so per-address login throttling never spans tests.
 */
public final class ApiClient {
    public static final String COOKIE = "lanyard_session";
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    private final MockMvc mvc;
    private final JsonMapper json;

    public ApiClient(MockMvc mvc, JsonMapper json) {
        this.mvc = mvc;
        this.json = json;
    }

    /** Someone signed in: their email, session cookie value, session id and the address they came from. */
    public record Member(String email, String token, String sessionId, String accountId, String address) {
        public Cookie cookie() {
            return new Cookie(COOKIE, token);
        }

        /** The request comes from this member's address. */
        public RequestPostProcessor from() {
            return ApiClient.from(address);
        }
    }

    /** A documentation address (TEST-NET-3) no other test uses. */
    public static String newAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "203.0." + (113 + n / 250) + "." + (1 + n % 250);
    }

    public static RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }

    /** Signs up a newcomer called {@code who} from a new address and returns them signed in with a cookie. */
    public Member signUp(String who) throws Exception {
        var request = TestAccounts.newcomer(who);
        String address = newAddress();
        MvcResult result = mvc.perform(post("/api/v1/signup").with(from(address)).contentType(MediaType.APPLICATION_JSON)
                        .content(write(Map.of("email", request.email(), "password", request.password(),
                                "name", request.name(), "team", request.team()))))
                .andReturn();
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode body = read(result);
        return new Member(request.email(), sessionCookie(result.getResponse()).orElseThrow(),
                body.path("session").path("id").asString(), body.path("account").path("id").asString(), address);
    }

    /** Signs in again as {@code member} with a cookie, from a new address: a second device. */
    public Member logIn(Member member) throws Exception {
        String address = newAddress();
        MvcResult result = mvc.perform(post("/api/v1/login").with(from(address)).contentType(MediaType.APPLICATION_JSON)
                        .content(write(Map.of("email", member.email(), "password", TestAccounts.PASSWORD))))
                .andReturn();
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        return new Member(member.email(), sessionCookie(result.getResponse()).orElseThrow(),
                read(result).path("session").path("id").asString(), member.accountId(), address);
    }

    /** Signs in as {@code member} asking for a bearer token; returns the token's member (token, not cookie). */
    public Member logInForBearer(Member member) throws Exception {
        String address = newAddress();
        MvcResult result = mvc.perform(post("/api/v1/login").with(from(address)).contentType(MediaType.APPLICATION_JSON)
                        .content(write(Map.of("email", member.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer"))))
                .andReturn();
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode body = read(result);
        return new Member(member.email(), body.path("token").asString(), body.path("session").path("id").asString(),
                member.accountId(), address);
    }

    public static RequestPostProcessor bearer(Member member) {
        return request -> {
            request.addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + member.token());
            return request;
        };
    }

    /** The value of the session cookie this response sets, if it sets one. */
    public static Optional<String> sessionCookie(MockHttpServletResponse response) {
        return setCookie(response).map(header -> header.substring(COOKIE.length() + 1).split(";", 2)[0]);
    }

    /** The whole {@code Set-Cookie} header of the session cookie, if the response sets it. */
    public static Optional<String> setCookie(MockHttpServletResponse response) {
        return response.getHeaders(HttpHeaders.SET_COOKIE).stream().filter(h -> h.startsWith(COOKIE + "=")).findFirst();
    }

    public JsonNode read(MvcResult result) throws Exception {
        return json.readTree(result.getResponse().getContentAsString());
    }

    public String write(Object value) {
        return json.writeValueAsString(value);
    }

    /** Compact JSON from single quotes, for bodies that are easier to read that way. */
    public static String quoted(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }
}
