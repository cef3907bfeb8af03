package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One invitation link accepted twice at the same moment, in two browsers on two nodes (outside review): the second read
 * the link as pending, then found the email had an account, the one the first had just made with this link, and was told
 * the email "already has a Lanyard account" (409). It is told the link was used (410), as a moment later. Here the first
 * acceptance commits between the second's two reads, as it did there one time in ten; an account the email signed up for
 * meanwhile is still named as such.
 */
@LanyardSpringTest
class InvitationAcceptedTwiceTest {
    private static final Pattern LINK = Pattern.compile("/invite/([A-Za-z0-9_-]+)");

    @Autowired
    Accounts accounts;
    @Autowired
    Members members;
    @Autowired
    JdbcClient jdbc;

    private Account admin;
    private String email;
    private String token;

    @BeforeEach
    void anInvitationKeptInTheOutbox() {
        admin = accounts.signUp(TestAccounts.alice());
        email = TestAccounts.uniqueEmail("joiner");
        members.invite(admin, email, Role.MEMBER, TestAccounts.uniqueAddress());
        String mail = jdbc.sql("SELECT body FROM outbox WHERE recipient = :to").param("to", email).query(String.class).single();
        Matcher link = LINK.matcher(mail);
        assertThat(link.find()).as("the mail has the link:\n" + mail).isTrue();
        token = link.group(1);
    }

    @Test
    void aLinkAcceptedElsewhereAsItWasReadIsUsedRatherThanTakenByAnAccount() {
        Invitation read = members.pendingInvitation(token).orElseThrow();

        members.accept(token, "Joiner", TestAccounts.PASSWORD);

        assertThat(members.refusal(read)).hasValueSatisfying(refused -> assertThat(refused)
                .isInstanceOf(AccountProblem.InvitationUnusable.class)
                .hasMessageStartingWith("This invitation link has expired, was cancelled or was already used."));
        assertThatThrownBy(() -> members.accept(token, "Joiner", TestAccounts.PASSWORD + " again"))
                .isInstanceOf(AccountProblem.InvitationUnusable.class);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE email = :e").param("e", email).query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void anEmailSignedUpForATeamOfItsOwnAsTheLinkWasReadHasAnAccount() {
        Invitation read = members.pendingInvitation(token).orElseThrow();

        accounts.signUp(new SignUp(email, TestAccounts.PASSWORD, "Joiner", "Joiner's team", TestAccounts.uniqueAddress()));

        assertThat(members.refusal(read)).hasValueSatisfying(refused -> assertThat(refused)
                .isInstanceOf(AccountProblem.InvitedEmailHasAccount.class).hasMessageContaining("already has a Lanyard account"));
    }
}
