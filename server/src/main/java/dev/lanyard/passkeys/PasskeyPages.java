package dev.lanyard.passkeys;

import dev.lanyard.FormErrors;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Throttled;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.settings.SecuritySettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Adding, renaming and removing the member's passkeys from {@code /settings/security}. Adding takes two
 * requests around the browser's {@code navigator.credentials.create()} (static/js/passkeys.js): the options
 * (asked for with the member's password, as removing one is),
 * as JSON, then the form with the authenticator's answer. Someone else's passkey is a 404.
 */
@Controller
class PasskeyPages {
    private final Passkeys passkeys;
    private final RelyingParties relyingParties;
    private final SecuritySettings settings;
    private final ClientAddresses origins;

    PasskeyPages(Passkeys passkeys, RelyingParties relyingParties, SecuritySettings settings, ClientAddresses origins) {
        this.origins = origins;
        this.passkeys = passkeys;
        this.relyingParties = relyingParties;
        this.settings = settings;
    }

    @PostMapping(path = "/settings/security/passkeys/options", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> options(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "") String password,
                                   HttpServletRequest request) {
        try {
            return ResponseEntity.ok(passkeys.startRegistration(current, password, origins.resolve(request).getHostAddress(),
                    relyingParties.of(request)).json());
        } catch (PasskeyProblem.InvalidInput refused) {
            return ResponseEntity.badRequest().body(errorJson(refused.getMessage(), ""));
        } catch (AccountProblem.InvalidCredentials wrong) {
            return ResponseEntity.badRequest().body(errorJson(WRONG_PASSWORD, "password"));
        } catch (AccountProblem.TooManyAttempts tooMany) {
            return Throttled.json(tooMany);
        }
    }

    @PostMapping("/settings/security/passkeys")
    String add(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "") String ceremony,
               @RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String credential,
               HttpServletResponse response, Model model) {
        try {
            Passkeys.Registered added = passkeys.register(current, ceremony, name, credential);
            if (added.recoveryCodes().isEmpty()) return "redirect:/settings/security?done=passkey-added";
            // Shown once, in the answer to this form (never in a URL or a redirect), and not cached.
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            model.addAttribute("passkeyCodes", added.recoveryCodes());
            return settings.page(current, model);
        } catch (PasskeyProblem.InvalidInput | PasskeyProblem.Rejected refused) {
            response.setStatus(refused.status());
            model.addAttribute("error", refused instanceof PasskeyProblem.Rejected
                    ? "The passkey could not be added: the browser's answer did not verify or took too long. Try again." : refused.getMessage());
            if (refused.field().equals("name")) FormErrors.field(model, "passkey-name", refused.getMessage());
            return settings.page(current, model);
        }
    }

    @PostMapping("/settings/security/passkeys/{id}/name")
    String rename(@AuthenticationPrincipal CurrentSession current, @PathVariable String id,
                  @RequestParam(defaultValue = "") String name, HttpServletResponse response, Model model) {
        try {
            passkeys.rename(id, current, name);
            return "redirect:/settings/security?done=passkey-renamed";
        } catch (PasskeyProblem.InvalidInput refused) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", refused.getMessage());
            // The page has a name field per passkey: the one on this passkey's row is marked.
            if (refused.field().equals("name")) FormErrors.field(model, "name-of-" + id, refused.getMessage());
            return settings.page(current, model);
        }
    }

    @GetMapping("/settings/security/passkeys/{id}/remove")
    String confirmRemove(@AuthenticationPrincipal CurrentSession current, @PathVariable String id, Model model) {
        Passkey passkey = passkeys.list(current.account().id()).stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(PasskeyProblem.NotFound::new);
        model.addAttribute("p", PasskeySection.View.of(passkey));
        model.addAttribute("account", current.account());
        return "security/passkey-remove";
    }

    @PostMapping("/settings/security/passkeys/{id}/remove")
    String remove(@AuthenticationPrincipal CurrentSession current, @PathVariable String id, @RequestParam(defaultValue = "") String password,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            passkeys.remove(id, current, password, origins.resolve(request).getHostAddress());
            return "redirect:/settings/security?done=passkey-removed";
        } catch (AccountProblem.InvalidCredentials | AccountProblem.TooManyAttempts refused) {
            Throttled.status(response, refused, HttpStatus.BAD_REQUEST);
            model.addAttribute("error", refused instanceof AccountProblem.TooManyAttempts ? refused.getMessage() : WRONG_PASSWORD);
            if (refused instanceof AccountProblem.InvalidCredentials) FormErrors.field(model, "password", WRONG_PASSWORD);
            return confirmRemove(current, id, model);
        }
    }

    private static final String WRONG_PASSWORD = "That password is not right.";

    /** {@code {"error": message}}, and {@code "field"} naming the form's input at fault if one is, which passkeys.js marks. */
    static String errorJson(String message, String field) {
        tools.jackson.databind.json.JsonMapper mapper = tools.jackson.databind.json.JsonMapper.shared();
        return "{\"error\":" + mapper.writeValueAsString(message)
                + (field.isEmpty() ? "" : ",\"field\":" + mapper.writeValueAsString(field)) + "}";
    }
}
