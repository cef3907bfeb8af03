package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turning two-factor authentication on or off and replacing the recovery codes check the member's password before
 * their transaction: an Argon2 hash takes tens of milliseconds, and on SQLite every transaction holds the database's
 * only writer from its start, so a check inside one would stall every other write for as long.
 */
@LanyardSpringTest
class PasswordOutsideTheTransactionTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;
    @MockitoSpyBean
    Accounts accounts;

    /** For each password check, whether a transaction was open while it ran. */
    private final List<Boolean> inTransaction = new CopyOnWriteArrayList<>();
    private ApiClient api;
    private TwoFactorClient factors;

    @BeforeEach
    void watchPasswordChecks() {
        api = new ApiClient(mvc, json);
        factors = new TwoFactorClient(mvc, clock);
        doAnswer(call -> {
            inTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
            return call.callRealMethod();
        }).when(accounts).reauthenticate(any(), anyString(), anyString(), any(), anyString());
    }

    @Test
    void confirmingRegeneratingAndDisablingCheckThePasswordOutsideATransaction() throws Exception {
        Member ana = api.signUp("ana");
        TwoFactorClient.Enrolled enrolled = factors.enrol(ana);
        assertThat(inTransaction).as("confirm").containsExactly(false);
        assertThat(enrolled.recoveryCodes()).hasSize(10);

        clock.advance(Duration.ofSeconds(30));
        MvcResult fresh = mvc.perform(post("/settings/security/two-factor/recovery-codes").with(csrf()).with(ana.from()).cookie(ana.cookie())
                .param("password", TestAccounts.PASSWORD).param("code", factors.code(enrolled.seed()))).andReturn();
        assertThat(TwoFactorClient.recoveryCodes(factors.shown(ana, fresh).getResponse().getContentAsString())).hasSize(10);

        clock.advance(Duration.ofSeconds(30));
        MvcResult wrongCode = mvc.perform(post("/settings/security/two-factor/disable").with(csrf()).with(ana.from()).cookie(ana.cookie())
                .param("password", TestAccounts.PASSWORD).param("code", "000000".equals(factors.code(enrolled.seed())) ? "111111" : "000000"))
                .andReturn();
        assertThat(wrongCode.getResponse().getStatus()).as("a wrong code leaves it on").isEqualTo(400);
        MvcResult off = mvc.perform(post("/settings/security/two-factor/disable").with(csrf()).with(ana.from()).cookie(ana.cookie())
                .param("password", TestAccounts.PASSWORD).param("code", factors.code(enrolled.seed()))).andReturn();
        assertThat(off.getResponse().getRedirectedUrl()).isEqualTo("/settings/security?done=two-factor-off");

        assertThat(inTransaction).as("confirm, regenerate, disable with a wrong code, disable").containsExactly(false, false, false, false);
        assertThat(api.logIn(ana).token()).as("one step again").isNotEmpty();
    }
}
