package dev.lanyard.account;

import java.util.Optional;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * The mail server as an address with characters outside ASCII before the @ needs it (RFC 6531): the same server,
 * account and {@code spring.mail.*} settings as Spring's sender, with {@code mail.mime.allowutf8}, so that Angus Mail
 * writes the commands and headers in UTF-8 and adds {@code SMTPUTF8} to MAIL FROM. Angus Mail would send the UTF-8
 * to a server that does not offer SMTPUTF8 as well (it only logs that), where the address may be read as another
 * one; this sender refuses instead, right after the greeting, before any address is sent ({@link NotOffered}).
 *
 * <p>Only such mail goes through here: ASCII addresses keep Spring's sender exactly as it was.
 */
final class SmtpUtf8Sender extends JavaMailSenderImpl {
    /** What the outbox records for a mail held because the server does not offer SMTPUTF8. */
    static final String NOT_OFFERED_REASON = "Not sent: the address has characters outside ASCII before the @, and the mail "
            + "server does not offer SMTPUTF8 (RFC 6531), without which it could deliver the mail to another mailbox. "
            + "Use a mail server that offers SMTPUTF8, then send it again.";

    /**
     * What the outbox records for such a mail when the mail sender is one of the operator's own, not Spring's
     * {@code JavaMailSenderImpl}: Lanyard can neither read its server and settings nor ask that server what it offers.
     */
    static final String CANNOT_TELL_REASON = "Not sent: the address has characters outside ASCII before the @, and Lanyard "
            + "cannot tell whether the mail sender it was given (the application's own, not one made from spring.mail.*) "
            + "sends such an address with SMTPUTF8 (RFC 6531), without which it could deliver the mail to another mailbox. "
            + "Set the mail server with spring.mail.* (one that offers SMTPUTF8), then send it again.";

    /** Whether {@code reason} is one Lanyard recorded when it held a mail itself (shown to admins as it is), not a server's error. */
    static boolean heldByLanyard(String reason) {
        return NOT_OFFERED_REASON.equals(reason) || CANNOT_TELL_REASON.equals(reason);
    }

    /** The server did not offer SMTPUTF8: nothing was sent. */
    static final class NotOffered extends MessagingException {
        NotOffered() {
            super(NOT_OFFERED_REASON);
        }
    }

    /** A sender like {@code sender}, or empty when it is not Spring's own (a sender of the operator's, whose settings cannot be read). */
    static Optional<SmtpUtf8Sender> like(JavaMailSender sender) {
        if (!(sender instanceof JavaMailSenderImpl spring)) return Optional.empty();
        SmtpUtf8Sender utf8 = new SmtpUtf8Sender();
        Properties properties = new Properties();
        // The session's properties are spring.mail.properties (or a JNDI session's own).
        properties.putAll(spring.getSession().getProperties());
        properties.put("mail.mime.allowutf8", "true");
        utf8.setJavaMailProperties(properties);
        utf8.setProtocol(spring.getProtocol());
        utf8.setHost(spring.getHost());
        utf8.setPort(spring.getPort());
        utf8.setUsername(spring.getUsername());
        utf8.setPassword(spring.getPassword());
        utf8.setDefaultEncoding(spring.getDefaultEncoding());
        return Optional.of(utf8);
    }

    private SmtpUtf8Sender() {
    }

    @Override
    protected Transport connectTransport() throws MessagingException {
        Transport transport = super.connectTransport();
        if (transport instanceof SMTPTransport smtp && smtp.supportsExtension("SMTPUTF8")) return transport;
        transport.close();
        throw new NotOffered();
    }

    /** Whether {@code failure} (as Spring wraps it) is {@link NotOffered}. */
    static boolean notOffered(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NotOffered) return true;
        }
        return failure instanceof org.springframework.mail.MailSendException send
                && send.getFailedMessages().values().stream().anyMatch(SmtpUtf8Sender::notOffered);
    }
}
