package dev.pfgm.shared.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.UUID;

/**
 * The Kafka message that offers work: a job, or one shard of a synthesis, and the attempt it
 * follows (a retry's message follows attempt n, so a delivery of an older one finds nothing to
 * claim). Built here and only here: the store writes it to the outbox (also through the database
 * function submit_job, which gets it as a parameter) and the worker reads it back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobMessage(@JsonProperty("job_id") UUID jobId, JobType type, Integer shard,
                         @JsonProperty("after_attempt") int afterAttempt) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public JobMessage {
        Objects.requireNonNull(jobId, "job_id");
        Objects.requireNonNull(type, "type");
    }

    /** A whole job's message. */
    public static JobMessage of(UUID jobId, JobType type, int afterAttempt) {
        return new JobMessage(jobId, type, null, afterAttempt);
    }

    public ObjectNode toJson() {
        return JSON.valueToTree(this);
    }

    /** Reads a message; throws IllegalArgumentException saying what is wrong with one that is not. */
    public static JobMessage parse(String text) {
        try {
            JobMessage m = JSON.readValue(text, JobMessage.class);
            if (m == null) {
                throw new IllegalArgumentException("the message is JSON null");
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a job message: " + e.getOriginalMessage(), e);
        }
    }
}
