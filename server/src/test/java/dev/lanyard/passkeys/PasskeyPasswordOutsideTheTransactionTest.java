package dev.lanyard.passkeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.team.TeamClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Adding or removing a passkey checks the member's password before the transaction: on SQLite every transaction holds
 * the database's only writer from its start, and an Argon2 hash takes tens of milliseconds.
 */
@LanyardSpringTest
class PasskeyPasswordOutsideTheTransactionTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PasskeyStore store;
    @LocalServerPort
    int port;
    @MockitoSpyBean
    Accounts accounts;

    /** For each password check, whether a transaction was open while it ran. */
    private final List<Boolean> inTransaction = new CopyOnWriteArrayList<>();

    @BeforeEach
    void watchPasswordChecks() {
        doAnswer(call -> {
            inTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
            return call.callRealMethod();
        }).when(accounts).reauthenticate(any(), anyString(), anyString(), any(), anyString());
    }

    @Test
    void startingARegistrationAndRemovingAPasskeyCheckThePasswordOutsideATransaction() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        AccountId owner = new AccountId(ada.accountId());
        String id = PasskeyPagesTest.passkeyOf(store, owner, "Laptop");

        MockHttpServletResponse options = team.perform(team.form(post("/settings/security/passkeys/options"), ada)
                .param("password", TestAccounts.PASSWORD).accept(MediaType.APPLICATION_JSON)).getResponse();
        assertThat(options.getStatus()).isEqualTo(200);
        assertThat(json.readTree(options.getContentAsString()).path("ceremony").asString()).isNotEmpty();

        MockHttpServletResponse wrong = team.perform(team.form(post("/settings/security/passkeys/" + id + "/remove"), ada)
                .param("password", "not-the-password")).getResponse();
        assertThat(wrong.getStatus()).isEqualTo(400);
        MockHttpServletResponse removed = team.perform(team.form(post("/settings/security/passkeys/" + id + "/remove"), ada)
                .param("password", TestAccounts.PASSWORD)).getResponse();
        assertThat(removed.getRedirectedUrl()).isEqualTo("/settings/security?done=passkey-removed");
        assertThat(store.list(owner)).isEmpty();

        assertThat(inTransaction).as("options, remove with a wrong password, remove").containsExactly(false, false, false);
    }
}
