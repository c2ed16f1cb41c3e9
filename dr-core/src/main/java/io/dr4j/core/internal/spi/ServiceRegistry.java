package io.dr4j.core.internal.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

import io.dr4j.core.spi.AmbiguousProviderException;
import io.dr4j.core.spi.NoSuchProviderException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that uses {@link ServiceLoader}. Loads providers of one SPI from the given class loaders, keeps
 * instantiation failures for the error report, and selects one provider by a predicate with priority and
 * ambiguity rules. Not part of the public API.
 *
 * @param <P> the provider interface
 */
public final class ServiceRegistry<P> {
    private static final Logger log = LoggerFactory.getLogger(ServiceRegistry.class);

    private final Class<P> type;
    private final String kind;
    private final String selectProperty;
    private final List<P> providers;
    private final List<String> failures;

    private ServiceRegistry(Class<P> type, String kind, String selectProperty, List<P> providers,
                            List<String> failures) {
        this.type = type;
        this.kind = kind;
        this.selectProperty = selectProperty;
        this.providers = List.copyOf(providers);
        this.failures = List.copyOf(failures);
    }

    /** Loads the providers visible to the thread's context class loader and to this library's own loader. */
    public static <P> ServiceRegistry<P> of(Class<P> type, String kind, String selectProperty) {
        List<ClassLoader> loaders = new ArrayList<>();
        ClassLoader ctx = Thread.currentThread().getContextClassLoader();
        if (ctx != null) {
            loaders.add(ctx);
        }
        ClassLoader own = ServiceRegistry.class.getClassLoader();
        if (own != null && own != ctx) {
            loaders.add(own);
        }
        return of(type, kind, selectProperty, loaders);
    }

    public static <P> ServiceRegistry<P> of(Class<P> type, String kind, String selectProperty,
                                            List<ClassLoader> loaders) {
        Map<String, P> found = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (ClassLoader loader : loaders) {
            ServiceLoader<P> sl = ServiceLoader.load(type, loader);
            var it = sl.stream().iterator();
            while (true) {
                ServiceLoader.Provider<P> p;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    p = it.next();
                } catch (ServiceConfigurationError e) {
                    failures.add(e.getMessage());
                    log.debug("Could not load a {} provider: {}", kind, e.toString());
                    continue;
                }
                String name = p.type().getName();
                if (found.containsKey(name)) {
                    continue;
                }
                try {
                    found.put(name, p.get());
                    log.debug("Discovered {} provider {}", kind, name);
                } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                    failures.add(name + ": " + e);
                    log.debug("Could not instantiate {} provider {}: {}", kind, name, e.toString());
                }
            }
        }
        return new ServiceRegistry<>(type, kind, selectProperty, new ArrayList<>(found.values()), failures);
    }

    /** A registry over explicit instances (tests, or callers that manage plugins themselves). */
    public static <P> ServiceRegistry<P> ofInstances(Class<P> type, String kind, String selectProperty,
                                                     List<P> instances) {
        return new ServiceRegistry<>(type, kind, selectProperty, instances, List.of());
    }

    public Class<P> type() {
        return type;
    }

    public List<P> providers() {
        return providers;
    }

    /** Providers that were registered but could not be loaded (class missing, constructor failed). */
    public List<String> failures() {
        return failures;
    }

    /**
     * Selects the provider for {@code what}.
     *
     * @param what       what was asked for, shown in errors (e.g. the URI, redacted)
     * @param supports   which providers handle it
     * @param id         the provider's id
     * @param priority   the provider's priority (higher wins)
     * @param describe   one line per installed provider for the error text (id, schemes, artifact)
     * @param hint       what to add when nothing matches, e.g. "add io.dr4j:dr-storage-s3 for s3:// URIs"
     */
    public P select(String what, Predicate<P> supports, Function<P, String> id, ToIntFunction<P> priority,
                    Function<P, String> describe, String hint) {
        List<P> matching = providers.stream().filter(p -> {
            try {
                return supports.test(p);
            } catch (RuntimeException e) {
                log.debug("{} provider {} failed in supports(): {}", kind, id.apply(p), e.toString());
                return false;
            }
        }).sorted(Comparator.comparingInt(priority).reversed()).toList();

        String chosenId = System.getProperty(selectProperty);
        if (chosenId != null && !chosenId.isBlank()) {
            for (P p : matching) {
                if (id.apply(p).equals(chosenId.trim())) {
                    log.info("Using {} provider '{}' for {} (chosen by -D{})", kind, chosenId, what, selectProperty);
                    return p;
                }
            }
        }
        if (matching.isEmpty()) {
            StringBuilder sb = new StringBuilder("No ").append(kind).append(" provider handles ").append(what)
                    .append(". ");
            if (providers.isEmpty()) {
                sb.append("No ").append(kind).append(" providers are installed.");
            } else {
                sb.append("Installed: ").append(providers.stream().map(describe).collect(Collectors.joining("; ")))
                        .append('.');
            }
            sb.append(' ').append(hint);
            if (!failures.isEmpty()) {
                sb.append(" Providers that failed to load: ").append(String.join("; ", failures)).append('.');
            }
            throw new NoSuchProviderException(sb.toString());
        }
        P best = matching.get(0);
        if (matching.size() > 1 && priority.applyAsInt(matching.get(1)) == priority.applyAsInt(best)) {
            List<P> tied = matching.stream().filter(p -> priority.applyAsInt(p) == priority.applyAsInt(best)).toList();
            throw new AmbiguousProviderException("More than one " + kind + " provider handles " + what + ": "
                    + tied.stream().map(p -> id.apply(p) + " (" + p.getClass().getName() + ")")
                    .collect(Collectors.joining(", "))
                    + ". Choose one: pass an instance explicitly, set -D" + selectProperty + "=<id>, "
                    + "or remove one of the jars from the class path.");
        }
        log.info("Using {} provider '{}' for {}", kind, id.apply(best), what);
        return best;
    }

    /** The provider with this id, if installed. */
    public @Nullable P byId(String wanted, Function<P, String> id) {
        Objects.requireNonNull(wanted, "wanted");
        return providers.stream().filter(p -> wanted.equals(id.apply(p))).findFirst().orElse(null);
    }
}
