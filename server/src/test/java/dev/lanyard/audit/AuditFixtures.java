package dev.lanyard.audit;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Mailer;
import dev.lanyard.account.Members;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.session.AppType;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.SessionId;
import dev.lanyard.web.ApiClient;

/**
 * Teams for audit tests, made the way people make them: an admin signs up, invites a member by
 * mail (the development outbox), and the member accepts and signs in.
 */
final class AuditFixtures {
    private static final Pattern INVITE_LINK = Pattern.compile("/invite/([A-Za-z0-9_-]+)");

    private final ApiClient api;
    private final Accounts accounts;
    private final Members members;
    private final Mailer mailer;
    private final AuditLog audit;

    AuditFixtures(ApiClient api, Accounts accounts, Members members, Mailer mailer, AuditLog audit) {
        this.api = api;
        this.accounts = accounts;
        this.members = members;
        this.mailer = mailer;
        this.audit = audit;
    }

    /** A new member of the admin's team, signed in with a cookie from an address of their own. */
    ApiClient.Member memberOf(ApiClient.Member admin, String who) throws Exception {
        return memberOf(admin, who, TestAccounts.uniqueEmail(who));
    }

    /** A new member of the admin's team invited at {@code email}, signed in with a cookie from an address of their own. */
    ApiClient.Member memberOf(ApiClient.Member admin, String who, String email) throws Exception {
        Account inviter = account(admin);
        members.invite(inviter, email, Role.MEMBER, admin.address());
        String body = mailer.outbox(inviter.team(), 20).stream().filter(m -> m.recipient().equals(email))
                .findFirst().orElseThrow().body();
        Matcher link = INVITE_LINK.matcher(body);
        if (!link.find()) throw new AssertionError("No invitation link in: " + body);
        Account joined = members.accept(link.group(1), who, TestAccounts.PASSWORD);
        return api.logIn(new ApiClient.Member(email, "", "", joined.id().value(), ""));
    }

    Account account(ApiClient.Member member) {
        return accounts.find(new AccountId(member.accountId())).orElseThrow();
    }

    TeamId team(ApiClient.Member member) {
        return account(member).team();
    }

    /** The member's session as the principal of a request, for calling services directly. */
    CurrentSession current(ApiClient.Member member) {
        return new CurrentSession(new SessionId(member.sessionId()), account(member), AppType.WEB);
    }

    /** Every entry of the member's team, oldest first. */
    List<AuditEntry> entries(ApiClient.Member member) {
        List<AuditEntry> all = new java.util.ArrayList<>();
        audit.export(AuditQuery.all(team(member)), all::add);
        return all;
    }

    /** The newest entry of the member's team with this action. */
    AuditEntry last(ApiClient.Member member, AuditAction action) {
        List<AuditEntry> entries = entries(member);
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).action().equals(action.code())) return entries.get(i);
        }
        throw new AssertionError("No " + action.code() + " entry in " + entries);
    }

    static Optional<AccountId> id(ApiClient.Member member) {
        return Optional.of(new AccountId(member.accountId()));
    }

    static Optional<SessionId> session(ApiClient.Member member) {
        return Optional.of(new SessionId(member.sessionId()));
    }
}
