package dev.lanyard.factors;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;

/** Where authenticator seeds, recovery codes and sign-in challenges are kept. */
interface FactorStore {

    /**
     * An account's authenticator app: its sealed seed, and when it was confirmed (empty while enrolling).
     *
     * @param startedBy while enrolling, who started it; empty once confirmed (and for enrolments started before
     *                  enrolments had an owner, which nobody may see or confirm)
     */
    record Totp(AccountId account, String sealedSeed, Instant createdAt, Optional<Instant> confirmedAt, long lastStep,
                Optional<Starter> startedBy) {
        boolean confirmed() {
            return confirmedAt.isPresent();
        }
    }

    /** Who started an enrolment: the session, and SHA-256 (hex) of the key its browser holds in a cookie. */
    record Starter(SessionId session, String keyHash) {
    }

    /** A sign-in waiting for its second factor, found by the hash of its id. */
    /** A sign-in waiting for its second step; {@code passwordStamp} the stamp of the password its first step checked. */
    record Challenge(String idHash, AccountId account, boolean rememberMe, String appType, boolean bearer,
                     String returnPath, Instant createdAt, Instant expiresAt, int failures, Optional<Instant> usedAt,
                     String passwordStamp) {
    }

    Optional<Totp> find(AccountId account);

    /**
     * Starts enrolment with a new seed for {@code startedBy}, replacing an enrolment not yet confirmed (whoever
     * started it). Returns 1, or 0 (and changes nothing) when a confirmed app exists.
     */
    int startEnrolment(AccountId account, String sealedSeed, Starter startedBy, Instant at);

    /**
     * Confirms the pending enrolment whose sealed seed is {@code sealedSeed} (the one whose code was checked)
     * with the step of that code, and forgets who started it. Returns 1, or 0 when there is no pending
     * enrolment or it now has another seed (it was started again meanwhile); a repeat changes nothing.
     */
    int confirm(AccountId account, String sealedSeed, long step, Instant at);

    /**
     * Accepts a code of {@code step}: atomically moves the last used step forward. Returns 1, or 0 when
     * a code of this or a later step was already accepted (a replay), so one code works once.
     */
    int useStep(AccountId account, long step);

    /** Removes the account's app and recovery codes. Returns the apps removed (0 or 1); safe to repeat. */
    int delete(AccountId account);

    /** Removes the account's app and keeps its recovery codes. Returns the apps removed (0 or 1); safe to repeat. */
    int deleteApp(AccountId account);

    /** Replaces every recovery code of the account with these hashes. */
    void replaceRecoveryCodes(AccountId account, Collection<String> hashes, Instant at);

    /**
     * Marks the unused recovery code kept as any of {@code hashes} (the forms one code may be kept in) used.
     * Returns the codes marked: 1, or 0 when unknown or already used, so each works once.
     */
    int useRecoveryCode(AccountId account, Collection<String> hashes, Instant at);

    /**
     * Whether the account has a used recovery code kept as any of {@code hashes}: asked only after
     * {@link #useRecoveryCode} refused it, to tell "already used" from "not a code". One primary-key read.
     */
    boolean recoveryCodeUsed(AccountId account, Collection<String> hashes);

    int unusedRecoveryCodes(AccountId account);

    void insert(Challenge challenge);

    Optional<Challenge> findChallenge(String idHash);

    /** Counts a wrong code against an unused challenge. Returns the failures now counted, or 0 if it is used or unknown. */
    int fail(String idHash);

    /**
     * Uses the challenge up if it is unused, unexpired at {@code at} and below {@code maxFailures}.
     * Returns 1 once; 0 for every later or late call.
     */
    int consume(String idHash, Instant at, int maxFailures);

    /** Deletes challenges that expired before {@code before}. Returns how many; safe to repeat. */
    int deleteExpired(Instant before);
}
