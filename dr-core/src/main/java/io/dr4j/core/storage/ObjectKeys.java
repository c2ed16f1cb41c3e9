package io.dr4j.core.storage;

/**
 * Validation of object keys, shared by every target so that a key means the same thing everywhere.
 *
 * <p>A valid key is non-empty, at most 1024 UTF-8 bytes, relative, {@code /}-separated, and has no empty,
 * {@code .} or {@code ..} segment, no backslash, no NUL or other control character.
 */
public final class ObjectKeys {
    private ObjectKeys() {
    }

    /** Returns the key when valid, else throws {@link InvalidKeyException} naming the problem. */
    public static String validate(String key) {
        String problem = problem(key);
        if (problem != null) {
            throw new InvalidKeyException("Invalid object key '" + printable(key) + "': " + problem
                    + ". Keys are relative paths like 'backups/<id>/manifest.json'");
        }
        return key;
    }

    /** Validates a listing prefix: empty, or a key prefix (may end with '/'). */
    public static String validatePrefix(String prefix) {
        if (prefix.isEmpty()) {
            return prefix;
        }
        String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (body.isEmpty()) {
            throw new InvalidKeyException("Invalid prefix '/': prefixes are relative");
        }
        String problem = problem(body);
        if (problem != null) {
            throw new InvalidKeyException("Invalid prefix '" + printable(prefix) + "': " + problem);
        }
        return prefix;
    }

    /**
     * Validates the arguments of {@link BackupTarget#list}: a listing prefix and a positive page size (what a target
     * returns per page may still be less).
     */
    public static void validateListing(String prefix, int pageSize) {
        validatePrefix(prefix);
        if (pageSize <= 0) {
            throw new IllegalArgumentException("pageSize must be > 0, was " + pageSize);
        }
    }

    /**
     * Validates the argument of {@link BackupTarget#listChildren}: empty (the top level) or a listing prefix that
     * ends with {@code /}.
     */
    public static String validateParent(String prefix) {
        if (!prefix.isEmpty()) {
            validatePrefix(prefix);
            if (!prefix.endsWith("/")) {
                throw new IllegalArgumentException("prefix must end with '/': " + prefix);
            }
        }
        return prefix;
    }

    /** Joins key segments with '/'. */
    public static String join(String first, String... more) {
        StringBuilder sb = new StringBuilder(first);
        for (String s : more) {
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '/') {
                sb.append('/');
            }
            sb.append(s);
        }
        return sb.toString();
    }

    private static @org.jspecify.annotations.Nullable String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "it is empty";
        }
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1024) {
            return "it is longer than 1024 bytes";
        }
        if (key.startsWith("/")) {
            return "it is absolute (starts with '/')";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == 0) {
                return "it contains a NUL character";
            }
            if (c < 0x20 || c == 0x7f) {
                return "it contains a control character";
            }
            if (c == '\\') {
                return "it contains a backslash";
            }
        }
        if (key.length() >= 2 && key.charAt(1) == ':' && Character.isLetter(key.charAt(0))) {
            return "it looks like a drive path";
        }
        for (String seg : key.split("/", -1)) {
            if (seg.isEmpty()) {
                return "it has an empty segment ('//' or a trailing '/')";
            }
            if (seg.equals(".") || seg.equals("..")) {
                return "it has a '" + seg + "' segment";
            }
        }
        return null;
    }

    private static String printable(String key) {
        if (key == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (char c : key.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            if (sb.length() > 200) {
                sb.append("...");
                break;
            }
        }
        return sb.toString();
    }
}
