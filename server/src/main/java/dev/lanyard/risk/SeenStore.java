package dev.lanyard.risk;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;

/** What each account has been seen with: devices, countries, public addresses, places. */
interface SeenStore {

    /** What the account had seen of {@code now}'s device, country and address, and its latest place: one indexed query. */
    Seen lookup(AccountId account, Sighting now);

    /** Records {@code now} as seen at {@code now.at()} in one statement; repeating it only moves the times. */
    void record(AccountId account, Sighting now);

    /**
     * @param assessedBefore whether any sign-in of the account was seen before (its first is new in every way, and flagged in none)
     * @param lastPlace      the place the account was seen at most recently, and when
     */
    record Seen(boolean assessedBefore, boolean device, boolean country, boolean address, Optional<LastPlace> lastPlace) {
    }

    record LastPlace(Sighting.Place place, Instant at) {
    }

    /** One thing remembered of an account: its kind ("account", "device", "country", "address", "place"), value, when last seen. */
    record Remembered(String kind, String value, Instant at) {
    }

    /** Up to {@code limit} of what the account is remembered with, in the order of kind and value, after {@code after} if given. */
    List<Remembered> remembered(AccountId account, Optional<Remembered> after, int limit);

    /**
     * Forgets at most {@code limit} of the addresses last seen before {@code before} (PRODUCT.md D6): a
     * later sign-in from one counts as a new address again. Returns how many were forgotten; safe to repeat.
     */
    int forgetAddresses(Instant before, int limit);

    /** Forgets all that the account is remembered with, when its member is removed; returns how many things. Safe to repeat. */
    int forget(AccountId account);
}
