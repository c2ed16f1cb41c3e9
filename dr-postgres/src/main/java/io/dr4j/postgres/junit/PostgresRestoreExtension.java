package io.dr4j.postgres.junit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.codec.KeyProvider;
import io.dr4j.core.config.Secret;
import io.dr4j.core.restore.RecoveryTarget;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that restores a backup of a dr4j repository into a scratch PostgreSQL and hands the test a
 * {@link RestoredPostgres}: the newest backup (or a named one), physical ones by point-in-time recovery into a
 * scratch data directory started with the machine's or zonky binaries or in a container of a PostgreSQL image
 * ({@link TestcontainersScratch#hostNetwork(String)}), logical ones with {@code pg_restore} into an empty server
 * (scratch cluster or Testcontainers container). Restored once per class (default) or per method, and
 * stopped and removed afterwards.
 *
 * <p>Declaratively with {@link RestoredDatabase}, or programmatically:
 * <pre>{@code
 * @RegisterExtension
 * static PostgresRestoreExtension restored = PostgresRestoreExtension.builder()
 *         .repository("file:///var/backups/db").backup("latest").database("app")
 *         .scratch(ScratchProvider.machineBinaries(), ScratchProvider.zonky())
 *         .build();
 *
 * @Test
 * void ordersAreBack(RestoredPostgres db) throws SQLException { ... }   // or restored.database()
 * }</pre>
 * Restores happen lazily, after the class's {@code @BeforeAll} methods (so they can take the backup first): before
 * the first test (or each test, {@link RestoredDatabase.Lifecycle#PER_METHOD}) or when a parameter is resolved. Only
 * {@code static} {@link RestoredDatabase} fields are filled earlier, before {@code @BeforeAll}.
 */
public final class PostgresRestoreExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresRestoreExtension.class);

    private final @Nullable RestoreSpec spec;
    private volatile @Nullable RestoredPostgres last;

    /** The declarative form: what to restore comes from {@link RestoredDatabase} annotations. */
    public PostgresRestoreExtension() {
        this.spec = null;
    }

    private PostgresRestoreExtension(RestoreSpec spec) {
        this.spec = spec;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The database this (programmatically registered) extension restored for the running class or test. */
    public RestoredPostgres database() {
        RestoredPostgres db = last;
        if (spec == null || db == null) {
            throw new IllegalStateException(spec == null ? "database() is for an extension built with builder(); "
                    + "declare a RestoredPostgres parameter or field instead"
                    : "Nothing restored yet: call database() from a test or a @BeforeEach method");
        }
        return db;
    }

    // ---- callbacks

    /** Static {@link RestoredDatabase} fields: restored before the class's {@code @BeforeAll} methods run. */
    @Override
    public void beforeAll(ExtensionContext context) {
        if (spec == null) {
            injectFields(context, null, true);
        }
    }

    /**
     * Restores what the class (or this builder) asks for, after the class's {@code @BeforeAll} methods (which may
     * take the backup), once per class or per method, and fills instance fields.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (spec != null) {
            obtain(context, this, spec);
            return;
        }
        RestoredDatabase onClass = context.getRequiredTestClass().getAnnotation(RestoredDatabase.class);
        if (onClass != null) {
            obtain(context, onClass, RestoreSpec.of(onClass));
        }
        injectFields(context, context.getRequiredTestInstance(), false);
    }

    // ---- parameters

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
        if (p.getParameter().getType() != RestoredPostgres.class) {
            return false;
        }
        boolean annotated = p.isAnnotated(RestoredDatabase.class);
        if (spec != null) {
            return !annotated;
        }
        return annotated || context.getRequiredTestClass().isAnnotationPresent(RestoredDatabase.class);
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext context) {
        if (spec != null) {
            return obtain(context, this, spec);
        }
        Optional<RestoredDatabase> a = p.findAnnotation(RestoredDatabase.class);
        RestoredDatabase annotation = a.orElseGet(() -> context.getRequiredTestClass().getAnnotation(RestoredDatabase.class));
        return obtain(context, annotation, RestoreSpec.of(annotation));
    }

    // ---- fields

    private void injectFields(ExtensionContext context, @Nullable Object instance, boolean statics) {
        for (Class<?> c = context.getRequiredTestClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                RestoredDatabase a = f.getAnnotation(RestoredDatabase.class);
                if (a == null || Modifier.isStatic(f.getModifiers()) != statics) {
                    continue;
                }
                if (f.getType() != RestoredPostgres.class) {
                    throw new ExtensionConfigurationException("@RestoredDatabase field " + c.getSimpleName() + "."
                            + f.getName() + " must be of type RestoredPostgres, not " + f.getType().getSimpleName());
                }
                if (Modifier.isFinal(f.getModifiers())) {
                    throw new ExtensionConfigurationException("@RestoredDatabase field " + c.getSimpleName() + "."
                            + f.getName() + " must not be final");
                }
                if (statics && a.lifecycle() == RestoredDatabase.Lifecycle.PER_METHOD) {
                    throw new ExtensionConfigurationException("@RestoredDatabase(lifecycle = PER_METHOD) on static "
                            + "field " + c.getSimpleName() + "." + f.getName() + ": use an instance field");
                }
                RestoredPostgres db = obtain(context, a, RestoreSpec.of(a));
                try {
                    f.setAccessible(true);
                    f.set(instance, db);
                } catch (IllegalAccessException | RuntimeException e) {
                    throw new ExtensionConfigurationException("Cannot set @RestoredDatabase field " + c.getSimpleName()
                            + "." + f.getName() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    // ---- restores, kept in the store of the class or method they live for; JUnit closes them at its end

    private RestoredPostgres obtain(ExtensionContext context, Object key, RestoreSpec s) {
        ExtensionContext scope = s.lifecycle() == RestoredDatabase.Lifecycle.PER_METHOD
                && context.getTestMethod().isPresent() ? context : classContext(context);
        Handle h = scope.getStore(NS).getOrComputeIfAbsent(key, k -> new Handle(Restorer.restore(s)), Handle.class);
        last = h.db;
        return h.db;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    /** Stops the restored database when JUnit closes the store (both closing styles, old and new JUnit). */
    @SuppressWarnings("deprecation")
    private static final class Handle implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final RestoredPostgres db;

        Handle(RestoredPostgres db) {
            this.db = db;
        }

        @Override
        public void close() {
            db.stop();
        }
    }

    /** Builds a programmatically registered extension. */
    public static final class Builder {
        private @Nullable String repository;
        private @Nullable KeyProvider key;
        private @Nullable String backup;
        private RestoredDatabase.Kind kind = RestoredDatabase.Kind.ANY;
        private RecoveryTarget target = RecoveryTarget.latest();
        private @Nullable String database;
        private String user = "postgres";
        private @Nullable Secret password;
        private final List<ScratchProvider> providers = new ArrayList<>();
        private RestoredDatabase.Lifecycle lifecycle = RestoredDatabase.Lifecycle.PER_CLASS;

        private Builder() {
        }

        /** {@code file:///var/backups/db}, {@code s3://bucket/prefix}, {@code gs://bucket/prefix} or a path. */
        public Builder repository(String location) {
            this.repository = Objects.requireNonNull(location, "location");
            return this;
        }

        public Builder repository(URI location) {
            return repository(Objects.requireNonNull(location, "location").toString());
        }

        public Builder repository(Path dir) {
            return repository(Objects.requireNonNull(dir, "dir").toAbsolutePath().toUri());
        }

        /** The key of an encrypted repository (default: dr4j's configuration, e.g. {@code DR_REPOSITORY_KEY}). */
        public Builder repositoryKey(KeyProvider key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** A backup id, or {@code "latest"} (the default). */
        public Builder backup(String id) {
            Objects.requireNonNull(id, "id");
            this.backup = id.equals("latest") ? null : id;
            return this;
        }

        /** Which backups {@code latest} chooses from (default: any). */
        public Builder kind(RestoredDatabase.Kind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /** Point-in-time recovery target of a physical backup (default: replay all archived WAL). */
        public Builder target(RecoveryTarget target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        public Builder targetTime(Instant time) {
            return target(RecoveryTarget.time(time));
        }

        public Builder targetLsn(String lsn) {
            return target(RecoveryTarget.lsn(lsn));
        }

        /** The database the test gets (logical: the name restored as; physical: the one connected to). */
        public Builder database(String name) {
            this.database = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Role (and password) to connect to a physically restored server with (default {@code postgres}, none). */
        public Builder user(String name, @Nullable Secret password) {
            this.user = Objects.requireNonNull(name, "name");
            this.password = password;
            return this;
        }

        /** Where the backup runs, tried in order (default: {@link ScratchProvider#defaults()}). */
        public Builder scratch(ScratchProvider... providers) {
            this.providers.clear();
            this.providers.addAll(List.of(providers));
            return this;
        }

        public Builder lifecycle(RestoredDatabase.Lifecycle lifecycle) {
            this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
            return this;
        }

        /** Restore before each test method instead of once per class. */
        public Builder perMethod() {
            return lifecycle(RestoredDatabase.Lifecycle.PER_METHOD);
        }

        public PostgresRestoreExtension build() {
            if (repository == null || repository.isBlank()) {
                throw new ConfigurationException("PostgresRestoreExtension: no repository; call repository(\"file:///"
                        + "var/backups/db\")");
            }
            return new PostgresRestoreExtension(new RestoreSpec(repository, key, backup, kind, target, database, user,
                    password, providers.isEmpty() ? ScratchProvider.defaults() : providers, lifecycle));
        }
    }
}
