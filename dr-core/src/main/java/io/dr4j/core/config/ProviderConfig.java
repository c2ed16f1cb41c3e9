package io.dr4j.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import io.dr4j.core.ConfigurationException;

/**
 * A namespaced key/value view of configuration, so that properties files, {@code DR_*} environment variables and
 * flags all work without core knowing each provider's keys.
 *
 * <p>Keys are dotted and lower case: {@code dr.storage.s3.region}. The environment variable
 * {@code DR_STORAGE_S3_REGION} maps to the same key (upper case, dots to underscores, dashes to underscores).
 * Precedence, highest first: explicit values ({@link #with}), then the environment, then the properties.
 * {@link #scope(String)} returns the view of one namespace: {@code config.scope("dr.storage.s3").get("region")}.
 */
public final class ProviderConfig {
    private static final ProviderConfig EMPTY = new ProviderConfig("", Map.of());

    private final String namespace;
    private final Map<String, String> values; // fully-qualified keys

    private ProviderConfig(String namespace, Map<String, String> values) {
        this.namespace = namespace;
        this.values = values;
    }

    public static ProviderConfig empty() {
        return EMPTY;
    }

    /** A configuration holding exactly these fully-qualified keys. */
    public static ProviderConfig of(Map<String, String> values) {
        return new ProviderConfig("", Map.copyOf(new TreeMap<>(values)));
    }

    /**
     * Properties overlaid by the {@code DR_*} variables of {@code env}.
     *
     * @param properties lowest precedence, e.g. a {@code dr.properties} file
     * @param env        the environment, e.g. {@code System.getenv()}
     */
    public static ProviderConfig from(Properties properties, Map<String, String> env) {
        Map<String, String> merged = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            merged.put(name.trim(), properties.getProperty(name).trim());
        }
        env.forEach((k, v) -> {
            if (k.startsWith("DR_")) {
                merged.put(envToKey(k), v);
            }
        });
        return new ProviderConfig("", Map.copyOf(merged));
    }

    /** {@code DR_STORAGE_S3_REGION} → {@code dr.storage.s3.region}. */
    public static String envToKey(String envName) {
        return envName.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** {@code dr.storage.s3.region} → {@code DR_STORAGE_S3_REGION}. */
    public static String keyToEnv(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A copy with one more value (highest precedence). The key is relative to this view's namespace. */
    public ProviderConfig with(String key, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(qualify(key), Objects.requireNonNull(value, "value"));
        return new ProviderConfig(namespace, Map.copyOf(copy));
    }

    /** The view of a sub-namespace: keys are then relative to {@code prefix}. */
    public ProviderConfig scope(String prefix) {
        return new ProviderConfig(qualify(prefix), values);
    }

    /** The namespace of this view, e.g. {@code dr.storage.s3}; empty at the root. */
    public String namespace() {
        return namespace;
    }

    public Optional<String> get(String key) {
        String v = values.get(qualify(key));
        if (v == null) {
            // accept camelCase or dashed spellings for the same key
            v = values.get(qualify(normalize(key)));
        }
        return Optional.ofNullable(v).filter(s -> !s.isBlank());
    }

    public String require(String key) {
        return get(key).orElseThrow(() -> new ConfigurationException(qualify(key)
                + " is required but not set; set it in the configuration file or as " + keyToEnv(qualify(key))));
    }

    public String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    public int getInt(String key, int defaultValue) {
        return get(key).map(v -> parse(key, v, "a whole number", Integer::parseInt)).orElse(defaultValue);
    }

    public long getLong(String key, long defaultValue) {
        return get(key).map(v -> parse(key, v, "a whole number", Long::parseLong)).orElse(defaultValue);
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return get(key).map(v -> {
            String s = v.toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("yes") || s.equals("1") || s.equals("on")) {
                return true;
            }
            if (s.equals("false") || s.equals("no") || s.equals("0") || s.equals("off")) {
                return false;
            }
            throw new ConfigurationException(qualify(key) + " must be true or false, was '" + v + "'");
        }).orElse(defaultValue);
    }

    /** ISO-8601 ({@code PT30S}) or a number with unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 30d}. */
    public Duration getDuration(String key, Duration defaultValue) {
        return get(key).map(v -> parse(key, v, "a duration like 30s, 5m, 2h, 30d or PT30S", ProviderConfig::parseDuration))
                .orElse(defaultValue);
    }

    /** A secret: its value never appears in {@code toString()} or error messages. */
    public Optional<Secret> secret(String key) {
        return get(key).map(Secret::of);
    }

    /** All fully-qualified keys visible in this view, values of keys that look secret redacted. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((k, v) -> {
            if (namespace.isEmpty() || k.startsWith(namespace + ".")) {
                shown.put(k, Secret.looksSecret(k) ? "********" : v);
            }
        });
        return "ProviderConfig" + (namespace.isEmpty() ? "" : "[" + namespace + "]") + shown;
    }

    public static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
        }
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new DateTimeParseException("no number", v, 0);
        }
        double n = Double.parseDouble(s.substring(0, i));
        String unit = s.substring(i).trim();
        double ms = switch (unit) {
            case "ms" -> n;
            case "s", "", "sec", "secs", "second", "seconds" -> n * 1000;
            case "m", "min", "mins", "minute", "minutes" -> n * 60_000;
            case "h", "hour", "hours" -> n * 3_600_000;
            case "d", "day", "days" -> n * 86_400_000;
            default -> throw new DateTimeParseException("unknown unit '" + unit + "'", v, i);
        };
        return Duration.ofMillis(Math.round(ms));
    }

    private <T> T parse(String key, String value, String what, java.util.function.Function<String, T> f) {
        try {
            return f.apply(value.trim());
        } catch (RuntimeException e) {
            String shown = Secret.looksSecret(key) ? "********" : "'" + value + "'";
            throw new ConfigurationException(qualify(key) + " must be " + what + ", was " + shown, e);
        }
    }

    private String qualify(String key) {
        return namespace.isEmpty() ? key : namespace + "." + key;
    }

    private static String normalize(String key) {
        StringBuilder sb = new StringBuilder();
        for (char c : key.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('.').append(Character.toLowerCase(c));
            } else {
                sb.append(c == '-' || c == '_' ? '.' : c);
            }
        }
        return sb.toString();
    }
}
