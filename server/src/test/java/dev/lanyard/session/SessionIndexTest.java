package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamId;
import org.junit.jupiter.api.Test;

/** The cache's id → entry index: finds, replaces and removes entries by identity, at any size. */
class SessionIndexTest {
    private final Account alice = new Account(new AccountId("acc_index"), new TeamId("team_index"), "alice@example.com", "Alice",
            Role.MEMBER, TestSessions.T0);
    private final SessionIndex index = new SessionIndex();

    private CachedSession entry(String id) {
        return new CachedSession(TestSessions.of(alice.id()).id(id).build(), alice);
    }

    @Test
    void aReloadReplacesTheEntryAndTheRemovalOfTheOldOneLeavesTheNewOne() {
        CachedSession first = entry("ses_AAAAAAAAAAAAAAAA");
        CachedSession reload = entry("ses_AAAAAAAAAAAAAAAA");

        index.put(first);
        index.put(reload);
        assertThat(index.get(new SessionId("ses_AAAAAAAAAAAAAAAA"))).isSameAs(reload);
        assertThat(index.size()).isEqualTo(1);

        index.remove(first);
        assertThat(index.get(new SessionId("ses_AAAAAAAAAAAAAAAA"))).as("not the entry removed").isSameAs(reload);
        index.remove(reload);
        assertThat(index.get(new SessionId("ses_AAAAAAAAAAAAAAAA"))).isNull();
        assertThat(index.size()).isZero();
    }

    @Test
    void idsWithTheSameHashCodeShareABucketAndAreToldApart() {
        CachedSession aa = entry("Aa");
        CachedSession bb = entry("BB"); // "Aa".hashCode() == "BB".hashCode()
        index.put(aa);
        index.put(bb);

        assertThat(index.get(new SessionId("Aa"))).isSameAs(aa);
        assertThat(index.get(new SessionId("BB"))).isSameAs(bb);
        index.remove(aa);
        assertThat(index.get(new SessionId("Aa"))).isNull();
        assertThat(index.get(new SessionId("BB"))).isSameAs(bb);
    }

    @Test
    void holdsManyEntriesThroughGrowthAndRemoval() {
        List<CachedSession> entries = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            CachedSession e = entry(i % 2 == 0 ? SessionId.random().value() : "ses_other_" + i);
            entries.add(e);
            index.put(e);
        }
        assertThat(index.size()).isEqualTo(50_000);
        for (CachedSession e : entries) assertThat(index.get(new SessionId(e.id.value()))).isSameAs(e);

        for (int i = 0; i < entries.size(); i += 3) index.remove(entries.get(i));
        for (int i = 0; i < entries.size(); i++) {
            CachedSession e = entries.get(i);
            assertThat(index.get(e.id)).isSameAs(i % 3 == 0 ? null : e);
        }
        assertThat(index.size()).isEqualTo(50_000 - (50_000 + 2) / 3);
    }

    @Test
    void concurrentPutsAndRemovesLoseNothing() throws Exception {
        int threads = 4, each = 5_000;
        List<List<CachedSession>> made = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<CachedSession> mine = new ArrayList<>();
            for (int i = 0; i < each; i++) mine.add(entry(SessionId.random().value()));
            made.add(mine);
        }
        List<Thread> running = new ArrayList<>();
        for (List<CachedSession> mine : made) {
            Thread thread = new Thread(() -> {
                for (CachedSession e : mine) index.put(e);
                for (int i = 0; i < mine.size(); i += 2) index.remove(mine.get(i));
            });
            thread.start();
            running.add(thread);
        }
        for (Thread thread : running) thread.join();

        for (List<CachedSession> mine : made) {
            for (int i = 0; i < mine.size(); i++) assertThat(index.get(mine.get(i).id)).isSameAs(i % 2 == 0 ? null : mine.get(i));
        }
        assertThat(index.size()).isEqualTo(threads * each / 2);
    }
}
