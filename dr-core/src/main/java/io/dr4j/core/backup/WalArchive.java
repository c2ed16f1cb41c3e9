package io.dr4j.core.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.dr4j.core.codec.ObjectFormat;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

/**
 * The WAL of a repository: {@code wal/<timeline>/<file>-<sha256><ext>} for completed files (the hash of the
 * original bytes in the key, as pgBackRest does, so a second push can be compared without reading it back) and
 * {@code wal/<timeline>/<segment>.partial<ext>} for the segment being written.
 *
 * <p>Pushing a file that is already archived with the same content succeeds; with different content it is a
 * {@link WalConflictException}, never an overwrite.
 */
public final class WalArchive {
    static final String WAL = "wal/";
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");
    private static final Pattern BACKUP_LABEL = Pattern.compile("[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup");
    private static final Pattern STORED = Pattern.compile(
            "([0-9A-F]{24}|[0-9A-F]{8}\\.history|[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup)(?:-([0-9a-f]{64})|(\\.partial))");

    private final Repository repository;

    WalArchive(Repository repository) {
        this.repository = repository;
    }

    public static boolean isSegmentName(String name) {
        return SEGMENT.matcher(name).matches();
    }

    /** Whether {@code name} is a WAL file name this archive stores. */
    public static boolean isWalFileName(String name) {
        return SEGMENT.matcher(name).matches() || HISTORY.matcher(name).matches()
                || BACKUP_LABEL.matcher(name).matches();
    }

    /** The timeline (8 hex digits) a WAL file belongs to. */
    public static String timelineOf(String name) {
        validateName(name);
        return name.substring(0, 8);
    }

    private static String validateName(String name) {
        if (!isWalFileName(name)) {
            throw new IllegalArgumentException("Not a WAL file name: '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "'. Expected a segment (24 hex digits), a timeline history (00000002.history) or a backup label");
        }
        return name;
    }

    private static String dir(String timeline) {
        return WAL + timeline + "/";
    }

    /**
     * Archives a completed WAL file from local disk (read twice: once to hash, once to store).
     *
     * @return the stored file (the existing one when it was archived already with the same content)
     * @throws WalConflictException when a different file with that name is archived already
     */
    public WalSegment push(String name, Path file) {
        validateName(name);
        String sha;
        long size;
        try {
            sha = sha256(file);
            size = Files.size(file);
        } catch (IOException e) {
            throw new StorageException("Could not read WAL file " + file + ": " + e.getMessage(), e);
        }
        Optional<WalSegment> existing = find(name);
        if (existing.isPresent()) {
            return sameOrConflict(existing.get(), sha, name);
        }
        String timeline = timelineOf(name);
        String base = dir(timeline) + name + "-" + sha;
        try (InputStream in = Files.newInputStream(file)) {
            StoredObject o = repository.write(base, in);
            if (!o.sha256().equals(sha) || o.size() != size) {
                // the file changed while we read it: remove what we stored, it does not match its name
                repository.target().delete(o.key());
                throw new StorageException("WAL file " + file + " changed while it was being archived; push it again");
            }
            deletePartial(timeline, name);
            return new WalSegment(timeline, name, sha, o.key(), o.storedSize(), false);
        } catch (ObjectAlreadyExistsException raced) {
            return sameOrConflict(find(name).orElseThrow(() -> raced), sha, name);
        } catch (IOException e) {
            throw new StorageException("Could not archive WAL file " + file + ": " + e.getMessage(), e);
        }
    }

    private WalSegment sameOrConflict(WalSegment existing, String sha, String name) {
        if (sha.equals(existing.sha256())) {
            return existing;
        }
        throw new WalConflictException("WAL file " + name + " is already archived in " + repository.target().location()
                + " with different content (archived SHA-256 " + existing.sha256() + ", new " + sha + "). "
                + "Two clusters may be archiving into one repository, or a restored copy is archiving into the "
                + "original's repository: give each cluster its own repository");
    }

    /**
     * Stores the partial segment being written (replaced on each call): the bytes received so far of the current
     * segment, so that the RPO is seconds rather than a whole segment.
     */
    public WalSegment pushPartial(String segmentName, InputStream data) {
        if (!isSegmentName(segmentName)) {
            validateName(segmentName);
            throw new IllegalArgumentException("Only segments can be partial, not " + segmentName);
        }
        String timeline = timelineOf(segmentName);
        String base = dir(timeline) + segmentName + ".partial";
        try (Repository.ObjectSink sink = repository.newObject(base, WriteOptions.replaceExisting())) {
            data.transferTo(sink);
            StoredObject o = sink.commit();
            return new WalSegment(timeline, segmentName, null, o.key(), o.storedSize(), true);
        } catch (IOException e) {
            throw new StorageException("Could not store partial WAL segment " + segmentName + ": " + e.getMessage(), e);
        }
    }

    private void deletePartial(String timeline, String name) {
        if (!isSegmentName(name)) {
            return;
        }
        try (Stream<ObjectInfo> s = repository.target().listAll(dir(timeline) + name + ".partial")) {
            s.forEach(o -> repository.target().delete(o.key()));
        }
    }

    /** The archived (complete) WAL file with this name. */
    public Optional<WalSegment> find(String name) {
        validateName(name);
        String timeline = timelineOf(name);
        try (Stream<ObjectInfo> s = repository.target().listAll(dir(timeline) + name)) {
            return s.map(o -> parse(timeline, o)).flatMap(Optional::stream)
                    .filter(w -> !w.partial() && w.name().equals(name)).findFirst();
        }
    }

    /** The partial segment stored for {@code segmentName}, if any. */
    public Optional<WalSegment> findPartial(String segmentName) {
        String timeline = timelineOf(segmentName);
        try (Stream<ObjectInfo> s = repository.target().listAll(dir(timeline) + segmentName + ".partial")) {
            return s.map(o -> parse(timeline, o)).flatMap(Optional::stream).filter(WalSegment::partial).findFirst();
        }
    }

    /** Every WAL file of a timeline (complete and partial), in name order. */
    public List<WalSegment> list(String timeline) {
        List<WalSegment> out = new ArrayList<>();
        try (Stream<ObjectInfo> s = repository.target().listAll(dir(timeline))) {
            s.forEach(o -> parse(timeline, o).ifPresent(out::add));
        }
        out.sort(Comparator.comparing(WalSegment::name).thenComparing(WalSegment::partial));
        return out;
    }

    /** The timelines that have WAL, in order. */
    public List<String> timelines() {
        return repository.target().listChildren(WAL).stream().filter(t -> t.matches("[0-9A-F]{8}")).sorted().toList();
    }

    /** Reads an archived WAL file, verified against the hash in its key. */
    public InputStream read(WalSegment segment) {
        return repository.read(segment.key(), segment.sha256(), -1);
    }

    /** Deletes an archived WAL file (retention). */
    public void delete(WalSegment segment) {
        repository.target().delete(segment.key());
    }

    private static Optional<WalSegment> parse(String timeline, ObjectInfo o) {
        String file = o.key().substring(o.key().lastIndexOf('/') + 1);
        String base = ObjectFormat.baseKey(file);
        Matcher m = STORED.matcher(base);
        if (!m.matches()) {
            return Optional.empty();
        }
        boolean partial = m.group(3) != null;
        return Optional.of(new WalSegment(timeline, m.group(1), partial ? null : m.group(2), o.key(), o.size(), partial));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[256 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
