; smc_and_misc.asm - self-modifying code in real mode and 32-bit protected
; mode, and assorted 486/P5/P6 instructions and string-instruction corner
; cases (SDM vol. 2 instruction pages; vol. 3 sections 8.1.3 "Handling Self-
; and Cross-Modifying Code" and 11.6 "Self-Modifying Code").
;
; Self-modifying code: the SDM guarantees that new code is executed if the
; store is followed by a jump to it (option 1) or by a serializing
; instruction such as CPUID (option 2); P6 and later processors also detect
; a store into an instruction that is already prefetched (check on the
; linear address), so a store to the instruction right after the store
; takes effect too (Tandem models a P6-class CPU). A store through another
; linear alias of the same physical page is only guaranteed after a
; serializing instruction (or when the code is reached by a later jump/call;
; cached code is invalidated by physical address), so only those forms are
; checked for aliases.
;
; Starts in real mode (main16), then switches to flat 32-bit protected mode
; with paging (identity map + one physical page mapped at two linear
; addresses).
%define GUEST_MODE 16
%define TEXT32_START 0x4000
%include "lib/common.inc"

M           equ 0x30000         ; scratch data (32-bit part)
BUF         equ 0x31000         ; string buffers
BUF2        equ 0x31800
CODEPG      equ 0x33000         ; code written at run time
CODEPG2     equ 0x35000
ALIASPHYS   equ 0x34000         ; physical page mapped twice
PD          equ 0x20000
PT0         equ 0x21000
PT1         equ 0x22000
ALIAS1      equ 0x400000        ; -> ALIASPHYS
ALIAS2      equ 0x401000        ; -> ALIASPHYS
PG_RO       equ 0x402000        ; read-only -> ROPHYS
ROPHYS      equ 0x36000
D40         equ 0x40000         ; base of SEL_D40
SEL_D40     equ 0x40            ; data, base 0x40000, limit 1 MiB

section .text16
bits 16
main16:
    PRINTLN "# smc_and_misc: self-modifying code, string and bit instructions"
; ------------------------------------------------------ real-mode SMC
    ; (DS = CS = 0x1000: labels are the offsets of the code)
    mov byte [.r1 + 1], 0x42            ; SDM option 1: store, jmp, execute
    jmp .r1
.r1: mov al, 0x11
    movzx eax, al
    CHECK eax, 0x42, "real mode SMC: store, jmp, new code runs (SDM option 1)"
    mov byte [.r2 + 1], 0x43            ; SDM option 2: store, cpuid, execute
    xor eax, eax
    cpuid
.r2: mov bl, 0x11
    movzx ebx, bl
    CHECK ebx, 0x43, "real mode SMC: store, cpuid (serializing), new code runs (option 2)"
    mov byte [.r3 + 1], 0x44            ; the very next instruction (P6+)
.r3: mov cl, 0x11
    movzx ecx, cl
    CHECK ecx, 0x44, "real mode SMC: store to the immediately following instruction"
    mov byte [.r4 + 1], 0x45            ; two instructions ahead
    nop
    inc di
.r4: mov dl, 0x11
    movzx edx, dl
    CHECK edx, 0x45, "real mode SMC: store to an instruction 2 instructions ahead"
    mov byte [.r5], 0x4B                ; opcode change: inc bx -> dec bx
    mov bx, 10
.r5: inc bx
    movzx ebx, bx
    CHECK ebx, 9, "real mode SMC: opcode byte replaced (inc bx -> dec bx)"
    ; the same linear address through another segment:offset pair
    push ds
    mov ax, RAMSEG - 0x10
    mov ds, ax
    mov byte [.r6 + 1 + 0x100], 0x46    ; 0FF0:(x+0x100) = 1000:x
    pop ds
.r6: mov al, 0x11
    movzx eax, al
    CHECK eax, 0x46, "real mode SMC through another seg:offset of the same linear address"
    ; loop body: patch the next iteration's immediate (code re-executed after a jump)
    xor ax, ax
    mov cx, 4
.l1: add ax, strict word 0x0001        ; 05 iw
    shl word [.l1 + 1], 1
    loop .l1
    movzx eax, ax
    CHECK eax, 15, "real mode SMC in a loop body: 1+2+4+8 (immediate doubled each pass)"
    movzx eax, word [.l1 + 1]
    CHECK eax, 16, "  ... immediate is 16 afterwards"
    ; loop body: patch an instruction later in the same iteration
    xor ax, ax
    mov cx, 5
.l2: mov [.l2i + 1], cl
.l2i: add al, 0
    loop .l2
    movzx eax, al
    CHECK eax, 15, "real mode SMC in a loop body: patched add later in the same pass (5+4+3+2+1)"
    ; code on another page (0x2000:0000 = linear 0x20000), executed, patched, re-executed
    mov ax, 0x2000
    mov es, ax
    mov byte [es:0], 0xB8               ; mov ax, imm16
    mov word [es:1], 0x1111
    mov byte [es:3], 0xCB               ; retf
    mov cx, 100                         ; run it often enough to be cached
.rr: call 0x2000:0
    loop .rr
    movzx eax, ax
    CHECK eax, 0x1111, "real mode: code written to another page runs (100 calls)"
    mov word [es:1], 0x2222
    call 0x2000:0
    movzx eax, ax
    CHECK eax, 0x2222, "real mode SMC: code on another page patched and re-run"
    mov ax, 0x1FF0                      ; write through 1FF0:0101 = linear 0x20001
    mov es, ax
    mov word [es:0x101], 0x3333
    call 0x2000:0
    movzx eax, ax
    CHECK eax, 0x3333, "real mode SMC: other page patched through another segment"

; ------------------------------------------------------ real-mode strings
    mov ax, 0x3000
    mov fs, ax
    mov ax, 0x3200
    mov es, ax
    mov dword [fs:0x10], 0x44332211
    mov dword [es:0x10], 0x88776655
    mov si, 0x10
    cld
    fs lodsb                            ; source FS:SI
    movzx eax, al
    CHECK eax, 0x11, "real mode: fs lodsb reads FS:SI"
    movzx esi, si
    CHECK esi, 0x11, "  ... SI incremented"
    mov si, 0x10
    es lodsw
    movzx eax, ax
    CHECK eax, 0x6655, "real mode: es lodsw reads ES:SI"
    mov si, .code_bytes
    cs lodsb
    movzx eax, al
    CHECK eax, 0xC3, "real mode: cs lodsb reads code bytes"
    mov dword [fs:0x20], 0
    mov dword [es:0x20], 0
    mov di, 0x20
    mov al, 0x77
    fs stosb                            ; override ignored: ES:DI
    movzx eax, byte [es:0x20]
    CHECK eax, 0x77, "real mode: fs stosb still writes ES:DI (no override for ES)"
    CHECK [fs:0x20], 0, "  ... FS:DI not written"
    mov si, 0x10
    mov di, 0x30
    mov dword [es:0x30], 0
    fs movsw                            ; FS:SI -> ES:DI
    CHECK [es:0x30], 0x00002211, "real mode: fs movsw copies FS:SI to ES:DI"
    mov si, 0x10
    mov di, 0x30
    fs cmpsb                            ; FS:[0x10]=0x11 vs ES:[0x30]=0x11
    CHECKF 0x40, 0x40, "real mode: fs cmpsb compares FS:SI with ES:DI (equal)"
    ; address size: default a16 uses CX/DI only, a32 uses ECX/EDI
    mov edi, 0xABCD0100
    mov ecx, 0x12340003
    mov al, 0x5A
    rep stosb
    CHECK edi, 0xABCD0103, "real mode rep stosb (a16): DI advanced, upper EDI kept"
    CHECK ecx, 0x12340000, "  ... CX counted down, upper ECX kept"
    CHECK [es:0x100], 0x005A5A5A, "  ... 3 bytes at ES:0x100"
    mov edi, 0x00000200
    mov ecx, 0x00000002
    mov ax, 0xA55A
    a32 rep stosw
    CHECK edi, 0x00000204, "real mode a32 rep stosw: EDI += 4"
    CHECK ecx, 0, "  ... ECX = 0"
    CHECK [es:0x200], 0xA55AA55A, "  ... 2 words stored"

; ------------------------------------------------------ to protected mode
    cli
    o32 lgdt [cs:gdt_pdesc16]
    o32 lidt [cs:idt_pdesc16]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword KCODE32:pm_start

.code_bytes: db 0xC3

section .text32
bits 32
pm_start:
    mov ax, KDATA32
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, STACK32_TOP
    call idt_init32
    lidt [idt_pdesc32]
    mov dword [EXC_EXPECT], -1
    mov eax, cr0
    CHECKM eax, 1, 1, "protected mode (CR0.PE=1)"

; ------------------------------------------------------ CPUID
    pushfd
    pop eax
    mov ebx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ebx
    popfd
    xor eax, ebx
    CHECK eax, 1 << 21, "EFLAGS.ID can be toggled (CPUID present)"
    xor eax, eax
    cpuid
    mov [vendor], ebx
    mov [vendor + 4], edx
    mov [vendor + 8], ecx
    mov [maxleaf], eax
    cmp eax, 1
    setae al
    movzx eax, al
    CHECK eax, 1, "cpuid leaf 0: max basic leaf >= 1"
    PRINT "# cpuid vendor: "
    mov esi, vendor
    call puts32
    PRINTLN ""
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
    CHECK edx, 0, "cpuid leaf 0: vendor string is 12 printable characters"
    xor eax, eax
    cpuid
    CHECK eax, [maxleaf], "cpuid leaf 0 again: same max leaf"
    CHECK ebx, [vendor], "cpuid leaf 0 again: same vendor (EBX)"
    mov eax, 1
    cpuid
    mov [leaf1_edx], edx
    bt edx, 15
    setc [have_cmov]
    mov ebx, eax
    shr ebx, 8
    and ebx, 0xF
    cmp ebx, 4
    setae bl
    movzx ebx, bl
    CHECK ebx, 1, "cpuid leaf 1: family >= 4 (CPUID exists since the i486)"
    PRINT "# cpuid leaf 1: EAX=0x"
    call puthex32
    PRINT " EDX=0x"
    mov eax, [leaf1_edx]
    call puthex32
    PRINTLN ""

; ------------------------------------------------------ cmpxchg / xadd / bswap
    mov dword [M], 5
    mov eax, 5
    mov ecx, 9
    cmpxchg [M], ecx
    CHECKF 0x40, 0x40, "cmpxchg [m], ecx with EAX == [m]: ZF=1"
    CHECK [M], 9, "  ... [m] = ECX"
    CHECK eax, 5, "  ... EAX unchanged"
    mov eax, 3
    mov ecx, 7
    cmpxchg [M], ecx
    CHECKF 0xC1, 0x81, "cmpxchg with EAX != [m]: ZF=0, CF=SF=1 (flags of cmp 3, 9)"
    CHECK eax, 9, "  ... EAX = [m]"
    CHECK [M], 9, "  ... [m] unchanged"
    mov al, 0x80
    mov bl, 0x80
    mov cl, 0x7F
    cmpxchg bl, cl
    movzx ebx, bl
    CHECK ebx, 0x7F, "cmpxchg bl, cl (byte, register, equal): BL = CL"
    mov eax, 0xAAAA1234
    mov word [M], 0x1235
    mov dx, 0xFFFF
    cmpxchg [M], dx
    CHECK eax, 0xAAAA1235, "cmpxchg word, not equal: AX loaded, upper EAX kept"
    mov eax, 9
    mov ecx, 0x99
    lock cmpxchg [M], ecx
    CHECKF 0x40, 0, "lock cmpxchg (not equal, [m]=0x1235): ZF=0"
    mov dword [M], 0x20
    mov eax, 0x10
    xadd [M], eax
    CHECK [M], 0x30, "xadd [m], eax: [m] = sum"
    CHECK eax, 0x20, "  ... EAX = old [m]"
    mov al, 0x20
    mov bl, 0xF0
    xadd bl, al
    CHECKF 0x01, 0x01, "xadd bl, al: CF from the addition"
    movzx ebx, bl
    CHECK ebx, 0x10, "  ... BL = 0xF0 + 0x20 (8-bit)"
    movzx eax, al
    CHECK eax, 0xF0, "  ... AL = old BL"
    mov eax, 3
    xadd eax, eax
    CHECK eax, 6, "xadd eax, eax: destination written last (sum)"
    mov ecx, 5
    lock xadd [M], ecx
    CHECK ecx, 0x30, "lock xadd: old value"
    CHECK [M], 0x35, "lock xadd: new value"
    mov eax, 0x12345678
    bswap eax
    CHECK eax, 0x78563412, "bswap eax"
    mov esi, 0x80FF0001
    bswap esi
    CHECK esi, 0x0100FF80, "bswap esi"

; ------------------------------------------------------ bt / bts / btr / btc
    mov eax, 0x20
    bt eax, 5
    CHECKF 1, 1, "bt eax, 5: CF=1"
    bt eax, 37
    CHECKF 1, 1, "bt eax, 37: register offset taken modulo 32"
    mov ecx, 0x80000000
    bts ecx, 0
    CHECKF 1, 0, "bts ecx, 0: CF = old bit (0)"
    CHECK ecx, 0x80000001, "  ... bit set"
    btr ecx, 31
    CHECKF 1, 1, "btr ecx, 31: CF = old bit (1)"
    CHECK ecx, 1, "  ... bit cleared"
    btc ecx, 0
    CHECK ecx, 0, "btc ecx, 0: bit complemented"
    mov ebx, 4
    btc ecx, ebx
    CHECK ecx, 0x10, "btc ecx, ebx (4)"
    xor eax, eax
    mov edi, M - 16
    mov ecx, 12
    rep stosd
    mov dword [M + 4], 0x8
    mov ecx, 35
    bt [M], ecx
    CHECKF 1, 1, "bt [m], ecx=35: bit 3 of the dword at m+4"
    bt dword [M], 35
    CHECKF 1, 0, "bt dword [m], 35: immediate taken modulo 32 (bit 3 of [m])"
    mov ecx, -1
    bts [M], ecx
    CHECKF 1, 0, "bts [m], ecx=-1: CF=0"
    movzx eax, byte [M - 1]
    CHECK eax, 0x80, "  ... sets bit 7 of the byte before m (signed bit offset)"
    mov ecx, 100
    bts [M], ecx
    CHECK [M + 12], 0x10, "bts [m], ecx=100: bit 4 of the dword at m+12"
    mov ecx, -33
    btc [M], ecx
    CHECK [M - 8], 0x80000000, "btc [m], ecx=-33: bit 31 of the dword at m-8"
    mov dword [M], 0x00020000
    mov cx, 17
    bt word [M], cx
    CHECKF 1, 1, "bt word [m], cx=17: bit 1 of the word at m+2"
    mov cx, 33
    btr word [M], cx
    CHECKF 1, 0, "btr word [m], cx=33: bit 1 of the word at m+4 (clear)"

; ------------------------------------------------------ bsf / bsr
    mov ebx, 0x00018000
    bsf eax, ebx
    CHECKF 0x40, 0, "bsf, nonzero source: ZF=0"
    CHECK eax, 15, "bsf 0x18000 = 15"
    bsr eax, ebx
    CHECK eax, 16, "bsr 0x18000 = 16"
    mov ebx, 0x80000000
    bsr eax, ebx
    CHECK eax, 31, "bsr 0x80000000 = 31"
    bsf eax, ebx
    CHECK eax, 31, "bsf 0x80000000 = 31"
    mov dword [M], 1
    bsr eax, [M]
    CHECK eax, 0, "bsr [m]=1 = 0 (memory operand)"
    xor ebx, ebx
    bsf eax, ebx
    CHECKF 0x40, 0x40, "bsf of 0: ZF=1 (destination undefined, not checked)"
    bsr eax, ebx
    CHECKF 0x40, 0x40, "bsr of 0: ZF=1"
    mov eax, 0xFFFFFFFF
    mov bx, 0x0100
    bsf ax, bx
    CHECK eax, 0xFFFF0008, "bsf ax, bx (16-bit): AX = 8, upper EAX kept"

; ------------------------------------------------------ shld / shrd
    mov eax, 0x12345678
    mov edx, 0x9ABCDEF1
    shld eax, edx, 8
    CHECK eax, 0x3456789A, "shld eax, edx, 8"
    CHECKF 1, 0, "  ... CF = bit 24 of the old EAX (0)"
    mov eax, 0x12345678
    shrd eax, edx, 4
    CHECK eax, 0x11234567, "shrd eax, edx, 4"
    CHECKF 1, 1, "  ... CF = bit 3 of the old EAX (1)"
    mov eax, 0x12345678
    mov cl, 36
    shld eax, edx, cl
    CHECK eax, 0x23456789, "shld eax, edx, cl=36: count masked to 4"
    CHECKF 1, 1, "  ... CF = bit 28 of the old EAX (1)"
    mov cl, 32
    stc
    shld eax, edx, cl
    CHECK eax, 0x23456789, "shld with cl=32 (count 0): EAX unchanged"
    CHECKF 1, 1, "  ... flags unchanged (CF still 1)"
    mov dword [M], 0x12345678
    shrd [M], edx, 8
    CHECK [M], 0xF1123456, "shrd [m], edx, 8 (memory destination)"
    CHECKF 0xC0, 0x80, "  ... SF=1 ZF=0"
    mov ax, 0x1234
    mov dx, 0xABCD
    shld ax, dx, 4
    movzx eax, ax
    CHECK eax, 0x234A, "shld ax, dx, 4 (16-bit)"
    CHECKF 1, 1, "  ... CF = bit 12 of the old AX (1)"
    mov eax, 0x00000001
    mov edx, 0
    shrd eax, edx, 1
    CHECKF 0x41, 0x41, "shrd to 0: ZF=1, CF=1"

; ------------------------------------------------------ setcc / cmovcc
    cmp byte [have_cmov], 0
    jne .have_cmov
    PRINTLN "# CPUID.1:EDX.CMOV=0: cmovcc checks skipped"
.have_cmov:
%macro CCCHECK 2
%strcat %%ds "setcc, all 16 conditions, after ", %2
%strcat %%dc "cmovcc, all 16 conditions, after ", %2
    CHECK eax, %1, %%ds
    cmp byte [have_cmov], 0
    je %%n
    CHECK ebx, %1, %%dc
%%n:
%endmacro
    mov eax, 1
    cmp eax, 2
    call cc_masks
    CCCHECK 0x5566, "cmp 1, 2 (CF SF PF: signed and unsigned less)"
    mov eax, 0x80000000
    cmp eax, 1
    call cc_masks
    CCCHECK 0x56A9, "cmp 0x80000000, 1 (OF PF)"
    mov eax, 5
    cmp eax, 5
    call cc_masks
    CCCHECK 0x665A, "cmp 5, 5 (ZF PF)"
    mov eax, 3
    cmp eax, 1
    call cc_masks
    CCCHECK 0xAAAA, "cmp 3, 1 (no flag set)"
    mov eax, 0xFFFFFFFF
    xor ecx, ecx
    sete al
    CHECK eax, 0xFFFFFF01, "sete al writes only AL"
    mov dword [M], 0xFFFFFFFF
    setne byte [M + 1]
    CHECK [M], 0xFFFF00FF, "setne [m+1] writes one byte (0)"
    cmp byte [have_cmov], 0
    je .no_cmov
    mov eax, 0x11111111
    mov ebx, 0x22222222
    xor ecx, ecx                        ; ZF=1
    cmovnz eax, ebx
    CHECK eax, 0x11111111, "cmovnz, condition false: destination unchanged"
    cmovz eax, ebx
    CHECK eax, 0x22222222, "cmovz, condition true: moved"
    mov eax, 0x33333333
    mov dword [M], 0x44444444
    cmovz ax, [M]
    CHECK eax, 0x33334444, "cmovz ax, [m] (16-bit): AX moved, upper EAX kept"
.no_cmov:

; ------------------------------------------------------ cmpxchg8b
    bt dword [leaf1_edx], 8
    jc .cx8
    PRINTLN "# CPUID.1:EDX.CX8=0: cmpxchg8b checks skipped"
    jmp .cx8_end
.cx8:
    mov dword [M], 0x11111111
    mov dword [M + 4], 0x22222222
    mov eax, 0x11111111
    mov edx, 0x22222222
    mov ebx, 0x33333333
    mov ecx, 0x44444444
    cmpxchg8b [M]
    CHECKF 0x40, 0x40, "cmpxchg8b, EDX:EAX == m64: ZF=1"
    CHECK [M], 0x33333333, "  ... m64 low = EBX"
    CHECK [M + 4], 0x44444444, "  ... m64 high = ECX"
    xor eax, eax
    xor edx, edx
    lock cmpxchg8b [M]
    CHECKF 0x40, 0, "lock cmpxchg8b, not equal: ZF=0"
    CHECK eax, 0x33333333, "  ... EAX = m64 low"
    CHECK edx, 0x44444444, "  ... EDX = m64 high"
    CHECK [M], 0x33333333, "  ... m64 unchanged"
    EXPECT 6, .c8_r
.c8: db 0x0F, 0xC7, 0xC8                ; cmpxchg8b eax (register operand)
.c8_r:
    CHECKV EXC_VEC, 6, "cmpxchg8b with a register operand: #UD"
.cx8_end:

; ------------------------------------------------------ rep movs, overlapping
%macro ABCDEFGH 0
    mov dword [BUF], 'ABCD'
    mov dword [BUF + 4], 'EFGH'
    mov dword [BUF + 8], 'IJKL'
%endmacro
    cld
    ABCDEFGH
    mov esi, BUF
    mov edi, BUF + 1
    mov ecx, 7
    rep movsb
    CHECK [BUF], 'AAAA', "rep movsb forward, dst = src+1: byte-by-byte (AAAA...)"
    CHECK [BUF + 4], 'AAAA', "  ... bytes 4-7 (AAAA)"
    CHECK [BUF + 8], 'IJKL', "  ... byte 8 untouched"
    CHECK esi, BUF + 7, "  ... ESI"
    CHECK edi, BUF + 8, "  ... EDI"
    CHECK ecx, 0, "  ... ECX"
    ABCDEFGH
    mov esi, BUF + 1
    mov edi, BUF
    mov ecx, 7
    rep movsb
    CHECK [BUF], 'BCDE', "rep movsb forward, dst = src-1: BCDEFGHH"
    CHECK [BUF + 4], 'FGHH', "  ... bytes 4-7"
    ABCDEFGH
    std
    mov esi, BUF + 6
    mov edi, BUF + 7
    mov ecx, 7
    rep movsb
    cld
    CHECK [BUF], 'AABC', "rep movsb backward (DF=1), dst = src+1: AABCDEFG"
    CHECK [BUF + 4], 'DEFG', "  ... bytes 4-7"
    CHECK esi, BUF - 1, "  ... ESI = BUF-1"
    CHECK edi, BUF, "  ... EDI = BUF"
    ABCDEFGH
    std
    mov esi, BUF + 7
    mov edi, BUF + 6
    mov ecx, 7
    rep movsb
    cld
    CHECK [BUF], 'HHHH', "rep movsb backward, dst = src-1: byte-by-byte (HHHH...)"
    CHECK [BUF + 4], 'HHHH', "  ... bytes 4-7"
    ; distance 3 over 64 bytes: the pattern repeats
    mov dword [BUF], 'ABC?'
    mov esi, BUF
    mov edi, BUF + 3
    mov ecx, 61
    rep movsb
    CHECK [BUF + 32], 'CABC', "rep movsb, dst = src+3, 61 bytes: ABC repeated (offset 32)"
    CHECK [BUF + 60], 'ABCA', "  ... offset 60"
    ; dwords overlapping by one byte
    mov edi, BUF
    mov eax, 0x03020100
    mov ecx, 4
.fill: stosd
    add eax, 0x04040404
    loop .fill
    mov esi, BUF
    mov edi, BUF + 1
    mov ecx, 2
    rep movsd
    CHECK [BUF], 0x02010000, "rep movsd, dst = src+1: element by element (bytes 0-3)"
    CHECK [BUF + 4], 0x06050303, "  ... bytes 4-7"
    CHECK [BUF + 8], 0x0B0A0907, "  ... bytes 8-11"
    ; backward dword stores
    mov dword [BUF], 0x12345678
    std
    mov edi, BUF + 12
    mov ecx, 3
    mov eax, 0xEEEEEEEE
    rep stosd
    cld
    CHECK [BUF + 4], 0xEEEEEEEE, "rep stosd backward: stores at BUF+12..BUF+4"
    CHECK [BUF], 0x12345678, "  ... BUF untouched"
    CHECK edi, BUF, "  ... EDI = BUF"

; ------------------------------------------------------ cmps / scas
    mov dword [BUF], 'ABCD'
    mov dword [BUF + 4], 'EF..'
    mov dword [BUF2], 'ABCX'
    mov dword [BUF2 + 4], 'EF..'
    mov esi, BUF
    mov edi, BUF2
    mov ecx, 6
    repe cmpsb
    CHECKF 0x41, 0x01, "repe cmpsb stops at the mismatch: ZF=0, CF=1 ('D' < 'X')"
    CHECK ecx, 2, "  ... ECX = 2"
    CHECK esi, BUF + 4, "  ... ESI past the mismatch"
    CHECK edi, BUF2 + 4, "  ... EDI past the mismatch"
    mov esi, BUF
    mov edi, BUF
    mov ecx, 6
    repe cmpsb
    CHECKF 0x40, 0x40, "repe cmpsb on equal strings: ZF=1"
    CHECK ecx, 0, "  ... ECX = 0"
    mov edi, BUF
    mov al, 'D'
    mov ecx, 6
    repne scasb
    CHECKF 0x40, 0x40, "repne scasb finds 'D': ZF=1"
    CHECK ecx, 2, "  ... ECX = 2"
    CHECK edi, BUF + 4, "  ... EDI after the match"
    mov edi, BUF
    mov al, 'Z'
    mov ecx, 6
    repne scasb
    CHECKF 0x40, 0, "repne scasb without a match: ZF=0"
    CHECK ecx, 0, "  ... ECX = 0"
    CHECK edi, BUF + 6, "  ... EDI = end"
    mov esi, BUF
    mov edi, BUF2
    xor ecx, ecx
    stc
    repe cmpsb
    CHECKF 1, 1, "rep cmpsb with ECX=0: no iteration, flags unchanged"
    CHECK esi, BUF, "  ... ESI unchanged"
    ; 16-bit address size in 32-bit code: SI/DI/CX only
    mov ax, SEL_D40
    mov es, ax
    mov ds, ax
    mov dword [es:0x200], 'ABCD'
    mov dword [es:0x300], 'ABXD'
    mov esi, 0x11110200
    mov edi, 0x22220300
    mov ecx, 0x33330002
    a16 repe cmpsw
    mov ax, KDATA32
    mov ds, ax
    CHECKF 0x40, 0, "a16 repe cmpsw (DS=ES base 0x40000): mismatch in word 2"
    CHECK ecx, 0x33330000, "  ... CX counted, upper ECX kept"
    CHECK esi, 0x11110204, "  ... SI advanced, upper ESI kept"
    CHECK edi, 0x22220304, "  ... DI advanced, upper EDI kept"
    mov edi, 0xABCD0100
    mov ecx, 0x12340004
    mov al, 0x5A
    a16 rep stosb
    CHECK [D40 + 0x100], 0x5A5A5A5A, "a16 rep stosb: ES:DI with ES base 0x40000"
    CHECK edi, 0xABCD0104, "  ... upper EDI kept"
    CHECK ecx, 0x12340000, "  ... upper ECX kept"
    mov dword [D40], 0
    mov dword [D40 + 0x10000], 0
    mov edi, 0x0000FFFE
    mov ecx, 4
    mov al, 0xA5
    a16 rep stosb
    CHECK [D40 + 0xFFFC], 0xA5A50000, "a16 rep stosb wraps DI at 64 KiB: bytes 0xFFFE/0xFFFF"
    CHECK [D40], 0x0000A5A5, "  ... then bytes 0/1 of the segment"
    CHECK [D40 + 0x10000], 0, "  ... offset 0x10000 not written"
    CHECK edi, 2, "  ... DI = 2"
    mov edi, 0x0000FFFE
    mov ecx, 2
    mov al, 0x3C
    rep stosb                           ; a32: no wrap
    CHECK [D40 + 0x10000], 0, "a32 rep stosb at 0xFFFE, 2 bytes: stays below 0x10000"
    CHECK edi, 0x10000, "  ... EDI = 0x10000 (no 16-bit wrap)"

; ------------------------------------------------------ segment overrides
    mov ax, SEL_D40
    mov fs, ax
    mov ax, KDATA32
    mov es, ax
    mov dword [D40 + 0x400], 0x44332211
    mov dword [BUF], 0
    mov dword [D40 + BUF], 0xCCCCCCCC
    mov esi, 0x400
    fs lodsd
    CHECK eax, 0x44332211, "fs lodsd reads FS:ESI (base 0x40000)"
    CHECK esi, 0x404, "  ... ESI += 4"
    mov edi, BUF
    mov eax, 0x600DF00D
    fs stosd
    CHECK [BUF], 0x600DF00D, "fs stosd writes ES:EDI (override ignored)"
    CHECK [D40 + BUF], 0xCCCCCCCC, "  ... FS:EDI untouched"
    mov esi, 0x400
    mov edi, BUF + 4
    fs movsd
    CHECK [BUF + 4], 0x44332211, "fs movsd: FS:ESI -> ES:EDI"
    mov esi, 0x400
    mov edi, BUF + 4
    fs cmpsd
    CHECKF 0x40, 0x40, "fs cmpsd: FS:ESI vs ES:EDI equal"
    mov edi, BUF + 4
    mov eax, 0x44332211
    fs scasd                            ; ES:EDI regardless of the prefix
    CHECKF 0x40, 0x40, "fs scasd compares ES:EDI (override ignored)"
    mov ax, KDATA32
    mov fs, ax

; ------------------------------------------------------ SMC, paging off
    mov byte [CODEPG2], 0xB8            ; mov eax, imm32
    mov dword [CODEPG2 + 1], 0x5555
    mov byte [CODEPG2 + 5], 0xC3        ; ret
    mov ecx, 100
.np: mov eax, CODEPG2
    call eax
    loop .np
    CHECK eax, 0x5555, "pm, paging off: code written to a fresh page runs (100 calls)"
    mov dword [CODEPG2 + 1], 0x6666
    mov eax, CODEPG2
    call eax
    CHECK eax, 0x6666, "pm, paging off: SMC on another page, patched and re-run"

; ------------------------------------------------------ paging: identity + alias
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
    mov dword [PD], PT0 | 3
    mov dword [PD + 4], PT1 | 3
    mov dword [PT1 + 0], ALIASPHYS | 3  ; ALIAS1
    mov dword [PT1 + 4], ALIASPHYS | 3  ; ALIAS2
    mov dword [PT1 + 8], ROPHYS | 1     ; PG_RO: present, read-only
    mov dword [ROPHYS], 7
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .pg
.pg:
    mov dword [ALIASPHYS + 0x800], 0x0A11A500
    CHECK [ALIAS2 + 0x800], 0x0A11A500, "paging on: ALIAS2 maps the alias page"
    ; locked-style read-modify-write instructions always write their destination
    mov eax, cr0
    or eax, 1 << 16                     ; CR0.WP: supervisor writes honour R/W
    mov cr0, eax
    mov ecx, 7
    bt [PG_RO], ecx
    CHECKF 1, 0, "bt on a read-only page: no fault (read only)"
    mov eax, 5
    mov ecx, 9
    EXPECT 14, .ro1_r
.ro1: cmpxchg [PG_RO], ecx              ; 5 != 7: no change, but written back
.ro1_r:
    CHECKV EXC_VEC, 14, "cmpxchg with EAX != [m] on a read-only page: #PF (destination written back)"
    CHECKV EXC_ERR, 3, "  ... error code 3 (present, write)"
    CHECKV EXC_EIP, .ro1, "  ... saved EIP at the cmpxchg"
    CHECK eax, 5, "  ... EAX not loaded (faulting instruction has no effect)"
    EXPECT 14, .ro2_r
.ro2: bts dword [PG_RO], 0              ; bit 0 already set
.ro2_r:
    CHECKV EXC_ERR, 3, "bts on a read-only page with the bit already set: #PF (write)"
    mov eax, cr0
    and eax, ~(1 << 16)
    mov cr0, eax

; ------------------------------------------------------ protected-mode SMC
    mov byte [.p1 + 1], 0x42
    jmp .p1
.p1: mov eax, 0x11
    CHECK eax, 0x42, "pm SMC: store, jmp, new code runs (SDM option 1)"
    mov byte [.p2 + 1], 0x43
    xor eax, eax
    cpuid
.p2: mov esi, 0x11
    CHECK esi, 0x43, "pm SMC: store, cpuid, new code runs (option 2)"
    mov byte [.p3 + 1], 0x44
.p3: mov ebx, 0x11
    CHECK ebx, 0x44, "pm SMC: store to the immediately following instruction"
    mov dword [.p4 + 1], 0xCAFEBABE
.p4: mov ecx, 0x11223344
    CHECK ecx, 0xCAFEBABE, "pm SMC: dword store over the next instruction's imm32"
    mov eax, 10
    mov byte [.p5], 0x48                ; inc eax -> dec eax
.p5: inc eax
    CHECK eax, 9, "pm SMC: opcode of the next instruction replaced (inc -> dec)"
    mov byte [.p6 + 1], 0x45
    nop
    add edi, 0
    xchg eax, eax
.p6: mov dl, 0x11
    movzx edx, dl
    CHECK edx, 0x45, "pm SMC: store to an instruction 3 instructions ahead"
    ; rep stosb overwriting the instruction that follows it
    mov edi, .p7
    mov ecx, 5
    mov al, 0x90
    mov ebx, 0x77
    rep stosb
.p7: mov ebx, 0x12345678                ; 5 bytes, replaced by nops
    CHECK ebx, 0x77, "pm SMC: rep stosb turned the next instruction into nops"
    ; loops
    xor eax, eax
    mov ecx, 4
.l1: add eax, strict dword 1           ; 05 id
    shl dword [.l1 + 1], 1
    loop .l1
    CHECK eax, 15, "pm SMC in a loop body: immediate doubled each pass (1+2+4+8)"
    xor eax, eax
    mov ecx, 5
.l2: mov [.l2i + 1], cl
.l2i: add al, 0
    loop .l2
    movzx eax, al
    CHECK eax, 15, "pm SMC in a loop body: add later in the same pass patched (5+..+1)"
    ; code on another page
    mov byte [CODEPG], 0xB8             ; mov eax, imm32
    mov dword [CODEPG + 1], 0x1111
    mov byte [CODEPG + 5], 0xC3         ; ret
    mov ecx, 100
.pr: mov eax, CODEPG
    call eax
    loop .pr
    CHECK eax, 0x1111, "pm: code written to another page runs (100 calls)"
    mov dword [CODEPG + 1], 0x2222
    mov eax, CODEPG
    call eax
    CHECK eax, 0x2222, "pm SMC: code on another page patched and re-run"
    ; code on another page patches the caller's page
    mov esi, pg_patcher
    mov edi, CODEPG + 0x100
    mov ecx, pg_patcher_end - pg_patcher
    rep movsb
    mov eax, CODEPG + 0x100
    call eax
.p8: mov eax, 0x11
    CHECK eax, 0x66, "pm SMC: code on another page patched the instruction after the call"
    ; through a different linear alias of the same physical page
    mov esi, snip_a
    mov edi, ALIAS1
    mov ecx, snip_end - snip_a
    rep movsb                           ; copy via ALIAS1
    mov ecx, 100
.ar: mov eax, ALIAS1
    call eax
    loop .ar
    CHECK eax, 0x11, "alias: snippet at ALIAS1 runs (100 calls)"
    mov byte [ALIAS2 + 1], 0x99         ; its imm32 through ALIAS2
    mov eax, ALIAS1
    call eax
    CHECK eax, 0x99, "SMC through another linear alias (ALIAS2 write, ALIAS1 call)"
    mov byte [ALIAS1 + 1], 0x98
    mov eax, ALIAS2
    call eax
    CHECK eax, 0x98, "SMC through another linear alias (ALIAS1 write, ALIAS2 call)"
    mov eax, ALIAS1 + (snip_b - snip_a)
    call eax
    CHECK esi, 0x42, "code at ALIAS1 patches itself via ALIAS2, then cpuid: new code runs"
    PASS

; called on CODEPG+0x100: patches the imm of the instruction after the call
pg_patcher:
    mov byte [pm_start.p8 + 1], 0x66
    ret
pg_patcher_end:

; position-independent snippets copied to the alias page
snip_a:
    mov eax, 0x11
    ret
snip_b:
    mov byte [ALIAS2 + (snip_b.ins - snip_a) + 1], 0x42
    xor eax, eax
    cpuid
.ins: mov esi, 0x11
    ret
snip_end:

; cc_masks: EAX = setcc results, EBX = cmovcc results for the current flags
; (bit n = condition with encoding n: o no b ae e ne be a s ns p np l ge le g)
cc_masks:
    seto [scc + 0]
    setno [scc + 1]
    setb [scc + 2]
    setae [scc + 3]
    sete [scc + 4]
    setne [scc + 5]
    setbe [scc + 6]
    seta [scc + 7]
    sets [scc + 8]
    setns [scc + 9]
    setp [scc + 10]
    setnp [scc + 11]
    setl [scc + 12]
    setge [scc + 13]
    setle [scc + 14]
    setg [scc + 15]
    mov ebx, 0                          ; mov/lea keep the flags
    pushfd
    cmp byte [have_cmov], 0
    je .nocmov
    popfd
%macro CMOVBIT 2
    mov edx, 0
    cmov%1 edx, [pow2 + 4*%2]
    lea ebx, [ebx + edx]
%endmacro
    CMOVBIT o, 0
    CMOVBIT no, 1
    CMOVBIT b, 2
    CMOVBIT ae, 3
    CMOVBIT e, 4
    CMOVBIT ne, 5
    CMOVBIT be, 6
    CMOVBIT a, 7
    CMOVBIT s, 8
    CMOVBIT ns, 9
    CMOVBIT p, 10
    CMOVBIT np, 11
    CMOVBIT l, 12
    CMOVBIT ge, 13
    CMOVBIT le, 14
    CMOVBIT g, 15
    jmp .mask
.nocmov:
    popfd
.mask:
    xor eax, eax
    mov ecx, 15
.b: shl eax, 1
    or al, [scc + ecx]
    dec ecx
    jns .b
    ret

pow2:
%assign i 0
%rep 16
    dd 1 << i
%assign i i+1
%endrep
scc:        times 16 db 0
vendor:     times 16 db 0
maxleaf:    dd 0
leaf1_edx:  dd 0
have_cmov:  db 0

gdt:
    GDT_STANDARD
    DESC D40, 0xFFFFF, ACC_DATA0, 0x4   ; 0x40 SEL_D40: base 0x40000, 1 MiB, 32-bit
gdt_end:
