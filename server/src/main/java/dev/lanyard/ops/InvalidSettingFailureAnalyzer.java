package dev.lanyard.ops;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link InvalidSetting} into a short start-up report naming the setting, instead of a long stack trace. */
final class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSetting> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSetting cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
