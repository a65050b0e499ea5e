package dev.descent.web;

/** A request the server refuses, with the HTTP status and a message for the JSON error body. */
final class BadRequest extends RuntimeException {

    final int status;

    BadRequest(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static BadRequest invalid(String message) {
        return new BadRequest(400, message);
    }

    /** 422: the request names a run whose files cannot be read (damaged, or a link out of the runs directory). */
    static BadRequest unprocessable(String message) {
        return new BadRequest(422, message);
    }

    static BadRequest notFound(String message) {
        return new BadRequest(404, message);
    }
}
