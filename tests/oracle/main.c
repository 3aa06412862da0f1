/* tandem-oracle: runs instruction streams in Tandem and in Unicorn one
 * instruction at a time and compares the registers, the defined flags, the
 * segment registers, memory and exceptions after each one.
 *
 *   tandem-oracle --mode 16|32 --seed S --count N [--family LIST] [--verbose]
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
static const struct { const OpReg *ops; const char *file; } fam_files[] = {
    { ops_alu, "cpu/ops-alu.c" }, { ops_mov, "cpu/ops-mov.c" }, { ops_branch, "cpu/ops-branch.c" },
    { ops_io, "cpu/ops-io.c" }, { ops_misc, "cpu/ops-misc.c" }, { ops_far, "cpu/ops-far.c" },
    { ops_shift, "cpu/ops-shift.c" }, { ops_muldiv, "cpu/ops-muldiv.c" }, { ops_bcd, "cpu/ops-bcd.c" },
    { ops_bit, "cpu/ops-bit.c" }, { ops_string, "cpu/ops-string.c" }, { ops_cond, "cpu/ops-cond.c" },
    { ops_atomic, "cpu/ops-atomic.c" }, { ops_stack, "cpu/ops-stack.c" },
    { ops_system, "cpu/ops-system.c" }, { ops_segment, "cpu/ops-segment.c" },
    { ops_flags, "cpu/ops-flags.c" },
};

static const char *handler_file(const InsnInfo *ii)
{
    uint32_t code = ii->two_byte ? 0x0f00u | ii->op : ii->op;
    for (size_t f = 0; f < sizeof fam_files / sizeof fam_files[0]; f++)
        for (const OpReg *r = fam_files[f].ops; r->op != 0xffffffffu; r++)
            if (r->op == code && (r->ext < 0 || (ii->has_modrm && r->ext == ii->reg)))
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
    "left the code area (stream ended)", "REP count too large", "wrote into the code area (stream ended)",
    "Unicorn aborted (an encoding missing from unicorn_crashers)", "TF set (stream ended)",
    "not implemented in Tandem",
};

typedef struct Stats {
    uint64_t insns, mismatches, excused;
    uint64_t fam_insns[FAM_COUNT], fam_mism[FAM_COUNT];
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
    bool reported_in_group[64];
    int group_pos;
    int fam_list[FAM_COUNT];
    int nfam;
} Run;

static const char *const regn[8] = { "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI" };
static const char *const segn[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };

static void print_regs(const char *label, const Regs *r)
{
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

static bool mem_range_differs(Run *run, uint32_t a, uint32_t size)
{
    if (a >= RAM_SIZE)
        return false;
    if (a + size > RAM_SIZE)
        size = RAM_SIZE - a;
    return memcmp(run->e.t_ram + a, run->e.u_ram + a, size) != 0;
}

static uint32_t compare(Run *run, const InsnInfo *ii, const uint8_t *bytes, const Regs *pre,
                        const Regs *t, const Regs *u, int exc_t, int exc_u, bool full_mem, Undef *un)
{
    uint32_t diff = 0;
    insn_undefined(ii, bytes, pre, u, run->o.mode, un);
    if (exc_t >= 0 || exc_u >= 0)
        memset(un, 0, sizeof *un);     /* nothing executed: everything defined */
    if (exc_t != exc_u)
        diff |= DIFF_EXC;
    for (int i = 0; i < 8; i++)
        if ((t->r[i] ^ u->r[i]) & ~un->regmask[i])
            diff |= DIFF_GPR;
    if (t->eip != u->eip)
        diff |= DIFF_EIP;
    if ((t->eflags ^ u->eflags) & ~un->flags)
        diff |= DIFF_FLAGS;
    for (int i = 0; i < 6; i++)
        if (t->seg[i] != u->seg[i])
            diff |= DIFF_SEG;
    Engines *e = &run->e;
    int nw = e->nwrites < MAX_WRITES ? e->nwrites : MAX_WRITES;
    if (un->mem_result || un->push_sreg32) {
        /* undefined bytes: take Tandem's so the images agree */
        for (int i = 0; i < nw; i++) {
            uint32_t a = e->writes[i].addr, sz = e->writes[i].size;
            if (un->push_sreg32 && sz == 4)
                a += 2, sz = 2;
            else if (!un->mem_result)
                continue;
            if (a < RAM_SIZE && a + sz <= RAM_SIZE)
                memcpy(e->u_ram + a, e->t_ram + a, sz);
        }
    }
    if (full_mem || e->nwrites > MAX_WRITES) {
        if (memcmp(e->t_ram, e->u_ram, RAM_SIZE))
            diff |= DIFF_MEM;
    } else {
        for (int i = 0; i < nw; i++)
            if (mem_range_differs(run, e->writes[i].addr, e->writes[i].size))
                diff |= DIFF_MEM;
    }
    return diff;
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
    for (int i = 0; i < 8; i++)
        if ((t->r[i] ^ u->r[i]) & ~un->regmask[i])
            printf("  %s: tandem %08x unicorn %08x\n", regn[i], t->r[i], u->r[i]);
    if (diff & DIFF_EIP)
        printf("  EIP: tandem %08x unicorn %08x\n", t->eip, u->eip);
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
    if (lin >= RAM_SIZE || lin + (uint32_t)size > RAM_SIZE)
        return false;
    memcpy(val, run->e.t_ram + lin, (size_t)size);
    return true;
}

static bool mem_same_cb(void *p)
{
    Ctx *c = p;
    return memcmp(c->run->e.t_ram, c->run->e.u_ram, RAM_SIZE) == 0;
}

static void resync_memory(Run *run)
{
    memcpy(run->e.u_ram, run->e.t_ram, RAM_SIZE);
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
        if (ii.klass != IC_OK) {
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
            bool bad = false;
            for (uint32_t a = lin; a < CODE_LIN + st->len;) {
                InsnInfo k;
                insn_info(e->t_ram + a, 16, o->mode, &k);
                if (!k.len)
                    break;
                if (unicorn_crash_filter(&k, !precise)) {
                    bad = true;
                    break;
                }
                a += (uint32_t)k.len;
            }
            if (bad)
                break;
        } else if (unicorn_crash_filter(&ii, !precise)) {
            break;      /* the generator never emits one: not reached */
        }
        if (ii.string && (ii.rep || ii.repne)) {
            uint32_t cnt = ii.asize == 16 ? (pre.r[OR_ECX] & 0xffff) : pre.r[OR_ECX];
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
        uint32_t mem_lin = ~0u;
        if (ii.mem) {
            mem_lin = eng_seg_base(e, ii_seg(&ii)) + ii_ea(&ii, &pre);
            if (mem_lin <= RAM_SIZE - sizeof pre_mem) {
                memcpy(pre_mem, e->t_ram + mem_lin, sizeof pre_mem);
                pre_mem_ok = true;
            } else if (mem_lin >= RAM_SIZE && mem_lin <= 0xfffffff0u) {
                memset(pre_mem, 0xff, sizeof pre_mem);     /* unassigned: all ones */
                pre_mem_ok = true;
            }
        }
        int exc_t = eng_step_tandem(e);
        uint64_t until = 0;
        if (exc_t < 0) {
            Regs tt;
            eng_get_tandem(e, &tt);
            uint32_t tl = eng_linear_pc(e, &tt);
            if (tl < codelin || tl > codelin + st->len)
                until = tl;     /* out of the code: Unicorn stops right there */
        }
        int uerr = 0;
        int exc_u = eng_step_unicorn(e, &ii, &uerr, 1, until);
        if (exc_u == ENG_UC_ABORTED) {
            /* Caught and survived (engines.c); always shown, so that the
             * encoding can be added to unicorn_crashers. */
            if (!precise) {
                s->skips[SK_UC_ABORT]++;
                printf("UNICORN ABORTED: mode %d, seed %" PRIu64 ", stream %ld, step %d, bytes",
                       o->mode, o->seed, run->stream_no, step);
                for (int k = 0; k < ii.len; k++)
                    printf(" %02x", bytes[k]);
                printf(" (add it to unicorn_crashers in unicorn-bugs.c)\n");
            }
            resync_memory(run);
            break;
        }
        Regs t, u;
        eng_get_tandem(e, &t);
        eng_get_unicorn(e, &u);
        bool code_changed = memcmp(e->t_ram + CODE_LIN, st->code, st->len + CODE_PAD) != 0 ||
                            memcmp(e->u_ram + CODE_LIN, st->code, st->len + CODE_PAD) != 0;
        if (code_changed || e->code_written) {
            /* Self-modifying code is tested elsewhere; QEMU restarts an
             * instruction that writes into its own block (not idempotently). */
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
            if (exc_t >= 0)
                s->exceptions++;
        }
        Undef un;
        uint32_t diff = compare(run, &ii, bytes, &pre, &t, &u, exc_t, exc_u, precise, &un);
        if (trace) {
            printf("    exc t=%d u=%d diff=%x\n", exc_t, exc_u, diff);
            print_regs("tandem: ", &t);
        }
        if (diff) {
            /* Does Tandem implement it at all? */
            if (o->skip_unimpl && exc_t == 6 && exc_u != 6 && !handler_file(&ii)) {
                if (!precise) { s->skips[SK_UNIMPL]++; s->insns--; s->fam_insns[fam]--; }
                resync_memory(run);
                break;
            }
            Ctx cx = { run, pre, mem_lin };
            Case c = { o->mode, bytes, &ii, pre, t, u, exc_t, exc_u, diff, pre_mem_ok ? pre_mem : NULL,
                       rerun_cb, read_t_cb, mem_same_cb, &cx };
            UcBug *bug = unicorn_bug_match(&c);
            if (bug) {
                if (!precise) s->excused++;
                if (o->verbose)
                    report(run, st, idx, step, bytes, &ii, &pre, &t, &u, exc_t, exc_u, diff, &un, bug->name);
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
        if (exc_u >= 0 && exc_u < 100)
            ;   /* done right after the step */
        else if (memcmp(t.r, u.r, sizeof t.r) || t.eflags != u.eflags)
            eng_unicorn_take_regs(e, &t);   /* undefined bits differed */
        if (exc_t >= 0) {
            /* skip the faulting instruction when its successor is known */
            if (idx < 0 || idx + 1 > st->n)
                break;
            uint32_t next = st->start[idx + 1] + (o->mode == 32 ? CODE_LIN : 0);
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
            m |= (1u << FAM_COUNT) - 1;
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
            "usage: tandem-oracle --mode 16|32 --seed S --count N [--family LIST] [--verbose]\n"
            "                     [--trace-stream K] [--max-reports N] [--skip-unimplemented]\n"
            "families: alu mov branch misc shift muldiv bcd bit cond atomic string stack flags\n"
            "          segment far edge random (default: all)\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static Run run;
    Opts *o = &run.o;
    o->mode = 32;
    o->seed = 1;
    o->count = 100000;
    o->families = (1u << FAM_COUNT) - 1;
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
    if (o->mode != 16 && o->mode != 32)
        usage();
    if (o->mode == 32)
        o->families &= ~(1u << FAM_FAR);    /* far transfers go through descriptors */
    for (int f = 0; f < FAM_COUNT; f++)
        if (o->families & (1u << f))
            run.fam_list[run.nfam++] = f;
    if (!run.nfam) {
        fprintf(stderr, "oracle: no family to run\n");
        return 2;
    }

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
    /* Streams run in groups: memory is compared per instruction where
     * Unicorn wrote, and all of it at the end of a group; a difference found
     * there replays the group from its snapshot comparing everything after
     * every instruction, to find the instruction that caused it. */
    enum { GROUP = 16 };
    run.group = calloc(GROUP, sizeof(Stream));
    if (!run.group)
        abort();
    while (run.s.insns < o->count) {
        memcpy(run.snap, run.e.t_ram, RAM_SIZE);
        long first = run.stream_no;
        int n = 0;
        while (n < GROUP && run.s.insns < o->count) {
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
            memcpy(run.e.u_ram, run.e.t_ram, RAM_SIZE);
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
