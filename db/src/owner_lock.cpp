// One owner per database (#16). See owner_lock.hpp. Layer: db.
#include <etabli/db/owner_lock.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace etabli::db {

namespace fs = std::filesystem;

OwnerLock::OwnerLock(OwnerLock&& o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
OwnerLock& OwnerLock::operator=(OwnerLock&& o) noexcept {
    if (this != &o) {
        release();
        m_fd = o.m_fd;
        o.m_fd = -1;
    }
    return *this;
}
OwnerLock::~OwnerLock() { release(); }

void OwnerLock::release() {
    if (m_fd >= 0) {
        ::close(m_fd);  // drops the flock
        m_fd = -1;
    }
}

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

void OwnerLock::describe(const LockHolder& me) {
    if (m_fd < 0) return;
    std::string text = "pid=" + std::to_string(me.pid ? me.pid : ::getpid()) + "\nrole=" + me.role + "\n";
    if (!me.socket.empty()) text += "socket=" + me.socket + "\n";
    if (::ftruncate(m_fd, 0) != 0) return;
    [[maybe_unused]] auto n = ::pwrite(m_fd, text.data(), text.size(), 0);
}

std::expected<OwnerLock, std::variant<OwnerLock::Busy, core::Problem>> OwnerLock::try_take(const fs::path& db,
                                                                                             const LockHolder& me) {
    const auto path = lock_path(db);
    if (path.empty()) return OwnerLock{};
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    // 0644: any local user may read who holds the database (to name them, or to reach the
    // station's socket); umask may narrow it.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return std::unexpected(core::storage_problem("Cannot open the lock file {0}: {1}", {path.string(), std::strerror(errno)}));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        if (e == EWOULDBLOCK || e == EINTR) {
            auto h = parse_holder(read_all(fd));
            ::close(fd);
            return std::unexpected(Busy{std::move(h)});
        }
        ::close(fd);
        return std::unexpected(core::storage_problem("Cannot lock {0}: {1}", {path.string(), std::strerror(e)}));
    }
    OwnerLock lock;
    lock.m_fd = fd;
    lock.describe(me);
    return lock;
}

std::optional<LockHolder> OwnerLock::holder(const fs::path& db) {
    const auto path = lock_path(db);
    if (path.empty()) return std::nullopt;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    std::optional<LockHolder> h;
    // A shared lock taken at once means nobody holds the exclusive one.
    if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
        ::flock(fd, LOCK_UN);
    } else {
        h = parse_holder(read_all(fd));
    }
    ::close(fd);
    return h;
}

}  // namespace etabli::db
