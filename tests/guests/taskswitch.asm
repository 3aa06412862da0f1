; taskswitch.asm - 32-bit hardware task switching (SDM vol. 3 ch. 7 "Task
; Management", ch. 6 #TS/#GP/#NM): jmp to a TSS descriptor, call through a
; task gate (NT flag, previous-task link, busy bits), iret back through the
; link, task gates in the IDT for int n, #GP (error code on the new task's
; stack) and #DF; the state saved to the old TSS and loaded from the new one
; (EIP = next instruction, EFLAGS, GPRs, segment selectors), the static
; fields that are loaded but never saved (CR3, LDT selector), a CR3 switch
; (own page directory per task), an LDT switch, CR0.TS set by every switch;
; #TS for TSS limits that are too small and for an iret whose link is not a
; busy TSS, #GP for a switch to a busy TSS, a 16-bit (286) TSS.
;
; Task A is the main program (TSS at tss_a). Paging is on: PD_A and PD_B map
; 0-4 MiB identically and linear LIN_T to different physical pages.
%define GUEST_MODE 32
%include "lib/common.inc"

PD_A        equ 0x20000
PT0         equ 0x21000         ; identity map 0-4 MiB (shared)
PT_A1       equ 0x22000
PD_B        equ 0x23000
PT_B1       equ 0x24000
PD_A2       equ 0x25000         ; copy of PD_A (same mappings, other PDBR)
PHYS_A      equ 0x200000        ; LIN_T in task A's address space
PHYS_B      equ 0x201000        ; LIN_T in task B's address space
LIN_T       equ 0x400000
LDTDAT_A    equ 0x6000          ; base of entry 1 of each LDT
LDTDAT_A2   equ 0x6100
LDTDAT_B    equ 0x6200
REC         equ 0x7000          ; records written by the tasks
REC16       equ 0x7100          ; records of the 16-bit task
TSS_SM_BASE equ 0x7800          ; TSS used with too-small limits
STACK_B     equ 0x8F000
STACK_C     equ 0x8E000
STACK_D     equ 0x8D000
STACK_GP    equ 0x8C000
STACK_DF    equ 0x8B000
STACK_E     equ 0x8A000
SP16        equ 0xE000          ; 16-bit task: SS = KDATA16 (base 0), SP

MARK_A      equ 0x1DA00001
MARK_A2     equ 0x1DA20002
MARK_B      equ 0x1DB00003

; selectors (see gdt below)
SEL_TSSA    equ 0x40
SEL_TSSB    equ 0x48
SEL_TSSC    equ 0x50
SEL_TGC     equ 0x58            ; task gate -> C
SEL_TSSD    equ 0x60            ; reached through IDT vector 0x60
SEL_TSSGP   equ 0x68            ; #GP handler task
SEL_TSSDF   equ 0x70            ; #DF handler task
SEL_TSSE    equ 0x78
SEL_TGE     equ 0x80            ; task gate -> E
SEL_TSSSM   equ 0x88            ; 32-bit TSS, limit 0x50 (< 0x67)
SEL_TGSM    equ 0x90            ; task gate -> SEL_TSSSM
SEL_TSS16   equ 0x98            ; 16-bit TSS
SEL_T16SM   equ 0xA0            ; 16-bit TSS, limit 0x20 (< 0x2B)
SEL_LDTA    equ 0xA8
SEL_LDTA2   equ 0xB0
SEL_LDTB    equ 0xB8
SEL_CODEB   equ 0xC0            ; flat code/data copies used by task B
SEL_DATAB   equ 0xC8
SEL_STACKB  equ 0xD0
SEL_LDT1    equ 0x0C            ; LDT entry 1, TI=1, RPL0

; 32-bit TSS fields
T_LINK  equ 0x00
T_CR3   equ 0x1C
T_EIP   equ 0x20
T_EFL   equ 0x24
T_EAX   equ 0x28
T_ECX   equ 0x2C
T_EDX   equ 0x30
T_EBX   equ 0x34
T_ESP   equ 0x38
T_EBP   equ 0x3C
T_ESI   equ 0x40
T_EDI   equ 0x44
T_ES    equ 0x48
T_CS    equ 0x4C
T_SS    equ 0x50
T_DS    equ 0x54
T_FS    equ 0x58
T_GS    equ 0x5C
T_LDT   equ 0x60

; TSS32 link, cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi,
;       es, cs, ss, ds, fs, gs, ldt
%macro TSS32 19
    dd %1                       ; 0x00 previous task link
    dd 0, 0, 0, 0, 0, 0         ; 0x04 esp0 ss0 esp1 ss1 esp2 ss2
    dd %2                       ; 0x1C CR3
    dd %3, %4                   ; 0x20 EIP, 0x24 EFLAGS
    dd %5, %6, %7, %8           ; 0x28 EAX ECX EDX EBX
    dd %9, %10, %11, %12        ; 0x38 ESP EBP ESI EDI
    dd %13, %14, %15, %16, %17, %18 ; 0x48 ES CS SS DS FS GS
    dd %19                      ; 0x60 LDT selector
    dw 0, 0x68                  ; 0x64 T flag, I/O map base (no bitmap)
%endmacro

; byte 5 (access byte) of a GDT descriptor
%define DTYPE(sel) byte [gdt + (sel) + 5]

%macro CHECK_DTYPE 3            ; selector, expected access byte, "desc"
    movzx eax, DTYPE(%1)
    CHECK eax, %2, %3
%endmacro

%macro CHECK_TR 2               ; expected TR, "desc"
    str eax
    CHECK eax, %1, %2
%endmacro

section .text32
main32:
    PRINTLN "# taskswitch: hardware task switches"
    ; ------------------------------------------------ paging: two address spaces
    mov edi, PD_A
    xor eax, eax
    mov ecx, 6*1024
    rep stosd
    mov edi, PT0
    mov eax, 3
    mov ecx, 1024
.pt: stosd
    add eax, 0x1000
    loop .pt
    mov dword [PD_A], PT0 | 3
    mov dword [PD_A + 4], PT_A1 | 3
    mov dword [PT_A1], PHYS_A | 3
    mov dword [PD_B], PT0 | 3
    mov dword [PD_B + 4], PT_B1 | 3
    mov dword [PT_B1], PHYS_B | 3
    mov dword [PD_A2], PT0 | 3
    mov dword [PD_A2 + 4], PT_A1 | 3
    mov dword [PHYS_A], 0xAAAA0001
    mov dword [PHYS_B], 0xBBBB0002
    mov dword [LDTDAT_A], MARK_A
    mov dword [LDTDAT_A2], MARK_A2
    mov dword [LDTDAT_B], MARK_B
    mov eax, PD_A
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .pg
.pg:
    CHECK [LIN_T], 0xAAAA0001, "paging on: LIN_T maps to task A's page"
    mov ax, SEL_LDTA
    lldt ax
    mov ax, SEL_TSSA
    ltr ax
    CHECK_DTYPE SEL_TSSA, 0x8B, "ltr marks TSS A busy (type 0xB)"
    CHECK_TR SEL_TSSA, "str = TSS A"

; ---------------------------------------------------------- #GP: busy TSS
    EXPECT 13, .g1_r
.g1: jmp SEL_TSSA:0
.g1_r:
    CHECKV EXC_VEC, 13, "jmp to the running task's (busy) TSS: #GP"
    CHECKV EXC_ERR, SEL_TSSA, "#GP error code = TSS selector"
    CHECKV EXC_EIP, .g1, "#GP: saved EIP at the jmp"
    EXPECT 13, .g2_r
.g2: call SEL_TSSA:0
.g2_r:
    CHECKV EXC_VEC, 13, "call to a busy TSS: #GP"
    CHECKV EXC_ERR, SEL_TSSA, "#GP error code = TSS selector"

; ---------------------------------------------------------- #TS: TSS limit
    EXPECT 10, .t1_r
.t1: jmp SEL_TSSSM:0
.t1_r:
    CHECKV EXC_VEC, 10, "jmp to a 32-bit TSS with limit 0x50 (< 0x67): #TS"
    CHECKV EXC_ERR, SEL_TSSSM, "#TS error code = TSS selector"
    CHECKV EXC_EIP, .t1, "#TS: saved EIP at the jmp (nothing switched)"
    EXPECT 10, .t2_r
.t2: call SEL_TGSM:0
.t2_r:
    CHECKV EXC_VEC, 10, "call through a task gate to a too-small TSS: #TS"
    CHECKV EXC_ERR, SEL_TSSSM, "#TS error code = the TSS selector (not the gate)"
    SET_IDT 0x61, SEL_TSSSM, 0x85
    EXPECT 10, .t3_r
.t3: int 0x61
.t3_r:
    CHECKV EXC_VEC, 10, "int 0x61 through an IDT task gate to a too-small TSS: #TS"
    CHECKV EXC_ERR, SEL_TSSSM, "#TS error code = TSS selector (EXT=0 for int n)"
    CHECKV EXC_EIP, .t3, "#TS: saved EIP at the int"
    EXPECT 10, .t4_r
.t4: jmp SEL_T16SM:0
.t4_r:
    CHECKV EXC_VEC, 10, "jmp to a 16-bit TSS with limit 0x20 (< 0x2B): #TS"
    CHECKV EXC_ERR, SEL_T16SM, "#TS error code = TSS selector"
    CHECK_TR SEL_TSSA, "after the faults TR is still TSS A"
    CHECK_DTYPE SEL_TSSSM, 0x89, "too-small TSS not marked busy"
    CHECK_DTYPE SEL_TSSA, 0x8B, "TSS A still busy"

; ---------------------------------------------------------- jmp A -> B
    mov eax, PD_A2
    mov cr3, eax                        ; TSS A's CR3 field stays PD_A
    mov ax, SEL_LDTA2
    lldt ax                             ; TSS A's LDT field stays SEL_LDTA
    mov ax, KDATA16
    mov es, ax
    mov ax, SEL_LDT1
    mov fs, ax
    mov ax, UDATA32
    mov gs, ax
    CHECK [fs:0], MARK_A2, "A: FS = 0x0C from LDT A2 before the switch"
    clts
    mov [a_esp], esp
    mov eax, 0xA0000001
    mov ecx, 0xA0000002
    mov edx, 0xA0000003
    mov ebx, 0xA0000004
    mov ebp, 0xA0000006
    mov esi, 0xA0000007
    mov edi, 0xA0000008
    push dword 0x00000CD7               ; OF DF SF ZF AF PF CF
    popfd
.jb: jmp SEL_TSSB:0x12345678            ; offset is ignored
.jb_next:
    ; task B jumped back to TSS A: A's state comes from its TSS
    CHECKF 0xFFFFFFFF, 0x00000CD7, "back in A: EFLAGS restored (0xCD7)"
    cld
    CHECK eax, 0xA0000001, "back in A: EAX restored"
    CHECK ecx, 0xA0000002, "back in A: ECX restored"
    CHECK edx, 0xA0000003, "back in A: EDX restored"
    CHECK ebx, 0xA0000004, "back in A: EBX restored"
    CHECK ebp, 0xA0000006, "back in A: EBP restored"
    CHECK esi, 0xA0000007, "back in A: ESI restored"
    CHECK edi, 0xA0000008, "back in A: EDI restored"
    mov eax, esp
    CHECK eax, [a_esp], "back in A: ESP restored"
    mov ax, es
    movzx eax, ax
    CHECK eax, KDATA16, "back in A: ES restored"
    mov ax, gs
    movzx eax, ax
    CHECK eax, UDATA32, "back in A: GS restored (0x33)"
    mov ax, fs
    movzx eax, ax
    CHECK eax, SEL_LDT1, "back in A: FS selector restored"
    sldt eax
    CHECK eax, SEL_LDTA, "back in A: LDTR loaded from the TSS LDT field (not the lldt value)"
    CHECK [fs:0], MARK_A, "back in A: FS descriptor read from LDT A (LDT switched)"
    mov eax, cr3
    CHECK eax, PD_A, "back in A: CR3 loaded from the TSS CR3 field (PD_A)"
    CHECK [LIN_T], 0xAAAA0001, "back in A: LIN_T maps to A's page again"
    CHECK_TR SEL_TSSA, "back in A: TR = TSS A"
    CHECK_DTYPE SEL_TSSA, 0x8B, "back in A: TSS A busy"
    CHECK_DTYPE SEL_TSSB, 0x89, "jmp out of B cleared B's busy bit"
    mov eax, cr0
    CHECKM eax, 8, 8, "back in A: CR0.TS set again (B had cleared it)"
    CHECK [tss_b + T_EIP], task_b.next, "TSS B: saved EIP = instruction after B's jmp"
    CHECK [tss_b + T_EAX], 0xB00000AA, "TSS B: saved EAX"
    CHECK [tss_b + T_EBX], 0xB00000BB, "TSS B: saved EBX"
    CHECK [tss_b + T_ESP], STACK_B, "TSS B: saved ESP"
    CHECK [tss_b + T_EFL], 0x3893, "TSS B: saved EFLAGS"
    CHECKM [tss_b + T_DS], 0xFFFF, SEL_DATAB, "TSS B: saved DS"
    CHECKM [tss_b + T_GS], 0xFFFF, 0, "TSS B: saved GS (null)"
    CHECKM [tss_b + T_LINK], 0xFFFF, 0xBEEF, "TSS B: link field never written by jmp"
    CHECK [tss_b + T_CR3], PD_B, "TSS B: CR3 field (static) unchanged"
    ; CR0.TS=1: wait (with CR0.MP=1) and x87 instructions raise #NM
    mov eax, cr0
    or eax, 2                           ; MP
    mov cr0, eax
    EXPECT 7, .nm_r
.nm: fwait
.nm_r:
    CHECKV EXC_VEC, 7, "wait with CR0.MP=1 and CR0.TS=1 (set by the task switch): #NM"
    CHECKV EXC_EIP, .nm, "#NM: saved EIP at the wait"
    mov eax, 1
    cpuid
    mov [have_fpu], dl
    and byte [have_fpu], 1
    jnz .fpu1
    PRINTLN "# CPUID.1:EDX.FPU=0: x87 #NM check skipped"
    jmp .fpu1_end
.fpu1:
    EXPECT 7, .nm2_r
.nm2: fnop
.nm2_r:
    CHECKV EXC_VEC, 7, "fnop with CR0.TS=1: #NM"
    CHECKV EXC_EIP, .nm2, "#NM: saved EIP at the fnop"
.fpu1_end:
    clts
    fwait
    OKMSG "after clts: wait runs"
    cmp byte [have_fpu], 0
    je .fpu2_end
    fnop
    OKMSG "after clts: fnop runs"
.fpu2_end:
    mov eax, cr0
    and eax, ~2
    mov cr0, eax
    mov ax, KDATA32
    mov es, ax
    mov fs, ax
    mov gs, ax

; ---------------------------------------------------------- call gate C
    mov eax, 0xA1A1A1A1
    mov ebx, esp
    mov dword [tss_c + T_LINK], 0
    or ebx, ebx                         ; flags from a logic op (SF=0 ZF=0 CF=0)
    stc                                 ; then CF=1
.cc: call SEL_TGC:0x12345678            ; offset is ignored
.cc_next:
    pushfd
    pop edx
    CHECKM edx, 0x4000, 0, "back in A after iret: NT=0 (EFLAGS from A's TSS)"
    SKIP_ON_TCG "EFLAGS saved by a task switch miss flags set by the instructions just before it"
    CHECKM edx, 0x00C1, 0x0001, "back in A: CF=1 (stc before the call) saved and restored"
    END_SKIP_ON_TCG
    CHECK eax, 0xA1A1A1A1, "back in A: EAX restored"
    mov ecx, esp
    CHECK ecx, ebx, "back in A: ESP restored (nothing pushed by the call)"
    CHECK_TR SEL_TSSA, "back in A: TR = TSS A"
    CHECK_DTYPE SEL_TSSC, 0x89, "iret clears the busy bit of the task it leaves (C)"
    CHECK_DTYPE SEL_TSSA, 0x8B, "TSS A busy"
    CHECK [tss_c + T_EIP], task_c.after_iret, "TSS C: saved EIP = instruction after the iret"
    CHECK [tss_c + T_EAX], 0x0000C0DE, "TSS C: saved EAX"
    CHECKM [tss_c + T_EFL], 0x4000, 0, "TSS C: NT cleared in the EFLAGS image saved by iret"
    CHECKM [tss_c + T_LINK], 0xFFFF, SEL_TSSA, "TSS C: link field still A after the iret"
    mov eax, cr3
    CHECK eax, PD_A, "CR3 = PD_A"

; ---------------------------------------------------------- jmp via task gate E
    mov dword [tss_e + T_LINK], 0x5A5A
    mov eax, 0x80000000
    or eax, eax                         ; SF=1 ZF=0 PF=1 OF=0 CF=0
    stc                                 ; CF=1
.je: jmp SEL_TGE:0
.je_next:
    CHECK_TR SEL_TSSA, "back in A after E's jmp"
    CHECK_DTYPE SEL_TSSE, 0x89, "E not busy after it jumped away"
    CHECK [REC + 0x40], 0, "task E: NT=0 (jmp through a task gate does not nest)"
    CHECK [REC + 0x44], 0x5A5A, "task E: link field not written by jmp"
    CHECK [REC + 0x48], 0x89, "task E: jmp cleared A's busy bit"
    CHECK [REC + 0x4C], SEL_TSSE, "task E: TR = E"
    CHECK [REC + 0x50], 0x8B, "task E: E busy"
    CHECK [tss_a + T_EIP], .je_next, "TSS A: saved EIP after the jmp"
    SKIP_ON_TCG "EFLAGS saved by a task switch miss flags set by the instructions just before it"
    CHECKM [tss_a + T_EFL], 0x08C5, 0x0085, "TSS A: saved EFLAGS = flags of or + stc (SF PF CF)"
    END_SKIP_ON_TCG

; ---------------------------------------------------------- call 16-bit TSS
    mov eax, PD_A2
    mov cr3, eax                        ; a 16-bit TSS has no CR3: stays PD_A2
    mov eax, 0xA2A2A2A2
    mov ebx, 0xA3A3A3A3
    mov esi, 0xA4A4A4A4
    mov edi, 0xA5A5A5A5
    mov edx, esp
.c16: call SEL_TSS16:0
.c16_next:
    CHECK eax, 0xA2A2A2A2, "back from the 16-bit task: A's full EAX restored"
    CHECK ebx, 0xA3A3A3A3, "back in A: EBX"
    CHECK esi, 0xA4A4A4A4, "back in A: ESI"
    CHECK edi, 0xA5A5A5A5, "back in A: EDI"
    mov ecx, esp
    CHECK ecx, edx, "back in A: ESP"
    mov eax, cr3
    CHECK eax, PD_A, "back in A: CR3 = PD_A from A's TSS"
    %macro CHECK16 3
        CHECKM [REC16 + %1], 0xFFFF, %2, %3
    %endmacro
    CHECK16 0, 0x1601, "16-bit task: AX from the 16-bit TSS"
    CHECK16 2, 0x1602, "16-bit task: CX"
    CHECK16 4, 0x1603, "16-bit task: DX"
    CHECK16 6, 0x1604, "16-bit task: BX"
    CHECK16 8, SP16, "16-bit task: SP"
    CHECK16 10, 0x1606, "16-bit task: BP"
    CHECK16 12, 0x1607, "16-bit task: SI"
    CHECK16 14, 0x1608, "16-bit task: DI"
    CHECK16 16, KDATA32, "16-bit task: ES"
    CHECK16 18, KCODE16, "16-bit task: CS"
    CHECK16 20, KDATA16, "16-bit task: SS"
    CHECK16 22, KDATA32, "16-bit task: DS"
    CHECK16 24, 0x4003, "16-bit task: FLAGS from the TSS with NT set by the call"
    CHECK16 26, 0, "16-bit task: LDTR = 0 (TSS LDT field)"
    CHECK16 28, SEL_TSS16, "16-bit task: TR = 16-bit TSS"
    CHECKM [REC16 + 30], 8, 8, "16-bit task: CR0.TS set"
    CHECK16 32, 0x83, "16-bit task: its descriptor is a busy 286 TSS (0x83)"
    CHECK [REC16 + 36], PD_A2, "16-bit task: CR3 not loaded (previous page tables kept)"
    CHECK_DTYPE SEL_TSS16, 0x81, "after the iret: 16-bit TSS available again (0x81)"
    movzx eax, word [tss16 + 14]
    CHECK eax, task16.after, "16-bit TSS: saved IP after the iret"
    movzx eax, word [tss16 + 16]
    CHECK eax, 0x0003, "16-bit TSS: saved FLAGS (NT cleared by iret)"
    movzx eax, word [tss16 + 18]
    CHECK eax, 0x16AA, "16-bit TSS: saved AX"
    movzx eax, word [tss16 + 24]
    CHECK eax, 0x16BB, "16-bit TSS: saved BX"
    movzx eax, word [tss16 + 26]
    CHECK eax, SP16, "16-bit TSS: saved SP"
    movzx eax, word [tss16 + 0]
    CHECK eax, SEL_TSSA, "16-bit TSS: link = TSS A"
    CHECK [tss_a + T_EIP], .c16_next, "TSS A (32-bit): saved EIP after the call"

; ---------------------------------------------------------- int n -> task gate
    SET_IDT 0x60, SEL_TSSD, 0x85
    mov esi, 0xA6A6A6A6
.id: int 0x60
.id_next:
    CHECK esi, 0xA6A6A6A6, "back in A after the interrupt task: ESI"
    CHECK_DTYPE SEL_TSSD, 0x89, "interrupt task not busy after its iret"
    CHECK [REC + 0x60], STACK_D, "interrupt task (int n): no error code pushed, ESP from its TSS"
    CHECK [REC + 0x64], 0x4000, "interrupt task: NT=1"
    CHECK [REC + 0x68], SEL_TSSA, "interrupt task: link = TSS A"
    CHECK [REC + 0x6C], .id_next, "interrupt task: A's saved EIP = instruction after int"
    CHECK [REC + 0x70], SEL_TSSD, "interrupt task: TR = TSS D"
    CHECK [REC + 0x74], 0x8B, "interrupt task: A stays busy"

; ---------------------------------------------------------- #GP -> task gate
    SET_IDT 13, SEL_TSSGP, 0x85
    mov ebx, 0x600DF00D
    mov ax, 0x1000                      ; beyond the GDT limit
.gp: mov ds, ax
.gp_r:
    SET_IDT 13, pm_stubs + 13*15, 0x8E
    mov ax, ds
    movzx eax, ax
    CHECK eax, KDATA32, "after the #GP task: DS unchanged (the load faulted)"
    CHECK ebx, 0x600DF00D, "after the #GP task: EBX"
    CHECK [REC + 0x80], 0x1000, "#GP through a task gate: error code pushed on the new task's stack"
    CHECK [REC + 0x84], STACK_GP - 4, "#GP task: ESP = TSS ESP - 4"
    CHECK [REC + 0x88], .gp, "#GP task: A's saved EIP = faulting instruction"
    CHECK [REC + 0x8C], SEL_TSSA, "#GP task: link = TSS A"
    CHECK [REC + 0x90], 0x4000, "#GP task: NT=1"

; ---------------------------------------------------------- #DF -> task gate
    SET_IDT 8, SEL_TSSDF, 0x85
    and byte [IDT_BASE + 13*8 + 5], 0x7F ; #GP gate not present -> #NP -> #DF
    mov ebx, 0xDFDFDFDF
    mov ax, 0x1000
.df: mov ds, ax
.df_r:
    SET_IDT 8, pm_stubs + 8*15, 0x8E
    CHECK ebx, 0xDFDFDFDF, "after the #DF task: EBX"
    CHECKM [IDT_BASE + 13*8 + 4], 0x8000, 0x8000, "#DF task restored the #GP gate"
    CHECK [REC + 0xA0], 0, "#DF through a task gate: error code 0 on the new stack"
    CHECK [REC + 0xA4], STACK_DF - 4, "#DF task: ESP = TSS ESP - 4"
    CHECK [REC + 0xA8], SEL_TSSA, "#DF task: link = TSS A"
    CHECK [REC + 0xAC], SEL_TSSDF, "#DF task: TR = #DF TSS"
    CHECK_DTYPE SEL_TSSDF, 0x89, "#DF task not busy after its iret"

; ---------------------------------------------------------- iret with NT=1: bad link
    mov word [tss_a + T_LINK], SEL_TSSB ; B is available, not busy
    pushfd
    or dword [esp], 0x4000
    popfd
    EXPECT 10, .ir1_r
.ir1: iretd
.ir1_r:
    pushfd
    and dword [esp], ~0x4000
    popfd
    CHECKV EXC_VEC, 10, "iret with NT=1, link to an available (not busy) TSS: #TS"
    CHECKV EXC_ERR, SEL_TSSB, "#TS error code = link selector"
    CHECKV EXC_EIP, .ir1, "#TS: saved EIP at the iret"
    CHECKM [EXC_EFLAGS], 0x4000, 0x4000, "#TS frame: EFLAGS.NT=1"
    mov word [tss_a + T_LINK], KDATA32
    pushfd
    or dword [esp], 0x4000
    popfd
    EXPECT 10, .ir2_r
.ir2: iretd
.ir2_r:
    pushfd
    and dword [esp], ~0x4000
    popfd
    CHECKV EXC_VEC, 10, "iret with NT=1, link to a data segment: #TS"
    CHECKV EXC_ERR, KDATA32, "#TS error code = link selector"
    mov word [tss_a + T_LINK], 0
    CHECK_TR SEL_TSSA, "still in task A"
    PASS

; ===========================================================================
; the other tasks
; ===========================================================================
task_b:
    CHECK eax, 0xB0000001, "task B: EAX loaded from its TSS"
    CHECK ecx, 0xB0000002, "task B: ECX"
    CHECK edx, 0xB0000003, "task B: EDX"
    CHECK ebx, 0xB0000004, "task B: EBX"
    CHECK ebp, 0xB0000006, "task B: EBP"
    CHECK esi, 0xB0000007, "task B: ESI"
    CHECK edi, 0xB0000008, "task B: EDI"
    mov eax, esp
    CHECK eax, STACK_B, "task B: ESP"
    CHECKF 0xFFFFFFFF, 0x3893, "task B: EFLAGS from its TSS (IOPL=3, NT=0 after jmp)"
    mov ax, cs
    movzx eax, ax
    CHECK eax, SEL_CODEB, "task B: CS"
    mov ax, ss
    movzx eax, ax
    CHECK eax, SEL_STACKB, "task B: SS"
    mov ax, ds
    movzx eax, ax
    CHECK eax, SEL_DATAB, "task B: DS"
    mov ax, es
    movzx eax, ax
    CHECK eax, KDATA32, "task B: ES"
    mov ax, fs
    movzx eax, ax
    CHECK eax, SEL_LDT1, "task B: FS (LDT selector)"
    mov ax, gs
    movzx eax, ax
    CHECK eax, 0, "task B: GS null"
    sldt eax
    CHECK eax, SEL_LDTB, "task B: LDTR from its TSS"
    CHECK [fs:0], MARK_B, "task B: FS descriptor read from LDT B"
    CHECK_TR SEL_TSSB, "task B: TR = TSS B"
    mov eax, cr3
    CHECK eax, PD_B, "task B: CR3 = PD_B"
    CHECK [LIN_T], 0xBBBB0002, "task B: LIN_T maps to B's page (new address space)"
    mov eax, cr0
    CHECKM eax, 8, 8, "task B: CR0.TS set by the task switch"
    CHECK_DTYPE SEL_TSSB, 0x8B, "task B: own TSS busy"
    CHECK_DTYPE SEL_TSSA, 0x89, "task B: jmp cleared A's busy bit"
    CHECKM [tss_b + T_LINK], 0xFFFF, 0xBEEF, "task B: link field not written by jmp"
    ; A's state as saved in TSS A
    CHECK [tss_a + T_EIP], main32.jb_next, "TSS A: saved EIP = instruction after the jmp"
    CHECK [tss_a + T_EFL], 0x00000CD7, "TSS A: saved EFLAGS"
    CHECK [tss_a + T_EAX], 0xA0000001, "TSS A: saved EAX"
    CHECK [tss_a + T_ECX], 0xA0000002, "TSS A: saved ECX"
    CHECK [tss_a + T_EDX], 0xA0000003, "TSS A: saved EDX"
    CHECK [tss_a + T_EBX], 0xA0000004, "TSS A: saved EBX"
    CHECK [tss_a + T_ESP], [a_esp], "TSS A: saved ESP"
    CHECK [tss_a + T_EBP], 0xA0000006, "TSS A: saved EBP"
    CHECK [tss_a + T_ESI], 0xA0000007, "TSS A: saved ESI"
    CHECK [tss_a + T_EDI], 0xA0000008, "TSS A: saved EDI"
    CHECKM [tss_a + T_ES], 0xFFFF, KDATA16, "TSS A: saved ES"
    CHECKM [tss_a + T_CS], 0xFFFF, KCODE32, "TSS A: saved CS"
    CHECKM [tss_a + T_SS], 0xFFFF, KDATA32, "TSS A: saved SS"
    CHECKM [tss_a + T_DS], 0xFFFF, KDATA32, "TSS A: saved DS"
    CHECKM [tss_a + T_FS], 0xFFFF, SEL_LDT1, "TSS A: saved FS"
    CHECKM [tss_a + T_GS], 0xFFFF, UDATA32, "TSS A: saved GS"
    CHECKM [tss_a + T_LDT], 0xFFFF, SEL_LDTA, "TSS A: LDT field not written (static)"
    CHECK [tss_a + T_CR3], PD_A, "TSS A: CR3 field not written (static)"
    CHECKM [tss_a + T_LINK], 0xFFFF, 0, "TSS A: link field unchanged"
    mov eax, 0xB00000AA
    mov ebx, 0xB00000BB
    clts
.j: jmp SEL_TSSA:0
.next:
    FAIL "task B resumed"

task_c:
    CHECK eax, 0xC0000001, "task C: EAX loaded from its TSS"
    CHECKF 0x4000, 0x4000, "call through a task gate: NT=1 in the new task"
    CHECKM [tss_c + T_LINK], 0xFFFF, SEL_TSSA, "task C: link field = TSS A"
    CHECK_TR SEL_TSSC, "task C: TR = the TSS from the gate (not the gate)"
    CHECK_DTYPE SEL_TSSC, 0x8B, "task C: own TSS busy"
    CHECK_DTYPE SEL_TSSA, 0x8B, "task C: call keeps the caller busy"
    CHECK [tss_a + T_EIP], main32.cc_next, "TSS A: saved EIP = instruction after the call"
    CHECK [tss_a + T_EAX], 0xA1A1A1A1, "TSS A: saved EAX"
    CHECKM [tss_a + T_EFL], 0x4000, 0, "TSS A: saved EFLAGS with NT=0"
    SKIP_ON_TCG "EFLAGS saved by a task switch miss flags set by the instructions just before it"
    CHECKM [tss_a + T_EFL], 0x00C1, 0x0001, "TSS A: saved EFLAGS has CF=1 (stc) SF=ZF=0 (or)"
    END_SKIP_ON_TCG
    sldt eax
    CHECK eax, 0, "task C: null LDT selector loaded"
    mov eax, esp
    CHECK eax, STACK_C, "task C: ESP from its TSS (nothing pushed)"
    EXPECT 13, .x1_r
.x1: call SEL_TSSA:0
.x1_r:
    CHECKV EXC_VEC, 13, "task C: call to the caller's busy TSS: #GP"
    CHECKV EXC_ERR, SEL_TSSA, "#GP(TSS selector)"
    EXPECT 13, .x2_r
.x2: jmp SEL_TGC:0
.x2_r:
    CHECKV EXC_VEC, 13, "task C: jmp through a gate to its own busy TSS: #GP"
    CHECKV EXC_ERR, SEL_TSSC, "#GP error code = TSS selector from the gate"
    mov eax, 0xC0DE
    iretd
.after_iret:
    FAIL "task C resumed"

task_d:
    mov [REC + 0x60], esp
    pushfd
    pop eax
    and eax, 0x4000
    mov [REC + 0x64], eax
    movzx eax, word [tss_d + T_LINK]
    mov [REC + 0x68], eax
    mov eax, [tss_a + T_EIP]
    mov [REC + 0x6C], eax
    str eax
    mov [REC + 0x70], eax
    movzx eax, DTYPE(SEL_TSSA)
    mov [REC + 0x74], eax
    iretd
.after:
    FAIL "task D resumed"

task_e:
    pushfd
    pop eax
    and eax, 0x4000
    mov [REC + 0x40], eax
    movzx eax, word [tss_e + T_LINK]
    mov [REC + 0x44], eax
    movzx eax, DTYPE(SEL_TSSA)
    mov [REC + 0x48], eax
    str eax
    mov [REC + 0x4C], eax
    movzx eax, DTYPE(SEL_TSSE)
    mov [REC + 0x50], eax
    jmp SEL_TSSA:0
    FAIL "task E resumed"

task_gp:
    mov eax, [esp]
    mov [REC + 0x80], eax
    mov [REC + 0x84], esp
    mov eax, [tss_a + T_EIP]
    mov [REC + 0x88], eax
    movzx eax, word [tss_gp + T_LINK]
    mov [REC + 0x8C], eax
    pushfd
    pop eax
    and eax, 0x4000
    mov [REC + 0x90], eax
    mov dword [tss_a + T_EIP], main32.gp_r   ; skip the faulting instruction
    iretd
    FAIL "task GP resumed"

task_df:
    mov eax, [esp]
    mov [REC + 0xA0], eax
    mov [REC + 0xA4], esp
    movzx eax, word [tss_df + T_LINK]
    mov [REC + 0xA8], eax
    str eax
    mov [REC + 0xAC], eax
    or byte [IDT_BASE + 13*8 + 5], 0x80
    mov dword [tss_a + T_EIP], main32.df_r
    iretd
    FAIL "task DF resumed"

a_esp: dd 0
have_fpu: db 0

; ===========================================================================
; TSSs, LDTs, GDT
; ===========================================================================
    align 16
tss_a:  TSS32 0, PD_A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, SEL_LDTA
    align 16
tss_b:  TSS32 0xBEEF, PD_B, task_b, 0x3893, \
            0xB0000001, 0xB0000002, 0xB0000003, 0xB0000004, \
            STACK_B, 0xB0000006, 0xB0000007, 0xB0000008, \
            KDATA32, SEL_CODEB, SEL_STACKB, SEL_DATAB, SEL_LDT1, 0, SEL_LDTB
    align 16
tss_c:  TSS32 0, PD_A, task_c, 0x0002, 0xC0000001, 0, 0, 0, STACK_C, 0, 0, 0, \
            KDATA32, KCODE32, KDATA32, KDATA32, KDATA32, KDATA32, 0
    align 16
tss_d:  TSS32 0, PD_A, task_d, 0x0002, 0, 0, 0, 0, STACK_D, 0, 0, 0, \
            KDATA32, KCODE32, KDATA32, KDATA32, KDATA32, KDATA32, 0
    align 16
tss_gp: TSS32 0, PD_A, task_gp, 0x0002, 0, 0, 0, 0, STACK_GP, 0, 0, 0, \
            KDATA32, KCODE32, KDATA32, KDATA32, KDATA32, KDATA32, 0
    align 16
tss_df: TSS32 0, PD_A, task_df, 0x0002, 0, 0, 0, 0, STACK_DF, 0, 0, 0, \
            KDATA32, KCODE32, KDATA32, KDATA32, KDATA32, KDATA32, 0
    align 16
tss_e:  TSS32 0, PD_A, task_e, 0x0002, 0, 0, 0, 0, STACK_E, 0, 0, 0, \
            KDATA32, KCODE32, KDATA32, KDATA32, KDATA32, KDATA32, 0

    align 16
tss16:                                  ; 16-bit (286) TSS, 44 bytes
    dw 0                                ; 0  link
    dw 0, 0, 0, 0, 0, 0                 ; 2  sp0 ss0 sp1 ss1 sp2 ss2
    dw task16                           ; 14 IP (CS = KCODE16, base 0x10000)
    dw 0x0003                           ; 16 FLAGS (CF)
    dw 0x1601, 0x1602, 0x1603, 0x1604   ; 18 AX CX DX BX
    dw SP16, 0x1606, 0x1607, 0x1608     ; 26 SP BP SI DI
    dw KDATA32, KCODE16, KDATA16, KDATA32 ; 34 ES CS SS DS
    dw 0                                ; 42 LDT

    align 8
ldt_a:  dq 0
        DESC LDTDAT_A, 0xFFF, 0x92, 0x4
ldt_a2: dq 0
        DESC LDTDAT_A2, 0xFFF, 0x92, 0x4
ldt_b:  dq 0
        DESC LDTDAT_B, 0xFFF, 0x92, 0x4

    align 8
gdt:
    GDT_STANDARD
    DESC ABS32(tss_a), 0x67, 0x89, 0    ; 0x40 SEL_TSSA
    DESC ABS32(tss_b), 0x67, 0x89, 0    ; 0x48 SEL_TSSB
    DESC ABS32(tss_c), 0x67, 0x89, 0    ; 0x50 SEL_TSSC
    dw 0, SEL_TSSC, 0x8500, 0           ; 0x58 task gate -> C
    DESC ABS32(tss_d), 0x67, 0x89, 0    ; 0x60 SEL_TSSD
    DESC ABS32(tss_gp), 0x67, 0x89, 0   ; 0x68 SEL_TSSGP
    DESC ABS32(tss_df), 0x67, 0x89, 0   ; 0x70 SEL_TSSDF
    DESC ABS32(tss_e), 0x67, 0x89, 0    ; 0x78 SEL_TSSE
    dw 0, SEL_TSSE, 0x8500, 0           ; 0x80 task gate -> E
    DESC TSS_SM_BASE, 0x50, 0x89, 0     ; 0x88 SEL_TSSSM (limit too small)
    dw 0, SEL_TSSSM, 0x8500, 0          ; 0x90 task gate -> SEL_TSSSM
    DESC ABS32(tss16), 0x2B, 0x81, 0    ; 0x98 SEL_TSS16 (available 286 TSS)
    DESC TSS_SM_BASE, 0x20, 0x81, 0     ; 0xA0 SEL_T16SM (limit too small)
    DESC ABS32(ldt_a), 0x0F, ACC_LDT, 0 ; 0xA8
    DESC ABS32(ldt_a2), 0x0F, ACC_LDT, 0 ; 0xB0
    DESC ABS32(ldt_b), 0x0F, ACC_LDT, 0 ; 0xB8
    DESC 0, 0xFFFFF, ACC_CODE0, 0xC     ; 0xC0 SEL_CODEB
    DESC 0, 0xFFFFF, ACC_DATA0, 0xC     ; 0xC8 SEL_DATAB
    DESC 0, 0xFFFFF, ACC_DATA0, 0xC     ; 0xD0 SEL_STACKB
gdt_end:

; ===========================================================================
; 16-bit task: 16-bit code in KCODE16 (base 0x10000), DS = flat KDATA32
; ===========================================================================
section .text16
bits 16
task16:
    mov [REC16 + 0], ax
    mov [REC16 + 2], cx
    mov [REC16 + 4], dx
    mov [REC16 + 6], bx
    mov [REC16 + 8], sp
    mov [REC16 + 10], bp
    mov [REC16 + 12], si
    mov [REC16 + 14], di
    mov [REC16 + 16], es
    mov [REC16 + 18], cs
    mov [REC16 + 20], ss
    mov [REC16 + 22], ds
    pushf
    pop word [REC16 + 24]
    sldt [REC16 + 26]
    str [REC16 + 28]
    smsw [REC16 + 30]
    movzx ax, byte [dword ABS32(gdt) + SEL_TSS16 + 5]
    mov [REC16 + 32], ax
    mov eax, cr3
    mov [REC16 + 36], eax
    mov ax, 0x16AA
    mov bx, 0x16BB
    iret
.after:
    jmp .after
