package dev.pfgm.gateway.http;

import java.util.List;

/** A request the API refuses: becomes an RFC 9457 problem with this status. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** One field-level validation failure: a JSON pointer into the request and what is wrong there. */
    public record FieldError(String pointer, String message) {
    }

    private final int status;
    private final String title;
    private final transient List<FieldError> errors;
    private final transient java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

    public ApiException(int status, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public ApiException(int status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(404, "Not Found", "no " + what + " with id " + id);
    }

    public static ApiException invalid(String pointer, String message) {
        return new ApiException(422, "Unprocessable Content", pointer + ": " + message,
                List.of(new FieldError(pointer, message)));
    }

    public static ApiException badRequest(String pointer, String message) {
        return new ApiException(400, "Bad Request", pointer + ": " + message, List.of(new FieldError(pointer, message)));
    }

    /** A 503 for a dependency or capacity that is out for now: the client may retry after {@code seconds}. */
    public static ApiException unavailable(String detail, int seconds) {
        return new ApiException(503, "Service Unavailable", detail).header("Retry-After", Integer.toString(seconds));
    }

    /** Adds a response header (Retry-After, RateLimit). */
    public ApiException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public java.util.Map<String, String> headers() {
        return headers;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
