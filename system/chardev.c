#include "system/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static Chardev *chr_new(ChardevKind kind)
{
    Chardev *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->kind = kind;
    c->out_fd = -1;
    c->in_fd = -1;
    return c;
}

static Chardev *chr_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "tandem: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    Chardev *c = chr_new(CHR_FILE);
    c->out_fd = fd;
    return c;
}

Chardev *chardev_open_spec(const char *spec)
{
    if (!strncmp(spec, "file:", 5))
        return chr_file(spec + 5);
    if (!strcmp(spec, "stdio")) {
        Chardev *c = chr_new(CHR_STDIO);
        c->out_fd = 1;
        c->in_fd = 0;
        return c;
    }
    if (!strcmp(spec, "null") || !strcmp(spec, "none"))
        return chr_new(CHR_NULL);
    fprintf(stderr, "tandem: unknown character device '%s' (use file:PATH, stdio or null)\n", spec);
    return NULL;
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
    char id[32], path[1024];
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
        c = chr_file(path);
    } else if (bl == 5 && !strncmp(opts, "stdio", 5)) {
        c = chardev_open_spec("stdio");
    } else if (bl == 4 && !strncmp(opts, "null", 4)) {
        c = chardev_open_spec("null");
    } else {
        fprintf(stderr, "tandem: -chardev %s: unknown backend (file, stdio, null)\n", opts);
        return NULL;
    }
    if (c)
        snprintf(c->id, sizeof c->id, "%s", id);
    return c;
}

void chardev_write(Chardev *c, const uint8_t *buf, size_t len)
{
    if (!c || c->out_fd < 0)
        return;
    while (len) {
        ssize_t n = write(c->out_fd, buf, len);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

void chardev_close(Chardev *c)
{
    if (!c)
        return;
    if (c->kind == CHR_FILE && c->out_fd >= 0)
        close(c->out_fd);
    free(c);
}
