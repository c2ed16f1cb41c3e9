package io.dr4j.core.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The writer of a {@link MirroredBackupTarget}: one leg per mirror, each byte written to every live leg. */
final class MirrorWriter extends ObjectWriter {
    private static final Logger log = LoggerFactory.getLogger(MirrorWriter.class);

    private final String key;
    private final boolean createOnly;
    private final MirroredBackupTarget.WritePolicy policy;
    private final Failures allFailed;
    private final List<Leg> legs;
    private final List<Exception> failures;
    private boolean finished;

    /** Builds the error when every mirror failed. */
    @FunctionalInterface
    interface Failures {
        StorageException allFailed(String action, String key, List<? extends Exception> failures);
    }

    MirrorWriter(String key, boolean createOnly, MirroredBackupTarget.WritePolicy policy, Failures allFailed,
                 List<Leg> legs, List<? extends Exception> earlier) {
        this.key = key;
        this.createOnly = createOnly;
        this.policy = policy;
        this.allFailed = allFailed;
        this.legs = legs;
        this.failures = new ArrayList<>(earlier);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IOException("Writer for " + key + " is closed");
        }
        for (Leg leg : legs) {
            if (leg.failed) {
                continue;
            }
            try {
                leg.writer.write(b, off, len);
            } catch (IOException | RuntimeException e) {
                legFailed(leg, e);
            }
        }
    }

    private void legFailed(Leg leg, Exception e) throws IOException {
        leg.failed = true;
        leg.writer.abort();
        failures.add(e);
        if (policy == MirroredBackupTarget.WritePolicy.ALL || legs.stream().allMatch(l -> l.failed)) {
            abort();
            if (e instanceof RuntimeException re && policy == MirroredBackupTarget.WritePolicy.ALL) {
                throw re;
            }
            if (e instanceof IOException io && policy == MirroredBackupTarget.WritePolicy.ALL) {
                throw io;
            }
            throw allFailed.allFailed("write", key, failures);
        }
        log.warn("Mirror {} failed while writing {}: {}; continuing with the other mirrors",
                leg.target.location(), key, e.toString());
    }

    @Override
    public ObjectInfo commit() throws IOException {
        if (finished) {
            throw new IOException("Writer for " + key + " is already closed");
        }
        ObjectInfo first = null;
        for (Leg leg : legs) {
            if (leg.failed) {
                continue;
            }
            try {
                ObjectInfo info = leg.writer.commit();
                leg.committed = true;
                if (first == null) {
                    first = info;
                }
            } catch (ObjectAlreadyExistsException e) {
                rollBack();
                throw e;
            } catch (IOException | RuntimeException e) {
                legFailed(leg, e);
            }
        }
        finished = true;
        if (first == null) {
            throw allFailed.allFailed("write", key, failures);
        }
        return first;
    }

    /**
     * Deletes the copies this writer created, aborts the others. A replacing write cannot be undone (the
     * previous version is gone), so its committed copies stay: the mirrors then differ until the next write.
     */
    private void rollBack() {
        finished = true;
        for (Leg leg : legs) {
            if (leg.committed && !createOnly) {
                log.warn("Mirror {} keeps the new version of {} although the mirrored write failed; write it "
                        + "again to bring the mirrors in line", leg.target.location(), key);
            } else if (leg.committed) {
                try {
                    leg.target.delete(key);
                } catch (RuntimeException e) {
                    log.warn("Could not remove {} from mirror {} after a failed mirrored write: {}", key,
                            leg.target.location(), e.toString());
                }
            } else {
                leg.writer.abort();
            }
        }
    }

    @Override
    public void abort() {
        if (finished) {
            return;
        }
        rollBack();
    }

    static final class Leg {
        final BackupTarget target;
        final ObjectWriter writer;
        boolean failed;
        boolean committed;

        Leg(BackupTarget target, ObjectWriter writer) {
            this.target = target;
            this.writer = writer;
        }
    }
}
