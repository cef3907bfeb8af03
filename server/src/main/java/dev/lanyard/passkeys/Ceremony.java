package dev.lanyard.passkeys;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.lanyard.account.AccountId;

/**
 * What a ceremony's second step needs from its first, kept server-side (decision 0023): the challenge the
 * authenticator must sign, for which relying party, for whom (a registration, a second factor) and until when.
 *
 * @param id        a random handle the browser sends back with the authenticator's answer
 * @param challenge base64url
 */
record Ceremony(String id, Purpose purpose, Optional<AccountId> account, String challenge, RelyingParty rp,
                Instant expiresAt) {
    enum Purpose {
        /** Registering a passkey for the signed-in {@link #account()}. */
        REGISTER,
        /** Signing in without a password: whoever the passkey belongs to. */
        SIGN_IN,
        /** A second factor for {@link #account()}, after its password. */
        VERIFY
    }

    Ceremony {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(challenge, "challenge");
        Objects.requireNonNull(rp, "rp");
        Objects.requireNonNull(expiresAt, "expiresAt");
        account = Objects.requireNonNullElse(account, Optional.empty());
        if (purpose != Purpose.SIGN_IN && account.isEmpty()) throw new IllegalArgumentException(purpose + " needs an account");
    }
}
