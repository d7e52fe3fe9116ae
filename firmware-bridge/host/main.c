/* etabli-controller-host: the controller firmware as an ordinary process, for fast tests and
 * `etabli kiosk --demo`. Runs the same fw_core as the AVR on a pty it creates (its slave path is
 * the first line on stdout) or on an inherited descriptor (--fd N), and reads a control channel
 * on stdin, one command a line, answers on stdout:
 *
 *     current CH MA      set the current sensed on channel CH (mA)       -> ok
 *     feedback CH 0|1    set the feedback input of channel CH            -> ok
 *     relays?            relay outputs                                   -> relays 0 1 0 0
 *     status?            boot id, protocol errors, dropped frames        -> status boot=... 
 *     reset              reboot (new boot id, relays open)               -> ok boot XXXXXXXX
 *     quit               exit                                            -> (none)
 *
 * End of file on stdin ends the process (its parent is gone), unless --no-control.
 * Layer: firmware-bridge/host, C99 + POSIX. Single-threaded: one poll() loop. */
#define _XOPEN_SOURCE 600
#define _DEFAULT_SOURCE /* cfmakeraw */
#include "fw_host.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static void usage(void) {
    fprintf(stderr,
            "usage: etabli-controller-host [--fd N] [--channels 1..4] [--seed N] [--no-control]\n"
            "  without --fd, creates a pty and prints its slave path on the first line\n");
}

static int parse_uint(const char* s, unsigned long max, unsigned long* out) {
    char* end = NULL;
    unsigned long v;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

/* Creates the pty. The slave stays open here too, so the master never reads EIO while the
 * station has not opened it yet or reopens it (a reconnect test), and the line is raw. */
static int open_pty(int* slave_out) {
    struct termios t;
    const char* name;
    int slave;
    const int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 || (name = ptsname(master)) == NULL) {
        return -1;
    }
    slave = open(name, O_RDWR | O_NOCTTY);
    if (slave < 0) {
        return -1;
    }
    if (tcgetattr(slave, &t) == 0) {
        cfmakeraw(&t);
        (void)tcsetattr(slave, TCSANOW, &t);
    }
    printf("%s\n", name);
    fflush(stdout);
    *slave_out = slave;
    return master;
}

static void control_line(fw_host* h, char* line, int* quit) {
    unsigned ch = 0;
    unsigned long value = 0;
    char word[16];
    char arg[24];
    const int n = sscanf(line, "%15s %u %23s", word, &ch, arg);
    if (n >= 1 && strcmp(word, "relays?") == 0) {
        uint8_t i;
        printf("relays");
        for (i = 0; i < fw_host_core(h)->channels; ++i) {
            printf(" %u", (unsigned)fw_host_relay(h, i));
        }
        printf("\n");
    } else if (n >= 1 && strcmp(word, "status?") == 0) {
        const fw_core* c = fw_host_core(h);
        printf("status boot=%08lx channels=%u protocol_errors=%lu dropped=%u\n", (unsigned long)c->boot_id,
               (unsigned)c->channels, (unsigned long)c->protocol_errors, (unsigned)c->rx.dropped);
    } else if (n >= 1 && strcmp(word, "reset") == 0) {
        fw_host_reset(h, ETB_RESET_SOFTWARE);
        printf("ok boot %08lx\n", (unsigned long)fw_host_boot_id(h));
    } else if (n >= 1 && strcmp(word, "quit") == 0) {
        *quit = 1;
    } else if (n == 3 && strcmp(word, "current") == 0 && ch < ETB_MAX_CHANNELS &&
               parse_uint(arg, 65535ul, &value) == 0) {
        fw_host_set_current(h, (uint8_t)ch, (uint16_t)value);
        printf("ok\n");
    } else if (n == 3 && strcmp(word, "feedback") == 0 && ch < ETB_MAX_CHANNELS &&
               parse_uint(arg, 1ul, &value) == 0) {
        fw_host_set_feedback(h, (uint8_t)ch, (uint8_t)value);
        printf("ok\n");
    } else if (n >= 1) {
        printf("error: unknown command\n");
    }
    fflush(stdout);
}

int main(int argc, char** argv) {
    fw_host_options opt;
    fw_host* h;
    int slave = -1;
    int control = 1;
    int quit = 0;
    int i;
    char line[128];
    size_t line_len = 0;

    memset(&opt, 0, sizeof opt);
    opt.fd = -1;
    opt.channels = 4;
    for (i = 1; i < argc; ++i) {
        unsigned long v = 0;
        if (strcmp(argv[i], "--fd") == 0 && i + 1 < argc && parse_uint(argv[i + 1], 65535ul, &v) == 0) {
            opt.fd = (int)v;
            ++i;
        } else if (strcmp(argv[i], "--channels") == 0 && i + 1 < argc &&
                   parse_uint(argv[i + 1], ETB_MAX_CHANNELS, &v) == 0 && v >= 1u) {
            opt.channels = (uint8_t)v;
            ++i;
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc &&
                   parse_uint(argv[i + 1], 0xFFFFFFFFul, &v) == 0) {
            opt.seed = (uint32_t)v;
            ++i;
        } else if (strcmp(argv[i], "--no-control") == 0) {
            control = 0;
        } else {
            usage();
            return 2;
        }
    }
    if (opt.fd < 0) {
        opt.fd = open_pty(&slave);
        if (opt.fd < 0) {
            perror("etabli-controller-host: pty");
            return 1;
        }
    }
    h = fw_host_create(&opt);
    if (h == NULL) {
        return 1;
    }
    while (!quit) {
        struct pollfd p[2];
        nfds_t np = 1;
        p[0].fd = opt.fd;
        p[0].events = POLLIN;
        p[0].revents = 0;
        if (control) {
            p[1].fd = STDIN_FILENO;
            p[1].events = POLLIN;
            p[1].revents = 0;
            np = 2;
        }
        /* 1 ms: the core's timers have millisecond resolution. */
        if (poll(p, np, 1) < 0 && errno != EINTR) {
            break;
        }
        if (fw_host_poll(h) != 0 && slave < 0) {
            break; /* inherited fd closed: the station is gone */
        }
        if (control && (p[1].revents & (POLLIN | POLLHUP))) {
            char buf[128];
            const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
            ssize_t k;
            if (n <= 0) {
                if (n < 0 && errno == EINTR) {
                    continue;
                }
                break;
            }
            for (k = 0; k < n; ++k) {
                if (buf[k] == '\n') {
                    line[line_len] = '\0';
                    control_line(h, line, &quit);
                    line_len = 0;
                } else if (line_len + 1u < sizeof line) {
                    line[line_len++] = buf[k];
                }
            }
        }
    }
    fw_host_destroy(h);
    if (slave >= 0) {
        close(slave);
    }
    return 0;
}
