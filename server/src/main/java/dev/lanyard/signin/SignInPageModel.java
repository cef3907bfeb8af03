package dev.lanyard.signin;

import dev.lanyard.account.PasswordResets;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every controller that shows the sign-in page gives it. */
@ControllerAdvice(assignableTypes = {SignInPages.class, SecondStepPages.class, PasskeySignIn.class})
class SignInPageModel {
    private final PasswordResets resets;

    SignInPageModel(PasswordResets resets) {
        this.resets = resets;
    }

    /** Whether the sign-in page offers "Forgot your password?": only with a mail server (decision 67). */
    @ModelAttribute("resetAvailable")
    boolean resetAvailable() {
        return resets.available();
    }
}
