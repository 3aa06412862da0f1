; realmode.asm - real-mode basics (8086/286/386 semantics, SDM vol. 2/3).
; Runs from main16 with CS=DS=ES=0x1000, SS=0x8000, interrupts disabled
; (IF stays 0 throughout: the PIC/PIT are not programmed here).
%define GUEST_MODE 16
%define TEXT32_START 0xB000
%include "lib/common.inc"

section .text16
bits 16

; install IVT entry %1 -> RAMSEG:%2 (clobbers nothing)
%macro SETIVT 2
    push ds
    push word 0
    pop ds
    mov word [(%1)*4], %2
    mov word [(%1)*4+2], RAMSEG
    pop ds
%endmacro

main16:
    PRINTLN "# realmode: real-mode basics"
; ---------------------------------------------------------------- segments
    mov ax, 0x2000
    mov es, ax
    mov byte [es:0x0010], 0x5A
    mov ax, 0x2001                      ; 0x2001:0000 = linear 0x20010
    mov fs, ax
    movzx eax, byte [fs:0x0000]
    CHECK eax, 0x5A, "segment arithmetic: 2000:0010 == 2001:0000"
    mov ax, 0x1F00                      ; 1F00:1010 = linear 0x20010
    mov gs, ax
    movzx eax, byte [gs:0x1010]
    CHECK eax, 0x5A, "segment arithmetic: 1F00:1010 == 2000:0010"
    mov word [es:0x0001], 0x1234
    mov bx, 0xFFFF
    mov si, 2
    movzx eax, word [es:bx+si]          ; offset wraps to 0x0001 (16-bit EA)
    CHECK eax, 0x1234, "16-bit effective address wraps at 64K ([bx+si])"
    mov di, 0xFFF0
    movzx eax, word [es:di+0x11]
    CHECK eax, 0x1234, "16-bit effective address wraps at 64K ([di+disp16])"

; ---------------------------------------------------------- addressing forms
    mov ax, 0x3000
    mov ds, ax                          ; DS -> linear 0x30000
    mov ax, 0x3100
    mov es, ax
    mov word [0x0100], 0x1111           ; ds:0100
    mov word [ss:0x0100], 0x2222        ; ss:0100 (0x80100)
    mov word [0x0206], 0x3333
    mov bx, 0x0100
    mov bp, 0x0100
    mov si, 0x0000
    mov di, 0x0106
    movzx eax, word [bx+si]
    CHECK eax, 0x1111, "[bx+si] uses DS"
    movzx eax, word [bp+si]
    CHECK eax, 0x2222, "[bp+si] uses SS"
    movzx eax, word [bp]
    CHECK eax, 0x2222, "[bp+0] uses SS"
    movzx eax, word [ds:bp]
    CHECK eax, 0x1111, "[ds:bp] override"
    movzx eax, word [bx+di]
    CHECK eax, 0x3333, "[bx+di]"
    mov si, 0x0206
    movzx eax, word [si]
    CHECK eax, 0x3333, "[si]"
    movzx eax, word [di+0x100]
    CHECK eax, 0x3333, "[di+disp16]"
    mov bx, 0x0210
    movzx eax, word [bx-0x0A]
    CHECK eax, 0x3333, "[bx+disp8] negative displacement"
    movzx eax, word [0x0206]
    CHECK eax, 0x3333, "[disp16]"
    mov bp, 0x0080
    mov di, 0x0080
    movzx eax, word [bp+di]
    CHECK eax, 0x2222, "[bp+di] uses SS"
    ; push sp (286+): pushes the value of SP before the push
    mov ax, sp
    push sp
    pop cx
    movzx ecx, cx
    movzx eax, ax
    CHECK ecx, eax, "push sp pushes the old SP value (286+)"
    ; lds / les
    mov word [0x0300], 0x5678
    mov word [0x0302], 0x9ABC
    les di, [0x0300]
    movzx eax, di
    CHECK eax, 0x5678, "les: offset"
    mov ax, es
    movzx eax, ax
    CHECK eax, 0x9ABC, "les: segment"
    lds si, [0x0300]
    mov ax, ds
    movzx eax, ax
    CHECK eax, 0x9ABC, "lds: segment"
    ; xlat
    mov ax, 0x3000
    mov ds, ax
    mov dword [0x0400], 0x44332211
    mov bx, 0x0400
    mov al, 3
    xlatb
    movzx eax, al
    CHECK eax, 0x44, "xlat al=[bx+al]"

; ---------------------------------------------------------- string ops
    mov ax, 0x3000
    mov ds, ax
    mov es, ax
    cld
    mov si, src_str
    push ds
    push cs
    pop ds
    mov di, 0x0500
    mov cx, 8
    rep movsb                           ; copy "ABCDEFGH" from CS to 3000:0500
    pop ds
    movzx eax, cx
    CHECK eax, 0, "rep movsb: cx=0 at end"
    movzx eax, di
    CHECK eax, 0x0508, "rep movsb: di advanced by 8"
    CHECK [0x0500], 'ABCD', "rep movsb: data (1)"
    CHECK [0x0504], 'EFGH', "rep movsb: data (2)"
    ; DF=1 backward word copy 0x0506.. -> 0x0606..
    std
    mov si, 0x0506
    mov di, 0x0606
    mov cx, 4
    rep movsw
    cld
    movzx eax, si
    CHECK eax, 0x04FE, "std rep movsw: si decremented by 8"
    movzx eax, di
    CHECK eax, 0x05FE, "std rep movsw: di decremented by 8"
    CHECK [0x0600], 'ABCD', "std rep movsw: data (1)"
    CHECK [0x0604], 'EFGH', "std rep movsw: data (2)"
    ; rep stosw
    mov ax, 0xBEEF
    mov di, 0x0700
    mov cx, 3
    rep stosw
    CHECK [0x0700], 0xBEEFBEEF, "rep stosw: data"
    movzx eax, word [0x0704]
    CHECK eax, 0xBEEF, "rep stosw: third word"
    movzx eax, word [0x0706]
    CHECK eax, 0, "rep stosw: stops after cx words"
    ; std stosb
    std
    mov al, 0x77
    mov di, 0x0712
    mov cx, 2
    rep stosb
    cld
    CHECK [0x0710], 0x00777700, "std rep stosb: bytes 0x711,0x712"
    ; repe cmpsb: "ABCDEFGH" vs "ABCDXFGH" -> stops after the mismatch
    mov byte [0x0604], 'X'
    mov si, 0x0500
    mov di, 0x0600
    mov cx, 8
    repe cmpsb
    CHECKF 0x40, 0, "repe cmpsb: ZF=0 at mismatch"
    movzx eax, cx
    CHECK eax, 3, "repe cmpsb: cx=3 left"
    movzx eax, si
    CHECK eax, 0x0505, "repe cmpsb: si after mismatch"
    movzx eax, di
    CHECK eax, 0x0605, "repe cmpsb: di after mismatch"
    ; repne scasb: find 'F'
    mov al, 'F'
    mov di, 0x0500
    mov cx, 8
    repne scasb
    CHECKF 0x40, 0x40, "repne scasb: ZF=1 found"
    movzx eax, cx
    CHECK eax, 2, "repne scasb: cx"
    movzx eax, di
    CHECK eax, 0x0506, "repne scasb: di one past the match"
    ; repne scasb not found: cx exhausted
    mov al, 'Z'
    mov di, 0x0500
    mov cx, 8
    repne scasb
    CHECKF 0x40, 0, "repne scasb not found: ZF=0"
    movzx eax, cx
    CHECK eax, 0, "repne scasb not found: cx=0"
    ; rep with cx=0 does nothing
    mov di, 0x0800
    mov dword [0x0800], 0
    xor cx, cx
    mov al, 0xAA
    rep stosb
    movzx eax, di
    CHECK eax, 0x0800, "rep stosb with cx=0: di unchanged"
    CHECK [0x0800], 0, "rep stosb with cx=0: no store"
    ; std lodsw
    std
    mov si, 0x0502
    lodsw
    cld
    movzx eax, ax
    CHECK eax, 'CD', "std lodsw: value"
    movzx eax, si
    CHECK eax, 0x0500, "std lodsw: si-2"
    ; a32 rep movsb with 32-bit esi/edi/ecx
    mov esi, 0x0500
    mov edi, 0x0900
    mov ecx, 4
    a32 rep movsb
    CHECK ecx, 0, "a32 rep movsb: ecx=0"
    CHECK edi, 0x0904, "a32 rep movsb: edi"
    CHECK [0x0900], 'ABCD', "a32 rep movsb: data"

; ---------------------------------------------------------------- BCD
    mov al, 0x19
    add al, 0x28
    daa
    CHECKF 1, 0, "daa 19+28: CF=0"
    movzx eax, al
    CHECK eax, 0x47, "daa 19+28=47"
    mov al, 0x9A                        ; 0x99+0x01
    mov ah, 0
    add al, 0                           ; AF=0 CF=0 with al=9A
    daa
    CHECKF 0x41, 0x41, "daa 9A: CF=1 ZF=1"
    movzx eax, al
    CHECK eax, 0x00, "daa 99+01=00 carry"
    mov al, 0x47
    sub al, 0x28                        ; 1F, AF=1
    das
    CHECKF 1, 0, "das 47-28: CF=0"
    movzx eax, al
    CHECK eax, 0x19, "das 47-28=19"
    mov al, 0x10
    sub al, 0x20                        ; F0, CF=1, AF=0
    das
    CHECKF 1, 1, "das 10-20: CF=1"
    movzx eax, al
    CHECK eax, 0x90, "das 10-20=90 borrow"
    mov ax, 0x0009
    add al, 3
    aaa
    CHECKF 0x11, 0x11, "aaa: CF=1 AF=1"
    movzx eax, ax
    CHECK eax, 0x0102, "aaa 9+3 -> ax=0102"
    mov ax, 0x0004
    add al, 3
    aaa
    CHECKF 0x11, 0, "aaa no adjust: CF=0 AF=0"
    movzx eax, ax
    CHECK eax, 0x0007, "aaa 4+3 -> ax=0007"
    mov ax, 0x0102
    sub al, 5
    aas
    CHECKF 0x11, 0x11, "aas: CF=1 AF=1"
    movzx eax, ax
    CHECK eax, 0x0007, "aas 12-5 -> ax=0007"
    mov ax, 0x003F
    aam
    CHECKF 0xC4, 0x04, "aam: SF=0 ZF=0 PF=1 (al=3)"
    movzx eax, ax
    CHECK eax, 0x0603, "aam 63 -> ax=0603"
    mov ax, 0x003F
    aam 16
    movzx eax, ax
    CHECK eax, 0x030F, "aam 16: ax=030F"
    mov ax, 0x0607
    aad
    movzx eax, ax
    CHECK eax, 0x0043, "aad 0607 -> ax=0043"
    mov ax, 0x0305
    aad 16
    movzx eax, ax
    CHECK eax, 0x0035, "aad 16: 0305 -> 0035"
    EXPECT 0, .aam0_r
    mov ax, 0x0055
.aam0:
    aam 0
.aam0_r:
    CHECKV EXC_VEC, 0, "aam 0 raises #DE (vector 0)"
    CHECKV EXC_EIP, .aam0, "aam 0 #DE: saved IP points at aam"

; ---------------------------------------------------------------- mul/div
    mov ax, 0x1234
    mov bx, 0x0100
    mul bx
    CHECKF 0x801, 0x801, "mul bx: CF=OF=1 (high half nonzero)"
    movzx eax, ax
    CHECK eax, 0x3400, "mul bx: ax"
    movzx edx, dx
    CHECK edx, 0x0012, "mul bx: dx"
    mov ax, 0xFFFE
    mov bx, 3
    imul bx
    CHECKF 0x801, 0, "imul bx: CF=OF=0 (fits)"
    movzx eax, ax
    CHECK eax, 0xFFFA, "imul -2*3: ax"
    movzx edx, dx
    CHECK edx, 0xFFFF, "imul -2*3: dx sign"
    imul cx, bx, -5
    movzx ecx, cx
    CHECK ecx, 0xFFF1, "imul cx,bx,-5 = -15"
    mov al, 0x80
    mov bl, 2
    mul bl
    movzx eax, ax
    CHECK eax, 0x0100, "mul bl: 0x80*2 = ax 0100"
    mov dx, 1
    xor ax, ax
    mov bx, 7
    div bx
    movzx eax, ax
    CHECK eax, 0x2492, "div 65536/7 quotient"
    movzx edx, dx
    CHECK edx, 2, "div 65536/7 remainder"
    mov dx, 0xFFFF
    mov ax, 0xFF9C                      ; -100
    mov bx, 7
    idiv bx
    movzx eax, ax
    CHECK eax, 0xFFF2, "idiv -100/7 = -14 (truncates)"
    movzx edx, dx
    CHECK edx, 0xFFFE, "idiv -100/7 remainder -2"
    mov ax, 256
    mov bl, 3
    div bl
    movzx eax, ax
    CHECK eax, 0x0155, "div bl: 256/3 -> ah=1 al=0x55"
    mov eax, 1000000
    mov ebx, 3000
    mul ebx
    CHECK eax, 0xB2D05E00, "o32 mul ebx: eax (3e9)"
    CHECK edx, 0, "o32 mul ebx: edx"
    mov edx, 0
    mov ecx, 7
    div ecx
    CHECK eax, 428571428, "o32 div ecx: quotient"
    CHECK edx, 4, "o32 div ecx: remainder"
    ; #DE: divide by zero
    EXPECT 0, .de1_r
    mov dx, 0
    mov ax, 5
    xor bx, bx
.de1:
    div bx
.de1_r:
    CHECKV EXC_VEC, 0, "div by zero: #DE vector 0 through the IVT"
    CHECKV EXC_EIP, .de1, "div by zero: saved IP points at the div"
    CHECKV EXC_CS, RAMSEG, "div by zero: saved CS"
    ; #DE: quotient overflow
    EXPECT 0, .de2_r
    mov dx, 1
    xor ax, ax
    mov bx, 1
.de2:
    div bx
.de2_r:
    CHECKV EXC_EIP, .de2, "div overflow (0x10000/1): #DE at the div"
    EXPECT 0, .de3_r
    mov ax, 0x8000
    mov bl, 0xFF
.de3:
    idiv bl                             ; -32768/-1 = 32768: overflow
.de3_r:
    CHECKV EXC_EIP, .de3, "idiv overflow (-32768/-1): #DE at the idiv"
    CHECKV EXC_COUNT, 4, "exactly four #DE so far (aam 0 + 3 div)"

; ------------------------------------------------------------- int/iret
    SETIVT 0x40, int40_handler
    mov ax, 0x3000
    mov ds, ax
    mov dword [0x1000], 0
    std
    stc
    mov ax, 0x1111
.int40:
    int 0x40
.int40_ret:
    CHECKF 0x441, 0x441, "iret: restores CF, DF; ZF set by handler in the stacked FLAGS"
    cld
    movzx eax, ax
    CHECK eax, 0x2222, "int 0x40 handler ran"
    CHECK [0x1000], .int40_ret, "int pushed IP of the next instruction"
    CHECK [0x1004], RAMSEG, "int pushed CS"
    CHECKM [0x1008], 0x0401, 0x0401, "int pushed FLAGS with CF=1 DF=1"
    CHECKM [0x100C], 0x0700, 0x0400, "handler runs with TF=0 IF=0, DF unchanged"
    ; int3 (cc) and int 3 (cd 03)
    EXPECT 3, 0
.i3: int3
.i3_after:
    CHECKV EXC_VEC, 3, "int3: vector 3"
    CHECKV EXC_EIP, .i3_after, "int3: saved IP after the instruction"
    ; into
    EXPECT 4, 0
    mov al, 0x7F
    add al, 1                           ; OF=1
.into1:
    into
.into1_after:
    CHECKV EXC_VEC, 4, "into with OF=1: vector 4"
    CHECKV EXC_EIP, .into1_after, "into: saved IP after into"
    SETV EXC_COUNT, 0
    xor al, al                          ; OF=0
    into
    CHECKV EXC_COUNT, 0, "into with OF=0: no interrupt"
    ; bound
    mov ax, 0x3000
    mov ds, ax
    mov word [0x1100], 10
    mov word [0x1102], 20
    mov ax, 15
    bound ax, [0x1100]
    CHECKV EXC_COUNT, 0, "bound in range: no #BR"
    mov ax, 20
    bound ax, [0x1100]
    CHECKV EXC_COUNT, 0, "bound at upper bound (inclusive): no #BR"
    EXPECT 5, .br_r
    mov ax, 21
.br:
    bound ax, [0x1100]
.br_r:
    CHECKV EXC_VEC, 5, "bound out of range: #BR vector 5"
    CHECKV EXC_EIP, .br, "#BR: saved IP points at bound (fault)"
    EXPECT 5, .br2_r
    mov ax, 9
.br2:
    bound ax, [0x1100]
.br2_r:
    CHECKV EXC_EIP, .br2, "bound below lower bound: #BR"
    mov word [0x1100], 0xFFF0           ; signed: -16 .. 20
    mov ax, -5
    SETV EXC_COUNT, 0
    bound ax, [0x1100]
    CHECKV EXC_COUNT, 0, "bound compares signed (-5 in -16..20)"
    ; ud2 -> #UD (vector 6)
    EXPECT 6, .ud_r
.ud:
    ud2
.ud_r:
    CHECKV EXC_VEC, 6, "ud2 in real mode: #UD vector 6"
    CHECKV EXC_EIP, .ud, "#UD: saved IP points at ud2"

; ---------------------------------------------------- flags: pushf/popf/lahf
    push word 0xFCFF                    ; no TF/IF
    popf
    pushf
    pop ax
    movzx eax, ax
    CHECK eax, 0x7CD7, "popf/pushf 0xFCFF -> 0x7CD7 (IOPL/NT settable, bit15/5/3 clear, bit1 set)"
    push word 0
    popf
    pushf
    pop ax
    movzx eax, ax
    CHECK eax, 0x0002, "popf 0 -> flags 0x0002"
    mov ah, 0xFF
    sahf
    CHECKF 0xD5, 0xD5, "sahf 0xFF sets SF ZF AF PF CF"
    mov ah, 0
    lahf
    movzx eax, ah
    CHECK eax, 0xD7, "lahf after sahf 0xFF -> 0xD7"
    mov ah, 0x00
    sahf
    lahf
    movzx eax, ah
    CHECK eax, 0x02, "sahf 0 / lahf -> 0x02"
    ; cmc/stc/clc/std/cld
    stc
    cmc
    CHECKF 1, 0, "stc; cmc -> CF=0"
    std
    CHECKF 0x400, 0x400, "std sets DF"
    cld
    CHECKF 0x400, 0, "cld clears DF"

; ------------------------------------------------------------- loop / jcxz
    mov cx, 5
    xor ax, ax
.lp: inc ax
    loop .lp
    movzx eax, ax
    CHECK eax, 5, "loop runs cx=5 times"
    xor cx, cx
    mov ax, 1
    jcxz .jz1
    mov ax, 0
.jz1:
    movzx eax, ax
    CHECK eax, 1, "jcxz taken with cx=0"
    mov cx, 1
    mov ax, 1
    jcxz .jz2
    mov ax, 2
.jz2:
    movzx eax, ax
    CHECK eax, 2, "jcxz not taken with cx=1"
    mov ecx, 0x10000                    ; cx=0, ecx!=0
    mov ax, 1
    jcxz .jz3
    mov ax, 3
.jz3:
    movzx eax, ax
    CHECK eax, 1, "jcxz looks at cx only (ecx=0x10000)"
    mov ecx, 0x10000
    mov ax, 1
    jecxz .jz4
    mov ax, 4
.jz4:
    movzx eax, ax
    CHECK eax, 4, "jecxz not taken with ecx=0x10000"
    ; loope stops when ZF=0
    mov cx, 10
    xor bx, bx
.le: inc bx
    cmp bx, 3
    loopne .le                          ; loop while bx != 3
    movzx ebx, bx
    CHECK ebx, 3, "loopne exits when ZF=1"
    movzx ecx, cx
    CHECK ecx, 7, "loopne: cx decremented 3 times"
    mov cx, 10
    xor bx, bx
.le2: inc bx
    cmp bx, 1
    loope .le2                          ; first: bx=1 ZF=1 -> loop; bx=2 ZF=0 -> exit
    movzx ebx, bx
    CHECK ebx, 2, "loope exits when ZF=0"
    ; loop with cx=0 iterates 65536 times
    xor cx, cx
    xor eax, eax
.l64: inc eax
    loop .l64
    CHECK eax, 0x10000, "loop with cx=0 runs 65536 times"

; ------------------------------------------------------ far call/ret/jmp
    mov ax, 0x8000
    mov ss, ax
    mov dx, sp
    push word 0x1111                    ; two parameters
    push word 0x2222
    call 0x0FFF:far_proc+0x10           ; same linear code, CS=0x0FFF
.fc_ret:
    mov bx, sp
    movzx ebx, bx
    movzx edx, dx
    CHECK ebx, edx, "retf 4 popped CS:IP and 4 bytes of parameters"
    CHECK eax, 0x11112222, "far proc saw the parameters"
    movzx ecx, cx
    CHECK ecx, 0x0FFF, "far proc ran with CS=0x0FFF"
    movzx esi, si
    CHECK esi, .fc_ret, "far call pushed return IP"
    movzx edi, di
    CHECK edi, RAMSEG, "far call pushed return CS"
    ; indirect far call through memory
    mov ax, 0x3000
    mov ds, ax
    mov word [0x1200], far_proc2
    mov word [0x1202], RAMSEG
    xor ax, ax
    call far [0x1200]
    movzx eax, ax
    CHECK eax, 0x7777, "call far [mem] / retf"
    ; far jmp through memory
    mov word [0x1204], .fj_target
    mov word [0x1206], RAMSEG
    mov ax, 1
    jmp far [0x1204]
    mov ax, 2
.fj_target:
    movzx eax, ax
    CHECK eax, 1, "jmp far [mem]"
    ; near ret imm
    push word 5
    call near_proc
    movzx eax, ax
    CHECK eax, 5, "near call / ret 2"
    mov bx, sp
    movzx ebx, bx
    movzx edx, dx
    CHECK ebx, edx, "ret 2 popped the parameter"

; -------------------------------------------------------- enter / leave
    mov bp, 0x7000
    mov word [ss:0x7000-2], 0xABCD      ; the frame pointer copied by level 2
    mov sp, 0x8000
    enter 4, 2
    mov ax, sp
    movzx eax, ax
    CHECK eax, 0x8000-10, "enter 4,2: sp = old sp - 2 - 2 - 2 - 4"
    mov ax, bp
    movzx eax, ax
    CHECK eax, 0x8000-2, "enter 4,2: bp = frame temp"
    movzx eax, word [ss:0x8000-2]
    CHECK eax, 0x7000, "enter: old bp pushed"
    movzx eax, word [ss:0x8000-4]
    CHECK eax, 0xABCD, "enter level 2: outer frame pointer copied from [old bp-2]"
    movzx eax, word [ss:0x8000-6]
    CHECK eax, 0x8000-2, "enter level 2: frame temp pushed"
    leave
    mov ax, sp
    movzx eax, ax
    CHECK eax, 0x8000, "leave restores sp"
    mov ax, bp
    movzx eax, ax
    CHECK eax, 0x7000, "leave restores bp"
    enter 6, 0
    mov ax, sp
    movzx eax, ax
    CHECK eax, 0x8000-8, "enter 6,0: sp"
    mov ax, bp
    movzx eax, ax
    CHECK eax, 0x8000-2, "enter 6,0: bp"
    leave
    mov bp, 0x7000
    mov word [ss:0x7000-2], 0x1234
    mov word [ss:0x7000-4], 0x5678
    enter 0, 3
    movzx eax, word [ss:0x8000-4]
    CHECK eax, 0x1234, "enter 0,3: first copied frame pointer"
    movzx eax, word [ss:0x8000-6]
    CHECK eax, 0x5678, "enter 0,3: second copied frame pointer"
    movzx eax, word [ss:0x8000-8]
    CHECK eax, 0x8000-2, "enter 0,3: frame temp"
    mov ax, sp
    movzx eax, ax
    CHECK eax, 0x8000-8, "enter 0,3: sp"
    leave
    mov sp, 0xFFF0

; ------------------------------------------------ 0x66 / 0x67 prefixes
    mov eax, 0x12345678
    mov ebx, 0x11111111
    add eax, ebx
    CHECK eax, 0x23456789, "o32 add eax, ebx"
    mov ecx, 0x80000000
    shr ecx, 31
    CHECK ecx, 1, "o32 shr ecx, 31"
    mov eax, 0xFFFFFFFF
    add eax, 1
    CHECKF 0x41, 0x41, "o32 add: 32-bit carry and zero"
    mov ax, 0xFFFF
    add ax, 1                           ; 16-bit op leaves the upper half
    CHECK eax, 0x00000000, "16-bit add does not carry into the upper half"
    mov eax, 0xAAAA5555
    mov ax, 0x1234
    CHECK eax, 0xAAAA1234, "mov ax keeps upper 16 bits of eax"
    movsx ebx, word [cs:neg_word]
    CHECK ebx, 0xFFFF8000, "movsx ebx, word"
    movzx ebx, byte [cs:neg_word+1]
    CHECK ebx, 0x80, "movzx ebx, byte"
    mov ax, 0x3000
    mov ds, ax
    mov dword [0x1300], 0x11223344
    mov dword [0x1304], 0x55667788
    mov esi, 0x1300
    mov ebx, 1
    mov eax, [esi+ebx*4]
    CHECK eax, 0x55667788, "a32 addressing [esi+ebx*4]"
    mov ecx, 0x980
    mov eax, [ecx*2+0x0]
    CHECK eax, 0x11223344, "a32 addressing [ecx*2+disp32]"
    lea eax, [esi+ebx*8+0x10]
    CHECK eax, 0x1318, "a32 lea [esi+ebx*8+0x10]"
    mov bx, 0xFFFF
    mov si, 0x0012
    lea eax, [bx+si+0x10]               ; 16-bit address size, 32-bit destination
    CHECK eax, 0x0021, "16-bit lea wraps at 64K and zero-extends into eax"
    push eax
    push dword 0xCAFEF00D
    pop ecx
    pop eax
    CHECK ecx, 0xCAFEF00D, "o32 push imm32 / pop ecx"
    mov [0x1400], sp
    pushad
    mov [0x1402], sp
    popad
    mov dx, [0x1400]
    sub dx, [0x1402]
    movzx edx, dx
    CHECK edx, 32, "pushad in real mode uses 32 bytes"
    mov [0x1400], sp
    pusha
    mov [0x1402], sp
    popa
    mov dx, [0x1400]
    sub dx, [0x1402]
    movzx edx, dx
    CHECK edx, 16, "pusha uses 16 bytes"
    ; 32-bit shld/bswap etc usable in real mode
    mov eax, 0x11223344
    bswap eax
    CHECK eax, 0x44332211, "bswap eax in real mode"

; -------------------------------------------------------------- unreal
    ; write a marker into the RAM copy area via normal real mode first
    mov ax, 0x3000
    mov ds, ax
    mov ax, cs
    mov es, ax
    cli
    o32 lgdt [cs:gdt_pdesc16]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp KCODE16:.pm16                   ; 16-bit protected mode, base 0x10000
.pm16:
    mov ax, KDATA32                     ; flat 4 GiB data
    mov fs, ax
    mov ax, KDATA16                     ; 64K limit, real-mode-like
    mov ds, ax
    mov es, ax
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    jmp RAMSEG:.rm_again
.rm_again:
    mov ax, cs
    mov ds, ax
    mov es, ax
    mov eax, cr0
    CHECKM eax, 1, 0, "back in real mode: CR0.PE=0"
    ; FS still has a 4 GiB limit and base 0
    mov dword [fs:dword 0x200000], 0xCAFEBABE
    mov dword [fs:dword 0x1F0000], 0x600DF00D
    CHECK [fs:dword 0x200000], 0xCAFEBABE, "unreal: write/read at 2 MiB via fs with 32-bit offset"
    CHECK [fs:dword 0x1F0000], 0x600DF00D, "unreal: write/read at 0x1F0000"
    mov eax, [fs:dword 0x010000]              ; RAM copy of the ROM
    CHECK [fs:dword 0x0F0000], eax, "unreal: 0xF0000 (ROM) not aliased by the 0x1F0000 write (A20 on)"
    mov ax, 0x3000
    mov gs, ax
    mov dword [gs:0x10], 0x13572468
    CHECK [fs:dword 0x30010], 0x13572468, "unreal fs base 0 sees real-mode gs writes"
    ; access to a real-mode segment beyond its 64K limit faults (#GP = int 13)
    SKIP_ON_TCG "segment limits are not checked for data accesses"
    mov ax, 0x3000
    mov gs, ax                          ; never loaded in pmode: limit 0xFFFF
    EXPECT 13, .gp1_r
.gp1:
    mov eax, [gs:dword 0x10000]
.gp1_r:
    CHECKV EXC_VEC, 13, "offset 0x10000 beyond 64K real-mode limit: #GP (vector 13)"
    CHECKV EXC_EIP, .gp1, "limit #GP: saved IP points at the access"
    EXPECT 13, .gp2_r
    mov bx, 0xFFFF
.gp2:
    mov ax, [gs:bx]                     ; word straddles the limit
.gp2_r:
    CHECKV EXC_EIP, .gp2, "word access at offset 0xFFFF: #GP"
    END_SKIP_ON_TCG

    PASS

; ------------------------------------------------------------ helpers
int40_handler:
    push bp
    mov bp, sp                          ; [bp+2]=ip [bp+4]=cs [bp+6]=flags
    push eax
    mov ax, [bp+2]
    mov [0x1000], ax
    mov ax, [bp+4]
    mov [0x1004], ax
    mov ax, [bp+6]
    mov [0x1008], ax
    pushf
    pop ax
    mov [0x100C], ax
    or word [bp+6], 0x40                ; set ZF in the stacked FLAGS
    pop eax
    mov ax, 0x2222
    pop bp
    iret

far_proc:
    times 0x10 nop                      ; entered at far_proc+0x10 with CS=0x0FFF
    mov cx, cs
    push bp
    mov bp, sp                          ; [bp+2]=ip [bp+4]=cs [bp+6]=p2 [bp+8]=p1
    mov si, [bp+2]
    mov di, [bp+4]
    mov ax, [bp+8]
    shl eax, 16
    mov ax, [bp+6]
    pop bp
    retf 4

far_proc2:
    mov ax, 0x7777
    retf

near_proc:
    push bp
    mov bp, sp
    mov ax, [bp+4]
    pop bp
    ret 2

src_str: db "ABCDEFGH"
neg_word: dw 0x8000

section .text32
gdt: GDT_STANDARD
gdt_end:
