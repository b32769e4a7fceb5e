# mkroot: root filesystems and images from a spec (included by the top Makefile).

MKROOT_SRC := $(addprefix userspace/mkroot/,main.c spec.c tree.c elf.c cpio.c gzip.c minix.c output.c floppy.c util.c)
MKROOT_HDR := $(addprefix userspace/mkroot/,mkroot.h elf.h spec.h output.h)
MKROOT_LIBS := -lz

PROGRAMS += $(BIN)/mkroot
UNIT_BINARIES += $(BUILD)/t/mkroot $(BUILD)/t/test_mkroot_codecs

$(BIN)/mkroot: $(MKROOT_SRC) $(MKROOT_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -D_DEFAULT_SOURCE $(CFLAGS) -o $@ $(MKROOT_SRC) $(MKROOT_LIBS)

# Sanitizer build, used by the shell test suites.
$(BUILD)/t/mkroot: $(MKROOT_SRC) $(MKROOT_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -D_DEFAULT_SOURCE -O1 -g $(SANITIZE) -o $@ $(MKROOT_SRC) $(MKROOT_LIBS)

# The pure codecs (ELF parser, cpio, MINIX) on synthetic inputs.
$(BUILD)/t/test_mkroot_codecs: tests/unit/test_mkroot_codecs.c tests/unit/tap.h $(MKROOT_SRC) $(MKROOT_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -D_DEFAULT_SOURCE -O1 -g $(SANITIZE) -Iuserspace/mkroot -o $@ tests/unit/test_mkroot_codecs.c \
		$(filter-out userspace/mkroot/main.c,$(MKROOT_SRC)) $(MKROOT_LIBS)
