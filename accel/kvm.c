/* The KVM backend: the same Machine run by Linux KVM.
 *
 * Memory.  The PhysMem region list is flattened (phys_flatten) into
 * non-overlapping ranges; RAM ranges become read/write memory slots on the very
 * host memory the interpreter uses (a backend switch copies nothing), ROM ranges
 * become KVM_MEM_READONLY slots (guest writes exit as MMIO and are dropped by
 * phys_write), MMIO regions and holes get no slot, so accesses exit and go to
 * phys_read/phys_write.  Slots are page-granular: the partial pages at the edges
 * of an unaligned range are left to the MMIO path, which decodes them exactly.
 * A map listener recomputes the slots on every map change (PAM, BAR moves) and
 * deletes/creates only the ones that changed.  The A20 gate is not emulated:
 * under KVM A20 is always enabled (a guest closing it gets a one-time warning).
 * 0xfeffc000-0xfeffffff is reserved for KVM's real-mode TSS and identity page
 * table (needed on VT-x without unrestricted guest).
 *
 * Devices.  No in-kernel irqchip: every device stays ours.  Port I/O exits go to
 * io_read/io_write, MMIO exits to phys_read/phys_write.  The PIC's INTR output
 * arrives through set_intr(); the vector is acknowledged (m->intr_ack, the INTA
 * cycle) only when KVM says the vCPU can take it (ready_for_interrupt_injection
 * and IF) and injected with KVM_INTERRUPT; otherwise we ask for an interrupt
 * window.  NMIs go through KVM_NMI.  Without an in-kernel LAPIC, HLT exits to us:
 * run() returns ACCEL_EXIT_HALT while no interrupt can be taken.
 *
 * Time.  The machine runs on the host clock (no -icount).  run(deadline) arms a
 * POSIX timer for the deadline that signals this thread; the handler only sets
 * kvm_run->immediate_exit, so KVM_RUN returns with EINTR whether the signal
 * comes in the guest or just before entering it.  kick() sets immediate_exit too.
 *
 * CPU model.  The guest sees exactly Tandem's CPUID (cpu/cpuid.c), intersected
 * with what KVM supports, and exactly the MSRs of cpu/msr.c: an MSR filter
 * denies the others (the guest gets #GP, as from the interpreter) and sends
 * IA32_APIC_BASE to us.  KVM's own copy of APIC_BASE keeps the enable bit clear
 * because KVM sets CPUID.1:EDX.APIC from it and the model has no APIC.  A KVM
 * that rewrites the CPUID table is reported, and then the guest gets KVM's MSRs
 * (those of the features it is told about).
 *
 * State.  get_state/set_state convert the canonical CpuState exactly.  KVM holds
 * no "halted" state without an in-kernel LAPIC, so halted is ours.  Fields KVM
 * does not have (XCR0 without XSAVE in the model, DR4/DR5) are kept here.  Before
 * reading or writing state, a pending I/O or MMIO exit is completed (KVM_RUN
 * with immediate_exit), and run() never returns with an injected interrupt or
 * NMI still queued in KVM, so the canonical state is complete.  The x87/SSE
 * state is not converted yet (see kvm_get_fpu/kvm_set_fpu).
 *
 * KVM-PVM (a KVM without VT-x/AMD-V that runs guest ring-3 64-bit code natively
 * and emulates the rest) needs no special case: it rewrites CPUID leaf 1 and
 * cannot set the TSC, both detected and reported at creation (check_cpuid, the
 * TSC probe); see docs/internals.md for what its emulator cannot run. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "accel/accel.h"
#include "cpu/cpuid.h"
#include "cpu/disas.h"
#include "cpu/msr.h"
#include "hw/apic.h"
#include "hw/machine.h"
#include "system/log.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#define PAGE 4096ull
#define KVM_TSS_ADDR 0xfeffd000ull       /* 3 pages */
#define KVM_IDMAP_ADDR 0xfeffc000ull     /* 1 page */
#define KVM_MAX_SLOTS (2 * PHYS_MAX_REGIONS + 2)
#define KVM_FAIL_STATUS 2                /* process exit status after a KVM failure */

static const uint32_t mtrr_fixed_msrs[11] = { 0x250, 0x258, 0x259, 0x268, 0x269, 0x26a,
                                              0x26b, 0x26c, 0x26d, 0x26e, 0x26f };

/* MSRs kept in KVM: the model's (cpu/msr.c) except EFER, FS/GS_BASE (in sregs),
 * TSC (handled apart) and APIC_BASE (ours); then the MTRRs, which the canonical
 * state carries although the model has no MTRR yet. */
typedef struct MsrMap {
    uint32_t idx;
    size_t off;              /* offset of the uint64_t in CpuState */
    bool model;              /* the guest may access it (MSR filter allow list) */
} MsrMap;

#define F(f) offsetof(CpuState, f)
static const MsrMap msr_map[] = {
    { MSR_SYSENTER_CS, F(sysenter_cs), true },
    { MSR_SYSENTER_ESP, F(sysenter_esp), true },
    { MSR_SYSENTER_EIP, F(sysenter_eip), true },
    { MSR_MISC_ENABLE, F(misc_enable), true },
    { MSR_PAT, F(pat), true },
    { MSR_STAR, F(star), true },
    { MSR_LSTAR, F(lstar), true },
    { MSR_CSTAR, F(cstar), true },
    { MSR_FMASK, F(fmask), true },
    { MSR_KERNEL_GS_BASE, F(kernel_gs_base), true },
    { MSR_TSC_AUX, F(tsc_aux), true },
    { MSR_MTRR_DEF_TYPE, F(mtrr_def_type), true },
#define FIX(i) { 0, F(mtrr_fixed[i]), true }
    FIX(0), FIX(1), FIX(2), FIX(3), FIX(4), FIX(5), FIX(6), FIX(7), FIX(8), FIX(9), FIX(10),
#define VAR(i) { MSR_MTRR_PHYS_BASE0 + (i), F(mtrr_var[i]), true }
    VAR(0), VAR(1), VAR(2), VAR(3), VAR(4), VAR(5), VAR(6), VAR(7),
    VAR(8), VAR(9), VAR(10), VAR(11), VAR(12), VAR(13), VAR(14), VAR(15),
};
#undef F
#define NMSR (sizeof msr_map / sizeof msr_map[0])

/* The model's MSRs the guest may read and write directly (cpu/msr.c's table,
 * without APIC_BASE, which we emulate). */
static const uint32_t model_msrs[] = {
    MSR_TSC, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_MISC_ENABLE, MSR_PAT,
    MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_FMASK, MSR_FS_BASE, MSR_GS_BASE,
    MSR_KERNEL_GS_BASE, MSR_TSC_AUX, MSR_MTRRCAP, MSR_MTRR_DEF_TYPE, MSR_PLATFORM_ID, MSR_BIOS_SIGN_ID,
    0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f,   /* fixed MTRRs */
    0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207,                        /* variable */
    0x208, 0x209, 0x20a, 0x20b, 0x20c, 0x20d, 0x20e, 0x20f,
};
#define APIC_BASE_WRITABLE (0xffffff000ull | 0x900)   /* as cpu/msr.c */
#define APIC_BASE_EN 0x800ull

typedef struct KvmSlot {
    uint64_t gpa, size;
    uint8_t *host;
    uint32_t flags;
    int id;
} KvmSlot;

/* Page-aligned copies of ROMs whose host buffer is not page-aligned. */
typedef struct RomCopy {
    const uint8_t *orig;
    uint64_t size;
    uint8_t *copy;
} RomCopy;

typedef struct Kvm {
    Machine *m;
    int kvm_fd, vm_fd, vcpu_fd;
    struct kvm_run *run;
    size_t run_size;

    KvmSlot slots[KVM_MAX_SLOTS];
    int nslots;
    KvmSlot want[KVM_MAX_SLOTS];
    int nwant;
    uint8_t slot_used[KVM_MAX_SLOTS];
    RomCopy roms[PHYS_MAX_REGIONS];
    int nroms;

    /* deadline timer and kicks */
    timer_t timer;
    bool timer_ok;
    pid_t timer_tid;
    pthread_t thread;
    int kicked;              /* atomic */
    int intr_level;          /* atomic: the PIC's INTR output */
    int nmi_req;             /* atomic */

    /* vCPU bookkeeping */
    bool halted;             /* HLT executed, nothing taken yet */
    bool run_fields_stale;   /* ready_for_interrupt_injection/if_flag predate a set_state */
    bool io_pending;         /* the last exit was I/O or MMIO: KVM_RUN completes it */
    bool inj_pending;        /* KVM_INTERRUPT/KVM_NMI issued, not yet through an entry */
    bool failed;             /* a fatal KVM error was reported */
    void *step_cpu;          /* interpreter for what KVM cannot emulate (step_on_interp) */

    /* fields KVM does not hold */
    uint64_t apic_base;
    uint64_t xcr0;
    uint64_t dr45[2];
    uint8_t a20_unused;
    uint32_t cpuid_version;  /* the signature in the CPUID table */

    bool msr_ok[NMSR];       /* KVM accepts this MSR */
    bool cpuid_exact;        /* the guest sees the model's CPUID (KVM did not rewrite it) */
    bool has_debugregs, has_events, has_tsc_attr, has_msr_filter, has_xcrs;
    bool warned_a20, warned_ram_align, warned_version, warned_events;
} Kvm;

static __thread struct kvm_run *volatile tls_run;
static int kvm_sig;

static void sig_handler(int sig)
{
    (void)sig;
    struct kvm_run *r = tls_run;
    if (r)
        r->immediate_exit = 1;
}

static const char *exit_name(uint32_t r)
{
    static const char *const names[] = {
        [KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN", [KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
        [KVM_EXIT_IO] = "KVM_EXIT_IO", [KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
        [KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG", [KVM_EXIT_HLT] = "KVM_EXIT_HLT",
        [KVM_EXIT_MMIO] = "KVM_EXIT_MMIO", [KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
        [KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN", [KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
        [KVM_EXIT_INTR] = "KVM_EXIT_INTR", [KVM_EXIT_SET_TPR] = "KVM_EXIT_SET_TPR",
        [KVM_EXIT_TPR_ACCESS] = "KVM_EXIT_TPR_ACCESS", [KVM_EXIT_NMI] = "KVM_EXIT_NMI",
        [KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR", [KVM_EXIT_OSI] = "KVM_EXIT_OSI",
        [KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
        [KVM_EXIT_X86_RDMSR] = "KVM_EXIT_X86_RDMSR", [KVM_EXIT_X86_WRMSR] = "KVM_EXIT_X86_WRMSR",
    };
    if (r < sizeof names / sizeof names[0] && names[r])
        return names[r];
    return "unknown exit";
}

/* ---- register dump (the KVM counterpart of cpu_dump_regs) ---- */

static void dump_seg(FILE *f, const char *name, const SegCache *s)
{
    fprintf(f, "%s =%04x %016llx %08x %04x\n", name, s->sel, (unsigned long long)s->base, s->limit,
            s->attr);
}

static bool kvm_translate(Kvm *k, uint64_t lin, uint64_t *phys);

static void dump_state(Kvm *k, const CpuState *s, FILE *f)
{
    static const char *segn[] = { "ES", "CS", "SS", "DS", "FS", "GS" };
    uint32_t fl = (uint32_t)s->rflags;
    unsigned cpl = !(s->cr0 & CR0_PE) ? 0 : (s->rflags & F_VM) ? 3
                                          : (s->seg[SEG_SS].attr >> SA_DPL_SHIFT) & 3;
    char flags[8] = { fl & F_OF ? 'O' : '-', fl & F_DF ? 'D' : '-', fl & F_SF ? 'S' : '-',
                      fl & F_ZF ? 'Z' : '-', fl & F_AF ? 'A' : '-', fl & F_PF ? 'P' : '-',
                      fl & F_CF ? 'C' : '-', 0 };
    bool lma = s->efer & EFER_LMA;
    if (lma) {
        static const char *rn[] = { "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
                                    "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15" };
        for (int i = 0; i < 16; i++)
            fprintf(f, "%s=%016llx%s", rn[i], (unsigned long long)s->regs[i], i % 4 == 3 ? "\n" : " ");
        fprintf(f, "RIP=%016llx RFL=%08x [%s] CPL=%u\n", (unsigned long long)s->rip, fl, flags, cpl);
    } else {
        fprintf(f, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", (uint32_t)s->regs[R_EAX],
                (uint32_t)s->regs[R_EBX], (uint32_t)s->regs[R_ECX], (uint32_t)s->regs[R_EDX]);
        fprintf(f, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", (uint32_t)s->regs[R_ESI],
                (uint32_t)s->regs[R_EDI], (uint32_t)s->regs[R_EBP], (uint32_t)s->regs[R_ESP]);
        fprintf(f, "EIP=%08x EFL=%08x [%s] CPL=%u\n", (uint32_t)s->rip, fl, flags, cpl);
    }
    for (int i = 0; i < SEG_COUNT; i++)
        dump_seg(f, segn[i], &s->seg[i]);
    dump_seg(f, "LDT", &s->ldt);
    dump_seg(f, "TR ", &s->tr);
    fprintf(f, "GDT=     %016llx %08x\nIDT=     %016llx %08x\n", (unsigned long long)s->gdt.base,
            s->gdt.limit, (unsigned long long)s->idt.base, s->idt.limit);
    fprintf(f, "CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx\n", (unsigned long long)s->cr0,
            (unsigned long long)s->cr2, (unsigned long long)s->cr3, (unsigned long long)s->cr4);
    fprintf(f, "DR6=%016llx DR7=%016llx EFER=%016llx\n", (unsigned long long)s->dr[6],
            (unsigned long long)s->dr[7], (unsigned long long)s->efer);
    /* The instruction at CS:RIP, when it is in RAM or ROM. */
    uint64_t lin = s->seg[SEG_CS].base + s->rip, phys;
    if (!lma)
        lin &= 0xffffffffull;
    uint8_t *code;
    if (kvm_translate(k, lin, &phys) && (code = phys_host_ptr(&k->m->mem, phys, 1, false))) {
        uint8_t buf[16] = { 0 };
        size_t n = 0;
        while (n < sizeof buf && (code = phys_host_ptr(&k->m->mem, phys + n, 1, false)))
            buf[n++] = *code;
        bool cs64 = lma && (s->seg[SEG_CS].attr & SA_L);
        int bits = cs64 ? 64 : (s->cr0 & CR0_PE) && !(s->rflags & F_VM) && (s->seg[SEG_CS].attr & SA_DB) ? 32 : 16;
        char text[128];
        if (!disas_one(buf, n, s->rip, bits, text, sizeof text)) {
            snprintf(text, sizeof text, "(not decodable:");
            for (size_t i = 0; i < n && i < 8; i++) {
                size_t l = strlen(text);
                snprintf(text + l, sizeof text - l, " %02x", buf[i]);
            }
            strncat(text, ")", sizeof text - strlen(text) - 1);
        }
        fprintf(f, "code at 0x%llx (%d-bit): %s\n", (unsigned long long)phys, bits, text);
    }
}

static void kvm_get_state(void *a, CpuState *s);

/* A KVM failure: say why, dump the registers and stop the machine. */
static void kvm_fatal(Kvm *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void kvm_fatal(Kvm *k, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "tandem: kvm: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    if (!k->failed) {
        k->failed = true;
        CpuState s;
        k->io_pending = false;
        kvm_get_state(k, &s);
        dump_state(k, &s, stderr);
    }
    k->failed = true;
    machine_request_exit(k->m, KVM_FAIL_STATUS);
}

/* ---- memory slots ---- */

static uint8_t *rom_copy(Kvm *k, MemRegion *r)
{
    for (int i = 0; i < k->nroms; i++) {
        if (k->roms[i].orig == r->host && k->roms[i].size == r->size) {
            memcpy(k->roms[i].copy, r->host, r->size);   /* refresh */
            return k->roms[i].copy;
        }
    }
    if (k->nroms == PHYS_MAX_REGIONS)
        return NULL;
    uint64_t sz = (r->size + PAGE - 1) & ~(PAGE - 1);
    void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    memcpy(p, r->host, r->size);
    k->roms[k->nroms++] = (RomCopy){ r->host, r->size, p };
    return p;
}

static void want_range(void *opaque, uint64_t start, uint64_t size, MemRegion *r, uint64_t off)
{
    Kvm *k = opaque;
    if (r->kind == REGION_MMIO || !r->host)
        return;
    uint64_t s = (start + PAGE - 1) & ~(PAGE - 1);
    uint64_t e = (start + size) & ~(PAGE - 1);
    if (start + size == 0)   /* ends at 2^64 */
        e = 0 - PAGE;
    if (e <= s)
        return;
    uint8_t *host = r->host + off + (s - start);
    if ((uintptr_t)host & (PAGE - 1)) {
        if (r->kind == REGION_RAM) {
            /* Left to the MMIO path: correct, only slower. */
            if (!k->warned_ram_align)
                fprintf(stderr, "tandem: kvm: RAM region '%s' is not page-aligned in host memory; "
                        "its accesses are emulated\n", r->name);
            k->warned_ram_align = true;
            return;
        }
        uint8_t *copy = rom_copy(k, r);
        if (!copy)
            return;
        host = copy + off + (s - start);
        if ((uintptr_t)host & (PAGE - 1))
            return;   /* the ROM itself starts mid-page in guest space: emulate */
    }
    if (k->nwant == KVM_MAX_SLOTS)
        return;
    k->want[k->nwant++] = (KvmSlot){ s, e - s, host, r->kind == REGION_ROM ? KVM_MEM_READONLY : 0, -1 };
}

static int set_slot(Kvm *k, const KvmSlot *s, bool del)
{
    struct kvm_userspace_memory_region mr = {
        .slot = (uint32_t)s->id,
        .flags = s->flags,
        .guest_phys_addr = s->gpa,
        .memory_size = del ? 0 : s->size,
        .userspace_addr = (uintptr_t)s->host,
    };
    return ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr);
}

static bool same_slot(const KvmSlot *a, const KvmSlot *b)
{
    return a->gpa == b->gpa && a->size == b->size && a->host == b->host && a->flags == b->flags;
}

static void sync_slots(Kvm *k)
{
    PhysMem *pm = &k->m->mem;
    if (pm->a20_mask != ~0ull && !k->warned_a20) {
        fprintf(stderr, "tandem: kvm: the guest closed the A20 gate; A20 is not emulated under KVM "
                "(always enabled)\n");
        k->warned_a20 = true;
    }
    k->nwant = 0;
    phys_flatten(pm, want_range, k);
    /* Delete what went away or changed, then create what is new. */
    for (int i = 0; i < k->nslots;) {
        bool keep = false;
        for (int j = 0; j < k->nwant && !keep; j++)
            keep = same_slot(&k->slots[i], &k->want[j]);
        if (keep) {
            i++;
            continue;
        }
        if (set_slot(k, &k->slots[i], true) < 0)
            fprintf(stderr, "tandem: kvm: cannot delete memory slot at 0x%llx: %s\n",
                    (unsigned long long)k->slots[i].gpa, strerror(errno));
        k->slot_used[k->slots[i].id] = 0;
        k->slots[i] = k->slots[--k->nslots];
    }
    for (int j = 0; j < k->nwant; j++) {
        bool have = false;
        for (int i = 0; i < k->nslots && !have; i++)
            have = same_slot(&k->slots[i], &k->want[j]);
        if (have)
            continue;
        KvmSlot s = k->want[j];
        for (s.id = 0; k->slot_used[s.id]; s.id++)
            ;
        if (set_slot(k, &s, false) < 0) {
            fprintf(stderr, "tandem: kvm: cannot map %s at 0x%llx (0x%llx bytes): %s\n",
                    s.flags & KVM_MEM_READONLY ? "ROM" : "RAM", (unsigned long long)s.gpa,
                    (unsigned long long)s.size, strerror(errno));
            continue;
        }
        k->slot_used[s.id] = 1;
        k->slots[k->nslots++] = s;
    }
}

static void map_changed(void *opaque)
{
    sync_slots(opaque);
}

/* ---- CPUID ---- */

static struct kvm_cpuid2 *supported_cpuid(Kvm *k)
{
    for (int n = 64; n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof *c + (size_t)n * sizeof c->entries[0]);
        if (!c)
            abort();
        c->nent = (uint32_t)n;
        if (ioctl(k->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
            return c;
        free(c);
        if (errno != E2BIG)
            return NULL;
    }
    return NULL;
}

static const struct kvm_cpuid_entry2 *find_cpuid(const struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx)
{
    for (uint32_t i = 0; i < c->nent; i++)
        if (c->entries[i].function == fn &&
            (c->entries[i].index == idx || !(c->entries[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)))
            return &c->entries[i];
    return NULL;
}

/* Reads the table back: a KVM may rewrite entries (KVM-PVM puts the host's
 * feature flags in leaf 1), and then the guest does not see our model there.
 * The bits KVM keeps up to date at run time (APIC from APIC_BASE.EN, OSXSAVE
 * from CR4) are not compared. */
static bool check_cpuid(Kvm *k, const struct kvm_cpuid2 *want)
{
    bool exact = true;
    struct kvm_cpuid2 *got = calloc(1, sizeof *got + 256 * sizeof got->entries[0]);
    if (!got)
        abort();
    got->nent = 256;
    if (ioctl(k->vcpu_fd, KVM_GET_CPUID2, got) == 0) {
        for (uint32_t i = 0; i < want->nent; i++) {
            const struct kvm_cpuid_entry2 *w = &want->entries[i];
            const struct kvm_cpuid_entry2 *g = find_cpuid(got, w->function, w->index);
            uint32_t edx_mask = w->function == 1 ? ~(1u << 9) : ~0u;     /* APIC */
            uint32_t ecx_mask = w->function == 1 ? ~(1u << 27) : ~0u;    /* OSXSAVE */
            if (!g || g->eax != w->eax || g->ebx != w->ebx || ((g->ecx ^ w->ecx) & ecx_mask) ||
                ((g->edx ^ w->edx) & edx_mask)) {
                exact = false;
                fprintf(stderr, "tandem: kvm: KVM changed CPUID leaf 0x%x to %08x %08x %08x %08x "
                        "(model: %08x %08x %08x %08x): the guest sees KVM's\n", w->function,
                        g ? g->eax : 0, g ? g->ebx : 0, g ? g->ecx : 0, g ? g->edx : 0,
                        w->eax, w->ebx, w->ecx, w->edx);
            }
        }
    }
    free(got);
    return exact;
}

/* Loads the model's CPUID into the vCPU.  Feature words are intersected with
 * what KVM can offer; everything else (vendor, signature, brand, cache
 * descriptors) is the model's as it is. */
static int setup_cpuid(Kvm *k, char *err, size_t errlen)
{
    CpuidLeaf leaves[64];
    int n = cpuid_model_leaves(k->cpuid_version, leaves, 64);
    if (n > 64)
        n = 64;
    struct kvm_cpuid2 *sup = supported_cpuid(k);
    if (!sup) {
        snprintf(err, errlen, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
        return -1;
    }
    struct kvm_cpuid2 *c = calloc(1, sizeof *c + (size_t)n * sizeof c->entries[0]);
    if (!c)
        abort();
    char missing[256] = "";
    for (int i = 0; i < n; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[c->nent++];
        e->function = leaves[i].leaf;
        e->index = leaves[i].subleaf;
        e->flags = leaves[i].indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
        e->eax = leaves[i].r[0];
        e->ebx = leaves[i].r[1];
        e->ecx = leaves[i].r[2];
        e->edx = leaves[i].r[3];
        /* Feature flag words: leaf 1 ECX/EDX, leaf 7 EBX/ECX/EDX, 80000001h ECX/EDX. */
        uint32_t *words[3] = { NULL, NULL, NULL };
        const char *wn[3] = { NULL, NULL, NULL };
        if (e->function == 1) {
            words[0] = &e->ecx, wn[0] = "1.ECX";
            words[1] = &e->edx, wn[1] = "1.EDX";
        } else if (e->function == 7) {
            words[0] = &e->ebx, wn[0] = "7.EBX";
            words[1] = &e->ecx, wn[1] = "7.ECX";
            words[2] = &e->edx, wn[2] = "7.EDX";
        } else if (e->function == 0x80000001u) {
            words[0] = &e->ecx, wn[0] = "80000001h.ECX";
            words[1] = &e->edx, wn[1] = "80000001h.EDX";
        }
        const struct kvm_cpuid_entry2 *s = find_cpuid(sup, e->function, e->index);
        for (int w = 0; w < 3; w++) {
            if (!words[w])
                continue;
            uint32_t have = 0;
            if (s) {
                const uint32_t *sw = e->function == 7 ? (w == 0 ? &s->ebx : w == 1 ? &s->ecx : &s->edx)
                                                      : (w == 0 ? &s->ecx : &s->edx);
                have = *sw;
            }
            uint32_t lack = *words[w] & ~have;
            if (lack) {
                size_t l = strlen(missing);
                snprintf(missing + l, sizeof missing - l, " %s=0x%x", wn[w], lack);
                *words[w] &= have;
            }
        }
    }
    free(sup);
    if (missing[0])
        fprintf(stderr, "tandem: kvm: the host cannot offer these CPUID features of the CPU model:%s\n",
                missing);
    int r = ioctl(k->vcpu_fd, KVM_SET_CPUID2, c);
    if (r < 0) {
        snprintf(err, errlen, "KVM_SET_CPUID2: %s", strerror(errno));
        free(c);
        return -1;
    }
    k->cpuid_exact = check_cpuid(k, c);
    free(c);
    return 0;
}

/* ---- MSR filter: the guest sees the model's MSRs only ---- */

static bool enable_msr_exits(Kvm *k)
{
    if (ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_USER_SPACE_MSR) <= 0 ||
        ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_MSR_FILTER) <= 0) {
        errno = ENOTSUP;
        return false;
    }
    struct kvm_enable_cap cap = { .cap = KVM_CAP_X86_USER_SPACE_MSR,
                                  .args = { KVM_MSR_EXIT_REASON_FILTER } };
    return ioctl(k->vm_fd, KVM_ENABLE_CAP, &cap) == 0;
}

/* exact: the guest sees our CPUID, so it gets exactly the model's MSRs (the
 * others are denied: #GP, as from the interpreter).  Otherwise (KVM rewrote
 * CPUID, see check_cpuid) the guest sees the host's features and KVM's MSRs
 * that go with them.  IA32_APIC_BASE comes to us either way. */
static void setup_msr_filter(Kvm *k, bool exact)
{
    if (!enable_msr_exits(k))
        goto fail;
    /* Two ranges: 0x0-0x2ff and 0xc0000000-0xc00002ff (bit set = allowed). */
    static uint8_t low[0x300 / 8], high[0x300 / 8];
    memset(low, exact ? 0 : 0xff, sizeof low);
    memset(high, exact ? 0 : 0xff, sizeof high);
    for (unsigned i = 0; exact && i < sizeof model_msrs / sizeof model_msrs[0]; i++) {
        uint32_t m = model_msrs[i];
        uint8_t *bm = m >= 0xc0000000u ? high : low;
        m &= 0xfff;
        bm[m / 8] |= (uint8_t)(1u << (m % 8));
    }
    low[MSR_APIC_BASE / 8] &= (uint8_t)~(1u << (MSR_APIC_BASE % 8));
    struct kvm_msr_filter f = { .flags = exact ? KVM_MSR_FILTER_DEFAULT_DENY : KVM_MSR_FILTER_DEFAULT_ALLOW };
    f.ranges[0] = (struct kvm_msr_filter_range){ KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE, 0x300, 0, low };
    f.ranges[1] = (struct kvm_msr_filter_range){ KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE, 0x300,
                                                  0xc0000000u, high };
    if (ioctl(k->vm_fd, KVM_X86_SET_MSR_FILTER, &f) < 0)
        goto fail;
    k->has_msr_filter = true;
    return;
fail:
    fprintf(stderr, "tandem: kvm: no MSR filtering (%s): the guest sees KVM's MSRs, not only the "
            "CPU model's\n", strerror(errno));
}

/* Without an in-kernel APIC, KVM keeps CR8 itself and passes it through
 * kvm_run->cr8 (in at entry, out at exit, KVM_EXIT_SET_TPR when lowered);
 * our local APIC's TPR is the value of record. */
static void cr8_to_kvm(Kvm *k)
{
    if (k->m->lapic)
        k->run->cr8 = lapic_get_cr8(k->m->lapic);
}

static void cr8_from_kvm(Kvm *k)
{
    if (k->m->lapic && k->run->cr8 != lapic_get_cr8(k->m->lapic))
        lapic_set_cr8(k->m->lapic, k->run->cr8);
}

static void handle_msr_exit(Kvm *k)
{
    struct kvm_run *run = k->run;
    bool wr = run->exit_reason == KVM_EXIT_X86_WRMSR;
    run->msr.error = 1;   /* #GP(0) unless handled */
    if (k->m->lapic) {
        uint64_t v = run->msr.data;
        bool ok = wr ? lapic_msr_write(k->m->lapic, run->msr.index, v)
                     : lapic_msr_read(k->m->lapic, run->msr.index, &v);
        if (ok && !wr)
            run->msr.data = v;
        run->msr.error = !ok;
    } else if (run->msr.index == MSR_APIC_BASE) {
        if (!wr) {
            run->msr.data = k->apic_base;
            run->msr.error = 0;
        } else if (!(run->msr.data & ~APIC_BASE_WRITABLE)) {
            k->apic_base = run->msr.data;
            run->msr.error = 0;
        }
    }
    if (run->msr.error)
        guest_error("kvm: %s of MSR 0x%x outside the CPU model: #GP\n", wr ? "wrmsr" : "rdmsr",
                    run->msr.index);
}

/* ---- state ---- */

static void seg_to_kvm(const SegCache *s, struct kvm_segment *k)
{
    memset(k, 0, sizeof *k);
    k->base = s->base;
    k->limit = s->limit;
    k->selector = s->sel;
    k->type = s->attr & SA_TYPE;
    k->s = !!(s->attr & SA_S);
    k->dpl = (s->attr >> SA_DPL_SHIFT) & 3;
    k->present = !!(s->attr & SA_P);
    k->avl = !!(s->attr & SA_AVL);
    k->l = !!(s->attr & SA_L);
    k->db = !!(s->attr & SA_DB);
    k->g = !!(s->attr & SA_G);
    k->unusable = !k->present;   /* a null selector loaded in protected mode */
}

static void seg_from_kvm(const struct kvm_segment *k, SegCache *s)
{
    s->base = k->base;
    s->limit = k->limit;
    s->sel = k->selector;
    s->attr = (uint16_t)((k->type & 15) | (k->s ? SA_S : 0) | ((k->dpl & 3) << SA_DPL_SHIFT) |
                         (k->present && !k->unusable ? SA_P : 0) | (k->avl ? SA_AVL : 0) |
                         (k->l ? SA_L : 0) | (k->db ? SA_DB : 0) | (k->g ? SA_G : 0));
}

/* kvm_regs order: rax rbx rcx rdx rsi rdi rsp rbp r8..r15. */
static __u64 *kreg(struct kvm_regs *r, int i)
{
    switch (i) {
    case R_EAX: return &r->rax;
    case R_ECX: return &r->rcx;
    case R_EDX: return &r->rdx;
    case R_EBX: return &r->rbx;
    case R_ESP: return &r->rsp;
    case R_EBP: return &r->rbp;
    case R_ESI: return &r->rsi;
    case R_EDI: return &r->rdi;
    default: return &(&r->r8)[i - 8];
    }
}

/* Finishes an I/O or MMIO instruction KVM left half done (its result is not in
 * the registers until KVM_RUN is entered again), without running the guest. */
static void handle_io(Kvm *k);
static void handle_mmio(Kvm *k);

static void complete_io(Kvm *k)
{
    for (int guard = 0; k->io_pending && guard < 100000; guard++) {
        k->run->immediate_exit = 1;
        int r = ioctl(k->vcpu_fd, KVM_RUN, 0);
        k->run->immediate_exit = 0;
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN)
                k->io_pending = false;
            else
                break;
        } else if (k->run->exit_reason == KVM_EXIT_IO) {
            handle_io(k);   /* a string instruction goes on */
        } else if (k->run->exit_reason == KVM_EXIT_MMIO) {
            handle_mmio(k);
        } else {
            k->io_pending = false;
        }
    }
    k->io_pending = false;
}

/* x87/SSE: the canonical state is the FXSAVE image (cpu/fpu.h), which is also
 * the legacy region of KVM's XSAVE area; KVM_GET/SET_FPU is the fallback
 * (some KVMs do not carry MXCSR through it). */
static void kvm_get_fpu(Kvm *k, CpuState *s)
{
    uint8_t *img = s->fxsave;
    struct kvm_xsave xs;
    if (ioctl(k->vcpu_fd, KVM_GET_XSAVE, &xs) == 0) {
        uint16_t fcs, fds;
        memcpy(&fcs, img + 464, 2);   /* bytes 464.. are software's: keep */
        memcpy(&fds, img + 466, 2);
        memcpy(img, xs.region, 512);
        memset(img + 464, 0, 48);
        memcpy(img + 464, &fcs, 2);
        memcpy(img + 466, &fds, 2);
        uint32_t mask = MXCSR_MASK;
        memcpy(img + 28, &mask, 4);
        return;
    }
    struct kvm_fpu f;
    if (ioctl(k->vcpu_fd, KVM_GET_FPU, &f) < 0) {
        fprintf(stderr, "tandem: kvm: KVM_GET_FPU: %s\n", strerror(errno));
        return;
    }
    memset(img, 0, 464);
    memcpy(img + 0, &f.fcw, 2);
    memcpy(img + 2, &f.fsw, 2);
    img[4] = f.ftwx;
    memcpy(img + 6, &f.last_opcode, 2);
    memcpy(img + 8, &f.last_ip, 8);
    memcpy(img + 16, &f.last_dp, 8);
    memcpy(img + 24, &f.mxcsr, 4);
    uint32_t mask = MXCSR_MASK;
    memcpy(img + 28, &mask, 4);
    memcpy(img + 32, f.fpr, 128);
    memcpy(img + 160, f.xmm, 256);
}

static void kvm_set_fpu(Kvm *k, const CpuState *s)
{
    const uint8_t *img = s->fxsave;
    struct kvm_xsave xs;
    if (ioctl(k->vcpu_fd, KVM_GET_XSAVE, &xs) == 0) {
        uint8_t *r = (uint8_t *)xs.region;
        memcpy(r, img, 464);
        uint64_t bv;
        memcpy(&bv, r + 512, 8);
        bv |= 3;   /* XSTATE_BV: x87 and SSE state are in the image */
        memcpy(r + 512, &bv, 8);
        if (ioctl(k->vcpu_fd, KVM_SET_XSAVE, &xs) == 0)
            return;
    }
    struct kvm_fpu f;
    memset(&f, 0, sizeof f);
    memcpy(&f.fcw, img + 0, 2);
    memcpy(&f.fsw, img + 2, 2);
    f.ftwx = img[4];
    memcpy(&f.last_opcode, img + 6, 2);
    memcpy(&f.last_ip, img + 8, 8);
    memcpy(&f.last_dp, img + 16, 8);
    memcpy(&f.mxcsr, img + 24, 4);
    memcpy(f.fpr, img + 32, 128);
    memcpy(f.xmm, img + 160, 256);
    if (ioctl(k->vcpu_fd, KVM_SET_FPU, &f) < 0)
        fprintf(stderr, "tandem: kvm: KVM_SET_FPU: %s\n", strerror(errno));
}

static uint64_t get_tsc(Kvm *k)
{
    struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = { .h.nmsrs = 1, .e.index = MSR_TSC };
    if (ioctl(k->vcpu_fd, KVM_GET_MSRS, &m) != 1)
        return 0;
    return m.e.data;
}

/* Sets the guest TSC to v: through the TSC offset attribute when KVM has it
 * (exact), else by writing IA32_TSC (KVM may treat a write close to the current
 * value as a resynchronisation and keep its offset). */
static void set_tsc(Kvm *k, uint64_t v)
{
    if (k->has_tsc_attr) {
        uint64_t off;
        struct kvm_device_attr a = { .group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET,
                                     .addr = (uintptr_t)&off };
        if (ioctl(k->vcpu_fd, KVM_GET_DEVICE_ATTR, &a) == 0) {
            uint64_t host = get_tsc(k) - off;
            off = v - host;
            if (ioctl(k->vcpu_fd, KVM_SET_DEVICE_ATTR, &a) == 0)
                return;
        }
    }
    struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = { .h.nmsrs = 1, .e.index = MSR_TSC,
                                                                 .e.data = v };
    ioctl(k->vcpu_fd, KVM_SET_MSRS, &m);
}

static uint32_t msr_index(int i)
{
    if (msr_map[i].off >= offsetof(CpuState, mtrr_fixed) &&
        msr_map[i].off < offsetof(CpuState, mtrr_fixed) + sizeof(((CpuState *)0)->mtrr_fixed))
        return mtrr_fixed_msrs[(msr_map[i].off - offsetof(CpuState, mtrr_fixed)) / 8];
    return msr_map[i].idx;
}

static void kvm_get_state(void *a, CpuState *s)
{
    Kvm *k = a;
    complete_io(k);
    memset(s, 0, sizeof *s);
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    if (ioctl(k->vcpu_fd, KVM_GET_REGS, &regs) < 0 || ioctl(k->vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
        if (!k->failed)
            kvm_fatal(k, "cannot read the vCPU registers: %s", strerror(errno));
        return;
    }
    for (int i = 0; i < 16; i++)
        s->regs[i] = *kreg(&regs, i);
    s->rip = regs.rip;
    s->rflags = regs.rflags;
    struct kvm_segment *ks[SEG_COUNT] = { &sregs.es, &sregs.cs, &sregs.ss, &sregs.ds, &sregs.fs, &sregs.gs };
    for (int i = 0; i < SEG_COUNT; i++)
        seg_from_kvm(ks[i], &s->seg[i]);
    seg_from_kvm(&sregs.ldt, &s->ldt);
    seg_from_kvm(&sregs.tr, &s->tr);
    s->gdt.base = sregs.gdt.base;
    s->gdt.limit = sregs.gdt.limit;
    s->idt.base = sregs.idt.base;
    s->idt.limit = sregs.idt.limit;
    s->cr0 = sregs.cr0;
    s->cr2 = sregs.cr2;
    s->cr3 = sregs.cr3;
    s->cr4 = sregs.cr4;
    s->cr8 = sregs.cr8;
    s->efer = sregs.efer;
    s->apic_base = k->apic_base;
    s->xcr0 = k->xcr0;

    struct { struct kvm_msrs h; struct kvm_msr_entry e[NMSR]; } m;
    memset(&m, 0, sizeof m);
    int idx[NMSR];
    for (unsigned i = 0; i < NMSR; i++)
        if (k->msr_ok[i]) {
            idx[m.h.nmsrs] = (int)i;
            m.e[m.h.nmsrs++].index = msr_index((int)i);
        }
    int got = ioctl(k->vcpu_fd, KVM_GET_MSRS, &m);
    for (int i = 0; i < got; i++)
        *(uint64_t *)((char *)s + msr_map[idx[i]].off) = m.e[i].data;
    s->tsc = get_tsc(k);

    if (k->has_debugregs) {
        struct kvm_debugregs d;
        if (ioctl(k->vcpu_fd, KVM_GET_DEBUGREGS, &d) == 0) {
            for (int i = 0; i < 4; i++)
                s->dr[i] = d.db[i];
            s->dr[6] = d.dr6;
            s->dr[7] = d.dr7;
        }
    }
    s->dr[4] = k->dr45[0];
    s->dr[5] = k->dr45[1];

    if (k->has_events) {
        struct kvm_vcpu_events ev;
        if (ioctl(k->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) == 0) {
            s->intr_shadow = (uint8_t)(((ev.interrupt.shadow & KVM_X86_SHADOW_INT_STI) ? SHADOW_STI : 0) |
                                       ((ev.interrupt.shadow & KVM_X86_SHADOW_INT_MOV_SS) ? SHADOW_MOV_SS : 0));
            s->nmi_masked = ev.nmi.masked;
            s->nmi_pending = ev.nmi.pending;
            if ((ev.interrupt.injected || ev.nmi.injected || ev.exception.injected ||
                 ev.exception.pending) && !k->warned_events) {
                /* Not representable in the canonical state (see run()). */
                fprintf(stderr, "tandem: kvm: state read with an event in flight (interrupt %d/%u, "
                        "exception %d/%u)\n", ev.interrupt.injected, ev.interrupt.nr,
                        ev.exception.injected | ev.exception.pending, ev.exception.nr);
                k->warned_events = true;
            }
        }
    }
    s->halted = k->halted;
    /* An NMI asked for and not yet handed to KVM is pending as well. */
    if (__atomic_load_n(&k->nmi_req, __ATOMIC_SEQ_CST))
        s->nmi_pending = 1;
    s->a20_mask_unused = k->a20_unused;
    s->cpuid_version = k->cpuid_version;
    kvm_get_fpu(k, s);
}

static void kvm_set_state(void *a, const CpuState *s)
{
    Kvm *k = a;
    complete_io(k);
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    memset(&regs, 0, sizeof regs);
    memset(&sregs, 0, sizeof sregs);
    for (int i = 0; i < 16; i++)
        *kreg(&regs, i) = s->regs[i];
    regs.rip = s->rip;
    regs.rflags = s->rflags | 2;
    struct kvm_segment *ks[SEG_COUNT] = { &sregs.es, &sregs.cs, &sregs.ss, &sregs.ds, &sregs.fs, &sregs.gs };
    for (int i = 0; i < SEG_COUNT; i++)
        seg_to_kvm(&s->seg[i], ks[i]);
    seg_to_kvm(&s->ldt, &sregs.ldt);
    seg_to_kvm(&s->tr, &sregs.tr);
    /* CS.L means nothing outside long mode (the interpreter keeps the
     * descriptor bit) but KVM rejects it there. */
    if (!(s->efer & EFER_LMA))
        sregs.cs.l = 0;
    sregs.gdt.base = s->gdt.base;
    sregs.gdt.limit = (uint16_t)s->gdt.limit;
    sregs.idt.base = s->idt.base;
    sregs.idt.limit = (uint16_t)s->idt.limit;
    sregs.cr0 = s->cr0;
    sregs.cr2 = s->cr2;
    sregs.cr3 = s->cr3;
    sregs.cr4 = s->cr4;
    sregs.cr8 = s->cr8;
    sregs.efer = s->efer;
    /* KVM shows CPUID.1:EDX.APIC only while its copy of IA32_APIC_BASE has
     * EN set: give it our local APIC's MSR, or EN clear without one. */
    k->apic_base = s->apic_base;
    sregs.apic_base = k->m->lapic ? k->m->lapic->apic_base : s->apic_base & ~APIC_BASE_EN;
    /* no interrupt_bitmap: nothing queued for injection */
    if (ioctl(k->vcpu_fd, KVM_SET_SREGS, &sregs) < 0) {
        kvm_fatal(k, "KVM_SET_SREGS: %s", strerror(errno));
        return;
    }
    if (ioctl(k->vcpu_fd, KVM_SET_REGS, &regs) < 0) {
        kvm_fatal(k, "KVM_SET_REGS: %s", strerror(errno));
        return;
    }
    k->xcr0 = s->xcr0;
    if (k->has_xcrs && (s->xcr0 & 1) && (s->cr4 & CR4_OSXSAVE)) {
        struct kvm_xcrs x = { .nr_xcrs = 1, .xcrs[0] = { .xcr = 0, .value = s->xcr0 } };
        ioctl(k->vcpu_fd, KVM_SET_XCRS, &x);
    }

    struct { struct kvm_msrs h; struct kvm_msr_entry e[NMSR]; } m;
    memset(&m, 0, sizeof m);
    for (unsigned i = 0; i < NMSR; i++)
        if (k->msr_ok[i]) {
            m.e[m.h.nmsrs].index = msr_index((int)i);
            m.e[m.h.nmsrs++].data = *(const uint64_t *)((const char *)s + msr_map[i].off);
        }
    /* KVM_SET_MSRS stops at the first MSR it refuses: report it, go on after it. */
    uint32_t n = m.h.nmsrs;
    for (uint32_t done = 0; done < n;) {
        m.h.nmsrs = n - done;
        int put = ioctl(k->vcpu_fd, KVM_SET_MSRS, &m);
        if (put < 0 || (uint32_t)put >= m.h.nmsrs)
            break;
        fprintf(stderr, "tandem: kvm: KVM refused MSR 0x%x = 0x%llx\n", m.e[put].index,
                (unsigned long long)m.e[put].data);
        done += (uint32_t)put + 1;
        memmove(m.e, m.e + put + 1, (n - done) * sizeof m.e[0]);
    }
    set_tsc(k, s->tsc);

    if (k->has_debugregs) {
        struct kvm_debugregs d;
        memset(&d, 0, sizeof d);
        for (int i = 0; i < 4; i++)
            d.db[i] = s->dr[i];
        d.dr6 = s->dr[6];
        d.dr7 = s->dr[7];
        if (ioctl(k->vcpu_fd, KVM_SET_DEBUGREGS, &d) < 0)
            fprintf(stderr, "tandem: kvm: KVM_SET_DEBUGREGS: %s\n", strerror(errno));
    }
    k->dr45[0] = s->dr[4];
    k->dr45[1] = s->dr[5];

    if (k->has_events) {
        struct kvm_vcpu_events ev;
        memset(&ev, 0, sizeof ev);
        /* No exception, interrupt or NMI in flight; a pending NMI of the
         * state goes through nmi_req (KVM_NMI before the next entry). */
        ev.flags = KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_NMI_PENDING;
        ev.interrupt.shadow = (uint8_t)(((s->intr_shadow & SHADOW_STI) ? KVM_X86_SHADOW_INT_STI : 0) |
                                        ((s->intr_shadow & SHADOW_MOV_SS) ? KVM_X86_SHADOW_INT_MOV_SS : 0));
        ev.nmi.masked = s->nmi_masked;
        if (ioctl(k->vcpu_fd, KVM_SET_VCPU_EVENTS, &ev) < 0)
            fprintf(stderr, "tandem: kvm: KVM_SET_VCPU_EVENTS: %s\n", strerror(errno));
    }
    k->halted = s->halted;
    __atomic_store_n(&k->nmi_req, s->nmi_pending ? 1 : 0, __ATOMIC_SEQ_CST);
    k->a20_unused = s->a20_mask_unused;
    if (s->cpuid_version && s->cpuid_version != k->cpuid_version && !k->warned_version) {
        fprintf(stderr, "tandem: kvm: CPUID signature 0x%x cannot replace 0x%x after the vCPU was created\n",
                s->cpuid_version, k->cpuid_version);
        k->warned_version = true;
    }
    kvm_set_fpu(k, s);
    k->run_fields_stale = true;
    k->inj_pending = false;
}

static void kvm_reset(void *a)
{
    Kvm *k = a;
    CpuState s;
    memset(&s, 0, sizeof s);
    s.cpuid_version = k->cpuid_version;
    cpu_state_power_on(&s);
    kvm_set_state(k, &s);
    /* Reset drops a pending NMI too. */
    __atomic_store_n(&k->nmi_req, 0, __ATOMIC_SEQ_CST);
    if (k->has_events) {
        struct kvm_vcpu_events ev;
        memset(&ev, 0, sizeof ev);
        ev.flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW;
        ioctl(k->vcpu_fd, KVM_SET_VCPU_EVENTS, &ev);
    }
}

/* ---- exits ---- */

static void handle_io(Kvm *k)
{
    struct kvm_run *run = k->run;
    uint8_t *p = (uint8_t *)run + run->io.data_offset;
    unsigned size = run->io.size;
    for (uint32_t i = 0; i < run->io.count; i++, p += size) {
        if (run->io.direction == KVM_EXIT_IO_OUT) {
            uint32_t v = 0;
            memcpy(&v, p, size);
            io_write(&k->m->io, run->io.port, v, size);
        } else {
            uint32_t v = io_read(&k->m->io, run->io.port, size);
            memcpy(p, &v, size);
        }
    }
    k->io_pending = true;
}

static void handle_mmio(Kvm *k)
{
    struct kvm_run *run = k->run;
    PhysMem *pm = &k->m->mem;
    uint64_t addr = run->mmio.phys_addr;
    unsigned len = run->mmio.len;
    if (len == 1 || len == 2 || len == 4 || len == 8) {
        if (run->mmio.is_write) {
            uint64_t v = 0;
            memcpy(&v, run->mmio.data, len);
            phys_write(pm, addr, v, len);
        } else {
            uint64_t v = phys_read(pm, addr, len);
            memcpy(run->mmio.data, &v, len);
        }
    } else if (len <= 8) {
        phys_rw(pm, addr, run->mmio.data, len, run->mmio.is_write);
    }
    k->io_pending = true;
}

/* The instructions step_on_interp() takes in long mode (after any
 * legacy/REX prefixes): RDTSCP, VERR/VERW, CMPXCHG8B/16B and
 * FXSAVE/FXRSTOR/LDMXCSR/STMXCSR with a memory operand (kernel_fpu_begin()),
 * the MMX/SSE opcodes, FWAIT.  Only these (GPRs, flags, x87/SSE state and
 * memory, or a fault): KVM-PVM runs long mode with CR0, EFER and STAR of its
 * own ABI, which a full state write would disturb.  Outside long mode every
 * instruction KVM's emulator cannot do is taken (IRET in protected mode,
 * DAA, call gates, x87...). */
static bool interp_takes(const uint8_t *b, unsigned n, bool long_mode)
{
    if (!long_mode)
        return n > 0;
    unsigned i = 0;
    while (i < n && (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e || b[i] == 0x64 ||
                     b[i] == 0x65 || b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 ||
                     (b[i] & 0xf0) == 0x40))
        i++;
    if (i < n && b[i] == 0x9b)      /* FWAIT: the kernel's FPU save paths */
        return true;
    if (i + 3 > n || b[i] != 0x0f)
        return false;
    unsigned op = b[i + 1], modrm = b[i + 2], reg = (modrm >> 3) & 7;
    return (op == 0x01 && modrm == 0xf9) || (op == 0x00 && (reg == 4 || reg == 5)) ||
           (op == 0xc7 && reg == 1 && (modrm >> 6) != 3) ||
           (op == 0xae && reg <= 3 && (modrm >> 6) != 3) ||  /* FXSAVE/FXRSTOR/LDMXCSR/STMXCSR */
           (op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) || op == 0x38 || op == 0x3a ||
           /* MMX/SSE: kernel_fpu_begin() users (crc32c, crypto) */
           (op >= 0x50 && op <= 0x7f && op != 0x77) || (op >= 0xc2 && op <= 0xc6) || op >= 0xd0;
}

/* Whether a step changed more than the GPRs, RIP, RFLAGS and the x87/SSE
 * state: segments, descriptor tables, control registers, EFER, halt. */
static bool system_state_changed(const CpuState *a, const CpuState *b)
{
    return memcmp(a->seg, b->seg, sizeof a->seg) || memcmp(&a->ldt, &b->ldt, sizeof a->ldt) ||
           memcmp(&a->tr, &b->tr, sizeof a->tr) || memcmp(&a->gdt, &b->gdt, sizeof a->gdt) ||
           memcmp(&a->idt, &b->idt, sizeof a->idt) || a->cr0 != b->cr0 || a->cr2 != b->cr2 ||
           a->cr3 != b->cr3 || a->cr4 != b->cr4 || a->efer != b->efer || a->halted != b->halted;
}

/* An instruction KVM's emulator cannot do (KVM_INTERNAL_ERROR_EMULATION) runs
 * on a private interpreter CPU instead: state over, one step, state back.
 * On VT-x this is rare (MMIO by odd instructions); on KVM-PVM all of ring 0
 * is emulated and Linux booted under the interpreter uses what the model
 * offers and KVM's emulator lacks: RDTSCP (rdtsc_ordered(), patched in by
 * alternatives), VERW on every return to user mode (MDS buffer clearing: the
 * model does not say MDS_NO), CMPXCHG16B (SLUB's per-CPU freelists); the
 * same path could take DAA, protected-mode IRET and call gates.  The
 * interpreter gets no INTR and no NMI, so it runs exactly that instruction (one REP
 * iteration) or delivers the exception it raises, as the CPU would.
 * Returns false for other instructions, or when the interpreter cannot start. */
static bool step_on_interp(Kvm *k, AccelExit *ex)
{
    struct kvm_run *run = k->run;
    unsigned n = run->emulation_failure.insn_size;
    if (run->emulation_failure.ndata < 2 ||
        !(run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES))
        return false;
    CpuState s, before;
    kvm_get_state(k, &s);
    before = s;
    if (!interp_takes(run->emulation_failure.insn_bytes,
                      n < sizeof run->emulation_failure.insn_bytes ? n : sizeof run->emulation_failure.insn_bytes,
                      (s.efer & EFER_LMA) != 0))
        return false;
    if (!k->step_cpu) {
        char err[128];
        k->step_cpu = accel_interp_ops.create(k->m, err, sizeof err);
        if (!k->step_cpu || accel_interp_ops.set_debug(k->step_cpu, NULL, 0, true) < 0)
            return false;
    }
    accel_interp_ops.set_state(k->step_cpu, &s);
    *ex = accel_interp_ops.run(k->step_cpu, UINT64_MAX);
    accel_interp_ops.get_state(k->step_cpu, &s);
    /* Most of these instructions change only GPRs, RIP, RFLAGS and the
     * x87/SSE state (and RAM, shared): write back just those.  A full
     * set_state would also rewrite CR0, EFER and STAR, which KVM-PVM may have
     * set to its own ABI when the guest entered long mode.  An exception, or
     * an instruction that loads segments or tables (IRET, far calls), needs
     * the whole state. */
    struct kvm_regs regs;
    if (system_state_changed(&before, &s) || ioctl(k->vcpu_fd, KVM_GET_REGS, &regs) < 0) {
        kvm_set_state(k, &s);
        return true;
    }
    __u64 *g[16] = { &regs.rax, &regs.rcx, &regs.rdx, &regs.rbx, &regs.rsp, &regs.rbp, &regs.rsi,
                     &regs.rdi, &regs.r8, &regs.r9, &regs.r10, &regs.r11, &regs.r12, &regs.r13,
                     &regs.r14, &regs.r15 };
    for (int i = 0; i < 16; i++)
        *g[i] = s.regs[i];
    regs.rip = s.rip;
    regs.rflags = s.rflags;
    ioctl(k->vcpu_fd, KVM_SET_REGS, &regs);
    if (memcmp(s.fxsave, before.fxsave, sizeof s.fxsave) != 0)
        kvm_set_fpu(k, &s);
    return true;
}

static void internal_error(Kvm *k)
{
    struct kvm_run *run = k->run;
    char detail[160] = "";
    uint32_t sub = run->internal.suberror;
    if (sub == KVM_INTERNAL_ERROR_EMULATION && run->emulation_failure.ndata >= 2 &&
        (run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
        unsigned n = run->emulation_failure.insn_size;
        if (n > sizeof run->emulation_failure.insn_bytes)
            n = sizeof run->emulation_failure.insn_bytes;
        snprintf(detail, sizeof detail, ", instruction bytes");
        for (unsigned i = 0; i < n && i < 8; i++) {
            size_t l = strlen(detail);
            snprintf(detail + l, sizeof detail - l, " %02x", run->emulation_failure.insn_bytes[i]);
        }
    } else {
        for (uint32_t i = 0; i < run->internal.ndata && i < 6; i++) {
            size_t l = strlen(detail);
            snprintf(detail + l, sizeof detail - l, "%s0x%llx", i ? " " : ", data ",
                     (unsigned long long)run->internal.data[i]);
        }
    }
    kvm_fatal(k, "KVM_EXIT_INTERNAL_ERROR, suberror %u (%s)%s", sub,
              sub == KVM_INTERNAL_ERROR_EMULATION ? "KVM could not emulate an instruction"
              : sub == KVM_INTERNAL_ERROR_SIMUL_EX ? "exception while delivering an exception"
              : sub == KVM_INTERNAL_ERROR_DELIVERY_EV ? "event delivery failed"
              : "internal error", detail);
}

static void arm_timer(Kvm *k, uint64_t deadline)
{
    if (!k->timer_ok)
        return;
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    Clock *c = &k->m->clock;
    if (deadline < (1ull << 62)) {
        int64_t abs = (int64_t)deadline + c->host_offset;
        if (abs <= 0)
            abs = 1;
        its.it_value.tv_sec = abs / 1000000000;
        its.it_value.tv_nsec = abs % 1000000000;
    }
    timer_settime(k->timer, TIMER_ABSTIME, &its, NULL);
}

/* A short run after an injection that KVM has not delivered yet. */
static void arm_timer_rel(Kvm *k, int64_t ns)
{
    if (!k->timer_ok)
        return;
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_nsec = ns;
    timer_settime(k->timer, 0, &its, NULL);
}

/* An injected interrupt or NMI that KVM has not delivered yet (an NMI waiting
 * for the guest to unmask NMIs is pending, not in flight). */
static bool event_in_flight(Kvm *k)
{
    struct kvm_vcpu_events ev;
    if (!k->has_events || ioctl(k->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) < 0)
        return false;
    return ev.interrupt.injected || ev.nmi.injected || (ev.nmi.pending && !ev.nmi.masked);
}

static bool make_timer(Kvm *k)
{
    pid_t tid = gettid();
    if (k->timer_ok && k->timer_tid == tid)
        return true;
    if (k->timer_ok)
        timer_delete(k->timer);
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = kvm_sig;
    sev.sigev_notify_thread_id = tid;
    k->timer_ok = timer_create(CLOCK_MONOTONIC, &sev, &k->timer) == 0;
    k->timer_tid = tid;
    return k->timer_ok;
}

static AccelExit kvm_run_cpu(void *a, uint64_t deadline)
{
    Kvm *k = a;
    Machine *m = k->m;
    struct kvm_run *run = k->run;
    if (k->failed)
        return ACCEL_EXIT_REQUEST;
    k->thread = pthread_self();
    tls_run = run;
    make_timer(k);
    arm_timer(k, deadline);
    AccelExit ret;
    bool settling = false, rearm = false;
    int settle = 0;
    for (;;) {
        run->immediate_exit = 0;
        /* An interrupt or NMI handed to KVM is delivered before we return, so
         * the canonical state (which cannot hold it) is complete. */
        if (!k->inj_pending) {
            if (__atomic_exchange_n(&k->kicked, 0, __ATOMIC_SEQ_CST)) {
                ret = ACCEL_EXIT_REQUEST;
                break;
            }
            if (clock_ns(&m->clock) >= deadline) {
                ret = ACCEL_EXIT_DEADLINE;
                break;
            }
            if (rearm) {   /* another signal, or the clock was paused */
                arm_timer(k, deadline);
                rearm = false;
            }
        }
        if (__atomic_exchange_n(&k->nmi_req, 0, __ATOMIC_SEQ_CST)) {
            if (ioctl(k->vcpu_fd, KVM_NMI) == 0) {
                k->halted = false;
                k->inj_pending = true;
            }
        }
        bool intr = __atomic_load_n(&k->intr_level, __ATOMIC_SEQ_CST);
        if (intr && k->run_fields_stale) {
            /* ready_for_interrupt_injection and if_flag are refreshed by any
             * KVM_RUN; this one returns at once without running the guest. */
            run->immediate_exit = 1;
            cr8_to_kvm(k);
            ioctl(k->vcpu_fd, KVM_RUN, 0);
            run->immediate_exit = 0;
            k->run_fields_stale = false;
        }
        bool can_take = intr && !k->run_fields_stale && run->ready_for_interrupt_injection && run->if_flag;
        if (k->halted) {
            if (!can_take) {
                ret = ACCEL_EXIT_HALT;
                break;
            }
            k->halted = false;
        }
        run->request_interrupt_window = 0;
        if (can_take) {
            int v = machine_intr_ack(m);
            if (v >= 0) {
                struct kvm_interrupt irq = { .irq = (uint32_t)v };
                if (ioctl(k->vcpu_fd, KVM_INTERRUPT, &irq) < 0) {
                    kvm_fatal(k, "KVM_INTERRUPT %d: %s", v, strerror(errno));
                    ret = ACCEL_EXIT_REQUEST;
                    break;
                }
                k->inj_pending = true;
                if (log_enabled(LOG_INT))
                    log_printf("kvm: interrupt vector 0x%02x injected\n", v);
            }
            /* INTR may still be high for the next one: ask for the window. */
            run->request_interrupt_window = __atomic_load_n(&k->intr_level, __ATOMIC_SEQ_CST);
        } else if (intr) {
            run->request_interrupt_window = 1;
        }
        cr8_to_kvm(k);
        int r = ioctl(k->vcpu_fd, KVM_RUN, 0);
        cr8_from_kvm(k);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                if (k->inj_pending && (!event_in_flight(k) || ++settle > 100))
                    k->inj_pending = false;
                if (k->inj_pending) {
                    arm_timer_rel(k, 20000);   /* enter once more to deliver it */
                    settling = true;
                } else {
                    rearm = true;
                    settling = false;
                }
                continue;
            }
            kvm_fatal(k, "KVM_RUN: %s", strerror(errno));
            ret = ACCEL_EXIT_REQUEST;
            break;
        }
        k->io_pending = false;
        k->inj_pending = false;
        if (settling) {
            arm_timer(k, deadline);
            settling = false;
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            handle_io(k);
            continue;
        case KVM_EXIT_MMIO:
            handle_mmio(k);
            continue;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
        case KVM_EXIT_INTR:
        case KVM_EXIT_SET_TPR:   /* CR8 lowered: cr8_from_kvm() told the APIC */
            continue;
        case KVM_EXIT_HLT:
            k->halted = true;
            continue;
        case KVM_EXIT_X86_RDMSR:
        case KVM_EXIT_X86_WRMSR:
            handle_msr_exit(k);
            continue;
        case KVM_EXIT_SHUTDOWN:
            if (log_enabled(LOG_INT))
                log_printf("kvm: triple fault (shutdown)\n");
            ret = ACCEL_EXIT_SHUTDOWN;
            break;
        case KVM_EXIT_SYSTEM_EVENT:
            ret = ACCEL_EXIT_SHUTDOWN;
            break;
        case KVM_EXIT_DEBUG:
            ret = ACCEL_EXIT_DEBUG;
            break;
        case KVM_EXIT_FAIL_ENTRY:
            kvm_fatal(k, "%s: hardware entry failure reason 0x%llx", exit_name(run->exit_reason),
                      (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
            ret = ACCEL_EXIT_REQUEST;
            break;
        case KVM_EXIT_INTERNAL_ERROR: {
            AccelExit ex = ACCEL_EXIT_DEBUG;
            if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION && step_on_interp(k, &ex)) {
                if (ex != ACCEL_EXIT_SHUTDOWN)
                    continue;
                ret = ex;
                break;
            }
            internal_error(k);
            ret = ACCEL_EXIT_REQUEST;
            break;
        }
        default:
            kvm_fatal(k, "unexpected exit %u (%s)", run->exit_reason, exit_name(run->exit_reason));
            ret = ACCEL_EXIT_REQUEST;
            break;
        }
        break;
    }
    return ret;
}

static void kvm_set_intr(void *a, bool level)
{
    Kvm *k = a;
    __atomic_store_n(&k->intr_level, level, __ATOMIC_SEQ_CST);
    /* Same thread (a device during an exit, a timer): the loop sees it before
     * the next entry.  Another thread: interrupt KVM_RUN. */
    if (level && !pthread_equal(pthread_self(), k->thread))
        pthread_kill(k->thread, kvm_sig);
}

static void kvm_kick(void *a)
{
    Kvm *k = a;
    __atomic_store_n(&k->kicked, 1, __ATOMIC_SEQ_CST);
    k->run->immediate_exit = 1;
    if (!pthread_equal(pthread_self(), k->thread))
        pthread_kill(k->thread, kvm_sig);
}

static void kvm_nmi(void *a)
{
    Kvm *k = a;
    __atomic_store_n(&k->nmi_req, 1, __ATOMIC_SEQ_CST);
    if (!pthread_equal(pthread_self(), k->thread))
        pthread_kill(k->thread, kvm_sig);
}

static bool kvm_translate(Kvm *k, uint64_t lin, uint64_t *phys)
{
    struct kvm_sregs sregs;
    if (ioctl(k->vcpu_fd, KVM_GET_SREGS, &sregs) == 0 && !(sregs.cr0 & CR0_PG)) {
        *phys = (sregs.efer & EFER_LMA) ? lin : (uint32_t)lin;
        return true;
    }
    struct kvm_translation t = { .linear_address = lin };
    if (ioctl(k->vcpu_fd, KVM_TRANSLATE, &t) < 0 || !t.valid)
        return false;
    *phys = t.physical_address;
    return true;
}

static bool kvm_virt_to_phys(void *a, uint64_t lin, uint64_t *phys)
{
    return kvm_translate(a, lin, phys);
}

/* Debugger: hardware instruction breakpoints (DR0-3, R/W = 00, LEN = 00,
 * global enables) and single-stepping through KVM_SET_GUEST_DEBUG; the
 * guest's own debug registers stay its own. */
static int kvm_set_debug(void *a, const uint64_t *lin, int n, bool step)
{
    Kvm *k = a;
    if (n < 0 || n > 4)
        return -1;
    struct kvm_guest_debug dbg;
    memset(&dbg, 0, sizeof dbg);
    if (n || step) {
        dbg.control = KVM_GUESTDBG_ENABLE | (step ? KVM_GUESTDBG_SINGLESTEP : 0) |
                      (n ? KVM_GUESTDBG_USE_HW_BP : 0);
        dbg.arch.debugreg[7] = 0x600;       /* GE and the reserved bit 10 */
        for (int i = 0; i < n; i++) {
            dbg.arch.debugreg[i] = lin[i];
            dbg.arch.debugreg[7] |= 2ull << (i * 2);
        }
    }
    return ioctl(k->vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg) < 0 ? -1 : 0;
}

static uint64_t kvm_icount(void *a)
{
    (void)a;
    return 0;
}

/* ---- lifecycle ---- */

static void kvm_destroy(void *a)
{
    Kvm *k = a;
    if (!k)
        return;
    if (k->m)
        phys_remove_listener(&k->m->mem, map_changed, k);
    if (k->step_cpu)
        accel_interp_ops.destroy(k->step_cpu);
    if (k->timer_ok)
        timer_delete(k->timer);
    if (tls_run == k->run)
        tls_run = NULL;
    if (k->run)
        munmap(k->run, k->run_size);
    if (k->vcpu_fd >= 0)
        close(k->vcpu_fd);
    if (k->vm_fd >= 0)
        close(k->vm_fd);
    if (k->kvm_fd >= 0)
        close(k->kvm_fd);
    for (int i = 0; i < k->nroms; i++)
        munmap(k->roms[i].copy, (k->roms[i].size + PAGE - 1) & ~(PAGE - 1));
    free(k);
}

static void probe_msrs(Kvm *k)
{
    for (unsigned i = 0; i < NMSR; i++) {
        struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = { .h.nmsrs = 1 };
        m.e.index = msr_index((int)i);
        k->msr_ok[i] = ioctl(k->vcpu_fd, KVM_GET_MSRS, &m) == 1 &&
                       ioctl(k->vcpu_fd, KVM_SET_MSRS, &m) == 1;
        if (!k->msr_ok[i] && msr_map[i].model)
            fprintf(stderr, "tandem: kvm: KVM has no MSR 0x%x: its value is kept outside the vCPU\n",
                    m.e.index);
    }
}

static void *kvm_create(Machine *m, char *err, size_t errlen)
{
    if (m->clock.source != CLOCK_SRC_HOST) {
        snprintf(err, errlen, "KVM needs the host clock (no -icount)");
        return NULL;
    }
    Kvm *k = calloc(1, sizeof *k);
    if (!k)
        abort();
    k->m = m;
    k->vm_fd = k->vcpu_fd = -1;
    k->thread = pthread_self();
    if (log_enabled(LOG_IN_ASM | LOG_CPU | LOG_EXEC))
        fprintf(stderr, "tandem: kvm: -d in_asm, cpu and exec trace the interpreter only\n");
    k->cpuid_version = CPU_DEFAULT_VERSION;
    k->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (k->kvm_fd < 0) {
        snprintf(err, errlen, "/dev/kvm: %s", strerror(errno));
        goto fail;
    }
    int api = ioctl(k->kvm_fd, KVM_GET_API_VERSION, 0);
    if (api < 0) {
        snprintf(err, errlen, "/dev/kvm: KVM_GET_API_VERSION: %s", strerror(errno));
        goto fail;
    }
    if (api != KVM_API_VERSION) {
        snprintf(err, errlen, "KVM API version %d, expected %d", api, KVM_API_VERSION);
        goto fail;
    }
    static const struct { int cap; const char *name; } need[] = {
        { KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
        { KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM" },
        { KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
        { KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
    };
    for (unsigned i = 0; i < sizeof need / sizeof need[0]; i++) {
        if (ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, need[i].cap) <= 0) {
            snprintf(err, errlen, "this KVM lacks %s", need[i].name);
            goto fail;
        }
    }
    k->has_debugregs = ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_DEBUGREGS) > 0;
    k->has_events = ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_VCPU_EVENTS) > 0;
    k->has_xcrs = ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) > 0;

    k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
    if (k->vm_fd < 0) {
        snprintf(err, errlen, "KVM_CREATE_VM: %s", strerror(errno));
        goto fail;
    }
    /* Real mode on VT-x without unrestricted guest runs in vm86 mode with a TSS
     * and an identity-mapped page table that KVM keeps in guest memory: put them
     * just below the BIOS, out of every region (elsewhere this does nothing). */
    uint64_t idmap = KVM_IDMAP_ADDR;
    if (ioctl(k->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0 ||
        ioctl(k->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0)
        fprintf(stderr, "tandem: kvm: cannot place the real-mode TSS (%s): real mode may fail on "
                "VT-x without unrestricted guest\n", strerror(errno));

    k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0);
    if (k->vcpu_fd < 0) {
        snprintf(err, errlen, "KVM_CREATE_VCPU: %s", strerror(errno));
        goto fail;
    }
    int sz = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (sz < (int)sizeof(struct kvm_run)) {
        snprintf(err, errlen, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
        goto fail;
    }
    k->run_size = (size_t)sz;
    k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu_fd, 0);
    if (k->run == MAP_FAILED) {
        k->run = NULL;
        snprintf(err, errlen, "mmap of kvm_run: %s", strerror(errno));
        goto fail;
    }
    if (setup_cpuid(k, err, errlen) < 0)
        goto fail;
    setup_msr_filter(k, k->cpuid_exact);
    probe_msrs(k);
    struct kvm_device_attr ta = { .group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET };
    k->has_tsc_attr = ioctl(k->vcpu_fd, KVM_HAS_DEVICE_ATTR, &ta) == 0;
    if (ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_CONTROL) > 0)
        ioctl(k->vcpu_fd, KVM_SET_TSC_KHZ, 1000000);   /* 1 GHz, as the interpreter */

    /* The kick/deadline signal: its handler only sets immediate_exit. */
    if (!kvm_sig) {
        kvm_sig = SIGRTMIN + 4;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = sig_handler;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaction(kvm_sig, &sa, NULL);
    }
    if (!make_timer(k)) {
        snprintf(err, errlen, "timer_create: %s", strerror(errno));
        goto fail;
    }
    sync_slots(k);
    phys_add_listener(&m->mem, map_changed, k);
    /* Can the guest TSC be set?  (KVM-PVM runs RDTSC natively: no.) */
    set_tsc(k, 1ull << 50);
    uint64_t t = get_tsc(k);
    if (t < (1ull << 50) || t - (1ull << 50) > (1ull << 40))
        fprintf(stderr, "tandem: kvm: this KVM does not set the guest TSC (the guest reads the host's): "
                "no TSC continuity across backends\n");
    kvm_reset(k);
    return k;
fail:
    kvm_destroy(k);
    return NULL;
}

const AccelOps accel_kvm_ops = {
    .name = "kvm",
    .create = kvm_create,
    .destroy = kvm_destroy,
    .reset = kvm_reset,
    .run = kvm_run_cpu,
    .get_state = kvm_get_state,
    .set_state = kvm_set_state,
    .set_intr = kvm_set_intr,
    .nmi = kvm_nmi,
    .kick = kvm_kick,
    .virt_to_phys = kvm_virt_to_phys,
    .icount = kvm_icount,
    .set_debug = kvm_set_debug,
};

/* Whether KVM can run here: the host CPU has VT-x or AMD-V and /dev/kvm opens.
 * Gives the reason in why either way. */
bool accel_kvm_available(char *why, size_t len)
{
    bool hw = false;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[4096];
        while (!hw && fgets(line, sizeof line, f)) {
            if (strncmp(line, "flags", 5))
                continue;
            for (char *t = strtok(line, " \t\n"); t && !hw; t = strtok(NULL, " \t\n"))
                hw = !strcmp(t, "vmx") || !strcmp(t, "svm");
        }
        fclose(f);
    }
    if (!hw) {
        snprintf(why, len, "no VT-x/AMD-V on this host");
        return false;
    }
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, len, "/dev/kvm: %s", strerror(errno));
        return false;
    }
    close(fd);
    snprintf(why, len, "VT-x/AMD-V and /dev/kvm available");
    return true;
}
