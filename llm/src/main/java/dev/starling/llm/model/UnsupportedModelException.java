package dev.starling.llm.model;

import java.io.IOException;

/** A model file we cannot run: unsupported architecture or tensor type, missing tensor, inconsistent shape. */
public class UnsupportedModelException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnsupportedModelException(String message) {
        super(message);
    }
}
