; fwcfg.asm - the QEMU firmware configuration interface (fw_cfg, QEMU
; docs/specs/fw_cfg.rst) as SeaBIOS uses it on a PC: selector port 0x510,
; data port 0x511, DMA address register 0x514 (high half) / 0x518 (low half).
; Checks the signature and ID, selector behaviour (rewind, bit 14 alias, no
; item, reads past the end), the file directory (format, sorted names, the
; same through the data port and DMA), that every file reads the same through
; the port (with a 0 after its end) and through DMA (zeros past its end,
; nothing beyond the length), etc/e820 (20-byte entries, types 1/2, RAM total
; = FW_CFG_RAM_SIZE = 128 MiB: run with -m 128, the default of QEMU and
; Tandem), DMA select/skip/read, the completion value of the control field,
; the high/low order of the address halves, and refused operations (write,
; destination beyond RAM, wrapping length) that set the error bit.
; Runs in flat 32-bit protected mode; the DMA structures live above 1 MiB.
%define GUEST_MODE 32
%include "lib/common.inc"

FW_SEL      equ 0x510
FW_DATA     equ 0x511
FW_DMA_HI   equ 0x514
FW_DMA_LO   equ 0x518

CTL_ERROR   equ 0x01
CTL_READ    equ 0x02
CTL_SKIP    equ 0x04
CTL_SELECT  equ 0x08
CTL_WRITE   equ 0x10

KEY_SIG     equ 0x00
KEY_ID      equ 0x01
KEY_RAM     equ 0x03
KEY_DIR     equ 0x19

DMA_DESC        equ 0x100000        ; the FWCfgDmaAccess structure
SCRATCH     equ 0x101000
DIR_PORT    equ 0x110000        ; directory read through the data port
DIR_DMA     equ 0x120000        ; ... and through DMA
E820_PORT   equ 0x130000
E820_DMA    equ 0x138000
FILE_PORT   equ 0x200000        ; a file through the data port
FILE_DMA    equ 0x400000        ; ... and through DMA
MAX_FILE    equ 0x100000        ; larger files are listed but not compared
MAX_FILES   equ 256
MAX_E820    equ 256

section .text32
main32:
    PRINTLN "# fwcfg: QEMU firmware configuration interface (fw_cfg)"

    ; ------------------------------------------------ signature and ID
    mov ax, KEY_SIG
    call fw_select
    mov edi, SCRATCH
    mov ecx, 5
    call port_read
    CHECK [SCRATCH], 'QEMU', "key 0x0000 through port 0x511: signature QEMU"
    movzx eax, byte [SCRATCH+4]
    CHECK eax, 0, "reading past the end of an item gives 0"
    call fw_inb
    CHECK eax, 0, "... and keeps giving 0"
    mov ax, KEY_SIG
    call fw_select
    call fw_inb
    call fw_inb
    mov ax, KEY_SIG
    call fw_select
    call fw_inb
    CHECK eax, 'Q', "writing the selector rewinds the data offset"
    mov ax, 0x4000 | KEY_SIG
    call fw_select
    call fw_inb
    CHECK eax, 'Q', "selector bit 14 (write channel) selects the same item"
    mov ax, 0x3fff
    call fw_select
    call fw_inb
    CHECK eax, 0, "a key without an item reads 0"
    mov dx, FW_DMA_HI
    in eax, dx
    CHECK eax, 'QEMU', "DMA address register reads QEMU CFG (bytes 0-3)"
    mov dx, FW_DMA_LO
    in eax, dx
    CHECK eax, ' CFG', "DMA address register reads QEMU CFG (bytes 4-7)"
    mov ax, KEY_ID
    call fw_select
    mov edi, SCRATCH
    mov ecx, 4
    call port_read
    CHECKM [SCRATCH], 3, 3, "FW_CFG_ID: bit 0 traditional and bit 1 DMA interface"
    mov ax, KEY_RAM
    call fw_select
    mov edi, ram_size
    mov ecx, 8
    call port_read
    CHECK [ram_size], 0x08000000, "FW_CFG_RAM_SIZE = 128 MiB (low dword)"
    CHECK [ram_size+4], 0, "FW_CFG_RAM_SIZE = 128 MiB (high dword)"

    ; ------------------------------------------------ file directory
    mov ax, KEY_DIR
    call fw_select
    mov edi, DIR_PORT
    mov ecx, 4
    call port_read
    mov eax, [DIR_PORT]
    bswap eax
    mov [nfiles], eax
    xor ebx, ebx
    cmp eax, 1
    jb .nbad
    cmp eax, MAX_FILES
    ja .nbad
    mov ebx, 1
.nbad:
    CHECK ebx, 1, "file directory: big-endian count of 1..256 files"
    cmp ebx, 1
    je .nok
    FAIL "cannot go on without a directory"
.nok:
    PRINT "# "
    mov eax, [nfiles]
    call putdec32
    PRINTLN " files"
    mov ecx, [nfiles]
    shl ecx, 6
    add ecx, 4
    mov [dirlen], ecx
    sub ecx, 4
    mov edi, DIR_PORT + 4
    call port_read
    call fw_inb
    CHECK eax, 0, "directory: 0 after the last entry"
    ; the same through DMA (select + read), nothing written beyond it
    mov edi, DIR_DMA
    mov ecx, [dirlen]
    add ecx, 16
    mov al, 0xAA
    call fill
    mov eax, (KEY_DIR << 16) | CTL_SELECT | CTL_READ
    mov ecx, [dirlen]
    mov edx, DIR_DMA
    call fw_dma
    CHECK eax, 0, "DMA select+read of the directory: control 0 on completion"
    mov esi, DIR_PORT
    mov edi, DIR_DMA
    mov ecx, [dirlen]
    call memdiff
    CHECK eax, 0, "directory through DMA = through the data port"
    mov esi, DIR_DMA
    add esi, [dirlen]
    movzx eax, byte [esi]
    CHECK eax, 0xAA, "DMA read writes nothing beyond its length"

    ; ------------------------------------------------ every file
    mov dword [idx], 0
.floop:
    mov eax, [idx]
    cmp eax, [nfiles]
    jae .fdone
    shl eax, 6
    lea ebx, [DIR_PORT + 4 + eax]       ; the entry
    lea edi, [ebx + 8]
    mov ecx, 56
    xor al, al
    cld
    repne scasb
    je .term
    inc dword [bad_name]
    jmp .fnext
.term:
    cmp word [ebx + 6], 0
    je .rsv
    inc dword [bad_rsv]
.rsv:
    movzx eax, word [ebx + 4]
    xchg al, ah
    mov [cur_key], eax
    cmp eax, 0x20
    jae .keyok
    inc dword [bad_key]
.keyok:
    mov eax, [ebx]
    bswap eax
    mov [cur_size], eax
    cmp dword [idx], 0
    je .sorted
    lea esi, [ebx - 64 + 8]
    lea edi, [ebx + 8]
    call strcmp56
    test eax, eax
    js .sorted
    inc dword [bad_sort]
.sorted:
    PRINT "# file "
    lea esi, [ebx + 8]
    call puts32
    PRINT " size "
    mov eax, [cur_size]
    call putdec32
    PRINT " key 0x"
    mov eax, [cur_key]
    call puthex32
    PRINTLN ""
    lea esi, [ebx + 8]
    mov edi, name_e820
    call strcmp56
    test eax, eax
    jnz .note820
    mov eax, [cur_key]
    mov [e820_key], eax
    mov eax, [cur_size]
    mov [e820_size], eax
.note820:
    cmp dword [cur_size], MAX_FILE
    jbe .small
    PRINTLN "#   (larger than 1 MiB: not compared)"
    jmp .fnext
.small:
    call check_file
    inc dword [nchecked]
.fnext:
    inc dword [idx]
    jmp .floop
.fdone:
    CHECK [bad_name], 0, "directory: every name is NUL-terminated within 56 bytes"
    CHECK [bad_rsv], 0, "directory: reserved fields are 0"
    CHECK [bad_key], 0, "directory: every file key is >= 0x20"
    CHECK [bad_sort], 0, "directory: sorted by name"
    mov eax, [nchecked]
    test eax, eax
    setnz al
    movzx eax, al
    CHECK eax, 1, "at least one file compared"
    CHECK [bad_port_end], 0, "every file through the data port: 0 after its end"
    CHECK [bad_dma_ctl], 0, "every file through DMA: control 0 on completion"
    CHECK [bad_dma_data], 0, "every file through DMA = through the data port"
    CHECK [bad_dma_zero], 0, "DMA read past a file's end stores zeros"
    CHECK [bad_dma_over], 0, "DMA read of a file writes nothing beyond its length"

    ; ------------------------------------------------ etc/e820
    mov eax, [e820_key]
    test eax, eax
    setnz al
    movzx eax, al
    CHECK eax, 1, "etc/e820 is in the directory"
    mov eax, [e820_size]
    xor edx, edx
    mov ecx, 20
    div ecx
    mov [e820_n], eax
    CHECK edx, 0, "etc/e820: size is a multiple of 20"
    xor ebx, ebx
    cmp eax, 1
    jb .e_nbad
    cmp eax, MAX_E820
    ja .e_nbad
    mov ebx, 1
.e_nbad:
    CHECK ebx, 1, "etc/e820: 1..256 entries"
    cmp ebx, 1
    je .e_ok
    FAIL "cannot check etc/e820"
.e_ok:
    mov eax, [e820_key]
    call fw_select
    mov edi, E820_PORT
    mov ecx, [e820_size]
    call port_read
    mov edi, E820_DMA
    mov ecx, [e820_size]
    mov al, 0xAA
    call fill
    mov eax, [e820_key]
    shl eax, 16
    or eax, CTL_SELECT | CTL_READ
    mov ecx, [e820_size]
    mov edx, E820_DMA
    call fw_dma
    CHECK eax, 0, "etc/e820 through DMA: control 0"
    mov esi, E820_PORT
    mov edi, E820_DMA
    mov ecx, [e820_size]
    call memdiff
    CHECK eax, 0, "etc/e820 through DMA = through the data port"
    ; walk the entries: types, RAM total, the RAM entry at 0
    xor ecx, ecx
    mov esi, E820_PORT
.eloop:
    cmp ecx, [e820_n]
    jae .edone
    PRINT "# e820 0x"
    mov eax, [esi + 4]
    call puthex32
    mov eax, [esi]
    call puthex32
    PRINT " len 0x"
    mov eax, [esi + 12]
    call puthex32
    mov eax, [esi + 8]
    call puthex32
    PRINT " type "
    mov eax, [esi + 16]
    call putdec32
    PRINTLN ""
    mov eax, [esi + 16]
    cmp eax, 2
    je .enext
    cmp eax, 1
    je .eram
    inc dword [bad_type]
    jmp .enext
.eram:
    mov eax, [esi + 8]
    add [ram_total], eax
    mov eax, [esi + 12]
    adc [ram_total + 4], eax
    mov eax, [esi]
    or eax, [esi + 4]
    jnz .enext
    mov eax, [esi + 8]
    mov [low_ram], eax
    mov eax, [esi + 12]
    mov [low_ram + 4], eax
.enext:
    add esi, 20
    inc ecx
    jmp .eloop
.edone:
    CHECK [bad_type], 0, "etc/e820: every type is 1 (RAM) or 2 (reserved)"
    CHECK [ram_total], [ram_size], "etc/e820: RAM entries add up to FW_CFG_RAM_SIZE (low dword)"
    CHECK [ram_total + 4], [ram_size + 4], "etc/e820: RAM entries add up to FW_CFG_RAM_SIZE (high dword)"
    CHECK [low_ram], 0x08000000, "etc/e820: RAM at 0 of 128 MiB (the -m size)"
    CHECK [low_ram + 4], 0, "etc/e820: RAM at 0 of 128 MiB (high dword)"

    ; ------------------------------------------------ DMA select, skip, read
    mov eax, (KEY_DIR << 16) | CTL_SELECT
    xor ecx, ecx
    mov edx, SCRATCH
    call fw_dma
    CHECK eax, 0, "DMA select only: control 0"
    mov eax, CTL_SKIP
    mov ecx, 4
    xor edx, edx
    call fw_dma
    CHECK eax, 0, "DMA skip: control 0"
    mov eax, CTL_READ
    mov ecx, 64
    mov edx, SCRATCH
    call fw_dma
    CHECK eax, 0, "DMA read: control 0"
    mov esi, SCRATCH
    mov edi, DIR_PORT + 4
    mov ecx, 64
    call memdiff
    CHECK eax, 0, "DMA select, skip 4, read 64 = the first directory entry"
    ; select + skip in one operation, then the data port goes on from there
    mov eax, (KEY_DIR << 16) | CTL_SELECT | CTL_SKIP
    mov ecx, 4 + 8
    xor edx, edx
    call fw_dma
    CHECK eax, 0, "DMA select+skip: control 0"
    mov edi, SCRATCH
    mov ecx, 56
    call port_read
    mov esi, SCRATCH
    mov edi, DIR_PORT + 4 + 8
    mov ecx, 56
    call memdiff
    CHECK eax, 0, "the data port continues where a DMA skip left the offset"
    ; the port offset carries into DMA, and DMA past the end stores zeros
    mov ax, KEY_SIG
    call fw_select
    call fw_inb
    mov edi, SCRATCH
    mov ecx, 16
    mov al, 0xAA
    call fill
    mov eax, CTL_READ
    mov ecx, 8
    mov edx, SCRATCH
    call fw_dma
    CHECK eax, 0, "DMA read crossing an item's end: control 0"
    CHECK [SCRATCH], 0x00554D45, "DMA read continues at the port's offset: EMU then 0"
    CHECK [SCRATCH + 4], 0, "DMA read past the end stores zeros"
    movzx eax, byte [SCRATCH + 8]
    CHECK eax, 0xAA, "DMA read stops at its length"
    call fw_inb
    CHECK eax, 0, "the offset stays at the item's end"
    ; skip past the end, then read: zeros
    mov eax, (KEY_SIG << 16) | CTL_SELECT | CTL_SKIP
    mov ecx, 100
    xor edx, edx
    call fw_dma
    CHECK eax, 0, "DMA skip past the end: control 0"
    call fw_inb
    CHECK eax, 0, "after skipping past the end, reads give 0"

    ; ------------------------------------------------ address register halves
    mov dword [SCRATCH], 0
    mov eax, (KEY_ID << 16) | CTL_SELECT | CTL_READ
    mov ecx, 4
    mov edx, SCRATCH
    xor ebx, ebx
    call put_desc
    xor eax, eax
    mov dx, FW_DMA_HI
    out dx, eax                         ; high half: no operation yet
    mov eax, [DMA_DESC]
    bswap eax
    CHECK eax, (KEY_ID << 16) | CTL_SELECT | CTL_READ, "writing the high half alone starts nothing"
    mov eax, DMA_DESC
    bswap eax
    mov dx, FW_DMA_LO
    out dx, eax                         ; low half: runs
    mov eax, [DMA_DESC]
    bswap eax
    CHECK eax, 0, "high half then low half: the low write runs it (control 0)"
    CHECKM [SCRATCH], 3, 3, "... and it read FW_CFG_ID"
    CHECK [DMA_DESC + 4], 0x04000000, "the length field is left as it was"
    ; high half 1: the descriptor would be at 4 GiB + 1 MiB, where this
    ; machine has no RAM: nothing happens to the one at 1 MiB
    mov dword [SCRATCH], 0
    mov eax, (KEY_ID << 16) | CTL_SELECT | CTL_READ
    mov ecx, 4
    mov edx, SCRATCH
    xor ebx, ebx
    call put_desc
    mov eax, 0x01000000                 ; big-endian 1
    mov dx, FW_DMA_HI
    out dx, eax
    mov eax, DMA_DESC
    bswap eax
    mov dx, FW_DMA_LO
    out dx, eax
    mov eax, [DMA_DESC]
    bswap eax
    CHECK eax, (KEY_ID << 16) | CTL_SELECT | CTL_READ, "high half 1, low half 1 MiB: the descriptor at 1 MiB is not used"
    CHECK [SCRATCH], 0, "... and nothing was read"
    ; the register is 0 after an operation: a low write alone now runs it
    mov eax, DMA_DESC
    bswap eax
    mov dx, FW_DMA_LO
    out dx, eax
    mov eax, [DMA_DESC]
    bswap eax
    CHECK eax, 0, "the address register is 0 after an operation: low write alone runs it"
    CHECKM [SCRATCH], 3, 3, "... and it read FW_CFG_ID"

    ; ------------------------------------------------ refused operations
    mov dword [SCRATCH], 'XXXX'
    mov eax, (KEY_SIG << 16) | CTL_SELECT | CTL_WRITE
    mov ecx, 4
    mov edx, SCRATCH
    call fw_dma
    CHECK eax, CTL_ERROR, "DMA write to a read-only item: error bit"
    mov ax, KEY_SIG
    call fw_select
    mov edi, SCRATCH
    mov ecx, 4
    call port_read
    CHECK [SCRATCH], 'QEMU', "... and the item is unchanged"
    ; a destination address whose length wraps around 2^64
    mov eax, (KEY_SIG << 16) | CTL_SELECT | CTL_READ
    mov ecx, 0x20
    mov edx, 0xFFFFFFF0
    mov ebx, 0xFFFFFFFF
    call fw_dma64
    CHECK eax, CTL_ERROR, "DMA read with a wrapping destination: error bit"
    ; destinations beyond RAM (128 MiB): above 4 GiB, and below it
    mov eax, (KEY_SIG << 16) | CTL_SELECT | CTL_READ
    mov ecx, 4
    mov edx, SCRATCH
    mov ebx, 1
    call fw_dma64
    CHECK eax, CTL_ERROR, "DMA read to 4 GiB + 1 MiB (no RAM there): error bit"
    mov eax, (KEY_SIG << 16) | CTL_SELECT | CTL_READ
    mov ecx, 4
    mov edx, 0x40000000
    call fw_dma
    CHECK eax, CTL_ERROR, "DMA read to 1 GiB (beyond RAM): error bit"
    ; after an error, the next operation works
    mov dword [SCRATCH], 0
    mov eax, (KEY_ID << 16) | CTL_SELECT | CTL_READ
    mov ecx, 4
    mov edx, SCRATCH
    call fw_dma
    CHECK eax, 0, "after an error the next DMA operation works"
    CHECKM [SCRATCH], 3, 3, "... and reads FW_CFG_ID"

    PASS

; ---------------------------------------------------------------------------
; fw_select: AX = key
fw_select:
    push edx
    mov dx, FW_SEL
    out dx, ax
    pop edx
    ret

; fw_inb: EAX = next data byte
fw_inb:
    push edx
    xor eax, eax
    mov dx, FW_DATA
    in al, dx
    pop edx
    ret

; port_read: ECX bytes from the data port to [EDI] (rep insb, as SeaBIOS)
port_read:
    push ecx
    push edx
    push edi
    mov dx, FW_DATA
    cld
    rep insb
    pop edi
    pop edx
    pop ecx
    ret

; put_desc: FWCfgDmaAccess at DMA_DESC from EAX = control, ECX = length,
; EBX:EDX = address (big-endian fields)
put_desc:
    push eax
    push ecx
    push edx
    push ebx
    bswap eax
    mov [DMA_DESC], eax
    bswap ecx
    mov [DMA_DESC + 4], ecx
    bswap ebx
    mov [DMA_DESC + 8], ebx
    bswap edx
    mov [DMA_DESC + 12], edx
    pop ebx
    pop edx
    pop ecx
    pop eax
    ret

; fw_dma: EAX = control, ECX = length, EDX = 32-bit address.  Writes the
; descriptor and only the low half of the address register (as SeaBIOS
; does); returns EAX = the control field after the operation.
fw_dma:
    push ebx
    xor ebx, ebx
    call fw_dma64
    pop ebx
    ret

; fw_dma64: the same with EBX:EDX = 64-bit address
fw_dma64:
    push edx
    call put_desc
    mov eax, DMA_DESC
    bswap eax
    mov dx, FW_DMA_LO
    out dx, eax
    mov eax, [DMA_DESC]
    bswap eax
    pop edx
    ret

; check_file: reads file cur_key/cur_size through the port (size + 1 bytes)
; and through DMA (size + 16 bytes into a 0xAA-filled buffer) and counts
; what differs in the bad_* variables
check_file:
    pushad
    mov eax, [cur_key]
    call fw_select
    mov edi, FILE_PORT
    mov ecx, [cur_size]
    inc ecx
    call port_read
    mov esi, FILE_PORT
    add esi, [cur_size]
    cmp byte [esi], 0
    je .pend
    inc dword [bad_port_end]
.pend:
    mov edi, FILE_DMA
    mov ecx, [cur_size]
    add ecx, 32
    mov al, 0xAA
    call fill
    mov eax, [cur_key]
    shl eax, 16
    or eax, CTL_SELECT | CTL_READ
    mov ecx, [cur_size]
    add ecx, 16
    mov edx, FILE_DMA
    call fw_dma
    test eax, eax
    jz .ctl
    inc dword [bad_dma_ctl]
.ctl:
    mov esi, FILE_PORT
    mov edi, FILE_DMA
    mov ecx, [cur_size]
    call memdiff
    add [bad_dma_data], eax
    mov esi, FILE_DMA
    add esi, [cur_size]
    mov ecx, 16
    call allzero
    add [bad_dma_zero], eax
    cmp byte [esi + 16], 0xAA
    je .over
    inc dword [bad_dma_over]
.over:
    popad
    ret

; memdiff: EAX = 0 if ECX bytes at ESI and EDI are equal, else 1
memdiff:
    push ecx
    push esi
    push edi
    xor eax, eax
    jecxz .d
    cld
    repe cmpsb
    setne al
.d: pop edi
    pop esi
    pop ecx
    ret

; allzero: EAX = 0 if the ECX bytes at ESI are all 0, else 1
allzero:
    push ecx
    push edi
    mov edi, esi
    xor eax, eax
    jecxz .d
    cld
    repe scasb
    setne al
.d: pop edi
    pop ecx
    ret

; fill: ECX bytes at EDI with AL
fill:
    push ecx
    push edi
    cld
    rep stosb
    pop edi
    pop ecx
    ret

; strcmp56: EAX = sign of the first difference of the names at ESI and EDI
; (at most 56 bytes, up to the NUL)
strcmp56:
    push ebx
    push ecx
    push esi
    push edi
    mov ecx, 56
.l: movzx eax, byte [esi]
    movzx ebx, byte [edi]
    sub eax, ebx
    jnz .d
    test ebx, ebx
    jz .d
    inc esi
    inc edi
    dec ecx
    jnz .l
.d: pop edi
    pop esi
    pop ecx
    pop ebx
    ret

name_e820:  db "etc/e820", 0
align 8
ram_size:   dq 0
ram_total:  dq 0
low_ram:    dq 0
nfiles:     dd 0
dirlen:     dd 0
idx:        dd 0
cur_key:    dd 0
cur_size:   dd 0
e820_key:   dd 0
e820_size:  dd 0
e820_n:     dd 0
nchecked:   dd 0
bad_name:   dd 0
bad_rsv:    dd 0
bad_key:    dd 0
bad_sort:   dd 0
bad_port_end: dd 0
bad_dma_ctl:  dd 0
bad_dma_data: dd 0
bad_dma_zero: dd 0
bad_dma_over: dd 0
bad_type:   dd 0

gdt:
    GDT_STANDARD
gdt_end:
