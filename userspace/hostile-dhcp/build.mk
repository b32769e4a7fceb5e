# hostile-dhcp: a test-only DHCP server with crafted options, for the
# ipconfig boot tests (tests/virtme/test_ipconfig_hostile.sh).  Sources
# live in tests/hostile-dhcp/; it is a test tool, so it goes to build/t/.
HOSTILE_DHCP_SRC := tests/hostile-dhcp/hostile-dhcp.c

UNIT_BINARIES += $(BUILD)/t/hostile-dhcp

$(BUILD)/t/hostile-dhcp: $(HOSTILE_DHCP_SRC)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(HOSTILE_DHCP_SRC)
