package dev.lanyard.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class IpLiteralTest {

    @Test
    void parsesIpv4AndIpv6Literals() throws Exception {
        assertThat(IpLiteral.parse("83.45.123.78")).contains(InetAddress.getByName("83.45.123.78"));
        assertThat(IpLiteral.parse("0.0.0.0")).contains(InetAddress.getByName("0.0.0.0"));
        assertThat(IpLiteral.parse("2a02:1234:abcd::1")).contains(InetAddress.getByName("2a02:1234:abcd::1"));
        assertThat(IpLiteral.parse("::")).contains(InetAddress.getByName("::"));
        assertThat(IpLiteral.parse("1::")).contains(InetAddress.getByName("1::"));
        assertThat(IpLiteral.parse("1:2:3:4:5:6:7:8")).contains(InetAddress.getByName("1:2:3:4:5:6:7:8"));
        assertThat(IpLiteral.parse("64:ff9b::192.0.2.33")).contains(InetAddress.getByName("64:ff9b::c000:221"));
        assertThat(IpLiteral.parse(" fe80::1%eth0 ")).contains(InetAddress.getByName("fe80::1"));
    }

    @Test
    void ipv4MappedIpv6IsIpv4() {
        assertThat(IpLiteral.parse("::ffff:83.45.123.78")).get().isInstanceOf(Inet4Address.class);
        assertThat(IpLiteral.parse("::1")).get().isInstanceOf(Inet6Address.class);
    }

    @Test
    void refusesHostNamesAndMalformedLiterals() {
        for (String text : new String[] {null, "", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4.", "1.2.3.1000", "256.1.1.1",
                "01.2.3.4", "1.2.3.-4", "0x7f.0.0.1", "2130706433", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3",
                ":1:2", "1:2:", "12345::", "g::1", "::1.2.3", "[::1", "[::1]x", ".:", ":::"}) {
            assertThat(IpLiteral.parse(text)).as(String.valueOf(text)).isEmpty();
        }
    }

    /** RFC 5952's rules, section 4, and its examples. */
    @Test
    void addressesAreWrittenAsRfc5952Says() {
        java.util.Map<String, String> cases = java.util.Map.of(
                "2a02:1234:abcd:0:0:0:0:1", "2a02:1234:abcd::1",
                "2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1",
                "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1",
                "2001:0:0:1:0:0:0:1", "2001:0:0:1::1",
                "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1",
                "0:0:0:0:0:0:0:0", "::",
                "0:0:0:0:0:0:0:1", "::1",
                "FE80:0:0:0:0:0:0:0", "fe80::",
                "2a02:1234:abcd:ef01:2345:6789:abcd:ef01", "2a02:1234:abcd:ef01:2345:6789:abcd:ef01",
                "83.45.123.78", "83.45.123.78");
        cases.forEach((in, out) -> assertThat(IpLiteral.format(IpLiteral.parse(in).orElseThrow())).as(in).isEqualTo(out));
    }
}
