package dev.lanyard.account;

/** How far an invitation's mail got, for its admins: a mail that was finally given up must not look delivered. */
public enum MailDelivery {
    /** No SMTP server: the mail is kept in the team's development outbox ({@code /admin/outbox}). */
    OUTBOX,
    /** Queued and not yet tried. */
    QUEUED,
    /** Tried and failed; it is tried again later. */
    RETRYING,
    /** Handed to the mail server. */
    SENT,
    /** Given up after its last attempt: the person never got the link. */
    UNDELIVERED;

    /** The API's word for it. */
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
