package dev.descent.tune.storage;

class InMemoryStorageTest extends StudyStorageContract {

    @Override
    protected StudyStorage fresh() {
        return new InMemoryStorage();
    }

    /** Memory has one handle; closing it releases nothing, so it serves as the second one too. */
    @Override
    protected StudyStorage reopen(StudyStorage s) {
        return s;
    }
}
