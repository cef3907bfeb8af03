package dev.lanyard.privacy;

import dev.lanyard.factors.SecondFactorRequirement;
import dev.lanyard.geo.ExternalOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Download;
import dev.lanyard.session.Downloads;
import dev.lanyard.settings.SecuritySection;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import tools.jackson.databind.json.JsonMapper;

/** The "Your data" section of {@code /settings/security} and its download (PRODUCT.md D6). */
@Controller
class YourDataSection implements SecuritySection {
    /**
     * Outside {@code /settings/security/}, which stays open to a member whose team requires a second factor they
     * have not set up yet: until they have, they get no export either.
     */
    static final String DOWNLOAD = "/settings/data-export";

    private final DataExports exports;
    private final JsonMapper json;
    private final Downloads downloads;
    private final SecondFactorRequirement secondFactor;
    private final ExternalOrigins origins;

    YourDataSection(DataExports exports, JsonMapper json, SecondFactorRequirement secondFactor, Downloads downloads,
                    ExternalOrigins origins) {
        this.downloads = downloads;
        this.origins = origins;
        this.exports = exports;
        this.json = json;
        this.secondFactor = secondFactor;
    }

    @Override
    public int order() {
        return 90;
    }

    @Override
    public String template() {
        return "security/data";
    }

    @Override
    public void describe(CurrentSession current, Model model) {
        model.addAttribute("dataExportPath", DOWNLOAD);
        // Held until a second factor is set up, as the download is: a link that leads back here would save this page.
        model.addAttribute("dataExportHeld", secondFactor.holds(current.account()));
    }

    @GetMapping(DOWNLOAD)
    Download download(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request) {
        ExportDownload.requireSameOrigin(request, origins);
        return downloads.limited(current.account().id(), () -> ExportDownload.of(exports.export(current), json),
                () -> exports.exported(current));
    }
}
