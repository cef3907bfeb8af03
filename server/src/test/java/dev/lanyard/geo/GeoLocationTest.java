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

    /**
     * Outside review: a card named a place by city and country alone, so Springfield, Illinois and Springfield, Missouri
     * read alike; the map tells them apart by their regions (decision 85), and the label now does everywhere.
     */
    @Test
    void aPlaceIsNamedWithItsRegionWhereTheDatabaseGivesOne() {
        GeoLocation springfield = new GeoLocation("Springfield", "Illinois", "United States", "US", "", Optional.empty(), Optional.empty(), false);
        assertThat(springfield.label()).isEqualTo("Springfield, Illinois, United States");
        assertThat(springfield.where()).isEqualTo("in Springfield, Illinois, United States");
        assertThat(new GeoLocation("Madrid", "Madrid", "Spain", "ES", "", Optional.empty(), Optional.empty(), false).label())
                .as("a region that repeats the city").isEqualTo("Madrid, Spain");
        assertThat(new GeoLocation("Berlin (Charlottenburg-Wilmersdorf)", "Berlin", "Germany", "DE", "", Optional.empty(), Optional.empty(),
                false).label()).as("or the city without its district").isEqualTo("Berlin (Charlottenburg-Wilmersdorf), Germany");
        assertThat(new GeoLocation("Singapore", "", "Singapore", "SG", "", Optional.empty(), Optional.empty(), false).label())
                .isEqualTo("Singapore, Singapore");
        assertThat(new GeoLocation("", "Catalonia", "Spain", "ES", "", Optional.empty(), Optional.empty(), false).label())
                .as("a region without its city").isEqualTo("Catalonia, Spain");
        assertThat(new GeoLocation("", "Catalonia", "", "", "", Optional.empty(), Optional.empty(), false).label())
                .isEqualTo(GeoLocation.UNKNOWN_LOCATION);
    }
}
