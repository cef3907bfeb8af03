package dev.lanyard.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CityRecordsTest {

    @Test
    void readsDbIpFlatRecords() {
        Map<String, Object> record = Map.of("country_code", "ES", "state1", "Madrid", "state2", "", "city", "Madrid",
                "postcode", "", "latitude", 40.4165, "longitude", -3.70256f, "timezone", "");

        GeoLocation location = CityRecords.toLocation(record, "Telefonica de Espana");

        assertThat(location.label()).isEqualTo("Madrid, Spain");
        assertThat(location.region()).isEqualTo("Madrid");
        assertThat(location.countryCode()).isEqualTo("ES");
        assertThat(location.isp()).isEqualTo("Telefonica de Espana");
        assertThat(location.latitude()).contains(40.4165);
        assertThat(location.longitude()).as("float widened without noise").contains(-3.70256);
    }

    @Test
    void readsGeoIp2NestedRecords() {
        Map<String, Object> record = Map.of(
                "city", Map.of("geoname_id", 3117735L, "names", Map.of("en", "Madrid", "es", "Madrid")),
                "subdivisions", List.of(Map.of("iso_code", "MD", "names", Map.of("en", "Madrid"))),
                "country", Map.of("iso_code", "ES", "names", Map.of("en", "Spain", "de", "Spanien")),
                "location", Map.of("latitude", 40.4172, "longitude", -3.684, "accuracy_radius", 20));

        GeoLocation location = CityRecords.toLocation(record, "");

        assertThat(location).isEqualTo(new GeoLocation("Madrid", "Madrid", "Spain", "ES", "",
                Optional.of(40.4172), Optional.of(-3.684), false));
    }

    @Test
    void geoIp2RecordWithOnlyARegisteredCountryStillHasACountry() {
        GeoLocation location = CityRecords.toLocation(
                Map.of("registered_country", Map.of("iso_code", "NL")), "");

        assertThat(location.country()).isEqualTo("Netherlands");
        assertThat(location.city()).isEmpty();
    }

    @Test
    void unknownCountryCodesBecomeEmpty() {
        assertThat(CityRecords.toLocation(Map.of("country_code", "ZZ"), "").label()).isEqualTo("Unknown location");
        assertThat(CityRecords.countryName("ES")).isEqualTo("Spain");
        assertThat(CityRecords.countryName("A1")).isEmpty();
    }
}
