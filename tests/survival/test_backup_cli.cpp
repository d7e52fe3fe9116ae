// Backups, restore and `check` with the real binary: alone on the file, then through a
// running `etabli serve` (its nightly backup at start, a backup and a check through its API, a
// database deleted by mistake and restored while it runs). Test-only.
#include "serve_support.hpp"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

using namespace etabli;
using namespace etabli::testing;
using namespace std::chrono;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Files {
    TempDir dir;
    std::string db = (dir.path() / "etabli.db").string();
    fs::path socket = dir.path() / "station.sock";
    Done run(std::vector<std::string> args, const std::vector<std::string>& env = {}) const {
        args.insert(args.begin(), {"--db", db});
        return run_etabli(dir.path(), args, env);
    }
    Started started;  // killed if still running when the test ends
};

int db_files_in(const fs::path& dir) {
    int n = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().filename().string().ends_with(".db.zst")) ++n;
    return n;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("alone on the file: backup, backups, check, and a deleted database restored in one line") {
    Files f;
    REQUIRE(f.run({"init", "--demo"}).code == 0);
    const auto b = f.run({"backup"});
    INFO(b.err);
    REQUIRE(b.code == 0);
    CHECK(b.out.find("Sauvegarde écrite et vérifiée : ") == 0);
    const auto list = f.run({"--json", "backups"});
    REQUIRE(list.code == 0);
    const auto j = json::parse(list.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["kind"] == "manual");
    CHECK(j[0]["verified"] == true);
    const std::string file = j[0]["file"];
    CHECK(fs::path(file).parent_path() == f.dir.path() / "backups");

    const auto clean = f.run({"check"});
    CHECK(clean.code == 0);
    CHECK(clean.out.find("aucun problème trouvé") != std::string::npos);

    // A junk file is refused, in French, and the database stays.
    write_file(f.dir.path() / "junk.db.zst", "pas une sauvegarde");
    const auto junk = f.run({"restore", (f.dir.path() / "junk.db.zst").string()});
    CHECK(junk.code == 2);
    CHECK(junk.err.find("Cette sauvegarde ne peut pas être restaurée") != std::string::npos);
    CHECK(f.run({"member", "list"}).code == 0);

    // Deleted by mistake: no command starts an empty database over it (its backups say it
    // existed); `etabli restore` and the backup bring it back.
    const auto members = f.run({"member", "list"}).out;
    fs::remove(f.db);
    fs::remove(f.db + "-wal");
    fs::remove(f.db + "-shm");
    const auto missing = f.run({"member", "list"});
    CHECK(missing.code == 3);
    CHECK(missing.err.find("a disparu, mais elle a des sauvegardes") != std::string::npos);
    CHECK_FALSE(fs::exists(f.db));
    const auto r = f.run({"restore", file});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("restaurée comme") != std::string::npos);
    CHECK(f.run({"member", "list"}).out == members);
    CHECK(f.run({"check"}).code == 0);

    // `backup --to` a folder of one's own: out of the rotation, listed nowhere else.
    const auto to = f.run({"backup", "--to", (f.dir.path() / "clef").string()});
    REQUIRE(to.code == 0);
    CHECK(db_files_in(f.dir.path() / "clef") == 1);
}

TEST_CASE("through a running service: the nightly backup at start, a backup and a check through it, a restore while it runs") {
    Files f;
    REQUIRE(f.run({"init", "--demo"}).code == 0);
    // The second disk of the configuration is there; the USB stick is not.
    fs::create_directories(f.dir.path() / "disque2");
    write_file(f.dir.path() / "etabli.toml", "[backup]\ncopy_to = \"disque2\"\nusb_label = \"ETABLI-SAUV\"\n");
    const std::vector<std::string> env{"ETABLI_DISK_BY_LABEL=" + (f.dir.path() / "no-such-dir").string()};
    auto config = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--config", (f.dir.path() / "etabli.toml").string()});
        return f.run(args, env);
    };
    auto p = spawn_etabli(f.dir.path(), "serve",
                          {"--db", f.db, "--config", (f.dir.path() / "etabli.toml").string(), "serve", "--socket", f.socket.string()},
                          {"ETABLI_SOCKET=" + f.socket.string(), env[0]});
    f.started.add(p.pid);
    REQUIRE(wait_ready(f.socket));
    // The station was never backed up: it does it at once, here and on the second disk.
    for (int i = 0; i < 100 && db_files_in(f.dir.path() / "disque2") == 0; ++i) std::this_thread::sleep_for(milliseconds(50));
    CHECK(count_of(config({"backups"}).out, "nocturne") == 2);

    const auto b = config({"backup"});
    INFO(b.err);
    REQUIRE(b.code == 0);
    CHECK(b.out.find("Copie sur ") != std::string::npos);
    CHECK(b.out.find("ETABLI-SAUV : le disque n'est pas branché") != std::string::npos);
    CHECK(config({"check"}).code == 0);

    const auto members = config({"member", "list"}).out;
    REQUIRE(config({"member", "add", "--name", "Après la sauvegarde"}).code == 0);
    const auto listed = config({"--json", "backups"});
    INFO(listed.out);
    INFO(listed.err);
    const auto list = json::parse(listed.out);
    // The newest in the folder (the nightly one and the manual one may share their second; the
    // rotation keeps one of them): taken before the member was added.
    std::string manual;
    for (const auto& x : list)
        if (manual.empty() && fs::path(x["file"].get<std::string>()).parent_path() == f.dir.path() / "backups") manual = x["file"];
    REQUIRE_FALSE(manual.empty());

    // The database file is deleted while the station runs; a restore through it brings the
    // backup back and the station starts again on it (same process, exec'ed).
    fs::remove(f.db);
    const auto r = config({"restore", manual});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("La station tourne de nouveau, sur les données restaurées") != std::string::npos);
    CHECK(r.out.find("L'ancienne base est gardée") == std::string::npos);  // it had been deleted: nothing aside
    CHECK(config({"member", "list"}).out == members);
    CHECK(config({"check"}).code == 0);
    CHECK(kill(p.pid, 0) == 0);  // the same process serves
    const auto d = stop_proc(p);
    CHECK(d.code == 0);
    CHECK(d.err.find("restored ") != std::string::npos);
}
