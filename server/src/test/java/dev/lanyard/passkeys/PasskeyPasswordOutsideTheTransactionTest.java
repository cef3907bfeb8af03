package dev.lanyard.passkeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Instant;
import java.util.List;
import java.util.Set;
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
import org.springframework.security.web.webauthn.api.AuthenticatorTransport;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.ImmutableCredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCose;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialType;
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
        }).when(accounts).authenticate(anyString(), any(), anyString());
    }

    @Test
    void startingARegistrationAndRemovingAPasskeyCheckThePasswordOutsideATransaction() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        AccountId owner = new AccountId(ada.accountId());
        String handle = store.ensureUserHandle(owner, Bytes.random().toBase64UrlString());
        Bytes id = Bytes.random();
        store.insert(owner, ImmutableCredentialRecord.builder().credentialType(PublicKeyCredentialType.PUBLIC_KEY)
                .credentialId(id).userEntityUserId(Bytes.fromBase64(handle)).publicKey(new ImmutablePublicKeyCose(new byte[] {1}))
                .signatureCount(0).uvInitialized(true).backupEligible(false).backupState(false)
                .transports(Set.of(AuthenticatorTransport.INTERNAL)).attestationObject(new Bytes(new byte[] {1}))
                .attestationClientDataJSON(new Bytes(new byte[] {1})).label("Laptop").build(), Instant.parse("2026-01-02T10:00:00Z"));

        MockHttpServletResponse options = team.perform(team.form(post("/settings/security/passkeys/options"), ada)
                .param("password", TestAccounts.PASSWORD).accept(MediaType.APPLICATION_JSON)).getResponse();
        assertThat(options.getStatus()).isEqualTo(200);
        assertThat(json.readTree(options.getContentAsString()).path("ceremony").asString()).isNotEmpty();

        MockHttpServletResponse wrong = team.perform(team.form(post("/settings/security/passkeys/" + id.toBase64UrlString() + "/remove"), ada)
                .param("password", "not-the-password")).getResponse();
        assertThat(wrong.getStatus()).isEqualTo(400);
        MockHttpServletResponse removed = team.perform(team.form(post("/settings/security/passkeys/" + id.toBase64UrlString() + "/remove"), ada)
                .param("password", TestAccounts.PASSWORD)).getResponse();
        assertThat(removed.getRedirectedUrl()).isEqualTo("/settings/security?done=passkey-removed");
        assertThat(store.list(owner)).isEmpty();

        assertThat(inTransaction).as("options, remove with a wrong password, remove").containsExactly(false, false, false);
    }
}
