package io.dr4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import io.dr4j.core.ConfigurationException;

import org.junit.jupiter.api.Test;

class ProviderConfigTest {

    @Test
    void environmentVariablesMapToDottedKeysAndOverrideProperties() {
        Properties props = new Properties();
        props.setProperty("dr.storage.s3.region", " eu-west-1 ");
        props.setProperty("dr.storage.s3.bucket", "from-file");
        ProviderConfig c = ProviderConfig.from(props, Map.of("DR_STORAGE_S3_BUCKET", "from-env", "HOME", "/root"));
        ProviderConfig s3 = c.scope("dr.storage.s3");
        assertThat(s3.namespace()).isEqualTo("dr.storage.s3");
        assertThat(s3.get("region")).contains("eu-west-1");
        assertThat(s3.get("bucket")).contains("from-env");
        assertThat(s3.with("bucket", "explicit").get("bucket")).contains("explicit");
        assertThat(c.get("home")).isEmpty();
        assertThat(ProviderConfig.keyToEnv("dr.repository.key-file")).isEqualTo("DR_REPOSITORY_KEY_FILE");
        assertThat(ProviderConfig.envToKey("DR_STORAGE_S3_REGION")).isEqualTo("dr.storage.s3.region");
    }

    @Test
    void camelCaseAndDashedSpellingsFindTheSameKey() {
        ProviderConfig c = ProviderConfig.from(new Properties(), Map.of("DR_REPOSITORY_KEY_FILE", "/k"))
                .scope("dr.repository");
        assertThat(c.get("keyFile")).contains("/k");
        assertThat(c.get("key-file")).contains("/k");
    }

    @Test
    void typedValuesParseAndBadValuesNameTheKey() {
        ProviderConfig c = ProviderConfig.of(Map.of("a.n", "42", "a.big", "5000000000", "a.flag", "yes",
                "a.bad", "maybe", "a.t1", "30s", "a.t2", "PT2M", "a.t3", "1.5h", "a.t4", "500ms", "a.t5", "7d"))
                .scope("a");
        assertThat(c.getInt("n", 0)).isEqualTo(42);
        assertThat(c.getLong("big", 0)).isEqualTo(5_000_000_000L);
        assertThat(c.getInt("missing", 7)).isEqualTo(7);
        assertThat(c.getBoolean("flag", false)).isTrue();
        assertThat(c.getDuration("t1", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.getDuration("t2", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.getDuration("t3", Duration.ZERO)).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.getDuration("t4", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
        assertThat(c.getDuration("t5", Duration.ZERO)).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> c.getBoolean("bad", false)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("a.bad").hasMessageContaining("maybe");
        assertThatThrownBy(() -> c.getInt("flag", 0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("a.flag must be a whole number");
        assertThat(c.getDuration("n", Duration.ZERO)).as("no unit means seconds").isEqualTo(Duration.ofSeconds(42));
        assertThatThrownBy(() -> c.require("absent")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("a.absent").hasMessageContaining("A_ABSENT");
    }

    @Test
    void blankValuesCountAsUnset() {
        ProviderConfig c = ProviderConfig.of(Map.of("x.y", "  "));
        assertThat(c.get("x.y")).isEmpty();
        assertThat(c.get("x.y", "default")).isEqualTo("default");
    }

    @Test
    void secretsNeverAppearInToStringOrErrors() {
        ProviderConfig c = ProviderConfig.of(Map.of("dr.storage.s3.secret-access-key", "hunter2",
                "dr.repository.key", "c2VjcmV0", "dr.db.password", "pw123", "dr.storage.s3.region", "eu"));
        assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("c2VjcmV0").doesNotContain("pw123")
                .contains("eu");
        Secret s = c.secret("dr.db.password").orElseThrow();
        assertThat(s.toString()).isEqualTo("********");
        assertThat(s.reveal()).isEqualTo("pw123");
        assertThatThrownBy(() -> c.getInt("dr.db.password", 0)).isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw123"));
        assertThat(c.scope("dr.storage.s3").toString()).contains("region").doesNotContain("dr.db");
    }
}
