package dev.descent.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresTargetTest {

    @Test
    void aUrlGivesHostPortDatabaseUserAndDriverOptions() {
        PostgresTarget t = PostgresTarget.parse("postgresql://db.example:6543/tuning?user=alice&sslmode=require");
        assertThat(t.host()).isEqualTo("db.example");
        assertThat(t.port()).isEqualTo(6543);
        assertThat(t.database()).isEqualTo("tuning");
        assertThat(t.user()).isEqualTo("alice");
        assertThat(t.options()).containsExactly(java.util.Map.entry("sslmode", "require"));
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/tuning");
        assertThat(t).hasToString("postgresql://db.example:6543/tuning?user=alice&sslmode=require");

        PostgresTarget d = PostgresTarget.parse("postgres://bob@[::1]/studies");
        assertThat(d.host()).isEqualTo("::1");
        assertThat(d.port()).isEqualTo(5432);
        assertThat(d.user()).isEqualTo("bob");
        assertThat(d.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/studies");
        assertThat(PostgresTarget.parse("postgresql://h/db").user()).isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
        for (String url : new String[] {"postgresql://alice:s3cret@h/db", "postgresql://h/db?user=alice&password=s3cret"}) {
            assertThatThrownBy(() -> PostgresTarget.parse(url)).isInstanceOf(dev.descent.io.InputException.class)
                    .hasMessageContaining("PGPASSWORD").hasMessageContaining("~/.pgpass").message().doesNotContain("s3cret");
        }
    }

    @Test
    void whatIsMissingIsNamed() {
        assertThatThrownBy(() -> PostgresTarget.parse("postgresql://h")).hasMessageContaining("names no database");
        assertThatThrownBy(() -> PostgresTarget.parse("postgresql:///db")).hasMessageContaining("names no host");
        assertThatThrownBy(() -> PostgresTarget.parse("runs/study")).hasMessageContaining("is not a postgresql://");
        assertThat(PostgresTarget.isUrl("runs/study")).isFalse();
        assertThat(PostgresTarget.isUrl("PostgreSQL://h/db")).isTrue();
    }
}
