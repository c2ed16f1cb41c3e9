package io.dr4j.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A {@link BackupTarget} on a local or mounted file system ({@code file:} URIs).
 *
 * <p>Writes are atomic and durable: bytes go to a temporary file under {@code .dr4j-tmp/}, which is fsynced and
 * then linked (create-only: {@code link(2)} fails atomically when the name exists) or renamed (replace) into
 * place, and the directory is fsynced. A failed or aborted write, including a full disk, leaves no object and no
 * temporary file behind.
 */
public final class FileBackupTarget implements BackupTarget {
    static final String TMP_DIR = ".dr4j-tmp";
    static final java.time.Duration STALE_AFTER = java.time.Duration.ofDays(1);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FileBackupTarget.class);
    private static final int BUFFER = 256 * 1024;
    private static final int FIRST_BUFFER = 16 * 1024;

    /** A read buffer for {@code bytes} more bytes: their size rounded up to 8 KiB, at most {@link #BUFFER}. */
    static int bufferFor(long bytes) {
        return (int) Math.min(BUFFER, Math.max(8192, (bytes + 8191) & ~8191L));
    }

    private final Path root;
    /** The root's real path (symbolic links above it resolved), to compare links met below it with. */
    private final Path realRoot;
    private final URI location;

    private FileBackupTarget(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.location = this.root.toUri();
        Path real;
        try {
            real = this.root.toRealPath();
        } catch (IOException e) {
            real = this.root;
        }
        this.realRoot = real;
    }

    /** A target rooted at {@code root}; the directory is created when missing. */
    public static FileBackupTarget of(Path root) {
        Objects.requireNonNull(root, "root");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new StorageException("Cannot create repository directory " + root + ": " + e.getMessage()
                    + ". Check the path and the permissions of its parent", e);
        }
        if (!Files.isDirectory(root)) {
            throw new StorageException(root + " is not a directory");
        }
        FileBackupTarget t = new FileBackupTarget(root);
        t.removeStaleTemporaryFiles(STALE_AFTER);
        return t;
    }

    /**
     * Removes temporary files of writes that never finished (a killed process) and are older than {@code age}.
     * Runs when the target is opened with an age of one day, so that writes in progress in other processes are
     * left alone (their files' modification time keeps moving).
     *
     * @return how many files were removed
     */
    public int removeStaleTemporaryFiles(java.time.Duration age) {
        Path tmpDir = root.resolve(TMP_DIR);
        if (!Files.isDirectory(tmpDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        java.time.Instant cutoff = java.time.Instant.now().minus(age);
        int removed = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmpDir, "*.tmp")) {
            for (Path p : ds) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(cutoff)) {
                        Files.deleteIfExists(p);
                        removed++;
                    }
                } catch (IOException e) {
                    log.debug("Could not remove stale temporary file {}: {}", p, e.toString());
                }
            }
        } catch (IOException e) {
            log.warn("Could not clean up temporary files in {}: {}", tmpDir, e.toString());
        }
        if (removed > 0) {
            log.info("Removed {} stale temporary file(s) of unfinished writes from {}", removed, tmpDir);
        }
        return removed;
    }

    public Path root() {
        return root;
    }

    @Override
    public URI location() {
        return location;
    }

    @Override
    public Set<Capability> capabilities() {
        return Collections.unmodifiableSet(EnumSet.of(Capability.CONDITIONAL_CREATE, Capability.RANGED_READ,
                Capability.CONSISTENT_LISTING));
    }

    Path resolve(String key) {
        ObjectKeys.validate(key);
        if (key.equals(TMP_DIR) || key.startsWith(TMP_DIR + "/")) {
            throw new InvalidKeyException("Invalid object key '" + key + "': " + TMP_DIR + " is reserved for temporary files");
        }
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new InvalidKeyException("Invalid object key '" + key + "': it resolves outside the repository");
        }
        return p;
    }

    /**
     * Refuses a key whose existing directories lead out of the root through a symbolic link. The directories below
     * the root are looked at top down, one lstat each; a link's real path is asked for only when there is one, and
     * compared with the root's, resolved once when the target was opened (resolving the root and the object's
     * directory for every call cost ~13 failing readlink calls per object read, ~13,000 per restore).
     */
    private void checkNoSymlinkEscape(String key, Path p) {
        Path below = root.relativize(p);
        Path dir = root;
        for (int i = 0; i < below.getNameCount() - 1; i++) {
            Path next = dir.resolve(below.getName(i));
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(next, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return; // nothing exists below here (or a file is in the way): the operation fails by itself
            }
            if (a.isSymbolicLink()) {
                Path real;
                try {
                    real = next.toRealPath();
                } catch (IOException e) {
                    return; // a dangling link: the operation itself fails with a clear error
                }
                if (!real.startsWith(realRoot)) {
                    throw new InvalidKeyException("Invalid object key '" + key + "': it leads out of the repository "
                            + "through the symbolic link " + next + " → " + real);
                }
            } else if (!a.isDirectory()) {
                return;
            }
            dir = next;
        }
    }

    @Override
    public ObjectWriter newWriter(String key, WriteOptions options) {
        Path dest = resolve(key);
        checkNoSymlinkEscape(key, dest);
        if (options.retainUntil() != null) {
            throw new StorageException("The file-system target at " + root + " cannot lock objects (retainUntil "
                    + options.retainUntil() + "); use an S3 bucket with Object Lock or a GCS bucket with retention");
        }
        if (options.createOnly() && Files.exists(dest, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new ObjectAlreadyExistsException(key, location.toString());
        }
        Path tmpDir = root.resolve(TMP_DIR);
        Path tmp;
        FileChannel ch;
        try {
            Files.createDirectories(tmpDir);
            tmp = tmpDir.resolve(UUID.randomUUID() + ".tmp");
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw translate("create a temporary file for", key, e);
        }
        return new FileWriter(key, dest, tmp, ch, options);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        Path p = resolve(key);
        checkNoSymlinkEscape(key, p);
        try {
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
            if (Files.isDirectory(p)) {
                ch.close();
                throw new ObjectNotFoundException(key, location.toString());
            }
            ch.position(range.offset());
            long left = Math.max(0, ch.size() - range.offset());
            if (range.length() >= 0) {
                left = Math.min(left, range.length());
            }
            InputStream in = Channels.newInputStream(ch);
            if (range.length() >= 0) {
                in = new LimitedInputStream(in, range.length());
            }
            // no larger than the object: most objects of a backup are a few KiB, and a 256 KiB buffer per read (zeroed
            // by the JVM, on fresh heap pages) was a measurable part of a restore's CPU
            return new java.io.BufferedInputStream(in, bufferFor(left));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key, location.toString(), e);
        } catch (IOException e) {
            if (isNotADirectory(e)) {
                throw new ObjectNotFoundException(key, location.toString(), e);
            }
            throw translate("read", key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Path p = resolve(key);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (isNotADirectory(e)) {
                return Optional.empty();
            }
            throw translate("stat", key, e);
        }
    }

    /** ENOTDIR: a parent of the key is an object (a file), so the key itself cannot exist. */
    private static boolean isNotADirectory(IOException e) {
        return e instanceof FileSystemException fse && fse.getReason() != null
                && fse.getReason().contains("Not a directory");
    }

    @Override
    public ListPage list(String prefix, @Nullable String continuationToken, int pageSize) {
        ObjectKeys.validateListing(prefix, pageSize);
        int slash = prefix.lastIndexOf('/');
        Path base = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(base)) {
            return new ListPage(List.of(), null);
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base)) {
            walk.forEach(p -> {
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    return;
                }
                String key = root.relativize(p).toString().replace('\\', '/');
                if (key.startsWith(TMP_DIR + "/") || !key.startsWith(prefix)) {
                    return;
                }
                if (continuationToken != null && key.compareTo(continuationToken) <= 0) {
                    return;
                }
                keys.add(key);
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new StorageException("Could not list " + prefix + " in " + location + ": " + e.getMessage(), e);
        }
        Collections.sort(keys);
        List<ObjectInfo> page = new ArrayList<>();
        for (String k : keys) {
            if (page.size() == pageSize) {
                break;
            }
            stat(k).ifPresent(page::add);
        }
        String next = keys.size() > pageSize ? page.get(page.size() - 1).key() : null;
        return new ListPage(page, next);
    }

    @Override
    public List<String> listChildren(String prefix) {
        ObjectKeys.validateParent(prefix);
        Path dir = prefix.isEmpty() ? root : root.resolve(prefix.substring(0, prefix.length() - 1));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (prefix.isEmpty() && name.equals(TMP_DIR)) {
                    continue;
                }
                if (Files.isDirectory(p) ? hasFiles(p) : Files.isRegularFile(p)) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            throw new StorageException("Could not list " + prefix + " in " + location + ": " + e.getMessage(), e);
        }
        Collections.sort(out);
        return out;
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(Files::isRegularFile);
        }
    }

    @Override
    public void delete(String key) {
        Path p = resolve(key);
        try {
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Files.deleteIfExists(p);
            pruneEmptyParents(p.getParent());
        } catch (IOException e) {
            if (isNotADirectory(e)) {
                return; // a parent is an object: the key does not exist
            }
            throw translate("delete", key, e);
        }
    }

    private void pruneEmptyParents(@Nullable Path dir) {
        while (dir != null && !dir.equals(root) && dir.startsWith(root)) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return;
            }
            dir = dir.getParent();
        }
    }

    StorageException translate(String action, String key, IOException e) {
        String msg = String.valueOf(e.getMessage());
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            msg = fse.getReason();
        }
        if (msg.contains("No space left") || msg.contains("Disk quota exceeded")) {
            return new InsufficientStorageException("No space left on the file system of " + root + " while trying to "
                    + action + " " + key + "; nothing was stored. Free space or choose another repository", e);
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return new AccessDeniedException("Permission denied to " + action + " " + key + " in " + root
                    + ". Give the user running dr4j write access to it", e);
        }
        return new StorageException("Could not " + action + " " + key + " in " + root + ": " + e, e);
    }

    /** Creates missing directories and fsyncs the parent of each new one, so that the new path survives a crash. */
    private void createDirectoriesDurably(Path dir) throws IOException {
        java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
        for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.push(d);
        }
        for (Path d : missing) {
            try {
                Files.createDirectory(d);
            } catch (FileAlreadyExistsException raced) {
                if (!Files.isDirectory(d)) {
                    throw raced;
                }
            }
            fsyncDirectory(d.getParent());
        }
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open directories; the data itself was forced already
        }
    }

    @Override
    public String toString() {
        return "FileBackupTarget[" + root + "]";
    }

    private final class FileWriter extends ObjectWriter {
        private final String key;
        private final Path dest;
        private final Path tmp;
        private final FileChannel channel;
        private final WriteOptions options;
        /** Grows from {@link #FIRST_BUFFER} up to {@link #BUFFER}: most objects are small (see {@link #bufferFor}). */
        private ByteBuffer buffer = ByteBuffer.allocate(FIRST_BUFFER);
        private long size;
        private boolean finished;

        FileWriter(String key, Path dest, Path tmp, FileChannel channel, WriteOptions options) {
            this.key = key;
            this.dest = dest;
            this.tmp = tmp;
            this.channel = channel;
            this.options = options;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (finished) {
                throw new IOException("Writer for " + key + " is closed");
            }
            try {
                while (len > 0) {
                    if (buffer.remaining() < len && buffer.capacity() < BUFFER) {
                        ByteBuffer bigger = ByteBuffer.allocate(Math.min(BUFFER,
                                Math.max(buffer.capacity() * 2, Integer.highestOneBit(buffer.position() + len) * 2)));
                        buffer.flip();
                        bigger.put(buffer);
                        buffer = bigger;
                    }
                    int n = Math.min(len, buffer.remaining());
                    buffer.put(b, off, n);
                    off += n;
                    len -= n;
                    size += n;
                    if (!buffer.hasRemaining()) {
                        drain();
                    }
                }
            } catch (IOException e) {
                abort();
                throw translate("write", key, e);
            }
        }

        private void drain() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        @Override
        public ObjectInfo commit() throws IOException {
            if (finished) {
                throw new IOException("Writer for " + key + " is already closed");
            }
            try {
                drain();
                channel.force(true);
                channel.close();
                for (int attempt = 1; ; attempt++) {
                    createDirectoriesDurably(dest.getParent());
                    try {
                        publish();
                        break;
                    } catch (NoSuchFileException e) {
                        // a concurrent delete pruned the now-empty parent directory: create it again
                        if (attempt == 3) {
                            throw e;
                        }
                    }
                }
                fsyncDirectory(dest.getParent());
                finished = true;
                return new ObjectInfo(key, size, Files.getLastModifiedTime(dest).toInstant());
            } catch (ObjectAlreadyExistsException e) {
                abort();
                throw e;
            } catch (IOException e) {
                abort();
                throw translate("commit", key, e);
            }
        }

        private void publish() throws IOException {
            if (options.createOnly()) {
                try {
                    Files.createLink(dest, tmp);
                } catch (FileAlreadyExistsException e) {
                    throw new ObjectAlreadyExistsException(key, location.toString(), e);
                } catch (UnsupportedOperationException e) {
                    // no hard links (some network file systems): check, then move (not atomic against a racer)
                    if (Files.exists(dest, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        throw new ObjectAlreadyExistsException(key, location.toString());
                    }
                    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.deleteIfExists(tmp);
            } else {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        @Override
        public void abort() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after a failure
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover temp file is removed by the next cleanup
            }
        }
    }


}
