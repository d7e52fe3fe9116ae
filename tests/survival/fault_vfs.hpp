// A test VFS: an sqlite3_vfs shim over the default one that counts the writes, syncs and
// truncations of every file, and can
//   - cut the power: from the Nth of them on, every read, write, sync and truncation fails, as
//     when the machine is unplugged; power_restore() then undoes every write not yet synced (in
//     reverse order, truncations too) and drops the -shm files, which is what the disk holds
//     when the machine boots again;
//   - fail: return a write error, an fsync error or a full disk at the Nth call of its kind,
//     once or until clear_fault(), as a dying SD card or a full disk does.
// Registered as the process's default VFS by install(), so that the station's own code opens
// its files through it unchanged. Test-only. Any thread (state under one mutex).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace etabli::testing {

class FaultVfs {
public:
    enum class Fault { none, write_error, fsync_error, disk_full };

    // The shim, registered once as the default VFS.
    static FaultVfs& install();

    // Forgets the counters, the unsynced writes and any fault or cut (between test runs).
    void reset();

    // [Power cut] after `n` more mutating calls (write, sync, truncate), the power is cut.
    void cut_after(std::int64_t n);
    bool is_cut() const;
    // The machine boots again: every write not synced before the cut is undone, the -shm files
    // are dropped, and I/O works again. Returns how many unsynced writes were undone.
    std::int64_t power_restore();

    // [Faults] from the `n`th call of its kind (1: the next) on; `once`: that call only.
    void fail_at(Fault f, std::int64_t n, bool once = false);
    void clear_fault();
    std::int64_t faults_injected() const;

    // Mutating calls seen since reset() (what cut_after counts).
    std::int64_t mutations() const;

    // [Internals, for the C callbacks]
    struct Undo {
        std::int64_t offset = 0;
        std::string old_bytes;       // what the region held (up to the old end of file)
        std::int64_t old_size = 0;   // the file's size before
    };
    enum class Op { read, write, sync, truncate };
    // 0: go on; else the SQLite error code to return instead of doing the call.
    int before(Op op, const std::string& path);
    void note_undo(const std::string& path, Undo u);
    void note_synced(const std::string& path);

private:
    FaultVfs() = default;
    mutable std::mutex m_mutex;
    std::int64_t m_mutations = 0, m_cut_at = -1, m_faults = 0;
    bool m_cut = false;
    Fault m_fault = Fault::none;
    std::int64_t m_fault_at = 0, m_fault_calls = 0;
    bool m_fault_once = false;
    std::map<std::string, std::vector<Undo>> m_unsynced;  // by file path
};

}  // namespace etabli::testing
