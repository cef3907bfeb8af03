package dev.lanyard.account;

import java.util.Optional;

/** Persistence of teams and accounts. */
interface AccountStore {

    /** Inserts the team; not repeatable (the id is new). */
    void insert(Team team);

    /** Inserts the account; throws {@link org.springframework.dao.DuplicateKeyException} for a taken email. */
    void insert(Account account, String passwordHash);

    Optional<Account> find(AccountId id);

    Optional<Team> findTeam(TeamId id);

    /** Replaces the team's session policy; returns 1, or 0 if there is no such team. Safe to repeat. */
    int updatePolicy(TeamId id, TeamPolicy policy);

    /** The account and its password hash, by normalized email. */
    Optional<Credentials> findByEmail(String email);

    record Credentials(Account account, String passwordHash) {
    }
}
