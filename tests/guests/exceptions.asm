; exceptions.asm - exception vectors from flat 32-bit protected mode
; (SDM vol. 3 ch. 6 "Interrupt and Exception Handling", ch. 17 debug).
; Each exception is caught by the library catcher (EXPECT), which records the
; vector, error code and the saved CS:EIP/EFLAGS (and SS:ESP on a ring change).
; Note: the library catcher clears TF and sets RF in the saved EFLAGS of #DB.
%define GUEST_MODE 32
%include "lib/common.inc"

TSS0        equ 0x3000          ; ring-0 TSS (ss0:esp0)
TSS_SMALL   equ 0x3100
SEL_TSS0    equ 0x40
SEL_TSSSM   equ 0x48            ; TSS descriptor with limit 0x40 (< 0x67)
SEL_TSSNP   equ 0x50            ; not-present TSS descriptor
SEL_NPDATA  equ 0x58
RING0_ESP   equ 0x9E000
PD          equ 0x20000
PT          equ 0x21000
DATA        equ 0x5000

section .text32
main32:
    PRINTLN "# exceptions: exception vectors, error codes, saved state"
    ; TSS for ring changes
    mov dword [TSS0 + 4], RING0_ESP
    mov dword [TSS0 + 8], KDATA32
    mov word [TSS0 + 0x66], 0x68        ; no I/O bitmap
    mov ax, SEL_TSS0
    ltr ax

; ------------------------------------------------------------------ #DE
    EXPECT 0, .de_r
    xor ecx, ecx
    mov eax, 1
    xor edx, edx
    std
    stc
.de: div ecx
.de_r:
    cld
    CHECKV EXC_VEC, 0, "#DE: vector 0"
    CHECKV EXC_EIP, .de, "#DE: saved EIP = faulting div"
    CHECKV EXC_CS, KCODE32, "#DE: saved CS"
    CHECKM [EXC_EFLAGS], 0x0701, 0x0401, "#DE: saved EFLAGS has CF=1 DF=1 TF=0 IF=0"
    CHECKV EXC_ERR, 0, "#DE: no error code (stub pushed 0)"
    mov eax, STACK32_TOP - 12
    CHECKV EXC_HESP, eax, "#DE: same-privilege frame is EIP,CS,EFLAGS on the current stack"
    EXPECT 0, .de2_r
    mov edx, 5
    mov eax, 0
    mov ecx, 5
.de2: div ecx                           ; quotient 2^32 overflows
.de2_r:
    CHECKV EXC_EIP, .de2, "#DE on quotient overflow (edx:eax / ecx)"
    EXPECT 0, .de3_r
    mov eax, 0x80000000
    cdq
    mov ecx, -1
.de3: idiv ecx
.de3_r:
    CHECKV EXC_EIP, .de3, "#DE on idiv INT_MIN / -1"

; ------------------------------------------------------------------ #DB
    xor eax, eax
    mov dr6, eax
    EXPECT 1, 0
    pushfd
    or dword [esp], 0x100               ; TF
    popfd
.ss1: nop                               ; trap after this instruction
.ss2: nop
    CHECKV EXC_VEC, 1, "single step: #DB vector 1"
    CHECKV EXC_EIP, .ss2, "single step: saved EIP = next instruction (trap)"
    CHECKM [EXC_EFLAGS], 0x100, 0x100, "single step: saved EFLAGS has TF=1"
    CHECKM [EXC_DR6], 0x4000, 0x4000, "single step: DR6.BS=1"
    pushfd
    pop eax
    CHECKM eax, 0x100, 0, "TF cleared after the handler"
    ; icebp / int1 (0xF1)
    SKIP_ON_TCG "icebp (F1) raises #UD instead of #DB (QEMU builds without WANT_ICEBP)"
    EXPECT 1, 0
.ib: db 0xF1
.ib_after:
    CHECKV EXC_VEC, 1, "icebp (F1): #DB vector 1"
    CHECKV EXC_EIP, .ib_after, "icebp: saved EIP after the instruction"
    END_SKIP_ON_TCG
    ; DR0 instruction breakpoint (fault)
    xor eax, eax
    mov dr6, eax
    mov eax, .bp0
    mov dr0, eax
    mov eax, 0x00000001                 ; L0, RW0=00 (exec), LEN0=00
    mov dr7, eax
    EXPECT 1, 0
    mov ebx, 0
.bp0: mov ebx, 1
.bp0_after:
    xor eax, eax
    mov dr7, eax
    CHECKV EXC_VEC, 1, "DR0 execute breakpoint: #DB"
    CHECKV EXC_EIP, .bp0, "execute breakpoint is a fault: saved EIP = the instruction"
    CHECKM [EXC_DR6], 0x4001, 0x0001, "execute breakpoint: DR6.B0=1, BS=0"
    CHECK ebx, 1, "instruction executed after return with RF=1"
    ; DR1 data write breakpoint (trap)
    xor eax, eax
    mov dr6, eax
    mov dword [DATA], 0
    mov eax, DATA
    mov dr1, eax
    mov eax, (1 << 2) | (01b << 20) | (11b << 22)  ; L1, RW1=write, LEN1=4 bytes
    mov dr7, eax
    mov dword [EXC_COUNT], 0
    mov eax, [DATA]                     ; read: no trap for a write breakpoint
    CHECKV EXC_COUNT, 0, "write breakpoint: a read does not trigger"
    EXPECT 1, 0
.wb: mov dword [DATA], 0x1234
.wb_after:
    CHECKV EXC_VEC, 1, "DR1 write breakpoint: #DB"
    CHECKV EXC_EIP, .wb_after, "data breakpoint is a trap: saved EIP after the write"
    CHECKM [EXC_DR6], 0x000F, 0x0002, "data breakpoint: DR6.B1=1 only"
    CHECK [DATA], 0x1234, "the write completed before the trap"
    EXPECT 1, 0
.wb2: mov byte [DATA+3], 0x55           ; overlaps the 4-byte range
.wb2_after:
    CHECKV EXC_EIP, .wb2_after, "byte write inside the 4-byte range triggers"
    ; DR2 read/write breakpoint, LEN=2
    xor eax, eax
    mov dr6, eax
    mov eax, DATA + 8
    mov dr2, eax
    mov eax, (1 << 4) | (11b << 24) | (01b << 26)  ; L2, RW2=read/write, LEN2=2
    mov dr7, eax
    EXPECT 1, 0
.rb: mov eax, [DATA + 6]                ; dword read overlapping DATA+8
.rb_after:
    CHECKV EXC_EIP, .rb_after, "read/write breakpoint triggered by an overlapping read"
    CHECKM [EXC_DR6], 0x000F, 0x0004, "DR6.B2=1"
    SKIP_ON_TCG "QEMU reports a data breakpoint for a nearby non-overlapping read"
    mov dword [EXC_COUNT], 0
    mov eax, [DATA + 10]
    CHECKV EXC_COUNT, 0, "no trigger for a read outside the 2-byte range"
    END_SKIP_ON_TCG
    xor eax, eax
    mov dr7, eax
    mov dr6, eax

; ------------------------------------------------------------------ #BP / #OF / #BR
    EXPECT 3, 0
.i3: int3
.i3_after:
    CHECKV EXC_VEC, 3, "int3: vector 3"
    CHECKV EXC_EIP, .i3_after, "int3: saved EIP after the instruction (trap)"
    EXPECT 3, 0
    int 3
.i3b_after:
    CHECKV EXC_EIP, .i3b_after, "int 3 (CD 03): saved EIP after"
    EXPECT 4, 0
    mov eax, 0x7FFFFFFF
    inc eax                             ; OF=1
    into
.into_after:
    CHECKV EXC_VEC, 4, "into with OF=1: #OF vector 4"
    CHECKV EXC_EIP, .into_after, "#OF: saved EIP after into (trap)"
    mov dword [DATA], 0
    mov dword [DATA+4], 100
    EXPECT 5, .br_r
    mov eax, 101
.br: bound eax, [DATA]
.br_r:
    CHECKV EXC_VEC, 5, "bound out of range: #BR vector 5"
    CHECKV EXC_EIP, .br, "#BR: saved EIP = bound (fault)"

; ------------------------------------------------------------------ #UD
%macro UDTEST 2+                        ; "desc", instruction bytes
    EXPECT 6, %%r
%%i: %2
%%r:
    CHECKV EXC_VEC, 6, %1
    CHECKV EXC_EIP, %%i, "  ... saved EIP at the first byte (prefixes included)"
%endmacro
    UDTEST "ud2: #UD", ud2
    UDTEST "0F FF (ud0): #UD", db 0x0F, 0xFF, 0x00
    UDTEST "lock nop: #UD", db 0xF0, 0x90
    UDTEST "lock add eax,ebx (register destination): #UD", db 0xF0, 0x01, 0xD8
    SKIP_ON_TCG "lock prefix on mov [mem], reg is not rejected"
    UDTEST "lock mov [mem], eax: #UD", db 0xF0, 0x89, 0x05, 0x00, 0x50, 0x00, 0x00
    END_SKIP_ON_TCG
    UDTEST "mov cs, ax: #UD", db 0x8E, 0xC8
    UDTEST "lea eax, ebx (mod=11): #UD", db 0x8D, 0xC3
    UDTEST "FF /7: #UD", db 0xFF, 0xF8
    UDTEST "FE /2: #UD", db 0xFE, 0xD0
    UDTEST "mov eax, cr1: #UD", db 0x0F, 0x20, 0xC8
    UDTEST "66 prefix + ud2: EIP at the prefix", db 0x66, 0x0F, 0x0B
    mov dword [DATA], 0
    lock add dword [DATA], 5            ; a valid lock
    CHECK [DATA], 5, "lock add [mem], imm: valid, no #UD"

; ------------------------------------------------------------------ #TS / #NP / #SS
    EXPECT 10, .ts_r
.ts: jmp SEL_TSSSM:0
.ts_r:
    CHECKV EXC_VEC, 10, "jmp to a TSS with limit < 0x67: #TS"
    CHECKV EXC_ERR, SEL_TSSSM, "#TS error code = new TSS selector"
    CHECKV EXC_EIP, .ts, "#TS: saved EIP at the jmp"
    EXPECT 11, .np_r
.np: jmp SEL_TSSNP:0
.np_r:
    CHECKV EXC_VEC, 11, "jmp to a not-present TSS: #NP"
    CHECKV EXC_ERR, SEL_TSSNP, "#NP error code = TSS selector"
    EXPECT 11, .np2_r
    mov ax, SEL_NPDATA
.np2: mov es, ax
.np2_r:
    CHECKV EXC_ERR, SEL_NPDATA, "not-present data segment: #NP(sel)"
    EXPECT 12, .ss_r
    mov ax, SEL_NPDATA
.ss: mov ss, ax
.ss_r:
    CHECKV EXC_VEC, 12, "not-present segment into SS: #SS"
    CHECKV EXC_ERR, SEL_NPDATA, "#SS error code = selector"
    CHECKV EXC_EIP, .ss, "#SS: saved EIP at the mov ss"

; ------------------------------------------------------------------ #GP
    SKIP_ON_TCG "mov cr0 with PG=1 PE=0 is not rejected (QEMU enables paging)"
    EXPECT 13, .gp1_r
    mov eax, cr0
    and eax, ~1
    or eax, 0x80000000
.gp1: mov cr0, eax                      ; PG=1 with PE=0
.gp1_r:
    CHECKV EXC_VEC, 13, "mov cr0 with PG=1 PE=0: #GP"
    CHECKV EXC_ERR, 0, "#GP(0)"
    CHECKV EXC_EIP, .gp1, "#GP: saved EIP at mov cr0"
    END_SKIP_ON_TCG
    ; IDT-related error codes: IDT bit (1), EXT bit (0)
    SET_IDT 0x50, 0, 0x0E               ; interrupt gate, P=0
    EXPECT 11, .gp2_r
.gp2: int 0x50
.gp2_r:
    CHECKV EXC_VEC, 11, "int 0x50 with a not-present gate: #NP"
    CHECKV EXC_ERR, 0x50*8 + 2, "#NP error code = vector*8 + IDT bit (EXT=0 for int n)"
    CHECKV EXC_EIP, .gp2, "#NP: saved EIP at the int instruction"
    mov dword [IDT_BASE + 0x51*8], 0
    mov dword [IDT_BASE + 0x51*8+4], 0x00009200   ; a data descriptor in the IDT
    EXPECT 13, .gp3_r
.gp3: int 0x51
.gp3_r:
    CHECKV EXC_VEC, 13, "int through a non-gate IDT descriptor: #GP"
    CHECKV EXC_ERR, 0x51*8 + 2, "#GP error code = vector*8 + 2"
    lidt [small_idt]                    ; limit covers vectors 0..0x5F
    EXPECT 13, .gp4_r
.gp4: int 0x60
.gp4_r:
    lidt [idt_pdesc32]
    CHECKV EXC_VEC, 13, "int beyond the IDT limit: #GP"
    CHECKV EXC_ERR, 0x60*8 + 2, "beyond IDT limit: error code vector*8 + 2"
    ; a benign exception whose gate is not present: #NP with EXT=1
    and byte [IDT_BASE + 6*8 + 5], 0x7F
    EXPECT 11, .gp5_r
.gp5: ud2
.gp5_r:
    or byte [IDT_BASE + 6*8 + 5], 0x80
    CHECKV EXC_VEC, 11, "#UD with a not-present gate: #NP (no #DF: #UD is benign)"
    SKIP_ON_TCG "the EXT bit is not set for faults during exception delivery"
    CHECKV EXC_ERR, 6*8 + 3, "#NP error code = 6*8 + IDT + EXT"
    END_SKIP_ON_TCG
    CHECKV EXC_EIP, .gp5, "saved EIP = the ud2"
    and byte [IDT_BASE + 3*8 + 5], 0x7F
    EXPECT 11, .gp6_r
.gp6: int3
.gp6_r:
    or byte [IDT_BASE + 3*8 + 5], 0x80
    CHECKV EXC_ERR, 3*8 + 2, "int3 with a not-present gate: #NP(3*8+2), EXT=0"
    CHECKV EXC_EIP, .gp6, "int3 #NP: saved EIP at the int3 (fault)"

; ------------------------------------------------------------------ #DF
    and byte [IDT_BASE + 13*8 + 5], 0x7F
    EXPECT 8, .df1_r
    mov ax, 0x1000                      ; beyond GDT limit -> #GP
.df1: mov ds, ax
.df1_r:
    or byte [IDT_BASE + 13*8 + 5], 0x80
    mov ax, KDATA32
    mov ds, ax
    CHECKV EXC_VEC, 8, "#GP while its gate is not present (#NP): #DF"
    CHECKV EXC_ERR, 0, "#DF error code 0"
    lidt [idt13]                        ; IDT limit: vectors 0..12 only
    EXPECT 8, .df2_r
    mov ax, 0x1000
.df2: mov ds, ax
.df2_r:
    lidt [idt_pdesc32]
    mov ax, KDATA32
    mov ds, ax
    CHECKV EXC_VEC, 8, "#GP whose vector is beyond the IDT limit: #DF"
    CHECKV EXC_ERR, 0, "#DF error code 0"
    and byte [IDT_BASE + 0*8 + 5], 0x7F
    EXPECT 8, .df3_r
    xor ecx, ecx
.df3: div ecx
.df3_r:
    or byte [IDT_BASE + 0*8 + 5], 0x80
    CHECKV EXC_VEC, 8, "#DE then #NP on its gate (contributory + contributory): #DF"

; ------------------------------------------------------------------ #PF (basic; see paging.asm)
    mov edi, PD
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PD], PT | 3
    mov edi, PT
    mov eax, 3
    mov ecx, 1024
.ptl: stosd
    add eax, 0x1000
    loop .ptl
    mov dword [PT + 0x300*4], 0          ; page 0x300000 not present
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    EXPECT 14, .pf1_r
.pf1: mov eax, [0x300123]
.pf1_r:
    CHECKV EXC_VEC, 14, "read of a not-present page: #PF"
    CHECKV EXC_ERR, 0, "#PF error code 0 (not present, read, supervisor)"
    CHECKV EXC_CR2, 0x300123, "CR2 = faulting linear address"
    CHECKV EXC_EIP, .pf1, "#PF saved EIP at the access"
    EXPECT 14, .pf2_r
.pf2: mov dword [0x500000], 1           ; no page table for 4-8 MiB
.pf2_r:
    CHECKV EXC_ERR, 2, "write to a not-present PDE: #PF error code 2"
    CHECKV EXC_CR2, 0x500000, "CR2 for the PDE-level fault"
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax

; ------------------------------------------------------------------ #AC at CPL3
    mov eax, cr0
    or eax, 1 << 18                     ; CR0.AM
    mov cr0, eax
    pushfd
    or dword [esp], 1 << 18             ; EFLAGS.AC at CPL0: no checking
    popfd
    mov dword [EXC_COUNT], 0
    mov eax, [DATA + 1]
    CHECKV EXC_COUNT, 0, "misaligned access at CPL0 with AM=AC=1: no #AC"
    pushfd
    and dword [esp], ~(1 << 18)
    popfd
    mov [saved_esp], esp
    SET_IDT 0x30, back_to_ring0, 0xEE   ; DPL3 interrupt gate
    push dword UDATA32                  ; SS
    push dword 0x9D000                  ; ESP
    push dword 0x3002 | (1 << 18)       ; EFLAGS: IOPL=3, AC=1
    push dword UCODE32
    push dword ring3
    iretd

ring3:
    mov ax, UDATA32
    mov ds, ax
    mov es, ax
    mov ax, cs
    movzx eax, ax
    CHECK eax, UCODE32, "running at CPL3"
    SKIP_ON_TCG "alignment checking (#AC) is not implemented"
    EXPECT 17, .ac1_r
.ac1: mov eax, [DATA + 1]
.ac1_r:
    CHECKV EXC_VEC, 17, "misaligned dword read at CPL3, AM=AC=1: #AC"
    CHECKV EXC_ERR, 0, "#AC error code 0"
    CHECKV EXC_EIP, .ac1, "#AC saved EIP at the access"
    CHECKV EXC_CS, UCODE32, "#AC saved CS = ring-3 CS"
    CHECKV EXC_ESP, 0x9D000, "#AC frame has the ring-3 ESP (stack switch)"
    CHECKV EXC_SS, UDATA32, "#AC frame has the ring-3 SS"
    mov eax, RING0_ESP - 20
    CHECKV EXC_HESP, eax, "#AC frame pushed on the TSS ss0:esp0 stack"
    EXPECT 17, .ac2_r
.ac2: mov word [DATA + 3], 1
.ac2_r:
    CHECKV EXC_VEC, 17, "misaligned word write at CPL3: #AC"
    END_SKIP_ON_TCG
    mov dword [EXC_COUNT], 0
    mov eax, [DATA + 4]
    mov ax, [DATA + 2]
    mov al, [DATA + 1]
    CHECKV EXC_COUNT, 0, "aligned accesses and byte accesses: no #AC"
    int 0x30

back_to_ring0:
    mov ax, KDATA32
    mov ds, ax
    mov es, ax
    mov esp, [saved_esp]
    mov eax, cr0
    and eax, ~(1 << 18)
    mov cr0, eax
    PASS

saved_esp: dd 0
small_idt: dw 0x60*8 - 1
           dd IDT_BASE
idt13:     dw 13*8 - 1
           dd IDT_BASE

gdt:
    GDT_STANDARD
    DESC TSS0, 0x67, 0x89, 0            ; 0x40
    DESC TSS_SMALL, 0x40, 0x89, 0       ; 0x48 limit too small
    DESC TSS_SMALL, 0x67, 0x09, 0       ; 0x50 not present
    DESC 0, 0xFFFFF, 0x12, 0xC          ; 0x58 not-present data
gdt_end:
