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

    static BadRequest notFound(String message) {
        return new BadRequest(404, message);
    }
}
