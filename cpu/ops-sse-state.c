/* SSE state and ordering instructions of group 0F AE: FXSAVE/FXRSTOR
 * (legacy and REX.W forms), LDMXCSR/STMXCSR, LFENCE/MFENCE/SFENCE and
 * CLFLUSH; #XM delivery for the SIMD floating-point families.
 *
 * The image is built by fpu_to_fxsave() (cpu/fpu-state.c), whose layout is
 * the REX.W one with FCS/FDS parked in bytes 464-467.  The legacy form
 * stores 32-bit FIP/FDP with the selectors beside them (SDM vol. 1 table
 * 10-2), so the handlers convert between the two.  The processor never
 * writes bytes 464-511 (available to software), and XMM8-15 only in 64-bit
 * mode. */
#include "cpu/sse.h"
#include "cpu/paging.h"

void sse_raise_xm(Cpu *c)
{
    if (c->s.cr4 & CR4_OSXMMEXCPT)
        cpu_exception_noerr(c, EXC_XM);
    RAISE_UD(c);
}

/* FXSAVE/FXRSTOR: #NM when CR0.EM or CR0.TS (not #UD: they manage the x87). */
static void fx_check(Cpu *c)
{
    if (c->s.cr0 & (CR0_EM | CR0_TS))
        cpu_exception_noerr(c, EXC_NM);
}

/* Bytes of the image the instruction transfers. */
static unsigned fx_len(const Cpu *c) { return (c->hflags & HF_CS64) ? 416 : 288; }

static void legacy_pointers_out(uint8_t img[512])
{
    uint8_t cs[2], ds[2];
    memcpy(cs, img + 464, 2);
    memcpy(ds, img + 466, 2);
    memcpy(img + 12, cs, 2);          /* FIP[31:0] stays at 8 */
    memset(img + 14, 0, 2);
    memcpy(img + 20, ds, 2);          /* FDP[31:0] stays at 16 */
    memset(img + 22, 0, 2);
}

static void legacy_pointers_in(uint8_t img[512])
{
    memcpy(img + 464, img + 12, 2);
    memcpy(img + 466, img + 20, 2);
    memset(img + 12, 0, 4);
    memset(img + 20, 0, 4);
}

static bool fx_wide(const Cpu *c, const Insn *in)
{
    return (c->hflags & HF_CS64) && (in->pfx & PFX_REXW);
}

static INSN(fxsave)
{
    fx_check(cpu);
    uint8_t img[512];
    fpu_to_fxsave(&cpu->fpu, img);
    if (!fx_wide(cpu, in))
        legacy_pointers_out(img);
    unsigned n = fx_len(cpu);
    uint64_t lin = sse_lin(cpu, in, n, ACC_W, 16);
    /* Probe every quadword, then write: all or nothing. */
    for (unsigned i = 0; i < n; i += 8)
        mem_ref_lin(cpu, (lin + i) & cpu->lin_mask, 8, in->seg);
    for (unsigned i = 0; i < n; i += 8) {
        uint64_t v;
        memcpy(&v, img + i, 8);
        lin_write64(cpu, (lin + i) & cpu->lin_mask, v, in->seg);
    }
}

static INSN(fxrstor)
{
    fx_check(cpu);
    unsigned n = fx_len(cpu);
    uint64_t lin = sse_lin(cpu, in, n, ACC_R, 16);
    uint8_t img[512];
    fpu_to_fxsave(&cpu->fpu, img);      /* what the instruction does not load */
    for (unsigned i = 0; i < n; i += 8) {
        uint64_t v = lin_read64(cpu, (lin + i) & cpu->lin_mask, in->seg);
        memcpy(img + i, &v, 8);
    }
    uint32_t mx;
    memcpy(&mx, img + 24, 4);
    if (mx & ~MXCSR_MASK)
        RAISE_GP(cpu, 0);
    if (!fx_wide(cpu, in))
        legacy_pointers_in(img);
    fpu_from_fxsave(&cpu->fpu, img);
}

static INSN(ldmxcsr)
{
    sse_check(cpu);
    uint32_t v = ld32(cpu, in);
    if (v & ~MXCSR_MASK)
        RAISE_GP(cpu, 0);
    cpu->fpu.mxcsr = v;
}

static INSN(stmxcsr)
{
    sse_check(cpu);
    wr32(cpu, in->seg, insn_ea(cpu, in), cpu->fpu.mxcsr);
}

/* Fences order memory; this interpreter runs one CPU whose accesses are
 * already in program order. */
static INSN(fence) { (void)cpu; (void)in; }

/* CLFLUSH: no cache to flush, but the operand is checked as a byte read
 * (segment limit, page fault) without touching a device. */
static INSN(clflush)
{
    uint64_t lin = seg_lin(cpu, in->seg, insn_ea(cpu, in), 1, ACC_R);
    tlb_fill(cpu, lin, ACC_R, in->seg);
}

#define MEMF(f) { { 0 }, { f, f, f } }
#define REGF(f) { { f, f, f }, { 0 } }

const OpReg ops_sse_state[] = {
    { 0x0fae, 0, { MEMF(fxsave), 0 }, MP_NONE },
    { 0x0fae, 1, { MEMF(fxrstor), 0 }, MP_NONE },
    { 0x0fae, 2, { MEMF(ldmxcsr), 0 }, MP_NONE },
    { 0x0fae, 3, { MEMF(stmxcsr), 0 }, MP_NONE },
    { 0x0fae, 5, { REGF(fence), 0 }, MP_NONE },
    { 0x0fae, 6, { REGF(fence), 0 }, MP_NONE },
    { 0x0fae, 7, { { { fence, fence, fence }, { clflush, clflush, clflush } }, 0 }, MP_NONE },
    OPS_END,
};
