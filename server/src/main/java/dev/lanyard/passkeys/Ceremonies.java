package dev.lanyard.passkeys;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.web.webauthn.api.AuthenticatorAssertionResponse;
import org.springframework.security.web.webauthn.api.AuthenticatorSelectionCriteria;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.PublicKeyCredential;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialDescriptor;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialParameters;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRequestOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.ResidentKeyRequirement;
import org.springframework.security.web.webauthn.api.UserVerificationRequirement;
import org.springframework.security.web.webauthn.jackson.WebauthnJacksonModule;
import org.springframework.security.web.webauthn.management.RelyingPartyAuthenticationRequest;
import org.springframework.security.web.webauthn.management.WebAuthnRelyingPartyOperations;
import org.springframework.security.web.webauthn.management.Webauthn4JRelyingPartyOperations;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every passkey ceremony of {@link Passkeys} shares: Spring Security's relying party operations (per relying
 * party), the {@link Ceremony} row its first step keeps and its second step takes back, the authenticator's answer read
 * from its JSON, an assertion checked, and a refusal logged (under the {@link Passkeys} logger, as before).
 */
final class Ceremonies {
    private static final Logger log = LoggerFactory.getLogger(Passkeys.class);
    static final Duration CEREMONY = Duration.ofMinutes(5);
    /** Far above any real credential (a few hundred bytes to a few KB with attestation), below abuse. */
    static final int MAX_CREDENTIAL_JSON = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    static final AuthenticatorSelectionCriteria SELECTION = AuthenticatorSelectionCriteria.builder()
            .userVerification(UserVerificationRequirement.REQUIRED)
            .residentKey(ResidentKeyRequirement.REQUIRED)
            .build();
    static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(PublicKeyCredentialParameters.EdDSA,
            PublicKeyCredentialParameters.ES256, PublicKeyCredentialParameters.RS256);

    private final PasskeyStore store;
    private final LanyardCredentials credentials;
    private final Accounts accounts;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().addModule(new WebauthnJacksonModule()).build();
    /** Operations are built per relying party (id and origins); a handful exist, one in a fixed setup. */
    private final Cache<String, WebAuthnRelyingPartyOperations> operations =
            Caffeine.newBuilder().maximumSize(16).expireAfterAccess(1, TimeUnit.HOURS).build();

    Ceremonies(PasskeyStore store, LanyardCredentials credentials, Accounts accounts, Clock clock) {
        this.store = store;
        this.credentials = credentials;
        this.accounts = accounts;
        this.clock = clock;
    }

    /**
     * Checks an assertion (the {@code PublicKeyCredential} as JSON) against the ceremony {@code c}: whose passkey answered,
     * if it is one of {@code allowed} (any, when empty) and its owner is still a member; else {@link PasskeyProblem.Rejected}.
     */
    AccountId assertion(Ceremony c, String credential, List<PublicKeyCredentialDescriptor> allowed) {
        PublicKeyCredential<AuthenticatorAssertionResponse> answer = parse(credential, new TypeReference<>() {
        });
        PublicKeyCredentialRequestOptions options = PublicKeyCredentialRequestOptions.builder()
                .challenge(Bytes.fromBase64(c.challenge())).rpId(c.rp().id()).allowCredentials(allowed)
                .userVerification(UserVerificationRequirement.REQUIRED).timeout(CEREMONY).build();
        PublicKeyCredentialUserEntity user;
        try {
            user = operations(c.rp()).authenticate(new RelyingPartyAuthenticationRequest(options, answer));
        } catch (RuntimeException refused) {
            throw rejected("assertion", refused);
        }
        // The authenticator names the passkey's user; it must be the one the credential was registered to.
        Bytes claimed = answer.getResponse().getUserHandle();
        if (claimed != null && !claimed.equals(user.getId())) throw new PasskeyProblem.Rejected();
        return store.accountOfHandle(user.getId().toBase64UrlString()).filter(a -> accounts.find(a).isPresent())
                .orElseThrow(PasskeyProblem.Rejected::new);
    }

    /** Keeps what the ceremony's second step needs, for {@link #CEREMONY}; the options and the handle go to the browser. */
    Passkeys.Options remember(Ceremony.Purpose purpose, Optional<AccountId> account, Bytes challenge, RelyingParty rp, Object options) {
        Ceremony ceremony = new Ceremony(random(), purpose, account, challenge.toBase64UrlString(), rp, clock.instant().plus(CEREMONY));
        store.insert(ceremony);
        return new Passkeys.Options(ceremony.id(), json.writeValueAsString(options));
    }

    /** The ceremony {@code id} of {@code purpose}, taken out (single use) while it lasts. */
    Optional<Ceremony> take(String id, Ceremony.Purpose purpose) {
        if (id == null || id.isEmpty() || id.length() > 64) return Optional.empty();
        return store.take(id, clock.instant()).filter(c -> c.purpose() == purpose);
    }

    <T> T parse(String credential, TypeReference<T> type) {
        if (credential == null || credential.isBlank() || credential.length() > MAX_CREDENTIAL_JSON) throw new PasskeyProblem.Rejected();
        try {
            T parsed = json.readValue(credential, type);
            if (parsed == null) throw new PasskeyProblem.Rejected();
            return parsed;
        } catch (JacksonException | IllegalArgumentException malformed) {
            throw new PasskeyProblem.Rejected();
        }
    }

    static PasskeyProblem.Rejected rejected(String what, RuntimeException cause) {
        // The reason helps an operator (wrong origin or rp id configured); it holds no secret.
        log.info("Passkey {} refused: {}", what, cause.getClass().getSimpleName() + ": " + printable(cause.getMessage()));
        return new PasskeyProblem.Rejected();
    }

    /**
     * A refusal's message as one log line of at most 300 characters: it may quote what the browser sent (an
     * origin or type from the client data, JSON strings whose escaped line breaks would start a forged line).
     */
    static String printable(String message) {
        if (message == null) return "";
        String line = message.replaceAll("[\\p{Cc}\\p{Zl}\\p{Zp}]", "?");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    WebAuthnRelyingPartyOperations operations(RelyingParty rp) {
        return operations.get(rp.id() + " " + String.join(" ", rp.origins()), key -> {
            Webauthn4JRelyingPartyOperations ops = new Webauthn4JRelyingPartyOperations(credentials, credentials,
                    rpEntity(rp), new java.util.HashSet<>(rp.origins()));
            ops.setCustomizeCreationOptions(b -> b.authenticatorSelection(SELECTION).timeout(CEREMONY));
            ops.setCustomizeRequestOptions(b -> b.userVerification(UserVerificationRequirement.REQUIRED).timeout(CEREMONY));
            return ops;
        });
    }

    static PublicKeyCredentialRpEntity rpEntity(RelyingParty rp) {
        return PublicKeyCredentialRpEntity.builder().id(rp.id()).name(rp.name()).build();
    }

    static UsernamePasswordAuthenticationToken authentication(AccountId account) {
        return UsernamePasswordAuthenticationToken.authenticated(account.value(), null, List.of());
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }
}
