package dev.lanyard.account;

/**
 * Why an account operation was refused. Each has a stable {@link #code()} for the API and a
 * human message; {@link #field()} names the offending input where there is one.
 */
public sealed class AccountProblem extends RuntimeException implements dev.lanyard.FieldErrors {
    private final String code;
    private final String field;

    AccountProblem(String code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    /** The input field at fault, or empty. */
    public String field() {
        return field == null ? "" : field;
    }

    /** This one alone, unless it says several fields are at fault. */
    @Override
    public java.util.List<FieldError> fieldErrors() {
        return java.util.List.of(new FieldError(field(), getMessage()));
    }

    /** Wrong email or password: deliberately the same answer for both. */
    public static final class InvalidCredentials extends AccountProblem {
        public InvalidCredentials() {
            super("invalid-credentials", null, "The email or password is incorrect.");
        }
    }

    /**
     * A sign-in whose password was right when it was checked and has been changed since (by the member elsewhere, or a
     * reset): it proved a password that is no longer the member's, so no session starts. Said so, rather than as a wrong
     * password, because only whoever typed the old password right is ever told it.
     */
    public static final class PasswordChanged extends AccountProblem {
        public PasswordChanged() {
            super("password-changed", null, "The password was changed since you typed it. Sign in again with the new one.");
        }
    }

    /**
     * A password change whose current password is wrong (it counts towards the sign-in throttle), and what else is wrong
     * with the form that does not depend on knowing that password (the new one's rules), said with it.
     */
    public static final class WrongPassword extends AccountProblem {
        private static final String MESSAGE = "Your current password is incorrect.";
        private final java.util.List<FieldError> each;

        public WrongPassword() {
            this(java.util.List.of());
        }

        WrongPassword(java.util.List<InvalidInput> alsoAtFault) {
            super("wrong-password", "currentPassword", alsoAtFault.isEmpty() ? MESSAGE
                    : MESSAGE + " " + dev.lanyard.FieldErrors.detail(InvalidInput.of(alsoAtFault).fieldErrors()));
            java.util.List<FieldError> all = new java.util.ArrayList<>(java.util.List.of(new FieldError("currentPassword", MESSAGE)));
            alsoAtFault.forEach(other -> all.addAll(other.fieldErrors()));
            this.each = java.util.List.copyOf(all);
        }

        @Override
        public java.util.List<FieldError> fieldErrors() {
            return each;
        }
    }

    /**
     * Input that breaks a rule (too short, malformed email, ...). A form's rules are all checked before it is refused
     * ({@link dev.lanyard.InputErrors}): {@link #all()} then holds one refusal per field at fault, this one naming the
     * first field and saying every message.
     */
    public static final class InvalidInput extends AccountProblem {
        private final java.util.List<InvalidInput> all;

        public InvalidInput(String field, String message) {
            super("invalid-input", field, message);
            this.all = java.util.List.of(this);
        }

        private InvalidInput(java.util.List<InvalidInput> all) {
            super("invalid-input", all.get(0).field(), dev.lanyard.FieldErrors.detail(all.stream()
                    .flatMap(each -> each.fieldErrors().stream()).toList()));
            this.all = java.util.List.copyOf(all);
        }

        /** One refusal for these, in the form's order; one of them alone is itself. */
        public static InvalidInput of(java.util.List<InvalidInput> each) {
            return each.size() == 1 ? each.get(0) : new InvalidInput(each.stream().flatMap(one -> one.all().stream()).toList());
        }

        @Override
        public java.util.List<FieldError> fieldErrors() {
            return all.stream().map(each -> new FieldError(each.field(), each.getMessage())).toList();
        }

        /** Each field at fault with its message, in the form's order: this one alone when one field is. */
        public java.util.List<InvalidInput> all() {
            return all;
        }
    }

    /**
     * A sign-in refused because the member already has as many sessions as they may have at once (the team's limit, or
     * their own) and the team refuses new sign-ins at the limit (PRODUCT.md L5). Only said after the right password.
     */
    public static final class SessionLimitReached extends AccountProblem {
        private final int limit;

        public SessionLimitReached(int limit) {
            super("session-limit-reached", null, message(limit));
            this.limit = limit;
        }

        /** How to make room: with a limit of 1 there is no other session to sign it out from (outside review). */
        private static String message(int limit) {
            if (limit == 1) return "You may have only one session at once, and you already have it. Sign out on that device "
                    + "first, or ask an admin of your team to sign you out.";
            return "You already have as many sessions as you may have at once (" + limit + "). Sign out on one of them first, "
                    + "from that device or the sessions page of another, or ask an admin of your team to sign you out.";
        }

        /** How many sessions the member may have at once. */
        public int limit() {
            return limit;
        }
    }

    /** Signing up with an email that already has an account. */
    public static final class EmailTaken extends AccountProblem {
        public EmailTaken() {
            super("email-taken", "email", "An account with this email already exists. Log in instead.");
        }
    }

    /** A sign-up's confirmation link that is expired, already used or unknown (decision 61). */
    /** A policy change made on a copy of the policy that another admin has changed since (the page or ETag it was read with). */
    public static final class PolicyChanged extends AccountProblem {
        public PolicyChanged() {
            super("policy-changed", null, "The session policy changed since you opened it (by another admin, or by you in "
                    + "another tab). Nothing was saved: review the current values and make your change again.");
        }
    }

    /** A password reset link that is unknown, expired or already used (decision 67). */
    public static final class ResetLinkUnusable extends AccountProblem {
        public ResetLinkUnusable() {
            super("reset-link-unusable", null, "This link has expired or was already used. Ask for a new one.");
        }
    }

    public static final class SignUpLinkUnusable extends AccountProblem {
        public SignUpLinkUnusable() {
            super("sign-up-link-unusable", null, "This link has expired or was already used. Sign up again to get a new one, "
                    + "or log in if you already finished signing up.");
        }
    }

    /**
     * A sign-up's confirmation with another password than the one the sign-up was made with: perhaps someone else
     * started it for this address (decision 61).
     */
    public static final class SignUpPasswordMismatch extends AccountProblem {
        public SignUpPasswordMismatch() {
            super("sign-up-password-mismatch", "password", "That is not the password this sign-up was made with. If you did not "
                    + "start this sign-up yourself, or forgot its password, create the account with your own password instead.");
        }
    }

    /** No such member or invitation in the caller's team (another team's look exactly the same). */
    public static final class NotFound extends AccountProblem {
        public NotFound() {
            super("not-found", null, "No such member or invitation in your team.");
        }
    }

    /** The team must keep at least one admin. */
    public static final class LastAdmin extends AccountProblem {
        public LastAdmin() {
            super("last-admin", "role", "A team needs at least one admin. Make someone else an admin first.");
        }

        private LastAdmin(String field, String message) {
            super("last-admin", field, message);
        }

        /** Removing the last admin: no field of the request is at fault. */
        static LastAdmin removing() {
            return new LastAdmin(null, "A team needs at least one admin. Make someone else an admin before removing this one.");
        }
    }

    /** An invitation link that is expired, cancelled, already used or unknown. */
    public static final class InvitationUnusable extends AccountProblem {
        public InvitationUnusable() {
            this("This invitation link has expired, was cancelled or was already used. Ask your admin for a new one.");
        }

        private InvitationUnusable(String message) {
            super("invitation-unusable", null, message);
        }

        /**
         * An admin's resend or cancel of an invitation that is no longer pending; {@code stillMember}: whether whoever
         * accepted it is still a member of the team (a removed one is not, though the invitation stays accepted).
         */
        static InvitationUnusable forAdmin(Invitation invitation, boolean stillMember) {
            if (invitation.acceptedAt().isEmpty())
                return new InvitationUnusable("This invitation was cancelled. Invite " + invitation.email() + " again to send a new link.");
            return new InvitationUnusable(stillMember
                    ? "This invitation was accepted: " + invitation.email() + " is a member of the team. Remove them on the members page instead."
                    : "This invitation was accepted, and " + invitation.email() + " has since been removed from the team. To have them "
                    + "back, invite " + invitation.email() + " again: that sends a new link.");
        }
    }

    /**
     * An invitation's link whose email has had an account of its own since it was sent (an account belongs to one team,
     * so it cannot join this one), said to whoever holds the link as soon as they open it, and again if they send its
     * form. The admin's view of the invitation says nothing of it (decision 61): it stays pending as any other.
     */
    public static final class InvitedEmailHasAccount extends AccountProblem {
        public InvitedEmailHasAccount(String email, String team) {
            super("invited-email-has-account", null, dev.lanyard.FreeText.isolatedIfItTurns(email)
                    + " already has a Lanyard account, and an account belongs to one team, so it cannot join "
                    + (team.isEmpty() ? "this team" : "the team \u201c" + dev.lanyard.FreeText.isolatedIfItTurns(team) + "\u201d")
                    + ". To join it, ask whoever invited you to invite another address of yours. An account cannot move to another "
                    + "team, and Lanyard has no way to leave a team or delete your account yourself: if an admin of your team "
                    + "removes your account, this link works after that, until it expires. Your account has not changed.");
        }
    }

    /** Only an admin of the team may do this: the caller is not one (or acts as a member: an API key without the admin scope). */
    public static final class Forbidden extends AccountProblem implements dev.lanyard.NotAnAdmin {
        public Forbidden() {
            super("forbidden", null, "Only an admin of your team can do this.");
        }
    }

    /** Something no API key may do, whatever its scopes and whoever made it: the member must sign in to do it. */
    public static final class NotWithApiKey extends AccountProblem {
        public NotWithApiKey(String message) {
            super("forbidden", null, message);
        }
    }

    /**
     * Too many failed sign-ins (or sign-ups and invitations of emails that have an account, which the same
     * throttle counts): try again after {@link #retryAfterSeconds()}.
     */
    public static final class TooManyAttempts extends AccountProblem {
        private final long retryAfterSeconds;

        public TooManyAttempts(long retryAfterSeconds) {
            this(retryAfterSeconds, "Too many sign-in attempts. Try again in " + seconds(retryAfterSeconds) + ".");
        }

        private TooManyAttempts(long retryAfterSeconds, String message) {
            super("too-many-attempts", null, message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        /** Too many sign-ups with emails that have an account, from one address. */
        static TooManyAttempts signUps(long retryAfterSeconds) {
            return new TooManyAttempts(retryAfterSeconds,
                    "Too many sign-ups from your network at once, or with emails that already have an account. Try again in " + seconds(retryAfterSeconds) + ".");
        }

        /** Too many sign-ups from one address, when each sends a mail (decision 61). */
        static TooManyAttempts signUpsFromAddress(long retryAfterSeconds) {
            return new TooManyAttempts(retryAfterSeconds, "Too many sign-ups, or attempts to finish one, from your network. Try again in " + seconds(retryAfterSeconds) + ".");
        }

        /** As many sign-up mails sent to one address in the last hour as it may be sent (decision 61). */
        static TooManyAttempts signUpMails(int perHour, long retryAfterSeconds) {
            return new TooManyAttempts(retryAfterSeconds, "We already sent " + perHour + " sign-up mails to this address in the last hour. "
                    + "Open the link in one of them: it finishes your sign-up, or, if someone else started it, lets you create the "
                    + "account with your own password. Or try again in " + seconds(retryAfterSeconds) + ".");
        }

        /** Too many passkey sign-ins started from one address ({@code passkeys.CeremonyStarts}). */
        public static TooManyAttempts passkeySignIns(long retryAfterSeconds) {
            return new TooManyAttempts(retryAfterSeconds, "Too many passkey sign-ins were started from your network. Try again in "
                    + seconds(retryAfterSeconds) + ".");
        }

        /**
         * Too many passkey checks started for one member in a minute, at a sign-in's second step or to verify a session
         * ({@code passkeys.CeremonyStarts}).
         */
        public static TooManyAttempts passkeyChecks(long retryAfterSeconds) {
            return new TooManyAttempts(retryAfterSeconds, "A passkey was asked for too many times in the last minute. Try again in "
                    + seconds(retryAfterSeconds) + ".");
        }

        /** Too many additions of a passkey started by one member in a minute ({@code passkeys.CeremonyStarts}). */
        public static TooManyAttempts passkeyAdditions(long retryAfterSeconds) {
            return new TooManyAttempts(retryAfterSeconds, "Adding a passkey was started too many times in the last minute. Try again in "
                    + seconds(retryAfterSeconds) + ".");
        }

        /** Too many password resets asked for from one address (decision 67). */
        static TooManyAttempts resetsFromAddress(long retryAfterSeconds) {
            return new TooManyAttempts(retryAfterSeconds, "Too many password resets asked for from your network. Try again in "
                    + seconds(retryAfterSeconds) + ".");
        }

        /** As many password reset mails asked for one address in the last hour as it may be sent (decision 67). */
        static TooManyAttempts resetMails(int perHour, long retryAfterSeconds) {
            return new TooManyAttempts(retryAfterSeconds, "A password reset was already asked for this address " + perHour
                    + " times in the last hour. Use the link of one of those mails, or try again in " + seconds(retryAfterSeconds) + ".");
        }

        /** Too many invitations of people who already have an account, from one address. */
        static TooManyAttempts invitations(long retryAfterSeconds) {
            return new TooManyAttempts(retryAfterSeconds,
                    "Too many invitations of people who already have an account. Try again in " + seconds(retryAfterSeconds) + ".");
        }

        /** The team sent as many invitation mails in the last 24 hours as it may. */
        static TooManyAttempts invitationMails(int perDay, long retryAfterSeconds) {
            return new TooManyAttempts(retryAfterSeconds, "Your team has sent " + perDay
                    + " invitations in the last 24 hours, as many as it may. Try again in " + seconds(retryAfterSeconds) + ".");
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        /** "1 second", "30 seconds". */
        /** A wait as a person reads it: seconds under two minutes, else about so many minutes, or hours (outside re-check AQ: "3296 seconds"). */
        private static String seconds(long n) {
            if (n < 120) return n + (n == 1 ? " second" : " seconds");
            if (n < 2 * 3600) return "about " + (n + 59) / 60 + " minutes";
            return "about " + (n + 3599) / 3600 + " hours";
        }
    }
}
