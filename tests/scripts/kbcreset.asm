; Resets through the keyboard controller and port 0x92: each boot counts
; itself in RAM (which survives a reset), closes the A20 gate (both the 8042
; output port and port 0x92 bit 1) and resets the machine another way:
;   boot 1: 8042 command FE (pulse output port bit 0)
;   boot 2: 8042 command D1 with output port bit 0 = 0
;   boot 3: port 0x92 bit 0 written 0 -> 1
; Boots 2-4 first check that the reset opened the A20 gate again.  Boot 4
; exits with 0x42; a failure exits with 0x10 + the boot number.
bits 16
org 0
times 0xfe00 db 0
COUNT   equ 0x500               ; boot counter (0000:0500)

kbc_wait:                       ; until the input buffer is empty
    in al, 0x64
    test al, 2
    jnz kbc_wait
    ret

a20_off:
    call kbc_wait
    mov al, 0xd1
    out 0x64, al
    call kbc_wait
    mov al, 0xdd                ; A20 gate off, reset line high
    out 0x60, al
    call kbc_wait
    in al, 0x92
    and al, 0xfc
    out 0x92, al
    ret

; ZF set if A20 is on: 0000:0600 and FFFF:0610 (1 MiB + 0x600) are distinct
a20_is_on:
    mov ax, 0xffff
    mov es, ax
    mov byte [0x600], 0x11
    mov byte [es:0x610], 0x22
    cmp byte [0x600], 0x11
    ret

start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    inc word [COUNT]
    mov bx, [COUNT]
    cmp bx, 1
    je .boot1
    call a20_is_on
    jne fail
    cmp bx, 2
    je .boot2
    cmp bx, 3
    je .boot3
    mov eax, 0x42
    jmp exit
.boot1:
    call a20_off
    call a20_is_on
    je fail                     ; the gate must be closed now
    call kbc_wait
    mov al, 0xfe
    out 0x64, al
    jmp hang
.boot2:
    call a20_off
    call kbc_wait
    mov al, 0xd1
    out 0x64, al
    call kbc_wait
    mov al, 0xdc                ; bit 0 low: reset
    out 0x60, al
    jmp hang
.boot3:
    call a20_off
    in al, 0x92
    or al, 1
    out 0x92, al
    jmp hang
fail:
    movzx eax, bx
    add eax, 0x10
exit:
    mov dx, 0xf4
    out dx, eax
hang:
    mov cx, 0                   ; the reset may take a moment to land
.w: loop .w
    movzx eax, bx
    add eax, 0x20               ; no reset happened
    jmp exit

times 0xfff0 - ($-$$) db 0
    jmp 0xf000:start
times 0x10000 - ($-$$) db 0
