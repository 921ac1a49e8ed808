# eligibility — make help lists the targets.
GO       ?= go
BIN      ?= ./eligibility
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X github.com/ovhcloud-tools/eligibility/cli.Version=$(VERSION)
OUT      ?= out
FUZZTIME ?= 20s

.PHONY: help build test demo sandbox bench lint fuzz clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

build: ## build ./eligibility
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

test: ## go vet + every test with the race detector
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 12m ./...

demo: build ## enrich the bundled samples against the embedded sandbox into out/
	@rm -rf $(OUT) && mkdir -p $(OUT)
	@echo "== inspect: how a messy Windows-1252 file is read"
	$(BIN) inspect samples/bal-sample-strasbourg-messy.cp1252.csv
	@echo "== run: 501 Mont-Bonvillers addresses (BAN) -> CSV + XLSX"
	$(BIN) run --sandbox --cache $(OUT)/sandbox-cache.db --progress none \
		samples/ban-legacy-54084-mont-bonvillers.csv -o $(OUT)/mont-bonvillers.csv -o $(OUT)/mont-bonvillers.xlsx
	@echo "== run: BAL sample in Windows-1252 (comes back in Windows-1252)"
	$(BIN) run --sandbox --cache $(OUT)/sandbox-cache.db --progress none \
		samples/bal-sample-strasbourg-messy.cp1252.csv -o $(OUT)/bal-strasbourg.csv -o $(OUT)/bal-strasbourg.xlsx
	@echo "== run: the adresse.data.gouv.fr example"
	$(BIN) run --sandbox --cache $(OUT)/sandbox-cache.db --progress none \
		samples/adresse-data-gouv-exemple-search.csv -o $(OUT)/adresse-data-gouv.csv -o $(OUT)/adresse-data-gouv.xlsx
	@echo "== run again: every answer now comes from the cache (0 API calls)"
	$(BIN) run --sandbox --cache $(OUT)/sandbox-cache.db --progress none \
		samples/ban-legacy-54084-mont-bonvillers.csv -o $(OUT)/mont-bonvillers.jsonl
	@echo "== check: one address, step by step"
	$(BIN) check --sandbox --no-cache --address "3 rue baron d'huart 54111 Mont-Bonvillers"
	@echo "== outputs"; ls -l $(OUT)

sandbox: build ## serve the OVH simulator on 127.0.0.1:8080
	$(BIN) sandbox --addr 127.0.0.1:8080

bench: ## benchmarks and the API-call report (see bench/README)
	BENCH_ROWS=1000000 $(GO) test -run '^$$' -bench 'BenchmarkCSVRead|BenchmarkCountRows' -benchtime 1x ./readers/
	$(GO) test -run '^$$' -bench . -benchmem ./ovhapi/ ./address/ ./store/
	$(GO) test -run '^$$' -bench . -benchtime 1x ./writers/
	BENCH=1 $(GO) test -count=1 -run 'TestBenchReport' -v -timeout 30m ./bench/

lint: ## go vet + gofmt
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

fuzz: ## run every fuzz target for FUZZTIME each
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; done

clean: ## remove build outputs
	rm -rf $(BIN) $(OUT)
