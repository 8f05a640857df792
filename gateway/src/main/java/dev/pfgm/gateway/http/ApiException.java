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
