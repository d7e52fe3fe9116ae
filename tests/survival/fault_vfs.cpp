// The fault-injecting VFS of the survival tests; see fault_vfs.hpp. Test-only.
#include "fault_vfs.hpp"

#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace etabli::testing {

namespace {

sqlite3_vfs* g_real = nullptr;
FaultVfs* g_self = nullptr;

struct File {
    sqlite3_file base;   // first: SQLite sees this
    sqlite3_file* real;  // the default VFS's file, szOsFile bytes after this struct
    const char* path;    // SQLite keeps the name alive until close; null for temporary files
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }
std::string path_of(sqlite3_file* f) {
    const char* p = reinterpret_cast<File*>(f)->path;
    return p ? std::string(p) : std::string();
}

int x_close(sqlite3_file* f) {
    auto* r = real_of(f);
    const int rc = r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
    return rc;
}

int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
    if (const int rc = g_self->before(FaultVfs::Op::read, path_of(f))) return rc;
    return real_of(f)->pMethods->xRead(real_of(f), buf, n, off);
}

int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    const auto path = path_of(f);
    if (const int rc = g_self->before(FaultVfs::Op::write, path)) return rc;
    auto* r = real_of(f);
    if (!path.empty()) {
        FaultVfs::Undo u;
        sqlite3_int64 size = 0;
        if (r->pMethods->xFileSize(r, &size) == SQLITE_OK) {
            u.offset = off;
            u.old_size = size;
            if (off < size) {
                const auto keep = static_cast<int>(std::min<sqlite3_int64>(n, size - off));
                u.old_bytes.resize(static_cast<std::size_t>(keep));
                (void)r->pMethods->xRead(r, u.old_bytes.data(), keep, off);
            }
            g_self->note_undo(path, std::move(u));
        }
    }
    return r->pMethods->xWrite(r, buf, n, off);
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    const auto path = path_of(f);
    if (const int rc = g_self->before(FaultVfs::Op::truncate, path)) return rc;
    auto* r = real_of(f);
    if (!path.empty()) {
        sqlite3_int64 old = 0;
        if (r->pMethods->xFileSize(r, &old) == SQLITE_OK && old > size) {
            FaultVfs::Undo u;
            u.offset = size;
            u.old_size = old;
            u.old_bytes.resize(static_cast<std::size_t>(old - size));
            (void)r->pMethods->xRead(r, u.old_bytes.data(), static_cast<int>(old - size), size);
            g_self->note_undo(path, std::move(u));
        }
    }
    return r->pMethods->xTruncate(r, size);
}

int x_sync(sqlite3_file* f, int flags) {
    const auto path = path_of(f);
    if (const int rc = g_self->before(FaultVfs::Op::sync, path)) return rc;
    const int rc = real_of(f)->pMethods->xSync(real_of(f), flags);
    if (rc == SQLITE_OK && !path.empty()) g_self->note_synced(path);
    return rc;
}

int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int x_lock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
int x_unlock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
int x_check_reserved(sqlite3_file* f, int* out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
int x_file_control(sqlite3_file* f, int op, void* arg) { return real_of(f)->pMethods->xFileControl(real_of(f), op, arg); }
int x_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int x_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) { return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags); }
void x_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int del) { return real_of(f)->pMethods->xShmUnmap(real_of(f), del); }

// Version 2: no xFetch/xUnfetch, so SQLite never reads the file through a memory map (which
// would go round the shim).
const sqlite3_io_methods kMethods = {
    2,           x_close,     x_read,         x_write,     x_truncate,    x_sync,        x_file_size, x_lock,
    x_unlock,    x_check_reserved, x_file_control, x_sector_size, x_device, x_shm_map, x_shm_lock, x_shm_barrier,
    x_shm_unmap, nullptr,     nullptr};

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
    auto* file = reinterpret_cast<File*>(f);
    file->base.pMethods = nullptr;
    file->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + sizeof(File));
    file->path = name;
    const int rc = g_real->xOpen(g_real, name, file->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        // The default VFS may set pMethods even on failure; then it must be closed.
        if (file->real->pMethods) file->real->pMethods->xClose(file->real);
        return rc;
    }
    file->base.pMethods = &kMethods;
    return SQLITE_OK;
}

int v_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_real->xDelete(g_real, name, sync_dir); }
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_real->xAccess(g_real, name, flags, out); }
int v_full(sqlite3_vfs*, const char* name, int n, char* out) { return g_real->xFullPathname(g_real, name, n, out); }
void* v_dlopen(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void v_dlerror(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*v_dlsym(sqlite3_vfs*, void* h, const char* sym))(void) { return g_real->xDlSym(g_real, h, sym); }
void v_dlclose(sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); }
int v_random(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int v_sleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int v_time(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int v_last_error(sqlite3_vfs*, int n, char* out) { return g_real->xGetLastError ? g_real->xGetLastError(g_real, n, out) : 0; }
int v_time64(sqlite3_vfs*, sqlite3_int64* out) { return g_real->xCurrentTimeInt64(g_real, out); }

sqlite3_vfs g_vfs;

}  // namespace

FaultVfs& FaultVfs::install() {
    static FaultVfs self;
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite3_initialize();
        g_real = sqlite3_vfs_find(nullptr);
        g_self = &self;
        g_vfs = sqlite3_vfs{};
        g_vfs.iVersion = 2;
        g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
        g_vfs.mxPathname = g_real->mxPathname;
        g_vfs.zName = "etabli-fault";
        g_vfs.xOpen = v_open;
        g_vfs.xDelete = v_delete;
        g_vfs.xAccess = v_access;
        g_vfs.xFullPathname = v_full;
        g_vfs.xDlOpen = v_dlopen;
        g_vfs.xDlError = v_dlerror;
        g_vfs.xDlSym = v_dlsym;
        g_vfs.xDlClose = v_dlclose;
        g_vfs.xRandomness = v_random;
        g_vfs.xSleep = v_sleep;
        g_vfs.xCurrentTime = v_time;
        g_vfs.xGetLastError = v_last_error;
        g_vfs.xCurrentTimeInt64 = v_time64;
        sqlite3_vfs_register(&g_vfs, 1);
    });
    return self;
}

void FaultVfs::reset() {
    std::lock_guard lk(m_mutex);
    m_mutations = 0;
    m_cut_at = -1;
    m_cut = false;
    m_faults = 0;
    m_fault = Fault::none;
    m_fault_calls = 0;
    m_unsynced.clear();
}

void FaultVfs::cut_after(std::int64_t n) {
    std::lock_guard lk(m_mutex);
    m_cut_at = m_mutations + n;
}

bool FaultVfs::is_cut() const {
    std::lock_guard lk(m_mutex);
    return m_cut;
}

std::int64_t FaultVfs::power_restore() {
    std::lock_guard lk(m_mutex);
    std::int64_t undone = 0;
    for (auto& [path, undos] : m_unsynced) {
        const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) continue;  // deleted meanwhile
        for (auto it = undos.rbegin(); it != undos.rend(); ++it) {
            if (::ftruncate(fd, it->old_size) != 0) continue;
            if (!it->old_bytes.empty())
                (void)!::pwrite(fd, it->old_bytes.data(), it->old_bytes.size(), it->offset);
            ++undone;
        }
        ::close(fd);
    }
    // The shared-memory index lives in RAM on a real machine: gone after the cut.
    for (const auto& [path, undos] : m_unsynced) {
        std::error_code ec;
        std::string base = path;
        if (base.ends_with("-wal") || base.ends_with("-journal")) base = base.substr(0, base.rfind('-'));
        std::filesystem::remove(base + "-shm", ec);
    }
    m_unsynced.clear();
    m_cut = false;
    m_cut_at = -1;
    return undone;
}

void FaultVfs::fail_at(Fault f, std::int64_t n, bool once) {
    std::lock_guard lk(m_mutex);
    m_fault = f;
    m_fault_at = n;
    m_fault_calls = 0;
    m_fault_once = once;
}

void FaultVfs::clear_fault() {
    std::lock_guard lk(m_mutex);
    m_fault = Fault::none;
}

std::int64_t FaultVfs::faults_injected() const {
    std::lock_guard lk(m_mutex);
    return m_faults;
}

std::int64_t FaultVfs::mutations() const {
    std::lock_guard lk(m_mutex);
    return m_mutations;
}

int FaultVfs::before(Op op, const std::string&) {
    std::lock_guard lk(m_mutex);
    if (op != Op::read) {
        ++m_mutations;
        if (m_cut_at >= 0 && m_mutations > m_cut_at) m_cut = true;
    }
    if (m_cut) return op == Op::read ? SQLITE_IOERR_READ : op == Op::sync ? SQLITE_IOERR_FSYNC : op == Op::truncate ? SQLITE_IOERR_TRUNCATE : SQLITE_IOERR_WRITE;
    const bool fault_op = (op == Op::write && (m_fault == Fault::write_error || m_fault == Fault::disk_full)) ||
                          (op == Op::sync && m_fault == Fault::fsync_error);
    if (!fault_op) return 0;
    ++m_fault_calls;
    if (m_fault_calls < m_fault_at || (m_fault_once && m_fault_calls > m_fault_at)) return 0;
    ++m_faults;
    return m_fault == Fault::disk_full ? SQLITE_FULL : m_fault == Fault::fsync_error ? SQLITE_IOERR_FSYNC : SQLITE_IOERR_WRITE;
}

void FaultVfs::note_undo(const std::string& path, Undo u) {
    std::lock_guard lk(m_mutex);
    m_unsynced[path].push_back(std::move(u));
}

void FaultVfs::note_synced(const std::string& path) {
    std::lock_guard lk(m_mutex);
    m_unsynced.erase(path);
}

}  // namespace etabli::testing
