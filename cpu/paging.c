/* Linear-to-physical translation: page walks (none, 2-level 32-bit with PSE,
 * PAE, 4-level long mode), the soft TLB fill and the slow paths of memory access
 * (page-crossing, MMIO, ROM, pages holding decoded code, data breakpoints). */
#include <string.h>

#include "cpu/exec.h"
#include "cpu/paging.h"
#include "system/log.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)

#define MAXPHYADDR 40
#define PHYS_ADDR_MASK (((1ull << MAXPHYADDR) - 1) & ~0xfffull)

static uint64_t pt_read(Cpu *c, uint64_t pa, bool wide)
{
    const uint8_t *p = phys_ram_ptr(c->env.mem, pa, 8);
    if (likely(p)) {
        uint64_t v = 0;
        memcpy(&v, p, wide ? 8 : 4);   /* little-endian host */
        return v;
    }
    return phys_read(c->env.mem, pa & c->env.mem->a20_mask, wide ? 8 : 4);
}

static void pt_set_bits(Cpu *c, uint64_t pa, uint64_t old, uint64_t bits, bool wide)
{
    if ((old & bits) != bits)
        phys_write(c->env.mem, pa & c->env.mem->a20_mask, old | bits, wide ? 8 : 4);
}

/* The walk: fills *w or returns the #PF error code (>= 0) on failure.
 * commit: set accessed/dirty bits (false for debugger look-ups). */
int paging_walk(Cpu *c, uint64_t lin, int acc, bool user, bool commit, Walk *w)
{
    uint64_t cr0 = c->s.cr0, cr4 = c->s.cr4;
    w->writable = w->user = w->dirty = true;
    w->nx = w->global = false;
    w->page_mask = 0xfff;
    if (!(cr0 & CR0_PG)) {
        w->phys = lin & 0xffffffffull & ~0xfffull;
        if (c->hflags & HF_LMA)
            w->phys = lin & ~0xfffull;
        return -1;
    }
    bool wide = cr4 & CR4_PAE;
    bool nxe = (c->s.efer & EFER_NXE) && wide;
    uint64_t rsvd_hi = wide ? (~((1ull << MAXPHYADDR) - 1) & ~PTE_NX) | (nxe ? 0 : PTE_NX) : 0;
    uint64_t ent_pa[4], ent[4];
    int levels, n = 0;
    uint64_t table, e = 0;
    int shift;
    uint32_t err_base = (acc == ACC_W ? 2 : 0) | (user ? 4 : 0) | ((acc == 2 && nxe) ? 16 : 0);

    if (c->hflags & HF_LMA) {
        levels = 4;
        shift = 39;
        table = c->s.cr3 & PHYS_ADDR_MASK;
    } else if (wide) {
        /* PAE: the PDPTE selected by bits 31:30. */
        uint64_t pa = (c->s.cr3 & 0xffffffe0ull) + ((lin >> 30) & 3) * 8;
        e = pt_read(c, pa, true);
        if (!(e & PTE_P))
            return err_base;
        if (e & (rsvd_hi | 0x1e6ull) & ~PTE_NX)
            return err_base | 8 | 1;
        table = e & PHYS_ADDR_MASK;
        levels = 2;
        shift = 21;
    } else {
        levels = 2;
        shift = 22;
        table = c->s.cr3 & 0xfffff000ull;
    }

    for (int lvl = levels; lvl > 0; lvl--, shift -= wide ? 9 : 10) {
        uint64_t idx = (lin >> shift) & (wide ? 0x1ff : 0x3ff);
        uint64_t pa = table + idx * (wide ? 8 : 4);
        e = pt_read(c, pa, wide);
        ent_pa[n] = pa;
        ent[n++] = e;
        if (!(e & PTE_P))
            return err_base;
        if (e & rsvd_hi)
            return err_base | 8 | 1;
        w->writable &= !!(e & PTE_W);
        w->user &= !!(e & PTE_U);
        if (e & PTE_NX)
            w->nx = nxe;
        bool leaf = lvl == 1;
        if (!leaf && (e & PTE_PS)) {
            if (c->hflags & HF_LMA && lvl == 4)
                return err_base | 8 | 1;           /* PS in a PML4E is reserved */
            if (wide || (cr4 & CR4_PSE)) {
                leaf = true;
                w->page_mask = (1ull << shift) - 1;
                if (!wide) {
                    /* 4 MiB page; PSE-36 puts physical bits 39:32 in bits 20:13. */
                    if (e & (1ull << 21))
                        return err_base | 8 | 1;
                    table = (e & 0xffc00000ull) | ((e >> 13) & 0xffull) << 32;
                } else {
                    uint64_t lowrsvd = ((1ull << shift) - 1) & ~0x1fffull;
                    if (e & lowrsvd)
                        return err_base | 8 | 1;
                    table = e & PHYS_ADDR_MASK & ~((1ull << shift) - 1);
                }
                w->global = (e & PTE_G) && (cr4 & CR4_PGE);
                break;
            }
        }
        if (leaf) {
            w->global = (e & PTE_G) && (cr4 & CR4_PGE);
            table = wide ? (e & PHYS_ADDR_MASK) : (e & 0xfffff000ull);
            break;
        }
        table = wide ? (e & PHYS_ADDR_MASK) : (e & 0xfffff000ull);
    }

    /* Permissions */
    bool wp = cr0 & CR0_WP;
    if (user && !w->user)
        return err_base | 1;
    if (acc == ACC_W && !w->writable && (user || wp))
        return err_base | 1;
    if (acc == 2 && w->nx)
        return err_base | 1;

    if (commit) {
        for (int i = 0; i < n; i++) {
            uint64_t bits = PTE_A;
            if (i == n - 1 && acc == ACC_W)
                bits |= PTE_D;
            pt_set_bits(c, ent_pa[i], ent[i], bits, wide);
        }
    }
    w->dirty = (e & PTE_D) || acc == ACC_W;
    w->phys = (table & ~w->page_mask) | (lin & w->page_mask & ~0xfffull);
    return -1;
}

__attribute__((noreturn)) static void raise_pf(Cpu *c, uint64_t lin, uint32_t err)
{
    c->s.cr2 = lin;
    cpu_exception(c, EXC_PF, err);
}

static void check_canonical(Cpu *c, uint64_t lin, int seg)
{
    if ((c->hflags & HF_LMA) && !is_canonical(lin)) {
        if (seg == SEG_SS)
            cpu_exception(c, EXC_SS, 0);
        RAISE_GP(c, 0);
    }
}

/* Does an enabled DR0-3 data breakpoint cover part of the page? */
static bool page_watched(Cpu *c, uint64_t page)
{
    uint64_t dr7 = c->s.dr[7];
    for (int i = 0; i < 4; i++) {
        if (!((dr7 >> (i * 2)) & 3) || ((dr7 >> (16 + i * 4)) & 3) == 0)
            continue;
        if ((c->s.dr[i] & ~0xfffull) == page)
            return true;
    }
    return false;
}

void tlb_fill(Cpu *c, uint64_t lin, int acc, int seg)
{
    check_canonical(c, lin, seg);
    Walk w;
    int err = paging_walk(c, lin, acc, c->mmu_idx == 1, true, &w);
    if (err >= 0)
        raise_pf(c, lin, (uint32_t)err);
    uint64_t page = lin & ~0xfffull;
    uint64_t phys = w.phys & c->env.mem->a20_mask;
    TlbEntry *e = tlb_entry(c, lin);
    uint8_t *host = phys_ram_ptr(c->env.mem, phys, 4096);
    MemRegion *r = NULL;
    if (!host) {
        host = phys_host_ptr(c->env.mem, phys, 4096, false);
        r = host ? phys_lookup(c->env.mem, phys) : NULL;
    }
    bool can_write = w.dirty && (w.writable || (c->mmu_idx == 0 && !(c->s.cr0 & CR0_WP)));
    uint64_t flags = 0;
    if (!host)
        flags |= TLB_MMIO;
    if (page_watched(c, page))
        flags |= TLB_WATCH;
    e->tag_r = page | flags;
    e->tag_w = can_write ? page | flags : TLB_INVALID;
    if (can_write) {
        if (r && r->kind == REGION_ROM)
            e->tag_w |= TLB_ROM;
        else if (host && code_page_has_code(c, phys))
            e->tag_w |= TLB_CODE;
    }
    e->addend = host ? (uintptr_t)host - (uintptr_t)page : 0;
    e->paddr = phys | (w.global ? TLB_GLOBAL : 0) | (w.page_mask > 0xfff ? TLB_LARGE : 0);
    if (w.page_mask > 0xfff)
        c->tlb_has_large = true;
}

void tlb_flush(Cpu *c, bool include_global)
{
    for (int m = 0; m < 2; m++)
        for (int i = 0; i < TLB_SIZE; i++) {
            TlbEntry *e = &c->tlb[m][i];
            if (include_global || !(e->paddr & TLB_GLOBAL)) {
                e->tag_r = e->tag_w = TLB_INVALID;
                e->paddr = 0;
            }
        }
    if (include_global)
        c->tlb_has_large = false;
    jc_flush(c);
}

void tlb_flush_page(Cpu *c, uint64_t lin)
{
    uint64_t page = lin & ~0xfffull;
    for (int m = 0; m < 2; m++) {
        TlbEntry *e = &c->tlb[m][(lin >> 12) & (TLB_SIZE - 1)];
        if (((e->tag_r & ~(uint64_t)TLB_FLAGS) == page && !(e->tag_r & TLB_INVALID)) ||
            ((e->tag_w & ~(uint64_t)TLB_FLAGS) == page && !(e->tag_w & TLB_INVALID))) {
            e->tag_r = e->tag_w = TLB_INVALID;
            e->paddr = 0;
        }
    }
    if (c->tlb_has_large) {
        /* Entries filled from a large page covering lin go too (up to 1 GiB). */
        for (int m = 0; m < 2; m++)
            for (int i = 0; i < TLB_SIZE; i++) {
                TlbEntry *e = &c->tlb[m][i];
                uint64_t t = e->tag_r & ~(uint64_t)TLB_FLAGS;
                if ((e->paddr & TLB_LARGE) && ((t ^ lin) >> 30) == 0) {
                    e->tag_r = e->tag_w = TLB_INVALID;
                    e->paddr = 0;
                }
            }
        jc_flush(c);
    } else {
        jc_flush_page(c, lin);
    }
}

/* The entry for lin, filled for acc if it does not already allow it. */
static TlbEntry *tlb_get(Cpu *c, uint64_t lin, int acc, int seg)
{
    TlbEntry *e = tlb_entry(c, lin);
    uint64_t page = lin & ~0xfffull;
    uint64_t tag = acc == ACC_W ? e->tag_w : e->tag_r;
    if ((tag & ~(uint64_t)TLB_FLAGS) != page || (tag & TLB_INVALID))
        tlb_fill(c, lin, acc, seg);
    return e;
}

static void after_io(Cpu *c)
{
    uint32_t ev = c->events;
    if ((ev & (EV_NMI | EV_EXIT)) || ((ev & EV_INTR) && (c->s.rflags & F_IF)))
        cpu_stop_after_current(c);
}

void cpu_after_io(Cpu *c)
{
    after_io(c);
}

static bool crosses(const Cpu *c, uint64_t lin, unsigned size)
{
    return (lin & 0xfff) + size > 0x1000;
}

/* First byte of the second page of a page-crossing access. */
static uint64_t second_page(const Cpu *c, uint64_t lin, unsigned size)
{
    return ((lin + size - 1) & ~0xfffull) & c->lin_mask;
}

static uint64_t read_in_page(Cpu *c, uint64_t lin, unsigned size, int seg)
{
    TlbEntry *e = tlb_get(c, lin, ACC_R, seg);
    if (e->tag_r & TLB_WATCH)
        debug_check_watch(c, lin, size, false);
    if (e->tag_r & TLB_MMIO) {
        uint64_t pa = (e->paddr & ~(uint64_t)TLB_FLAGS) | (lin & 0xfff);
        uint64_t v = phys_read(c->env.mem, pa, size);
        after_io(c);
        return v;
    }
    uint64_t v = 0;
    memcpy(&v, (void *)(uintptr_t)(lin + e->addend), size);
    return v;
}

uint64_t mem_read_slow(Cpu *c, uint64_t lin, unsigned size, int seg)
{
    if (likely(!crosses(c, lin, size)))
        return read_in_page(c, lin, size, seg);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= read_in_page(c, (lin + i) & c->lin_mask, 1, seg) << (8 * i);
    return v;
}

static void write_in_page(Cpu *c, uint64_t lin, uint64_t val, unsigned size, int seg)
{
    TlbEntry *e = tlb_get(c, lin, ACC_W, seg);
    uint64_t tag = e->tag_w;
    uint64_t pa = (e->paddr & ~(uint64_t)TLB_FLAGS) | (lin & 0xfff);
    if (tag & TLB_WATCH)
        debug_check_watch(c, lin, size, true);
    if (tag & TLB_MMIO) {
        phys_write(c->env.mem, pa, val, size);
        after_io(c);
        return;
    }
    if (tag & TLB_ROM) {
        guest_error("cpu: write to ROM at 0x%llx ignored\n", (unsigned long long)pa);
        return;
    }
    if (tag & TLB_CODE) {
        code_write_hit(c, pa, size);
        if (!code_page_has_code(c, pa))
            e->tag_w &= ~(uint64_t)TLB_CODE;
    }
    memcpy((void *)(uintptr_t)(lin + e->addend), &val, size);
}

void mem_write_slow(Cpu *c, uint64_t lin, uint64_t val, unsigned size, int seg)
{
    if (likely(!crosses(c, lin, size))) {
        write_in_page(c, lin, val, size, seg);
        return;
    }
    /* Both pages must be writable before any byte is written; a fault on the
     * second reports its first byte in CR2. */
    tlb_get(c, lin, ACC_W, seg);
    tlb_get(c, second_page(c, lin, size), ACC_W, seg);
    for (unsigned i = 0; i < size; i++)
        write_in_page(c, (lin + i) & c->lin_mask, (val >> (8 * i)) & 0xff, 1, seg);
}

void *mem_probe_write_slow(Cpu *c, uint64_t lin, unsigned size, int seg)
{
    if (crosses(c, lin, size)) {
        tlb_get(c, lin, ACC_W, seg);
        tlb_get(c, second_page(c, lin, size), ACC_W, seg);
        return NULL;
    }
    TlbEntry *e = tlb_get(c, lin, ACC_W, seg);
    if (e->tag_w == (lin & ~0xfffull))
        return (void *)(uintptr_t)(lin + e->addend);
    return NULL;
}

/* The slow paths of rd/wr/rd_reg_zx (cpu-inline.h): segment check, then the
 * access.  cold: the handlers' fast paths are laid out without them. */
__attribute__((cold)) uint64_t seg_read_slow(Cpu *c, int seg, uint64_t off, unsigned size)
{
    return mem_read_slow(c, seg_lin(c, seg, off, size, ACC_R), size, seg);
}

__attribute__((cold)) void seg_write_slow(Cpu *c, int seg, uint64_t off, uint64_t val, unsigned size)
{
    mem_write_slow(c, seg_lin(c, seg, off, size, ACC_W), val, size, seg);
}

__attribute__((cold)) void seg_read_reg_slow(Cpu *c, int seg, uint64_t off, unsigned size, unsigned reg)
{
    c->r[reg] = seg_read_slow(c, seg, off, size);
}

/* System accesses (descriptor tables, TSS, IDT) are supervisor accesses whatever
 * the CPL: run them with the supervisor TLB. */
uint64_t sys_read(Cpu *c, uint64_t lin, unsigned size)
{
    /* On a fault, cpu_exception() re-derives mmu_idx from the CPL. */
    uint8_t saved = c->mmu_idx;
    cpu_set_mmu(c, 0);
    uint64_t v = mem_read_slow(c, lin & c->lin_mask, size, -1);
    cpu_set_mmu(c, saved);
    return v;
}

void sys_write(Cpu *c, uint64_t lin, uint64_t val, unsigned size)
{
    uint8_t saved = c->mmu_idx;
    cpu_set_mmu(c, 0);
    mem_write_slow(c, lin & c->lin_mask, val, size, -1);
    cpu_set_mmu(c, saved);
}

void fetch_translate(Cpu *c, uint64_t lin, CodeFetch *cf)
{
    check_canonical(c, lin, SEG_CS);
    Walk w;
    int err = paging_walk(c, lin, 2, c->mmu_idx == 1, true, &w);
    if (err >= 0)
        raise_pf(c, lin, (uint32_t)err);
    cf->phys = w.phys & c->env.mem->a20_mask;
    cf->host = phys_host_ptr(c->env.mem, cf->phys, 4096, false);
    if (!cf->host)
        guest_error("cpu: executing from device memory at 0x%llx\n", (unsigned long long)cf->phys);
}

bool cpu_virt_to_phys(Cpu *c, uint64_t lin, uint64_t *phys)
{
    Walk w;
    if ((c->hflags & HF_LMA) && !is_canonical(lin))
        return false;
    if (paging_walk(c, lin, ACC_R, false, false, &w) >= 0)
        return false;
    *phys = ((w.phys | (lin & 0xfff)) & c->env.mem->a20_mask);
    return true;
}
