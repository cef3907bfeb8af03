package dev.lanyard.signals;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.account.Accounts;
import dev.lanyard.account.Role;
import dev.lanyard.apps.AppClient;
import dev.lanyard.apps.AppGrants;
import dev.lanyard.apps.ClientCredentials;
import dev.lanyard.session.CurrentSession;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Apps that receive Shared Signals, as their team's admins see them: an admin turns an app's Shared Signals on
 * and off, and its streams' status follows (decision 62), and watches the streams' delivery.
 */
@Service
class ReceiverApps {
    /** The status reason of a stream disabled because an admin turned the app's Shared Signals off; only such streams come back. */
    static final String TURNED_OFF = "Shared Signals were turned off for this app by a team admin.";
    /** The same, for a stream its receiver had paused: it comes back paused. */
    static final String TURNED_OFF_WHILE_PAUSED = "Shared Signals were turned off for this app by a team admin while the stream was paused.";
    /** The reason of the stream updated event that tells a receiver its stream came back, and what it missed. */
    static final String TURNED_BACK_ON = "Shared Signals were turned back on for this app by a team admin. "
            + "Events from while they were off were not kept.";

    private final StreamStore store;
    private final SignalOutboxStore outbox;
    private final Streams streams;
    private final AppGrants apps;
    private final Transmitter transmitter;
    private final Accounts accounts;
    private final ApplicationEventPublisher events;
    private final PollWaits polls;
    private final Clock clock;

    ReceiverApps(StreamStore store, SignalOutboxStore outbox, Streams streams, AppGrants apps, Transmitter transmitter,
                 Accounts accounts, ApplicationEventPublisher events, PollWaits polls, Clock clock) {
        this.polls = polls;
        this.store = store;
        this.outbox = outbox;
        this.streams = streams;
        this.apps = apps;
        this.transmitter = transmitter;
        this.accounts = accounts;
        this.events = events;
        this.clock = clock;
    }

    /**
     * One stream as its admins see it: its configuration, status and delivery figures, and when this node last saw its
     * polls take each other's place as several receivers' do (decision 83).
     */
    record Watched(Stream stream, SignalOutboxStore.Figures figures, Optional<Instant> sharedPolls) {
    }

    /** An app of the admin's team, whether it receives Shared Signals, and its streams. */
    record Receiver(AppClient app, boolean enabled, List<Watched> streams) {
    }

    /** An app after the admin's switch, and how many of its streams came back and were told so (none when it was switched off). */
    record Switched(Receiver receiver, int streamsBack) {
    }

    Receiver receiver(CurrentSession admin, String appId) {
        AppClient app = app(admin, appId);
        List<Watched> watched = store.list(app.id()).stream().map(s -> new Watched(s, outbox.figures(s.id()), polls.sharedAt(s.id()))).toList();
        return new Receiver(app, store.receiver(app.id()), watched);
    }

    /**
     * Enables or disables Shared Signals for an app of the admin's team. Off, the app's streams are disabled and their
     * queued signals dropped; on again, the streams the switch disabled are enabled and told so (decision 62).
     */
    @Transactional
    Switched enable(CurrentSession admin, String appId, boolean enabled) {
        AppClient app = app(admin, appId);
        accounts.lockTeamAsAdmin(admin.account()); // the role a session carries may be older than a demotion
        Instant now = clock.instant();
        if (enabled && !app.confidential()) {
            throw new SignalProblem.InvalidInput("enabled", "Only a confidential app (one with a client secret) can receive Shared Signals.");
        }
        boolean changed = enabled ? store.enable(app.id(), app.team(), admin.account().id(), now) == 1 : store.disable(app.id()) == 1;
        int back = 0;
        if (changed) {
            if (enabled) back = turnedBackOn(app, now);
            else turnedOff(app, now);
            events.publishEvent(new ClientCredentials.Changed(app.id()));
            events.publishEvent(enabled ? new SignalEvent.ReceiverEnabled(app.team(), app.clientId(), app.name(), admin.account().id(), now)
                    : new SignalEvent.ReceiverDisabled(app.team(), app.clientId(), app.name(), admin.account().id(), now));
        }
        return new Switched(receiver(admin, appId), back);
    }

    /**
     * Disables the app's streams that are not already, for {@link #TURNED_OFF}, and drops what waited for any of them.
     * No stream updated event: the receiver can no longer take a token to hear it.
     */
    private void turnedOff(AppClient app, Instant now) {
        for (Stream s : store.list(app.id())) {
            if (s.status() != Stream.Status.DISABLED) {
                store.status(s.id(), app.id(), Stream.Status.DISABLED, s.status() == Stream.Status.PAUSED ? TURNED_OFF_WHILE_PAUSED : TURNED_OFF, now);
            }
            outbox.drop(s.id(), now);
        }
    }

    /**
     * Gives the streams {@link #turnedOff} disabled the status they had (enabled, or paused by their receiver; one its
     * receiver disabled stays so) and queues each a stream updated event saying that what happened in between was not
     * kept, which a receiver could not learn from the status alone. A stream still enabled or paused here was turned off
     * before decision 62, which left its status be: it missed events alike. Returns how many streams were told.
     */
    private int turnedBackOn(AppClient app, Instant now) {
        int told = 0;
        for (Stream s : store.list(app.id())) {
            Stream.Status back = switch (s.status()) {
                case DISABLED -> s.statusReason().equals(TURNED_OFF) ? Stream.Status.ENABLED
                        : s.statusReason().equals(TURNED_OFF_WHILE_PAUSED) ? Stream.Status.PAUSED : null;
                case ENABLED, PAUSED -> s.status();
            };
            if (back == null) continue;
            store.status(s.id(), app.id(), back, "", now);
            String jti = UUID.randomUUID().toString();
            streams.queue(s, jti, SecurityEvents.streamUpdated(transmitter.issuer(s), app.clientId(), jti, s.id(), back, TURNED_BACK_ON, now));
            told++;
        }
        return told;
    }

    /** One stream of an app of the admin's team, with its app, as its admins see it. */
    record OneStream(AppClient app, Watched watched) {
    }

    /** A stream of an app of the admin's team, as its admins see it; 404 when the app has no such stream. */
    OneStream stream(CurrentSession admin, String appId, String streamId) {
        AppClient app = app(admin, appId);
        Stream stream = streams.get(app, streamId);
        return new OneStream(app, new Watched(stream, outbox.figures(stream.id()), polls.sharedAt(stream.id())));
    }

    /**
     * Deletes a stream of an app of the admin's team, as its receiver could (SSF DELETE, {@link Streams#delete}): it gets
     * nothing more, and what waited for it is dropped. Meant for a stream nothing reads any more (an instance of the app
     * that is gone, decision 83); a receiver still running finds its stream gone and creates another, which tells it
     * nothing of what it missed.
     */
    @Transactional
    Stream deleteStream(CurrentSession admin, String appId, String streamId) {
        AppClient app = app(admin, appId);
        accounts.lockTeamAsAdmin(admin.account()); // the role a session carries may be older than a demotion
        Stream stream = streams.delete(app, streamId);
        events.publishEvent(new SignalEvent.StreamDeleted(app.team(), app.clientId(), app.name(), stream.id(),
                stream.config().description(), admin.account().id(), clock.instant()));
        return stream;
    }

    private AppClient app(CurrentSession admin, String appId) {
        if (admin.account().role() != Role.ADMIN) throw new SignalProblem.Forbidden();
        return apps.find(appId == null ? "" : appId).filter(a -> a.team().equals(admin.account().team()))
                .orElseThrow(SignalProblem.AppNotFound::new);
    }
}
