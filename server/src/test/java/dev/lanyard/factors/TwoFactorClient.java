package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.handover.SecretHandover;
import dev.lanyard.web.ApiClient;
import jakarta.servlet.http.Cookie;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** Enrols members in two-factor authentication through the settings page, and computes their codes. */
final class TwoFactorClient {
    private static final Pattern SECRET = Pattern.compile("id=\"two-factor-secret\">([A-Z2-7 ]+)<");
    private static final Pattern RECOVERY = Pattern.compile("<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>");

    private final MockMvc mvc;
    private final Clock clock;
    /** The enrolment cookie each member's browser was given when it started enrolment, by email. */
    private final Map<String, Cookie> enrolments = new HashMap<>();

    TwoFactorClient(MockMvc mvc, Clock clock) {
        this.mvc = mvc;
        this.clock = clock;
    }

    /** An enrolled member: their seed and the recovery codes they were shown. */
    record Enrolled(byte[] seed, List<String> recoveryCodes) {
    }

    /** Starts enrolment, keeps the enrolment cookie this browser is given, and reads the secret off the page. */
    byte[] start(ApiClient.Member member) throws Exception {
        MvcResult started = mvc.perform(post("/settings/security/two-factor/start").with(csrf()).with(member.from()).cookie(member.cookie())).andReturn();
        assertThat(started.getResponse().getStatus()).isEqualTo(302);
        Cookie enrolment = started.getResponse().getCookie(EnrolmentCookie.NAME);
        assertThat(enrolment).as("the starting browser is given the enrolment's key").isNotNull();
        enrolments.put(member.email(), enrolment);
        String page = page(member).getResponse().getContentAsString();
        Matcher secret = SECRET.matcher(page);
        assertThat(secret.find()).as(page).isTrue();
        return Base32.decode(secret.group(1)).orElseThrow();
    }

    /** The security page as the member's browser sees it (with its enrolment cookie, if it started one). */
    MvcResult page(ApiClient.Member member) throws Exception {
        return mvc.perform(get("/settings/security").with(member.from()).cookie(cookies(member))).andReturn();
    }

    /** The member's session cookie, and the enrolment cookie if this browser started enrolment. */
    Cookie[] cookies(ApiClient.Member member) {
        Cookie enrolment = enrolments.get(member.email());
        return enrolment == null ? new Cookie[] {member.cookie()} : new Cookie[] {member.cookie(), enrolment};
    }

    Enrolled enrol(ApiClient.Member member) throws Exception {
        byte[] seed = start(member);
        MvcResult confirmed = confirm(member, code(seed));
        assertThat(confirmed.getResponse().getStatus()).isEqualTo(200);
        String page = confirmed.getResponse().getContentAsString();
        return new Enrolled(seed, recoveryCodes(page));
    }

    MvcResult confirm(ApiClient.Member member, String code) throws Exception {
        return mvc.perform(post("/settings/security/two-factor/confirm").with(csrf()).with(member.from()).cookie(cookies(member))
                .param("password", TestAccounts.PASSWORD).param("code", code)).andReturn();
    }

    /**
     * The page a regeneration's redirect leads to, opened by the browser that posted it (its session and the reveal
     * cookie it was given): the new codes the first time, none after.
     */
    MvcResult shown(ApiClient.Member member, MvcResult posted) throws Exception {
        return shown(member, posted, member);
    }

    /** The page a regeneration's redirect leads to, opened by {@code viewer}'s session with the reveal cookie {@code posted} set. */
    MvcResult shown(ApiClient.Member member, MvcResult posted, ApiClient.Member viewer) throws Exception {
        assertThat(posted.getResponse().getStatus()).as(posted.getResponse().getContentAsString()).isEqualTo(302);
        String url = posted.getResponse().getRedirectedUrl();
        assertThat(url).startsWith("/settings/security/two-factor/recovery-codes/rc_");
        Cookie reveal = revealCookie(posted);
        return mvc.perform(get(url.split("#", 2)[0]).with(viewer.from()).cookie(viewer.cookie(), reveal)).andReturn();
    }

    static Cookie revealCookie(MvcResult posted) {
        return Arrays.stream(posted.getResponse().getCookies()).filter(c -> c.getName().contains(SecretHandover.COOKIE + "rc_"))
                .findFirst().orElseThrow();
    }

    static List<String> recoveryCodes(String page) {
        List<String> codes = new ArrayList<>();
        Matcher m = RECOVERY.matcher(page);
        while (m.find()) codes.add(m.group(1));
        return codes;
    }

    String code(byte[] seed) {
        return Totp.code(seed, Totp.step(clock.instant()));
    }

    static Optional<String> challengeCookie(MockHttpServletResponse response) {
        return response.getHeaders(HttpHeaders.SET_COOKIE).stream().filter(h -> h.startsWith(ChallengeCookie.NAME + "="))
                .map(h -> h.substring(ChallengeCookie.NAME.length() + 1).split(";", 2)[0]).filter(v -> !v.isEmpty()).findFirst();
    }

    static Cookie challenge(String value) {
        return new Cookie(ChallengeCookie.NAME, value);
    }
}
