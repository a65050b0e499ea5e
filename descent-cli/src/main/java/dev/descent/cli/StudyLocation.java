package dev.descent.cli;

import java.nio.file.Path;

import dev.descent.tune.storage.JournalStorage;
import dev.descent.tune.storage.PostgresStorage;
import dev.descent.tune.storage.PostgresTarget;
import dev.descent.tune.storage.StudyStorage;

/**
 * Where a study lives, as a command line names it: a study directory (its journal, for processes on
 * one machine) or a {@code postgresql://HOST[:PORT]/DB?user=NAME} URL with a study name (for workers on
 * many machines). The database password comes from {@code PGPASSWORD}, else {@code ~/.pgpass} (or the
 * file {@code PGPASSFILE} names), never from the command line.
 *
 * @param dir  the study directory, or null for a database
 * @param db   the database, or null for a directory
 * @param name the study's name in the database, or null for a directory
 */
record StudyLocation(Path dir, PostgresTarget db, String name) {

    /**
     * Reads {@code where} (a directory or a URL) and {@code study} (the name, needed with a URL).
     *
     * @param option how the user gave {@code where}, for messages ("--storage", "FROM")
     * @throws BadInputException if the URL is malformed or holds a password, or a URL comes without a study name
     */
    static StudyLocation parse(String where, String study, String option) {
        if (PostgresTarget.isUrl(where)) {
            PostgresTarget t;
            try {
                t = PostgresTarget.parse(where);
            } catch (dev.descent.io.InputException e) {
                throw new BadInputException(option + ": " + e.getMessage());
            }
            if (study == null || study.isBlank()) {
                throw new BadInputException(option + " " + t + " holds many studies: name one with --study NAME");
            }
            return new StudyLocation(null, t, study);
        }
        if (where.isBlank()) {
            throw new BadInputException(option + ": empty; give a study directory or a postgresql:// URL");
        }
        return new StudyLocation(Path.of(where), null, null);
    }

    /** Whether the study is in a database. */
    boolean database() {
        return db != null;
    }

    /**
     * Opens the storage (for a database: connects, and creates the tables on first use).
     *
     * @throws dev.descent.io.InputException if the database cannot be reached or refuses the login
     */
    StudyStorage open() {
        if (db == null) {
            return JournalStorage.inDirectory(dir);
        }
        return PostgresStorage.open(db, System.getenv("PGPASSWORD"), name);
    }

    /** The study, for messages: a directory, or "study NAME in postgresql://…". */
    @Override
    public String toString() {
        return db == null ? dir.toString() : "study '" + name + "' in " + db;
    }
}
