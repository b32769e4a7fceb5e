# kcmerge: Kconfig fragment merger (included by the top Makefile).
#
# kcmerge links against the target tree's own Kconfig implementation: the
# sources in $(KSRC)/scripts/kconfig are compiled into build/kcmerge/<tree>/
# (parser and lexer generated with bison and flex when the tree ships no
# generated copy).  Nothing of the kernel is copied into this repository.
# The kernel's sources get the kernel's own relaxed host flags; ours stay
# strict (-Werror), with the kernel headers included as system headers.

KCMERGE_KSRC := $(KSRC)
KCMERGE_KDIR := $(KCMERGE_KSRC)/scripts/kconfig
KCMERGE_OBJ := $(BUILD)/kcmerge/$(notdir $(KCMERGE_KSRC))
KCMERGE_SRC := $(addprefix userspace/kcmerge/,main.c fragment.c tree.c explain.c resolve.c suggest.c probe_cache.c)
KCMERGE_HDR := $(addprefix userspace/kcmerge/,kcmerge.h fragment.h)
KCMERGE_LKC := confdata expr menu preprocess symbol util
KCMERGE_LKC_OBJ := $(foreach o,$(KCMERGE_LKC) parser.tab lexer.lex,$(KCMERGE_OBJ)/lkc/$(o).o)
KCMERGE_LKC_CFLAGS := -O2 -g -w -I$(KCMERGE_OBJ)/lkc -I$(KCMERGE_KDIR)
KCMERGE_DEFS = -DKCMERGE_KSRC='"$(KCMERGE_KSRC)"' \
	-DKCMERGE_KVERSION='"$(shell $(TOP)/userspace/kcmerge/kversion.sh $(KCMERGE_KSRC))"'
KCMERGE_CFLAGS = $(CSTD) -D_GNU_SOURCE -isystem $(KCMERGE_KDIR) $(KCMERGE_DEFS) -Wl,--wrap=popen,--wrap=pclose

PROGRAMS += $(BIN)/kcmerge
UNIT_BINARIES += $(BUILD)/t/kcmerge $(BUILD)/t/test_kcmerge_fragment

# The tree must carry the Kconfig implementation kcmerge was written against
# (Linux 5.x/6.x layout: parser.y, lexer.l, preprocess.c, lkc.h).
$(KCMERGE_OBJ)/lkc/.tree-ok: userspace/kcmerge/kversion.sh | $(KCMERGE_KSRC)/Makefile
	@$(TOP)/userspace/kcmerge/kversion.sh --check $(KCMERGE_KSRC)
	@mkdir -p $(@D) && touch $@

# Generated parser and lexer: the tree's copy when it has one.
$(KCMERGE_OBJ)/lkc/parser.tab.c: | $(KCMERGE_OBJ)/lkc/.tree-ok
	@mkdir -p $(@D)
	@if [ -f $(KCMERGE_KDIR)/parser.tab.c ] && [ -f $(KCMERGE_KDIR)/parser.tab.h ]; then \
		cp $(KCMERGE_KDIR)/parser.tab.c $(KCMERGE_KDIR)/parser.tab.h $(@D)/; \
	else \
		bison -o $@ --defines=$(@D)/parser.tab.h -t -l $(KCMERGE_KDIR)/parser.y; \
	fi
$(KCMERGE_OBJ)/lkc/parser.tab.h: $(KCMERGE_OBJ)/lkc/parser.tab.c
$(KCMERGE_OBJ)/lkc/lexer.lex.c: | $(KCMERGE_OBJ)/lkc/.tree-ok
	@mkdir -p $(@D)
	@if [ -f $(KCMERGE_KDIR)/lexer.lex.c ]; then cp $(KCMERGE_KDIR)/lexer.lex.c $@; \
	else flex -o $@ -L $(KCMERGE_KDIR)/lexer.l; fi

# Static pattern rules, and the tree's sources named only in the recipe:
# on a fresh machine the tree is extracted by `make kernel-src` in the same
# make run, after make has cached its directories as missing, so an
# implicit rule searching for $(KCMERGE_KDIR)/%.c would find nothing.  The
# extracted tree never changes (a new one has a new name, so a new
# $(KCMERGE_OBJ)); .tree-ok orders the compile after the extraction.
$(filter-out %/parser.tab.o %/lexer.lex.o,$(KCMERGE_LKC_OBJ)): $(KCMERGE_OBJ)/lkc/%.o: \
		$(KCMERGE_OBJ)/lkc/parser.tab.h | $(KCMERGE_OBJ)/lkc/.tree-ok
	@mkdir -p $(@D)
	@$(CC) $(KCMERGE_LKC_CFLAGS) -c -o $@ $(KCMERGE_KDIR)/$*.c
$(filter %/parser.tab.o %/lexer.lex.o,$(KCMERGE_LKC_OBJ)): $(KCMERGE_OBJ)/lkc/%.o: \
		$(KCMERGE_OBJ)/lkc/%.c $(KCMERGE_OBJ)/lkc/parser.tab.h
	@$(CC) $(KCMERGE_LKC_CFLAGS) -c -o $@ $<

$(KCMERGE_OBJ)/libkconfig.a: $(KCMERGE_LKC_OBJ)
	@rm -f $@ && ar rcs $@ $^

$(BIN)/kcmerge: $(KCMERGE_SRC) $(KCMERGE_HDR) $(KCMERGE_OBJ)/libkconfig.a
	@mkdir -p $(@D)
	$(CC) $(KCMERGE_CFLAGS) $(CFLAGS) -o $@ $(KCMERGE_SRC) $(KCMERGE_OBJ)/libkconfig.a

# Sanitizer build, used by the test suites.
$(BUILD)/t/kcmerge: $(KCMERGE_SRC) $(KCMERGE_HDR) $(KCMERGE_OBJ)/libkconfig.a
	@mkdir -p $(@D)
	$(CC) $(KCMERGE_CFLAGS) -O1 -g $(SANITIZE) -o $@ $(KCMERGE_SRC) $(KCMERGE_OBJ)/libkconfig.a

$(BUILD)/t/test_kcmerge_fragment: tests/kcmerge/test_fragment.c userspace/kcmerge/fragment.c \
		userspace/kcmerge/fragment.h tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) -D_GNU_SOURCE -O1 -g $(SANITIZE) -Iuserspace/kcmerge -o $@ \
		tests/kcmerge/test_fragment.c userspace/kcmerge/fragment.c

.PHONY: kcmerge
kcmerge: $(BIN)/kcmerge
