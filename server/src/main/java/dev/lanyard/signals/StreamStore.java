package dev.lanyard.signals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;

/** Apps allowed to receive Shared Signals, and their streams. */
interface StreamStore {
    /** Whether an admin enabled Shared Signals for the app. */
    boolean receiver(String appId);

    /** Enables Shared Signals for the app; returns 1, or 0 if it already was. Safe to repeat. */
    int enable(String appId, TeamId team, AccountId by, Instant at);

    /** Disables Shared Signals for the app; returns 1, or 0 if it was not enabled. Safe to repeat. */
    int disable(String appId);

    void insert(Stream stream);

    /** Replaces the stream's configuration; returns 1, or 0 if the app has no such stream. */
    int update(Stream stream);

    /** Deletes the stream if the app has it; returns 1 or 0. Safe to repeat. */
    int delete(String id, String appId);

    Optional<Stream> find(String id, String appId);

    /** The app's streams, oldest first. */
    List<Stream> list(String appId);

    /** Streams that take events of the team now: enabled or paused, of apps that are receivers. */
    List<Stream> listening(TeamId team);

    /** Sets the status; returns 1, or 0 if the app has no such stream. */
    int status(String id, String appId, Stream.Status status, String reason, Instant at);

    /**
     * Records a verification request at {@code now} if none was recorded after {@code since}, in one statement
     * (two requests at once cannot both pass); false when one was.
     */
    boolean verificationRequested(String id, String appId, Instant since, Instant now);

    /** Records a delivery (push accepted or poll acknowledged). */
    void delivered(String id, Instant at);

    /** Records why the last push to the stream failed. */
    void failed(String id, String error);

    long count(String appId);
}
