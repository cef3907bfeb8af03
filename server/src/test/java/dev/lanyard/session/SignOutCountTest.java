package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignOutCountTest {

    @Test
    void sessionsAndApiKeysAreCountedApartEachInTheSingularWhereThereIsOne() {
        assertThat(new SignOutCount(826, 1).inWords()).isEqualTo("826 sessions and 1 API key");
        assertThat(new SignOutCount(1, 100).inWords()).isEqualTo("1 session and 100 API keys");
        assertThat(new SignOutCount(1, 1).inWords()).isEqualTo("1 session and 1 API key");
    }

    @Test
    void whatDidNotEndIsLeftOut() {
        assertThat(new SignOutCount(3, 0).inWords()).isEqualTo("3 sessions");
        assertThat(new SignOutCount(1, 0).inWords()).isEqualTo("1 session");
        assertThat(new SignOutCount(0, 1).inWords()).isEqualTo("1 API key");
        assertThat(new SignOutCount(0, 2).inWords()).isEqualTo("2 API keys");
    }
}
