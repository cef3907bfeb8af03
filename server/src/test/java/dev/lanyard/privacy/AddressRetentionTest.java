package dev.lanyard.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Sessions;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Addresses kept only as long as configured (PRODUCT.md D6), through the whole application: after
 * {@code lanyard.privacy.ip-retention} (90 days by default) a session unused that long, its timeline,
 * the audit log and the risk assessment's memory hold only the network; what is newer keeps its
 * address; the owner sees the network where the address was, and the audit log still verifies.
 */
@LanyardSpringTest
class AddressRetentionTest {
    static final Device FIREFOX = new Device("Firefox", "133", "Windows", "11", DeviceType.DESKTOP, "");
    static final GeoLocation IN_MADRID = new GeoLocation("Madrid", "", "Spain", "ES", "Telefonica", Optional.of(40.4168),
            Optional.of(-3.7038), false);
    static final String FIREFOX_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
    static final ClientOrigin MADRID = new ClientOrigin(FIREFOX, FIREFOX_AGENT, "83.45.123.9", IN_MADRID);
    static final ClientOrigin MADRID_LATER = new ClientOrigin(FIREFOX, FIREFOX_AGENT, "91.1.2.4", IN_MADRID);

    @Autowired
    MockMvc mvc;
    @Autowired
    Sessions sessions;
    @Autowired
    Accounts accounts;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ApplicationContext context;

    private MockHttpServletResponse as(Sessions.Started session, String ip, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(new Cookie(ApiClient.COOKIE, session.token())).with(ApiClient.from(ip))
                .contentType(MediaType.APPLICATION_JSON)).andReturn().getResponse();
    }

    /** Runs one of the hourly jobs now, as the scheduler would. */
    private void run(String job, String method) throws ClassNotFoundException {
        ReflectionTestUtils.invokeMethod(context.getBean(Class.forName(job)), method);
    }

    private List<String> auditAddresses(Account who, String action) {
        return jdbc.sql("SELECT ip FROM audit_entries WHERE team_id = :team AND action = :action ORDER BY seq")
                .param("team", who.team().value()).param("action", action).query(String.class).list();
    }

    @Test
    void afterTheRetentionOnlyTheNetworkIsKeptWhereverTheAddressWasAndWhatIsNewerKeepsItsAddress() throws Exception {
        Account alice = accounts.signUp(TestAccounts.alice());
        // A laptop unused for 91 days and still signed in: no idle timeout, "Remember me" for a year.
        accounts.changePolicy(alice, new dev.lanyard.account.TeamPolicy(Duration.ZERO, true, 365, 7));
        Sessions.Started laptop = sessions.start(new NewSession(alice.id(), MADRID, AppType.WEB, true));
        Sessions.Started phone = sessions.start(new NewSession(alice.id(), MADRID, AppType.WEB, false));
        assertThat(as(laptop, "83.45.123.9", delete("/api/v1/sessions/" + phone.session().id().value())).getStatus()).isEqualTo(204);

        clock.advance(Duration.ofDays(91));
        Sessions.Started desktop = sessions.start(new NewSession(alice.id(), MADRID_LATER, AppType.WEB, false));
        run("dev.lanyard.session.SessionLifetimes", "reduceAddresses");
        run("dev.lanyard.audit.AuditRetention", "reduceAddresses");
        run("dev.lanyard.risk.SeenRetention", "forgetOldAddresses");

        // The owner sees the network where the address was (the laptop, unused for 91 days), the newer one in full.
        String laptopJson = as(desktop, "91.1.2.4", get("/api/v1/sessions/" + laptop.session().id().value())).getContentAsString();
        assertThat(laptopJson).contains("\"ip\":\"83.45.123.0/24\"").doesNotContain("83.45.123.9");
        assertThat(as(desktop, "91.1.2.4", get("/api/v1/sessions/" + desktop.session().id().value())).getContentAsString())
                .contains("\"ip\":\"91.1.2.4\"");
        String page = as(desktop, "91.1.2.4", get("/settings/sessions/" + laptop.session().id().value()).accept(MediaType.TEXT_HTML))
                .getContentAsString();
        assertThat(page).contains("83.45.123.0/24").doesNotContain("83.45.123.9");
        assertThat(as(desktop, "91.1.2.4", get("/settings/sessions").accept(MediaType.TEXT_HTML)).getContentAsString())
                .contains("83.45.123.•••").doesNotContain("83.45.123.9");
        // The ended phone session's row too (its history keeps it 90 days).
        assertThat(jdbc.sql("SELECT ip FROM sessions WHERE id = :id").param("id", phone.session().id().value())
                .query(String.class).single()).isEqualTo("83.45.123.0/24");

        // The audit log: the revocation's address is its network, the newer sign-in's is whole, and it verifies.
        assertThat(auditAddresses(alice, "session.revoked")).containsExactly("83.45.123.0/24");
        assertThat(auditAddresses(alice, "session.signed-in")).containsExactly("83.45.123.0/24", "83.45.123.0/24", "91.1.2.4");
        assertThat(as(desktop, "91.1.2.4", post("/api/v1/audit/verify")).getContentAsString()).contains("\"ok\":true");

        // The risk assessment remembers the newer address only.
        assertThat(jdbc.sql("SELECT value FROM risk_seen WHERE account_id = :account AND kind = 'address'")
                .param("account", alice.id().value()).query(String.class).list()).containsExactly("91.1.2.4");

        // Nothing anywhere still holds the old address.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sessions WHERE ip = '83.45.123.9'").query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE ip = '83.45.123.9' AND team_id = :team")
                .param("team", alice.team().value()).query(Integer.class).single()).isZero();
    }
}
