package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.PasswordChange;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A password change that another request commits just after a sign-in's second step accepted its recovery code, before
 * the session started (outside review): the hook below starts the change at that moment and gives it a second to
 * commit. The code is checked and used up in the session's transaction, with the member's row held, so the change waits
 * for the session and then ends it with the member's other sessions; it never leaves a code used up for a session that
 * could not start, nor a session that outlives the change.
 */
@LanyardSpringTest
class SecondStepPasswordRaceTest {
    private static final String NEW_PASSWORD = "a new and much longer passphrase";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Accounts accounts;
    @Autowired
    ConfigurableApplicationContext context;

    private ApiClient api;
    private TwoFactorClient factors;
    private ChangeWhenTheCodeIsUsed hook;

    @BeforeEach
    void clients() {
        api = new ApiClient(mvc, json);
        factors = new TwoFactorClient(mvc, clock);
    }

    @AfterEach
    void removeHook() throws InterruptedException {
        if (hook == null) return;
        context.removeApplicationListener(hook);
        hook.changed.await(30, TimeUnit.SECONDS);
    }

    /**
     * When the member's recovery code has just been used, changes their password from another thread, as a request to
     * another node would, and waits up to a second for the change to commit before letting the sign-in go on.
     */
    private final class ChangeWhenTheCodeIsUsed implements ApplicationListener<PayloadApplicationEvent<?>> {
        private final Member member;
        private final AtomicBoolean armed = new AtomicBoolean(true);
        final CountDownLatch changed = new CountDownLatch(1);
        final AtomicReference<Boolean> committedWhileTheSignInWaited = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        ChangeWhenTheCodeIsUsed(Member member) {
            this.member = member;
        }

        @Override
        public void onApplicationEvent(PayloadApplicationEvent<?> event) {
            if (!(event.getPayload() instanceof FactorEvent.RecoveryCodeUsed used)
                    || !used.account().id().value().equals(member.accountId()) || !armed.compareAndSet(true, false)) return;
            Thread change = new Thread(() -> {
                try {
                    accounts.changePassword(new AccountId(member.accountId()), new PasswordChange(TestAccounts.PASSWORD, NEW_PASSWORD, true,
                            new PasswordChange.Origin("ses_elsewhere", "Firefox on Linux", "", ApiClient.newAddress())));
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    changed.countDown();
                }
            }, "password-change-in-the-race");
            change.start();
            try {
                committedWhileTheSignInWaited.set(changed.await(1, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int unusedRecoveryCodes(Member member) {
        return jdbc.sql("SELECT COUNT(*) FROM recovery_codes WHERE account_id = :a AND used_at IS NULL")
                .param("a", member.accountId()).query(Integer.class).single();
    }

    @Test
    void aPasswordChangeRightAfterTheCodeWaitsForTheSessionAndEndsItAndTheCodeIsNeverUsedForNothing() throws Exception {
        Member pia = api.signUp("pia");
        TwoFactorClient.Enrolled enrolled = factors.enrol(pia);
        String address = ApiClient.newAddress();
        MvcResult first = mvc.perform(post("/api/v1/login").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", pia.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer")))).andReturn();
        String challenge = api.read(first).path("challenge").asString();
        hook = new ChangeWhenTheCodeIsUsed(pia);
        context.addApplicationListener(hook);

        MvcResult second = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("challenge", challenge, "code", enrolled.recoveryCodes().get(0))))).andReturn();
        assertThat(hook.changed.await(30, TimeUnit.SECONDS)).as("the change ends").isTrue();

        assertThat(hook.failure.get()).as("the change itself").isNull();
        assertThat(second.getResponse().getStatus()).as("signed in: " + second.getResponse().getContentAsString()).isEqualTo(201);
        assertThat(unusedRecoveryCodes(pia)).as("the code was used for the session it started").isEqualTo(9);
        JsonNode session = api.read(second).path("session");
        assertThat(jdbc.sql("SELECT end_reason FROM sessions WHERE id = :id").param("id", session.path("id").asString())
                .query(String.class).single()).as("ended by the change that came after it").isEqualTo("PASSWORD_CHANGED");
        assertThat(hook.committedWhileTheSignInWaited.get()).as("the change waited for the sign-in's transaction").isFalse();
    }
}
