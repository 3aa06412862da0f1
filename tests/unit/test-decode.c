/* The decoder (cpu/decode.c): lengths, prefixes, ModRM/SIB/displacement forms
 * in 16- and 32-bit addressing, operand and address sizes, byte registers,
 * immediates, relative branch targets, and the #UD / too-long / need-more
 * cases.  Uses only opcodes of the core families (ALU, MOV, branches). */
#include <string.h>

#include "cpu/decode.h"
#include "tests/unit/test.h"

static Insn in;
static uint32_t fl;

/* Decodes hex bytes at rip in the given mode (16 or 32); returns the status. */
static int dec(int mode, uint64_t rip, const char *hex)
{
    uint8_t b[32];
    unsigned n = 0;
    while (hex[0] && hex[1] && n < sizeof b) {
        unsigned v;
        if (hex[0] == ' ') { hex++; continue; }
        sscanf(hex, "%2x", &v);
        b[n++] = (uint8_t)v;
        hex += 2;
    }
    DecodeCtx ctx = { rip, 0, mode == 32 ? (HF_CS32 | HF_SS32 | HF_PE) : 0 };
    return decode_insn(&ctx, b, n, &in, &fl);
}

static bool is_ud(void) { return in.fn == op_ud; }

int main(void)
{
    decode_init();

    /* ---- lengths and operand sizes ---- */
    CHECK_EQ(dec(32, 0, "01 d8"), DECODE_OK);            /* add eax, ebx */
    CHECK_EQ(in.len, 2);
    CHECK_EQ(in.osize, 1);
    CHECK_EQ(in.asize, 1);
    CHECK_EQ(in.rm, R_EAX);
    CHECK_EQ(in.reg, R_EBX);
    CHECK(!is_ud());
    CHECK_EQ(dec(32, 0, "66 01 d8"), DECODE_OK);         /* add ax, bx */
    CHECK_EQ(in.len, 3);
    CHECK_EQ(in.osize, 0);
    CHECK(in.pfx & PFX_OPSIZE);
    CHECK_EQ(dec(16, 0, "01 d8"), DECODE_OK);            /* 16-bit default */
    CHECK_EQ(in.osize, 0);
    CHECK_EQ(in.asize, 0);
    CHECK_EQ(dec(16, 0, "66 01 d8"), DECODE_OK);
    CHECK_EQ(in.osize, 1);
    CHECK_EQ(dec(16, 0, "67 01 18"), DECODE_OK);         /* add [eax], ebx: 32-bit addressing */
    CHECK_EQ(in.asize, 1);
    CHECK_EQ(in.base, R_EAX);

    /* ---- immediates ---- */
    CHECK_EQ(dec(32, 0, "05 78 56 34 12"), DECODE_OK);   /* add eax, imm32 */
    CHECK_EQ(in.len, 5);
    CHECK_EQ(in.imm, 0x12345678);
    CHECK_EQ(dec(32, 0, "66 05 34 12"), DECODE_OK);      /* add ax, imm16 */
    CHECK_EQ(in.len, 4);
    CHECK_EQ((uint16_t)in.imm, 0x1234);
    CHECK_EQ(dec(32, 0, "83 c0 ff"), DECODE_OK);         /* add eax, -1: imm8 sign-extended */
    CHECK_EQ(in.len, 3);
    CHECK_EQ((uint32_t)in.imm, 0xffffffffu);
    CHECK_EQ(dec(32, 0, "81 c0 00 00 00 80"), DECODE_OK);
    CHECK_EQ(in.len, 6);
    CHECK_EQ((uint32_t)in.imm, 0x80000000u);
    CHECK_EQ(dec(32, 0, "b8 ef be ad de"), DECODE_OK);   /* mov eax, imm32 */
    CHECK_EQ(in.len, 5);
    CHECK_EQ((uint32_t)in.imm, 0xdeadbeefu);
    CHECK_EQ(dec(16, 0, "b8 ef be"), DECODE_OK);         /* mov ax, imm16 */
    CHECK_EQ(in.len, 3);
    CHECK_EQ(dec(32, 0, "b4 7f"), DECODE_OK);            /* mov ah, 0x7f */
    CHECK_EQ(in.reg, 1);                                 /* AH: byte 1 of r[0] */
    CHECK_EQ(in.imm, 0x7f);
    CHECK_EQ(dec(32, 0, "c7 05 00 10 00 00 44 33 22 11"), DECODE_OK);   /* mov [0x1000], imm32 */
    CHECK_EQ(in.len, 10);
    CHECK_EQ(in.disp, 0x1000);
    CHECK_EQ((uint32_t)in.imm, 0x11223344u);
    CHECK_EQ(dec(32, 0, "a1 78 56 34 12"), DECODE_OK);   /* mov eax, [moffs32] */
    CHECK_EQ(in.len, 5);
    CHECK_EQ(in.imm, 0x12345678);
    CHECK_EQ(dec(32, 0, "67 a1 34 12"), DECODE_OK);      /* moffs16 with 67 */
    CHECK_EQ(in.len, 4);
    CHECK_EQ(in.imm, 0x1234);
    CHECK_EQ(dec(32, 0, "c2 08 00"), DECODE_OK);         /* ret 8 */
    CHECK_EQ(in.len, 3);
    CHECK_EQ(in.imm, 8);
    CHECK_EQ(dec(32, 0, "c2 00 80"), DECODE_OK);         /* imm16 is not sign-extended */
    CHECK_EQ(in.imm, 0x8000);

    /* ---- byte registers ---- */
    CHECK_EQ(dec(32, 0, "00 e3"), DECODE_OK);            /* add bl, ah */
    CHECK_EQ(in.rm, R_EBX * 8);
    CHECK_EQ(in.reg, 1);
    CHECK_EQ(dec(32, 0, "00 ff"), DECODE_OK);            /* add bh, bh */
    CHECK_EQ(in.rm, R_EBX * 8 + 1);
    CHECK_EQ(in.reg, R_EBX * 8 + 1);
    CHECK_EQ(dec(32, 0, "0f b6 c4"), DECODE_OK);         /* movzx eax, ah */
    CHECK_EQ(in.rm, 1);
    CHECK_EQ(in.reg, R_EAX);

    /* ---- 32-bit ModRM/SIB forms ---- */
    CHECK_EQ(dec(32, 0, "8b 00"), DECODE_OK);            /* mov eax, [eax] */
    CHECK_EQ(in.base, R_EAX);
    CHECK_EQ(in.index, R_ZERO);
    CHECK_EQ(in.seg, SEG_DS);
    CHECK_EQ(dec(32, 0, "8b 05 44 33 22 11"), DECODE_OK);   /* [disp32] */
    CHECK_EQ(in.base, R_ZERO);
    CHECK_EQ(in.disp, 0x11223344);
    CHECK_EQ(in.len, 6);
    CHECK_EQ(dec(32, 0, "8b 45 fc"), DECODE_OK);         /* [ebp-4]: SS */
    CHECK_EQ(in.base, R_EBP);
    CHECK_EQ(in.disp, -4);
    CHECK_EQ(in.seg, SEG_SS);
    CHECK_EQ(dec(32, 0, "8b 04 24"), DECODE_OK);         /* [esp]: SIB, SS */
    CHECK_EQ(in.len, 3);
    CHECK_EQ(in.base, R_ESP);
    CHECK_EQ(in.index, R_ZERO);
    CHECK_EQ(in.seg, SEG_SS);
    CHECK_EQ(dec(32, 0, "8b 44 8e 10"), DECODE_OK);      /* [esi+ecx*4+0x10] */
    CHECK_EQ(in.base, R_ESI);
    CHECK_EQ(in.index, R_ECX);
    CHECK_EQ(in.scale, 2);
    CHECK_EQ(in.disp, 0x10);
    CHECK_EQ(in.len, 4);
    CHECK_EQ(dec(32, 0, "8b 04 cd 00 01 00 00"), DECODE_OK);   /* [ecx*8+disp32], no base */
    CHECK_EQ(in.base, R_ZERO);
    CHECK_EQ(in.index, R_ECX);
    CHECK_EQ(in.scale, 3);
    CHECK_EQ(in.disp, 0x100);
    CHECK_EQ(in.len, 7);
    CHECK_EQ(dec(32, 0, "8b 84 65 00 00 00 80"), DECODE_OK);   /* [ebp+0*2+disp32]: base EBP */
    CHECK_EQ(in.base, R_EBP);
    CHECK_EQ(in.index, R_ZERO);                          /* index 4 = none */
    CHECK_EQ(in.disp, (int32_t)0x80000000u);
    CHECK_EQ(in.seg, SEG_SS);
    CHECK_EQ(dec(32, 0, "8b 5c 25 f0"), DECODE_OK);      /* [ebp+disp8] through a SIB */
    CHECK_EQ(in.base, R_EBP);
    CHECK_EQ(in.disp, -16);

    /* ---- 16-bit ModRM forms ---- */
    static const struct { const char *hex; uint8_t base, index; int32_t disp; uint8_t seg; uint8_t len; } m16[] = {
        { "8b 00", R_EBX, R_ESI, 0, SEG_DS, 2 },
        { "8b 01", R_EBX, R_EDI, 0, SEG_DS, 2 },
        { "8b 02", R_EBP, R_ESI, 0, SEG_SS, 2 },
        { "8b 03", R_EBP, R_EDI, 0, SEG_SS, 2 },
        { "8b 04", R_ZERO, R_ESI, 0, SEG_DS, 2 },
        { "8b 05", R_ZERO, R_EDI, 0, SEG_DS, 2 },
        { "8b 06 34 12", R_ZERO, R_ZERO, 0x1234, SEG_DS, 4 },
        { "8b 07", R_EBX, R_ZERO, 0, SEG_DS, 2 },
        { "8b 46 80", R_EBP, R_ZERO, -128, SEG_SS, 3 },
        { "8b 86 00 80", R_EBP, R_ZERO, -32768, SEG_SS, 4 },
        { "8b 47 7f", R_EBX, R_ZERO, 127, SEG_DS, 3 },
    };
    for (size_t i = 0; i < sizeof m16 / sizeof m16[0]; i++) {
        CHECK_EQ(dec(16, 0, m16[i].hex), DECODE_OK);
        CHECK_EQ(in.base, m16[i].base);
        CHECK_EQ(in.index, m16[i].index);
        CHECK_EQ(in.disp, m16[i].disp);
        CHECK_EQ(in.seg, m16[i].seg);
        CHECK_EQ(in.len, m16[i].len);
        CHECK_EQ(in.asize, 0);
    }
    /* 67 in 32-bit mode selects 16-bit addressing */
    CHECK_EQ(dec(32, 0, "67 8b 46 02"), DECODE_OK);
    CHECK_EQ(in.asize, 0);
    CHECK_EQ(in.base, R_EBP);
    CHECK_EQ(in.disp, 2);
    CHECK_EQ(in.len, 4);

    /* ---- segment overrides (the last one wins) ---- */
    static const struct { const char *hex; uint8_t seg; } so[] = {
        { "26 8b 00", SEG_ES }, { "2e 8b 00", SEG_CS }, { "36 8b 00", SEG_SS }, { "3e 8b 45 00", SEG_DS },
        { "64 8b 00", SEG_FS }, { "65 8b 00", SEG_GS }, { "26 64 8b 00", SEG_FS },
    };
    for (size_t i = 0; i < sizeof so / sizeof so[0]; i++) {
        CHECK_EQ(dec(32, 0, so[i].hex), DECODE_OK);
        CHECK_EQ(in.seg, so[i].seg);
        CHECK(in.pfx & PFX_SEG);
    }

    /* ---- relative branch targets ---- */
    CHECK_EQ(dec(32, 0x1000, "eb fe"), DECODE_OK);       /* jmp $ */
    CHECK_EQ(in.imm, 0x1000);
    CHECK_EQ(dec(32, 0x1000, "74 10"), DECODE_OK);       /* jz +0x10 */
    CHECK_EQ(in.imm, 0x1012);
    CHECK_EQ(dec(32, 0x1000, "e9 00 00 00 80"), DECODE_OK);
    CHECK_EQ(in.imm, 0x80001005u);
    CHECK_EQ(dec(32, 0x1000, "0f 85 fa ff ff ff"), DECODE_OK);   /* jnz -6: to itself */
    CHECK_EQ(in.imm, 0x1000);
    CHECK_EQ(dec(32, 0x1000, "66 e9 00 f0"), DECODE_OK); /* 16-bit operand size: IP wraps */
    CHECK_EQ(in.len, 4);
    CHECK_EQ(in.imm, (0x1004 + 0xf000) & 0xffff);
    CHECK_EQ(dec(16, 0xfff0, "eb 20"), DECODE_OK);       /* IP wraps at 64K */
    CHECK_EQ(in.imm, 0x0012);
    CHECK_EQ(dec(16, 0x100, "e8 00 01"), DECODE_OK);     /* call rel16 */
    CHECK_EQ(in.len, 3);
    CHECK_EQ(in.imm, 0x203);
    CHECK_EQ(dec(16, 0x100, "66 e8 00 00 01 00"), DECODE_OK);   /* rel32 in 16-bit code */
    CHECK_EQ(in.len, 6);
    CHECK_EQ(in.imm, 0x10106);
    CHECK_EQ(dec(32, 0xfffffff0u, "eb 7f"), DECODE_OK);  /* EIP wraps at 4G */
    CHECK_EQ(in.imm, (0xfffffff2u + 0x7f) & 0xffffffffu);
    CHECK_EQ(dec(32, 0x2000, "e2 fe"), DECODE_OK);       /* loop $ */
    CHECK_EQ(in.imm, 0x2000);
    CHECK_EQ(dec(32, 0x2000, "67 e3 05"), DECODE_OK);    /* jcxz: address size 16 */
    CHECK_EQ(in.asize, 0);
    CHECK_EQ(in.imm, 0x2008);

    /* ---- prefixes: REP/LOCK bookkeeping ---- */
    CHECK_EQ(dec(32, 0, "f3 f2 90"), DECODE_OK);         /* the last of F2/F3 wins */
    CHECK(in.pfx & PFX_REPNE);
    CHECK(!(in.pfx & PFX_REP));
    CHECK_EQ(in.len, 3);

    /* ---- #UD ---- */
    CHECK_EQ(dec(32, 0, "f0 01 c0"), DECODE_OK);         /* LOCK with a register destination */
    CHECK(is_ud());
    CHECK_EQ(dec(32, 0, "f0 01 00"), DECODE_OK);         /* LOCK ADD [eax], eax: valid */
    CHECK(!is_ud());
    CHECK(in.pfx & PFX_LOCK);
    CHECK_EQ(dec(32, 0, "f0 39 00"), DECODE_OK);         /* LOCK CMP: not lockable */
    CHECK(is_ud());
    CHECK_EQ(dec(32, 0, "f0 83 38 01"), DECODE_OK);      /* LOCK CMP m, imm */
    CHECK(is_ud());
    CHECK_EQ(dec(32, 0, "f0 8b 00"), DECODE_OK);         /* LOCK MOV */
    CHECK(is_ud());
    CHECK_EQ(dec(32, 0, "f0 87 00"), DECODE_OK);         /* LOCK XCHG m: valid */
    CHECK(!is_ud());
    CHECK_EQ(dec(32, 0, "f0 f7 18"), DECODE_OK);         /* LOCK NEG m: valid */
    CHECK(!is_ud());
    CHECK_EQ(dec(32, 0, "f0 f7 00 01 00 00 00"), DECODE_OK);   /* LOCK TEST m, imm */
    CHECK(is_ud());
    CHECK_EQ(dec(32, 0, "8d c0"), DECODE_OK);            /* LEA with a register operand */
    CHECK(is_ud());
    CHECK_EQ(in.len, 2);
    CHECK_EQ(dec(32, 0, "63 c0"), DECODE_OK);            /* MOVSXD outside 64-bit mode (ARPL's slot) */
    CHECK(in.fn != NULL);
    CHECK_EQ(dec(32, 0, "c6 c8 00"), DECODE_OK);         /* C6 /1: not MOV */
    CHECK(is_ud());
    CHECK_EQ(dec(32, 0, "fe d0"), DECODE_OK);            /* FE /2: only INC/DEC exist */
    CHECK(is_ud());
    CHECK_EQ(fl & OPF_END, OPF_END);                     /* #UD ends the block */

    /* ---- too long / need more ---- */
    CHECK_EQ(dec(32, 0, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 01 d8"), DECODE_TOO_LONG);
    CHECK_EQ(dec(32, 0, "66 66 66 66 66 66 66 66 66 66 66 66 66 01 d8"), DECODE_OK);   /* exactly 15 */
    CHECK_EQ(in.len, 15);
    CHECK_EQ(dec(32, 0, "81 c0 00 00"), DECODE_NEED_MORE);   /* truncated immediate */
    CHECK_EQ(dec(32, 0, "8b"), DECODE_NEED_MORE);        /* ModRM missing */
    CHECK_EQ(dec(32, 0, "0f"), DECODE_NEED_MORE);
    CHECK_EQ(dec(32, 0, "8b 84"), DECODE_NEED_MORE);     /* SIB missing */

    return test_main_result("test-decode");
}
