package dev.lanyard.passkeys;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

import dev.lanyard.session.CurrentSession;
import dev.lanyard.settings.SecuritySection;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/** The passkeys section of {@code /settings/security}: the member's passkeys, and adding one. */
@Component
class PasskeySection implements SecuritySection {
    static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Passkeys passkeys;

    PasskeySection(Passkeys passkeys) {
        this.passkeys = passkeys;
    }

    /** A passkey with its times as the page shows them. */
    record View(Passkey passkey, String created, String lastUsed) {
        static View of(Passkey p) {
            return new View(p, EXACT.format(p.createdAt()), p.lastUsedAt().map(EXACT::format).orElse("Never used"));
        }

        /** When it was last used, for the page's {@code <time>}; null if never. */
        public java.time.Instant lastUsedAt() {
            return passkey.lastUsedAt().orElse(null);
        }
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public String template() {
        return "security/passkeys";
    }

    @Override
    public void describe(CurrentSession current, Model model) {
        model.addAttribute("passkeys", passkeys.list(current.account().id()).stream().map(View::of).toList());
    }

    @Override
    public Optional<String> notice(String code) {
        return switch (code) {
            case "passkey-added" -> Optional.of("Passkey added. You can sign in with it now. Signing in with your password "
                    + "now also needs a second factor: a passkey, a code from your authenticator app if you have one, or a recovery code.");
            case "passkey-renamed" -> Optional.of("Passkey renamed.");
            case "passkey-removed" -> Optional.of("Passkey removed. It can no longer sign you in.");
            default -> Optional.empty();
        };
    }
}
