// Backups and restore of a station's database; see backup.hpp.
// Layer: db. Any thread: every function opens and closes its own connections and files.
//
// [SECTION] Index
//   [Files]     names, temporary files, fsync, zstd streams
//   [Verify]    decompress, open, integrity_check
//   [Write]     the backup API, compression, verification, final name
//   [List]      listing and rotation
//   [Disks]     a disk by its label, free space
//   [Restore]   the swap, keeping the current file aside

#include <etabli/db/backup.hpp>

#include <etabli/db/database.hpp>
#include <etabli/db/migrations.hpp>

#include <sqlite3.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <span>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace etabli::db {

namespace fs = std::filesystem;
using namespace std::chrono;

std::string_view to_string(BackupKind k) {
    switch (k) {
    case BackupKind::nightly: return "nightly";
    case BackupKind::manual: return "manual";
    case BackupKind::pre_migration: return "pre-migration";
    }
    return "manual";
}

fs::path default_backup_folder(const fs::path& db) {
    const auto dir = db.parent_path().empty() ? fs::path(".") : db.parent_path();
    return dir / "backups";
}

namespace {

// [Files] ----------------------------------------------------------------------------------

constexpr std::array<unsigned char, 4> kZstdMagic = {0x28, 0xB5, 0x2F, 0xFD};
constexpr std::string_view kSuffix = ".db.zst";

std::string errno_text(int e) { return std::strerror(e); }

Problem file_problem(const char* what, const fs::path& p, int e) {
    return core::storage_problem(what, {p.string(), errno_text(e)});
}

// A name no other backup, verification or restore of this process or another uses.
fs::path temp_in(const fs::path& folder, std::string_view what) {
    static std::atomic<unsigned> counter{0};
    return folder / (".etabli-" + std::string(what) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".tmp");
}

struct RemoveOnExit {
    fs::path path;
    ~RemoveOnExit() {
        if (path.empty()) return;
        std::error_code ec;
        fs::remove(path, ec);
        fs::remove(fs::path(path.string() + "-journal"), ec);
    }
};

std::expected<void, Problem> sync_file(const fs::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::unexpected(file_problem("Cannot open {0} ({1})", p, errno));
    const int rc = ::fsync(fd);
    const int e = errno;
    ::close(fd);
    if (rc != 0) return std::unexpected(file_problem("Cannot write {0} to the disk ({1})", p, e));
    return {};
}

// A rename is durable once its folder is synced.
void sync_folder(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

bool starts_with_magic(const fs::path& p, std::span<const unsigned char> magic) {
    std::ifstream in(p, std::ios::binary);
    std::array<char, 16> head{};
    in.read(head.data(), static_cast<std::streamsize>(magic.size()));
    if (in.gcount() != static_cast<std::streamsize>(magic.size())) return false;
    return std::equal(magic.begin(), magic.end(), head.begin(), [](unsigned char a, char b) { return a == static_cast<unsigned char>(b); });
}

// Streams `in` through zstd into `out` (written with O_EXCL, synced). `compress`: one way or
// the other. Any failure removes `out`.
std::expected<void, Problem> zstd_copy(const fs::path& in, const fs::path& out, bool compress) {
    std::FILE* src = std::fopen(in.c_str(), "rbe");
    if (!src) return std::unexpected(file_problem("Cannot open {0} ({1})", in, errno));
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int e = errno;
        std::fclose(src);
        return std::unexpected(file_problem("Cannot create {0} ({1})", out, e));
    }
    ZSTD_CCtx* cctx = compress ? ZSTD_createCCtx() : nullptr;
    ZSTD_DCtx* dctx = compress ? nullptr : ZSTD_createDCtx();
    if (cctx) {
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 6);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);  // a flipped bit fails decompression
    }
    std::vector<char> ibuf(compress ? ZSTD_CStreamInSize() : ZSTD_DStreamInSize());
    std::vector<char> obuf(compress ? ZSTD_CStreamOutSize() : ZSTD_DStreamOutSize());
    std::optional<Problem> failed;
    auto write_out = [&](const char* p, std::size_t n) {
        while (n > 0) {
            const auto w = ::write(fd, p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                failed = w < 0 && errno == ENOSPC
                             ? core::storage_problem("The disk is full: cannot write {0}. Free some space (old photos, exports) and try again.", {out.string()})
                             : file_problem("Cannot write {0} ({1})", out, w < 0 ? errno : EIO);
                return false;
            }
            p += w;
            n -= static_cast<std::size_t>(w);
        }
        return true;
    };
    std::size_t last_ret = 0;
    for (;;) {
        const std::size_t got = std::fread(ibuf.data(), 1, ibuf.size(), src);
        if (std::ferror(src)) {
            failed = file_problem("Cannot read {0} ({1})", in, errno ? errno : EIO);
            break;
        }
        const bool last = got < ibuf.size();
        ZSTD_inBuffer input{ibuf.data(), got, 0};
        // A decompression stops at the end of its input: called on nothing after a frame
        // ended, zstd would ask for the next frame's header.
        bool done = !cctx && got == 0;
        while (!done && !failed) {
            ZSTD_outBuffer output{obuf.data(), obuf.size(), 0};
            std::size_t ret;
            if (cctx) {
                ret = ZSTD_compressStream2(cctx, &output, &input, last ? ZSTD_e_end : ZSTD_e_continue);
            } else {
                ret = ZSTD_decompressStream(dctx, &output, &input);
            }
            if (ZSTD_isError(ret)) {
                failed = core::storage_problem("{0} is damaged: {1}", {in.string(), ZSTD_getErrorName(ret)});
                break;
            }
            last_ret = ret;
            if (!write_out(obuf.data(), output.pos)) break;
            // zstd's own streaming examples: compressing, until the frame is ended (last) or the
            // chunk taken; decompressing, until the chunk is taken (an output of
            // ZSTD_DStreamOutSize always holds a whole block, so nothing stays inside).
            done = cctx ? (last ? ret == 0 : input.pos == input.size) : input.pos == input.size;
        }
        if (failed || last) break;
    }
    if (!failed && !compress && last_ret != 0) failed = core::storage_problem("{0} is damaged: {1}", {in.string(), "truncated"});
    std::fclose(src);
    if (cctx) ZSTD_freeCCtx(cctx);
    if (dctx) ZSTD_freeDCtx(dctx);
    if (!failed && ::fsync(fd) != 0) failed = file_problem("Cannot write {0} to the disk ({1})", out, errno);
    if (::close(fd) != 0 && !failed) failed = file_problem("Cannot write {0} ({1})", out, errno);
    if (failed) {
        std::error_code ec;
        fs::remove(out, ec);
        return std::unexpected(*failed);
    }
    return {};
}

std::string stamp(BackupTime t) {
    const std::time_t tt = t.time_since_epoch().count();
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

std::optional<BackupTime> parse_stamp(std::string_view s) {
    if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
    auto num = [&](std::size_t at, std::size_t n) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    auto y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(9, 2), mi = num(11, 2), se = num(13, 2);
    if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
    const auto day = year{*y} / month{static_cast<unsigned>(*mo)} / *d;
    if (!day.ok() || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
    return BackupTime{sys_days{day}.time_since_epoch() + hours{*h} + minutes{*mi} + seconds{*se}};
}

// "<stem>-<stamp>-<kind>[-N].db.zst": `stem` is the database's file name without ".db", so
// that two databases sharing a folder never count or rotate each other's backups.
std::optional<BackupInfo> parse_name(const fs::path& p, std::string_view stem) {
    const std::string name = p.filename().string();
    const std::string prefix = std::string(stem) + "-";
    if (!name.starts_with(prefix) || !name.ends_with(kSuffix) || name.size() < prefix.size() + kSuffix.size()) return std::nullopt;
    const std::string_view mid = std::string_view(name).substr(prefix.size(), name.size() - prefix.size() - kSuffix.size());
    const auto dash = mid.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto t = parse_stamp(mid.substr(0, dash));
    if (!t) return std::nullopt;
    const auto kind_text = mid.substr(dash + 1);
    BackupInfo b;
    b.file = p;
    b.taken = *t;
    // The kind, then "-2", "-3"… for a second backup of the same kind in the same second.
    for (const BackupKind k : {BackupKind::nightly, BackupKind::manual, BackupKind::pre_migration}) {
        const auto name_of = to_string(k);
        if (!kind_text.starts_with(name_of)) continue;
        const auto rest = kind_text.substr(name_of.size());
        if (!rest.empty() && (rest.size() < 2 || rest[0] != '-' || !std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; })))
            continue;
        b.kind = k;
        return b;
    }
    return std::nullopt;
}

// [Verify] ---------------------------------------------------------------------------------

// Opens a plain database file read-only (immutable: no side files) and checks it.
std::expected<int, Problem> check_plain(const fs::path& file, const fs::path& shown) {
    if (!starts_with_magic(file, std::span<const unsigned char>(reinterpret_cast<const unsigned char*>("SQLite format 3"), 16)))
        return std::unexpected(core::storage_problem("{0} is not a database backup", {shown.string()}));
    auto c = Connection::open_raw(file_uri(file, "mode=ro&immutable=1"), SQLITE_OPEN_READONLY);
    if (!c) return std::unexpected(core::storage_problem("{0} cannot be opened: {1}", {shown.string(), c.error().english()}));
    auto ok = c->query_text("PRAGMA integrity_check");
    if (!ok) return std::unexpected(core::storage_problem("{0} cannot be read: {1}", {shown.string(), ok.error().english()}));
    if (*ok != "ok") return std::unexpected(core::storage_problem("{0} failed its integrity check: {1}", {shown.string(), *ok}));
    auto version = c->query_int("PRAGMA user_version");
    auto members = c->query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'members'");
    if (!version || !members || *version < 1 || *members != 1)
        return std::unexpected(core::storage_problem("{0} is not an Établi database", {shown.string()}));
    return static_cast<int>(*version);
}

// A plain copy of `backup` in `scratch` (decompressed when zstd) for checking or restoring.
std::expected<void, Problem> plain_copy(const fs::path& backup, const fs::path& scratch) {
    if (starts_with_magic(backup, kZstdMagic)) return zstd_copy(backup, scratch, false);
    std::error_code ec;
    if (!fs::copy_file(backup, scratch, ec) || ec)
        return std::unexpected(core::storage_problem("Cannot copy {0} ({1})", {backup.string(), ec.message()}));
    return sync_file(scratch);
}

}  // namespace

std::expected<int, Problem> verify_backup(const fs::path& backup) {
    std::error_code ec;
    if (!fs::is_regular_file(backup, ec))
        return std::unexpected(core::storage_problem("No backup file {0}", {backup.string()}));
    // The check's copy beside the backup, or in the temporary folder when that is read-only.
    fs::path dir = backup.parent_path().empty() ? fs::path(".") : backup.parent_path();
    if (::access(dir.c_str(), W_OK) != 0) dir = fs::temp_directory_path(ec);
    RemoveOnExit scratch{temp_in(dir, "verify")};
    if (auto r = plain_copy(backup, scratch.path); !r) return std::unexpected(r.error());
    return check_plain(scratch.path, backup);
}

// [Write] ----------------------------------------------------------------------------------

std::expected<BackupInfo, Problem> write_backup(const fs::path& db, const fs::path& folder, BackupKind kind, BackupTime now,
                                                const std::atomic<bool>* cancel) {
    try {
        std::error_code ec;
        if (!fs::is_regular_file(db, ec))
            return std::unexpected(core::storage_problem("There is no database at {0} to back up", {db.string()}));
        fs::create_directories(folder, ec);
        if (!fs::is_directory(folder, ec))
            return std::unexpected(core::storage_problem("Cannot create the backup folder {0} ({1})", {folder.string(), ec ? ec.message() : "not a folder"}));
        // The copy, its compressed form and the check's copy, with room to spare: three times
        // the database (a backup must not be what fills the disk the station writes to).
        const auto size = fs::file_size(db, ec) + [&] {
            std::error_code e2;
            auto w = fs::file_size(fs::path(db.string() + "-wal"), e2);
            return e2 ? std::uintmax_t{0} : w;
        }();
        if (auto room = free_bytes(folder); room && *room < 3 * size + (1u << 20))
            return std::unexpected(core::storage_problem(
                "Not enough free space in {0} for a backup ({1} MB free, {2} MB needed). Free some space and try again.",
                {folder.string(), std::to_string(*room >> 20), std::to_string((3 * size >> 20) + 1)}));

        RemoveOnExit copy{temp_in(folder, "copy")};
        {
            // A reader of its own: the backup API copies the last commit in one read
            // transaction, while the station goes on writing (WAL).
            auto src = Connection::open_raw(db.string(), SQLITE_OPEN_READWRITE);
            if (!src) return std::unexpected(src.error());
            if (auto r = src->exec("PRAGMA busy_timeout = 5000"); !r) return std::unexpected(r.error());
            auto dst = Connection::open_raw(copy.path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            if (!dst) return std::unexpected(dst.error());
            sqlite3_backup* b = sqlite3_backup_init(dst->get(), "main", src->get(), "main");
            if (!b) return std::unexpected(dst->error());
            // By 1,024 pages (4 MB): a stop asked meanwhile is heard. A write of the station
            // between two steps makes SQLite start the copy again from its last commit, so
            // the copy is still one consistent state.
            int rc = SQLITE_OK;
            for (int busy = 0; busy < 50;) {
                if (cancel && cancel->load()) {
                    rc = SQLITE_INTERRUPT;
                    break;
                }
                rc = sqlite3_backup_step(b, 1024);
                if (rc == SQLITE_OK) continue;
                if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
                ++busy;
                sqlite3_sleep(100);
            }
            sqlite3_backup_finish(b);
            if (rc == SQLITE_INTERRUPT) return std::unexpected(core::storage_problem("The backup was stopped"));
            if (rc != SQLITE_DONE) {
                return std::unexpected(rc == SQLITE_FULL
                                           ? core::storage_problem("The disk is full: cannot write a backup in {0}. Free some space and try again.", {folder.string()})
                                           : core::storage_problem("Cannot copy the database for a backup: {0}", {sqlite3_errstr(rc)}));
            }
            // One self-contained file: out of WAL mode (the restore turns it back on).
            if (auto r = dst->exec("PRAGMA journal_mode = DELETE"); !r) return std::unexpected(r.error());
        }
        // Never over another backup: a second one in the same second is "-2", and so on.
        const auto base = backup_stem(db) + "-" + stamp(now) + "-" + std::string(to_string(kind));
        fs::path final_path = folder / (base + std::string(kSuffix));
        for (int n = 2; fs::exists(final_path, ec) && n < 1000; ++n) final_path = folder / (base + "-" + std::to_string(n) + std::string(kSuffix));
        RemoveOnExit partial{temp_in(folder, "partial")};
        if (auto r = zstd_copy(copy.path, partial.path, true); !r) return std::unexpected(r.error());
        // Readable by whoever may read the database (the etabli-admin group restores them).
        if (struct stat st {}; ::stat(db.c_str(), &st) == 0) ::chmod(partial.path.c_str(), st.st_mode & 0660);
        auto schema = verify_backup(partial.path);
        if (!schema)
            return std::unexpected(core::storage_problem("The backup failed its check and was deleted: {0}", {schema.error().english()}));
        // Never over a file that appeared meanwhile: renameat2(RENAME_NOREPLACE), or link(2)
        // where the filesystem has no such rename (link is refused by vfat and exFAT sticks,
        // which do have the rename).
        if (::renameat2(AT_FDCWD, partial.path.c_str(), AT_FDCWD, final_path.c_str(), RENAME_NOREPLACE) == 0) {
            partial.path.clear();
        } else if (errno == EEXIST) {
            ec = std::error_code(EEXIST, std::generic_category());
        } else if (::link(partial.path.c_str(), final_path.c_str()) != 0) {
            ec = std::error_code(errno, std::generic_category());
        }
        if (ec) return std::unexpected(core::storage_problem("Cannot name the backup {0} ({1})", {final_path.string(), ec.message()}));
        sync_folder(folder);
        BackupInfo info;
        info.file = final_path;
        info.taken = now;
        info.kind = kind;
        info.bytes = fs::file_size(final_path, ec);
        info.schema = *schema;
        return info;
    } catch (const std::exception& e) {
        return std::unexpected(core::storage_problem("Cannot write a backup: {0}", {e.what()}));
    }
}

// [List] -----------------------------------------------------------------------------------

std::string backup_stem(const fs::path& db) {
    const auto stem = db.stem().string();
    return stem.empty() ? std::string("etabli") : stem;
}

std::vector<BackupInfo> list_backups(const fs::path& folder, std::string_view stem) {
    std::vector<BackupInfo> out;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        auto b = parse_name(it->path(), stem);
        if (!b) continue;
        b->bytes = it->file_size(ec);
        out.push_back(std::move(*b));
    }
    std::sort(out.begin(), out.end(), [](const BackupInfo& a, const BackupInfo& b) {
        return a.taken != b.taken ? a.taken > b.taken : a.file > b.file;
    });
    return out;
}

std::vector<BackupInfo> rotate_backups(const fs::path& folder, const Rotation& keep, std::string_view stem) {
    const auto all = list_backups(folder, stem);
    std::set<fs::path> kept;
    // Newest first: the first backup seen of a bucket is the newest of it.
    auto keep_by = [&](int count, auto bucket_of, bool pre_migration) {
        std::optional<std::int64_t> last;
        int taken = 0;
        for (const auto& b : all) {
            if ((b.kind == BackupKind::pre_migration) != pre_migration) continue;
            if (taken >= count) break;
            const auto bucket = bucket_of(b.taken);
            if (last && *last == bucket) continue;
            last = bucket;
            kept.insert(b.file);
            ++taken;
        }
    };
    auto day_of = [](BackupTime t) { return static_cast<std::int64_t>(floor<days>(t).time_since_epoch().count()); };
    // ISO weeks start on Monday; 1970-01-01 was a Thursday.
    auto week_of = [&](BackupTime t) { return (day_of(t) + 3) / 7 - ((day_of(t) + 3) % 7 < 0 ? 1 : 0); };
    auto month_of = [](BackupTime t) {
        const year_month_day ymd{floor<days>(t)};
        return static_cast<std::int64_t>(static_cast<int>(ymd.year())) * 12 + static_cast<unsigned>(ymd.month());
    };
    keep_by(keep.daily, day_of, false);
    keep_by(keep.weekly, week_of, false);
    keep_by(keep.monthly, month_of, false);
    keep_by(keep.pre_migration, [](BackupTime t) { return static_cast<std::int64_t>(t.time_since_epoch().count()); }, true);
    std::vector<BackupInfo> removed;
    for (const auto& b : all) {
        if (kept.contains(b.file)) continue;
        std::error_code ec;
        if (fs::remove(b.file, ec)) removed.push_back(b);
    }
    if (!removed.empty()) sync_folder(folder);
    return removed;
}

int remove_stale_scratch(const fs::path& folder) {
    int removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with(".etabli-") || !name.ends_with(".tmp")) continue;
        // ".etabli-<what>-<pid>-<n>.tmp": the pid is the second number from the end.
        const std::string core_name = name.substr(0, name.size() - 4);
        const auto last = core_name.rfind('-');
        const auto before = last == std::string::npos ? std::string::npos : core_name.rfind('-', last - 1);
        if (before == std::string::npos) continue;
        const std::string pid_text = core_name.substr(before + 1, last - before - 1);
        if (pid_text.empty() || !std::all_of(pid_text.begin(), pid_text.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
        const auto pid = static_cast<pid_t>(std::stol(pid_text));
        if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno == EPERM) continue;  // still at work
        std::error_code e2;
        if (fs::remove(it->path(), e2)) ++removed;
    }
    return removed;
}

// [Disks] ----------------------------------------------------------------------------------

namespace {

// /proc/self/mounts escapes space, tab, newline and backslash as \ooo.
std::string unescape_mount(std::string_view s) {
    auto octal = [](char c) { return c >= '0' && c <= '7'; };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && octal(s[i + 1]) && octal(s[i + 2]) && octal(s[i + 3])) {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
            continue;
        }
        out += s[i];
    }
    return out;
}

}  // namespace

std::optional<fs::path> mount_of_label(const std::string& label) {
    if (label.empty() || label.find('/') != std::string::npos || label == "." || label == "..") return std::nullopt;
    const char* by_label_env = std::getenv("ETABLI_DISK_BY_LABEL");
    const char* mounts_env = std::getenv("ETABLI_MOUNTS");
    const fs::path by_label = by_label_env && *by_label_env ? fs::path(by_label_env) : fs::path("/dev/disk/by-label");
    const fs::path mounts = mounts_env && *mounts_env ? fs::path(mounts_env) : fs::path("/proc/self/mounts");
    std::error_code ec;
    // udev escapes a label's unsafe characters (a space is \x20): the plain name, then that.
    auto device = fs::canonical(by_label / label, ec);
    if (ec) {
        std::string escaped;
        for (const char ch : label) {
            const auto u = static_cast<unsigned char>(ch);
            if (std::isalnum(u) || ch == '-' || ch == '_' || ch == '.' || u >= 0x80) {
                escaped += ch;
            } else {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", u);
                escaped += buf;
            }
        }
        ec.clear();
        device = fs::canonical(by_label / escaped, ec);
        if (ec) return std::nullopt;
    }
    std::ifstream in(mounts);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string source, target;
        if (!(words >> source >> target)) continue;
        std::error_code e2;
        const auto src = fs::canonical(unescape_mount(source), e2);
        if (!e2 && src == device) return fs::path(unescape_mount(target));
    }
    return std::nullopt;
}

std::optional<std::uintmax_t> free_bytes(const fs::path& path) {
    fs::path p = path;
    std::error_code ec;
    while (!p.empty() && !fs::exists(p, ec)) {
        if (p == p.parent_path()) break;
        p = p.parent_path();
    }
    struct statvfs st {};
    if (::statvfs(p.empty() ? "." : p.c_str(), &st) != 0) return std::nullopt;
    return static_cast<std::uintmax_t>(st.f_bavail) * st.f_frsize;
}

// [Restore] --------------------------------------------------------------------------------

std::expected<Restored, Problem> restore_backup(const fs::path& db, const fs::path& backup, BackupTime now) {
    try {
        std::error_code ec;
        if (!fs::is_regular_file(backup, ec))
            return std::unexpected(core::problem("No backup file {0}", {backup.string()}));
        const fs::path dir = db.parent_path().empty() ? fs::path(".") : db.parent_path();
        fs::create_directories(dir, ec);
        RemoveOnExit incoming{temp_in(dir, "restore")};
        if (auto r = plain_copy(backup, incoming.path); !r) return std::unexpected(r.error());
        auto schema = check_plain(incoming.path, backup);
        if (!schema) return std::unexpected(core::problem("This backup cannot be restored: {0}", {schema.error().english()}));
        if (*schema > latest_schema_version())
            return std::unexpected(core::problem(
                "This backup was written by a newer Établi (schema {0}, this version knows {1}): update Établi first.",
                {std::to_string(*schema), std::to_string(latest_schema_version())}));

        Restored out;
        out.schema = *schema;
        const fs::path wal(db.string() + "-wal"), shm(db.string() + "-shm");
        struct stat old {};
        const bool had_db = ::stat(db.c_str(), &old) == 0;
        if (had_db) {
            // The new file takes the old one's mode and, when allowed, its owner: the service's
            // user must still write it after a restore run by an admin.
            ::chmod(incoming.path.c_str(), old.st_mode & 07777);
            (void)!::chown(incoming.path.c_str(), old.st_uid, old.st_gid);
            // Its last commits into the file itself first, so that the copy aside is whole.
            if (auto c = Connection::open_raw(db.string(), SQLITE_OPEN_READWRITE)) {
                (void)c->exec("PRAGMA busy_timeout = 2000; PRAGMA wal_checkpoint(TRUNCATE);");
            }
            fs::path aside = dir / (db.filename().string() + ".before-restore-" + stamp(now));
            for (int n = 2; fs::exists(aside, ec); ++n) aside = dir / (db.filename().string() + ".before-restore-" + stamp(now) + "-" + std::to_string(n));
            // A second name first: the database never stops being at its path (the swap below
            // replaces it in one rename), and a failure here changes nothing.
            if (::link(db.c_str(), aside.c_str()) != 0) {
                fs::copy_file(db, aside, ec);
                if (ec) return std::unexpected(core::storage_problem("Cannot move {0} aside ({1})", {db.string(), ec.message()}));
                if (auto r = sync_file(aside); !r) return std::unexpected(r.error());
            }
            // A WAL that could not be checkpointed goes with the copy aside, never onto the backup.
            if (fs::exists(wal, ec) && fs::file_size(wal, ec) > 0) {
                fs::copy_file(wal, fs::path(aside.string() + "-wal"), ec);
                if (ec) {
                    fs::remove(aside, ec);
                    return std::unexpected(core::storage_problem("Cannot move {0} aside ({1})", {wal.string(), ec.message()}));
                }
            }
            out.aside = aside;
        }
        // The old file's side files go first (a WAL left beside the restored file would be
        // replayed onto it; its commits are in the copy aside), then one rename swaps the file.
        fs::remove(wal, ec);
        fs::remove(shm, ec);
        fs::rename(incoming.path, db, ec);
        if (ec) {
            std::error_code e2;
            if (out.aside) {
                const fs::path aside_wal(out.aside->string() + "-wal");
                if (fs::exists(aside_wal, e2)) fs::copy_file(aside_wal, wal, e2);  // the old file as it was
                fs::remove(aside_wal, e2);
                fs::remove(*out.aside, e2);
            }
            return std::unexpected(core::storage_problem("Cannot put the backup in place of {0} ({1})", {db.string(), ec.message()}));
        }
        incoming.path.clear();
        sync_folder(dir);
        return out;
    } catch (const std::exception& e) {
        return std::unexpected(core::storage_problem("Cannot restore: {0}", {e.what()}));
    }
}

}  // namespace etabli::db
