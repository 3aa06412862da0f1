/* The KVM backend.  Without /dev/kvm: the flat view of the memory map
 * (phys_flatten) that KVM's memory slots come from.  With /dev/kvm:
 * set_state then get_state returns the same CpuState (power-on, real mode,
 * 32-bit protected mode at CPL 0 and 3, 64-bit mode); small guests run from RAM
 * in real mode, flat 32-bit mode and 64-bit mode at CPL 0 and 3, with their
 * speed; one of them moves KVM -> interpreter -> KVM in the middle of its loop.
 * Prints "skipped: /dev/kvm not usable" when KVM cannot be opened. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel/accel.h"
#include "cpu/cpu-state.h"
#include "hw/i8254-pit.h"
#include "hw/i8259-pic.h"
#include "hw/machine.h"
#include "tests/unit/test.h"

/* ---- phys_flatten ---- */

typedef struct Range {
    uint64_t start, size;
    const char *name;
    uint64_t off;
} Range;

static Range ranges[64];
static int nranges;

static void collect(void *opaque, uint64_t start, uint64_t size, MemRegion *r, uint64_t off)
{
    (void)opaque;
    if (nranges < 64)
        ranges[nranges++] = (Range){ start, size, r->name, off };
}

static uint64_t mmio_rd(void *o, uint64_t off, unsigned size) { (void)o; (void)off; (void)size; return 0; }
static void mmio_wr(void *o, uint64_t off, uint64_t v, unsigned size) { (void)o; (void)off; (void)v; (void)size; }
static const MemOps dummy_ops = { mmio_rd, mmio_wr, 1, 4 };

static void check_range(int i, uint64_t start, uint64_t size, const char *name, uint64_t off)
{
    CHECK(i < nranges);
    if (i >= nranges)
        return;
    CHECK_EQ(ranges[i].start, start);
    CHECK_EQ(ranges[i].size, size);
    CHECK(!strcmp(ranges[i].name, name));
    CHECK_EQ(ranges[i].off, off);
}

static void test_flatten(void)
{
    PhysMem pm;
    phys_init(&pm);
    static uint8_t rom[0x20000], vga[0x1000];
    CHECK(phys_alloc_ram(&pm, 16 << 20, 0xe0000000));
    /* A ROM over RAM below 1 MiB, a higher-priority MMIO window inside it,
     * a disabled region, and a ROM that ends at 4 GiB. */
    MemRegion *isa = phys_add_rom(&pm, "isa-bios", 0xe0000, 0x20000, rom, 1);
    phys_add_mmio(&pm, "hole", 0xef000, 0x800, &dummy_ops, NULL, 2);
    MemRegion *off = phys_add_ram(&pm, "disabled", 0x100000, 0x1000, vga, 5);
    phys_region_enable(&pm, off, false);
    phys_add_rom(&pm, "bios", 0xfffe0000, 0x20000, rom, 1);
    nranges = 0;
    phys_flatten(&pm, collect, NULL);
    CHECK_EQ(nranges, 6);
    check_range(0, 0, 0xe0000, "ram-below-4g", 0);
    check_range(1, 0xe0000, 0xf000, "isa-bios", 0);
    check_range(2, 0xef000, 0x800, "hole", 0);
    check_range(3, 0xef800, 0x10800, "isa-bios", 0xf800);
    check_range(4, 0x100000, (16 << 20) - 0x100000, "ram-below-4g", 0x100000);
    check_range(5, 0xfffe0000, 0x20000, "bios", 0);
    /* the last range of the list: the bios ending at 2^32 (after the RAM) */
    nranges = 0;
    phys_region_enable(&pm, isa, false);
    phys_region_enable(&pm, off, true);
    MemRegion *top = phys_add_rom(&pm, "top", 0xfffffffffffff000ull, 0x1000, rom, 0);
    phys_flatten(&pm, collect, NULL);
    CHECK_EQ(nranges, 7);
    check_range(0, 0, 0xef000, "ram-below-4g", 0);
    check_range(1, 0xef000, 0x800, "hole", 0);
    check_range(2, 0xef800, 0x100000 - 0xef800, "ram-below-4g", 0xef800);
    check_range(3, 0x100000, 0x1000, "disabled", 0);
    check_range(4, 0x101000, (16 << 20) - 0x101000, "ram-below-4g", 0x101000);
    check_range(5, 0xfffe0000, 0x20000, "bios", 0);
    check_range(6, 0xfffffffffffff000ull, 0x1000, "top", 0);   /* ends at 2^64 */
    (void)top;
    phys_destroy(&pm);
}

/* ---- KVM ---- */

static Machine m;
static volatile bool done;
static bool tsc_settable = true;
static uint32_t exit_value;

static uint64_t exit_rd(void *o, uint64_t off, unsigned size) { (void)o; (void)off; (void)size; return 0; }
static void exit_wr(void *o, uint64_t off, uint64_t v, unsigned size)
{
    (void)o;
    (void)off;
    (void)size;
    exit_value = (uint32_t)v;
    done = true;
    m.accel_ops->kick(m.accel);
}
static const MemOps exit_ops = { exit_rd, exit_wr, 1, 4 };

static void set_seg(SegCache *s, uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr)
{
    *s = (SegCache){ base, limit, sel, attr };
}

/* Compares every field of the canonical state; the TSC only has to be close
 * (it runs between set and get). */
static void compare_states(const char *what, const CpuState *want, const CpuState *got)
{
    int bad = 0;
    for (const StateField *f = cpu_state_desc.fields; f->name; f++) {
        if (f->kind == SF_BYTES) {
            const uint8_t *pa = (const uint8_t *)want + f->offset, *pb = (const uint8_t *)got + f->offset;
            for (uint32_t i = 0; i < f->size; i++) {
                if (pa[i] != pb[i]) {
                    fprintf(stderr, "%s: %s byte %u set 0x%02x, read back 0x%02x\n", what, f->name, i,
                            pa[i], pb[i]);
                    bad++;
                    break;
                }
            }
            continue;
        }
        for (uint32_t i = 0; i < f->count; i++) {
            uint64_t a = 0, b = 0;
            memcpy(&a, (const char *)want + f->offset + i * f->size, f->size);
            memcpy(&b, (const char *)got + f->offset + i * f->size, f->size);
            if (!strcmp(f->name, "tsc")) {
                if (tsc_settable && (b < a || b - a > 10000000000ull)) {
                    fprintf(stderr, "%s: tsc set 0x%llx, read back 0x%llx\n", what,
                            (unsigned long long)a, (unsigned long long)b);
                    bad++;
                }
                continue;
            }
            if (a != b) {
                fprintf(stderr, "%s: %s[%u] set 0x%llx, read back 0x%llx\n", what, f->name, i,
                        (unsigned long long)a, (unsigned long long)b);
                bad++;
            }
        }
    }
    test_checks++;
    if (bad)
        test_failures++;
    else
        printf("ok - state round trip: %s\n", what);
}

static void roundtrip(const char *what, const CpuState *s)
{
    CpuState got;
    m.accel_ops->set_state(m.accel, s);
    m.accel_ops->get_state(m.accel, &got);
    compare_states(what, s, &got);
}

static void common_msrs(CpuState *s)
{
    s->sysenter_cs = 0x10;
    s->sysenter_esp = 0x8000;
    s->sysenter_eip = 0x9000;
    s->star = 0x0023001000000000ull;
    s->lstar = 0x7fff00001000ull;
    s->cstar = 0x7fff00002000ull;
    s->fmask = 0x47700;
    s->kernel_gs_base = 0x7fff00003000ull;
    s->tsc_aux = 7;
    s->pat = 0x0007010600070106ull;
    s->misc_enable = 1;
    s->apic_base = 0xfee00900;
    s->mtrr_def_type = 0xc06;
    for (int i = 0; i < 11; i++)
        s->mtrr_fixed[i] = 0x0606060606060606ull;
    s->mtrr_var[0] = 0x6;
    s->mtrr_var[1] = 0xff0000800ull;
    s->tsc = 123456789000ull;
    s->dr[0] = 0x1000;
    s->dr[1] = 0x2000;
    s->dr[2] = 0x3000;
    s->dr[3] = 0x4000;
    s->dr[6] = 0xffff0ff1;
    s->dr[7] = 0x401;
}

static void test_roundtrips(void)
{
    CpuState s;
    /* KVM-PVM runs RDTSC natively: the guest reads the host's TSC. */
    memset(&s, 0, sizeof s);
    cpu_state_power_on(&s);
    s.tsc = 1ull << 50;
    m.accel_ops->set_state(m.accel, &s);
    m.accel_ops->get_state(m.accel, &s);
    if (s.tsc < (1ull << 50) || s.tsc - (1ull << 50) > (1ull << 40)) {
        tsc_settable = false;
        printf("note: this KVM does not set the guest TSC (reads 0x%llx after setting 2^50): "
               "TSC not compared\n", (unsigned long long)s.tsc);
    }

    memset(&s, 0, sizeof s);
    cpu_state_power_on(&s);
    s.tsc = 1000;
    roundtrip("power-on", &s);

    /* real mode, everything set, halted in an STI shadow with NMIs masked */
    memset(&s, 0, sizeof s);
    cpu_state_power_on(&s);
    for (int i = 0; i < 16; i++)
        s.regs[i] = 0x0101010101010101ull * (uint64_t)(i + 1);
    s.rip = 0x1234;
    s.rflags = 0x2 | F_IF | F_CF | F_ZF | F_DF | F_OF | F_IOPL;
    set_seg(&s.seg[SEG_CS], 0x1000, 0x10000, 0xffff, 0x9b);
    set_seg(&s.seg[SEG_SS], 0x8000, 0x80000, 0xffff, 0x93);
    set_seg(&s.seg[SEG_DS], 0x2000, 0x20000, 0xffff, 0x93);
    set_seg(&s.seg[SEG_ES], 0x3000, 0x30000, 0xffff, 0x93);
    set_seg(&s.seg[SEG_FS], 0, 0, 0xffffffff, 0x93 | SA_G | SA_DB);   /* unreal */
    set_seg(&s.seg[SEG_GS], 0xb800, 0xb8000, 0xffff, 0x93);
    s.gdt = (DescTable){ 0x5000, 0x3f };
    s.idt = (DescTable){ 0, 0x3ff };
    s.cr2 = 0xdeadb000;
    s.cr3 = 0x3000;
    s.cr4 = CR4_DE | CR4_TSD;
    s.cr8 = 5;
    common_msrs(&s);
    s.halted = 1;
    s.intr_shadow = SHADOW_STI;
    s.nmi_masked = 1;
    roundtrip("real mode", &s);

    /* flat 32-bit protected mode, CPL 0: a null ES, an LDT, a busy TSS */
    memset(&s, 0, sizeof s);
    cpu_state_power_on(&s);
    for (int i = 0; i < 8; i++)
        s.regs[i] = 0x89abcdef - (uint64_t)i;
    s.rip = 0x20000;
    s.rflags = 0x2 | F_IF | F_SF | F_PF | F_AF | F_AC;
    s.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM;
    s.cr4 = CR4_PSE | CR4_PGE | CR4_DE;
    set_seg(&s.seg[SEG_CS], 0x08, 0, 0xffffffff, 0xc9b);
    set_seg(&s.seg[SEG_SS], 0x10, 0, 0xffffffff, 0xc93);
    set_seg(&s.seg[SEG_DS], 0x10, 0, 0xffffffff, 0xc93);
    set_seg(&s.seg[SEG_ES], 0, 0, 0, 0);
    set_seg(&s.seg[SEG_FS], 0x2c, 0x6000, 0xfff, 0x493);
    set_seg(&s.seg[SEG_GS], 0x18, 0x12345678, 0xfffff, 0x4f3);
    set_seg(&s.ldt, 0x28, 0x6000, 0x17, 0x82);
    set_seg(&s.tr, 0x30, 0x7000, 0x67, 0x8b);
    s.gdt = (DescTable){ 0x5000, 0x3f };
    s.idt = (DescTable){ 0x800, 0x7ff };
    common_msrs(&s);
    s.intr_shadow = SHADOW_MOV_SS;
    roundtrip("32-bit protected mode, CPL 0", &s);

    /* 32-bit protected mode, CPL 3, IOPL 3 */
    set_seg(&s.seg[SEG_CS], 0x1b, 0, 0xffffffff, 0xcfb);
    set_seg(&s.seg[SEG_SS], 0x23, 0, 0xffffffff, 0xcf3);
    set_seg(&s.seg[SEG_DS], 0x23, 0, 0xffffffff, 0xcf3);
    s.rflags |= F_IOPL;
    s.intr_shadow = 0;
    s.nmi_masked = 1;
    roundtrip("32-bit protected mode, CPL 3", &s);

    /* 64-bit mode: null DS/ES, FS/GS bases, a 64-bit TSS */
    memset(&s, 0, sizeof s);
    cpu_state_power_on(&s);
    for (int i = 0; i < 16; i++)
        s.regs[i] = 0xfedcba9876543210ull ^ ((uint64_t)i << 40);
    s.rip = 0x7f0000401000ull;
    s.rflags = 0x2 | F_IF | F_ZF;
    s.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    s.cr0 = CR0_PG | CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM;
    s.cr3 = 0x100000;
    s.cr4 = CR4_PAE | CR4_PGE | CR4_DE | CR4_PSE;
    s.cr8 = 3;
    set_seg(&s.seg[SEG_CS], 0x08, 0, 0xffffffff, 0xa9b);
    set_seg(&s.seg[SEG_SS], 0x10, 0, 0xffffffff, 0xc93);
    set_seg(&s.seg[SEG_DS], 0, 0, 0, 0);
    set_seg(&s.seg[SEG_ES], 0, 0, 0, 0);
    set_seg(&s.seg[SEG_FS], 0, 0x7f0000001000ull, 0, 0);
    set_seg(&s.seg[SEG_GS], 0, 0x7f0000002000ull, 0, 0);
    set_seg(&s.ldt, 0, 0, 0, 0);
    set_seg(&s.tr, 0x40, 0x7fff00003000ull, 0x67, 0x8b);
    s.gdt = (DescTable){ 0x7fff00004000ull, 0x7f };
    s.idt = (DescTable){ 0x7fff00005000ull, 0xfff };
    common_msrs(&s);
    roundtrip("64-bit mode", &s);
}

/* ---- guests ---- */

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }

/* Runs the current backend until the guest writes port 0xF4 (or timeout_s). */
static bool run_guest(double timeout_s)
{
    double end = now_s() + timeout_s;
    done = false;
    while (!done && now_s() < end) {
        uint64_t dl = clock_ns(&m.clock) + 5000000;
        AccelExit e = m.accel_ops->run(m.accel, dl);
        if (e == ACCEL_EXIT_SHUTDOWN || m.quit)
            break;
    }
    return done;
}

static void poke(uint64_t addr, const void *p, size_t n)
{
    phys_rw(&m.mem, addr, (void *)p, n, true);
}

static void put64(uint64_t addr, uint64_t v) { poke(addr, &v, 8); }

/* The loop: (e|r)cx = n; l: add ax, cx; dec cx; jnz l; out 0xf4, al; hlt.
 * prefix: the operand-size bytes for add/dec in this mode; REX.W in 64-bit. */
static size_t loop_code(uint8_t *c, int mode, uint32_t n)
{
    size_t i = 0;
    if (mode == 16)
        c[i++] = 0x66;
    c[i++] = 0xb9;                              /* mov ecx, imm32 */
    memcpy(c + i, &n, 4);
    i += 4;
    size_t top = i;
    if (mode == 16)
        c[i++] = 0x66;
    if (mode == 64)
        c[i++] = 0x48;
    c[i++] = 0x01;                              /* add eax, ecx */
    c[i++] = 0xc8;
    if (mode == 16)
        c[i++] = 0x66;
    if (mode == 64)
        c[i++] = 0x48;
    c[i++] = 0xff;                              /* dec ecx */
    c[i++] = 0xc9;
    c[i++] = 0x75;                              /* jnz top */
    c[i] = (uint8_t)(top - (i + 1));
    i++;
    c[i++] = 0xe6;                              /* out 0xf4, al */
    c[i++] = 0xf4;
    c[i++] = 0xf4;                              /* hlt */
    return i;
}

static void flat_gdt(void)
{
    static const uint64_t gdt[] = {
        0,
        0x00cf9b000000ffffull,   /* 0x08 code32 */
        0x00cf93000000ffffull,   /* 0x10 data */
        0x00cffb000000ffffull,   /* 0x18 user code32 */
        0x00cff3000000ffffull,   /* 0x20 user data */
        0x00affb000000ffffull,   /* 0x28 user code64 */
        0x00af9b000000ffffull,   /* 0x30 code64 */
    };
    poke(0x5000, gdt, sizeof gdt);
}

/* Identity map of the first 64 MiB with 2 MiB pages, user-accessible. */
static void page_tables(void)
{
    put64(0x100000, 0x101000 | 7);
    put64(0x101000, 0x102000 | 7);
    for (uint64_t i = 0; i < 32; i++)
        put64(0x102000 + i * 8, (i << 21) | 0x87);
}

typedef struct Guest {
    const char *name;
    int mode;           /* 16, 32, 64 */
    int cpl;
    uint32_t n;
} Guest;

static void guest_state(const Guest *g, CpuState *s, uint64_t code)
{
    memset(s, 0, sizeof *s);
    cpu_state_power_on(s);
    s->rflags = 0x2;
    if (g->mode == 16) {
        set_seg(&s->seg[SEG_CS], (uint16_t)(code >> 4), code, 0xffff, 0x9b);
        s->rip = 0;
        return;
    }
    s->gdt = (DescTable){ 0x5000, 0x37 };
    s->cr0 = CR0_PE | CR0_ET | CR0_NE;
    s->rip = code;
    uint16_t cs = 0x08, ds = 0x10, csattr = 0xc9b, dsattr = 0xc93;
    if (g->mode == 64) {
        s->cr0 |= CR0_PG | CR0_WP;
        s->cr3 = 0x100000;
        s->cr4 = CR4_PAE;
        s->efer = EFER_LME | EFER_LMA;
        s->star = (0x18ull << 48) | (0x30ull << 32);
        cs = 0x30;
        csattr = 0xa9b;
    }
    if (g->cpl == 3) {
        cs = g->mode == 64 ? 0x2b : 0x1b;
        ds = 0x23;
        csattr = g->mode == 64 ? 0xafb : 0xcfb;
        dsattr = 0xcf3;
        s->rflags |= F_IOPL;   /* out 0xf4 at CPL 3 */
    }
    set_seg(&s->seg[SEG_CS], cs, 0, 0xffffffff, csattr);
    for (int i = 0; i < SEG_COUNT; i++)
        if (i != SEG_CS)
            set_seg(&s->seg[i], ds, 0, 0xffffffff, dsattr);
    set_seg(&s->tr, 0, 0, 0xffff, 0x8b);
}

static void run_loop(const Guest *g)
{
    uint8_t code[64];
    uint64_t at = 0x20000;
    size_t len = loop_code(code, g->mode, g->n);
    poke(at, code, len);
    CpuState s, got;
    guest_state(g, &s, at);
    m.accel_ops->set_state(m.accel, &s);
    double t0 = now_s(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    bool ok = run_guest(60);
    double dt = now_s() - t0, dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    CHECK(ok);
    m.accel_ops->get_state(m.accel, &got);
    uint64_t sum = (uint64_t)g->n * (g->n + 1) / 2;
    if (g->mode != 64)
        sum &= 0xffffffff;
    CHECK_EQ(got.regs[R_EAX], sum);
    CHECK_EQ(got.regs[R_ECX] & 0xffffffff, 0);
    CHECK_EQ(got.rip, (g->mode == 16 ? 0 : at) + len - 1);   /* at the hlt */
    double insns = 3.0 * g->n + 2;
    printf("%s - %s: %.0f instructions in %.3f s (%.3f s of CPU): %.2f MIPS (%.2f per CPU second)\n",
           ok ? "ok" : "not ok", g->name, insns, dt, dc, insns / dt / 1e6, insns / dc / 1e6);
}

/* Real mode loop started on KVM, moved to the interpreter after a few ms,
 * finished there, state moved back to KVM, which runs the HLT. */
static void test_switch(void)
{
    Guest g = { "switch", 16, 0, 300000 };
    uint8_t code[64];
    size_t len = loop_code(code, 16, g.n);
    poke(0x20000, code, len);
    CpuState s, mid, end;
    guest_state(&g, &s, 0x20000);
    m.accel_ops->set_state(m.accel, &s);
    m.accel_ops->run(m.accel, clock_ns(&m.clock) + 3000000);
    m.accel_ops->get_state(m.accel, &mid);
    CHECK(mid.regs[R_ECX] != 0 && (uint32_t)mid.regs[R_ECX] != g.n);   /* stopped inside the loop */
    char err[128];
    void *ip = accel_interp_ops.create(&m, err, sizeof err);
    CHECK(ip != NULL);
    if (!ip)
        return;
    void *kvm = m.accel;
    const AccelOps *kops = m.accel_ops;
    m.accel_ops = &accel_interp_ops;
    m.accel = ip;
    accel_interp_ops.set_state(ip, &mid);
    CpuState back;
    accel_interp_ops.get_state(ip, &back);
    compare_states("KVM -> interpreter", &mid, &back);
    bool ok = run_guest(30);
    CHECK(ok);
    accel_interp_ops.get_state(ip, &end);
    CHECK_EQ(end.regs[R_EAX], ((uint64_t)g.n * (g.n + 1) / 2) & 0xffffffff);
    m.accel_ops = kops;
    m.accel = kvm;
    kops->set_state(kvm, &end);
    kops->get_state(kvm, &back);
    compare_states("interpreter -> KVM", &end, &back);
    printf("ok - moved between backends at ECX=0x%llx\n", (unsigned long long)mid.regs[R_ECX]);
    /* the interpreter stays alive: its CPU listens to the memory map */
}

/* The map listener: a RAM overlay over the ROM at 0xF0000 switched on and off
 * (as PAM does) changes what the guest reads there and where its writes go. */
static void test_map_change(MemRegion *shadow, uint8_t *shadow_ram)
{
    /* mov ax, 0xf000; mov ds, ax; mov byte [0x10], 0x55; mov al, [0x10];
     * out 0xf4, al; hlt */
    static const uint8_t code[] = { 0xb8, 0x00, 0xf0, 0x8e, 0xd8, 0xc6, 0x06, 0x10, 0x00, 0x55,
                                    0xa0, 0x10, 0x00, 0xe6, 0xf4, 0xf4 };
    poke(0x20000, code, sizeof code);
    Guest g = { "map", 16, 0, 0 };
    CpuState s;
    for (int on = 0; on < 2; on++) {
        phys_region_enable(&m.mem, shadow, on);
        shadow_ram[0x10] = 0x11;
        guest_state(&g, &s, 0x20000);
        m.accel_ops->set_state(m.accel, &s);
        exit_value = 0;
        CHECK(run_guest(30));
        CHECK_EQ(exit_value & 0xff, on ? 0x55 : 0xf4);
        CHECK_EQ(shadow_ram[0x10], on ? 0x55 : 0x11);
    }
    phys_region_enable(&m.mem, shadow, false);
    printf("ok - ROM/shadow RAM switch seen by the guest (map listener)\n");
}

/* Timer interrupts while the state goes out and back in after every short
 * run: an interrupt acknowledged at the PIC but lost on the way into the guest
 * would leave IRQ0 in service forever and the count would stop. */
static void test_irq_roundtrips(void)
{
    Pic *pic = pic_create(&m);
    m.intr_ack = pic_intack;
    m.intr_opaque = pic;
    Pit *pit = pit_create(&m);
    irq_connect(&pit->irq0, pic_set_irq, pic, 0);
    static const uint8_t init[][2] = {
        { 0x20, 0x11 }, { 0x21, 0x20 }, { 0x21, 0x04 }, { 0x21, 0x01 },   /* master, vectors 0x20 */
        { 0xa0, 0x11 }, { 0xa1, 0x28 }, { 0xa1, 0x02 }, { 0xa1, 0x01 }, { 0xa1, 0xff },
        { 0x21, 0xfe },                                                 /* IRQ0 only */
        { 0x43, 0x34 }, { 0x40, 0x54 }, { 0x40, 0x02 },                 /* mode 2, 596: 2 kHz */
    };
    for (unsigned i = 0; i < sizeof init / sizeof init[0]; i++)
        io_write(&m.io, init[i][0], init[i][1], 1);
    /* 2000:0000 sti; jmp $ -- 2000:0100 the handler: count at 0:0500, EOI */
    static const uint8_t spin[] = { 0xfb, 0xeb, 0xfe };
    static const uint8_t handler[] = { 0x50, 0x1e, 0x31, 0xc0, 0x8e, 0xd8, 0xff, 0x06, 0x00, 0x05,
                                       0xb0, 0x20, 0xe6, 0x20, 0x1f, 0x58, 0xcf };
    poke(0x20000, spin, sizeof spin);
    poke(0x20100, handler, sizeof handler);
    uint16_t ivt[2] = { 0x100, 0x2000 };
    poke(0x20 * 4, ivt, 4);
    uint16_t zero = 0;
    poke(0x500, &zero, 2);
    Guest g = { "irq", 16, 0, 0 };
    CpuState s;
    guest_state(&g, &s, 0x20000);
    m.accel_ops->set_state(m.accel, &s);
    int rounds = 400, late_progress = 0;
    uint16_t last = 0;
    for (int i = 0; i < rounds; i++) {
        clock_run_timers(&m.clock);
        uint64_t now = clock_ns(&m.clock), dl = clock_next_deadline(&m.clock);
        if (dl > now + 300000)
            dl = now + 300000;
        m.accel_ops->run(m.accel, dl);
        m.accel_ops->get_state(m.accel, &s);
        m.accel_ops->set_state(m.accel, &s);
        uint16_t count = (uint16_t)phys_read(&m.mem, 0x500, 2);
        if (i >= rounds * 3 / 4 && count != last)
            late_progress++;
        last = count;
    }
    io_write(&m.io, 0x21, 0xff, 1);
    printf("%s - %u timer interrupts across %d state round trips, still coming at the end: %d\n",
           late_progress ? "ok" : "not ok", last, rounds, late_progress);
    CHECK(last > 10);
    CHECK(late_progress > 0);
}

int main(void)
{
    test_flatten();

    machine_init(&m);
    clock_init(&m.clock, CLOCK_SRC_HOST, 0);
    CHECK(phys_alloc_ram(&m.mem, 64 << 20, 0xe0000000));
    static uint8_t rom[0x10000] __attribute__((aligned(4096)));
    memset(rom, 0xf4, sizeof rom);
    phys_add_rom(&m.mem, "bios", 0xffff0000, sizeof rom, rom, 1);
    phys_add_rom(&m.mem, "isa-bios", 0xf0000, sizeof rom, rom, 1);
    io_map(&m.io, 0xf4, 1, &exit_ops, NULL, "exit");
    uint8_t *shadow_ram = aligned_alloc(4096, 0x10000);
    MemRegion *shadow = phys_add_ram(&m.mem, "shadow", 0xf0000, 0x10000, shadow_ram, 2);
    phys_region_enable(&m.mem, shadow, false);
    char err[256] = "";
    m.accel_ops = &accel_kvm_ops;
    m.accel = accel_kvm_ops.create(&m, err, sizeof err);
    if (!m.accel) {
        printf("skipped: /dev/kvm not usable (%s)\n", err);
        return test_main_result("test-kvm");
    }
    test_roundtrips();
    flat_gdt();
    page_tables();
    static const Guest guests[] = {
        { "real mode loop", 16, 0, 100000 },
        { "flat 32-bit loop", 32, 0, 100000 },
        { "64-bit CPL 0 loop", 64, 0, 100000 },
        { "64-bit CPL 3 loop", 64, 3, 30000000 },
    };
    for (unsigned i = 0; i < sizeof guests / sizeof guests[0]; i++)
        run_loop(&guests[i]);
    test_map_change(shadow, shadow_ram);
    test_irq_roundtrips();
    test_switch();
    machine_destroy(&m);
    free(shadow_ram);
    return test_main_result("test-kvm");
}
