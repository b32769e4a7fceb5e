# The netboot kernel that UEFI firmware can start (vboot --firmware uefi):
# the monolithic netboot fragments plus efi (EFI stub, ACPI, a built-in
# command line for a boot with no loader).  One variant serves both UEFI
# cases, snponly.efi then an iPXE script, and the kernel as OVMF's own PXE
# boot file, so it costs one cold build.
VARIANTS += efi
efi_BASE := tinyconfig
efi_FRAGMENTS := $(netboot_FRAGMENTS) efi
