package dev.lanyard.account;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for email addresses, applied at sign-up, invitation and sign-in: surrounding spaces
 * (any Unicode space, the no-break space pasted from a web page among them) and invisible format
 * characters are dropped, the address is put in Unicode's composed form (NFC: "é" typed as "e" and
 * an accent is the same "é"), lower-cased, and a trailing dot after the domain is dropped
 * ({@code joe@example.com.} is {@code joe@example.com}). An internationalized domain is kept in
 * Unicode however it was typed: {@code joe@xn--bcher-kva.de} is {@code joe@bücher.de} (mail goes to
 * its ASCII form, {@link #forSending}). It may be at most {@value #MAX_LENGTH}
 * characters (RFC 5321's limit for a forward path, less its angle brackets). A new account's address
 * must also look like one, with no space or invisible character inside, at a domain mail can go to
 * ({@link #mailDomain}); at sign-in a malformed address is simply wrong credentials.
 */
final class EmailRule {
    static final int MAX_LENGTH = 254;
    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
    /** Spaces of any kind and invisible format characters (zero-width space, joiners, marks of direction). */
    private static final String BLANK = "[\\s\\p{Z}\\p{Cf}]";
    private static final Pattern SURROUNDING = Pattern.compile("^" + BLANK + "+|" + BLANK + "+$");
    /** As {@link #BLANK}, less the zero-width joiner and non-joiner, which Persian and Indic domain names may hold. */
    private static final Pattern INSIDE = Pattern.compile("[\\s\\p{Z}\\p{Cf}&&[^\\u200c\\u200d]]");

    private EmailRule() {
    }

    /** The address as given at sign-in, normalized; longer than the limit is {@link AccountProblem.InvalidInput}. */
    static String forSignIn(String raw) {
        String email = normalize(raw);
        if (email.length() > MAX_LENGTH) throw tooLong();
        return email;
    }

    /**
     * The address as accounts made before this rule were stored (only stripped of ASCII spaces and lower-cased),
     * when that differs from {@link #forSignIn}: such an account is still found at sign-in.
     */
    static Optional<String> asStoredBefore(String raw) {
        String before = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
        return before.length() > MAX_LENGTH || before.equals(normalize(raw)) ? Optional.empty() : Optional.of(before);
    }

    /** The address of a new account or invitation, normalized and checked. */
    static String forNewAccount(String raw) {
        String email = normalize(raw);
        if (email.length() > MAX_LENGTH) throw tooLong();
        if (!SHAPE.matcher(email).matches() || email.chars().anyMatch(Character::isISOControl) || INSIDE.matcher(email).find()
                || !mailDomain(email.substring(email.lastIndexOf('@') + 1)))
            throw new AccountProblem.InvalidInput("email", "Enter a valid email address.");
        return email;
    }

    /** A label of a host name (RFC 1035, RFC 1123): 1 to 63 letters, digits and hyphens, a hyphen neither first nor last. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", Pattern.CASE_INSENSITIVE);

    /**
     * Whether {@code domain} names a host mail can go to, as its ASCII form says ({@code xn--…} for an internationalized
     * one, which is how it is sent, {@link #forSending}): two labels at least, each a {@link #LABEL}, the last not all
     * digits. So no empty label ({@code example..com}), no label that starts or ends with a hyphen ({@code -example.com}),
     * no address literal ({@code [127.0.0.1]}) nor bare IP address: all were taken for an invitation (outside review). A
     * domain outside ASCII that IDNA cannot put in ASCII is no domain either; one that it can ({@code bücher.de},
     * {@code مثال.مصر}) is kept in Unicode as before.
     */
    private static boolean mailDomain(String domain) {
        String ascii;
        try {
            ascii = domain.chars().allMatch(c -> c < 0x80) ? domain : IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException notADomain) {
            return false;
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2 || labels[labels.length - 1].chars().allMatch(Character::isDigit)) return false;
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) return false;
        }
        return true;
    }

    /**
     * Whether {@code text} is shaped as every account's address is stored: lower case, and an address with no space in it
     * ({@link #SHAPE}, which new addresses have been held to since the first version); says nothing of whether one exists.
     */
    static boolean asStored(String text) {
        return SHAPE.matcher(text).matches() && text.equals(text.toLowerCase(Locale.ROOT));
    }

    /**
     * The address as a mail server takes it: an internationalized domain in its ASCII form ({@code xn--…}, RFC 5890),
     * which every server accepts; the local part as it is ({@link #needsSmtpUtf8} when it is not ASCII). An address whose
     * domain has no ASCII form keeps it, and needs SMTPUTF8 as well.
     */
    static String forSending(String email) {
        int at = email.lastIndexOf('@');
        if (at < 0 || email.substring(at + 1).chars().allMatch(c -> c < 0x80)) return email;
        try {
            return email.substring(0, at + 1) + IDN.toASCII(email.substring(at + 1), IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException notADomain) {
            return email;
        }
    }

    /**
     * Whether the address as sent ({@link #forSending}) still holds characters outside ASCII: its local part (or a domain
     * without an ASCII form), which only a mail server offering SMTPUTF8 (RFC 6531) takes as it is written.
     */
    static boolean needsSmtpUtf8(String sending) {
        return sending.chars().anyMatch(c -> c >= 0x80);
    }

    private static String normalize(String raw) {
        if (raw == null) return "";
        String email = Normalizer.normalize(SURROUNDING.matcher(raw).replaceAll(""), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        if (email.endsWith(".") && email.indexOf('@') >= 0) email = email.substring(0, email.length() - 1);
        return unicodeDomain(email);
    }

    /** A domain with ACE labels ({@code xn--…}) in Unicode, NFC and lower case; any other address unchanged. */
    private static String unicodeDomain(String email) {
        int at = email.lastIndexOf('@');
        if (at < 0 || !email.substring(at + 1).contains("xn--")) return email;
        String domain = IDN.toUnicode(email.substring(at + 1), IDN.ALLOW_UNASSIGNED);
        return email.substring(0, at + 1) + Normalizer.normalize(domain, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    private static AccountProblem.InvalidInput tooLong() {
        return new AccountProblem.InvalidInput("email", "Use an email address of at most " + MAX_LENGTH + " characters.");
    }
}
