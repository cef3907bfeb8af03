package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What every {@link AccountStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AccountStoreContract {
    private static final Instant AT = Instant.parse("2026-01-10T09:15:00.123Z");

    private HikariDataSource dataSource;
    private AccountStore store;

    /** A new, empty database with the schema migrated. */
    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStore() {
        dataSource = migratedDatabase();
        store = new JdbcAccountStore(JdbcClient.create(dataSource));
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    private Team team(String name) {
        return new Team(TeamId.random(), name, AT, TeamPolicy.DEFAULT);
    }

    private Account account(Team team, String email) {
        return new Account(AccountId.random(), team.id(), email, "Alice Example", Role.ADMIN, AT);
    }

    @Test
    void insertedAccountIsFoundByIdAndByEmailWithItsHash() {
        Team team = team("Platform");
        Account account = account(team, TestAccounts.uniqueEmail("alice"));
        store.insert(team);
        store.insert(account, "{argon2}hash-of-alice");

        assertThat(store.find(account.id())).contains(account);
        assertThat(store.findByEmail(account.email()))
                .contains(new AccountStore.Credentials(account, "{argon2}hash-of-alice"));
    }

    @Test
    void severalAccountsAreFoundInOneCallAndUnknownIdsAreLeftOut() {
        Team team = team("Platform");
        store.insert(team);
        Account alice = account(team, TestAccounts.uniqueEmail("alice"));
        Account bob = account(team, TestAccounts.uniqueEmail("bob"));
        store.insert(alice, "{argon2}a");
        store.insert(bob, "{argon2}b");

        assertThat(store.find(java.util.List.of(alice.id(), bob.id(), alice.id(), new AccountId("acc_unknown"))))
                .containsExactlyInAnyOrder(alice, bob);
        assertThat(store.find(java.util.List.of())).isEmpty();
    }

    /**
     * A team's invitations come newest first, a page at a time, every one of them reachable (outside review: the 100 newest
     * were all an admin could see); invitations made in the same millisecond are told apart by their ids.
     */
    @Test
    void aTeamsInvitationsComeNewestFirstPageByPageWithoutGapsOrRepeats() {
        Team team = team("Platform");
        store.insert(team);
        Account admin = account(team, TestAccounts.uniqueEmail("admin"));
        store.insert(admin, "{argon2}a");
        Team other = team("Elsewhere");
        store.insert(other);
        Account otherAdmin = account(other, TestAccounts.uniqueEmail("otto"));
        store.insert(otherAdmin, "{argon2}o");
        JdbcInvitationStore invitations = new JdbcInvitationStore(JdbcClient.create(dataSource));
        java.util.List<String> newestFirst = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Instant at = AT.plusMillis(i / 2); // pairs made in the same millisecond
            Invitation invitation = new Invitation("inv_" + team.id().value() + "_" + i, team.id(), "guest" + i + "@example.com",
                    Role.MEMBER, admin.id(), at, at.plus(Duration.ofDays(7)), java.util.Optional.empty(), java.util.Optional.empty(),
                    MailDelivery.OUTBOX);
            invitations.insert(invitation, "hash-" + invitation.id());
            newestFirst.add(0, invitation.id());
        }
        invitations.insert(new Invitation("inv_" + other.id().value(), other.id(), "guest@example.com", Role.MEMBER, otherAdmin.id(),
                AT, AT.plus(Duration.ofDays(7)), java.util.Optional.empty(), java.util.Optional.empty(), MailDelivery.OUTBOX), "hash-other");

        java.util.List<String> all = invitations.recent(team.id(), java.util.EnumSet.allOf(InvitationStatus.class), AT, 50, java.util.Optional.empty()).stream().map(Invitation::id).toList();
        java.util.List<String> paged = new java.util.ArrayList<>();
        java.util.Optional<Invitation.Position> after = java.util.Optional.empty();
        for (int page = 0; page < 10; page++) {
            java.util.List<Invitation> rows = invitations.recent(team.id(), java.util.EnumSet.allOf(InvitationStatus.class), AT, 3, after);
            rows.forEach(i -> paged.add(i.id()));
            if (rows.size() < 3) break;
            after = java.util.Optional.of(rows.get(2).position());
        }

        assertThat(all).containsExactlyElementsOf(newestFirst);
        assertThat(paged).containsExactlyElementsOf(all);
    }

    /** Outside review: an admin looking for who had not answered read every invitation; the pending ones are listed apart. */
    @Test
    void invitationsAreListedAndCountedByTheirStatusAtTheMomentAsked() {
        Team team = team("Statuses");
        store.insert(team);
        Account admin = account(team, TestAccounts.uniqueEmail("admin"));
        store.insert(admin, "{argon2}a");
        JdbcInvitationStore invitations = new JdbcInvitationStore(JdbcClient.create(dataSource));
        java.util.Map<String, String> ids = new java.util.LinkedHashMap<>();
        for (String kind : java.util.List.of("pending", "accepted", "cancelled", "expiring", "other-pending")) {
            Invitation invitation = new Invitation("inv_" + kind + "_" + team.id().value(), team.id(), kind + "@example.com", Role.MEMBER,
                    admin.id(), AT, AT.plus(kind.equals("expiring") ? Duration.ofDays(1) : Duration.ofDays(7)), java.util.Optional.empty(),
                    java.util.Optional.empty(), MailDelivery.OUTBOX);
            invitations.insert(invitation, "hash-" + invitation.id());
            ids.put(kind, invitation.id());
        }
        invitations.accept(ids.get("accepted"), AT.plusSeconds(1));
        invitations.cancel(ids.get("cancelled"), team.id(), AT.plusSeconds(1));
        Instant later = AT.plus(Duration.ofDays(2));

        assertThat(statuses(invitations, team, java.util.EnumSet.of(InvitationStatus.PENDING), AT))
                .containsExactlyInAnyOrder(ids.get("pending"), ids.get("expiring"), ids.get("other-pending"));
        assertThat(statuses(invitations, team, java.util.EnumSet.of(InvitationStatus.PENDING), later))
                .containsExactlyInAnyOrder(ids.get("pending"), ids.get("other-pending"));
        assertThat(statuses(invitations, team, java.util.EnumSet.of(InvitationStatus.EXPIRED), later)).containsExactly(ids.get("expiring"));
        assertThat(statuses(invitations, team, java.util.EnumSet.of(InvitationStatus.ACCEPTED), later)).containsExactly(ids.get("accepted"));
        assertThat(statuses(invitations, team, java.util.EnumSet.of(InvitationStatus.CANCELLED), later)).containsExactly(ids.get("cancelled"));
        assertThat(statuses(invitations, team, java.util.EnumSet.complementOf(java.util.EnumSet.of(InvitationStatus.PENDING)), later))
                .containsExactlyInAnyOrder(ids.get("accepted"), ids.get("cancelled"), ids.get("expiring"));
        assertThat(invitations.countPending(team.id(), AT)).isEqualTo(3);
        assertThat(invitations.countPending(team.id(), later)).isEqualTo(2);
        for (String id : statuses(invitations, team, java.util.EnumSet.allOf(InvitationStatus.class), later)) {
            assertThat(invitations.find(id, team.id()).orElseThrow().status(later)).as("listed under the status it shows")
                    .isEqualTo(InvitationStatus.valueOf(
                            id.equals(ids.get("expiring")) ? "EXPIRED" : id.equals(ids.get("accepted")) ? "ACCEPTED"
                                    : id.equals(ids.get("cancelled")) ? "CANCELLED" : "PENDING"));
        }
    }

    private static java.util.List<String> statuses(JdbcInvitationStore invitations, Team team, java.util.Set<InvitationStatus> statuses,
                                                   Instant now) {
        return invitations.recent(team.id(), statuses, now, 50, java.util.Optional.empty()).stream().map(Invitation::id).toList();
    }

    @Test
    void insertedTeamIsFoundById() {
        Team team = team("Platform");
        store.insert(team);

        assertThat(store.findTeam(team.id())).contains(team);
    }

    @Test
    void teamKeepsAPolicyOtherThanTheDefault() {
        TeamPolicy strict = new TeamPolicy(Duration.ofDays(1), false, 90, 1);
        Team team = new Team(TeamId.random(), "Strict", AT, strict);
        store.insert(team);

        assertThat(store.findTeam(team.id())).contains(team);
    }

    @Test
    void updatingThePolicyReplacesItAndIsSafeToRepeat() {
        Team team = team("Platform");
        Team other = team("Other");
        store.insert(team);
        store.insert(other);
        TeamPolicy never = new TeamPolicy(Duration.ZERO, true, 365, 7);

        assertThat(store.updatePolicy(team.id(), never)).isEqualTo(1);
        assertThat(store.updatePolicy(team.id(), never)).isEqualTo(1);

        assertThat(store.findTeam(team.id())).map(Team::policy).contains(never);
        assertThat(store.findTeam(other.id())).map(Team::policy).contains(TeamPolicy.DEFAULT);
        assertThat(store.updatePolicy(new TeamId("team_unknown"), never)).isZero();
    }

    @Test
    void unknownIdsAndEmailsFindNothing() {
        assertThat(store.find(new AccountId("acc_unknown"))).isEmpty();
        assertThat(store.findTeam(new TeamId("team_unknown"))).isEmpty();
        assertThat(store.findByEmail("nobody@example.com")).isEmpty();
    }

    @Test
    void emailIsLookedUpExactlyAsStored() {
        Team team = team("Platform");
        Account account = account(team, TestAccounts.uniqueEmail("carol"));
        store.insert(team);
        store.insert(account, "{argon2}hash");

        // Normalising is the service's job; the store compares what it is given.
        assertThat(store.findByEmail(account.email().toUpperCase(java.util.Locale.ROOT))).isEmpty();
    }

    @Test
    void secondAccountWithTheSameEmailIsADuplicateKey() {
        String email = TestAccounts.uniqueEmail("dave");
        Team first = team("First");
        Team second = team("Second");
        store.insert(first);
        store.insert(second);
        Account original = account(first, email);
        store.insert(original, "{argon2}first");

        assertThatThrownBy(() -> store.insert(account(second, email), "{argon2}second"))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(store.findByEmail(email)).map(AccountStore.Credentials::account).contains(original);
    }

    @Test
    void aTimeZoneIsUnknownUntilSetAndSettingItAgainChangesNothing() {
        Team team = team("Platform");
        store.insert(team);
        Account account = account(team, TestAccounts.uniqueEmail("tomoko"));
        Account other = account(team, TestAccounts.uniqueEmail("olaf"));
        store.insert(account, "{argon2}hash");
        store.insert(other, "{argon2}hash");
        assertThat(store.timeZone(account.id())).isEmpty();

        assertThat(store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Asia/Tokyo")), java.util.Optional.empty())).isEqualTo(1);
        assertThat(store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Asia/Tokyo")), java.util.Optional.empty())).as("the same again").isZero();
        assertThat(store.timeZone(account.id())).contains(java.time.ZoneId.of("Asia/Tokyo"));
        assertThat(store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Europe/Oslo")), java.util.Optional.empty())).isEqualTo(1);
        assertThat(store.timeZone(account.id())).contains(java.time.ZoneId.of("Europe/Oslo"));
        assertThat(store.timeZone(other.id())).as("another member's").isEmpty();
        assertThat(store.setTimeZone(other.id(), java.util.Optional.empty(), java.util.Optional.empty())).as("none to forget").isZero();
        assertThat(store.find(account.id())).as("the account is otherwise as it was").contains(account);
        assertThat(store.setTimeZone(account.id(), java.util.Optional.empty(), java.util.Optional.empty())).as("forgotten").isEqualTo(1);
        assertThat(store.timeZone(account.id())).isEmpty();
        assertThat(store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Europe/Oslo")), java.util.Optional.empty())).isEqualTo(1);

        store.remove(account.id(), team.id(), AT);
        assertThat(store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Asia/Tokyo")), java.util.Optional.empty())).as("removed: kept as it was").isZero();
        assertThat(store.setTimeZone(new AccountId("acc_unknown"), java.util.Optional.of(java.time.ZoneId.of("Asia/Tokyo")), java.util.Optional.empty())).isZero();
        assertThat(store.timeZone(new AccountId("acc_unknown"))).isEmpty();
    }

    /** A removed member keeps only the email and name the history names: no password hash, time zone or zone notes. */
    @Test
    void aRemovedMemberKeepsNoPasswordHashNorTimeZone() {
        Team team = team("Platform");
        store.insert(team);
        Account account = account(team, TestAccounts.uniqueEmail("rosa"));
        Account other = account(team, TestAccounts.uniqueEmail("olga"));
        store.insert(account, "{argon2}hash-of-rosa");
        store.insert(other, "{argon2}hash-of-olga");
        store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Europe/Paris")), java.util.Optional.of("ses_rosa"));
        store.setTimeZone(other.id(), java.util.Optional.of(java.time.ZoneId.of("Europe/Oslo")), java.util.Optional.of("ses_olga"));

        assertThat(store.remove(account.id(), team.id(), AT)).isEqualTo(1);

        JdbcClient jdbc = JdbcClient.create(dataSource);
        assertThat(jdbc.sql("SELECT password_hash FROM accounts WHERE id = :id").param("id", account.id().value())
                .query(String.class).single()).isEmpty();
        assertThat(jdbc.sql("SELECT email FROM accounts WHERE id = :id").param("id", account.id().value())
                .query(String.class).single()).as("kept for the history").isEqualTo(account.email());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM time_zone_notes WHERE account_id = :id").param("id", account.id().value())
                .query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE id = :id AND time_zone IS NULL").param("id", account.id().value())
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(store.findByEmail(account.email())).isEmpty();
        assertThat(store.passwordHash(other.id())).as("another member's").contains("{argon2}hash-of-olga");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM time_zone_notes WHERE account_id = :id").param("id", other.id().value())
                .query(Integer.class).single()).isEqualTo(1);
    }

    /** A sign-in its member disowns gives back the zone the account had before it, while no later sign-in changed it. */
    @Test
    void aDisownedSignInGivesBackTheZoneItReplacedUnlessALaterOneChangedIt() {
        Team team = team("Platform");
        store.insert(team);
        Account account = account(team, TestAccounts.uniqueEmail("ada"));
        store.insert(account, "{argon2}hash");
        java.time.ZoneId paris = java.time.ZoneId.of("Europe/Paris");
        java.time.ZoneId kiritimati = java.time.ZoneId.of("Pacific/Kiritimati");
        store.setTimeZone(account.id(), java.util.Optional.of(paris), java.util.Optional.of("ses_own"));
        store.setTimeZone(account.id(), java.util.Optional.of(kiritimati), java.util.Optional.of("ses_intruder"));

        assertThat(store.disownTimeZone(account.id(), "ses_other")).as("not the sign-in that brought it").isZero();
        assertThat(store.disownTimeZone(account.id(), "ses_intruder")).isEqualTo(1);
        assertThat(store.timeZone(account.id())).contains(paris);
        assertThat(store.disownTimeZone(account.id(), "ses_intruder")).as("again").isZero();
        assertThat(store.timeZone(account.id())).contains(paris);

        store.setTimeZone(account.id(), java.util.Optional.of(kiritimati), java.util.Optional.of("ses_intruder2"));
        store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Asia/Tokyo")), java.util.Optional.of("ses_later"));
        assertThat(store.disownTimeZone(account.id(), "ses_intruder2")).as("a later sign-in changed it since").isZero();
        assertThat(store.timeZone(account.id())).contains(java.time.ZoneId.of("Asia/Tokyo"));

        Account fresh = account(team, TestAccounts.uniqueEmail("bea"));
        store.insert(fresh, "{argon2}hash");
        store.setTimeZone(fresh.id(), java.util.Optional.of(kiritimati), java.util.Optional.of("ses_first"));
        assertThat(store.disownTimeZone(fresh.id(), "ses_first")).isEqualTo(1);
        assertThat(store.timeZone(fresh.id())).as("none before it: UTC again").isEmpty();
    }

    /**
     * Outside review: someone with the password signed in twice, with two zones; the member disowned both sign-ins and
     * kept the first one's zone. In either order, the zone from before them comes back.
     */
    @Test
    void twoDisownedSignInsGiveBackTheZoneFromBeforeThemInEitherOrder() {
        Team team = team("Platform");
        store.insert(team);
        java.time.ZoneId paris = java.time.ZoneId.of("Europe/Paris");
        for (boolean latestFirst : new boolean[] {true, false}) {
            Account account = account(team, TestAccounts.uniqueEmail("vm"));
            store.insert(account, "{argon2}hash");
            store.setTimeZone(account.id(), java.util.Optional.of(paris), java.util.Optional.of("ses_own"));
            store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Asia/Tokyo")), java.util.Optional.of("ses_tokyo"));
            store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("America/Lima")), java.util.Optional.of("ses_lima"));

            if (latestFirst) {
                assertThat(store.disownTimeZone(account.id(), "ses_lima")).isEqualTo(1);
                assertThat(store.timeZone(account.id())).as("Tokyo's sign-in still stands").contains(java.time.ZoneId.of("Asia/Tokyo"));
                assertThat(store.disownTimeZone(account.id(), "ses_tokyo")).isEqualTo(1);
            } else {
                assertThat(store.disownTimeZone(account.id(), "ses_tokyo")).as("a later sign-in's zone stands").isZero();
                assertThat(store.timeZone(account.id())).contains(java.time.ZoneId.of("America/Lima"));
                assertThat(store.disownTimeZone(account.id(), "ses_lima")).isEqualTo(1);
            }
            assertThat(store.timeZone(account.id())).as(latestFirst ? "Lima, then Tokyo" : "Tokyo, then Lima").contains(paris);
            assertThat(store.disownTimeZone(account.id(), "ses_tokyo")).as("again").isZero();
        }

        Account before = account(team, TestAccounts.uniqueEmail("noted-before"));
        store.insert(before, "{argon2}hash");
        store.setTimeZone(before.id(), java.util.Optional.of(paris), java.util.Optional.empty());
        store.setTimeZone(before.id(), java.util.Optional.of(java.time.ZoneId.of("Asia/Tokyo")), java.util.Optional.of("ses_tokyo"));
        store.setTimeZone(before.id(), java.util.Optional.empty(), java.util.Optional.of("ses_unknown_zone"));
        store.disownTimeZone(before.id(), "ses_tokyo");
        assertThat(store.timeZone(before.id())).as("the zone a later sign-in forgot stays forgotten").isEmpty();
        assertThat(store.disownTimeZone(before.id(), "ses_unknown_zone")).isEqualTo(1);
        assertThat(store.timeZone(before.id())).as("a zone noted without a sign-in cannot be disowned").contains(paris);
    }

    /**
     * The member's own sign-in after an intruder's keeps its zone when they disown the intruder's, a new zone or the same
     * as the intruder's (which changed nothing, and was taken back with the intruder's before).
     */
    @Test
    void aLaterOwnSignInKeepsItsZoneWhenAnEarlierOneIsDisowned() {
        Team team = team("Platform");
        store.insert(team);
        Account account = account(team, TestAccounts.uniqueEmail("vm"));
        store.insert(account, "{argon2}hash");
        java.time.ZoneId tokyo = java.time.ZoneId.of("Asia/Tokyo");
        store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Europe/Paris")), java.util.Optional.of("ses_own"));
        store.setTimeZone(account.id(), java.util.Optional.of(tokyo), java.util.Optional.of("ses_intruder"));

        assertThat(store.setTimeZone(account.id(), java.util.Optional.of(tokyo), java.util.Optional.of("ses_own_in_tokyo")))
                .as("the same zone: noted, not changed").isZero();
        assertThat(store.disownTimeZone(account.id(), "ses_intruder")).isZero();
        assertThat(store.timeZone(account.id())).contains(tokyo);

        store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("America/Lima")), java.util.Optional.of("ses_intruder2"));
        store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Europe/Oslo")), java.util.Optional.of("ses_own_in_oslo"));
        assertThat(store.disownTimeZone(account.id(), "ses_intruder2")).isZero();
        assertThat(store.timeZone(account.id())).contains(java.time.ZoneId.of("Europe/Oslo"));
    }

    /** An account keeps its latest zone notes only: one older is forgotten, and disowning its sign-in changes nothing. */
    @Test
    void anAccountKeepsItsLatestZoneNotesOnly() {
        Team team = team("Platform");
        store.insert(team);
        Account account = account(team, TestAccounts.uniqueEmail("vm"));
        store.insert(account, "{argon2}hash");
        java.time.ZoneId paris = java.time.ZoneId.of("Europe/Paris");
        store.setTimeZone(account.id(), java.util.Optional.of(java.time.ZoneId.of("Asia/Tokyo")), java.util.Optional.of("ses_oldest"));
        for (int i = 0; i < JdbcAccountStore.ZONE_NOTES_KEPT; i++) {
            store.setTimeZone(account.id(), java.util.Optional.of(paris), java.util.Optional.of("ses_" + i));
        }

        assertThat(store.disownTimeZone(account.id(), "ses_oldest")).isZero();
        for (int i = 0; i < JdbcAccountStore.ZONE_NOTES_KEPT; i++) store.disownTimeZone(account.id(), "ses_" + i);
        assertThat(store.timeZone(account.id())).as("Tokyo, from before the notes kept").contains(java.time.ZoneId.of("Asia/Tokyo"));
    }

    @Test
    void accountOfAnUnknownTeamIsRefused() {
        Account orphan = account(team("never inserted"), TestAccounts.uniqueEmail("erin"));

        assertThatThrownBy(() -> store.insert(orphan, "{argon2}hash"))
                .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
        assertThat(store.find(orphan.id())).isEmpty();
    }
}
