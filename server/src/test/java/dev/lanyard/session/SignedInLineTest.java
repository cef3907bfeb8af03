package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The timeline's first line names how the session signed in; lines written before it was kept stay "Signed in". */
class SignedInLineTest {
    @Test
    void eachWayOfSigningInIsNamedAndOldLinesStayAsTheyWere() {
        assertThat(Timeline.signedIn(Verification.PASSKEY.name())).isEqualTo("Signed in with a passkey");
        assertThat(Timeline.signedIn(Verification.PASSWORD_AND_PASSKEY.name())).isEqualTo("Signed in with a password and a passkey");
        assertThat(Timeline.signedIn(Verification.NONE.name())).isEqualTo("Signed in with a password");
        assertThat(Timeline.signedIn("")).isEqualTo("Signed in");
        assertThat(Timeline.signedIn("SOMETHING_NEWER")).isEqualTo("Signed in");
    }
}
