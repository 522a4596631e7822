package dev.starling.ai.backend;

import java.util.Objects;

/**
 * Why a backend call produced no result, in the terms of OpenAI's error object.
 *
 * @param kind    what class of failure (decides the HTTP status and {@code type})
 * @param message what was wrong, for people
 * @param param   the request parameter at fault, or null
 */
public record BackendError(Kind kind, String message, String param) {

    public enum Kind {
        /** The request is malformed or out of limits (HTTP 400, {@code invalid_request_error}). */
        INVALID_REQUEST(400, "invalid_request_error", null),
        /** The prompt does not fit the model's context (HTTP 400, code {@code context_length_exceeded}). */
        CONTEXT_LENGTH_EXCEEDED(400, "invalid_request_error", "context_length_exceeded"),
        /** No such model (HTTP 404, code {@code model_not_found}). */
        MODEL_NOT_FOUND(404, "invalid_request_error", "model_not_found"),
        /** The model cannot do this (e.g. embeddings from a model without them) (HTTP 400). */
        UNSUPPORTED(400, "invalid_request_error", "unsupported"),
        /** Too many requests in flight (HTTP 429). */
        OVERLOADED(429, "rate_limit_error", "overloaded"),
        /** The upstream server failed or answered nonsense (HTTP 502). */
        UPSTREAM(502, "api_error", "upstream_error"),
        /** The upstream server could not be reached or took too long (HTTP 503/504). */
        UNAVAILABLE(503, "api_error", "unavailable"),
        /** A bug or an I/O failure here (HTTP 500). */
        INTERNAL(500, "api_error", null);

        private final int httpStatus;
        private final String openAiType;
        private final String openAiCode;

        Kind(int httpStatus, String openAiType, String openAiCode) {
            this.httpStatus = httpStatus;
            this.openAiType = openAiType;
            this.openAiCode = openAiCode;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public String openAiType() {
            return openAiType;
        }

        public String openAiCode() {
            return openAiCode;
        }
    }

    public BackendError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    public static BackendError invalid(String param, String message) {
        return new BackendError(Kind.INVALID_REQUEST, message, param);
    }

    public static BackendError modelNotFound(String model) {
        return new BackendError(Kind.MODEL_NOT_FOUND, "The model '" + model + "' does not exist", "model");
    }
}
