package io.dr4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

import io.dr4j.core.storage.spi.BackupTargetProvider;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checks that a storage plugin registers its {@link BackupTargetProvider} so that {@link ServiceLoader} finds it:
 * catches a missing or misspelt {@code META-INF/services} entry (and shaded jars that dropped it) before users do.
 *
 * <pre>{@code
 * class S3ProviderRegistrationTest extends ProviderRegistrationContractTest {
 *     S3ProviderRegistrationTest() {
 *         super(S3BackupTargetProvider.class, "s3", URI.create("s3://bucket/prefix"));
 *     }
 * }
 * }</pre>
 *
 * (or, with the no-argument constructor, override {@link #providerClass()}, {@link #providerId()} and
 * {@link #exampleUri()}).
 */
public abstract class ProviderRegistrationContractTest {
    static final String SERVICE_FILE = "META-INF/services/" + BackupTargetProvider.class.getName();

    private final @Nullable Class<? extends BackupTargetProvider> providerClass;
    private final @Nullable String providerId;
    private final @Nullable URI exampleUri;

    /** For a subclass that overrides {@link #providerClass()}, {@link #providerId()} and {@link #exampleUri()}. */
    protected ProviderRegistrationContractTest() {
        this.providerClass = null;
        this.providerId = null;
        this.exampleUri = null;
    }

    /**
     * @param providerClass the plugin's provider class
     * @param providerId    the id it reports
     * @param exampleUri    a location it handles
     */
    protected ProviderRegistrationContractTest(Class<? extends BackupTargetProvider> providerClass, String providerId,
            URI exampleUri) {
        this.providerClass = Objects.requireNonNull(providerClass, "providerClass");
        this.providerId = Objects.requireNonNull(providerId, "providerId");
        this.exampleUri = Objects.requireNonNull(exampleUri, "exampleUri");
    }

    /** The plugin's provider class. */
    protected Class<? extends BackupTargetProvider> providerClass() {
        return given(providerClass, "providerClass");
    }

    /** The id the provider reports. */
    protected String providerId() {
        return given(providerId, "providerId");
    }

    /** A location the provider handles. */
    protected URI exampleUri() {
        return given(exampleUri, "exampleUri");
    }

    private <T> T given(@Nullable T value, String name) {
        if (value == null) {
            throw new IllegalStateException(getClass().getName() + " names no " + name + ": pass the provider class, "
                    + "id and example URI to the constructor, or override " + name + "()");
        }
        return value;
    }

    private BackupTargetProvider loaded() {
        List<String> seen = new ArrayList<>();
        for (BackupTargetProvider p : ServiceLoader.load(BackupTargetProvider.class,
                providerClass().getClassLoader())) {
            seen.add(p.id() + "=" + p.getClass().getName());
            if (p.getClass() == providerClass()) {
                return p;
            }
        }
        throw new AssertionError("ServiceLoader does not find " + providerClass().getName() + " (found " + seen
                + "). Add its name to src/main/resources/" + SERVICE_FILE);
    }

    @Test
    @DisplayName("ServiceLoader finds the provider, and it reports its id")
    void serviceLoaderFindsIt() {
        assertThat(loaded().id()).isEqualTo(providerId());
    }

    @Test
    @DisplayName("the provider supports its example location and names its schemes and artifact")
    void supportsExample() {
        BackupTargetProvider p = loaded();
        assertThat(p.supports(exampleUri())).as("supports(" + exampleUri() + ")").isTrue();
        assertThat(p.schemes()).as("schemes").contains(exampleUri().getScheme());
        assertThat(p.artifact()).as("artifact (named in 'no provider' errors)").matches("[\\w.-]+:[\\w.-]+");
    }

    @Test
    @DisplayName("the provider does not claim locations of other schemes")
    void doesNotClaimOthers() {
        BackupTargetProvider p = loaded();
        assertThat(p.supports(URI.create("no-such-scheme-" + providerId() + "://x/y"))).isFalse();
    }

    @Test
    @DisplayName("META-INF/services lists the provider class")
    void servicesFilePresent() throws IOException {
        List<URL> files = Collections.list(providerClass().getClassLoader().getResources(SERVICE_FILE));
        List<String> lines = new ArrayList<>();
        for (URL u : files) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(u.openStream(), StandardCharsets.UTF_8))) {
                r.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).forEach(lines::add);
            }
        }
        assertThat(lines).as("entries of " + SERVICE_FILE).contains(providerClass().getName());
    }

    @Test
    @DisplayName("the provider has a public no-argument constructor")
    void publicNoArgConstructor() throws ReflectiveOperationException {
        assertThat(java.lang.reflect.Modifier.isPublic(providerClass().getModifiers())).isTrue();
        assertThat(providerClass().getConstructor().newInstance().id()).isEqualTo(providerId());
    }
}
