package dev.pfgm.shared.synthesis;

import dev.pfgm.shared.InvalidInputException;

/**
 * A synthesis parameter refused: {@code field} is its key in the job's params ("shard_size",
 * "filter.min_log_density_quantile"); the gateway points at /params/..., the command line at --....
 */
public final class SpecException extends InvalidInputException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public SpecException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** The message without the field's name. */
    public String problem() {
        return getMessage().substring(field.length() + 2);
    }
}
