; switch-sum.asm: the guest of tests/scripts/accel-switch.sh and snapshot.sh.
; A 64 KiB ROM in real mode, no BIOS (KVM-PVM emulates real mode, including
; IRET; not protected-mode interrupts).  It programs the 8259A (IRQ0 only,
; vector 0x20), PIT channel 0 at 1 kHz and COM1 (115200 8N1, polled), then
; computes a checksum in CHUNKS chunks of ITERS steps: a 32-bit LCG mixed into
; a 4000-byte RAM buffer that every chunk reads back, so registers and RAM both
; count.  Interrupts run during the computation; each chunk ends with
; cli, an RDTSC check (the TSC must never go backwards), sti; hlt (woken by
; the next tick: the halted state and the STI shadow are exercised).  The
; result does not depend on timing, so it is the same however often the
; machine is switched between backends, saved or restored.  Output, on port
; 0xE9 and COM1:
;     "switch-sum: start" LF ... "sum=XXXXXXXX tsc-backwards=N" LF "ready" LF
; then every line received on COM1 is answered "echo: LINE" LF; "quit" ends
; with "bye" and isa-debug-exit status 1; 30 s without input: "timeout",
; status 33.
bits 16
org 0

COM1            equ 0x3f8
EXIT_PORT       equ 0xf4
CHUNKS          equ 120
ITERS           equ 100
BUF_SEG         equ 0x1000      ; the buffer at 0x10000
TIMEOUT_TICKS   equ 30000

ticks           equ 0x500       ; dword, IRQ0 count
last_tsc        equ 0x508       ; qword
backwards       equ 0x510       ; dword
idle            equ 0x514       ; dword: ticks at the last received byte
line            equ 0x600       ; 128 bytes

start:
    cli
    cld
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    mov es, ax
    mov di, 0x500
    mov cx, 0x20
    rep stosw
    mov word [0x20 * 4], irq0
    mov word [0x20 * 4 + 2], cs

    mov al, 0x11                ; 8259A pair: edge, cascade, ICW4
    out 0x20, al
    out 0xa0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xa1, al
    mov al, 4
    out 0x21, al
    mov al, 2
    out 0xa1, al
    mov al, 1
    out 0x21, al
    out 0xa1, al
    mov al, 0xfe                ; IRQ0 only
    out 0x21, al
    mov al, 0xff
    out 0xa1, al

    mov al, 0x34                ; PIT channel 0, mode 2, 1193 -> 1 kHz
    out 0x43, al
    mov ax, 1193
    out 0x40, al
    mov al, ah
    out 0x40, al

    mov dx, COM1 + 3            ; 115200 8N1, DTR RTS
    mov al, 0x80
    out dx, al
    mov dx, COM1
    mov al, 1
    out dx, al
    inc dx
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 3
    out dx, al
    mov dx, COM1 + 4
    mov al, 3
    out dx, al

    mov si, msg_start
    call puts
    rdtsc
    mov [last_tsc], eax
    mov [last_tsc + 4], edx
    sti

    mov ebx, 0x12345678         ; sum
    mov edi, 1                  ; LCG state
    xor ebp, ebp                ; chunk
    mov ax, BUF_SEG
    mov es, ax
.chunk:
    mov cx, ITERS
    xor si, si
.step:
    imul edi, edi, 1103515245
    add edi, 12345
    mov eax, edi
    xor eax, [es:si]
    mov [es:si], eax
    rol ebx, 5
    add ebx, eax
    add si, 4
    loop .step
    cli
    call tsc_check
    sti
    hlt
    inc ebp
    cmp ebp, CHUNKS
    jb .chunk

    xor ax, ax
    mov es, ax
    mov si, msg_sum
    call puts
    mov eax, ebx
    call puthex
    mov si, msg_back
    call puts
    mov eax, [backwards]
    call puthex
    mov al, 10
    call putc
    mov si, msg_ready
    call puts
    mov eax, [ticks]
    mov [idle], eax

; ---- echo lines from COM1
.line:
    xor di, di
.char:
    call getc
    cmp al, 13
    je .char
    cmp al, 10
    je .eol
    cmp di, 120
    jae .char
    mov [line + di], al
    inc di
    jmp .char
.eol:
    mov byte [line + di], 0
    cmp di, 4
    jne .echo
    cmp dword [line], 'quit'
    jne .echo
    mov si, msg_bye
    call puts
    mov al, 0
    out EXIT_PORT, al
.echo:
    mov si, msg_echo
    call puts
    mov si, line
.eloop:
    mov al, [si]
    or al, al
    jz .edone
    call putc
    inc si
    jmp .eloop
.edone:
    mov al, 10
    call putc
    jmp .line

; RDTSC must not go below the previous reading (edx:eax vs last_tsc).
tsc_check:
    push eax
    push edx
    rdtsc
    cmp edx, [last_tsc + 4]
    ja .ok
    jb .back
    cmp eax, [last_tsc]
    jae .ok
.back:
    inc dword [backwards]
.ok:
    mov [last_tsc], eax
    mov [last_tsc + 4], edx
    pop edx
    pop eax
    ret

; al <- next byte from COM1 (polled); exits after TIMEOUT_TICKS without one.
getc:
    push dx
.wait:
    mov dx, COM1 + 5
    in al, dx
    test al, 1
    jnz .got
    mov eax, [ticks]
    sub eax, [idle]
    cmp eax, TIMEOUT_TICKS
    jb .wait
    mov si, msg_timeout
    call puts
    mov al, 0x10
    out EXIT_PORT, al
.got:
    mov dx, COM1
    in al, dx
    push eax
    mov eax, [ticks]
    mov [idle], eax
    pop eax
    pop dx
    ret

; al -> port 0xE9 and COM1
putc:
    push dx
    push ax
    out 0xe9, al
    mov dx, COM1 + 5
.thre:
    in al, dx
    test al, 0x20
    jz .thre
    pop ax
    mov dx, COM1
    out dx, al
    pop dx
    ret

; cs:si, NUL-terminated
puts:
    push ax
.next:
    cs lodsb
    or al, al
    jz .done
    call putc
    jmp .next
.done:
    pop ax
    ret

; eax as 8 hex digits
puthex:
    push cx
    push eax
    mov cx, 8
.digit:
    rol eax, 4
    push eax
    and al, 0x0f
    add al, '0'
    cmp al, '9'
    jbe .p
    add al, 'a' - '0' - 10
.p:
    call putc
    pop eax
    loop .digit
    pop eax
    pop cx
    ret

irq0:
    push ax
    inc dword [ss:ticks]
    mov al, 0x20
    out 0x20, al
    pop ax
    iret

msg_start:   db "switch-sum: start", 10, 0
msg_sum:     db "sum=", 0
msg_back:    db " tsc-backwards=", 0
msg_ready:   db "ready", 10, 0
msg_echo:    db "echo: ", 0
msg_bye:     db "bye", 10, 0
msg_timeout: db "timeout", 10, 0

    times 0xfff0 - ($ - $$) db 0xf4
reset:
    jmp 0xf000:start
    times 0x10000 - ($ - $$) db 0xf4
