/* Guest memory for the monitor: x/FMT and xp/FMT (QEMU's syntax), address
 * expressions, and reading RAM/ROM through the CPU's paging. */
#include "monitor/monitor-int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/disas.h"
#include "hw/memory.h"

#define X_MAX_ITEMS 4096

/* ---- reading ---- */

bool mon_read_mem(Monitor *mon, uint64_t addr, bool virt, uint8_t *buf, size_t len, FILE *out)
{
    Machine *m = mon->m;
    while (len) {
        size_t n = 4096 - (addr & 0xfff);
        if (n > len)
            n = len;
        uint64_t pa = addr;
        if (virt && !m->accel_ops->virt_to_phys(m->accel, addr, &pa)) {
            if (out)
                fprintf(out, "0x%llx: not mapped\n", (unsigned long long)addr);
            return false;
        }
        /* Region by region inside the page. */
        for (size_t done = 0; done < n;) {
            MemRegion *r = phys_lookup(&m->mem, pa + done);
            size_t k = n - done;
            if (r && r->base + r->size - (pa + done) < k)
                k = r->base + r->size - (pa + done);
            if (!r) {
                memset(buf + done, 0xff, 1);    /* unassigned: all ones */
                k = 1;
            } else if (r->kind == REGION_MMIO) {
                if (out)
                    fprintf(out, "0x%llx: MMIO (%s), not read\n", (unsigned long long)(pa + done), r->name);
                return false;
            } else {
                phys_rw(&m->mem, pa + done, buf + done, k, false);
            }
            done += k;
        }
        addr += n;
        buf += n;
        len -= n;
    }
    return true;
}

/* ---- address expressions ---- */

typedef struct RegName {
    const char *name;
    int reg;            /* 0-15 GPR, 16 rip, 17 pc (linear), 18 rflags */
    uint64_t mask;
} RegName;

static const RegName reg_names[] = {
    { "rax", 0, ~0ull }, { "rcx", 1, ~0ull }, { "rdx", 2, ~0ull }, { "rbx", 3, ~0ull },
    { "rsp", 4, ~0ull }, { "rbp", 5, ~0ull }, { "rsi", 6, ~0ull }, { "rdi", 7, ~0ull },
    { "r8", 8, ~0ull }, { "r9", 9, ~0ull }, { "r10", 10, ~0ull }, { "r11", 11, ~0ull },
    { "r12", 12, ~0ull }, { "r13", 13, ~0ull }, { "r14", 14, ~0ull }, { "r15", 15, ~0ull },
    { "eax", 0, 0xffffffff }, { "ecx", 1, 0xffffffff }, { "edx", 2, 0xffffffff },
    { "ebx", 3, 0xffffffff }, { "esp", 4, 0xffffffff }, { "ebp", 5, 0xffffffff },
    { "esi", 6, 0xffffffff }, { "edi", 7, 0xffffffff },
    { "rip", 16, ~0ull }, { "eip", 16, 0xffffffff }, { "pc", 17, ~0ull },
    { "rflags", 18, ~0ull }, { "eflags", 18, 0xffffffff },
};

static bool reg_value(const CpuState *s, const char *name, size_t len, uint64_t *v)
{
    for (size_t i = 0; i < sizeof reg_names / sizeof reg_names[0]; i++) {
        const RegName *r = &reg_names[i];
        if (strlen(r->name) != len || strncasecmp(r->name, name, len))
            continue;
        uint64_t x = r->reg < 16 ? s->regs[r->reg] : r->reg == 16 ? s->rip
                   : r->reg == 17 ? mon_cpu_pc(s) : s->rflags;
        *v = x & r->mask;
        return true;
    }
    return false;
}

bool mon_parse_addr(Monitor *mon, const char *text, uint64_t *val, FILE *out)
{
    CpuState s;
    bool have_state = false;
    uint64_t sum = 0;
    int sign = 1;
    const char *p = text;
    for (;;) {
        uint64_t v;
        if (*p == '$') {
            size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
            if (!have_state) {
                mon_cpu_state(mon, &s);
                have_state = true;
            }
            if (!reg_value(&s, p + 1, n, &v)) {
                fprintf(out, "unknown register '%.*s' in '%s'\n", (int)n + 1, p, text);
                return false;
            }
            p += n + 1;
        } else {
            char *end;
            if (!isdigit((unsigned char)*p)) {
                fprintf(out, "bad address '%s' (a number, $reg, joined with + and -)\n", text);
                return false;
            }
            v = strtoull(p, &end, p[0] == '0' && (p[1] == 'x' || p[1] == 'X') ? 16 : 10);
            p = end;
        }
        sum += sign > 0 ? v : -v;
        if (!*p)
            break;
        if (*p != '+' && *p != '-') {
            fprintf(out, "bad address '%s' (a number, $reg, joined with + and -)\n", text);
            return false;
        }
        sign = *p++ == '+' ? 1 : -1;
    }
    *val = sum;
    return true;
}

/* ---- x/FMT ---- */

typedef struct XFmt {
    unsigned count;
    char fmt;           /* x d u o c i s */
    unsigned size;      /* 1 2 4 8 */
} XFmt;

static bool parse_fmt(Monitor *mon, const char *f, XFmt *x, FILE *out)
{
    x->count = 1;
    x->fmt = mon->last_fmt;
    x->size = 0;
    if (!f)
        goto done;
    if (isdigit((unsigned char)*f)) {
        char *end;
        unsigned long n = strtoul(f, &end, 10);
        if (n < 1 || n > X_MAX_ITEMS) {
            fprintf(out, "count %lu out of range (1..%d)\n", n, X_MAX_ITEMS);
            return false;
        }
        x->count = (unsigned)n;
        f = end;
    }
    for (; *f; f++) {
        if (strchr("xduocis", *f))
            x->fmt = *f;
        else if (strchr("bhwg", *f))
            x->size = *f == 'b' ? 1 : *f == 'h' ? 2 : *f == 'w' ? 4 : 8;
        else {
            fprintf(out, "bad format letter '%c' (count, then x d u o c i s, b h w g)\n", *f);
            return false;
        }
    }
done:
    if (!x->size)
        x->size = x->fmt == 'c' ? 1 : (mon->last_fmt == 'c' || mon->last_fmt == 'i' ||
                                       mon->last_fmt == 's') ? 4 : mon->last_size;
    mon->last_fmt = x->fmt;
    mon->last_size = x->size;
    return true;
}

static void print_item(FILE *out, char fmt, unsigned size, uint64_t v)
{
    int bits = (int)size * 8;
    switch (fmt) {
    case 'x':
        fprintf(out, " 0x%0*llx", (int)size * 2, (unsigned long long)v);
        break;
    case 'o':
        fprintf(out, " 0%llo", (unsigned long long)v);
        break;
    case 'u':
        fprintf(out, " %llu", (unsigned long long)v);
        break;
    case 'd': {
        int64_t sv = bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
        fprintf(out, " %lld", (long long)sv);
        break;
    }
    case 'c':
        if (v >= 0x20 && v < 0x7f && v != '\'' && v != '\\')
            fprintf(out, " '%c'", (char)v);
        else
            fprintf(out, " '\\x%02llx'", (unsigned long long)v);
        break;
    }
}

static void dump_units(FILE *out, const uint8_t *buf, uint64_t addr, const XFmt *x, int aw)
{
    unsigned per_line = x->fmt == 'c' ? 16 : x->size == 1 ? 8 : 16 / x->size;
    for (unsigned i = 0; i < x->count; i++) {
        if (i % per_line == 0)
            fprintf(out, "%s%0*llx:", i ? "\n" : "", aw, (unsigned long long)(addr + i * x->size));
        uint64_t v = 0;
        memcpy(&v, buf + (size_t)i * x->size, x->size);     /* little-endian host and guest */
        print_item(out, x->fmt, x->size, v);
    }
    fprintf(out, "\n");
}

static void dump_strings(Monitor *mon, FILE *out, uint64_t addr, bool virt, unsigned count, int aw)
{
    for (unsigned i = 0; i < count; i++) {
        fprintf(out, "%0*llx: \"", aw, (unsigned long long)addr);
        for (int n = 0; n < 1024; n++) {
            uint8_t c;
            if (!mon_read_mem(mon, addr++, virt, &c, 1, out))
                return;
            if (!c)
                break;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
                fputc(c, out);
            else
                fprintf(out, "\\x%02x", c);
        }
        fprintf(out, "\"\n");
    }
}

static void dump_insns(Monitor *mon, FILE *out, uint64_t addr, bool virt, unsigned count)
{
    CpuState s;
    mon_cpu_state(mon, &s);
    int bits = mon_cpu_bits(&s);
    for (unsigned i = 0; i < count; i++) {
        uint8_t code[16];
        size_t n = sizeof code;
        while (n > 1 && !mon_read_mem(mon, addr, virt, code, n, NULL))
            n--;    /* the last bytes before a hole: what can be read */
        if (!mon_read_mem(mon, addr, virt, code, n, out))
            return;
        char text[128];
        int len = disas_one(code, n, addr, bits, text, sizeof text);
        fprintf(out, "0x%0*llx:  %s\n", bits == 64 ? 16 : 8, (unsigned long long)addr, text);
        addr += len > 0 ? (uint64_t)len : 1;
    }
}

/* x/FMT ADDR and xp/FMT ADDR */
void mon_cmd_x(Monitor *mon, FILE *out, int argc, char **argv)
{
    bool virt = argv[0][1] != 'p';
    const char *name = virt ? "x" : "xp";
    if (argc != 2) {
        fprintf(out, "%s: usage: %s/FMT ADDR\n", name, name);
        return;
    }
    XFmt x;
    uint64_t addr;
    const char *slash = strchr(argv[0], '/');
    if (!parse_fmt(mon, slash ? slash + 1 : NULL, &x, out) || !mon_parse_addr(mon, argv[1], &addr, out))
        return;
    CpuState s;
    mon_cpu_state(mon, &s);
    int aw = (s.efer & EFER_LMA) || addr > 0xffffffffull ? 16 : 8;
    if (x.fmt == 'i') {
        dump_insns(mon, out, addr, virt, x.count);
        return;
    }
    if (x.fmt == 's') {
        dump_strings(mon, out, addr, virt, x.count, aw);
        return;
    }
    size_t len = (size_t)x.count * x.size;
    uint8_t *buf = malloc(len);
    if (!buf)
        abort();
    if (mon_read_mem(mon, addr, virt, buf, len, out))
        dump_units(out, buf, addr, &x, aw);
    free(buf);
}
