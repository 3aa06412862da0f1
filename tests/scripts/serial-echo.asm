; A serial echo guest for tests/scripts/serial.sh: a 64 KiB ROM in real mode,
; no BIOS.  It programs the 8259A pair (vectors 0x20/0x28), PIT channel 0 at
; 100 Hz and COM1 (115200 8N1, FIFO with trigger level 4, DTR RTS OUT2,
; receive interrupt) and then works from interrupts only: every line that
; arrives on COM1 (ended by CR or LF) goes back as "echo: LINE" CR LF, sent by
; the THRE interrupt from a ring buffer.  Short lines are picked up by the
; FIFO's character timeout.
;   "quit"            -> "bye", then exit 0 through isa-debug-exit (status 1)
;   5 s without input -> "timeout", exit 0x10 (status 33)
;   no UART at 0x3F8  -> exit 0x11 (status 35)
; At start it writes "guest up" LF to port 0xE9 (a debug console, if any).
bits 16
org 0

COM1            equ 0x3f8
EXIT_PORT       equ 0xf4
TIMEOUT_TICKS   equ 500

; Variables in RAM (DS = 0)
ticks           equ 0x500   ; word: PIT ticks since the last received byte
linelen         equ 0x502   ; word
txhead          equ 0x504   ; word: ring read index
txtail          equ 0x506   ; word: ring write index
quitting        equ 0x508   ; byte: exit code + 1 once the output has drained
line            equ 0x600   ; 128 bytes
txbuf           equ 0x1000  ; 4 KiB ring
TXMASK          equ 0xfff

start:
    cli
    cld
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7000
    mov di, 0x500
    mov cx, 0x10
    rep stosw
    mov word [0x20 * 4], irq0
    mov word [0x20 * 4 + 2], cs
    mov word [0x24 * 4], irq4
    mov word [0x24 * 4 + 2], cs

    mov si, msg_up
    mov dx, 0xe9
.up:
    mov al, [cs:si]
    inc si
    or al, al
    jz .up_done
    out dx, al
    jmp .up
.up_done:

    ; 8259A pair: edge, cascade on IR2, vectors 0x20/0x28, 8086 mode
    mov al, 0x11
    out 0x20, al
    out 0xa0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xa1, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x02
    out 0xa1, al
    mov al, 0x01
    out 0x21, al
    out 0xa1, al
    mov al, 0xee                ; IRQ0 and IRQ4 only
    out 0x21, al
    mov al, 0xff
    out 0xa1, al

    ; PIT channel 0: mode 2, 1193182 / 11932 = 100 Hz
    mov al, 0x34
    out 0x43, al
    mov ax, 11932
    out 0x40, al
    mov al, ah
    out 0x40, al

    ; Is there a UART?  Its scratch register keeps what is written.
    mov dx, COM1 + 7
    mov al, 0x5a
    out dx, al
    in al, dx
    cmp al, 0x5a
    jne no_uart

    mov dx, COM1 + 3
    mov al, 0x80                ; DLAB
    out dx, al
    mov dx, COM1
    mov al, 1                   ; divisor 1: 115200 baud
    out dx, al
    inc dx
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03                ; 8N1
    out dx, al
    mov dx, COM1 + 2
    mov al, 0x47                ; FIFOs on and reset, trigger level 4
    out dx, al
    mov dx, COM1 + 4
    mov al, 0x0b                ; DTR RTS OUT2
    out dx, al
    mov dx, COM1 + 1
    mov al, 0x01                ; received data available (and timeout)
    out dx, al

    mov si, msg_ready
    call send_str
    sti

main:
    hlt
    cli
    mov al, [quitting]
    or al, al
    jz .idle
    ; Leaving: wait until the ring is empty and the transmitter idle (TEMT).
    mov ax, [txhead]
    cmp ax, [txtail]
    jne .again
    mov dx, COM1 + 5
    in al, dx
    test al, 0x40
    jz .again
    movzx eax, byte [quitting]
    dec eax
    mov dx, EXIT_PORT
    out dx, eax
    jmp $
.idle:
    cmp word [ticks], TIMEOUT_TICKS
    jb .again
    mov byte [quitting], 0x11   ; exit 0x10
    mov si, msg_timeout
    call send_str
.again:
    sti
    jmp main

no_uart:
    mov eax, 0x11
    mov dx, EXIT_PORT
    out dx, eax
    jmp $

; Queue the zero-terminated string at CS:SI for the THRE interrupt.
send_str:
    pushf
    cli
.next:
    mov al, [cs:si]
    inc si
    or al, al
    jz .done
    call queue_byte
    jmp .next
.done:
    call tx_kick
    popf
    ret

; Queue AL (dropped when the ring is full).  Interrupts off.
queue_byte:
    push bx
    mov bx, [txtail]
    mov [txbuf + bx], al
    inc bx
    and bx, TXMASK
    cmp bx, [txhead]
    je .full
    mov [txtail], bx
.full:
    pop bx
    ret

; THRE interrupt on: it comes at once when THR is empty.
tx_kick:
    push ax
    push dx
    mov dx, COM1 + 1
    mov al, 0x03
    out dx, al
    pop dx
    pop ax
    ret

; One received byte in AL.  Interrupts off.
got_byte:
    mov word [ticks], 0
    cmp al, 13
    je .eol
    cmp al, 10
    je .eol
    mov bx, [linelen]
    cmp bx, 120
    jae .ret
    mov [line + bx], al
    inc word [linelen]
.ret:
    ret
.eol:
    cmp word [linelen], 0
    je .ret
    mov si, msg_echo
    call send_str
    xor bx, bx
.copy:
    cmp bx, [linelen]
    jae .copied
    mov al, [line + bx]
    call queue_byte
    inc bx
    jmp .copy
.copied:
    mov si, msg_crlf
    call send_str
    cmp word [linelen], 4
    jne .not_quit
    cmp dword [line], 'quit'
    jne .not_quit
    mov si, msg_bye
    call send_str
    mov byte [quitting], 1      ; exit 0
.not_quit:
    mov word [linelen], 0
    ret

irq0:
    push ax
    push ds
    xor ax, ax
    mov ds, ax
    inc word [ticks]
    mov al, 0x20
    out 0x20, al
    pop ds
    pop ax
    iret

; COM1: serve every pending source until IIR says none, then EOI (so the
; edge-triggered IRQ line has dropped before the next request).
irq4:
    push ax
    push bx
    push cx
    push dx
    push si
    push ds
    xor ax, ax
    mov ds, ax
.next:
    mov dx, COM1 + 2
    in al, dx
    test al, 1
    jnz .done
    and al, 0x0e
    cmp al, 0x02
    je .thre
    cmp al, 0x06
    je .lsr
    cmp al, 0x00
    je .msr
.rx:                            ; 0x04 data available, 0x0c timeout
    mov dx, COM1 + 5
    in al, dx
    test al, 1
    jz .next
    mov dx, COM1
    in al, dx
    call got_byte
    jmp .rx
.thre:                          ; up to 16 bytes into the empty FIFO
    mov cx, 16
.fill:
    mov bx, [txhead]
    cmp bx, [txtail]
    je .empty
    mov al, [txbuf + bx]
    mov dx, COM1
    out dx, al
    inc bx
    and bx, TXMASK
    mov [txhead], bx
    loop .fill
    jmp .next
.empty:
    mov dx, COM1 + 1            ; nothing left: THRE interrupt off
    mov al, 0x01
    out dx, al
    jmp .next
.lsr:
    mov dx, COM1 + 5
    in al, dx
    jmp .next
.msr:
    mov dx, COM1 + 6
    in al, dx
    jmp .next
.done:
    mov al, 0x20
    out 0x20, al
    pop ds
    pop si
    pop dx
    pop cx
    pop bx
    pop ax
    iret

msg_up      db "guest up", 10, 0
msg_ready   db "ready", 13, 10, 0
msg_echo    db "echo: ", 0
msg_crlf    db 13, 10, 0
msg_bye     db "bye", 13, 10, 0
msg_timeout db "timeout", 13, 10, 0

times 0xfff0 - ($ - $$) db 0
    jmp 0xf000:start
times 0x10000 - ($ - $$) db 0
