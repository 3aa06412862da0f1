; paging.asm - 32-bit 2-level paging (SDM vol. 3 ch. 4): 4 KiB and 4 MiB
; pages, accessed/dirty bits, #PF error codes and CR2, CR0.WP, invlpg, CR3
; reload, page-crossing accesses and fetches, self-modifying code.
%define GUEST_MODE 32
%include "lib/common.inc"

TSS0        equ 0x3000
SEL_TSS0    equ 0x40
RING0_ESP   equ 0x9E000
PD          equ 0x20000
PT0         equ 0x21000         ; identity map 0-4 MiB, user RW
PT1         equ 0x22000         ; test pages at 4-8 MiB
PHYS1       equ 0x200000        ; backing store of the PT1 pages (phys)
SMCPG       equ 0x6000          ; scratch code pages 0x6000/0x7000
; test pages (linear)
PG_RW       equ 0x400000        ; present, RW, user         -> PHYS1
PG_NP       equ 0x401000        ; not present
PG_RO       equ 0x402000        ; present, RO, user         -> PHYS1+0x2000
PG_SUP      equ 0x403000        ; present, RW, supervisor   -> PHYS1+0x3000
PG_SUPRO    equ 0x404000        ; present, RO, supervisor   -> PHYS1+0x4000
PG_X1       equ 0x405000        ; present RW (next page not present)
PG_X2       equ 0x406000        ; not present
PG_REMAP    equ 0x407000        ; -> 0x30000 or 0x31000
PG_NOCODE   equ 0x408000        ; not present (fetch test)
PG_CODE     equ 0x409000        ; present -> PHYS1+0x9000, next not present

%define PTE(lin) (PT1 + (((lin) >> 12) & 0x3FF) * 4)

section .text32
main32:
    PRINTLN "# paging: 32-bit paging"
    mov dword [TSS0 + 4], RING0_ESP
    mov dword [TSS0 + 8], KDATA32
    mov word [TSS0 + 0x66], 0x68
    mov ax, SEL_TSS0
    ltr ax
    ; page directory and tables
    mov edi, PD
    xor eax, eax
    mov ecx, 3*1024
    rep stosd
    mov edi, PT0
    mov eax, 7
    mov ecx, 1024
.l0: stosd
    add eax, 0x1000
    loop .l0
    mov dword [PD + 0], PT0 | 7
    mov dword [PD + 4], PT1 | 7
    mov dword [PTE(PG_RW)], (PHYS1 + 0x0000) | 7
    mov dword [PTE(PG_RO)], (PHYS1 + 0x2000) | 5
    mov dword [PTE(PG_SUP)], (PHYS1 + 0x3000) | 3
    mov dword [PTE(PG_SUPRO)], (PHYS1 + 0x4000) | 1
    mov dword [PTE(PG_X1)], (PHYS1 + 0x5000) | 7
    mov dword [PTE(PG_REMAP)], 0x30000 | 7
    mov dword [PTE(PG_CODE)], (PHYS1 + 0x9000) | 7
    mov dword [0x30000], 0xAAAAAAAA
    mov dword [0x31000], 0xBBBBBBBB
    mov dword [PHYS1], 0x600DCAFE
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .pg_on
.pg_on:
    mov eax, cr0
    CHECKM eax, 0x80000001, 0x80000001, "CR0.PG=1, identity-mapped code keeps running"
    mov eax, cr3
    CHECK eax, PD, "CR3 reads back"

    ; ------------------------------------------- translation and A/D bits
    CHECKM [PD + 4], 0x60, 0, "PDE 1: A=0 before use"
    CHECKM [PTE(PG_RW)], 0x60, 0, "PTE: A=0 D=0 before use"
    CHECK [PG_RW], 0x600DCAFE, "linear 0x400000 reads physical 0x200000"
    CHECKM [PTE(PG_RW)], 0x60, 0x20, "after a read: PTE A=1, D=0"
    CHECKM [PD + 4], 0x20, 0x20, "after a read: PDE A=1"
    mov dword [PG_RW + 4], 0x12345678
    CHECKM [PTE(PG_RW)], 0x60, 0x60, "after a write: PTE D=1"
    CHECK [PHYS1 + 4], 0x12345678, "write reached physical 0x200004"
    CHECKM [PD + 4], 0x40, 0, "PDE has no dirty bit for a 4K page table (bit 6 stays 0)"

    ; ------------------------------------------- supervisor faults
    EXPECT 14, .f1_r
.f1: mov eax, [PG_NP + 0x10]
.f1_r:
    CHECKV EXC_VEC, 14, "read of a not-present page: #PF"
    CHECKV EXC_ERR, 0, "error code 0: P=0 W=0 U=0"
    CHECKV EXC_CR2, PG_NP + 0x10, "CR2 = faulting address"
    CHECKV EXC_EIP, .f1, "saved EIP = faulting instruction"
    EXPECT 14, .f2_r
.f2: mov byte [PG_NP + 0xFFF], 1
.f2_r:
    CHECKV EXC_ERR, 2, "write to a not-present page: error code 2"
    CHECKV EXC_CR2, PG_NP + 0xFFF, "CR2"
    EXPECT 14, .f3_r
.f3: mov eax, [0x01000000]              ; PDE 4 not present
.f3_r:
    CHECKV EXC_ERR, 0, "not-present PDE: error code 0"
    CHECKV EXC_CR2, 0x01000000, "CR2 for a not-present PDE"
    ; CR0.WP=0: supervisor may write read-only pages
    mov dword [EXC_COUNT], 0
    mov dword [PG_SUPRO], 0x11111111
    mov dword [PG_RO], 0x22222222
    CHECKV EXC_COUNT, 0, "CR0.WP=0: supervisor writes to read-only pages succeed"
    CHECK [PHYS1 + 0x4000], 0x11111111, "the write landed"
    mov eax, cr0
    or eax, 1 << 16                     ; WP
    mov cr0, eax
    EXPECT 14, .f4_r
.f4: mov dword [PG_SUPRO], 0x33333333
.f4_r:
    CHECKV EXC_ERR, 3, "CR0.WP=1: supervisor write to read-only page: error code 3 (P|W)"
    CHECKV EXC_CR2, PG_SUPRO, "CR2"
    CHECK [PHYS1 + 0x4000], 0x11111111, "faulting write not performed"
    EXPECT 14, .f5_r
.f5: mov dword [PG_RO + 8], 0x33333333
.f5_r:
    CHECKV EXC_ERR, 3, "CR0.WP=1: supervisor write to user read-only page faults"
    mov eax, [PG_SUPRO]
    OKMSG "CR0.WP=1: supervisor read of read-only page is fine"
    mov eax, cr0
    and eax, ~(1 << 16)
    mov cr0, eax

    ; ------------------------------------------- invlpg / CR3 reload
    CHECK [PG_REMAP], 0xAAAAAAAA, "PG_REMAP -> phys 0x30000"
    mov dword [PTE(PG_REMAP)], 0x31000 | 7
    invlpg [PG_REMAP]
    CHECK [PG_REMAP], 0xBBBBBBBB, "after PTE change + invlpg: new mapping (phys 0x31000)"
    mov dword [PTE(PG_REMAP)], 0x30000 | 7
    mov eax, cr3
    mov cr3, eax
    CHECK [PG_REMAP], 0xAAAAAAAA, "after PTE change + CR3 reload: new mapping"
    mov dword [PTE(PG_REMAP)], 0
    invlpg [PG_REMAP]
    EXPECT 14, .f6_r
.f6: mov eax, [PG_REMAP]
.f6_r:
    CHECKV EXC_CR2, PG_REMAP, "PTE cleared + invlpg: #PF"

    ; ------------------------------------------- page-crossing accesses
    mov dword [PG_X1 + 0xFFC], 0x44332211
    EXPECT 14, .x1_r
.x1: mov dword [PG_X1 + 0xFFE], 0xDDCCBBAA  ; bytes FFE,FFF ok; 0x406000 not present
.x1_r:
    CHECKV EXC_VEC, 14, "write crossing into a not-present page: #PF"
    CHECKV EXC_CR2, PG_X2, "CR2 = first byte in the second page"
    CHECKV EXC_ERR, 2, "error code 2 (not present, write)"
    CHECKV EXC_EIP, .x1, "saved EIP at the write"
    CHECK [PG_X1 + 0xFFC], 0x44332211, "no partial write to the first page"
    EXPECT 14, .x2_r
    mov ebx, PG_X1 + 0xFFD
.x2: mov eax, [ebx]
.x2_r:
    CHECKV EXC_CR2, PG_X2, "read crossing into a not-present page: CR2 in the second page"
    CHECKV EXC_ERR, 0, "error code 0"

    ; ------------------------------------------- instruction fetch faults
    EXPECT 14, .c1_r
    mov eax, PG_NOCODE
    jmp eax
.c1_r:
    CHECKV EXC_VEC, 14, "jump to a not-present page: #PF"
    CHECKV EXC_CR2, PG_NOCODE, "CR2 = EIP"
    CHECKV EXC_EIP, PG_NOCODE, "saved EIP = target"
    CHECKV EXC_ERR, 0, "error code 0 (no I/D bit without NX/SMEP)"
    mov word [PHYS1 + 0x9FFE], 0x78B8   ; mov eax, imm32 starting 2 bytes before 0x40A000
    EXPECT 14, .c2_r
    mov eax, PG_CODE + 0xFFE
    jmp eax
.c2_r:
    CHECKV EXC_CR2, PG_CODE + 0x1000, "instruction crossing into a not-present page: CR2 = next page"
    CHECKV EXC_EIP, PG_CODE + 0xFFE, "saved EIP = instruction start"

    ; ------------------------------------------- user-mode faults (CPL3)
    mov [saved_esp], esp
    SET_IDT 0x30, back_to_ring0, 0xEE
    push dword UDATA32
    push dword 0x9D000
    push dword 0x3002                   ; IOPL=3 (checks print from ring 3)
    push dword UCODE32
    push dword ring3
    iretd
ring3:
    mov ax, UDATA32
    mov ds, ax
    mov es, ax
    CHECK [PG_RW + 4], 0x12345678, "CPL3: read of a user page"
    EXPECT 14, .u1_r
.u1: mov eax, [PG_SUP]
.u1_r:
    CHECKV EXC_ERR, 5, "CPL3 read of a supervisor page: error code 5 (P|U)"
    CHECKV EXC_CR2, PG_SUP, "CR2"
    CHECKV EXC_CS, UCODE32, "saved CS is the ring-3 CS"
    EXPECT 14, .u2_r
.u2: mov dword [PG_RO], 0
.u2_r:
    CHECKV EXC_ERR, 7, "CPL3 write to a read-only user page: error code 7 (P|W|U)"
    EXPECT 14, .u3_r
.u3: mov eax, [PG_NP]
.u3_r:
    CHECKV EXC_ERR, 4, "CPL3 read of a not-present page: error code 4 (U)"
    EXPECT 14, .u4_r
.u4: mov dword [PG_SUPRO], 0
.u4_r:
    CHECKV EXC_ERR, 7, "CPL3 write to a supervisor read-only page: error code 7"
    int 0x30
back_to_ring0:
    mov ax, KDATA32
    mov ds, ax
    mov es, ax
    mov esp, [saved_esp]

    ; ------------------------------------------- 4 MiB pages
    mov eax, cr4
    or eax, 1 << 4                      ; PSE
    mov cr4, eax
    mov dword [PD + 8], 0x00C00000 | 0x83   ; 0x800000 -> phys 0xC00000, PS|RW|P
    mov dword [PD + 12], 0x00C00000 | 0x83  ; 0xC00000 identity
    mov dword [0xC00010], 0x4D4D4D4D
    CHECK [0x800010], 0x4D4D4D4D, "4 MiB page: 0x800010 -> phys 0xC00010"
    CHECKM [PD + 8], 0x60, 0x20, "4 MiB PDE: A=1 D=0 after a read"
    mov dword [0x9FFFFC], 0x5A5A5A5A
    CHECK [0xDFFFFC], 0x5A5A5A5A, "4 MiB page: offset 0x1FFFFC"
    CHECKM [PD + 8], 0x60, 0x60, "4 MiB PDE: D=1 after a write"
    mov dword [PD + 8], 0x00C00000 | 0x81   ; read-only
    invlpg [0x800000]
    mov eax, cr0
    or eax, 1 << 16
    mov cr0, eax
    EXPECT 14, .p1_r
.p1: mov dword [0xB00000], 1
.p1_r:
    CHECKV EXC_ERR, 3, "read-only 4 MiB page with WP=1: error code 3"
    CHECKV EXC_CR2, 0xB00000, "CR2"
    mov eax, cr0
    and eax, ~(1 << 16)
    mov cr0, eax

    ; ------------------------------------------- self-modifying code
    mov byte [.smc1 + 1], 0x42          ; patch the imm32 of the next instruction
.smc1: mov eax, 0x11
    CHECK eax, 0x42, "SMC: patched immediately-following instruction executes new code"
    mov byte [smc_fn + 1], 0x99
    call smc_fn
    CHECK eax, 0x99, "SMC: patched function executes new code"
    mov byte [smc_fn + 1], 0x77
    call smc_fn
    CHECK eax, 0x77, "SMC: patched again"
    ; instruction crossing a page boundary (0x6FFD..0x7001), patch in both pages
    mov byte [SMCPG + 0xFFD], 0xB8      ; mov eax, imm32
    mov dword [SMCPG + 0xFFE], 0x01020304
    mov byte [SMCPG + 0x1002], 0xC3     ; ret
    mov eax, SMCPG + 0xFFD
    call eax
    CHECK eax, 0x01020304, "cross-page code runs"
    mov byte [SMCPG + 0x1001], 0xA1     ; patch the high byte (second page)
    mov eax, SMCPG + 0xFFD
    call eax
    CHECK eax, 0xA1020304, "SMC in the second page of a cross-page instruction"
    mov byte [SMCPG + 0xFFE], 0xB2      ; patch the low byte (first page)
    mov eax, SMCPG + 0xFFD
    call eax
    CHECK eax, 0xA10203B2, "SMC in the first page of a cross-page instruction"
    ; SMC through a different linear alias of the same physical page
    mov dword [PTE(PG_REMAP)], (SMCPG + 0x1000) | 3
    invlpg [PG_REMAP]
    mov byte [PG_REMAP + 1], 0x55       ; phys 0x7001 via alias 0x407001
    mov eax, SMCPG + 0xFFD
    call eax
    CHECK eax, 0x550203B2, "SMC through a different linear alias"
    PASS

smc_fn:
    mov eax, 0x01
    ret

saved_esp: dd 0
gdt:
    GDT_STANDARD
    DESC TSS0, 0x67, 0x89, 0
gdt_end:
