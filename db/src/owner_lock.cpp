// One owner per database. See owner_lock.hpp. Layer: db.
#include <etabli/db/owner_lock.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

namespace etabli::db {

namespace fs = std::filesystem;

OwnerLock::OwnerLock(OwnerLock&& o) noexcept : m_fd(o.m_fd), m_info(std::move(o.m_info)) { o.m_fd = -1; }
OwnerLock& OwnerLock::operator=(OwnerLock&& o) noexcept {
    if (this != &o) {
        release();
        m_fd = o.m_fd;
        m_info = std::move(o.m_info);
        o.m_fd = -1;
    }
    return *this;
}
OwnerLock::~OwnerLock() { release(); }

fs::path OwnerLock::lock_path(const fs::path& db) {
    if (db.empty() || db == ":memory:") return {};
    return fs::path(db.string() + ".lock");
}

namespace {

LockHolder parse_holder(const std::string& text) {
    LockHolder h;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        const std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const auto key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "pid") h.pid = static_cast<pid_t>(std::atol(value.c_str()));
        else if (key == "role") h.role = value;
        else if (key == "socket") h.socket = value;
    }
    return h;
}

std::string read_all(int fd) {
    std::string text;
    char buf[512];
    off_t off = 0;
    for (;;) {
        const auto n = ::pread(fd, buf, sizeof buf, off);
        if (n <= 0) break;
        text.append(buf, static_cast<std::size_t>(n));
        off += n;
        if (text.size() > 4096) break;  // a holder line is short; never read a huge file
    }
    return text;
}

}  // namespace

namespace {

// An open-file-description lock (fcntl F_OFD_*) on the whole file: released when its
// descriptor closes or the process dies, and testable without taking it (F_OFD_GETLK).
bool set_write_lock(int fd) {
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    return ::fcntl(fd, F_OFD_SETLK, &fl) == 0;
}

bool locked_by_someone(int fd) {
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd, F_OFD_GETLK, &fl) != 0) return false;
    return fl.l_type != F_UNLCK;
}

fs::path info_path(const fs::path& db) { return fs::path(db.string() + ".station"); }

bool pid_alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

}  // namespace

void OwnerLock::describe(const LockHolder& me) {
    if (m_fd < 0) return;
    std::string text = "pid=" + std::to_string(me.pid ? me.pid : ::getpid()) + "\nrole=" + me.role + "\n";
    if (!me.socket.empty()) text += "socket=" + me.socket + "\n";
    // The lock file itself (0600, the owner's) and, for every local user, "<db>.station"
    // (0644), replaced whole so that a reader never sees it half-written.
    [[maybe_unused]] auto n = ::pwrite(m_fd, text.data(), text.size(), 0);
    [[maybe_unused]] auto t = ::ftruncate(m_fd, static_cast<off_t>(text.size()));
    if (m_info.empty()) return;
    const auto tmp = fs::path(m_info.string() + ".tmp");
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return;
    [[maybe_unused]] auto w = ::write(fd, text.data(), text.size());
    ::fchmod(fd, 0644);
    ::close(fd);
    std::error_code ec;
    fs::rename(tmp, m_info, ec);
}

std::expected<OwnerLock, std::variant<OwnerLock::Busy, core::Problem>> OwnerLock::try_take(const fs::path& db,
                                                                                             const LockHolder& me) {
    const auto path = lock_path(db);
    if (path.empty()) return OwnerLock{};
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    // 0600: only the database's owner may lock it (a read lock by another user would block
    // the station); who holds it is published in "<db>.station" for everyone.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return std::unexpected(core::storage_problem("Cannot open the lock file {0}: {1}", {path.string(), std::strerror(errno)}));
    if (!set_write_lock(fd)) {
        const int e = errno;
        if (e == EAGAIN || e == EACCES || e == EINTR) {
            auto h = parse_holder(read_all(fd));
            ::close(fd);
            return std::unexpected(Busy{std::move(h)});
        }
        ::close(fd);
        return std::unexpected(core::storage_problem("Cannot lock {0}: {1}", {path.string(), std::strerror(e)}));
    }
    OwnerLock lock;
    lock.m_fd = fd;
    lock.m_info = info_path(db);
    lock.describe(me);
    return lock;
}

void OwnerLock::release() {
    if (m_fd >= 0) {
        std::error_code ec;
        if (!m_info.empty()) fs::remove(m_info, ec);  // before the lock goes: never names a later holder
        ::close(m_fd);  // drops the lock
        m_fd = -1;
    }
}

std::optional<LockHolder> OwnerLock::holder(const fs::path& db) {
    const auto path = lock_path(db);
    if (path.empty()) return std::nullopt;
    if (const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW); fd >= 0) {
        std::optional<LockHolder> h;
        if (locked_by_someone(fd)) h = parse_holder(read_all(fd));
        ::close(fd);
        return h;
    }
    // Not ours to open (another user's station): what it published, if its process lives.
    const int fd = ::open(info_path(db).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    auto h = parse_holder(read_all(fd));
    ::close(fd);
    if (!pid_alive(h.pid)) return std::nullopt;
    return h;
}

}  // namespace etabli::db
