/* The monitor's consoles: the terminal (its own stdio chardev, or the
 * serial port's through Ctrl-A c) and unix sockets; line input with minimal
 * editing (backspace, Ctrl-U, history on up/down) on terminals. */
#define _GNU_SOURCE
#include "monitor/monitor-int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "system/chardev.h"

#define MON_BANNER "Tandem monitor - type 'help' for more information\n"

/* ---- output ---- */

static void sess_write(MonSession *s, const char *buf, size_t len)
{
    if (s->chr) {
        chardev_write(s->chr, (const uint8_t *)buf, len);
        return;
    }
    while (s->fd >= 0 && len) {
        ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            /* A slow reader: wait a little, never forever. */
            struct pollfd p = { .fd = s->fd, .events = POLLOUT };
            if (poll(&p, 1, 1000) <= 0)
                return;
            continue;
        }
        if (n <= 0)
            return;         /* the client went away: its hang-up closes it */
        buf += n;
        len -= (size_t)n;
    }
}

static void sess_puts(MonSession *s, const char *text)
{
    sess_write(s, text, strlen(text));
}

void mon_broadcast(Monitor *mon, const char *text)
{
    for (int i = 0; i < mon->nsess; i++) {
        MonSession *s = mon->sess[i];
        if (!s->active)
            continue;
        sess_puts(s, "\n");
        sess_puts(s, text);
        sess_puts(s, MON_PROMPT);
        if (s->echo)
            sess_write(s, s->line, s->len);     /* the line being typed */
    }
}

/* ---- line input ---- */

static void run_line(MonSession *s)
{
    s->line[s->len] = 0;
    if (s->len && (!s->nhist || strcmp(s->hist[(s->nhist - 1) % MON_HISTORY], s->line)))
        strcpy(s->hist[s->nhist++ % MON_HISTORY], s->line);
    s->hpos = s->nhist;
    char *buf = NULL;
    size_t blen = 0;
    FILE *out = open_memstream(&buf, &blen);
    if (!out)
        return;
    char line[MON_LINE_MAX];
    memcpy(line, s->line, s->len + 1);
    s->len = 0;
    mon_execute(s->mon, out, line);
    fclose(out);
    sess_write(s, buf, blen);
    free(buf);
    if (s->active)
        sess_puts(s, MON_PROMPT);
}

static void erase_line(MonSession *s)
{
    for (size_t i = 0; i < s->len; i++)
        sess_puts(s, "\b \b");
    s->len = 0;
}

/* Up (-1) / down (+1) through the history. */
static void history_move(MonSession *s, int dir)
{
    int oldest = s->nhist > MON_HISTORY ? s->nhist - MON_HISTORY : 0;
    int pos = s->hpos + dir;
    if (pos < oldest || pos > s->nhist)
        return;
    s->hpos = pos;
    erase_line(s);
    if (pos < s->nhist) {
        s->len = strlen(s->hist[pos % MON_HISTORY]);
        memcpy(s->line, s->hist[pos % MON_HISTORY], s->len);
        sess_write(s, s->line, s->len);
    }
}

/* ESC [ ... final: arrows up/down walk the history, the rest is ignored. */
static void escape_byte(MonSession *s, uint8_t b)
{
    if (s->esc == 1) {
        s->esc = (b == '[' || b == 'O') ? 2 : 0;
        return;
    }
    if (b >= 0x40 && b <= 0x7e) {
        s->esc = 0;
        if (b == 'A' || b == 'B')
            history_move(s, b == 'A' ? -1 : 1);
    }
}

static void sess_input(MonSession *s, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t b = buf[i];
        bool cr = s->last_cr;
        s->last_cr = b == '\r';
        if (s->esc) {
            escape_byte(s, b);
        } else if (b == '\r' || b == '\n') {
            if (b == '\n' && cr)
                continue;           /* CR LF: one line */
            if (s->echo)
                sess_puts(s, "\n");
            run_line(s);
        } else if (b == 0x7f || b == '\b') {
            if (s->len) {
                s->len--;
                if (s->echo)
                    sess_puts(s, "\b \b");
            }
        } else if (b == 0x15) {     /* Ctrl-U */
            if (s->echo)
                erase_line(s);
            s->len = 0;
        } else if (b == 0x1b) {
            s->esc = 1;
        } else if (b >= 0x20 && b < 0x7f && s->len < MON_LINE_MAX - 1) {
            s->line[s->len++] = (char)b;
            if (s->echo)
                sess_write(s, (const char *)&b, 1);
        }
    }
}

static void sess_greet(MonSession *s)
{
    s->len = 0;
    s->esc = 0;
    sess_puts(s, MON_BANNER MON_PROMPT);
}

/* ---- terminal: own stdio chardev, or the serial port's mux ---- */

static int chr_can_receive(void *opaque)
{
    (void)opaque;
    return MON_LINE_MAX;
}

static void chr_receive(void *opaque, const uint8_t *buf, size_t len)
{
    sess_input(opaque, buf, len);
}

static void chr_event(void *opaque, ChrEvent ev)
{
    MonSession *s = opaque;
    if (ev == CHR_EVENT_MUX_IN) {
        s->active = true;
        sess_puts(s, "\n");
        sess_greet(s);
    } else if (ev == CHR_EVENT_MUX_OUT) {
        s->active = false;
        sess_puts(s, "\n");
    }
}

static const ChrFrontend mon_chr_fe = {
    .can_receive = chr_can_receive,
    .receive = chr_receive,
    .event = chr_event,
};

static MonSession *sess_new(Monitor *mon)
{
    if (mon->nsess == MON_MAX_SESSIONS) {
        fprintf(stderr, "tandem: too many monitors\n");
        return NULL;
    }
    MonSession *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->mon = mon;
    s->fd = s->listen_fd = -1;
    mon->sess[mon->nsess++] = s;
    return s;
}

static int open_stdio(Monitor *mon)
{
    Chardev *owner = chardev_stdio_owner();
    if (owner) {
        /* A serial port has the terminal: the monitor is behind C-a c
         * (QEMU's mon:stdio), already joined by monitor_create(). */
        return 0;
    }
    Chardev *c = chardev_open_spec_label("stdio", "monitor");
    MonSession *s = c ? sess_new(mon) : NULL;
    if (!s)
        return -1;
    s->chr = c;
    s->echo = c->in_is_tty;
    s->active = true;
    if (chardev_attach(c, mon->m, &mon_chr_fe, s) < 0)
        return -1;
    sess_greet(s);
    return 0;
}

/* ---- unix sockets ---- */

static void sock_accept(void *opaque);

static void sock_hangup(MonSession *s)
{
    machine_unwatch_fd(s->mon->m, s->fd);
    close(s->fd);
    s->fd = -1;
    s->active = false;
    machine_watch_fd(s->mon->m, s->listen_fd, sock_accept, s);
}

static void sock_readable(void *opaque)
{
    MonSession *s = opaque;
    uint8_t buf[512];
    ssize_t n = read(s->fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        sock_hangup(s);
        return;
    }
    sess_input(s, buf, (size_t)n);
}

/* One client at a time: the listener is not watched while one is connected. */
static void sock_start(MonSession *s, int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    s->fd = fd;
    s->active = true;
    s->last_cr = false;
    machine_watch_fd(s->mon->m, fd, sock_readable, s);
    sess_greet(s);
}

static void sock_accept(void *opaque)
{
    MonSession *s = opaque;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    machine_unwatch_fd(s->mon->m, s->listen_fd);
    sock_start(s, fd);
}

/* "unix:PATH,server[,nowait]" (QEMU's syntax; "server=on", "wait=off" too). */
static int open_unix(Monitor *mon, const char *spec)
{
    char path[108];
    const char *p = spec + 5;
    size_t n = strcspn(p, ",");
    bool server = false, nowait = false;
    for (const char *o = p + n; *o == ',';) {
        o++;
        size_t k = strcspn(o, ",");
        if ((k == 6 && !strncmp(o, "server", 6)) || (k == 9 && !strncmp(o, "server=on", 9)))
            server = true;
        else if ((k == 6 && !strncmp(o, "nowait", 6)) || (k == 8 && !strncmp(o, "wait=off", 8)))
            nowait = true;
        else {
            fprintf(stderr, "tandem: -monitor %s: unknown option '%.*s'\n", spec, (int)k, o);
            return -1;
        }
        o += k;
    }
    if (!n || n >= sizeof path || !server) {
        fprintf(stderr, "tandem: -monitor %s: %s\n", spec,
                !n ? "missing path" : n >= sizeof path ? "path too long" : "only server mode (unix:PATH,server,nowait)");
        return -1;
    }
    memcpy(path, p, n);
    path[n] = 0;
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    memcpy(sa.sun_path, path, n + 1);
    unlink(path);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1) < 0) {
        fprintf(stderr, "tandem: -monitor %s: %s\n", spec, strerror(errno));
        if (lfd >= 0)
            close(lfd);
        return -1;
    }
    MonSession *s = sess_new(mon);
    if (!s) {
        close(lfd);
        return -1;
    }
    s->listen_fd = lfd;
    memcpy(s->path, path, n + 1);
    if (!nowait) {
        /* QEMU's default: the machine starts when the monitor is there. */
        fprintf(stderr, "tandem: waiting for a connection on unix:%s\n", path);
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr, "tandem: -monitor %s: %s\n", spec, strerror(errno));
            return -1;
        }
        sock_start(s, fd);
        return 0;
    }
    machine_watch_fd(mon->m, lfd, sock_accept, s);
    return 0;
}

/* ---- lifecycle ---- */

static void on_debug(void *opaque)
{
    Monitor *mon = opaque;
    CpuState s;
    mon_cpu_state(mon, &s);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return;
    fprintf(out, "breakpoint hit, stopped at ");
    mon_disas_line(mon, out, mon_cpu_pc(&s), mon_cpu_bits(&s));
    fclose(out);
    mon_broadcast(mon, buf);
    free(buf);
}

Monitor *monitor_create(Machine *m)
{
    Monitor *mon = calloc(1, sizeof *mon);
    if (!mon)
        abort();
    mon->m = m;
    mon->last_fmt = 'x';
    mon->last_size = 4;
    m->on_debug = on_debug;
    m->on_debug_opaque = mon;
    Chardev *tty = chardev_stdio_owner();
    if (tty && tty->mux) {
        MonSession *s = sess_new(mon);
        s->chr = tty;
        s->echo = tty->in_is_tty;
        chardev_set_mux_monitor(tty, &mon_chr_fe, s);
    }
    return mon;
}

int monitor_open(Monitor *mon, const char *spec)
{
    if (!strcmp(spec, "none") || !strcmp(spec, "null"))
        return 0;
    if (!strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio"))
        return open_stdio(mon);
    if (!strncmp(spec, "unix:", 5))
        return open_unix(mon, spec);
    fprintf(stderr, "tandem: -monitor %s: unknown backend (stdio, unix:PATH,server,nowait, none)\n", spec);
    return -1;
}

void monitor_destroy(Monitor *mon)
{
    if (!mon)
        return;
    for (int i = 0; i < mon->nsess; i++) {
        MonSession *s = mon->sess[i];
        if (s->fd >= 0) {
            machine_unwatch_fd(mon->m, s->fd);
            close(s->fd);
        }
        if (s->listen_fd >= 0) {
            machine_unwatch_fd(mon->m, s->listen_fd);
            close(s->listen_fd);
            unlink(s->path);
        }
        if (s->chr && s->chr->mon_opaque == s)
            chardev_set_mux_monitor(s->chr, NULL, NULL);
        else if (s->chr)
            chardev_close(s->chr);
        free(s);
    }
    if (mon->m->on_debug_opaque == mon)
        mon->m->on_debug = NULL;
    free(mon);
}
