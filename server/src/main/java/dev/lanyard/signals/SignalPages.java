package dev.lanyard.signals;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import dev.lanyard.session.CurrentSession;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** An app's Shared Signals on {@code /admin/apps}: enabling it as a receiver, and its streams' delivery. */
@Controller
class SignalPages {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm:ss 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final ReceiverApps receivers;
    private final Transmitter transmitter;

    SignalPages(ReceiverApps receivers, Transmitter transmitter) {
        this.receivers = receivers;
        this.transmitter = transmitter;
    }

    /** {@code sharedPolls}: when this node last saw the stream's polls take each other's place (several receivers), or null. */
    record StreamView(String id, String description, String status, String delivery, String lastDelivery, long queued, long failing,
                      long gaveUp, String lastError, java.time.Instant lastDeliveryAt, java.time.Instant sharedPolls) {
    }

    @GetMapping("/admin/apps/{id}/signals")
    String page(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestParam(required = false) String done,
                Model model, HttpServletRequest request) {
        if ("enabled".equals(done)) model.addAttribute("done", "The app can now receive Shared Signals.");
        if ("enabled-streams-back".equals(done)) model.addAttribute("done", "The app can now receive Shared Signals. Each stream disabled "
                + "when they were last stopped has its status back and was told that the events in between were not kept.");
        if ("disabled".equals(done)) model.addAttribute("done", "The app no longer receives Shared Signals: its streams are disabled "
                + "and what waited for them was dropped.");
        if ("stream-deleted".equals(done)) model.addAttribute("done", "The stream was deleted, with what waited for it.");
        return page(admin, receivers.receiver(admin, id), model, request);
    }

    @PostMapping("/admin/apps/{id}/signals")
    String enable(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestParam boolean enabled, Model model,
                  HttpServletRequest request) {
        ReceiverApps.Switched switched;
        try {
            switched = receivers.enable(admin, id, enabled);
        } catch (SignalProblem.InvalidInput refused) {
            model.addAttribute("error", refused.getMessage());
            return page(admin, receivers.receiver(admin, id), model, request);
        }
        // Streams are named as back only when some came back: a first switch on, or an app without streams, has none.
        String done = !enabled ? "disabled" : switched.streamsBack() > 0 ? "enabled-streams-back" : "enabled";
        return "redirect:/admin/apps/" + id + "/signals?done=" + done;
    }

    /** The confirmation before a stream is deleted: which stream, what it last delivered, and what deleting does. */
    @GetMapping("/admin/apps/{id}/signals/streams/{streamId}/delete")
    String confirmDelete(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @PathVariable String streamId, Model model) {
        ReceiverApps.OneStream one = receivers.stream(admin, id, streamId);
        model.addAttribute("account", admin.account());
        model.addAttribute("app", one.app());
        model.addAttribute("stream", view(one.watched()));
        return "signals/delete-stream";
    }

    @PostMapping("/admin/apps/{id}/signals/streams/{streamId}/delete")
    String delete(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @PathVariable String streamId) {
        receivers.deleteStream(admin, id, streamId);
        return "redirect:/admin/apps/" + id + "/signals?done=stream-deleted";
    }

    private static StreamView view(ReceiverApps.Watched w) {
        return new StreamView(w.stream().id(), w.stream().config().description(),
                w.stream().status().code() + (w.stream().statusReason().isEmpty() ? "" : " (" + w.stream().statusReason() + ")"),
                w.stream().config().push() ? "push to " + w.stream().config().endpoint().orElse("") : "poll",
                w.stream().lastDeliveryAt().map(TIME::format).orElse("never"), w.figures().queued(), w.figures().failing(),
                w.figures().gaveUp(), w.stream().lastError().orElse(""), w.stream().lastDeliveryAt().orElse(null), w.sharedPolls().orElse(null));
    }

    /** The configuration's address as the admin reached Lanyard: the one a receiver reaching it the same way is given. */
    private String page(CurrentSession admin, ReceiverApps.Receiver receiver, Model model, HttpServletRequest request) {
        model.addAttribute("account", admin.account());
        model.addAttribute("app", receiver.app());
        model.addAttribute("enabled", receiver.enabled());
        model.addAttribute("configuration", transmitter.issuer(request) + "/.well-known/ssf-configuration");
        model.addAttribute("streams", receiver.streams().stream().map(SignalPages::view).toList());
        model.addAttribute("maxStreams", Streams.MAX_STREAMS);
        return "signals/admin";
    }
}
