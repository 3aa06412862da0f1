; gates.asm - privilege transitions (SDM vol. 3 ch. 5, 6, 16, 18; vol. 2
; sysenter/sysexit, cpuid, rdtsc, rdmsr): iret to ring 3 with a TSS stack
; switch, interrupt vs trap gates, gate DPL checks, call gates (same and more
; privileged with parameter copying), far ret to an outer ring nulling data
; segments, sysenter/sysexit, I/O permission bitmap, IOPL-sensitive and
; privileged instructions at CPL3.
; Ring 3 runs with IOPL=0; the TSS I/O bitmap allows ports 0xE9 and 0xF4 so
; the checks can print and exit from ring 3.
%define GUEST_MODE 32
%include "lib/common.inc"

TSS0        equ 0x3000
SEL_TSS0    equ 0x40
SEL_SYSCS   equ 0x48            ; sysenter CS (0x48 kcode, 0x50 kdata, 0x58 ucode, 0x60 udata)
SEL_CG3     equ 0x68            ; call gate DPL3 -> KCODE32:cg_ring0, 2 params
SEL_CG0     equ 0x70            ; call gate DPL0 -> KCODE32:cg_same
RING0_ESP   equ 0x9E000
USTACK      equ 0x9D000
REC         equ 0x5000          ; records written by ring-0 handlers
IOMAP       equ 0x68

section .text32
main32:
    PRINTLN "# gates: privilege transitions"
    ; TSS with an I/O permission bitmap for ports 0..0x3FF
    mov dword [TSS0 + 4], RING0_ESP
    mov dword [TSS0 + 8], KDATA32
    mov word [TSS0 + 0x66], IOMAP
    mov edi, TSS0 + IOMAP
    mov al, 0xFF
    mov ecx, 0x81                       ; 128 bytes + terminator, all denied
    rep stosb
    mov eax, 0xE9
    btr [TSS0 + IOMAP], eax      ; allow 0xE9 (debugcon)
    mov eax, 0xF4
    btr [TSS0 + IOMAP], eax      ; allow 0xF4..0xF7 (exit)
    mov eax, 0xF5
    btr [TSS0 + IOMAP], eax
    mov eax, 0xF6
    btr [TSS0 + IOMAP], eax
    mov eax, 0xF7
    btr [TSS0 + IOMAP], eax
    mov eax, 0x70
    btr [TSS0 + IOMAP], eax      ; allow 0x70 for the allowed-port check
    mov ax, SEL_TSS0
    ltr ax
    movzx eax, byte [gdt + SEL_TSS0 + 5]
    CHECK eax, 0x8B, "ltr marks the TSS descriptor busy"
    ; gates
    SET_IDT 0x30, back_to_ring0, 0xEE   ; DPL3 interrupt gate: leave ring 3
    SET_IDT 0x40, int_gate_h, 0xEE      ; DPL3 interrupt gate
    SET_IDT 0x41, trap_gate_h, 0xEF     ; DPL3 trap gate
    SET_IDT 0x42, int_gate_h, 0x8E      ; DPL0 interrupt gate
    mov eax, cg_ring0
    mov [gdt + SEL_CG3], ax
    shr eax, 16
    mov [gdt + SEL_CG3 + 6], ax
    mov eax, cg_same
    mov [gdt + SEL_CG0], ax
    shr eax, 16
    mov [gdt + SEL_CG0 + 6], ax

    ; same-privilege call gate at CPL0
    mov ebx, esp
    call SEL_CG0:0
.cg0_ret:
    CHECK [REC], .cg0_ret, "same-privilege call gate: pushed EIP"
    CHECK [REC + 4], KCODE32, "same-privilege call gate: pushed CS"
    mov eax, ebx
    sub eax, 8
    CHECK [REC + 8], eax, "same-privilege call gate: no stack switch (ESP-8)"

    ; cpuid / rdtsc / msr at CPL0
    xor eax, eax
    cpuid
    mov [vendor], ebx
    mov [vendor + 4], edx
    mov [vendor + 8], ecx
    CHECKF 0, 0, "cpuid leaf 0 runs"
    PRINT "# cpuid vendor: "
    mov esi, vendor
    call puts32
    PRINTLN ""
    cmp eax, 1
    setae al
    movzx eax, al
    CHECK eax, 1, "cpuid: max basic leaf >= 1"
    mov esi, vendor
    mov ecx, 12
    xor edx, edx
.vc: lodsb
    cmp al, 0x20
    jb .vbad
    cmp al, 0x7E
    jbe .vok
.vbad: inc edx
.vok: loop .vc
    CHECK edx, 0, "cpuid vendor string is 12 printable characters"
    rdtsc
    mov esi, eax
    mov edi, edx
    mov ecx, 1000
.spin: loop .spin
    rdtsc
    sub eax, esi
    sbb edx, edi
    CHECKM edx, 0x80000000, 0, "rdtsc: second read >= first"
    or eax, edx
    setnz al
    movzx eax, al
    CHECK eax, 1, "rdtsc increases"
    SKIP_ON_TCG "rdmsr/wrmsr of unknown MSRs do not raise #GP"
    EXPECT 13, .msr_r
    mov ecx, 0x12345678
.msr: rdmsr
.msr_r:
    CHECKV EXC_VEC, 13, "rdmsr of an unknown MSR: #GP"
    CHECKV EXC_ERR, 0, "rdmsr unknown MSR: #GP(0)"
    CHECKV EXC_EIP, .msr, "saved EIP at rdmsr"
    EXPECT 13, .msr2_r
    mov ecx, 0x12345678
    xor eax, eax
    xor edx, edx
.msr2: wrmsr
.msr2_r:
    CHECKV EXC_ERR, 0, "wrmsr of an unknown MSR: #GP(0)"
    END_SKIP_ON_TCG
    ; sysenter MSRs
    mov eax, 1
    cpuid
    bt edx, 11
    setc al
    movzx eax, al
    mov [have_sep], eax
    CHECK eax, 1, "CPUID.1:EDX.SEP (sysenter/sysexit) present"
    mov ecx, 0x174
    mov eax, SEL_SYSCS
    xor edx, edx
    wrmsr
    mov ecx, 0x175
    mov eax, RING0_ESP - 0x800
    wrmsr
    mov ecx, 0x176
    mov eax, sysenter_entry
    wrmsr
    mov ecx, 0x174
    rdmsr
    CHECK eax, SEL_SYSCS, "rdmsr IA32_SYSENTER_CS reads back"

    ; ---------------------------------------------------- to ring 3
    mov [saved_esp], esp
    push dword UDATA32
    push dword USTACK
    push dword 0x0002                   ; IOPL=0, IF=0
    push dword UCODE32
    push dword ring3
    iretd

ring3:
    mov bx, ds                          ; DPL0 data segments were nulled by iret
    mov dx, es
    mov ax, UDATA32
    mov ds, ax
    mov es, ax
    movzx ebx, bx
    CHECK ebx, 0, "iret to ring 3 nulled DS (DPL0 data segment)"
    movzx edx, dx
    CHECK edx, 0, "iret to ring 3 nulled ES"
    mov ax, cs
    movzx eax, ax
    CHECK eax, UCODE32, "iret to ring 3: CS = 0x2B (CPL3)"
    mov ax, ss
    movzx eax, ax
    CHECK eax, UDATA32, "iret to ring 3: SS = 0x33"
    mov eax, esp
    CHECK eax, USTACK, "iret to ring 3: ESP from the frame"
    OKMSG "ring 3 prints through port 0xE9 allowed by the I/O bitmap"

    ; ------------------------------------ interrupt gate / trap gate
    mov dword [REC + 0x40], 0x200       ; return with IF=1 (for the trap gate test)
    push dword 0x0202 | 0x1             ; CF=1, IF=1
    popfd                               ; IOPL=0 < CPL: IF unchanged (stays 0)
    pushfd
    pop eax
    CHECKM eax, 0x3201, 0x0001, "popf at CPL3, IOPL0: IF not changed, CF changed"
    push dword 0x3002
    popfd
    pushfd
    pop eax
    CHECKM eax, 0x3000, 0, "popf at CPL3: IOPL not changed"
    mov ebp, esp
.i40: int 0x40                          ; returns with IF=1 (see REC+0x40)
.i40_ret:
.i41: int 0x41                          ; IF=1 here: trap gate keeps it
    mov dword [REC + 0x40], 0
    CHECK [REC + 0x10], .i40_ret, "int 0x40 from ring 3: pushed EIP = next instruction"
    CHECK [REC + 0x14], UCODE32, "pushed CS = 0x2B"
    CHECK [REC + 0x1C], ebp, "pushed ESP = ring-3 ESP"
    CHECK [REC + 0x20], UDATA32, "pushed SS = 0x33"
    CHECKM [REC + 0x18], 0x3200, 0x0000, "pushed EFLAGS: IOPL0, IF=0"
    CHECK [REC + 0x28], RING0_ESP - 20, "ring-0 stack from TSS esp0 (5 dwords pushed)"
    CHECKM [REC + 0x24], 0x200, 0, "interrupt gate handler runs with IF=0"
    CHECKM [REC + 0x2C], 0x200, 0x200, "trap gate handler runs with IF kept (1)"
    pushfd
    pop eax
    CHECKM eax, 0x200, 0, "back in ring 3 with IF=0"
    EXPECT 13, .i42_r
.i42: int 0x42                          ; DPL0 gate
.i42_r:
    CHECKV EXC_VEC, 13, "int n through a DPL0 gate at CPL3: #GP"
    CHECKV EXC_ERR, 0x42*8 + 2, "#GP error code = vector*8 + 2"
    CHECKV EXC_EIP, .i42, "saved EIP at the int"
    CHECKV EXC_CS, UCODE32, "saved CS = ring-3 CS"

    ; ------------------------------------ call gate to ring 0 with 2 params
    mov ebp, esp
    push dword 0x11111111               ; p1
    push dword 0x22222222               ; p2
    mov fs, [fs_user]
    call SEL_CG3:0
.cg3_ret:
    mov bx, ds
    mov dx, es
    mov cx, fs
    mov ax, UDATA32
    mov ds, ax
    mov es, ax
    mov eax, esp
    CHECK eax, ebp, "retf 8 to ring 3: caller parameters popped, ESP restored"
    CHECK [REC + 0x60], .cg3_ret, "call gate frame: EIP"
    CHECK [REC + 0x64], UCODE32, "call gate frame: CS = 0x2B"
    CHECK [REC + 0x68], 0x22222222, "call gate frame: parameter 2 copied"
    CHECK [REC + 0x6C], 0x11111111, "call gate frame: parameter 1 copied"
    mov eax, ebp
    sub eax, 8
    CHECK [REC + 0x70], eax, "call gate frame: caller ESP (after the pushes)"
    CHECK [REC + 0x74], UDATA32, "call gate frame: caller SS"
    CHECK [REC + 0x30], RING0_ESP - 24, "call gate: new stack from TSS esp0"
    movzx eax, word [REC + 0x50]
    CHECK eax, KCODE32, "call gate target runs with CS = 0x08 (CPL0)"
    movzx ebx, bx
    CHECK ebx, 0, "retf to ring 3 nulls DS loaded with DPL0 data"
    movzx edx, dx
    CHECK edx, 0, "retf to ring 3 nulls ES loaded with DPL0 data"
    movzx ecx, cx
    CHECK ecx, UDATA32, "retf to ring 3 keeps FS (DPL3 data)"

    ; ------------------------------------ I/O permission bitmap (IOPL0 < CPL3)
    mov dx, 0x70
    mov al, 0
    out dx, al
    OKMSG "out to a port allowed by the bitmap (0x70)"
    EXPECT 13, .io1_r
.io1: out 0x80, al
.io1_r:
    CHECKV EXC_VEC, 13, "out to a denied port (0x80): #GP"
    CHECKV EXC_ERR, 0, "#GP(0)"
    CHECKV EXC_EIP, .io1, "saved EIP at out"
    EXPECT 13, .io2_r
.io2: in al, 0x80
.io2_r:
    CHECKV EXC_EIP, .io2, "in from a denied port: #GP(0)"
    EXPECT 13, .io3_r
    mov dx, 0xE9
.io3: out dx, ax                        ; 0xEA is denied
.io3_r:
    CHECKV EXC_EIP, .io3, "word out at 0xE9 checks the bit of 0xEA too: #GP(0)"
    EXPECT 13, .io4_r
    mov dx, 0x400
.io4: in al, dx                         ; beyond the TSS limit
.io4_r:
    CHECKV EXC_EIP, .io4, "port beyond the bitmap (TSS limit): #GP(0)"
    mov dx, 0xF4
    in eax, dx                          ; dword at 0xF4..0xF7 allowed
    OKMSG "dword in at 0xF4 (bits 0xF4-0xF7 clear) allowed"

    ; ------------------------------------ privileged / sensitive at CPL3
%macro GP0 2+
    EXPECT 13, %%r
%%i: %2
%%r:
    CHECKV EXC_EIP, %%i, %1
    CHECKV EXC_ERR, 0, "  ... error code 0"
%endmacro
    GP0 "cli at CPL3 with IOPL0: #GP(0)", cli
    GP0 "sti at CPL3 with IOPL0: #GP(0)", sti
    GP0 "hlt at CPL3: #GP(0)", hlt
    GP0 "mov cr0, eax at CPL3: #GP(0)", mov cr0, eax
    GP0 "mov eax, cr3 at CPL3: #GP(0)", mov eax, cr3
    GP0 "lgdt at CPL3: #GP(0)", lgdt [gdt_pd]
    GP0 "lidt at CPL3: #GP(0)", lidt [gdt_pd]
    GP0 "ltr at CPL3: #GP(0)", ltr ax
    GP0 "rdmsr at CPL3: #GP(0)", rdmsr
    GP0 "mov dr7, eax at CPL3: #GP(0)", mov dr7, eax
    GP0 "invlpg at CPL3: #GP(0)", invlpg [0]
    smsw eax
    OKMSG "smsw at CPL3 is allowed"
    sgdt [REC + 0xA0]
    OKMSG "sgdt at CPL3 is allowed (no UMIP)"
    rdtsc
    OKMSG "rdtsc at CPL3 with CR4.TSD=0 is allowed"

    ; ------------------------------------ sysenter / sysexit
    cmp dword [have_sep], 0
    je .nosep
    mov ecx, esp
    mov edx, .after_sysexit
    sysenter
.after_sysexit:
    mov bx, ds
    mov ax, UDATA32
    mov ds, ax
    movzx eax, word [REC + 0x80]
    CHECK eax, SEL_SYSCS, "sysenter: CS = IA32_SYSENTER_CS"
    movzx eax, word [REC + 0x84]
    CHECK eax, SEL_SYSCS + 8, "sysenter: SS = SYSENTER_CS + 8"
    CHECK [REC + 0x88], RING0_ESP - 0x800, "sysenter: ESP = IA32_SYSENTER_ESP"
    CHECKM [REC + 0x8C], 0x200, 0, "sysenter: IF=0"
    mov ax, cs
    movzx eax, ax
    CHECK eax, SEL_SYSCS + 16 + 3, "sysexit: CS = SYSENTER_CS + 16, RPL3"
    mov ax, ss
    movzx eax, ax
    CHECK eax, SEL_SYSCS + 24 + 3, "sysexit: SS = SYSENTER_CS + 24, RPL3"
    mov eax, esp
    CHECK eax, ecx, "sysexit: ESP = ECX"
.nosep:
    int 0x30

fs_user: dw UDATA32
gdt_pd: dw 0
        dd 0

back_to_ring0:
    mov ax, KDATA32
    mov ds, ax
    mov es, ax
    mov esp, [saved_esp]
    PASS

; DPL3 interrupt gate handler: record the frame, return with IF forced as
; requested in [REC+0x40] (bit 9)
int_gate_h:
    push eax
    push ds
    mov ax, KDATA32
    mov ds, ax
    mov eax, [esp + 8]
    mov [REC + 0x10], eax               ; EIP
    mov eax, [esp + 12]
    mov [REC + 0x14], eax               ; CS
    mov eax, [esp + 16]
    mov [REC + 0x18], eax               ; EFLAGS
    mov eax, [esp + 20]
    mov [REC + 0x1C], eax               ; ESP
    mov eax, [esp + 24]
    mov [REC + 0x20], eax               ; SS
    pushfd
    pop eax
    mov [REC + 0x24], eax               ; handler EFLAGS
    lea eax, [esp + 8]
    mov [REC + 0x28], eax               ; handler ESP at entry
    mov eax, [REC + 0x40]
    and dword [esp + 16], ~0x200
    or [esp + 16], eax
    pop ds
    pop eax
    iretd
trap_gate_h:
    push eax
    push ds
    mov ax, KDATA32
    mov ds, ax
    pushfd
    pop eax
    mov [REC + 0x2C], eax               ; handler EFLAGS (trap gate)
    and dword [esp + 16], ~0x200        ; return with IF=0
    pop ds
    pop eax
    iretd

; call gate targets
cg_same:
    mov eax, [esp]
    mov [REC], eax
    mov eax, [esp + 4]
    mov [REC + 4], eax
    mov [REC + 8], esp
    retf
cg_ring0:
    mov [REC + 0x30], esp
    mov ax, KDATA32
    mov ds, ax
    mov es, ax
    mov ax, UDATA32
    mov fs, ax
    mov ax, cs
    mov [REC + 0x50], ax
    mov esi, REC + 0x60
    xor ecx, ecx
.c: mov eax, [esp + ecx*4]              ; EIP, CS, p2, p1, ESP, SS
    mov [esi + ecx*4], eax
    inc ecx
    cmp ecx, 6
    jb .c
    retf 8

sysenter_entry:
    mov ax, cs
    mov [REC + 0x80], ax
    mov ax, ss
    mov [REC + 0x84], ax
    mov [REC + 0x88], esp
    pushfd
    pop eax
    mov [REC + 0x8C], eax
    sysexit

saved_esp: dd 0
have_sep: dd 0
vendor: times 16 db 0

gdt:
    GDT_STANDARD
    DESC TSS0, IOMAP + 0x80, 0x89, 0    ; 0x40 TSS with I/O bitmap
    DESC 0, 0xFFFFF, ACC_CODE0, 0xC     ; 0x48 sysenter CS
    DESC 0, 0xFFFFF, ACC_DATA0, 0xC     ; 0x50 sysenter SS
    DESC 0, 0xFFFFF, ACC_CODE3, 0xC     ; 0x58 sysexit CS
    DESC 0, 0xFFFFF, ACC_DATA3, 0xC     ; 0x60 sysexit SS
    dw 0, KCODE32, 0xEC02, 0            ; 0x68 call gate DPL3, 2 params (offset patched)
    dw 0, KCODE32, 0x8C00, 0            ; 0x70 call gate DPL0 (offset patched)
gdt_end:
