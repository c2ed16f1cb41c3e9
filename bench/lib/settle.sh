# settle: waits before a timed restore until file creation on this machine is no longer slowed by the files the
# previous runs deleted. On ext4 without a journal (this VM's root file system) a new inode is never one deleted less
# than dirty_expire_centisecs ago (30 s) while its inode-table block is dirty, and finding one scans past all of them:
# measured here, a 0.8 GB restore (~1,000 files) right after the previous round's `rm -rf` spent 1.5 s in the kernel
# instead of 0.6 s, growing round after round, for every tool alike (`recently_deleted`, `find_inode_bit`), which
# buried the tools' differences in noise. SETTLE=0 skips the wait; SETTLE=N waits N seconds (default: the kernel's
# dirty_expire_centisecs + 1 s).
SETTLE=${SETTLE:-$(( $(cat /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo 3000) / 100 + 1 ))}
settle() { [ "$SETTLE" -gt 0 ] && sleep "$SETTLE"; return 0; }
