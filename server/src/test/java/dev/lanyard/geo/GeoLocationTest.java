package dev.lanyard.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class GeoLocationTest {

    @Test
    void aPlaceReadsInASentence() {
        assertThat(new GeoLocation("Madrid", "Madrid", "Spain", "ES", "", Optional.empty(), Optional.empty(), false).where())
                .isEqualTo("in Madrid, Spain");
        assertThat(new GeoLocation("", "", "Spain", "ES", "", Optional.empty(), Optional.empty(), false).where()).isEqualTo("in Spain");
        assertThat(GeoLocation.local().where()).isEqualTo("on a local network");
        assertThat(GeoLocation.unknown().where()).isEqualTo("in an unknown location");
    }
}
