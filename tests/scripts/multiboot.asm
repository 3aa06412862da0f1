; A Multiboot 1 kernel booted with -kernel (tests/scripts/multiboot.sh).
; Assembled twice: plain (the a.out kludge: the header's addresses place the
; file) and with -DELF (a hand-made ELF32 executable, one PT_LOAD segment).
; It checks EAX = 0x2BADB002 and prints the information structure on port
; 0xe9 for the script to compare: flags, mem_lower/mem_upper, the command
; line, the modules (alignment, size, string, contents), the memory map and
; the boot loader name.  Then it dirties its .data and .bss, marks low RAM
; (which a reset keeps) and resets the machine through port 0xCF9 (KVM-PVM
; cannot run the triple-fault way: it does not emulate INT3): the loader
; loads the kernel again, and the second boot checks .data and .bss are
; fresh and exits through isa-debug-exit (port 0xf4) with 0x21 (status 67).
bits 32
%define LOAD 0x100000
%define MARK 0x600              ; a word of low RAM the loader never writes
%define MB_FLAGS 0x00000003     ; page-aligned modules, memory information
%ifndef ELF
%define MB_FLAGS_ALL (MB_FLAGS | 0x10000)
%else
%define MB_FLAGS_ALL MB_FLAGS
%endif
        org LOAD
file_start:
%ifdef ELF
        db 0x7f, "ELF", 1, 1, 1, 0
        times 8 db 0
        dw 2, 3                 ; ET_EXEC, EM_386
        dd 1, start, phdr - file_start, 0, 0
        dw 52, 32, 1, 0, 0, 0   ; ehsize, phentsize, phnum, sh*
phdr:   dd 1, 0, LOAD, LOAD     ; PT_LOAD, offset, vaddr, paddr
        dd file_end - file_start, bss_end - file_start, 7, 0x1000
%endif
        align 4
mbhdr:  dd 0x1badb002, MB_FLAGS_ALL, -(0x1badb002 + MB_FLAGS_ALL)
%ifndef ELF
        dd mbhdr, LOAD, file_end, bss_end, start
%endif

start:  mov esp, stack_top
        cmp dword [MARK], 0x7e57b007
        je second_boot
        cmp eax, 0x2badb002
        jne fail
        mov ebp, ebx
        mov esi, s_flags
        call puts
        mov eax, [ebp]
        call hex
        mov esi, s_mem
        call puts
        mov eax, [ebp + 4]
        call hex
        mov al, ' '
        call putc
        mov eax, [ebp + 8]
        call hex
        call mods
        call mmap
        mov esi, s_loader
        call puts
        mov esi, [ebp + 64]
        call puts
        call nl
        ; the command line: "PATH ARGS": print what follows the first space
        mov esi, s_cmdline
        call puts
        mov esi, [ebp + 16]
.skip:  lodsb
        test al, al
        jz .cmd
        cmp al, ' '
        jne .skip
        call puts
.cmd:   call nl
        ; dirty .data and .bss, then reset the machine
        mov dword [data_word], 0
        mov dword [bss_word], 0xdead
        mov dword [MARK], 0x7e57b007
        mov dx, 0xcf9           ; PIIX3 reset control: hard reset
        mov al, 0x06
        out dx, al
        jmp fail

second_boot:
        mov dword [MARK], 0
        cmp eax, 0x2badb002
        jne fail
        cmp dword [data_word], 0x12345678
        jne fail
        cmp dword [bss_word], 0
        jne fail
        mov esi, s_reboot
        call puts
        mov al, 0x21
        out 0xf4, al
fail:   mov esi, s_fail
        call puts
        mov al, 0x7f
        out 0xf4, al
        hlt

; modules: "mod ALIGNED LEN 'STRING' DATA" per module
mods:   mov esi, s_mods
        call puts
        mov eax, [ebp + 20]
        call hex
        call nl
        mov ebx, [ebp + 24]
        mov ecx, [ebp + 20]
.next:  test ecx, ecx
        jz .done
        mov esi, s_mod
        call puts
        mov eax, [ebx]
        and eax, 0xfff
        call hex
        mov al, ' '
        call putc
        mov eax, [ebx + 4]
        sub eax, [ebx]
        call hex
        mov al, ' '
        call putc
        mov esi, [ebx + 8]
        call puts
        mov al, ' '
        call putc
        push ecx
        mov esi, [ebx]
        mov ecx, [ebx + 4]
        sub ecx, esi
.data:  lodsb
        call putc
        loop .data
        pop ecx
        add ebx, 16
        dec ecx
        jmp .next
.done:  ret

; memory map: "BASE LEN TYPE" per entry (64-bit values as two halves)
mmap:   mov ebx, [ebp + 48]
        mov edi, ebx
        add edi, [ebp + 44]
.next:  cmp ebx, edi
        jae .done
        mov esi, s_mmap
        call puts
        mov eax, [ebx + 8]
        call hex
        mov eax, [ebx + 4]
        call hex
        mov al, ' '
        call putc
        mov eax, [ebx + 16]
        call hex
        mov eax, [ebx + 12]
        call hex
        mov al, ' '
        call putc
        mov eax, [ebx + 20]
        call hex
        call nl
        add ebx, [ebx]
        add ebx, 4
        jmp .next
.done:  ret

nl:     mov al, 10
putc:   out 0xe9, al
        ret
puts:   lodsb
        test al, al
        jz .done
        call putc
        jmp puts
.done:  ret
hex:    push ecx
        mov ecx, 8
.digit: rol eax, 4
        push eax
        and al, 15
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'a' - '9' - 1
.out:   call putc
        pop eax
        loop .digit
        pop ecx
        ret

s_flags:   db "flags ", 0
s_mem:     db 10, "mem ", 0
s_mods:    db 10, "mods ", 0
s_mod:     db "mod ", 0
s_mmap:    db "mmap ", 0
s_loader:  db "loader ", 0
s_cmdline: db "cmdline ", 0
s_reboot:  db "second boot: .data and .bss reloaded", 10, 0
s_fail:    db "FAIL", 10, 0
data_word: dd 0x12345678
file_end:
        absolute file_end
        alignb 16
bss_word:  resd 1
        resb 4096
stack_top:
bss_end:
