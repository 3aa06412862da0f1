/* Character backends without a device: the Ctrl-A escape state machine fed
 * byte by byte, then a multiplexed descriptor backend on pipes driven through
 * the machine's poll loop with a recording frontend (flow control, escapes,
 * end of input), non-blocking output, file and pty backends, and the -serial
 * defaults. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hw/machine.h"
#include "system/chardev.h"
#include "system/options.h"
#include "tests/unit/test.h"

/* ---- the escape state machine ---- */

static void test_mux_bytes(void)
{
    ChrMux x = { 0 };
    CHECK_EQ(chr_mux_byte(&x, 'a'), MUX_SEND);
    CHECK_EQ(chr_mux_byte(&x, 0x00), MUX_SEND);
    CHECK_EQ(chr_mux_byte(&x, 0x03), MUX_SEND);         /* Ctrl-C is data */
    CHECK_EQ(chr_mux_byte(&x, CHR_ESCAPE), MUX_NONE);
    CHECK(x.escape);
    CHECK_EQ(chr_mux_byte(&x, 'x'), MUX_QUIT);
    CHECK(!x.escape);
    CHECK_EQ(chr_mux_byte(&x, 'x'), MUX_SEND);          /* a plain x afterwards */
    CHECK_EQ(chr_mux_byte(&x, CHR_ESCAPE), MUX_NONE);
    CHECK_EQ(chr_mux_byte(&x, CHR_ESCAPE), MUX_SEND);   /* C-a C-a sends one C-a */
    CHECK_EQ(chr_mux_byte(&x, CHR_ESCAPE), MUX_NONE);   /* ... and starts nothing */
    CHECK_EQ(chr_mux_byte(&x, 'h'), MUX_HELP);
    CHECK_EQ(chr_mux_byte(&x, CHR_ESCAPE), MUX_NONE);
    CHECK_EQ(chr_mux_byte(&x, 'c'), MUX_MONITOR);
    CHECK_EQ(chr_mux_byte(&x, CHR_ESCAPE), MUX_NONE);
    CHECK_EQ(chr_mux_byte(&x, 'b'), MUX_BREAK);
    CHECK_EQ(chr_mux_byte(&x, CHR_ESCAPE), MUX_NONE);
    CHECK_EQ(chr_mux_byte(&x, 'z'), MUX_NONE);          /* unknown: swallowed */
    CHECK_EQ(chr_mux_byte(&x, 'z'), MUX_SEND);
    CHECK_EQ(chr_mux_byte(&x, CHR_ESCAPE), MUX_NONE);
    CHECK_EQ(chr_mux_byte(&x, 'X'), MUX_QUIT);
    const char *help = chr_mux_help();
    CHECK(strstr(help, "C-a x") && strstr(help, "C-a h") && strstr(help, "C-a c") &&
          strstr(help, "C-a C-a") && strstr(help, "C-a b"));
}

/* ---- a backend on pipes with a recording frontend ---- */

static Machine m;
static uint8_t got[16384];
static size_t ngot;
static int room;            /* what can_receive answers */
static int breaks;

static int fe_can_receive(void *opaque) { return room; }
static void fe_receive(void *opaque, const uint8_t *buf, size_t len)
{
    CHECK(len <= (size_t)room);
    memcpy(got + ngot, buf, len);
    ngot += len;
    room -= (int)len;
}
static void fe_event(void *opaque, ChrEvent ev)
{
    if (ev == CHR_EVENT_BREAK)
        breaks++;
}
static const ChrFrontend fe = { fe_can_receive, fe_receive, fe_event };

static size_t drain(int fd, char *buf, size_t cap)
{
    ssize_t n = read(fd, buf, cap - 1);
    buf[n > 0 ? n : 0] = 0;
    return n > 0 ? (size_t)n : 0;
}

static void test_mux_input(void)
{
    int in[2], out[2];
    if (pipe(in) < 0 || pipe(out) < 0)
        abort();
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    machine_init(&m);
    Chardev *c = chardev_open_fds(in[0], out[1], true);
    ngot = 0;
    room = 1000;
    breaks = 0;
    CHECK_EQ(chardev_attach(c, &m, &fe, NULL), 0);
    CHECK_EQ(m.nfds, 1);
    static const char s[] = "ab\x01\x01" "c\x01hd\x01" "ce\x01" "bf\x01zg";
    CHECK_EQ(write(in[1], s, sizeof s - 1), sizeof s - 1);
    machine_poll_fds(&m, 0);
    CHECK_EQ(ngot, 8);
    CHECK(!memcmp(got, "ab\x01" "cdef", 7) && got[7] == 'g');
    CHECK_EQ(breaks, 1);
    CHECK(!m.quit);
    char text[1024];
    drain(out[0], text, sizeof text);
    CHECK(strstr(text, "C-a x") != NULL);                   /* the help */
    CHECK(strstr(text, "no monitor on this terminal") != NULL);   /* C-a c, no monitor */
    /* C-a x ends the emulator with status 0. */
    m.exit_code = 7;
    CHECK_EQ(write(in[1], "\x01x", 2), 2);
    machine_poll_fds(&m, 0);
    CHECK(m.quit);
    CHECK_EQ(m.exit_code, 0);
    /* An escape split across reads still works. */
    m.quit = false;
    CHECK_EQ(write(in[1], "\x01", 1), 1);
    machine_poll_fds(&m, 0);
    CHECK(!m.quit);
    CHECK_EQ(write(in[1], "x", 1), 1);
    machine_poll_fds(&m, 0);
    CHECK(m.quit);

    /* Flow control: nothing is delivered while the frontend has no room;
     * a pipe is not read past the backend's buffer (the writer waits). */
    ngot = 0;
    room = 0;
    static uint8_t big[CHR_INBUF + 1000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)('A' + i % 26);
    CHECK_EQ(write(in[1], big, sizeof big), sizeof big);
    machine_poll_fds(&m, 0);
    CHECK_EQ(ngot, 0);
    CHECK_EQ(c->in_len, CHR_INBUF);
    CHECK_EQ(m.nfds, 0);                    /* stopped reading */
    machine_poll_fds(&m, 0);
    CHECK_EQ(c->in_len, CHR_INBUF);
    /* The frontend takes 10, then everything. */
    room = 10;
    chardev_accept_input(c);
    CHECK_EQ(ngot, 10);
    CHECK_EQ(m.nfds, 1);                    /* reading again */
    room = 100000;
    chardev_accept_input(c);
    machine_poll_fds(&m, 0);
    CHECK_EQ(ngot, sizeof big);
    CHECK(!memcmp(got, big, sizeof big));

    /* End of input: the descriptor leaves the poll set, nothing else. */
    close(in[1]);
    m.quit = false;
    machine_poll_fds(&m, 0);
    CHECK(c->in_eof);
    CHECK_EQ(m.nfds, 0);
    CHECK(!m.quit);
    chardev_accept_input(c);
    CHECK_EQ(m.nfds, 0);

    /* Output: a full pipe refuses without blocking, then takes it. */
    fcntl(out[1], F_SETFL, O_NONBLOCK);
    static uint8_t junk[1 << 16];
    while (write(out[1], junk, sizeof junk) > 0)
        ;
    CHECK(!chardev_try_write(c, 'q'));
    while (drain(out[0], text, sizeof text))
        ;
    CHECK(chardev_try_write(c, 'q'));
    CHECK_EQ(drain(out[0], text, sizeof text), 1);
    CHECK_EQ(text[0], 'q');
    /* The same with a blocking descriptor (a terminal or pipe on stdout):
     * asked first, never blocked in write (alarm() turns a hang into a failure). */
    while (write(out[1], junk, sizeof junk) > 0)
        ;
    fcntl(out[1], F_SETFL, 0);
    alarm(10);
    CHECK(!chardev_try_write(c, 'q'));
    alarm(0);
    while (drain(out[0], text, sizeof text))
        ;
    CHECK(chardev_try_write(c, 'q'));
    CHECK_EQ(drain(out[0], text, sizeof text), 1);
    /* Nobody reading: the byte is dropped, not an error or a hang. */
    close(out[0]);
    CHECK(chardev_try_write(c, 'r'));
    chardev_close(c);
    close(in[0]);
    close(out[1]);
    CHECK_EQ(m.nfds, 0);
    machine_destroy(&m);
}

/* A terminal keeps being read when the frontend is full, so C-a x works
 * even with a guest that never reads. */
static void test_tty_escape_when_full(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
        printf("# no pseudo-terminals: tty test skipped\n");
        return;
    }
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    struct termios t;
    tcgetattr(slave, &t);
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    machine_init(&m);
    Chardev *c = chardev_open_fds(slave, -1, true);
    CHECK(c->in_is_tty);
    ngot = 0;
    room = 0;
    chardev_attach(c, &m, &fe, NULL);
    static uint8_t big[CHR_INBUF + 100];
    memset(big, 'k', sizeof big);
    fcntl(master, F_SETFL, O_NONBLOCK);
    for (size_t off = 0, tries = 0; off < sizeof big && tries < 10000; tries++) {
        ssize_t n = write(master, big + off, sizeof big - off);
        if (n > 0)
            off += (size_t)n;
        machine_poll_fds(&m, 1000000);
    }
    for (int i = 0; i < 2000 && c->in_len < CHR_INBUF; i++)
        machine_poll_fds(&m, 1000000);  /* the pty delivers asynchronously */
    CHECK_EQ(c->in_len, CHR_INBUF);
    CHECK_EQ(m.nfds, 1);            /* still reading */
    CHECK_EQ(write(master, "\x01x", 2), 2);
    for (int i = 0; i < 4 && !m.quit; i++)
        machine_poll_fds(&m, 10000000);
    CHECK(m.quit);
    chardev_close(c);
    close(slave);
    close(master);
    machine_destroy(&m);
}

static void test_file_backend(void)
{
    char path[] = "/tmp/tandem-chr-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    char spec[64];
    snprintf(spec, sizeof spec, "file:%s", path);
    Chardev *c = chardev_open_spec(spec);
    CHECK(c != NULL);
    CHECK_EQ(c->in_fd, -1);
    CHECK(chardev_try_write(c, 'o'));
    chardev_write(c, (const uint8_t *)"k\n", 2);
    chardev_close(c);
    FILE *f = fopen(path, "r");
    char line[16] = "";
    CHECK(fgets(line, sizeof line, f) != NULL);
    fclose(f);
    CHECK(!strcmp(line, "ok\n"));
    unlink(path);
    /* Errors name the problem. */
    CHECK(chardev_open_spec("file:/nonexistent/dir/x") == NULL);
    CHECK(chardev_open_spec("file:") == NULL);
    CHECK(chardev_open_spec("telnet:1234") == NULL);
    /* null takes everything. */
    c = chardev_open_spec("null");
    CHECK(chardev_try_write(c, 'x'));
    chardev_close(c);
}

static void test_pty_backend(void)
{
    machine_init(&m);
    Chardev *c = chardev_open_spec_label("pty", "serial9");
    if (!c) {
        printf("# no pseudo-terminals: pty test skipped\n");
        machine_destroy(&m);
        return;
    }
    CHECK(!strncmp(c->pty_path, "/dev/pts/", 9));
    ngot = 0;
    room = 100;
    chardev_attach(c, &m, &fe, NULL);
    /* Output written before anyone opens the pty waits there. */
    CHECK(chardev_try_write(c, 'E'));
    int client = open(c->pty_path, O_RDWR | O_NOCTTY | O_NONBLOCK);
    CHECK(client >= 0);
    struct termios t;
    tcgetattr(client, &t);
    cfmakeraw(&t);
    tcsetattr(client, TCSANOW, &t);
    CHECK(chardev_try_write(c, 'F'));
    char buf[8] = "";
    size_t n = 0;
    for (int i = 0; i < 100 && n < 2; i++) {
        ssize_t k = read(client, buf + n, sizeof buf - 1 - n);
        if (k > 0)
            n += (size_t)k;
        else
            usleep(1000);
    }
    CHECK_EQ(n, 2);
    CHECK(!memcmp(buf, "EF", 2));
    CHECK_EQ(write(client, "in\x01\x01", 4), 4);
    for (int i = 0; i < 50 && ngot < 4; i++)
        machine_poll_fds(&m, 10000000);
    CHECK_EQ(ngot, 4);                      /* no escapes on a pty */
    CHECK(!memcmp(got, "in\x01\x01", 4));
    /* The client going away is no hang-up for us. */
    close(client);
    machine_poll_fds(&m, 1000000);
    CHECK(!c->in_eof);
    CHECK_EQ(m.nfds, 1);
    /* Nobody reading, the pty full: output is dropped, never blocks. */
    bool all = true;
    for (int i = 0; i < 300000; i++)
        all &= chardev_try_write(c, 'z');
    CHECK(all);
    chardev_close(c);
    CHECK_EQ(m.nfds, 0);
    machine_destroy(&m);
}

/* A pseudo-terminal standing in for the user's terminal on fd 0. */
static int tty_master = -1, saved_stdin = -1;

static bool stdin_on_pty(void)
{
    tty_master = posix_openpt(O_RDWR | O_NOCTTY);
    if (tty_master < 0 || grantpt(tty_master) < 0 || unlockpt(tty_master) < 0)
        return false;
    int slave = open(ptsname(tty_master), O_RDWR | O_NOCTTY);
    if (slave < 0)
        return false;
    saved_stdin = dup(0);
    dup2(slave, 0);
    close(slave);
    return true;
}

static void stdin_restore(void)
{
    dup2(saved_stdin, 0);
    close(saved_stdin);
    close(tty_master);
}

static bool is_raw(int fd)
{
    struct termios t;
    return tcgetattr(fd, &t) == 0 && !(t.c_lflag & (ECHO | ICANON));
}

static void test_stdio_terminal(void)
{
    if (!stdin_on_pty()) {
        printf("# no pseudo-terminals: terminal tests skipped\n");
        return;
    }
    struct termios before, after;
    tcgetattr(0, &before);
    machine_init(&m);
    Chardev *a = chardev_open_spec_label("stdio", "serial0");
    Chardev *b = chardev_open_spec_label("stdio", "serial1");
    Chardev *d = chardev_open_spec("stdio");    /* a debug console: output only */
    CHECK(a && b && d);
    CHECK(!is_raw(0));                          /* opening alone changes nothing */
    room = 0;
    CHECK_EQ(chardev_attach(a, &m, &fe, NULL), 0);
    CHECK(is_raw(0));
    tcgetattr(0, &after);
    CHECK(after.c_oflag & OPOST);               /* LF -> CRLF for shared output */
    CHECK(after.c_lflag & ISIG);                /* -serial stdio: C-c ends us */
    CHECK(!(after.c_iflag & ICRNL));            /* CR reaches the guest as CR */
    CHECK_EQ(chardev_attach(b, &m, &fe, NULL), -1);     /* stdin is taken */
    chardev_close(b);
    chardev_close(d);                           /* not the owner: still raw */
    CHECK(is_raw(0));
    chardev_close(a);
    tcgetattr(0, &after);
    CHECK(!memcmp(&after, &before, sizeof after));      /* restored on close */
    /* stdin can be taken again once released; without signals for -nographic. */
    a = chardev_open_spec_label("stdio,signal=off", "serial0");
    CHECK_EQ(chardev_attach(a, &m, &fe, NULL), 0);
    tcgetattr(0, &after);
    CHECK(!(after.c_lflag & ISIG));
    chardev_close(a);
    CHECK(!is_raw(0));
    machine_destroy(&m);

    /* Leaving without closing: exit(), abort(), a crash, a stop (Ctrl-Z).
     * Each in a child that puts the terminal in raw mode. */
    static const int how[] = { 0, SIGABRT, SIGSEGV, SIGTSTP };
    for (size_t k = 0; k < sizeof how / sizeof how[0]; k++) {
        pid_t pid = fork();
        if (pid == 0) {
            struct rlimit no_core = { 0, 0 };
            setrlimit(RLIMIT_CORE, &no_core);
            static Machine cm;
            machine_init(&cm);
            Chardev *cc = chardev_open_spec_label("stdio", "serial0");
            chardev_attach(cc, &cm, &fe, NULL);
            if (!is_raw(0))
                _exit(9);
            if (!how[k])
                exit(3);                        /* atexit */
            if (how[k] == SIGTSTP) {
                /* A process group of its own, with the parent in another group
                 * of the session: not orphaned, so the stop is not discarded
                 * (POSIX) whatever runs this test (CI runners use setsid). */
                setpgid(0, 0);
                raise(SIGTSTP);                 /* stopped here until SIGCONT */
                _exit(is_raw(0) ? 4 : 8);       /* raw again after fg */
            }
            raise(how[k]);
            _exit(9);
        }
        int st;
        waitpid(pid, &st, WUNTRACED);
        tcgetattr(0, &after);
        CHECK(!memcmp(&after, &before, sizeof after));
        if (how[k] == SIGTSTP) {
            CHECK(WIFSTOPPED(st));
            kill(pid, SIGCONT);
            waitpid(pid, &st, 0);
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
            tcsetattr(0, TCSANOW, &before);
        } else if (how[k]) {
            /* The signal's own end, or a sanitizer's handler we chained to. */
            CHECK((WIFSIGNALED(st) && WTERMSIG(st) == how[k]) ||
                  (how[k] == SIGSEGV && WIFEXITED(st) && WEXITSTATUS(st) != 0));
        } else {
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
        }
    }
    stdin_restore();
}

static void test_serial_specs(void)
{
    Config cfg;
    const char *s[4];
    memset(&cfg, 0, sizeof cfg);
    CHECK_EQ(chardev_serial_specs(&cfg, s), 1);
    CHECK(!strcmp(s[0], "null"));
    cfg.nographic = true;
    CHECK_EQ(chardev_serial_specs(&cfg, s), 1);
    CHECK(!strncmp(s[0], "stdio", 5));
    cfg.serials[0] = "none";
    cfg.nserials = 1;
    CHECK_EQ(chardev_serial_specs(&cfg, s), 0);
    cfg.serials[1] = "file:x";
    cfg.serials[2] = "pty";
    cfg.nserials = 3;
    CHECK_EQ(chardev_serial_specs(&cfg, s), 2);
    CHECK(!strcmp(s[0], "file:x"));
    CHECK(!strcmp(s[1], "pty"));
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_mux_bytes();
    test_mux_input();
    test_tty_escape_when_full();
    test_file_backend();
    test_pty_backend();
    test_stdio_terminal();
    test_serial_specs();
    return test_main_result("test-chardev");
}
