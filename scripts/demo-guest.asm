; Tandem's demo guest (until Linux boots): a 64 KiB ROM that switches to 32-bit
; protected mode and draws the Mandelbrot set in ASCII on the debug console,
; in fixed-point integer arithmetic, then exits through isa-debug-exit.
bits 16
org 0
times 0xfc00 db 0

gdt:
    dq 0
    dq 0x00cf9a000000ffff      ; 0x08: flat 32-bit code
    dq 0x00cf92000000ffff      ; 0x10: flat 32-bit data
gdtr:
    dw gdtr - gdt - 1
    dd 0xf0000 + gdt

start16:
    cli
    lgdt [cs:gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:(0xf0000 + start32)

bits 32
%define FRAC 12                  ; fixed point: 1.0 = 4096
%define COLS 72
%define ROWS 28
%define MAXIT 64

putc:                            ; al -> port 0xe9
    push edx
    mov dx, 0xe9
    out dx, al
    pop edx
    ret

puts:                            ; esi -> NUL-terminated string
    lodsb
    test al, al
    jz .done
    call putc
    jmp puts
.done:
    ret

start32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x90000
    mov esi, 0xf0000 + banner
    call puts
    xor edi, edi                 ; row
.row:
    xor ebp, ebp                 ; column
.col:
    ; c = (-2.2 + col * 3.2 / COLS, -1.2 + row * 2.4 / ROWS) in 1/4096 units
    mov eax, ebp
    imul eax, eax, 3 * 4096 + 819
    cdq
    mov ebx, COLS
    idiv ebx
    sub eax, 9011
    mov [cr], eax
    mov eax, edi
    imul eax, eax, 2 * 4096 + 1638
    cdq
    mov ebx, ROWS
    idiv ebx
    sub eax, 4915
    mov [ci], eax
    xor esi, esi                 ; zr
    xor ebx, ebx                 ; zi
    xor ecx, ecx                 ; iteration
.iter:
    mov eax, esi
    imul eax, esi
    sar eax, FRAC                ; zr^2
    mov edx, ebx
    imul edx, ebx
    sar edx, FRAC                ; zi^2
    lea eax, [eax + edx]
    cmp eax, 4 << FRAC
    jg .escape
    sub eax, edx
    sub eax, edx                 ; zr^2 - zi^2
    add eax, [cr]
    imul ebx, esi
    sar ebx, FRAC - 1            ; 2 * zr * zi
    add ebx, [ci]
    mov esi, eax
    inc ecx
    cmp ecx, MAXIT
    jl .iter
.escape:
    mov eax, ecx
    shr eax, 3
    mov al, [0xf0000 + palette + eax]
    call putc
    inc ebp
    cmp ebp, COLS
    jl .col
    mov al, 10
    call putc
    inc edi
    cmp edi, ROWS
    jl .row
    mov esi, 0xf0000 + bye
    call puts
    mov dx, 0xf4
    xor eax, eax
    out dx, eax
    hlt
    jmp $

cr equ 0x1000
ci equ 0x1004
palette: db " .:-=+*#%@"
banner: db "Tandem demo guest: 32-bit protected mode, Mandelbrot in fixed point", 10, 0
bye: db "done: the guest exits through isa-debug-exit", 10, 0

bits 16
times 0xfff0 - ($-$$) db 0
    jmp 0xf000:start16
times 0x10000 - ($-$$) db 0
