; sumloop N: a 64-bit Linux program (static, no libc) for
; tests/scripts/linux-switch.py.  It computes a checksum over N iterations
; that keeps state in general registers, an SSE register and the x87 stack,
; so a backend switch that loses any of them changes the answer.
;
; It makes no system call from the moment it prints "sumloop: start" until
; it is asked: every line typed on its terminal raises SIGIO (O_ASYNC), and
; the handler answers "sumloop: busy" while the loop runs, or prints
; "sum=<16 hex digits>" and exits once it is done.
;
; Why: on KVM-PVM (no VT-x/AMD-V) neither SYSCALL nor INT 0x80 from user mode
; reaches a kernel that is not PVM-aware (linux-switch.slow.sh), while
; interrupts and exceptions do.  So the computation can run under KVM, and
; the test moves the guest to the interpreter before it asks.  The model of
; the computation is linux-switch.py's expected_sumloop(); keep them in step.
;
; Build: nasm -f elf64 sumloop.asm && ld -o sumloop sumloop.o
bits 64

SYS_READ        equ 0
SYS_WRITE       equ 1
SYS_RT_SIGACTION equ 13
SYS_RT_SIGRETURN equ 15
SYS_GETPID      equ 39
SYS_FCNTL       equ 72
SYS_EXIT        equ 60
F_GETFL         equ 3
F_SETFL         equ 4
F_SETOWN        equ 8
O_ASYNC         equ 0x2000
SIGIO           equ 29
SA_RESTORER     equ 0x04000000

section .bss
num:    resd 1
done:   resd 1
flags:  resq 1                      ; stdin's file status flags before O_ASYNC
line:   resb 64
out:    resb 32

section .data
act:    dq on_sigio, SA_RESTORER, restorer, 0   ; struct kernel_sigaction

section .text
global _start
_start:
    mov rsi, [rsp + 16]             ; argv[1]
    xor r12d, r12d                  ; N
.parse:
    movzx eax, byte [rsi]
    sub eax, '0'
    cmp eax, 9
    ja .parsed
    imul r12, r12, 10
    add r12, rax
    inc rsi
    jmp .parse
.parsed:
    call async_stdin
    mov esi, started
    mov edx, started_len
    call write_out
    mov r8, 0x0123456789abcdef      ; a: LCG state
    mov r9, 1                       ; b: xor-rotate state
    mov r10, 6364136223846793005    ; LCG multiplier
    xor edx, edx                    ; i
    pxor xmm0, xmm0                 ; two lanes, swapped every step
    fldz                            ; st0: sum of (i & 0xffff)
    test r12, r12
    jz .done
.loop:
    imul r8, r10                    ; a = a * M + i
    add r8, rdx
    xor r9, r8                      ; b = rol(b ^ a, 13) + i
    rol r9, 13
    add r9, rdx
    movq xmm1, r8                   ; lane0 += a, then swap lanes
    paddq xmm0, xmm1
    pshufd xmm0, xmm0, 0x4e
    mov eax, edx                    ; st0 += i & 0xffff
    and eax, 0xffff
    mov [num], eax
    fiadd dword [num]
    inc rdx
    cmp rdx, r12
    jb .loop
.done:
    ; result = a ^ b ^ lane0 ^ lane1 ^ (integer of st0)
    fistp qword [out]
    mov rax, [out]
    xor rax, r8
    xor rax, r9
    movq rcx, xmm0
    xor rax, rcx
    pshufd xmm0, xmm0, 0x4e
    movq rcx, xmm0
    xor rax, rcx
    ; "sum=" + 16 hex digits + "\n"
    mov dword [out], 'sum='
    lea rdi, [out + 19]
    mov ecx, 16
.hex:
    mov ebx, eax
    and ebx, 15
    movzx ebx, byte [digits + rbx]
    mov [rdi], bl
    dec rdi
    shr rax, 4
    loop .hex
    mov byte [out + 20], 10
    mov dword [done], 1
.wait:                              ; until a line arrives (on_sigio exits)
    pause
    jmp .wait

; stdin raises SIGIO for this process when input arrives
async_stdin:
    mov eax, SYS_RT_SIGACTION
    mov edi, SIGIO
    mov esi, act
    xor edx, edx
    mov r10d, 8
    syscall
    mov eax, SYS_GETPID
    syscall
    mov rdx, rax
    mov eax, SYS_FCNTL
    xor edi, edi
    mov esi, F_SETOWN
    syscall
    mov eax, SYS_FCNTL
    xor edi, edi
    mov esi, F_GETFL
    syscall
    mov [flags], rax
    mov rdx, rax
    or rdx, O_ASYNC
    mov eax, SYS_FCNTL
    xor edi, edi
    mov esi, F_SETFL
    syscall
    ret

; SIGIO: read the line; busy, or the sum and exit (stdin's flags restored,
; it is the shell's terminal too)
on_sigio:
    mov eax, SYS_READ
    xor edi, edi
    mov esi, line
    mov edx, 64
    syscall
    cmp dword [done], 0
    jne .finish
    mov esi, busy
    mov edx, busy_len
    jmp write_out                   ; returns to the restorer
.finish:
    mov esi, out
    mov edx, 21
    call write_out
    mov eax, SYS_FCNTL
    xor edi, edi
    mov esi, F_SETFL
    mov rdx, [flags]
    syscall
    mov eax, SYS_EXIT
    xor edi, edi
    syscall

restorer:
    mov eax, SYS_RT_SIGRETURN
    syscall

; write(1, rsi, rdx); keeps rdx/r8-r12 as the loop needs (syscall: rcx, r11)
write_out:
    push rdx
    mov eax, SYS_WRITE
    mov edi, 1
    syscall
    pop rdx
    ret

section .rodata
digits: db "0123456789abcdef"
started: db "sumloop: start", 10
started_len equ $ - started
busy:   db "sumloop: busy", 10
busy_len equ $ - busy
