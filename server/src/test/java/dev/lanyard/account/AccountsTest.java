package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Sign-up and sign-in on a real database, with a clock the tests move. */
@LanyardSpringTest
class AccountsTest {
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @Autowired
    Accounts accounts;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Members members;

    /** Each test signs in from an address of its own, so the per-address throttle never spans tests. */
    private final String address = "198.51.100." + ADDRESSES.incrementAndGet();

    private static SignUp with(SignUp base, String email, String password, String name, String team) {
        return new SignUp(email == null ? base.email() : email, password == null ? base.password() : password,
                name == null ? base.name() : name, team == null ? base.team() : team, base.address());
    }

    private static void assertInvalid(SignUp request, String field, String message, Accounts accounts) {
        assertThatThrownBy(() -> accounts.signUp(request))
                .isInstanceOfSatisfying(AccountProblem.InvalidInput.class, problem -> {
                    assertThat(problem.field()).isEqualTo(field);
                    assertThat(problem.getMessage()).isEqualTo(message);
                    assertThat(problem.code()).isEqualTo("invalid-input");
                });
    }

    private AccountProblem failedSignIn(String email, String password) {
        return catchThrowableOfType(AccountProblem.class, () -> accounts.authenticate(email, password, address));
    }

    // ---- sign-up

    /** A sign-up whose first session fails keeps no account: a retry is a new sign-up, not "email taken" (outside QA). */
    @Test
    void aSignUpWhoseFirstSessionFailsKeepsNoAccount() {
        SignUp newcomer = TestAccounts.newcomer("half");
        assertThatThrownBy(() -> accounts.signUp(newcomer, account -> {
            throw new IllegalStateException("the session could not be written");
        })).hasMessage("the session could not be written");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE email = :e").param("e", newcomer.email().toLowerCase(java.util.Locale.ROOT))
                .query(Integer.class).single()).isZero();

        assertThat(accounts.signUp(newcomer).email()).isEqualTo(newcomer.email().toLowerCase(java.util.Locale.ROOT));
    }

    // ---- invitations

    @Test
    void aTeamsInvitationMailsOfTheLastDayAreCountedWithTheTeamLocked() {
        Account admin = accounts.signUp(TestAccounts.newcomer("inviter"));
        for (int i = 0; i < 99; i++) {
            jdbc.sql("INSERT INTO invitation_mails (team_id, sent_at) VALUES (:team, :at)")
                    .param("team", admin.team().value()).param("at", clock.instant().minus(Duration.ofHours(20)).toEpochMilli()).update();
        }
        jdbc.sql("INSERT INTO invitation_mails (team_id, sent_at) VALUES (:team, :at)")
                .param("team", admin.team().value()).param("at", clock.instant().minus(Duration.ofDays(2)).toEpochMilli()).update();
        members.invite(admin, TestAccounts.uniqueEmail("hundredth"), Role.MEMBER, address);
        assertThatThrownBy(() -> members.invite(admin, TestAccounts.uniqueEmail("more"), Role.MEMBER, address))
                .isInstanceOfSatisfying(AccountProblem.TooManyAttempts.class,
                        tooMany -> assertThat(tooMany.retryAfterSeconds()).isBetween(4 * 3600L, 4 * 3600L + 2));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM invitation_mails WHERE team_id = :t").param("t", admin.team().value())
                .query(Integer.class).single()).as("the older one forgotten, the refused one not counted").isEqualTo(100);
    }

    // ---- email addresses

    @Test
    void anEmailIsOneAddressWhateverSpacesAccentsOrTrailingDotItIsTypedWith() {
        String nbsp = "joe." + ADDRESSES.incrementAndGet() + "@example.com";
        Account joe = accounts.signUp(with(TestAccounts.newcomer("joe"), nbsp + "\u00a0", null, null, null));
        assertThat(joe.email()).isEqualTo(nbsp);
        assertThat(accounts.authenticate(nbsp, TestAccounts.PASSWORD, address).id()).isEqualTo(joe.id());
        assertThat(accounts.authenticate("\u200b" + nbsp + ".", TestAccounts.PASSWORD, address).id()).isEqualTo(joe.id());
        assertThatThrownBy(() -> accounts.signUp(with(TestAccounts.newcomer("joe"), nbsp + ".", null, null, null)))
                .isInstanceOf(AccountProblem.EmailTaken.class);

        String composed = "jos\u00e9." + ADDRESSES.incrementAndGet() + "@example.com";
        String decomposed = composed.replace("\u00e9", "e\u0301");
        Account jose = accounts.signUp(with(TestAccounts.newcomer("jose"), decomposed, null, null, null));
        assertThat(jose.email()).isEqualTo(composed);
        assertThat(accounts.authenticate(composed, TestAccounts.PASSWORD, address).id()).isEqualTo(jose.id());
        assertThatThrownBy(() -> accounts.signUp(with(TestAccounts.newcomer("jose"), composed, null, null, null)))
                .isInstanceOf(AccountProblem.EmailTaken.class);

        for (String invisible : new String[] {"jo\u200be@example.com", "jo\u00a0e@example.com", "joe@exa\u2028mple.com"}) {
            assertThatThrownBy(() -> accounts.signUp(with(TestAccounts.newcomer("x"), invisible, null, null, null)))
                    .isInstanceOf(AccountProblem.InvalidInput.class);
        }
    }

    @Test
    void anInternationalizedDomainIsOneAddressInUnicodeOrItsAsciiForm() {
        String local = "kim." + ADDRESSES.incrementAndGet();
        Account kim = accounts.signUp(with(TestAccounts.newcomer("kim"), local + "@XN--BCHER-KVA.de", null, null, null));
        assertThat(kim.email()).as("kept as people read it").isEqualTo(local + "@bücher.de");
        assertThat(accounts.authenticate(local + "@bücher.de", TestAccounts.PASSWORD, address).id()).isEqualTo(kim.id());
        assertThat(accounts.authenticate(local + "@xn--bcher-kva.de", TestAccounts.PASSWORD, address).id()).isEqualTo(kim.id());
        assertThat(accounts.authenticate(local + "@bücher.de", TestAccounts.PASSWORD, address).id()).isEqualTo(kim.id());
        assertThatThrownBy(() -> accounts.signUp(with(TestAccounts.newcomer("kim"), local + "@BÜCHER.de", null, null, null)))
                .isInstanceOf(AccountProblem.EmailTaken.class);

        assertThat(EmailRule.forSending(kim.email())).as("what a mail server takes").isEqualTo(local + "@xn--bcher-kva.de");
        assertThat(EmailRule.forSending("joe@example.com")).isEqualTo("joe@example.com");
    }

    @Test
    void anAccountStoredBeforeTheRuleIsStillFoundAtSignIn() {
        String composed = "ren\u00e9e." + ADDRESSES.incrementAndGet() + "@example.com";
        String decomposed = composed.replace("\u00e9", "e\u0301");
        Account renee = accounts.signUp(with(TestAccounts.newcomer("renee"), composed, null, null, null));
        jdbc.sql("UPDATE accounts SET email = :old WHERE id = :id").param("old", decomposed).param("id", renee.id().value()).update();
        assertThat(accounts.authenticate(decomposed, TestAccounts.PASSWORD, address).id()).isEqualTo(renee.id());
    }

    /**
     * Decision 55: a non-ASCII password set on a page that read forms as ISO-8859-1 was hashed misread ("ä" as "Ã¤"). It
     * still signs in as typed, and is then stored as typed; a wrong one fails, and the password change accepts it too.
     */
    @Test
    void aPasswordSetOnAPageThatMisreadItStillSignsInAsTypedAndIsStoredAsTyped() {
        String typed = "p\u00e4ssw\u00f6rd sicher 123";
        String misread = "p\u00c3\u00a4ssw\u00c3\u00b6rd sicher 123";
        assertThat(PasswordHasher.misread(typed)).contains(misread);
        assertThat(PasswordHasher.misread("plain ascii password")).isEmpty();
        Account ana = accounts.signUp(with(TestAccounts.newcomer("ana"), null, misread, null, null));
        String before = hashOf(ana);

        assertThatThrownBy(() -> accounts.authenticate(ana.email(), "p\u00e4ssw\u00f6rd sicher 124", address))
                .isInstanceOf(AccountProblem.InvalidCredentials.class);
        assertThat(accounts.authenticate(ana.email(), typed, address).id()).isEqualTo(ana.id());

        assertThat(hashOf(ana)).as("stored again, as typed").isNotEqualTo(before);
        assertThat(accounts.authenticate(ana.email(), typed, address).id()).isEqualTo(ana.id());

        Account eva = accounts.signUp(with(TestAccounts.newcomer("eva"), null, misread, null, null));
        accounts.changePassword(eva.id(), new PasswordChange(typed, TestAccounts.PASSWORD, false,
                new PasswordChange.Origin("ses_test", "Firefox on Linux", "", address)));
        assertThat(accounts.authenticate(eva.email(), TestAccounts.PASSWORD, address).id()).isEqualTo(eva.id());
    }

    /**
     * Outside review: a password is one password in any Unicode form. Signed up composed (as most keyboards send it), it
     * signs in typed decomposed (as some macOS apps send it), and the other way round; NIST SP 800-63B asks this.
     */
    @Test
    void aPasswordSignsInWhicheverUnicodeFormItWasSetOrIsTypedIn() {
        for (String set : new String[] {PasswordHasherTest.COMPOSED, PasswordHasherTest.DECOMPOSED}) {
            Account account = accounts.signUp(with(TestAccounts.newcomer("dana"), null, set, null, null));
            for (String typed : new String[] {PasswordHasherTest.COMPOSED, PasswordHasherTest.DECOMPOSED}) {
                assertThat(accounts.authenticate(account.email(), typed, address).id()).isEqualTo(account.id());
            }
            assertThatThrownBy(() -> accounts.authenticate(account.email(), PasswordHasherTest.COMPOSED.replace("\u00e9t", "et"), address))
                    .isInstanceOf(AccountProblem.InvalidCredentials.class);
            assertThatThrownBy(() -> accounts.changePassword(account.id(), new PasswordChange(PasswordHasherTest.DECOMPOSED,
                    PasswordHasherTest.COMPOSED, false, new PasswordChange.Origin("ses_test", "Firefox on Linux", "", address))))
                    .as("the same password in another form is no new password")
                    .isInstanceOfSatisfying(AccountProblem.InvalidInput.class, problem -> assertThat(problem.getMessage())
                            .isEqualTo("Choose a new password that differs from the current one."));
        }
        assertInvalid(with(TestAccounts.alice(), null, "\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11\uff12\uff13\uff14", null, null),
                "password", "This password is one that guessers try early (a common password, a repeated or ordered run, a walk along "
                        + "the keyboard). Choose another: a few unrelated words make a strong one.", accounts);
    }

    /**
     * A password hashed as typed before passwords were normalized still signs in typed the same way, and is then stored
     * normalized, so that it signs in in any form from then on.
     */
    @Test
    void aPasswordHashedAsTypedBeforeNormalizingStillSignsInAndIsStoredNormalized() {
        Account account = accounts.signUp(TestAccounts.newcomer("macos"));
        String before = "{argon2}" + PasswordHasher.pureJava().encode(PasswordHasherTest.DECOMPOSED);
        jdbc.sql("UPDATE accounts SET password_hash = :hash WHERE id = :id").param("hash", before).param("id", account.id().value()).update();

        assertThatThrownBy(() -> accounts.authenticate(account.email(), PasswordHasherTest.DECOMPOSED + "!", address))
                .isInstanceOf(AccountProblem.InvalidCredentials.class);
        assertThat(hashOf(account)).isEqualTo(before);
        Accounts.PasswordChecked checked = accounts.authenticateForSignIn(account.email(), PasswordHasherTest.DECOMPOSED, address);

        assertThat(checked.account().id()).isEqualTo(account.id());
        assertThat(hashOf(account)).as("stored again, normalized").isNotEqualTo(before);
        assertThat(checked.stamp()).as("the session stamps the hash stored now").isEqualTo(SignInChecks.stamp(hashOf(account)));
        assertThat(accounts.authenticate(account.email(), PasswordHasherTest.COMPOSED, address).id()).isEqualTo(account.id());
        assertThat(accounts.authenticate(account.email(), PasswordHasherTest.DECOMPOSED, address).id()).isEqualTo(account.id());
    }

    /**
     * A password hashed before passwords were normalized, from a keyboard that sent it decomposed then, signs in typed
     * composed now (the form most keyboards send), and is then stored normalized.
     */
    @Test
    void aPasswordHashedDecomposedBeforeNormalizingSignsInTypedComposedAndIsStoredNormalized() {
        Account account = accounts.signUp(TestAccounts.newcomer("nfd"));
        String before = "{argon2}" + PasswordHasher.pureJava().encode(PasswordHasherTest.DECOMPOSED);
        jdbc.sql("UPDATE accounts SET password_hash = :hash WHERE id = :id").param("hash", before).param("id", account.id().value()).update();

        assertThatThrownBy(() -> accounts.authenticate(account.email(), PasswordHasherTest.COMPOSED + "!", address))
                .isInstanceOf(AccountProblem.InvalidCredentials.class);
        assertThat(hashOf(account)).isEqualTo(before);
        Accounts.PasswordChecked checked = accounts.authenticateForSignIn(account.email(), PasswordHasherTest.COMPOSED, address);

        assertThat(checked.account().id()).isEqualTo(account.id());
        assertThat(hashOf(account)).as("stored again, normalized").isNotEqualTo(before)
                .satisfies(now -> assertThat(PasswordHasher.pureJava().matches(PasswordHasherTest.COMPOSED, now.substring("{argon2}".length())))
                        .as("the normalized (composed) form").isTrue());
        assertThat(checked.stamp()).as("the session stamps the hash stored now").isEqualTo(SignInChecks.stamp(hashOf(account)));
        assertThat(accounts.authenticate(account.email(), PasswordHasherTest.DECOMPOSED, address).id()).isEqualTo(account.id());
    }

    private String hashOf(Account account) {
        return jdbc.sql("SELECT password_hash FROM accounts WHERE id = :id").param("id", account.id().value())
                .query(String.class).single();
    }

    // ---- sign-up

    @Test
    void signingUpCreatesATeamWithTheNewcomerAsItsAdmin() {
        SignUp request = TestAccounts.alice();

        Account account = accounts.signUp(new SignUp("  " + request.email().toUpperCase() + " ", request.password(),
                "  Alice  ", " Platform ", request.address()));

        assertThat(account.email()).isEqualTo(request.email());
        assertThat(account.name()).isEqualTo("Alice");
        assertThat(account.role()).isEqualTo(Role.ADMIN);
        assertThat(account.createdAt()).isEqualTo(clock.instant());
        assertThat(accounts.find(account.id())).contains(account);
        assertThat(accounts.team(account.team())).hasValueSatisfying(team -> assertThat(team.name()).isEqualTo("Platform"));
    }

    @Test
    void signUpRefusesAPasswordShorterThanTwelveCharacters() {
        assertInvalid(with(TestAccounts.alice(), null, "x".repeat(11), null, null),
                "password", "Use a password of at least 12 characters.", accounts);
        assertInvalid(with(TestAccounts.alice(), null, "", null, null),
                "password", "Use a password of at least 12 characters.", accounts);
        assertInvalid(new SignUp(TestAccounts.uniqueEmail("alice"), null, "Alice", "Team", address),
                "password", "Use a password of at least 12 characters.", accounts);
        assertInvalid(with(TestAccounts.alice(), null, "password1234", null, null), "password", "This password is one that guessers try early "
                + "(a common password, a repeated or ordered run, a walk along the keyboard). Choose another: a few unrelated words make a strong one.",
                accounts);
        assertInvalid(with(TestAccounts.alice(), null, "x".repeat(1025), null, null),
                "password", "Use a password of at most 1024 characters.", accounts);
    }

    @Test
    void signUpRefusesAKeyboardWalkAndTheNewcomersOwnEmailOrName() {
        assertInvalid(with(TestAccounts.alice(), null, "qwertyuiopas", null, null), "password", "This password is one that guessers try early "
                + "(a common password, a repeated or ordered run, a walk along the keyboard). Choose another: a few unrelated words make a strong one.",
                accounts);
        SignUp alice = TestAccounts.alice();
        String own = "This password is your email address or your name (or part of it), which guessers who know whose account it is try first. "
                + "Choose another: a few unrelated words make a strong one.";
        assertInvalid(with(alice, null, alice.email().toUpperCase(java.util.Locale.ROOT), null, null), "password", own, accounts);
        assertInvalid(with(alice, null, "Alice Wonderland 99", "Alice Wonderland", null), "password", own, accounts);

        assertThat(accounts.signUp(with(alice, null, "alice in a wonderland of words", "Alice Wonderland", null)).name())
                .as("the name within a passphrase").isEqualTo("Alice Wonderland");
    }

    @Test
    void signUpAcceptsAPasswordOfExactlyTwelveCharacters() {
        Account account = accounts.signUp(with(TestAccounts.alice(), null, "twelve chars", null, null));

        assertThat(accounts.authenticate(account.email(), "twelve chars", address)).isEqualTo(account);
    }

    @Test
    void signUpRefusesAMalformedEmail() {
        for (String email : new String[] {"", "alice", "alice@", "@example.com", "alice@example", "al ice@example.com",
                "alice@@example.com", "alice@example..com", "alice@-example.com", "alice@example-.com", "alice@[127.0.0.1]",
                "alice@127.0.0.1", "alice@exa_mple.com", "alice@" + "b".repeat(64) + ".com", "alice@b\u00fccher..de"}) {
            assertInvalid(with(TestAccounts.alice(), email, null, null, null), "email", "Enter a valid email address.", accounts);
        }
        assertInvalid(new SignUp(null, TestAccounts.PASSWORD, "Alice", "Team", address), "email", "Enter a valid email address.", accounts);
    }

    @Test
    void signUpSignInAndInvitationsShareOneEmailLengthLimit() {
        String domain = ("b".repeat(61) + ".").repeat(3) + "test"; // 190 characters, in labels of at most 63
        String longest = "a".repeat(63) + "@" + domain;
        String tooLong = "a".repeat(64) + "@" + domain;
        assertThat(longest).hasSize(EmailRule.MAX_LENGTH);

        Account account = accounts.signUp(with(TestAccounts.alice(), longest, null, null, null));
        assertThat(accounts.authenticate(longest, TestAccounts.PASSWORD, address)).isEqualTo(account);
        assertInvalid(with(TestAccounts.alice(), tooLong, null, null, null), "email",
                "Use an email address of at most 254 characters.", accounts);
        assertThatThrownBy(() -> accounts.authenticate(tooLong, TestAccounts.PASSWORD, address))
                .isInstanceOfSatisfying(AccountProblem.InvalidInput.class, problem -> {
                    assertThat(problem.field()).isEqualTo("email");
                    assertThat(problem.getMessage()).isEqualTo("Use an email address of at most 254 characters.");
                });
    }

    @Test
    void signUpRefusesAnEmptyNameOrTeam() {
        assertInvalid(with(TestAccounts.alice(), null, null, "   ", null), "name", "Enter your name (up to 100 characters).", accounts);
        assertInvalid(new SignUp(TestAccounts.uniqueEmail("a"), TestAccounts.PASSWORD, null, "Team", address),
                "name", "Enter your name (up to 100 characters).", accounts);
        assertInvalid(with(TestAccounts.alice(), null, null, "x".repeat(101), null),
                "name", "Enter your name (up to 100 characters).", accounts);
        assertInvalid(with(TestAccounts.alice(), null, null, null, " "), "team", "Enter a team name (up to 100 characters).", accounts);
        assertInvalid(with(TestAccounts.alice(), null, null, null, "x".repeat(101)),
                "team", "Enter a team name (up to 100 characters).", accounts);
    }

    @Test
    void signUpNamesEveryFieldAtFaultAtOnceInTheFormsOrder() {
        assertThatThrownBy(() -> accounts.signUp(new SignUp("not-an-email", "short", " ", "x".repeat(101), address)))
                .isInstanceOfSatisfying(AccountProblem.InvalidInput.class, problem -> {
                    assertThat(problem.all()).extracting(AccountProblem::field).containsExactly("name", "email", "password", "team");
                    assertThat(problem.all()).extracting(AccountProblem::getMessage).containsExactly(
                            "Enter your name (up to 100 characters).", "Enter a valid email address.",
                            "Use a password of at least 12 characters.", "Enter a team name (up to 100 characters).");
                    assertThat(problem.field()).isEqualTo("name");
                    assertThat(problem.getMessage()).isEqualTo("Enter your name (up to 100 characters). Enter a valid email address. "
                            + "Use a password of at least 12 characters. Enter a team name (up to 100 characters).");
                });
        // A field passes or fails on its own: the name's own rule, with the others right, is the one refusal.
        assertThatThrownBy(() -> accounts.signUp(with(TestAccounts.alice(), null, null, "Ali\u0000ce", "Te\u202Eam")))
                .isInstanceOfSatisfying(AccountProblem.InvalidInput.class, problem ->
                        assertThat(problem.all()).extracting(AccountProblem::field).containsExactly("name", "team"));
    }

    @Test
    void signUpWithControlCharactersIsInvalidInputNeverAServerError() {
        assertThatThrownBy(() -> accounts.signUp(with(TestAccounts.alice(), "ali\u0000ce@example.com", null, null, null)))
                .isInstanceOfSatisfying(AccountProblem.InvalidInput.class, p -> assertThat(p.field()).isEqualTo("email"));
        assertThatThrownBy(() -> accounts.signUp(with(TestAccounts.alice(), null, null, "Ali\u0000ce", null)))
                .isInstanceOfSatisfying(AccountProblem.InvalidInput.class, p -> assertThat(p.field()).isEqualTo("name"));
        assertThatThrownBy(() -> accounts.signUp(with(TestAccounts.alice(), null, null, null, "Team\u0000")))
                .isInstanceOfSatisfying(AccountProblem.InvalidInput.class, p -> assertThat(p.field()).isEqualTo("team"));
    }

    @Test
    void signInWithControlCharactersIsJustWrongCredentials() {
        assertThat(failedSignIn("ali\u0000" + TestAccounts.uniqueEmail("ce"), TestAccounts.PASSWORD))
                .isExactlyInstanceOf(AccountProblem.InvalidCredentials.class);
    }

    @Test
    void signUpWithATakenEmailInAnyCaseIsRefused() {
        SignUp first = TestAccounts.alice();
        accounts.signUp(first);

        assertThatThrownBy(() -> accounts.signUp(with(TestAccounts.bob(), " " + first.email().toUpperCase() + " ", null, null, null)))
                .isInstanceOfSatisfying(AccountProblem.EmailTaken.class, problem -> {
                    assertThat(problem.field()).isEqualTo("email");
                    assertThat(problem.code()).isEqualTo("email-taken");
                    assertThat(problem.getMessage()).isEqualTo("An account with this email already exists. Log in instead.");
                });
    }

    @Test
    void signUpSucceedsWhileOtherRequestsWrite() throws Exception {
        Account other = accounts.signUp(TestAccounts.bob());
        AtomicBoolean signedUp = new AtomicBoolean();
        ExecutorService background = Executors.newSingleThreadExecutor();
        // Another request committing writes meanwhile, as sign-ins and activity flushes do on a live server.
        Future<Integer> writes = background.submit(() -> {
            int n = 0;
            while (!signedUp.get()) {
                jdbc.sql("UPDATE teams SET name = name WHERE id = :id").param("id", other.team().value()).update();
                n++;
            }
            return n;
        });
        try {
            Account account = accounts.signUp(TestAccounts.alice());

            assertThat(accounts.find(account.id())).contains(account);
        } finally {
            signedUp.set(true);
            assertThat(writes.get(10, TimeUnit.SECONDS)).isPositive();
            background.shutdown();
        }
    }

    // ---- sign-in

    @Test
    void signingInWorksWithTheEmailInAnyCase() {
        Account account = accounts.signUp(TestAccounts.alice());

        assertThat(accounts.authenticate(" " + account.email().toUpperCase() + " ", TestAccounts.PASSWORD, address))
                .isEqualTo(account);
    }

    @Test
    void wrongPasswordAndUnknownEmailGetTheSameAnswer() {
        Account account = accounts.signUp(TestAccounts.alice());

        AccountProblem wrongPassword = failedSignIn(account.email(), "not the password at all");
        AccountProblem unknownEmail = failedSignIn(TestAccounts.uniqueEmail("nobody"), TestAccounts.PASSWORD);
        AccountProblem noPassword = failedSignIn(account.email(), null);

        assertThat(wrongPassword).isExactlyInstanceOf(AccountProblem.InvalidCredentials.class);
        assertThat(unknownEmail).isExactlyInstanceOf(AccountProblem.InvalidCredentials.class);
        assertThat(noPassword).isExactlyInstanceOf(AccountProblem.InvalidCredentials.class);
        assertThat(unknownEmail.getMessage()).isEqualTo(wrongPassword.getMessage()).isEqualTo("The email or password is incorrect.");
        assertThat(unknownEmail.code()).isEqualTo(wrongPassword.code());
        assertThat(unknownEmail.field()).isEqualTo(wrongPassword.field());
    }

    // ---- throttling

    @Test
    void sixthAttemptAfterFiveFailuresWaitsAndThenTheRealPasswordWorks() {
        Account account = accounts.signUp(TestAccounts.alice());
        for (int i = 0; i < 5; i++) {
            assertThat(failedSignIn(account.email(), "wrong password " + i)).isInstanceOf(AccountProblem.InvalidCredentials.class);
        }

        AccountProblem sixth = failedSignIn(account.email(), TestAccounts.PASSWORD);

        assertThat(sixth).isInstanceOfSatisfying(AccountProblem.TooManyAttempts.class,
                tooMany -> assertThat(tooMany.retryAfterSeconds()).isPositive());
        clock.advance(Duration.ofSeconds(((AccountProblem.TooManyAttempts) sixth).retryAfterSeconds()));
        assertThat(accounts.authenticate(account.email(), TestAccounts.PASSWORD, address)).isEqualTo(account);
    }

    @Test
    void repeatedFailuresMakeTheAccountWaitLongerEachTime() {
        Account account = accounts.signUp(TestAccounts.alice());
        long previousWait = 0;
        int refused = 0;
        for (int attempt = 0; attempt < 12 && refused < 3; attempt++) {
            AccountProblem problem = failedSignIn(account.email(), "wrong password");
            if (problem instanceof AccountProblem.TooManyAttempts tooMany) {
                assertThat(tooMany.retryAfterSeconds()).isGreaterThan(previousWait);
                assertThat(tooMany.getMessage()).contains("in " + tooMany.retryAfterSeconds()
                        + (tooMany.retryAfterSeconds() == 1 ? " second." : " seconds."));
                assertThat(failedSignIn(account.email(), TestAccounts.PASSWORD))
                        .as("the right password is not even checked while waiting")
                        .isInstanceOf(AccountProblem.TooManyAttempts.class);
                previousWait = tooMany.retryAfterSeconds();
                refused++;
                clock.advance(Duration.ofSeconds(tooMany.retryAfterSeconds()));
            } else {
                assertThat(problem).isInstanceOf(AccountProblem.InvalidCredentials.class);
            }
        }

        assertThat(refused).isEqualTo(3);
        assertThat(accounts.authenticate(account.email(), TestAccounts.PASSWORD, address)).isEqualTo(account);
    }

    @Test
    void concurrentWrongGuessesAtOneEmailGetNoMoreThanTheFreeFailures() throws Exception {
        Account account = accounts.signUp(TestAccounts.alice());
        int threads = 12;
        CyclicBarrier together = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<AccountProblem>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int guess = i;
                outcomes.add(pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return failedSignIn(account.email(), "wrong password " + guess);
                }));
            }
            List<AccountProblem> problems = new ArrayList<>();
            for (Future<AccountProblem> outcome : outcomes) problems.add(outcome.get(60, TimeUnit.SECONDS));

            assertThat(problems).filteredOn(p -> p instanceof AccountProblem.InvalidCredentials).hasSize(5);
            assertThat(problems).filteredOn(p -> p instanceof AccountProblem.TooManyAttempts).hasSize(threads - 5);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void someoneElsesGuessesDoNotKeepTheOwnerOutOfTheirAccount() {
        Account account = accounts.signUp(TestAccounts.alice());
        String guesser = "203.0.113." + ADDRESSES.incrementAndGet();
        for (int i = 0; i < 10; i++) {
            catchThrowableOfType(AccountProblem.class, () -> accounts.authenticate(account.email(), "wrong password", guesser));
        }
        assertThatThrownBy(() -> accounts.authenticate(account.email(), TestAccounts.PASSWORD, guesser))
                .isInstanceOf(AccountProblem.TooManyAttempts.class);

        assertThat(accounts.authenticate(account.email(), TestAccounts.PASSWORD, address)).isEqualTo(account);
    }

    @Test
    void throttleOfOneAccountDoesNotKeepOthersOut() {
        Account alice = accounts.signUp(TestAccounts.alice());
        Account bob = accounts.signUp(TestAccounts.bob());
        for (int i = 0; i < 8; i++) {
            failedSignIn(alice.email(), "wrong password");
        }

        assertThat(failedSignIn(alice.email(), TestAccounts.PASSWORD)).isInstanceOf(AccountProblem.TooManyAttempts.class);
        assertThat(accounts.authenticate(bob.email(), TestAccounts.PASSWORD, "192.0.2." + ADDRESSES.incrementAndGet()))
                .isEqualTo(bob);
    }

    @Test
    void aCompletedSignInClearsTheAccountsFailuresButARightPasswordAloneDoesNot() {
        Account account = accounts.signUp(TestAccounts.alice());
        for (int i = 0; i < 4; i++) {
            failedSignIn(account.email(), "wrong password");
        }
        accounts.authenticate(account.email(), TestAccounts.PASSWORD, address);
        assertThat(failedSignIn(account.email(), "wrong password")).as("the fifth failure").isInstanceOf(AccountProblem.InvalidCredentials.class);
        assertThat(failedSignIn(account.email(), TestAccounts.PASSWORD))
                .as("a right password alone (a second factor may follow) forgave nothing").isInstanceOf(AccountProblem.TooManyAttempts.class);

        accounts.signedIn(account, address);

        for (int i = 0; i < 4; i++) {
            assertThat(failedSignIn(account.email(), "wrong password")).isInstanceOf(AccountProblem.InvalidCredentials.class);
        }

        assertThat(accounts.authenticate(account.email(), TestAccounts.PASSWORD, address)).isEqualTo(account);
    }

    @Test
    void oneAddressGuessingManyAccountsIsThrottledToo() {
        int attempts = 0;
        AccountProblem last = null;
        while (attempts < 40 && !(last instanceof AccountProblem.TooManyAttempts)) {
            last = failedSignIn(TestAccounts.uniqueEmail("guess"), "wrong password");
            attempts++;
        }

        assertThat(last).isInstanceOf(AccountProblem.TooManyAttempts.class);
        assertThat(attempts).isBetween(6, 40);
        clock.advance(Duration.ofSeconds(((AccountProblem.TooManyAttempts) last).retryAfterSeconds()));
    }
}
