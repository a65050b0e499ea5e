/**
 * Where studies live: the {@link dev.descent.tune.storage.StudyStorage} contract, and its
 * implementations, the local journal (one file, an exclusive write lock, safe for several processes
 * on one machine) and an in-memory store. A study's history is a log of
 * {@link dev.descent.tune.storage.StudyEvent events}; every storage replays it through the same
 * {@code StudyModel}, so all apply one set of rules. Uses the study's value types from
 * {@code dev.descent.tune}; {@code dev.descent.tune.Study} is its only client there. Must not depend
 * on the CLI, training or the dashboard.
 */
package dev.descent.tune.storage;
