/* tandem-oracle: runs instruction streams in Tandem and in Unicorn one
 * instruction at a time and compares the registers, the defined flags, the
 * segment registers, memory and exceptions after each one.
 *
 *   tandem-oracle --mode 16|32|64 --seed S --count N [--family LIST] [--verbose]
 *                 [--trace-stream K] [--max-reports N] [--skip-unimplemented]
 *
 * Ends with "oracle: N instructions, M mismatches"; exit status 1 if M > 0. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/decode.h"
#include "cpu/disas.h"
#include "tests/oracle/engines.h"

enum { UC_ERR_FETCH_UNMAPPED_ = 8, UC_ERR_FETCH_PROT_ = 14 };   /* uc_err values */

/* ---- which Tandem family file handles an opcode ---- */
extern const OpReg ops_alu[], ops_mov[], ops_branch[], ops_io[], ops_misc[], ops_far[],
    ops_shift[], ops_muldiv[], ops_bcd[], ops_bit[], ops_string[], ops_cond[], ops_atomic[],
    ops_stack[], ops_system[], ops_segment[], ops_flags[];
extern const OpReg ops_sse_int[], ops_sse_mov[], ops_sse_fp[], ops_sse_cvt[], ops_sse_shuf[], ops_sse42[];
extern const OpReg ops_x87[];
static const struct { const OpReg *ops; const char *file; } fam_files[] = {
    { ops_alu, "cpu/ops-alu.c" }, { ops_mov, "cpu/ops-mov.c" }, { ops_branch, "cpu/ops-branch.c" },
    { ops_io, "cpu/ops-io.c" }, { ops_misc, "cpu/ops-misc.c" }, { ops_far, "cpu/ops-far.c" },
    { ops_shift, "cpu/ops-shift.c" }, { ops_muldiv, "cpu/ops-muldiv.c" }, { ops_bcd, "cpu/ops-bcd.c" },
    { ops_bit, "cpu/ops-bit.c" }, { ops_string, "cpu/ops-string.c" }, { ops_cond, "cpu/ops-cond.c" },
    { ops_atomic, "cpu/ops-atomic.c" }, { ops_stack, "cpu/ops-stack.c" },
    { ops_system, "cpu/ops-system.c" }, { ops_segment, "cpu/ops-segment.c" },
    { ops_flags, "cpu/ops-flags.c" },
    { ops_sse_int, "cpu/ops-sse-int.c" }, { ops_sse_mov, "cpu/ops-sse-mov.c" },
    { ops_sse_fp, "cpu/ops-sse-fp.c" }, { ops_sse_cvt, "cpu/ops-sse-cvt.c" },
    { ops_sse_shuf, "cpu/ops-sse-shuf.c" }, { ops_sse42, "cpu/ops-sse42.c" },
    { ops_x87, "cpu/ops-x87.c" },
};

static const char *handler_file(const InsnInfo *ii)
{
    uint32_t code = ii->two_byte ? 0x0f00u | ii->op : ii->op;
    for (size_t f = 0; f < sizeof fam_files / sizeof fam_files[0]; f++)
        for (const OpReg *r = fam_files[f].ops; r->op != 0xffffffffu; r++)
            if (r->op == code && (r->ext < 0 || (ii->has_modrm && r->ext == (ii->reg & 7))))
                return fam_files[f].file;
    return NULL;
}

/* ---- options and statistics ---- */
typedef struct Opts {
    int mode;
    uint64_t seed;
    uint64_t count;
    uint32_t families;       /* bit per FAM_* */
    bool verbose;
    long trace_stream;
    int max_reports;
    bool skip_unimpl;
} Opts;

enum { SK_LEFT_CODE = IC_NCLASS, SK_LONG_REP, SK_CODE_WRITE, SK_UC_ABORT, SK_TF, SK_UNIMPL, SK_NREASONS };
static const char *const skip_extra[] = {
    "left the code area (stream ended)", "REP count too large", "wrote into the code area or the GDT (stream ended)",
    "Unicorn aborted (an encoding missing from unicorn_crashers)", "TF set (stream ended)",
    "not implemented in Tandem",
};

typedef struct Stats {
    uint64_t insns, mismatches, excused;
    uint64_t fam_insns[FAM_COUNT], fam_mism[FAM_COUNT];
    uint64_t stream_fam_insns[FAM_COUNT];   /* by the family the stream is about */
    uint64_t skips[SK_NREASONS];
    uint64_t streams, exceptions, replays;
    int reports;
} Stats;

typedef struct Run {
    Opts o;
    Engines e;
    Stats s;
    uint8_t *snap;              /* memory at the start of the group */
    long stream_no;
    Stream *group;              /* the streams since the snapshot */
    bool reported_in_group[256];
    int group_pos;
    int fam_list[FAM_COUNT];
    int nfam;
} Run;

static const char *const regn[8] = { "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI" };
static const char *const segn[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };

static const char *const regn64[16] = { "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
                                         "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15" };
static int cur_mode;

static void print_regs64(const char *label, const Regs *r)
{
    printf("  %s", label);
    for (int i = 0; i < 16; i++)
        printf("%s %s=%016" PRIx64, i == 8 ? "\n        " : "", regn64[i], reg64(r, i));
    printf("\n         RIP=%016" PRIx64 " RFLAGS=%08x\n", rip64(r), r->eflags);
}

static void print_regs(const char *label, const Regs *r)
{
    if (cur_mode == 64) {
        print_regs64(label, r);
        return;
    }
    printf("  %s", label);
    for (int i = 0; i < 8; i++)
        printf(" %s=%08x", regn[i], r->r[i]);
    printf("\n  %*s EIP=%08x EFLAGS=%08x", (int)strlen(label), "", r->eip, r->eflags);
    for (int i = 0; i < 6; i++)
        printf(" %s=%04x", segn[i], r->seg[i]);
    printf("\n");
}

static void flag_names(uint32_t f, char *buf, size_t n)
{
    static const struct { uint32_t bit; const char *name; } fl[] = {
        { 0x1, "CF" }, { 0x4, "PF" }, { 0x10, "AF" }, { 0x40, "ZF" }, { 0x80, "SF" }, { 0x100, "TF" },
        { 0x200, "IF" }, { 0x400, "DF" }, { 0x800, "OF" }, { 0x3000, "IOPL" }, { 0x4000, "NT" },
        { 0x10000, "RF" }, { 0x20000, "VM" }, { 0x40000, "AC" }, { 0x80000, "VIF" },
        { 0x100000, "VIP" }, { 0x200000, "ID" },
    };
    buf[0] = 0;
    size_t len = 0;
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
        if (f & fl[i].bit)
            len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", len ? " " : "", fl[i].name);
    if (f & ~0x3f7fd5u)
        snprintf(buf + len, len < n ? n - len : 0, "%s(bits %x)", len ? " " : "", f & ~0x3f7fd5u);
}

static const char *exc_name(int v)
{
    static const char *const n[] = { "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
                                     "9", "#TS", "#NP", "#SS", "#GP", "#PF", "15", "#MF", "#AC" };
    if (v < 0)
        return "none";
    if (v >= 100)
        return "emulation error";
    if (v < (int)(sizeof n / sizeof n[0]))
        return n[v];
    return "other";
}

/* ---- comparison ---- */
typedef struct Cmp {
    uint32_t diff;
    Undef u;
} Cmp;

/* ---- the pages an instruction may write ----
 * Compared after every step; a write anywhere else is found by the compare of
 * all RAM after each group of streams, and the group's replay then compares
 * all of it after every instruction. */
typedef struct PageSet { uint16_t *p; int n, max; } PageSet;

static void add_page(PageSet *ps, uint32_t lin)
{
    if (lin >= RAM_SIZE)
        return;
    uint16_t pg = (uint16_t)(lin >> 12);
    for (int i = 0; i < ps->n; i++)
        if (ps->p[i] == pg)
            return;
    if (ps->n < ps->max)
        ps->p[ps->n++] = pg;
}

/* [base + off, base + off + len) with offsets wrapping at mask */
static void add_range(PageSet *ps, uint32_t base, uint32_t off, uint32_t len, uint32_t mask)
{
    off &= mask;
    while (len) {
        uint32_t chunk = mask - off + 1;          /* bytes before the offset wraps */
        if (chunk == 0 || chunk > len)
            chunk = len;
        uint32_t first = (base + off) & ~0xfffu, last = (base + off + chunk - 1) & ~0xfffu;
        for (uint32_t p = first;; p += 4096) {
            add_page(ps, p);
            if (p >= last || ps->n == ps->max)
                break;
        }
        len -= chunk;
        off = 0;
    }
}

static int write_pages(Run *run, const InsnInfo *ii, const Regs *pre, const Regs *t, const Regs *u,
                       uint32_t mem_lin, uint16_t *out)
{
    Engines *e = &run->e;
    PageSet ps = { out, 0, 64 };
    if (ii->mem) {
        add_range(&ps, mem_lin, 0, 16, ~0u);
        if (ii->two_byte && (ii->op == 0xab || ii->op == 0xb3 || ii->op == 0xbb)) {
            /* BTS/BTR/BTC m, r: the bit offset reaches beyond the operand */
            int32_t bit = ii->osize == 16 ? (int16_t)reg64(pre, ii->regx) : (int32_t)reg64(pre, ii->regx);
            add_range(&ps, mem_lin + (uint32_t)((bit >> 3) & ~3), 0, 8, ~0u);
        }
    }
    if (!ii->two_byte && (ii->op == 0xa2 || ii->op == 0xa3))      /* MOV moffs, eAX */
        add_range(&ps, eng_seg_base(e, ii->seg >= 0 ? ii->seg : OS_DS), ii->imm, 4,
                  ii->asize == 16 ? 0xffff : ~0u);
    /* the stack below SS:eSP (pushes, ENTER's frame: up to 128 bytes) and
     * just above it */
    uint32_t ss = eng_seg_base(e, OS_SS);
    uint32_t smask = eng_stack_lin(e, 0x10000) - ss == 0x10000 ? ~0u : 0xffff;
    add_range(&ps, ss, pre->r[OR_ESP] - 160, 176, smask);
    if (ii->string) {
        /* ES:eDI from where it was to where either engine left it */
        uint32_t amask = ii->asize == 16 ? 0xffff : ~0u, es = eng_seg_base(e, OS_ES);
        uint32_t d0 = pre->r[OR_EDI] & amask;
        for (int k = 0; k < 2; k++) {
            uint32_t d1 = (k ? u : t)->r[OR_EDI] & amask;
            uint32_t lo = d0 < d1 ? d0 : d1, hi = d0 < d1 ? d1 : d0;
            if (hi - lo <= 0x10000)
                add_range(&ps, es, lo - 8, hi - lo + 16, amask);
            else
                add_range(&ps, es, hi - 8, lo - hi + 16, amask);   /* wrapped */
        }
    }
    return ps.n;
}

static uint32_t compare(Run *run, const InsnInfo *ii, const uint8_t *bytes, const Regs *pre,
                        const Regs *t, const Regs *u, int exc_t, int exc_u, bool full_mem,
                        uint32_t mem_lin, Undef *un)
{
    uint32_t diff = 0;
    insn_undefined(ii, bytes, pre, u, run->o.mode, un);
    if (exc_t >= 0 || exc_u >= 0)
        memset(un, 0, sizeof *un);     /* nothing executed: everything defined */
    if (exc_t != exc_u)
        diff |= DIFF_EXC;
    for (int i = 0; i < 16; i++)
        if ((reg64(t, i) ^ reg64(u, i)) & ~un->regmask[i])
            diff |= DIFF_GPR;
    if (t->eip != u->eip || t->eip_hi != u->eip_hi)
        diff |= DIFF_EIP;
    if ((t->eflags ^ u->eflags) & ~un->flags)
        diff |= DIFF_FLAGS;
    for (int i = 0; i < 6; i++)
        if (t->seg[i] != u->seg[i])
            diff |= DIFF_SEG;
    if (memcmp(&t->v, &u->v, sizeof t->v))
        diff |= DIFF_SIMD;
    X87Regs xt = t->f, xu = u->f;
    xt.sw &= (uint16_t)~un->fsw;
    xu.sw &= (uint16_t)~un->fsw;
    if (memcmp(&xt, &xu, sizeof xt))
        diff |= DIFF_X87;
    Engines *e = &run->e;
    /* undefined bytes: take Tandem's so the images agree */
    uint32_t ua = ~0u, usz = 0;
    if (un->mem_result)
        ua = mem_lin, usz = (uint32_t)ii->osize / 8;          /* SHLD/SHRD m, count > size */
    else if (un->push_sreg32 && !(diff & DIFF_GPR))
        ua = eng_stack_lin(e, t->r[OR_ESP]) + 2, usz = ii->osize == 64 ? 6 : 2;   /* the slot's upper part */
    for (uint32_t k = 0; k < usz; k++)
        if (ua + k < RAM_SIZE)
            e->u_ram[ua + k] = e->t_ram[ua + k];
    if (full_mem) {
        if (memcmp(e->t_ram, e->u_ram, RAM_SIZE))
            diff |= DIFF_MEM;
    } else {
        uint16_t pages[64];
        int np = write_pages(run, ii, pre, t, u, mem_lin, pages);
        for (int i = 0; i < np && !(diff & DIFF_MEM); i++) {
            size_t off = (size_t)pages[i] << 12;
            if (memcmp(e->t_ram + off, e->u_ram + off, 4096))
                diff |= DIFF_MEM;
        }
    }
    return diff;
}

/* MMX/SSE registers that differ (and the source registers' values before). */
static void print_simd_diff(const Regs *pre, const Regs *t, const Regs *u)
{
    for (int i = 0; i < 16; i++)
        if (i < 8 || memcmp(pre->v.xmm[i], t->v.xmm[i], 16)) {
            uint64_t a[2];
            memcpy(a, pre->v.xmm[i], 16);
            printf("  before: XMM%d %016" PRIx64 "_%016" PRIx64 "\n", i, a[1], a[0]);
        }
    printf("  before: MXCSR %08x\n", pre->v.mxcsr);
    for (int i = 0; i < 16; i++)
        if (memcmp(t->v.xmm[i], u->v.xmm[i], 16)) {
            uint64_t a[2], b[2];
            memcpy(a, t->v.xmm[i], 16);
            memcpy(b, u->v.xmm[i], 16);
            printf("  XMM%d: tandem %016" PRIx64 "_%016" PRIx64 " unicorn %016" PRIx64 "_%016" PRIx64 "\n",
                   i, a[1], a[0], b[1], b[0]);
        }
    for (int i = 0; i < 8; i++)
        if (t->v.mm[i] != u->v.mm[i])
            printf("  MM%d: tandem %016" PRIx64 " unicorn %016" PRIx64 "\n", i, t->v.mm[i], u->v.mm[i]);
    if (t->v.mxcsr != u->v.mxcsr)
        printf("  MXCSR: tandem %08x unicorn %08x\n", t->v.mxcsr, u->v.mxcsr);
}

/* x87 state that differs (physical registers, with the values before). */
static void print_x87_diff(const Regs *pre, const Regs *t, const Regs *u)
{
    const X87Regs *a = &t->f, *b = &u->f, *p = &pre->f;
    unsigned top = (p->sw >> 11) & 7, r0 = top, r1 = (top + 1) & 7;
    printf("  x87 before: CW %04x SW %04x tags %02x ST0=R%u %04x:%016" PRIx64 " ST1=R%u %04x:%016" PRIx64 "\n",
           p->cw, p->sw, p->tag, r0, p->se[r0], p->mant[r0], r1, p->se[r1], p->mant[r1]);
    for (int i = 0; i < 8; i++)
        if (a->mant[i] != b->mant[i] || a->se[i] != b->se[i])
            printf("  R%d: tandem %04x:%016" PRIx64 " unicorn %04x:%016" PRIx64 " (before %04x:%016" PRIx64 ")\n",
                   i, a->se[i], a->mant[i], b->se[i], b->mant[i], pre->f.se[i], pre->f.mant[i]);
    if (a->cw != b->cw)
        printf("  FCW: tandem %04x unicorn %04x\n", a->cw, b->cw);
    if (a->sw != b->sw)
        printf("  FSW: tandem %04x unicorn %04x (before %04x)\n", a->sw, b->sw, pre->f.sw);
    if (a->tag != b->tag)
        printf("  tags (not empty): tandem %02x unicorn %02x (before %02x)\n", a->tag, b->tag, pre->f.tag);
    if (a->fop != b->fop)
        printf("  FOP: tandem %03x unicorn %03x\n", a->fop, b->fop);
}

static void report(Run *run, const Stream *st, int idx, int step, const uint8_t *bytes,
                   const InsnInfo *ii, const Regs *pre, const Regs *t, const Regs *u, int exc_t,
                   int exc_u, uint32_t diff, const Undef *un, const char *excused_by)
{
    Opts *o = &run->o;
    char text[160];
    uint32_t lin = eng_linear_pc(&run->e, pre);
    disas_one(bytes, 16, pre->eip, o->mode, text, sizeof text);
    const char *file = handler_file(ii);
    int fam = idx >= 0 ? st->fam[idx] : st->family;
    printf("%s: mode %d, seed %" PRIu64 ", stream %ld, step %d, family %s, handler %s\n",
           excused_by ? "EXCUSED" : "MISMATCH", o->mode, o->seed, run->stream_no, step,
           family_names[fam], file ? file : "(not registered in Tandem: #UD)");
    printf("  insn @%05x: [", lin);
    for (int k = 0; k < (ii->len ? ii->len : 15); k++)
        printf("%s%02x", k ? " " : "", bytes[k]);
    printf("]  %s\n", text + 21);
    if (excused_by)
        printf("  excused by unicorn-bugs.c entry \"%s\"\n", excused_by);
    print_regs("before:", pre);
    if (exc_t != exc_u || exc_t >= 0)
        printf("  exception: tandem %s (%d), unicorn %s (%d)\n", exc_name(exc_t), exc_t,
               exc_name(exc_u), exc_u);
    for (int i = 0; i < 16; i++)
        if ((reg64(t, i) ^ reg64(u, i)) & ~un->regmask[i]) {
            if (o->mode == 64)
                printf("  %s: tandem %016" PRIx64 " unicorn %016" PRIx64 "\n", regn64[i], reg64(t, i),
                       reg64(u, i));
            else
                printf("  %s: tandem %08x unicorn %08x\n", regn[i & 7], t->r[i & 7], u->r[i & 7]);
        }
    if (diff & DIFF_EIP)
        printf("  EIP: tandem %016" PRIx64 " unicorn %016" PRIx64 "\n", rip64(t), rip64(u));
    if ((t->eflags ^ u->eflags) & ~un->flags) {
        char a[128], b[128];
        flag_names((t->eflags ^ u->eflags) & ~un->flags, a, sizeof a);
        flag_names(un->flags, b, sizeof b);
        printf("  EFLAGS: tandem %08x unicorn %08x (differ: %s; undefined, masked: %s)\n",
               t->eflags, u->eflags, a, b[0] ? b : "none");
    }
    for (int i = 0; i < 6; i++)
        if (t->seg[i] != u->seg[i])
            printf("  %s: tandem %04x unicorn %04x\n", segn[i], t->seg[i], u->seg[i]);
    if (diff & DIFF_MEM) {
        int shown = 0;
        for (uint32_t a = 0; a < RAM_SIZE && shown < 8; a++) {
            if (run->e.t_ram[a] == run->e.u_ram[a])
                continue;
            uint32_t end = a;
            while (end < RAM_SIZE && end < a + 8 && run->e.t_ram[end] != run->e.u_ram[end])
                end++;
            printf("  memory %05x:", a);
            printf(" tandem");
            for (uint32_t k = a; k < end; k++)
                printf(" %02x", run->e.t_ram[k]);
            printf(" unicorn");
            for (uint32_t k = a; k < end; k++)
                printf(" %02x", run->e.u_ram[k]);
            printf("\n");
            a = end;
            shown++;
        }
    }
    if (diff & DIFF_SIMD)
        print_simd_diff(pre, t, u);
    if (diff & DIFF_X87)
        print_x87_diff(pre, t, u);
    if (un->why && (diff & (DIFF_FLAGS | DIFF_GPR)))
        printf("  undefined per SDM: %s\n", un->why);
    if (!excused_by) {
        printf("  reproduce: tandem-oracle --mode %d --seed %" PRIu64 " --family %s --trace-stream %ld "
               "--count %" PRIu64 "\n", o->mode, o->seed, family_names[st->family], run->stream_no,
               run->s.insns);
    }
    fflush(stdout);
}

/* ---- running a stream ---- */
typedef struct Ctx { Run *run; Regs pre; uint32_t mem_lin; } Ctx;

static void rerun_cb(void *p, Regs *post, int *exc)
{
    Ctx *c = p;
    *exc = eng_rerun_relaxed(&c->run->e, &c->pre, post);
}

/* Tandem's memory operand after the instruction (linear address from the
 * segment base and offset before it). */
static bool read_t_cb(void *p, const InsnInfo *ii, int size, uint32_t *val)
{
    Ctx *c = p;
    Run *run = c->run;
    uint32_t lin = c->mem_lin;
    (void)ii;
    *val = 0;
    if (size > 4 || lin >= RAM_SIZE || lin + (uint32_t)size > RAM_SIZE)
        return false;   /* (64-bit operands: *val has 32 bits) */
    memcpy(val, run->e.t_ram + lin, (size_t)size);
    return true;
}

static int rerun_poke_cb(void *p, bool relaxed, uint32_t lin, const uint8_t *bytes, int n, Regs *post)
{
    Ctx *c = p;
    return eng_rerun_poke(&c->run->e, &c->pre, relaxed, lin, bytes, n, post);
}

static bool read_lin_cb(void *p, uint32_t lin, int size, uint32_t *val)
{
    Ctx *c = p;
    *val = 0;
    for (int k = 0; k < size; k++) {
        uint32_t a = lin + (uint32_t)k;
        *val |= (uint32_t)(a < RAM_SIZE ? c->run->e.t_ram[a] : 0xff) << (8 * k);
    }
    return true;
}

static bool mem_same_cb(void *p)
{
    Ctx *c = p;
    return memcmp(c->run->e.t_ram, c->run->e.u_ram, RAM_SIZE) == 0;
}

static bool mem_same_but_cb(void *p, uint32_t lin, uint32_t n)
{
    Ctx *c = p;
    const uint8_t *t = c->run->e.t_ram, *u = c->run->e.u_ram;
    if (lin >= RAM_SIZE)
        return memcmp(t, u, RAM_SIZE) == 0;
    uint32_t end = lin + n < RAM_SIZE ? lin + n : RAM_SIZE;
    return memcmp(t, u, lin) == 0 && memcmp(t + end, u + end, RAM_SIZE - end) == 0;
}

static bool write_t_cb(void *p, uint32_t lin, const uint8_t *bytes, int n)
{
    Ctx *c = p;
    if (lin >= RAM_SIZE || lin + (uint32_t)n > RAM_SIZE)
        return false;
    memcpy(c->run->e.t_ram + lin, bytes, (size_t)n);
    return true;
}

static void resync_memory(Run *run)
{
    eng_resync_memory(&run->e);
}

static int insn_index(const Stream *st, uint32_t off)
{
    int lo = 0, hi = st->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (st->start[mid] == off)
            return mid;
        if (st->start[mid] < off)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}


/* A crasher (unicorn-bugs.c) in the bytes Unicorn may translate from lin on
 * (decoded sequentially to the end of the stream's code). */
static bool crasher_ahead(Run *run, const Stream *st, uint32_t lin, bool count)
{
    for (uint32_t a = lin; a >= CODE_LIN && a < CODE_LIN + st->len;) {
        InsnInfo k;
        insn_info(run->e.t_ram + a, 16, run->o.mode, &k);
        if (!k.len)
            return false;
        if (unicorn_crash_filter(&k, count))
            return true;
        a += (uint32_t)k.len;
    }
    return false;
}

/* Linear targets of a relative branch (Jcc, JMP, CALL, LOOPcc, JCXZ): the
 * new IP with and without the operand-size wrap. */
static int rel_targets(const InsnInfo *ii, const Regs *pre, int mode, uint32_t *out)
{
    uint8_t op = ii->op;
    bool rel = ii->two_byte ? (op >= 0x80 && op <= 0x8f)
                            : ((op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3) || op == 0xe8 ||
                               op == 0xe9 || op == 0xeb);
    if (!rel || ii->imm_off < 0)
        return 0;
    int32_t d = ii->imm_len == 1 ? (int8_t)ii->imm : ii->imm_len == 2 ? (int16_t)ii->imm : (int32_t)ii->imm;
    uint32_t ip = pre->eip + (uint32_t)ii->len + (uint32_t)d;
    uint32_t base = mode != 16 ? 0 : (uint32_t)pre->seg[OS_CS] << 4;
    out[0] = base + ip;
    out[1] = base + (ip & 0xffff);
    return out[0] == out[1] ? 1 : 2;
}

/* Returns true if a mismatch was reported. */
static bool run_stream(Run *run, const Stream *st, bool precise)
{
    Engines *e = &run->e;
    Opts *o = &run->o;
    Stats *s = &run->s;
    bool trace = run->stream_no == o->trace_stream || o->trace_stream == -2;
    eng_load_code(e, st->code, st->len + CODE_PAD);
    eng_set_regs(e, &st->init);
    Regs pre;
    eng_get_tandem(e, &pre);
    int maxsteps = st->random ? 24 : st->n * 2 + 8;
    bool reported = false;
    for (int step = 0; step < maxsteps; step++) {
        if (!precise && s->insns >= o->count)
            break;
        uint32_t lin = eng_linear_pc(e, &pre);
        uint32_t codelin = CODE_LIN;
        if (lin < codelin || lin >= codelin + st->len) {
            if (!precise && lin != codelin + st->len) s->skips[SK_LEFT_CODE]++;
            break;
        }
        uint8_t bytes[16];
        memcpy(bytes, e->t_ram + lin, 16);
        InsnInfo ii;
        insn_info(bytes, 16, o->mode, &ii);
        if (ii.klass != IC_OK && !(oracle_simd && ii.klass == IC_SIMD) &&
            !(oracle_x87 && ii.klass == IC_FPU)) {
            if (!precise) s->skips[ii.klass]++;
            break;
        }
        int idx = st->random ? -1 : insn_index(st, lin - codelin);
        if (idx < 0) {
            /* Random bytes, or a directed stream entered in the middle of an
             * instruction (a branch through a register the stream did not
             * set): the generator's clean-up of Unicorn's crashers does not
             * apply there.  Unicorn may translate from EIP onwards (up to
             * `until`, which is out of the code after a branch out of it):
             * no crasher may follow. */
            if (crasher_ahead(run, st, lin, !precise))
                break;
        } else if (unicorn_crash_filter(&ii, !precise)) {
            break;      /* the generator never emits one: not reached */
        }
        {
            /* Unicorn translates the block at a branch target before the
             * code hook stops it there: a relative branch may land inside
             * an instruction (75 FF), so scan from its target(s) too (with
             * and without the 16-bit wrap of the new IP). */
            uint32_t tgt[2];
            int nt = rel_targets(&ii, &pre, o->mode, tgt);
            bool bad = false;
            for (int k = 0; k < nt && !bad; k++)
                if (insn_index(st, tgt[k] - codelin) < 0 || st->random)
                    bad = crasher_ahead(run, st, tgt[k], !precise);
            if (bad)
                break;
        }
        if (ii.string && (ii.rep || ii.repne)) {
            uint64_t cnt = ii.asize == 16 ? (pre.r[OR_ECX] & 0xffff) : ii.asize == 32 ? pre.r[OR_ECX]
                         : reg64(&pre, OR_ECX);
            if (cnt > 4096) {
                if (!precise) s->skips[SK_LONG_REP]++;
                break;
            }
        }
        int fam = idx >= 0 ? st->fam[idx] : st->family;
        if (trace) {
            char text[160];
            disas_one(bytes, 16, pre.eip, o->mode, text, sizeof text);
            printf("[%ld.%d] @%05x %s   [", run->stream_no, step, lin, text);
            for (int k = 0; k < ii.len; k++)
                printf("%02x", bytes[k]);
            printf("]\n");
            fflush(stdout);
        }
        /* the memory operand before the instruction, for the recognisers */
        uint8_t pre_mem[16];
        bool pre_mem_ok = false;
        uint32_t mem_lin = ~0u, mem_base = 0;
        if (ii.mem) {
            mem_base = eng_seg_base(e, ii_seg(&ii));
            mem_lin = mem_base + ii_ea(&ii, &pre);
            if (o->mode == 64) {
                /* FS/GS bases are 0 here; beyond 4 GiB nothing is mapped */
                uint64_t ea = ii_ea64(&ii, &pre);
                mem_lin = ea >> 32 ? ~0u : (uint32_t)ea;
            }
            for (uint32_t k = 0; k < sizeof pre_mem; k++) {
                uint32_t a = mem_lin + k;      /* unassigned reads all ones */
                pre_mem[k] = a < RAM_SIZE ? e->t_ram[a] : 0xff;
            }
            pre_mem_ok = true;
        }
        uint32_t ss_base = eng_seg_base(e, OS_SS);
        bool stack32 = eng_stack_lin(e, 0x10000) - ss_base == 0x10000;
        int exc_t = eng_step_tandem(e);
        uint64_t until = ENG_UNTIL_NEXT;
        if (exc_t < 0) {
            Regs tt;
            eng_get_tandem(e, &tt);
            uint32_t tl = eng_linear_pc(e, &tt);
            if (tl < codelin || tl > codelin + st->len)
                until = tl;     /* out of the code: Unicorn stops right there */
            else if ((st->random || insn_index(st, tl - codelin) < 0) && crasher_ahead(run, st, tl, !precise)) {
                /* the next block (an indirect branch's target) could crash
                 * Unicorn: end the stream with Tandem one step ahead */
                resync_memory(run);
                break;
            }
        }
        int uerr = 0;
        int exc_u = eng_step_unicorn(e, &ii, &uerr, until);
        if (exc_u == ENG_UC_ABORTED) {
            /* Caught and survived (engines.c); always shown, so that the
             * encoding can be added to unicorn_crashers. */
            if (!precise) {
                s->skips[SK_UC_ABORT]++;
                printf("UNICORN ABORTED: mode %d, seed %" PRIu64 ", stream %ld, step %d, bytes",
                       o->mode, o->seed, run->stream_no, step);
                for (int k = 0; k < ii.len; k++)
                    printf(" %02x", bytes[k]);
                Regs tt;
                eng_get_tandem(e, &tt);
                uint32_t tl = eng_linear_pc(e, &tt);
                printf("; Tandem went on to %08x:", tl);
                for (uint32_t k = 0; k < 16 && tl + k < RAM_SIZE; k++)
                    printf(" %02x", e->t_ram[tl + k]);
                printf(" (add the encoding to unicorn_crashers in unicorn-bugs.c)\n");
            }
            resync_memory(run);
            break;
        }
        Regs t, u;
        eng_get_tandem(e, &t);
        eng_get_unicorn(e, &u);
        bool code_changed = memcmp(e->t_ram + CODE_LIN, st->code, st->len + CODE_PAD) != 0 ||
                            memcmp(e->u_ram + CODE_LIN, st->code, st->len + CODE_PAD) != 0;
        if (code_changed || e->code_written || eng_gdt_changed(e)) {
            /* Self-modifying code is tested elsewhere; QEMU restarts an
             * instruction that writes into its own block (not idempotently).
             * A changed GDT would make the segment registers' hidden parts
             * differ from their descriptors (and Unicorn reloads them). */
            if (!precise) s->skips[SK_CODE_WRITE]++;
            resync_memory(run);
            break;
        }
        if (exc_u >= 0)
            eng_unicorn_forget_exception(e, &u);
        if (uerr == UC_ERR_FETCH_PROT_ || uerr == UC_ERR_FETCH_UNMAPPED_) {
            /* a branch out of RAM: Unicorn cannot fetch from the unassigned
             * (MMIO) region and says so when it looks at the target; the
             * branch itself is done and compared */
            if (eng_linear_pc(e, &u) >= RAM_SIZE)
                uerr = 0;
        }
        if (uerr) {
            /* an emulation error (an access to unmapped memory: only past
             * 4 GiB) is compared like an exception the engines disagree on */
            exc_u = 100 + uerr;
        }
        if (!precise) {
            s->insns++;
            s->fam_insns[fam]++;
            s->stream_fam_insns[st->family]++;
            if (exc_t >= 0)
                s->exceptions++;
        }
        Undef un;
        uint32_t diff = compare(run, &ii, bytes, &pre, &t, &u, exc_t, exc_u, precise, mem_lin, &un);
        if (trace) {
            printf("    exc t=%d u=%d diff=%x\n", exc_t, exc_u, diff);
            print_regs("tandem: ", &t);
        }
        if (diff) {
            /* Does Tandem implement it at all? */
            if (o->skip_unimpl && exc_t == 6 && exc_u != 6 && !handler_file(&ii)) {
                if (!precise) {
                    s->skips[SK_UNIMPL]++;
                    s->insns--;
                    s->fam_insns[fam]--;
                    s->stream_fam_insns[st->family]--;
                }
                resync_memory(run);
                break;
            }
            Ctx cx = { run, pre, mem_lin };
            Case c = { o->mode, bytes, &ii, pre, t, u, exc_t, exc_u, diff, pre_mem_ok ? pre_mem : NULL,
                       stack32, mem_base, ss_base, false, rerun_cb, read_t_cb, rerun_poke_cb, read_lin_cb,
                       mem_same_cb, mem_same_but_cb, &cx, write_t_cb };
            UcBug *bug = unicorn_bug_match(&c);
            if (bug) {
                if (!precise) s->excused++;
                if (o->verbose)
                    report(run, st, idx, step, bytes, &ii, &pre, &t, &u, exc_t, exc_u, diff, &un, bug->name);
                if (bug->resume) {
                    simd_set_unicorn(e, &t);
                    x87_set_unicorn(e, &t);
                    goto resume;
                }
            } else if (!precise || !run->reported_in_group[run->group_pos]) {
                if (s->reports < o->max_reports)
                    report(run, st, idx, step, bytes, &ii, &pre, &t, &u, exc_t, exc_u, diff, &un, NULL);
                s->reports++;
                s->mismatches++;
                s->fam_mism[fam]++;
                reported = true;
            }
            resync_memory(run);
            break;
        }
    resume:
        if (exc_u >= 0 && exc_u < 100)
            ;   /* done right after the step */
        else if (memcmp(t.r, u.r, sizeof t.r) || memcmp(t.hi, u.hi, sizeof t.hi) ||
                 memcmp(t.x, u.x, sizeof t.x) || t.eflags != u.eflags)
            eng_unicorn_take_regs(e, &t);   /* undefined bits differed */
        if (oracle_x87 && memcmp(&t.f, &u.f, sizeof t.f))
            x87_set_unicorn(e, &t);         /* undefined condition codes differed */
        if (exc_t >= 0) {
            /* skip the faulting instruction when its successor is known */
            if (idx < 0 || idx + 1 > st->n)
                break;
            uint32_t next = st->start[idx + 1] + (o->mode != 16 ? CODE_LIN : 0);
            eng_set_eip(e, next);
            t.eip = next;
        }
        if (t.eflags & 0x100) {
            if (!precise) s->skips[SK_TF]++;
            break;
        }
        pre = t;
    }
    return reported;
}

/* ---- main ---- */
static uint32_t parse_families(const char *list)
{
    uint32_t m = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (!strcmp(tok, "all")) {
            m |= FAM_ALL_DEFAULT;
            continue;
        }
        int f;
        for (f = 0; f < FAM_COUNT; f++)
            if (!strcmp(tok, family_names[f]))
                break;
        if (f == FAM_COUNT) {
            fprintf(stderr, "oracle: unknown family '%s' (known:", tok);
            for (int i = 0; i < FAM_COUNT; i++)
                fprintf(stderr, " %s", family_names[i]);
            fprintf(stderr, ", all)\n");
            exit(2);
        }
        m |= 1u << f;
    }
    return m;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: tandem-oracle --mode 16|32|64 --seed S --count N [--family LIST] [--verbose]\n"
            "                     [--trace-stream K] [--max-reports N] [--skip-unimplemented]\n"
            "families: alu mov branch misc shift muldiv bcd bit cond atomic string stack flags\n"
            "          segment far edge random (default: all); sse mmx x87 (not in all)\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static Run run;
    Opts *o = &run.o;
    o->mode = 32;
    o->seed = 1;
    o->count = 100000;
    o->families = FAM_ALL_DEFAULT;
    o->trace_stream = -1;
    o->max_reports = 50;
    static const struct option lo[] = {
        { "mode", 1, 0, 'm' }, { "seed", 1, 0, 's' }, { "count", 1, 0, 'n' },
        { "family", 1, 0, 'f' }, { "verbose", 0, 0, 'v' }, { "trace-stream", 1, 0, 't' },
        { "max-reports", 1, 0, 'r' }, { "skip-unimplemented", 0, 0, 'u' }, { "help", 0, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "m:s:n:f:vt:r:uh", lo, NULL)) != -1) {
        switch (c) {
        case 'm': o->mode = atoi(optarg); break;
        case 's': o->seed = strtoull(optarg, NULL, 0); break;
        case 'n': o->count = strtoull(optarg, NULL, 0); break;
        case 'f': o->families = parse_families(optarg); break;
        case 'v': o->verbose = true; break;
        case 't': o->trace_stream = strtol(optarg, NULL, 0); break;
        case 'r': o->max_reports = atoi(optarg); break;
        case 'u': o->skip_unimpl = true; break;
        default: usage();
        }
    }
    if (o->mode != 16 && o->mode != 32 && o->mode != 64)
        usage();
    cur_mode = o->mode;
    if (o->mode != 16)
        o->families &= ~(1u << FAM_FAR);    /* far transfers go through descriptors */
    if (o->mode == 64)                      /* invalid in 64-bit mode (#UD) */
        o->families &= ~(1u << FAM_BCD | 1u << FAM_SEGMENT);
    for (int f = 0; f < FAM_COUNT; f++)
        if (o->families & (1u << f))
            run.fam_list[run.nfam++] = f;
    if (!run.nfam) {
        fprintf(stderr, "oracle: no family to run\n");
        return 2;
    }

    oracle_simd = (o->families & (1u << FAM_SSE | 1u << FAM_MMX)) != 0;
    oracle_x87 = (o->families & (1u << FAM_X87)) != 0;
    eng_init(&run.e, o->mode);
    run.snap = malloc(RAM_SIZE);
    if (!run.snap)
        abort();
    Rng rng = { o->seed * 0x9e3779b97f4a7c15ull + 0x1234567 };
    for (int i = 0; i < 8; i++)
        rng_next(&rng);
    /* memory: random data everywhere but the code area */
    for (uint32_t a = 0; a < RAM_SIZE; a += 4) {
        uint32_t v = rng_u32(&rng);
        memcpy(run.e.t_ram + a, &v, 4);
    }
    memset(run.e.t_ram + CODE_LIN, 0, CODE_SIZE);
    memcpy(run.e.u_ram, run.e.t_ram, RAM_SIZE);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* Streams run in groups: memory is compared per instruction on the pages
     * it may write, and all of it at the end of a group; a difference found
     * there replays the group from its snapshot comparing everything after
     * every instruction, to find the instruction that caused it.  A group
     * is about GROUP_INSNS instructions (random streams are short: the
     * snapshot and the compare of all RAM would dominate otherwise). */
    enum { GROUP = 256, GROUP_INSNS = 1000, UC_RENEW_INSNS = 250000 };
    run.group = calloc(GROUP, sizeof(Stream));
    if (!run.group)
        abort();
    uint64_t renewed_at = 0;
    while (run.s.insns < o->count) {
        if (run.s.insns - renewed_at >= UC_RENEW_INSNS) {
            eng_unicorn_renew(&run.e);      /* see engines.h */
            renewed_at = run.s.insns;
        }
        memcpy(run.snap, run.e.t_ram, RAM_SIZE);
        long first = run.stream_no;
        uint64_t first_insn = run.s.insns;
        int n = 0;
        while (n < GROUP && run.s.insns < o->count && run.s.insns - first_insn < GROUP_INSNS) {
            int fam = run.fam_list[rng_below(&rng, (uint32_t)run.nfam)];
            gen_stream(&rng, o->mode, fam, &run.group[n]);
            run.group_pos = n;
            run.reported_in_group[n] = run_stream(&run, &run.group[n], false);
            run.stream_no++;
            run.s.streams++;
            n++;
        }
        if (memcmp(run.e.t_ram, run.e.u_ram, RAM_SIZE)) {
            run.s.replays++;
            uint64_t hits[32];
            int nb = 0;
            for (UcBug *b = unicorn_bugs; b->name && nb < 32; b++)
                hits[nb++] = b->hits;
            memcpy(run.e.t_ram, run.snap, RAM_SIZE);
            memcpy(run.e.u_ram, run.snap, RAM_SIZE);
            long end_no = run.stream_no;
            bool found = false;
            for (int k = 0; k < n; k++) {
                run.stream_no = first + k;
                run.group_pos = k;
                found |= run_stream(&run, &run.group[k], true);
            }
            run.stream_no = end_no;
            nb = 0;
            for (UcBug *b = unicorn_bugs; b->name && nb < 32; b++)
                b->hits = hits[nb++];
            if (!found) {
                printf("MISMATCH: mode %d, seed %" PRIu64 ", streams %ld-%ld: memory differs at the "
                       "end but a replay did not find where\n", o->mode, o->seed, first, end_no - 1);
                run.s.mismatches++;
            }
            eng_resync_memory(&run.e);
        }
    }
    free(run.group);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    Stats *s = &run.s;
    if (s->reports > o->max_reports)
        printf("(%d more mismatches not shown; --max-reports)\n", s->reports - o->max_reports);
    printf("mode %d, seed %" PRIu64 ": %" PRIu64 " streams, %" PRIu64 " exceptions compared, "
           "%" PRIu64 " replays, %.1f s (%.2f us/insn)\n", o->mode, o->seed, s->streams,
           s->exceptions, s->replays, secs, s->insns ? secs * 1e6 / (double)s->insns : 0.0);
    for (int f = 0; f < FAM_COUNT; f++)
        if (s->fam_insns[f])
            printf("family %-8s %10" PRIu64 " instructions, %" PRIu64 " mismatches\n", family_names[f],
                   s->fam_insns[f], s->fam_mism[f]);
    /* edge streams consist of other families' instructions (counted above
     * under those); this line counts by what each stream is about */
    printf("streams' instructions by stream family:");
    for (int f = 0; f < FAM_COUNT; f++)
        if (s->stream_fam_insns[f])
            printf(" %s %" PRIu64, family_names[f], s->stream_fam_insns[f]);
    printf("\n");
    for (int k = 0; k < SK_NREASONS; k++)
        if (s->skips[k] && k != IC_OK)
            printf("skipped: %" PRIu64 " x %s\n", s->skips[k],
                   k < IC_NCLASS ? insn_class_names[k] : skip_extra[k - IC_NCLASS]);
    for (UcBug *b = unicorn_bugs; b->name; b++)
        if (b->hits)
            printf("unicorn bug excused: %" PRIu64 " x %s\n", b->hits, b->name);
    for (UcCrash *k = unicorn_crashers; k->name; k++)
        if (k->hits)
            printf("skipped: %" PRIu64 " x crashes Unicorn (%s)\n", k->hits, k->name);
    printf("oracle: %" PRIu64 " instructions, %" PRIu64 " mismatches\n", s->insns, s->mismatches);
    free(run.snap);
    eng_free(&run.e);
    return s->mismatches ? 1 : 0;
}
