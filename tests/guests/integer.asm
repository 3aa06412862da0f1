; integer.asm - the integer instruction families (SDM vol. 2): shifts and
; rotates (count masking, count 0, RCL/RCR modulo 9/17), SHLD/SHRD,
; MUL/IMUL/DIV/IDIV (#DE before anything is written), DAA/DAS/AAA/AAS/AAM/AAD,
; BT/BTS/BTR/BTC (register offsets beyond the operand), BSF/BSR, BSWAP,
; SETcc/CMOVcc (memory source read even when false), CMPXCHG/XADD/CMPXCHG8B,
; string instructions (REP/REPE/REPNE, DF, overlapping copies, 16-bit address
; wrap, #PF in the middle of a REP and its restart, single-step per
; iteration, an instruction breakpoint on a long REP firing once, IRQ in the
; middle of a long REP, INS/OUTS), PUSH/POP forms
; (push esp, pop esp, pop [esp]), PUSHA/POPA, ENTER/LEAVE with nesting,
; XLAT, LAHF/SAHF, hint NOPs.  Expected values worked out from the SDM.
%define GUEST_MODE 32
%include "lib/common.inc"

PD          equ 0x20000
PT0         equ 0x21000         ; identity map 0-4 MiB
PT1         equ 0x22000         ; 4-8 MiB: test pages
PG_RW       equ 0x400000        ; present -> phys 0x200000
PG_NP       equ 0x401000        ; not present until the restart test maps it
PHYS_RW     equ 0x200000
PHYS_NP     equ 0x201000
SRC         equ 0x100000
DST         equ 0x110000
BUF         equ 0x120000
; variables of the custom handlers
DBCOUNT     equ 0x600
DBEIP       equ 0x604           ; 8 dwords
DBECX       equ 0x624           ; 8 dwords
IRQCOUNT    equ 0x650
MIDREP      equ 0x654
REPLOOPS    equ 0x658

%define PTE(lin) (PT1 + (((lin) >> 12) & 0x3FF) * 4)

; SETF value: load EFLAGS (arithmetic flags, DF) with value (IF=0, TF=0)
%macro SETF 1
    push dword ((%1) | 2)
    popfd
%endmacro

F_CF equ 0x001
F_PF equ 0x004
F_AF equ 0x010
F_ZF equ 0x040
F_SF equ 0x080
F_DF equ 0x400
F_OF equ 0x800
F_ALL equ 0x8D5
F_SZPC equ 0x0C5

section .text32
; ---------------------------------------------------------------- handlers
; #DB while single-stepping a REP: record EIP and ECX, stop at ..@db_stop.
db_handler:
    push eax
    mov eax, [DBCOUNT]
    cmp eax, 8
    jae .full
    push ebx
    mov ebx, [esp + 8]              ; saved EIP
    mov [DBEIP + eax*4], ebx
    mov [DBECX + eax*4], ecx
    pop ebx
.full:
    inc dword [DBCOUNT]
    cmp dword [esp + 4], ..@db_stop
    jne .go
    and dword [esp + 12], ~0x100    ; clear TF in the frame
.go:
    pop eax
    iretd

; IRQ0: count, note an interrupt taken in the middle of the long REP.
irq0_handler:
    inc dword [IRQCOUNT]
    cmp dword [esp], ..@irq_rep
    jne .eoi
    test ecx, ecx
    jz .eoi
    inc dword [MIDREP]
.eoi:
    push eax
    mov al, 0x20
    out 0x20, al
    pop eax
    iretd

main32:
    PRINTLN "# integer: shifts, mul/div, BCD, bit ops, cc, atomics, strings, stack"

; ================================================================ shifts
    mov eax, 0x80000001
    SETF 0
    shl eax, 1
    CHECK eax, 2, "shl eax,1: result"
    CHECKF F_ALL & ~F_AF, F_CF | F_OF, "shl eax,1 of 0x80000001: CF=1 OF=MSB^CF=1"
    mov eax, 0x40000000
    SETF F_CF
    shl eax, 1
    CHECKF F_ALL & ~F_AF, F_OF | F_SF | F_PF, "shl 0x40000000,1: CF=0 OF=1 SF=1 PF=1"
    mov eax, 0x12345678
    mov cl, 32
    SETF F_CF | F_ZF | F_OF | F_AF
    shl eax, cl
    CHECK eax, 0x12345678, "shl by CL=32 (masked to 0): no change"
    CHECKF F_ALL, F_CF | F_ZF | F_OF | F_AF, "shl by 0: flags unchanged"
    mov al, 0x81
    SETF 0
    sar al, 1
    CHECKM eax, 0xFF, 0xC0, "sar 0x81,1 = 0xC0"
    CHECKF F_ALL & ~F_AF, F_CF | F_SF | F_PF, "sar: CF=1 OF=0 SF=1 PF=1"
    mov al, 0x81
    shr al, 1
    CHECKM eax, 0xFF, 0x40, "shr 0x81,1 = 0x40"
    CHECKF F_ALL & ~F_AF, F_CF | F_OF, "shr 1: OF = MSB of the operand"
    mov ebx, 0xAAAA55FF
    mov cl, 9
    shl bl, cl
    CHECK ebx, 0xAAAA5500, "shl bl,9: 8-bit operand shifted out completely"
    CHECKF F_ZF | F_SF | F_PF, F_ZF | F_PF, "shl bl,9: ZF=1"
    mov edx, 0xF0000000
    sar edx, 28
    CHECK edx, 0xFFFFFFFF, "sar edx,28 sign-fills"
    mov ax, 0x8000
    mov cl, 0x2F                    ; masked to 15
    shr ax, cl
    CHECKM eax, 0xFFFF, 1, "shr ax,CL=0x2F: count masked to 15"
    ; rotates
    mov eax, 0x12345678
    SETF F_CF
    rol eax, 8
    CHECK eax, 0x34567812, "rol eax,8"
    CHECKF F_CF, 0, "rol: CF = LSB of the result"
    mov eax, 0x12345678
    ror eax, 4
    CHECK eax, 0x81234567, "ror eax,4"
    CHECKF F_CF, F_CF, "ror: CF = MSB of the result"
    mov al, 0x81
    SETF F_ZF | F_SF | F_PF | F_AF
    rol al, 8
    CHECKM eax, 0xFF, 0x81, "rol al,8: value unchanged"
    CHECKF F_CF | F_ZF | F_SF | F_PF | F_AF, F_CF | F_ZF | F_SF | F_PF | F_AF, "rol al,8: CF=LSB, SZAP kept"
    mov al, 0x81
    SETF 0
    rol al, 1
    CHECKM eax, 0xFF, 0x03, "rol 0x81,1 = 0x03"
    CHECKF F_CF | F_OF, F_CF | F_OF, "rol 1: CF=1 OF=MSB^CF=1"
    mov al, 0x81
    SETF 0
    ror al, 1
    CHECKM eax, 0xFF, 0xC0, "ror 0x81,1 = 0xC0"
    CHECKF F_CF | F_OF, F_CF, "ror 1: CF=1 OF=bit7^bit6=0"
    mov al, 0x80
    SETF F_CF
    rcl al, 1
    CHECKM eax, 0xFF, 0x01, "rcl 0x80,1 with CF=1 = 0x01"
    CHECKF F_CF | F_OF, F_CF | F_OF, "rcl 1: CF=old MSB, OF=MSB^CF"
    mov al, 0x55
    mov cl, 9
    SETF F_CF
    rcl al, cl
    CHECKM eax, 0xFF, 0x55, "rcl al,9: count mod 9 = 0, no change"
    CHECKF F_CF, F_CF, "rcl al,9: CF unchanged"
    mov al, 0x01
    mov cl, 10
    SETF F_CF
    rcl al, cl
    CHECKM eax, 0xFF, 0x03, "rcl al,10 = rcl al,1"
    CHECKF F_CF, 0, "rcl al,10: CF=0"
    mov ax, 0x8000
    mov cl, 17
    SETF 0
    rcl ax, cl
    CHECKM eax, 0xFFFF, 0x8000, "rcl ax,17: count mod 17 = 0"
    CHECKF F_CF, 0, "rcl ax,17: CF unchanged"
    mov ax, 0x0001
    SETF 0
    rcr ax, 1
    CHECKM eax, 0xFFFF, 0, "rcr ax,1 of 1 = 0"
    CHECKF F_CF | F_OF | F_ZF, F_CF, "rcr 1: CF=1 OF=0, ZF not affected"
    mov eax, 0x80000000
    SETF 0
    rcr eax, 31
    CHECK eax, 1, "rcr eax,31 (33-bit rotation)"
    CHECKF F_CF, 0, "rcr eax,31: CF=0"
    xor eax, eax
    mov cl, 33
    SETF F_CF
    rcl eax, cl
    CHECK eax, 1, "rcl eax,CL=33: masked to 1"
    CHECKF F_CF | F_OF, 0, "rcl eax,1 of 0 with CF=1: CF=0 OF=0"
    ; memory forms
    mov dword [BUF], 0x81000001
    SETF 0
    ror dword [BUF], 1
    CHECK [BUF], 0xC0800000, "ror dword [mem],1"
    mov byte [BUF], 0x40
    shl byte [BUF], 2
    CHECKM [BUF], 0xFF, 0, "shl byte [mem],2"
    CHECKF F_CF | F_ZF, F_CF | F_ZF, "shl byte [mem],2: CF = bit 6 (last out), ZF=1"
    ; SHLD/SHRD
    mov eax, 0x12345678
    mov edx, 0x9ABCDEF0
    SETF F_CF
    shld eax, edx, 8
    CHECK eax, 0x3456789A, "shld eax,edx,8"
    CHECKF F_CF | F_ZF | F_SF | F_PF, F_PF, "shld: CF=bit 24 of dest=0, PF"
    mov eax, 0x12345678
    shrd eax, edx, 12
    CHECK eax, 0xEF012345, "shrd eax,edx,12"
    CHECKF F_CF | F_ZF | F_SF, F_SF, "shrd: CF=bit 11=0, SF=1"
    mov ax, 0x1234
    mov dx, 0xABCD
    shld ax, dx, 4
    CHECKM eax, 0xFFFF, 0x234A, "shld ax,dx,4"
    CHECKF F_CF, F_CF, "shld 16: CF=bit 12"
    mov eax, 0x40000000
    xor edx, edx
    shld eax, edx, 1
    CHECK eax, 0x80000000, "shld eax,edx,1"
    CHECKF F_CF | F_OF, F_OF, "shld 1: sign change sets OF"
    mov dword [BUF], 0x11223344
    mov ebx, 0xAABBCCDD
    mov cl, 16
    shrd [BUF], ebx, cl
    CHECK [BUF], 0xCCDD1122, "shrd [mem],ebx,cl=16"
    mov eax, 0x11111111
    mov cl, 0x40
    SETF F_CF | F_OF | F_ZF
    shld eax, edx, cl
    CHECK eax, 0x11111111, "shld by 0x40 (masked 0): unchanged"
    CHECKF F_ALL, F_CF | F_OF | F_ZF, "shld by 0: flags unchanged"

; ================================================================ mul/div
    mov eax, 0xFFFF0080
    mov bl, 2
    mul bl
    CHECK eax, 0xFFFF0100, "mul bl: AX = AL*BL"
    CHECKF F_CF | F_OF, F_CF | F_OF, "mul: AH != 0 sets CF=OF=1"
    mov al, 0x10
    mov bl, 0x0F
    mul bl
    CHECKM eax, 0xFFFF, 0x00F0, "mul bl = 0xF0"
    CHECKF F_CF | F_OF, 0, "mul: AH = 0 clears CF, OF"
    mov ax, 0xFFFF
    mov bx, 0xFFFF
    mov edx, 0x12340000
    mul bx
    CHECKM eax, 0xFFFF, 1, "mul bx: AX"
    CHECK edx, 0x1234FFFE, "mul bx: DX (upper EDX kept)"
    mov eax, 0x80000000
    mov ebx, 4
    mul ebx
    CHECK eax, 0, "mul ebx: EAX"
    CHECK edx, 2, "mul ebx: EDX"
    mov eax, -1
    mov ecx, -1
    imul ecx
    CHECK eax, 1, "imul ecx: (-1)*(-1) EAX"
    CHECK edx, 0, "imul ecx: EDX"
    CHECKF F_CF | F_OF, 0, "imul: fits, CF=OF=0"
    mov al, 0xC0
    mov bl, 2
    imul bl
    CHECKM eax, 0xFFFF, 0xFF80, "imul bl: -64*2 = -128"
    CHECKF F_CF | F_OF, 0, "imul bl: -128 fits in AL"
    mov al, 0x40
    imul bl
    CHECKM eax, 0xFFFF, 0x0080, "imul bl: 64*2 = 128"
    CHECKF F_CF | F_OF, F_CF | F_OF, "imul bl: 128 overflows AL"
    mov eax, 0x10000
    imul eax, eax
    CHECK eax, 0, "imul eax,eax: truncated"
    CHECKF F_CF | F_OF, F_CF | F_OF, "imul eax,eax: overflow"
    mov ecx, -7
    imul eax, ecx, 6
    CHECK eax, -42, "imul eax,ecx,6"
    CHECKF F_CF | F_OF, 0, "imul 3-op: no overflow"
    mov dword [BUF], 2
    mov eax, 0x55550000
    imul ax, [BUF], 0x7FFF
    CHECK eax, 0x5555FFFE, "imul ax,[mem],0x7fff: 16-bit, upper kept"
    CHECKF F_CF | F_OF, F_CF | F_OF, "imul 16-bit overflow"
    mov ax, 1000
    mov bl, 7
    div bl
    CHECKM eax, 0xFFFF, 0x068E, "div bl: 1000/7 -> AL=142 AH=6"
    mov edx, 1
    xor eax, eax
    mov dword [BUF], 2
    div dword [BUF]
    CHECK eax, 0x80000000, "div [mem]: 2^32/2"
    CHECK edx, 0, "div [mem]: remainder"
    mov dx, 0xFFFF
    mov ax, 0xFFF9
    mov bx, 2
    idiv bx
    CHECKM eax, 0xFFFF, 0xFFFD, "idiv bx: -7/2 = -3"
    CHECKM edx, 0xFFFF, 0xFFFF, "idiv bx: remainder -1"
    mov ax, 0xFF00
    mov bl, 2
    idiv bl
    CHECKM eax, 0xFFFF, 0x0080, "idiv bl: -256/2 = -128 fits"
    mov eax, 0x100
    mov ebx, 2
    EXPECT 0, .de1_r
.de1: idiv bl
.de1_r:
    CHECKV EXC_EIP, .de1, "idiv bl: 256/2 = 128 overflows: #DE"
    CHECK eax, 0x100, "#DE: AX unchanged"
    mov eax, 0x11111111
    mov edx, 0x22222222
    xor ecx, ecx
    EXPECT 0, .de2_r
.de2: div ecx
.de2_r:
    CHECKV EXC_EIP, .de2, "div by zero: #DE at the div"
    CHECK eax, 0x11111111, "#DE: EAX unchanged"
    CHECK edx, 0x22222222, "#DE: EDX unchanged"
    mov edx, 2
    xor eax, eax
    mov ecx, 2
    EXPECT 0, .de3_r
.de3: div ecx
.de3_r:
    CHECKV EXC_EIP, .de3, "div: quotient 2^32 overflows: #DE"
    mov edx, -1
    mov eax, 0x80000000
    mov ecx, -1
    EXPECT 0, .de4_r
.de4: idiv ecx
.de4_r:
    CHECKV EXC_EIP, .de4, "idiv INT_MIN/-1: #DE"

; ================================================================ BCD
    mov al, 0x79
    add al, 0x35
    daa
    CHECKM eax, 0xFF, 0x14, "daa: 79+35 = 114"
    CHECKF F_CF | F_AF, F_CF | F_AF, "daa: CF=1 AF=1"
    mov al, 0x35
    sub al, 0x47
    das
    CHECKM eax, 0xFF, 0x88, "das: 35-47 = 88 borrow"
    CHECKF F_CF | F_AF | F_SF, F_CF | F_AF | F_SF, "das: CF=1 AF=1 SF=1"
    mov al, 0x12
    add al, 0x18
    daa
    CHECKM eax, 0xFF, 0x30, "daa: 12+18 = 30"
    CHECKF F_CF | F_AF | F_ZF, F_AF, "daa: AF=1 CF=0"
    mov al, 0xFA
    SETF 0
    daa
    CHECKM eax, 0xFF, 0x60, "daa AL=0xFA: +6 then +0x60 (old AL > 0x99)"
    CHECKF F_CF | F_AF, F_CF | F_AF, "daa AL=0xFA: CF=1 AF=1"
    mov ax, 0x0009
    add al, 0x08
    aaa
    CHECKM eax, 0xFFFF, 0x0107, "aaa: 9+8 = 17 unpacked"
    CHECKF F_CF | F_AF, F_CF | F_AF, "aaa: CF=AF=1"
    mov ax, 0x00FA
    SETF 0
    aaa
    CHECKM eax, 0xFFFF, 0x0200, "aaa AL=0xFA: AX+0x106 carries into AH"
    mov ax, 0x0102
    sub al, 0x05
    aas
    CHECKM eax, 0xFFFF, 0x0007, "aas: 12-5 = 07 unpacked"
    CHECKF F_CF | F_AF, F_CF | F_AF, "aas: CF=AF=1"
    mov ax, 0x0505
    SETF F_CF | F_AF
    aas
    CHECKM eax, 0xFFFF, 0x030F, "aas with AF=1: AX-6, AH-1, AL&0x0F"
    mov al, 79
    aam
    CHECKM eax, 0xFFFF, 0x0709, "aam: 79 -> 07 09"
    CHECKF F_ZF | F_SF | F_PF, F_PF, "aam: SZP of AL=9"
    mov al, 0xFF
    aam 16
    CHECKM eax, 0xFFFF, 0x0F0F, "aam 16"
    mov ax, 0x0709
    aad
    CHECKM eax, 0xFFFF, 0x004F, "aad: 07 09 -> 79"
    CHECKF F_ZF | F_SF | F_PF, 0, "aad: SZP of AL=0x4F"
    mov ax, 0x0102
    aad 16
    CHECKM eax, 0xFFFF, 0x0012, "aad 16"
    mov ax, 0x1234
    EXPECT 0, .aam_r
.aam0: aam 0
.aam_r:
    CHECKV EXC_EIP, .aam0, "aam 0: #DE"
    CHECKM eax, 0xFFFF, 0x1234, "aam 0: AX unchanged"

; ================================================================ bit ops
    mov dword [BUF - 4], 0x80000000
    mov dword [BUF], 0x00000001
    mov dword [BUF + 4], 0x00008000
    mov dword [BUF + 0x80], 0x00010000
    mov eax, 0x10
    SETF F_ZF
    bt eax, 4
    CHECKF F_CF | F_ZF, F_CF | F_ZF, "bt eax,4: CF=1, ZF unaffected"
    SETF 0
    bt eax, 36
    CHECKF F_CF, F_CF, "bt eax,36: imm masked to 4"
    mov eax, 1
    mov ecx, 32
    bt eax, ecx
    CHECKF F_CF, F_CF, "bt eax,ecx=32: register form masks the offset"
    mov ecx, -1
    SETF 0
    bt [BUF], ecx
    CHECKF F_CF, F_CF, "bt [mem],-1: bit 31 of the dword before"
    mov ecx, 32*32 + 16
    bts [BUF], ecx
    CHECKF F_CF, F_CF, "bts [mem],1040: bit 16 of [mem+128] was set"
    btr [BUF], ecx
    CHECKF F_CF, F_CF, "btr: was set"
    CHECK [BUF + 0x80], 0, "btr cleared bit 16 of [mem+128]"
    lock btc [BUF], ecx
    CHECKF F_CF, 0, "lock btc: was clear"
    CHECK [BUF + 0x80], 0x10000, "btc set it again"
    mov cx, -17
    bt word [BUF + 8], cx
    CHECKF F_CF, F_CF, "bt word [mem],-17: bit 15 of the word 4 bytes before"
    mov eax, 1
    bts eax, 31
    CHECK eax, 0x80000001, "bts eax,31"
    CHECKF F_CF, 0, "bts: CF=old bit"
    btc eax, 0
    CHECK eax, 0x80000000, "btc eax,0"
    CHECKF F_CF, F_CF, "btc: CF=1"
    btr eax, 63
    CHECK eax, 0, "btr eax,63 (masked to 31)"
    lock bts dword [BUF + 4], 3
    CHECK [BUF + 4], 0x8008, "lock bts [mem],3"
    mov eax, 0x00F00000
    mov ecx, 0x12345678
    bsf ecx, eax
    CHECK ecx, 20, "bsf"
    CHECKF F_ZF, 0, "bsf: ZF=0"
    bsr ecx, eax
    CHECK ecx, 23, "bsr"
    mov ecx, 0x12345678
    bsf cx, ax
    CHECKF F_ZF, F_ZF, "bsf cx,0: ZF=1"
    CHECK ecx, 0x12345678, "bsf with zero source: destination unchanged"
    mov dword [BUF], 0x80000000
    bsr edx, [BUF]
    CHECK edx, 31, "bsr edx,[mem]"
    mov eax, 0x11223344
    bswap eax
    CHECK eax, 0x44332211, "bswap eax"
    mov edi, 0x0A0B0C0D
    bswap edi
    CHECK edi, 0x0D0C0B0A, "bswap edi"

; ================================================================ SETcc / CMOVcc
%macro SETALL 1
    seto byte [%1 + 0]
    setno byte [%1 + 1]
    setb byte [%1 + 2]
    setae byte [%1 + 3]
    sete byte [%1 + 4]
    setne byte [%1 + 5]
    setbe byte [%1 + 6]
    seta byte [%1 + 7]
    sets byte [%1 + 8]
    setns byte [%1 + 9]
    setp byte [%1 + 10]
    setnp byte [%1 + 11]
    setl byte [%1 + 12]
    setge byte [%1 + 13]
    setle byte [%1 + 14]
    setg byte [%1 + 15]
%endmacro
    SETF F_CF | F_SF | F_PF
    SETALL BUF
    CHECK [BUF + 0], 0x00010100, "setcc o/no/b/ae with CF=1 OF=0"
    CHECK [BUF + 4], 0x00010100, "setcc e/ne/be/a with ZF=0 CF=1"
    CHECK [BUF + 8], 0x00010001, "setcc s/ns/p/np with SF=1 PF=1"
    CHECK [BUF + 12], 0x00010001, "setcc l/ge/le/g with SF=1 OF=0"
    SETF F_OF | F_ZF
    SETALL BUF
    CHECK [BUF + 0], 0x01000001, "setcc o/no/b/ae with OF=1 CF=0"
    CHECK [BUF + 4], 0x00010001, "setcc e/ne/be/a with ZF=1"
    CHECK [BUF + 8], 0x01000100, "setcc s/ns/p/np with SF=0 PF=0"
    CHECK [BUF + 12], 0x00010001, "setcc l/ge/le/g with SF=0 OF=1 ZF=1"
    mov eax, 0x12345678
    SETF F_CF
    setc ah
    CHECK eax, 0x12340178, "setc ah"
    mov eax, 1
    mov ebx, 2
    SETF F_ZF
    cmovz eax, ebx
    CHECK eax, 2, "cmovz taken"
    mov ecx, 3
    cmovnz eax, ecx
    CHECK eax, 2, "cmovnz not taken"
    mov dword [BUF], 0x5A5A5A5A
    SETF F_SF
    cmovl ax, [BUF]
    CHECK eax, 0x00005A5A, "cmovl ax,[mem] (SF!=OF) taken, 16-bit"

; ================================================================ atomics
    mov eax, 5
    mov dword [BUF], 5
    mov ecx, 9
    lock cmpxchg [BUF], ecx
    CHECK [BUF], 9, "cmpxchg equal: dest = src"
    CHECK eax, 5, "cmpxchg equal: EAX kept"
    CHECKF F_ZF, F_ZF, "cmpxchg equal: ZF=1"
    lock cmpxchg [BUF], ecx
    CHECK eax, 9, "cmpxchg not equal: EAX = dest"
    CHECK [BUF], 9, "cmpxchg not equal: dest kept"
    CHECKF F_ALL, F_CF | F_SF | F_AF | F_PF, "cmpxchg not equal: flags of cmp 5,9"
    mov eax, 0x10
    mov ebx, 0x10
    mov ecx, 0x20
    cmpxchg bl, cl
    CHECK ebx, 0x20, "cmpxchg bl,cl equal"
    mov eax, 3
    mov dword [BUF], -1
    lock xadd [BUF], eax
    CHECK [BUF], 2, "xadd [mem]: sum"
    CHECK eax, -1, "xadd [mem]: old value in the source"
    CHECKF F_CF | F_ZF, F_CF, "xadd: CF of the addition"
    mov ecx, 5
    xadd ecx, ecx
    CHECK ecx, 10, "xadd ecx,ecx: the sum wins"
    mov eax, 1
    mov ebx, 2
    xadd ax, bx
    CHECK eax, 3, "xadd ax,bx: sum"
    CHECK ebx, 1, "xadd ax,bx: old dest"
    mov dword [BUF], 0x55667788
    mov dword [BUF + 4], 0x11223344
    mov eax, 0x55667788
    mov edx, 0x11223344
    mov ebx, 0xEEFF0011
    mov ecx, 0xAABBCCDD
    SETF F_CF
    lock cmpxchg8b [BUF]
    CHECKF F_CF | F_ZF, F_CF | F_ZF, "cmpxchg8b equal: ZF=1, CF kept"
    CHECK [BUF], 0xEEFF0011, "cmpxchg8b: low dword = EBX"
    CHECK [BUF + 4], 0xAABBCCDD, "cmpxchg8b: high dword = ECX"
    cmpxchg8b [BUF]
    CHECKF F_ZF, 0, "cmpxchg8b not equal: ZF=0"
    CHECK eax, 0xEEFF0011, "cmpxchg8b not equal: EAX = low"
    CHECK edx, 0xAABBCCDD, "cmpxchg8b not equal: EDX = high"

; ================================================================ paging (for faults)
    ; local APIC virtual wire (QEMU has one) before paging hides 0xFEE00000
    mov eax, 1
    cpuid
    bt edx, 9
    jnc .noapic
    mov dword [0xFEE000F0], 0x1FF
    mov dword [0xFEE00350], 0x700
    mov dword [0xFEE00360], 0x10000
.noapic:
    mov edi, PD
    xor eax, eax
    mov ecx, 3*1024
    rep stosd
    mov edi, PT0
    mov eax, 3
    mov ecx, 1024
.pt: stosd
    add eax, 0x1000
    loop .pt
    mov dword [PD + 0], PT0 | 3
    mov dword [PD + 4], PT1 | 3
    mov dword [PTE(PG_RW)], PHYS_RW | 3
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80010000              ; PG, WP
    mov cr0, eax
    jmp .pg_on
.pg_on:
    CHECKM eax, 0x80000000, 0x80000000, "paging on"
    ; cmov reads its memory source even when the condition is false
    mov eax, 0x77
    SETF 0
    EXPECT 14, .cmf_r
.cmf: cmovz eax, [PG_NP]
.cmf_r:
    CHECKV EXC_EIP, .cmf, "cmovz (false) with a not-present source: #PF"
    CHECKV EXC_CR2, PG_NP, "cmov #PF: CR2"
    CHECK eax, 0x77, "cmov #PF: EAX unchanged"

; ================================================================ strings
    ; SRC: bytes 0,1,2,...,255,0,1,... (4 KiB)
    mov edi, SRC
    xor eax, eax
    mov ecx, 4096
.fill: stosb
    inc al
    loop .fill
    CHECK edi, SRC + 4096, "stosb advances EDI"
    mov esi, SRC
    mov edi, DST
    mov ecx, 4096
    rep movsb
    CHECK ecx, 0, "rep movsb: ECX=0"
    CHECK esi, SRC + 4096, "rep movsb: ESI"
    CHECK edi, DST + 4096, "rep movsb: EDI"
    CHECK [DST + 0x100], 0x03020100, "rep movsb: data"
    CHECK [DST + 0xFFC], 0xFFFEFDFC, "rep movsb: last dword"
    mov dword [DST2], 0
    std
    mov esi, SRC + 15
    mov edi, DST2 + 15
    mov ecx, 16
    rep movsb
    cld
    CHECK esi, SRC - 1, "rep movsb DF=1: ESI"
    CHECK edi, DST2 - 1, "rep movsb DF=1: EDI"
    CHECK [DST2], 0x03020100, "rep movsb DF=1: data"
    CHECK [DST2 + 12], 0x0F0E0D0C, "rep movsb DF=1: data end"
    std
    mov esi, SRC + 0x1FC
    mov edi, DST + 0x1FC
    mov ecx, 0x80
    mov dword [DST], 0
    rep movsd
    cld
    CHECK [DST], 0x03020100, "rep movsd DF=1: reaches the start"
    CHECK edi, DST - 4, "rep movsd DF=1: EDI"
    ; overlapping copy forward (dst = src+2): pattern replication
    mov word [BUF], 0xCDAB
    mov esi, BUF
    mov edi, BUF + 2
    mov ecx, 100
    rep movsb
    CHECK [BUF + 96], 0xCDABCDAB, "rep movsb dst=src+2: byte-by-byte pattern fill"
    CHECK [BUF + 98], 0xCDABCDAB, "rep movsb dst=src+2: end of the pattern"
    ; movsd with dst=src+2: each dword read before it is written
    mov dword [BUF], 0x33221100
    mov dword [BUF + 4], 0x77665544
    mov dword [BUF + 8], 0xBBAA9988
    mov esi, BUF
    mov edi, BUF + 2
    mov ecx, 2
    rep movsd
    CHECK [BUF], 0x11001100, "rep movsd dst=src+2: first dword"
    CHECK [BUF + 4], 0x33223322, "rep movsd dst=src+2: second dword"
    CHECK [BUF + 8], 0xBBAA7766, "rep movsd dst=src+2: third dword"
    ; a copy with dst below src never sees its own writes
    mov esi, DST + 1
    mov edi, DST
    mov ecx, 4095
    rep movsb
    CHECK [DST + 0xFF], 0x03020100, "rep movsb dst=src-1: shifted down"
    mov eax, 0x12345678
    mov edi, BUF
    mov ecx, 0
    mov dword [BUF], 0xAAAAAAAA
    rep stosd
    CHECK [BUF], 0xAAAAAAAA, "rep stosd with ECX=0: nothing stored"
    CHECK edi, BUF, "rep stosd with ECX=0: EDI unchanged"
    mov ecx, 0x401
    rep stosd
    CHECK [BUF + 0x1000], 0x12345678, "rep stosd: last element"
    CHECK [BUF + 0x1004], 0, "rep stosd: stops after ECX elements"
    CHECK edi, BUF + 0x1004, "rep stosd: EDI"
    mov ax, 0xBEEF
    mov edi, BUF + 0x2000
    mov ecx, 3
    rep stosw
    CHECK [BUF + 0x2000], 0xBEEFBEEF, "rep stosw"
    CHECK [BUF + 0x2004], 0x0000BEEF, "rep stosw: 3 words"
    ; compare and scan
    mov esi, str1
    mov edi, str2
    mov ecx, 11
    SETF F_ZF
    repe cmpsb
    CHECK ecx, 4, "repe cmpsb: stops after the first mismatch (index 6)"
    CHECK esi, str1 + 7, "repe cmpsb: ESI past the mismatch"
    CHECKF F_ZF | F_CF | F_SF, 0, "repe cmpsb: flags of 'W'-'T'"
    mov esi, str1
    mov edi, str1b
    mov ecx, 11
    repe cmpsb
    CHECK ecx, 0, "repe cmpsb equal strings: ECX=0"
    CHECKF F_ZF, F_ZF, "repe cmpsb equal strings: ZF=1"
    mov esi, str1
    mov edi, str2
    mov ecx, 6
    repne cmpsb
    CHECK ecx, 5, "repne cmpsb: stops at the first equal byte"
    CHECKF F_ZF, F_ZF, "repne cmpsb: ZF=1"
    mov edi, str1
    xor eax, eax
    mov ecx, -1
    repne scasb
    not ecx
    dec ecx
    CHECK ecx, 11, "repne scasb: strlen"
    CHECK edi, str1 + 12, "repne scasb: EDI past the NUL"
    mov edi, str1
    mov al, 'O'
    mov ecx, 3
    repne scasb
    CHECK ecx, 0, "repne scasb: not found in 3"
    CHECKF F_ZF, 0, "repne scasb not found: ZF=0"
    mov ecx, 0
    SETF F_CF | F_OF
    repe cmpsd
    CHECKF F_ALL, F_CF | F_OF, "repe cmpsd with ECX=0: flags unchanged"
    mov esi, str1 + 1
    mov eax, 0xFFFF0000
    lodsw
    CHECK eax, 0xFFFF4C45, "lodsw: AX loaded, upper EAX kept"
    CHECK esi, str1 + 3, "lodsw: ESI += 2"
    std
    lodsb
    cld
    CHECK esi, str1 + 2, "lodsb DF=1: ESI -= 1"
    CHECKM eax, 0xFF, 'L', "lodsb"
    mov edi, str2 + 4
    mov ax, 'O '
    scasw
    CHECKF F_ZF, F_ZF, "scasw equal"
    ; 16-bit addressing wraps at 64 KiB
    mov edi, 0x0012FFFE
    mov ecx, 0xABCD0004
    mov al, 0xEE
    a16 rep stosb
    CHECK edi, 0x00120002, "a16 rep stosb: DI wraps to 2, upper EDI kept"
    CHECK ecx, 0xABCD0000, "a16 rep stosb: CX counted, upper ECX kept"
    CHECKM [0xFFFC], 0xFFFF0000, 0xEEEE0000, "a16 rep stosb: bytes at 0xFFFE-0xFFFF"
    CHECKM [0], 0xFFFF, 0xEEEE, "a16 rep stosb: bytes at 0-1"
    ; segment override on the source only
    mov ax, KDATA32
    mov fs, ax
    mov esi, SRC + 4
    mov edi, BUF
    fs movsd
    CHECK [BUF], 0x07060504, "fs: movsd reads FS:ESI"

    ; #PF in the middle of a REP: state of the faulting iteration, restart
    mov esi, SRC
    mov edi, PG_RW + 0xFF0
    mov ecx, 16
    EXPECT 14, .pf_r
.pf: rep movsd
.pf_after:
    jmp .pf_done
.pf_r:
    CHECKV EXC_EIP, .pf, "rep movsd into a not-present page: #PF at the rep"
    CHECKV EXC_CR2, PG_NP, "rep movsd #PF: CR2 = first byte of the page"
    CHECK ecx, 12, "rep movsd #PF: ECX of the faulting iteration"
    CHECK esi, SRC + 16, "rep movsd #PF: ESI of the faulting iteration"
    CHECK edi, PG_NP, "rep movsd #PF: EDI of the faulting iteration"
    CHECK [PG_RW + 0xFFC], 0x0F0E0D0C, "rep movsd #PF: earlier iterations done"
    mov dword [PTE(PG_NP)], PHYS_NP | 3
    invlpg [PG_NP]
    jmp .pf                         ; resume the instruction
.pf_done:
    CHECK ecx, 0, "restarted rep movsd completes"
    CHECK edi, PG_NP + 0x30, "restarted rep movsd: EDI"
    CHECK [PG_NP + 0x2C], 0x3F3E3D3C, "restarted rep movsd: data in the new page"
    ; an element crossing into a not-present page writes nothing
    mov dword [PTE(PG_NP)], 0
    invlpg [PG_NP]
    mov dword [PG_RW + 0xFFC], 0x11111111
    mov esi, SRC
    mov edi, PG_RW + 0xFFE
    mov ecx, 3
    EXPECT 14, .pf2_r
.pf2: rep movsd
.pf2_r:
    CHECKV EXC_EIP, .pf2, "movsd crossing into a not-present page: #PF"
    CHECK ecx, 3, "crossing #PF: ECX unchanged"
    CHECK [PG_RW + 0xFFC], 0x11111111, "crossing #PF: no partial write"
    ; DF=1 into the page below
    mov dword [PTE(PG_NP)], PHYS_NP | 3
    invlpg [PG_NP]
    mov dword [PTE(PG_RW)], 0
    invlpg [PG_RW]
    std
    mov edi, PG_NP + 8
    mov ecx, 5
    mov eax, 0x99999999
    EXPECT 14, .pf3_r
.pf3: rep stosd
.pf3_r:
    cld
    CHECKV EXC_CR2, PG_NP - 4, "rep stosd DF=1 into a not-present page: CR2"
    CHECK ecx, 2, "rep stosd DF=1 #PF: ECX"
    CHECK edi, PG_NP - 4, "rep stosd DF=1 #PF: EDI"
    CHECK [PG_NP], 0x99999999, "rep stosd DF=1 #PF: earlier elements stored"
    mov dword [PTE(PG_RW)], PHYS_RW | 3
    invlpg [PG_RW]

    ; single-step (TF) traps after every iteration of a REP
    SET_IDT 1, db_handler, 0x8E
    mov dword [DBCOUNT], 0
    mov esi, SRC
    mov edi, BUF
    mov ecx, 3
    pushfd
    or dword [esp], 0x100
    popfd
.ssrep: rep movsb
..@db_stop:
    nop
    SET_IDT 1, pm_stubs + 15, 0x8E
    CHECK [DBCOUNT], 3, "TF: one #DB per REP iteration"
    CHECK [DBEIP], .ssrep, "TF: 1st trap at the rep (EIP kept)"
    CHECK [DBECX], 2, "TF: 1st trap after one iteration"
    CHECK [DBEIP + 4], .ssrep, "TF: 2nd trap at the rep"
    CHECK [DBECX + 4], 1, "TF: 2nd trap ECX"
    CHECK [DBEIP + 8], ..@db_stop, "TF: last trap after the instruction"
    CHECK [DBECX + 8], 0, "TF: last trap ECX=0"

    ; an instruction breakpoint on a long REP fires once (RF=1 on resume)
    SKIP_ON_TCG "an instruction breakpoint on a REP fires again between iterations"
    mov eax, .bprep
    mov dr0, eax
    mov eax, 0x00000002             ; L0, execute, len 1
    mov dr7, eax
    mov esi, 0x200000
    mov edi, 0x300000
    mov ecx, 0x40000                ; 1 MiB: long enough to be resumed
    mov ebx, [EXC_COUNT]
    inc ebx
    EXPECT 1, 0
.bprep: rep movsd
    xor eax, eax
    mov dr7, eax
    CHECKV EXC_VEC, 1, "instruction breakpoint on rep movsd: #DB"
    CHECKV EXC_EIP, .bprep, "instruction breakpoint: fault at the rep"
    CHECK [EXC_COUNT], ebx, "resumed with RF=1: the long rep does not break again"
    CHECK ecx, 0, "rep movsd after the breakpoint completes"
    END_SKIP_ON_TCG

    ; string I/O: OUTS to the debug console, INS from the PIC mask register
    mov esi, outs_msg
    mov ecx, outs_msg_end - outs_msg
    mov dx, 0xE9
    rep outsb
    CHECK esi, outs_msg_end, "rep outsb: ESI"
    ; PIC programmed as in a PC (vectors 0x20-0x2F), IRQ0 only
    mov al, 0x11
    out 0x20, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x01
    out 0x21, al
    mov al, 0x11
    out 0xA0, al
    mov al, 0x28
    out 0xA1, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01
    out 0xA1, al
    mov al, 0xFF
    out 0xA1, al
    mov al, 0xFE
    out 0x21, al
    mov edi, BUF
    mov dword [BUF], 0
    mov ecx, 3
    mov dx, 0x21
    rep insb
    CHECK [BUF], 0x00FEFEFE, "rep insb: three reads of the PIC mask"
    CHECK edi, BUF + 3, "rep insb: EDI"

    ; an IRQ arrives in the middle of a long REP and the REP resumes
    SET_IDT 0x20, irq0_handler, 0x8E
    mov dword [IRQCOUNT], 0
    mov dword [MIDREP], 0
    mov al, 0x34                    ; PIT ch0, lobyte/hibyte, mode 2
    out 0x43, al
    mov al, 0x00
    out 0x40, al
    mov al, 0x02                    ; divisor 512 (~2.3 kHz)
    out 0x40, al
    mov dword [REPLOOPS], 4000
    sti
.irqloop:
    mov esi, 0x200000
    mov edi, 0x300000
    mov ecx, 0x40000                ; 1 MiB
..@irq_rep: rep movsd
    cmp dword [MIDREP], 0
    jne .irqdone
    dec dword [REPLOOPS]
    jnz .irqloop
.irqdone:
    cli
    mov al, 0xFF
    out 0x21, al
    mov eax, [IRQCOUNT]
    test eax, eax
    setnz al
    CHECKM eax, 0xFF, 1, "IRQ0 handler ran"
    mov eax, [MIDREP]
    test eax, eax
    setnz al
    CHECKM eax, 0xFF, 1, "an IRQ was taken in the middle of a rep movsd (EIP at it, ECX != 0)"
    CHECK ecx, 0, "interrupted rep movsd completed"
    CHECK edi, 0x400000, "interrupted rep movsd: EDI"

; ================================================================ stack
; (CHECK pushes its operands: ESP-relative values are copied out first)
    mov ebx, esp
    push esp
    pop eax
    CHECK eax, ebx, "push esp pushes the value before the push"
    lea eax, [ebx - 0x100]
    push eax
    pop esp
    mov edx, esp
    CHECK edx, eax, "pop esp loads ESP"
    mov esp, ebx
    push dword 0xAAAAAAAA
    push dword 0xBBBBBBBB
    pop dword [esp]
    mov edx, esp
    lea eax, [ebx - 4]
    CHECK edx, eax, "pop [esp]: ESP"
    CHECK [ebx - 4], 0xBBBBBBBB, "pop [esp]: address computed after the pop"
    push dword 0xCCCCCCCC
    pop dword [esp + 4]
    CHECK [ebx], 0xCCCCCCCC, "pop [esp+4]: uses the incremented ESP"
    mov esp, ebx
    push dword 0xDDDDDDDD
    EXPECT 14, .popf_r
.popf: pop dword [PG_RW + 0x2000]
.popf_r:
    mov edx, esp
    CHECKV EXC_EIP, .popf, "pop [not present]: #PF"
    lea eax, [ebx - 4]
    CHECK edx, eax, "pop [not present]: ESP unchanged"
    mov esp, ebx
    push -1
    push word -2
    push strict dword 0x12
    pop eax
    CHECK eax, 0x12, "push imm32"
    pop ax
    CHECKM eax, 0xFFFF, 0xFFFE, "push word imm"
    pop eax
    CHECK eax, -1, "push imm8 sign-extended"
    mov dword [BUF], 0x87654321
    push dword [BUF]
    push word [BUF]
    pop cx
    pop edx
    CHECKM ecx, 0xFFFF, 0x4321, "push word [mem]"
    CHECK edx, 0x87654321, "push dword [mem]"
    mov edx, esp
    CHECK edx, ebx, "stack balanced"
    mov ebp, 0x5A5A5A5A
    db 0xFF, 0xF5                   ; push ebp (FF /6, register form)
    db 0x8F, 0xC1                   ; pop ecx (8F /0, register form)
    CHECK ecx, 0x5A5A5A5A, "push r/m and pop r/m register forms (FF /6, 8F /0)"
    ; pusha / popa
    push ebp
    mov [BUF + 0x40], esp
    mov eax, 0x11111111
    mov ecx, 0x22222222
    mov edx, 0x33333333
    mov ebx, 0x44444444
    mov ebp, 0x55555555
    mov esi, 0x66666666
    mov edi, 0x77777777
    pushad
    mov [BUF], esp
    mov eax, [esp + 12]
    mov [BUF + 4], eax
    mov eax, [esp + 28]
    mov [BUF + 8], eax
    mov eax, [esp]
    mov [BUF + 12], eax
    mov dword [esp + 12], 0         ; ESP slot: ignored by popad
    mov dword [esp + 16], 0x99999999 ; EBX slot
    xor eax, eax
    popad
    mov [BUF + 16], esp
    pop ebp
    CHECK ebx, 0x99999999, "popad: EBX reloaded"
    CHECK eax, 0x11111111, "popad: EAX reloaded"
    mov eax, [BUF + 0x40]
    CHECK [BUF + 4], eax, "pushad: original ESP in its slot"
    sub eax, 32
    CHECK [BUF], eax, "pushad: ESP - 32"
    CHECK [BUF + 8], 0x11111111, "pushad: EAX in the highest slot"
    CHECK [BUF + 12], 0x77777777, "pushad: EDI in the lowest slot"
    mov eax, [BUF + 0x40]
    CHECK [BUF + 16], eax, "popad: ESP from the pops, not the slot"
    mov ax, 0x1234
    mov si, 0x5678
    o16 pusha
    mov ecx, [esp + 12]
    mov [BUF], ecx
    mov ecx, [esp]
    mov [BUF + 4], ecx
    mov word [esp + 2], 0xABCD
    o16 popa
    CHECKM [BUF], 0xFFFF0000, 0x12340000, "pusha (16): AX slot"
    CHECKM [BUF + 4], 0xFFFF0000, 0x56780000, "pusha (16): SI slot"
    CHECKM esi, 0xFFFF, 0xABCD, "popa (16): SI reloaded"
    ; enter / leave
    push ebp
    mov ebx, esp                    ; S
    mov ebp, 0x9E800                ; old frame F
    mov dword [0x9E800 - 4], 0x0000A1A1
    mov dword [0x9E800 - 8], 0x0000B2B2
    enter 0x10, 3
    mov edx, esp
    lea eax, [ebx - 4]
    CHECK ebp, eax, "enter 16,3: EBP = frame temp"
    CHECK [ebx - 16], eax, "enter: frame temp pushed last"
    lea eax, [ebx - 32]
    CHECK edx, eax, "enter 16,3: ESP = S - 4*4 - 16"
    CHECK [ebx - 4], 0x9E800, "enter: old EBP pushed"
    CHECK [ebx - 8], 0xA1A1, "enter: outer frame pointer 1 copied"
    CHECK [ebx - 12], 0xB2B2, "enter: outer frame pointer 2 copied"
    leave
    mov edx, esp
    CHECK edx, ebx, "leave: ESP"
    CHECK ebp, 0x9E800, "leave: EBP"
    enter 8, 0
    mov edx, esp
    lea eax, [ebx - 12]
    CHECK edx, eax, "enter 8,0"
    leave
    enter 0, 1
    mov edx, esp
    lea eax, [ebx - 4]
    CHECK [ebx - 8], eax, "enter 0,1: frame temp pushed"
    lea eax, [ebx - 8]
    CHECK edx, eax, "enter 0,1: ESP"
    leave
    enter 4, 33                     ; level taken mod 32: 1
    mov edx, esp
    lea eax, [ebx - 12]
    CHECK edx, eax, "enter 4,33: level 1"
    leave
    mov ebp, 0xA5A51234
    o16 enter 8, 1
    mov ecx, ebp
    mov edx, esp
    lea eax, [ebx - 2]
    and eax, 0xFFFF
    or eax, 0xA5A50000
    CHECK ecx, eax, "o16 enter: BP = frame temp, upper EBP kept"
    lea eax, [ebx - 12]
    CHECK edx, eax, "o16 enter 8,1: ESP = S - 2*2 - 8"
    CHECKM [ebx - 4], 0xFFFF0000, 0x12340000, "o16 enter: old BP pushed as a word"
    lea eax, [ebx - 2]
    and eax, 0xFFFF
    CHECKM [ebx - 4], 0xFFFF, eax, "o16 enter: frame temp pushed as a word"
    mov eax, ebx                    ; LEAVE with a 32-bit stack copies all of EBP
    and eax, 0xFFFF0000
    and ebp, 0xFFFF
    or ebp, eax
    o16 leave
    mov edx, esp
    CHECK edx, ebx, "o16 leave: ESP = EBP + 2"
    CHECKM ebp, 0xFFFF, 0x1234, "o16 leave: BP popped"
    mov esp, ebx
    mov ebp, 0x9E800
    pop ebp
    ; xlat, lahf/sahf
    mov ebx, xlat_tab
    mov eax, 0x11111105
    xlatb
    CHECK eax, 0x111111F5, "xlatb"
    mov ax, KDATA32
    mov es, ax
    mov al, 2
    es xlatb
    CHECKM eax, 0xFF, 0xF2, "es: xlatb"
    SETF F_ALL
    lahf
    CHECKM eax, 0xFF00, 0xD700, "lahf: SF ZF 0 AF 0 PF 1 CF"
    mov ah, 0
    sahf
    CHECKF F_ALL, F_OF, "sahf 0: clears SZAPC, keeps OF"
    mov ah, 0xFF
    SETF 0
    sahf
    CHECKF F_ALL, F_SZPC | F_AF, "sahf 0xFF: sets SZAPC, OF stays 0"
    ; hint NOPs never touch their memory operand
    nop dword [PG_RW + 0x2000]
    db 0x0F, 0x18, 0x05
    dd PG_RW + 0x2000               ; prefetchnta [not present]
    db 0x0F, 0x19, 0x05
    dd PG_RW + 0x2000
    db 0x0F, 0x1E, 0x3D
    dd PG_RW + 0x2000
    db 0x0F, 0x1F, 0x3D
    dd PG_RW + 0x2000
    OKMSG "hint NOPs 0F 18-1F with not-present operands: no fault"
    PASS

str1:   db "HELLO WORLD", 0
str1b:  db "HELLO WORLD", 0
str2:   db "HELLO THERE", 0
outs_msg: db "# rep outsb to the debug console", 10
outs_msg_end:
xlat_tab: db 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7
DST2 equ BUF + 0x3000

gdt:
    GDT_STANDARD
gdt_end:
