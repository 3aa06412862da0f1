; user64.asm - 64-bit user mode under a small ring-0 kernel: what a 64-bit
; OS's processes do between system calls, the part of x86-64 that KVM runs
; natively (on KVM-PVM the only part; tests/scripts/kvm-guests.sh runs this
; program whole under both backends).
;
; Ring 0 enters IA-32e mode with Linux's GDT layout, programs the LAPIC timer
; (periodic, 100 us) and IRETQs to ring 3.  Ring 3: a loop keeping state in
; general, SSE and x87 registers while timer interrupts arrive and return
; (the result must be exact; SDM vol. 3 ch. 6.14), RDTSC and CPUID; faults
; from ring 3 with their vector, error code, CR2 and frame (#DE, #UD, #GP by
; HLT, CLI and a non-canonical address, #PF on a read-only, a supervisor, a
; not-present and an execute-disable page; SDM vol. 3 ch. 4.7, 6.15); a page
; remapped by the kernel with INVLPG.  Ring 3 enters the kernel by INT3
; through a DPL-3 gate (RAX = request): KVM-PVM delivers exceptions and
; interrupts to a guest kernel that is not PVM-aware, but not SYSCALL or
; INT n (long64.asm checks SYSCALL, under the interpreter).
%define GUEST_MODE 32
%include "lib/common.inc"
%include "lib/long64.inc"
%macro RING3_FAIL 0
    int3                        ; check64 from ring 3: RAX = 0xFA11
%endmacro

PML4        equ 0x20000
PDPT        equ 0x21000
PD          equ 0x22000
PT          equ 0x23000         ; 4 KiB pages for 0-2 MiB, all user
PD3         equ 0x24000         ; 3-4 GiB: the LAPIC's 2 MiB page
IDT64       equ 0x1000          ; 0x41 gates
TSS64       equ 0x3000
RSP0_TOP    equ 0x9E000
USTACK_TOP  equ 0x7F000
ROPG        equ 0x30000         ; read-only user page
SUPPG       equ 0x31000         ; supervisor page
NXPG        equ 0x32000         ; execute-disable page
NPPG        equ 0x33000         ; not present
MAPPG       equ 0x34000         ; remapped by the kernel (request REMAP)
PAGE_A      equ 0x35000
PAGE_B      equ 0x36000
LAPIC       equ 0xFEE00000
TICKS       equ 0x5E0           ; timer interrupts
TICKS_U     equ 0x5E8           ;   of them taken in ring 3
NUM         equ 0x5F0           ; the loop's x87 operand
ITER        equ 2000000
TIMER_VEC   equ 0x40

; requests (RAX at INT3)
REQ_FLUSH   equ 0               ; print ring 3's output
REQ_REMAP   equ 1               ; MAPPG -> PAGE_B, INVLPG
REQ_DONE    equ 2               ; stop the timer, PASS


%define PTE(lin) (PT + ((lin) >> 12) * 8)

; REQ n: a request to the kernel
%macro REQ 1
    mov eax, %1
    int3
%endmacro

section .text32
main32:
    PRINTLN "# user64: ring 3 of IA-32e mode"
    ; the 8259s initialised and masked: only the LAPIC timer interrupts
    PIC_MASK_ALL
    ; ------------------------------------------------ page tables
    mov edi, PML4
    xor eax, eax
    mov ecx, 5 * 4096 / 4
    rep stosd
    mov dword [PML4], PDPT | 7
    mov dword [PDPT], PD | 7
    mov dword [PDPT + 3 * 8], PD3 | 3
    mov dword [PD], PT | 7
    mov dword [PD3 + ((LAPIC >> 21) & 511) * 8], LAPIC | 0x9B   ; PS PCD PWT RW P
    mov edi, PT
    mov eax, 7
    mov ecx, 512
.pt: mov [edi], eax
    add eax, 0x1000
    add edi, 8
    loop .pt
    mov dword [PTE(ROPG)], ROPG | 5             ; user, read-only
    mov dword [PTE(SUPPG)], SUPPG | 3           ; supervisor
    mov dword [PTE(NXPG) + 4], 0x80000000       ; XD
    mov dword [PTE(NPPG)], 0                    ; not present
    mov dword [PTE(MAPPG)], PAGE_A | 7
    mov byte [NXPG], 0xC3                       ; ret (never runs)
    mov dword [ROPG], 0x0DDBA11
    mov dword [PAGE_A], 0xAAAA
    mov dword [PAGE_B], 0xBBBB
    ; ------------------------------------------------ TSS, IDT
    mov dword [TSS64 + 4], RSP0_TOP
    mov word [TSS64 + 0x66], 0x68
    call idt64_init
    ; ------------------------------------------------ into long mode
    PAGING_ON64 0x220, 0x900, 0x0C              ; PAE, OSFXSR; LME, NXE; EM, TS off
    lgdt [gdt64_pdesc32]
    jmp KCODE64:long_entry

gdt64_pdesc32:
    dw gdt64_end - gdt64 - 1
    dd gdt64

; the IDT: vectors 0-31 to the library's stubs, 3 (DPL 3) to the kernel's
; request handler, TIMER_VEC to the timer handler
idt64_init:
    mov edi, IDT64
    mov ebx, stubs64
    xor ecx, ecx
.l: mov eax, ebx
    cmp ecx, 3
    jne .g
    mov eax, request
.g: cmp ecx, TIMER_VEC
    jne .s
    mov eax, timer
.s: IDT64_GATE
    add ebx, STUB_SIZE
    add edi, 16
    inc ecx
    cmp ecx, TIMER_VEC + 1
    jb .l
    mov word [IDT64 + 3 * 16 + 4], 0xEE00       ; #BP: DPL 3
    mov edi, IDT64 + 32 * 16                    ; 32..TIMER_VEC-1: not present
    xor eax, eax
    mov ecx, (TIMER_VEC - 32) * 16 / 4
    rep stosd
    ret

; ===========================================================================
bits 64
long_entry:
    LONG64_SETUP
    mov qword [TICKS], 0
    mov qword [TICKS_U], 0
    mov eax, cs
    CHECK64 rax, KCODE64, "64-bit kernel code segment"
    ; ------------------------------------------------ LAPIC timer, 100 us
    mov rdi, LAPIC                              ; (above 2 GiB: not a disp32)
    mov dword [rdi + 0xF0], 0x1FF               ; SVR: enabled
    mov dword [rdi + 0x80], 0                   ; TPR
    mov dword [rdi + 0x3E0], 0xB                ; divide by 1
    mov dword [rdi + 0x320], 0x20000 | TIMER_VEC    ; periodic
    mov dword [rdi + 0x380], 100000
    ; ------------------------------------------------ to ring 3
    push USER_DS
    push USTACK_TOP
    push 0x202                                  ; IF
    push UCODE64
    push user_main
    iretq

; timer interrupt: count (and count ring 3's), EOI
timer:
    inc qword [TICKS]
    test byte [rsp + 8], 3
    jz .k
    inc qword [TICKS_U]
.k: push rax
    mov rax, LAPIC
    mov dword [rax + 0xB0], 0                   ; EOI
    pop rax
    iretq

; INT3 from ring 3, RAX = request (RAX = 0xFA11: a check failed)
request:
    call flush64
    cmp rax, 0xFA11
    je fail64
    cmp rax, REQ_REMAP
    je .remap
    cmp rax, REQ_DONE
    je .done
    iretq
.remap:
    mov qword [PTE(MAPPG)], PAGE_B | 7
    invlpg [MAPPG]
    iretq
.done:
    mov rdi, LAPIC
    mov dword [rdi + 0x380], 0                  ; timer stopped
    mov dword [rdi + 0x320], 0x10000 | TIMER_VEC
    mov eax, cs
    CHECK64 rax, KCODE64, "INT3 from ring 3 ran the kernel at CPL 0"
    PRINT64 {"PASS", 10}
    xor eax, eax
    mov dx, 0xF4
    out dx, eax
.h: hlt
    jmp .h

; ---------------------------------------------------------------- ring 3
user_main:
    mov eax, cs
    CHECK64 rax, UCODE64, "IRETQ to ring 3: CS = __USER_CS"
    mov eax, ss
    CHECK64 rax, USER_DS, "  SS = __USER_DS"
    pushfq
    pop rax
    CHECKM64 rax, 0x200, 0x200, "  IF set"
    REQ REQ_FLUSH
    ; ------------------------------------------------ the loop
    ; a = a * M + i; b = rol(b ^ a, 13) + i; lane0 += a, lanes swapped;
    ; st0 += i & 0xffff (linux-switch.py's expected_sumloop())
    mov r8, 0x0123456789abcdef
    mov r9, 1
    mov r10, 6364136223846793005
    xor edx, edx
    mov r12d, ITER
    pxor xmm0, xmm0
    fninit
    fldz
.loop:
    imul r8, r10
    add r8, rdx
    xor r9, r8
    rol r9, 13
    add r9, rdx
    movq xmm1, r8
    paddq xmm0, xmm1
    pshufd xmm0, xmm0, 0x4e
    mov eax, edx
    and eax, 0xffff
    mov [NUM], eax
    fiadd dword [NUM]
    inc rdx
    cmp rdx, r12
    jb .loop
    fistp qword [NUM]
    CHECK64 r8, 0x2aeed7b772d9a9af, "loop of 2,000,000 under timer interrupts: LCG in R8"
    CHECK64 r9, 0xd433173023f14f0a, "  xor-rotate in R9"
    movq rax, xmm0
    CHECK64 rax, 0xf9d7e3cf1ac7ffe0, "  XMM0 low lane"
    pshufd xmm0, xmm0, 0x4e
    movq rax, xmm0
    CHECK64 rax, 0x635e3b582f1d2a60, "  XMM0 high lane"
    CHECK64 qword [NUM], 0xf223addc0, "  x87 sum (FIADD, FISTP)"
    mov rax, [TICKS_U]
    cmp rax, 1
    sbb eax, eax
    CHECK64 rax, 0, "  timer interrupts arrived in ring 3"
    PRINT64 "# timer interrupts: "
    mov rax, [TICKS]
    call putdec64
    PRINT64 ", in ring 3: "
    mov rax, [TICKS_U]
    call putdec64
    PRINT64 {10}
    REQ REQ_FLUSH
    ; ------------------------------------------------ RDTSC, CPUID
    rdtsc
    shl rdx, 32
    or rdx, rax
    mov rbx, rdx
    pause
    rdtsc
    shl rdx, 32
    or rax, rdx
    cmp rax, rbx
    setae al
    movzx eax, al
    CHECK64 rax, 1, "RDTSC in ring 3 does not go back"
    xor eax, eax
    cpuid
    cmp eax, 1
    setae al
    movzx eax, al
    CHECK64 rax, 1, "CPUID in ring 3: leaf 0 reports leaf 1"
    ; ------------------------------------------------ faults from ring 3
    EXPECT64 0, .de
    xor ecx, ecx
    div rcx
.de:
    CHECK64 qword [X_VEC], 0, "DIV by zero: #DE"
    CHECK64 qword [X_CS], UCODE64, "  frame CS is ring 3's"
    CHECK64 qword [X_SS], USER_DS, "  frame SS is ring 3's"
    EXPECT64 6, .ud
    ud2
.ud:
    CHECK64 qword [X_VEC], 6, "UD2: #UD"
    EXPECT64 13, .hlt
    hlt
.hlt:
    CHECK64 qword [X_VEC], 13, "HLT at CPL 3: #GP"
    CHECK64 qword [X_ERR], 0, "  error code 0"
    EXPECT64 13, .cli
    cli
.cli:
    CHECK64 qword [X_VEC], 13, "CLI at CPL 3, IOPL 0: #GP"
    mov rbx, 0x0000800000000000
    EXPECT64 13, .nc
    mov rax, [rbx]
.nc:
    CHECK64 qword [X_VEC], 13, "non-canonical address: #GP"
    EXPECT64 14, .ro
    mov dword [ROPG], 1
.ro:
    CHECK64 qword [X_VEC], 14, "write to a read-only page: #PF"
    CHECK64 qword [X_ERR], 7, "  error code: P, W, U"
    CHECK64 qword [X_CR2], ROPG, "  CR2"
    CHECK64 qword [ROPG], 0x0DDBA11, "  the page is unchanged"
    EXPECT64 14, .sup
    mov eax, [SUPPG]
.sup:
    CHECK64 qword [X_ERR], 5, "read of a supervisor page: #PF, error P, U"
    EXPECT64 14, .np
    mov eax, [NPPG + 8]
.np:
    CHECK64 qword [X_ERR], 4, "read of a not-present page: #PF, error U"
    CHECK64 qword [X_CR2], NPPG + 8, "  CR2"
    EXPECT64 14, .nx
    call NXPG
.nx:
    CHECK64 qword [X_ERR], 0x15, "fetch from an execute-disable page: #PF, error P, U, I"
    CHECK64 qword [X_RIP], NXPG, "  frame RIP"
    ; ------------------------------------------------ remap + INVLPG
    CHECK64 qword [MAPPG], 0xAAAA, "a page before the kernel remaps it"
    REQ REQ_REMAP
    CHECK64 qword [MAPPG], 0xBBBB, "the same address after the remap and INVLPG"
    REQ REQ_DONE

%include "lib/long64-lib.inc"

idt64_pdesc:
    dw (TIMER_VEC + 1) * 16 - 1
    dq IDT64

; the library's GDT for the boot stub and main32
align 8
gdt:
    GDT_STANDARD
gdt_end:

; Linux's x86-64 layout
align 8
gdt64:
    dq 0                                    ; 0x00 null
    dq 0                                    ; 0x08
    DESC 0, 0xFFFFF, ACC_CODE0, 0xA         ; 0x10 KCODE64 (L=1)
    DESC 0, 0xFFFFF, ACC_DATA0, 0xC         ; 0x18 KDATA64
    DESC 0, 0xFFFFF, ACC_CODE3, 0xC         ; 0x20 __USER32_CS
    DESC 0, 0xFFFFF, ACC_DATA3, 0xC         ; 0x28 USER_DS
    DESC 0, 0xFFFFF, ACC_CODE3, 0xA         ; 0x30 UCODE64 (L=1)
    dq 0                                    ; 0x38
    DESC TSS64, 0x67, 0x89, 0               ; 0x40 64-bit TSS (16 bytes)
    dq 0
gdt64_end:
