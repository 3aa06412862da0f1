/* Paging and the soft TLB: 2-level walks with 4 KiB and 4 MiB pages, PAE with
 * NX, accessed/dirty bits, #PF error codes and CR2, CR0.WP, user/supervisor,
 * page-crossing accesses, TLB caching, INVLPG and global pages. */
#include <setjmp.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/paging.h"
#include "tests/unit/test.h"

static PhysMem pm;
static IoSpace io;
static Cpu *cpu;

static void pwr32(uint64_t pa, uint32_t v) { phys_write(&pm, pa, v, 4); }
static uint32_t rd32p(uint64_t pa) { return (uint32_t)phys_read(&pm, pa, 4); }
static void pwr64(uint64_t pa, uint64_t v) { phys_write(&pm, pa, v, 8); }
static uint64_t rd64p(uint64_t pa) { return phys_read(&pm, pa, 8); }

/* One access through the TLB fast/slow paths; returns -1 on success or the
 * exception vector (the CPU's fault path longjmps back here). */
static int acc_r(uint64_t lin, unsigned size, uint64_t *out)
{
    if (setjmp(cpu->jb))
        return cpu->exc_vector;
    switch (size) {
    case 1: *out = lin_read8(cpu, lin, SEG_DS); break;
    case 4: *out = lin_read32(cpu, lin, SEG_DS); break;
    default: *out = lin_read64(cpu, lin, SEG_DS); break;
    }
    return -1;
}

static int acc_w(uint64_t lin, unsigned size, uint64_t v)
{
    if (setjmp(cpu->jb))
        return cpu->exc_vector;
    switch (size) {
    case 1: lin_write8(cpu, lin, (uint8_t)v, SEG_DS); break;
    case 4: lin_write32(cpu, lin, (uint32_t)v, SEG_DS); break;
    default: lin_write64(cpu, lin, v, SEG_DS); break;
    }
    return -1;
}

static void set_paging(uint64_t cr0_extra, uint64_t cr4, uint64_t cr3, uint64_t efer)
{
    CpuState s;
    cpu_get_state(cpu, &s);
    s.cr0 = CR0_PE | CR0_PG | cr0_extra;
    s.cr4 = cr4;
    s.cr3 = cr3;
    s.efer = efer;
    for (int i = 0; i < SEG_COUNT; i++) {
        s.seg[i].base = 0;
        s.seg[i].limit = 0xffffffff;
        s.seg[i].attr = (i == SEG_CS ? 0x9b : 0x93) | SA_DB | SA_G;
        s.seg[i].sel = i == SEG_CS ? 8 : 16;
    }
    cpu_set_state(cpu, &s);
}

static void test_two_level(void)
{
    const uint64_t pd = 0x10000, pt = 0x11000;
    memset(pm.ram + pd, 0, 8192);
    pwr32(pd + 1 * 4, pt | 0x7);                      /* PDE for 0x400000: P W U */
    pwr32(pt + 0 * 4, 0x200000 | 0x7);                /* 0x400000 -> 0x200000 */
    pwr32(pt + 1 * 4, 0x205000 | 0x5);                /* 0x401000 -> 0x205000 read-only */
    pwr32(pt + 2 * 4, 0x206000 | 0x3);                /* 0x402000 supervisor only */
    pwr32(pt + 4 * 4, 0x208000 | 0x7);                /* 0x404000 -> 0x208000 */
    pwr32(pt + 5 * 4, 0x20a000 | 0x7);                /* 0x405000 -> 0x20a000 (not contiguous) */
    set_paging(0, 0, pd, 0);

    pwr32(0x200010, 0xcafef00d);
    uint64_t v = 0;
    CHECK_EQ(acc_r(0x400010, 4, &v), -1);
    CHECK_EQ(v, 0xcafef00d);
    CHECK(rd32p(pd + 4) & 0x20);                     /* PDE accessed */
    CHECK(rd32p(pt) & 0x20);                         /* PTE accessed */
    CHECK(!(rd32p(pt) & 0x40));                      /* not dirty after a read */
    CHECK_EQ(acc_w(0x400020, 4, 0x12345678), -1);
    CHECK(rd32p(pt) & 0x40);                         /* dirty after the write */
    CHECK_EQ(rd32p(0x200020), 0x12345678);

    /* not present: #PF with P=0, W per access, CR2 = address */
    CHECK_EQ(acc_r(0x403000, 4, &v), EXC_PF);
    CHECK_EQ(cpu->exc_err, 0);
    CHECK_EQ(cpu->s.cr2, 0x403000);
    CHECK_EQ(acc_w(0x403004, 1, 1), EXC_PF);
    CHECK_EQ(cpu->exc_err, 2);
    CHECK_EQ(cpu->s.cr2, 0x403004);
    CHECK_EQ(acc_r(0x800000, 4, &v), EXC_PF);   /* PDE not present */

    /* read-only: supervisor write allowed with WP=0, faults with WP=1 */
    CHECK_EQ(acc_w(0x401000, 4, 1), -1);
    set_paging(CR0_WP, 0, pd, 0);
    CHECK_EQ(acc_w(0x401000, 4, 2), EXC_PF);
    CHECK_EQ(cpu->exc_err, 3);
    CHECK_EQ(rd32p(0x205000), 1);

    /* user accesses */
    cpu_set_mmu(cpu, 1);
    CHECK_EQ(acc_r(0x402000, 4, &v), EXC_PF);
    CHECK_EQ(cpu->exc_err, 5);                       /* P U, read */
    cpu_set_mmu(cpu, 1);
    CHECK_EQ(acc_w(0x401000, 4, 3), EXC_PF);
    CHECK_EQ(cpu->exc_err, 7);                       /* P W U */
    cpu_set_mmu(cpu, 1);
    CHECK_EQ(acc_r(0x400020, 4, &v), -1);
    CHECK_EQ(v, 0x12345678);
    cpu_set_mmu(cpu, 0);

    /* a dword crossing into a page mapped elsewhere */
    pwr32(0x208ffc, 0x44332211);
    pwr32(0x20a000, 0x88776655);
    uint64_t q = 0;
    CHECK_EQ(acc_r(0x404ffc, 8, &q), -1);
    CHECK_EQ(q, 0x8877665544332211ull);
    CHECK_EQ(acc_w(0x404ffe, 4, 0xa1b2c3d4), -1);
    CHECK_EQ(rd32p(0x208ffc), 0xc3d42211);
    CHECK_EQ(rd32p(0x20a000) & 0xffff, 0xa1b2);
    /* crossing into a not-present page: nothing written, CR2 in the second page */
    pwr32(pt + 6 * 4, 0);
    pwr32(0x20affc, 0);
    CHECK_EQ(acc_w(0x405ffe, 4, 0xffffffff), EXC_PF);
    CHECK_EQ(cpu->s.cr2, 0x406000);
    CHECK_EQ(rd32p(0x20affc), 0);

    /* the TLB caches translations until INVLPG or a CR3 reload */
    pwr32(0x209000, 0xbbbbbbbb);
    CHECK_EQ(acc_r(0x400000, 4, &v), -1);
    pwr32(pt, 0x209000 | 0x67);
    CHECK_EQ(acc_r(0x400000, 4, &v), -1);
    CHECK(v != 0xbbbbbbbb);                          /* stale entry still used */
    tlb_flush_page(cpu, 0x400000);
    CHECK_EQ(acc_r(0x400000, 4, &v), -1);
    CHECK_EQ(v, 0xbbbbbbbb);

    /* global pages survive a non-global flush when CR4.PGE is set */
    set_paging(CR0_WP, CR4_PGE, pd, 0);
    pwr32(pt + 4 * 4, 0x208000 | 0x107);              /* G */
    pwr32(0x208000, 0x11111111);
    CHECK_EQ(acc_r(0x404000, 4, &v), -1);
    CHECK_EQ(v, 0x11111111);
    pwr32(pt + 4 * 4, 0x209000 | 0x107);
    tlb_flush(cpu, false);
    CHECK_EQ(acc_r(0x404000, 4, &v), -1);
    CHECK_EQ(v, 0x11111111);
    tlb_flush(cpu, true);
    CHECK_EQ(acc_r(0x404000, 4, &v), -1);
    CHECK_EQ(v, 0xbbbbbbbb);

    /* 4 MiB pages with CR4.PSE; without PSE the PS bit is ignored */
    pwr32(pd + 2 * 4, 0x00c00000 | 0x87);             /* 0x800000 -> 0xc00000, 4 MiB */
    pwr32(0xc12344, 0x5a5a5a5a);
    set_paging(0, CR4_PSE, pd, 0);
    CHECK_EQ(acc_r(0x812344, 4, &v), -1);
    CHECK_EQ(v, 0x5a5a5a5a);
    CHECK(rd32p(pd + 8) & 0x20);
    CHECK_EQ(acc_w(0x812345, 1, 0x77), -1);
    CHECK(rd32p(pd + 8) & 0x40);                     /* dirty in the PDE */
    /* INVLPG of any address inside a large page drops it */
    pwr32(pd + 2 * 4, 0x01000000 | 0x87);
    tlb_flush_page(cpu, 0x9ff000);
    CHECK_EQ(acc_r(0x812344, 4, &v), -1);
    CHECK_EQ(v, rd32p(0x1012344));
}

static void test_pae_nx(void)
{
    const uint64_t pdpt = 0x20000, pd = 0x21000, pt = 0x22000;
    memset(pm.ram + pdpt, 0, 3 * 4096);
    pwr64(pdpt, pd | 1);
    pwr64(pd + 2 * 8, pt | 0x7);                      /* 0x400000 */
    pwr64(pt, 0x300000 | 0x7 | (1ull << 63));         /* NX */
    pwr64(pt + 8, 0x301000 | 0x7);
    pwr64(pd + 8, 0x600000 | 0x87);                   /* 2 MiB page at 0x200000 */
    set_paging(0, CR4_PAE, pdpt, EFER_NXE);
    pwr32(0x300000, 0x1234);
    uint64_t v = 0;
    CHECK_EQ(acc_r(0x400000, 4, &v), -1);
    CHECK_EQ(v, 0x1234);
    CHECK(rd64p(pt) & 0x20);
    Walk w;
    CHECK_EQ(paging_walk(cpu, 0x400000, ACC_X, false, false, &w), 0x11);   /* P, I/D */
    CHECK_EQ(paging_walk(cpu, 0x401000, ACC_X, false, false, &w), -1);
    CHECK_EQ(w.phys, 0x301000);
    CHECK_EQ(paging_walk(cpu, 0x2abcde, ACC_R, false, false, &w), -1);
    CHECK_EQ(w.phys, 0x6ab000);
    CHECK_EQ(w.page_mask, 0x1fffff);
    /* the NX bit is reserved when EFER.NXE is clear */
    set_paging(0, CR4_PAE, pdpt, 0);
    CHECK_EQ(paging_walk(cpu, 0x400000, ACC_R, false, false, &w), 0x9);    /* P, RSVD */
    /* debugger translation has no side effects */
    pwr64(pt + 8, 0x301000 | 0x7);
    uint64_t pa;
    CHECK(cpu_virt_to_phys(cpu, 0x401234, &pa));
    CHECK_EQ(pa, 0x301234);
    CHECK(!(rd64p(pt + 8) & 0x20));
    CHECK(!cpu_virt_to_phys(cpu, 0x40000000, &pa));
}

int main(void)
{
    phys_init(&pm);
    io_init(&io);
    phys_alloc_ram(&pm, 64 << 20, 0xe0000000);
    CpuEnv env = { .mem = &pm, .io = &io };
    cpu = cpu_new(&env);
    test_two_level();
    test_pae_nx();
    cpu_free(cpu);
    phys_destroy(&pm);
    return test_main_result("test-tlb");
}
