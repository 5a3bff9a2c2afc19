// Shared helpers for the test targets live in this target.
