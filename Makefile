# One command runs every check the project has: `make test`.
.PHONY: test demo build swift-test tools-test benchmarks-build clean

test: build swift-test tools-test benchmarks-build
	@echo "all checks passed"

# The main job: build the tool, build a demo journal, verify it and query it.
demo:
	scripts/demo.sh

# Debug build of every target and test; our own targets treat warnings as errors.
build:
	swift build --build-tests

swift-test:
	swift test

# The independent Python verifier's own tests (the Swift tests also compare it with the
# Swift verifier).
tools-test:
	python3 -m unittest discover -s Tools -p 'test_*.py'

# The benchmarks are built (so they cannot rot) but not run: see Benchmarks/README.md.
benchmarks-build:
	swift build --package-path Benchmarks

clean:
	rm -rf .build
