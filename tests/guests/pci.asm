; pci.asm - the PC's PCI platform as a BIOS sees it: configuration mechanism
; #1 (0xCF8/0xCFC), enumeration of bus 0 and the IDs of the i440FX (00:00.0),
; PIIX3 ISA bridge (00:01.0) and IDE (00:01.1) and the PIIX4 PM function
; (00:01.3); IDE BAR4 sizing; PAM shadowing of the F segment (write-only copy
; of the ROM into DRAM, read/write, read-only, back to the ROM with the DRAM
; kept) and of the C0000 piece; SMRAM open/close at 0xA8000; the PIIX3 PIRQ
; route register; the ACPI PM timer (advances, 24 bits, three ticks per PIT
; tick: 3.579545 MHz vs 1.193182 MHz).
; Checks only what an i440FX PC does whatever else QEMU adds to it (its
; default VGA and NIC): the VGA window is written but never read while closed.
%define GUEST_MODE 32
%include "lib/common.inc"

%define CFG(dev, fn, reg) (0x80000000 | ((dev) << 11) | ((fn) << 8) | (reg))
NB_PAM0     equ CFG(0, 0, 0x59)
NB_PAM1     equ CFG(0, 0, 0x5A)
NB_SMRAM    equ CFG(0, 0, 0x72)
PMBASE      equ 0xB000
MARK        equ 0xA5C3E10F
SHADOW_TST  equ 0xF8000             ; an F-segment address the tests write
WAITMAX     equ 0x04000000

section .text32
; configuration reads/writes: EBX = CFG(dev, fn, reg); EAX = value
cfg_rd32:
    push edx
    mov eax, ebx
    and eax, ~3
    mov dx, 0xCF8
    out dx, eax
    mov dx, 0xCFC
    in eax, dx
    pop edx
    ret
cfg_rd8:
    push edx
    mov eax, ebx
    and eax, ~3
    mov dx, 0xCF8
    out dx, eax
    mov edx, ebx
    and edx, 3
    add edx, 0xCFC
    in al, dx
    movzx eax, al
    pop edx
    ret
cfg_wr32:
    push edx
    push eax
    mov eax, ebx
    and eax, ~3
    mov dx, 0xCF8
    out dx, eax
    pop eax
    mov dx, 0xCFC
    out dx, eax
    pop edx
    ret
cfg_wr8:
    push edx
    push eax
    mov eax, ebx
    and eax, ~3
    mov dx, 0xCF8
    out dx, eax
    pop eax
    mov edx, ebx
    and edx, 3
    add edx, 0xCFC
    out dx, al
    pop edx
    ret

; set PAM0 (F segment) to AL
set_pam0:
    push ebx
    mov ebx, NB_PAM0
    call cfg_wr8
    pop ebx
    ret

; ZF=1 if the 64 KiB at 0xF0000 equal the ROM at 0xFFFF0000
cmp_f_with_rom:
    push esi
    push edi
    push ecx
    mov esi, 0xF0000
    mov edi, 0xFFFF0000
    mov ecx, 0x4000
    cld
    repe cmpsd
    pop ecx
    pop edi
    pop esi
    ret

; PIT counter 2, latched, in AX
pit2_read:
    mov al, 0x80                        ; counter latch, counter 2
    out 0x43, al
    in al, 0x42
    mov ah, al
    in al, 0x42
    xchg al, ah
    ret

main32:
    PRINTLN "# pci: i440FX/PIIX3/PIIX4 PM configuration, PAM shadowing, SMRAM, PM timer"
    ; --- configuration mechanism #1 ---
    mov dx, 0xCF8
    mov eax, 0x80000000
    out dx, eax
    in eax, dx
    CHECK eax, 0x80000000, "CONFADD reads back 0x80000000 (mechanism #1)"

    ; --- IDs and classes ---
    mov ebx, CFG(0, 0, 0)
    call cfg_rd32
    CHECK eax, 0x12378086, "00:00.0 is the 82441FX (8086:1237)"
    mov ebx, CFG(0, 0, 8)
    call cfg_rd32
    CHECKM eax, 0xFFFFFF00, 0x06000000, "00:00.0 class: host bridge"
    mov ebx, CFG(1, 0, 0)
    call cfg_rd32
    CHECK eax, 0x70008086, "00:01.0 is the PIIX3 ISA bridge (8086:7000)"
    mov ebx, CFG(1, 0, 8)
    call cfg_rd32
    CHECKM eax, 0xFFFFFF00, 0x06010000, "00:01.0 class: ISA bridge"
    mov ebx, CFG(1, 0, 0x0E)
    call cfg_rd8
    CHECKM eax, 0x80, 0x80, "00:01.0 header: multifunction"
    mov ebx, CFG(1, 1, 0)
    call cfg_rd32
    CHECK eax, 0x70108086, "00:01.1 is the PIIX3 IDE (8086:7010)"
    mov ebx, CFG(1, 1, 8)
    call cfg_rd32
    CHECKM eax, 0xFFFFFF00, 0x01018000, "00:01.1 class: IDE, prog-if 0x80"
    mov ebx, CFG(1, 3, 0)
    call cfg_rd32
    CHECK eax, 0x71138086, "00:01.3 is the PIIX4 PM function (8086:7113)"
    mov ebx, CFG(1, 3, 8)
    call cfg_rd32
    CHECKM eax, 0xFFFF0000, 0x06800000, "00:01.3 class: other bridge"
    mov ebx, CFG(31, 7, 0)
    call cfg_rd32
    CHECK eax, 0xFFFFFFFF, "absent function 00:1f.7 reads all ones"
    mov dx, 0xCF8
    mov eax, 0x80010000                 ; bus 1: nothing behind
    out dx, eax
    mov dx, 0xCFC
    in eax, dx
    CHECK eax, 0xFFFFFFFF, "bus 1 reads all ones"

    ; --- enumeration: the four chipset functions, found the BIOS way ---
    xor esi, esi                        ; chipset functions found
    xor edi, edi                        ; functions found
    xor ecx, ecx                        ; dev << 3 | fn
.enum:
    mov ebx, ecx
    shl ebx, 8
    or ebx, 0x80000000
    call cfg_rd32
    cmp ax, 0xFFFF
    je .next_dev_or_fn
    inc edi
    cmp eax, 0x12378086
    je .chip
    cmp eax, 0x70008086
    je .chip
    cmp eax, 0x70108086
    je .chip
    cmp eax, 0x71138086
    jne .not_chip
.chip:
    inc esi
.not_chip:
    test ecx, 7
    jnz .next_fn
    or ebx, 0x0E
    call cfg_rd8
    test al, 0x80                       ; single-function: skip functions 1-7
    jnz .next_fn
    add ecx, 8
    jmp .enum_cont
.next_dev_or_fn:
    test ecx, 7
    jnz .next_fn
    add ecx, 8                          ; no function 0: no device
    jmp .enum_cont
.next_fn:
    inc ecx
.enum_cont:
    cmp ecx, 256
    jb .enum
    CHECK esi, 4, "enumeration finds the 4 chipset functions"
    cmp edi, 4
    setae al
    movzx eax, al
    CHECK eax, 1, "enumeration finds at least 4 functions"

    ; --- IDE BAR4 (BMIBA): 16 bytes of I/O ---
    mov ebx, CFG(1, 1, 0x20)
    call cfg_rd32
    CHECK eax, 0x00000001, "IDE BAR4 resets to 0 (I/O space indicator)"
    mov eax, 0xFFFFFFFF
    call cfg_wr32
    call cfg_rd32
    CHECK eax, 0xFFFFFFF1, "IDE BAR4 sizing: 16 bytes of I/O"
    mov eax, 0xC000
    call cfg_wr32
    call cfg_rd32
    CHECK eax, 0x0000C001, "IDE BAR4 programmed to 0xC000"
    mov ebx, CFG(1, 1, 0x10)
    mov eax, 0xFFFFFFFF
    call cfg_wr32
    call cfg_rd32
    CHECK eax, 0, "IDE BAR0 (legacy mode) reads 0"

    ; --- PAM: shadow the F segment ---
    call cmp_f_with_rom
    setz al
    movzx eax, al
    CHECK eax, 1, "reset: 0xF0000 reads the BIOS ROM"
    mov ebx, NB_PAM0
    call cfg_rd8
    CHECKM eax, 0x30, 0, "reset: PAM0 F segment attribute 0 (ROM)"
    mov edx, [SHADOW_TST]               ; the ROM's value
    mov dword [SHADOW_TST], MARK
    mov eax, [SHADOW_TST]
    CHECK eax, edx, "ROM: the write is dropped"

    mov al, 0x20                        ; write-only: read ROM, write DRAM
    call set_pam0
    mov ebx, NB_PAM0
    call cfg_rd8
    CHECKM eax, 0x30, 0x20, "PAM0 reads back write-only"
    mov dword [SHADOW_TST], MARK
    SKIP_ON_TCG "QEMU maps a write-only PAM segment as read/write DRAM"
    mov eax, [SHADOW_TST]
    CHECK eax, edx, "write-only: reads still come from the ROM"
    END_SKIP_ON_TCG
    mov esi, 0xF0000                    ; copy the ROM (its 4 GiB alias) to DRAM
.copy:
    mov eax, [esi + 0xFFFF0000 - 0xF0000]
    mov [esi], eax
    add esi, 4
    cmp esi, 0x100000
    jb .copy

    mov al, 0x30                        ; read/write: DRAM
    call set_pam0
    call cmp_f_with_rom
    setz al
    movzx eax, al
    CHECK eax, 1, "read/write: the shadow DRAM holds the ROM copy"
    mov eax, [SHADOW_TST]
    CHECK eax, edx, "read/write: the write-only mark was overwritten by the copy"
    mov dword [SHADOW_TST], MARK
    mov eax, [SHADOW_TST]
    CHECK eax, MARK, "read/write: the shadow is writable"
    mov ecx, [0xFFFF0000 + SHADOW_TST - 0xF0000]
    CHECK ecx, edx, "read/write: the ROM at 4 GiB is untouched"

    mov al, 0x00                        ; back to the ROM
    call set_pam0
    mov eax, [SHADOW_TST]
    CHECK eax, edx, "attribute 0 again: the ROM shows"
    mov al, 0x30
    call set_pam0
    mov eax, [SHADOW_TST]
    CHECK eax, MARK, "read/write again: the DRAM kept its contents"
    mov [SHADOW_TST], edx               ; restore the copy

    mov al, 0x10                        ; read-only: DRAM, writes dropped
    call set_pam0
    mov dword [SHADOW_TST], MARK
    mov eax, [SHADOW_TST]
    CHECK eax, edx, "read-only: the write is dropped"
    call cmp_f_with_rom
    setz al
    movzx eax, al
    CHECK eax, 1, "read-only: the shadow still equals the ROM"
    mov al, 0x30
    call set_pam0
    mov eax, [SHADOW_TST]
    CHECK eax, edx, "read-only write did not reach the DRAM"
    mov al, 0x10
    call set_pam0

    ; --- PAM1 low nibble: 0xC0000-0xC3FFF ---
    mov ebx, NB_PAM1
    mov al, 0x03                        ; C0000 read/write, C4000 off
    call cfg_wr8
    mov dword [0xC0000], MARK
    mov eax, [0xC0000]
    CHECK eax, MARK, "C0000 read/write: DRAM"
    mov al, 0x01                        ; read-only
    call cfg_wr8
    mov dword [0xC0000], 0x12345678
    mov eax, [0xC0000]
    CHECK eax, MARK, "C0000 read-only: the write is dropped"
    mov al, 0x03
    call cfg_wr8
    mov eax, [0xC0000]
    CHECK eax, MARK, "C0000 read/write again: DRAM unchanged"
    mov al, 0x00
    call cfg_wr8
    call cfg_rd8
    CHECK eax, 0, "PAM1 back to 0"

    ; --- SMRAM (0x72): DRAM at 0xA0000 only while open ---
    mov ebx, NB_SMRAM
    call cfg_rd8
    CHECK eax, 0x02, "SMRAM resets to 0x02 (closed, A0000 segment)"
    mov al, 0x4A                        ; D_OPEN | G_SMRAME
    call cfg_wr8
    mov dword [0xA8000], MARK
    mov eax, [0xA8000]
    CHECK eax, MARK, "SMRAM open: DRAM at 0xA8000"
    mov al, 0x0A                        ; closed: the range goes to PCI/VGA
    call cfg_wr8
    mov dword [0xA8000], 0x11223344
    mov al, 0x4A
    call cfg_wr8
    mov eax, [0xA8000]
    CHECK eax, MARK, "SMRAM: a write while closed does not reach the DRAM"
    mov al, 0x0A
    call cfg_wr8

    ; --- PIIX3 PIRQ route control ---
    mov ebx, CFG(1, 0, 0x60)
    call cfg_rd32
    CHECK eax, 0x80808080, "PIRQRC[A:D] reset: not routed"
    mov eax, 0x0B0B0A0A                 ; SeaBIOS's routing
    call cfg_wr32
    call cfg_rd32
    CHECK eax, 0x0B0B0A0A, "PIRQRC[A:D] = IRQ 10, 10, 11, 11"

    ; --- PIIX4 PM timer at 0xB008 ---
    mov ebx, CFG(1, 3, 0x40)
    mov eax, PMBASE | 1
    call cfg_wr32
    mov ebx, CFG(1, 3, 0x80)
    mov al, 1                           ; PMIOSE
    call cfg_wr8
    mov dx, PMBASE + 8
    in eax, dx
    mov esi, eax
    CHECKM eax, 0xFF000000, 0, "PM timer: bits 31:24 read 0"
    mov ecx, 100000
.spin:
    loop .spin
    in eax, dx
    sub eax, esi
    and eax, 0xFFFFFF
    cmp eax, 0
    setne al
    movzx eax, al
    CHECK eax, 1, "PM timer advances"

    ; rate against PIT counter 2 (1.193182 MHz): 3 PM ticks per PIT tick
    in al, 0x61
    and al, 0xFC                        ; speaker off
    or al, 1                            ; GATE2 on
    out 0x61, al
    mov al, 0xB4                        ; counter 2, lo/hi, mode 2
    out 0x43, al
    xor al, al
    out 0x42, al
    out 0x42, al                        ; count 65536
    call pit2_read
    call pit2_read                      ; (the count is loaded after a CLK)
    mov cx, ax                          ; PIT start
    mov dx, PMBASE + 8
    in eax, dx
    mov esi, eax                        ; PM start
    mov ebp, WAITMAX
.rate:
    call pit2_read
    mov bx, cx
    sub bx, ax                          ; PIT ticks elapsed (mod 65536)
    cmp bx, 30000
    jae .rate_done
    dec ebp
    jnz .rate
.rate_done:
    mov dx, PMBASE + 8
    in eax, dx
    sub eax, esi
    and eax, 0xFFFFFF                   ; PM ticks elapsed
    movzx ebx, bx
    PRINT "# PIT ticks 0x"
    push eax
    mov eax, ebx
    call puthex32
    pop eax
    PRINT ", PM ticks 0x"
    call puthex32
    PRINTLN ""
    ; 2.8 * pit <= pm <= 3.2 * pit  <=>  14 * pit <= 5 * pm <= 16 * pit
    imul eax, eax, 5
    imul ecx, ebx, 14
    imul edx, ebx, 16
    cmp eax, ecx
    setae cl
    cmp eax, edx
    setbe ch
    and cl, ch
    movzx eax, cl
    CHECK eax, 1, "PM timer runs at 3 x the PIT rate (3.579545 MHz)"
    test ebp, ebp
    setnz al
    movzx eax, al
    CHECK eax, 1, "PIT counter 2 counted 30000 ticks in time"
    PASS

gdt:
    GDT_STANDARD
gdt_end:
