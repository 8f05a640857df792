package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;

/** A file larger than a declared limit allows; {@link #setting()} names the setting that raises it. */
public final class LimitExceededException extends InvalidInputException {
    private static final long serialVersionUID = 1L;
    private final String setting;

    public LimitExceededException(String message, String setting) {
        super(message + " (" + setting + ")");
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
