; long64.asm - x86-64 long mode (SDM vol. 3 ch. 2.5, 4.5, 5.8.8, 6.14, 9.8):
; from flat protected mode through PAE + 4-level page tables, EFER.LME and
; CR0.PG into IA-32e mode and a 64-bit code segment.  Ring 0: FS/GS bases,
; SWAPGS, CPUID, CR8, the upper canonical half, an NX fetch #PF, compatibility
; mode by JMP m16:32 and IRETQ, RETFQ, MTRR/PAT MSRs, a 16-byte LDT
; descriptor with a base above 4 GiB; then SYSRET to ring 3, where 64-bit
; arithmetic, RIP-relative data, a 2 MiB page, CMPXCHG16B, canonical #GP/#SS,
; INT3 through an IST gate, a user and a supervisor page, SWAPGS #GP and the
; SYSRET state are checked; SYSCALL back to ring 0: RDTSCP, PLATFORM_ID and
; BIOS_SIGN_ID, LAR of the 64-bit TSS, a far CALL through a 16-byte call
; gate, SYSEXIT (REX.W) and SYSENTER, SYSRET to compatibility mode.
; Long mode uses Linux's GDT layout, STAR and user RFLAGS (IF set), as KVM-PVM
; runs ring 3 natively with exactly those; ring 3 prints through a buffer
; that ring 0 flushes (no I/O privilege there under PVM).  Under PVM the
; SYSCALL from ring 3 is the limit (tests/scripts/kvm-guests.sh), so the
; ring-0 checks that KVM's emulator can run come before ring 3.
%define GUEST_MODE 32
%include "lib/common.inc"
%include "lib/long64.inc"
%macro RING3_FAIL 0
    syscall                     ; check64 from ring 3: the kernel prints, exits
%endmacro

PML4        equ 0x20000
PDPT        equ 0x21000
PD          equ 0x22000
PT          equ 0x23000         ; 4 KiB pages for 0-2 MiB
PDPT2       equ 0x24000         ; PML4[1]: linear 512 GiB + x ->
PD2         equ 0x25000         ;   physical 2 MiB + x (one 2 MiB page)
LDT_LIN     equ 0x8000006000    ; an LDT above 4 GiB (physical 0x206000)
IDT64       equ 0x1000          ; 256 x 16 bytes
TSS64       equ 0x3000
RSP0_TOP    equ 0x9E000         ; ring-0 stack (TSS.RSP0)
IST1_TOP    equ 0x9C000         ; IST1 stack
USTACK_TOP  equ 0x7F000         ; ring-3 stack
SUPPG       equ 0x30000         ; supervisor-only page
NXPG        equ 0x31000         ; execute-disable page
CMPX        equ 0x32000         ; CMPXCHG16B operand
HIGH_HALF   equ 0xFFFF800000000000  ; PML4[256]: the same first GiB

SYS_RCX     equ 0x560
SYS_R11     equ 0x568
SYS_RSP     equ 0x570
SYS_CS      equ 0x578
SYS_SS      equ 0x580
SE_CS       equ 0x5B8           ; SYSEXIT/SYSENTER results
SE_SS       equ 0x5C0
SE_CS2      equ 0x5C8
SE_RSP      equ 0x5D0
SYSRET_FL   equ 0x590           ; state right after SYSRET, checked later
SYSRET_CS   equ 0x598
SYSRET_SS   equ 0x5A0
PF_CS       equ 0x5A8           ; CS in the #PF frame from ring 3
PF_SS       equ 0x5B0           ; SS after the IRETQ back

SEL_LDT     equ 0x50            ; 16-byte descriptor
SEL_GATE    equ 0x60            ; 16-byte 64-bit call gate
; RFLAGS for ring 3 (R11 at SYSRET): IF as Linux's user mode (KVM-PVM runs
; ring 3 natively with the host's IF = 1, IOPL = 0 whatever R11 says), and
; every arithmetic flag set, so that only a load from R11 gives this value
USER_FLAGS  equ 0x0AD7          ; OF IF SF ZF AF PF CF, bit 1

STAR        equ 0xC0000081
LSTAR       equ 0xC0000082
FMASK       equ 0xC0000084
FS_BASE     equ 0xC0000100
GS_BASE     equ 0xC0000101
KGS_BASE    equ 0xC0000102
TSC_AUX     equ 0xC0000103

%define PTE(lin) (PT + ((lin) >> 12) * 8)

section .text32
main32:
    PRINTLN "# long64: IA-32e mode"
    ; ------------------------------------------------ page tables
    mov edi, PML4
    xor eax, eax
    mov ecx, 6 * 4096 / 4
    rep stosd
    mov dword [PML4], PDPT | 7
    mov dword [PML4 + 256 * 8], PDPT | 7        ; 0xFFFF800000000000 -> same
    mov dword [PDPT], PD | 7
    mov dword [PD], PT | 7
    mov dword [PD + 8], 0x200000 | 0x87         ; 2-4 MiB: one 2 MiB page
    mov dword [PML4 + 8], PDPT2 | 7
    mov dword [PDPT2], PD2 | 7
    mov dword [PD2], 0x200000 | 0x87
    mov edi, PT                                 ; 0-2 MiB: user RW 4 KiB pages
    mov eax, 7
    mov ecx, 512
.pt: mov [edi], eax
    mov dword [edi + 4], 0
    add eax, 0x1000
    add edi, 8
    loop .pt
    mov dword [PTE(SUPPG)], SUPPG | 3           ; supervisor only
    mov dword [PTE(NXPG) + 4], 0x80000000       ; XD
    mov byte [NXPG], 0xC3                       ; ret (never runs)
    mov dword [SUPPG], 0x5EC0DE
    ; ------------------------------------------------ TSS, IDT
    mov dword [TSS64 + 4], RSP0_TOP             ; RSP0
    mov dword [TSS64 + 0x24], IST1_TOP          ; IST1
    mov word [TSS64 + 0x66], 0x68               ; no I/O bitmap
    call idt64_init
    ; ------------------------------------------------ into long mode
    PAGING_ON64 0x20, 0x901, 0                  ; PAE; LME, NXE, SCE
    mov ecx, EFER
    rdmsr
    CHECKM eax, 0x500, 0x500, "EFER.LMA set by CR0.PG with LME"
    lgdt [gdt64_pdesc32]
    jmp KCODE64:long_entry

gdt64_pdesc32:
    dw gdt64_end - gdt64 - 1
    dd gdt64

; the 64-bit IDT: interrupt gates to stubs64 (vector 3: IST1, DPL3)
idt64_init:
    mov edi, IDT64
    mov ebx, stubs64
    xor ecx, ecx
.l: mov eax, ebx
    IDT64_GATE
    add ebx, STUB_SIZE
    add edi, 16
    inc ecx
    cmp ecx, 32
    jb .l
    mov word [IDT64 + 3 * 16 + 4], 0xEE01       ; #BP: DPL3, IST1
    mov word [IDT64 + 12 * 16 + 4], 0x8E01      ; #SS: IST1 (faults on a bad RSP)
    ret

; ===========================================================================
bits 64

long_entry:
    LONG64_SETUP
    CHECK64 1, 1, "64-bit code segment reached"
    mov eax, cs
    CHECK64 rax, KCODE64, "CS = 64-bit code selector"

    ; ------------------------------------------------ FS/GS, SWAPGS, CPUID, RDTSCP
    mov ecx, FS_BASE
    mov eax, qdata
    xor edx, edx
    wrmsr
    mov rax, [fs:0]
    CHECK64 rax, 0xCAFEF00DDEADBEEF, "FS base from IA32_FS_BASE"
    mov ecx, GS_BASE
    mov eax, 0x1111
    xor edx, edx
    wrmsr
    mov ecx, KGS_BASE
    mov eax, 0x2222
    mov edx, 0x1
    wrmsr
    swapgs
    mov ecx, GS_BASE
    rdmsr
    shl rdx, 32
    or rax, rdx
    CHECK64 rax, 0x100002222, "SWAPGS: GS base = old KERNEL_GS_BASE"
    mov ecx, KGS_BASE
    rdmsr
    CHECK64 rax, 0x1111, "SWAPGS: KERNEL_GS_BASE = old GS base"
    mov ax, KDATA64
    mov fs, ax                                  ; selector load: base from descriptor
    mov ecx, FS_BASE
    rdmsr
    CHECK64 rax, 0, "MOV FS loads base 0 from the descriptor"
    mov eax, 0x80000001
    cpuid
    mov eax, edx
    CHECKM64 rax, 0x20100800, 0x20100800, "CPUID 80000001h: LM, NX, SYSCALL"
    mov eax, 0x80000001                         ; TSC_AUX exists with RDTSCP
    cpuid
    bt edx, 27
    jnc .no_tsc_aux
    mov ecx, TSC_AUX
    mov eax, 0x5A
    xor edx, edx
    wrmsr
.no_tsc_aux:
    mov rax, cr8
    CHECK64 rax, 0, "CR8 (TPR) reads 0"
    ; ring 0: KVM-PVM keeps the upper half from ring 3
    mov rax, HIGH_HALF + qdata
    mov rax, [rax]
    CHECK64 rax, 0xCAFEF00DDEADBEEF, "upper canonical half maps the same page"


    ; ------------------------------------------------ NX
    EXPECT64 14, .nx_done
    mov rax, NXPG
    call rax
.nx_done:
    CHECK64 qword [X_VEC], 14, "fetch from an XD page: #PF"
    CHECK64 qword [X_ERR], 0x11, "  error code: P, I/D"
    CHECK64 qword [X_CR2], NXPG, "  CR2 = the page"

    ; ------------------------------------------------ compatibility mode
    jmp dword far [rel compat_ptr]              ; m16:32 -> 32-bit code segment
compat_back:
    CHECK64 r12, 4, "compatibility mode: 48 is DEC EAX"
    CHECK64 r13, KCODE32, "compatibility mode: CS = 32-bit code"
    ; IRETQ into compatibility mode, back with a far JMP
    mov rax, rsp
    push KDATA64
    push rax
    pushfq
    push KCODE32
    push compat2
    iretq
compat2_back:
    CHECK64 r12, 0x77, "IRETQ to compatibility mode and far JMP back"
    ; RETFQ to the same level
    push KCODE64
    lea rax, [rel .rf]
    push rax
    o64 retf
.rf:
    OKMSG64 "RETF with REX.W"

    ; ------------------------------------------------ MTRRs, PAT
    mov ecx, 0xFE
    rdmsr
    CHECK64 rax, 0x508, "MTRRcap: 8 variable ranges, fixed ranges, WC"
    mov ecx, 0x200
    mov eax, 0x100006                           ; PhysBase0: 1 MiB, WB
    xor edx, edx
    wrmsr
    rdmsr
    CHECK64 rax, 0x100006, "MTRR PhysBase0 reads back"
    EXPECT64 13, .mtrr_gp
    mov ecx, 0x200
    mov eax, 0x100002                           ; memory type 2 is reserved
    xor edx, edx
    wrmsr
.mtrr_gp:
    CHECK64 qword [X_VEC], 13, "MTRR with a reserved memory type: #GP"
    mov ecx, 0x277
    rdmsr
    shl rdx, 32
    or rax, rdx
    CHECK64 rax, 0x0007040600070406, "PAT power-on value"
    ; ------------------------------------------------ 16-byte LDT descriptor
    mov rdi, LDT_LIN
    mov rax, 0x00CF93100000FFFF                 ; data, base 0x100000
    mov [rdi + 8], rax
    mov ax, SEL_LDT
    lldt ax
    mov ax, 0x0C                                ; LDT entry 1
    mov fs, ax
    mov ecx, FS_BASE
    rdmsr
    CHECK64 rax, 0x100000, "LLDT: 16-byte descriptor with base 63:32 (FS from the LDT)"
    ; ------------------------------------------------ ring 3 via SYSRET
    mov ecx, STAR
    xor eax, eax
    mov edx, (USER32_CS & ~3) << 16 | KCODE64   ; as Linux: SYSRET base 0x20, SYSCALL 0x10
    wrmsr
    mov ecx, LSTAR
    mov rax, syscall_entry
    mov rdx, rax
    shr rdx, 32
    wrmsr
    mov ecx, FMASK
    mov eax, 0x4700                             ; clear TF, IF, DF, NT (as Linux)
    xor edx, edx
    wrmsr
    mov rcx, user_code
    mov r11, USER_FLAGS
    mov rsp, USTACK_TOP
    o64 sysret

; ring 3, 64-bit
user_code:
    pushfq
    pop qword [SYSRET_FL]
    mov eax, cs
    mov [SYSRET_CS], rax
    mov eax, ss
    mov [SYSRET_SS], rax
    ; ring 3 runs natively under KVM-PVM: the computational checks are here
    ; ------------------------------------------------ arithmetic
    mov rax, 0x123456789ABCDEF0
    mov rcx, 0x0FEDCBA987654321
    add rax, rcx
    CHECK64 rax, 0x2222222222222211, "64-bit ADD with imm64 operands"
    mov rax, 0xFFFFFFFFFFFFFFFF
    mov eax, 5
    CHECK64 rax, 5, "32-bit MOV zero-extends into RAX"
    mov rax, -1
    add eax, 1
    CHECK64 rax, 0, "32-bit ADD zero-extends (carry out of bit 31 lost)"
    mov rax, 0x100000000
    mov rcx, 0x300000000
    mul rcx
    CHECK64 rdx, 3, "MUL r64: high half in RDX"
    CHECK64 rax, 0, "MUL r64: low half in RAX"
    mov rax, -7
    cqo
    mov rcx, 2
    idiv rcx
    CHECK64 rax, -3, "IDIV r64 quotient"
    CHECK64 rdx, -1, "IDIV r64 remainder"
    mov ecx, 0x80000000
    movsxd rax, ecx
    CHECK64 rax, 0xFFFFFFFF80000000, "MOVSXD sign-extends"
    mov r9, 0x0102030405060708
    bswap r9
    CHECK64 r9, 0x0807060504030201, "BSWAP r64 (R9)"
    mov rax, 1
    shl rax, 63
    CHECK64 rax, 0x8000000000000000, "SHL r64 by 63"
    mov r8, 0x1111
    mov sil, 0x22                               ; REX byte register
    movzx r10d, sil
    lea r11, [r8 + r10 * 4 + 1]
    CHECK64 r11, 0x1111 + 0x88 + 1, "LEA with R8/R10 base/index, SIL"
    mov rax, [rel qdata]
    CHECK64 rax, 0xCAFEF00DDEADBEEF, "RIP-relative load"
    mov qword [rel qdata2], 0x77
    CHECK64 qword [qdata2], 0x77, "RIP-relative store"
    push qword 0x1234
    pop rcx
    CHECK64 rcx, 0x1234, "PUSH imm / POP r64"
    mov rbx, rsp
    push ax
    mov rcx, rbx
    sub rcx, rsp
    pop ax
    CHECK64 rcx, 2, "16-bit PUSH moves RSP by 2"
    call near_fn
    CHECK64 rax, 0x42, "CALL/RET near in 64-bit mode"
    mov dword [0x300000], 0xABCD
    CHECK64 qword [0x300000], 0xABCD, "2 MiB page (PD entry with PS)"

    ; ------------------------------------------------ CMPXCHG16B
    mov qword [CMPX], 1
    mov qword [CMPX + 8], 2
    mov rax, 1
    mov rdx, 2
    mov rbx, 0x33
    mov rcx, 0x44
    lock cmpxchg16b [CMPX]
    setz al
    movzx eax, al
    CHECK64 rax, 1, "CMPXCHG16B equal: ZF=1"
    CHECK64 qword [CMPX + 8], 0x44, "CMPXCHG16B stored RCX:RBX"
    EXPECT64 13, .cx_done
    cmpxchg16b [CMPX + 8]
.cx_done:
    CHECK64 qword [X_VEC], 13, "CMPXCHG16B misaligned: #GP"

    ; ------------------------------------------------ canonical addresses
    EXPECT64 13, .nc_done
    mov rax, 0x0000800000000000
    mov rax, [rax]
.nc_done:
    CHECK64 qword [X_VEC], 13, "non-canonical data access: #GP"
    CHECK64 qword [X_ERR], 0, "  error code 0"
    EXPECT64 12, .ncs_done
    mov rbx, rsp
    mov rsp, 0x0000800000000010
    push rax
.ncs_done:
    mov rsp, rbx
    CHECK64 qword [X_VEC], 12, "non-canonical stack access: #SS"

    ; ------------------------------------------------ #BP through IST1
    EXPECT64 3, 0
    int3
    CHECK64 qword [X_VEC], 3, "INT3 at CPL 3 through a DPL-3 64-bit gate"
    mov rax, [X_HRSP]
    and rax, ~0xFFF
    CHECK64 rax, IST1_TOP - 0x1000, "handler ran on the IST1 stack"

    CHECK64 qword [qdata], 0xCAFEF00DDEADBEEF, "ring 3 reads a user page"
    EXPECT64 14, .u_pf
    mov eax, [SUPPG]
.u_pf:
    CHECK64 qword [X_VEC], 14, "ring 3 read of a supervisor page: #PF"
    CHECK64 qword [X_ERR], 5, "  error code: P, U/S"
    mov rax, [X_CS]
    mov [PF_CS], rax
    mov eax, ss
    mov [PF_SS], rax
    EXPECT64 13, .u_gp
    swapgs
.u_gp:
    CHECK64 qword [X_VEC], 13, "SWAPGS at CPL 3: #GP"
    ; the SYSRET state (KVM-PVM: hardware CS/SS/RFLAGS, see USER_FLAGS)
    CHECK64 qword [SYSRET_CS], UCODE64, "SYSRET: CS = STAR[63:48] + 16, RPL 3"
    CHECK64 qword [SYSRET_SS], USER_DS, "SYSRET: SS = STAR[63:48] + 8"
    CHECK64 qword [SYSRET_FL], USER_FLAGS, "SYSRET: RFLAGS from R11"
    CHECK64 qword [PF_CS], UCODE64, "#PF frame: CS of ring 3"
    CHECK64 qword [PF_SS], USER_DS, "IRETQ back to ring 3 reloaded SS"
    mov rbp, rsp
    std
    syscall
.after_sc:
    hlt                                         ; not reached: the kernel goes on

syscall_entry:                                  ; ring 0, user RSP
    call flush64
    cmp rax, 0xFA11
    je fail64                                   ; a check failed in ring 3
    mov [SYS_RCX], rcx
    mov [SYS_R11], r11
    mov [SYS_RSP], rsp
    mov eax, cs
    mov [SYS_CS], rax
    mov eax, ss
    mov [SYS_SS], rax
    mov rsp, RSP0_TOP
    CHECK64 qword [SYS_CS], KCODE64, "SYSCALL: CS = STAR[47:32]"
    CHECK64 qword [SYS_SS], KDATA64, "SYSCALL: SS = STAR[47:32] + 8"
    CHECK64 qword [SYS_RCX], user_code.after_sc, "SYSCALL: RCX = return RIP"
    CHECKM64 qword [SYS_R11], 0x0600, 0x0600, "SYSCALL: R11 = RFLAGS (IF, DF)"
    pushfq
    pop rax
    CHECKM64 rax, 0x600, 0, "SYSCALL: FMASK cleared IF, DF"
    CHECK64 qword [SYS_RSP], rbp, "SYSCALL keeps the user RSP"
    ; RDTSCP where CPUID reports it (KVM-PVM hosts may not: after the PVM
    ; limit, so that the check numbers before it are the interpreter's)
    mov eax, 0x80000001
    cpuid
    bt edx, 27
    jc .rdtscp_k
    PRINT64 {"# RDTSCP not reported by CPUID: not tested", 10}
    jmp .rdtscp_k_done
.rdtscp_k:
    xor ecx, ecx
    rdtscp
    CHECK64 rcx, 0x5A, "RDTSCP: ECX = TSC_AUX"
.rdtscp_k_done:
    ; ------------------------------------------------ MSRs Linux reads on Intel
    ; (after the PVM limit: Bochs has neither, and stops here)
    mov ecx, 0x17
    rdmsr
    CHECK64 rax, 0, "IA32_PLATFORM_ID reads 0"
    mov ecx, 0x8b
    xor eax, eax
    xor edx, edx
    wrmsr
    mov edx, 1
    rdmsr
    CHECK64 rdx, 0, "IA32_BIOS_SIGN_ID: microcode revision 0 after a write of 0"
    ; ------------------------------------------------ LAR, 64-bit call gate
    ; (KVM's emulator has neither: after the PVM limit)
    mov ax, SEL_TSS64
    xor eax, eax
    mov cx, SEL_TSS64
    lar eax, cx
    CHECKM64 rax, 0xFF00, 0x8B00, "LAR: busy 64-bit TSS"
    call dword far [rel gate_ptr]
.gate_back:
    CHECK64 r12, 0x77AA, "far CALL through a 16-byte call gate"
    CHECK64 r13, .gate_back, "  8-byte return RIP"
    CHECK64 r14, KCODE64, "  8-byte CS"
    ; ------------------------------------------------ SYSEXIT / SYSENTER
    mov ecx, 0x174                              ; SYSENTER_CS: +32 = UCODE64
    mov eax, KCODE64
    xor edx, edx
    wrmsr
    mov ecx, 0x175
    mov eax, RSP0_TOP
    wrmsr
    mov ecx, 0x176
    mov rax, sysenter_entry
    mov rdx, rax
    shr rdx, 32
    wrmsr
    mov rcx, USTACK_TOP
    mov rdx, sysexit_user
    o64 sysexit

sysexit_user:                                   ; ring 3
    mov eax, cs
    mov [SE_CS], rax
    mov eax, ss
    mov [SE_SS], rax
    sysenter

sysenter_entry:
    mov [SE_RSP], rsp
    mov eax, cs
    mov [SE_CS2], rax
    mov ax, KDATA64
    mov ss, ax
    CHECK64 qword [SE_CS], UCODE64, "SYSEXIT with REX.W: CS = SYSENTER_CS + 32, RPL 3"
    CHECK64 qword [SE_SS], KCODE64 + 40 + 3, "  SS = SYSENTER_CS + 40, RPL 3"
    CHECK64 qword [SE_CS2], KCODE64, "SYSENTER: CS = SYSENTER_CS"
    CHECK64 qword [SE_RSP], RSP0_TOP, "SYSENTER: RSP = SYSENTER_ESP"
    ; ------------------------------------------------ SYSRET to compatibility mode
    mov ecx, 0x176                              ; back through SYSENTER again
    mov rax, sysenter_entry2
    mov rdx, rax
    shr rdx, 32
    wrmsr
    mov rcx, 0xFFFFFFFF00000000 | ABS32(compat_user)   ; ECX only: upper half ignored
    mov r11, USER_FLAGS
    mov rsp, USTACK_TOP
    sysret                                      ; no REX.W: CS = STAR[63:48]

sysenter_entry2:
    mov ax, KDATA64
    mov ss, ax
    CHECK64 qword [SE_CS], USER32_CS, "SYSRET without REX.W: compatibility-mode CS = STAR[63:48]"
    CHECK64 qword [SE_SS], USER_DS, "  SS = STAR[63:48] + 8"
    CHECK64 qword [SE_RSP], 4, "  32-bit code there (48 is DEC EAX)"
    PRINT64 {"PASS", 10}
    xor eax, eax
    mov dx, 0xF4
    out dx, eax
.h: hlt
    jmp .h

near_fn:
    mov eax, 0x42
    ret

gate_target:                                    ; through the call gate SEL_GATE
    mov r12, 0x77AA
    mov r13, [rsp]
    mov r14, [rsp + 8]
    o64 retf

gate_ptr:
    dd 0                                        ; (ignored: the gate gives it)
    dw SEL_GATE

; ------------------------------------------------ compatibility-mode code
bits 32
compat_entry:
    mov eax, 5
    db 0x48                                     ; DEC EAX here, REX.W in 64-bit mode
    mov edi, eax
    mov esi, cs
    jmp KCODE64:compat_ret64
compat2:
    mov edi, 0x77
    jmp KCODE64:compat2_ret64
compat_user:                                    ; ring 3, compatibility mode
    mov ax, USER_DS                             ; DS was nulled by the returns to ring 3
    mov ds, ax
    mov eax, cs
    mov [SE_CS], eax
    mov dword [SE_CS + 4], 0
    mov eax, ss
    mov [SE_SS], eax
    mov dword [SE_SS + 4], 0
    mov eax, 5
    db 0x48                                     ; DEC EAX
    mov [SE_RSP], eax
    mov dword [SE_RSP + 4], 0
    sysenter
bits 64
compat_ret64:
    mov r12d, edi
    mov r13d, esi
    jmp compat_back
compat2_ret64:
    mov r12d, edi
    jmp compat2_back

compat_ptr:
    dd compat_entry
    dw KCODE32

%include "lib/long64-lib.inc"

idt64_pdesc:
    dw 32 * 16 - 1
    dq IDT64

align 8
qdata:  dq 0xCAFEF00DDEADBEEF
qdata2: dq 0

; the library's GDT for the boot stub and main32
align 8
gdt:
    GDT_STANDARD
gdt_end:

; the long-mode GDT: Linux's x86-64 layout
align 8
gdt64:
    dq 0                                    ; 0x00 null
    DESC 0, 0xFFFFF, ACC_CODE0, 0xC         ; 0x08 KCODE32 (__KERNEL32_CS: compatibility mode)
    DESC 0, 0xFFFFF, ACC_CODE0, 0xA         ; 0x10 KCODE64 (L=1)
    DESC 0, 0xFFFFF, ACC_DATA0, 0xC         ; 0x18 KDATA64
    DESC 0, 0xFFFFF, ACC_CODE3, 0xC         ; 0x20 USER32_CS
    DESC 0, 0xFFFFF, ACC_DATA3, 0xC         ; 0x28 USER_DS
    DESC 0, 0xFFFFF, ACC_CODE3, 0xA         ; 0x30 UCODE64 (__USER_CS, L=1)
    DESC 0, 0xFFFFF, ACC_DATA3, 0xC         ; 0x38 SYSEXIT's SS (SYSENTER_CS + 40)
    DESC TSS64, 0x67, 0x89, 0               ; 0x40 64-bit TSS (16 bytes)
    dq 0
    DESC (LDT_LIN & 0xFFFFFFFF), 0x0F, ACC_LDT, 0   ; 0x50 LDT (16 bytes)
    dd LDT_LIN >> 32, 0
    dw ABS32(gate_target) & 0xFFFF, KCODE64     ; 0x60 64-bit call gate (16 bytes)
    db 0, 0x8C
    dw ABS32(gate_target) >> 16
    dd 0, 0
gdt64_end:
