package dev.lanyard.account;

import java.time.Instant;
import java.util.Optional;

/** Persistence of teams and accounts. */
interface AccountStore {

    /** Inserts the team; not repeatable (the id is new). */
    void insert(Team team);

    /** Inserts the account; throws {@link org.springframework.dao.DuplicateKeyException} for a taken email. */
    void insert(Account account, String passwordHash);

    Optional<Account> find(AccountId id);

    /** The account even if it was removed from its team; for history, never for signing in. */
    Optional<Account> findIncludingRemoved(AccountId id);

    /** The accounts among {@code ids} that are not removed, in one statement (no order). */
    java.util.List<Account> find(java.util.Collection<AccountId> ids);

    /** The accounts among {@code ids}, removed ones too, in one statement (no order); for history. */
    java.util.List<Account> findIncludingRemoved(java.util.Collection<AccountId> ids);

    Optional<Team> findTeam(TeamId id);

    /** Replaces the team's session policy; returns 1, or 0 if there is no such team. Safe to repeat. */
    int updatePolicy(TeamId id, TeamPolicy policy);

    /** Takes the team's row lock until the transaction ends, so admin changes of one team run one at a time. */
    void lockTeam(TeamId team);

    /**
     * Whether an account has {@code email} (normalized by {@link EmailRule}), or the address {@code raw} as accounts
     * made before that rule were stored: a new account or invitation must not take either.
     */
    default boolean taken(String email, String raw) {
        return holder(email, raw).isPresent();
    }

    /** The account that has {@code email}, or {@code raw} as accounts made before {@link EmailRule} were stored. */
    default Optional<Account> holder(String email, String raw) {
        return findByEmail(email).or(() -> EmailRule.asStoredBefore(raw).flatMap(this::findByEmail)).map(Credentials::account);
    }

    /**
     * Locks {@code admin}'s team and checks, with it locked, that they are still its admin: a removal or a change
     * of role committed meanwhile (on any node) refuses what the role their session carried would still allow.
     */
    default void lockTeamAsAdmin(Account admin) {
        lockTeam(admin.team());
        if (find(admin.id()).filter(a -> a.team().equals(admin.team()) && a.role() == Role.ADMIN).isEmpty())
            throw new AccountProblem.Forbidden();
    }

    /** Takes the account's row lock until the transaction ends, so one member's sign-ins are counted one at a time. */
    void lockAccount(AccountId id);

    /** What an admin set for the member over the team's policy; the team's alone for an unknown account. */
    MemberRules memberRules(AccountId id);

    /** Makes the member a high-security account ("Remember me" not allowed) or not. */
    void setRememberMeForbidden(AccountId id, TeamId team, boolean forbidden);

    /** Sets the member's own session limit, or clears it ({@code null}) for the team's. */
    void setMemberSessionLimit(AccountId id, TeamId team, Integer limit);

    /** Admins of the team who are still members. */
    int countAdmins(TeamId team);

    /** Changes a member's role within {@code team}; returns 1, or 0 if no such member. Safe to repeat. */
    int updateRole(AccountId id, TeamId team, Role role);

    /**
     * Removes a member of {@code team} (kept for history, can no longer sign in); returns 1 or 0. Safe to repeat. Only
     * its email and name are kept, which the audit log and the history name: its password hash, time zone and time zone
     * notes go with the removal (decision 49).
     */
    int remove(AccountId id, TeamId team, java.time.Instant at);

    /** Sets whether members may view their session list; returns 1 or 0. Safe to repeat. */
    int setMembersSeeSessions(TeamId team, boolean allowed);

    /** Members of the team whose email starts with {@code emailPrefix}, by email, after {@code afterEmail}. */
    java.util.List<Account> members(TeamId team, String emailPrefix, int limit, Optional<String> afterEmail);

    /**
     * Replaces the password hash of an account that still has {@code expectedHash} (the hash the current password
     * was checked against), so of two changes at once only one wins. Returns 1, or 0 if nothing changed.
     */
    int updatePassword(AccountId id, String expectedHash, String newHash);

    /** The account and its password hash, by normalized email. */
    Optional<Credentials> findByEmail(String email);

    /** The password hash of an account that is not removed. */
    Optional<String> passwordHash(AccountId id);

    /** Notes that the holder of {@code id} was shown to read mail at its address (a link a mail server delivered); the first time is kept. */
    void markEmailVerified(AccountId id, Instant at);

    /** Whether {@link #markEmailVerified} was ever noted for {@code id} (OpenID Connect's {@code email_verified}). */
    boolean emailVerified(AccountId id);

    /** The account's time zone ({@link #setTimeZone}); empty when none was set, or the one stored is no region Java knows now. */
    Optional<java.time.ZoneId> timeZone(AccountId id);

    /** The account's time zone notes (at most the latest 20), newest first. */
    java.util.List<Accounts.ZoneNote> timeZoneNotes(AccountId id);

    /**
     * Keeps {@code zone} as the account's time zone (none: forgets it), and notes it as reported by the sign-in that started
     * {@code session} (empty: no sign-in, which no one can disown), with the zone it replaced, for {@link #disownTimeZone}:
     * noted even when the zone is the same, since a later disown must not take back a zone this sign-in reported too. Run
     * it in a transaction. Returns 1, or 0 if the zone did not change (the same zone, noted; or no such account that is not
     * removed, and nothing noted). Each call is a note: an account keeps its latest {@code JdbcAccountStore.ZONE_NOTES_KEPT}.
     */
    int setTimeZone(AccountId id, Optional<java.time.ZoneId> zone, Optional<String> session);

    /**
     * Sets aside the zone the sign-in that started {@code session} reported ("This wasn't me"): the account's zone is the
     * one of the latest sign-in noted and not disowned, or, when every note kept is disowned, the zone it had before the
     * oldest (none: UTC). In any number and order, disowns leave the zone of the latest sign-in not disowned. Run it in a
     * transaction. Returns 1 if the account's zone changed, 0 if not (a later sign-in's zone stands, the sign-in noted no
     * zone, or it is disowned already). Safe to repeat.
     */
    int disownTimeZone(AccountId id, String session);

    record Credentials(Account account, String passwordHash) {
    }
}
