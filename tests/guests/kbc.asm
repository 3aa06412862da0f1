; kbc.asm - the 8042 keyboard controller (ports 0x60/0x64), the A20 gate
; through the 8042 output port and through port 0x92, the PS/2 keyboard and
; mouse behind the controller, and IRQ 1 / IRQ 12 through the 8259A pair.
; Real mode; everything is polled except the IRQ checks at the end.
; Expected values: Intel 8042 / IBM PS/2 technical references (A. Brouwer,
; "Keyboard scancodes" 9-12), SMSC LPC47B27x (port 0x92 ORed with A20GATE).
%define GUEST_MODE 16
%define TEXT32_START 0xB000
%include "lib/common.inc"

section .text16
bits 16

TIMEOUT     equ 0x200000        ; status polls before giving up on a byte
NOBYTE      equ 0x100           ; what kbc_read returns on a timeout
LOW_MARK    equ 0x0500          ; 0000:0500 = linear 0x000500
HIGH_MARK   equ 0x0510          ; FFFF:0510 = linear 0x100500 (0x000500 if A20 is off)

; wait until the controller's input buffer is empty (IBF clear)
kbc_wait_in:
    push ecx
    mov ecx, TIMEOUT
.w: in al, 0x64
    test al, 0x02
    jz .ok
    dec ecx
    jnz .w
.ok:
    pop ecx
    ret

; KBC_CMD imm / KBC_DATA imm: write a command to 0x64 / a byte to 0x60
%macro KBC_CMD 1
    call kbc_wait_in
    mov al, %1
    out 0x64, al
%endmacro
%macro KBC_DATA 1
    call kbc_wait_in
    mov al, %1
    out 0x60, al
%endmacro
; AUX_DATA imm: a byte for the mouse (D4 prefix)
%macro AUX_DATA 1
    KBC_CMD 0xD4
    KBC_DATA %1
%endmacro

; kbc_read: wait for the output buffer; EAX = byte (NOBYTE on timeout),
; EBX = the status register when the byte was there.
kbc_read:
    push ecx
    mov ecx, TIMEOUT
.w: in al, 0x64
    test al, 0x01
    jnz .got
    dec ecx
    jnz .w
    mov eax, NOBYTE
    xor ebx, ebx
    pop ecx
    ret
.got:
    movzx ebx, al
    in al, 0x60
    movzx eax, al
    pop ecx
    ret

; READ_KBD expected, "what": a byte from the keyboard side (AUX bit clear)
%macro READ_KBD 2
    call kbc_read
    CHECK eax, %1, %2
    CHECKM ebx, 0x20, 0, {%2, ": status AUX clear"}
%endmacro
; READ_AUX expected, "what": a byte from the mouse (AUX bit set)
%macro READ_AUX 2
    call kbc_read
    CHECK eax, %1, %2
    CHECKM ebx, 0x20, 0x20, {%2, ": status AUX set"}
%endmacro

; drain the output buffer until nothing comes for a while
kbc_flush:
    push ecx
    mov ecx, 64
.l: push ecx
    mov ecx, 0x20000
.w: in al, 0x64
    test al, 0x01
    jnz .got
    dec ecx
    jnz .w
    pop ecx
    pop ecx
    ret
.got:
    in al, 0x60
    pop ecx
    dec ecx
    jnz .l
    pop ecx
    ret

; write the command byte
%macro SET_CB 1
    KBC_CMD 0x60
    KBC_DATA %1
%endmacro

; EAX = the byte at FFFF:HIGH_MARK (0x22 without wrap, 0x11 with)
probe_wrap:
    push fs
    mov ax, 0xFFFF
    mov fs, ax
    movzx eax, byte [fs:HIGH_MARK]
    pop fs
    ret

%macro EXPECT_A20 2             ; on (1) / off (0), "description"
    call probe_wrap
%if %1
    CHECKM eax, 0xFF, 0x22, {%2, ": 1 MiB + 0x500 is its own byte"}
%else
    CHECKM eax, 0xFF, 0x11, {%2, ": 1 MiB + 0x500 wraps to 0x500"}
%endif
%endmacro

; 8042 gate via the output port; bits 7-2 idle high, bit 0 (reset) high
%macro KBC_A20 1
    KBC_CMD 0xD1
%if %1
    KBC_DATA 0xDF
%else
    KBC_DATA 0xDD
%endif
%endmacro

%macro P92_A20 1
    in al, 0x92
%if %1
    or al, 0x02
%else
    and al, 0xFD
%endif
    and al, 0xFE                ; never the reset bit
    out 0x92, al
%endmacro

IRQ1_COUNT  equ 0x520         ; bumped by the IRQ 1 handler
IRQ1_DATA   equ 0x524         ; port 0x60 read by it
IRQ1_STAT   equ 0x528         ; port 0x64 read by it (before 0x60)
IRQ12_COUNT equ 0x530
IRQ12_DATA  equ 0x534
IRQ12_STAT  equ 0x538
WAITMAX     equ 0x01000000

irq1_rm:                        ; vector 0x21 (master IR1)
    push ax
    push ds
    xor ax, ax
    mov ds, ax
    in al, 0x64
    mov [IRQ1_STAT], al
    in al, 0x60
    mov [IRQ1_DATA], al
    inc dword [IRQ1_COUNT]
    mov al, 0x20                ; non-specific EOI
    out 0x20, al
    pop ds
    pop ax
    iret

irq12_rm:                       ; vector 0x2C (slave IR4)
    push ax
    push ds
    xor ax, ax
    mov ds, ax
    in al, 0x64
    mov [IRQ12_STAT], al
    in al, 0x60
    mov [IRQ12_DATA], al
    inc dword [IRQ12_COUNT]
    mov al, 0x20
    out 0xA0, al                ; EOI to the slave, then the master
    out 0x20, al
    pop ds
    pop ax
    iret

; wait with IF=1 until the dword at [bx] (DS=0) is nonzero; CF=1 on timeout
wait_count:
    push ecx
    mov ecx, WAITMAX
.w: cmp dword [bx], 0
    jne .ok
    dec ecx
    jnz .w
    pop ecx
    stc
    ret
.ok: pop ecx
    clc
    ret

main16:
    PRINTLN "# kbc: 8042 controller, A20 gate (8042 and port 0x92), PS/2 keyboard and mouse"
    call kbc_flush

; ------------------------------------------------------------ controller
    SET_CB 0x30                 ; both ports off, no interrupts, no translation
    KBC_CMD 0x20
    call kbc_read
    CHECK eax, 0x30, "command byte reads back (0x60 then 0x20)"
    KBC_CMD 0xAA
    in al, 0x64
    movzx eax, al
    CHECKM eax, 0x08, 0x08, "status A2 set after a write to port 0x64"
    call kbc_read
    CHECK eax, 0x55, "controller self-test (AA) passes: 55"
    CHECKM ebx, 0x04, 0x04, "system flag set after the self-test"
    KBC_CMD 0xAB
    call kbc_read
    CHECK eax, 0x00, "keyboard interface test (AB): 00"
    KBC_CMD 0xA9
    call kbc_read
    CHECK eax, 0x00, "mouse interface test (A9): 00"
    in al, 0x64
    movzx eax, al
    CHECKM eax, 0x01, 0x00, "output buffer empty after the read"
    KBC_CMD 0xD0
    call kbc_read
    CHECKM eax, 0x03, 0x03, "output port: reset line high, A20 gate on"
    KBC_CMD 0xAE                ; enable the keyboard port
    KBC_CMD 0x20
    call kbc_read
    CHECKM eax, 0x30, 0x20, "AE clears command byte bit 4"
    KBC_CMD 0xA8                ; enable the mouse port
    KBC_CMD 0x20
    call kbc_read
    CHECKM eax, 0x30, 0x00, "A8 clears command byte bit 5"
    KBC_CMD 0xA7
    KBC_CMD 0xAD
    KBC_CMD 0x20
    call kbc_read
    CHECKM eax, 0x30, 0x30, "A7/AD set command byte bits 5/4"
    KBC_CMD 0xD2                ; write the keyboard output buffer
    KBC_DATA 0x5A
    READ_KBD 0x5A, "D2 puts a byte in the output buffer as keyboard data"
    KBC_CMD 0xD3                ; write the mouse output buffer
    KBC_DATA 0xA5
    READ_AUX 0xA5, "D3 puts a byte in the output buffer as mouse data"

; ------------------------------------------------------------ A20
    push es
    xor ax, ax
    mov es, ax
    mov byte [es:LOW_MARK], 0x11
    pop es
    push fs
    mov ax, 0xFFFF
    mov fs, ax
    mov byte [fs:HIGH_MARK], 0x22      ; A20 is on (boot stub): linear 0x100500
    pop fs
    EXPECT_A20 1, "A20 on at start (port 0x92 bit 1 set by the boot stub)"
    KBC_A20 0
    P92_A20 0
    EXPECT_A20 0, "8042 gate and port 0x92 bit 1 off"
    KBC_CMD 0xD0
    call kbc_read
    CHECKM eax, 0x03, 0x01, "output port reads A20 gate off, reset high"
    in al, 0x92
    movzx eax, al
    CHECKM eax, 0x03, 0x00, "port 0x92 reads bits 1-0 as 00"
    KBC_A20 1
    EXPECT_A20 1, "8042 output port bit 1 on (D1 DF)"
    KBC_CMD 0xD0
    call kbc_read
    CHECKM eax, 0x03, 0x03, "output port reads A20 gate on"
    KBC_A20 0
    EXPECT_A20 0, "8042 output port bit 1 off again (D1 DD)"
    P92_A20 1
    EXPECT_A20 1, "port 0x92 bit 1 on"
    in al, 0x92
    movzx eax, al
    CHECKM eax, 0x03, 0x02, "port 0x92 reads bit 1 set, bit 0 clear"
    P92_A20 0
    EXPECT_A20 0, "port 0x92 bit 1 off again"
    ; (Port 0x92 bit 1 and the 8042 gate are ORed by the chipset, but QEMU and
    ; Bochs let the last write win: checked by tests/unit/test-kbc.c only.)
    P92_A20 1
    KBC_A20 1
    EXPECT_A20 1, "both on again"

; ------------------------------------------------------------ keyboard
    SET_CB 0x20                 ; keyboard port on, mouse off, untranslated
    call kbc_flush
    KBC_DATA 0xF2
    READ_KBD 0xFA, "keyboard ACKs F2 (identify)"
    READ_KBD 0xAB, "keyboard ID byte 1"
    READ_KBD 0x83, "keyboard ID byte 2 (MF2)"
    KBC_DATA 0xEE
    READ_KBD 0xEE, "keyboard echo (EE)"
    KBC_DATA 0xF0
    READ_KBD 0xFA, "keyboard ACKs F0"
    KBC_DATA 0x00
    READ_KBD 0xFA, "keyboard ACKs F0's argument 0"
    READ_KBD 0x02, "keyboard uses scan code set 2"
    KBC_DATA 0xED
    READ_KBD 0xFA, "keyboard ACKs ED (LEDs)"
    KBC_DATA 0x00
    READ_KBD 0xFA, "keyboard ACKs the LED byte"
    SET_CB 0x60                 ; translate to set 1
    KBC_DATA 0xF2
    READ_KBD 0xFA, "translated: ACK"
    READ_KBD 0xAB, "translated: ID byte 1"
    READ_KBD 0x41, "translated: ID byte 2 83 -> 41"
    KBC_DATA 0xFF
    READ_KBD 0xFA, "keyboard ACKs FF (reset)"
    READ_KBD 0xAA, "keyboard self-test passed (AA)"

; ------------------------------------------------------------ mouse
    SET_CB 0x10                 ; mouse port on, keyboard off
    call kbc_flush
    AUX_DATA 0xF2
    READ_AUX 0xFA, "mouse ACKs F2 (get ID)"
    READ_AUX 0x00, "mouse ID 0 (standard mouse)"
    AUX_DATA 0xF3
    READ_AUX 0xFA, "mouse ACKs F3"
    AUX_DATA 200
    READ_AUX 0xFA, "mouse ACKs rate 200"
    AUX_DATA 0xF3
    READ_AUX 0xFA, "mouse ACKs F3"
    AUX_DATA 100
    READ_AUX 0xFA, "mouse ACKs rate 100"
    AUX_DATA 0xF3
    READ_AUX 0xFA, "mouse ACKs F3"
    AUX_DATA 80
    READ_AUX 0xFA, "mouse ACKs rate 80"
    AUX_DATA 0xF2
    READ_AUX 0xFA, "mouse ACKs F2"
    READ_AUX 0x03, "mouse ID 3 after rates 200, 100, 80 (wheel mouse)"
    AUX_DATA 0xE9
    READ_AUX 0xFA, "mouse ACKs E9 (status)"
    READ_AUX 0x00, "mouse status: stream mode, disabled, 1:1, no buttons"
    call kbc_read
    SKIP_ON_TCG "QEMU's mouse resets to resolution 0 (1 count/mm); PS/2 default is 2 (4/mm)"
    CHECK eax, 0x02, "mouse status: resolution 4 counts/mm after power-on"
    END_SKIP_ON_TCG
    READ_AUX 80, "mouse status: sample rate 80"
    AUX_DATA 0xE8
    READ_AUX 0xFA, "mouse ACKs E8 (resolution)"
    AUX_DATA 0x03
    READ_AUX 0xFA, "mouse ACKs resolution 3"
    AUX_DATA 0xE9
    READ_AUX 0xFA, "mouse ACKs E9 (status)"
    READ_AUX 0x00, "mouse status byte"
    READ_AUX 0x03, "mouse status: resolution 8 counts/mm"
    READ_AUX 80, "mouse status: sample rate still 80"
    AUX_DATA 0xFF
    READ_AUX 0xFA, "mouse ACKs FF (reset)"
    READ_AUX 0xAA, "mouse self-test passed (AA)"
    READ_AUX 0x00, "mouse ID after reset"

; ------------------------------------------------------------ IRQ 1 / IRQ 12
    ; If the CPU has a local APIC, virtual-wire mode so the 8259A reaches it
    ; (as interrupts.asm does; Tandem has no APIC and skips this).
    mov eax, 1
    cpuid
    bt edx, 9
    jnc .noapic
    o32 lgdt [cs:gdt_pdesc16]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp KCODE16:.pm16
.pm16:
    mov ax, KDATA32
    mov fs, ax
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    jmp RAMSEG:.rm16
.rm16:
    mov dword [fs:dword 0xFEE000F0], 0x1FF  ; SVR: enabled, spurious vector 0xFF
    mov dword [fs:dword 0xFEE00350], 0x700  ; LINT0: ExtINT
    mov dword [fs:dword 0xFEE00360], 0x10000 ; LINT1: masked
.noapic:
    push ds
    xor ax, ax
    mov ds, ax
    mov word [0x21*4], irq1_rm
    mov word [0x21*4 + 2], RAMSEG
    mov word [0x2C*4], irq12_rm
    mov word [0x2C*4 + 2], RAMSEG
    mov dword [IRQ1_COUNT], 0
    mov dword [IRQ12_COUNT], 0
    pop ds
    mov al, 0x11                ; master: ICW1-4, vectors 0x20-0x27, slave on IR2
    out 0x20, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x01
    out 0x21, al
    mov al, 0x11                ; slave: vectors 0x28-0x2F, cascade identity 2
    out 0xA0, al
    mov al, 0x28
    out 0xA1, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01
    out 0xA1, al
    mov al, 0xF9                ; master: IR1 (keyboard) and IR2 (cascade) open
    out 0x21, al
    mov al, 0xEF                ; slave: IR4 (IRQ 12) open
    out 0xA1, al
    call kbc_flush

    SET_CB 0x03                 ; both interrupts on (the devices are idle)
    KBC_CMD 0xD2
    KBC_DATA 0x5A
    push ds
    xor ax, ax
    mov ds, ax
    mov bx, IRQ1_COUNT
    sti
    call wait_count
    cli
    pop ds
    CHECKV IRQ1_COUNT, 1, "IRQ 1 taken for keyboard data (D2, command byte bit 0)"
    CHECKV IRQ1_DATA, 0x5A, "IRQ 1 handler reads the byte"
    push ds
    xor ax, ax
    mov ds, ax
    movzx eax, byte [IRQ1_STAT]
    pop ds
    CHECKM eax, 0x21, 0x01, "status in the IRQ 1 handler: OBF set, AUX clear"
    CHECKV IRQ12_COUNT, 0, "no IRQ 12 for keyboard data"
    KBC_CMD 0xD3
    KBC_DATA 0xA5
    push ds
    xor ax, ax
    mov ds, ax
    mov bx, IRQ12_COUNT
    sti
    call wait_count
    cli
    pop ds
    CHECKV IRQ12_COUNT, 1, "IRQ 12 taken for mouse data (D3, command byte bit 1)"
    CHECKV IRQ12_DATA, 0xA5, "IRQ 12 handler reads the byte"
    CHECKV IRQ1_COUNT, 1, "no IRQ 1 for mouse data"
    push ds
    xor ax, ax
    mov ds, ax
    movzx eax, byte [IRQ12_STAT]
    pop ds
    CHECKM eax, 0x21, 0x21, "status in the IRQ 12 handler: OBF and AUX set"
    SET_CB 0x30                 ; interrupts off: the byte waits to be polled
    KBC_CMD 0xD2
    KBC_DATA 0x66
    push ds
    xor ax, ax
    mov ds, ax
    sti
    mov ecx, 0x100000           ; a while with interrupts on
.idle: dec ecx
    jnz .idle
    cli
    pop ds
    CHECKV IRQ1_COUNT, 1, "no IRQ 1 with command byte bit 0 clear"
    READ_KBD 0x66, "the byte is still in the output buffer"
    mov al, 0xFF                ; mask every IRQ again
    out 0x21, al
    out 0xA1, al

    SET_CB 0x00                 ; both ports on, as a BIOS would leave them
    PASS

section .text32
gdt: GDT_STANDARD
gdt_end:
