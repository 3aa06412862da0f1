/* Character backends: null, file, stdio (raw terminal with Ctrl-A escapes),
 * pty, and plain descriptors.  See chardev.h. */
#define _GNU_SOURCE
#include "system/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "hw/machine.h"
#include "system/options.h"

/* ---- the terminal (process state) ---- */

static struct {
    Chardev *owner;             /* the stdio chardev reading stdin */
    bool raw;                   /* stdin is in raw mode: restore `orig` */
    struct termios orig, rawtio;
    bool handlers;
    struct sigaction old[NSIG];
} term;

static const int term_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV,
                                    SIGBUS, SIGFPE, SIGILL };

/* Async-signal-safe. */
static void term_restore(void)
{
    if (term.raw)
        tcsetattr(0, TCSANOW, &term.orig);
}

static void term_on_signal(int sig)
{
    term_restore();
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
        static const char msg[] = "\ntandem: terminating on signal\n";
        ssize_t r = write(2, msg, sizeof msg - 1);
        (void)r;
    }
    /* Hand the signal to whoever had it before (default: terminate, core). */
    sigaction(sig, &term.old[sig], NULL);
    raise(sig);
}

static void term_on_tstp(int sig)
{
    (void)sig;
    term_restore();
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigaction(SIGTSTP, &dfl, NULL);
    raise(SIGTSTP);             /* delivered (stopping us) when this returns */
}

static void term_on_cont(int sig)
{
    (void)sig;
    if (term.raw)
        tcsetattr(0, TCSANOW, &term.rawtio);
    struct sigaction sa = { .sa_handler = term_on_tstp };
    sigaction(SIGTSTP, &sa, NULL);
}

static void term_atexit(void)
{
    term_restore();
}

static void term_install_handlers(void)
{
    if (term.handlers)
        return;
    term.handlers = true;
    for (size_t i = 0; i < sizeof term_signals / sizeof term_signals[0]; i++) {
        int sig = term_signals[i];
        struct sigaction sa = { .sa_handler = term_on_signal };
        sigemptyset(&sa.sa_mask);
        sigaction(sig, &sa, &term.old[sig]);
        /* A signal ignored when we started (SIGINT/SIGQUIT of a background
         * job) stays ignored: catching it would restore the terminal and
         * then carry on running in cooked mode. */
        if (term.old[sig].sa_handler == SIG_IGN)
            sigaction(sig, &term.old[sig], NULL);
    }
    struct sigaction ts = { .sa_handler = term_on_tstp }, tc = { .sa_handler = term_on_cont };
    sigaction(SIGTSTP, &ts, NULL);
    sigaction(SIGCONT, &tc, NULL);
    atexit(term_atexit);
}

/* Raw input as QEMU's stdio gives it: no echo, no line editing, no CR/LF
 * translation; output post-processing stays on (LF -> CRLF), so lines from
 * a debug console sharing the terminal do not staircase.  With signals,
 * Ctrl-C/Ctrl-Z/Ctrl-\ stay with the terminal; without, they go to the guest. */
static void term_set_raw(bool signals)
{
    if (term.raw || tcgetattr(0, &term.orig) < 0)
        return;
    struct termios t = term.orig;
    t.c_iflag &= (tcflag_t) ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST;
    t.c_lflag &= (tcflag_t) ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!signals)
        t.c_lflag &= (tcflag_t)~ISIG;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    term.rawtio = t;
    term_install_handlers();
    term.raw = true;
    tcsetattr(0, TCSANOW, &t);
}

static void term_unset_raw(void)
{
    term_restore();
    term.raw = false;
}

/* ---- opening ---- */

static Chardev *chr_new(ChardevKind kind, const char *label)
{
    Chardev *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->kind = kind;
    c->out_fd = -1;
    c->in_fd = -1;
    c->pty_slave = -1;
    snprintf(c->label, sizeof c->label, "%s", label ? label : "");
    return c;
}

/* Writing to a closed pipe or a hung-up terminal gives EPIPE/EIO, not death. */
static void ignore_sigpipe(void)
{
    struct sigaction sa = { .sa_handler = SIG_IGN };
    sigaction(SIGPIPE, &sa, NULL);
}

static Chardev *chr_file(const char *path, const char *label)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "tandem: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    ignore_sigpipe();
    Chardev *c = chr_new(CHR_FILE, label);
    c->out_fd = fd;
    c->own_fds = true;
    return c;
}

static Chardev *chr_stdio(bool signals, const char *label)
{
    ignore_sigpipe();
    Chardev *c = chr_new(CHR_STDIO, label);
    c->out_fd = 1;
    c->in_fd = 0;
    c->mux = true;
    c->signals = signals;
    c->in_is_tty = isatty(0);
    return c;
}

static Chardev *chr_pty(const char *label)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
        fprintf(stderr, "tandem: cannot create a pseudo-terminal: %s\n", strerror(errno));
        if (master >= 0)
            close(master);
        return NULL;
    }
    Chardev *c = chr_new(CHR_PTY, label);
    if (ptsname_r(master, c->pty_path, sizeof c->pty_path) != 0) {
        fprintf(stderr, "tandem: cannot name the pseudo-terminal: %s\n", strerror(errno));
        close(master);
        free(c);
        return NULL;
    }
    /* We keep the slave open ourselves: the master never sees a hang-up
     * when a client comes and goes, and output written before anyone
     * connects waits in the pty (about 64 KiB on Linux) instead of being
     * lost.  The line is raw: bytes pass unchanged and nothing echoes. */
    int slave = open(c->pty_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios t;
    if (slave < 0 || tcgetattr(slave, &t) < 0) {
        fprintf(stderr, "tandem: cannot open '%s': %s\n", c->pty_path, strerror(errno));
        if (slave >= 0)
            close(slave);
        close(master);
        free(c);
        return NULL;
    }
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    ignore_sigpipe();
    c->in_fd = c->out_fd = master;
    c->pty_slave = slave;
    c->own_fds = true;
    c->in_is_tty = false;       /* a program on the other end: flow control */
    fprintf(stderr, "char device redirected to %s (label %s)\n", c->pty_path,
            c->label[0] ? c->label : "pty");
    return c;
}

Chardev *chardev_open_spec_label(const char *spec, const char *label)
{
    if (!strncmp(spec, "file:", 5)) {
        if (!spec[5]) {
            fprintf(stderr, "tandem: '%s': file: needs a path\n", spec);
            return NULL;
        }
        return chr_file(spec + 5, label);
    }
    if (!strcmp(spec, "stdio"))
        return chr_stdio(true, label);
    /* mon:stdio (QEMU's -nographic console): the terminal, Ctrl-C to the guest */
    if (!strcmp(spec, "stdio,signal=off") || !strcmp(spec, "mon:stdio"))
        return chr_stdio(false, label);
    if (!strcmp(spec, "pty"))
        return chr_pty(label);
    if (!strcmp(spec, "null") || !strcmp(spec, "none"))
        return chr_new(CHR_NULL, label);
    fprintf(stderr, "tandem: unknown character device '%s' (use null, file:PATH, stdio or pty)\n", spec);
    return NULL;
}

Chardev *chardev_open_spec(const char *spec)
{
    return chardev_open_spec_label(spec, NULL);
}

/* Value of key=... in a comma-separated option string, copied to buf. */
static bool opt_get(const char *opts, const char *key, char *buf, size_t len)
{
    size_t kl = strlen(key);
    for (const char *p = opts; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > kl && !strncmp(p, key, kl) && p[kl] == '=') {
            size_t vl = n - kl - 1;
            if (vl >= len)
                vl = len - 1;
            memcpy(buf, p + kl + 1, vl);
            buf[vl] = 0;
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

Chardev *chardev_open_opts(const char *opts)
{
    char id[32], path[1024], sig[8];
    size_t bl = strcspn(opts, ",");
    if (!opt_get(opts, "id", id, sizeof id)) {
        fprintf(stderr, "tandem: -chardev %s: missing id=\n", opts);
        return NULL;
    }
    Chardev *c = NULL;
    if (bl == 4 && !strncmp(opts, "file", 4)) {
        if (!opt_get(opts, "path", path, sizeof path)) {
            fprintf(stderr, "tandem: -chardev %s: file needs path=\n", opts);
            return NULL;
        }
        c = chr_file(path, id);
    } else if (bl == 5 && !strncmp(opts, "stdio", 5)) {
        c = chr_stdio(!(opt_get(opts, "signal", sig, sizeof sig) && !strcmp(sig, "off")), id);
    } else if (bl == 4 && !strncmp(opts, "null", 4)) {
        c = chr_new(CHR_NULL, id);
    } else if (bl == 3 && !strncmp(opts, "pty", 3)) {
        c = chr_pty(id);
    } else {
        fprintf(stderr, "tandem: -chardev %s: unknown backend (file, stdio, pty, null)\n", opts);
        return NULL;
    }
    if (c)
        snprintf(c->id, sizeof c->id, "%s", id);
    return c;
}

Chardev *chardev_open_fds(int in_fd, int out_fd, bool mux)
{
    Chardev *c = chr_new(CHR_FD, "fd");
    c->in_fd = in_fd;
    c->out_fd = out_fd;
    c->mux = mux;
    c->in_is_tty = in_fd >= 0 && isatty(in_fd);
    return c;
}

int chardev_serial_specs(const Config *cfg, const char *specs[4])
{
    int n = 0;
    for (int i = 0; i < cfg->nserials && i < 4; i++)
        if (strcmp(cfg->serials[i], "none"))
            specs[n++] = cfg->serials[i];
    if (!cfg->nserials)
        specs[n++] = cfg->nographic ? "stdio,signal=off" : "null";
    return n;
}

/* ---- input ---- */

const char *chr_mux_help(void)
{
    return "\n"
           "C-a h    print this help\n"
           "C-a x    exit the emulator\n"
           "C-a c    switch between console and monitor\n"
           "C-a b    send a break\n"
           "C-a C-a  send C-a\n";
}

MuxAction chr_mux_byte(ChrMux *x, uint8_t b)
{
    if (!x->escape) {
        if (b == CHR_ESCAPE) {
            x->escape = true;
            return MUX_NONE;
        }
        return MUX_SEND;
    }
    x->escape = false;
    switch (b) {
    case CHR_ESCAPE:
        return MUX_SEND;
    case 'x':
    case 'X':
        return MUX_QUIT;
    case 'h':
    case 'H':
    case '?':
        return MUX_HELP;
    case 'c':
    case 'C':
        return MUX_MONITOR;
    case 'b':
    case 'B':
        return MUX_BREAK;
    default:
        return MUX_NONE;
    }
}

static void chr_puts(Chardev *c, const char *s)
{
    chardev_write(c, (const uint8_t *)s, strlen(s));
}

static void mux_action(Chardev *c, MuxAction a)
{
    switch (a) {
    case MUX_QUIT:
        chr_puts(c, "\ntandem: terminated (C-a x)\n");
        if (c->m)
            machine_request_exit(c->m, 0);
        break;
    case MUX_HELP:
        chr_puts(c, chr_mux_help());
        break;
    case MUX_MONITOR:
        if (!c->mon_fe) {
            chr_puts(c, "\ntandem: no monitor on this terminal\n");
            break;
        }
        c->mon_focus = !c->mon_focus;
        if (c->mon_fe->event)
            c->mon_fe->event(c->mon_opaque, c->mon_focus ? CHR_EVENT_MUX_IN : CHR_EVENT_MUX_OUT);
        break;      /* back to the device: chr_readable() delivers what waits */
    case MUX_BREAK:
        if (c->fe && c->fe->event)
            c->fe->event(c->fe_opaque, CHR_EVENT_BREAK);
        break;
    default:
        break;
    }
}

static void chr_readable(void *opaque);

static void chr_watch(Chardev *c, bool on)
{
    if (on == c->watched || !c->m || c->in_fd < 0)
        return;
    if (on)
        machine_watch_fd(c->m, c->in_fd, chr_readable, c);
    else
        machine_unwatch_fd(c->m, c->in_fd);
    c->watched = on;
}

/* Hands held input to the frontend as far as it can take it. */
static void chr_deliver(Chardev *c)
{
    while (c->in_len && c->fe && !c->mon_focus) {
        int room = c->fe->can_receive(c->fe_opaque);
        if (room <= 0)
            break;
        uint8_t tmp[CHR_INBUF];
        size_t k = (size_t)room < c->in_len ? (size_t)room : c->in_len;
        /* Take the bytes out first: receive() may come back here. */
        memcpy(tmp, c->inbuf + c->in_head, k);
        c->in_head += k;
        c->in_len -= k;
        if (!c->in_len)
            c->in_head = 0;
        c->fe->receive(c->fe_opaque, tmp, k);
    }
}

static void chr_readable(void *opaque)
{
    Chardev *c = opaque;
    if (c->in_head) {
        memmove(c->inbuf, c->inbuf + c->in_head, c->in_len);
        c->in_head = 0;
    }
    size_t want = CHR_INBUF - c->in_len;
    if (!want)
        want = 64;  /* a terminal: keep reading so C-a x works; the guest's bytes are lost */
    uint8_t buf[CHR_INBUF];
    ssize_t n = read(c->in_fd, buf, want);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        c->in_eof = true;           /* end of input (or a dead descriptor) */
        chr_watch(c, false);
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        if (c->mux) {
            MuxAction a = chr_mux_byte(&c->muxst, buf[i]);
            if (a != MUX_SEND) {
                mux_action(c, a);
                continue;
            }
        }
        if (c->mon_focus) {
            c->mon_fe->receive(c->mon_opaque, &buf[i], 1);
            continue;
        }
        if (c->in_len < CHR_INBUF)
            c->inbuf[c->in_len++] = buf[i];
    }
    chr_deliver(c);
    if (c->in_len == CHR_INBUF && !c->in_is_tty)
        chr_watch(c, false);    /* a pipe or file: wait until the guest reads */
}

int chardev_attach(Chardev *c, Machine *m, const ChrFrontend *fe, void *opaque)
{
    if (c->kind == CHR_STDIO && c->in_fd >= 0) {
        if (term.owner) {
            fprintf(stderr, "tandem: %s: stdio is already in use by %s\n",
                    c->label[0] ? c->label : c->id, term.owner->label[0] ? term.owner->label : term.owner->id);
            return -1;
        }
        term.owner = c;
        if (c->in_is_tty) {
            term_set_raw(c->signals);
            c->raw_tty = true;
        }
    }
    c->m = m;
    c->fe = fe;
    c->fe_opaque = opaque;
    if (!c->in_eof)
        chr_watch(c, true);
    return 0;
}

void chardev_set_mux_monitor(Chardev *c, const ChrFrontend *fe, void *opaque)
{
    c->mon_fe = fe;
    c->mon_opaque = opaque;
    c->mon_focus = false;
}

Chardev *chardev_stdio_owner(void)
{
    return term.owner;
}

void chardev_accept_input(Chardev *c)
{
    if (!c)
        return;
    chr_deliver(c);
    if (!c->in_eof && c->in_len < CHR_INBUF)
        chr_watch(c, true);
}

/* ---- output ---- */

void chardev_write(Chardev *c, const uint8_t *buf, size_t len)
{
    if (!c || c->out_fd < 0)
        return;
    while (len) {
        ssize_t n = write(c->out_fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd p = { .fd = c->out_fd, .events = POLLOUT };
                if (c->kind == CHR_PTY)
                    return;     /* nobody reads the pty: dropped */
                poll(&p, 1, 100);
                continue;
            }
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

bool chardev_try_write(Chardev *c, uint8_t byte)
{
    if (!c || c->out_fd < 0)
        return true;
    if (c->kind != CHR_FILE && c->kind != CHR_PTY) {
        struct pollfd p = { .fd = c->out_fd, .events = POLLOUT };
        if (poll(&p, 1, 0) == 1 && !(p.revents & POLLOUT) && (p.revents & (POLLERR | POLLHUP | POLLNVAL)))
            return true;        /* a broken descriptor: the byte is lost */
        if (!(p.revents & POLLOUT))
            return false;
    }
    for (;;) {
        ssize_t n = write(c->out_fd, &byte, 1);
        if (n == 1) {
            c->wrote = true;
            return true;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return c->kind == CHR_PTY;   /* a pty nobody reads drops; others wait */
        return true;                    /* EPIPE, EIO...: lost, as on a cut line */
    }
}

void chardev_close(Chardev *c)
{
    if (!c)
        return;
    chr_watch(c, false);
    if (term.owner == c) {
        if (c->raw_tty)
            term_unset_raw();
        term.owner = NULL;
    }
    if (c->kind == CHR_PTY && c->wrote) {
        /* Linux moves what the master wrote to the slave's input
         * asynchronously; closing the master first can lose the last bytes
         * a client has not seen yet (the guest's goodbye).  Give it 50 ms. */
        struct timespec ts = { 0, 50000000 };
        nanosleep(&ts, NULL);
    }
    if (c->own_fds) {
        if (c->out_fd >= 0)
            close(c->out_fd);
        if (c->in_fd >= 0 && c->in_fd != c->out_fd)
            close(c->in_fd);
    }
    if (c->pty_slave >= 0)
        close(c->pty_slave);
    free(c);
}
