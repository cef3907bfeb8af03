package dev.lanyard.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;
import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A team sign-out that fails after some of its batches committed says how many sessions it ended,
 * not the database outage's "nothing was changed"; those stay ended with their audit entries, and
 * signing the team out again ends the rest.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
@TestPropertySource(properties = "lanyard.session.sweep-batch=2")
class TeamSignOutFailureTest {
    private static final String REASON = "Fail midway";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    private TeamClient team;
    private Member admin;

    @BeforeEach
    void signUpAnAdmin() throws Exception {
        team = new TeamClient(mvc, json, jdbc, port);
        admin = team.admin("ada");
    }

    @AfterEach
    void removeTheFault() {
        jdbc.sql("DROP TRIGGER IF EXISTS fail_after_two").update();
    }

    private MvcResult signOutTeam(String reason) throws Exception {
        return team.perform(team.json(post("/api/v1/admin/sessions/sign-out"), admin, Map.of("reason", reason)));
    }

    private int ended(String reason) {
        return jdbc.sql("SELECT COUNT(*) FROM sessions WHERE end_note = :reason").param("reason", reason).query(Integer.class).single();
    }

    @Test
    void aSignOutThatFailsAfterItsFirstBatchSaysHowManyEndedAndARepeatEndsTheRest() throws Exception {
        Member adminsPhone = team.anotherDevice(admin);
        Member mel = team.join(admin, "mel");
        Member melsPhone = team.anotherDevice(mel);
        Member bea = team.join(admin, "bea");
        List<Member> everyoneElse = List.of(adminsPhone, mel, melsPhone, bea);
        // A fault planted in the database: any session ended with this reason once two already are.
        // Batches of two: the first commits, the second fails.
        jdbc.sql("""
                CREATE TRIGGER fail_after_two BEFORE UPDATE OF ended_at ON sessions
                WHEN NEW.end_note = 'Fail midway' AND (SELECT COUNT(*) FROM sessions WHERE end_note = 'Fail midway') >= 2
                BEGIN SELECT RAISE(ABORT, 'planted failure'); END""").update();

        MvcResult failed = signOutTeam(REASON);

        assertThat(failed.getResponse().getStatus()).as(failed.getResponse().getContentAsString()).isEqualTo(503);
        assertThat(failed.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = team.read(failed);
        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:team-sign-out-incomplete");
        assertThat(problem.path("detail").asString()).isEqualTo("Signed out 2 sessions of the team, then the sign-out failed; "
                + "the team's other sessions are still active. Sign out the team again to end them.");
        assertThat(ended(REASON)).isEqualTo(2);
        assertThat(stillSignedIn(everyoneElse)).isEqualTo(2);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE action = 'session.revoked-by-admin' AND detail LIKE '%: Fail midway'")
                .query(Integer.class).single()).as("the ended ones, each with its entry").isEqualTo(2);
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE action = 'admin.team-sign-out' ORDER BY seq").query(String.class).list())
                .as("the admin's action, as far as it went")
                .containsExactly("Sign-out of the team's sessions, which failed after 2 sessions: Fail midway"
                        + " — the team's other sessions stayed active");

        removeTheFault();
        MvcResult repeated = signOutTeam("Again");

        assertThat(repeated.getResponse().getStatus()).as(repeated.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(team.read(repeated).path("ended").asInt()).isEqualTo(2);
        assertThat(stillSignedIn(everyoneElse)).isZero();
        assertThat(stillSignedIn(List.of(admin))).as("the admin's own session").isEqualTo(1);
    }

    /**
     * What it ended is counted as the member's page counts it, API keys apart (outside review: a team sign-out's entry read
     * "— 18865 sessions", 100 of them API keys). Here the team has nothing but keys to end, so its first batch ends two.
     */
    @Test
    void aSignOutThatFailsAfterEndingApiKeysCountsThemAsKeys() throws Exception {
        for (String name : List.of("deploy", "backup", "report")) {
            MvcResult made = team.perform(team.json(post("/api/v1/api-keys"), admin, Map.of("password", TestAccounts.PASSWORD,
                    "name", name, "scopes", List.of("sessions:read"))));
            assertThat(made.getResponse().getStatus()).as(made.getResponse().getContentAsString()).isEqualTo(201);
        }
        jdbc.sql("""
                CREATE TRIGGER fail_after_two BEFORE UPDATE OF ended_at ON sessions
                WHEN NEW.end_note = 'Keys leaked' AND (SELECT COUNT(*) FROM sessions WHERE end_note = 'Keys leaked') >= 2
                BEGIN SELECT RAISE(ABORT, 'planted failure'); END""").update();

        MvcResult failed = signOutTeam("Keys leaked");

        assertThat(failed.getResponse().getStatus()).as(failed.getResponse().getContentAsString()).isEqualTo(503);
        assertThat(team.read(failed).path("detail").asString()).isEqualTo("Signed out 2 API keys of the team, then the sign-out "
                + "failed; the team's other sessions are still active. Sign out the team again to end them.");
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE action = 'admin.team-sign-out' AND actor_id = :admin ORDER BY seq")
                .param("admin", admin.accountId()).query(String.class).list())
                .containsExactly("Sign-out of the team's sessions, which failed after 2 API keys: Keys leaked"
                        + " — the team's other sessions stayed active");
    }

    private int stillSignedIn(List<Member> members) throws Exception {
        int signedIn = 0;
        for (Member m : members) if (team.current(m).getResponse().getStatus() == 200) signedIn++;
        return signedIn;
    }
}
