# The two commands a newcomer needs: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
DATA ?= $(CURDIR)/var
LISTEN ?= 127.0.0.1:8443
# The operator REST API and the web console (https://127.0.0.1:8444/console/), over TLS.
OPS_LISTEN ?= 127.0.0.1:8444
# App networks (bridges, dnsmasq, nftables, the VMs' taps) live in this namespace, never on the host's
# own interfaces; reach an app with `ip netns exec $(APP_NETNS) curl http://APP-IP/`.
APP_NETNS ?= eve-apps
CONFIG ?= Debug
BIN := Eve.Appliance/bin/$(CONFIG)/net10.0/eve-appliance
TEST_FILTER ?=
# System tests boot the appliance image in QEMU (minutes under TCG): `make test-system`, not `make test`.
# Bench-category tests print figures (console page loads in Chromium) for `make bench`, not `make test`.
SYSTEM_TESTS := TestCategory=System
IMAGE_OUT ?= $(CURDIR)/artifacts/image
RESULTS := $(CURDIR)/artifacts/test-results

.PHONY: setup build run test bench publish clean fuzz faults soak image test-system

setup:
	@scripts/setup

build: setup
	dotnet build eve.appliance.sln -c $(CONFIG) --no-restore -v q -nologo

run: build
	$(BIN) run --data-dir $(DATA) --listen $(LISTEN) --ops-listen $(OPS_LISTEN) --app-netns $(APP_NETNS)

test: build
	@rm -rf $(RESULTS)
	@status=0; dotnet test eve.appliance.sln -c $(CONFIG) --no-build -nologo -v q \
	  --logger "trx" --logger "console;verbosity=minimal" --results-directory $(RESULTS) \
	  --filter "$(if $(TEST_FILTER),($(TEST_FILTER))&)TestCategory!=System&TestCategory!=Bench" || status=$$?; \
	python3 scripts/test-summary.py $(RESULTS) || status=1; exit $$status

bench: build
	scripts/bench

# Coverage-guided fuzzing (SharpFuzz + AFL++): FUZZ_TARGET=all|envelope|config|..., FUZZ_SECONDS per target.
FUZZ_TARGET ?= all
FUZZ_SECONDS ?= 60
fuzz: setup
	scripts/fuzz $(FUZZ_TARGET) $(FUZZ_SECONDS)

# kill -9 of the whole appliance under load, FAULT_ITERATIONS times, plus the disk-full tests.
FAULT_ITERATIONS ?= 100
faults: build
	EVE_FAULT_ITERATIONS=$(FAULT_ITERATIONS) $(MAKE) --no-print-directory test TEST_FILTER="FullyQualifiedName~Eve.Appliance.Tests.Faults"

# The appliance with a VM app and a simulated fleet; RSS/fd/thread growth (SOAK_MINUTES, SOAK_DEVICES).
SOAK_MINUTES ?= 10
SOAK_DEVICES ?= 200
soak: build
	sh images/test-guest/build.sh >/dev/null
	$(BIN) soak --minutes $(SOAK_MINUTES) --devices $(SOAK_DEVICES)

publish: setup
	dotnet publish Eve.Appliance/Eve.Appliance.csproj -c Release -r linux-x64 --self-contained \
	  -p:PublishSingleFile=true -o artifacts/publish

# The bootable disk image (images/appliance/README.md): publish, then build from Debian packages.
image: setup
	dotnet publish Eve.Appliance/Eve.Appliance.csproj -c Release -r linux-x64 --self-contained \
	  -p:PublishSingleFile=true -p:InvariantGlobalization=true -o $(IMAGE_OUT)/publish -nologo -v q
	EVE_BIN=$(IMAGE_OUT)/publish/eve-appliance images/appliance/build.sh $(IMAGE_OUT)

test-system: build image
	@rm -rf $(RESULTS)-system
	@status=0; EVE_IMAGE_DIR=$(IMAGE_OUT) dotnet test eve.appliance.sln -c $(CONFIG) --no-build -nologo -v q \
	  --logger "trx" --logger "console;verbosity=normal" --results-directory $(RESULTS)-system \
	  --filter "$(SYSTEM_TESTS)" || status=$$?; \
	python3 scripts/test-summary.py $(RESULTS)-system || status=1; exit $$status

clean:
	rm -rf artifacts var Eve.Appliance/bin Eve.Appliance/obj Eve.Appliance.Tests/bin Eve.Appliance.Tests/obj
