/* Table-driven x86 decoder.
 *
 * Instruction families (ops-*.c) register their opcodes in OpReg arrays; the
 * decoder builds its maps from them once.  An OpDesc gives the handlers for the
 * register and memory forms at each operand size, and flags that tell the
 * decoder which operands follow the opcode.  x87/SSE/long-mode opcodes slot in by
 * adding arrays to the list in decode-tables.c. */
#ifndef CPU_DECODE_H
#define CPU_DECODE_H

#include "cpu/cpu.h"

enum {
    OPF_MODRM = 1u << 0,     /* has a ModRM byte */
    OPF_BYTE = 1u << 1,      /* 8-bit operands: reg/rm are byte offsets into r[] */
    OPF_IMM8 = 1u << 2,      /* imm8, sign-extended to 64 bits */
    OPF_IMM8U = 1u << 3,     /* imm8, zero-extended */
    OPF_IMM16 = 1u << 4,     /* imm16 */
    OPF_IMMZ = 1u << 5,      /* imm16 or imm32 by operand size, sign-extended */
    OPF_IMMV = 1u << 6,      /* imm16/32/64 by operand size (MOV r, imm) */
    OPF_MOFFS = 1u << 7,     /* address-size offset in imm (MOV AL, [moffs]) */
    OPF_FARPTR = 1u << 8,    /* ptr16:16/32: imm = offset, imm2 = selector */
    OPF_REL8 = 1u << 9,      /* rel8 branch: imm = target RIP */
    OPF_RELZ = 1u << 10,     /* rel16/32 branch: imm = target RIP */
    OPF_END = 1u << 11,      /* ends the block (control transfer, mode change) */
    OPF_MEMONLY = 1u << 12,  /* register form is #UD */
    OPF_MODREG = 1u << 13,   /* ModRM is always a register form (MOV CRn) */
    OPF_DEF64 = 1u << 14,    /* operand size 64 by default in 64-bit mode */
    OPF_NO64 = 1u << 15,     /* #UD in 64-bit mode */
    OPF_LOCK = 1u << 16,     /* LOCK allowed (memory form only) */
    OPF_GROUP = 1u << 17,    /* ModRM.reg selects the instruction (groups) */
    OPF_ENTER = 1u << 18,    /* imm16 then imm8 (imm8 in imm2) */
    OPF_OPREG = 1u << 19,    /* register in the opcode's low 3 bits (+REX.B), into reg */
    OPF_F64 = 1u << 20,      /* operand size always 64 in 64-bit mode (near branches) */
    OPF_ONLY64 = 1u << 21,   /* #UD outside 64-bit mode */
    OPF_RMBYTE = 1u << 22,   /* rm (register form) is a byte register: MOVZX Gv, Eb */
};

typedef struct OpDesc {
    InsnFn fn[2][3];         /* [0 register form / 1 memory form][osize 16/32/64] */
    uint32_t flags;
} OpDesc;

/* Mandatory prefixes (SSE): an opcode registered with MP_NONE/MP_66/MP_F3/MP_F2
 * decodes differently by the last of 66/F3/F2 before it; such a 66 does not
 * change the operand size and such an F3/F2 is not a REP.  MP_ANY (the default)
 * ignores them.  A prefix variant that nothing registered is #UD. */
enum { MP_ANY = 0, MP_NONE = 1, MP_66 = 2, MP_F3 = 3, MP_F2 = 4, MP_COUNT = 5 };

/* Opcode numbering: 0x00-0xff one-byte map, 0x0f00|b two-byte map,
 * 0x0f3800|b and 0x0f3a00|b three-byte maps. */
typedef struct OpReg {
    uint32_t op;
    int8_t ext;              /* group member: ModRM.reg; -1 when not a group */
    OpDesc d;
    uint8_t mp;              /* MP_*: mandatory prefix (0 = any) */
} OpReg;

#define OPS_END { 0xffffffffu, -1, { { { 0 } }, 0 }, 0 }

/* Helpers to fill OpDesc handler arrays from a family name:
 *   OPB(name)  byte op:   name_r8 (register form), name_m8 (memory form)
 *   OPV(name)  word op:   name_r16/_r32/_r64, name_m16/_m32/_m64
 *   OPVR(name) word op, no memory form (name_r16/_r32/_r64)
 *   OPX(fn)    one handler for every form and size */
#define OPB(n) { { n##_r8, n##_r8, n##_r8 }, { n##_m8, n##_m8, n##_m8 } }
#define OPV(n) { { n##_r16, n##_r32, n##_r64 }, { n##_m16, n##_m32, n##_m64 } }
#define OPVR(n) { { n##_r16, n##_r32, n##_r64 }, { NULL, NULL, NULL } }
#define OPX(f) { { f, f, f }, { f, f, f } }

#define INSN(name) void name(Cpu *cpu, const Insn *in)

/* Registration lists (one per family file), gathered in decode-tables.c. */
extern const OpReg *const op_families[];

/* Handler for invalid opcodes: raises #UD. */
INSN(op_ud);

typedef struct DecodeCtx {
    uint64_t rip;            /* RIP of the instruction */
    uint16_t ofs;            /* its offset from the block's RIP */
    uint32_t hflags;
} DecodeCtx;

enum { DECODE_OK = 0, DECODE_NEED_MORE = -1, DECODE_TOO_LONG = -2 };

void decode_init(void);
/* Decodes one instruction from bytes[0..avail).  Returns DECODE_OK, or
 * DECODE_NEED_MORE if it runs past avail (avail < 15), or DECODE_TOO_LONG (#GP). */
int decode_insn(const DecodeCtx *ctx, const uint8_t *bytes, unsigned avail, Insn *in,
                uint32_t *flags_out);

#endif
