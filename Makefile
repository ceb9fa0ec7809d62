# The two commands of the README: `make run` and `make test`. Both install what is missing first.
BUILD      ?= build
ASAN_BUILD ?= build-asan
DATA_DIR   ?= ./data
JOBS       ?= $(shell nproc)
export CCACHE_DIR ?= $(CURDIR)/.ccache

.PHONY: all deps build asan run test test-release test-asan bench format clean

all: build

deps:
	./scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

# AddressSanitizer + UndefinedBehaviorSanitizer build with clang, which also builds the fuzz targets.
asan: deps
	CC=clang CXX=clang++ cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	    -DSEALBOX_SANITIZE=ON -DSEALBOX_FUZZ=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)

run: build
	$(BUILD)/sealbox --data-dir $(DATA_DIR) serve

test: test-release test-asan

test-release: build
	ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure --timeout 600

test-asan: asan
	ctest --test-dir $(ASAN_BUILD) -j $(JOBS) --output-on-failure --timeout 600

bench: build
	./bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
