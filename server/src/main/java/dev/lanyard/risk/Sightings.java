package dev.lanyard.risk;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import dev.lanyard.account.AccountId;
import dev.lanyard.geo.ClientAddresses;
import org.springframework.stereotype.Service;

/**
 * What the risk assessment remembers of an account's sign-ins to tell a new device, country, address or place
 * (docs/decisions/0024), as its member may read it in their data export (PRODUCT.md D6).
 */
@Service
public class Sightings {
    static final int PAGE = 1000;

    private final SeenStore store;

    Sightings(SeenStore store) {
        this.store = store;
    }

    /**
     * One thing remembered: {@code kind} "account" (a sign-in was assessed, {@code value} empty), "device"
     * ({@code browser|os|TYPE}), "country" (its code), "address" (forgotten after {@code lanyard.privacy.ip-retention})
     * or "place" ({@code latitude,longitude,country}, to about a kilometre), and when it was last seen.
     */
    public record Remembered(String kind, String value, Instant lastSeenAt) {
    }

    /** Hands everything remembered of {@code account} to {@code sink}, by kind and value, a page at a time. */
    public void forEach(AccountId account, Consumer<Remembered> sink) {
        Optional<SeenStore.Remembered> after = Optional.empty();
        List<SeenStore.Remembered> page;
        do {
            page = store.remembered(account, after, PAGE);
            for (SeenStore.Remembered r : page) {
                sink.accept(new Remembered(r.kind(), r.kind().equals("address") ? ClientAddresses.shown(r.value()) : r.value(), r.at()));
            }
            if (!page.isEmpty()) after = Optional.of(page.get(page.size() - 1));
        } while (page.size() == PAGE);
    }
}
