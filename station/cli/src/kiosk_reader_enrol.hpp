// Reader enrolment from the kiosk, wired for `etabli kiosk`: hw's ReaderEnrolWorker set as
// the Station's ReaderEnroller before Station::start() (through Context::before_start, after
// what is already there), binding the captured reader into etabli.toml (the same write-back as
// `etabli devices enrol`) and restarting the station's readers so that it works at once.
// Layer: cli. Main thread; bind and reload run on the worker's thread.
#pragma once

#include "context.hpp"

#include <etabli/hw/reader_enrol.hpp>

#include <functional>
#include <memory>
#include <mutex>

namespace etabli::cli {

class KioskReaderEnrolment {
public:
    KioskReaderEnrolment(Context& ctx, app::Station& station);
    // Called after a reader was written to etabli.toml (worker thread): restarts the readers.
    void set_reload(std::function<void()> reload);
    // Stops a capture in progress and refuses new ones; call before the Station is destroyed
    // (answers are posted to the Station, and the Station drains its inbox when it stops).
    void cancel() { m_worker.shutdown(); }
    app::ReaderEnroller& worker() { return m_worker; }

private:
    std::mutex m_mutex;  // m_reload
    std::function<void()> m_reload;
    hw::ReaderEnrolWorker m_worker;
};

// Chains onto ctx.before_start: makes the enrolment for the station being opened and keeps it
// with the station's attachments; `out` points at it.
void wire_reader_enrolment(Context& ctx, std::shared_ptr<KioskReaderEnrolment>& out);

}  // namespace etabli::cli
