/* Port I/O: IN/OUT with immediate and DX ports, with the protected-mode I/O
 * permission check (CPL > IOPL or virtual-8086 mode consults the TSS bitmap). */
#include "cpu/ops-common.h"
#include "cpu/paging.h"

/* #GP(0) unless the current privilege allows access to [port, port+size). */
void io_check(Cpu *c, uint16_t port, unsigned size)
{
    if (!(c->hflags & HF_PE))
        return;
    unsigned iopl = (c->s.rflags >> 12) & 3;
    if (!(c->hflags & HF_VM) && cpu_cpl(c) <= iopl)
        return;
    SegCache *tr = &c->s.tr;
    unsigned type = tr->attr & SA_TYPE;
    /* Only a 32-bit TSS (available 9 / busy 11) has an I/O bitmap. */
    if (!(tr->attr & SA_P) || (type != 9 && type != 11) || tr->limit < 0x67)
        RAISE_GP(c, 0);
    uint32_t base = (uint16_t)sys_read(c, tr->base + 0x66, 2);
    uint32_t off = base + port / 8;
    if ((uint64_t)off + 1 > tr->limit)
        RAISE_GP(c, 0);
    uint32_t bits = (uint32_t)sys_read(c, tr->base + off, 2);
    uint32_t mask = ((1u << size) - 1) << (port & 7);
    if (bits & mask)
        RAISE_GP(c, 0);
}

static uint32_t port_in(Cpu *c, uint16_t port, unsigned size)
{
    io_check(c, port, size);
    uint32_t v = io_read(c->env.io, port, size);
    cpu_after_io(c);
    return v;
}

static void port_out(Cpu *c, uint16_t port, uint32_t v, unsigned size)
{
    io_check(c, port, size);
    io_write(c->env.io, port, v, size);
    cpu_after_io(c);
}

static INSN(in_al_imm) { set_R8(cpu, 0, (uint8_t)port_in(cpu, (uint8_t)in->imm, 1)); }
static INSN(in_al_dx) { (void)in; set_R8(cpu, 0, (uint8_t)port_in(cpu, R16(cpu, R_EDX), 1)); }
static INSN(out_imm_al) { port_out(cpu, (uint8_t)in->imm, R8(cpu, 0), 1); }
static INSN(out_dx_al) { (void)in; port_out(cpu, R16(cpu, R_EDX), R8(cpu, 0), 1); }

static INSN(in_ax_imm_r16) { set_R16(cpu, 0, (uint16_t)port_in(cpu, (uint8_t)in->imm, 2)); }
static INSN(in_ax_imm_r32) { set_R32(cpu, 0, port_in(cpu, (uint8_t)in->imm, 4)); }
static INSN(in_ax_dx_r16) { (void)in; set_R16(cpu, 0, (uint16_t)port_in(cpu, R16(cpu, R_EDX), 2)); }
static INSN(in_ax_dx_r32) { (void)in; set_R32(cpu, 0, port_in(cpu, R16(cpu, R_EDX), 4)); }
static INSN(out_imm_ax_r16) { port_out(cpu, (uint8_t)in->imm, R16(cpu, 0), 2); }
static INSN(out_imm_ax_r32) { port_out(cpu, (uint8_t)in->imm, R32(cpu, 0), 4); }
static INSN(out_dx_ax_r16) { (void)in; port_out(cpu, R16(cpu, R_EDX), R16(cpu, 0), 2); }
static INSN(out_dx_ax_r32) { (void)in; port_out(cpu, R16(cpu, R_EDX), R32(cpu, 0), 4); }

const OpReg ops_io[] = {
    { 0xe4, -1, { OPX(in_al_imm), OPF_IMM8U } },
    { 0xe5, -1, { { { in_ax_imm_r16, in_ax_imm_r32, in_ax_imm_r32 } }, OPF_IMM8U } },
    { 0xe6, -1, { OPX(out_imm_al), OPF_IMM8U } },
    { 0xe7, -1, { { { out_imm_ax_r16, out_imm_ax_r32, out_imm_ax_r32 } }, OPF_IMM8U } },
    { 0xec, -1, { OPX(in_al_dx), 0 } },
    { 0xed, -1, { { { in_ax_dx_r16, in_ax_dx_r32, in_ax_dx_r32 } }, 0 } },
    { 0xee, -1, { OPX(out_dx_al), 0 } },
    { 0xef, -1, { { { out_dx_ax_r16, out_dx_ax_r32, out_dx_ax_r32 } }, 0 } },
    OPS_END,
};
