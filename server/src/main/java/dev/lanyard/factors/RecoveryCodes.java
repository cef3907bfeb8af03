package dev.lanyard.factors;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.lanyard.account.AccountId;
import org.springframework.stereotype.Component;

/**
 * Makes recovery codes and says how they are kept. A code is kept as {@code a1:} + HMAC-SHA256 over the account id
 * and the code under a fixed key, so a kept value is bound to its account: no one table serves every account, and a
 * row copied to another account is no code there. Not keyed with the seed key, on purpose: recovery codes are the way
 * back in when that key is lost and the seeds with it (docs/decisions/0022-two-factor.md). Codes kept before
 * 2026-12-04 are plain SHA-256 of the code (64 hex) and are still accepted, once each.
 */
@Component
class RecoveryCodes {
    static final int COUNT = 10;
    private static final int LENGTH = 12;
    private static final String ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] KEY = "lanyard recovery codes, no seed key".getBytes(StandardCharsets.UTF_8);

    /** New codes as shown to the member ({@code abcd-efgh-jkmn}), and what to keep of them. */
    record Made(List<String> shown, List<String> kept) {
    }

    Made make(AccountId account) {
        List<String> shown = new ArrayList<>(COUNT);
        List<String> kept = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            StringBuilder code = new StringBuilder(LENGTH);
            for (int c = 0; c < LENGTH; c++) code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            kept.add(keep(account, code.toString()));
            shown.add(code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8));
        }
        return new Made(shown, kept);
    }

    /** The code as typed, without spaces and dashes and in lower case, if it can be a recovery code at all. */
    static Optional<String> normalize(String given) {
        String code = given == null ? "" : given.replace(" ", "").replace("-", "").toLowerCase(Locale.ROOT);
        return code.length() == LENGTH && code.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0) ? Optional.of(code) : Optional.empty();
    }

    /** Every form a (normalized) code of this account may be kept in: the current one first, then the older ones. */
    Set<String> forms(AccountId account, String code) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(keep(account, code));
        forms.add(SecondFactors.hash(code));
        return forms;
    }

    private static String keep(AccountId account, String code) {
        return "a1:" + mac(KEY, account, code);
    }

    private static String mac(byte[] key, AccountId account, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            // The account id has no NUL in it: the byte keeps "ab" + "c" and "a" + "bc" apart.
            mac.update(account.value().getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(code.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }
}
