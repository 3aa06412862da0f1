; pmode.asm - protected-mode segmentation (SDM vol. 3 ch. 3, 5, 6).
; The library enters protected mode (lgdt, CR0.PE=1, far jmp) and starts
; main32 in flat ring 0. This program checks the state, 16-bit code segments,
; limit/type checks, selector loading faults and their error codes, LDTs,
; lar/lsl/verr/verw/arpl, the store-descriptor-table instructions, and
; finally returns to real mode.
%define GUEST_MODE 32
%include "lib/common.inc"

SCR     equ 0x20000             ; scratch area used as segment bases

; selectors of this test's descriptors (see gdt below)
SEL_LIM4K   equ 0x40            ; data RW base SCR limit 0xFFF (byte gran.)
SEL_STK4K   equ 0x48            ; same, used as SS
SEL_EDOWN   equ 0x50            ; expand-down RW, limit 0xFFF, B=1
SEL_RO      equ 0x58            ; read-only data, base SCR, limit 0xFFFF
SEL_XO      equ 0x60            ; execute-only code
SEL_NP      equ 0x68            ; not-present data
SEL_LDT     equ 0x70            ; LDT descriptor
SEL_FRESH   equ 0x78            ; data, accessed bit clear
SEL_CODE3   equ 0x80            ; code DPL3 (non-conforming)
SEL_RX      equ 0x88            ; readable code base SCR limit 0xFFFF
SEL_EDOWN16 equ 0x90            ; expand-down RW, limit 0xFFF, B=0
SEL_NPCODE  equ 0x98            ; not-present code
SEL_TSSD    equ 0xA0            ; available 32-bit TSS (system descriptor)
SEL_LDT_DATA equ 0x0C           ; LDT entry 1, TI=1
GDT_LIMIT   equ gdt_end - gdt - 1

section .text32
main32:
    PRINTLN "# pmode: protected-mode segmentation"
    mov eax, cr0
    CHECKM eax, 1, 1, "CR0.PE=1 after entry"
    mov ax, cs
    movzx eax, ax
    CHECK eax, KCODE32, "CS = 0x08 after the far jmp"
    smsw eax
    CHECKM eax, 1, 1, "smsw: PE bit"
    mov ebx, cr0
    and ebx, 0xFFFF
    and eax, 0xFFFF
    CHECK eax, ebx, "smsw = low 16 bits of CR0"
    ; sgdt / sidt / sldt / str
    sgdt [0x1000]
    movzx eax, word [0x1000]
    CHECK eax, GDT_LIMIT, "sgdt: limit"
    CHECK [0x1002], gdt, "sgdt: base"
    sidt [0x1010]
    movzx eax, word [0x1010]
    CHECK eax, 0x7FF, "sidt: limit"
    CHECK [0x1012], IDT_BASE, "sidt: base"
    mov eax, 0xFFFFFFFF
    sldt ax
    CHECK eax, 0xFFFF0000, "sldt ax: null LDTR after reset (16-bit store)"
    str eax
    CHECK eax, 0, "str eax: TR selector 0 after reset (zero-extended)"

    ; ------------------------------------------------ 16-bit code segment
    mov eax, 0x12340000
    call KCODE16:code16_proc            ; 32-bit far call into a 16-bit segment
    CHECK eax, 0x1234FFFF, "16-bit code segment: dec ax affects 16 bits only"
    CHECK ebx, 2, "16-bit code segment: push/pop word uses 2 bytes"
    CHECK ecx, 0x00010000, "16-bit code segment: o32 add"

    ; ------------------------------------------------ accessed bit
    mov byte [gdt + SEL_FRESH + 5], 0x92
    mov ax, SEL_FRESH
    mov ds, ax
    mov ax, KDATA32
    mov ds, ax
    movzx eax, byte [gdt + SEL_FRESH + 5]
    CHECK eax, 0x93, "loading DS sets the descriptor accessed bit"

    ; ------------------------------------------------ null selector
    xor ax, ax
    mov es, ax                          ; loading null into ES is allowed
    mov fs, ax
    OKMSG "null selector loads into ES/FS without fault"
    SKIP_ON_TCG "memory accesses through a null data segment register do not fault"
    EXPECT 13, .n1_r
.n1: mov eax, [es:0x100]
.n1_r:
    CHECKV EXC_VEC, 13, "access through null ES: #GP"
    CHECKV EXC_ERR, 0, "access through null ES: error code 0"
    CHECKV EXC_EIP, .n1, "access through null ES: saved EIP at the access"
    EXPECT 13, .n2_r
.n2: mov byte [fs:0], 1
.n2_r:
    CHECKV EXC_ERR, 0, "write through null FS: #GP(0)"
    END_SKIP_ON_TCG
    EXPECT 13, .n3_r
    xor ax, ax
.n3: mov ss, ax
.n3_r:
    CHECKV EXC_VEC, 13, "mov ss, null: #GP"
    CHECKV EXC_ERR, 0, "mov ss, null: error code 0"
    mov ax, KDATA32
    mov es, ax
    mov fs, ax

    ; ------------------------------------------------ bad selector loads
    EXPECT 13, .b1_r
    mov ax, 0x1003                      ; beyond the GDT limit, RPL 3
.b1: mov ds, ax
.b1_r:
    CHECKV EXC_VEC, 13, "selector beyond GDT limit: #GP"
    CHECKV EXC_ERR, 0x1000, "selector beyond GDT limit: error = selector without RPL"
    CHECKV EXC_EIP, .b1, "saved EIP at the mov ds"
    EXPECT 13, .b2_r
    mov ax, SEL_XO
.b2: mov es, ax
.b2_r:
    CHECKV EXC_ERR, SEL_XO, "execute-only code into ES: #GP(sel)"
    EXPECT 13, .b3_r
    mov ax, KDATA32 | 3
.b3: mov ds, ax
.b3_r:
    CHECKV EXC_ERR, KDATA32, "DPL0 data with RPL3 into DS: #GP(sel)"
    EXPECT 11, .b4_r
    mov ax, SEL_NP
.b4: mov ds, ax
.b4_r:
    CHECKV EXC_VEC, 11, "not-present data segment into DS: #NP"
    CHECKV EXC_ERR, SEL_NP, "#NP error code = selector"
    CHECKV EXC_EIP, .b4, "#NP saved EIP at the load"
    EXPECT 12, .b5_r
    mov ax, SEL_NP
.b5: mov ss, ax
.b5_r:
    CHECKV EXC_VEC, 12, "not-present segment into SS: #SS"
    CHECKV EXC_ERR, SEL_NP, "#SS error code = selector"
    EXPECT 13, .b6_r
    mov ax, SEL_RO
.b6: mov ss, ax
.b6_r:
    CHECKV EXC_VEC, 13, "read-only data into SS: #GP"
    CHECKV EXC_ERR, SEL_RO, "read-only SS: error = selector"
    EXPECT 13, .b7_r
    mov ax, KDATA32 | 1
.b7: mov ss, ax
.b7_r:
    CHECKV EXC_ERR, KDATA32, "SS with RPL != CPL: #GP(sel)"
    EXPECT 13, .b8_r
    mov ax, UDATA32
.b8: mov ss, ax
.b8_r:
    CHECKV EXC_ERR, UDATA32 & 0xFFFC, "SS with DPL3 at CPL0: #GP(sel)"
    EXPECT 13, .b9_r
    mov ax, SEL_TSSD
.b9: mov gs, ax
.b9_r:
    CHECKV EXC_ERR, SEL_TSSD, "system (TSS) descriptor into GS: #GP(sel)"
    EXPECT 13, .b10_r
    mov ax, SEL_LDT_DATA
.b10: mov ds, ax
.b10_r:
    CHECKV EXC_ERR, SEL_LDT_DATA, "TI=1 selector with null LDTR: #GP(sel), TI bit in error code"
    mov ax, UDATA32                     ; DPL3 data at CPL0 is fine
    mov ds, ax
    mov ax, KDATA32
    mov ds, ax
    OKMSG "DPL3 data segment loads into DS at CPL0"
    ; far transfers
    EXPECT 13, .j1_r
.j1: jmp SEL_CODE3:0
.j1_r:
    CHECKV EXC_ERR, SEL_CODE3, "jmp far to DPL3 non-conforming code at CPL0: #GP(sel)"
    EXPECT 13, .j2_r
.j2: jmp KDATA32:0
.j2_r:
    CHECKV EXC_ERR, KDATA32, "jmp far to a data segment: #GP(sel)"
    EXPECT 11, .j3_r
.j3: call SEL_NPCODE:0
.j3_r:
    CHECKV EXC_VEC, 11, "call far to not-present code: #NP"
    CHECKV EXC_ERR, SEL_NPCODE, "call far to not-present code: error = selector"
    EXPECT 13, .j4_r
.j4: jmp 0x0:0
.j4_r:
    CHECKV EXC_ERR, 0, "jmp far to null selector: #GP(0)"
    mov ax, KDATA32
    mov ds, ax
    mov ss, ax

    ; ------------------------------------------------ limit and type checks
    mov dword [SCR + 0xFFC], 0xA5A5A5A5
    mov ax, SEL_LIM4K
    mov es, ax
    CHECK [es:0xFFC], 0xA5A5A5A5, "read at the last dword inside the limit"
    SKIP_ON_TCG "segment limit and read-only checks on data accesses"
    EXPECT 13, .l1_r
.l1: mov eax, [es:0xFFD]
.l1_r:
    CHECKV EXC_VEC, 13, "dword read crossing the limit: #GP"
    CHECKV EXC_ERR, 0, "limit violation: #GP(0)"
    CHECKV EXC_EIP, .l1, "limit violation: saved EIP at the access"
    EXPECT 13, .l2_r
.l2: mov byte [es:0x1000], 1
.l2_r:
    CHECKV EXC_EIP, .l2, "byte write at limit+1: #GP(0)"
    ; SS limit: #SS(0)
    mov ax, SEL_STK4K
    mov ebx, esp
    mov ss, ax
    mov esp, 0xF00
    EXPECT 12, .s1_r
.s1: mov eax, [ss:0x1000]
.s1_r:
    mov ax, KDATA32
    mov ss, ax
    mov esp, ebx
    CHECKV EXC_VEC, 12, "SS-relative access beyond the SS limit: #SS"
    CHECKV EXC_ERR, 0, "#SS(0)"
    CHECKV EXC_EIP, .s1, "#SS saved EIP"
    mov ax, SEL_STK4K
    mov ss, ax
    mov esp, 0xF00
    mov ebp, 0x1000
    EXPECT 12, .s2_r
.s2: mov eax, [ebp]                     ; EBP base defaults to SS
.s2_r:
    mov ax, KDATA32
    mov ss, ax
    mov esp, ebx
    CHECKV EXC_EIP, .s2, "[ebp] beyond the SS limit: #SS(0)"
    ; expand-down, B=1: valid offsets 0x1000..0xFFFFFFFF
    mov ax, SEL_EDOWN
    mov es, ax
    mov dword [SCR + 0x1000], 0x11223344
    CHECK [es:0x1000], 0x11223344, "expand-down: offset limit+1 is valid"
    EXPECT 13, .e1_r
.e1: mov eax, [es:0xFFF]
.e1_r:
    CHECKV EXC_EIP, .e1, "expand-down: offset <= limit: #GP(0)"
    EXPECT 13, .e2_r
.e2: mov eax, [es:0xFFE]
.e2_r:
    CHECKV EXC_EIP, .e2, "expand-down: dword access starting below limit: #GP(0)"
    ; expand-down, B=0: upper bound 0xFFFF
    mov ax, SEL_EDOWN16
    mov es, ax
    mov dword [SCR + 0xFFFC], 0x55667788
    CHECK [es:0xFFFC], 0x55667788, "expand-down B=0: offset 0xFFFC ok"
    EXPECT 13, .e3_r
.e3: mov eax, [es:0xFFFE]
.e3_r:
    CHECKV EXC_EIP, .e3, "expand-down B=0: access past 0xFFFF: #GP(0)"
    ; read-only data
    mov ax, SEL_RO
    mov es, ax
    mov eax, [es:0x1000]
    OKMSG "read from a read-only data segment"
    EXPECT 13, .r1_r
.r1: mov [es:0x1000], eax
.r1_r:
    CHECKV EXC_ERR, 0, "write to a read-only data segment: #GP(0)"
    CHECKV EXC_EIP, .r1, "write to read-only: saved EIP"
    ; readable code in DS: read ok, write #GP(0)
    mov ax, SEL_RX
    mov es, ax
    CHECK [es:0x1000], 0x11223344, "readable code segment in ES: read ok"
    EXPECT 13, .r2_r
.r2: mov byte [es:0x1000], 0
.r2_r:
    CHECKV EXC_EIP, .r2, "write through a code segment: #GP(0)"
    END_SKIP_ON_TCG
    mov ax, KDATA32
    mov es, ax

    ; ------------------------------------------------ LDT
    mov dword [SCR + 0x3000], 0xFEEDFACE
    mov ax, SEL_LDT
    lldt ax
    sldt eax
    CHECK eax, SEL_LDT, "lldt/sldt"
    mov ax, SEL_LDT_DATA
    mov fs, ax
    CHECK [fs:0], 0xFEEDFACE, "data segment from the LDT (base SCR+0x3000)"
    mov ax, fs
    movzx eax, ax
    CHECK eax, SEL_LDT_DATA, "FS holds the TI=1 selector"
    EXPECT 13, .t1_r
    mov ax, 0x0014 | 4                  ; LDT entry 2: beyond LDT limit (0x0F)
.t1: mov gs, ax
.t1_r:
    CHECKV EXC_ERR, 0x0014 | 4, "selector beyond LDT limit: #GP(sel) with TI=1"
    EXPECT 11, .t2_r
    mov ax, 0x0004 | 4 | 0              ; LDT entry 0 is not present
.t2: mov gs, ax
.t2_r:
    CHECKV EXC_VEC, 11, "not-present LDT entry 0 (not a null selector): #NP"
    CHECKV EXC_ERR, 0x0004, "#NP error code has TI=1"
    mov ax, KDATA32
    mov fs, ax
    mov gs, ax

    ; ------------------------------------------------ lar / lsl / verr / verw
    mov eax, 0
    lar eax, [sel_kdata]
    CHECKF 0x40, 0x40, "lar KDATA32: ZF=1"
    CHECKM eax, 0x00F0FF00, 0x00C09300, "lar KDATA32: G=1 D=1 P=1 DPL0 data RW accessed"
    mov ax, KCODE32
    lar ebx, ax
    CHECKM ebx, 0x00F0FE00, 0x00C09A00, "lar KCODE32: code exec/read"
    mov ax, UCODE32
    lar ebx, ax
    CHECKM ebx, 0x0000FE00, 0x0000FA00, "lar UCODE32: DPL3"
    mov ax, SEL_LDT
    lar ebx, ax
    CHECKF 0x40, 0x40, "lar on an LDT descriptor: valid (ZF=1)"
    CHECKM ebx, 0x0000FF00, 0x00008200, "lar LDT: type 2"
    mov ax, SEL_TSSD
    lar ebx, ax
    CHECKF 0x40, 0x40, "lar on a TSS descriptor: valid"
    mov ebx, 0x5555
    xor ax, ax
    lar ebx, ax
    CHECKF 0x40, 0, "lar null selector: ZF=0"
    CHECK ebx, 0x5555, "lar failure leaves the destination unchanged"
    mov ax, 0x2000
    lar ebx, ax
    CHECKF 0x40, 0, "lar beyond GDT limit: ZF=0"
    mov ax, KDATA32 | 3
    lar ebx, ax
    CHECKF 0x40, 0, "lar DPL0 data with RPL3: ZF=0"
    mov ax, SEL_LIM4K
    lsl ebx, ax
    CHECKF 0x40, 0x40, "lsl: ZF=1"
    CHECK ebx, 0xFFF, "lsl byte-granular limit 0xFFF"
    mov ax, KDATA32
    lsl ebx, ax
    CHECK ebx, 0xFFFFFFFF, "lsl page-granular limit 0xFFFFF -> 0xFFFFFFFF"
    mov ax, SEL_LDT
    lsl ebx, ax
    CHECK ebx, 0x0F, "lsl on the LDT descriptor"
    mov ax, SEL_XO
    verr ax
    CHECKF 0x40, 0, "verr execute-only code: ZF=0"
    mov ax, SEL_RX
    verr ax
    CHECKF 0x40, 0x40, "verr readable code: ZF=1"
    mov ax, SEL_RO
    verr ax
    CHECKF 0x40, 0x40, "verr read-only data: ZF=1"
    verw ax
    CHECKF 0x40, 0, "verw read-only data: ZF=0"
    mov ax, KDATA32
    verw ax
    CHECKF 0x40, 0x40, "verw RW data: ZF=1"
    mov ax, KDATA32 | 3
    verw ax
    CHECKF 0x40, 0, "verw DPL0 data with RPL3: ZF=0"
    mov ax, UDATA32
    verw ax
    CHECKF 0x40, 0x40, "verw DPL3 data with RPL3: ZF=1"
    mov ax, SEL_TSSD
    verr ax
    CHECKF 0x40, 0, "verr on a system descriptor: ZF=0"
    ; arpl
    mov ax, 0x0010
    mov bx, 0x0013
    arpl ax, bx
    CHECKF 0x40, 0x40, "arpl raises RPL: ZF=1"
    movzx eax, ax
    CHECK eax, 0x13, "arpl: RPL copied from source"
    mov ax, 0x0013
    mov bx, 0x0010
    arpl ax, bx
    CHECKF 0x40, 0, "arpl with higher RPL already: ZF=0"
    movzx eax, ax
    CHECK eax, 0x13, "arpl: destination unchanged"

    ; ------------------------------------------------ back to real mode
    lidt [rm_idt]
    jmp KCODE16:to_real16

rm_idt: dw 0x3FF
        dd 0
sel_kdata: dw KDATA32

gdt:
    GDT_STANDARD
    DESC SCR, 0xFFF, 0x92, 0x4          ; 0x40 SEL_LIM4K
    DESC SCR, 0xFFF, 0x92, 0x4          ; 0x48 SEL_STK4K
    DESC SCR, 0xFFF, 0x96, 0x4          ; 0x50 SEL_EDOWN (B=1)
    DESC SCR, 0xFFFF, 0x90, 0x4         ; 0x58 SEL_RO
    DESC SCR, 0xFFFF, 0x98, 0x4         ; 0x60 SEL_XO
    DESC SCR, 0xFFFF, 0x12, 0x4         ; 0x68 SEL_NP (P=0)
    DESC ABS32(ldt_table), 0x0F, 0x82, 0x0 ; 0x70 SEL_LDT: 2 entries
    DESC SCR, 0xFFFF, 0x92, 0x4         ; 0x78 SEL_FRESH
    DESC 0, 0xFFFFF, 0xFA, 0xC          ; 0x80 SEL_CODE3
    DESC SCR, 0xFFFF, 0x9A, 0x4         ; 0x88 SEL_RX
    DESC SCR, 0xFFF, 0x96, 0x0          ; 0x90 SEL_EDOWN16 (B=0)
    DESC 0, 0xFFFFF, 0x1A, 0xC          ; 0x98 SEL_NPCODE
    DESC SCR+0x5000, 0x67, 0x89, 0x0    ; 0xA0 SEL_TSSD
gdt_end:

ldt_table:
    DESC SCR, 0xFFFF, 0x12, 0x4         ; 0x04: not-present data
    DESC SCR+0x3000, 0xFFF, 0x92, 0x4   ; 0x0C: data at SCR+0x3000

section .text16
bits 16
; called with a 32-bit far call: return with o32 retf
code16_proc:
    dec ax                              ; 16-bit operand size by default
    mov dx, sp
    push ax
    mov bx, dx
    sub bx, sp                          ; bytes pushed by "push ax"
    pop dx
    movzx ebx, bx
    mov ecx, 0xFFFF
    inc ecx
    o32 retf

; 16-bit protected mode, CS base 0x10000: drop to real mode
to_real16:
    mov ax, KDATA16                     ; 64K limit, base 0, 16-bit
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov eax, cr0
    and eax, ~1
    mov cr0, eax
    jmp RAMSEG:.rm
.rm:
    mov ax, 0x8000
    mov ss, ax
    mov sp, 0xFFF0
    mov ax, cs
    mov ds, ax
    mov es, ax
    mov eax, cr0
    CHECKM eax, 1, 0, "returned to real mode: CR0.PE=0"
    mov ax, 0x2000
    mov es, ax
    mov dword [es:0x10], 0x01020304
    mov ax, 0x2001
    mov fs, ax
    CHECK [fs:0], 0x01020304, "real-mode segment arithmetic works again"
    mov ax, cs
    movzx eax, ax
    CHECK eax, RAMSEG, "CS = 0x1000 in real mode"
    EXPECT 3, 0
    int3
    CHECKV EXC_VEC, 3, "interrupts go through the IVT again (int3)"
    PASS
