// smtp_send (smtp.hpp) on libcurl's SMTP. Layer: cli.
#include "smtp.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace etabli::cli {

namespace {

struct Upload {
    const std::string* text;
    std::size_t at = 0;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* u = static_cast<Upload*>(user);
    const std::size_t n = std::min(size * count, u->text->size() - u->at);
    std::memcpy(buffer, u->text->data() + u->at, n);
    u->at += n;
    return n;
}

int progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* cancel = static_cast<const std::atomic<bool>*>(user);
    return cancel && cancel->load() ? 1 : 0;  // non-zero: curl stops with CURLE_ABORTED_BY_CALLBACK
}

// What a server's reply text may hold is the server's: printable ASCII only, bounded.
std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 300)) out += (c >= 0x20 && c < 0x7F) ? c : ' ';
    return out;
}

}  // namespace

SmtpResult smtp_send(const core::SmtpConfig& cfg, const std::string& password, const std::string& to, const std::string& message,
                     const std::atomic<bool>* cancel) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    SmtpResult r;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), &curl_easy_cleanup);
    if (!h) {
        r.error = "cannot start the mail client";
        return r;
    }
    CURL* c = h.get();
    char errbuf[CURL_ERROR_SIZE] = {};
    const std::string from = "<" + cfg.from.address + ">";
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt_guard(rcpt, &curl_slist_free_all);
    Upload up{&message};
    curl_easy_setopt(c, CURLOPT_URL, cfg.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for the timeouts
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(cfg.timeout_s));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min(cfg.timeout_s, 15)));
    if (cfg.url.starts_with("smtp://") && cfg.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!cfg.user.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, cfg.user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));
    const CURLcode res = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    r.code = code;
    if (res == CURLE_OK) {
        r.ok = true;
        return r;
    }
    r.error = printable(errbuf[0] ? errbuf : curl_easy_strerror(res));
    if (code > 0) r.error += " (server reply " + std::to_string(code) + ")";
    r.permanent = code == 550 || code == 551 || code == 553;
    return r;
}

}  // namespace etabli::cli
